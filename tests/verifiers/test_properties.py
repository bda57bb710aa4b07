"""Metamorphic property tests: for random exact values of each answer type, every rendering we claim to
accept verifies as correct, and perturbed values do not. The default run uses small example counts; the
``slow`` variants run many more (``pytest -m slow tests/verifiers``)."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiers import equivalent

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST_SYMBOLIC = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW_SYMBOLIC = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def accepts(renderings, gold, answer_type, params=None):
    for text in renderings:
        assert equivalent(text, gold, answer_type, params=params), f"rejected {text!r} for {gold!r} ({answer_type})"


def rejects(renderings, gold, answer_type, params=None):
    for text in renderings:
        assert not equivalent(text, gold, answer_type, params=params), f"accepted {text!r} for {gold!r} ({answer_type})"


def frac_tex(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    sign = "-" if v < 0 else ""
    return rf"{sign}\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def frac_plain(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def fixed(v: Fraction, places: int) -> str:
    """Round half away from zero to ``places`` decimals (independent of the verifier's own helper)."""
    scaled = abs(v) * 10**places
    q, r = divmod(scaled.numerator, scaled.denominator)
    q += 2 * r >= scaled.denominator
    digits = str(q).rjust(places + 1, "0")
    sign = "-" if v < 0 and q else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def terminating(v: Fraction) -> bool:
    d = v.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


ints = st.integers(min_value=-10**7, max_value=10**7)
fractions = st.builds(Fraction, st.integers(-500, 500), st.integers(2, 60)).filter(lambda v: v.denominator != 1)
values = st.one_of(st.integers(-50, 50).map(Fraction), fractions)


# -- int -----------------------------------------------------------------------------------------
def check_int(n: int) -> None:
    good = [str(n), f"{n}.0", f"${n}$", rf"\text{{{n}}}", rf"{n} \text{{ cm}}", f"x = {n}", rf"\boxed{{{n}}}", f"{n}.", rf"\left({n}\right)"]
    if abs(n) >= 1000:
        grouped = f"{n:,}"
        good += [grouped, grouped.replace(",", r"\,"), grouped.replace(",", "{,}")]
    if n >= 0:
        good.append(f"+{n}")
    accepts(good, n, "int")
    bad = [str(n + 1), str(n - 1), f"{n}.5", f"{n}m"] + ([str(10 * n), str(-n)] if n else [])
    rejects(bad, n, "int")


@FAST
@given(ints)
def test_int_renderings(n):
    check_int(n)


@pytest.mark.slow
@SLOW
@given(ints)
def test_int_renderings_many(n):
    check_int(n)


# -- rational ------------------------------------------------------------------------------------
def check_rational(v: Fraction, k: int) -> None:
    p, q = v.numerator, v.denominator
    sign, a = ("-" if v < 0 else ""), abs(p)
    good = [f"{p}/{q}", rf"\frac{{{p}}}{{{q}}}", rf"{sign}\frac{{{a}}}{{{q}}}", rf"{sign}\dfrac{{{a}}}{{{q}}}",
            rf"\frac{{{k * p}}}{{{k * q}}}", rf"{sign}\tfrac{{{a}}}{{{q}}}", rf"\frac{{{a}}}{{{'-' if sign else ''}{q}}}"]
    if abs(v) > 1:
        good.append(rf"{sign}{a // q}\frac{{{a % q}}}{{{q}}}")
    if terminating(v):
        exact = fixed(v, 12).rstrip("0")
        good += [exact, fixed(v * 100, 12).rstrip("0").rstrip(".") + r"\%"]
    else:
        good.append(fixed(v, 10))
        rounded = Fraction(fixed(v, 10))
        away = rounded + (Fraction(1, 10**10) if v > 0 else -Fraction(1, 10**10))
        rejects([fixed(away, 10)], frac_plain(v), "rational")
    accepts(good, frac_plain(v), "rational")
    bad = [frac_plain(v + Fraction(1, q)), frac_plain(Fraction(p, q + 1)), frac_plain(-v), frac_plain(1 / v), f"{float(v):.3g}"]
    rejects([b for b in bad if Fraction(b.replace("\\", "")) != v], frac_plain(v), "rational")


@FAST
@given(fractions, st.integers(2, 9))
def test_rational_renderings(v, k):
    check_rational(v, k)


@pytest.mark.slow
@SLOW
@given(fractions, st.integers(2, 9))
def test_rational_renderings_many(v, k):
    check_rational(v, k)


# -- decimal:k -----------------------------------------------------------------------------------
def near_boundary(v: Fraction, places: int, margin: Fraction = Fraction(1, 20)) -> bool:
    scaled = abs(v) * 10**places
    return abs(scaled - int(scaled) - Fraction(1, 2)) < margin


def check_decimal(v: Fraction, places: int) -> None:
    if near_boundary(v, places):
        return
    gold = fixed(v, places)
    good = [gold, frac_tex(v), fixed(v, places + 3), rf"\approx {gold}"] + ([gold + "0"] if places else [])
    accepts(good, gold, f"decimal:{places}")
    step = Fraction(1, 10**places)
    bad = [fixed(Fraction(gold) + step, places), fixed(Fraction(gold) - step, places)]
    if Fraction(gold) != 0:
        bad.append(fixed(-Fraction(gold), places))
    rejects(bad, gold, f"decimal:{places}")


@FAST
@given(values, st.integers(0, 4))
def test_decimal_renderings(v, places):
    check_decimal(v, places)


@pytest.mark.slow
@SLOW
@given(values, st.integers(0, 4))
def test_decimal_renderings_many(v, places):
    check_decimal(v, places)


# -- expression (goes through the sympy worker) --------------------------------------------------
def poly_tex(coeffs: list[int], var: str) -> str:
    """LaTeX of sum coeffs[i] * var^(deg - i), written the way a person would."""
    deg = len(coeffs) - 1
    parts = []
    for i, c in enumerate(coeffs):
        power = deg - i
        if c == 0:
            continue
        mono = "" if power == 0 else var if power == 1 else f"{var}^{{{power}}}"
        mag = abs(c)
        body = f"{mag}{mono}" if (mag != 1 or not mono) else mono
        parts.append(("-" if c < 0 else "+") + body)
    text = "".join(parts) or "0"
    return text[1:] if text.startswith("+") else text


def check_polynomial(k: int, r1: int, r2: int) -> None:
    b, c = -k * (r1 + r2), k * r1 * r2
    gold = f"{k}*x**2 + ({b})*x + ({c})"

    def factor(r: int, var: str = "x") -> str:
        return var if r == 0 else f"({var}{'-' if r > 0 else '+'}{abs(r)})"

    lead = "" if k == 1 else "-" if k == -1 else str(k)
    good = [poly_tex([k, b, c], "x"), f"{lead}{factor(r1)}{factor(r2)}", "y = " + poly_tex([k, b, c], "x"),
            rf"\left({poly_tex([k, b, c], 'x')}\right)"]
    accepts(good, gold, "expression")
    bad = [poly_tex([k, b, c + 1], "x"), f"{lead}{factor(r1 + 1)}{factor(r2)}", poly_tex([k, b, c], "t"), poly_tex([k, -b, c], "x") if b else poly_tex([-k, b, c], "x")]
    rejects(bad, gold, "expression")


@FAST_SYMBOLIC
@given(st.sampled_from([1, 2, 3, -1, -2]), st.integers(-9, 9), st.integers(-9, 9))
def test_polynomial_renderings(k, r1, r2):
    check_polynomial(k, r1, r2)


@pytest.mark.slow
@SLOW_SYMBOLIC
@given(st.sampled_from([1, 2, 3, -1, -2]), st.integers(-9, 9), st.integers(-9, 9))
def test_polynomial_renderings_many(k, r1, r2):
    check_polynomial(k, r1, r2)


def check_surd(a: int, b: int, c: int) -> None:
    gold = f"{a} + ({b})*sqrt({c})"
    sign = "-" if b < 0 else "+"
    good = [rf"{a}{sign}{abs(b)}\sqrt{{{c}}}", rf"{b}\sqrt{{{c}}}+{a}".replace("+-", "-"), rf"{a}{sign}\sqrt{{{b * b * c}}}"]
    accepts(good, gold, "expression")
    other = {2: 3, 3: 5, 5: 6, 6: 7, 7: 2}[c]
    bad = [rf"{a + 1}{sign}{abs(b)}\sqrt{{{c}}}", rf"{a}{sign}{abs(b)}\sqrt{{{other}}}", rf"{a}{'+' if b < 0 else '-'}{abs(b)}\sqrt{{{c}}}"]
    rejects(bad, gold, "expression")


@FAST_SYMBOLIC
@given(st.integers(-20, 20), st.integers(-9, 9).filter(bool), st.sampled_from([2, 3, 5, 6, 7]))
def test_surd_renderings(a, b, c):
    check_surd(a, b, c)


@pytest.mark.slow
@SLOW_SYMBOLIC
@given(st.integers(-20, 20), st.integers(-9, 9).filter(bool), st.sampled_from([2, 3, 5, 6, 7]))
def test_surd_renderings_many(a, b, c):
    check_surd(a, b, c)


# -- set / tuple ---------------------------------------------------------------------------------
def check_set(elements: list[Fraction], seed: int) -> None:
    rng = random.Random(seed)
    gold = [frac_plain(v) for v in elements]
    shuffled = elements[:]
    rng.shuffle(shuffled)
    tex = [frac_tex(v) for v in shuffled]
    good = [r"\{" + ", ".join(tex) + r"\}", "{" + ", ".join(tex) + "}", ", ".join(tex), r"\{" + ", ".join(tex + tex[:1]) + r"\}",
            r" \cup ".join(r"\{" + t + r"\}" for t in tex)]
    if len(tex) <= 3:
        good.append(" or ".join(f"x = {t}" for t in tex))
    accepts(good, gold, "set")
    outside = max(elements) + 1
    bad = [r"\{" + ", ".join(tex + [frac_tex(outside)]) + r"\}", r"\{" + ", ".join(tex[:-1] + [frac_tex(outside)]) + r"\}",
           "(" + ", ".join(tex) + ")"]
    if len(tex) > 1:
        bad.append(r"\{" + ", ".join(tex[:-1]) + r"\}")
    rejects(bad, gold, "set")


sets = st.lists(values, min_size=1, max_size=6, unique=True)


@FAST
@given(sets, st.integers(0, 10**6))
def test_set_renderings(elements, seed):
    check_set(elements, seed)


@pytest.mark.slow
@SLOW
@given(sets, st.integers(0, 10**6))
def test_set_renderings_many(elements, seed):
    check_set(elements, seed)


def check_tuple(elements: list[Fraction]) -> None:
    gold = [frac_plain(v) for v in elements]
    tex = ", ".join(frac_tex(v) for v in elements)
    good = [f"({tex})", f"[{tex}]", rf"\langle {tex} \rangle", rf"\left( {tex} \right)", tex]
    accepts(good, gold, "tuple")
    bad = [f"({tex}, 0)", r"\{" + tex + r"\}", "(" + ", ".join(frac_tex(v) for v in elements[:-1] + [elements[-1] + 1]) + ")"]
    i = next((i for i in range(1, len(elements)) if elements[i] != elements[0]), None)
    if i is not None:
        swapped = elements[:]
        swapped[0], swapped[i] = swapped[i], swapped[0]
        bad.append("(" + ", ".join(frac_tex(v) for v in swapped) + ")")
    rejects(bad, gold, "tuple")


@FAST
@given(st.lists(values, min_size=2, max_size=5))
def test_tuple_renderings(elements):
    check_tuple(elements)


@pytest.mark.slow
@SLOW
@given(st.lists(values, min_size=2, max_size=5))
def test_tuple_renderings_many(elements):
    check_tuple(elements)


# -- interval ------------------------------------------------------------------------------------
def check_interval(a: Fraction, width: Fraction, left_closed: bool, right_closed: bool) -> None:
    b = a + width
    lb, rb = "[" if left_closed else "(", "]" if right_closed else ")"
    gold = f"{lb}{frac_tex(a)}, {frac_tex(b)}{rb}"
    le_l, le_r = (r"\le" if left_closed else "<"), (r"\le" if right_closed else "<")
    mid = a + width / 2
    good = [gold.replace(" ", ""), rf"x \in {gold}", rf"{frac_tex(a)} {le_l} x {le_r} {frac_tex(b)}",
            rf"{lb}{frac_tex(a)}, {frac_tex(mid)}] \cup [{frac_tex(mid)}, {frac_tex(b)}{rb}",
            rf"{lb}{fixed(a, 12)}, {frac_tex(b)}{rb}" if terminating(a) else gold]
    accepts(good, gold, "interval")
    flip_l, flip_r = ("(" if left_closed else "["), (")" if right_closed else "]")
    bad = [f"{flip_l}{frac_tex(a)}, {frac_tex(b)}{rb}", f"{lb}{frac_tex(a)}, {frac_tex(b)}{flip_r}",
           f"{lb}{frac_tex(mid)}, {frac_tex(b)}{rb}", rf"\{{{frac_tex(a)}, {frac_tex(b)}\}}",
           rf"{lb}{frac_tex(a)}, {frac_tex(mid)}) \cup ({frac_tex(mid)}, {frac_tex(b)}{rb}"]
    rejects(bad, gold, "interval")


@FAST
@given(values, fractions.map(abs) | st.integers(1, 20).map(Fraction), st.booleans(), st.booleans())
def test_interval_renderings(a, width, lc, rc):
    check_interval(a, width, lc, rc)


@pytest.mark.slow
@SLOW
@given(values, fractions.map(abs) | st.integers(1, 20).map(Fraction), st.booleans(), st.booleans())
def test_interval_renderings_many(a, width, lc, rc):
    check_interval(a, width, lc, rc)


def test_rays_and_unions():
    accepts([r"x > 2", r"2 < x", r"(2, \infty)", r"x \in (2, +\infty)"], r"(2, \infty)", "interval")
    rejects([r"x \ge 2", r"[2, \infty)", r"x < 2"], r"(2, \infty)", "interval")
    accepts([r"x \le -1 \text{ or } x \ge 1", r"(-\infty,-1]\cup[1,\infty)", r"[1, \infty) \cup (-\infty, -1]"], r"(-\infty, -1] \cup [1, \infty)", "interval")


# -- matrix --------------------------------------------------------------------------------------
def pmatrix(rows: list[list[Fraction]]) -> str:
    body = r" \\ ".join(" & ".join(frac_tex(v) for v in row) for row in rows)
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def check_matrix(rows: list[list[Fraction]]) -> None:
    gold = [[frac_plain(v) for v in row] for row in rows]
    body = r" \\ ".join(" & ".join(frac_tex(v) for v in row) for row in rows)
    nested = "[" + ", ".join("[" + ", ".join(frac_plain(v) for v in row) + "]" for row in rows) + "]"
    cols = "c" * len(rows[0])
    good = [rf"\begin{{pmatrix}} {body} \end{{pmatrix}}", rf"\begin{{bmatrix}} {body} \end{{bmatrix}}", nested,
            rf"\left[\begin{{array}}{{{cols}}} {body} \end{{array}}\right]"]
    accepts(good, gold, "matrix")
    changed = [row[:] for row in rows]
    changed[-1][-1] += 1
    transposed = [list(col) for col in zip(*rows)]
    bad = [pmatrix(changed)]
    if transposed != rows:
        bad.append(pmatrix(transposed))
    rejects(bad, gold, "matrix")


matrices = st.integers(1, 3).flatmap(lambda c: st.lists(st.lists(values, min_size=c, max_size=c), min_size=1, max_size=3))


@FAST
@given(matrices)
def test_matrix_renderings(rows):
    check_matrix(rows)


@pytest.mark.slow
@SLOW
@given(matrices)
def test_matrix_renderings_many(rows):
    check_matrix(rows)


# -- grid / choice -------------------------------------------------------------------------------
@FAST
@given(st.lists(st.lists(st.integers(0, 9), min_size=10, max_size=10), min_size=10, max_size=10), st.integers(0, 99))
def test_grid_renderings(grid, cell):
    accepts([str(grid), str(grid).replace(" ", ""), str(grid).replace("], ", "],\n ")], grid, "grid")
    changed = [row[:] for row in grid]
    changed[cell // 10][cell % 10] = (changed[cell // 10][cell % 10] + 1) % 10
    rejects([str(changed), str(grid[:-1])], grid, "grid")


@FAST
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(1, n - 1))))
def test_choice_renderings(args):
    n, index, shift = args
    choices = [f"option text {i} {chr(97 + i) * 3}" for i in range(n)]
    letter = "ABCDEF"[index]
    accepts([letter, f"({letter})", letter.lower(), rf"\text{{({letter})}}", f"Option {letter}", choices[index]], index, "choice", {"choices": choices})
    other = (index + shift) % n
    rejects(["ABCDEF"[other], choices[other], f"{letter} or {'ABCDEF'[other]}"], index, "choice", {"choices": choices})
