"""Allocator tuning for generation processes: keep large numpy temporaries in the heap.

glibc serves every allocation above its mmap threshold with a fresh ``mmap`` and returns it with ``munmap``
on free, so the certified families, which build and drop many mid-sized numpy arrays per item, page-fault
on every one of them (measured: ≈ 410,000 minor faults and ≈ 1 s of kernel time per 6 CPU-s of
generation). Raising the mmap and trim thresholds once per process (``mallopt``) keeps those blocks in the
heap for reuse: ≈ 25,000 faults and ≈ 0.1 s. Results are unaffected (only where memory comes from);
elsewhere than glibc this is a no-op.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # glibc <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 64 * 2**20  # blocks up to 64 MiB come from the heap
TRIM_THRESHOLD_BYTES = 128 * 2**20  # free heap above 128 MiB is handed back to the OS

_tuned: bool | None = None


def tune_allocator() -> bool:
    """Raise glibc's mmap and trim thresholds for this process (once); True when they were set."""
    global _tuned
    if _tuned is not None:
        return _tuned
    _tuned = False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another libc without mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    _tuned = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD,
                                                                                   TRIM_THRESHOLD_BYTES))
    return _tuned
