"""The timeline widget: zoom, pan, keys, selection, aggregation switching, drawn text."""

from __future__ import annotations

import os
from dataclasses import fields, replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFontDatabase, QWheelEvent

from tests.test_timeline_fixtures import DAY, ISSUES, T2025, M, make_data
from viewer.core.timeline_data import MIN_PX_PER_EVENT, LaneIndex, TimelineData, build_lanes, filtered_lanes
from viewer.ui.timeline import TimelineView
from viewer.ui.timeline_paint import TEXT


def make_view(qtbot, width: int = 1000, height: int = 420) -> TimelineView:
    v = TimelineView()
    qtbot.addWidget(v)
    v.resize(width, height)
    v.set_issues(ISSUES)
    return v


@pytest.fixture
def view(qtbot):
    return make_view(qtbot)


def spread_data(n: int = 30, days: int = 300) -> TimelineData:
    t0 = [T2025 + (i * days // n) * DAY for i in range(n)]
    return make_data(t0, issue=[i % 3 for i in range(n)])


def _dark_pixels(img, rect) -> int:
    """Pixels close to the label colour inside ``rect`` (logical coordinates, dpr 1)."""
    n = 0
    for y in range(int(rect.top()), int(rect.bottom())):
        for x in range(int(rect.left()), int(min(rect.right(), img.width() - 1))):
            c = QColor(img.pixel(x, y))
            if abs(c.red() - TEXT.red()) + abs(c.green() - TEXT.green()) + abs(c.blue() - TEXT.blue()) < 120:
                n += 1
    return n


def test_fonts_exist(qapp):
    assert QFontDatabase.families()


def test_empty_state_draws_its_text(view):
    img = view.render_offscreen(1.0)
    mid = img.copy(300, 150, 400, 100)
    colours = {mid.pixel(x, y) for x in range(0, 400, 2) for y in range(0, 100, 2)}
    assert len(colours) > 2  # "Drop article files here" in grey over white


def test_labels_really_drawn(view):
    view.set_data(spread_data(12, 240))
    img = view.render_offscreen(1.0)
    frame = view.frame()
    assert frame.labels, "no label placed"
    rect, row = frame.labels[0]
    assert view.scene.title(row).startswith("Event number")
    assert _dark_pixels(img, rect) > 20


def test_zoom_pan_fit_change_visible_range(view, qtbot):
    view.set_data(spread_data())
    v0, v1 = view.visible_range()
    with qtbot.waitSignal(view.rangeChanged):
        view.zoom(2.0)
    a, b = view.visible_range()
    assert b - a == pytest.approx((v1 - v0) / 2)
    assert (a + b) / 2 == pytest.approx((v0 + v1) / 2)
    view.pan(0.25)
    c, d = view.visible_range()
    assert c == pytest.approx(a + (b - a) * 0.25) and d - c == pytest.approx(b - a)
    anchor = a + (b - a) * 0.1
    view.zoom(4.0, anchor)
    e, f = view.visible_range()
    assert (anchor - e) / (f - e) == pytest.approx((anchor - c) / (d - c))
    view.fit()
    assert view.visible_range() == pytest.approx((v0, v1))


def test_keys_zoom_pan_and_fit(view, qtbot):
    view.set_data(spread_data())
    full = view.visible_range()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    a, b = view.visible_range()
    assert b - a < full[1] - full[0]
    qtbot.keyClick(view, Qt.Key.Key_Right)
    c, _d = view.visible_range()
    assert c > a
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.visible_range() == pytest.approx(full)


def test_wheel_zooms_around_the_cursor(view):
    view.set_data(spread_data())
    view.render_offscreen(1.0)
    lay = view.frame().layout
    x = lay.plot.left() + lay.plot.width() * 0.25
    t_before = view._t_at(x)
    ev = QWheelEvent(QPointF(x, 200), QPointF(x, 200), QPoint(0, 0), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    v0, v1 = view.visible_range()
    view.wheelEvent(ev)
    a, b = view.visible_range()
    assert b - a < v1 - v0
    assert view._t_at(x) == pytest.approx(t_before, abs=(b - a) * 1e-6)


def test_drag_pans(view, qtbot):
    view.set_data(spread_data())
    view.zoom(2.0)
    view.render_offscreen(1.0)
    v0, _ = view.visible_range()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(600, 200))
    qtbot.mouseMove(view, QPoint(500, 200))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(500, 200))
    assert view.visible_range()[0] > v0  # dragged left: later times come into view


def _first_single_marker(view):
    view.render_offscreen(1.0)
    frame = view.frame()
    for r in frame.layout.rows:
        m = frame.markers.get(r.k)
        if m is None:
            continue
        xc, first, count, _ext, prow = m
        for j in range(xc.size):
            if count[j] == 1:
                from viewer.ui.timeline_paint import marker_row
                return QPoint(int(round(xc[j])), int(round(r.y + marker_row(r.h)))), int(prow[first[j]])
    raise AssertionError("no single marker")


def test_click_selects_and_double_click_activates(view, qtbot):
    data = spread_data(12, 240)
    view.set_data(data)
    pos, row = _first_single_marker(view)
    with qtbot.waitSignal(view.selectionChanged) as sel:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=pos)
    assert sel.args[0] == [int(data.ids[row])]
    assert view.selected_events() == [int(data.ids[row])]
    with qtbot.waitSignal(view.eventActivated) as act:
        qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=pos)
    assert act.args[0] == int(data.ids[row])
    with qtbot.waitSignal(view.selectionChanged) as cleared:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert cleared.args[0] == []


def test_select_events_brings_them_into_view(view):
    data = spread_data(30, 300)
    view.set_data(data)
    view.set_visible_range(T2025, T2025 + 10 * DAY)
    last = int(data.ids[-1])
    view.select_events([last])
    v0, v1 = view.visible_range()
    assert v0 <= data.t0[-1] < v1
    assert view.selected_events() == [last]


def test_aggregation_switches_at_the_threshold(view):
    view.render_offscreen(1.0)
    plot_w = view.scene.layout(1000.0, 420.0).plot.width()
    limit = int(plot_w // MIN_PX_PER_EVENT)
    for n, dense in ((limit, False), (limit + 1, True)):
        # n events on distinct days in one lane, all visible
        data = make_data([T2025 + i * DAY for i in range(n)])
        view.set_data(data, keep_range=False)
        view.set_visible_range(T2025 - 0.1, T2025 + n * DAY - DAY / 2 - 1)  # last marker centre just inside
        lay_k = 0
        view.render_offscreen(1.0)
        frame = view.frame()
        assert (lay_k in frame.density) is dense
        assert (lay_k in frame.markers) is (not dense)


def test_dense_bucket_hover_and_click_zoom(view):
    n = 3000
    data = make_data([T2025 + (i % 200) * DAY for i in range(n)])
    view.set_data(data)
    view.render_offscreen(1.0)
    frame = view.frame()
    r = frame.layout.rows[0]
    assert 0 in frame.density
    x = frame.layout.plot.left() + frame.layout.plot.width() * 0.5
    h = view.hit(QPointF(x, r.y + r.h - 8))
    assert h is not None and h[0] == "bucket" and h[4] > 0
    assert "events" in view._tip_text(h)
    before = view.visible_range()
    view._click(QPointF(x, r.y + r.h - 8), add=False)
    a, b = view.visible_range()
    assert b - a < before[1] - before[0]


def test_cluster_badge_and_spans(view):
    # five events on one day make a cluster; a month span draws as a bar
    t0 = [T2025 + 40 * DAY] * 5 + [T2025 + 100 * DAY, T2025 + 31 * DAY]
    prec = [1] * 6 + [M]
    t1 = [t + DAY for t in t0[:6]] + [T2025 + 59 * DAY]
    data = make_data(t0, precision=prec, t1=t1)
    view.set_data(data)
    view.render_offscreen(1.0)
    frame = view.frame()
    xc, first, count, _ext, prow = frame.markers[0]
    assert 5 in count.tolist()
    srows, x0, x1 = frame.spans[0]
    assert srows.size == 1 and x1[0] - x0[0] > 5
    j = count.tolist().index(5)
    r = frame.layout.rows[0]
    from viewer.ui.timeline_paint import marker_row
    h = view.hit(QPointF(xc[j], r.y + marker_row(r.h)))
    assert h[0] == "cluster" and len(h[2]) == 5
    # all five on one day: a click selects them rather than zooming
    view._click(QPointF(xc[j], r.y + marker_row(r.h)), add=False)
    assert len(view.selected_events()) == 5


def test_issue_filter_and_collapse(view):
    data = spread_data(30)
    view.set_data(data)
    assert len(view.scene.lanes) == 3
    view.set_issue_filter({"i1"})
    assert len(view.scene.lanes) == 1
    view.set_issue_filter(None)
    view.render_offscreen(1.0)
    r = view.frame().layout.rows[0]
    view._click(QPointF(20, r.y + 5), add=False)
    assert view.scene.is_collapsed(0)
    view.render_offscreen(1.0)
    assert view.frame().layout.rows[0].h < r.h


def test_overview_drag_moves_window(view, qtbot):
    view.set_data(spread_data())
    view.zoom(10.0)
    view.render_offscreen(1.0)
    ov = view.frame().layout.overview
    v0, v1 = view.visible_range()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(ov.left() + 5), int(ov.center().y())))
    a, b = view.visible_range()
    assert a < v0 and b - a == pytest.approx(v1 - v0)


def test_highlight_outlines_even_in_dense_lanes(view):
    n = 3000
    data = make_data([T2025 + (i % 200) * DAY for i in range(n)])
    view.set_data(data)
    plain = view.render_offscreen(1.0).copy()
    view.set_highlight([int(data.ids[100])])
    marked = view.render_offscreen(1.0)
    diff = sum(1 for x in range(0, 1000, 1) for y in range(40, 120, 1) if plain.pixel(x, y) != marked.pixel(x, y))
    assert diff > 20


def _amber(img, x0: int, x1: int, y0: int, y1: int) -> np.ndarray:
    """Columns x0..x1-1 holding a highlight-amber pixel between rows y0 and y1 (dpr 1)."""
    a = np.frombuffer(img.constBits(), np.uint32, img.sizeInBytes() // 4).reshape(img.height(), -1)
    part = a[y0:y1, x0:x1]
    r, g, b = (part >> 16) & 255, (part >> 8) & 255, part & 255
    return np.flatnonzero(((r > 200) & (g > 150) & (g < 225) & (b < 90)).any(axis=0)) + x0


def test_a_marked_event_late_in_a_dense_lane_is_outlined(view):
    # thousands of marked events early in the lane, one late: each is found by where it is drawn
    n = 12_000
    data = make_data([T2025 + (i * 200 // n) * DAY for i in range(n)], issue=[2] * n)  # green, not amber
    view.set_data(data)
    late = n - 40
    view.set_highlight([int(i) for i in data.ids[:6000]] + [int(data.ids[late])])
    t = data.t0[late]
    view.set_visible_range(t - 8 * DAY, t + 8 * DAY)
    img = view.render_offscreen(1.0)
    row = view.frame().layout.rows[0]
    assert row.k in view.frame().density  # still a dense lane
    x = view.frame().layout.plot.left() + (t + DAY / 2 - view.visible_range()[0]) * view.frame().layout.plot.width() / (
        view.visible_range()[1] - view.visible_range()[0])
    cols = _amber(img, 0, img.width(), int(row.y), int(row.y + row.h))
    assert cols.size and abs(cols.mean() - x) < 12  # a ring around it, and nowhere else


def test_many_marked_events_in_a_dense_lane_make_a_band_in_their_columns(view):
    n = 12_000
    data = make_data([T2025 + (i * 200 // n) * DAY for i in range(n)], issue=[2] * n)
    view.set_data(data)
    view.set_highlight([int(i) for i in data.ids[: n // 4]])  # the first 50 days
    img = view.render_offscreen(1.0)
    lay = view.frame().layout
    row = lay.rows[0]
    v0, v1 = view.visible_range()
    x_end = lay.plot.left() + (data.t0[n // 4 - 1] + DAY - v0) * lay.plot.width() / (v1 - v0)
    band = _amber(img, int(lay.plot.left()), int(lay.plot.right()), int(row.y + row.h - 4), int(row.y + row.h - 1))
    assert band.size >= 45 and band.max() <= x_end + 1  # a column for each marked day, and only those
    bars = _amber(img, int(lay.plot.left()), int(lay.plot.right()), int(row.y + 6), int(row.y + row.h - 6))
    assert not bars.size  # the bars stay as they are
    # zoomed in until a day's bar is many pixels wide: the band runs under the whole bar of a marked day
    view.set_visible_range(T2025 + 40 * DAY, T2025 + 60 * DAY)
    img = view.render_offscreen(1.0)
    lay = view.frame().layout
    row = lay.rows[0]
    assert row.k in view.frame().density and not view.frame().density_per_pixel
    band = _amber(img, int(lay.plot.left()), int(lay.plot.right()), int(row.y + row.h - 4), int(row.y + row.h - 1))
    day_px = lay.plot.width() / 20
    marked_px = 10 * day_px  # days 40-49 are marked, 50-59 not
    assert marked_px * 0.85 < band.size <= marked_px + 1
    assert band.max() < lay.plot.left() + marked_px + 1


def test_lane_mode_validation(view):
    with pytest.raises(ValueError):
        view.set_lane_mode("weather")
    view.set_lane_mode("actor")
    assert view.lane_mode() == "actor"


def test_tooltip_uses_details(view):
    data = spread_data(12, 240)
    data.details = lambda eid: {"title": f"Talks {eid}", "date": "2025-01-02", "precision": "day",
                                "actors": ["Xi Jinping"], "article": "A", "sources": 2}
    view.set_data(data)
    _pos, row = _first_single_marker(view)
    text = view._tip_text(("event", row))
    assert "Talks" in text and "Xi Jinping" in text and "2 sources" in text
    assert np.isfinite(view.visible_range()[0])


def test_pinch_zooms(view):
    from PySide6.QtGui import QNativeGestureEvent, QPointingDevice

    view.set_data(spread_data())
    view.render_offscreen(1.0)
    v0, v1 = view.visible_range()
    pos = QPointF(500, 200)
    ev = QNativeGestureEvent(Qt.NativeGestureType.ZoomNativeGesture, QPointingDevice.primaryPointingDevice(), 2,
                             pos, pos, pos, 0.5, QPointF(0, 0))
    assert view.event(ev)
    a, b = view.visible_range()
    assert b - a == pytest.approx((v1 - v0) / 1.5)


def test_many_lanes_scroll_vertically(view, qtbot):
    n_issues = 30
    t0 = [T2025 + i * DAY for i in range(n_issues * 2)]
    data = make_data(t0, issue=[i % n_issues for i in range(len(t0))], n_issues=n_issues)
    view.set_data(data)
    view.show()
    qtbot.waitExposed(view)
    assert view._vbar.isVisible()
    first = view.scene.layout(1000.0, 420.0).rows[0].k
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.scene.scroll_y > 0
    assert view.scene.layout(1000.0, 420.0).rows[0].k > first


def test_layout_of_thousands_of_lanes_with_some_collapsed(view):
    # a lane per article: the lanes in view are found by position, not by walking every lane
    n_lanes = 3000
    rng = np.random.default_rng(5)
    lane_of = rng.integers(0, n_lanes, 9000).astype(np.int32)
    data = make_data(sorted(T2025 + rng.integers(0, 300, 9000) * DAY))
    data = replace(data, lane_of=lane_of, lane_mode="article", lane_labels=[f"Article {i}" for i in range(n_lanes)],
                   lane_issue=np.full(n_lanes, -1, np.int16), catch_all=-1)
    view.set_data(data)
    scene = view.scene
    for k in rng.choice(len(scene.lanes), 400, replace=False).tolist():
        scene.toggle_collapsed(k)
    for scroll in (0.0, 1234.5, 40_000.25, scene.layout(1000.0, 420.0).content_h - 100):
        scene.scroll_y = scroll
        lay = scene.layout(1000.0, 420.0)
        # the lanes stacked one after another, as a plain walk over all of them places them
        want, y = [], lay.plot.top() - scroll
        for k in range(len(scene.lanes)):
            h = 16.0 if scene.is_collapsed(k) else lay.lane_h
            if y + h > lay.plot.top() and y < lay.plot.bottom():
                want.append((k, y, h, scene.is_collapsed(k)))
            y += h
        assert [(r.k, r.y, r.h, r.collapsed) for r in lay.rows] == want and want
        assert lay.content_h == pytest.approx(y + scroll - lay.plot.top())
    # scrolling moves the stacked lanes, it does not stack them again
    stacked = scene.lane_edges(scene.closed_lanes(), lay.lane_h)[0]
    scene.scroll_y = 777.0
    scene.layout(1000.0, 420.0)
    assert scene.lane_edges(scene.closed_lanes(), lay.lane_h)[0] is stacked
    scene.scroll_y = 0.0
    first = scene.layout(1000.0, 420.0).rows[0]
    scene.toggle_collapsed(first.k)  # a change of the collapsed set is seen at once
    again = scene.layout(1000.0, 420.0).rows[0]
    assert again.k == first.k and again.collapsed != first.collapsed and again.h != first.h


def test_label_budget_defers_labels_to_idle_time(view, qtbot, monkeypatch):
    import viewer.ui.timeline as tl

    view.set_data(spread_data(12, 240))
    monkeypatch.setattr(tl, "LABEL_BUDGET", 1)
    view.render_offscreen(1.0, complete=False)
    assert len(view.frame().labels) == 1 and view.scene.incomplete
    # the labels left out are prepared between frames, then one more paint draws them all at once
    assert view._idle.isActive() and view.scene.has_pending()
    qtbot.waitUntil(lambda: not view._idle.isActive() and not view.scene.has_pending())
    view.render_offscreen(1.0, complete=False)
    assert len(view.frame().labels) > 1 and not view.scene.incomplete


def test_new_data_drops_the_labels_left_for_idle_time_of_the_old(view, qtbot, monkeypatch):
    # the idle turn may come after the data changed (a refresh after an edit elsewhere): the rows it
    # was left are rows of the old data, past the end of a smaller one
    import viewer.ui.timeline as tl

    view.set_data(spread_data(12, 240))
    monkeypatch.setattr(tl, "LABEL_BUDGET", 1)
    monkeypatch.setattr(tl, "TITLE_BATCH", 1)
    view.scene.forget_pending(titles=1)
    view.render_offscreen(1.0, complete=False)
    assert view.scene.has_pending() or view.scene.has_lookahead()
    view.set_data(spread_data(2, 3), keep_range=True)
    assert not view.scene.has_pending() and not view.scene.has_lookahead()
    view.scene.prefetch(1.0)
    view.render_offscreen(1.0)
    assert len(view.frame().labels) == 2


def test_label_budget_alone_completes_over_a_few_paints(view, monkeypatch):
    # no event loop between frames (a busy wheel): each paint renders its budget, none is lost
    import viewer.ui.timeline as tl

    view.set_data(spread_data(12, 240))
    monkeypatch.setattr(tl, "LABEL_BUDGET", 1)
    counts = []
    for _ in range(20):
        view.render_offscreen(1.0, complete=False)
        counts.append(len(view.frame().labels))
    assert counts == sorted(counts) and counts[-1] > 1 and not view.scene.incomplete


def test_event_filter_limits_lanes_and_export(view, tmp_path):
    from viewer.ui.export import make_export_scene

    data = spread_data(30)
    view.set_data(data)
    keep = {int(data.ids[0]), int(data.ids[3])}  # both in issue lane 0
    view.set_event_filter(keep)
    assert sorted(view.event_filter().tolist()) == sorted(keep)
    assert len(view.scene.lanes) == 1 and int(view.scene.lanes.counts[0]) == 2
    view.set_event_filter(None)
    assert view.event_filter() is None and len(view.scene.lanes) == 3
    scene = make_export_scene(data, ISSUES, 800, 300, event_filter=keep, issue_filter={"i0", "i1"})
    assert int(scene.lanes.counts.sum()) == 2


def test_fit_with_a_filter_shows_the_range_of_the_events_it_lets_through(view):
    t0 = [T2025 + d * DAY for d in (0, 40, 41, 43, 300)] + [T2025 + 42 * DAY]
    data = make_data(t0, precision=[1, 1, 1, 1, 1, M], t1=[t + DAY for t in t0[:-1]] + [T2025 + 90 * DAY])
    view.set_data(data)
    view.fit()
    whole = view.visible_range()
    assert whole[0] <= T2025 and whole[1] >= T2025 + 301 * DAY
    view.set_event_filter(data.ids[(data.t0 > T2025 + 39 * DAY) & (data.t0 < T2025 + 50 * DAY)].tolist())
    view.fit()
    v0, v1 = view.visible_range()
    # days 40 to 43 and the month span from day 42 to day 90, with a small margin; not day 0 nor 300
    assert T2025 + 30 * DAY < v0 <= T2025 + 40 * DAY and T2025 + 90 * DAY <= v1 < T2025 + 200 * DAY
    view.set_event_filter(None)
    view.fit()
    assert view.visible_range() == whole


def test_selected_and_highlighted_spans_are_outlined(view):
    t0 = [T2025 + 10 * DAY, T2025 + 31 * DAY]
    data = make_data(t0, precision=[1, M], t1=[T2025 + 11 * DAY, T2025 + 59 * DAY])
    view.set_data(data)
    plain = view.render_offscreen(1.0).copy()
    span_id = int(data.ids[data.precision == M][0])
    view.select_events([span_id], ensure_visible=False)
    view.set_highlight([span_id])
    marked = view.render_offscreen(1.0)
    srows, x0, x1 = view.frame().spans[0]
    y = int(view.frame().layout.rows[0].y + 24)
    xs = range(int(x0[0]) - 2, int(x1[0]) + 3)
    assert sum(1 for x in xs for dy in range(-2, 3) if plain.pixel(x, y + dy) != marked.pixel(x, y + dy)) > 20


def test_collapsed_lanes_survive_a_reload(view):
    view.set_data(spread_data(30))
    view.render_offscreen(1.0)
    r = view.frame().layout.rows[0]
    label = view.scene.lane_label(r.k)
    view._click(QPointF(20, r.y + 5), add=False)
    # a reload where another lane becomes the busiest renumbers lanes; the collapsed one is found by name
    t0 = [T2025 + i * DAY for i in range(60)]
    view.set_data(make_data(t0, issue=[2] * 40 + [0] * 10 + [1] * 10))
    k = [view.scene.lane_label(j) for j in range(len(view.scene.lanes))].index(label)
    assert view.scene.is_collapsed(k) and not view.scene.is_collapsed(0 if k else 1)


def test_drawn_labels_never_overlap_each_other_or_markers(view):
    # 45 events over 200 days in 3 lanes, unevenly spaced: labels elided, some dropped
    t0 = [T2025 + ((i * 40) // 9 + (i % 4)) * DAY for i in range(45)]
    view.set_data(make_data(t0, issue=[i % 3 for i in range(45)]))
    view.zoom(1.6)  # crowded, but with room for labels of five letters or more here and there
    view.render_offscreen(1.0)
    frame = view.frame()
    assert len(frame.labels) > 6
    by_row: dict[float, list[tuple[float, float]]] = {}
    for r, _row in frame.labels:
        by_row.setdefault(round(r.top(), 1), []).append((r.left(), r.right()))
    for spans in by_row.values():
        spans.sort()
        for (_a0, a1), (b0, _b1) in zip(spans, spans[1:], strict=False):
            assert b0 >= a1
    for r in frame.layout.rows:
        xc, _first, count, _ext, _prow = frame.markers[r.k]
        for rect, _row in frame.labels:
            if abs(rect.center().y() - (r.y + 13)) < 2:
                radius = np.where(count > 1, 8.5, 4.5)
                assert not np.any((xc + radius > rect.left()) & (xc - radius < rect.right()))


# ---------------------------------------------------------------- look: flips, spans, lane growth, empty state

def test_label_near_the_right_edge_flips_left_and_fit_leaves_room(view):
    titles = {1: "Early event", 2: "Talks between the two leaders by phone"}
    data = make_data([T2025, T2025 + 60 * DAY], titles=titles)
    view.set_data(data)
    view.render_offscreen(1.0)
    lay = view.frame().layout
    # at the fit zoom the last label is whole, to the right of its marker and inside the plot
    rects = {row: rect for rect, row in view.frame().labels}
    last = int(data.index_of([2])[0])
    full_w = view.scene.title_widths(np.array([last]))[0]
    assert rects[last].width() == pytest.approx(full_w) and rects[last].right() <= lay.plot.right()
    x_last = lay.plot.left() + (data.t0[last] + DAY / 2 - view.scene.v0) * lay.plot.width() / (
        view.scene.v1 - view.scene.v0)
    assert rects[last].left() > x_last
    # pan so that marker sits 40 px from the right edge: the label goes to its left, whole
    v0, v1 = view.visible_range()
    span = v1 - v0
    t_mark = data.t0[last] + DAY / 2
    view.set_visible_range(t_mark - span * (1 - 40 / lay.plot.width()), t_mark + span * 40 / lay.plot.width())
    view.render_offscreen(1.0)
    rects = {row: rect for rect, row in view.frame().labels}
    x = lay.plot.left() + (t_mark - view.scene.v0) * lay.plot.width() / (view.scene.v1 - view.scene.v0)
    assert rects[last].right() <= x - 4 and rects[last].left() >= lay.plot.left()
    assert rects[last].width() == pytest.approx(full_w)


def test_fit_keeps_room_for_the_last_label_only_where_it_can_be_drawn(view):
    # a lane far too busy for markers at the whole range: drawn as density, its events have no labels
    busy = [T2025 + (i * 300 // 2000) * DAY for i in range(2000)]
    view.set_data(make_data(busy, titles={i: "A title long enough to need room" for i in range(1, 2001)}))
    view.render_offscreen(1.0)
    lo, hi = view.scene.data.time_range()
    pad = (hi - lo) * 0.02
    assert view.visible_range() == pytest.approx((lo - pad, hi + pad))
    # the same with the last event alone in a quiet lane: it has a marker and a label, room is kept
    quiet = make_data(busy + [busy[-1] + DAY], issue=[0] * 2000 + [1],
                      titles={i: "A title long enough to need room" for i in range(1, 2002)})
    view.set_data(quiet)
    view.fit()
    lo, hi = view.scene.data.time_range()
    assert view.visible_range()[1] > hi + (hi - lo) * 0.05
    # ... unless that lane is collapsed (a strip: no markers, no labels)
    view.scene.toggle_collapsed(next(k for k in range(len(view.scene.lanes))
                                     if view.scene.lane_label(k) == "Issue 1"))
    view.fit()
    assert view.visible_range() == pytest.approx((lo - (hi - lo) * 0.02, hi + (hi - lo) * 0.02))


def test_span_bars_are_a_text_line_high_with_their_title_inside(view):
    t0 = [T2025 + 31 * DAY, T2025 + 100 * DAY]
    titles = {1: "Agreement reached in February", 2: "A day event"}
    data = make_data(t0, precision=[M, 1], t1=[T2025 + 59 * DAY, T2025 + 101 * DAY], titles=titles)
    view.set_data(data)
    img = view.render_offscreen(1.0)
    frame = view.frame()
    span_row = int(data.index_of([1])[0])
    y0, y1 = frame.span_y[0]
    srows = frame.spans[0][0]
    k = list(srows).index(span_row)
    assert y1[k] - y0[k] >= view.scene.fm_small.height()  # a readable bar, not a hairline
    rect = next(r for r, row in frame.labels if row == span_row)
    _s, x0, x1 = frame.spans[0]
    assert x0[k] <= rect.left() and rect.right() <= x1[k] and y0[k] <= rect.top() and rect.bottom() <= y1[k] + 1
    assert rect.width() == pytest.approx(view.scene.title_widths(np.array([span_row]), small=True)[0])
    # the bar is translucent: lighter than the issue colour, darker than the lane background
    px = QColor(img.pixel(int((x0[k] + x1[k]) / 2), int(y1[k] - 3)))
    col = QColor(ISSUES[0][2])
    assert px.lightness() > col.lightness() and px.lightness() < 250
    # hovering the bar names the event
    h = view.hit(QPointF((x0[k] + x1[k]) / 2, (y0[k] + y1[k]) / 2))
    assert h == ("event", span_row)


def test_few_lanes_grow_many_lanes_do_not(view):
    from viewer.ui.timeline_paint import LANE_H, MAX_LANE_H

    view.set_data(spread_data(12, 240))  # three lanes in a 420 px high view
    lay = view.scene.layout(1000.0, 420.0)
    assert LANE_H < lay.lane_h <= MAX_LANE_H
    assert all(r.h == lay.lane_h for r in lay.rows)
    assert lay.content_h <= lay.plot.height()  # still no scrolling
    n_issues = 30
    t0 = [T2025 + i * DAY for i in range(n_issues * 2)]
    view.set_data(make_data(t0, issue=[i % n_issues for i in range(len(t0))], n_issues=n_issues))
    assert view.scene.layout(1000.0, 420.0).lane_h == LANE_H


def test_export_lanes_grow_like_the_screen(qapp):
    from viewer.ui.export import make_export_scene

    data = spread_data(12, 240)
    view = TimelineView()
    view.resize(1000, 420)
    view.set_issues(ISSUES)
    view.set_data(data)
    screen = view.scene.layout(1000.0, 420.0)
    scene = make_export_scene(data, ISSUES, 1000, 420, *view.visible_range(), legend=False, overview=True)
    assert scene.layout(1000.0, 420.0).lane_h == screen.lane_h
    assert [(r.y, r.h) for r in scene.layout(1000.0, 420.0).rows] == [(r.y, r.h) for r in screen.rows]


def test_empty_message_is_drawn(view):
    view.set_empty_message("1 article waits for its publication date", "Set its date in the Articles panel")
    assert view.empty_message()[0].startswith("1 article waits")
    waiting = view.render_offscreen(1.0).copy()
    view.set_empty_message("Drop article files here", "Events appear here")
    drop = view.render_offscreen(1.0).copy()

    def inked(img, y0, y1):
        return sum(1 for y in range(y0, y1) for x in range(0, img.width(), 2)
                   if QColor(img.pixel(x, y)).lightness() < 200)

    h = waiting.height()
    title_rows, detail_rows = (h // 2 - 24, h // 2 + 6), (h // 2 + 16, h // 2 + 36)
    assert inked(waiting, *title_rows) > 30 and inked(waiting, *detail_rows) > 20
    # the longer title takes more ink than the short one: the text set is the text drawn
    assert inked(waiting, *title_rows) > inked(drop, *title_rows)


def test_idle_time_prepares_the_labels_a_pan_brings_in(view, qtbot):
    view.set_data(spread_data(90, 900))
    span = 200 * DAY
    view.set_visible_range(T2025 + 100 * DAY, T2025 + 100 * DAY + span)
    for _ in range(10):  # paints and idle turns, as the event loop runs them, until the view is complete
        view.render_offscreen(1.0, complete=False)
        qtbot.waitUntil(lambda: not view._idle.isActive())
        if not view.scene.incomplete:
            break
    asked: list[int] = []
    titles = view.scene.data.titles
    view.scene.data.titles = lambda ids: (asked.extend(ids), titles(ids))[1]
    before = {row for _r, row in view.frame().labels}
    view.pan(0.15)
    view.render_offscreen(1.0, complete=False)
    drawn = {row for _r, row in view.frame().labels}
    # the pan shows new labels, whose titles and images idle time had ready: nothing fetched, none left out
    assert drawn - before
    assert asked == [] and not view.scene.incomplete


# ---------------------------------------------------------------- lanes built elsewhere (the loader's thread)

def _mixed_data() -> TimelineData:
    """Points and spans over three issues and the catch-all lane, some lanes busier than others."""
    n = 60
    t0 = [T2025 + (i * 7 % 50) * DAY for i in range(n)]
    prec = [M if i % 5 == 0 else 1 for i in range(n)]
    t1 = [t + (30 * DAY if p == M else DAY) for t, p in zip(t0, prec, strict=True)]
    issue = [-1 if i % 11 == 0 else i % 3 if i % 4 else 0 for i in range(n)]
    return make_data(t0, precision=prec, t1=t1, issue=issue)


def _assert_same_lanes(a: LaneIndex, b: LaneIndex) -> None:
    arrays = [f.name for f in fields(LaneIndex) if isinstance(getattr(a, f.name), np.ndarray)]
    assert len(arrays) >= 12
    for name in arrays:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name


def test_prebuilt_lanes_give_the_scene_built_here(qtbot):
    data = _mixed_data()
    here, there = make_view(qtbot), make_view(qtbot)
    here.set_data(data)
    prebuilt = build_lanes(data)
    # the window shows the loader's data read through its own project: a copy sharing the columns
    there.set_data(replace(data, titles=data.titles), lanes=prebuilt)
    assert there.scene.lanes is prebuilt
    _assert_same_lanes(there.scene.lanes, here.scene.lanes)
    assert there.visible_range() == here.visible_range()
    assert there.render_offscreen(1.0) == here.render_offscreen(1.0)


def _other_lane_mode(data: TimelineData) -> TimelineData:
    """The same events in one lane per event (as the article mode of a project of one-event articles)."""
    n = len(data)
    return replace(data, lane_mode="article", lane_event=np.arange(n, dtype=np.int32),
                   lane_of=np.arange(n, dtype=np.int32), lane_labels=[f"Article {i}" for i in range(n)],
                   lane_issue=np.full(n, -1, np.int16), catch_all=-1)


@pytest.mark.parametrize("case", ["other lane mode", "other data", "built with a mask", "issue filter set",
                                  "event filter set"])
def test_prebuilt_lanes_that_do_not_fit_are_built_again(qtbot, case):
    data = _mixed_data()
    prebuilt = {"other lane mode": lambda: build_lanes(_other_lane_mode(data)),
                "other data": lambda: build_lanes(_mixed_data()),
                "built with a mask": lambda: build_lanes(data, data.issue != 1)}.get(case, lambda: build_lanes(data))()
    here, there = make_view(qtbot), make_view(qtbot)
    for v in (here, there):
        if case == "issue filter set":
            v.set_issue_filter({"i0", "i2"})
        if case == "event filter set":
            v.set_event_filter(data.ids[::3].tolist())
    here.set_data(data)
    there.set_data(data, lanes=prebuilt)
    assert there.scene.lanes is not prebuilt
    _assert_same_lanes(there.scene.lanes, here.scene.lanes)
    assert there.render_offscreen(1.0) == here.render_offscreen(1.0)


def test_filtered_lanes_built_elsewhere_serve_their_own_filter_only(qtbot):
    data = _mixed_data()
    ids = np.sort(data.ids[::3]).astype(np.int64)
    made = filtered_lanes(data, ids)
    assert made.serves(data, ids) and not made.serves(data)
    # another array (even an equal one), other columns, an issue filter with it: not these lanes
    assert not made.serves(data, ids.copy()) and not made.serves(_mixed_data(), ids)
    assert not filtered_lanes(data, ids, {"i0"}).serves(data, ids)
    here, there = make_view(qtbot), make_view(qtbot)
    here.set_data(data)
    here.set_event_filter(ids.tolist())
    plain = build_lanes(data)
    there.set_data(data, lanes=[plain, made], event_filter=ids)
    assert there.scene.lanes is made
    _assert_same_lanes(there.scene.lanes, here.scene.lanes)
    assert there.render_offscreen(1.0) == here.render_offscreen(1.0)
    # the filter goes: the lanes with no filter that came with the data are shown again, none built
    there.set_event_filter(None)
    assert there.scene.lanes is plain
    here.set_event_filter(None)
    assert there.render_offscreen(1.0) == here.render_offscreen(1.0)


def _assert_window_is_each_lanes_own(scene, ks: list[int], v0: float, v1: float) -> None:
    win = scene.sparse_window(ks, v0, v1)
    i0, i1 = win.points_between(v0 - DAY / 2, v1 + 3600)
    vis = (win.span_t0 < v1) & (win.span_t1 > v0)
    for j, k in enumerate(ks):
        assert win.pts[i0[j]:i1[j]].tolist() == scene.lanes.points(k, v0 - DAY / 2, v1 + 3600).tolist()
        assert win.sps[vis & (win.span_lane == j)].tolist() == scene.lanes.spans(k, v0, v1).tolist()


def test_one_window_of_several_lanes_finds_each_lanes_own_events(qtbot):
    view = make_view(qtbot)
    view.set_data(_mixed_data())
    scene = view.scene
    n = len(scene.lanes)
    rng = np.random.default_rng(3)
    v0, span = T2025, 9 * DAY
    for step in range(60):
        # pans and small zooms inside the cached window, jumps out of it, and lane sets that change
        if step % 7 == 0:
            v0 = T2025 + float(rng.uniform(-20, 60)) * DAY
        span = float(np.clip(span * rng.choice([1.0, 1.15, 1 / 1.15]), 2 * DAY, 80 * DAY))
        v0 += float(rng.uniform(-0.2, 0.2)) * span
        ks = sorted(rng.choice(n, int(rng.integers(1, n + 1)), replace=False).tolist())
        _assert_window_is_each_lanes_own(scene, ks, v0, v0 + span)
    # lanes whose own windows were cached at different views: the joined window serves only the views
    # both cover (here lane 1's window starts later, and a view before its start reads lane 1 again)
    s10 = 10 * DAY
    t = T2025 + 20 * DAY
    for ks, a in (([0], t), ([1], t + 1.5 * s10), ([0, 1], t + 0.8 * s10), ([0, 1], t - 0.5 * s10)):
        _assert_window_is_each_lanes_own(scene, ks, a, a + s10)
    # new lanes (a filter) are never served from the window of the old ones
    before = scene.sparse_window([0, 1], T2025, T2025 + 40 * DAY)
    view.set_issue_filter({"i1"})
    assert scene.sparse_window([0], T2025, T2025 + 40 * DAY) is not before
    _assert_window_is_each_lanes_own(scene, [0], T2025, T2025 + 40 * DAY)


def test_new_data_is_kept_out_of_collections_but_recent_garbage_is_not(view):
    import gc
    import weakref

    class Node:
        pass

    gc.unfreeze()
    try:
        junk = Node()
        junk.me = junk  # a cycle: only the cyclic collector frees it
        gone = weakref.ref(junk)
        del junk
        data = spread_data(20, 100)
        view.set_data(data)
        assert gc.get_freeze_count() > 0  # what the view holds is out of the collector's full passes
        assert gone() is None  # collected before the freeze, never frozen for good
        assert not any(o is data for o in gc.get_objects())  # frozen objects are not tracked as young
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_a_lone_event_is_a_visible_mark_in_the_overview(view, dpr):
    # three events over two months: each is one column of the overview's range, which must
    # still read as a mark (a bar a few pixels wide), not a hairline
    data = make_data([T2025, T2025 + 20 * DAY, T2025 + 60 * DAY])
    view.set_data(data)
    view.fit()
    view.render_offscreen(dpr)
    from viewer.ui.timeline_paint import _overview_image, overview_range

    scene = view.scene
    ov = view.frame().layout.overview
    img = _overview_image(scene, ov, *overview_range(scene), dpr)
    bg = img.pixel(0, 0)
    mid = img.height() // 2
    marked = [x for x in range(img.width()) if img.pixel(x, mid) != bg]
    # three separate marks, each at least three device pixels wide
    runs = np.split(np.array(marked), np.flatnonzero(np.diff(marked) > 1) + 1)
    assert len(runs) == 3
    assert all(len(r) >= 3 for r in runs)


def test_after_an_idle_turn_a_paint_leaves_reading_titles_to_the_next_one(view):
    # the titles a frame lacks are a query on the project file: with the event loop free between frames
    # they are read there, and the frame after that shows their labels
    data = spread_data(600, 3000)  # five days apart: single markers with labels when zoomed in
    asked: list[int] = []
    read = data.titles
    view.set_data(replace(data, titles=lambda ids: asked.extend(ids) or read(ids)))
    lo, hi = view.visible_range()
    view.set_visible_range(lo + (hi - lo) * 0.20, lo + (hi - lo) * 0.22)
    view.render_offscreen(1.0, complete=False)  # no idle turn before it: reads a batch itself
    assert asked and view.frame().labels
    while view._idle.isActive():
        view._idle.stop()
        view._on_idle()
    view.render_offscreen(1.0, complete=False)
    shown = {row for _r, row in view.frame().labels}
    # a part of the range whose titles were never read
    view.set_visible_range(lo + (hi - lo) * 0.80, lo + (hi - lo) * 0.82)
    asked.clear()
    view.render_offscreen(1.0, complete=False)
    assert not asked and view.scene.incomplete  # nothing read in the frame, and it knows it lacks labels
    before = {row for _r, row in view.frame().labels}
    assert before <= shown
    assert view._idle.isActive()
    view._idle.stop()
    view._on_idle()
    assert asked  # read in the idle turn
    view.render_offscreen(1.0, complete=False)
    assert {row for _r, row in view.frame().labels} - shown
