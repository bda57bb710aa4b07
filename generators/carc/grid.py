"""Grid geometry for C-ARC: cells, shapes up to translation, touching tests, painting and parsing grids.

A cell is ``(row, col)`` with row 0 at the top and col 0 at the left. An object is a set of cells plus one
colour. A *shape* is an object's cells translated so that its bounding box starts at (0, 0), stored as a
sorted tuple; two objects have the same shape only when these tuples are equal (rotated or reflected
copies are different shapes).
"""
from __future__ import annotations

from collections.abc import Iterable

GRID_SIZE = 10
BACKGROUND = 0

Cell = tuple[int, int]
Shape = tuple[Cell, ...]
Grid = list[list[int]]

NEIGHBOURS8: tuple[Cell, ...] = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0))


def bbox(cells: Iterable[Cell]) -> tuple[int, int, int, int]:
    """(min_row, min_col, max_row, max_col) of a non-empty set of cells."""
    cells = list(cells)
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    return min(rows), min(cols), max(rows), max(cols)


def normalize(cells: Iterable[Cell]) -> Shape:
    """The shape of ``cells``: translated to the top-left corner and sorted."""
    cells = list(cells)
    r0, c0, _, _ = bbox(cells)
    return tuple(sorted((r - r0, c - c0) for r, c in cells))


def shape_size(shape: Shape) -> tuple[int, int]:
    """(height, width) of a normalized shape."""
    _, _, r1, c1 = bbox(shape)
    return r1 + 1, c1 + 1


def place(shape: Shape, row: int, col: int) -> frozenset[Cell]:
    """The cells of ``shape`` with its bounding box's top-left corner at (row, col)."""
    return frozenset((r + row, c + col) for r, c in shape)


def in_bounds(cells: Iterable[Cell], size: int = GRID_SIZE) -> bool:
    return all(0 <= r < size and 0 <= c < size for r, c in cells)


def halo(cells: Iterable[Cell]) -> frozenset[Cell]:
    """``cells`` dilated by the 8-neighbourhood (every cell at Chebyshev distance <= 1)."""
    return frozenset((r + dr, c + dc) for r, c in cells for dr in (-1, 0, 1) for dc in (-1, 0, 1))


def touching(a: Iterable[Cell], b: frozenset[Cell]) -> bool:
    """True when some cell of ``a`` lies within Chebyshev distance 1 of ``b`` (or overlaps it)."""
    return not halo(a).isdisjoint(b)


def is_connected8(cells: Iterable[Cell]) -> bool:
    """True when ``cells`` form one 8-connected group."""
    cells = set(cells)
    if not cells:
        return False
    start = min(cells)
    seen = {start}
    stack = [start]
    while stack:
        r, c = stack.pop()
        for dr, dc in NEIGHBOURS8:
            nxt = (r + dr, c + dc)
            if nxt in cells and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return len(seen) == len(cells)


def paint(objects: Iterable[tuple[Iterable[Cell], int]], size: int = GRID_SIZE) -> Grid:
    """A ``size`` x ``size`` background grid with each (cells, colour) object drawn on it."""
    grid = [[BACKGROUND] * size for _ in range(size)]
    for cells, colour in objects:
        for r, c in cells:
            grid[r][c] = colour
    return grid


def components(grid: Grid) -> list[tuple[frozenset[Cell], int]]:
    """The 8-connected groups of non-background cells, in reading order of their first cell.

    Each group's colour is returned when the group is single-coloured; a mixed group gets colour -1.
    """
    size_r, size_c = len(grid), len(grid[0]) if grid else 0
    seen: set[Cell] = set()
    found: list[tuple[frozenset[Cell], int]] = []
    for r0 in range(size_r):
        for c0 in range(size_c):
            if grid[r0][c0] == BACKGROUND or (r0, c0) in seen:
                continue
            group = {(r0, c0)}
            stack = [(r0, c0)]
            while stack:
                r, c = stack.pop()
                for dr, dc in NEIGHBOURS8:
                    nr, nc = r + dr, c + dc
                    if 0 <= nr < size_r and 0 <= nc < size_c and grid[nr][nc] != BACKGROUND and (nr, nc) not in group:
                        group.add((nr, nc))
                        stack.append((nr, nc))
            seen |= group
            colours = {grid[r][c] for r, c in group}
            found.append((frozenset(group), colours.pop() if len(colours) == 1 else -1))
    return found


def grid_key(grid: Grid) -> tuple[tuple[int, ...], ...]:
    """A hashable copy of a grid (for uniqueness checks)."""
    return tuple(tuple(row) for row in grid)
