"""The Dateline window: timeline in the middle, panels around it."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QDate,
    QEventLoop,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from viewer.core.memory import release_freed_memory
from viewer.core.timeline_data import LaneIndex, TimelineData, build_lanes, filtered_lanes
from viewer.store.columns import Columns, build_timeline, data_version, read_through
from viewer.store.edits import EditError
from viewer.store.exchange import export_file
from viewer.store.filters import (
    Filter,
    FilterError,
    SavedView,
    filtered_leader_array,
    list_views,
    load_view,
    save_view,
)
from viewer.store.project import Project, ProjectError, seconds_to_date, upgrade_pending
from viewer.store.queries import actor_card, mention_spans
from viewer.store.search import matching_event_ids
from viewer.ui import undo
from viewer.ui.actor_card import ActorCardDialog
from viewer.ui.columns_loader import ProjectJob, ViewLoader
from viewer.ui.event_details import EventDetails
from viewer.ui.export import export_png
from viewer.ui.filter_bar import FilterBar
from viewer.ui.ingest_report import IngestReportDialog
from viewer.ui.ingest_worker import IngestRunner
from viewer.ui.panel_views import ChoiceDelegate, PanelTableView, PanelTreeView
from viewer.ui.qt_models import (
    ACTOR_KINDS,
    ROW_ROLE,
    UNATTRIBUTED,
    ActorsModel,
    ArticlesModel,
    IssuesTreeModel,
    QuotesModel,
    RowTableModel,
    SortProxy,
    SortSpec,
    sort_rows,
)
from viewer.ui.retag_worker import RetagResult, RetagRunner
from viewer.ui.source_view import SourceView
from viewer.ui.timeline import TimelineView
from viewer.workflow import (
    APP_NAME,
    SAMPLE,
    IngestReport,
    ProjectView,
    default_project_path,
    open_project,
    read_view,
    set_article_date,
    warm_up,
    why_no_timeline,
)

ORG = "Dateline"
#: a project of more events than this is read on another thread (panels and timeline): the window
#: shows what it has, or "Loading…", until the rows arrive (at 20,000 events a read takes ~0.1 s)
BACKGROUND_ABOVE = 20_000
#: the table panels whose rows the reading thread sorts as the view shows them (model attribute, view's field)
_SORTED_PANELS = (("actors_model", "actors"), ("quotes_model", "quotes"), ("articles_model", "articles"))


class _Finished(QObject):
    """Tells the UI thread that work on another thread has ended (a signal crosses threads safely)."""

    finished = Signal()


@dataclass(frozen=True)
class _ViewRequest:
    """A read of the project on the loader's thread that the window waits for."""

    number: int
    fit: bool
    path: Path | None
    again: bool = False  # the window asked to refresh after this read began: its answer may be old
    drawn: bool = False  # the timeline of its columns is drawn; the panels' rows are still to come


@dataclass(frozen=True)
class _Built:
    """The timeline the loader's thread built of its read, so that the window only swaps it in."""

    timeline: TimelineData  # in the lane mode of the request (titles read through the thread's project)
    lanes: LaneIndex  # build_lanes(timeline): the lanes with no filter
    issues: list[tuple[str, str, str]]  # the legend: Project.issue_legend()
    filter: Filter | None = None  # the window's filter the thread worked out (None: none asked)
    ids: np.ndarray | None = None  # its events (filtered_leader_array), or the event ids it was given
    filtered: LaneIndex | None = None  # filtered_lanes(timeline, ids)


def _built(columns: Columns, project: Project, mode: str, f: Filter | None = None,
           ids: np.ndarray | None = None) -> _Built:
    """The timeline of ``columns`` in lane ``mode``, its lanes and the legend, and with a filter its
    events and their lanes: the filter ``f`` worked out, or the event ``ids`` of the filter shown
    (run off the UI thread: a filter letting a million events through took 2 s there, and sorting
    their lanes 0.15-0.3 s)."""
    timeline = build_timeline(project, columns, mode)
    if ids is None and f is not None and not f.is_empty():
        ids = filtered_leader_array(project, f)
    return _Built(timeline, build_lanes(timeline), project.issue_legend(), f, ids,
                  filtered_lanes(timeline, ids) if ids is not None else None)


def _filter_read(project: Project, f: Filter, data: TimelineData) -> tuple[np.ndarray, LaneIndex]:
    """The events of ``f`` and the lanes of ``data`` (the timeline shown) they make (off the UI thread)."""
    ids = filtered_leader_array(project, f)
    return ids, filtered_lanes(data, ids)


def _panel_view(view, model, name: str) -> SortProxy:
    """What every panel view shares: a sorting/filtering proxy, row selection; cells are edited in
    place only where the model says so (viewer/ui/panel_views.py)."""
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view.setObjectName(name)
    view.setAccessibleName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    return proxy


def row_runs(rows: Sequence[int] | np.ndarray) -> list[tuple[int, int]]:
    """Ascending row numbers as runs of adjacent rows: (first, last) each."""
    r = np.asarray(rows, np.int64)
    if not r.size:
        return []
    cut = np.flatnonzero(np.diff(r) != 1) + 1  # where a run ends and the next begins
    return list(zip(r[np.r_[0, cut]].tolist(), r[np.r_[cut - 1, r.size - 1]].tolist(), strict=True))


def first_column_width(view: QTableView, in_view: int) -> int:
    """Width of a panel's first column: what the next ``in_view - 1`` columns leave, at least 150 px."""
    h = view.horizontalHeader()
    return max(150, view.viewport().width() - sum(h.sectionSize(c) for c in range(1, in_view)))


def _table(model: RowTableModel, name: str) -> tuple[PanelTableView, SortProxy]:
    view = PanelTableView()
    proxy = _panel_view(view, model, name)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    # sizing columns from every row costs seconds on big panels; a sample of rows is enough (a
    # column's width is measured over the rows of the *vertical* header's precision)
    view.horizontalHeader().setResizeContentsPrecision(50)
    view.verticalHeader().setResizeContentsPrecision(50)
    return view, proxy


def _tree(model: IssuesTreeModel, name: str) -> tuple[PanelTreeView, SortProxy]:
    view = PanelTreeView()
    proxy = _panel_view(view, model, name)
    proxy.setRecursiveFilteringEnabled(True)
    view.setUniformRowHeights(True)
    return view, proxy


class DateDialog(QDialog):
    """Ask for an article's publication date."""

    def __init__(self, title: str, current: date | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set publication date")
        lay = QVBoxLayout(self)
        msg = QLabel(
            f"<b>{title}</b><br>When was this article published? Its relative dates "
            "(“Thursday”, “in May”) are resolved against this date."
        )
        msg.setWordWrap(True)
        lay.addWidget(msg)
        form = QFormLayout()
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        d = current or date.today()
        self.edit.setDate(QDate(d.year, d.month, d.day))
        form.addRow("Published:", self.edit)
        lay.addLayout(form)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        lay.addWidget(box)

    def value(self) -> date:
        q = self.edit.date()
        return date(q.year(), q.month(), q.day())


class ExportDialog(QDialog):
    """Width, height, scale and range of a PNG export."""

    def __init__(self, width: int, height: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export PNG")
        form = QFormLayout(self)
        self.width = QSpinBox()
        self.width.setRange(200, 20000)
        self.width.setValue(width)
        self.height = QSpinBox()
        self.height.setRange(150, 20000)
        self.height.setValue(height)
        self.scale = QComboBox()
        self.scale.addItems(["1x", "2x"])
        self.range = QComboBox()
        self.range.addItems(["Current view", "Whole range"])
        form.addRow("Width (px):", self.width)
        form.addRow("Height (px):", self.height)
        form.addRow("Scale:", self.scale)
        form.addRow("Range:", self.range)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)


class MainWindow(QMainWindow):
    def __init__(self, project_path: Path) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.project: Project | None = None
        self.project_path = project_path
        self._syncing = False
        self.last_report: IngestReport | None = None
        self.last_retag: RetagResult | None = None

        self.timeline = TimelineView()
        self.timeline.setAccessibleName("Timeline")
        central = QWidget()
        col = QVBoxLayout(central)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self._date_banner())
        self.filter_bar = FilterBar()
        self.filter_bar.filterChanged.connect(self._apply_filter)
        col.addWidget(self.filter_bar)
        col.addWidget(self.timeline, 1)
        self.setCentralWidget(central)

        self.actors_model = ActorsModel(self)
        self.issues_model = IssuesTreeModel(self)
        self.quotes_model = QuotesModel(self)
        self.articles_model = ArticlesModel(self)
        self.actors_view, self.actors_proxy = _table(self.actors_model, "Actors")
        self.issues_view, self.issues_proxy = _tree(self.issues_model, "Trade issues")
        self.quotes_view, self.quotes_proxy = _table(self.quotes_model, "Quotes")
        self.articles_view, self.articles_proxy = _table(self.articles_model, "Articles")
        self._in_place_editing()
        self.source_view = SourceView()
        # the window owns the undo stack; panels hold it weakly
        self.undo_stack = QUndoStack(self)
        self._stack_index = 0
        self.undo_stack.indexChanged.connect(self._on_stack_index)
        self.details = EventDetails(self.undo_stack)
        self.details.eventCreated.connect(self._on_event_created)
        self.details.sourceRequested.connect(lambda a, st, en: self.show_source(a, (st, en)))
        self.details.errorOccurred.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.details.eventSplit.connect(lambda e: self._select_when_shown({e}))

        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("Actors", self._with_search(self.actors_view, self.actors_proxy, "Search actors…"),
                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("Trade issues", self.issues_view, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Quotes", self._quotes_panel(), Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Articles", self._articles_panel(), Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("Source", self.source_view, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("Event details", self.details, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["Articles"], self.docks["Source"])
        self.tabifyDockWidget(self.docks["Source"], self.docks["Event details"])
        self.docks["Articles"].raise_()
        self.resizeDocks([self.docks["Actors"], self.docks["Trade issues"]], [400, 360], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Articles"]], [230], Qt.Orientation.Vertical)
        # busiest first, as an analyst scans them
        self.actors_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.issues_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.quotes_view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.articles_view.sortByColumn(2, Qt.SortOrder.AscendingOrder)

        self.runner = IngestRunner(self)
        self.runner.progress.connect(self._on_ingest_progress)
        self.runner.partial.connect(self._on_ingest_partial)
        self.runner.loaded.connect(self._on_ingest_loaded)
        self.runner.finished.connect(self._on_ingest_finished)
        self.retagger = RetagRunner(self)
        self.retagger.progress.connect(self._on_retag_progress)
        self.retagger.finished.connect(self._on_retag_finished)
        self._partial: tuple | None = None  # the latest timeline columns and counts from the worker
        self._ingest_view: ProjectView | None = None  # what the worker read once its last file was stored
        self._changes_seen = 0  # the window's own writes (total_changes) when the worker last saw the project
        self._to_resize: list[QTableView] = []
        # columns a panel keeps in view: actor name, kind, events, quotes; quote, speaker, date; all of an article
        self._in_view = {self.actors_view: 4, self.quotes_view: 3,
                         self.articles_view: self.articles_model.columnCount()}
        self.view_loader = ViewLoader(self)
        self.view_loader.columns_read.connect(self._on_columns_read)
        self.view_loader.loaded.connect(self._on_view_loaded)
        self._view_request: _ViewRequest | None = None  # the read awaited
        self.lane_job = ProjectJob(self)
        self.lane_job.done.connect(self._on_lanes_built)
        self._lanes_request: tuple[int, Columns, str] | None = None  # (number, of columns, lane mode) awaited
        self.filter_job = ProjectJob(self)
        self.filter_job.done.connect(self._on_filter_read)
        self._filter_request: tuple[int, Filter, int] | None = None  # (number, filter, data version) awaited
        # once a big read, lanes or a filter have replaced what was shown (and the frames after it are
        # painted), the memory the old arrays held goes back to the system (viewer/core/memory.py)
        self._trim_timer = QTimer(self)
        self._trim_timer.setSingleShot(True)
        self._trim_timer.setInterval(300)
        self._trim_timer.timeout.connect(lambda: release_freed_memory())
        self._shown_path: Path | None = None  # the project whose rows the panels show
        self._columns: tuple[int, Columns] | None = None  # (data version, columns) the timeline was drawn from
        self._select_later: set[int] = set()  # events to select once the timeline has them
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(0)
        self._resize_timer.timeout.connect(self._resize_next_panel)

        self._build_actions()
        self._build_status()
        self._connect_selection()
        self.resize(1400, 900)
        self.open_project(project_path)

    # ------------------------------------------------------------ layout
    def _add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[title] = dock

    def _with_search(self, view: QTableView, proxy: SortProxy, placeholder: str) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(placeholder.rstrip("…"))
        edit.setToolTip(f"Keep the rows of {view.objectName()} that contain these words")
        edit.setClearButtonEnabled(True)
        # the table's model keeps the matching rows itself (RowTableModel.set_search): fast on big panels
        edit.textChanged.connect(proxy.sourceModel().set_search)
        lay.addWidget(edit)
        lay.addWidget(view, 1)
        return w

    def _date_banner(self) -> QWidget:
        """A bar over the timeline while articles wait for a publication date."""
        self.banner = QWidget()
        self.banner.setObjectName("date-banner")
        # a yellow warning bar keeps dark text in a dark theme too (the palette's text would be light)
        self.banner.setStyleSheet("#date-banner { background: #FFF4CE; border-bottom: 1px solid #E0C060; } "
                                  "#date-banner QLabel { color: #3A3000; }")
        lay = QHBoxLayout(self.banner)
        lay.setContentsMargins(10, 4, 10, 4)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_button = QPushButton("Set date…")
        self.banner_button.setAccessibleName("Set the publication date of the article that needs one")
        self.banner_button.clicked.connect(self._set_date_of_first_needing)
        lay.addWidget(self.banner_label, 1)
        lay.addWidget(self.banner_button)
        self.banner.hide()
        return self.banner

    def _set_date_of_first_needing(self) -> None:
        needing = [a for a in self.articles_model.rows() if a.published is None]
        if needing:
            self._prompt_date(needing[0].id)

    def _quotes_panel(self) -> QWidget:
        w = self._with_search(self.quotes_view, self.quotes_proxy, "Search quotes…")
        row = QHBoxLayout()
        self.speaker_filter = QComboBox()
        self.speaker_filter.setAccessibleName("Filter quotes by speaker")
        self.issue_filter_q = QComboBox()
        self.issue_filter_q.setAccessibleName("Filter quotes by trade issue")
        for combo in (self.speaker_filter, self.issue_filter_q):
            combo.currentIndexChanged.connect(self._filter_quotes)
            row.addWidget(combo, 1)
        w.layout().insertLayout(1, row)
        return w

    def _fill_quote_filters(self) -> None:
        quotes = self.quotes_model.all_rows()
        for combo, everyone, values in (
            (self.speaker_filter, "All speakers", sorted({s or UNATTRIBUTED for s in quotes.speakers()})),
            (self.issue_filter_q, "All trade issues", sorted(quotes.issue_labels())),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for v in values:
                combo.addItem(v, v)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        self._filter_quotes()

    def _filter_quotes(self) -> None:
        """Quotes by speaker and by issue (the model keeps only those)."""
        self.quotes_model.set_filter(self.speaker_filter.currentData(), self.issue_filter_q.currentData())

    def _articles_panel(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.date_needed_label = QLabel("")
        self.date_needed_label.setStyleSheet("color: #C0392B; font-weight: bold;")
        self.set_date_button = QPushButton("Set date…")
        self.set_date_button.setToolTip("Set the selected article's publication date; its relative dates resolve")
        self.set_date_button.clicked.connect(self.set_date_of_selected_article)
        self.open_source_button = QPushButton("Show text")
        self.open_source_button.setToolTip("Show the selected article's text, its unresolved dates marked")
        self.open_source_button.clicked.connect(self._show_selected_article_text)
        bar.addWidget(self.date_needed_label, 1)
        bar.addWidget(self.open_source_button)
        bar.addWidget(self.set_date_button)
        lay.addLayout(bar)
        lay.addWidget(self.articles_view, 1)
        return w

    def _build_actions(self) -> None:
        def act(text: str, slot, shortcut=None, tip: str = "") -> QAction:
            a = QAction(text, self)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            if tip:
                a.setToolTip(tip)
                a.setStatusTip(tip)
            a.triggered.connect(slot)
            return a

        self.act_new = act("&New project…", self.new_project, QKeySequence.StandardKey.New)
        self.act_open = act("&Open project…", self.choose_project, QKeySequence.StandardKey.Open,
                            "Open a Dateline project file")
        self.act_save = act("&Save", self.save, QKeySequence.StandardKey.Save,
                            "Every change is already in the project file; this makes sure it is on disk")
        self.act_save_as = act("Save project &as…", self.save_project_as, QKeySequence.StandardKey.SaveAs)
        self.act_add = act("&Add articles…", self.choose_articles, "Ctrl+I", "Add article files to the project")
        self.act_add_folder = act("Add &folder…", self.choose_folder, None, "Add every article in a folder")
        self.act_export = act("&Export PNG…", self.export_dialog, "Ctrl+E", "Export the timeline as a PNG image")
        self.act_quit = act("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_zoom_in = act("Zoom &in", lambda: self.timeline.zoom(1.5), "Ctrl++", "Zoom in")
        self.act_zoom_out = act("Zoom &out", lambda: self.timeline.zoom(1 / 1.5), "Ctrl+-", "Zoom out")
        self.act_fit = act("&Fit all", self.timeline.fit, "Ctrl+0", "Show the whole range")
        self.act_set_date = act("Set article &date…", self.set_date_of_selected_article, "Ctrl+D")
        self.act_about = act("&About Dateline", self.about)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_new_event = act("New &event", lambda: self.details.add_event(), "Ctrl+Shift+N",
                                 "Add an event by hand")
        self.act_delete_event = act("&Delete event", self._delete_selected_events, QKeySequence.StandardKey.Delete,
                                    "Delete the selected events")
        self.act_merge_events = act("&Merge events", self._merge_selected_events, "Ctrl+M",
                                    "Make the selected events one happening with all their sources")
        self.act_verify = act("Mark &verified", self._verify_selected_events, "Ctrl+Shift+V",
                              "Mark the selected events as checked against their sources")
        self.act_search = act("&Search", self._focus_search, QKeySequence.StandardKey.Find,
                              "Search events, quotes and article text")
        self.act_fullscreen = act("&Full screen", self._toggle_fullscreen, "F11")
        self.act_filter_range = act("Filter to the &visible dates", self._filter_to_visible_range, "Ctrl+Shift+R",
                                    "Keep only events inside the dates now on screen")
        self.act_save_view = act("&Save view…", self._save_view, "Ctrl+Alt+S",
                                 "Remember the filters, lanes and range under a name")
        self.act_export_svg = act("Export &SVG…", lambda: self._export_as("svg"), None, "Timeline as SVG")
        self.act_export_csv = act("Export events as &CSV…", lambda: self._export_as("csv"))
        self.act_export_tljs = act("Export &TimelineJS JSON…", lambda: self._export_as("timelinejs"), None,
                                   "A timeline that TimelineJS3 can publish on the web")
        self.act_export_ics = act("Export &calendar (ICS)…", lambda: self._export_as("ics"))
        self.act_remove_article = act("&Remove article", self._remove_selected_article, None,
                                      "Remove the article; its events and quotes go unless sourced elsewhere")
        self.act_add_issue = act("Add a &trade issue…", self._add_issue, None,
                                 "A new trade issue with the words that mean it; the articles are tagged again")
        self.act_retag = act("Tag all articles a&gain", self.retag, None,
                             "Find the trade issues in every article again (your corrections are kept)")

        m = self.menuBar().addMenu("&File")
        for a in (self.act_new, self.act_open):
            m.addAction(a)
        self.recent_menu = m.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        for a in (self.act_save, self.act_save_as, None, self.act_add, self.act_add_folder, None, self.act_export,
                  self.act_export_svg, self.act_export_csv, self.act_export_tljs, self.act_export_ics, None,
                  self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        e = self.menuBar().addMenu("&Edit")
        for a in (self.act_undo, self.act_redo, None, self.act_search, None, self.act_new_event,
                  self.act_delete_event, self.act_merge_events, self.act_verify, None, self.act_set_date,
                  self.act_remove_article, None, self.act_add_issue, self.act_retag):
            e.addSeparator() if a is None else e.addAction(a)
        v = self.menuBar().addMenu("&View")
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_fit, self.act_fullscreen, None,
                  self.act_filter_range, self.act_save_view):
            v.addSeparator() if a is None else v.addAction(a)
        self.views_menu = v.addMenu("Saved &views")
        self.views_menu.aboutToShow.connect(self._fill_views_menu)
        v.addSeparator()
        for dock in self.docks.values():
            v.addAction(dock.toggleViewAction())
        h = self.menuBar().addMenu("&Help")
        h.addAction(self.act_about)

        tb = QToolBar("Main")
        tb.setObjectName("toolbar-main")
        self.addToolBar(tb)
        for a in (self.act_open, self.act_add, self.act_export):
            tb.addAction(a)
        tb.addSeparator()
        for a in (self.act_zoom_out, self.act_zoom_in, self.act_fit):
            tb.addAction(a)
        tb.addSeparator()
        tb.addWidget(QLabel(" Lanes: "))
        self.lane_combo = QComboBox()
        self.lane_combo.setAccessibleName("Lanes")
        self.lane_combo.setToolTip("One lane per trade issue, per actor or per article")
        self.lane_combo.addItem("Trade issue", "issue")
        self.lane_combo.addItem("Actor", "actor")
        self.lane_combo.addItem("Article", "article")
        self.lane_combo.currentIndexChanged.connect(self._on_lane_mode)
        tb.addWidget(self.lane_combo)
        tb.addSeparator()
        self.search_box = QLineEdit()
        self.search_box.setObjectName("search_box")
        self.search_box.setAccessibleName("Search events, quotes and articles")
        self.search_box.setPlaceholderText("Search events, quotes, articles…  (Enter: filter)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip("Highlights matching events as you type; Enter keeps them as a filter (Ctrl+F)")
        self.search_box.setMaximumWidth(340)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._run_search)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(
            lambda: self._apply_filter(self.filter_bar.filter().with_text(self.search_box.text().strip())))
        tb.addWidget(self.search_box)
        self._build_context_menus()

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.counts_label = QLabel()
        sb.addWidget(self.counts_label, 1)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setFormat("%v/%m")
        self.progress.hide()
        self.current_file = QLabel()
        self.current_file.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.cancel_button.hide()
        sb.addPermanentWidget(self.current_file)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        # tagging again after a taxonomy change has its own bar: it may run beside an ingest
        self.retag_progress = QProgressBar()
        self.retag_progress.setMaximumWidth(200)
        self.retag_progress.setFormat("Tagging %v/%m")
        self.retag_progress.setAccessibleName("Tagging articles again")
        self.retag_cancel = QPushButton("Stop tagging")
        self.retag_cancel.setToolTip("Stop tagging the articles again; the ones done so far keep their new tags")
        self.retag_cancel.clicked.connect(self.retagger.cancel)
        for w in (self.retag_progress, self.retag_cancel):
            w.hide()
            sb.addPermanentWidget(w)

    # ------------------------------------------------------------ project
    def open_project(self, path: Path) -> bool:
        try:
            self._upgrade(Path(path))
            project = open_project(path)
        except (ProjectError, OSError, sqlite3.Error) as exc:
            QMessageBox.warning(self, APP_NAME, f"Cannot open {path}:\n{exc}")
            return False
        self._stop_retag()
        if self.project is not None:
            self.project.close()
        self.project = project
        self.project_path = Path(path)
        self.undo_stack.clear()
        self.details.set_project(project)
        self.filter_bar.set_project(project)
        self._event_filter: np.ndarray | None = None  # the events the filter lets through, ascending
        settings = QSettings(ORG, APP_NAME)
        settings.setValue("last_project", str(self.project_path))
        recent = [str(self.project_path)] + [r for r in (settings.value("recent_projects") or [])
                                             if r != str(self.project_path)]
        settings.setValue("recent_projects", recent[:10])
        self.setWindowTitle(f"{self.project_path.name} — {APP_NAME}")
        self.source_view.clear()
        self.refresh(fit=True)
        return True

    def _upgrade(self, path: Path) -> None:
        """Migrate a big project made by an older Dateline on another thread, under a busy dialog.

        On the UI thread the window would freeze for as long as the migration takes (4 s on the
        timeline bench's million events, 22 s on a million events with their quotes and articles);
        here it keeps painting and says what it is doing. The dialog is modal, so nothing else can
        touch the project meanwhile, and this returns only when the file is ready (or raises what
        opening it raised), so callers see a project open as before.
        """
        if not upgrade_pending(path, BACKGROUND_ABOVE):
            return
        dialog = QProgressDialog(f"Upgrading {path.name} for this version of Dateline (only once)…", "", 0, 0,
                                 self)
        dialog.setWindowTitle(APP_NAME)
        dialog.setCancelButton(None)  # a migration runs in one transaction: stopping it would undo it
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        loop = QEventLoop()
        done = _Finished()
        done.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
        failed: list[BaseException] = []

        def run() -> None:
            try:
                Project(path).close()  # opening migrates
            except BaseException as exc:  # noqa: BLE001 - raised again on the UI thread
                failed.append(exc)
            finally:
                done.finished.emit()

        thread = threading.Thread(target=run, name="upgrade", daemon=True)
        thread.start()
        dialog.show()
        loop.exec()
        thread.join()
        dialog.close()
        dialog.deleteLater()
        if failed:
            raise failed[0]

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", str(self.project_path.parent / "untitled.dateline"),
                                              "Dateline projects (*.dateline)")
        if path:
            p = Path(path if path.endswith(".dateline") else path + ".dateline")
            if p.exists():
                p.unlink()
            self.open_project(p)

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(self.project_path.parent),
                                              "Dateline projects (*.dateline);;All files (*)")
        if path:
            self.open_project(Path(path))

    def save_project_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", str(self.project_path),
                                              "Dateline projects (*.dateline)")
        if path:
            self.save_as(Path(path if path.endswith(".dateline") else path + ".dateline"))

    def save(self) -> None:
        """Edits are committed as they happen; write the journal into the file so it can be copied."""
        if self.project is not None:
            self.project.checkpoint()
            self.statusBar().showMessage(f"Saved {self.project_path}", 5000)

    def save_as(self, target: Path) -> None:
        """Copy the project to ``target`` (a consistent snapshot) and continue there."""
        assert self.project is not None
        if target.exists():
            target.unlink()
        self.project.copy_to(target)
        self.open_project(target)

    # ------------------------------------------------------------ refresh
    def refresh(self, fit: bool = False, view: ProjectView | None = None) -> None:
        """Reload panels and timeline from the project (or from ``view``, read from it off this thread).

        A big project is read on the loader's thread (``_read_in_background``); a smaller one here."""
        if self.project is None:
            return
        if view is None and self._big():
            self._read_in_background(fit)
            return
        self._view_request = None  # a read in flight began before this one: its answer is older
        self._show_view(view if view is not None else read_view(self.project), fit)

    def _big(self) -> bool:
        assert self.project is not None
        return self.project.events_at_most() > BACKGROUND_ABOVE

    def _read_in_background(self, fit: bool) -> None:
        """One read at a time: a refresh asked while one runs marks it ``again``; its answer is then
        dropped and the project read anew, so what the window shows last is never older than the
        last change it was told of. Until the rows come the panels keep what they show (after an
        edit), or say "Loading…" (another project was shown)."""
        p = self.project
        assert p is not None
        request = self._view_request
        if request is not None and request.path == p.path:
            self._view_request = replace(request, fit=request.fit or fit, again=True)
            return
        self._view_request = _ViewRequest(self.view_loader.load(p.path, *self._preparers()), fit, p.path)
        if self._shown_path != p.path:
            self._show_loading()

    def _preparers(self):
        """What the loader's thread runs on what it read: on the columns, the timeline in the lane mode
        of now and its lanes, and the filter of now's events and lanes (another lane mode or filter
        meanwhile: built again here); on the
        panels' rows, each table panel's rows in the panel's order of now (a panel sorted otherwise
        meanwhile sorts again)."""
        specs = {field: (getattr(self, model).columns, getattr(self, model).sort_spec())
                 for model, field in _SORTED_PANELS}
        mode = self._lane_mode()
        f = self.filter_bar.filter()

        def build(columns: Columns, project: Project) -> _Built:
            return _built(columns, project, mode, f)

        def prepare(view: ProjectView, project: Project) -> dict[str, tuple[SortSpec, list]]:
            return {field: (spec, sort_rows(columns, spec, getattr(view, field)))
                    for field, (columns, spec) in specs.items()}
        return build, prepare

    def _lane_mode(self) -> str:
        return self.lane_combo.currentData() or "issue"

    def _show_loading(self) -> None:
        """Another project's rows must not stay on screen while this one is read."""
        assert self.project is not None
        for model in (self.actors_model, self.issues_model, self.quotes_model, self.articles_model):
            model.set_rows([])
        for view in self._panel_views():
            view.set_placeholder("Loading…")
        self._shown_path = self.project.path
        self._columns = None
        self._select_later = set()
        self._fill_quote_filters()
        self.timeline.set_data(TimelineData.empty(self._lane_mode()))
        self.timeline.set_empty_message("Reading the timeline…", "")
        self.counts_label.setText(f"Loading {self.project_path.name}…")
        self.banner.hide()
        self.date_needed_label.setText("")

    def _awaited(self, number: int) -> _ViewRequest | None:
        """The read awaited if it is request ``number`` of the project open (else its answer is one
        nobody waits for any more: a newer read's, or another project's)."""
        request = self._view_request
        if request is None or request.number != number or self.project is None or request.path != self.project.path:
            return None
        return request

    def _on_columns_read(self, number: int, columns: tuple[int, Columns], built: _Built | None) -> None:
        """The timeline first: drawn from the columns (and the timeline the thread built of them)
        while the thread goes on reading the panels' rows."""
        request = self._awaited(number)
        if request is None or request.again:
            return  # (again: the project changed meanwhile, the read that follows draws it)
        self._view_request = replace(request, drawn=True)
        self._draw_columns(columns, request.fit, built)

    def _draw_columns(self, columns: tuple[int, Columns], fit: bool, built: _Built | None = None) -> None:
        """The timeline of ``columns`` (data version, columns) with the window's filter."""
        p = self.project
        assert p is not None
        if built is not None:
            self.timeline.set_issues(built.issues)
        self._filter_request = None  # the filter of now is applied here, to these columns
        f = self.filter_bar.filter()
        if f.is_empty():
            self._event_filter = None
        elif built is not None and built.filter == f and built.ids is not None:
            self._event_filter = built.ids  # worked out by the thread, after the columns, in its read
        else:
            self._event_filter = filtered_leader_array(p, f)
        self._columns = columns
        self._show_columns(columns[1], fit, built)

    def _on_view_loaded(self, number: int, view: ProjectView | None, prepared) -> None:
        request = self._awaited(number)
        if request is None:
            return
        self._view_request = None
        if request.again:
            self._read_in_background(request.fit)  # the project changed while it was read: again
        elif view is None:
            self._show_view(read_view(self.project), request.fit)  # could not be read there: here
        else:
            self._show_view(view, request.fit, prepared, drawn=request.drawn)

    def _show_view(self, v: ProjectView, fit: bool, prepared: dict | None = None, drawn: bool = False) -> None:
        """Put ``v`` in the panels and on the timeline (``prepared``: rows sorted by ``_preparers``;
        ``drawn``: the timeline of ``v``'s columns is on screen already)."""
        p = self.project
        assert p is not None
        self._trim_timer.start()
        self._shown_path = p.path
        for view in self._panel_views():
            view.set_placeholder("")
        for model, field in _SORTED_PANELS:
            spec, rows = (prepared or {}).get(field, ("unsorted", getattr(v, field)))
            getattr(self, model).set_rows(rows, sorted_by=spec)
        issues = v.issues
        self.issues_model.set_rows(issues)
        self._fill_quote_filters()
        articles = v.articles
        self.timeline.set_issues([(i.id, i.label, i.colour) for i in issues])
        if drawn:
            self._select_pending()
        else:
            self._draw_columns((v.version, v.columns), fit)
        c = v.counts
        self.details.reload()
        need = c["date_needed"]
        self.counts_label.setText(
            f"{c['articles']} articles · {c['events']} events · {c['quotes']} quotes · {c['actors']} actors"
            + (f" · {need} need a date" if need else "")
        )
        waiting = [a for a in articles if a.published is None]
        if waiting:
            first = waiting[0]
            more = f" (and {len(waiting) - 1} more)" if len(waiting) > 1 else ""
            self.banner_label.setText(
                f"<b>“{first.title or Path(first.path).name}”</b>{more} has no publication date: its "
                f"{first.unresolved} relative date{'s' if first.unresolved != 1 else ''} (“Thursday”, “in May”…) "
                "cannot be placed on the timeline until you set it."
            )
        self.banner.setVisible(bool(waiting))
        if waiting and not c["events"]:
            n = len(waiting)
            self.timeline.set_empty_message(
                f"{n} article{'s' if n != 1 else ''} wait{'s' if n == 1 else ''} for a publication date",
                "Set it (the yellow bar above, or Articles › Set date…) and its events appear here")
        elif not c["articles"]:
            self.timeline.set_empty_message("Drop article files here",
                                            "Events appear here, one lane per trade issue, actor or article")
        elif not c["events"]:
            self.timeline.set_empty_message("No dated events yet",
                                            "None of the articles names a date that can be placed")
        self.date_needed_label.setText(
            f"{need} article{'s' if need != 1 else ''} need{'s' if need == 1 else ''} a publication date "
            "— select it and click “Set date…”" if need else ""
        )
        # measuring cells is most of a big panel's reload: one panel per turn of the event loop
        self._to_resize = [self.actors_view, self.quotes_view, self.articles_view]
        self._resize_timer.start()
        self.issues_view.expandAll()

    def _panel_views(self) -> tuple[PanelTableView | PanelTreeView, ...]:
        return (self.actors_view, self.issues_view, self.quotes_view, self.articles_view)

    def loading(self) -> bool:
        """True while a read of the project on the loader's thread is still to be shown (its timeline
        may be drawn already: the panels' rows come after it), or lanes or a filter's events worked out
        on another thread."""
        return self._view_request is not None or self._lanes_request is not None or self._filter_request is not None

    def _show_columns(self, columns: Columns, fit: bool, built: _Built | None = None) -> None:
        """Draw ``columns`` in the current lane mode, with the window's filter; keep the visible range
        unless ``fit``. ``built``: the timeline and lanes the loader's thread made of them, swapped in
        when it is of these columns in this lane mode (else they are built here)."""
        assert self.project is not None
        self._lanes_request = None  # drawn here in the lane mode of now: lanes still awaited are not needed
        self._trim_timer.start()
        keep = None if fit else self.timeline.visible_range()
        mode = self._lane_mode()
        if built is not None and built.timeline.ids is columns.ids and built.timeline.lane_mode == mode:
            # the thread's lanes with no filter, and of the filter shown when it made them for it
            self.timeline.set_data(read_through(built.timeline, self.project),
                                   lanes=[x for x in (built.lanes, built.filtered) if x is not None],
                                   event_filter=self._event_filter)
        else:
            self.timeline.set_data(build_timeline(self.project, columns, mode), event_filter=self._event_filter)
        if keep is not None and len(self.timeline.data()) and keep[1] > keep[0]:
            self.timeline.set_visible_range(*keep)
        else:
            self.timeline.fit()
        self._select_pending()

    def _select_pending(self) -> None:
        """Select the events asked for during a read once it is shown (``_select_when_shown``)."""
        if self._select_later and not self.loading():
            chosen, self._select_later = self._select_later, set()
            self.timeline.select_events(chosen)

    def _resize_next_panel(self) -> None:
        """Fit one panel's columns to their contents (the first column takes the width left)."""
        if not self._to_resize:
            return
        v = self._to_resize.pop(0)
        h = v.horizontalHeader()
        for c in range(1, v.model().columnCount()):
            v.resizeColumnToContents(c)
        # the first column (actor name, quote, title) is what a row is read by: it takes the width the
        # columns that must stay in view leave (at least 150 px); the others scroll
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(0, first_column_width(v, self._in_view[v]))
        if self._to_resize:
            self._resize_timer.start()

    def _on_lane_mode(self) -> None:
        """Lanes by another key: the columns drawn already serve while the project is as they were. A
        big project's lanes are arranged on another thread (by actor at a million events: 0.3-0.45 s
        the window would stand still), the timeline showing the lanes it has until then."""
        self._lanes_request = None
        if self.project is None:
            return
        if self._view_request is not None and not self._view_request.drawn:
            return  # the read in flight draws its timeline in the lane mode of then, this one
        if self._columns is None or self._columns[0] != data_version(self.project):
            self.refresh(fit=False)
            return
        columns = self._columns[1]
        if not self._big():
            self._show_columns(columns, fit=False)
            return
        mode = self._lane_mode()
        ids = self._event_filter
        number = self.lane_job.run(self.project.path, lambda project: _built(columns, project, mode, ids=ids))
        self._lanes_request = (number, columns, mode)
        self.statusBar().showMessage(f"Arranging the timeline by {self.lane_combo.currentText().lower()}…")

    def _on_lanes_built(self, number: int, built: _Built | None) -> None:
        """The lanes asked for last, unless the project was read again meanwhile (that read drew the
        lane mode of now); None: they could not be built there, so they are built here."""
        request = self._lanes_request
        if request is None or request[0] != number:
            return
        self._lanes_request = None
        self.statusBar().clearMessage()
        if self.project is None or self._columns is None or self._columns[1] is not request[1] \
                or self._lane_mode() != request[2]:
            return
        self._show_columns(request[1], fit=False, built=built)

    # ------------------------------------------------------------ ingest
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.ingest(paths)

    def choose_articles(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add articles", str(Path.home()),
                                                "Articles (*.txt *.text *.md *.html *.htm *.mhtml *.pdf *.docx "
                                                "*.eml *.rtf);;Timelines (*.json *.csv *.ics);;"
                                                "All files (*)")
        if files:
            self.ingest(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of articles", str(Path.home()))
        if folder:
            self.ingest([folder])

    def ingest(self, paths: list[str]) -> None:
        """Ingest files in the background; the window refreshes as files land."""
        if self.project is None:
            return
        if not self.runner.busy():
            self._changes_seen = self.project.db.conn.total_changes
        self.progress.setRange(0, 0)
        for w in (self.progress, self.current_file, self.cancel_button):
            w.show()
        self.runner.start(self.project_path, [str(p) for p in paths])

    def _on_ingest_progress(self, done: int, total: int, current: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.current_file.setText(Path(current).name if current else "")

    def _on_ingest_partial(self, columns, counts: dict) -> None:
        # the worker reads the timeline so far about twice a second; only the latest is shown, once
        # the event loop is free, however many arrived while it was busy
        if self._partial is None:
            QTimer.singleShot(0, self._refresh_during_ingest)
        self._partial = (columns, counts)

    def _refresh_during_ingest(self) -> None:
        """Show what has landed so far on the timeline; the panels reload at the end."""
        partial, self._partial = self._partial, None
        if self.project is None or partial is None:  # none since the ingest ended (the final refresh drew it)
            return
        columns, c = partial
        self._show_columns(columns, fit=True)
        self.counts_label.setText(f"{c['articles']} articles · {c['events']} events · importing…")

    def _on_ingest_loaded(self, view: ProjectView | None) -> None:
        self._ingest_view = view

    def _on_ingest_finished(self, report: IngestReport) -> None:
        self.last_report = report
        if not self.runner.busy():
            for w in (self.progress, self.current_file, self.cancel_button):
                w.hide()
        view, self._ingest_view, self._partial = self._ingest_view, None, None
        # the worker's view is the project as stored unless this window wrote to it meanwhile (an
        # edit during the ingest) or now shows another project: then read it here
        p = self.project
        if view is None or p is None or view.path != p.path or p.db.conn.total_changes != self._changes_seen:
            view = None
        self.refresh(fit=True, view=view)
        if p is not None:
            self._changes_seen = p.db.conn.total_changes
        self.statusBar().showMessage(report.summary(), 15000)
        if report.count("refused") or (report.count("duplicate") and len(report.outcomes) > 1):
            # every file with its status and reason; refused ones can be retried from there
            self._report_box = IngestReportDialog(report, self)
            self._report_box.retryRequested.connect(self.ingest)
            self._report_box.show()

    # ------------------------------------------------------------ article dates
    def _selected_article_id(self) -> int | None:
        rows = self.articles_view.selectionModel().selectedRows()
        if rows:
            return self.articles_proxy.data(rows[0], ROW_ROLE).id
        needing = [a for a in self.articles_model.rows() if a.published is None]
        return needing[0].id if needing else None

    def set_date_of_selected_article(self) -> None:
        aid = self._selected_article_id()
        if aid is not None:
            self._prompt_date(aid)

    def _prompt_date(self, article_id: int) -> None:
        row = next((a for a in self.articles_model.rows() if a.id == article_id), None)
        if row is None:
            return
        # open(), not exec(): the window stays alive (and testable) while the dialog is up
        dlg = DateDialog(row.title or row.path, row.published, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.set_article_date(article_id, dlg.value()))
        self.date_dialog = dlg
        dlg.open()

    def set_article_date(self, article_id: int, published: date | None) -> None:
        assert self.project is not None
        set_article_date(self.project, article_id, published)
        self.refresh(fit=True)
        self.statusBar().showMessage(f"Article date set to {published}; relative dates resolved", 8000)

    def _show_selected_article_text(self) -> None:
        aid = self._selected_article_id()
        if aid is None or self.project is None:
            return
        waiting = self.project.unresolved(aid)
        caption = ""
        if waiting:
            caption = ("Unresolved until the article has a date: "
                       + ", ".join(f"“{u['text']}”" for u in waiting))
        self.show_source(aid, caption=caption, marks=[(u["start_offset"], u["end_offset"]) for u in waiting])

    # ------------------------------------------------------------ selection, linked everywhere
    def _connect_selection(self) -> None:
        self.timeline.selectionChanged.connect(self._on_timeline_selection)
        self.timeline.eventActivated.connect(self.show_event_source)
        self.actors_view.selectionModel().selectionChanged.connect(self._on_actor_selection)
        self.issues_view.selectionModel().selectionChanged.connect(self._on_issue_selection)
        self.quotes_view.selectionModel().selectionChanged.connect(self._on_quote_selection)
        self.articles_view.selectionModel().selectionChanged.connect(self._on_article_selection)
        self.quotes_view.opened.connect(self._on_quote_activated)
        self.articles_view.opened.connect(lambda _i: self._show_selected_article_text())
        self.actors_view.opened.connect(lambda _i: self._actor_card())
        self.issues_model.dataChanged.connect(self._on_issue_check)

    def _selected_objects(self, view: QTableView, proxy: SortProxy) -> list:
        return [proxy.data(i, ROW_ROLE) for i in view.selectionModel().selectedRows()]

    def _select_rows(self, view, proxy: SortProxy, model,
                     pred: Callable[[Any], bool] | Sequence[int] | np.ndarray) -> None:
        """Select the rows of ``model`` where ``pred`` holds (or at these source positions), as
        runs of adjacent rows in one call: selecting tens of thousands of rows one by one merged
        each into the selection so far, and took over ten minutes (a trade issue's 55,000 quotes)."""
        sel = view.selectionModel()
        # rows by parent (the trade issues are a tree), each parent's as runs of adjacent rows
        by_parent: dict[tuple, tuple[QModelIndex, list[int]]] = {}
        if not callable(pred) and proxy.sortColumn() < 0 and proxy.rowCount() == model.rowCount():
            by_parent[()] = (QModelIndex(), pred)  # a table the proxy neither sorts nor filters
        else:
            sources = model.indexes_where(pred) if callable(pred) else [model.index(int(n), 0) for n in pred]
            for i in map(proxy.mapFromSource, sources):
                if i.isValid():
                    parent = i.parent()
                    key = (parent.isValid(), parent.row(), parent.internalId())
                    by_parent.setdefault(key, (parent, []))[1].append(i.row())
        selection = QItemSelection()
        first = None
        for parent, rows in by_parent.values():
            last = proxy.columnCount(parent) - 1
            index, add = proxy.index, selection.select
            runs = row_runs(np.sort(np.asarray(rows, np.int64)))
            for a, b in runs:
                # whole rows as ranges over every column: the Rows flag expands each range in turn,
                # quadratic in their number (20,000 scattered rows: 3.4 s instead of 0.1)
                add(index(a, 0, parent), index(b, last, parent))
            if runs and first is None:
                first = index(runs[0][0], 0, parent)
        self._syncing = True
        try:
            sel.clearSelection()
            if first is not None:
                sel.select(selection, QItemSelectionModel.SelectionFlag.Select)
                view.scrollTo(first)
        finally:
            self._syncing = False

    def _on_timeline_selection(self, event_ids: list[int]) -> None:
        if self._syncing or self.project is None:
            return
        ids = set(event_ids)
        self.timeline.set_highlight(ids)
        actor_ids = {a for e in ids for a in self.project.actor_ids_for_event(e)}
        issue_ids = {i for e in ids for i in self.project.event(e).issues}
        self._select_rows(self.actors_view, self.actors_proxy, self.actors_model, lambda a: a.id in actor_ids)
        self._select_rows(self.issues_view, self.issues_proxy, self.issues_model, lambda i: i.id in issue_ids)
        self._select_rows(self.quotes_view, self.quotes_proxy, self.quotes_model,
                          self.quotes_model.rows().positions(event_ids=ids))
        self.details.show_event(next(iter(ids)) if len(ids) == 1 else None)
        if len(ids) == 1:
            self.show_event_source(next(iter(ids)), raise_dock=False)

    def _on_actor_selection(self) -> None:
        if self._syncing or self.project is None:
            return
        actors = self._selected_objects(self.actors_view, self.actors_proxy)
        ids = self.project.events_of_actors(a.id for a in actors)
        self.timeline.set_highlight(ids)
        names = {a.id for a in actors}
        self._select_rows(self.quotes_view, self.quotes_proxy, self.quotes_model,
                          self.quotes_model.rows().positions(event_ids=ids, speaker_ids=names))

    def _on_issue_selection(self) -> None:
        if self._syncing or self.project is None:
            return
        issues = self._selected_objects(self.issues_view, self.issues_proxy)
        ids = self.project.events_of_issues(i.id for i in issues)
        self.timeline.set_highlight(ids)
        self._select_rows(self.quotes_view, self.quotes_proxy, self.quotes_model,
                          self.quotes_model.rows().positions(event_ids=ids))

    def _on_issue_check(self, *_args) -> None:
        self._apply_filter(self.filter_bar.filter().with_issues(frozenset(self.issues_model.checked())))

    def _apply_filter(self, f: Filter) -> None:
        """Compose actors, issues, dates, text and verified-only; the bar shows each, removable."""
        if self.project is None:
            return
        self.filter_bar.set_filter(f)
        if set(f.issue_ids) != self.issues_model.checked():
            self.issues_model.set_checked(set(f.issue_ids))
        self._filter_request = None
        if f.is_empty():
            self._show_filtered(None)
        elif self._big():
            # a big project's events are filtered on another thread (a trade issue of a million
            # events: 0.4-0.6 s the window would stand still); the timeline shows the last filter's
            version = data_version(self.project)
            data = self.timeline.data()  # its lanes too: sorting a million events' lanes takes 0.15-0.3 s
            number = self.filter_job.run(self.project.path, lambda project: _filter_read(project, f, data))
            self._filter_request = (number, f, version)
            self.statusBar().showMessage("Filtering…")
        else:
            self._show_filtered(filtered_leader_array(self.project, f))

    def _on_filter_read(self, number: int, got: tuple[np.ndarray, LaneIndex] | None) -> None:
        """The events of the filter asked for last (and their lanes of the timeline shown then); worked
        out again here when the project changed meanwhile (the thread may have read it before or after
        the change) or the thread failed. Lanes of a timeline no longer shown are built again."""
        request = self._filter_request
        if request is None or request[0] != number:
            return
        self._filter_request = None
        if self.project is None or self.filter_bar.filter() != request[1]:
            return
        if got is None or data_version(self.project) != request[2]:
            got = (filtered_leader_array(self.project, request[1]), None)
        self._show_filtered(*got)

    def _show_filtered(self, ids: np.ndarray | None, lanes: LaneIndex | None = None) -> None:
        """Show the events ``ids`` (ascending; None: all); ``lanes``: the lanes they make, from a thread."""
        self._trim_timer.start()
        self._event_filter = ids
        self.timeline.set_event_filter(ids, lanes)
        n = "all" if ids is None else f"{len(ids):,}"
        self.statusBar().showMessage(f"Showing {n} events", 4000)
        self._select_pending()

    def _run_search(self) -> None:
        if self.project is None:
            return
        text = self.search_box.text().strip()
        ids = matching_event_ids(self.project, text) if text else set()
        self.timeline.set_highlight(ids)
        if text:
            self.statusBar().showMessage(f"{len(ids)} events match “{text}” — Enter keeps them as a filter", 4000)

    def _filter_to_visible_range(self) -> None:
        t0, t1 = self.timeline.visible_range()
        start, end = seconds_to_date(t0), seconds_to_date(t1 - 1)
        self._apply_filter(self.filter_bar.filter().with_range(start, end))

    def _save_view(self) -> None:
        if self.project is None:
            return
        name, ok = QInputDialog.getText(self, "Save view", "Name of this view (filters, lanes and range):")
        if not ok or not name.strip():
            return
        view = SavedView(name.strip(), self.filter_bar.filter(), self._lane_mode(),
                         *self.timeline.visible_range())
        try:
            save_view(self.project, view)
        except FilterError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.statusBar().showMessage(f"Saved view “{view.name}”", 6000)

    def _fill_views_menu(self) -> None:
        self.views_menu.clear()
        names = list_views(self.project) if self.project is not None else []
        if not names:
            self.views_menu.addAction("(no saved views yet)").setEnabled(False)
        for name in names:
            self.views_menu.addAction(name, lambda n=name: self.restore_view(n))

    def restore_view(self, name: str) -> None:
        """Bring back a saved view: its lanes, its filters and its range."""
        if self.project is None:
            return
        try:
            view = load_view(self.project, name)
        except FilterError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        i = self.lane_combo.findData(view.lanes)
        if i >= 0 and i != self.lane_combo.currentIndex():
            self.lane_combo.setCurrentIndex(i)  # reloads the lanes
        self._apply_filter(view.filter)
        if view.t0 is not None and view.t1 is not None:
            self.timeline.set_visible_range(view.t0, view.t1)

    def _focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for r in QSettings(ORG, APP_NAME).value("recent_projects") or []:
            if Path(r).exists():
                self.recent_menu.addAction(r, lambda r=r: self.open_project(Path(r)))

    # ------------------------------------------------------------ edits (all through the undo stack)
    def push(self, command_type, *args):
        """Run an edit as an undoable command; a refused edit is explained, never half done."""
        if self.project is None:
            return None
        try:
            cmd = command_type(self.project, *args)
        except EditError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return None
        self.undo_stack.push(cmd)
        return cmd

    def _build_context_menus(self) -> None:
        menus = {
            self.actors_view: [("Show card…", self._actor_card), ("Rename…", self._rename_actor),
                               ("Merge selected actors", self._merge_actors),
                               ("Split an alias out…", self._split_alias), ("Change kind…", self._actor_kind),
                               ("Hide", self._hide_actors), ("Filter timeline to these actors",
                                                             self._filter_to_actors)],
            self.quotes_view: [("Edit speaker…", self._quote_speaker), ("Show in article",
                                                                        lambda: self._on_quote_activated(
                                                                            self.quotes_view.currentIndex()))],
            self.articles_view: [("Set date…", self.set_date_of_selected_article),
                                 ("Show text", self._show_selected_article_text),
                                 ("Remove article", self._remove_selected_article)],
            self.issues_view: [("Change colour…", self._issue_colour), ("Rename…", self._rename_issue),
                               ("Add a pattern…", self._add_pattern), ("Add a trade issue…", self._add_issue),
                               ("Tag all articles again", self.retag)],
        }
        for view, items in menus.items():
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda pos, v=view, its=items: self._context_menu(v, its, pos))

    def _context_menu(self, view: QTableView, items, pos) -> None:
        menu = QMenu(view)
        for text, slot in items:
            menu.addAction(text, slot)
        menu.popup(view.viewport().mapToGlobal(pos))

    def _in_place_editing(self) -> None:
        """Actor name (F2) and kind, quote speaker, issue name edited in the panel: the same undo
        commands as the dialogs. A double-click edits only where it opens nothing (see panel_views)."""
        for model in (self.actors_model, self.quotes_model, self.issues_model):
            model.push = self.push
        for view, tip in (
            (self.actors_view, "Double-click a name: the actor's card · F2: rename · double-click the kind to "
                               "change it · Menu key or Shift+F10: merge, split, hide, filter…"),
            (self.quotes_view, "Double-click a quote: its sentence in the article · double-click the speaker or "
                               "F2 to correct it · Menu key or Shift+F10: more"),
            (self.issues_view, "Tick to filter the timeline · double-click or F2: rename · Menu key or Shift+F10: "
                               "colour, patterns, new issue"),
            (self.articles_view, "Double-click: the article's text · Menu key or Shift+F10: set its date, remove"),
        ):
            view.setToolTip(tip)
        self.actors_view.set_double_click_columns([1])
        self.actors_view.setItemDelegateForColumn(1, ChoiceDelegate(self._actor_kinds, "Actor kind", self))
        self.quotes_view.set_double_click_columns([1])
        self.quotes_view.setItemDelegateForColumn(1, ChoiceDelegate(self._speaker_names, "Speaker", self))
        self.issues_view.set_double_click_columns([0])

    def _actor_kinds(self) -> list[str]:
        return list(dict.fromkeys([*ACTOR_KINDS, *sorted({a.kind for a in self.actors_model.rows() if a.kind})]))

    def _speaker_names(self) -> list[str]:
        """"" (nobody) and every actor's name: who a quote can be given to."""
        return [""] + sorted(a.name for a in self.actors_model.rows())

    def _actors(self) -> list:
        return self._selected_objects(self.actors_view, self.actors_proxy)

    def _actor_card(self) -> None:
        actors = self._actors()
        if not actors or self.project is None:
            return
        card = actor_card(self.project, actors[0].id)
        if card is None:
            return
        dlg = ActorCardDialog(card, self)
        dlg.articleRequested.connect(self._show_article_with_mentions_of(card.id))
        dlg.show()
        self.actor_card_dialog = dlg

    def _show_article_with_mentions_of(self, actor_id: int):
        def show(article_id: int) -> None:
            assert self.project is not None
            self.show_source(article_id, caption="Mentions highlighted",
                             marks=mention_spans(self.project, actor_id, article_id))
        return show

    def _ask_and_push(self, title: str, prompt: str, current: str, command_type, key) -> bool:
        """Ask for one line of text and run ``command_type(project, key, text)`` as an undoable edit."""
        text, ok = QInputDialog.getText(self, title, prompt, text=current)
        return bool(ok and text.strip() and self.push(command_type, key, text.strip()))

    def _rename_actor(self) -> None:
        actors = self._actors()
        if actors:
            self._ask_and_push("Rename actor", "Canonical name:", actors[0].name, undo.RenameActorCommand,
                               actors[0].id)

    def _merge_actors(self) -> None:
        actors = self._actors()
        if len(actors) < 2:
            self.statusBar().showMessage("Select two or more actors to merge (Ctrl+click)", 6000)
            return
        names = [a.name for a in actors]
        keep, ok = QInputDialog.getItem(self, "Merge actors", "Keep this name; the others become aliases:",
                                        names, 0, False)
        if ok:
            kept = actors[names.index(keep)]
            self.push(undo.MergeActorsCommand, kept.id, [a.id for a in actors if a.id != kept.id])

    def _split_alias(self) -> None:
        actors = self._actors()
        if not actors:
            return
        aliases = [a for a in actors[0].aliases if a != actors[0].name]
        if not aliases:
            self.statusBar().showMessage(f"{actors[0].name} has no other alias to split out", 6000)
            return
        alias, ok = QInputDialog.getItem(self, "Split alias", "Make this alias its own actor:", aliases, 0, False)
        if ok:
            self.push(undo.SplitAliasCommand, actors[0].id, alias)

    def _actor_kind(self) -> None:
        actors = self._actors()
        if actors:
            kinds = self._actor_kinds()
            cur = kinds.index(actors[0].kind) if actors[0].kind in kinds else 0
            kind, ok = QInputDialog.getItem(self, "Actor kind", f"Kind of {actors[0].name}:", kinds, cur, True)
            if ok:
                self.push(undo.SetActorKindCommand, actors[0].id, kind)

    def _hide_actors(self) -> None:
        actors = self._actors()
        if actors:
            self.push(undo.HideActorsCommand, [a.id for a in actors], True)

    def _filter_to_actors(self) -> None:
        actors = self._actors()
        if actors:
            self._apply_filter(self.filter_bar.filter().with_actors(frozenset(a.id for a in actors)))

    def _quote_speaker(self) -> None:
        quotes = self._selected_objects(self.quotes_view, self.quotes_proxy)
        if quotes:
            names = self._speaker_names()
            cur = names.index(quotes[0].speaker) if quotes[0].speaker in names else 0
            name, ok = QInputDialog.getItem(self, "Speaker", f"Who said “{quotes[0].text[:60]}”? (empty: nobody)",
                                            names, cur, True)
            if ok:
                self.push(undo.SetQuoteSpeakerCommand, quotes[0].id, name.strip() or None)

    def _remove_selected_article(self) -> None:
        rows = self.articles_view.selectionModel().selectedRows()
        if rows:
            art = self.articles_proxy.data(rows[0], ROW_ROLE)
            self.push(undo.RemoveArticleCommand, art.id)

    def _issues(self) -> list:
        return self._selected_objects(self.issues_view, self.issues_proxy)

    def _issue_colour(self) -> None:
        issues = self._issues()
        if issues:
            c = QColorDialog.getColor(QColor(issues[0].colour), self, f"Colour of {issues[0].label}")
            if c.isValid():
                self.push(undo.SetIssueColourCommand, issues[0].id, c.name())

    def _rename_issue(self) -> None:
        issues = self._issues()
        if issues:
            self._ask_and_push("Rename trade issue", "Label:", issues[0].label, undo.RenameIssueCommand,
                               issues[0].id)

    def _add_pattern(self) -> None:
        issues = self._issues()
        if issues:
                # the articles are tagged again when the command lands on the stack (_on_stack_index)
            self._ask_and_push("Add pattern", f"Words that mean “{issues[0].label}”:", "",
                               undo.AddPatternCommand, issues[0].id)

    def _add_issue(self) -> None:
        label, ok = QInputDialog.getText(self, "Add trade issue", "Label:")
        if ok and label.strip():
            c = QColorDialog.getColor(QColor("#888888"), self, "Colour")
            pat, _ = QInputDialog.getText(self, "Add trade issue", f"Words that mean “{label.strip()}” "
                                          "(a pattern; empty: add patterns later):")
            patterns = [pat.strip()] if pat.strip() else []
            self.push(undo.AddIssueCommand, label.strip(), c.name() if c.isValid() else "#888888", None, patterns)

    def _on_stack_index(self, index: int) -> None:
        """Every push, undo and redo: show the change; if it changed what the taxonomy finds, tag the
        articles again so their tags are those of the taxonomy now (user corrections are kept)."""
        old, self._stack_index = self._stack_index, index
        self.refresh()
        if undo.crosses_tag_change(self.undo_stack, old, index):
            self.retag()

    def retag(self) -> None:
        """Tag every article again with the project's issues and patterns, in the background;
        the user's corrections are kept, the panels and timeline reload when it ends."""
        if self.project is None:
            return
        self.retag_progress.setRange(0, 0)
        for w in (self.retag_progress, self.retag_cancel):
            w.show()
        self.retagger.start(self.project_path)

    def _on_retag_progress(self, done: int, total: int, _title: str) -> None:
        self.retag_progress.setRange(0, max(total, 1))
        self.retag_progress.setValue(done)

    def _on_retag_finished(self, result: RetagResult) -> None:
        for w in (self.retag_progress, self.retag_cancel):
            w.hide()
        self.last_retag = result
        self.refresh()
        self.statusBar().showMessage(result.summary(), 10000)

    def _stop_retag(self) -> None:
        """Before the project closes: the worker writes to its file."""
        self.retagger.cancel()
        self.retagger.wait(30000)

    def _delete_selected_events(self) -> None:
        ids = self.timeline.selected_events()
        if ids:
            self.push(undo.DeleteEventsCommand, ids)

    def _merge_selected_events(self) -> None:
        ids = self.timeline.selected_events()
        if len(ids) < 2:
            self.statusBar().showMessage("Select two or more events to merge (Ctrl+click)", 6000)
            return
        self.push(undo.MergeEventsCommand, ids)

    def _verify_selected_events(self) -> None:
        ids = self.timeline.selected_events()
        if ids:
            self.push(undo.SetVerifiedCommand, ids, True)

    def _on_event_created(self, event_id: int) -> None:
        self.refresh()
        self._select_when_shown({event_id})

    def _select_when_shown(self, event_ids: set[int]) -> None:
        """Select events on the timeline now, or once the read in flight has put them there."""
        if self.loading():
            self._select_later = set(event_ids)
        else:
            self.timeline.select_events(event_ids)

    def _on_quote_selection(self) -> None:
        if self._syncing or self.project is None:
            return
        quotes = self._selected_objects(self.quotes_view, self.quotes_proxy)
        ids = {q.event_id for q in quotes if q.event_id is not None}
        self.timeline.set_highlight(ids)
        if ids:
            self.timeline.select_events(ids)
        speakers = {q.speaker_id for q in quotes}
        self._select_rows(self.actors_view, self.actors_proxy, self.actors_model, lambda a: a.id in speakers)

    def _on_article_selection(self) -> None:
        if self._syncing or self.project is None:
            return
        arts = self._selected_objects(self.articles_view, self.articles_proxy)
        ids = {e for a in arts for e in self.project.event_ids_for_article(a.id)}
        self.timeline.set_highlight(ids)

    def _on_quote_activated(self, index) -> None:
        q = self.quotes_proxy.data(index, ROW_ROLE)
        if q is not None:
            # a project written before sentences were stored has the quote's own offsets only
            quote = (q.start_offset, q.end_offset) if None not in (q.start_offset, q.end_offset) else None
            sentence = (q.sentence_start, q.sentence_end) if None not in (q.sentence_start, q.sentence_end) else None
            self.show_source(q.article_id, sentence or quote, quote, f"Quote — {q.speaker or UNATTRIBUTED}")

    def show_event_source(self, event_id: int, raise_dock: bool = True) -> None:
        assert self.project is not None
        ev = self.project.event(event_id)
        if ev.article_id is None:
            return
        caption = (f"{ev.title} — {ev.when.label()} ({ev.when.precision.value}, {ev.when.origin.value}"
                   + (f", written “{ev.date_text}”" if ev.date_text else "") + ")"
                   + (f" · actors: {', '.join(ev.actors)}" if ev.actors else ""))
        self.show_source(ev.article_id, (ev.start_offset, ev.end_offset), None, caption, raise_dock)

    def show_source(self, article_id: int, evidence=None, focus=None, caption: str = "",
                    raise_dock: bool = True, marks=None) -> None:
        assert self.project is not None
        art = self.project.article_for_extraction(article_id)
        self.source_view.show_article(article_id, art.title or art.path, art.text, evidence, focus, caption, marks)
        if raise_dock:
            self.docks["Source"].show()
            self.docks["Source"].raise_()

    # ------------------------------------------------------------ export
    def _nothing_to_export(self, title: str) -> bool:
        """Say why there is no image to export when the timeline has no event (True: nothing to do)."""
        assert self.project is not None
        why = why_no_timeline(self.project, "select it in the Articles panel and click “Set date…”") \
            if not len(self.timeline.data()) else None
        if why:
            QMessageBox.information(self, title, f"There is no event to draw yet: {why}.")
        return bool(why)

    def export_dialog(self) -> None:
        if self.project is None or self._nothing_to_export("Export PNG"):
            return
        dlg = ExportDialog(max(self.timeline.width(), 1200), max(self.timeline.height(), 600), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export PNG", str(Path.home() / "timeline.png"),
                                              "PNG images (*.png)")
        if not path:
            return
        whole = dlg.range.currentIndex() == 1
        self.export_png(path, dlg.width.value(), dlg.height.value(), 2.0 if dlg.scale.currentIndex() else 1.0,
                        whole)
        self.statusBar().showMessage(f"Exported {path}", 8000)

    def export_png(self, path: str, width: int, height: int, scale: float = 1.0, whole: bool = False) -> None:
        assert self.project is not None
        t0, t1 = (None, None) if whole else self.timeline.visible_range()
        issues = [(i.id, i.label, i.colour) for i in self.issues_model.rows()]
        export_png(self.timeline.data(), issues, path, width, height, scale, t0, t1,
                   lane_mode=self._lane_mode(), event_filter=self._event_filter)

    def _export_as(self, fmt: str) -> None:
        if self.project is None or (fmt == "svg" and self._nothing_to_export("Export SVG")):
            return
        suffix = {"svg": "svg", "csv": "csv", "timelinejs": "json", "ics": "ics"}[fmt]
        path, _ = QFileDialog.getSaveFileName(self, f"Export {fmt.upper()}", str(Path.home() / f"timeline.{suffix}"),
                                              f"*.{suffix}")
        if not path:
            return
        if fmt == "svg":
            from viewer.ui.export import export_svg

            issues = [(i.id, i.label, i.colour) for i in self.issues_model.rows()]
            export_svg(self.timeline.data(), issues, path, max(self.timeline.width(), 1200),
                       max(self.timeline.height(), 600), *self.timeline.visible_range())
        else:
            export_file(self.project, path, fmt, self._event_filter)
        self.statusBar().showMessage(f"Exported {path}", 8000)

    def about(self) -> None:
        QMessageBox.about(self, APP_NAME, "<b>Dateline</b><br>Timelines of a news story from its articles.<br>"
                          f"Project file: {self.project_path}")

    # ------------------------------------------------------------ lifecycle
    def closeEvent(self, event) -> None:
        s = QSettings(ORG, APP_NAME)
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        self.runner.cancel()
        self.runner.wait(10000)
        self._stop_retag()
        self.view_loader.wait()
        self.lane_job.wait()
        self.filter_job.wait()
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)


def _first_run_path() -> tuple[Path, bool]:
    """The project to open: the last one, or the default one (created, and fresh) on first run."""
    last = QSettings(ORG, APP_NAME).value("last_project")
    if last and Path(str(last)).exists():
        return Path(str(last)), False
    path = default_project_path()
    return path, not path.exists()


_warm_up_thread: threading.Thread | None = None


def start_warm_up() -> threading.Thread:
    """Once per process, on a thread: compile the extraction rules and import the readers'
    libraries while the window is idle, so the first drop does not pay for them on the worker
    (whose first files otherwise hold the interpreter for up to a second, stalling the window)."""
    global _warm_up_thread
    if _warm_up_thread is None:
        # not a daemon: a process that ends while it imports (lxml, pypdf) waits for it instead of
        # tearing the imports down half done
        _warm_up_thread = threading.Thread(target=warm_up, name="dateline-warm-up")
        _warm_up_thread.start()
    return _warm_up_thread


def run_app(project: str | None, paths: list[str], sample: bool, screenshot: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG)
    # the sample greets a first run of the default project only; a named project starts as the user asks
    path, first = (Path(project), False) if project else _first_run_path()
    window = MainWindow(path)
    s = QSettings(ORG, APP_NAME)
    if s.value("geometry") is not None:
        window.restoreGeometry(s.value("geometry"))
        window.restoreState(s.value("state"))
    todo = list(paths)
    if sample or (first and not paths):
        todo.insert(0, str(SAMPLE))
    window.show()
    if todo:
        window.ingest(todo)
    QTimer.singleShot(500, start_warm_up)  # after the first paint
    if screenshot:
        def shoot() -> None:
            if window.runner.busy():
                QTimer.singleShot(300, shoot)
                return
            QApplication.processEvents()
            window.grab().save(screenshot)
            print(f"screenshot: {screenshot}")
            window.close()

        QTimer.singleShot(1500, shoot)
    return app.exec()
