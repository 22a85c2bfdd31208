"""Undo commands (viewer/ui/undo.py) on a real QUndoStack: every edit undoes and redoes exactly."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402
from workflow_fixtures import (  # noqa: E402
    ISSUES,
    TEXT_A,
    actor_id,
    dump,
    extraction_a,
    extraction_b,
    make_project,
)

from viewer.core.model import Article, Origin, Precision, TimePoint  # noqa: E402
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


def test_undoing_a_delete_after_an_import_leaves_the_new_article_whole(p, stack):
    # SQLite gave a new row the id of the deleted newest one, and the undo overwrote it
    newest = p.db.conn.execute("select max(id) from events").fetchone()[0]
    deleted = [r for r in dump(p)["events"] if r[0] == newest]
    stack.push(undo.DeleteEventsCommand(p, [newest]))
    c = Article(TEXT_A + " Officials said more talks would follow.", "Talks go on", "Wire Three",
                "https://example.org/c", date(2025, 5, 14), "header", "/tmp/c.txt")
    added = p.add_article(c, extraction_a()).article_id

    def new_rows() -> dict[str, list[tuple]]:
        return {t: p.db.conn.execute(f"select * from {t} where article_id = ? order by id", [added]).fetchall()
                for t in ("events", "quotes", "mentions")}

    imported, new = dump(p), new_rows()
    assert len(new["events"]) == 2 and new["quotes"] and new["mentions"]
    stack.undo()
    assert new_rows() == new
    assert sorted(dump(p)["events"], key=repr) == sorted(imported["events"] + deleted, key=repr)


# ---------------------------------------------------------------- undo and redo across re-extraction
#
# Re-tagging (a pattern pushed, undone or redone; "Tag all articles again") and a new
# publication date re-extract articles while commands wait on the stack. Re-extraction must
# keep the rows it finds again (their ids are what the commands recorded), and undoing or
# redoing a command afterwards must give exactly the store the two make together.

def _tagged_a():
    ex = extraction_a()
    ex.events[0].issues = ["tariffs", "soybeans"]  # the Geneva talks gain an issue
    ex.events[1].issues = ["chips"]  # the raise loses one, and its lane changes
    ex.issues = list(ISSUES)
    return ex


def _tagged_b():
    ex = extraction_b()
    ex.events[0].issues = ["tariffs", "chips"]
    ex.issues = list(ISSUES)
    return ex


def _week_later_a():
    """Article 1 published a week later: its "Monday" is a week later, its "In May" unchanged."""
    ex = extraction_a()
    day = date(2025, 5, 19)
    ex.events[0].when = TimePoint(day, day, Precision.DAY, Origin.RELATIVE, day.isoformat())
    return ex


def _reextract(kind):
    def run(p):
        present = {a.id for a in p.articles()}
        if 1 in present:
            if kind == "date":
                p.set_published(1, date(2025, 5, 20), _week_later_a())
            else:
                p.replace_extraction(1, _tagged_a() if kind == "taxonomy" else extraction_a())
        if 2 in present:
            p.replace_extraction(2, _tagged_b() if kind == "taxonomy" else extraction_b())
    return run


COMMANDS = {
    "rename actor": lambda p: undo.RenameActorCommand(p, actor_id(p, "China"), "People's Republic of China"),
    "merge actors": lambda p: undo.MergeActorsCommand(p, actor_id(p, "China"), [actor_id(p, "United States")]),
    "split alias": lambda p: undo.SplitAliasCommand(p, actor_id(p, "Scott Bessent"), "Bessent"),
    "actor kind": lambda p: undo.SetActorKindCommand(p, actor_id(p, "China"), "government"),
    "hide actor": lambda p: undo.HideActorsCommand(p, [actor_id(p, "United States")]),
    "edit event": lambda p: undo.EditEventCommand(p, 2, title="New title", date_value="2025-04",
                                                  actors=["Xi Jinping"], issues=["chips"]),
    "add event": lambda p: undo.AddEventCommand(p, "Typed by hand", "2025-09-01", actors=["Someone New"]),
    "delete event": lambda p: undo.DeleteEventsCommand(p, [2]),
    "delete happening": lambda p: undo.DeleteEventsCommand(p, [1]),
    "merge events": lambda p: undo.MergeEventsCommand(p, [2, 4]),
    "split event": lambda p: undo.SplitEventCommand(p, 3),
    "verify": lambda p: undo.SetVerifiedCommand(p, [1, 2]),
    "quote speaker": lambda p: undo.SetQuoteSpeakerCommand(p, 1, "Beijing"),
    "remove article": lambda p: undo.RemoveArticleCommand(p, 1),
    "issue colour": lambda p: undo.SetIssueColourCommand(p, "tariffs", "#000000"),
    "add pattern": lambda p: undo.AddPatternCommand(p, "chips", "wafers?"),
}


def _project():
    """The workflow project with its import times made equal, so two of them compare row for row."""
    p = make_project()
    p.db.execute("update articles set added_at = ''")
    return p


def test_re_extracting_with_the_same_extraction_changes_no_row(p):
    before = dump(p)
    _reextract("same")(p)
    assert dump(p) == before


@pytest.mark.parametrize("kind", ["same", "taxonomy", "date"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_undo_and_redo_after_re_extraction(stack, name, kind):
    reextract = _reextract(kind)
    alone = _project()  # the re-extraction without the edit: what undoing the edit must come to
    reextract(alone)
    p = _project()
    stack.push(COMMANDS[name](p))
    edited = dump(p)
    reextract(p)
    both = dump(p)
    if kind == "same":
        assert both == edited  # nothing the edit did (or anything else) was disturbed
    stack.undo()
    undone = dump(p)
    if kind == "same":
        assert undone == dump(alone) == dump(_project())
    stack.redo()
    assert dump(p) == both
    stack.undo()
    assert dump(p) == undone
    # rows the edit had made the user's were left alone by the re-extraction; once undone they
    # are extraction's again and the next re-extraction brings them up to date
    reextract(p)
    expected = dump(alone)
    if name == "split event" and kind == "date":
        # undoing the split joins the two reports again, though one of them has moved a week since
        expected["events"] = sorted([(*r[:-1], 1) if r[0] == 3 else r for r in expected["events"]], key=repr)
    assert dump(p) == expected
