"""Object shapes: 8-neighbour random-walk shapes (size 1-9) and the ten fixed indicator shapes."""
from __future__ import annotations

import random

from generators.carc.grid import NEIGHBOURS8, Cell, Shape, normalize

MAX_WALK_STEPS = 200  # a walk that has not reached its target size by then keeps the cells it has

# The indicator object's possible shapes: monomino, the two dominoes, the two diagonal pairs,
# the four L-tromino orientations (a 2x2 block minus one corner) and the 2x2 square.
_BLOCK: Shape = ((0, 0), (0, 1), (1, 0), (1, 1))
INDICATOR_SHAPES: tuple[Shape, ...] = (
    ((0, 0),),
    ((0, 0), (0, 1)),
    ((0, 0), (1, 0)),
    ((0, 0), (1, 1)),
    ((0, 1), (1, 0)),
    *(tuple(cell for cell in _BLOCK if cell != missing) for missing in _BLOCK),
    _BLOCK,
)


def random_walk_shape(rng: random.Random, size: int) -> Shape:
    """A connected shape grown by an 8-neighbour random walk until it covers ``size`` distinct cells."""
    if size < 1:
        raise ValueError(f"shape size must be at least 1 (got {size})")
    pos: Cell = (0, 0)
    cells: dict[Cell, None] = {pos: None}  # insertion-ordered: no set iteration touches the output
    steps = 0
    while len(cells) < size and steps < MAX_WALK_STEPS:
        dr, dc = rng.choice(NEIGHBOURS8)
        pos = (pos[0] + dr, pos[1] + dc)
        cells[pos] = None
        steps += 1
    return normalize(cells)


def random_shape(rng: random.Random, max_size: int = 9) -> Shape:
    """A random-walk shape whose target size is uniform on 1..``max_size``."""
    return random_walk_shape(rng, rng.randint(1, max_size))


def random_shape_except(rng: random.Random, excluded: tuple[Shape, ...], max_size: int = 9, tries: int = 100) -> Shape:
    """A random-walk shape different from every shape in ``excluded`` (bounded re-draws)."""
    for _ in range(tries):
        shape = random_shape(rng, max_size)
        if shape not in excluded:
            return shape
    raise RuntimeError(f"no random shape outside {len(excluded)} excluded shapes after {tries} draws")
