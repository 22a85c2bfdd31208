"""PNG/SVG export: same painter as the screen, requested size, text drawn, bands bounded."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QColor, QFontDatabase, QImage

from tests.test_timeline_fixtures import DAY, ISSUES, T2025, M, make_data
from viewer.ui.export import ExportError, export_png, export_svg, make_export_scene, render_image, write_png
from viewer.ui.timeline import TimelineView
from viewer.ui.timeline_paint import TEXT


def sample_data():
    n = 60
    t0 = [T2025 + (i * 5) * DAY for i in range(n)] + [T2025 + 31 * DAY]
    prec = [1] * n + [M]
    t1 = [t + DAY for t in t0[:n]] + [T2025 + 59 * DAY]
    return make_data(t0, precision=prec, t1=t1, issue=[i % 3 for i in range(n)] + [1])


def _diff_fraction(a: QImage, b: QImage) -> float:
    a = a.convertToFormat(QImage.Format.Format_RGB32)
    b = b.convertToFormat(QImage.Format.Format_RGB32)
    assert (a.width(), a.height()) == (b.width(), b.height())
    n = diff = 0
    for y in range(0, a.height(), 2):
        for x in range(0, a.width(), 2):
            n += 1
            if a.pixel(x, y) != b.pixel(x, y):
                diff += 1
    return diff / n


def _has_text_pixels(img: QImage, x0: int, y0: int, x1: int, y1: int) -> bool:
    for y in range(y0, y1):
        for x in range(x0, x1):
            c = QColor(img.pixel(x, y))
            if abs(c.red() - TEXT.red()) + abs(c.green() - TEXT.green()) + abs(c.blue() - TEXT.blue()) < 90:
                return True
    return False


def test_export_size_and_text(qapp, tmp_path):
    assert QFontDatabase.families(), "no fonts: text cannot render"
    out = tmp_path / "t.png"
    export_png(sample_data(), ISSUES, out, 900, 400)
    img = QImage(str(out))
    assert (img.width(), img.height()) == (900, 400)
    # axis labels sit under the plot; the legend names the issues at the bottom
    assert _has_text_pixels(img, 170, 400 - 70, 890, 400 - 40)
    assert _has_text_pixels(img, 0, 400 - 30, 400, 400)
    out2 = tmp_path / "t2.png"
    export_png(sample_data(), ISSUES, out2, 450, 200, scale=2.0)
    assert QImage(str(out2)).size().toTuple() == (900, 400)


def test_export_matches_screen_grab(qtbot, tmp_path):
    data = sample_data()
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(900, 360)
    view.set_issues(ISSUES)
    view.set_data(data)
    view.set_visible_range(T2025 + 20 * DAY, T2025 + 140 * DAY)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    # as a user sees it once the labels left for idle time are in (a few ms later)
    qtbot.waitUntil(lambda: not view._idle.isActive() and not view.scene.has_pending())
    grab = view.grab().toImage()
    assert not view.scene.incomplete
    out = tmp_path / "same.png"
    v0, v1 = view.visible_range()
    export_png(data, ISSUES, out, 900, 360, t0=v0, t1=v1, legend=False, overview=True)
    exported = QImage(str(out))
    assert _diff_fraction(grab, exported) < 0.002


def test_bands_give_the_same_picture(qapp, tmp_path):
    data = sample_data()
    scene = make_export_scene(data, ISSUES, 800, 300)
    one = render_image(scene, 800, 300)
    out = tmp_path / "bands.png"
    write_png(scene, out, 800, 300, band_rows=37)  # bands that cut through lanes and labels
    banded = QImage(str(out))
    assert _diff_fraction(one, banded) < 0.003


def test_svg_export(qapp, tmp_path):
    out = tmp_path / "t.svg"
    export_svg(sample_data(), ISSUES, out, 800, 300)
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "Tariffs" in text


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"width": 0, "height": 100}, "positive"),
        ({"width": 100, "height": 100, "scale": 0}, "scale"),
        ({"width": 40000, "height": 100}, "longest side"),
        ({"width": 100, "height": 100, "t0": 10.0, "t1": 5.0}, "not after"),
        ({"width": 100, "height": 100, "lane_mode": "actor"}, "lanes"),
    ],
)
def test_export_errors(qapp, tmp_path, kwargs, message):
    with pytest.raises(ExportError, match=message):
        export_png(sample_data(), ISSUES, tmp_path / "x.png", **kwargs)


def test_export_of_empty_data_draws_empty_state(qapp, tmp_path):
    from viewer.core.timeline_data import TimelineData

    out = tmp_path / "e.png"
    export_png(TimelineData.empty(), ISSUES, out, 600, 300)
    img = QImage(str(out))
    assert img.width() == 600
    assert len({img.pixel(x, 150) for x in range(0, 600, 3)}) > 1
