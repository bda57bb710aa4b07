"""The seven compositional settings (OMEGA comp_*): train = skill A's and skill B's train items, test = a template
that needs both skills in one problem (the ``*_test`` families of this package).

Source-family pairs follow OMEGA's compositional README; the test templates are designed here (the original
generators for these test sets were never published). Design notes: docs/settings.md.
"""
from __future__ import annotations

from generators.registration import register_setting
from generators.settings import ComposedSetting

LETTER_SHUFFLE = "combinatory_probability_no_specific_letter_fixed"

COMPOSITIONAL_SETTINGS = (
    ComposedSetting(
        name="comp_polynomial_gcd",
        axis="compositional",
        title="Polynomial GCD Composition",
        description="Train: rational roots of polynomials + integer gcd. Test: the Z[x]-gcd of two expanded "
                    "polynomials (shared roots, minimum multiplicities, gcd of contents) evaluated at a point.",
        train_families=("algebra_polynomial_roots", "arithmetic_gcd"),
        test_family="comp_polynomial_gcd_test",
    ),
    ComposedSetting(
        name="comp_n_gon",
        axis="compositional",
        title="N-Gon Composition",
        description="Train: rotated diagonals on a polygon + expected regex-pattern occurrences. Test: segments "
                    "drawn where a random word on the vertices matches a pattern, rotated and superimposed; "
                    "expected number of distinct / common segments.",
        train_families=("geometry_polygon_rotation", "combinatory_pattern_matching"),
        test_family="comp_n_gon_test",
    ),
    ComposedSetting(
        name="comp_circles_algebra",
        axis="compositional",
        title="Circles Algebra Composition",
        description="Train: circle constructions + intersections of composite functions. Test: points shared by a "
                    "constructed circle and the graph of a lin/quad/abs composite function.",
        train_families=("geometry_circle", "algebra_func_intersection"),
        test_family="comp_circles_algebra_test",
    ),
    ComposedSetting(
        name="comp_parametric_intersection",
        axis="compositional",
        title="Parametric Intersection Composition",
        description="Train: letter-shuffle probabilities + function intersections. Test: g depends on K, the "
                    "number of fixed positions of a letter after a shuffle; probability / expectation of the "
                    "number of intersections on [-10, 10].",
        train_families=(LETTER_SHUFFLE, "algebra_func_intersection"),
        test_family="comp_parametric_intersection_test",
    ),
    ComposedSetting(
        name="comp_matrix_rank",
        axis="compositional",
        title="Matrix Rank Composition",
        description="Train: exact matrix rank + letter-draw probabilities. Test: probability that a matrix "
                    "filled row by row from a randomly drawn word has a given rank.",
        train_families=("arithmetic_matrix_rank", LETTER_SHUFFLE),
        test_family="comp_matrix_rank_test",
    ),
    ComposedSetting(
        name="comp_vertex_color",
        axis="compositional",
        title="Vertex Color Composition",
        description="Train: red/blue polygon colourings under rotation + draw probabilities. Test: a colouring "
                    "completed by chips drawn from a bag; probability it can be turned blue-onto-red or is "
                    "rotation-invariant.",
        train_families=("geometry_polygon_color", LETTER_SHUFFLE),
        test_family="comp_vertex_color_test",
    ),
    ComposedSetting(
        name="comp_grid_chips",
        axis="compositional",
        title="Grid Chips Composition",
        description="Train: one-colour-per-line chip puzzles + draw probabilities. Test: chips drawn from a bag "
                    "onto listed cells; probability they obey the rules (and leave room for T chips of a colour).",
        train_families=("logic_puzzles_grid_chip", LETTER_SHUFFLE),
        test_family="comp_grid_chips_test",
    ),
)

for _setting in COMPOSITIONAL_SETTINGS:
    register_setting(_setting)
