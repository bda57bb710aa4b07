"""Roots of n^k + c modulo prime powers, by Hensel-style lifting and by direct scanning.

:func:`roots_by_lifting` builds the roots modulo p^(i+1) from those modulo p^i (every root modulo p^(i+1)
reduces to one modulo p^i, so trying the p lifts of each root finds them all, singular roots included).
:func:`roots_by_scan` tests every residue at once with numpy; it is the independent route used by checks.
"""
from __future__ import annotations

import numpy as np
from sympy import primerange

from generators.numbertheory.congruence_counting import powmod_array


def roots_by_lifting(k: int, c: int, p: int, e: int) -> list[int]:
    """Sorted residues n in [0, p^e) with n^k + c = 0 (mod p^e)."""
    roots = [r for r in range(p) if (pow(r, k, p) + c) % p == 0]
    modulus = p
    for _ in range(1, e):
        nxt = modulus * p
        roots = [r + t * modulus for r in roots for t in range(p) if (pow(r + t * modulus, k, nxt) + c) % nxt == 0]
        modulus = nxt
    return sorted(roots)


def roots_by_scan(k: int, c: int, modulus: int) -> np.ndarray:
    """Residues n in [0, modulus) with n^k + c = 0 (mod modulus), every residue tested."""
    values = powmod_array(np.arange(modulus, dtype=np.int64), k, modulus)
    return np.flatnonzero((values + c) % modulus == 0)


def has_root_by_scan(k: int, c: int, p: int, e: int) -> bool:
    """Whether n^k + c = 0 (mod p^e) is solvable; a root mod p^e is a root mod p, so scan mod p first."""
    if roots_by_scan(k, c, p).size == 0:
        return False
    return roots_by_scan(k, c, p**e).size > 0


def positive_roots(roots: list[int], modulus: int) -> list[int]:
    """The residues as the integers 1..modulus (residue 0 stands for modulus itself), sorted."""
    return sorted(r if r else modulus for r in roots)


def candidate_primes(limit_power: int, exponent: int, max_prime: int, residue_mod: int = 1) -> list[int]:
    """Primes p < max_prime with p^exponent <= limit_power and p = 1 (mod residue_mod), ascending."""
    return [p for p in primerange(2, max_prime) if p**exponent <= limit_power and (p - 1) % residue_mod == 0]
