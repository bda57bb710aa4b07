"""comp_matrix_rank_test: the expected rank of a matrix chosen by a shuffle event (rank + letter probability).

Skill A (arithmetic_matrix_rank): the exact rank of a small integer matrix. Skill B
(combinatory_probability_no_specific_letter_fixed): the probability p that, after a word drawn from a multiset is
shuffled, no position that held a chosen letter still holds it. The test gives two matrices A1 and A2 drawn by
skill A's own generator and a word experiment drawn by skill B's own generator (at the matching levels: test
level L uses level L of both, so levels 1-2 are exactly the training distributions), and asks for the expected
rank of A = A1 if the event happens and A2 otherwise:

    E[rank A] = p rank(A1) + (1 - p) rank(A2),   answered as m + n for m/n in lowest terms.

Both skills are needed: rank(A1) != rank(A2), so p matters, and p is not 0 or 1, so both ranks matter. Items
are drawn again when the answer equals that of a one-skill shortcut: full rank (n) or inner dimension taken for
either matrix, the rank counted as distinct non-zero rows/columns, p replaced by 1/2 or by 1 - p, or the
probability alone.

solve: skill A's solve (FLINT exact rank) for both ranks and skill B's solve route (enumeration of the
position permutations) for p.
check: skill A's check route (sympy DomainMatrix rank over QQ) and skill B's check route (sequential draws with
the closed-form shuffle probability).
"""
from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations
from typing import Any

from generators.arithmetic.matrix_common import format_matrix
from generators.combinatorics.letter_multiset import canonical_letter_key, render_multiset
from generators.combinatorics.shuffle_events import probability_by_formula, probability_by_permutations
from generators.canonical_form import matrix_lines_key
from generators.family import Family, Problem, Reject
from generators.instance_key import canonical_json
from generators.registration import register_family

RESERVED_LETTERS = frozenset("mn")  # the answer form names m and n
MATRIX_FAMILY = "arithmetic_matrix_rank"
LETTER_FAMILY = "combinatory_probability_no_specific_letter_fixed"

_SETUP = (
    "Let A1 = {a1} and A2 = {a2}. A word of {length} letters is formed by drawing letters at random, without "
    "replacement, from the multiset {multiset} (every remaining letter equally likely at each draw), in the order "
    "drawn; then the word is shuffled by rearranging its {length} positions with a uniformly random permutation. "
    "If none of the positions that held the letter '{x}' before the shuffle still holds '{x}' after it (a word "
    "with no '{x}' counts as this case), let A = A1; otherwise let A = A2. What is the expected value of the rank "
    "of A (over the rational numbers)? Write it as m/n with m and n coprime positive integers and give m + n."
)


def bareiss_rank(m: list[list[int]]) -> int:
    """Rank of an integer matrix by fraction-free elimination with row and column pivot search."""
    a = [list(row) for row in m]
    rows, cols = len(a), len(a[0]) if a else 0
    rank, prev = 0, 1
    for col in range(cols):
        piv = next((r for r in range(rank, rows) if a[r][col] != 0), None)
        if piv is None:
            continue
        a[rank], a[piv] = a[piv], a[rank]
        p = a[rank][col]
        for r in range(rank + 1, rows):
            arc = a[r][col]
            a[r] = [(x * p - arc * y) // prev for x, y in zip(a[r], a[rank])]
        prev = p
        rank += 1
        if rank == rows:
            break
    return rank


def _det(m: list[list[int]]) -> int:
    """Determinant by cofactor expansion along the first row (small orders only)."""
    if len(m) == 1:
        return m[0][0]
    if len(m) == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return sum((-1) ** j * m[0][j] * _det([row[:j] + row[j + 1:] for row in m[1:]]) for j in range(len(m)) if m[0][j])


def minor_rank(m: list[list[int]]) -> int:
    """Largest k with a non-zero k x k minor (3 x 3 and 2 x c spelled out, general orders by cofactors)."""
    rows, cols = len(m), len(m[0])
    if rows == cols == 3:
        (a, b, c), (d, e, f), (g, h, i) = m
        if a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g):
            return 3
        if (a * e - b * d or a * f - c * d or b * f - c * e or a * h - b * g or a * i - c * g or b * i - c * h
                or d * h - e * g or d * i - f * g or e * i - f * h):
            return 2
        return 1 if any(v for row in m for v in row) else 0
    if rows == 2:
        top, bot = m
        if any(top[x] * bot[y] - top[y] * bot[x] for x in range(cols) for y in range(x + 1, cols)):
            return 2
        return 1 if any(top) or any(bot) else 0
    for k in range(min(rows, cols), 0, -1):
        for rs in combinations(range(rows), k):
            for cs in combinations(range(cols), k):
                if _det([[m[r][c] for c in cs] for r in rs]):
                    return k
    return 0


def _mn(v: Fraction) -> int:
    return v.numerator + v.denominator


def expected_rank(p: Fraction, r1: int, r2: int) -> Fraction:
    return p * r1 + (1 - p) * r2


def distinct_lines_rank(m: list[list[int]]) -> int:
    """The counting shortcut: rank taken as min(#distinct non-zero rows, #distinct non-zero columns)."""
    return min(len({tuple(r) for r in m if any(r)}), len({tuple(c) for c in zip(*m) if any(c)}))


def shortcut_answers(p: Fraction, r1: int, r2: int, n: int, inner1: int, inner2: int,
                     lines1: int | None = None, lines2: int | None = None) -> set[int]:
    """m + n of the one-skill shortcuts listed in the module docstring."""
    out = {_mn(p), _mn(1 - p), r1 + 1, r2 + 1}
    for q in (p, 1 - p, Fraction(1, 2)):
        for g1 in {r1, n, inner1, lines1 if lines1 is not None else r1}:
            for g2 in {r2, n, inner2, lines2 if lines2 is not None else r2}:
                if q != p or (g1, g2) != (r1, r2):
                    out.add(_mn(expected_rank(q, g1, g2)))
    return out


def _get(name: str):
    from generators.registry import get_family

    return get_family(name)


@register_family
class WordMatrixRank(Family):
    name = "comp_matrix_rank_test"
    axis = "compositional"
    domain = "arithmetic"
    description = "Expected rank of a matrix chosen by a letter-shuffle event (matrix rank + shuffle probability)"
    answer_type = "int"
    version = "2"
    test_items = 20  # items per level in the generic default test; 200 per level run under -m slow
    # test level -> (arithmetic_matrix_rank level, letter-shuffle level)
    levels = {
        1: {"matrix_level": 1, "letter_level": 1},
        2: {"matrix_level": 2, "letter_level": 2},
        3: {"matrix_level": 3, "letter_level": 3},
        4: {"matrix_level": 4, "letter_level": 4},
        5: {"matrix_level": 5, "letter_level": 5},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        mat_fam, let_fam = _get(MATRIX_FAMILY), _get(LETTER_FAMILY)
        a1 = mat_fam.generate(rng, kn["matrix_level"]).params
        a2 = mat_fam.generate(rng, kn["matrix_level"]).params
        r1, r2 = mat_fam.solve(a1), mat_fam.solve(a2)
        if r1 == r2:
            raise Reject("equal ranks: the probability would not matter")
        word = let_fam.generate(rng, kn["letter_level"]).params
        if RESERVED_LETTERS & set(word["letters"]):
            raise Reject("a letter would clash with the m/n answer form")
        p = probability_by_permutations(word["letters"], word["length"], word["event"])
        n = len(a1["matrix"])
        answer = _mn(expected_rank(p, r1, r2))
        if answer in shortcut_answers(p, r1, r2, n, a1["inner_dimension"], a2["inner_dimension"],
                                      distinct_lines_rank(a1["matrix"]), distinct_lines_rank(a2["matrix"])):
            raise Reject("a one-skill shortcut gives the same answer")
        x = word["event"]["letter"]
        question = _SETUP.format(a1=format_matrix(a1["matrix"]), a2=format_matrix(a2["matrix"]),
                                 length=word["length"], multiset=render_multiset(word["letters"]), x=x)
        params = {"A1": a1, "A2": a2, "letters": word["letters"], "length": word["length"], "event": word["event"]}
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        q = params
        word = canonical_letter_key({"letters": q["letters"], "length": q["length"], "event": q["event"]})
        # each matrix up to transposition and row/column permutations (its rank is all that is used)
        a1, a2 = (canonical_json(matrix_lines_key(q[a]["matrix"])) for a in ("A1", "A2"))
        return f"{self.name}|{a1}|{a2}|{word}"

    def solve(self, params: dict[str, Any]) -> int:
        mat_fam = _get(MATRIX_FAMILY)
        p = probability_by_permutations(params["letters"], params["length"], params["event"])
        return _mn(expected_rank(p, mat_fam.solve(params["A1"]), mat_fam.solve(params["A2"])))

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        from sympy import QQ, ZZ
        from sympy.polys.matrices import DomainMatrix

        ranks = [DomainMatrix.from_list(params[k]["matrix"], ZZ).convert_to(QQ).rank() for k in ("A1", "A2")]
        p = probability_by_formula(params["letters"], params["length"], params["event"])
        return isinstance(answer, int) and 0 < p < 1 and ranks[0] != ranks[1] and \
            answer == _mn(expected_rank(p, ranks[0], ranks[1]))
