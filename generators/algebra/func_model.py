"""Composite-function model shared by the function-analysis families: drawing, LaTeX rendering, sympy form.

A function is a chain ``[c_1, ..., c_N]`` of components applied innermost first, f = c_N(...c_1(x)).
Each component is a JSON-serialisable dict with integer coefficients:

* ``lin``  a*u + b                 * ``quad`` a*u^2 + b*u + c
* ``abs``  a*|u - b| + c           * ``rat``  (a*u + b)/(c*u + d)   (c != 0, a*d - b*c != 0)
* ``sin`` / ``cos``  a*sin(b*pi*u + c) + d   (b in 1..3)
* ``exp``  a*e^(b*u) + c           (b in +-1, +-2)

At most one component of a chain is transcendental (sin, cos, exp); the others are piecewise rational.
"""
from __future__ import annotations

import random
from typing import Any

import sympy as sp

BASE_KINDS = ("lin", "quad", "abs", "rat")
TRANSCENDENTAL_KINDS = ("sin", "cos", "exp")
KINDS = BASE_KINDS + TRANSCENDENTAL_KINDS
X = sp.Symbol("x", real=True)

Chain = list[dict[str, Any]]


def _nonzero(rng: random.Random, lo: int, hi: int) -> int:
    return rng.choice([v for v in range(lo, hi + 1) if v != 0])


# Precomputed choice tables: ``rng.choice(range(lo, hi + 1))`` draws exactly what ``rng.randint(lo, hi)``
# draws (both are ``lo + rng._randbelow(hi - lo + 1)``), and a tuple of the nonzero values what
# ``_nonzero`` draws. For a plain ``random.Random`` the pick is CPython's ``_randbelow`` inlined
# (``getrandbits(n.bit_length())`` until below n), which is what ``choice`` does, without its two calls:
# drawing components is the hot loop of the certified hard cases (tests compare it with ``choice``).
def _table(values) -> tuple[tuple[int, ...], int, int]:
    seq = tuple(values)
    return seq, len(seq), len(seq).bit_length()


_R3, _R5 = _table(range(-3, 4)), _table(range(-5, 6))
_NZ3 = _table(v for v in range(-3, 4) if v)
_NZ5 = _table(v for v in range(-5, 6) if v)
_B13 = _table(range(1, 4))
_EXP_B = _table((-2, -1, 1, 2))


def _picker(rng: random.Random):
    """pick(table) == rng.choice(table[0]), drawn identically."""
    if type(rng) is not random.Random:
        return lambda t: rng.choice(t[0])
    getrandbits = rng.getrandbits

    def pick(t: tuple[tuple[int, ...], int, int]) -> int:
        seq, n, k = t
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return seq[r]
    return pick


def draw_component(rng: random.Random, kind: str) -> dict[str, Any]:
    """One component of ``kind`` with integer coefficients in the spec's small ranges."""
    choice = _picker(rng)
    if kind == "lin":
        return {"kind": kind, "a": choice(_NZ5), "b": choice(_R5)}
    if kind == "quad" or kind == "abs":
        return {"kind": kind, "a": choice(_NZ5), "b": choice(_R5), "c": choice(_R5)}
    if kind == "rat":
        for _ in range(100):
            a, b, d = choice(_R3), choice(_R3), choice(_R3)
            c = choice(_NZ3)
            if a * d - b * c != 0:
                return {"kind": kind, "a": a, "b": b, "c": c, "d": d}
        raise RuntimeError("could not draw a non-degenerate rational component in 100 tries")
    if kind in ("sin", "cos"):
        return {"kind": kind, "a": choice(_NZ3), "b": choice(_B13), "c": choice(_R3), "d": choice(_R3)}
    if kind == "exp":
        return {"kind": kind, "a": choice(_NZ3), "b": choice(_EXP_B), "c": choice(_R3)}
    raise ValueError(f"unknown component kind {kind!r}")


def draw_chain(rng: random.Random, n: int, p_transcendental: float = 0.5) -> Chain:
    """``n`` components; with probability ``p_transcendental`` one position holds sin, cos or exp."""
    kinds = [rng.choice(BASE_KINDS) for _ in range(n)]
    if rng.random() < p_transcendental:
        kinds[rng.randrange(n)] = rng.choice(("sin", "cos", "exp"))
    return [draw_component(rng, k) for k in kinds]


def is_transcendental(chain: Chain) -> bool:
    return any(c["kind"] in TRANSCENDENTAL_KINDS for c in chain)


def validate_chain(chain: Chain) -> None:
    """Raise ValueError unless ``chain`` is well formed (known kinds, int coefficients, <= 1 transcendental)."""
    if not chain:
        raise ValueError("empty chain")
    if sum(c["kind"] in TRANSCENDENTAL_KINDS for c in chain) > 1:
        raise ValueError("at most one transcendental component is allowed")
    for c in chain:
        if c["kind"] not in KINDS:
            raise ValueError(f"unknown component kind {c['kind']!r}")
        if not all(isinstance(v, int) for k, v in c.items() if k != "kind"):
            raise ValueError(f"non-integer coefficient in {c}")
        if c["kind"] == "rat" and (c["c"] == 0 or c["a"] * c["d"] - c["b"] * c["c"] == 0):
            raise ValueError(f"degenerate rational component {c}")


# ---------------------------------------------------------------- sympy form

def component_expr(comp: dict[str, Any], u: sp.Expr) -> sp.Expr:
    """The component applied to ``u`` as an exact sympy expression."""
    k = comp["kind"]
    if k == "lin":
        return comp["a"] * u + comp["b"]
    if k == "quad":
        return comp["a"] * u**2 + comp["b"] * u + comp["c"]
    if k == "abs":
        return comp["a"] * sp.Abs(u - comp["b"]) + comp["c"]
    if k == "rat":
        return (comp["a"] * u + comp["b"]) / (comp["c"] * u + comp["d"])
    if k == "sin":
        return comp["a"] * sp.sin(comp["b"] * sp.pi * u + comp["c"]) + comp["d"]
    if k == "cos":
        return comp["a"] * sp.cos(comp["b"] * sp.pi * u + comp["c"]) + comp["d"]
    if k == "exp":
        return comp["a"] * sp.exp(comp["b"] * u) + comp["c"]
    raise ValueError(f"unknown component kind {k!r}")


def chain_expr(chain: Chain, x: sp.Expr = X) -> sp.Expr:
    """f(x) as a sympy expression (nested, not expanded)."""
    u: sp.Expr = x
    for comp in chain:
        u = component_expr(comp, u)
    return u


# ---------------------------------------------------------------- LaTeX rendering

def _term(coef: int, body: str) -> str:
    if coef == 1:
        return body
    if coef == -1:
        return "-" + body
    return f"{coef}{body}"


def _join(terms: list[str]) -> str:
    """Join signed terms: ``["3x", "-2", "5"]`` -> ``3x - 2 + 5``; empty terms are skipped."""
    out = ""
    for t in terms:
        if not t or t == "0":
            continue
        if not out:
            out = t
        elif t.startswith("-"):
            out += " - " + t[1:]
        else:
            out += " + " + t
    return out or "0"


def _const(v: int) -> str:
    return "" if v == 0 else str(v)


def _wrap(inner: str) -> str:
    return inner if inner == "x" else f"\\left({inner}\\right)"


def render_component(comp: dict[str, Any], inner: str) -> str:
    k = comp["kind"]
    u = _wrap(inner)
    if k == "lin":
        return _join([_term(comp["a"], u), _const(comp["b"])])
    if k == "quad":
        sq = "x^{2}" if inner == "x" else f"{u}^{{2}}"
        return _join([_term(comp["a"], sq), _term(comp["b"], u) if comp["b"] else "", _const(comp["c"])])
    if k == "abs":
        arg = _join([inner if inner == "x" else u, _const(-comp["b"])])
        return _join([_term(comp["a"], f"\\left|{arg}\\right|"), _const(comp["c"])])
    if k == "rat":
        num = _join([_term(comp["a"], u) if comp["a"] else "", _const(comp["b"])])
        den = _join([_term(comp["c"], u), _const(comp["d"])])
        return f"\\frac{{{num}}}{{{den}}}"
    if k in ("sin", "cos"):
        pi_u = "\\pi x" if inner == "x" else f"\\pi{u}"
        arg = _join([_term(comp["b"], pi_u), _const(comp["c"])])
        return _join([_term(comp["a"], f"\\{k}\\left({arg}\\right)"), _const(comp["d"])])
    if k == "exp":
        return _join([_term(comp["a"], f"e^{{{_term(comp['b'], u)}}}"), _const(comp["c"])])
    raise ValueError(f"unknown component kind {k!r}")


def render_chain(chain: Chain) -> str:
    """f(x) in LaTeX, by nested substitution (the innermost component is written first into the next)."""
    s = "x"
    for comp in chain:
        s = render_component(comp, s)
    return s


def chain_summary(chain: Chain) -> str:
    return "∘".join(c["kind"] for c in reversed(chain))
