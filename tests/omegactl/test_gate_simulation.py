"""Slow: the gate's decision rule simulated at 1, 2, 3, 5, 15 and 30 settings per axis (seeded).

Prints the table quoted in the README (run with ``pytest -m slow -s tests/omegactl/test_gate_simulation.py``).
"""
from __future__ import annotations

import pytest

from . import gate_sim

ALPHA = 0.05


@pytest.fixture(scope="module")
def rows():
    out = gate_sim.run(alpha=ALPHA, tolerance=0.01)
    print("\n" + gate_sim.table(out))
    return out


@pytest.mark.slow
def test_aa_false_alarms_at_most_alpha_at_every_number_of_settings(rows):
    for r in rows:
        bound = ALPHA + 2 * (ALPHA * (1 - ALPHA) / r["aa_reps"]) ** 0.5
        assert r["aa_new"] <= bound, r


@pytest.mark.slow
def test_sixty_point_drop_on_80_items_fails_at_every_number_of_settings(rows):
    for r in rows:
        assert r["drop60_new"] >= 0.99, r


@pytest.mark.slow
def test_five_point_drop_caught_at_the_printed_item_count(rows):
    for r in rows:
        # the formula targets 80 %: the estimate may sit below it only by simulation noise (2 SE)
        assert r["power5_new"] >= 0.80 - 2 * r["power5_new_se"], r
        assert r["power5_new"] <= 0.90, r  # and the printed n is not wastefully large


@pytest.mark.slow
def test_warn_items_needed_agrees_with_its_bound(rows):
    # gate_sim.check_warn ran on every WARN of the 5-point runs; make sure there were some
    assert sum(r["warns_checked"] for r in rows) >= 20
