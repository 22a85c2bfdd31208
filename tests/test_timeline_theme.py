"""The timeline canvas follows the application palette: dark when the window colour is dark."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from tests.test_timeline_fixtures import ISSUES
from tests.test_timeline_view import make_view, spread_data
from viewer.ui.export import make_export_scene, render_image
from viewer.ui.timeline import TimelineView
from viewer.ui.timeline_paint import DARK, LIGHT, _contrast, theme_for_palette


def _palette(window: str, text: str) -> QPalette:
    pal = QPalette(QApplication.instance().palette())
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        pal.setColor(role, QColor(window))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(role, QColor(text))
    return pal


@pytest.fixture
def app_palette(qapp):
    """Set the application palette in a test; the original comes back afterwards."""
    def set_palette(pal: QPalette) -> None:
        qapp.setPalette(pal)
        qapp.processEvents()  # widgets learn of the change from a posted event

    before = QPalette(qapp.palette())
    yield set_palette
    set_palette(before)


@pytest.fixture
def view(qtbot):
    v = make_view(qtbot, 900, 360)
    v.set_data(spread_data(12, 240))
    v.show()
    qtbot.waitExposed(v)
    return v


def _lightness(img: QImage, x: int, y: int) -> int:
    return QColor(img.pixel(x, y)).lightness()


def _background(img: QImage, view: TimelineView) -> int:
    """Lightness of the canvas where nothing is drawn: the axis strip's left end, under the header."""
    ax = view.frame().layout.axis
    return _lightness(img, 4, int(ax.bottom()) - 3)


def _label_ink(img: QImage, view: TimelineView) -> list[int]:
    """Lightness of the label pixels: those that differ most from the background around them."""
    rect, _row = view.frame().labels[0]
    bg = _lightness(img, int(rect.left()) - 1, int(rect.top()))
    ink = [_lightness(img, x, y) for y in range(int(rect.top()), int(rect.bottom()))
           for x in range(int(rect.left()), int(rect.right()))]
    return sorted(ink, key=lambda v: -abs(v - bg))[:20]


@pytest.mark.parametrize("window, text, dark", [("#202329", "#E6E9EF", True), ("#F4F4F4", "#111111", False),
                                                 ("#3C3F41", "#BBBBBB", True), ("#ECECEC", "#000000", False)])
def test_canvas_follows_the_palette(view, app_palette, window, text, dark):
    app_palette(_palette(window, text))
    img = view.grab().toImage()  # a real paint of the widget
    assert view.frame().labels, "no label drawn"
    bg, ink = _background(img, view), _label_ink(img, view)
    if dark:
        assert bg < 60, f"background lightness {bg}: not dark"
        assert min(ink) > 170, f"label lightness {ink[:5]}: not light on dark"
    else:
        assert bg > 220, f"background lightness {bg}: not light"
        assert max(ink) < 90, f"label lightness {ink[:5]}: not dark on light"


def test_palette_change_at_run_time_repaints_in_the_new_theme(view, app_palette, qtbot):
    app_palette(_palette("#F4F4F4", "#111111"))
    assert _background(view.grab().toImage(), view) > 220
    painted = []
    orig = view._paint
    view._paint = lambda p, dpr: (painted.append(view.scene.theme), orig(p, dpr))  # type: ignore[method-assign]
    app_palette(_palette("#202329", "#E6E9EF"))
    # the change asks for a repaint by itself (no one else calls update)
    qtbot.waitUntil(lambda: DARK in painted, timeout=2000)
    assert _background(view.grab().toImage(), view) < 60
    app_palette(_palette("#F4F4F4", "#111111"))
    assert view.scene.theme is LIGHT
    assert _background(view.grab().toImage(), view) > 220


def test_export_stays_light_for_reports_unless_asked(view, app_palette):
    app_palette(_palette("#202329", "#E6E9EF"))
    data = view.data()
    light = render_image(make_export_scene(data, ISSUES, 700, 300), 700, 300)
    dark = render_image(make_export_scene(data, ISSUES, 700, 300, theme=DARK), 700, 300)
    assert _lightness(light, 4, 300 - 60) > 220
    assert _lightness(dark, 4, 300 - 60) < 60


@pytest.mark.parametrize("colour", ["#332288", "#882255", "#117733", "#000000", "#0072B2", "#E69F00", "#DDDDDD"])
def test_issue_colours_stay_readable_on_dark(colour):
    c = QColor(colour)
    on_dark = DARK.issue_colour(c)
    assert _contrast(on_dark, DARK.bg) >= DARK.min_contrast - 0.05
    if _contrast(c, DARK.bg) >= DARK.min_contrast:
        assert on_dark == c  # bright enough already: unchanged
    elif c.hslHue() >= 0:
        assert abs(on_dark.hslHue() - c.hslHue()) <= 3  # lightened, same hue
    assert LIGHT.issue_colour(c) == c  # the light theme draws issue colours as given


def test_theme_for_palette_threshold():
    assert theme_for_palette(QColor("#000000")) is DARK
    assert theme_for_palette(QColor("#7A7A7A")) is DARK
    assert theme_for_palette(QColor("#858585")) is LIGHT
    assert theme_for_palette(QColor("#FFFFFF")) is LIGHT


def test_warnings_and_highlights_keep_dark_ink_in_a_dark_theme(app_palette, qtbot, tmp_path, monkeypatch):
    """The date banner is yellow and the source marks are light: their text must not take the
    dark theme's light text colour."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor

    from viewer.ui.main_window import MainWindow

    app_palette(_palette("#202124", "#E8EAED"))  # the system is dark when the window opens
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    window = MainWindow(tmp_path / "p.dateline")
    qtbot.addWidget(window)
    window.show()
    window.banner_label.setText("An article waits for a publication date")
    window.banner.show()
    qtbot.waitExposed(window)
    bar = window.banner.grab().toImage()
    g = window.banner_label.geometry()
    assert _lightness(bar, g.right() - 2, g.center().y()) > 200  # the bar stays yellow
    darkest = min(_lightness(bar, x, y) for x in range(g.left(), g.right(), 2) for y in range(g.top(), g.bottom()))
    assert darkest < 90  # dark letters on the yellow bar

    text = "Intro. The call took place on Thursday. More."
    window.source_view.show_article(1, "t", text, evidence=(7, 39))
    cur = QTextCursor(window.source_view.text.document())
    cur.setPosition(20)
    ink = cur.charFormat().foreground()
    assert ink.style() != Qt.BrushStyle.NoBrush and ink.color().lightness() < 60
    assert cur.charFormat().background().color().lightness() > 180
