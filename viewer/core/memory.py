"""Giving freed memory back to the system.

A big project's timeline is replaced wholesale when its lanes or filter change (tens of MB
of arrays, built partly on other threads). glibc's allocator keeps what was freed in its
heaps (one per thread that allocated) for later use, so the process's resident memory only
grows: on the rich 1M project one lane switch took it from 349 to 427 MB, of which
``malloc_trim`` gave 91 MB back in 2 ms. Elsewhere (macOS, Windows, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Return the allocator's wholly free pages to the system; True when the platform can."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
