"""The timeline view: a QWidget around :mod:`viewer.ui.timeline_paint`.

No QGraphicsItem per event: the widget keeps a :class:`TimelineScene` (numpy
arrays plus a few caches) and paints it with the same routine the exporter
uses. Interaction changes the scene's visible window or vertical scroll and
asks for a repaint; hit tests use the :class:`Frame` the last paint returned.

Mouse and keys: wheel zooms around the cursor (Shift+wheel, or the wheel over the
lane names, scrolls lanes; a horizontal trackpad swipe pans), pinch zooms, drag
pans, +/- zoom, Ctrl+0 fits, arrows pan (left/right) and scroll lanes (up/down),
Enter activates the selected event, Escape clears the selection. Clicking an
event selects it (Ctrl adds), a cluster or a dense bucket zooms into it, a lane
name collapses or expands the lane, the overview strip moves the window.
"""

from __future__ import annotations

import gc
import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QToolTip, QWidget

from viewer.core.timeline_data import DAY, LANE_MODES, LaneIndex, TimelineData, clamp_range, x_to_time
from viewer.ui.timeline_paint import (
    TITLE_BATCH,
    Frame,
    LaneRow,
    TimelineScene,
    marker_row,
    overview_range,
    paint_timeline,
    theme_for_palette,
)

WHEEL_STEP = 1.0015  # zoom factor per wheel angle unit (one notch = 120 units ~ 1.2x)
PAN_KEY_FRACTION = 0.1
DRAG_THRESHOLD = 4
LABEL_BUDGET = 3  # new label images per screen paint (0.1-0.15 ms each); the rest are made between frames
IDLE_SLICE = 0.004  # seconds of label preparation per idle turn of the event loop


def _fmt_day(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%d %b %Y").lstrip("0")


def _fmt_range(a: float, b: float) -> str:
    """Human range for a bucket or cluster: one day, or first–last day."""
    da, db = _fmt_day(a), _fmt_day(max(b - 1, a))
    return da if da == db else f"{da} – {db}"


_KEEP = object()  # set_data: the event filter stays as it is


def _id_array(event_ids: Iterable[int] | None) -> np.ndarray | None:
    """Event ids as the scene filters with them: an int64 array as it is (the lanes made for it know
    it by identity), anything else copied into one."""
    if event_ids is None:
        return None
    if isinstance(event_ids, np.ndarray) and event_ids.dtype == np.int64:
        return event_ids
    return np.fromiter(event_ids, np.int64)


class TimelineView(QWidget):
    """Zoomable, lane-based timeline of a project's events."""

    eventActivated = Signal(int)
    selectionChanged = Signal(list)
    rangeChanged = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = TimelineScene()
        self._frame: Frame | None = None
        self._lane_mode = "issue"
        self._press: QPointF | None = None
        self._press_range: tuple[float, float] = (0.0, 1.0)
        self._press_scroll = 0.0
        self._drag_kind = ""  # "pan" | "overview" | ""
        self._dragged = False
        self._tip_key: tuple | None = None
        self._offscreen: QImage | None = None
        self._caught_up = False  # an idle turn ran since the last paint, or that paint left it nothing
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 200)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAccessibleName("Timeline")
        self._vbar = QScrollBar(Qt.Orientation.Vertical, self)
        self._vbar.valueChanged.connect(self._on_vbar)
        self._vbar.hide()
        self._followup = QTimer(self)
        self._followup.setSingleShot(True)
        self._followup.setInterval(30)
        self._followup.timeout.connect(self.update)
        # between frames (a zero timer runs when the event loop has nothing else to do), prepare
        # the titles and label images the last paint had no budget for, then repaint once
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._on_idle)
        self._follow_palette()

    # ------------------------------------------------------------ public API
    def set_data(self, data: TimelineData, keep_range: bool | None = None,
                 lanes: LaneIndex | Sequence[LaneIndex] | None = None,
                 event_filter: Iterable[int] | None | object = _KEEP) -> None:
        """Show ``data`` (from ``viewer.store.columns.load_timeline``).

        ``keep_range`` None: keep the current window when the old data was not
        empty and overlaps the new range (an ingest adding events), else fit.
        ``event_filter``: as :meth:`set_event_filter`, set with the data (the lanes are sorted once);
        by default the filter set stays. ``lanes``: ``build_lanes(data)`` and/or
        ``filtered_lanes(data, event_filter)`` for that very filter array, made off this thread;
        other lanes (of other data, or another filter) are not used: the lanes are built here. Lanes
        with no filter are kept for when the filter goes.
        """
        if event_filter is not _KEEP:
            self.scene.event_filter = _id_array(event_filter)
        old = self.scene.data
        if keep_range is None:
            lo, hi = data.time_range()
            keep_range = bool(len(old)) and bool(len(data)) and self.scene.v1 > lo and self.scene.v0 < hi
        selected = self.scene.data.ids[self.scene.selected_rows].tolist() if len(old) else []
        highlight = self.scene.data.ids[self.scene.highlight_rows].tolist() if len(old) else []
        if data.lane_mode != old.lane_mode:
            self.scene.collapsed.clear()
            self.scene.scroll_y = 0.0
        self._lane_mode = data.lane_mode
        self.scene.set_data(data, keep_range=keep_range, lanes=lanes)
        if not keep_range:
            self._fit_scene()  # again, now that the lanes (and so the plot) are known
        self.scene.set_selected(selected)
        self.scene.set_highlight(highlight)
        self._after_change(range_changed=True)
        # What exists now (the window, the data, the rules) lives on: keep it out of the cyclic
        # collector's passes. A full pass otherwise scans all of it in the middle of a zoom step,
        # several ms about one frame in twenty; frames' own garbage is still collected. The young
        # generations are collected first (a short pass) so that no recent garbage is frozen.
        gc.collect(1)
        gc.freeze()

    def data(self) -> TimelineData:
        return self.scene.data

    def set_issues(self, issues: list[tuple[str, str, str]]) -> None:
        """Issue (id, label, "#rrggbb") in legend order; colours markers, lanes and legend."""
        self.scene.set_issues(issues)
        self.update()

    def set_lane_mode(self, mode: str) -> None:
        """Remember the lane mode; the caller reloads data with ``load_timeline(project, mode)``."""
        if mode not in LANE_MODES:
            raise ValueError(f"lane mode {mode!r}: expected one of {', '.join(LANE_MODES)}")
        if mode != self._lane_mode:
            self._lane_mode = mode
            self.scene.collapsed.clear()
            self.scene.scroll_y = 0.0
            self._after_change()

    def lane_mode(self) -> str:
        return self._lane_mode

    def set_issue_filter(self, issue_ids: set[str] | None) -> None:
        """Show only events whose issue is in ``issue_ids`` (None: all)."""
        self.scene.issue_filter = None if issue_ids is None else set(issue_ids)
        self.scene.rebuild_lanes()
        self.scene._overview_cache = None
        self._after_change()

    def set_event_filter(self, event_ids: Iterable[int] | None, lanes: LaneIndex | None = None) -> None:
        """Show only these events (None: all), e.g. the result of the window's composed filters; an
        int64 array is kept as it is. ``lanes``: ``filtered_lanes(data, event_ids)`` of the data shown
        and that very array, made off this thread (else the lanes are built here)."""
        self.scene.event_filter = _id_array(event_ids)
        self.scene.rebuild_lanes(lanes)
        self.scene._overview_cache = None
        self._after_change()

    def event_filter(self) -> np.ndarray | None:
        return self.scene.event_filter

    def set_highlight(self, event_ids: Iterable[int] | np.ndarray) -> None:
        self.scene.set_highlight(event_ids)
        self.update()

    def select_events(self, event_ids: Iterable[int], ensure_visible: bool = True) -> None:
        ids = list(event_ids)
        self.scene.set_selected(ids)
        if ensure_visible and self.scene.selected_rows.size:
            self._reveal(self.scene.selected_rows)
        self.update()

    def selected_events(self) -> list[int]:
        return [int(i) for i in self.scene.data.ids[self.scene.selected_rows]]

    def fit(self) -> None:
        """Show the whole range (with room for the last event's label)."""
        self._fit_scene()
        self._after_change(range_changed=True)

    def set_empty_message(self, title: str, detail: str) -> None:
        """What the timeline says when it has no event to draw (e.g. articles still waiting for a date)."""
        self.scene.empty_text = title
        self.scene.empty_detail = detail
        self.update()

    def empty_message(self) -> tuple[str, str]:
        return self.scene.empty_text, self.scene.empty_detail

    def _fit_scene(self) -> None:
        self.scene.fit(self.scene.layout(float(self.width()), float(self.height())).plot.width())

    def zoom(self, factor: float, anchor_t: float | None = None) -> None:
        """Zoom in by ``factor`` (> 1 in, < 1 out) keeping ``anchor_t`` (default: centre) in place."""
        v0, v1 = self.scene.v0, self.scene.v1
        a = (v0 + v1) / 2 if anchor_t is None else anchor_t
        factor = max(float(factor), 1e-6)
        self._set_range(a - (a - v0) / factor, a + (v1 - a) / factor, keep_anchor=a)

    def pan(self, fraction: float) -> None:
        """Move the window by ``fraction`` of its width (positive: later)."""
        d = (self.scene.v1 - self.scene.v0) * fraction
        self._set_range(self.scene.v0 + d, self.scene.v1 + d)

    def visible_range(self) -> tuple[float, float]:
        return self.scene.v0, self.scene.v1

    def set_visible_range(self, t0: float, t1: float) -> None:
        if not t1 > t0:
            raise ValueError(f"visible range: end {t1} is not after start {t0}")
        self._set_range(float(t0), float(t1))

    def set_legend_visible(self, on: bool) -> None:
        self.scene.show_legend = on
        self._after_change()

    def render_offscreen(self, dpr: float | None = None, complete: bool = True) -> QImage:
        """Paint the current view into an image of the widget's size (tests, benchmarks, screenshots).

        ``complete=False`` paints like the screen does, with the per-frame label budget.
        """
        dpr = self.devicePixelRatioF() if dpr is None else dpr
        w, h = self.width(), self.height()
        size = (int(w * dpr), int(h * dpr))
        if self._offscreen is None or (self._offscreen.width(), self._offscreen.height()) != size:
            self._offscreen = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
        self._offscreen.setDevicePixelRatio(dpr)
        p = QPainter(self._offscreen)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if complete:
            self._frame = paint_timeline(p, self.scene, float(w), float(h), dpr)
        else:
            self._paint(p, dpr)
        p.end()
        return self._offscreen

    def frame(self) -> Frame | None:
        """Geometry of the last paint (for tests and tools)."""
        return self._frame

    # ------------------------------------------------------------ internals
    def _set_range(self, v0: float, v1: float, keep_anchor: float | None = None) -> None:
        lo, hi = self.scene.data.time_range()
        # never narrower than the fit (which may add room for the last label beyond the usual 20 %)
        max_span = max((hi - lo) * 1.2, DAY * 7, self.scene.fit_span)
        n0, n1 = clamp_range(v0, v1, lo, hi, max_span=max_span)
        if keep_anchor is not None and v1 > v0 and abs((n1 - n0) - (v1 - v0)) > 1e-6:
            # the span was clamped (zoom limit): keep the anchor where it was on screen
            f = (keep_anchor - v0) / (v1 - v0)
            span = n1 - n0
            n0, n1 = clamp_range(keep_anchor - f * span, keep_anchor + (1 - f) * span, lo, hi, max_span=max_span)
        if (n0, n1) != (self.scene.v0, self.scene.v1):
            self.scene.v0, self.scene.v1 = n0, n1
            self._after_change(range_changed=True)

    def _after_change(self, range_changed: bool = False) -> None:
        self._update_vbar()
        self.update()
        if range_changed:
            self.rangeChanged.emit(self.scene.v0, self.scene.v1)

    def _update_vbar(self) -> None:
        lay = self.scene.layout(float(self.width()), float(self.height()))
        overflow = lay.content_h - lay.plot.height()
        if overflow > 0.5:
            self._vbar.setRange(0, int(np.ceil(overflow)))
            self._vbar.setPageStep(int(lay.plot.height()))
            self._vbar.setSingleStep(int(self.scene.lane_h))
            self.scene.scroll_y = min(self.scene.scroll_y, float(overflow))
            self._vbar.blockSignals(True)
            self._vbar.setValue(int(self.scene.scroll_y))
            self._vbar.blockSignals(False)
            w = self._vbar.sizeHint().width()
            self._vbar.setGeometry(int(self.width() - w), int(lay.plot.top()), w, int(lay.plot.height()))
            self._vbar.show()
        else:
            self.scene.scroll_y = 0.0
            self._vbar.hide()

    def _on_vbar(self, value: int) -> None:
        self.scene.scroll_y = float(value)
        self.update()

    def _scroll_lanes(self, dy: float) -> None:
        lay = self.scene.layout(float(self.width()), float(self.height()))
        overflow = max(lay.content_h - lay.plot.height(), 0.0)
        self.scene.scroll_y = float(min(max(self.scene.scroll_y + dy, 0.0), overflow))
        self._update_vbar()
        self.update()

    def _reveal(self, rows: np.ndarray) -> None:
        """Bring these event rows into the visible window and their first lane into view."""
        data = self.scene.data
        t0, t1 = float(data.t0[rows].min()), float(data.t1[rows].max())
        v0, v1 = self.scene.v0, self.scene.v1
        if not (t0 >= v0 and t1 <= v1):
            span = v1 - v0
            if t1 - t0 < span * 0.8:
                mid = (t0 + t1) / 2
                self._set_range(mid - span / 2, mid + span / 2)
            else:
                pad = (t1 - t0) * 0.1 + DAY
                self._set_range(t0 - pad, t1 + pad)
        lanes = self.scene.lanes
        pos = np.flatnonzero(np.isin(lanes.idx, rows[:1]))
        if pos.size:
            k = int(np.searchsorted(lanes.ptr, pos[0], "right") - 1)
            lay = self.scene.layout(float(self.width()), float(self.height()))
            y = float(self.scene.lane_edges(self.scene.closed_lanes(), lay.lane_h)[0][k])
            if not (self.scene.scroll_y <= y <= self.scene.scroll_y + lay.plot.height() - lay.lane_h):
                self._scroll_lanes(y - lay.plot.height() / 3 - self.scene.scroll_y)

    def _t_at(self, x: float) -> float:
        lay = self._layout()
        return x_to_time(x, self.scene.v0, self.scene.v1, lay.plot.left(), lay.plot.width())

    def _layout(self):
        return self._frame.layout if self._frame is not None else self.scene.layout(
            float(self.width()), float(self.height()))

    def _row_at(self, y: float) -> LaneRow | None:
        for r in self._layout().rows:
            if r.y <= y < r.y + r.h:
                return r
        return None

    def hit(self, pos: QPointF) -> tuple | None:
        """What is under ``pos``: ("event", row) | ("cluster", lane, rows) | ("bucket", lane, t0, t1, n)
        | ("header", lane) | ("overview",) | None."""
        if self._frame is None:
            return None
        lay = self._frame.layout
        x, y = pos.x(), pos.y()
        if self.scene.show_overview and lay.overview.contains(pos):
            return ("overview",)
        r = self._row_at(y)
        if r is None or y < lay.plot.top() or y >= lay.plot.bottom():
            return None
        if x < lay.plot.left():
            return ("header", r.k)
        for lx, ly, lw, lh, row in self._frame.label_boxes:
            if lx <= x <= lx + lw and ly <= y <= ly + lh:
                return ("event", row)
        m = self._frame.markers.get(r.k)
        if m is not None:
            xc, first, count, _ext, prow = m
            j = int(np.argmin(np.abs(xc - x))) if xc.size else -1
            if j >= 0 and abs(xc[j] - x) <= (9 if count[j] > 1 else 6) and abs(y - (r.y + marker_row(r.h))) <= 10:
                if count[j] == 1:
                    return ("event", int(prow[first[j]]))
                return ("cluster", r.k, prow[first[j]:first[j] + count[j]])
        s = self._frame.spans.get(r.k)
        if s is not None:
            srows, x0, x1 = s
            y0, y1 = self._frame.span_y[r.k]
            # the bar under the cursor, in its own track (a hidden bar has NaN and never matches)
            inside = np.flatnonzero((x0 <= x) & (x <= x1) & (y0 - 2 <= y) & (y <= y1 + 2))
            if inside.size:
                best = inside[np.argmin(x1[inside] - x0[inside])]  # the most precise span under the cursor
                return ("event", int(srows[best]))
        d = self._frame.density.get(r.k)
        e = self._frame.density_edges
        if d is not None and e is not None and d.size:
            if self._frame.density_per_pixel:
                # +-2 px around the cursor, so a thin bar is easy to hit
                dpr = self._frame.density_dpr
                col = int((x - lay.plot.left()) * dpr)
                a, b = max(col - int(2 * dpr), 0), min(col + int(3 * dpr), d.size)
            else:
                t = self._t_at(x)
                a = int(np.searchsorted(e, t, "right") - 1)
                b = a + 1
            if 0 <= a < b <= d.size:
                n = int(d[a:b].sum())
                if n:
                    return ("bucket", r.k, float(e[a]), float(e[b]), n)
        return None

    # ------------------------------------------------------------ Qt events
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self._paint(p, self.devicePixelRatioF())
        p.end()

    def _paint(self, p: QPainter, dpr: float) -> None:
        # a bounded number of new label images per frame keeps zoom steps smooth; the labels
        # left out are drawn by a follow-up paint a moment later
        self.scene.label_budget = LABEL_BUDGET
        self.scene.incomplete = False
        # reading titles is a query on the project file (a disk read when it is not cached): when an
        # idle turn ran after the last frame (or it left nothing to do), the event loop will have time
        # after this frame too, and the titles it lacks are read there (their labels follow a moment
        # later); paints back to back with work left over (a busy wheel) read a batch each, so they
        # still complete
        self.scene.forget_pending(titles=0 if self._caught_up else TITLE_BATCH)
        # no garbage collection inside a frame: a paint allocates many short lists (numpy .tolist()),
        # enough to trigger collections of several ms in the middle of a zoom step; with collection
        # paused they run at the next allocation after the paint, between frames
        collect = gc.isenabled()
        gc.disable()
        try:
            self._frame = paint_timeline(p, self.scene, float(self.width()), float(self.height()), dpr)
        finally:
            if collect:
                gc.enable()
        self.scene.label_budget = None
        self._caught_up = not self.scene.has_pending()
        if self.scene.incomplete:
            if self.scene.has_pending():
                self._idle.start()
            elif not self._followup.isActive():
                self._followup.start()
        if self.scene.has_lookahead():
            self._idle.start()

    def _follow_palette(self) -> None:
        """Paint light or dark like the rest of the application (its palette's window colour)."""
        self.scene.set_theme(theme_for_palette(self.palette().color(QPalette.ColorRole.Window)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # the system switched between light and dark (or the app set a palette): repaint in kind
            self._follow_palette()
            self.update()
        super().changeEvent(event)

    def _on_idle(self) -> None:
        self._caught_up = True
        if self.scene.prefetch(IDLE_SLICE):
            self._idle.start()  # more to do: yield to pending input first, then continue
        elif self.scene.incomplete:
            self.update()  # the labels the last paint left out are ready

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._update_vbar()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        pos = event.position()
        lay = self._layout()
        angle = event.angleDelta()
        pixel = event.pixelDelta()
        over_header = pos.x() < lay.plot.left()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or over_header:
            dy = -(pixel.y() if not pixel.isNull() else angle.y() / 120 * self.scene.lane_h * 2)
            self._scroll_lanes(dy)
        elif abs(angle.x()) > abs(angle.y()) or (not pixel.isNull() and abs(pixel.x()) > abs(pixel.y())):
            dx = pixel.x() if not pixel.isNull() else angle.x() / 120 * 40
            self.pan(-dx / max(lay.plot.width(), 1))
        elif angle.y():
            self.zoom(WHEEL_STEP ** angle.y(), self._t_at(pos.x()))
        event.accept()

    def event(self, event: QEvent) -> bool:  # noqa: D401 - Qt override
        if event.type() == QEvent.Type.NativeGesture:
            ge: QNativeGestureEvent = event  # type: ignore[assignment]
            if ge.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.zoom(1.0 + ge.value(), self._t_at(ge.position().x()))
                return True
            if ge.gestureType() == Qt.NativeGestureType.SmartZoomNativeGesture:
                self.fit()
                return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._press = event.position()
        self._press_range = (self.scene.v0, self.scene.v1)
        self._press_scroll = self.scene.scroll_y
        self._dragged = False
        h = self.hit(event.position())
        self._drag_kind = "overview" if h and h[0] == "overview" else "pan"
        if self._drag_kind == "overview":
            self._move_overview(event.position().x())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            d = pos - self._press
            if abs(d.x()) + abs(d.y()) >= DRAG_THRESHOLD:
                self._dragged = True
            if self._drag_kind == "overview":
                self._move_overview(pos.x())
            elif self._dragged:
                lay = self._layout()
                v0, v1 = self._press_range
                dt = -d.x() * (v1 - v0) / max(lay.plot.width(), 1)
                self._set_range(v0 + dt, v1 + dt)
                if abs(d.y()) > abs(d.x()):
                    self.scene.scroll_y = self._press_scroll
                    self._scroll_lanes(-d.y())
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        self._show_tip(pos, event.globalPosition().toPoint())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return super().mouseReleaseEvent(event)
        was_drag, kind = self._dragged, self._drag_kind
        self._press, self._drag_kind, self._dragged = None, "", False
        self.unsetCursor()
        if was_drag or kind == "overview":
            return
        self._click(event.position(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        h = self.hit(event.position())
        if h and h[0] == "event":
            self.eventActivated.emit(int(self.scene.data.ids[h[1]]))
        elif h and h[0] == "header":
            self.scene.toggle_collapsed(h[1])  # undo the first click's toggle: double-click = no change
            self._after_change()

    def _click(self, pos: QPointF, add: bool) -> None:
        h = self.hit(pos)
        if h is None:
            if self.scene.selected_rows.size and not add:
                self.scene.set_selected([])
                self.selectionChanged.emit([])
                self.update()
            return
        kind = h[0]
        if kind == "header":
            self.scene.toggle_collapsed(h[1])
            self._after_change()
        elif kind == "event":
            eid = int(self.scene.data.ids[h[1]])
            ids = self.selected_events()
            ids = ([i for i in ids if i != eid] if eid in ids else ids + [eid]) if add else [eid]
            self.scene.set_selected(ids)
            self.selectionChanged.emit(ids)
            self.update()
        elif kind == "cluster":
            rows = h[2]
            data = self.scene.data
            t0, t1 = float(data.t0[rows].min()), float(data.t0[rows].max()) + DAY
            if t1 - t0 <= DAY * 1.01:
                # all on one day: zooming cannot separate them, so select them
                ids = [int(i) for i in data.ids[rows]]
                self.scene.set_selected(ids)
                self.selectionChanged.emit(ids)
                self.update()
            else:
                pad = (t1 - t0) * 0.25
                self._set_range(t0 - pad, t1 + pad)
        elif kind == "bucket":
            _, _k, t0, t1, _n = h
            t0, t1 = np.floor(t0 / DAY) * DAY, np.ceil(t1 / DAY) * DAY  # whole days of those starts
            pad = max((t1 - t0) * 0.5, DAY)
            self._set_range(t0 - pad, t1 + pad)

    def _move_overview(self, x: float) -> None:
        lay = self._layout()
        lo, hi = overview_range(self.scene)
        ov = lay.overview
        t = lo + (x - ov.left()) * (hi - lo) / max(ov.width(), 1)
        span = self.scene.v1 - self.scene.v0
        self._set_range(t - span / 2, t + span / 2)

    def _show_tip(self, pos: QPointF, global_pos) -> None:
        h = self.hit(pos)
        key = h[:2] if h and h[0] in ("event", "header") else (h[0], h[1], h[4]) if h and h[0] == "bucket" \
            else (h[0], h[1], len(h[2])) if h and h[0] == "cluster" else None
        if key == self._tip_key:
            return
        self._tip_key = key
        if h is None or h[0] == "overview":
            QToolTip.hideText()
            return
        QToolTip.showText(global_pos, self._tip_text(h), self)

    def _tip_text(self, h: tuple) -> str:
        data = self.scene.data
        if h[0] == "event":
            row = h[1]
            eid = int(data.ids[row])
            info = data.details(eid) if data.details else {}
            title = html.escape(info.get("title") or self.scene.title(row) or f"Event {eid}")
            prec = info.get("precision", "")
            when = html.escape(info.get("date") or _fmt_day(float(data.t0[row])))
            # the date as the article writes it ("Thursday"), then what it resolved to
            written = html.escape(info.get("written") or "")
            when = f"“{written}” → {when}" if written and written != when else when
            lines = [f"<b>{title}</b>", f"{when}" + (f" <i>({prec})</i>" if prec and prec != "day" else "")]
            if info.get("actors"):
                lines.append("Actors: " + html.escape(", ".join(info["actors"][:8])))
            if info.get("article"):
                lines.append("Article: " + html.escape(info["article"]))
            if info.get("sources"):
                n = int(info["sources"])
                lines.append(f"{n} source{'s' if n != 1 else ''}")
            return "<br>".join(lines)
        if h[0] == "cluster":
            rows = h[2]
            t0, t1 = float(data.t0[rows].min()), float(data.t0[rows].max()) + DAY
            return f"<b>{len(rows)} events</b><br>{_fmt_range(t0, t1)}<br><i>click to zoom in</i>"
        if h[0] == "bucket":
            _, k, t0, t1, n = h
            return (f"<b>{n:,} event{'s' if n != 1 else ''}</b> in {html.escape(self.scene.lane_label(k))}"
                    f"<br>{_fmt_range(np.ceil(t0 / DAY) * DAY, t1)}<br><i>click to zoom in</i>")
        if h[0] == "header":
            k = h[1]
            n = int(self.scene.lanes.counts[k])
            act = "expand" if self.scene.is_collapsed(k) else "collapse"
            return f"<b>{html.escape(self.scene.lane_label(k))}</b><br>{n:,} events<br><i>click to {act}</i>"
        return ""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_0 and ctrl:
            self.fit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / 1.5)
        elif key == Qt.Key.Key_Left:
            self.pan(-PAN_KEY_FRACTION)
        elif key == Qt.Key.Key_Right:
            self.pan(PAN_KEY_FRACTION)
        elif key == Qt.Key.Key_Up:
            self._scroll_lanes(-self.scene.lane_h)
        elif key == Qt.Key.Key_Down:
            self._scroll_lanes(self.scene.lane_h)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            lay = self._layout()
            self._scroll_lanes(lay.plot.height() * (-0.9 if key == Qt.Key.Key_PageUp else 0.9))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            sel = self.selected_events()
            if sel:
                self.eventActivated.emit(sel[0])
        elif key == Qt.Key.Key_Escape:
            if self.scene.selected_rows.size:
                self.scene.set_selected([])
                self.selectionChanged.emit([])
                self.update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self._tip_key = None
        super().leaveEvent(event)

