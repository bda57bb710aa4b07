"""C-ARC grids: safe parsing, strict/flex extraction, exact / colour / shape metrics."""
from __future__ import annotations

from verifiers import equivalent, verify
from verifiers.grid import colours, extract_flex, extract_strict, metrics, parse_grid, shapes

GOLD = [[0] * 10 for _ in range(10)]
GOLD[1][1] = GOLD[2][2] = 3  # a diagonal domino (8-connected)
GOLD[6][6] = GOLD[6][7] = GOLD[7][6] = 5  # an L-tromino


def test_parser_is_strict_and_safe():
    assert parse_grid("[[1, 2], [3, 4]]") == [[1, 2], [3, 4]]
    assert parse_grid("[[1,2,],[3,4],]") == [[1, 2], [3, 4]]
    assert parse_grid("[[1, 2], [3]]") is None  # ragged
    assert parse_grid("[[1, 2], [3, __import__('os')]]") is None
    assert parse_grid("[[1, 2]] extra") is None
    assert parse_grid("[[]]") is None
    assert parse_grid("[[[1]]]") is None
    assert parse_grid("[" + "[1]," * 200 + "]") is None  # more rows than the size guard


def test_shapes_use_8_connectivity_and_ignore_colour_and_position():
    g = [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    h = [[0, 0, 0], [0, 7, 0], [0, 0, 7]]
    assert shapes(g) == shapes(h)
    assert colours(g) != colours(h)
    assert shapes([[1, 0, 1]]) == frozenset({frozenset({(0, 0)})})  # two monominoes -> one shape in the set


def test_metrics():
    moved = [row[:] for row in GOLD]
    moved[1][1] = moved[2][2] = 0
    moved[3][3] = moved[4][4] = 3  # same shape and colour, other place
    assert metrics(moved, GOLD) == {"exact": False, "color": True, "shape": True, "parsed": True}
    recoloured = [[4 if c == 3 else c for c in row] for row in GOLD]
    assert metrics(recoloured, GOLD) == {"exact": False, "color": False, "shape": True, "parsed": True}
    assert metrics(GOLD, GOLD) == {"exact": True, "color": True, "shape": True, "parsed": True}
    assert metrics([[0]], GOLD)["parsed"] is False


def test_extraction_rules():
    text = "Looking at [[9]] first.\nOutput: ```\n[[1, 2],\n [3, 4]]\n``` and then [[5, 6], [7, 8]]"
    assert extract_strict(text) == "[[1, 2],\n [3, 4]]"
    assert extract_flex(text) == "[[5, 6], [7, 8]]"
    assert extract_strict("no marker [[1]]") is None


def test_verify_grid_record():
    record = {"answer": GOLD, "answer_type": "grid"}
    v = verify("output: " + str(GOLD), record)
    assert v.correct and v.grid == {"exact": True, "color": True, "shape": True, "parsed": True}
    assert v.strict.extraction == "output_marker" and v.strict.parsed == GOLD
    v = verify(str(GOLD), record)
    assert not v.correct and v.strict.reason == "no answer" and v.flex.correct
    v = verify("output: [[1, 2], [3, 4]]", record)
    assert v.strict.reason == "shape mismatch" and v.grid["parsed"] is False
    assert equivalent(str(GOLD), GOLD, "grid")
