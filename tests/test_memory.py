"""Freed memory goes back to the system (viewer/core/memory.py)."""

from __future__ import annotations

import os
import sys

import pytest

from viewer.core.memory import release_freed_memory


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_pages_kept_between_live_blocks_go_back_to_the_system():
    if not release_freed_memory():
        pytest.skip("no malloc_trim here (not glibc)")
    # 4 KB blocks (malloc's, not Python's small-object pool), one in ten kept: the nine freed
    # between two kept ones are whole pages the allocator keeps for itself until trimmed
    blocks = [bytearray(4000) for _ in range(60_000)]
    kept = blocks[::10]
    del blocks
    before = _rss_mb()
    assert release_freed_memory()
    after = _rss_mb()
    assert before - after > 100, (before, after)  # of the ~216 MB freed
    assert len(kept) == 6000
