"""Rendering without a display, for the command line (`dateline export`)."""

from __future__ import annotations

import os

from viewer.store.project import Project


def ensure_gui_application():
    """A QGuiApplication for offscreen painting; fonts and QImage need one."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([])


def export_project_png(project: Project, path: str, width: int, height: int, scale: float = 1.0,
                       t0: float | None = None, t1: float | None = None, lane_mode: str = "issue") -> None:
    """Render the project's timeline to ``path`` with the same painter as the window."""
    ensure_gui_application()
    from viewer.store.columns import load_timeline
    from viewer.ui.export import export_png

    issues = project.issue_legend()
    export_png(load_timeline(project, lane_mode), issues, path, width, height, scale, t0, t1, lane_mode=lane_mode)


def export_project_svg(project: Project, path: str, width: int, height: int,
                       t0: float | None = None, t1: float | None = None, lane_mode: str = "issue") -> None:
    ensure_gui_application()
    from viewer.store.columns import load_timeline
    from viewer.ui.export import export_svg

    issues = project.issue_legend()
    export_svg(load_timeline(project, lane_mode), issues, path, width, height, t0, t1)
