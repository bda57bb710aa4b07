"""numbertheory_qr_sum (OMEGA "digit sum"): the k-th largest or smallest d-digit N with a digit property; Q + R.

"Let N be the k-th largest (or smallest) d-digit positive integer such that <property>. Let Q and R be the
quotient and remainder when N is divided by 10^s. Find Q + R." Properties: :mod:`digit_properties`.

Fixes of the original (OMEGA weak point #12 and the digit-sum notes): the answer Q + R is always defined
(R = 0 is a valid remainder and is kept, d = 1 works with s = 0 rather than crashing), the wording "largest" /
"smallest" always matches the search direction, and digit 0 is handled explicitly (the divisibility-by-digits
template says "no digit is 0" instead of silently skipping such numbers).

solve scans the d-digit range in search order with the place-value implementation (numpy, chunked,
exhaustive). check re-tests N by editing its decimal string and confirms that exactly k - 1 integers strictly
between the range boundary and N have the property: string edits when that gap is short, otherwise the
digit-matrix implementation. Instances whose answer lies deeper than ``MAX_SCAN`` candidates are re-drawn so
both stay fast.

Ladder (issue 16: the median search depth was 15, 34, 100, 64, 32 for levels 1-5): level L+1 has more
digits and N must lie at least 1, 8, 30, 100, 400 candidates from the range boundary (``depth``), so the
scan to N (``search_depth``, the test's proxy) is longer at every level; level 5 keeps every template
(OMEGA's level 5 dropped the digit-change ones).
"""
from __future__ import annotations

import random
from typing import Any

import numpy as np

from generators.family import Family, Problem, Reject
from generators.numbertheory.digit_properties import holds_by_text, mask_by_digit_matrix, mask_by_place_values
from generators.registration import register_family

MAX_SCAN = 50_000  # candidates a generated instance may need before its k-th hit
TEXT_GAP = 1_000  # gaps up to this length are re-checked integer by integer with string edits
CHUNK = 1 << 15
FIRST_CHUNK = 512
INNER_TRIES = 20  # draws within one template before the whole item is re-drawn

_PROPERTY_TEXT = {
    "one_digit_change": "whenever any one of its digits is replaced by the digit {t} (a digit that already is {t} "
                        "leaves N unchanged), the resulting number is divisible by {m}",
    "two_digit_change": "whenever the digits in any two different positions are both replaced by the digit {t} "
                        "(digits already equal to {t} stay), the resulting number is divisible by {m}",
    "adjacent_swap": "swapping any two adjacent digits gives a number divisible by {m} (if the swap puts a 0 in "
                     "front, read the result as an ordinary integer)",
    "digit_sum": "the sum of its digits is divisible by {m}",
    "alternating_sum": "its alternating digit sum (first digit minus second plus third and so on) is divisible by "
                       "{m} (0 counts, and so do negative multiples)",
    "reversal": "both N and the number obtained by writing the digits of N in reverse order (dropping leading "
                "zeros) are divisible by {m}",
    "digit_divisible": "no digit of N is 0, N is divisible by each of its digits, and N is divisible by {m}",
}
_KS = {"one_digit_change": (1, 2), "two_digit_change": (1, 2), "adjacent_swap": (1, 2, 3), "digit_sum": (1, 2, 3, 5, 10),
       "alternating_sum": (1, 2, 3, 5, 10), "reversal": (1, 2, 3), "digit_divisible": (1, 2, 3)}
_BASIC = ("one_digit_change", "two_digit_change", "adjacent_swap", "digit_sum", "alternating_sum", "reversal")
# with 6 or 7 digits the digit-change properties almost never have a solution near either end of the range
# (and those that do are degenerate moduli such as 4 or 5), so the top level leaves them out
_SEQUENCE = ("adjacent_swap", "digit_sum", "alternating_sum", "reversal")


def ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def digit_range(d: int) -> tuple[int, int]:
    """The d-digit positive integers [lo, hi] (d = 1 gives 1..9)."""
    return 10 ** (d - 1), 10**d - 1


def find_kth(params: dict[str, Any], limit: int | None = None) -> int | None:
    """The k-th hit in search order, by chunked place-value scans; None if absent (within ``limit`` candidates)."""
    d, k = params["d"], params["k"]
    lo, hi = digit_range(d)
    total = hi - lo + 1 if limit is None else min(limit, hi - lo + 1)
    found = start = 0
    size = FIRST_CHUNK
    while start < total:
        size = min(size, total - start)
        if params["largest"]:
            values = np.arange(hi - start, hi - start - size, -1, dtype=np.int64)
        else:
            values = np.arange(lo + start, lo + start + size, dtype=np.int64)
        hits = values[mask_by_place_values(params["template"], values, d, params)]
        if found + len(hits) >= k:
            return int(hits[k - found - 1])
        found += len(hits)
        start += size
        size = min(2 * size, CHUNK)  # small first chunks: most answers sit near the boundary
    return None


def search_depth(params: dict[str, Any], n: int) -> int:
    """How many candidates a scan from the range boundary tests before reaching N (N included)."""
    lo, hi = digit_range(params["d"])
    return (hi - n if params["largest"] else n - lo) + 1


def quotient_plus_remainder(n: int, s: int) -> int:
    q, r = divmod(n, 10**s)
    return q + r


def _question(params: dict[str, Any]) -> str:
    k, d, s = params["k"], params["d"], params["s"]
    which = ("largest" if params["largest"] else "smallest") if k == 1 else \
        f"{ordinal(k)} {'largest' if params['largest'] else 'smallest'}"
    prop = _PROPERTY_TEXT[params["template"]].format(m=params.get("m"), t=params.get("t"))
    divisor = "10" if s == 1 else f"10^{s}"
    return (f"Let N be the {which} {d}-digit positive integer such that {prop}. Let Q and R be the quotient and "
            f"remainder when N is divided by {divisor}. Find Q + R.")


@register_family
class NumberTheoryQrSum(Family):
    name = "numbertheory_qr_sum"
    domain = "number_theory"
    description = "k-th largest or smallest d-digit integer with a digit property; quotient plus remainder"
    answer_type = "int"
    test_items = 40  # items per level in the default generic test run (200 under -m slow)
    # OMEGA: d = {1,2}, 3, 4, 5, {6,7}; d = 1 is degenerate for every template (one digit: changing it to t
    # gives t whatever N is, no adjacent pairs, N / 10^0 has R = 0), so level 1 uses d = 2
    levels = {
        1: {"digits": (2,), "m": (2, 19), "templates": _BASIC, "depth": (1, 90)},
        2: {"digits": (3,), "m": (3, 11), "templates": _BASIC, "depth": (8, 900)},
        3: {"digits": (4,), "m": (3, 13), "templates": _BASIC, "depth": (30, 9000)},
        4: {"digits": (5,), "m": (3, 13), "templates": _BASIC + ("digit_divisible",), "depth": (100, MAX_SCAN)},
        5: {"digits": (6, 7), "m": (3, 19), "templates": _BASIC + ("digit_divisible",), "depth": (400, MAX_SCAN)},
    }
    version = "2"  # issue 16: a band of search depths per level

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        template = rng.choice(knobs["templates"])
        # bounded re-draws inside the chosen template keep the template mix even (some rarely have solutions)
        for _ in range(INNER_TRIES):
            d = rng.choice(knobs["digits"])
            params = {"template": template, "d": d, "k": rng.choice(_KS[template]), "largest": rng.random() < 0.5,
                      "m": rng.randint(*knobs["m"]), "s": rng.randint(1, d - 1)}
            if template in ("one_digit_change", "two_digit_change"):
                params["t"] = rng.randint(1, 9)
            n = find_kth(params, MAX_SCAN)
            if n is not None and knobs["depth"][0] <= search_depth(params, n) <= knobs["depth"][1]:
                return Problem(question=_question(params), params=params)
        raise Reject(f"{template}: no k-th hit within {MAX_SCAN} candidates in {INNER_TRIES} draws")


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint digit counts (in the instance key), so the instance shows its level."""
        return self.level_with(digits=params["d"])

    def solve(self, params: dict[str, Any]) -> int:
        n = find_kth(params)
        if n is None:
            raise ValueError(f"no such integer: {params}")
        return quotient_plus_remainder(n, params["s"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        n = self._independent_n(params)
        if n is None:
            return False
        text = str(n)
        q = int(text[: len(text) - params["s"]] or "0")
        r = int(text[len(text) - params["s"]:] or "0") if params["s"] else 0
        return isinstance(answer, int) and answer == q + r

    @staticmethod
    def _independent_n(params: dict[str, Any]) -> int | None:
        """Walk candidates in search order with the other two implementations; the k-th hit is N."""
        template, d, k = params["template"], params["d"], params["k"]
        lo, hi = digit_range(d)
        step = -1 if params["largest"] else 1
        start = hi if params["largest"] else lo
        found, n = 0, start
        while lo <= n <= hi and abs(n - start) < TEXT_GAP:
            if holds_by_text(template, n, params):
                found += 1
                if found == k:
                    return n
            n += step
        # long gap: digit-matrix masks over the remaining candidates, then the hit itself re-tested as text
        while lo <= n <= hi:
            end = n + step * CHUNK
            values = np.arange(n, max(lo - 1, end) if step < 0 else min(hi + 1, end), step, dtype=np.int64)
            hits = values[mask_by_digit_matrix(template, values, d, params)]
            if found + len(hits) >= k:
                candidate = int(hits[k - found - 1])
                return candidate if holds_by_text(template, candidate, params) else None
            found += len(hits)
            n = int(values[-1]) + step
        return None
