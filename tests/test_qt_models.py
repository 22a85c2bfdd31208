"""The panel models over store rows, without a view, then behind a sorting proxy."""

from datetime import date

from PySide6.QtCore import Qt

from viewer.store.project import ActorRow, ArticleRow, IssueRow, QuoteRow
from viewer.ui.qt_models import ROW_ROLE, ActorsModel, ArticlesModel, IssuesModel, QuotesModel, SortProxy


def test_actors_model_rows_roles_and_numeric_sort(qtbot):
    m = ActorsModel()
    rows = [ActorRow(1, "Xi Jinping", "person", "CN", 2, 0, ["Xi"]),
            ActorRow(2, "Donald Trump", "person", "US", 10, 3, ["Trump"])]
    m.set_rows(rows)
    assert (m.rowCount(), m.columnCount()) == (2, 7)
    assert m.data(m.index(1, 0)) == "Donald Trump" and m.data(m.index(1, 3)) == "10"
    assert m.data(m.index(1, 2)) == "US"
    assert m.data(m.index(0, 0), ROW_ROLE) is rows[0]
    assert "Xi" in m.data(m.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    proxy = SortProxy()
    proxy.setSourceModel(m)
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 0)) == "Donald Trump"
    proxy.setFilterFixedString("xi")
    assert proxy.rowCount() == 1


def test_issues_model_check_boxes_and_swatch(qtbot):
    m = IssuesModel()
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
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, 0)) for r in range(2)] == ["a", "b"]  # 10 before 9: numbers, not text
    m.set_rows([ActorRow(3, "c", "person", "", 1, 0, []), ActorRow(4, "d", "person", "", 50, 0, [])])
    assert [proxy.data(proxy.index(r, 0)) for r in range(2)] == ["d", "c"]
