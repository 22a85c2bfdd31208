"""The raster shortcuts of the timeline painter draw exactly what plain QPainter calls draw.

Whole-pixel blits of markers, spans, labels and the lane header, the axis band and its ticks
written into one numpy buffer, and grid lines written into the density buffer exist only for
speed: with ``FAST_RASTER`` off the same scene must give the same pixels, at every device ratio.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

import viewer.ui.timeline_paint as tp
from tests.test_timeline_fixtures import DAY, ISSUES, T2025, M, make_data
from viewer.ui.timeline import TimelineView


def _scene_data():
    rng = np.random.default_rng(3)
    # issue 0: thousands of events (a dense lane drawn as bars); issues 1 and 2: a few markers,
    # a five-event cluster, month spans (bars with titles) and labelled single events
    dense = (T2025 + rng.integers(0, 200, 6000) * DAY).tolist()
    sparse = [T2025 + d * DAY for d in (12, 30, 30, 30, 30, 30, 55, 90, 130, 170)]
    t0 = dense + sparse + [T2025 + 31 * DAY, T2025 + 120 * DAY]
    issue = [0] * len(dense) + [1, 2, 2, 2, 2, 2, 1, 2, 1, 2] + [1, 2]
    prec = [1] * (len(dense) + len(sparse)) + [M, M]
    t1 = [t + DAY for t in t0[:-2]] + [T2025 + 59 * DAY, T2025 + 150 * DAY]
    return make_data(t0, precision=prec, issue=issue, t1=t1)


def _render(qtbot, dpr: float, fast: bool, monkeypatch, dark: bool = False) -> np.ndarray:
    monkeypatch.setattr(tp, "FAST_RASTER", fast)
    v = TimelineView()
    qtbot.addWidget(v)
    v.resize(1100, 460)
    v.set_issues(ISSUES)
    if dark:
        v.scene.set_theme(tp.DARK)
    v.set_data(_scene_data())
    v.set_visible_range(T2025 - 3 * DAY, T2025 + 205 * DAY)
    v.select_events([6001, 6012], ensure_visible=False)
    img = v.render_offscreen(dpr)
    return np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).copy().reshape(img.height(), -1)


@pytest.mark.parametrize("dpr", [1.0, 2.0, 1.5, 1.25])
def test_fast_raster_paths_give_the_same_pixels(qtbot, monkeypatch, dpr):
    fast = _render(qtbot, dpr, True, monkeypatch)
    plain = _render(qtbot, dpr, False, monkeypatch)
    assert fast.shape == plain.shape
    # the scene really has what the shortcuts draw: bars, markers and text (not a blank canvas)
    assert len(np.unique(fast.view(np.uint32))) > 50
    diff = np.argwhere(fast.view(np.uint32) != plain.view(np.uint32))
    assert diff.size == 0, f"{len(diff)} pixels differ, first at (row, col) {diff[:3].tolist()}"


def test_fast_raster_paths_give_the_same_pixels_in_the_dark_theme(qtbot, monkeypatch):
    fast = _render(qtbot, 1.0, True, monkeypatch, dark=True)
    plain = _render(qtbot, 1.0, False, monkeypatch, dark=True)
    assert np.array_equal(fast, plain)


@pytest.mark.parametrize("dpr", [1.0, 1.25, 1.5, 2.0])
@pytest.mark.parametrize("height", [460, 461])
def test_every_device_pixel_is_painted(qtbot, dpr, height):
    # at a fractional device ratio the plot's edges fall inside pixel rows: those rows must still be
    # painted, or the previous frame's pixels (on screen: the backing store's) show through as a line
    from PySide6.QtGui import QImage, QPainter

    v = TimelineView()
    qtbot.addWidget(v)
    v.resize(1100, height)
    v.set_issues(ISSUES)
    v.set_data(_scene_data())
    v.set_visible_range(T2025 - 3 * DAY, T2025 + 205 * DAY)
    img = QImage(int(1100 * dpr), int(height * dpr), QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(dpr)
    sentinel = 0xFFFF00FF  # a magenta the theme never uses
    img.fill(sentinel)
    p = QPainter(img)
    tp.paint_timeline(p, v.scene, 1100.0, float(height), dpr)
    p.end()
    px = np.frombuffer(img.constBits(), np.uint32, img.sizeInBytes() // 4).reshape(img.height(), -1)
    left = np.argwhere(px == sentinel)
    assert left.size == 0, f"{len(left)} pixels left unpainted, rows {np.unique(left[:, 0])[:5].tolist()}"
