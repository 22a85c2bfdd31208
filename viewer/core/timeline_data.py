"""Timeline arrays and the pure logic behind the timeline view (no Qt, no database).

Events live in a handful of numpy arrays sorted by start time; nothing here builds
a Python object per event. The view asks this module, for each paint, which slice
of each lane is visible (binary search), whether a lane is denser than the pixels
it has (then it draws per-pixel counts instead of markers), how markers cluster,
where labels fit without colliding, and which axis ticks to draw.

Times are seconds since 1970-01-01 UTC; an event covers ``[t0, t1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import numpy.ma  # noqa: F401  np.unique imports it on its first call (15-35 ms): here, not inside a first paint

from viewer.core.model import Precision

PRECISIONS: tuple[Precision, ...] = tuple(Precision)
#: precision codes (indices into PRECISIONS) drawn as a point marker; coarser ones are spans
POINT_MAX_CODE = PRECISIONS.index(Precision.DAY)
DAY = 86400.0
LANE_MODES = ("issue", "actor", "article")


@dataclass
class TimelineData:
    """Everything the timeline draws, as columns sorted by ``(t0, id)``.

    Lanes are given as membership pairs ``(lane_event[k], lane_of[k])`` so that one
    event can sit in several lanes (an event with two actors is in both actor lanes).
    ``titles`` and ``details`` fetch text lazily for a few ids (labels, tooltips);
    they are never asked for every event.
    """

    ids: np.ndarray  # int64
    t0: np.ndarray  # float64
    t1: np.ndarray  # float64
    precision: np.ndarray  # int8, index into PRECISIONS
    issue: np.ndarray  # int16, index into issue_ids (-1: none); the colour
    lane_event: np.ndarray  # int32 event index per membership
    lane_of: np.ndarray  # int32 lane number per membership
    lane_labels: list[str]
    lane_issue: np.ndarray  # int16 per lane: the issue whose colour tints the lane (-1: neutral)
    lane_mode: str = "issue"
    issue_ids: list[str] = field(default_factory=list)
    titles: Callable[[Sequence[int]], dict[int, str]] | None = None
    details: Callable[[int], dict] | None = None
    catch_all: int = -1  # lane of events without issue/actor ("(no issue)"): last among equals
    _id_order: np.ndarray | None = field(default=None, repr=False)
    _range: tuple | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def is_span(self) -> np.ndarray:
        return self.precision > POINT_MAX_CODE

    def time_range(self) -> tuple[float, float]:
        """First start and last end over all events (a one-day window when empty).

        Memoised: the columns are not changed in place (a reload builds new data), and a
        maximum over a million ends would cost half a millisecond on every frame.
        """
        if not len(self):
            return 0.0, DAY
        if self._range is None or self._range[0] is not self.t1:
            self._range = (self.t1, float(self.t0[0]), float(self.t1.max()))
        return self._range[1], self._range[2]

    def index_of(self, event_ids: Iterable[int] | np.ndarray) -> np.ndarray:
        """Row indices of the given event ids (unknown ids dropped); an array is used as it is."""
        if self._id_order is None:
            self._id_order = np.argsort(self.ids, kind="stable")
        want = np.asarray(list(event_ids) if not isinstance(event_ids, np.ndarray) else event_ids, np.int64)
        if not want.size or not len(self):
            return np.empty(0, np.int64)
        pos, ok = find_sorted(self.ids[self._id_order], want)
        return self._id_order[pos[ok]]

    @classmethod
    def empty(cls, lane_mode: str = "issue") -> TimelineData:
        z = np.empty(0)
        return cls(z.astype(np.int64), z, z.copy(), z.astype(np.int8), z.astype(np.int16),
                   z.astype(np.int32), z.astype(np.int32), [], z.astype(np.int16), lane_mode)


def sort_columns(ids: np.ndarray, t0: np.ndarray, t1: np.ndarray, *others: np.ndarray) -> tuple:
    """Sort parallel columns by (t0, id); returns them in the same order as given."""
    order = np.lexsort((ids, t0))
    return tuple(a[order] for a in (ids, t0, t1, *others))


# ---------------------------------------------------------------- lanes

#: lanes with at least this many events get a cumulative-count grid for far-away density
GRID_MIN_EVENTS = 5_000
GRID_BINS = 1 << 16

@dataclass
class LaneIndex:
    """Per-lane sorted views of a :class:`TimelineData`, rebuilt when lanes or the filter change.

    ``order`` lists source lane numbers busiest first. For displayed lane ``k``
    the members are ``idx[ptr[k]:ptr[k+1]]`` (event indices) with start times
    ``start[...]`` ascending, so counts over any time window are two binary searches.
    Spans (coarser than a day) also sit in ``span_*`` arrays grouped by
    (lane, precision), each group with its longest duration, so the spans that
    overlap a window are found without scanning everything before it.
    """

    order: np.ndarray  # source lane numbers in display order
    counts: np.ndarray
    ptr: np.ndarray
    idx: np.ndarray  # int32 event index
    start: np.ndarray  # float64 t0 of idx
    point: np.ndarray  # bool: idx is a point event
    span_idx: np.ndarray
    span_t0: np.ndarray
    span_t1: np.ndarray
    group_lane: np.ndarray  # per span group: displayed lane
    group_ptr: np.ndarray  # span groups g occupy span_idx[group_ptr[g]:group_ptr[g+1]]
    group_maxdur: np.ndarray
    lane_groups: np.ndarray  # displayed lane k owns groups lane_groups[k]:lane_groups[k+1]

    def __len__(self) -> int:
        return int(self.order.size)

    def n_events(self) -> int:
        """Distinct events in all lanes (an event with two actors counts once)."""
        got = self._grid.get("n_events")
        if got is None:
            seen = np.zeros(int(self.idx.max()) + 1 if self.idx.size else 0, bool)
            seen[self.idx] = True
            got = int(seen.sum())
            self._grid["n_events"] = got
        return got

    def count(self, k: int, v0: float, v1: float) -> int:
        """Events of lane ``k`` starting in ``[v0, v1)``."""
        a, b = self.ptr[k], self.ptr[k + 1]
        s = self.start[a:b]
        return int(np.searchsorted(s, v1, "left") - np.searchsorted(s, v0, "left"))

    def time_range(self, data: TimelineData) -> tuple[float, float]:
        """First start and last end of the events in these lanes (``data``'s range when there are none)."""
        if not self.idx.size:
            return data.time_range()
        return float(self.start.min()), float(data.t1[self.idx].max())

    def density(self, k: int, edges: np.ndarray) -> np.ndarray:
        """Events of lane ``k`` starting in each bucket ``[edges[i], edges[i+1])`` (edges ascending)."""
        return self.densities([k], edges)[0]

    def densities(self, lanes: Sequence[int], edges: np.ndarray) -> np.ndarray:
        """:meth:`density` of each lane of ``lanes``, one row each.

        Big lanes seen from far away read a precomputed cumulative count on a fine
        uniform grid instead of binary-searching every edge (cache-unfriendly on
        millions of starts); edges then snap to the grid, less than a quarter pixel.
        Those lanes' counts are kept as rows of one matrix, read for all of them at once
        (a frame asks for every dense lane: one gather instead of one per lane).
        """
        out = np.zeros((len(lanes), max(edges.size - 1, 0)), np.int64)
        if edges.size < 2 or not self.start.size:
            return out
        lanes = [int(k) for k in lanes]
        sizes = (self.ptr[1:] - self.ptr[:-1])[lanes].tolist() if lanes else []
        on_grid = []
        g0, gw = self._grid_origin()
        coarse = (edges[-1] - edges[0]) / (edges.size - 1) >= 4 * gw
        for j, (k, n) in enumerate(zip(lanes, sizes, strict=True)):
            if coarse and n >= GRID_MIN_EVENTS:
                on_grid.append(j)
                continue
            a, b = self.ptr[k], self.ptr[k + 1]
            s = self.start[a:b]
            if edges.size > 2 and s.size:
                # search only the starts between the first and last edge: a zoomed-in view looks at a
                # small, cache-friendly part of a big lane
                i, i1 = np.searchsorted(s, (edges[0], edges[-1]), "left")
                s = s[i:i1]
            out[j] = np.diff(np.searchsorted(s, edges, "left"))
        if on_grid:
            rows = self._grid_rows([lanes[j] for j in on_grid], g0, gw)
            # the grid positions of the edges are the same for every lane: computed once per edges
            got = self._grid.get("pos")
            if got is None or got[0] is not edges:
                got = self._grid["pos"] = (edges, np.clip(np.ceil((edges - g0) / gw), 0, GRID_BINS).astype(np.intp))
            m = self._grid["matrix"]
            # one flat gather (a 2-D fancy index of rows and columns costs twice as much)
            flat = np.asarray(rows, np.intp)[:, None] * m.shape[1] + got[1][None, :]
            out[on_grid] = np.diff(m.ravel().take(flat), axis=1)
        return out

    def _grid_rows(self, lanes: list[int], g0: float, gw: float) -> list[int]:
        """Rows of the grid matrix holding these (big) lanes' cumulative counts, made when first asked."""
        row_of = self._grid.setdefault("row_of", {})
        new = [k for k in dict.fromkeys(lanes) if k not in row_of]
        if new:
            made = []
            for k in new:
                # starts before each grid line, by counting the starts per grid cell: one pass over
                # the lane, where a binary search per grid line cost 3-4x as much on the first paint
                a, b = self.ptr[k], self.ptr[k + 1]
                cell = np.clip(((self.start[a:b] - g0) / gw).astype(np.int64), 0, GRID_BINS - 1)
                cum = np.zeros(GRID_BINS + 1, np.int32)
                np.cumsum(np.bincount(cell, minlength=GRID_BINS), out=cum[1:])
                row_of[k] = len(row_of)
                made.append(cum)
            old = self._grid.get("matrix")
            self._grid["matrix"] = np.vstack(([old] if old is not None else []) + made)
        return [row_of[k] for k in lanes]

    def _grid_origin(self) -> tuple[float, float]:
        got = self._grid.get("origin")
        if got is None:
            lo, hi = float(self.start.min()), float(self.start.max())
            # a bit of room on both sides so the first and last starts fall inside the grid
            span = max(hi - lo, DAY)
            got = self._grid["origin"] = (lo - span * 1e-3, span * 1.002 / GRID_BINS)
        return got

    def points(self, k: int, v0: float, v1: float) -> np.ndarray:
        """Event indices of the point events of lane ``k`` starting in ``[v0, v1)``, by start."""
        a, b = self.ptr[k], self.ptr[k + 1]
        s = self.start[a:b]
        i, j = np.searchsorted(s, v0, "left") + a, np.searchsorted(s, v1, "left") + a
        sel = self.idx[i:j]
        return sel[self.point[i:j]]

    def spans(self, k: int, v0: float, v1: float) -> np.ndarray:
        """Event indices of the spans of lane ``k`` overlapping ``[v0, v1)``, by start."""
        out = []
        for g in range(self.lane_groups[k], self.lane_groups[k + 1]):
            a, b = self.group_ptr[g], self.group_ptr[g + 1]
            s = self.span_t0[a:b]
            i = np.searchsorted(s, v0 - self.group_maxdur[g], "left") + a
            j = np.searchsorted(s, v1, "left") + a
            if j > i:
                keep = self.span_t1[i:j] > v0
                out.append(self.span_idx[i:j][keep])
        if not out:
            return np.empty(0, np.int32)
        sel = np.concatenate(out)
        return sel if len(out) == 1 else sel[np.argsort(self.span_t0_of(sel), kind="stable")]

    def span_t0_of(self, sel: np.ndarray) -> np.ndarray:
        return self._t0[sel]

    _t0: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _grid: dict = field(default_factory=dict, repr=False)
    # what it was built from (the data's lane arrays and labels) and whether a mask kept only some events
    _source: tuple = field(default=(), repr=False)
    _masked: bool = field(default=False, repr=False)
    # made by :func:`filtered_lanes` for an event filter alone: that filter's id array and the ids it was
    # matched against (both compared by identity)
    _filter: tuple = field(default=(), repr=False)

    def serves(self, data: TimelineData, event_filter: np.ndarray | None = None) -> bool:
        """True when this index is ``build_lanes(data)`` with no mask (``event_filter`` None) or
        ``filtered_lanes(data, event_filter)`` (that very array): built from these very columns (a copy
        of the data with other ``titles`` shares them), so the view may use it as it is."""
        if not self._source:
            return False
        *arrays, catch_all = _lane_source(data)
        if not (catch_all == self._source[-1] and all(a is b for a, b in zip(self._source, arrays, strict=False))):
            return False
        if event_filter is None:
            return not self._masked
        return bool(self._filter) and self._filter[0] is event_filter and self._filter[1] is data.ids


def find_sorted(keys: np.ndarray, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``want`` is in the ascending ``keys``, and whether it is there at all
    (``keys[pos[found]] == want[found]``)."""
    if not keys.size:
        return np.zeros(want.size, np.intp), np.zeros(want.size, bool)
    pos = np.clip(np.searchsorted(keys, want), 0, keys.size - 1)
    return pos, keys[pos] == want


def stable_order(key: np.ndarray, n_values: int) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` for keys in ``[0, n_values)``, by 16-bit digits: numpy's
    stable sort of 16-bit numbers is a radix sort, four times quicker on a million keys than a
    sort of 64-bit ones (two passes, low digit first, for up to 2**32 values)."""
    if n_values <= 1 << 16:
        return np.argsort(key.astype(np.uint16), kind="stable")
    low = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((key[low] >> 16).astype(np.uint16), kind="stable")]


def runs(starts: np.ndarray, lengths: np.ndarray, steps: np.ndarray | None = None) -> np.ndarray:
    """The indices ``starts[i] + steps[i] * arange(lengths[i])`` of every run ``i``, concatenated in
    run order (steps default to 1; -1 walks a run backwards): many slices gathered with one index
    array instead of a slice and a concatenation each."""
    lengths = np.maximum(np.asarray(lengths, np.int64), 0)
    total = int(lengths.sum())
    if not total:
        return np.empty(0, np.int64)
    first = np.cumsum(lengths) - lengths  # where each run begins in the output
    pos = np.arange(total, dtype=np.int64) - np.repeat(first, lengths)
    if steps is not None:
        pos *= np.repeat(np.asarray(steps, np.int64), lengths)
    return np.repeat(np.asarray(starts, np.int64), lengths) + pos


def build_lanes(data: TimelineData, event_mask: np.ndarray | None = None) -> LaneIndex:
    """Group memberships by lane, busiest lane first, keeping only events where ``event_mask``.

    Lanes left empty by the mask are dropped. Cost is one sort of the memberships;
    it runs when data, lane mode or filter change, never per paint.
    """
    ev = data.lane_event
    lane = data.lane_of
    if event_mask is not None and ev.size:
        keep = event_mask[ev]
        ev, lane = ev[keep], lane[keep]
    n_lanes = len(data.lane_labels)
    counts_all = np.bincount(lane, minlength=n_lanes) if lane.size else np.zeros(n_lanes, np.int64)
    # busiest first, the catch-all lane last among equals, then by label: the order is stable between
    # loads (one numpy sort: a lane per article makes 100,000 lanes)
    labels = np.array([str(x) for x in data.lane_labels]) if n_lanes else np.empty(0, str)
    order = np.lexsort((labels, np.arange(n_lanes) == data.catch_all, -counts_all)).astype(np.int64)
    order = order[counts_all[order] > 0] if order.size else order
    rank = np.full(n_lanes, -1, np.int64)
    rank[order] = np.arange(order.size)
    disp = rank[lane] if lane.size else lane.astype(np.int64)
    # memberships sorted by (displayed lane, start); events are already sorted by start,
    # so a stable sort on the lane keeps start order inside each lane
    srt = stable_order(disp, order.size)
    idx = ev[srt].astype(np.int32)
    disp_sorted = disp[srt]
    ptr = np.searchsorted(disp_sorted, np.arange(order.size + 1)).astype(np.int64)
    start = data.t0[idx] if idx.size else np.empty(0)
    point = data.precision[idx] <= POINT_MAX_CODE if idx.size else np.empty(0, bool)
    # spans grouped by (lane, precision)
    sp = ~point
    s_idx = idx[sp]
    s_lane = disp_sorted[sp].astype(np.int64)  # times the precisions below: past 16 bits with many lanes
    s_prec = data.precision[s_idx].astype(np.int64) if s_idx.size else np.empty(0, np.int64)
    key = s_lane * len(PRECISIONS) + s_prec
    so = stable_order(key, order.size * len(PRECISIONS))  # stable: starts stay ascending in each group
    s_idx, key = s_idx[so], key[so]
    span_t0 = data.t0[s_idx] if s_idx.size else np.empty(0)
    span_t1 = data.t1[s_idx] if s_idx.size else np.empty(0)
    if key.size:
        bounds = np.flatnonzero(np.diff(key)) + 1
        gstart = np.concatenate([[0], bounds])
        group_ptr = np.concatenate([gstart, [key.size]]).astype(np.int64)
        group_lane = (key[gstart] // len(PRECISIONS)).astype(np.int64)
        dur = span_t1 - span_t0
        group_maxdur = np.maximum.reduceat(dur, gstart)
    else:
        group_ptr = np.zeros(1, np.int64)
        group_lane = np.empty(0, np.int64)
        group_maxdur = np.empty(0)
    lane_groups = np.searchsorted(group_lane, np.arange(order.size + 1)).astype(np.int64)
    return LaneIndex(order, counts_all[order] if order.size else np.empty(0, np.int64), ptr, idx, start,
                     point, s_idx.astype(np.int32), span_t0, span_t1, group_lane, group_ptr, group_maxdur,
                     lane_groups, data.t0, _source=_lane_source(data), _masked=event_mask is not None)


def filtered_lanes(data: TimelineData, event_ids: np.ndarray | None = None,
                   issue_ids: set[str] | None = None) -> LaneIndex:
    """:func:`build_lanes` of the events whose id is in ``event_ids`` and whose colour issue is in
    ``issue_ids`` (None: no such filter). Built for an event filter alone, the index knows that
    filter (:meth:`LaneIndex.serves`), so lanes built on another thread can be checked and used."""
    mask = issue_mask(data, issue_ids)
    if event_ids is not None:
        keep = np.isin(data.ids, event_ids)
        mask = keep if mask is None else (mask & keep)
    lanes = build_lanes(data, mask)
    if event_ids is not None and issue_ids is None:
        lanes._filter = (event_ids, data.ids)
    return lanes


def _lane_source(data: TimelineData) -> tuple:
    """Everything :func:`build_lanes` reads from ``data``: the columns (compared by identity: data is
    never changed in place, a reload builds new columns), then the catch-all lane."""
    return data.lane_event, data.lane_of, data.lane_labels, data.t0, data.t1, data.precision, data.catch_all


def issue_mask(data: TimelineData, issue_ids: set[str] | None) -> np.ndarray | None:
    """Events whose colour issue is in ``issue_ids`` (None: no filter)."""
    if issue_ids is None:
        return None
    wanted = np.array([i for i, iid in enumerate(data.issue_ids) if iid in issue_ids], np.int16)
    return np.isin(data.issue, wanted)


# ---------------------------------------------------------------- aggregation and clusters

#: a lane switches to per-pixel density when its events would sit closer than this on average
MIN_PX_PER_EVENT = 18.0


def should_aggregate(count: int, width_px: float, min_px_per_event: float = MIN_PX_PER_EVENT) -> bool:
    """True when ``count`` markers cannot be told apart in ``width_px`` pixels."""
    return count * min_px_per_event > width_px


def clusters(x: np.ndarray, min_gap: float, radius: tuple[float, float] | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """Group sorted marker positions closer than ``min_gap`` into clusters.

    Returns ``(first, count)``: index of each cluster's first marker and its size.
    Chained: a marker joins the cluster when it is within ``min_gap`` of the previous one.
    ``radius`` (single marker, cluster badge) also merges neighbouring clusters whose
    drawn badges would touch (centres closer than the two radii plus a pixel), so
    badges never overlap.
    """
    if not x.size:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    breaks = np.flatnonzero(np.diff(x) >= min_gap) + 1
    first = np.concatenate([[0], breaks]).astype(np.int64)
    count = np.diff(np.concatenate([first, [x.size]]))
    if radius is None:
        return first, count
    while first.size > 1:  # merging can bring a cluster close to the next: repeat (each pass shrinks)
        centre = np.add.reduceat(x, first) / count
        r = np.where(count > 1, radius[1], radius[0])
        keep = np.diff(centre) >= r[:-1] + r[1:] + 1
        if keep.all():
            break
        starts = np.concatenate([[0], np.flatnonzero(keep) + 1])
        count = np.add.reduceat(count, starts)
        first = first[starts]
    return first, count


def log_heights(counts: np.ndarray, vmax: float, height: float) -> np.ndarray:
    """Bar heights for density counts on a log scale; any non-zero count is at least 2 px."""
    if vmax <= 0:
        return np.zeros(counts.shape)
    h = np.log1p(counts) / np.log1p(vmax) * height
    return np.where(counts > 0, np.maximum(h, 2.0), 0.0)


def pack_tracks(x0: np.ndarray, x1: np.ndarray, max_tracks: int | np.ndarray, gap: float = 2.0,
                full_at: float | np.ndarray = np.inf, group: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Greedy interval packing of bars sorted by ``x0`` into at most ``max_tracks`` tracks.

    Returns ``(track, overflow)``: each bar goes to the first track free at its
    start; when none is free it goes to the track that frees first and is flagged
    as overflow (it overlaps, so it gets no label). Once every track is occupied
    up to ``full_at`` (the right edge), the remaining bars cannot show anything
    new: they get track -1 and overflow, without further work.

    ``group`` (sorted, e.g. lane numbers) packs several independent rows in one
    call: tracks restart at each new group; ``full_at`` and ``max_tracks`` may be
    given per bar (constant within a group: a taller lane has room for more tracks).
    """
    n = x0.size
    if n and np.all(np.asarray(max_tracks) == 1):
        return _pack_one_track(x0, x1, gap, full_at, group)
    track = np.full(n, -1, np.int64)
    overflow = np.zeros(n, bool)
    xs0, xs1 = x0.tolist(), x1.tolist()
    full = np.broadcast_to(np.asarray(full_at, float), (n,)).tolist()
    most = np.broadcast_to(np.asarray(max_tracks, np.int64), (n,)).tolist()
    if group is None:
        g_end = [n] * n
    else:
        bounds = np.flatnonzero(np.diff(group)) + 1
        stops = np.concatenate([bounds, [n]]).astype(np.int64)
        g_end = np.repeat(stops, np.diff(np.concatenate([[0], stops]))).tolist()
    ends: list[float] = []
    cur_end = -1
    i = 0
    while i < n:
        if g_end[i] != cur_end:  # a new group: all tracks free
            cur_end = g_end[i]
            ends = []
        cap = most[i]
        if len(ends) == cap and min(ends) >= full[i]:
            overflow[i:cur_end] = True
            i = cur_end
            continue
        a = xs0[i]
        for t, e in enumerate(ends):
            if e + gap <= a:
                track[i] = t
                ends[t] = xs1[i]
                break
        else:
            if len(ends) < cap:
                track[i] = len(ends)
                ends.append(xs1[i])
            else:
                t = min(range(len(ends)), key=ends.__getitem__)
                track[i] = t
                overflow[i] = True
                ends[t] = max(ends[t], xs1[i])
        i += 1
    return track, overflow


def _pack_one_track(x0: np.ndarray, x1: np.ndarray, gap: float, full_at: float | np.ndarray,
                    group: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pack_tracks` with one track per group, without a Python loop.

    With one track, every bar (kept or spilled) extends the track, so a bar is kept when it
    starts after the furthest end of all bars before it in its group: a running maximum.
    """
    n = x0.size
    # groups apart by a large offset so one running maximum serves all of them
    g = np.zeros(n) if group is None else np.cumsum(np.concatenate([[0], np.diff(group) != 0]))
    off = g * 1e12
    reach = np.maximum.accumulate(x1 + off)
    prev = np.concatenate([[-np.inf], reach[:-1]])
    first = np.concatenate([[True], g[1:] != g[:-1]])
    prev = np.where(first, -np.inf, prev - off)
    full = np.broadcast_to(np.asarray(full_at, float), (n,))
    kept = prev + gap <= x0
    done = ~first & (prev >= full)  # the track already reaches the right edge: nothing more to show
    track = np.where(done, -1, 0).astype(np.int64)
    return track, ~kept | done


def union_intervals(a: np.ndarray, b: np.ndarray, gap: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Merge intervals ``[a, b]`` (any order) that overlap or are closer than ``gap``."""
    if not a.size:
        return a, b
    o = np.argsort(a, kind="stable")
    a, b = a[o], b[o]
    reach = np.maximum.accumulate(b)
    starts = np.concatenate([[True], a[1:] > reach[:-1] + gap])
    idx = np.flatnonzero(starts)
    ends = np.concatenate([idx[1:] - 1, [a.size - 1]])
    return a[idx], reach[ends]


# ---------------------------------------------------------------- labels

def label_room(x: np.ndarray, right: float | np.ndarray, gap: float = 6.0, offset: float = 8.0,
               obstacles: np.ndarray | None = None, obstacle_ends: np.ndarray | None = None) -> np.ndarray:
    """Room (px) for a label starting at ``x + offset`` before the next obstacle (minus ``gap``) or ``right``.

    Obstacles are intervals ``[obstacles[j], obstacle_ends[j]]`` (points when no ends are
    given; the anchors themselves when no obstacles are given). An obstacle that already
    covers the label's start leaves no room (negative result). ``right`` may be one limit
    or one per label.
    """
    if not x.size:
        return np.empty(0)
    lo = x if obstacles is None else np.asarray(obstacles, float)
    hi = lo if obstacle_ends is None else np.asarray(obstacle_ends, float)
    if obstacles is not None:
        o = np.argsort(lo, kind="stable")
        lo, hi = lo[o], hi[o]
    starts = x + offset
    # the first obstacle (by left edge) reaching past the start binds: the running maximum of
    # the right edges is monotone, so a binary search finds it
    reach = np.maximum.accumulate(hi)
    j = np.searchsorted(reach, starts, "right")
    limit = np.where(j < lo.size, lo[np.minimum(j, lo.size - 1)] - gap, np.inf)
    return np.minimum(limit, right) - starts


def place_labels(x: np.ndarray, widths: np.ndarray, right: float | np.ndarray, gap: float = 6.0,
                 offset: float = 8.0, min_width: float = 28.0, obstacles: np.ndarray | None = None,
                 obstacle_ends: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Greedy left-to-right placement of one row of labels beside markers.

    Label ``i`` starts at ``x[i] + offset`` and may be shortened (elided) to end
    before the next obstacle (the next marker, by default; see :func:`label_room`) minus
    ``gap`` and before ``right``. Labels shorter than ``min_width`` are dropped. ``x`` must be sorted.
    Returns ``(chosen indices, granted widths)``; granted rectangles never overlap
    each other nor any obstacle.
    """
    n = x.size
    if not n:
        return np.empty(0, np.int64), np.empty(0)
    starts = x + offset
    w_all = np.minimum(widths, label_room(x, right, gap, offset, obstacles, obstacle_ends))
    # fast path: when every label stops before the next obstacle and those are the markers
    # themselves, labels cannot reach each other; verify, and fall back to the greedy scan if not
    ok = np.flatnonzero(w_all >= min_width)
    if ok.size < 2 or np.all(starts[ok][1:] >= starts[ok][:-1] + w_all[ok][:-1] + gap):
        return ok.astype(np.int64), w_all[ok].astype(float)
    chosen, granted = [], []
    last_end = -np.inf
    for i in ok.tolist():
        s = starts[i]
        if s < last_end + gap:
            continue
        chosen.append(i)
        granted.append(float(w_all[i]))
        last_end = s + w_all[i]
    return np.array(chosen, np.int64), np.array(granted, float)


def label_room_left(x: np.ndarray, left: float | np.ndarray, gap: float = 6.0, offset: float = 8.0,
                    obstacles: np.ndarray | None = None, obstacle_ends: np.ndarray | None = None) -> np.ndarray:
    """Room (px) for a label ending at ``x - offset``, back to the previous obstacle (plus ``gap``) or ``left``.

    The mirror image of :func:`label_room` (same obstacle conventions).
    """
    if not x.size:
        return np.empty(0)
    lo = x if obstacles is None else np.asarray(obstacles, float)
    hi = lo if obstacle_ends is None else np.asarray(obstacle_ends, float)
    return label_room(-x, -np.asarray(left, float), gap, offset, obstacles=-hi, obstacle_ends=-lo)


def place_labels_flip(x: np.ndarray, widths: np.ndarray, left: float | np.ndarray, right: float | np.ndarray,
                      gap: float = 6.0, offset: float = 8.0, min_width: float = 28.0,
                      obstacles: np.ndarray | None = None, obstacle_ends: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels beside markers, on the right by default and flipped to the left when the right is short.

    Like :func:`place_labels`, but a label that would be cut on its right (by the next
    obstacle or by ``right``) goes to the left of its marker, ending at ``x - offset``,
    when there is more room there (back to the previous obstacle or ``left``). The room
    on the left already excludes every right-side label a neighbour could take, so the
    two sides never claim the same gap. ``x`` must be sorted.

    Returns ``(chosen indices, label starts, granted widths)``; every granted rectangle
    ``[start, start + width]`` lies inside ``[left, right]`` and overlaps no other label
    nor any obstacle.
    """
    n = x.size
    if not n:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    widths = np.asarray(widths, float)
    # a marker just outside the plot (its dot pokes in) gets no label that would start outside it
    rroom = np.where(x + offset >= left, label_room(x, right, gap, offset, obstacles, obstacle_ends), -np.inf)
    wr = np.minimum(widths, rroom)
    r_ok = wr >= min_width
    # obstacles for the left side: the given ones plus the right-side labels neighbours may keep
    lo = x if obstacles is None else np.asarray(obstacles, float)
    hi = lo if obstacle_ends is None else np.asarray(obstacle_ends, float)
    rl_lo = (x + offset)[r_ok]
    lroom = label_room_left(x, left, gap, offset, np.concatenate([lo, rl_lo]),
                            np.concatenate([hi, rl_lo + wr[r_ok]]))
    wl = np.minimum(widths, np.where(x - offset <= right, lroom, -np.inf))
    flip = (widths > rroom + 0.5) & (wl > wr) & (wl >= min_width)
    w = np.where(flip, wl, wr)
    starts = np.where(flip, x - offset - w, x + offset)
    ok = np.flatnonzero(w >= min_width)
    if ok.size:
        o = ok[np.argsort(starts[ok], kind="stable")]
        s, e = starts[o], starts[o] + w[o]
        if o.size < 2 or np.all(s[1:] >= e[:-1] + gap - 1e-9):
            ok = np.sort(o)
            return ok.astype(np.int64), starts[ok].astype(float), w[ok].astype(float)
        # obstacles that are not the anchors themselves can let labels meet: keep them left to right
        keep, last_end = [], -np.inf
        for i, a, b in zip(o.tolist(), s.tolist(), e.tolist(), strict=True):
            if a >= last_end + gap - 1e-9:
                keep.append(i)
                last_end = b
        ok = np.sort(np.array(keep, np.int64))
        return ok, starts[ok].astype(float), w[ok].astype(float)
    return np.empty(0, np.int64), np.empty(0), np.empty(0)


# ---------------------------------------------------------------- axis

@dataclass(frozen=True)
class TickLevel:
    name: str
    unit: str  # "Y" years, "M" months, "W" weeks, "D" days, "h" hours
    step: int
    min_seconds: float  # shortest possible interval between two ticks
    formats: tuple[str, ...]  # tried longest first; see _fmt
    context: str  # level of the second row of labels ("" for none)


_Y, _M = 365 * DAY, 28 * DAY
TICK_LEVELS: tuple[TickLevel, ...] = (
    TickLevel("century", "Y", 100, 100 * _Y, ("{Y}",), ""),
    TickLevel("50 years", "Y", 50, 50 * _Y, ("{Y}",), ""),
    TickLevel("20 years", "Y", 20, 20 * _Y, ("{Y}",), ""),
    TickLevel("decade", "Y", 10, 10 * _Y, ("{Y}s", "{Y}"), ""),
    TickLevel("5 years", "Y", 5, 5 * _Y, ("{Y}",), ""),
    TickLevel("2 years", "Y", 2, 2 * _Y, ("{Y}",), ""),
    TickLevel("year", "Y", 1, _Y, ("{Y}", "{y}"), ""),
    TickLevel("quarter", "M", 3, 89 * DAY, ("Q{q} {Y}", "Q{q}"), "year"),
    TickLevel("month", "M", 1, _M, ("{Mon} {Y}", "{Mon}", "{M1}"), "year"),
    TickLevel("week", "W", 1, 7 * DAY, ("{d} {Mon}", "{d}"), "month"),
    TickLevel("day", "D", 1, DAY, ("{Wd} {d}", "{d}"), "month"),
    TickLevel("12 hours", "h", 12, 12 * 3600, ("{H}:00",), "day"),
    TickLevel("6 hours", "h", 6, 6 * 3600, ("{H}:00",), "day"),
    TickLevel("3 hours", "h", 3, 3 * 3600, ("{H}:00",), "day"),
    TickLevel("hour", "h", 1, 3600, ("{H}:00",), "day"),
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LONG_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EPOCH_DT = datetime(1970, 1, 1)  # naive UTC: timedelta arithmetic also works before 1970
_CONTEXT_FORMATS = {"year": "{Y}", "month": "{Month} {Y}", "day": "{Wd} {d} {Mon} {Y}"}
#: widest sample of each field, to test whether a format fits before generating ticks
_WIDEST = {"Y": "2000", "y": "'00", "q": "4", "Mon": "May", "M1": "M", "d": "28", "Wd": "Wed", "H": "00",
           "Month": "September"}


def _fields(t: float) -> dict[str, str]:
    d = _EPOCH_DT + timedelta(seconds=float(np.floor(t)))
    return {"Y": str(d.year), "y": f"'{d.year % 100:02d}", "q": str((d.month - 1) // 3 + 1),
            "Mon": _MONTHS[d.month - 1], "M1": _MONTHS[d.month - 1][0], "Month": _LONG_MONTHS[d.month - 1],
            "d": str(d.day), "Wd": _WEEKDAYS[d.weekday()], "H": f"{d.hour:02d}"}


@lru_cache(maxsize=4096)
def _fmt(fmt: str, t: float) -> str:
    # memoised: panning labels the same ticks on every frame
    return fmt.format(**_fields(t))


def tick_times(level: TickLevel, t0: float, t1: float) -> np.ndarray:
    """Tick times of ``level`` covering ``[t0, t1]`` (aligned to calendar boundaries, UTC)."""
    lo = np.datetime64(int(np.floor(t0)), "s")
    hi = np.datetime64(int(np.ceil(t1)), "s")
    if level.unit == "Y":
        y0 = int(lo.astype("datetime64[Y]").astype(np.int64)) + 1970
        y1 = int(hi.astype("datetime64[Y]").astype(np.int64)) + 1971
        first = (y0 // level.step) * level.step
        years = np.arange(first, y1 + 1, level.step) - 1970
        t = years.astype("datetime64[Y]").astype("datetime64[s]").astype(np.int64).astype(float)
    elif level.unit == "M":
        m0 = int(lo.astype("datetime64[M]").astype(np.int64))
        m1 = int(hi.astype("datetime64[M]").astype(np.int64)) + 1
        first = (m0 // level.step) * level.step
        t = np.arange(first, m1 + 1, level.step).astype("datetime64[M]").astype("datetime64[s]")
        t = t.astype(np.int64).astype(float)
    elif level.unit == "W":
        d0 = int(np.floor(t0 / DAY))
        first = d0 - ((d0 + 3) % 7)  # back to Monday
        t = np.arange(first, np.ceil(t1 / DAY) + 7, 7) * DAY
    else:
        step = level.step * (DAY if level.unit == "D" else 3600.0)
        t = np.arange(np.floor(t0 / step), np.ceil(t1 / step) + 1) * step
    return t[(t >= t0) & (t <= t1)]


@dataclass
class AxisTicks:
    level: TickLevel
    major: list[tuple[float, str]]  # (time, label); label drawn starting at the tick
    minor: np.ndarray  # times of unlabeled minor ticks
    context: list[tuple[float, str]]  # second row: coarser unit, including a sticky one at the left


def axis_ticks(t0: float, t1: float, width_px: float, text_width: Callable[[str], float],
               pad: float = 10.0, minor_px: float = 6.0) -> AxisTicks:
    """Choose the finest tick level whose labels fit without overlapping.

    ``text_width`` measures a label in pixels (QFontMetrics in the view, an estimate in tests).
    Labels start at their tick plus 4 px; a level is used only when its shortest
    interval leaves room for its widest label plus ``pad``.
    """
    span = max(t1 - t0, 1e-6)
    spp = span / max(width_px, 1.0)  # seconds per pixel
    chosen: TickLevel | None = None
    fmt = ""
    for level in reversed(TICK_LEVELS):  # finest first
        gap_px = level.min_seconds / spp
        if gap_px * 1.0 < 12:
            continue
        for f in level.formats:
            if text_width(f.format(**_WIDEST)) + pad + 4 <= gap_px:
                chosen, fmt = level, f
                break
        if chosen is not None:
            break
    if chosen is None:
        chosen, fmt = TICK_LEVELS[0], TICK_LEVELS[0].formats[0]
    times = tick_times(chosen, t0, t1)
    major = _drop_colliding([(float(t), _fmt(fmt, t)) for t in times], t0, spp, text_width, pad, width_px)
    # minor ticks: the next finer level whose ticks stay at least minor_px apart
    minor = np.empty(0)
    li = TICK_LEVELS.index(chosen)
    for finer in TICK_LEVELS[li + 1:]:
        if finer.min_seconds / spp >= minor_px:
            minor = tick_times(finer, t0, t1)
            break
        break
    context: list[tuple[float, str]] = []
    if chosen.context:
        clevel = next(lv for lv in TICK_LEVELS if lv.name == chosen.context)
        cfmt = _CONTEXT_FORMATS[chosen.context]
        ctimes = tick_times(clevel, t0, t1)
        context = [(float(t), _fmt(cfmt, t)) for t in ctimes]
        # sticky label for the period the left edge is in, unless it would collide with the next one
        if not ctimes.size or ctimes[0] > t0:
            sticky_w = text_width(_fmt(cfmt, t0)) + pad
            nxt_px = (ctimes[0] - t0) / spp if ctimes.size else np.inf
            if nxt_px >= sticky_w + 4:
                context.insert(0, (t0, _fmt(cfmt, t0)))
        # context labels can be wider than the gap at coarse zoom: drop those that collide
        context = _drop_colliding(context, t0, spp, text_width, pad, width_px)
    return AxisTicks(chosen, major, minor, context)


def _drop_colliding(labels: list[tuple[float, str]], t0: float, spp: float,
                    text_width: Callable[[str], float], pad: float, width_px: float = np.inf
                    ) -> list[tuple[float, str]]:
    """Keep labels left to right while each starts after the previous one ends (plus ``pad``) and
    ends inside ``width_px`` (a label cut at the right edge read "202" for 2025)."""
    kept: list[tuple[float, str]] = []
    last_end = -np.inf
    for t, lab in labels:
        x = (t - t0) / spp + 4
        end = x + text_width(lab)
        if x >= last_end + pad and end <= width_px:
            kept.append((t, lab))
            last_end = end
    return kept




def x_to_time(x: float, v0: float, v1: float, x0: float, width: float) -> float:
    return v0 + (x - x0) * (v1 - v0) / max(width, 1e-9)


def clamp_range(v0: float, v1: float, lo: float, hi: float, min_span: float = 3600.0,
                max_span: float | None = None) -> tuple[float, float]:
    """Keep a view window between an hour wide and a bit more than the data, not far outside it."""
    span = max(v1 - v0, min_span)
    full = hi - lo
    max_span = max_span if max_span is not None else max(full * 1.2, DAY * 7)
    span = min(span, max_span)
    mid = (v0 + v1) / 2
    margin = span * 0.5
    mid = min(max(mid, lo - margin), hi + margin)
    return mid - span / 2, mid + span / 2
