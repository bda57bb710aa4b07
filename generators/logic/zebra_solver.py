"""Zebra puzzles, solver 1: house-domain propagation with backtracking (used by ``solve`` and generation).

Every item (category, value) keeps a bitmask of the houses it may still occupy. Propagation applies each
clue as a domain filter (shifted masks for the spatial clues, bounds for "somewhere left of") and, per
category, the all-different rule (a fixed item removes its house from the others; a house left with a
single candidate value fixes that value). The search branches on the item with the fewest houses left.

Propagation is event driven: a clue is re-applied only when one of its two items changed and a category's
all-different rule only when one of its items changed, and a search child starts from its parent's
fixpoint with only the branched item changed. Every filter is monotone (a smaller domain never gets a
larger image) and every contradiction test stays a contradiction on smaller domains, so the fixpoint (and
whether there is a contradiction) does not depend on the order the filters run in.
"""
from __future__ import annotations

from generators.logic.zebra_clues import Solution

_CODES = {"at": 0, "not_at": 1, "same": 2, "not_same": 3, "left_of": 4, "before": 5, "next_to": 6,
          "one_between": 7}


class SearchLimit(Exception):
    """The search visited more nodes than allowed (generation treats the draw as unusable)."""


def compile_clue(clue: dict, n: int) -> tuple[int, int, int, int]:
    """A clue as ``(code, i, j, house)`` with items as indices ``category * n + value`` (``j``/``house`` -1
    where unused)."""
    i = clue["x"][0] * n + clue["x"][1]
    j = clue["y"][0] * n + clue["y"][1] if "y" in clue else -1
    return (_CODES[clue["type"]], i, j, clue.get("house", -1))


def _watch_lists(compiled: list[tuple[int, int, int, int]], size: int) -> list[list[int]]:
    """Per item index, the indices of the compiled clues that mention it, except the one-item clues (``at``,
    ``not_at``): once applied their filter holds on every smaller domain, so they never need to run again."""
    watch: list[list[int]] = [[] for _ in range(size)]
    for ci, clue in enumerate(compiled):
        _watch_clue(watch, ci, clue)
    return watch


def _watch_clue(watch: list[list[int]], ci: int, clue: tuple[int, int, int, int]) -> None:
    code, i, j, _ = clue
    if code > 1:
        watch[i].append(ci)
        if j >= 0 and j != i:
            watch[j].append(ci)


def _propagate(dom: list[int], compiled, watch, n: int, m: int, full: int,
               queue: list[int], dirty: list[bool]) -> bool:
    """Filter ``dom`` in place to a fixpoint; False on a contradiction (an empty domain).

    ``queue`` holds the indices of the clues to apply (each once) and ``dirty`` marks the categories
    whose all-different rule must run; both describe what changed since the last fixpoint.
    """
    queued = [False] * len(compiled)
    for ci in queue:
        queued[ci] = True
    while True:
        while queue:
            ci = queue.pop()
            code, i, j, h = compiled[ci]
            # every filter but "not_same" is idempotent (its output is a fixpoint of itself), so while it
            # runs it stays marked as queued and its own changes do not queue it again
            if code == 3:
                queued[ci] = False
            di = dom[i]
            if code == 0:
                ni = di & (1 << h)
            elif code == 1:
                ni = di & ~(1 << h)
            else:
                dj = dom[j]
                if code == 2:
                    ni = nj = di & dj
                elif code == 3:
                    ni = di & ~dj if dj & (dj - 1) == 0 else di
                    nj = dj & ~di if di & (di - 1) == 0 else dj
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
                    dirty[j // n] = True
                    for w in watch[j]:
                        if not queued[w]:
                            queued[w] = True
                            queue.append(w)
            if ni != di:
                if not ni:
                    return False
                dom[i] = ni
                dirty[i // n] = True
                for w in watch[i]:
                    if not queued[w]:
                        queued[w] = True
                        queue.append(w)
            queued[ci] = False
        for c in range(m):
            if dirty[c]:
                break
        else:
            return True
        dirty[c] = False
        base = c * n
        values = dom[base:base + n]
        fixed = once = twice = 0
        for d in values:
            twice |= once & d
            once |= d
            if d & (d - 1) == 0:
                if fixed & d:
                    return False
                fixed |= d
        if once != full:  # some house has no candidate value left
            return False
        lonely = once & ~twice & ~fixed  # houses with exactly one candidate value, not yet fixed
        if not lonely and fixed == 0:
            continue
        for k, d in enumerate(values, base):
            if d & (d - 1) == 0:
                continue
            hit = d & lonely
            if hit:
                if hit & (hit - 1):  # one value would need two houses
                    return False
                d = hit
            elif d & fixed:
                d &= ~fixed
                if not d:
                    return False
            else:
                continue
            dom[k] = d
            dirty[c] = True
            for w in watch[k]:
                if not queued[w]:
                    queued[w] = True
                    queue.append(w)


def solve_by_propagation(
    clues: list[dict], n: int, m: int, limit: int = 2, max_nodes: int = 200_000
) -> list[Solution]:
    """Up to ``limit`` solutions of the puzzle; raises :class:`SearchLimit` past ``max_nodes`` nodes."""
    return solve_compiled([compile_clue(clue, n) for clue in clues], n, m, limit, max_nodes)


def solve_compiled(
    compiled: list[tuple[int, int, int, int]], n: int, m: int, limit: int = 2, max_nodes: int = 200_000,
    root: list[int] | None = None, watch: list[list[int]] | None = None,
) -> list[Solution]:
    """:func:`solve_by_propagation` on clues from :func:`compile_clue`. ``root``, when given, is the
    propagation fixpoint of these clues from full domains (see :class:`IncrementalRoot`); the search is then
    the same, node for node, without recomputing it. ``watch`` is ``_watch_lists(compiled)`` if known."""
    if watch is None:
        watch = _watch_lists(compiled, n * m)
    full = (1 << n) - 1
    found: list[Solution] = []
    nodes = 0

    def search(dom: list[int], queue: list[int], dirty: list[bool]) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > max_nodes:
            raise SearchLimit(f"more than {max_nodes} search nodes")
        if not _propagate(dom, compiled, watch, n, m, full, queue, dirty):
            return
        best, k = n + 1, -1  # the open item with the fewest houses left (the first such item)
        for idx, d in enumerate(dom):
            if d & (d - 1):
                size = d.bit_count()
                if size < best:
                    best, k = size, idx
                    if size == 2:
                        break
        if k < 0:
            found.append([[dom[c * n + v].bit_length() - 1 for v in range(n)] for c in range(m)])
            return
        d = dom[k]
        while d and len(found) < limit:
            bit = d & -d
            d ^= bit
            child = list(dom)
            child[k] = bit
            dirty = [False] * m
            dirty[k // n] = True
            search(child, list(watch[k]), dirty)

    if root is None:
        search([full] * (n * m), list(range(len(compiled))), [True] * m)
    elif root:  # already a fixpoint: nothing queued (an empty root means the clues contradict each other)
        search(list(root), [], [False] * m)
    else:
        nodes += 1
        if nodes > max_nodes:
            raise SearchLimit(f"more than {max_nodes} search nodes")
    return found


class IncrementalRoot:
    """Clues added one at a time, with the propagation fixpoint of all of them from full domains kept up to
    date: adding a clue only narrows the fixpoint, so it is propagated from the previous fixpoint with just
    the new clue queued (the same fixpoint as from scratch, the filters being monotone)."""

    def __init__(self, n: int, m: int):
        self.n, self.m = n, m
        self.compiled: list[tuple[int, int, int, int]] = []
        self.root: list[int] = [(1 << n) - 1] * (n * m)  # [] once the clues contradict each other
        self.watch: list[list[int]] = [[] for _ in range(n * m)]  # _watch_lists(self.compiled), kept up to date

    def add(self, clue: dict) -> None:
        compiled = compile_clue(clue, self.n)
        ci = len(self.compiled)
        self.compiled.append(compiled)
        _watch_clue(self.watch, ci, compiled)
        if self.root:
            dom = list(self.root)
            ok = _propagate(dom, self.compiled, self.watch, self.n, self.m, (1 << self.n) - 1, [ci],
                            [False] * self.m)
            self.root = dom if ok else []

    def solutions(self, limit: int = 2, max_nodes: int = 200_000) -> list[Solution]:
        return solve_compiled(self.compiled, self.n, self.m, limit, max_nodes, root=self.root, watch=self.watch)
