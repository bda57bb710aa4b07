"""Full normal forms of instance keys: each symmetry merges, a real difference separates, no key merges answers.

For every key made a full normal form (matrices up to index relabelling or row/column permutations, zebra
puzzles up to renaming values and attributes, grid-chip positions up to line permutations and colour swap,
linear systems up to unknown order, expressions up to associativity), the test builds a copy of generated
instances transformed by that symmetry *here* (not through the family's key), checks the keys are equal and
that the family still gives the same answer, and checks that a genuinely different instance gets another key.
The last test draws a few hundred items per family and asserts that equal keys always mean equal answers.
"""
from __future__ import annotations

import copy
import random
from collections import defaultdict

import pytest

from generators import registry
from generators.arithmetic.expression_tree import evaluate
from generators.canonical_form import (
    CanonicalFormTooHard,
    ColouredGraph,
    canonical_order,
    graph_key,
    matrix_up_to_row_and_column_permutations,
    matrix_up_to_simultaneous_permutation,
)
from generators.family import Reject

SEED = 20161


def _items(name: str, count: int, levels=None, seed: int = SEED) -> list[dict]:
    """``count`` generated params of family ``name`` spread over ``levels`` (default: all)."""
    fam = registry.get_family(name)
    levels = levels or list(fam.level_range)
    rng = random.Random(f"{seed}:{name}")
    out = []
    while len(out) < count:
        level = levels[len(out) % len(levels)]
        try:
            problem = fam.generate(rng, level)
        except Reject:
            continue
        out.append(problem.params)
    return out


def _perm(rng: random.Random, n: int) -> list[int]:
    p = list(range(n))
    rng.shuffle(p)
    return p


def _simultaneous(m, p):
    return [[m[p[i]][p[j]] for j in range(len(m))] for i in range(len(m))]


def _rows_cols(m, p, q):
    return [[m[p[i]][q[j]] for j in range(len(m[0]))] for i in range(len(m))]


def _transpose(m):
    return [list(c) for c in zip(*m)]


def _same_key_and_answer(name: str, a: dict, b: dict) -> None:
    fam = registry.get_family(name)
    assert fam.instance_key(a) == fam.instance_key(b)
    assert fam.solve(a) == fam.solve(b)  # the symmetry really keeps the answer


# ---------------------------------------------------------------- the canonical form itself
def test_canonical_form_of_symmetric_graphs_is_found_and_exact():
    rng = random.Random(1)
    zero = [[0] * 9 for _ in range(9)]  # every vertex a twin: one branch per cell
    assert matrix_up_to_simultaneous_permutation(zero) == zero
    assert matrix_up_to_row_and_column_permutations(zero)["matrix"] == zero
    # a 6-cycle and two triangles: same degrees and colours everywhere, not isomorphic
    cycle = {(i, (i + 1) % 6): 1 for i in range(6)} | {((i + 1) % 6, i): 1 for i in range(6)}
    triangles = {}
    for base in (0, 3):
        for i in range(3):
            u, v = base + i, base + (i + 1) % 3
            triangles[(u, v)] = triangles[(v, u)] = 1
    assert graph_key([0] * 6, cycle) != graph_key([0] * 6, triangles)
    relabel = _perm(rng, 6)
    cycle2 = {(relabel[u], relabel[v]): c for (u, v), c in cycle.items()}
    assert graph_key([0] * 6, cycle2) == graph_key([0] * 6, cycle)
    with pytest.raises(CanonicalFormTooHard):  # the budget is a real limit, not a silent wrong answer
        canonical_order(ColouredGraph([0] * 6, cycle), max_leaves=1)


# ---------------------------------------------------------------- matrices
@pytest.mark.parametrize("name", ["arithmetic_matrix_determinant", "arithmetic_matrix_eigenvalues"])
def test_square_matrix_keys_merge_index_relabelling(name):
    rng = random.Random(2)
    for params in _items(name, 14):
        m = params["matrix"]
        p = _perm(rng, len(m))
        moved = {**params, "matrix": _simultaneous(m, p)}
        if name.endswith("determinant"):
            moved["matrix"] = _transpose(moved["matrix"])
        _same_key_and_answer(name, params, moved)
        changed = copy.deepcopy(params)
        changed["matrix"][0][0] += 1
        if name.endswith("eigenvalues"):
            changed["matrix"][1][0] += 1  # keep it symmetric
            changed["matrix"][0][1] += 1
        assert registry.get_family(name).instance_key(changed) != registry.get_family(name).instance_key(params)


def test_determinant_key_does_not_merge_independent_row_and_column_orders():
    fam = registry.get_family("arithmetic_matrix_determinant")
    m = [[2, 1, 0], [0, 3, 1], [1, 0, 4]]
    swapped = [m[1], m[0], m[2]]  # a row swap alone negates the determinant
    a = {"matrix": m, "matrix_kind": "plain", "modulus": 1000}
    b = {**a, "matrix": swapped}
    assert fam.solve(a) != fam.solve(b)
    assert fam.instance_key(a) != fam.instance_key(b)


@pytest.mark.parametrize("name", ["arithmetic_matrix_rank", "arithmetic_matrix_svd"])
def test_rank_and_svd_keys_merge_row_and_column_permutations(name):
    rng = random.Random(3)
    fam = registry.get_family(name)
    for params in _items(name, 14):
        m = params["matrix"]
        moved = {**params, "matrix": _transpose(_rows_cols(m, _perm(rng, len(m)), _perm(rng, len(m[0]))))}
        _same_key_and_answer(name, params, moved)
        changed = copy.deepcopy(params)
        changed["matrix"][0][0] += 1
        assert fam.instance_key(changed) != fam.instance_key(params)


def test_eigenvalue_key_does_not_merge_independent_permutations():
    fam = registry.get_family("arithmetic_matrix_eigenvalues")
    m = [[5, 1, 0], [1, 2, 3], [0, 3, -1]]
    a = {"matrix": m, "quantity": "max"}
    b = {**a, "matrix": [m[1], m[0], m[2]]}  # rows alone swapped: not similar, not even symmetric
    assert fam.instance_key(a) != fam.instance_key(b)


def test_comp_matrix_rank_key_merges_row_permutations_of_either_matrix():
    name = "comp_matrix_rank_test"
    rng = random.Random(4)
    for params in _items(name, 6):
        moved = copy.deepcopy(params)
        m = moved["A1"]["matrix"]
        moved["A1"]["matrix"] = _rows_cols(m, _perm(rng, len(m)), list(range(len(m[0]))))
        _same_key_and_answer(name, params, moved)
        swapped = {**params, "A1": params["A2"], "A2": params["A1"]}  # ranks swap roles: another instance
        assert registry.get_family(name).instance_key(swapped) != registry.get_family(name).instance_key(params)


# ---------------------------------------------------------------- zebra
def _zebra_renamed(params: dict, rng: random.Random) -> dict:
    """The same puzzle with the attributes reordered, each attribute's values renamed (reordered), the clues
    shuffled and the two sides of every symmetric clue swapped."""
    n, m = params["houses"], len(params["values"])
    pi = _perm(rng, m)  # old category -> new
    sigma = [_perm(rng, n) for _ in range(m)]  # old value -> new, per old category

    def item(it):
        return [pi[it[0]], sigma[it[0]][it[1]]]

    out = copy.deepcopy(params)
    out["categories"] = [None] * m
    out["values"] = [[None] * n for _ in range(m)]
    for c in range(m):
        out["categories"][pi[c]] = params["categories"][c]
        for v in range(n):
            out["values"][pi[c]][sigma[c][v]] = params["values"][c][v]
    clues = []
    for clue in params["clues"]:
        new = dict(clue, x=item(clue["x"]))
        if "y" in clue:
            new["y"] = item(clue["y"])
            if clue["type"] in ("same", "not_same", "next_to", "one_between"):
                new["x"], new["y"] = new["y"], new["x"]
        clues.append(new)
    rng.shuffle(clues)
    out["clues"] = clues
    out["item"] = item(params["item"])
    if params["ask"] == "option":
        out["category"] = pi[params["category"]]
        out["options"] = [sigma[params["category"]][v] for v in params["options"]]
    return out


def test_zebra_key_merges_value_and_attribute_renaming():
    name = "logic_zebralogic"
    fam = registry.get_family(name)
    rng = random.Random(5)
    for params in _items(name, 12, levels=[1, 2, 3]):
        _same_key_and_answer(name, params, _zebra_renamed(params, rng))
        # a real difference: another item asked, or one clue fewer
        other_item = copy.deepcopy(params)
        other_item["item"] = [params["item"][0], (params["item"][1] + 1) % params["houses"]]
        assert fam.instance_key(other_item) != fam.instance_key(params)
        fewer = {**params, "clues": params["clues"][1:]}
        assert fam.instance_key(fewer) != fam.instance_key(params)
        if params["ask"] == "option":  # the options listed in another order: another answer
            reordered = {**params, "options": params["options"][::-1]}
            assert fam.instance_key(reordered) != fam.instance_key(params)


# ---------------------------------------------------------------- grid chip
def _chips_moved(chips, side, p, q, transpose, swap_colours):
    other = {"black": "white", "white": "black"}
    out = []
    for r, c, colour in chips:
        r2, c2 = p[r - 1] + 1, q[c - 1] + 1
        if transpose:
            r2, c2 = c2, r2
        out.append([r2, c2, other[colour] if swap_colours else colour])
    return sorted(out)


def test_grid_chip_key_merges_line_permutations_and_colour_swap():
    name = "logic_puzzles_grid_chip"
    fam = registry.get_family(name)
    rng = random.Random(6)
    separated = 0
    for params in _items(name, 20):
        side = params["side"]
        swap = rng.random() < 0.5
        moved = {**params, "chips": _chips_moved(params["chips"], side, _perm(rng, side), _perm(rng, side),
                                                   rng.random() < 0.5, swap)}
        if swap and "target" in params:
            moved["target"] = {"black": "white", "white": "black"}[params["target"]]
        _same_key_and_answer(name, params, moved)
        fewer = {**params, "chips": params["chips"][1:]}
        assert fam.instance_key(fewer) != fam.instance_key(params)
        if "target" in params:
            other_target = {**params, "target": {"black": "white", "white": "black"}[params["target"]]}
            # the other colour asked is another instance, unless the position is its own colour-swapped image
            if fam.instance_key(other_target) == fam.instance_key(params):
                assert fam.solve(other_target) == fam.solve(params)
            else:
                separated += 1
    assert separated >= 5


def test_comp_grid_chips_key_merges_line_permutations():
    name = "comp_grid_chips_test"
    rng = random.Random(7)
    for params in _items(name, 6):
        side = params["side"]
        moved = {**params, "chips": _chips_moved(params["chips"], side, _perm(rng, side), _perm(rng, side),
                                                   True, False)}
        _same_key_and_answer(name, params, moved)
        flipped = {**params, "first": params["second"], "second": params["first"]}
        assert registry.get_family(name).instance_key(flipped) != registry.get_family(name).instance_key(params)


# ---------------------------------------------------------------- linear systems
def test_linear_system_key_merges_unknown_order_equation_order_and_multiples():
    name = "algebra_linear_equation"
    fam = registry.get_family(name)
    rng = random.Random(8)
    for params in _items(name, 15):
        k = len(params["matrix"])
        q = _perm(rng, k)  # new column j holds old unknown q[j]
        rows = _perm(rng, k)
        matrix = [[params["matrix"][r][q[j]] for j in range(k)] for r in rows]
        rhs = [params["rhs"][r] for r in rows]
        factor = rng.choice([-3, -1, 2])
        matrix[0] = [factor * c for c in matrix[0]]
        rhs[0] *= factor
        moved = {**params, "matrix": matrix, "rhs": rhs, "ask": q.index(params["ask"]),
                 "unknowns": [params["unknowns"][j] for j in q]}
        _same_key_and_answer(name, params, moved)
        other_ask = {**params, "ask": (params["ask"] + 1) % k}
        changed_rhs = {**params, "rhs": [params["rhs"][0] + 1, *params["rhs"][1:]]}
        for other in (other_ask, changed_rhs):
            assert fam.instance_key(other) != fam.instance_key(params)


# ---------------------------------------------------------------- expressions
def _reassociated(tree, rng: random.Random):
    """The same value: + and × operands swapped at random, (a∘b)∘c rotated to a∘(b∘c),
    a−(b−c) as (a−b)+c."""
    if not isinstance(tree, list):
        return tree
    op, a, b = tree[0], _reassociated(tree[1], rng), _reassociated(tree[2], rng)
    if op in "+*" and isinstance(a, list) and a[0] == op and rng.random() < 0.7:
        return [op, a[1], _reassociated([op, a[2], b], rng)]
    if op == "-" and isinstance(b, list) and b[0] == "-" and rng.random() < 0.7:
        return ["+", ["-", a, b[1]], b[2]]
    if op in "+*" and rng.random() < 0.5:
        a, b = b, a
    return [op, a, b]


def test_expression_key_merges_associativity_and_commutativity():
    name = "arithmetic_mixed"
    fam = registry.get_family(name)
    rng = random.Random(9)
    checked = 0
    for params in _items(name, 40):
        moved_tree = _reassociated(params["tree"], rng)
        env = {}
        for d in params["definitions"]:
            env[d["name"]] = evaluate(d["tree"], env)
        assert evaluate(moved_tree, env) == evaluate(params["tree"], env)
        moved = {**params, "tree": moved_tree}
        assert fam.instance_key(moved) == fam.instance_key(params)
        checked += moved_tree != params["tree"]
        # a leaf changed: another instance
        leafy = copy.deepcopy(params)
        node = leafy["tree"]
        while isinstance(node[2], list):
            node = node[2]
        if isinstance(node[2], int):
            node[2] += 1
            assert fam.instance_key(leafy) != fam.instance_key(params)
    assert checked >= 20
    a = {"tree": ["-", 3, 5], "definitions": [], "expression": "", "definition_texts": []}
    b = {**a, "tree": ["-", 5, 3]}
    c = {**a, "tree": ["+", ["*", 2, 3], 4]}
    d = {**a, "tree": ["*", 2, ["+", 3, 4]]}
    e = {**a, "tree": ["+", ["-", 1, 2], 3]}
    f = {**a, "tree": ["-", 1, ["-", 2, 3]]}
    assert fam.instance_key(a) != fam.instance_key(b)  # subtraction does not commute
    assert fam.instance_key(c) != fam.instance_key(d)  # no distributivity merging
    assert fam.instance_key(e) == fam.instance_key(f)  # 1 - 2 + 3 = 1 - (2 - 3)


# ---------------------------------------------------------------- equal keys imply equal answers
SAFETY_FAMILIES = {
    "arithmetic_matrix_determinant": 300, "arithmetic_matrix_rank": 300, "arithmetic_matrix_eigenvalues": 120,
    "arithmetic_matrix_svd": 120, "logic_zebralogic": 150, "logic_puzzles_grid_chip": 400,
    "algebra_linear_equation": 300, "arithmetic_mixed": 400, "comp_grid_chips_test": 60, "comp_matrix_rank_test": 40,
}


@pytest.mark.parametrize("name", sorted(SAFETY_FAMILIES))
def test_equal_keys_imply_equal_answers(name):
    """Generated items at the lowest levels (where instances repeat) plus a transformed copy of some: any two
    with one key have one gold answer."""
    fam = registry.get_family(name)
    levels = list(fam.level_range)[:2]
    answers: dict[str, set] = defaultdict(set)
    repeats = 0
    for params in _items(name, SAFETY_FAMILIES[name], levels=levels, seed=SEED + 1):
        key = fam.instance_key(params)
        repeats += key in answers
        answers[key].add(str(fam.solve(params)))
    merged = {k: v for k, v in answers.items() if len(v) > 1}
    assert not merged, f"{len(merged)} keys hold different answers, e.g. {next(iter(merged.values()))}"
    assert answers
