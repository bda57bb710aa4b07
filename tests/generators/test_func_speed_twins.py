"""The speed-ups of the function families compute exactly what the plain forms computed (issue 18).

* ``func_interval_small`` (the scalar twin used for a few cells) gives the same floats as the numpy
  enclosures, bit for bit, on random chains and cells (points, wide cells, cells over poles, infinite ends).
* ``isolate_pieces`` returns what ``isolate`` returns piece by piece, and raises where it raises.
* the integer screening of the hard draws (``_free``, ``_solve_last``, ``_critical``) draws exactly what the
  Fraction forms drew: same components, same rng state afterwards.
"""
from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from generators.algebra import func_hard as hard
from generators.algebra import func_interval as iv
from generators.algebra.func_interval_small import enclose_cells
from generators.algebra.func_model import KINDS, draw_chain, draw_component
from generators.algebra.func_roots import Uncertain, isolate, isolate_pieces, value_evaluator


def _numpy_enclose(chain, lo, hi, order):
    saved = iv.SMALL_CELLS
    iv.SMALL_CELLS = -1
    try:
        return iv.enclose(chain, np.array(lo), np.array(hi), order)
    finally:
        iv.SMALL_CELLS = saved


def _cells(rng: random.Random, n: int) -> tuple[list[float], list[float]]:
    lo, hi = [], []
    for _ in range(n):
        a = rng.uniform(-10, 10)
        kind = rng.random()
        if kind < 0.3:
            b = a  # a point
        elif kind < 0.9:
            b = a + 10 ** rng.uniform(-9, 1)
        else:
            a, b = rng.choice([(-math.inf, a), (a, math.inf), (-math.inf, math.inf)])
        lo.append(a)
        hi.append(b)
    return lo, hi


def _same(x, y) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return all(np.array_equal(np.asarray(p), np.asarray(q), equal_nan=True) for p, q in zip(x, y))


@pytest.mark.parametrize("seed", range(6))
def test_scalar_twin_matches_numpy_bit_for_bit(seed):
    rng = random.Random(seed)
    for _ in range(60):
        chain = draw_chain(rng, rng.randint(1, 5), 0.7)
        lo, hi = _cells(rng, rng.randint(1, 6))
        for order in (0, 1, 2):
            with iv.quiet():
                small = enclose_cells(chain, lo, hi, order)
            big = _numpy_enclose(chain, lo, hi, order)
            for s, b in zip(small, big):
                assert _same(s, b), (chain, lo, hi, order)


def test_enclose_dispatches_small_batches_to_the_twin():
    chain = [{"kind": "quad", "a": 1, "b": 0, "c": -2}, {"kind": "sin", "a": 1, "b": 1, "c": 0, "d": 0}]
    lo = np.array([0.5, 1.0])
    v, d1, d2 = iv.enclose(chain, lo, lo + 0.25)
    assert v[0].shape == (2,) and d2[1].shape == (2,)
    assert np.all(v[0] <= v[1]) and np.all(d1[0] <= d1[1])


def test_isolate_pieces_equals_isolate_per_piece():
    rng = random.Random(3)
    done = 0
    for _ in range(80):
        chain = draw_chain(rng, 2, 0.0)
        f = value_evaluator([chain], (1,))
        cuts = sorted(rng.uniform(-8, 8) for _ in range(rng.randint(0, 3)))
        parts = list(zip([-9.0] + cuts, cuts + [9.0]))
        try:
            expected = [br for p, q in parts for br in isolate(f, p, q)]
        except Uncertain:
            with pytest.raises(Uncertain):
                isolate_pieces(f, parts)
            continue
        assert isolate_pieces(f, parts) == expected
        done += 1
    assert done > 40


def _free_fraction(rng, kind, v):
    for _ in range(20):
        c = draw_component(rng, kind)
        if kind in ("sin", "cos"):
            c["c"] = 0
        out = hard._step(c, v)
        if out is not None and out[1] != 0 and abs(out[0]) <= hard.VALUE_BOUND:
            return c, out[0]
    return None


def _solve_last_fraction(rng, kind, v, target):
    for _ in range(20):
        c = draw_component(rng, kind)
        if kind == "lin":
            key, rest = "b", c["a"] * v
        elif kind == "quad":
            key, rest = "c", c["a"] * v * v + c["b"] * v
        elif kind == "abs":
            if v == c["b"]:
                continue
            key, rest = "c", c["a"] * abs(v - c["b"])
        elif kind == "rat":
            den = c["c"] * v + c["d"]
            b = target * den - c["a"] * v
            if den == 0 or b.denominator != 1 or abs(b) > hard.CONST_BOUND:
                continue
            c["b"] = int(b)
            if c["a"] * c["d"] - c["b"] * c["c"] == 0:
                continue
            return c
        else:
            c["c"] = 0
            if (c["b"] * v).denominator != 1:
                continue
            c["d"] = target
            return c
        const = target - rest
        if const.denominator != 1 or abs(const) > hard.CONST_BOUND:
            continue
        c[key] = int(const)
        out = hard._step(c, v)
        if out is not None and out[1] != 0:
            return c
    return None


def _critical_fraction(rng, kind, v):
    if kind == "quad":
        for a in rng.sample([1, -1, 2, -2, 3, -3], 6):
            b = -2 * a * v
            if b.denominator == 1 and abs(b) <= 20:
                c = {"kind": "quad", "a": a, "b": int(b), "c": rng.randint(-5, 5)}
                return c, hard._step(c, v)[0]
        return None
    for b in rng.sample([1, 2, 3], 3):
        c = {"kind": kind, "a": rng.choice([-3, -2, -1, 1, 2, 3]), "b": b, "c": 0, "d": rng.randint(-3, 3)}
        out = hard._step(c, v)
        if out is not None and out[1] == 0:
            return c, out[0]
    return None


def test_integer_screening_draws_what_the_fraction_forms_drew():
    rng = random.Random(11)
    for i in range(1500):
        v = Fraction(rng.randint(-60, 60), rng.choice([1, 2, 3, 4, 6, 7]))
        seed = rng.getrandbits(32)
        kind = KINDS[i % len(KINDS)]
        a, b = random.Random(seed), random.Random(seed)
        assert hard._free(a, kind, v) == _free_fraction(b, kind, v)
        assert a.random() == b.random()
        if kind in ("lin", "quad", "abs", "rat", "sin"):
            target = rng.randint(-3, 3)
            assert hard._solve_last(a, kind, v, target) == _solve_last_fraction(b, kind, v, target)
            assert a.random() == b.random()
        if kind in ("quad", "sin", "cos"):
            assert hard._critical(a, kind, v) == _critical_fraction(b, kind, v)
            assert a.random() == b.random()


def _draw_component_plain(rng: random.Random, kind: str) -> dict:
    """The draw as first written (randint / choice on a fresh list)."""
    def nonzero(lo, hi):
        return rng.choice([v for v in range(lo, hi + 1) if v != 0])
    if kind == "lin":
        return {"kind": kind, "a": nonzero(-5, 5), "b": rng.randint(-5, 5)}
    if kind in ("quad", "abs"):
        return {"kind": kind, "a": nonzero(-5, 5), "b": rng.randint(-5, 5), "c": rng.randint(-5, 5)}
    if kind == "rat":
        while True:
            a, b, d = (rng.randint(-3, 3) for _ in range(3))
            c = nonzero(-3, 3)
            if a * d - b * c != 0:
                return {"kind": kind, "a": a, "b": b, "c": c, "d": d}
    if kind in ("sin", "cos"):
        return {"kind": kind, "a": nonzero(-3, 3), "b": rng.randint(1, 3), "c": rng.randint(-3, 3),
                "d": rng.randint(-3, 3)}
    return {"kind": kind, "a": nonzero(-3, 3), "b": rng.choice([-2, -1, 1, 2]), "c": rng.randint(-3, 3)}


def test_fast_component_draws_equal_the_plain_draws():
    for seed in range(200):
        a, b = random.Random(seed), random.Random(seed)
        for kind in KINDS * 3:
            assert draw_component(a, kind) == _draw_component_plain(b, kind)
        assert a.random() == b.random()


def test_scalar_tighten_equals_the_array_form():
    from generators.algebra import func_roots as fr
    rng = random.Random(5)
    checked = 0
    for _ in range(150):
        chain = draw_chain(rng, rng.randint(2, 3), 0.5)
        f = value_evaluator([chain], (1,))
        try:
            found = isolate_pieces(f, [(-6.0, 6.0)])
        except Uncertain:
            continue
        if not found:
            continue
        for rel in (1e-8, 1e-10):
            saved = fr.SMALL_TIGHTEN
            fr.SMALL_TIGHTEN = -1
            try:
                expected = fr.tighten(f, found, rel_width=rel)
            finally:
                fr.SMALL_TIGHTEN = saved
            assert fr._tighten_scalar(f, found, 80, rel) == expected
        checked += 1
    assert checked > 15


def _quiet(fn, *args):
    with iv.quiet():
        return fn(*args)


@pytest.mark.parametrize("seed", range(4))
def test_value_list_twins_match_the_array_evaluators_bit_for_bit(seed):
    """``combine_values`` / ``argument_values`` (the plain-float ``values`` of the evaluators, used by the
    bracket tightening and the end-point tests) give the floats of the numpy evaluators, any cell count."""
    from generators.algebra import func_roots as fr
    rng = random.Random(seed)
    for _ in range(40):
        chains = [draw_chain(rng, rng.randint(1, 5), 0.7) for _ in range(rng.randint(1, 2))]
        signs = (1, -1)[: len(chains)]
        lo, hi = _cells(rng, rng.randint(1, 30))
        f = fr.value_evaluator(chains, signs)
        big = f(np.array(lo), np.array(hi), False)[0]
        assert _same(fr._values(f, lo) if lo == hi else _quiet(f.values, lo, hi), (big[0].tolist(), big[1].tolist()))
        chain = chains[0]
        for k, comp in enumerate(chain):
            if comp["kind"] in ("abs", "rat"):
                g = fr._argument_evaluator(chain[:k], comp)
                big = g(np.array(lo), np.array(hi), False)[0]
                assert _same(_quiet(g.values, lo, hi), (big[0].tolist(), big[1].tolist())), (chain, k, lo, hi)


def test_tighten_through_the_value_twin_equals_the_array_evaluator():
    from generators.algebra import func_roots as fr
    rng = random.Random(9)
    checked = 0
    for _ in range(120):
        f_chain, g_chain = draw_chain(rng, rng.randint(2, 4), 0.5), draw_chain(rng, rng.randint(1, 3), 0.5)
        f = fr.value_evaluator([f_chain, g_chain], (1, -1))
        try:
            found = isolate_pieces(f, [(-6.0, 6.0)])
        except Uncertain:
            continue
        if not found:
            continue
        plain = lambda a, b, deriv=True: f(a, b, deriv)  # noqa: E731  (no ``values``: the array form)
        assert fr._tighten_scalar(f, found, 80, 1e-10) == fr._tighten_scalar(plain, found, 80, 1e-10)
        checked += 1
    assert checked > 15


def _scan_plain(chains, signs, lo, hi, spacing):
    """``func_scan.scan`` as first written: a fresh grid, every stage's non-finite samples tested."""
    from generators.algebra import func_scan as fs
    n0 = max(8, int(math.ceil((hi - lo) / spacing)))
    x = np.concatenate([[lo], lo + (hi - lo) * (np.arange(n0) + fs._SHIFT) / n0, [hi]])
    n = x.size - 1
    pole, corner, where = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), []
    value, slope = np.zeros_like(x), np.zeros_like(x)
    with np.errstate(all="ignore"):
        for ci, (ch, s) in enumerate(zip(chains, signs)):
            u, du = x.copy(), np.ones_like(x)
            for k, comp in enumerate(ch):
                if comp["kind"] == "abs":
                    cells = fs._sign_change(u - comp["b"])
                    corner |= cells
                    where += [(int(i), ci, k) for i in np.nonzero(cells)[0]]
                elif comp["kind"] == "rat":
                    pole |= fs._sign_change(comp["c"] * u + comp["d"])
                fn, dfn = fs._np_component(comp)
                u, du = fn(u), dfn(u) * du
                bad = ~np.isfinite(u) | ~np.isfinite(du)
                pole |= bad[:-1] | bad[1:]
            value += s * u
            slope += s * du
    return x, value, slope, pole, corner, where


def test_scan_equals_its_plain_form_bit_for_bit():
    from generators.algebra import func_scan as fs
    rng = random.Random(21)
    nonfinite = 0
    pole_at_lo = [{"kind": "lin", "a": 1, "b": 0}, {"kind": "rat", "a": 1, "b": 1, "c": 2, "d": 15}]  # pole at x = lo
    overflow = [{"kind": "quad", "a": 5, "b": 0, "c": 0}, {"kind": "exp", "a": 1, "b": 2, "c": 0},
                {"kind": "lin", "a": -1, "b": 0}]
    for i in range(40):
        chains = [draw_chain(rng, rng.randint(1, 5), 0.6) for _ in range(rng.randint(1, 2))]
        if i < 6:
            chains[0] = (pole_at_lo, overflow)[i % 2] + chains[0][:2]
        signs = (1, -1)[: len(chains)]
        lo, hi = (-7.5, rng.randint(3, 10)) if i < 6 else (rng.randint(-10, -3), rng.randint(3, 10))
        with np.errstate(invalid="ignore"):
            sc = fs.scan(chains, signs, lo, hi, 0.01)
        x, value, slope, pole, corner, where = _scan_plain(chains, signs, lo, hi, 0.01)
        for got, want in ((sc.x, x), (sc.value, value), (sc.slope, slope)):
            assert np.array_equal(got, want, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(want))
        assert np.array_equal(sc.pole_cell, pole) and np.array_equal(sc.corner_cell, corner) and sc.corner_where == where
        nonfinite += int(not np.isfinite(value).all())
    assert nonfinite >= 3  # poles and overflows on the grid are exercised


def test_arb_integrand_stages_equal_the_plain_chain():
    """The integrand's per-component closures (``func_integrate._arb_stages``) give the balls of
    ``_arb_chain`` exactly (same operations, same order)."""
    from flint import acb, arb, ctx

    from generators.algebra import func_integrate as fi

    def key(z):
        return tuple(p.man_exp() for p in (z.real.mid(), z.real.rad(), z.imag.mid(), z.imag.rad()))
    rng = random.Random(4)
    old = ctx.prec
    ctx.prec = fi.ARB_PREC
    try:
        pi = acb.pi()
        for _ in range(200):
            chain = draw_chain(rng, rng.randint(1, 5), 0.7)
            signs = [rng.choice((-1, 1)) for c in chain if c["kind"] == "abs"]
            x = acb(arb(rng.uniform(-2, 2), 2.0 ** -rng.randint(5, 60)), arb(0, 2.0 ** -rng.randint(5, 60)))
            want = fi._arb_chain(chain, signs, x, pi)
            got = x
            for step in fi._arb_stages(chain, signs):
                got = step(got, pi)
            if want.is_finite():
                assert key(got) == key(want), chain
            else:
                assert not got.is_finite()
    finally:
        ctx.prec = old
