"""Digit properties of d-digit integers for ``numbertheory_qr_sum``, implemented three independent ways.

Templates (params ``m`` modulus, ``t`` replacement digit where used; digits counted from the leading one):

* ``one_digit_change``: replacing any one digit by t gives a multiple of m (a digit already equal to t gives N).
* ``two_digit_change``: replacing any two digits (two different positions) by t gives a multiple of m.
* ``adjacent_swap``: swapping any two adjacent digits gives a multiple of m (a leading 0 is read as an integer).
* ``digit_sum``: the digit sum is a multiple of m.
* ``alternating_sum``: first digit - second + third - ... is a multiple of m (0 and negatives included).
* ``reversal``: N and the integer with N's digits reversed (leading zeros dropped) are both multiples of m.
* ``digit_divisible``: no digit is 0, N is divisible by each of its digits, and by m.

:func:`mask_by_place_values` works algebraically on numpy arrays (a replaced digit adds (t - digit) * 10^place);
:func:`mask_by_digit_matrix` builds the digit matrix, performs the literal edit on its columns and re-reads the
numbers by Horner's rule; :func:`holds_by_text` edits the decimal string of one integer in plain Python.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

TEMPLATES = ("one_digit_change", "two_digit_change", "adjacent_swap", "digit_sum", "alternating_sum", "reversal",
             "digit_divisible")


def _all(masks: list[np.ndarray], size: int) -> np.ndarray:
    out = np.ones(size, dtype=bool)
    for mask in masks:
        out &= mask
    return out


def _sieve(v: np.ndarray, tests) -> np.ndarray:
    """AND of ``test(values)`` over ``tests``, each evaluated only on the values that passed the ones before
    (most candidates fail the first test, so the later ones cost little)."""
    alive = np.arange(v.size)
    for test in tests:
        if alive.size == 0:
            break
        alive = alive[test(v[alive])]
    out = np.zeros(v.size, dtype=bool)
    out[alive] = True
    return out


def mask_by_place_values(template: str, values: np.ndarray, d: int, params: dict) -> np.ndarray:
    """Which of ``values`` (all d-digit, int64) have the property: place-value arithmetic."""
    v = np.asarray(values, dtype=np.int64)
    m, t = params.get("m"), params.get("t")
    place = [10 ** (d - 1 - i) for i in range(d)]

    def digit(x: np.ndarray, i: int) -> np.ndarray:
        return (x // place[i]) % 10

    if template == "one_digit_change":
        return _sieve(v, [lambda x, i=i: (x + (t - digit(x, i)) * place[i]) % m == 0 for i in range(d)])
    if template == "two_digit_change":
        return _sieve(v, [lambda x, i=i, j=j: (x + (t - digit(x, i)) * place[i] + (t - digit(x, j)) * place[j]) % m == 0
                          for i, j in combinations(range(d), 2)])
    if template == "adjacent_swap":
        return _sieve(v, [lambda x, i=i: (x + (digit(x, i + 1) - digit(x, i)) * (place[i] - place[i + 1])) % m == 0
                          for i in range(d - 1)])
    if template == "digit_sum":
        return sum(digit(v, i) for i in range(d)) % m == 0
    if template == "alternating_sum":
        return sum(digit(v, i) if i % 2 == 0 else -digit(v, i) for i in range(d)) % m == 0
    if template == "reversal":
        reversed_value = sum(digit(v, i) * 10**i for i in range(d))
        return (v % m == 0) & (reversed_value % m == 0)
    if template == "digit_divisible":
        tests = [lambda x: x % m == 0]
        for i in range(d):
            tests.append(lambda x, i=i: digit(x, i) != 0)
        for i in range(d):
            tests.append(lambda x, i=i: x % digit(x, i) == 0)  # digits are nonzero by now
        return _sieve(v, tests)
    raise ValueError(f"unknown template {template!r}")


def _digit_matrix(values: np.ndarray, d: int) -> np.ndarray:
    rest = np.asarray(values, dtype=np.int64).copy()
    cols = []
    for _ in range(d):
        cols.append(rest % 10)
        rest //= 10
    return np.stack(cols[::-1], axis=1)


def _horner_mod(matrix: np.ndarray, m: int) -> np.ndarray:
    acc = np.zeros(matrix.shape[0], dtype=np.int64)
    for col in range(matrix.shape[1]):
        acc = (acc * 10 + matrix[:, col]) % m
    return acc


def mask_by_digit_matrix(template: str, values: np.ndarray, d: int, params: dict) -> np.ndarray:
    """The same property by editing digit-matrix columns literally and re-reading the numbers."""
    digits = _digit_matrix(values, d)
    m, t = params.get("m"), params.get("t")
    n = digits.shape[0]
    if template in ("one_digit_change", "two_digit_change"):
        width = 1 if template == "one_digit_change" else 2
        masks = []
        for cols in combinations(range(d), width):
            edited = digits.copy()
            edited[:, list(cols)] = t
            masks.append(_horner_mod(edited, m) == 0)
        return _all(masks, n)
    if template == "adjacent_swap":
        masks = []
        for i in range(d - 1):
            edited = digits.copy()
            edited[:, [i, i + 1]] = digits[:, [i + 1, i]]
            masks.append(_horner_mod(edited, m) == 0)
        return _all(masks, n)
    if template == "digit_sum":
        return digits.sum(axis=1) % m == 0
    if template == "alternating_sum":
        signs = np.array([1 if i % 2 == 0 else -1 for i in range(d)], dtype=np.int64)
        return (digits @ signs) % m == 0
    if template == "reversal":
        return (_horner_mod(digits, m) == 0) & (_horner_mod(digits[:, ::-1], m) == 0)
    if template == "digit_divisible":
        ok = (_horner_mod(digits, m) == 0) & (digits != 0).all(axis=1)
        # remainder of every number modulo each possible digit 1..9, then look up each column's digit
        remainders = np.stack([np.ones(n, dtype=np.int64)] + [_horner_mod(digits, q) for q in range(1, 10)], axis=1)
        for i in range(d):
            ok &= remainders[np.arange(n), digits[:, i]] == 0
        return ok
    raise ValueError(f"unknown template {template!r}")


def holds_by_text(template: str, n: int, params: dict) -> bool:
    """The property of one integer, by editing its decimal string."""
    s = str(n)
    d = len(s)
    m, t = params.get("m"), params.get("t")
    if template == "one_digit_change":
        return all(int(s[:i] + str(t) + s[i + 1:]) % m == 0 for i in range(d))
    if template == "two_digit_change":
        def edit(i: int, j: int) -> int:
            chars = list(s)
            chars[i] = chars[j] = str(t)
            return int("".join(chars))
        return all(edit(i, j) % m == 0 for i in range(d) for j in range(i + 1, d))
    if template == "adjacent_swap":
        return all(int(s[:i] + s[i + 1] + s[i] + s[i + 2:]) % m == 0 for i in range(d - 1))
    if template == "digit_sum":
        return sum(int(ch) for ch in s) % m == 0
    if template == "alternating_sum":
        return sum(int(ch) * (1 if i % 2 == 0 else -1) for i, ch in enumerate(s)) % m == 0
    if template == "reversal":
        return n % m == 0 and int(s[::-1]) % m == 0
    if template == "digit_divisible":
        return "0" not in s and n % m == 0 and all(n % int(ch) == 0 for ch in s)
    raise ValueError(f"unknown template {template!r}")
