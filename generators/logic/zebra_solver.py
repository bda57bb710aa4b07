"""Zebra puzzles, solver 1: house-domain propagation with backtracking (used by ``solve`` and generation).

Every item (category, value) keeps a bitmask of the houses it may still occupy. Propagation applies each
clue as a domain filter (shifted masks for the spatial clues, bounds for "somewhere left of") and, per
category, the all-different rule (a fixed item removes its house from the others; a house left with a
single candidate value fixes that value). The search branches on the item with the fewest houses left.
"""
from __future__ import annotations

from generators.logic.zebra_clues import Solution

_CODES = {"at": 0, "not_at": 1, "same": 2, "not_same": 3, "left_of": 4, "before": 5, "next_to": 6,
          "one_between": 7}


class SearchLimit(Exception):
    """The search visited more nodes than allowed (generation treats the draw as unusable)."""


def _compile(clues: list[dict], n: int) -> list[tuple[int, int, int, int]]:
    out = []
    for clue in clues:
        i = clue["x"][0] * n + clue["x"][1]
        j = clue["y"][0] * n + clue["y"][1] if "y" in clue else -1
        out.append((_CODES[clue["type"]], i, j, clue.get("house", -1)))
    return out


def _single(mask: int) -> bool:
    return mask != 0 and mask & (mask - 1) == 0


def _propagate(dom: list[int], compiled, n: int, m: int, full: int) -> bool:
    """Filter ``dom`` in place to a fixpoint; False on a contradiction (an empty domain)."""
    changed = True
    while changed:
        changed = False
        for code, i, j, h in compiled:
            di = dom[i]
            if code == 0:
                ni, nj = di & (1 << h), None
            elif code == 1:
                ni, nj = di & ~(1 << h), None
            else:
                dj = dom[j]
                if code == 2:
                    ni = nj = di & dj
                elif code == 3:
                    ni = di & ~dj if _single(dj) else di
                    nj = dj & ~di if _single(di) else dj
                elif code == 4:
                    ni, nj = di & (dj >> 1), dj & (di << 1) & full
                elif code == 5:
                    ni = di & ((1 << (dj.bit_length() - 1)) - 1) if dj else 0
                    nj = dj & ~((1 << ((di & -di).bit_length())) - 1) if di else 0
                elif code == 6:
                    ni = di & ((dj << 1) | (dj >> 1)) & full
                    nj = dj & ((di << 1) | (di >> 1)) & full
                else:
                    ni = di & ((dj << 2) | (dj >> 2)) & full
                    nj = dj & ((di << 2) | (di >> 2)) & full
                if nj != dj:
                    if not nj:
                        return False
                    dom[j] = nj
                    changed = True
            if ni != di:
                if not ni:
                    return False
                dom[i] = ni
                changed = True
        for c in range(m):
            base = c * n
            fixed = once = twice = 0
            for v in range(n):
                d = dom[base + v]
                twice |= once & d
                once |= d
                if _single(d):
                    if fixed & d:
                        return False
                    fixed |= d
            if once != full:  # some house has no candidate value left
                return False
            lonely = once & ~twice & ~fixed  # houses with exactly one candidate value, not yet fixed
            for v in range(n):
                d = dom[base + v]
                if _single(d):
                    continue
                hit = d & lonely
                if hit:
                    if not _single(hit):  # one value would need two houses
                        return False
                    dom[base + v] = hit
                    changed = True
                elif d & fixed:
                    d &= ~fixed
                    if not d:
                        return False
                    dom[base + v] = d
                    changed = True
    return True


def solve_by_propagation(
    clues: list[dict], n: int, m: int, limit: int = 2, max_nodes: int = 200_000
) -> list[Solution]:
    """Up to ``limit`` solutions of the puzzle; raises :class:`SearchLimit` past ``max_nodes`` nodes."""
    compiled = _compile(clues, n)
    full = (1 << n) - 1
    found: list[Solution] = []
    nodes = 0

    def search(dom: list[int]) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > max_nodes:
            raise SearchLimit(f"more than {max_nodes} search nodes")
        if not _propagate(dom, compiled, n, m, full):
            return
        open_items = [(bin(d).count("1"), k) for k, d in enumerate(dom) if not _single(d)]
        if not open_items:
            found.append([[dom[c * n + v].bit_length() - 1 for v in range(n)] for c in range(m)])
            return
        _, k = min(open_items)
        d = dom[k]
        while d and len(found) < limit:
            bit = d & -d
            d ^= bit
            child = list(dom)
            child[k] = bit
            search(child)

    search([full] * (n * m))
    return found
