"""The seven transformative settings (OMEGA trans_*): train = a familiar family's train items, test = a template
where that family's procedure is intractable or misleading and an insight solves it (the ``*_test`` families).

Trained families follow OMEGA's transformative README; the test templates are designed here (the original
generators were never published). Design notes: docs/settings.md.
"""
from __future__ import annotations

from generators.registration import register_setting
from generators.settings import ComposedSetting

TRANSFORMATIVE_SETTINGS = (
    ComposedSetting(
        name="trans_matrix_rank",
        axis="transformative",
        title="Transformative Matrix Rank",
        description="Train: row-reduce small explicit matrices. Test: rank of 8x8 to 150x150 formula-defined "
                    "matrices (polynomial entries, periodic/circulant, classic nonsingular) from their structure.",
        train_families=("arithmetic_matrix_rank",),
        test_family="trans_matrix_rank_test",
    ),
    ComposedSetting(
        name="trans_func_intersection",
        axis="transformative",
        title="Transformative Function Intersection",
        description="Train: count intersections of shallow composite functions. Test: deeply nested |.| functions "
                    "with up to 2^8 pieces; unwind backwards or count the branches.",
        train_families=("algebra_func_intersection",),
        test_family="trans_func_intersection_test",
    ),
    ComposedSetting(
        name="trans_de_moivre",
        axis="transformative",
        title="Transformative De Moivre",
        description="Train: rational roots of polynomials. Test: roots of unity and of z^n = w - products over "
                    "roots, root regions, power sums, cosine sums - where rational roots do not exist.",
        train_families=("algebra_polynomial_roots",),
        test_family="trans_de_moivre_test",
    ),
    ComposedSetting(
        name="trans_prob_letter",
        axis="transformative",
        title="Transformative Probability Letter",
        description="Train: shuffled-word probabilities by enumeration (2-5 letters). Test: 6-48 letter words, "
                    "closed forms (choosing positions, linearity, inclusion-exclusion) instead of enumeration.",
        train_families=("combinatory_probability_no_specific_letter_fixed",),
        test_family="trans_prob_letter_test",
    ),
    ComposedSetting(
        name="trans_integrations",
        axis="transformative",
        title="Transformative Integrations",
        description="Train: integrate via antiderivatives. Test: integrals without usable antiderivatives that "
                    "symmetry (x -> -x, x -> a - x), Wallis or the inverse-function area identity settle exactly.",
        train_families=("algebra_func_integral",),
        test_family="trans_integrations_test",
    ),
    ComposedSetting(
        name="trans_gridworld",
        axis="transformative",
        title="Transformative Gridworld",
        description="Train: count paths around listed blocked cells by a table. Test: large rule-defined "
                    "obstacles (half-plane, band, rectangle) counted by reflection and path cuts.",
        train_families=("logic_gridworld_blocked",),
        test_family="trans_gridworld_test",
    ),
    ComposedSetting(
        name="trans_circles",
        axis="transformative",
        title="Transformative Circles",
        description="Train: coordinate constructions on circles. Test: sums and products of distances to many "
                    "points on a circle, lattice points on x^2 + y^2 = N, centre-containing triangles - by symmetry.",
        train_families=("geometry_circle",),
        test_family="trans_circles_test",
    ),
)

for _setting in TRANSFORMATIVE_SETTINGS:
    register_setting(_setting)
