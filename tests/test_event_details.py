"""The Event details panel (viewer/ui/event_details.py): shows an event, edits it through the undo stack."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt, QUrl  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402
from workflow_fixtures import dump, make_project  # noqa: E402

from viewer.core.model import Precision  # noqa: E402
from viewer.ui.event_details import EMPTY_TEXT, EventDetails  # noqa: E402


@pytest.fixture
def setup(qtbot):
    p = make_project()
    stack = QUndoStack()
    w = EventDetails(stack)
    qtbot.addWidget(w)
    w.set_project(p)
    w.show_event(1)
    w.show()
    return p, stack, w


def _type(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_shows_everything_about_the_event(setup):
    p, stack, w = setup
    assert w.title.text() == "Bessent meets Chinese officials in Geneva"
    assert w.date.text() == "2025-05-12" and w.end.text() == ""
    assert w.precision.currentData() == "day"
    assert w.origin.text() == "relative · 2025-05-12"
    assert w.written.text() == "“Monday”"
    assert [w.actors.item(i).text() for i in range(w.actors.count())] == ["China", "Scott Bessent"]
    ticked = [w.issues.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.issues.count())
              if w.issues.item(i).checkState() == Qt.CheckState.Checked]
    assert ticked == ["tariffs"] and w.issues.count() == 3
    assert [w.quotes.item(i).text() for i in range(w.quotes.count())] == [
        "“productive and constructive” — Scott Bessent"]
    sources = w.sources.toPlainText()
    assert "Wire One" in sources and "Daily Two" in sources  # both articles report it
    assert "Treasury Secretary Scott Bessent met Chinese officials" in sources
    assert '<span style="background:#FFE58F">Monday</span>' in w._sources_html(p, 1, "")
    assert not w.verified.isChecked()


def test_empty_state_without_event(setup, qtbot):
    p, stack, w = setup
    w.show_event(None)
    assert w.empty.isVisible() and w.empty.text() == EMPTY_TEXT and not w._scroll.isVisible()
    w.show_event(1)
    assert not w.empty.isVisible() and w._scroll.isVisible()


def test_title_edit_goes_through_the_stack_and_undoes(setup, qtbot):
    p, stack, w = setup
    before = dump(p)
    with qtbot.waitSignal(w.edited, timeout=1000):
        _type(qtbot, w.title, "Geneva talks open")
    assert p.event(1).title == "Geneva talks open" and p.event(1).user_edited
    assert stack.count() == 1 and stack.text(0).startswith("Edit title of “Bessent meets")
    stack.undo()
    assert dump(p) == before
    assert w.title.text() == "Bessent meets Chinese officials in Geneva"  # the panel follows the undo
    stack.redo()
    assert w.title.text() == "Geneva talks open"


def test_unchanged_field_pushes_nothing(setup, qtbot):
    p, stack, w = setup
    w.title.setFocus()
    qtbot.keyClick(w.title, Qt.Key.Key_Return)
    w.date.editingFinished.emit()
    assert stack.count() == 0


def test_date_end_and_precision(setup, qtbot):
    p, stack, w = setup
    _type(qtbot, w.date, "2025-05-10")
    ev = p.event(1)
    assert ev.when.value == "2025-05-10" and ev.when.origin.value == "user"
    assert w.origin.text().startswith("user")
    _type(qtbot, w.end, "2025-05-11")
    assert p.db.conn.execute("select date_end_value from events where id = 1").fetchone()[0] == "2025-05-11"
    w.precision.setCurrentIndex(w.precision.findData("month"))
    w.precision.activated.emit(w.precision.currentIndex())
    ev = p.event(1)
    assert (ev.when.value, ev.when.precision) == ("2025-05", Precision.MONTH)
    assert w.date.text() == "2025-05"
    assert stack.count() == 3
    for _ in range(3):
        stack.undo()
    assert p.event(1).when.value == "2025-05-12" and w.date.text() == "2025-05-12"


def test_a_bad_date_is_refused_with_a_reason(setup, qtbot):
    p, stack, w = setup
    with qtbot.waitSignal(w.errorOccurred, timeout=1000) as sig:
        _type(qtbot, w.date, "next Thursday")
    assert "not a date" in sig.args[0] and w.error.isVisible()
    assert stack.count() == 0 and w.date.text() == "2025-05-12"  # the field shows what is stored
    _type(qtbot, w.end, "2020")
    assert "before the start" in w.error.text()
    _type(qtbot, w.title, "Fine")
    assert not w.error.isVisible()


def test_actors_added_by_name_or_alias_and_removed(setup, qtbot):
    p, stack, w = setup
    _type(qtbot, w.actor_input, "Washington")  # an alias of the United States
    assert sorted(p.event(1).actors) == ["China", "Scott Bessent", "United States"]
    _type(qtbot, w.actor_input, "He Lifeng")  # new: becomes an actor
    assert "He Lifeng" in p.event(1).actors
    w.actors.findItems("China", Qt.MatchFlag.MatchExactly)[0].setSelected(True)
    qtbot.mouseClick(w.remove_actor, Qt.MouseButton.LeftButton)
    assert sorted(p.event(1).actors) == ["He Lifeng", "Scott Bessent", "United States"]
    assert stack.count() == 3
    stack.undo()
    stack.undo()
    stack.undo()
    assert sorted(p.event(1).actors) == ["China", "Scott Bessent"]
    assert p.db.conn.execute("select count(*) from actors where name = 'He Lifeng'").fetchone()[0] == 0


def test_ticking_issues(setup):
    p, stack, w = setup
    chips = next(w.issues.item(i) for i in range(w.issues.count())
                 if w.issues.item(i).data(Qt.ItemDataRole.UserRole) == "chips")
    chips.setCheckState(Qt.CheckState.Checked)
    ev = p.event(1)
    assert sorted(ev.issues) == ["chips", "tariffs"] and ev.issue_id == "tariffs"
    stack.undo()
    assert p.event(1).issues == ["tariffs"]


def test_verified_delete_and_new_event(setup, qtbot):
    p, stack, w = setup
    w.verified.setChecked(True)
    assert p.event(1).verified
    with qtbot.waitSignal(w.eventDeleted, timeout=1000) as deleted:
        qtbot.mouseClick(w.delete_button, Qt.MouseButton.LeftButton)
    assert deleted.args == [1] and w.empty.isVisible()
    assert p.db.conn.execute("select count(*) from events where id = 1").fetchone()[0] == 0
    stack.undo()  # the deleted event comes back, and the panel shows it again
    assert w.title.text() == "Bessent meets Chinese officials in Geneva" and w.verified.isChecked()
    with qtbot.waitSignal(w.eventCreated, timeout=1000) as created:
        qtbot.mouseClick(w.new_button, Qt.MouseButton.LeftButton)
    new = created.args[0]
    ev = p.event(new)
    assert ev.article_id is None and ev.when.value == "2025-05-12" and w.event_id() == new
    assert w.title.hasFocus() and w.title.selectedText() == "New event"
    assert "Added by hand" in w.sources.toPlainText()
    _type(qtbot, w.title, "Call announced")
    assert p.event(new).title == "Call announced"
    stack.undo()
    stack.undo()
    assert w.empty.isVisible()  # undoing the creation leaves nothing to show


def test_links_back_to_the_source_text(setup, qtbot):
    p, stack, w = setup
    with qtbot.waitSignal(w.sourceRequested, timeout=1000) as sig:
        w.quotes.itemDoubleClicked.emit(w.quotes.item(0))
    article, a, b = sig.args
    assert p.article_text(article)[a:b] == "productive and constructive"
    with qtbot.waitSignal(w.sourceRequested, timeout=1000) as sig:
        w.sources.anchorClicked.emit(QUrl("source:2:0:76"))
    assert sig.args == [2, 0, 76]


def test_edits_made_elsewhere_show_after_the_stack_moves(setup):
    from viewer.ui import undo

    p, stack, w = setup
    stack.push(undo.RenameActorCommand(p, 2, "PRC"))
    assert "PRC" in [w.actors.item(i).text() for i in range(w.actors.count())]


def test_no_project(qtbot):
    w = EventDetails(QUndoStack())
    qtbot.addWidget(w)
    assert w.add_event() is None and w.event_id() is None
    w.show_event(5)
    assert not w._scroll.isVisible() and not w.empty_new.isVisible()


@pytest.mark.parametrize("stack_first", [True, False])
def test_panel_and_stack_can_die_in_either_order(qtbot, stack_first):
    """Regression: a stack outliving its window inside the panel crashed Qt (clear() signalled a
    half-deleted panel)."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    from viewer.ui import undo

    p = make_project()
    stack = QUndoStack()
    w = EventDetails(stack)
    w.set_project(p)
    w.show_event(1)
    stack.push(undo.EditEventCommand(p, 1, title="Changed"))
    assert w.title.text() == "Changed"
    if stack_first:
        del stack
        gc.collect()
        assert w.stack is None and w.add_event() is None  # nothing to push on any more
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del w
    gc.collect()
    QCoreApplication.processEvents()
