"""The one routine that paints the timeline, for the screen and for PNG/SVG export.

Only QImage (never QPixmap) is used, so an export can run in a worker thread.

:class:`TimelineScene` holds what is drawn (data, lane index, colours, the visible
window, vertical scroll, selection) plus the caches that make repeated paints
cheap (titles and their widths, the overview image). :func:`paint_timeline`
draws a scene into any QPainter of a given logical size and returns a
:class:`Frame` describing where things landed, which the widget uses for hit tests.

Speed: per lane, the visible slice comes from binary searches (LaneIndex); lanes
denser than their pixels become per-pixel count bars, written for all lanes into
one numpy ARGB buffer and drawn with a single ``drawImage``; sparse lanes draw
pre-rendered marker images, clustered so markers never overlap. Python calls into Qt
are the main cost of a frame, so tall thin shapes are opaque fills or image blits (a
drawn line or translucent fill is blended one scanline at a time), blits take whole
pixels when nothing is scaled, and idle time prepares the labels the next pan or zoom
step will show.

Colours come from a :class:`Theme`: light, or dark when the application palette is.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate, repeat
from math import ceil, floor
from time import perf_counter

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPen,
    QPolygonF,
    QTransform,
)

from viewer.core.timeline_data import (
    DAY,
    POINT_MAX_CODE,
    AxisTicks,
    LaneIndex,
    TimelineData,
    axis_ticks,
    build_lanes,
    clusters,
    filtered_lanes,
    label_room,
    label_room_left,
    log_heights,
    pack_tracks,
    place_labels_flip,
    runs,
    should_aggregate,
    union_intervals,
)

# ---------------------------------------------------------------- look

#: Okabe–Ito, colour-blind safe; used when an issue has no colour of its own and for extra issues
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")


@dataclass(frozen=True)
class Theme:
    """The canvas colours. :data:`LIGHT` for a light application palette and for reports,
    :data:`DARK` when the palette's window colour is dark (see :func:`theme_for_palette`)."""

    name: str
    bg: QColor
    lane_alt: QColor  # every other lane
    grid: QColor
    axis: QColor  # axis line and major ticks
    minor_tick: QColor
    text: QColor
    muted: QColor  # counts, range, "Overview", collapse triangles
    select: QColor  # selection outline
    highlight: QColor
    overview_bg: QColor
    overview_bar: QColor
    legend_bg: QColor
    neutral: QColor  # lanes and events without an issue colour
    cluster_mixed: QColor  # a cluster of several issues
    window: QColor  # the overview's window frame
    scroll_hint: QColor
    #: issue colours darker than this contrast ratio against ``bg`` are lightened (same hue)
    min_contrast: float = 1.0

    @property
    def dark(self) -> bool:
        return self.bg.lightness() < 128

    def issue_colour(self, c: QColor) -> QColor:
        """``c`` as drawn on this background: lightened (hue kept) until it stands out enough."""
        if _contrast(c, self.bg) >= self.min_contrast:
            return QColor(c)
        h, sat, light, a = c.getHslF()
        lo, hi = light, 1.0
        for _ in range(12):  # bisection on lightness: the least change that reaches the contrast
            mid = (lo + hi) / 2
            if _contrast(QColor.fromHslF(max(h, 0.0), sat, mid, a), self.bg) >= self.min_contrast:
                hi = mid
            else:
                lo = mid
        return QColor.fromHslF(max(h, 0.0), sat, hi, a)

    def span_text(self, c: QColor) -> QColor:
        """Span titles in the issue's hue, readable on its translucent bar: dark on light, light on dark."""
        h, s, v, _ = c.getHsvF()
        out = QColor()
        if self.dark:
            out.setHsvF(max(h, 0.0), min(1.0, s * 0.35), 0.93)
        else:
            out.setHsvF(max(h, 0.0), min(1.0, s * 0.9 + 0.1), min(v, 0.45))
        return out


def _luminance(c: QColor) -> float:
    """WCAG relative luminance."""
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def _contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


LIGHT = Theme(
    "light", bg=QColor("#FFFFFF"), lane_alt=QColor("#F7F8FA"), grid=QColor("#E6E8EC"), axis=QColor("#4A5260"),
    minor_tick=QColor("#9AA1AD"), text=QColor("#1F2430"), muted=QColor("#6B7280"), select=QColor("#111111"),
    highlight=QColor(255, 196, 0, 210), overview_bg=QColor("#F3F4F6"), overview_bar=QColor("#7C8798"),
    legend_bg=QColor("#FAFBFC"), neutral=QColor("#5B6B7F"), cluster_mixed=QColor("#4B5563"),
    window=QColor("#1F6FEB"), scroll_hint=QColor(0, 0, 0, 60))
DARK = Theme(
    "dark", bg=QColor("#1B1E24"), lane_alt=QColor("#22262D"), grid=QColor("#343A44"), axis=QColor("#A3ACB9"),
    minor_tick=QColor("#5F6775"), text=QColor("#E6E9EF"), muted=QColor("#9BA3AF"), select=QColor("#F5F7FA"),
    highlight=QColor(255, 196, 0, 210), overview_bg=QColor("#252932"), overview_bar=QColor("#8E98A8"),
    legend_bg=QColor("#20242B"), neutral=QColor("#8A99AD"), cluster_mixed=QColor("#9CA3AF"),
    window=QColor("#58A6FF"), scroll_hint=QColor(255, 255, 255, 70), min_contrast=3.0)
# the light theme's colours under their old names (tests and callers compare pixels with them)
BG, TEXT, MUTED, GRID = LIGHT.bg, LIGHT.text, LIGHT.muted, LIGHT.grid


def theme_for_palette(window_colour: QColor) -> Theme:
    """DARK when the application palette's window colour is dark, else LIGHT."""
    return DARK if window_colour.lightness() < 128 else LIGHT

HEADER_W = 168.0
OVERVIEW_H = 34.0
AXIS_H = 42.0
LANE_H = 40.0
MARKER_ROW = 13.0  # marker centre below the lane top
SPAN_TOP = 22.0  # span tracks start here, below the marker labels
MAX_SPAN_TRACKS = 3
SPAN_DASH = (4, 3)  # dashed edge of span bars: px on, px off
SPAN_PITCH = 18.0  # track pitch in a lane tall enough: a bar of 16 px, a line of small text and air
#: lanes grow up to this height when there are few of them (the marker row plus three span tracks)
MAX_LANE_H = SPAN_TOP + MAX_SPAN_TRACKS * SPAN_PITCH + 4
COLLAPSED_H = 16.0
MARKER_D = 9.0
CLUSTER_D = 17.0
CLUSTER_GAP = 11.0  # markers closer than this (px) merge into a cluster
LABEL_CACHE_BYTES = 24 << 20  # rendered titles kept for reuse
LABEL_MIN_W = 44.0  # a label shorter than this (after eliding) says too little: about five letters and "…"
TITLE_BATCH = 12  # titles fetched from the store per screen paint; the rest in idle time (prefetch)
LOOKAHEAD_ROWS = 256  # events just outside the view (or inside its clusters) whose labels idle time prepares
OFF = 1e7  # x offset per lane when all lanes' markers are processed as one sorted array
LEGEND_ROW_H = 22.0
FONT_PX = 12
SMALL_PX = 10


def ui_font(px: int = FONT_PX, bold: bool = False) -> QFont:
    """Pixel-sized font so the screen and an export at any DPI measure text the same."""
    f = QFont()
    f.setFamilies(["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "Sans Serif"])
    f.setPixelSize(px)
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


def _text_to_image(text: str, font: QFont, fm: QFontMetricsF, colour: QColor, dpr: float) -> QImage:
    """One line of text drawn once into a transparent image (labels and axis text are blitted)."""
    w = fm.horizontalAdvance(text) + 2
    img = QImage(max(int(np.ceil(w * dpr)), 1), max(int(np.ceil(fm.height() * dpr)), 1),
                 QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(dpr)
    img.fill(0)
    tp = QPainter(img)
    tp.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    tp.setFont(font)
    tp.setPen(colour)
    tp.drawText(QPointF(0, fm.ascent()), text)
    tp.end()
    return img


def issue_colours(issues: list[tuple[str, str, str]], issue_ids: list[str], theme: Theme = LIGHT) -> list[QColor]:
    """Colour per issue index of ``issue_ids``: the issue's own colour, else the Okabe–Ito palette,
    as drawn on ``theme`` (a dark background lightens colours too dark to stand out)."""
    given = {iid: col for iid, _label, col in issues}
    out = []
    for n, iid in enumerate(issue_ids):
        c = QColor(given.get(iid) or "")
        out.append(theme.issue_colour(c if c.isValid() else QColor(OKABE_ITO[n % len(OKABE_ITO)])))
    return out


# ---------------------------------------------------------------- scene

@dataclass
class LaneRow:
    k: int  # displayed lane number
    y: float
    h: float
    collapsed: bool


@dataclass
class Layout:
    width: float
    height: float
    overview: QRectF
    plot: QRectF  # lanes area (timeline), excluding the header column
    header: QRectF
    axis: QRectF
    legend: QRectF
    rows: list[LaneRow]
    content_h: float  # total lanes height (for vertical scrolling)
    lane_h: float = LANE_H  # height of an open lane (grown when few lanes leave room)


@dataclass
class Frame:
    """Where the last paint put things, for hit tests in the widget."""

    layout: Layout
    # per lane: (cluster centre x, index of each cluster's first marker in ``rows``, cluster size,
    # (first x, last x) per cluster, event rows of the lane's visible point markers)
    markers: dict[int, tuple[np.ndarray, ...]] = field(default_factory=dict)
    spans: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    span_y: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # bar top, bottom (NaN: hidden)
    density: dict[int, np.ndarray] = field(default_factory=dict)  # counts per bucket, per dense lane
    density_edges: np.ndarray | None = None  # bucket edges (times of event starts)
    density_per_pixel: bool = True  # buckets are device pixels (else whole days)
    density_dpr: float = 1.0
    # labels drawn, as (x, top, width, height, event row): plain tuples, since a paint may draw
    # hundreds; :attr:`labels` gives them as rectangles for hit tests
    label_boxes: list[tuple[float, float, float, float, int]] = field(default_factory=list)
    ticks: AxisTicks | None = None

    @property
    def labels(self) -> list[tuple[QRectF, int]]:
        """(rectangle, event row) of every label drawn."""
        return [(QRectF(x, y, w, h), row) for x, y, w, h, row in self.label_boxes]


@dataclass
class SparseWindow:
    """Point and span rows of several lanes near a view (see :meth:`TimelineScene.sparse_window`):
    lane ``j``'s points are ``pts[ptr[j]:ptr[j+1]]``, by start, under ``key`` = start - ``base``
    + ``j`` x ``stride`` (ascending through all lanes); its spans are ``sps[span_lane == j]``."""
    ks: list[int]
    lanes: LaneIndex
    w0: float  # the views inside [w0, w1) no wider than a quarter of ``widest`` are served
    w1: float
    widest: float
    base: float
    stride: float
    pts: np.ndarray
    key: np.ndarray
    ptr: np.ndarray
    sps: np.ndarray
    span_lane: np.ndarray
    span_t0: np.ndarray
    span_t1: np.ndarray

    def points_between(self, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """Each lane's first and end position in ``pts`` of the points starting in ``[t0, t1)``."""
        n = len(self.ks)
        off = np.arange(n, dtype=np.float64) * self.stride
        # clipped into each lane's band: a bound beyond the cached window finds the lane's first or end
        q = np.clip(np.array([t0, t1], np.float64) - self.base, 0.0, self.stride - DAY)
        pos = np.searchsorted(self.key, (q[:, None] + off[None, :]).ravel()).reshape(2, n)
        return pos[0], pos[1]


class TimelineScene:
    """Everything one paint needs; the widget and the exporter each own one."""

    def __init__(self, data: TimelineData | None = None, issues: list[tuple[str, str, str]] | None = None
                 ) -> None:
        self.data = data if data is not None else TimelineData.empty()
        self.issues: list[tuple[str, str, str]] = list(issues or [])
        self.issue_filter: set[str] | None = None
        self.event_filter: np.ndarray | None = None  # sorted event ids to show; None: all
        self.collapsed: set[str] = set()  # lane labels: they survive a reload that renumbers lanes
        self.highlight_rows = np.empty(0, np.int64)
        self.selected_rows = np.empty(0, np.int64)
        self._marks: tuple | None = None
        self._closed: tuple | None = None
        self._tops: tuple | None = None
        self._marked_lanes: tuple | None = None
        self.v0, self.v1 = self.data.time_range()
        self.scroll_y = 0.0
        self.show_overview = True
        self.show_legend = False
        self.lane_h = LANE_H
        self.empty_text = "Drop article files here"
        self.empty_detail = "Events appear here, one lane per trade issue, actor or article"
        self._plot_w: float | None = None  # plot width of the last layout (fit leaves room for labels)
        self.fit_span = 0.0  # width (s) of the last fit: zooming out may go that far
        self._titles: dict[int, str] = {}  # by row
        self._title_w = np.empty(0, np.float32)  # label width by row, NaN: not fetched yet
        self._title_w_small = np.empty(0, np.float32)  # the same in the small font (span titles)
        self._overview_cache: tuple[tuple, QImage] | None = None
        self._header_cache: tuple[tuple, QImage] | None = None
        self._label_cache: dict[tuple, QImage] = {}
        self._label_bytes = 0
        self._text_cache: dict[tuple, QImage] = {}
        self._cuts: dict[tuple, tuple] = {}
        self._char_w: dict[bool, dict[str, float]] = {}
        self._text_w: dict[str, float] = {}
        self.label_dpr: float | None = 1.0  # None: draw labels as text (vector output)
        # new label images one paint may render (None: all); the widget sets a budget so a zoom
        # step stays smooth and repaints once more when ``incomplete`` says labels were left out
        self.label_budget: int | None = None
        # what budgeted paints left out, for :meth:`prefetch` to prepare between frames
        self._pending_titles: list[np.ndarray] = []
        self._pending_labels: dict[tuple, tuple[int, bool, int]] = {}
        self._titles_left = TITLE_BATCH  # titles one budgeted paint may still fetch
        # events the next frames will likely label (just beyond the edges, inside clusters a zoom
        # splits): idle time prepares their titles and images after what the paint left out
        self._lookahead: list[np.ndarray] = []
        self._lookahead_n = 0  # rows noted by the current paint
        self.incomplete = False
        self._win_cache: dict[int, tuple] = {}
        self._sparse_win: SparseWindow | None = None
        self._plain_lanes: LaneIndex | None = None  # the lanes with no filter, kept while a filter is on
        self._sprites: dict[float, dict] = {}
        self._bg_buf: np.ndarray | None = None
        self._marker_cache: dict[tuple, QImage] = {}
        self.font = ui_font()
        self.small = ui_font(SMALL_PX)
        self.bold = ui_font(FONT_PX, bold=True)
        self.fm = QFontMetricsF(self.font)
        self.fm_small = QFontMetricsF(self.small)
        self.colours: list[QColor] = []
        self.theme: Theme = LIGHT
        self.lanes: LaneIndex = build_lanes(self.data)
        self.set_data(self.data)

    # -- state changes (each rebuilds only what depends on it)
    def set_data(self, data: TimelineData, keep_range: bool = False,
                 lanes: LaneIndex | Sequence[LaneIndex] | None = None) -> None:
        """Show ``data``; ``lanes``: lane indexes of it built elsewhere (e.g. on a loader thread), one
        used when it is ``build_lanes(data)`` with no filter set or ``filtered_lanes(data, f)`` for the
        event filter ``f`` set (that very array), else the lanes are built here."""
        self.data = data
        self._titles.clear()
        self._title_w = np.full(len(data), np.nan, np.float32)
        self._title_w_small = np.full(len(data), np.nan, np.float32)
        self._label_cache = {}
        self._label_bytes = 0
        self._cuts = {}
        self._win_cache = {}
        self._sparse_win = None
        self._sprites = {}
        self._badge_cache: dict[tuple, QImage] = {}
        self._overview_cache = None
        self.colours = issue_colours(self.issues, data.issue_ids, self.theme)
        self.highlight_rows = np.empty(0, np.int64)
        self.selected_rows = np.empty(0, np.int64)
        self._plain_lanes = None  # of the old data
        # what the last paint left for idle time names rows of the old data
        self.forget_pending()
        self.rebuild_lanes(lanes)
        if not keep_range:
            self.fit()

    def set_issues(self, issues: list[tuple[str, str, str]]) -> None:
        self.issues = list(issues)
        self.colours = issue_colours(self.issues, self.data.issue_ids, self.theme)
        self._overview_cache = None
        self._marker_cache.clear()
        self._sprites = {}

    def set_theme(self, theme: Theme) -> None:
        """Paint with ``theme`` from now on; every cached image made with the old colours is dropped."""
        if theme is self.theme:
            return
        self.theme = theme
        self._label_cache = {}
        self._label_bytes = 0
        self._text_cache.clear()
        self._badge_cache = {}
        self._header_cache = None
        self.set_issues(self.issues)

    def rebuild_lanes(self, lanes: LaneIndex | Sequence[LaneIndex] | None = None) -> None:
        """The lanes of the data with the filters of now (the window's composed filter comes as event
        ids: actors AND issues AND dates AND text AND verified). ``lanes``: made elsewhere (another
        thread), used when they are those; lanes with no filter are kept for when the filters go."""
        made = [] if lanes is None else [lanes] if isinstance(lanes, LaneIndex) else list(lanes)
        for got in made:
            if got.serves(self.data):
                self._plain_lanes = got
        if self.issue_filter is None:
            for got in [*made, self._plain_lanes]:
                if got is not None and got.serves(self.data, self.event_filter):
                    self.lanes = got
                    return
        self.lanes = filtered_lanes(self.data, self.event_filter, self.issue_filter)
        if self.issue_filter is None and self.event_filter is None:
            self._plain_lanes = self.lanes

    def fit(self, plot_w: float | None = None) -> None:
        """Show the whole range of the events shown (all, or those a filter lets through), with room
        on the right for the last day event's label.

        ``plot_w`` (px) is the width the range is shown in (default: the last layout's);
        without one, only the usual 2 % margin is kept.
        """
        if (self.event_filter is None and self.issue_filter is None) or not self.lanes.idx.size:
            lo, hi = self.data.time_range()
            pts = np.flatnonzero(self.data.precision[-4096:] <= POINT_MAX_CODE)
            # the last point event (rows are sorted by start): its label starts 8 px right of its marker
            row = len(self.data) - min(len(self.data), 4096) + int(pts[-1]) if pts.size else -1
        else:
            # a filter: the range of the events it lets through (a date filter's weeks, not the years
            # around them), and the last of their point events
            lo, hi = self.lanes.time_range(self.data)
            pts = self.lanes.idx[self.lanes.point]
            row = int(pts.max()) if pts.size else -1
        pad = max((hi - lo) * 0.02, DAY)
        v0, v1 = lo - pad, hi + pad
        w = plot_w if plot_w is not None else self._plot_w
        if w and w > 100 and pts.size and self._marker_at_fit(row, w):
            budget, self.label_budget = self.label_budget, None
            self.ensure_titles(np.array([row]))
            self.label_budget = budget
            need = min(float(self.title_widths(np.array([row]))[0]) + 8 + 16, w * 0.4) / w
            c = float(self.data.t0[row]) + DAY / 2
            v1 = max(v1, (c - need * v0) / (1 - need))
        self.v0, self.v1 = v0, v1
        self.fit_span = v1 - v0

    def _marker_at_fit(self, row: int, plot_w: float) -> bool:
        """Whether event ``row`` is drawn as a marker (which may have a label) when the whole range is
        in view: some open lane holding it is sparse enough for markers. In a lane drawn as density it
        has no label, and room kept for one left a blank band (up to 40 % of the plot) on the right
        of every big project's fit and full-range export."""
        lanes = self.lanes
        ks = np.searchsorted(lanes.ptr, np.flatnonzero(lanes.idx == row), "right") - 1
        return any(not self.is_collapsed(int(k)) and not should_aggregate(int(lanes.counts[k]), plot_w)
                   for k in ks)

    def lane_label(self, k: int) -> str:
        return self.data.lane_labels[int(self.lanes.order[k])]

    def lane_colour(self, k: int) -> QColor:
        iss = int(self.data.lane_issue[int(self.lanes.order[k])]) if self.data.lane_issue.size else -1
        return QColor(self.colours[iss]) if 0 <= iss < len(self.colours) else QColor(self.theme.neutral)

    def is_collapsed(self, k: int) -> bool:
        return bool(self.collapsed) and self.lane_label(k) in self.collapsed

    def toggle_collapsed(self, k: int) -> None:
        self.collapsed.symmetric_difference_update({self.lane_label(k)})

    def set_highlight(self, event_ids: Iterable[int] | np.ndarray) -> None:
        self.highlight_rows = np.sort(self.data.index_of(event_ids))

    def set_selected(self, event_ids: Iterable[int] | np.ndarray) -> None:
        self.selected_rows = np.sort(self.data.index_of(event_ids))

    def marks(self) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        """Row masks: highlighted, selected, either (None when no row is). A paint looks up the rows it
        draws in them; searching a trade issue's 170,000 highlighted rows for them took 0.2 s a frame.
        Made once per change of the marked rows (compared by identity: they are replaced, never edited)."""
        hl, sel, n = self.highlight_rows, self.selected_rows, len(self.data)
        got = self._marks
        if got is None or got[0] is not hl or got[1] is not sel or got[2] != n:
            masks = []
            for rows in (hl, sel):
                m = None
                if rows.size:
                    m = np.zeros(n, bool)
                    m[rows] = True
                masks.append(m)
            either = masks[0] if masks[1] is None else masks[1] if masks[0] is None else masks[0] | masks[1]
            got = self._marks = (hl, sel, n, masks[0], masks[1], either)
        return got[3], got[4], got[5]

    def marked_in_lane(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The highlighted or selected rows among lane ``k``'s members, the times they are drawn at
        (in that order) and their starts: a dense lane's marks in view are then a binary search
        away (a trade issue marks a sixth of a million events; going through every member of the
        lanes each frame cost 30 ms)."""
        either = self.marks()[2]
        got = self._marked_lanes
        if got is None or got[0] is not self._marks or got[1] is not self.lanes:
            got = self._marked_lanes = (self._marks, self.lanes, {})
        lanes = got[2]
        got = lanes.get(k)
        if got is None:
            a, b = self.lanes.ptr[k], self.lanes.ptr[k + 1]
            members = self.lanes.idx[a:b]
            rows = members[either[members]] if either is not None else members[:0]
            # points are drawn at the middle of their day (as markers are), spans at their start
            at = self.data.t0[rows] + np.where(self.data.precision[rows] <= POINT_MAX_CODE, DAY / 2, 0.0)
            o = np.argsort(at, kind="stable")
            got = lanes[k] = (rows[o], at[o], self.data.t0[rows[o]])
        return got

    def ring_sprite(self, colour: QColor, rad: float, width: float, dpr: float) -> tuple[QImage, float]:
        """A ring (a marked event's outline) as an image, and its half size: blitted like a marker,
        a fraction of the cost of stroking an antialiased ellipse each time."""
        key = ("ring", colour.rgba(), rad, width, dpr)
        got = self._marker_cache.get(key)
        if got is None:
            size = int(np.ceil((2 * rad + width + 2) * dpr))
            img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            img.fill(0)
            p = QPainter(img)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QPen(colour, width))
            p.setBrush(Qt.BrushStyle.NoBrush)
            c = size / dpr / 2
            p.drawEllipse(QPointF(c, c), rad, rad)
            p.end()
            got = self._marker_cache[key] = (img, c)
        return got

    # -- lazy titles
    def ensure_titles(self, rows: np.ndarray) -> None:
        """Fetch titles (and widths) of these rows not yet known: a few hundred at most per paint."""
        if self.data.titles is None or not rows.size:
            return
        missing = rows[np.isnan(self._title_w[rows])]
        self._titles_left = max(self._titles_left, 0)
        if self.label_budget is not None and missing.size > self._titles_left:
            # on screen, a zoom step fetches a bounded batch (over all calls of one paint); idle
            # time fetches the rest
            self._pending_titles.append(missing[self._titles_left:])
            missing = missing[:self._titles_left]
            self.incomplete = True
        if self.label_budget is not None:
            self._titles_left -= missing.size
        if missing.size:
            got = self.data.titles([int(i) for i in self.data.ids[missing]])
            for row, eid in zip(missing.tolist(), self.data.ids[missing].tolist(), strict=True):
                t = " ".join((got.get(eid) or "").split())
                self._titles[row] = t
                self._title_w[row] = self.fm.horizontalAdvance(t) if t else 0.0

    def title_widths(self, rows: np.ndarray, small: bool = False) -> np.ndarray:
        """Label widths of rows in the normal (or small) font; 0 where the title is unknown or empty."""
        if small:
            # measured on demand (only span titles use the small font), as the sum of memoised
            # character advances: the same boundaries cut_at elides at, and several times cheaper
            # than shaping each title
            todo = rows[np.isnan(self._title_w_small[rows]) & ~np.isnan(self._title_w[rows])]
            for row in todo.tolist():
                self._title_w_small[row] = self.cut_at(row, True, np.inf) if self._titles.get(row) else 0.0
        w = (self._title_w_small if small else self._title_w)[rows]
        w[np.isnan(w)] = 0.0
        return w

    def label_image(self, row: int, font: QFont, fm: QFontMetricsF, colour: QColor, dpr: float) -> QImage | None:
        """The whole title of ``row`` rendered once per font and colour, cached within a byte budget.

        None when this paint's budget of new label images is spent (see ``label_budget``).
        """
        key = (row, font.pixelSize(), colour.rgba(), dpr)
        img = self._label_cache.get(key)
        if img is None:
            if self.label_budget is not None:
                if self.label_budget <= 0:
                    self.incomplete = True
                    self._pending_labels[key] = (int(row), font.pixelSize() != FONT_PX, colour.rgba())
                    return None
                self.label_budget -= 1
            img = _text_to_image(self.title(row), font, fm, colour, dpr)
            self._label_bytes += img.sizeInBytes()
            if self._label_bytes > LABEL_CACHE_BYTES:
                # forget the oldest half (dicts keep insertion order): recent labels stay cached
                cache = self._label_cache
                while cache and self._label_bytes > LABEL_CACHE_BYTES // 2:
                    old = cache.pop(next(iter(cache)))
                    self._label_bytes -= old.sizeInBytes()
                if len(self._cuts) > 20_000:
                    self._cuts.clear()
            self._label_cache[key] = img
        return img

    def forget_pending(self, titles: int = TITLE_BATCH) -> None:
        """Start a budgeted paint that may fetch ``titles`` titles from the store: only what this
        paint leaves out is worth preparing later."""
        self._pending_titles = []
        self._pending_labels = {}
        self._lookahead = []
        self._lookahead_n = 0
        self._titles_left = titles

    def has_pending(self) -> bool:
        return bool(self._pending_titles or self._pending_labels)

    def has_lookahead(self) -> bool:
        return bool(self._lookahead)

    def look_ahead(self, rows: np.ndarray) -> None:
        """Note point events a following frame (pan or zoom step) will likely label; budgeted
        (screen) paints only, at most 2 x LOOKAHEAD_ROWS of them, in the order noted."""
        if self.label_budget is None or not rows.size or self.data.titles is None:
            return
        left = 2 * LOOKAHEAD_ROWS - self._lookahead_n
        if left > 0:
            self._lookahead.insert(0, rows[:left])  # prefetch pops from the end: first noted, first done
            self._lookahead_n += min(left, rows.size)

    def prefetch(self, seconds: float) -> bool:
        """Fetch the titles and render the label images the last budgeted paint left out, for about
        ``seconds`` (at least one item); True while some remain. Runs between frames (a zero timer
        in the widget), so the paint that follows finds them cached and stays within its budget."""
        deadline = perf_counter() + seconds
        budget, self.label_budget = self.label_budget, None
        try:
            while self._pending_titles:
                rows = self._pending_titles.pop()
                self.ensure_titles(rows[:TITLE_BATCH * 4])
                if rows.size > TITLE_BATCH * 4:
                    self._pending_titles.append(rows[TITLE_BATCH * 4:])
                if perf_counter() > deadline:
                    return True
            while self._pending_labels:
                key, (row, small, rgba) = self._pending_labels.popitem()
                if key not in self._label_cache:
                    font, fm = (self.small, self.fm_small) if small else (self.font, self.fm)
                    self.label_image(row, font, fm, QColor.fromRgba(rgba), key[3])
                if perf_counter() > deadline:
                    return True
            # then the look-ahead: titles and images (normal font, as marker labels) of events
            # the next frames will likely show, so a pan or zoom step finds them ready
            dpr = self.label_dpr
            colour = self.theme.text
            while self._lookahead and dpr is not None:
                rows = self._lookahead.pop()
                if rows.size > TITLE_BATCH:
                    self._lookahead.append(rows[TITLE_BATCH:])
                    rows = rows[:TITLE_BATCH]
                self.ensure_titles(rows)  # one query for the batch
                for i, row in enumerate(rows.tolist()):
                    if self._titles.get(row) and (row, FONT_PX, colour.rgba(), dpr) not in self._label_cache:
                        self.label_image(row, self.font, self.fm, colour, dpr)
                        if perf_counter() > deadline:
                            # keep the slice short (input waits for it): the rest of the batch next time
                            if i + 1 < rows.size:
                                self._lookahead.append(rows[i + 1:])
                            return True
                if perf_counter() > deadline:
                    break
        finally:
            self.label_budget = budget
        return self.has_pending() or self.has_lookahead()

    def cut_at(self, row: int, small: bool, width: float) -> float:
        """Where to cut the title of ``row`` so it ends at a character boundary no later than ``width``.

        Boundaries are the running sum of per-character advances (memoised per font); a
        trailing space is dropped so the ellipsis follows the last letter.
        """
        key = (row, small)
        bounds = self._cuts.get(key)
        if bounds is None:
            fm = self.fm_small if small else self.fm
            widths = self._char_w.setdefault(small, {})
            text = self.title(row)
            adv = []
            for ch in text:
                cw = widths.get(ch)
                if cw is None:
                    cw = widths[ch] = fm.horizontalAdvance(ch)
                adv.append(cw)
            bounds = ([0.0, *accumulate(adv)], text)
            self._cuts[key] = bounds
        xs, text = bounds
        k = bisect_right(xs, width) - 1
        while k > 0 and text[k - 1] == " ":
            k -= 1
        return xs[max(k, 0)]

    def text_image(self, text: str, font: QFont, fm: QFontMetricsF, colour: QColor, dpr: float) -> QImage:
        """A short text (axis labels) rendered once per font, colour and device ratio."""
        key = (text, font.pixelSize(), font.bold(), colour.rgba(), dpr)
        img = self._text_cache.get(key)
        if img is None:
            if len(self._text_cache) > 3000:
                self._text_cache.clear()
            img = _text_to_image(text, font, fm, colour, dpr)
            self._text_cache[key] = img
        return img

    def text_width(self, text: str) -> float:
        """Width of ``text`` in the normal font, memoised (the axis measures the same labels each paint)."""
        w = self._text_w.get(text)
        if w is None:
            if len(self._text_w) > 5000:
                self._text_w.clear()
            w = self._text_w[text] = self.fm.horizontalAdvance(text)
        return w

    def sprites(self, dpr: float) -> dict[tuple[int, int], tuple[QImage, float]]:
        """Marker and cluster-badge pixmaps by (issue or -2 for mixed, count), for one device ratio."""
        got = self._sprites.get(dpr)
        if got is None or len(got) > 4000:
            got = self._sprites[dpr] = {}
        return got

    def make_sprite(self, ck: int, n: int, dpr: float) -> tuple[QImage, float]:
        col = self.theme.cluster_mixed if ck == -2 else (self.colours[ck] if 0 <= ck < len(self.colours)
                                                         else self.theme.neutral)
        pm = self.marker_pixmap(col, MARKER_D, dpr) if n == 1 else self.badge_pixmap(col, n, dpr)
        sp = (pm, pm.width() / dpr / 2)
        self.sprites(dpr)[(ck, n)] = sp
        return sp

    def title(self, row: int) -> str:
        return self._titles.get(int(row), "")

    def badge_pixmap(self, colour: QColor, n: int, dpr: float) -> QImage:
        """A cluster marker with its count, rendered once per colour and count."""
        key = (colour.rgba(), n, dpr)
        pm = self._badge_cache.get(key)
        if pm is None:
            if len(self._badge_cache) > 4000:
                self._badge_cache.clear()
            rad = CLUSTER_D / 2 + (2 if n >= 100 else 0)
            size = int(np.ceil((2 * rad + 4) * dpr))
            pm = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            pm.setDevicePixelRatio(dpr)
            pm.fill(0)
            p = QPainter(pm)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QPen(self.theme.bg, 1.5))  # a ring of background separates the badge from bars
            p.setBrush(colour)
            c = rad + 2
            p.drawEllipse(QPointF(c, c), rad, rad)
            p.setFont(ui_font(SMALL_PX, bold=True))
            p.setPen(_badge_text(colour))
            p.drawText(QRectF(c - rad, c - rad, 2 * rad, 2 * rad), Qt.AlignmentFlag.AlignCenter,
                       str(n) if n < 1000 else f"{n // 1000}k")
            p.end()
            self._badge_cache[key] = pm
        return pm

    # -- layout
    def layout(self, width: float, height: float) -> Layout:
        top = OVERVIEW_H + 6 if self.show_overview else 6.0
        legend_h = self.legend_height(width) if self.show_legend else 0.0
        axis = QRectF(HEADER_W, height - legend_h - AXIS_H, width - HEADER_W, AXIS_H)
        plot = QRectF(HEADER_W, top, width - HEADER_W, max(axis.top() - top, 0.0))
        header = QRectF(0, top, HEADER_W, plot.height())
        overview = QRectF(HEADER_W, 3, width - HEADER_W - 8, OVERVIEW_H - 3)
        legend = QRectF(0, height - legend_h, width, legend_h)
        closed = self.closed_lanes()
        lane_h = self.open_lane_height(plot.height(), closed)
        starts, ends = self.lane_edges(closed, lane_h)
        # the lanes in view: a lane per article makes 100,000 lanes, so found by binary search
        y0 = top - self.scroll_y
        k0 = int(np.searchsorted(ends, top - y0, "right"))
        k1 = int(np.searchsorted(starts, plot.bottom() - y0, "left"))
        rows = [LaneRow(k, y0 + y, COLLAPSED_H if c else lane_h, c) for k, y, c in
                zip(range(k0, k1), starts[k0:k1].tolist(), closed[k0:k1].tolist(), strict=False)]
        content_h = float(ends[-1]) if ends.size else 0.0
        self._plot_w = plot.width()
        return Layout(width, height, overview, plot, header, axis, legend, rows, content_h, lane_h)

    def closed_lanes(self) -> np.ndarray:
        """Which lanes (in display order) are collapsed; made once per change of the lanes or of the
        collapsed set, not looked up lane by lane on every paint."""
        key = frozenset(self.collapsed)
        got = self._closed
        if got is None or got[0] is not self.lanes or got[1] != key:
            labels = self.data.lane_labels
            closed = (np.array([labels[i] in key for i in self.lanes.order.tolist()], bool) if key
                      else np.zeros(len(self.lanes), bool))
            got = self._closed = (self.lanes, key, closed)
        return got[2]

    def lane_edges(self, closed: np.ndarray, lane_h: float) -> tuple[np.ndarray, np.ndarray]:
        """Each lane's top and bottom below the first lane's top (lanes stacked in display order),
        kept per collapsed set and lane height: scrolling the lanes moves them all, it does not
        stack them again (100,000 lanes by article)."""
        got = self._tops
        if got is None or got[0] is not closed or got[1] != lane_h:
            edges = np.cumsum(np.concatenate([[0.0], np.where(closed, COLLAPSED_H, lane_h)]))
            got = self._tops = (closed, lane_h, edges[:-1], edges[1:])
        return got[2], got[3]

    def open_lane_height(self, plot_h: float, closed: np.ndarray) -> float:
        """Height of an open lane: ``lane_h``, grown (up to MAX_LANE_H) while all lanes still fit.

        A few lanes then use the room with span tracks of full height instead of sitting at
        the top of an empty plot; with many lanes nothing changes (they scroll or are squeezed).
        Whole pixels, so rows land on the same pixels on screen and in an export.
        """
        n_open = len(closed) - int(np.count_nonzero(closed))
        if not n_open or self.lane_h < LANE_H - 4:
            return self.lane_h
        fair = np.floor((plot_h - (len(closed) - n_open) * COLLAPSED_H) / n_open)
        return float(min(max(fair, self.lane_h), max(MAX_LANE_H, self.lane_h)))

    def legend_height(self, width: float) -> float:
        items = self.legend_items()
        if not items:
            return 0.0
        x, rows = 12.0, 1
        right = width - 262 if width > 450 else width - 12  # room for the precision key
        for _c, label in items:
            w = 14 + 6 + self.fm.horizontalAdvance(label) + 18
            if x + w > right and x > 12:
                rows += 1
                x = 12.0
            x += w
        return rows * LEGEND_ROW_H + 8

    def legend_items(self) -> list[tuple[QColor, str]]:
        labels = {iid: label for iid, label, _c in self.issues}
        present = set(np.unique(self.data.issue).tolist()) if len(self.data) else set()
        out = []
        for n, iid in enumerate(self.data.issue_ids):
            if n in present and (self.issue_filter is None or iid in self.issue_filter):
                out.append((self.colours[n], labels.get(iid, iid)))
        return out

    def lane_window(self, k: int, v0: float, v1: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point rows (and their starts) and span rows of lane ``k`` near ``[v0, v1)``, cached for a
        window three views wide.

        Panning and small zooms then filter a few hundred cached rows instead of
        searching the lane's groups again on every frame.
        """
        span = v1 - v0
        c = self._win_cache.get(k)
        if c is None or c[5] is not self.lanes or not (c[0] <= v0 and v1 <= c[1] and c[1] - c[0] <= 4 * span):
            w0, w1 = v0 - span, v1 + span
            pts = self.lanes.points(k, w0 - DAY, w1)
            c = (w0, w1, pts, self.data.t0[pts], self.lanes.spans(k, w0, w1), self.lanes)
            self._win_cache[k] = c
        return c[2], c[3], c[4]

    def sparse_window(self, ks: list[int], v0: float, v1: float) -> SparseWindow:
        """:meth:`lane_window` of every lane of ``ks`` joined into one set of arrays, so a frame finds
        each lane's visible points with one binary search and its visible spans with one mask,
        instead of a few numpy calls per lane (18 lanes in view: a millisecond a frame). Rebuilt
        from the lanes' own cached windows when the set of lanes or one of their windows changes."""
        c = self._sparse_win
        if c is not None and c.ks == ks and c.lanes is self.lanes and c.w0 <= v0 and v1 <= c.w1 \
                and c.widest <= 4 * (v1 - v0):
            return c
        wins = [self.lane_window(k, v0, v1) for k in ks]
        cached = [self._win_cache[k] for k in ks]
        w0 = max((w[0] for w in cached), default=v0)
        w1 = min((w[1] for w in cached), default=v1)
        base = min((w[0] for w in cached), default=v0) - 2 * DAY
        stride = max((w[1] for w in cached), default=v1) - base + 2 * DAY
        sizes = np.array([w[0].size for w in wins], np.int64)
        lane_of = np.repeat(np.arange(len(ks), dtype=np.int64), sizes)
        pts = np.concatenate([w[0] for w in wins]) if wins else np.empty(0, np.int32)
        # starts made relative and lifted by a stride per lane: ascending through all lanes, small
        # enough that float64 keeps them to the microsecond
        key = (np.concatenate([w[1] for w in wins]) - base if wins else np.empty(0)) + lane_of * stride
        ssizes = np.array([w[2].size for w in wins], np.int64)
        sps = np.concatenate([w[2] for w in wins]) if wins else np.empty(0, np.int32)
        c = self._sparse_win = SparseWindow(
            list(ks), self.lanes, w0, w1, max((w[1] - w[0] for w in cached), default=0.0), base, stride,
            pts, key, np.concatenate([[0], np.cumsum(sizes)]), sps,
            np.repeat(np.arange(len(ks), dtype=np.int64), ssizes), self.data.t0[sps], self.data.t1[sps])
        return c

    def span_style(self, iss: int) -> tuple[QColor, QPen]:
        """Fill and dashed edge of a span bar in the colour of issue ``iss`` (cached)."""
        key = ("span", iss, len(self.colours))
        got = self._marker_cache.get(key)
        if got is None:
            col = self.colours[iss] if 0 <= iss < len(self.colours) else self.theme.neutral
            fill = QColor(col)
            fill.setAlpha(70)
            edge = QColor(col)
            edge.setAlpha(200)
            pen = QPen(edge, 1.0, Qt.PenStyle.DashLine)
            got = (fill, pen)
            self._marker_cache[key] = got
        return got

    def span_text_colour(self, iss: int) -> QColor:
        """Span titles in the issue's hue, readable on the translucent bar (cached)."""
        key = ("span_text", iss, len(self.colours))
        got = self._marker_cache.get(key)
        if got is None:
            got = self._marker_cache[key] = self.theme.span_text(_issue_colour(self, iss))
        return got

    def span_edges(self, iss: int, dpr: float, length: float = 0.0) -> tuple[None, QImage]:
        """The dashed right end of a span bar (a 1 px wide column as tall as the tallest bar), cached;
        ``(None, image)`` (the long edges live in :meth:`span_body`)."""
        key = ("edges", iss, len(self.colours), dpr)
        got = self._marker_cache.get(key)
        if got is None:
            h = int(SPAN_PITCH) + 2
            w_dev, h_dev = max(int(round(dpr)), 1), max(int(np.ceil(h * dpr)), 1)
            px = np.zeros((h_dev, w_dev), np.uint32)
            px[np.floor(np.arange(h_dev) / dpr) % 5 < 3] = _premul(self.span_style(iss)[1].color())
            img = QImage(px.data, w_dev, h_dev, w_dev * 4, QImage.Format.Format_ARGB32_Premultiplied).copy()
            img.setDevicePixelRatio(dpr)
            got = (None, img)
            self._marker_cache[key] = got
        return got

    def span_body(self, iss: int, dpr: float, bar_h: int, length: float) -> QImage:
        """A span bar as one cached image ``bar_h`` high and at least ``length`` (+ a dash period) long:
        translucent fill, dashed top and bottom edges and a dashed left end in column 0. A bar is
        then one blit of a slice of it (plus its right end), instead of a fill and four edges."""
        key = ("body", iss, len(self.colours), dpr, bar_h)
        img = self._marker_cache.get(key)
        on, off = SPAN_DASH
        if img is None or img.width() < (length + on + off + 1) * dpr:
            fill, pen = self.span_style(iss)
            n = int(np.ceil(max(length, 2048.0) + on + off + 1))
            w_dev, h_dev = max(int(np.ceil(n * dpr)), 1), max(int(round(bar_h * dpr)), 1)
            # built with numpy (a few hundred dashes drawn one by one cost a millisecond)
            # where the dashes go depends on size only: shared by every issue colour
            mkey = ("body_mask", dpr, bar_h, n)
            mask = self._marker_cache.get(mkey)
            if mask is None:
                mask = np.zeros((h_dev, w_dev), bool)
                edge_w = max(int(round(dpr)), 1)
                xs = np.arange(w_dev) / dpr
                dash = (np.floor(xs - 1) % (on + off) < on) & (xs >= 1)
                mask[:edge_w, dash] = True
                mask[h_dev - edge_w:, dash] = True
                mask[np.floor(np.arange(h_dev) / dpr) % 5 < 3, :edge_w] = True
                self._marker_cache[mkey] = mask
            px = np.where(mask, _premul(pen.color()), _premul(fill)).astype(np.uint32)
            img = QImage(px.data, w_dev, h_dev, w_dev * 4, QImage.Format.Format_ARGB32_Premultiplied).copy()
            img.setDevicePixelRatio(dpr)
            self._marker_cache[key] = img
        return img

    def marker_pixmap(self, colour: QColor, diameter: float, dpr: float, ring: QColor | None = None) -> QImage:
        key = (colour.rgba(), diameter, dpr, ring.rgba() if ring else None)
        pm = self._marker_cache.get(key)
        if pm is None:
            size = int(np.ceil((diameter + 4) * dpr))
            pm = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            pm.setDevicePixelRatio(dpr)
            pm.fill(0)
            p = QPainter(pm)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QPen(ring if ring else self.theme.bg, 1.5 if ring is None else 2.0))
            p.setBrush(colour)
            c = (diameter + 4) / 2
            p.drawEllipse(QPointF(c, c), diameter / 2, diameter / 2)
            p.end()
            self._marker_cache[key] = pm
        return pm


# ---------------------------------------------------------------- painting

def paint_timeline(p: QPainter, scene: TimelineScene, width: float, height: float, dpr: float = 1.0,
                   band: tuple[float, float] | None = None) -> Frame:
    """Draw the whole timeline in logical size ``width`` x ``height`` (device pixels = logical * dpr).

    ``band`` (logical y0, y1) limits the work to that horizontal strip: the export
    paints a huge image strip by strip with bounded memory.
    """
    lay = scene.layout(width, height)
    frame = Frame(lay)
    bg = scene.theme.bg
    if scene.label_dpr is not None:
        scene.label_dpr = dpr
    if not len(scene.data):
        p.fillRect(QRectF(0, 0, width, height), bg)
        _paint_empty(p, scene, lay)
        return frame
    plot = lay.plot
    # the plot gets its own opaque fills (lane stripes, density buffer): fill only the rest, out to
    # whole device pixels (at a fractional device ratio the plot's edge falls inside a pixel row that
    # neither side would fill, and the last frame's pixels would show through)
    top, bottom = ceil(plot.top() * dpr) / dpr, floor(plot.bottom() * dpr) / dpr
    right = floor(plot.right() * dpr) / dpr
    p.fillRect(QRectF(0, 0, width, top), bg)
    p.fillRect(QRectF(0, bottom, width, height - bottom), bg)
    p.fillRect(QRectF(right, plot.top(), width - right, plot.height()), bg)
    ticks = axis_ticks(scene.v0, scene.v1, plot.width(), scene.text_width)
    frame.ticks = ticks
    p.save()
    p.setClipRect(plot, Qt.ClipOperation.IntersectClip)
    _paint_lanes(p, scene, lay, frame, dpr, band, ticks)
    p.restore()
    _paint_header(p, scene, lay, dpr)
    _paint_axis(p, scene, lay, ticks, dpr)
    if scene.show_overview:
        _paint_overview(p, scene, lay, dpr)
    if scene.show_legend:
        _paint_legend(p, scene, lay)
    if lay.content_h > plot.height() + 0.5:
        _paint_scroll_hint(p, scene, lay)
    return frame


def _paint_empty(p: QPainter, scene: TimelineScene, lay: Layout) -> None:
    f = ui_font(18)
    p.setFont(f)
    p.setPen(scene.theme.muted)
    # the title across the middle, the detail (may be several lines) below it
    title_r = QRectF(24, 0, lay.width - 48, lay.height / 2 + 6)
    p.drawText(title_r, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap,
               scene.empty_text)
    p.setFont(scene.font)
    p.drawText(QRectF(24, lay.height / 2 + 16, lay.width - 48, lay.height / 2 - 16),
               Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
               scene.empty_detail)


def _vlines(p: QPainter, x: np.ndarray, y0: float, y1: float, colour: QColor, dpr: float) -> None:
    """Vertical lines one logical pixel wide at ``x`` (on the columns a 1 px pen would cover), as
    opaque rectangle fills: a drawn line is rasterised as one span per scanline (a thousand for a
    grid line, blended in Qt's fill threads), a fill is one rectangle written row by row."""
    if not x.size or y1 <= y0:
        return
    w = max(round(dpr), 1) / dpr
    xs = _line_start(x, dpr) / dpr
    if _int_blits(p, dpr) and float(y0).is_integer() and float(y1).is_integer():
        # whole pixels: an integer rectangle is filled directly, a QRectF goes through the rasteriser
        # (four times slower a line)
        deque(map(p.fillRect, map(QRect, xs.astype(np.int64).tolist(), repeat(int(y0)), repeat(1),
                                  repeat(int(y1 - y0))), repeat(colour)), maxlen=0)
        return
    fill, rect = p.fillRect, QRectF
    for xd in xs.tolist():
        fill(rect(xd, y0, w, y1 - y0), colour)


# Raster shortcuts (whole-pixel blits, ticks and grid written into numpy buffers) that must give the
# same pixels as plain QPainter calls; tests switch them off to compare the two
FAST_RASTER = True


def _int_blits(p: QPainter, dpr: float) -> bool:
    """True when image positions may be given as whole pixels: no scaling, whole-pixel translation.

    Qt then rounds a QPointF position to the nearest pixel anyway; passing the rounded ints
    (:func:`_qround`) draws the same pixels without building a QPointF per blit, which costs
    as much as the blit of a small sprite.
    """
    if dpr != 1.0 or not FAST_RASTER:
        return False
    t = p.deviceTransform()
    return t.type().value <= QTransform.TransformationType.TxTranslate.value and float(t.dx()).is_integer() \
        and float(t.dy()).is_integer()


def _qround(v: np.ndarray) -> np.ndarray:
    """Round half away from zero, like Qt's qRound (positions of images drawn at a QPointF)."""
    v = np.asarray(v, float)
    return np.where(v >= 0, np.floor(v + 0.5), np.ceil(v - 0.5)).astype(np.int64)


def _paint_lanes(p: QPainter, scene: TimelineScene, lay: Layout, frame: Frame, dpr: float,
                 band: tuple[float, float] | None, ticks: AxisTicks) -> None:
    v0, v1 = scene.v0, scene.v1
    plot = lay.plot
    width_px = plot.width()
    sx = width_px / (v1 - v0)
    pad_t = (CLUSTER_D / 2 + 2) / sx  # include markers whose dot pokes into view
    lanes = scene.lanes
    dense, sparse = [], []
    for r in lay.rows:
        if band is not None and (r.y + r.h <= band[0] or r.y >= band[1]):
            continue
        n = lanes.count(r.k, v0 - DAY / 2 - pad_t, v1 + pad_t)
        if r.collapsed or should_aggregate(n, width_px):
            dense.append(r)
        else:
            sparse.append(r)
    # grid at major ticks, over the bars (light enough not to hide them): written into the density
    # buffer where there is one, filled elsewhere
    grid_x = plot.left() + (np.array([t for t, _l in ticks.major]) - v0) * sx
    done = _paint_density(p, scene, lay, frame, dense, dpr, band, grid_x)
    if done is None:
        _vlines(p, grid_x, plot.top(), plot.bottom(), scene.theme.grid, dpr)
    else:
        _vlines(p, grid_x, plot.top(), done[0], scene.theme.grid, dpr)
        _vlines(p, grid_x, done[1], plot.bottom(), scene.theme.grid, dpr)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _paint_sparse_lanes(p, scene, lay, frame, sparse, dpr)
    _paint_marked(p, scene, lay, frame, dense, dpr)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _paint_density(p: QPainter, scene: TimelineScene, lay: Layout, frame: Frame, rows: list[LaneRow],
                   dpr: float, band: tuple[float, float] | None = None,
                   grid_x: np.ndarray | None = None) -> tuple[float, float] | None:
    """The plot background: lane stripes plus per-pixel counts of every dense lane as bars.

    One opaque buffer filled with numpy, one drawImage (a plain copy, no blending). Grid lines at
    ``grid_x`` (opaque grid colour) are written into the buffer too; returns the logical y range
    the buffer covered (the grid is drawn there), or None when there was no buffer.
    """
    plot = lay.plot
    w_dev = max(int(round(plot.width() * dpr)), 1)
    spp = (scene.v1 - scene.v0) / w_dev  # seconds per device pixel
    days = _day_columns(scene.v0, scene.v1, w_dev)
    if days is not None:
        # a day is wider than two pixels: count per day and draw each day as a bar as wide as the day
        d0, col_bucket, gap = days
        q_edges = np.arange(d0, scene.v1 + DAY, DAY)
    else:
        # a day event sits at the middle of its day: shift so a bucket counts what is drawn in it
        q_edges = scene.v0 + spp * np.arange(w_dev + 1) - DAY / 2
        col_bucket = None
    # every lane's buckets in one array: the counts, the per-column lookup, the day gaps and the
    # maximum are one numpy call each for all lanes, not one per lane
    c2 = scene.lanes.densities([r.k for r in rows], q_edges)
    bucket_counts = dict(zip([r.k for r in rows], c2, strict=True))
    vmax = 0
    if rows:
        if col_bucket is not None:
            c2 = c2[:, np.clip(col_bucket, 0, c2.shape[1] - 1)]
            c2[:, gap] = 0
        lane_max = dict(zip(bucket_counts, (c2.max(axis=1) if c2.size else np.zeros(len(rows), int)).tolist(),
                            strict=True))
        vmax = max(lane_max.values())
    frame.density_edges = q_edges
    frame.density = bucket_counts
    frame.density_per_pixel = col_bucket is None
    frame.density_dpr = dpr
    th = scene.theme
    bg_rgb = (th.bg.rgb() & 0xFFFFFF) | 0xFF000000
    alt_rgb = (th.lane_alt.rgb() & 0xFFFFFF) | 0xFF000000
    # the buffer covers the plot, or only its part inside the band being painted
    top, bottom = plot.top(), plot.bottom()
    if band is not None:
        top, bottom = max(top, np.floor(band[0])), min(bottom, np.ceil(band[1]))
        if bottom <= top:
            return
    # lane stripes with plain fills; the numpy buffer covers only the rows of the dense lanes (the
    # busiest, so usually a block at the top): a zoomed-in view with few dense lanes copies little
    full_top = top
    h_all = int(round((bottom - top) * dpr))
    # whole device rows of the full plot buffer, so pixels land exactly where a full buffer puts them
    k0, k1 = 0, 0
    if rows:
        k0 = max(int(np.floor((min(r.y for r in rows) - full_top) * dpr)), 0)
        k1 = min(int(np.ceil((max(r.y + r.h for r in rows) - full_top) * dpr)), h_all)
    # every device row outside the buffer is filled once, with its lane's stripe colour
    segs, last = [], 0
    for r in lay.rows:
        a, b = int(round((r.y - full_top) * dpr)), int(round((r.y + r.h - full_top) * dpr))
        segs.append((max(a, 0), min(b, h_all), th.lane_alt if r.k % 2 else th.bg))
        last = max(last, b)
    segs.append((max(last, 0), h_all, th.bg))
    for a, b, col in segs:
        for s0, s1 in ((a, min(b, k0)), (max(a, k1), b)):
            if s1 > s0:
                p.fillRect(QRectF(plot.left(), full_top + s0 / dpr, plot.width(), (s1 - s0) / dpr), col)
    if k1 <= k0:
        return
    top = full_top + k0 / dpr
    h_dev = k1 - k0
    # grid lines (opaque) go into the buffer with everything else: as one more bar pattern in each
    # lane's table and in the stripe rows' pattern, so no pass over the buffer's columns is left
    grid_cols, covered = None, None
    left_dev = plot.left() * dpr
    if FAST_RASTER and grid_x is not None and th.grid.alpha() == 255 and left_dev.is_integer() \
            and float(top * dpr).is_integer():
        cols = _tick_columns(grid_x, dpr) - int(left_dev)
        grid_cols = cols[(cols >= 0) & (cols < w_dev)]
        covered = (top, top + h_dev / dpr)
    grid_rgb = (th.grid.rgb() & 0xFFFFFF) | 0xFF000000
    # reuse the buffer between frames: a fresh 8 MB allocation costs page faults every paint
    buf = scene._bg_buf
    if buf is None or buf.size < h_dev * w_dev:
        buf = scene._bg_buf = np.empty(h_dev * w_dev, np.uint32)
    img = buf[: h_dev * w_dev].reshape(h_dev, w_dev)
    # the bars first (they decide which rows they write), then every other row once with its
    # lane's stripe colour: no pixel is written twice
    written = []
    bars_of: dict[int, np.ndarray] = {}  # per bar height: every lane's column heights, in one lookup
    for j, r in enumerate(rows):
        y0 = int(round((r.y + (2 if r.collapsed else 5) - full_top) * dpr)) - k0
        y1 = int(round((r.y + r.h - (2 if r.collapsed else 5) - full_top) * dpr)) - k0
        bh = y1 - y0
        lo, hi = max(y0, 0), min(y1, h_dev)
        if bh <= 0 or hi <= lo:
            continue
        heights = _height_table(vmax, bh)
        h_all = bars_of.get(bh)
        if h_all is None:
            h_all = bars_of[bh] = heights[c2]
            if grid_cols is not None:
                h_all[:, grid_cols] = bh + 1  # the table's last column: the grid line
        h_int = h_all[j]
        if not r.collapsed:
            # rows above the tallest bar stay background: write only the rows bars reach (heights
            # grow with the count, so the tallest bar is the lane's largest count)
            lo = max(lo, y0 + bh - int(heights[lane_max[r.k]]) if h_int.size else hi)
            if hi <= lo:
                continue
        # one lookup per column: the whole bar pattern for each possible height
        bg = th.lane_alt if r.k % 2 else th.bg
        # gathered row by row from the transposed table: contiguous writes, twice as fast as a transpose
        table_t = _bar_table(scene, scene.lane_colour(r.k), bh, r.collapsed, bg, transposed=True,
                             grid=grid_rgb if grid_cols is not None else None)
        # mode="wrap": heights are always within the table, and the default mode ("raise") writes
        # through a temporary buffer to keep ``out`` intact on an error (a third slower)
        np.take(table_t[lo - y0:hi - y0], h_int, axis=1, out=img[lo:hi], mode="wrap")
        written.append((lo, hi))
    written.sort()
    # a stripe row: its colour, with the grid's columns when they are written here
    bg_row, alt_row = bg_rgb, alt_rgb
    if grid_cols is not None:
        bg_row, alt_row = np.full(w_dev, bg_rgb, np.uint32), np.full(w_dev, alt_rgb, np.uint32)
        bg_row[grid_cols] = alt_row[grid_cols] = grid_rgb
    stripes = [(int(round((r.y - full_top) * dpr)) - k0, int(round((r.y + r.h - full_top) * dpr)) - k0,
                alt_row if r.k % 2 else bg_row) for r in lay.rows]
    edge = 0  # rows above are done
    for a, b, col in stripes:
        if a > edge:  # between or above the lanes: background
            _fill_rows(img, edge, min(a, h_dev), bg_row, written)
        a, b = max(a, edge), min(b, h_dev)
        if b > a:
            _fill_rows(img, a, b, col, written)
        edge = max(edge, b)
    if edge < h_dev:
        _fill_rows(img, edge, h_dev, bg_row, written)
    qimg = QImage(img.data, w_dev, h_dev, w_dev * 4, QImage.Format.Format_RGB32)
    qimg.setDevicePixelRatio(dpr)
    p.drawImage(QPointF(plot.left(), top), qimg)
    del qimg
    return covered


def _day_columns(v0: float, v1: float, w_dev: int) -> tuple[float, np.ndarray, np.ndarray] | None:
    """When a day is wider than two device pixels (then dense lanes draw a bar per day): the first
    day's start, each pixel column's day (counted from it) and the one-pixel gaps between days
    (once days are wide enough to tell apart); else None (a bar per pixel column)."""
    spp = (v1 - v0) / w_dev
    if spp * 2 >= DAY:
        return None
    d0 = float(np.floor(v0 / DAY) * DAY)
    col_t = v0 + (np.arange(w_dev) + 0.5) * spp
    col_day = ((col_t - d0) // DAY).astype(np.intp)
    gap = np.zeros(w_dev, bool)
    if DAY / spp >= 5:
        gap[1:] = col_day[1:] != col_day[:-1]
    return d0, col_day, gap


def _fill_rows(img: np.ndarray, a: int, b: int, colour: int | np.ndarray, skip: list[tuple[int, int]]) -> None:
    """Fill rows ``[a, b)`` of ``img`` with ``colour`` (one pixel, or a whole row) except the (sorted,
    disjoint) ranges ``skip``."""
    for s0, s1 in skip:
        if s1 <= a:
            continue
        if s0 >= b:
            break
        if s0 > a:
            img[a:s0] = colour
        a = max(a, s1)
    if b > a:
        img[a:b] = colour


def _height_table(vmax: int, bh: int, _cache: dict = {}) -> np.ndarray:  # noqa: B006 (memo)
    """Bar height (0..bh, log scale) for every count 0..vmax: one lookup per lane instead of a log."""
    key = (vmax, bh)
    table = _cache.get(key)
    if table is None:
        if len(_cache) > 64:
            _cache.clear()
        table = np.clip(np.ceil(log_heights(np.arange(vmax + 1), vmax, bh)), 0, bh).astype(np.intp)
        _cache[key] = table
    return table


def _bar_table(scene: TimelineScene, col: QColor, bh: int, collapsed: bool, bg: QColor,
               transposed: bool = False, grid: int | None = None) -> np.ndarray:
    """(bh+1, bh) opaque pixels: row h is a bar of height h, bottom-aligned, over ``bg`` (cached).

    Opacity grows with the height so busy columns also read darker; a collapsed
    lane is a heat strip (full height, opacity only). ``transposed``: (bh, bh+1), row y and
    column h; with ``grid`` (a pixel) one more column of it, a grid line's pattern.
    """
    if transposed:
        key_t = ("bars_t", col.rgba(), bh, collapsed, bg.rgba(), grid)
        got = scene._marker_cache.get(key_t)
        if got is None:
            table_t = _bar_table(scene, col, bh, collapsed, bg).T
            if grid is not None:
                table_t = np.concatenate([table_t, np.full((bh, 1), grid, np.uint32)], axis=1)
            got = scene._marker_cache[key_t] = np.ascontiguousarray(table_t)
        return got
    key = ("bars", col.rgba(), bh, collapsed, bg.rgba())
    table = scene._marker_cache.get(key)
    if table is None:
        h = np.arange(bh + 1)
        if collapsed:
            alpha = np.where(h > 0, 55 + h / bh * 200, 0)
            table = np.repeat(_over(col, alpha, bg)[:, None], bh, axis=1)
        else:
            alpha = np.where(h > 0, 110 + h / bh * 145, 0)
            filled = np.arange(bh)[None, :] >= (bh - h)[:, None]
            table = np.where(filled, _over(col, alpha, bg)[:, None], _over(bg, np.array([255]), bg)[0])
            table = table.astype(np.uint32)
        scene._marker_cache[key] = table
    return table


def _premul(c: QColor) -> np.uint32:
    """``c`` as one premultiplied ARGB32 pixel."""
    a = c.alpha()
    r, g, b = (int(round(v * a / 255)) for v in (c.red(), c.green(), c.blue()))
    return np.uint32((a << 24) | (r << 16) | (g << 8) | b)


def _over(col: QColor, alpha: np.ndarray, bg: QColor) -> np.ndarray:
    """Opaque RGB32 pixels of ``col`` at ``alpha`` (0..255) composited over ``bg``."""
    a = np.clip(alpha, 0, 255).astype(np.uint32)
    ch = [(c * a + b * (255 - a)) // 255 for c, b in ((col.red(), bg.red()), (col.green(), bg.green()),
                                                     (col.blue(), bg.blue()))]
    return (np.uint32(0xFF000000) | (ch[0].astype(np.uint32) << 16) | (ch[1].astype(np.uint32) << 8)
            | ch[2].astype(np.uint32))




def _paint_sparse_lanes(p: QPainter, scene: TimelineScene, lay: Layout, frame: Frame, rows: list[LaneRow],
                        dpr: float) -> None:
    """Spans, markers, cluster badges and labels of every lane drawn as individual events.

    The numpy work runs once for all these lanes together: positions are offset by
    lane (``OFF`` per lane) so one sorted array serves clustering and label room
    for every lane at once; only the drawing calls loop per item.
    """
    if not rows:
        return
    data = scene.data
    v0, v1 = scene.v0, scene.v1
    plot = lay.plot
    sx = plot.width() / (v1 - v0)
    left, right = plot.left(), plot.right()
    pad = CLUSTER_D / sx
    win = scene.sparse_window([r.k for r in rows], v0, v1)
    # spans first, below the markers
    vis = (win.span_t0 < v1) & (win.span_t1 > v0)
    _paint_spans(p, scene, frame, rows, win.sps[vis], win.span_lane[vis], left, right, v0, sx, dpr)
    # points: clustered markers at the middle of their day
    i0, i1 = win.points_between(v0 - DAY / 2 - pad, v1 + pad)
    if scene.label_budget is not None:
        # the events a pan brings in next, nearest to either edge first, a fair share per lane: after
        # the right edge forwards, then before the left edge backwards, lane by lane
        k = max(LOOKAHEAD_ROWS // (2 * len(rows)), 4)
        after, before = np.minimum(win.ptr[1:] - i1, k), np.minimum(i0 - win.ptr[:-1], k)
        scene.look_ahead(win.pts[runs(np.stack([i1, i0 - 1], 1).ravel(), np.stack([after, before], 1).ravel(),
                                      np.tile([1, -1], len(rows)))])
    sizes = i1 - i0
    if not sizes.sum():
        return
    prow = win.pts[runs(i0, sizes)]
    lane_no = np.repeat(np.arange(len(rows)), sizes)
    x = left + (data.t0[prow] + DAY / 2 - v0) * sx
    xo = x + lane_no * OFF  # lanes never cluster or label into each other
    first, count = clusters(xo, CLUSTER_GAP, radius=(MARKER_D / 2 + 1, CLUSTER_D / 2 + 1))
    xc = np.add.reduceat(x, first) / count  # cluster centres
    c_lane = lane_no[first]
    cys = np.array([r.y + marker_row(r.h) for r in rows])
    c_cy = cys[c_lane]
    # hit-test geometry per lane
    c_bounds = np.searchsorted(c_lane, np.arange(len(rows) + 1))
    p_bounds = np.concatenate([[0], np.cumsum(sizes)])
    ext = np.stack([x[first], x[first + count - 1]], 1)
    for j, r in enumerate(rows):
        a, b = c_bounds[j], c_bounds[j + 1]
        if b > a:
            frame.markers[r.k] = (xc[a:b], first[a:b] - p_bounds[j], count[a:b], ext[a:b],
                                  prow[p_bounds[j]:p_bounds[j + 1]])
    if scene.label_budget is not None:
        # events inside clusters: a zoom step in splits them and labels some
        scene.look_ahead(prow[np.repeat(count > 1, count)][:LOOKAHEAD_ROWS])
    iss = data.issue[prow]
    # sprite key per cluster: its issue (or -2 when the cluster mixes issues) and its size
    mixed = np.minimum.reduceat(iss, first) != np.maximum.reduceat(iss, first)
    ckey = np.where(mixed, -2, iss[first])
    _blit_sprites(p, scene, xc, c_cy, ckey, count, dpr)
    # labels beside single markers, elided to stop before the next marker
    single = count == 1
    cand = np.flatnonzero(single)
    if cand.size:
        xco = xc + c_lane * OFF
        radius = np.where(single, MARKER_D / 2, CLUSTER_D / 2 + 2)  # badges of 100+ are 2 px wider
        obst, obst_end = xco - radius, xco + radius
        crow = prow[first[cand]]
        lane_off = c_lane[cand] * OFF
        rights, lefts = right + lane_off, left + lane_off
        # only slots with room for a label on either side fetch their title
        room = np.maximum(label_room(xco[cand], rights, obstacles=obst, obstacle_ends=obst_end),
                          label_room_left(xco[cand], lefts, obstacles=obst, obstacle_ends=obst_end))
        scene.ensure_titles(crow[room >= LABEL_MIN_W])
        tw = scene.title_widths(crow)
        # a label cut short on the right (next marker, plot edge) flips to the left of its marker
        chosen, starts, granted = place_labels_flip(xco[cand], tw, lefts, rights, obstacles=obst,
                                                    obstacle_ends=obst_end, min_width=LABEL_MIN_W)
        p.setFont(scene.font)
        p.setPen(scene.theme.text)
        _draw_labels(p, scene, frame, starts - lane_off[chosen], c_cy[cand[chosen]], crow[chosen], granted,
                     tw[chosen])
    _outline_rows(p, scene, prow, x, cys[lane_no], dpr)


def _blit_sprites(p: QPainter, scene: TimelineScene, xc: np.ndarray, cy: np.ndarray, ckey: np.ndarray,
                  count: np.ndarray, dpr: float) -> None:
    """Marker and badge sprites centred at ``(xc, cy)``: a few hundred a frame at a busy zoom level.

    The sprite of each distinct (issue, count) is looked up once; positions are computed in
    numpy, and the blits run as one ``map`` over prepared lists, so each marker costs only its
    call into Qt (a Python loop with a lookup and arithmetic per marker cost as much again).
    """
    if not xc.size:
        return
    keys = ckey.astype(np.int64) * (1 << 32) + count
    uniq, inv = np.unique(keys, return_inverse=True)
    sprites = scene.sprites(dpr)
    got = []
    for key in uniq.tolist():
        ck, n = key >> 32, key & 0xFFFFFFFF
        got.append(sprites.get((ck, n)) or scene.make_sprite(ck, n, dpr))
    half = np.array([g[1] for g in got])[inv]
    _blit(p, dpr, xc - half, cy - half, [got[j][0] for j in inv.tolist()])


def _draw_labels(p: QPainter, scene: TimelineScene, frame: Frame, x: np.ndarray, cy: float | np.ndarray,
                 rows: np.ndarray, widths: np.ndarray, full: np.ndarray | None = None,
                 colours: list[QColor] | None = None) -> None:
    """Draw titles starting at ``x`` centred on ``cy``, eliding those granted less than their width.

    Each title is rasterised once (per font and colour) into a cached image, then only
    blitted: panning redraws the same labels at new places and a blit is much cheaper than
    shaping text again. A shortened label blits the image up to the last character that
    fits, followed by an ellipsis image, so zooming never re-renders a title. Vector
    outputs (SVG) draw real text instead. ``colours`` (one per label) overrides the pen's
    colour, so labels of several colours take one call.
    """
    small = p.font().pixelSize() != FONT_PX
    fm = scene.fm_small if small else scene.fm
    tops = np.broadcast_to(np.asarray(cy, float) - fm.height() / 2, x.shape).tolist()
    full = scene.title_widths(rows, small) if full is None else full
    font = scene.small if small else scene.font
    cols = colours if colours is not None else [p.pen().color()] * len(tops)
    dpr = scene.label_dpr
    # the cache key's constant part, hoisted: this loop runs for every label on every paint
    cache, px, fh, boxes = scene._label_cache, font.pixelSize(), fm.height(), frame.label_boxes
    if dpr is None:
        for xi, top, row, w, fw, col in zip(x.tolist(), tops, rows.tolist(), widths.tolist(), full.tolist(), cols,
                                            strict=True):
            text = scene.title(row)
            if w + 0.5 < fw:
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, w)
            p.setPen(col)
            p.drawText(QPointF(xi, top + fm.ascent()), text)
            boxes.append((xi, top, w, fh, row))
        return
    ells: dict[int, QImage] = {}
    ell_w = scene.text_image("…", font, fm, cols[0], dpr).width() / dpr - 1 if cols else 0.0
    draw, get, point, cut_at = p.drawImage, cache.get, QPointF, scene.cut_at
    whole = _int_blits(p, dpr)
    if whole:  # whole pixels (as Qt would round them): no QPointF / QRectF per label
        xs, ts = _qround(x).tolist(), _qround(tops).tolist()
    else:
        xs, ts = x.tolist(), tops
    # one colour for all (marker labels) or one each (span titles): rgba read once per colour object
    rgbas = [cols[0].rgba()] * len(cols) if colours is None and cols else [c.rgba() for c in cols]
    # whole-pixel blits are gathered and issued by one map each: whole titles (and ellipses), cut titles
    bx: list[int] = []
    by: list[int] = []
    bimg: list[QImage] = []
    cx: list[int] = []
    cy_: list[int] = []
    cimg: list[QImage] = []
    cw: list[int] = []
    bx_add, by_add, bimg_add = bx.append, by.append, bimg.append
    cx_add, cy_add, cimg_add, cw_add = cx.append, cy_.append, cimg.append, cw.append
    box_add = boxes.append
    for xi, top, xr, tr, row, w, fw, col, rgba in zip(x.tolist(), tops, xs, ts, rows.tolist(), widths.tolist(),
                                                      full.tolist(), cols, rgbas, strict=True):
        img = get((row, px, rgba, dpr)) or scene.label_image(row, font, fm, col, dpr)
        if img is None:
            continue  # over this frame's budget: drawn once idle time has rendered it
        if w + 0.5 < fw:  # fw: the exact width in this font; elide
            cut = cut_at(row, small, w - ell_w)
            if cut < 12:
                continue
            ell = ells.get(rgba)
            if ell is None:
                ell = ells[rgba] = scene.text_image("…", font, fm, col, dpr)
            if whole:
                cx_add(xr)
                cy_add(tr)
                cimg_add(img)
                cw_add(floor(cut + 0.5))
                bx_add(floor(xi + cut + 0.5))
                by_add(tr)
                bimg_add(ell)
            else:
                draw(point(xi, top), img, QRectF(0, 0, cut * dpr, img.height()))
                draw(point(xi + cut, top), ell)
        elif whole:
            bx_add(xr)
            by_add(tr)
            bimg_add(img)
        else:
            draw(point(xi, top), img)
        box_add((xi, top, w, fh, row))
    if whole:
        deque(map(draw, bx, by, bimg), maxlen=0)
        deque(map(draw, cx, cy_, cimg, repeat(0), repeat(0), cw, repeat(-1)), maxlen=0)


def _paint_spans(p: QPainter, scene: TimelineScene, frame: Frame, rows: list[LaneRow], srows: np.ndarray,
                 lane_no: np.ndarray, left: float, right: float, v0: float, sx: float, dpr: float) -> None:
    """Span bars of all sparse lanes at once: translucent bars with a dashed edge over their whole
    (uncertain) extent, packed into tracks below the marker row, each a text line high, with the
    title inside the bar when it fits, else beside it when there is more room there (else the
    tooltip). Lanes squeezed below a readable height (a crowded export) keep thin plain strips.
    ``srows``: the spans' rows, ``lane_no``: the index in ``rows`` of each one's lane."""
    if not srows.size:
        return
    data = scene.data
    x0 = left + (data.t0[srows] - v0) * sx
    x1 = left + (data.t1[srows] - v0) * sx
    a = np.maximum(x0, left - 4)
    b = np.maximum(np.minimum(x1, right + 4), a + 2.0)
    # by lane, then start; longest first among equal starts, so bars covering the whole view fill
    # the tracks at once and the rest of that lane is skipped
    o = np.lexsort((-b, a, lane_no))
    srows, x0, x1, a, b, lane_no = srows[o], x0[o], x1[o], a[o], b[o], lane_no[o]
    full = np.array([r.h >= LANE_H - 4 for r in rows])
    zones = [span_zone(r) for r in rows]
    ztop = np.array([z[0] for z in zones])
    zh = np.array([z[1] for z in zones])
    # a full lane has as many tracks as text lines fit in its span zone (one in a 40 px lane)
    min_pitch = scene.fm_small.height() + 3
    cap = np.where(full, np.clip(zh // min_pitch, 1, MAX_SPAN_TRACKS), MAX_SPAN_TRACKS).astype(np.int64)
    track, overflow = pack_tracks(a, b, cap[lane_no], full_at=right + 4, group=lane_no)
    n_tr = np.ones(len(rows), np.int64)
    np.maximum.at(n_tr, lane_no, track + 1)
    # full lanes: a fixed pitch (bars keep their height as other spans come and go); squeezed: share
    pitch_lane = np.where(full, np.minimum(zh / cap, SPAN_PITCH), zh / n_tr)
    gap_lane = np.where(full, 2.0, np.where(n_tr > 1, 1.0, 0.0))
    pitch = pitch_lane[lane_no]
    bar_h = pitch - gap_lane[lane_no]
    y = ztop[lane_no] + np.maximum(track, 0) * pitch
    shown = track >= 0
    lb = np.searchsorted(lane_no, np.arange(len(rows) + 1))
    y_hit = np.where(shown, y, np.nan)
    for j, r in enumerate(rows):
        if lb[j + 1] > lb[j]:
            sl = slice(lb[j], lb[j + 1])
            frame.spans[r.k] = (srows[sl], x0[sl], x1[sl])
            frame.span_y[r.k] = (y_hit[sl], y_hit[sl] + bar_h[sl])
    iss = data.issue[srows]
    own = ~overflow
    fl = full[lane_no]
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    # translucent with a dashed edge: less certain than a day's solid dot. One blit of a cached bar
    # image per bar (plus its right end), at whole pixels so edges land crisp; the dash pattern
    # starts at the bar's true start and so moves with it when panning. One pass over the bars
    # (few per lane), not one numpy pass per issue colour
    one = np.flatnonzero(own & fl)
    if one.size:
        on_off = SPAN_DASH[0] + SPAN_DASH[1]
        ra, rb = np.round(a[one]), np.round(b[one])
        # a bar starting before the plot skips its left end (column 0) and keeps its dash phase
        src0 = np.where(x0[one] >= left - 1, 0.0, 1 + np.mod(ra - x0[one], on_off))
        length = right - left + 16
        draw, whole = p.drawImage, _int_blits(p, dpr)
        for ai, bi, yi, hi, sx0, s1, c in zip(ra.tolist(), rb.tolist(), np.round(y[one]).tolist(),
                                              np.round(bar_h[one]).astype(int).tolist(), src0.tolist(),
                                              (x1[one] <= right + 1).tolist(), iss[one].tolist(), strict=True):
            body = scene.span_body(c, dpr, hi, length)
            if whole:  # the same pixels as the QPointF/QRectF call rounds them to, without building them
                ix, iy = int(ai), int(yi)
                draw(ix, iy, body, floor(sx0 + 0.5), 0, int(bi) - ix, -1)
                if s1:
                    draw(int(bi) - 1, iy, scene.span_edges(c, dpr, 0.0)[1], 0, 0, -1, hi)
                continue
            draw(QPointF(ai, yi), body, QRectF(sx0 * dpr, 0, (bi - ai) * dpr, body.height()))
            if s1:
                vs = scene.span_edges(c, dpr, 0.0)[1]
                draw(QPointF(bi - 1, yi), vs, QRectF(0, 0, vs.width(), hi * dpr))
    thin = np.flatnonzero(own & ~fl)
    for ai, bi, yi, hi, c in zip(a[thin].tolist(), b[thin].tolist(), y[thin].tolist(), bar_h[thin].tolist(),
                                 iss[thin].tolist(), strict=True):
        p.fillRect(QRectF(ai, yi, bi - ai, hi), scene.span_style(c)[0])
    # bars that found no free track: their union, once per lane and track, fill only
    spill = np.flatnonzero(overflow & shown)
    if spill.size:
        key = lane_no[spill] * (MAX_SPAN_TRACKS + 1) + track[spill]
        ua, ub = union_intervals(a[spill] + key * OFF, b[spill] + key * OFF)
        ukey = np.floor((ua + OFF / 2) / OFF).astype(np.int64)
        first_of = {int(k): int(i) for k, i in zip(key.tolist(), spill.tolist(), strict=True)}
        for u0, u1, k in zip(ua.tolist(), ub.tolist(), ukey.tolist(), strict=True):
            i = first_of[k]
            p.fillRect(QRectF(u0 - k * OFF, y[i], u1 - u0, bar_h[i]), scene.span_style(int(iss[i]))[0])
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _outline_spans(p, scene, srows, a, b, y, bar_h, shown)
    _span_labels(p, scene, frame, srows, x0, x1, a, y, bar_h, track, lane_no, own & fl, iss, left, right)


def _span_labels(p: QPainter, scene: TimelineScene, frame: Frame, srows: np.ndarray, x0: np.ndarray,
                 x1: np.ndarray, a: np.ndarray, y: np.ndarray, bar_h: np.ndarray, track: np.ndarray,
                 lane_no: np.ndarray, can: np.ndarray, iss: np.ndarray, left: float, right: float) -> None:
    """Titles of span bars: inside the bar when the whole title fits, else beside the bar's end when
    the track leaves more room there, else inside, elided. Labels stay in their bar's track row,
    between the bar and the next bar of that track, so they never overlap each other."""
    fs = scene.fm_small
    can = can & (bar_h >= fs.height())
    if not can.any():
        return
    lx = np.maximum(x0, left)
    inner = np.minimum(x1, right) - lx - 8
    # the next bar in the same lane and track (drawn or spilled) bounds a title written after a bar
    shown = track >= 0
    key = np.where(shown, lane_no * (MAX_SPAN_TRACKS + 1) + track, -1)
    ko = np.lexsort((a, key))
    nxt = np.full(a.size, np.inf)
    same = key[ko][1:] == key[ko][:-1]
    nxt[ko[:-1][same]] = a[ko][1:][same]
    beside = np.minimum(nxt - 8, right) - (x1 + 6)
    beside = np.where(x1 + 6 >= left, beside, -1.0)
    cand = can & ((inner >= LABEL_MIN_W) | (beside >= LABEL_MIN_W))
    if not cand.any():
        return
    scene.ensure_titles(srows[cand])
    tw = scene.title_widths(srows, small=True)
    inside_full = tw <= inner
    use_beside = ~inside_full & (beside > inner)
    w = np.where(inside_full, tw, np.minimum(tw, np.where(use_beside, beside, inner)))
    start = np.where(use_beside, x1 + 6, lx + 4)
    pick_all = np.flatnonzero(cand & (w >= LABEL_MIN_W))
    if not pick_all.size:
        return
    p.setFont(scene.small)
    # each in its issue's hue, all in one call
    colours = [scene.span_text_colour(c) for c in iss[pick_all].tolist()]
    _draw_labels(p, scene, frame, start[pick_all], y[pick_all] + bar_h[pick_all] / 2, srows[pick_all],
                 w[pick_all], colours=colours)


def _outline_spans(p: QPainter, scene: TimelineScene, srows: np.ndarray, a: np.ndarray, b: np.ndarray,
                   y: np.ndarray, h: float | np.ndarray, shown: np.ndarray) -> None:
    """Highlight halo and selection outline around span bars, like around markers."""
    hh = np.broadcast_to(np.asarray(h, float), a.shape)
    th = scene.theme
    hl, sel, _either = scene.marks()
    for mask, pen in ((hl, QPen(th.highlight, 3)), (sel, QPen(th.select, 1.5))):
        if mask is None:
            continue
        hit = np.flatnonzero(mask[srows] & shown)
        if not hit.size:
            continue
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for i in hit.tolist():
            p.drawRoundedRect(QRectF(a[i] - 1, y[i] - 1, b[i] - a[i] + 2, hh[i] + 2), 3, 3)


def marker_row(h: float) -> float:
    """Marker centre below the lane top: fixed in full lanes, proportional in squeezed (export) lanes."""
    return MARKER_ROW if h >= LANE_H - 4 else h * 0.4


def span_zone(r: LaneRow) -> tuple[float, float]:
    """Top and height of the span tracks of a lane (a thin strip at the bottom of squeezed lanes)."""
    if r.h >= LANE_H - 4:
        return r.y + SPAN_TOP, r.h - SPAN_TOP - 3
    return r.y + r.h * 0.72, max(r.h * 0.22, 3.0)


def _outline_rows(p: QPainter, scene: TimelineScene, prow: np.ndarray, x: np.ndarray,
                  cy: float | np.ndarray, dpr: float) -> None:
    """Rings around highlighted and selected markers among ``prow`` at ``x`` (and ``cy``, per row or one)."""
    cya = np.broadcast_to(np.asarray(cy, float), x.shape)
    th = scene.theme
    hl, sel, _either = scene.marks()
    for mask, colour, width, rad in ((hl, th.highlight, 4.0, MARKER_D / 2 + 3),
                                     (sel, th.select, 2.0, MARKER_D / 2 + 2.5)):
        if mask is None:
            continue
        hit = mask[prow]
        if not hit.any():
            continue
        img, half = scene.ring_sprite(colour, rad, width, dpr)
        _blit(p, dpr, x[hit] - half, cya[hit] - half, img)


def _blit(p: QPainter, dpr: float, xs: np.ndarray, ys: np.ndarray, img: QImage | Iterable[QImage]) -> None:
    """``img`` (or one image each) with its top-left corner at each (xs, ys): whole-pixel blits through
    one ``map`` when the painter allows, the same pixels as QPointF blits (Qt rounds those the same way)."""
    images = repeat(img) if isinstance(img, QImage) else img
    if _int_blits(p, dpr):
        deque(map(p.drawImage, _qround(xs).tolist(), _qround(ys).tolist(), images), maxlen=0)
    else:
        deque(map(p.drawImage, map(QPointF, xs.tolist(), ys.tolist()), images), maxlen=0)


def _paint_marked(p: QPainter, scene: TimelineScene, lay: Layout, frame: Frame, rows: list[LaneRow],
                  dpr: float) -> None:
    """Selected or highlighted events stay visible inside dense lanes: as outlined markers while they
    are few enough to tell apart, else as a band over every pixel column holding one (in the lane's
    bottom margin for highlighted events, its top margin for selected ones), like the bars they sit on."""
    hl, sel, either = scene.marks()
    if either is None or not rows:
        return
    plot = lay.plot
    left, width_px = plot.left(), plot.width()
    sx = width_px / (scene.v1 - scene.v0)
    pad = (MARKER_D + 4) / sx
    th = scene.theme
    w_dev = max(int(round(width_px * dpr)), 1)
    spp = (scene.v1 - scene.v0) / w_dev
    days = _day_columns(scene.v0, scene.v1, w_dev)  # bars a day wide, or None: a bar per pixel column
    for r in rows:
        marked, at, starts = scene.marked_in_lane(r.k)
        # only the marked members in view (by the time they are drawn at)
        i, j = np.searchsorted(at, (scene.v0 - pad, scene.v1 + pad))
        if j <= i:
            continue
        hit, x = marked[i:j], left + (at[i:j] - scene.v0) * sx
        if not should_aggregate(hit.size, width_px):
            cy = r.y + r.h / 2
            half = (MARKER_D + 4) / 2
            keys = scene.data.issue[hit]
            for key in np.unique(keys).tolist():
                one = keys == key
                _blit(p, dpr, x[one] - half, np.full(int(one.sum()), cy - half),
                      scene.marker_pixmap(_issue_colour(scene, key), MARKER_D, dpr))
            _outline_rows(p, scene, hit, x, cy, dpr)
            continue
        # the bars leave 5 px above and below them (2 in a collapsed lane): the bands sit there
        band_h, y_hl, y_sel = (2.0, r.y + r.h - 2, r.y) if r.collapsed else (3.0, r.y + r.h - 4, r.y + 1)
        for mask, colour, y in ((hl, th.highlight, y_hl), (sel, th.select, y_sel)):
            if mask is not None:
                on = mask[hit]
                if on.any():
                    _column_band(p, starts[i:j][on], scene.v0, spp, w_dev, days, left, dpr, y, band_h, colour)


def _column_band(p: QPainter, t: np.ndarray, v0: float, spp: float, w_dev: int,
                 days: tuple[float, np.ndarray, np.ndarray] | None, left: float, dpr: float, y: float, h: float,
                 colour: QColor) -> None:
    """``colour`` over ``[y, y + h)`` under the bars that count the events starting at ``t``: the
    pixel columns they fall in (bucketed as :func:`_paint_density` does), or, when the bars are a
    day wide (``days``: :func:`_day_columns`), the whole bar of their day. One image (a rectangle a
    run of columns took thousands of calls for a scattered sixth of the events)."""
    if days is not None:
        d0, col_day, gap = days
        on = np.isin(col_day, np.unique(((t - d0) // DAY).astype(np.intp))) & ~gap
    else:
        cols = np.floor((t + DAY / 2 - v0) / spp).astype(np.int64)
        on = np.zeros(w_dev, bool)
        on[cols[(cols >= 0) & (cols < w_dev)]] = True
    if not on.any():
        return
    h_dev = max(int(round(h * dpr)), 1)
    row = np.where(on, _premul(colour), np.uint32(0)).astype(np.uint32)
    band = np.ascontiguousarray(np.broadcast_to(row, (h_dev, w_dev)))
    img = QImage(band.data, w_dev, h_dev, w_dev * 4, QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(dpr)
    p.drawImage(QPointF(left, y), img)


def _issue_colour(scene: TimelineScene, iss: int) -> QColor:
    return scene.colours[iss] if 0 <= iss < len(scene.colours) else scene.theme.neutral


def _badge_text(c: QColor) -> QColor:
    lum = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return QColor("#111111") if lum > 150 else QColor("#FFFFFF")


def _paint_header(p: QPainter, scene: TimelineScene, lay: Layout, dpr: float = 1.0) -> None:
    """Lane names and counts; they do not depend on the time window, so they are cached as a pixmap."""
    hdr = lay.header
    key = (id(scene.lanes), len(scene.lanes), tuple((r.k, r.y, r.h, r.collapsed) for r in lay.rows),
           hdr.height(), dpr, len(scene.colours), tuple(c.rgba() for c in scene.colours[:64]), scene.theme.name)
    cached = scene._header_cache
    if cached is None or cached[0] != key:
        pm = QImage(int(np.ceil(hdr.width() * dpr)), int(np.ceil((hdr.bottom()) * dpr)),
                    QImage.Format.Format_ARGB32_Premultiplied)
        pm.setDevicePixelRatio(dpr)
        pm.fill(scene.theme.bg.rgba())
        hp = QPainter(pm)
        hp.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        _paint_header_into(hp, scene, lay)
        hp.end()
        if scene.theme.bg.alpha() == 255:
            # opaque: as RGB32 each frame copies it instead of blending it pixel by pixel
            pm = pm.convertToFormat(QImage.Format.Format_RGB32)
        cached = scene._header_cache = (key, pm)
    if _int_blits(p, dpr) and hdr.top().is_integer() and hdr.height().is_integer():
        # whole pixels: the integer call copies rows straight, without mapping two rectangles
        p.drawImage(0, int(hdr.top()), cached[1], 0, int(hdr.top()), cached[1].width(), int(hdr.height()))
    else:
        p.drawImage(QRectF(0, hdr.top(), hdr.width(), hdr.height()), cached[1],
                    QRectF(0, hdr.top() * dpr, hdr.width() * dpr, hdr.height() * dpr))
    _vlines(p, np.array([hdr.right() - 0.5]), hdr.top(), hdr.bottom(), scene.theme.grid, dpr)


def _paint_header_into(p: QPainter, scene: TimelineScene, lay: Layout) -> None:
    hdr = lay.header
    th = scene.theme
    for r in lay.rows:
        if r.k % 2:
            p.fillRect(QRectF(0, r.y, hdr.width(), r.h), th.lane_alt)
    p.save()
    p.setClipRect(hdr)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for r in lay.rows:
        col = scene.lane_colour(r.k)
        p.fillRect(QRectF(0, r.y + 1, 3, r.h - 2), col)
        # collapse triangle
        compact = r.collapsed or r.h < LANE_H - 4
        tx, ty = 10.0, r.y + (r.h / 2 if compact else 12)
        tri = QPolygonF([QPointF(tx, ty - 4), QPointF(tx + 6, ty), QPointF(tx, ty + 4)]) if r.collapsed \
            else QPolygonF([QPointF(tx - 1, ty - 3), QPointF(tx + 7, ty - 3), QPointF(tx + 3, ty + 2)])
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(th.muted)
        p.drawPolygon(tri)
        label = scene.lane_label(r.k)
        n = int(scene.lanes.counts[r.k])
        if r.collapsed or r.h < LANE_H - 4:
            p.setFont(scene.small)
            p.setPen(th.text)
            text = scene.fm_small.elidedText(f"{label}  ({n:,})", Qt.TextElideMode.ElideRight, hdr.width() - 30)
            p.drawText(QRectF(22, r.y, hdr.width() - 28, r.h), Qt.AlignmentFlag.AlignVCenter, text)
        else:
            p.setFont(scene.font)
            p.setPen(th.text)
            text = scene.fm.elidedText(label, Qt.TextElideMode.ElideRight, hdr.width() - 30)
            p.drawText(QRectF(22, r.y + 3, hdr.width() - 28, 16), Qt.AlignmentFlag.AlignVCenter, text)
            p.setFont(scene.small)
            p.setPen(th.muted)
            p.drawText(QRectF(22, r.y + 18, hdr.width() - 28, 14), Qt.AlignmentFlag.AlignVCenter,
                       f"{n:,} event{'s' if n != 1 else ''}")
    p.restore()


def _paint_axis(p: QPainter, scene: TimelineScene, lay: Layout, ticks: AxisTicks, dpr: float = 1.0) -> None:
    ax = lay.axis
    v0, v1 = scene.v0, scene.v1
    sx = ax.width() / (v1 - v0)
    th = scene.theme
    top = ax.top()
    minor = ax.left() + (np.asarray(ticks.minor) - v0) * sx
    major = ax.left() + (np.array([t for t, _l in ticks.major]) - v0) * sx
    context = ax.left() + (np.array([t for t, _l in ticks.context if t > v0]) - v0) * sx
    strip = FAST_RASTER and scene.label_dpr is not None and float(top * dpr).is_integer()
    if strip:
        # raster output: background, axis line and every tick written into one small opaque buffer
        # and copied in one call (a fill per tick cost more than the whole strip)
        _axis_strip(p, lay, dpr, th, minor, major, context)
    else:  # vector output (SVG) keeps real lines
        p.fillRect(QRectF(0, ax.top(), lay.width, ax.height()), th.bg)
        p.setPen(QPen(th.axis, 1))
        p.drawLine(QPointF(ax.left(), ax.top() + 0.5), QPointF(ax.right(), ax.top() + 0.5))
        _vlines(p, minor, top, top + 5, th.minor_tick, dpr)
    p.setFont(scene.font)
    fm = scene.fm
    p.save()
    p.setClipRect(QRectF(ax.left(), ax.top(), ax.width(), ax.height()))
    if not strip:
        _vlines(p, major, top, top + 9, th.axis, dpr)
        _vlines(p, context, top, top + 23, th.axis, dpr)
    p.setPen(th.text)
    fmb = QFontMetricsF(scene.bold)
    whole = _int_blits(p, dpr)
    for row, font, metrics, dy in ((ticks.major, scene.font, fm, 6), (ticks.context, scene.bold, fmb, 22)):
        p.setFont(font)
        for t, label in row:
            x = max(ax.left() + (t - v0) * sx, ax.left()) + 4
            if scene.label_dpr is None:
                p.drawText(QPointF(x, ax.top() + dy + metrics.ascent()), label)
                continue
            # tick labels repeat ("Jun", "12", "2025"): rendered once, then blitted
            img = scene.text_image(label, font, metrics, th.text, scene.label_dpr)
            if whole:
                p.drawImage(floor(x + 0.5), floor(ax.top() + dy + 0.5), img)
            else:
                p.drawImage(QPointF(x, ax.top() + dy), img)
    p.restore()
    # what one pixel means, for the person reading an export
    n_vis = scene.lanes.n_events()
    lines = (range_label(v0, v1), f"{n_vis:,} event{'s' if n_vis != 1 else ''}")
    if scene.label_dpr is None:
        p.setFont(scene.small)
        p.setPen(th.muted)
        for dy, text in zip((4, 20), lines, strict=True):
            p.drawText(QRectF(8, ax.top() + dy, HEADER_W - 16, 16), Qt.AlignmentFlag.AlignLeft, text)
    else:  # blitted like the tick labels (shaping text on every frame costs more than the blit)
        for dy, text in zip((4, 20), lines, strict=True):
            p.drawImage(QPointF(8, ax.top() + dy), scene.text_image(text, scene.small, scene.fm_small, th.muted,
                                                                    scene.label_dpr))


def _tick_columns(x: np.ndarray, dpr: float) -> np.ndarray:
    """Device columns a one-logical-pixel line at ``x`` covers (as :func:`_vlines` fills them)."""
    w = max(round(dpr), 1)
    c0 = _line_start(x, dpr).astype(np.int64)
    return (c0[:, None] + np.arange(w)[None, :]).ravel()


def _line_start(x: np.ndarray, dpr: float) -> np.ndarray:
    """First device column of a one-logical-pixel line at ``x`` (where a 1 px pen would draw it): one
    formula for the filled lines and the lines written into numpy buffers, which must land alike."""
    return np.floor(np.asarray(x, float) * dpr - (dpr - 1) / 2)


def _axis_strip(p: QPainter, lay: Layout, dpr: float, th: Theme, minor: np.ndarray, major: np.ndarray,
                context: np.ndarray) -> None:
    """The axis band's background, top line and tick marks as one opaque image, drawn in one blit.

    Same pixels as filling the band, drawing the line and filling each tick: minor ticks 5 px,
    major 9 px and context (month/year) ticks 23 px long, the latter two clipped to the axis.
    """
    ax = lay.axis
    w_dev, h_dev = max(int(round(lay.width * dpr)), 1), max(int(round(ax.height() * dpr)), 1)
    buf = np.empty((h_dev, w_dev), np.uint32)
    buf[:] = (th.bg.rgb() & 0xFFFFFF) | 0xFF000000
    a_left, a_right = int(np.floor(ax.left() * dpr)), int(np.ceil(ax.right() * dpr))
    # the 1 px line along the top edge, with the pen's square caps (half its width past each end)
    l0, l1 = floor((ax.left() - 0.5) * dpr + 0.5), floor((ax.right() + 0.5) * dpr + 0.5)
    buf[:max(round(dpr), 1), max(l0, 0):l1] = (th.axis.rgb() & 0xFFFFFF) | 0xFF000000
    for xs, length, colour, lo, hi in ((minor, 5, th.minor_tick, 0, w_dev),
                                       (major, 9, th.axis, a_left, a_right),
                                       (context, 23, th.axis, a_left, a_right)):
        cols = _tick_columns(xs, dpr) if np.size(xs) else np.zeros(0, np.int64)
        cols = cols[(cols >= max(lo, 0)) & (cols < min(hi, w_dev))]
        if cols.size:
            buf[:floor(length * dpr + 0.5), cols] = (colour.rgb() & 0xFFFFFF) | 0xFF000000
    img = QImage(buf.data, w_dev, h_dev, w_dev * 4, QImage.Format.Format_RGB32)
    img.setDevicePixelRatio(dpr)
    p.drawImage(QPointF(0, ax.top()), img)
    del img


def range_label(v0: float, v1: float) -> str:
    """The window as days, e.g. "31 Mar – 4 Jul 2025" (year shown once when shared)."""
    a = datetime(1970, 1, 1) + timedelta(seconds=float(v0))
    b = datetime(1970, 1, 1) + timedelta(seconds=float(v1))
    if v1 - v0 < 2 * DAY:
        if a.date() == b.date():
            return f"{a.day} {a:%b %Y}, {a:%H:%M}–{b:%H:%M}"
        return f"{a.day} {a:%b %H:%M} – {b.day} {b:%b %H:%M}"
    if a.year == b.year:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a:%b %Y} – {b:%b %Y}"


def _paint_overview(p: QPainter, scene: TimelineScene, lay: Layout, dpr: float) -> None:
    ov = lay.overview
    lo, hi = overview_range(scene)
    th = scene.theme
    key = (int(ov.width() * dpr), int(ov.height() * dpr), lo, hi, id(scene.lanes), len(scene.data), th.name)
    if scene._overview_cache is None or scene._overview_cache[0] != key:
        scene._overview_cache = (key, _overview_image(scene, ov, lo, hi, dpr))
    p.fillRect(ov, th.overview_bg)
    p.drawImage(ov.topLeft(), scene._overview_cache[1])
    sx = ov.width() / (hi - lo)
    a = ov.left() + (scene.v0 - lo) * sx
    b = ov.left() + (scene.v1 - lo) * sx
    a, b = max(a, ov.left()), min(b, ov.right())
    if b - a < 4:
        m = (a + b) / 2
        a, b = m - 2, m + 2
    shade = QColor(th.bg)  # outside the window: veiled in the background colour
    shade.setAlpha(150)
    p.fillRect(QRectF(ov.left(), ov.top(), max(a - ov.left(), 0), ov.height()), shade)
    p.fillRect(QRectF(b, ov.top(), max(ov.right() - b, 0), ov.height()), shade)
    # the window: a tint and a 2 px frame of plain fills (an antialiased rounded outline cost a
    # millisecond per frame)
    a, b = np.floor(a), np.ceil(b)
    edge = th.window
    tint = QColor(edge)
    tint.setAlpha(28)
    p.fillRect(QRectF(a, ov.top(), b - a, ov.height()), tint)
    p.fillRect(QRectF(a, ov.top(), b - a, 2), edge)
    p.fillRect(QRectF(a, ov.bottom() - 2, b - a, 2), edge)
    p.fillRect(QRectF(a, ov.top(), 2, ov.height()), edge)
    p.fillRect(QRectF(b - 2, ov.top(), 2, ov.height()), edge)
    if scene.label_dpr is None:
        p.setFont(scene.small)
        p.setPen(th.muted)
        p.drawText(QRectF(8, ov.top(), HEADER_W - 16, ov.height()), Qt.AlignmentFlag.AlignVCenter, "Overview")
    else:  # the same words every frame: rendered once
        img = scene.text_image("Overview", scene.small, scene.fm_small, th.muted, scene.label_dpr)
        p.drawImage(QPointF(8, ov.center().y() - scene.fm_small.height() / 2), img)


def overview_range(scene: TimelineScene) -> tuple[float, float]:
    lo, hi = scene.data.time_range()
    pad = max((hi - lo) * 0.02, DAY)
    return lo - pad, hi + pad


def _overview_image(scene: TimelineScene, ov: QRectF, lo: float, hi: float, dpr: float) -> QImage:
    """Density of all events over the whole range, as an area chart (built once per size)."""
    w = max(int(ov.width() * dpr), 1)
    h = max(int(ov.height() * dpr), 1)
    edges = lo + (hi - lo) * np.arange(w + 1) / w
    t = scene.data.t0
    counts = np.diff(np.searchsorted(t, edges))
    hts = log_heights(counts, float(counts.max()) if counts.size else 0, h - 2 * dpr)
    # a column is one pixel of a long range: widen every bar to its neighbours (a running maximum)
    # so a lone event stays a visible mark, not a hairline lost under the window frame
    r = max(int(round(dpr)), 1)
    padded = np.pad(hts, r)
    hts = np.max([padded[i:i + hts.size] for i in range(2 * r + 1)], axis=0)
    rows = np.arange(h)[:, None]
    mask = rows >= (h - hts)[None, :]
    # opaque (composited over the strip's background): drawing it each paint is a plain copy
    bg = scene.theme.overview_bg
    bar = _over(scene.theme.overview_bar, np.array([200]), bg)[0]
    img = np.where(mask, bar, _over(bg, np.array([255]), bg)[0]).astype(np.uint32)
    q = QImage(img.data, w, h, w * 4, QImage.Format.Format_RGB32).copy()
    q.setDevicePixelRatio(dpr)
    return q


def _paint_legend(p: QPainter, scene: TimelineScene, lay: Layout) -> None:
    lg = lay.legend
    th = scene.theme
    p.fillRect(lg, th.legend_bg)
    p.setPen(QPen(th.grid, 1))
    p.drawLine(QPointF(0, lg.top() + 0.5), QPointF(lay.width, lg.top() + 0.5))
    p.setFont(scene.font)
    x, y = 12.0, lg.top() + 6
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    right = lay.width - 262 if lay.width > 450 else lay.width - 12
    for col, label in scene.legend_items():
        w = 14 + 6 + scene.fm.horizontalAdvance(label) + 18
        if x + w > right and x > 12:
            x, y = 12.0, y + LEGEND_ROW_H
        p.setPen(QPen(th.bg, 1))
        p.setBrush(col)
        p.drawEllipse(QPointF(x + 6, y + LEGEND_ROW_H / 2 - 2), 5.5, 5.5)
        p.setPen(th.text)
        p.drawText(QRectF(x + 18, y, w, LEGEND_ROW_H - 4), Qt.AlignmentFlag.AlignVCenter, label)
        x += w
    # how precision is drawn: a dot is a day, a dashed translucent bar a month/quarter/year span
    key_w = 250.0
    if lay.width > key_w + 200:
        kx, ky = lay.width - key_w, lg.top() + 6
        p.setPen(QPen(th.bg, 1))
        p.setBrush(th.neutral)
        p.drawEllipse(QPointF(kx + 6, ky + LEGEND_ROW_H / 2 - 2), 4.5, 4.5)
        p.setPen(th.muted)
        p.drawText(QRectF(kx + 16, ky, 40, LEGEND_ROW_H - 4), Qt.AlignmentFlag.AlignVCenter, "day")
        fill = QColor(th.neutral)
        fill.setAlpha(70)
        edge = QColor(th.neutral)
        edge.setAlpha(200)
        if scene.label_dpr is None:  # vector output: a real dashed outline
            p.setPen(QPen(edge, 1.0, Qt.PenStyle.DashLine))
            p.setBrush(fill)
            p.drawRoundedRect(QRectF(kx + 56, ky + LEGEND_ROW_H / 2 - 8, 34, 12), 2.5, 2.5)
        else:  # the very bar image the lanes use
            body = scene.span_body(-1, scene.label_dpr, 12, 34)
            dpr = scene.label_dpr
            p.drawImage(QPointF(kx + 56, ky + LEGEND_ROW_H / 2 - 8), body, QRectF(0, 0, 34 * dpr, body.height()))
            vs = scene.span_edges(-1, dpr, 0.0)[1]
            p.drawImage(QPointF(kx + 89, ky + LEGEND_ROW_H / 2 - 8), vs, QRectF(0, 0, vs.width(), 12 * dpr))
        p.setPen(th.muted)
        p.drawText(QRectF(kx + 96, ky, key_w - 100, LEGEND_ROW_H - 4), Qt.AlignmentFlag.AlignVCenter,
                   "month / quarter / year")
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _paint_scroll_hint(p: QPainter, scene: TimelineScene, lay: Layout) -> None:
    """A thin scroll indicator at the right of the lanes (the widget adds a real scrollbar)."""
    plot = lay.plot
    frac = plot.height() / lay.content_h
    h = max(plot.height() * frac, 16)
    top = plot.top() + (plot.height() - h) * (scene.scroll_y / max(lay.content_h - plot.height(), 1))
    if scene.label_dpr is None:  # vector output
        p.fillRect(QRectF(plot.right() - 4, top, 3, h), scene.theme.scroll_hint)
        return
    # a translucent fill this tall is blended span by span (in Qt's fill threads); an image blit is
    # one rectangle
    dpr = scene.label_dpr
    h_dev = max(int(round(h * dpr)), 1)
    key = ("scroll_hint", h_dev, dpr, scene.theme.name)
    img = scene._marker_cache.get(key)
    if img is None:
        img = QImage(max(int(round(3 * dpr)), 1), h_dev, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(scene.theme.scroll_hint)
        img.setDevicePixelRatio(dpr)
        scene._marker_cache[key] = img
    p.drawImage(QPointF(plot.right() - 4, top), img)
