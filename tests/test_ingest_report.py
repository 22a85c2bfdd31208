"""The end-of-ingest summary dialog: counts, one row per file, retry, copy, non-modal."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from viewer.ui.ingest_report import IngestReportDialog, outcome_reason, report_as_tsv
from viewer.workflow import FileOutcome, IngestReport


def _report(cancelled: bool = False) -> IngestReport:
    return IngestReport(
        [
            FileOutcome("/drop/a.txt", "imported", "", 1, 4, 2),
            FileOutcome("/drop/empty.txt", "refused", "empty file"),
            FileOutcome("/drop/b copy.txt", "duplicate"),
            FileOutcome("/drop/undated.txt", "imported", "date needed", 2, 1, 0),
            FileOutcome("/drop/scan.pdf", "refused", "image-only PDF (no text layer)"),
        ],
        cancelled,
    )


@pytest.fixture
def dialog(qtbot):
    dlg = IngestReportDialog(_report())
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_summary_counts_and_non_modal(dialog):
    text = dialog.summary_label.text()
    assert "<b>2</b> imported" in text and "<b>1</b> already present" in text and ">2</b> refused" in text
    assert "cancelled" not in text
    assert not dialog.isModal()
    assert dialog.text() == "2 imported, 1 already present, 2 refused"


def test_cancelled_ingest_says_so(qtbot):
    dlg = IngestReportDialog(_report(cancelled=True))
    qtbot.addWidget(dlg)
    assert "cancelled" in dlg.summary_label.text()


def test_every_file_has_a_row_refused_first_with_reason(dialog):
    rows = dialog.visible_rows()
    assert [o.path for o in rows] == [
        "/drop/empty.txt", "/drop/scan.pdf", "/drop/b copy.txt", "/drop/a.txt", "/drop/undated.txt",
    ]
    shown = [
        [dialog.proxy.index(r, c).data() for c in range(3)] for r in range(dialog.proxy.rowCount())
    ]
    assert shown[0] == ["refused", "empty.txt", "empty file"]
    assert shown[1] == ["refused", "scan.pdf", "image-only PDF (no text layer)"]
    assert shown[2] == ["already present", "b copy.txt", "already in the project"]
    assert shown[3] == ["imported", "a.txt", "4 events, 2 quotes"]
    assert shown[4] == ["imported", "undated.txt", "1 event, 0 quotes; date needed"]
    # the full path is one hover away
    assert dialog.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "/drop/empty.txt"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("refused", ["/drop/empty.txt", "/drop/scan.pdf"]),
        ("duplicate", ["/drop/b copy.txt"]),
        ("imported", ["/drop/a.txt", "/drop/undated.txt"]),
        ("", ["/drop/empty.txt", "/drop/scan.pdf", "/drop/b copy.txt", "/drop/a.txt", "/drop/undated.txt"]),
    ],
)
def test_status_filter(dialog, status, expected):
    dialog.status_filter.setCurrentIndex(dialog.status_filter.findData(status))
    assert [o.path for o in dialog.visible_rows()] == expected


def test_search_filters_names_and_reasons(dialog):
    dialog.search.setText("PDF")
    assert [o.path for o in dialog.visible_rows()] == ["/drop/scan.pdf"]
    dialog.search.clear()
    assert len(dialog.visible_rows()) == 5


def test_sorting_by_status_keeps_refused_first(dialog):
    dialog.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [o.status for o in dialog.visible_rows()] == ["refused", "refused", "duplicate", "imported", "imported"]


def test_model_sorts_itself_by_status_order(dialog):
    # the path a proxy takes when it delegates sorting to the source model
    dialog.model.sort(0, Qt.SortOrder.DescendingOrder)
    assert [o.status for o in dialog.model.rows()] == ["imported", "imported", "duplicate", "refused", "refused"]
    dialog.model.sort(1)
    assert [o.path for o in dialog.model.rows()][0] == "/drop/a.txt"


def test_retry_refused_emits_the_refused_paths_and_closes(qtbot, dialog):
    assert dialog.retry_button.isEnabled() and "(2)" in dialog.retry_button.text()
    with qtbot.waitSignal(dialog.retryRequested, timeout=1000) as blocker:
        dialog.retry_button.click()
    assert blocker.args == [["/drop/empty.txt", "/drop/scan.pdf"]]
    assert not dialog.isVisible()


def test_retry_disabled_when_nothing_was_refused(qtbot):
    dlg = IngestReportDialog(IngestReport([FileOutcome("/drop/a.txt", "imported", "", 1, 2, 0)]))
    qtbot.addWidget(dlg)
    assert not dlg.retry_button.isEnabled()
    assert dlg.refused_paths() == []


def test_copy_list_puts_every_file_on_the_clipboard(dialog):
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0] == "status\tfile\treason"
    assert lines[1:] == [
        "refused\t/drop/empty.txt\tempty file",
        "refused\t/drop/scan.pdf\timage-only PDF (no text layer)",
        "already present\t/drop/b copy.txt\talready in the project",
        "imported\t/drop/a.txt\t4 events, 2 quotes",
        "imported\t/drop/undated.txt\t1 event, 0 quotes; date needed",
    ]


def test_tsv_keeps_one_line_per_file_even_with_tabs_in_reasons():
    r = IngestReport([FileOutcome("/x/a.txt", "refused", "bad\tthing\nhere")])
    assert report_as_tsv(r).splitlines()[1] == "refused\t/x/a.txt\tbad thing here"
    assert outcome_reason(FileOutcome("/x", "imported", "", 1, 1, 1)) == "1 event, 1 quote"


def test_many_files_build_quickly_enough_to_scroll(qtbot):
    # A folder drop of 10,000 files gives 10,000 rows: a model over the outcomes, not 30,000 items.
    r = IngestReport([FileOutcome(f"/drop/note {i}.txt", "imported", "", i, 1, 0) for i in range(10_000)])
    dlg = IngestReportDialog(r)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.proxy.rowCount() == 10_000
    assert dlg.table.model().index(9_999, 1).data() == "note 9999.txt"
