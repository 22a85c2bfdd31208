"""The Dateline window: timeline in the middle, panels around it."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from viewer.store.columns import load_timeline
from viewer.store.project import Project, ProjectError
from viewer.ui.export import export_png
from viewer.ui.ingest_worker import IngestRunner
from viewer.ui.qt_models import (
    ROW_ROLE,
    ActorsModel,
    ArticlesModel,
    IssuesModel,
    QuotesModel,
    RowTableModel,
    SortProxy,
)
from viewer.ui.source_view import SourceView
from viewer.ui.timeline import TimelineView
from viewer.workflow import (
    APP_NAME,
    SAMPLE,
    IngestReport,
    default_project_path,
    open_project,
    set_article_date,
)

ORG = "Dateline"


def _table(model: RowTableModel, name: str) -> tuple[QTableView, SortProxy]:
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    view.horizontalHeader().setStretchLastSection(False)
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

        self.timeline = TimelineView()
        self.timeline.setAccessibleName("Timeline")
        central = QWidget()
        col = QVBoxLayout(central)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self._date_banner())
        col.addWidget(self.timeline, 1)
        self.setCentralWidget(central)

        self.actors_model = ActorsModel(self)
        self.issues_model = IssuesModel(self)
        self.quotes_model = QuotesModel(self)
        self.articles_model = ArticlesModel(self)
        self.actors_view, self.actors_proxy = _table(self.actors_model, "Actors")
        self.issues_view, self.issues_proxy = _table(self.issues_model, "Trade issues")
        self.quotes_view, self.quotes_proxy = _table(self.quotes_model, "Quotes")
        self.articles_view, self.articles_proxy = _table(self.articles_model, "Articles")
        self.source_view = SourceView()

        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("Actors", self._with_search(self.actors_view, self.actors_proxy, "Search actors…"),
                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("Trade issues", self.issues_view, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Quotes", self._with_search(self.quotes_view, self.quotes_proxy, "Search quotes…"),
                       Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("Articles", self._articles_panel(), Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("Source", self.source_view, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["Articles"], self.docks["Source"])
        self.docks["Articles"].raise_()
        self.resizeDocks([self.docks["Actors"], self.docks["Trade issues"]], [330, 360], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["Articles"]], [230], Qt.Orientation.Vertical)
        # busiest first, as an analyst scans them
        self.actors_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.issues_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.quotes_view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.articles_view.sortByColumn(2, Qt.SortOrder.AscendingOrder)

        self.runner = IngestRunner(self)
        self.runner.progress.connect(self._on_ingest_progress)
        self.runner.finished.connect(self._on_ingest_finished)

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
        edit.setClearButtonEnabled(True)
        edit.textChanged.connect(proxy.setFilterFixedString)
        lay.addWidget(edit)
        lay.addWidget(view, 1)
        return w

    def _date_banner(self) -> QWidget:
        """A bar over the timeline while articles wait for a publication date."""
        self.banner = QWidget()
        self.banner.setObjectName("date-banner")
        self.banner.setStyleSheet("#date-banner { background: #FFF4CE; border-bottom: 1px solid #E0C060; }")
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

        m = self.menuBar().addMenu("&File")
        for a in (self.act_new, self.act_open, self.act_save_as, None, self.act_add, self.act_add_folder,
                  None, self.act_export, None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        e = self.menuBar().addMenu("&Edit")
        e.addAction(self.act_set_date)
        v = self.menuBar().addMenu("&View")
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_fit):
            v.addAction(a)
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
        self.lane_combo.addItem("Trade issue", "issue")
        self.lane_combo.addItem("Actor", "actor")
        self.lane_combo.addItem("Article", "article")
        self.lane_combo.currentIndexChanged.connect(self._on_lane_mode)
        tb.addWidget(self.lane_combo)

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

    # ------------------------------------------------------------ project
    def open_project(self, path: Path) -> bool:
        try:
            project = open_project(path)
        except (ProjectError, OSError, sqlite3.Error) as exc:
            QMessageBox.warning(self, APP_NAME, f"Cannot open {path}:\n{exc}")
            return False
        if self.project is not None:
            self.project.close()
        self.project = project
        self.project_path = Path(path)
        QSettings(ORG, APP_NAME).setValue("last_project", str(self.project_path))
        self.setWindowTitle(f"{self.project_path.name} — {APP_NAME}")
        self.source_view.clear()
        self.refresh(fit=True)
        return True

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

    def save_as(self, target: Path) -> None:
        """Copy the project to ``target`` (a consistent snapshot) and continue there."""
        assert self.project is not None
        if target.exists():
            target.unlink()
        self.project.db.execute("VACUUM INTO ?", [str(target)])
        self.open_project(target)

    # ------------------------------------------------------------ refresh
    def refresh(self, fit: bool = False) -> None:
        """Reload panels and timeline from the project."""
        if self.project is None:
            return
        p = self.project
        self.actors_model.set_rows(p.actors())
        issues = p.issues()
        self.issues_model.set_rows(issues)
        self.quotes_model.set_rows(p.quotes())
        articles = p.articles()
        self.articles_model.set_rows(articles)
        self.timeline.set_issues([(i.id, i.label, i.colour) for i in issues])
        keep = None if fit else self.timeline.visible_range()
        self.timeline.set_data(load_timeline(p, self.lane_combo.currentData() or "issue"))
        if keep is not None and self.timeline_has_data() and keep[1] > keep[0]:
            self.timeline.set_visible_range(*keep)
        else:
            self.timeline.fit()
        c = p.counts()
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
        self.date_needed_label.setText(
            f"{need} article{'s' if need != 1 else ''} need{'s' if need == 1 else ''} a publication date "
            "— select it and click “Set date…”" if need else ""
        )
        for v in (self.actors_view, self.quotes_view, self.articles_view, self.issues_view):
            v.resizeColumnsToContents()
            v.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def timeline_has_data(self) -> bool:
        return bool(self.project and self.project.counts()["events"])

    def _on_lane_mode(self) -> None:
        self.refresh(fit=False)

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
                                                "Articles (*.txt *.text *.md *.html *.htm *.pdf *.docx *.eml);;"
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
        self.progress.setRange(0, 0)
        for w in (self.progress, self.current_file, self.cancel_button):
            w.show()
        self.runner.start(self.project_path, [str(p) for p in paths])

    def _on_ingest_progress(self, done: int, total: int, current: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.current_file.setText(Path(current).name if current else "")
        # show what has landed so far, at most a few times per second
        if done and not hasattr(self, "_refresh_timer"):
            self._refresh_timer = QTimer(self)
            self._refresh_timer.setSingleShot(True)
            self._refresh_timer.timeout.connect(lambda: self.refresh(fit=True))
        if done and not self._refresh_timer.isActive():
            self._refresh_timer.start(400)

    def _on_ingest_finished(self, report: IngestReport) -> None:
        self.last_report = report
        if not self.runner.busy():
            for w in (self.progress, self.current_file, self.cancel_button):
                w.hide()
        self.refresh(fit=True)
        self.statusBar().showMessage(report.summary(), 15000)
        refused = [o for o in report.outcomes if o.status == "refused"]
        dups = [o for o in report.outcomes if o.status == "duplicate"]
        if refused:
            lines = [f"{Path(o.path).name}: {o.message}" for o in refused]
            lines += [f"{Path(o.path).name}: already in the project" for o in dups]
            box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, report.summary(), parent=self)
            box.setInformativeText("\n".join(lines[:12]) + ("\n…" if len(lines) > 12 else ""))
            box.setDetailedText("\n".join(o.line() for o in report.outcomes))
            box.setModal(False)
            box.show()
            self._report_box = box

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
        self.quotes_view.doubleClicked.connect(self._on_quote_activated)
        self.articles_view.doubleClicked.connect(lambda _i: self._show_selected_article_text())
        self.issues_model.dataChanged.connect(self._on_issue_check)

    def _selected_objects(self, view: QTableView, proxy: SortProxy) -> list:
        return [proxy.data(i, ROW_ROLE) for i in view.selectionModel().selectedRows()]

    def _select_rows(self, view: QTableView, proxy: SortProxy, model: RowTableModel, pred) -> None:
        sel = view.selectionModel()
        self._syncing = True
        try:
            sel.clearSelection()
            first = None
            for r in model.find_row(pred):
                idx = proxy.mapFromSource(model.index(r, 0))
                if idx.isValid():
                    sel.select(idx, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
                    first = first or idx
            if first is not None:
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
        self._select_rows(self.quotes_view, self.quotes_proxy, self.quotes_model, lambda q: q.event_id in ids)
        if len(ids) == 1:
            self.show_event_source(next(iter(ids)), raise_dock=False)

    def _on_actor_selection(self) -> None:
        if self._syncing or self.project is None:
            return
        actors = self._selected_objects(self.actors_view, self.actors_proxy)
        ids = {e for a in actors for e in self.project.event_ids_for_actor(a.id)}
        self.timeline.set_highlight(ids)
        names = {a.id for a in actors}
        self._select_rows(self.quotes_view, self.quotes_proxy, self.quotes_model,
                          lambda q: q.speaker_id in names or q.event_id in ids)

    def _on_issue_selection(self) -> None:
        if self._syncing or self.project is None:
            return
        issues = self._selected_objects(self.issues_view, self.issues_proxy)
        ids = {e for i in issues for e in self.project.event_ids_for_issue(i.id)}
        self.timeline.set_highlight(ids)
        self._select_rows(self.quotes_view, self.quotes_proxy, self.quotes_model, lambda q: q.event_id in ids)

    def _on_issue_check(self, *_args) -> None:
        checked = self.issues_model.checked()
        self.timeline.set_issue_filter(checked or None)

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
            self.show_source(q.article_id, (q.sentence_start, q.sentence_end), (q.start_offset, q.end_offset),
                             f"Quote — {q.speaker or 'unattributed'}")

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
    def export_dialog(self) -> None:
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
                   lane_mode=self.lane_combo.currentData() or "issue",
                   issue_filter=self.issues_model.checked() or None)

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
