"""arithmetic_mixed: evaluate an integer expression with + − × ÷; the answer is an integer or reduced p/q.

Levels follow OMEGA's entropy ladder (a decimal-digit budget E drawn per item from the level's range)
and its module count: with 2 modules a part of the expression is given as a separate definition
("Let t = …") that the main expression uses. Each leaf gets 1.3 to 2.3 digits (|leaf| ≤ 20 to 200)
and the budget sets the number of leaves (E divided by the leaf digits, at least 2); an item whose exact value needs more than E + 2
digits (numerator plus denominator) is re-drawn so answers stay in proportion to the level.

solve: exact Fraction evaluation of the stored tree. check: sympy parses the very text shown in the
question (definitions first) and its exact Rational must equal the answer.

Ladder: level L+1 has a larger entropy budget and more named sub-steps, so the expression is longer with more
operations (the test's proxy: the length of the expression and its definitions).
"""
from __future__ import annotations

import random
from fractions import Fraction

from sympy import Rational
from sympy.parsing.sympy_parser import parse_expr

from generators.answers import format_rational
from generators.arithmetic.expression_tree import (
    VARIABLE_NAMES,
    count_leaves,
    evaluate,
    get_at,
    leaf_paths,
    random_tree,
    render,
    replace_at,
)
from generators.family import Family, Problem, Reject
from generators.instance_key import expression_normal_form, params_key
from generators.registration import register_family

_FORM = "Give the answer as an integer or as a fraction p/q in lowest terms."
_WORDINGS = (
    "Evaluate {e}. " + _FORM,
    "What is the value of {e}? " + _FORM,
    "Compute {e}. " + _FORM,
    "Calculate {e}. " + _FORM,
)
_COMPOSED = (
    "Let {t} = {d}. Evaluate {e}. " + _FORM,
    "Suppose {t} = {d}. What is {e}? " + _FORM,
    "Define {t} as {d}. Compute {e}. " + _FORM,
)


def _digits(value: Fraction) -> int:
    return len(str(abs(value.numerator))) + (len(str(value.denominator)) if value.denominator > 1 else 0)


def _tree_for_budget(rng: random.Random, entropy: float) -> tuple[list | int, Fraction]:
    leaf_digits = rng.uniform(1.3, 2.3)
    leaves = max(2, round(entropy / leaf_digits))
    return random_tree(rng, leaves, int(10**leaf_digits))


@register_family
class ArithmeticMixed(Family):
    name = "arithmetic_mixed"
    domain = "arithmetic"
    description = "Evaluate a +,−,×,÷ integer expression exactly (integer or reduced fraction); digit budget grows with the level"
    answer_type = "rational"
    levels = {
        1: {"entropy": (4, 9), "modules": (1, 1)},
        2: {"entropy": (10, 14), "modules": (1, 1)},
        3: {"entropy": (14, 16), "modules": (1, 1)},
        4: {"entropy": (16, 20), "modules": (1, 1)},
        5: {"entropy": (20, 25), "modules": (2, 2)},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        entropy = rng.uniform(*knobs["entropy"])
        modules = rng.randint(*knobs["modules"])
        definitions: list[dict] = []
        if modules == 1:
            tree, value = _tree_for_budget(rng, entropy)
        else:
            name = rng.choice([v for v in VARIABLE_NAMES if v not in ("p", "q")])  # p/q is the answer form
            sub, sub_value = _tree_for_budget(rng, entropy * 0.4)
            tree, _ = _tree_for_budget(rng, entropy * 0.6)
            path = rng.choice(leaf_paths(tree))
            tree = replace_at(tree, path, name)
            definitions.append({"name": name, "tree": sub})
            try:
                value = evaluate(tree, {name: sub_value})
            except ZeroDivisionError:
                raise Reject("the definition makes a divisor zero")
            if count_leaves(sub) < 2 or get_at(tree, path) != name:
                raise Reject("degenerate definition")
        if _digits(value) > entropy + 2:
            raise Reject("answer too long for the level's digit budget")
        text = render(tree)
        if definitions:
            d = definitions[0]
            question = rng.choice(_COMPOSED).format(t=d["name"], d=render(d["tree"]), e=text)
        else:
            question = rng.choice(_WORDINGS).format(e=text)
        params = {"tree": tree, "definitions": definitions, "expression": text,
                  "definition_texts": [render(d["tree"]) for d in definitions]}
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """The expression with its definitions substituted (their names and wording do not matter), up to
        commutativity and associativity of + and × (− and ÷ as adding a negative and multiplying by an
        inverse): ``instance_key.expression_normal_form``, a full normal form for those laws."""
        defs = {d["name"]: d["tree"] for d in params.get("definitions", [])}
        return params_key(params, drop=("definition_texts", "definitions", "expression", "tree",
                                        *self.key_ignored_params), tree=expression_normal_form(params["tree"], defs))

    def solve(self, params: dict) -> str:
        env: dict[str, Fraction] = {}
        for d in params["definitions"]:
            env[d["name"]] = evaluate(d["tree"], env)
        return format_rational(evaluate(params["tree"], env))

    def check(self, params: dict, answer: str) -> bool:
        local: dict = {}
        for d, text in zip(params["definitions"], params["definition_texts"]):
            local[d["name"]] = parse_expr(text, local_dict=dict(local))
        value = parse_expr(params["expression"], local_dict=local)
        if not isinstance(value, Rational):
            return False
        num, _, den = str(answer).partition("/")
        expected = Fraction(int(num), int(den) if den else 1)
        return (value.p, value.q) == (expected.numerator, expected.denominator) and format_rational(expected) == answer
