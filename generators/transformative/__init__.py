"""Transformative axis: test templates where the trained procedure is intractable and an insight solves them,
their certificates (modular rank, null vectors) and the seven trans_* settings (``registrations``)."""
