"""The panel models over store rows, without a view, then behind a sorting proxy."""

from datetime import date

from PySide6.QtCore import Qt

from viewer.store.project import ActorRow, ArticleRow, IssueRow, QuoteRow
from viewer.ui.qt_models import ROW_ROLE, ActorsModel, ArticlesModel, IssuesTreeModel, QuotesModel, SortProxy


def test_actors_model_rows_roles_and_numeric_sort(qtbot):
    m = ActorsModel()
    rows = [ActorRow(1, "Xi Jinping", "person", "CN", 2, 0, ["Xi"]),
            ActorRow(2, "Donald Trump", "person", "US", 10, 3, ["Trump"])]
    m.set_rows(rows)
    assert (m.rowCount(), m.columnCount()) == (2, 7)
    assert m.data(m.index(1, 0)) == "Donald Trump" and m.data(m.index(1, 2)) == "10"
    assert m.data(m.index(1, 4)) == "US"
    assert m.data(m.index(0, 0), ROW_ROLE) is rows[0]
    assert "Xi" in m.data(m.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    proxy = SortProxy()
    proxy.setSourceModel(m)
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 0)) == "Donald Trump"
    proxy.setFilterFixedString("xi")
    assert proxy.rowCount() == 1


def test_issues_model_check_boxes_and_swatch(qtbot):
    m = IssuesTreeModel()
    m.set_rows([IssueRow("tariffs", "Tariffs", "#CC6677", None, 3), IssueRow("chips", "Chips", "#117733", None, 0)])
    idx = m.index(0, 0)
    assert m.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable
    assert m.data(idx, Qt.ItemDataRole.DecorationRole).name() == "#cc6677"
    with qtbot.waitSignal(m.dataChanged):
        m.setData(idx, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert m.checked() == {"tariffs"}
    m.set_checked(set())
    assert m.data(idx, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert m.data(m.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None  # no events: greyed


def test_quotes_and_articles_models_show_what_the_user_reads(qtbot):
    q = QuotesModel()
    q.set_rows([QuoteRow(1, "total reset", "Donald Trump", 2, 1, "Art", 5, 16, 0, 20, None, "2025-05"),
                QuoteRow(2, "scare", None, None, 1, "Art", 0, 5, 0, 20, None, "")])
    assert q.data(q.index(0, 0)) == "“total reset”" and q.data(q.index(1, 1)) == "unattributed"
    a = ArticlesModel()
    a.set_rows([ArticleRow(1, "Title", "", "", "/x.txt", None, "", 0, 3),
                ArticleRow(2, "Other", "Wire", "", "/y.txt", date(2025, 6, 6), "header", 4, 0)])
    assert a.data(a.index(0, 2)) == "date needed" and a.data(a.index(1, 2)) == "2025-06-06"
    assert a.data(a.index(0, 2), Qt.ItemDataRole.ForegroundRole) is not None


def test_sorting_is_done_by_the_model_on_raw_values_and_kept_across_reloads(qtbot):
    m = ActorsModel()
    proxy = SortProxy()
    proxy.setSourceModel(m)
    m.set_rows([ActorRow(1, "b", "person", "", 9, 0, []), ActorRow(2, "a", "person", "", 10, 0, [])])
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, 0)) for r in range(2)] == ["a", "b"]  # 10 before 9: numbers, not text
    m.set_rows([ActorRow(3, "c", "person", "", 1, 0, []), ActorRow(4, "d", "person", "", 50, 0, [])])
    assert [proxy.data(proxy.index(r, 0)) for r in range(2)] == ["d", "c"]


def test_issues_tree_nests_children_under_their_parent(qtbot, qtlog):
    from PySide6.QtCore import QModelIndex

    m = IssuesTreeModel()
    m.set_rows([IssueRow("tariffs", "Tariffs", "#CC6677", None, 3),
                IssueRow("reciprocal", "Reciprocal tariffs", "#CC6677", "tariffs", 1),
                IssueRow("chips", "Chips", "#117733", None, 0),
                IssueRow("orphan", "Orphan", "#DDDDDD", "missing", 0)])
    assert m.rowCount() == 3  # tariffs, chips, and an issue whose parent is unknown stays at the top
    tariffs = m.index(0, 0)
    assert m.data(tariffs) == "Tariffs" and m.rowCount(tariffs) == 1
    child = m.index(0, 0, tariffs)
    assert m.data(child) == "Reciprocal tariffs" and m.parent(child) == tariffs
    assert m.parent(tariffs) == QModelIndex()
    assert m.data(m.index(0, 1, tariffs)) == "1"
    with qtbot.waitSignal(m.dataChanged):
        m.setData(child, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert m.checked() == {"reciprocal"}
    [found] = m.indexes_where(lambda i: i.id == "reciprocal")
    assert found == child
    proxy = SortProxy()
    proxy.setSourceModel(m)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 0)) == "Tariffs"
    from PySide6.QtTest import QAbstractItemModelTester

    tester = QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Warning)
    m.set_rows(m.rows()[:2])  # a reset under the tester's eye
    assert not [r.message for r in qtlog.records if "FAIL" in r.message]
    del tester
