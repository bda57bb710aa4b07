"""Compositional-ARC (C-ARC) episodes: 10x10 grid transformations bound to colour, shape and neighbour cues.

Modules, one job each:

* ``grid``       cells, shapes up to translation, touching tests, painting and parsing grids
* ``shapes``     random-walk object shapes and the ten fixed indicator shapes
* ``primitives`` the five transformation types and their exact semantics
* ``config``     the tunable knobs (defaults follow the paper's released data)
* ``split``      the systematicity split: which type-triplets are held out for a split seed
* ``episode``    grammar (triggers + rules) and study / query pair generation
* ``rederive``   recompute an output grid from an input grid and a record's ``params`` (the solver)
* ``gridcheck``  an independent array-based recomputation (the checker)
* ``prompt``     grid encodings and the LLM prompt
* ``export``     ARC-AGI JSON export
* ``render``     coloured terminal rendering (imports rich lazily)
* ``setting``    the registered ``carc`` family and setting
"""
