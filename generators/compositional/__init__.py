"""Compositional axis: test templates that need two separately trained skills in one problem, their exact
helpers (piecewise polynomials, Sturm counting, bag draws) and the seven comp_* settings (``registrations``)."""
