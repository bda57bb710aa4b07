"""Shared pieces of the grid-world logic families: the coordinate convention, cell lists, lattice counts.

Every grid family states the same convention in its question: a grid of ``W`` columns and ``H`` rows,
cells written ``(x, y)`` with ``x`` the column (0 at the left, ``W - 1`` at the right) and ``y`` the row
(0 at the bottom, ``H - 1`` at the top). Keeping the wording and the helpers in one place keeps the axes
consistent between the question text, ``solve`` and ``check`` (the original knight generator swapped them).
"""
from __future__ import annotations

import random
from collections.abc import Iterable

Cell = tuple[int, int]


def coordinate_convention(width: int, height: int) -> str:
    """The sentence that fixes the axes of a ``width`` x ``height`` grid."""
    return (
        f"A grid has {width} columns and {height} rows. A cell is written (x, y), where x is its column "
        f"(0 at the far left, {width - 1} at the far right) and y is its row (0 at the bottom, "
        f"{height - 1} at the top)."
    )


def format_cells(cells: Iterable[Cell]) -> str:
    """Cells as ``(x, y)`` pairs in sorted order, comma separated."""
    return ", ".join(f"({x}, {y})" for x, y in sorted(cells))


def cells_to_params(cells: Iterable[Cell]) -> list[list[int]]:
    """Sorted JSON-friendly ``[[x, y], ...]``."""
    return [[x, y] for x, y in sorted(cells)]


def cells_from_params(raw: Iterable[Iterable[int]]) -> frozenset[Cell]:
    return frozenset((int(c[0]), int(c[1])) for c in raw)


def sample_cells(rng: random.Random, width: int, height: int, count: int, exclude: Iterable[Cell]) -> set[Cell]:
    """``count`` distinct cells of the grid, none of them in ``exclude`` (drawn in a fixed cell order)."""
    banned = set(exclude)
    pool = [(x, y) for x in range(width) for y in range(height) if (x, y) not in banned]
    if count > len(pool):
        raise ValueError(f"cannot pick {count} cells from {len(pool)} free cells")
    return set(rng.sample(pool, count))


def in_grid(cell: Cell, width: int, height: int) -> bool:
    return 0 <= cell[0] < width and 0 <= cell[1] < height
