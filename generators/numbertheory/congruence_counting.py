"""Exact counts of integers and tuples satisfying power congruences, each by two independent routes.

Used by ``numbertheory_ordered_lte``. The "smart" counts work on residue classes; the second routes are brute
force over every integer / tuple (vectorised with numpy, exact int64 arithmetic) or, for ranges too large to
enumerate, a different algorithm that walks the actual values one at a time.
"""
from __future__ import annotations

import numpy as np
from sympy import factorint

# largest modulus for which (x * y) % m stays exact in int64 when x, y < m
_INT64_SAFE_MODULUS = 3_000_000_000


def powmod_array(values: np.ndarray, exponent: int, modulus: int) -> np.ndarray:
    """``values ** exponent % modulus`` elementwise, exactly, by square-and-multiply in int64."""
    if modulus >= _INT64_SAFE_MODULUS:
        raise ValueError(f"modulus {modulus} too large for exact int64 arithmetic")
    base = np.asarray(values, dtype=np.int64) % modulus
    result = np.ones_like(base) % modulus
    while exponent:
        if exponent & 1:
            result = (result * base) % modulus
        exponent >>= 1
        if exponent:
            base = (base * base) % modulus
    return result


# ---------------------------------------------------------------- one variable: b^q | a^b, lo <= a <= hi
def least_power_multiplier(base: int, q: int) -> int:
    """The least M > 0 with base^q | M^base: each prime r^e || base needs v_r(M) >= ceil(q e / base)."""
    m = 1
    for r, e in factorint(base).items():
        m *= r ** (-(-q * e // base))
    return m


def count_multiples(m: int, lo: int, hi: int) -> int:
    """How many multiples of ``m`` lie in [lo, hi] (0 counts as a multiple)."""
    return hi // m - (lo - 1) // m if hi >= lo else 0


def count_power_divisible(base: int, p: int, q: int, lo: int) -> int:
    """#{a : lo <= a <= base^p, base^q | a^base} via valuations (the solutions are the multiples of M)."""
    return count_multiples(least_power_multiplier(base, q), lo, base**p)


def least_power_multiplier_by_scan(base: int, q: int) -> int:
    """The same M found by trying a = 1, 2, ... (M divides base^q, so the scan is bounded)."""
    modulus = base**q
    for a in range(1, modulus + 1):
        if pow(a, base, modulus) == 0:
            return a
    raise AssertionError("unreachable: base^q itself is a solution")


def brute_count_power_divisible(base: int, p: int, q: int, lo: int) -> int:
    """Test every a in [lo, base^p] directly (numpy)."""
    a = np.arange(lo, base**p + 1, dtype=np.int64)
    return int(np.count_nonzero(powmod_array(a, base, base**q) == 0))


# ---------------------------------------------------------------- tuples: sum c_i x_i^k == 0 (mod m)
def residue_class_sizes(lo: int, hi: int, modulus: int) -> np.ndarray:
    """``sizes[r]`` = #{x in [lo, hi] : x = r (mod modulus)} by a closed form per residue."""
    r = np.arange(modulus, dtype=np.int64)
    return (hi - r) // modulus - (lo - 1 - r) // modulus


def _exact_bincount(keys: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, keys, weights.astype(np.int64))
    return out


def _cyclic_convolve(a: np.ndarray, b: np.ndarray, modulus: int) -> np.ndarray:
    full = np.convolve(a, b)
    out = full[:modulus].copy()
    out[: len(full) - modulus] += full[modulus:]
    return out


def count_tuples_by_residues(coeffs: list[int], exponent: int, modulus: int, lo: int, hi: int) -> int:
    """#{(x_1..x_r) in [lo, hi]^r : sum c_i x_i^k = 0 (mod m)}: residue-class sizes, then cyclic convolution."""
    if (hi - lo + 1) ** len(coeffs) >= 2**62:
        raise ValueError("count would overflow int64")
    sizes = residue_class_sizes(lo, hi, modulus)
    powers = powmod_array(np.arange(modulus), exponent, modulus)
    dist = None
    for c in coeffs:
        hist = _exact_bincount((c * powers) % modulus, sizes, modulus)
        dist = hist if dist is None else _cyclic_convolve(dist, hist, modulus)
    return int(dist[0])


def count_tuples_value_by_value(coeffs: list[int], exponent: int, modulus: int, lo: int, hi: int) -> int:
    """The same count by a distribution over sums mod m, extended one actual value x at a time."""
    dist = np.zeros(modulus, dtype=np.int64)
    dist[0] = 1
    for c in coeffs:
        nxt = np.zeros(modulus, dtype=np.int64)
        for x in range(lo, hi + 1):
            nxt += np.roll(dist, (c * pow(x, exponent, modulus)) % modulus)
        dist = nxt
    return int(dist[0])


def _sum_grid(coeffs: list[int], exponent: int, modulus: int, values: np.ndarray) -> np.ndarray:
    total = np.zeros(1, dtype=np.int64)
    for c in coeffs:
        term = (c * powmod_array(values, exponent, modulus)) % modulus
        total = ((total[:, None] + term[None, :]) % modulus).ravel()
    return total


def brute_count_tuples(coeffs: list[int], exponent: int, modulus: int, lo: int, hi: int) -> int:
    """Every tuple tested (numpy grid of all sums); only for small ranges."""
    values = np.arange(lo, hi + 1, dtype=np.int64)
    return int(np.count_nonzero(_sum_grid(coeffs, exponent, modulus, values) == 0))


# ---------------------------------------------------------------- coprime triples (gcd of all entries = 1)
def mobius_table(n: int) -> list[int]:
    """mu(0..n) by a linear sieve."""
    mu = [1] * (n + 1)
    mu[0] = 0
    is_composite = [False] * (n + 1)
    primes: list[int] = []
    for i in range(2, n + 1):
        if not is_composite[i]:
            primes.append(i)
            mu[i] = -1
        for p in primes:
            if i * p > n:
                break
            is_composite[i * p] = True
            if i % p == 0:
                mu[i * p] = 0
                break
            mu[i * p] = -mu[i]
    return mu


def count_coprime_tuples(coeffs: list[int], exponent: int, modulus: int, hi: int) -> int:
    """#{x in [1, hi]^r : gcd(x) = 1, sum c_i x_i^k = 0 (mod m)} by Moebius inversion over the common divisor d.

    Tuples whose entries are all multiples of d are d*y with y in [1, hi // d]^r and coefficients c_i d^k.
    """
    mu = mobius_table(hi)
    total = 0
    for d in range(1, hi + 1):
        if mu[d]:
            scaled = [(c * pow(d, exponent, modulus)) % modulus for c in coeffs]
            total += mu[d] * count_tuples_by_residues(scaled, exponent, modulus, 1, hi // d)
    return total


def brute_count_coprime_tuples(coeffs: list[int], exponent: int, modulus: int, hi: int) -> int:
    """Every tuple tested, gcd and congruence (numpy grid); only for small ranges."""
    values = np.arange(1, hi + 1, dtype=np.int64)
    sums = _sum_grid(coeffs, exponent, modulus, values)
    g = np.zeros(1, dtype=np.int64)
    for _ in coeffs:
        g = np.gcd(g[:, None], values[None, :]).ravel()
    return int(np.count_nonzero((sums == 0) & (g == 1)))

