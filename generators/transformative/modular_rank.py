"""Exact rank certificates for large integer matrices: a modular lower bound and an exact null-space upper bound.

* rank over F_p never exceeds rank over Q (a non-zero minor mod p is a non-zero integer), so
  :func:`rank_mod_p` >= r proves rank_Q(A) >= r;
* k exact integer vectors with A v = 0 that are independent mod p are independent over Q, so
  :func:`null_vectors_certify` proves rank_Q(A) <= n - k.

Both are computed with numpy int64 arrays: entries are reduced mod p = 2^31 - 1 before any product, and exact
products A v are formed in int64 only when a bound shows they cannot overflow (otherwise in Python integers).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PRIME = 2_147_483_647  # 2^31 - 1: products of two residues fit in int64
_INT64_SAFE = 2**62


def rank_mod_p(rows: Sequence[Sequence[int]], p: int = PRIME) -> int:
    """Rank of the integer matrix over F_p by Gaussian elimination on int64 residues."""
    a = np.array([[x % p for x in row] for row in rows], dtype=np.int64)
    if a.size == 0:
        return 0
    n_rows, n_cols = a.shape
    rank = 0
    for col in range(n_cols):
        nz = np.nonzero(a[rank:, col])[0]
        if nz.size == 0:
            continue
        piv = rank + int(nz[0])
        if piv != rank:
            a[[rank, piv]] = a[[piv, rank]]
        inv = pow(int(a[rank, col]), p - 2, p)
        a[rank] = (a[rank] * inv) % p
        below = a[rank + 1:, col].copy()
        if below.any():
            a[rank + 1:] = (a[rank + 1:] - (below[:, None] * a[rank][None, :]) % p) % p
        rank += 1
        if rank == n_rows:
            break
    return rank


def exact_product_is_zero(matrix: Sequence[Sequence[int]], vector: Sequence[int]) -> bool:
    """True when matrix @ vector is exactly the zero vector."""
    big_a = max((abs(x) for row in matrix for x in row), default=0)
    big_v = max((abs(x) for x in vector), default=0)
    if big_a * big_v * max(1, len(vector)) < _INT64_SAFE:
        prod = np.array(matrix, dtype=np.int64) @ np.array(vector, dtype=np.int64)
        return not prod.any()
    return all(sum(x * y for x, y in zip(row, vector)) == 0 for row in matrix)


def exact_null_mask(matrix: Sequence[Sequence[int]], vectors: Sequence[Sequence[int]]) -> list[bool]:
    """For each vector, whether matrix @ vector is exactly zero (one batched product when int64 is safe)."""
    if not vectors:
        return []
    big_a = max((abs(x) for row in matrix for x in row), default=0)
    big_v = max((abs(x) for v in vectors for x in v), default=0)
    if big_a * big_v * max(1, len(vectors[0])) < _INT64_SAFE:
        prod = np.array(matrix, dtype=np.int64) @ np.array(vectors, dtype=np.int64).T
        return [not prod[:, k].any() for k in range(len(vectors))]
    return [exact_product_is_zero(matrix, v) for v in vectors]


def null_vectors_certify(matrix: Sequence[Sequence[int]], vectors: Sequence[Sequence[int]]) -> bool:
    """Every vector is an exact null vector and the vectors are independent (checked mod p)."""
    if not vectors:
        return True
    if not all(exact_null_mask(matrix, vectors)):
        return False
    return rank_mod_p(vectors) == len(vectors)
