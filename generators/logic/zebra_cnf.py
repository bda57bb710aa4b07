"""Zebra puzzles, solver 2 (used by ``check``): a CNF encoding solved by DPLL with unit propagation, and
plain enumeration of every assignment for the smallest sizes.

The CNF has one boolean per (category, value, house). Exactly-one constraints say that every item has one
house and every house one value per category; each clue becomes clauses over those booleans. The DPLL
search is written independently of the propagation solver in ``zebra_solver`` (no domain masks, no shared
code) so that agreement between the two is evidence, not repetition.
"""
from __future__ import annotations

from itertools import permutations, product

from generators.logic.zebra_clues import Solution, clue_holds


def encode(clues: list[dict], n: int, m: int) -> tuple[int, list[list[int]]]:
    """``(number of variables, clauses)``; variable of (c, v, h) is ``1 + (c * n + v) * n + h``."""

    def var(item, h: int) -> int:
        return 1 + (item[0] * n + item[1]) * n + h

    clauses: list[list[int]] = []
    for c in range(m):
        for v in range(n):  # item (c, v) sits in exactly one house
            clauses.append([var((c, v), h) for h in range(n)])
            clauses += [[-var((c, v), h1), -var((c, v), h2)] for h1 in range(n) for h2 in range(h1 + 1, n)]
        for h in range(n):  # house h holds exactly one value of category c
            clauses.append([var((c, v), h) for v in range(n)])
            clauses += [[-var((c, v1), h), -var((c, v2), h)] for v1 in range(n) for v2 in range(v1 + 1, n)]
    for clue in clues:
        x, kind = clue["x"], clue["type"]
        if kind == "at":
            clauses.append([var(x, clue["house"])])
            continue
        if kind == "not_at":
            clauses.append([-var(x, clue["house"])])
            continue
        y = clue["y"]
        for h in range(n):
            if kind == "same":
                clauses += [[-var(x, h), var(y, h)], [var(x, h), -var(y, h)]]
            elif kind == "not_same":
                clauses.append([-var(x, h), -var(y, h)])
            elif kind == "left_of":
                clauses.append([-var(x, h)] + ([var(y, h + 1)] if h + 1 < n else []))
                clauses.append([-var(y, h)] + ([var(x, h - 1)] if h >= 1 else []))
            elif kind == "before":
                clauses.append([-var(x, h)] + [var(y, k) for k in range(h + 1, n)])
                clauses.append([-var(y, h)] + [var(x, k) for k in range(h)])
            else:
                gap = 1 if kind == "next_to" else 2
                near = [k for k in (h - gap, h + gap) if 0 <= k < n]
                clauses.append([-var(x, h)] + [var(y, k) for k in near])
                clauses.append([-var(y, h)] + [var(x, k) for k in near])
    return m * n * n, clauses


def count_models_dpll(clues: list[dict], n: int, m: int, limit: int = 2) -> list[Solution]:
    """Up to ``limit`` models, decoded as ``pos[category][value] = house``."""
    nvars, clauses = encode(clues, n, m)
    watch: dict[int, list[int]] = {}  # literal -> indices of the clauses that contain it
    for ci, clause in enumerate(clauses):
        for lit in clause:
            watch.setdefault(lit, []).append(ci)
    # the positive "at least one" clauses; their literals exclude each other, so branching on them is exact
    choice_clauses = [clause for clause in clauses if len(clause) == n > 1 and all(lit > 0 for lit in clause)]
    models: list[Solution] = []

    def value(assign: list[int], lit: int) -> int:
        v = assign[abs(lit)]
        return v if lit > 0 else -v

    def propagate(assign: list[int], queue: list[int]) -> bool:
        while queue:
            lit = queue.pop()
            for ci in watch.get(-lit, ()):  # clauses in which ``lit`` being true falsified a literal
                unassigned = None
                count = 0
                satisfied = False
                for other in clauses[ci]:
                    val = assign[other] if other > 0 else -assign[-other]
                    if val == 1:
                        satisfied = True
                        break
                    if val == 0:
                        count += 1
                        unassigned = other
                if satisfied:
                    continue
                if count == 0:
                    return False
                if count == 1:
                    assign[abs(unassigned)] = 1 if unassigned > 0 else -1
                    queue.append(unassigned)
        return True

    def decode(assign: list[int]) -> Solution:
        pos = [[0] * n for _ in range(m)]
        for c in range(m):
            for v in range(n):
                pos[c][v] = next(h for h in range(n) if assign[1 + (c * n + v) * n + h] == 1)
        return pos

    def search(assign: list[int], queue: list[int]) -> None:
        if not propagate(assign, queue):
            return
        best = None
        for clause in choice_clauses:  # all literals positive: a literal's value is its variable's
            values = [assign[lit] for lit in clause]
            if 1 in values:
                continue
            free = [lit for lit, val in zip(clause, values) if val == 0]
            if not free:
                return
            if best is None or len(free) < len(best):
                best = free
        if best is None:
            if all(any(assign[lit] == 1 if lit > 0 else assign[-lit] == -1 for lit in clause) for clause in clauses):
                models.append(decode(assign))
            return
        for lit in best:
            if len(models) >= limit:
                return
            child = list(assign)
            child[lit] = 1
            search(child, [lit])

    assign = [0] * (nvars + 1)
    units = []
    for clause in clauses:
        if len(clause) == 1:
            lit = clause[0]
            if value(assign, lit) == -1:
                return []
            assign[abs(lit)] = 1 if lit > 0 else -1
            units.append(lit)
    search(assign, units)
    return models


def enumerate_all(clues: list[dict], n: int, m: int, limit: int = 2) -> list[Solution]:
    """Every assignment of a permutation to each category, tested clue by clue (tiny puzzles only)."""
    found: list[Solution] = []
    for combo in product(permutations(range(n)), repeat=m):
        pos = [list(p) for p in combo]
        if all(clue_holds(clue, pos) for clue in clues):
            found.append(pos)
            if len(found) >= limit:
                break
    return found
