"""The end-of-ingest summary: what was imported, what was already there, what was refused and why.

Non-modal, so the user can keep looking at the timeline while reading it. Every
file of the drop has one row; refused files come first because they are the
ones that need the user. "Retry refused" hands the refused paths back to the
window (``retryRequested``) after the user fixed them (permissions, a re-saved
PDF); "Copy list" puts the whole table on the clipboard as tab-separated lines
that paste into a spreadsheet or an e-mail.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.qt_models import ROW_ROLE, SORT_ROLE, Column, RowTableModel, SortProxy
from viewer.workflow import FileOutcome, IngestReport

# What the user reads for each status; the report's own words are terse codes.
STATUS_TEXT = {"imported": "imported", "duplicate": "already present", "refused": "refused"}
# Refused first: those are the rows a user has to act on.
STATUS_ORDER = {"refused": 0, "duplicate": 1, "imported": 2}
STATUS_COLOUR = {"refused": "#C0392B", "duplicate": "#7F6A00", "imported": "#1E7B34"}


def outcome_reason(o: FileOutcome) -> str:
    """The 'reason' column: why a file was refused, or what an import produced."""
    if o.status == "refused":
        return o.message
    if o.status == "duplicate":
        return "already in the project"
    detail = f"{o.events} event{'s' if o.events != 1 else ''}, {o.quotes} quote{'s' if o.quotes != 1 else ''}"
    return f"{detail}; {o.message}" if o.message else detail


def report_as_tsv(report: IngestReport) -> str:
    """The whole report as tab-separated lines with a header (what "Copy list" copies)."""
    lines = ["status\tfile\treason"]
    for o in sorted_outcomes(report):
        reason = outcome_reason(o).replace("\t", " ").replace("\n", " ")
        lines.append(f"{STATUS_TEXT.get(o.status, o.status)}\t{o.path}\t{reason}")
    return "\n".join(lines) + "\n"


def sorted_outcomes(report: IngestReport) -> list[FileOutcome]:
    # stable: inside one status the files keep the order they were ingested in
    return sorted(report.outcomes, key=lambda o: STATUS_ORDER.get(o.status, 3))


class OutcomesModel(RowTableModel):
    columns = (
        Column("Status", lambda o: STATUS_TEXT.get(o.status, o.status)),
        Column("File", lambda o: Path(o.path).name or o.path, "The file's name; its full path in the tooltip"),
        Column("Reason", outcome_reason, "Why the file was refused, or what its import produced"),
    )

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        # Sorting by status sorts in the order refused < already present < imported, not alphabetically.
        if index.isValid() and index.row() < len(self._rows):
            obj = self._rows[index.row()]
            if role == SORT_ROLE and index.column() == 0:
                return STATUS_ORDER.get(obj.status, 3)
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
                return obj.path  # the column shows the name; the full path is one hover away
        return super().data(index, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Used when a proxy hands sorting to its source model: status sorts by what needs the user first.
        keys = {0: lambda o: STATUS_ORDER.get(o.status, 3), 1: lambda o: Path(o.path).name.lower(),
                2: lambda o: outcome_reason(o).lower()}
        if column not in keys:
            return
        self.layoutAboutToBeChanged.emit()
        self._rows = sorted(self._rows, key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def extra_data(self, obj: FileOutcome, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QBrush(QColor(STATUS_COLOUR.get(obj.status, "#000000")))
        return None


class IngestReportDialog(QDialog):
    """The summary shown when an ingest ends. ``retryRequested(paths)`` asks to ingest the refused again."""

    retryRequested = Signal(list)

    def __init__(self, report: IngestReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Ingest report")
        self.setObjectName("ingest-report")
        self.setModal(False)
        self.resize(820, 480)
        lay = QVBoxLayout(self)

        self.summary_label = QLabel(self._summary_html())
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        lay.addWidget(self.summary_label)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show:"))
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show files with status")
        self.status_filter.addItem("All files", "")
        for status in ("refused", "duplicate", "imported"):
            n = report.count(status)
            self.status_filter.addItem(f"{STATUS_TEXT[status].capitalize()} ({n})", status)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.status_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search file names and reasons…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        bar.addWidget(self.search, 1)
        lay.addLayout(bar)

        self.model = OutcomesModel(self)
        self._all = sorted_outcomes(report)
        self.model.set_rows(self._all)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("ingest-report-table")
        self.table.setAccessibleName("Files of this ingest")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # keep refused-first order until a click
        self.model.set_rows(self._all)  # enabling sorting sorted by the header's default column: undo that
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 280)
        header.setStretchLastSection(True)
        lay.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        refused = self.refused_paths()
        self.retry_button = QPushButton(f"Retry refused ({len(refused)})")
        self.retry_button.setToolTip("Ingest the refused files again (after fixing them)")
        self.retry_button.setEnabled(bool(refused))
        self.retry_button.clicked.connect(self._retry)
        self.copy_button = QPushButton("Copy list")
        self.copy_button.setToolTip("Copy every file with its status and reason (tab-separated)")
        self.copy_button.clicked.connect(self.copy_list)
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        lay.addLayout(buttons)

    def _summary_html(self) -> str:
        r = self.report
        parts = [
            f"<b>{r.count('imported')}</b> imported",
            f"<b>{r.count('duplicate')}</b> already present",
            f"<b style='color:{STATUS_COLOUR['refused']}'>{r.count('refused')}</b> refused",
        ]
        tail = " — <i>cancelled before the end</i>" if r.cancelled else ""
        return " · ".join(parts) + tail

    def text(self) -> str:
        """The one-line summary (the same words as the status bar)."""
        return self.report.summary()

    def refused_paths(self) -> list[str]:
        return [o.path for o in self.report.outcomes if o.status == "refused"]

    def _retry(self) -> None:
        paths = self.refused_paths()
        if paths:
            self.retryRequested.emit(paths)
            self.close()

    def copy_list(self) -> None:
        QGuiApplication.clipboard().setText(report_as_tsv(self.report))

    def _apply_filter(self) -> None:
        # The status choice narrows the rows themselves; the search box filters the text of what is left.
        status = self.status_filter.currentData()
        self.model.set_rows([o for o in self._all if o.status == status] if status else self._all)
        self.proxy.setFilterFixedString(self.search.text())

    def visible_rows(self) -> list[FileOutcome]:
        """The outcomes shown, in display order (tests and accessibility)."""
        return [self.proxy.data(self.proxy.index(r, 0), ROW_ROLE) for r in range(self.proxy.rowCount())]
