"""The panel models over store rows, without a view, then behind a sorting proxy."""

from datetime import date

import pytest
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


# ---------------------------------------------------------------- editing in place


def _model_over(model_type, project, stack):
    """The panel model over a real project, pushing its edits on ``stack`` as the window does."""
    m = model_type()

    def push(command_type, *args):
        command = command_type(project, *args)
        stack.push(command)
        return command

    m.push = push
    rows = {ActorsModel: project.actors, QuotesModel: project.quotes, IssuesTreeModel: project.issues}[model_type]
    m.set_rows(rows())
    return m


def _speaker(p, text):
    return next(q.speaker for q in p.quotes() if q.text == text)


@pytest.mark.parametrize("model_type, pick, column, typed, read, expected", [
    (ActorsModel, lambda a: a.name == "China", 0, "  People's  Republic of China ",
     lambda p: {a.name for a in p.actors()}, lambda names: "People's Republic of China" in names),
    (ActorsModel, lambda a: a.name == "China", 1, "government",
     lambda p: next(a.kind for a in p.actors() if a.name == "China"), lambda kind: kind == "government"),
    (QuotesModel, lambda q: q.text == "a good start", 1, "China",
     lambda p: _speaker(p, "a good start"), lambda who: who == "China"),
    (QuotesModel, lambda q: q.text == "a good start", 1, "",
     lambda p: _speaker(p, "a good start"), lambda who: who is None),  # empty: nobody said it
    (IssuesTreeModel, lambda i: i.id == "tariffs", 0, "Duties",
     lambda p: {i.id: i.label for i in p.issues()}["tariffs"], lambda label: label == "Duties"),
])
def test_a_cell_edit_is_the_undoable_command(qtbot, model_type, pick, column, typed, read, expected):
    from PySide6.QtGui import QUndoStack
    from workflow_fixtures import dump, make_project

    p, stack = make_project(), QUndoStack()
    m = _model_over(model_type, p, stack)
    [index] = m.indexes_where(pick)
    index = index.siblingAtColumn(column)
    assert m.flags(index) & Qt.ItemFlag.ItemIsEditable
    before = dump(p)
    assert m.setData(index, typed, Qt.ItemDataRole.EditRole)
    assert expected(read(p)) and stack.count() == 1
    assert stack.command(0).text()  # the Edit menu names the step
    stack.undo()
    assert dump(p) == before
    stack.redo()
    assert expected(read(p))


def test_cells_not_edited_in_place_and_edits_that_change_nothing(qtbot):
    from PySide6.QtGui import QUndoStack
    from workflow_fixtures import dump, make_project

    p, stack = make_project(), QUndoStack()
    actors = _model_over(ActorsModel, p, stack)
    [china] = actors.indexes_where(lambda a: a.name == "China")
    for column in (2, 3, 4, 5, 6):  # counts, country and dates are what extraction found
        assert not actors.flags(china.siblingAtColumn(column)) & Qt.ItemFlag.ItemIsEditable
    before = dump(p)
    assert not actors.setData(china, "China")  # unchanged
    assert not actors.setData(china, "   ")  # a name cannot be emptied
    quotes = _model_over(QuotesModel, p, stack)
    [q] = quotes.indexes_where(lambda q: q.text == "a good start")
    assert quotes.data(q.siblingAtColumn(1), Qt.ItemDataRole.EditRole) == "Scott Bessent"
    assert not quotes.setData(q.siblingAtColumn(1), "Scott Bessent")
    assert not quotes.flags(q) & Qt.ItemFlag.ItemIsEditable  # the quote's words are the source's
    assert stack.count() == 0 and dump(p) == before
    refused = ActorsModel()
    refused.push = lambda *_a: None  # the window said no (EditError shown to the user)
    refused.set_rows(p.actors())
    assert not refused.setData(refused.index(0, 0), "Another name")
    unwired = ActorsModel()
    unwired.set_rows(p.actors())
    assert not unwired.flags(unwired.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
