"""Corpus for bench_verifiers.py: seeded synthetic responses per answer type, plus the regression corpus.

Every synthetic item is a model-like response (about 1.5k characters of reasoning, then a boxed answer)
with a known verdict: half the items carry the gold in another surface form, half a perturbed value.
Each item also carries the gold as LaTeX, for graders (math-verify) that parse golds from text.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

REGRESSION_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "verifiers" / "corpus.jsonl"
_WORDS = (
    "first", "we", "note", "that", "the", "sum", "of", "both", "terms", "is", "bounded", "so", "substituting",
    "gives", "a", "cleaner", "form", "hence", "consider", "each", "case", "separately", "and", "simplify",
)


@dataclass
class Item:
    response: str
    record: dict[str, Any]
    expected: bool
    gold_latex: str


def preamble(rng: random.Random, chars: int = 1500) -> str:
    """Reasoning-like filler with some inline maths, deterministic for a given rng state."""
    parts: list[str] = []
    size = 0
    while size < chars:
        if rng.random() < 0.15:
            a, b = rng.randint(2, 99), rng.randint(2, 99)
            piece = f"$\\frac{{{a}}}{{{b}}} + {a}x = {a * b}$"
        else:
            piece = rng.choice(_WORDS)
        parts.append(piece)
        size += len(piece) + 1
    return " ".join(parts) + ".\n\nTherefore, the final answer is "


def _frac_tex(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    sign = "-" if v < 0 else ""
    return rf"{sign}\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def _plain(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _poly_tex(coeffs: list[int]) -> str:
    deg = len(coeffs) - 1
    out = []
    for i, c in enumerate(coeffs):
        p = deg - i
        if c == 0:
            continue
        mono = "" if p == 0 else "x" if p == 1 else f"x^{{{p}}}"
        body = mono if abs(c) == 1 and mono else f"{abs(c)}{mono}"
        out.append(("-" if c < 0 else "+") + body)
    text = "".join(out) or "0"
    return text[1:] if text[0] == "+" else text


def _item(rng: random.Random, answer: str, record: dict, expected: bool, gold_latex: str) -> Item:
    return Item(preamble(rng) + f"$\\boxed{{{answer}}}$.", record, expected, gold_latex)


def make_integer(rng: random.Random, good: bool) -> Item:
    n = rng.randint(-10**6, 10**6)
    pred = f"{n:,}" if good and abs(n) >= 1000 else str(n if good else n + rng.choice([-1, 1]))
    return _item(rng, pred, {"answer": n, "answer_type": "int"}, good, f"${n}$")


def make_fraction(rng: random.Random, good: bool) -> Item:
    v = Fraction(rng.randint(1, 400), rng.randint(2, 60))
    while v.denominator == 1:
        v = Fraction(rng.randint(1, 400), rng.randint(2, 60))
    k = rng.randint(2, 9)
    num = k * v.numerator + (0 if good else 1)
    return _item(rng, rf"\frac{{{num}}}{{{k * v.denominator}}}", {"answer": _plain(v), "answer_type": "rational"}, good, f"${_frac_tex(v)}$")


def make_decimal(rng: random.Random, good: bool) -> Item:
    cents = rng.randint(-99_999, 99_999)
    gold = Fraction(cents, 100)
    text = f"{float(gold):.2f}"
    pred = f"{float(gold + Fraction(rng.randint(0, 4), 1000)):.3f}" if good else f"{float(gold + Fraction(1, 100)):.2f}"
    return _item(rng, pred, {"answer": text, "answer_type": "decimal:2"}, good, f"${text}$")


def make_surd(rng: random.Random, good: bool) -> Item:
    k = rng.randint(2, 60)
    inside = 2 * k * k + (0 if good else 1)
    return _item(rng, rf"\sqrt{{{inside}}}", {"answer": f"{k}*sqrt(2)", "answer_type": "expression"}, good, f"${k}\\sqrt{{2}}$")


def make_matrix(rng: random.Random, good: bool) -> Item:
    rows = [[rng.randint(-20, 20) for _ in range(3)] for _ in range(3)]
    pred = [r[:] for r in rows]
    if not good:
        pred[rng.randrange(3)][rng.randrange(3)] += 1
    body = lambda m: r" \\ ".join(" & ".join(map(str, r)) for r in m)  # noqa: E731
    return _item(rng, r"\begin{pmatrix} " + body(pred) + r" \end{pmatrix}", {"answer": rows, "answer_type": "matrix"}, good,
                 r"$\begin{pmatrix} " + body(rows) + r" \end{pmatrix}$")


def make_polynomial(rng: random.Random, good: bool) -> Item:
    roots = [rng.randint(-9, 9) for _ in range(3)]
    coeffs = [1]  # expand (x - r1)(x - r2)(x - r3), highest degree first
    for r in roots:
        coeffs = [a - r * b for a, b in zip(coeffs + [0], [0] + coeffs)]
    gold = " + ".join(f"({c})*x**{3 - i}" for i, c in enumerate(coeffs))
    shown = roots[:] if good else [roots[0] + 1] + roots[1:]
    pred = "".join("x" if r == 0 else f"(x{'-' if r > 0 else '+'}{abs(r)})" for r in shown)
    return _item(rng, pred, {"answer": gold, "answer_type": "expression"}, good, f"${_poly_tex(coeffs)}$")


def make_set(rng: random.Random, good: bool) -> Item:
    values = rng.sample(range(-30, 31), 4)
    pred = values[:]
    rng.shuffle(pred)
    if not good:
        pred[0] = max(values) + 1
    return _item(rng, r"\{" + ", ".join(map(str, pred)) + r"\}", {"answer": values, "answer_type": "set"}, good,
                 r"$\{" + ", ".join(map(str, values)) + r"\}$")


def make_interval(rng: random.Random, good: bool) -> Item:
    a = rng.randint(-20, 10)
    b = a + rng.randint(1, 15)
    left, right = rng.choice("[("), rng.choice("])")
    gold = f"{left}{a}, {b}{right}"
    shown_right = right if good else {"]": ")", ")": "]"}[right]
    return _item(rng, f"{left}{a},{b}{shown_right}", {"answer": gold, "answer_type": "interval"}, good, f"${gold}$")


def make_tuple(rng: random.Random, good: bool) -> Item:
    values = [Fraction(rng.randint(-20, 20), rng.choice([1, 1, 2, 3])) for _ in range(3)]
    pred = values[:] if good else [values[0] + 1] + values[1:]
    return _item(rng, "(" + ", ".join(_frac_tex(v) for v in pred) + ")", {"answer": [_plain(v) for v in values], "answer_type": "tuple"},
                 good, "$(" + ", ".join(_frac_tex(v) for v in values) + ")$")


MAKERS = {
    "integer": make_integer,
    "fraction": make_fraction,
    "decimal": make_decimal,
    "surd": make_surd,
    "matrix3x3": make_matrix,
    "polynomial": make_polynomial,
    "set4": make_set,
    "interval": make_interval,
    "tuple": make_tuple,
}


def build_items(n_per_type: int, seed: int = 0, types: list[str] | None = None) -> dict[str, list[Item]]:
    out = {}
    for name in types or list(MAKERS):
        rng = random.Random(f"{seed}:{name}")
        out[name] = [MAKERS[name](rng, good=i % 2 == 0) for i in range(n_per_type)]
    return out


def load_regression_corpus() -> list[dict]:
    return [json.loads(line) for line in REGRESSION_CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_as_latex(gold: Any, answer_type: str) -> str | None:
    """The regression corpus gold in LaTeX for math-verify (None where it has no counterpart)."""
    import sympy

    def tex(value: Any) -> str:
        if isinstance(value, int):
            return str(value)
        text = str(value)
        if "\\" in text:
            return text
        if "factorial(" in text:  # sympy would evaluate 2006! and then refuse to print it
            return re.sub(r"factorial\((\d+)\)", r"\1!", text).replace("**", "^").replace("*", " ")
        return sympy.latex(sympy.parse_expr(text, evaluate=False))

    base = answer_type.split(":")[0]
    if base in ("choice", "grid"):
        return None
    if base in ("int", "rational", "decimal"):
        return f"${tex(gold) if base == 'rational' else gold}$"
    if base == "expression":
        if "=" in str(gold):
            left, right = str(gold).split("=")
            return f"${tex(left)} = {tex(right)}$"
        return f"${tex(gold)}$"
    if base == "set":
        return r"$\{" + ", ".join(tex(g) for g in gold) + r"\}$" if gold else r"$\emptyset$"
    if base == "tuple":
        return "$(" + ", ".join(tex(g) for g in gold) + ")$"
    if base == "interval":
        return f"${gold}$"
    if base == "matrix":
        return r"$\begin{pmatrix} " + r" \\ ".join(" & ".join(tex(c) for c in row) for row in gold) + r" \end{pmatrix}$"
    return None
