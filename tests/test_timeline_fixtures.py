"""Small, fully known timelines for the timeline tests (no database, no Qt)."""

from __future__ import annotations

import numpy as np

from viewer.core.model import Precision
from viewer.core.timeline_data import DAY, PRECISIONS, TimelineData, sort_columns

D = PRECISIONS.index(Precision.DAY)
M = PRECISIONS.index(Precision.MONTH)
Y = PRECISIONS.index(Precision.YEAR)
T2025 = 1735689600.0  # 2025-01-01 00:00 UTC


def make_data(t0: list[float], precision: list[int] | None = None, issue: list[int] | None = None,
              t1: list[float] | None = None, n_issues: int = 3, titles: dict[int, str] | None = None
              ) -> TimelineData:
    """Issue lanes over the given starts; ids are 1..n in the order given; day events by default."""
    n = len(t0)
    ids = np.arange(1, n + 1, dtype=np.int64)
    t0a = np.asarray(t0, float)
    prec = np.asarray(precision if precision is not None else [D] * n, np.int8)
    t1a = np.asarray(t1, float) if t1 is not None else t0a + DAY
    iss = np.asarray(issue if issue is not None else [0] * n, np.int16)
    ids, t0a, t1a, prec, iss = sort_columns(ids, t0a, t1a, prec, iss)
    lane_of = np.where(iss >= 0, iss, n_issues).astype(np.int32)
    names = titles if titles is not None else {int(i): f"Event number {int(i)}" for i in ids}
    return TimelineData(
        ids=ids, t0=t0a, t1=t1a, precision=prec, issue=iss,
        lane_event=np.arange(n, dtype=np.int32), lane_of=lane_of,
        lane_labels=[f"Issue {i}" for i in range(n_issues)] + ["(no issue)"],
        lane_issue=np.array(list(range(n_issues)) + [-1], np.int16), lane_mode="issue",
        issue_ids=[f"i{i}" for i in range(n_issues)], catch_all=n_issues,
        titles=lambda want: {int(i): names.get(int(i), "") for i in want},
    )


ISSUES = [("i0", "Tariffs", "#E69F00"), ("i1", "Rare earths", "#0072B2"), ("i2", "Chips", "#009E73")]
