"""Export the timeline to PNG (and SVG) with the same painter as the screen.

No window is needed: everything renders into an offscreen QImage. A large PNG is
painted in horizontal bands of at most ``BAND_BYTES`` and streamed
into the file (our own minimal PNG writer: IHDR, zlib-compressed IDAT chunks,
IEND), so memory stays bounded whatever the size: a 16000 x 4000 image never
exists in memory at once.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter

from viewer.core.timeline_data import TimelineData
from viewer.ui.timeline_paint import (
    AXIS_H,
    COLLAPSED_H,
    HEADER_W,
    LANE_H,
    LIGHT,
    OVERVIEW_H,
    Theme,
    TimelineScene,
    paint_timeline,
)

MAX_SIDE = 32_000  # device pixels; beyond this PNG viewers struggle and the request is likely a typo
MIN_LANE_H = 20.0
BAND_BYTES = 12 << 20  # device pixels painted per band, in bytes of RGB32


class ExportError(ValueError):
    """The export cannot be made as asked; the message says why."""


def make_export_scene(data: TimelineData, issues: list[tuple[str, str, str]], width: float, height: float,
                      t0: float | None = None, t1: float | None = None, highlight: Iterable[int] = (),
                      legend: bool = True, overview: bool = False,
                      issue_filter: set[str] | None = None, collapsed: set[str] | None = None,
                      event_filter: Iterable[int] | None = None, theme: Theme = LIGHT) -> TimelineScene:
    """A scene for export: the range given (whole range by default), lanes squeezed to fit the height.

    Light by default whatever the screen shows: an export goes into reports and slides, which
    are printed or shown on white pages; ``theme`` DARK matches a dark screen.
    """
    scene = TimelineScene(data, issues)
    scene.set_theme(theme)
    scene.show_legend = legend
    scene.show_overview = overview
    if issue_filter is not None or event_filter is not None:
        scene.issue_filter = None if issue_filter is None else set(issue_filter)
        scene.event_filter = None if event_filter is None else np.fromiter(event_filter, np.int64)
        scene.rebuild_lanes()
    if collapsed:
        scene.collapsed = set(collapsed)
    if t0 is not None and t1 is not None:
        if not t1 > t0:
            raise ExportError(f"export range: end {t1} is not after start {t0}")
        scene.v0, scene.v1 = float(t0), float(t1)
    else:
        scene.fit(width - HEADER_W)  # like the screen's fit: room for the last event's label
    scene.set_highlight(highlight)
    # fit lanes into the height where possible (down to MIN_LANE_H), else the lowest lanes are cut
    top = OVERVIEW_H + 6 if overview else 6.0
    avail = height - top - AXIS_H - (scene.legend_height(width) if legend else 0.0)
    n_open = len(scene.lanes) - int(np.count_nonzero(scene.closed_lanes()))
    n_closed = len(scene.lanes) - n_open
    if n_open:
        # as on screen; lanes shrink (down to MIN_LANE_H) only when there are more than fit
        scene.lane_h = float(min(LANE_H, max(MIN_LANE_H, (avail - n_closed * COLLAPSED_H) / n_open)))
    return scene


def _check_size(width: int, height: int, scale: float) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise ExportError(f"export size {width}x{height}: width and height must be positive")
    if scale <= 0:
        raise ExportError(f"export scale {scale}: must be positive")
    w_dev, h_dev = int(round(width * scale)), int(round(height * scale))
    if max(w_dev, h_dev) > MAX_SIDE:
        raise ExportError(f"export size {w_dev}x{h_dev} px: the longest side may be at most {MAX_SIDE} px")
    return w_dev, h_dev


def render_bands(scene: TimelineScene, width: int, height: int, scale: float = 1.0,
                 band_rows: int | None = None):
    """Yield ``(y0, QImage)`` bands (RGB32, device pixels) covering the whole picture, top to bottom.

    ``band_rows`` None: as many rows as fit ``BAND_BYTES`` (a few copies of a band exist at once
    while it is converted and compressed, so this bounds the export's memory).
    """
    w_dev, h_dev = _check_size(width, height, scale)
    if band_rows is None:
        band_rows = BAND_BYTES // (w_dev * 4)
    band_rows = max(int(band_rows), 16)
    for y0 in range(0, h_dev, band_rows):
        rows = min(band_rows, h_dev - y0)
        img = QImage(w_dev, rows, QImage.Format.Format_RGB32)
        img.fill(scene.theme.bg)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.translate(0, -y0)
        p.scale(scale, scale)
        ly0, ly1 = y0 / scale, (y0 + rows) / scale
        p.setClipRect(QRectF(0, ly0, width, ly1 - ly0))
        paint_timeline(p, scene, float(width), float(height), scale, band=(ly0, ly1))
        p.end()
        yield y0, img


def render_image(scene: TimelineScene, width: int, height: int, scale: float = 1.0) -> QImage:
    """The whole picture as one QImage (for small sizes, previews and tests)."""
    w_dev, h_dev = _check_size(width, height, scale)
    out = QImage(w_dev, h_dev, QImage.Format.Format_RGB32)
    p = QPainter(out)
    for y0, band in render_bands(scene, width, height, scale, band_rows=h_dev):
        p.drawImage(0, y0, band)
    p.end()
    return out


class _PngStream:
    """Minimal streaming PNG writer for 8-bit RGB rows (filter 'Sub' per row)."""

    def __init__(self, path: Path, width: int, height: int, level: int = 3) -> None:
        self.f = open(path, "wb")
        self.width = width
        self.z = zlib.compressobj(level)
        self.f.write(b"\x89PNG\r\n\x1a\n")
        self._chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))

    def _chunk(self, kind: bytes, payload: bytes) -> None:
        self.f.write(struct.pack(">I", len(payload)))
        self.f.write(kind)
        self.f.write(payload)
        self.f.write(struct.pack(">I", zlib.crc32(payload, zlib.crc32(kind)) & 0xFFFFFFFF))

    def write_rows(self, rgb: np.ndarray) -> None:
        """``rgb``: (rows, width, 3) uint8."""
        rows = rgb.shape[0]
        flat = rgb.reshape(rows, -1)
        out = np.empty((rows, flat.shape[1] + 1), np.uint8)
        out[:, 0] = 1  # Sub filter: flat backgrounds compress to almost nothing
        out[:, 1:4] = flat[:, :3]
        np.subtract(flat[:, 3:], flat[:, :-3], out=out[:, 4:], dtype=np.uint8, casting="unsafe")
        data = self.z.compress(out.tobytes())
        if data:
            self._chunk(b"IDAT", data)

    def close(self) -> None:
        self._chunk(b"IDAT", self.z.flush())
        self._chunk(b"IEND", b"")
        self.f.close()


def _rgb_rows(img: QImage) -> np.ndarray:
    """(rows, width, 3) RGB view of an RGB32 QImage (BGRA bytes in memory on little-endian)."""
    w, h = img.width(), img.height()
    buf = np.frombuffer(img.constBits(), np.uint8, count=img.bytesPerLine() * h)
    arr = buf.reshape(h, img.bytesPerLine())[:, : w * 4].reshape(h, w, 4)
    return arr[:, :, 2::-1]


def write_png(scene: TimelineScene, path: str | Path, width: int, height: int, scale: float = 1.0,
              band_rows: int | None = None) -> None:
    """Paint ``scene`` into ``path`` band by band."""
    w_dev, h_dev = _check_size(width, height, scale)
    path = Path(path)
    png = _PngStream(path, w_dev, h_dev)
    try:
        for _y0, band in render_bands(scene, width, height, scale, band_rows):
            png.write_rows(_rgb_rows(band))
    finally:
        png.close()


def export_png(data: TimelineData, issues: list[tuple[str, str, str]], path: str | Path, width: int,
               height: int, scale: float = 1.0, t0: float | None = None, t1: float | None = None,
               lane_mode: str = "issue", highlight: Iterable[int] = (), legend: bool = True,
               overview: bool = False, issue_filter: set[str] | None = None, band_rows: int | None = None,
               event_filter: Iterable[int] | None = None, theme: Theme = LIGHT) -> None:
    """Write the timeline as a PNG of ``width`` x ``height`` logical pixels times ``scale``.

    ``t0``/``t1`` (seconds) choose the range; both None means the whole range.
    ``lane_mode`` is informational: the lanes are those ``data`` was built with
    (``load_timeline(project, lane_mode)``); a mismatch is an error so an export
    never silently shows other lanes than asked.
    """
    if lane_mode != data.lane_mode and len(data):
        raise ExportError(f"export lanes {lane_mode!r}: the data was loaded with lanes {data.lane_mode!r}")
    scene = make_export_scene(data, issues, width, height, t0, t1, highlight, legend, overview, issue_filter,
                              event_filter=event_filter, theme=theme)
    write_png(scene, path, width, height, scale, band_rows)


def export_svg(data: TimelineData, issues: list[tuple[str, str, str]], path: str | Path, width: int,
               height: int, t0: float | None = None, t1: float | None = None,
               highlight: Iterable[int] = (), legend: bool = True, title: str = "Dateline timeline") -> None:
    """Write the timeline as SVG (vector text, markers and axis; dense lanes embed as images)."""
    from PySide6.QtSvg import QSvgGenerator

    _check_size(width, height, 1.0)
    scene = make_export_scene(data, issues, width, height, t0, t1, highlight, legend)
    scene.label_dpr = None  # real text in the SVG, not label images
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(width), int(height)))
    gen.setViewBox(QRectF(0, 0, width, height))
    gen.setTitle(title)
    p = QPainter(gen)
    paint_timeline(p, scene, float(width), float(height), 1.0)
    p.end()
