"""A stable 64-bit hash of a problem id (blake2b), used to index problems and samples without holding ids."""
from __future__ import annotations

import hashlib


def id_hash(problem_id: str) -> int:
    """A stable 64-bit hash of a problem id."""
    return int.from_bytes(hashlib.blake2b(problem_id.encode("utf-8"), digest_size=8).digest(), "little")
