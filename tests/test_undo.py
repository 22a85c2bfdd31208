"""Undo commands (viewer/ui/undo.py) on a real QUndoStack: every edit undoes and redoes exactly."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402
from workflow_fixtures import actor_id, dump, make_project  # noqa: E402

from viewer.store.edits import EditError  # noqa: E402
from viewer.ui import undo  # noqa: E402


@pytest.fixture
def p():
    return make_project()


@pytest.fixture
def stack(qapp):
    return QUndoStack()


def _cycle(p, stack, make):
    """Make and push a command, undo, redo, and check the rows at each end."""
    before = dump(p)
    command = make(p)
    assert command.text()  # the Edit menu shows it
    stack.push(command)
    after = dump(p)
    assert after != before
    stack.undo()
    assert dump(p) == before
    stack.redo()
    assert dump(p) == after
    return after


@pytest.mark.parametrize("make", [
    lambda p: undo.RenameActorCommand(p, actor_id(p, "China"), "People's Republic of China"),
    lambda p: undo.MergeActorsCommand(p, actor_id(p, "China"), [actor_id(p, "United States"),
                                                                actor_id(p, "Scott Bessent")]),
    lambda p: undo.SplitAliasCommand(p, actor_id(p, "Scott Bessent"), "Bessent"),
    lambda p: undo.SetActorKindCommand(p, actor_id(p, "China"), "government"),
    lambda p: undo.HideActorsCommand(p, [actor_id(p, "China")]),
    lambda p: undo.EditEventCommand(p, 1, title="New title", date_value="2025-05",
                                    actors=["Xi Jinping"], issues=["chips"]),
    lambda p: undo.AddEventCommand(p, "Typed by hand", "2025-09-01", actors=["Someone New"],
                                   issues=["tariffs"]),
    lambda p: undo.DeleteEventsCommand(p, [1, 2]),
    lambda p: undo.SetVerifiedCommand(p, [1, 3]),
    lambda p: undo.SetQuoteSpeakerCommand(p, 1, "A New Speaker"),
    lambda p: undo.RemoveArticleCommand(p, 1),
    lambda p: undo.SetIssueColourCommand(p, "tariffs", "#000000"),
    lambda p: undo.RenameIssueCommand(p, "tariffs", "Duties"),
    lambda p: undo.AddIssueCommand(p, "Rare earths", "#999933", patterns=["rare earths?"]),
    lambda p: undo.AddPatternCommand(p, "chips", "wafers?"),
])
def test_every_command_undoes_and_redoes_exactly(p, stack, make):
    _cycle(p, stack, make)


def test_a_sequence_of_edits_unwinds_to_the_start_and_back(p, stack):
    start = dump(p)
    china, us = actor_id(p, "China"), actor_id(p, "United States")
    stack.push(undo.MergeActorsCommand(p, china, [us]))
    add = undo.AddEventCommand(p, "Call between leaders", "2025-06-05", actors=["China"])
    stack.push(add)
    stack.push(undo.EditEventCommand(p, add.result, issues=["tariffs"]))
    stack.push(undo.SplitAliasCommand(p, china, "Washington", "Washington"))
    stack.push(undo.RemoveArticleCommand(p, 2))
    end = dump(p)
    while stack.canUndo():
        stack.undo()
    assert dump(p) == start
    while stack.canRedo():
        stack.redo()
    assert dump(p) == end
    assert p.event(add.result).issues == ["tariffs"]  # the id of the added event survived the replay


def test_refused_edit_raises_and_leaves_the_stack_alone(p, stack):
    with pytest.raises(EditError):
        stack.push(undo.RenameActorCommand(p, actor_id(p, "China"), "Scott Bessent"))
    assert stack.count() == 0


def test_typing_a_title_is_one_undo_step(p, stack):
    before = dump(p)
    for title in ("G", "Ge", "Geneva"):
        stack.push(undo.EditEventCommand(p, 1, title=title))
    assert stack.count() == 1 and p.event(1).title == "Geneva"
    stack.push(undo.EditEventCommand(p, 1, date_value="2025-05-13"))  # another field: its own step
    stack.push(undo.EditEventCommand(p, 2, title="Other"))  # another event: its own step
    assert stack.count() == 3
    stack.undo()
    stack.undo()
    stack.undo()
    assert dump(p) == before


def test_trying_colours_merges_and_putting_it_back_drops_the_step(p, stack):
    original = {i.id: i.colour for i in p.issues()}["tariffs"]
    stack.push(undo.SetIssueColourCommand(p, "tariffs", "#111111"))
    stack.push(undo.SetIssueColourCommand(p, "tariffs", "#222222"))
    assert stack.count() == 1
    stack.push(undo.SetIssueColourCommand(p, "chips", "#333333"))
    assert stack.count() == 2
    stack.push(undo.SetIssueColourCommand(p, "chips", "#444444"))
    fresh = {i.id: i.colour for i in make_project().issues()}["chips"]
    stack.push(undo.SetIssueColourCommand(p, "chips", fresh))
    assert stack.count() == 1  # back to where it was: nothing to undo for chips
    assert {i.id: i.colour for i in p.issues()}["tariffs"] == "#222222"
    stack.undo()
    assert dump(p) == dump(make_project())  # chips' row exactly as before, user mark included
    assert {i.id: i.colour for i in p.issues()}["tariffs"] == original


def test_renames_that_add_aliases_do_not_merge(p, stack):
    china = actor_id(p, "China")
    stack.push(undo.RenameActorCommand(p, china, "PRC"))
    stack.push(undo.RenameActorCommand(p, china, "People's Republic"))
    assert stack.count() == 2
    stack.undo()
    assert p.db.conn.execute("select name from actors where id = ?", [china]).fetchone()[0] == "PRC"


def test_stack_signals_let_the_window_refresh(p, stack, qtbot):
    with qtbot.waitSignal(stack.indexChanged, timeout=1000):
        stack.push(undo.SetVerifiedCommand(p, [1]))
    with qtbot.waitSignal(stack.indexChanged, timeout=1000):
        stack.undo()
    assert not p.event(1).verified


def test_the_stack_knows_when_it_crosses_a_change_of_tags(p, stack):
    stack.push(undo.RenameIssueCommand(p, "tariffs", "Duties"))
    stack.push(undo.AddPatternCommand(p, "chips", "wafers?"))
    stack.push(undo.AddIssueCommand(p, "Not yet", "#123456"))  # no pattern: finds nothing new
    stack.push(undo.AddIssueCommand(p, "Rare earths", "#999933", patterns=["rare earths?"]))
    assert not undo.crosses_tag_change(stack, 0, 1)
    assert undo.crosses_tag_change(stack, 1, 2) and undo.crosses_tag_change(stack, 2, 1)
    assert not undo.crosses_tag_change(stack, 2, 3) and not undo.crosses_tag_change(stack, 3, 2)
    assert undo.crosses_tag_change(stack, 3, 4) and undo.crosses_tag_change(stack, 4, 0)
    stack.clear()
    assert not undo.crosses_tag_change(stack, 4, 0)  # the commands are gone
