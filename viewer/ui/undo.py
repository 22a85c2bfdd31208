"""Undo commands over the store's edits (viewer/store/edits.py).

A command runs its edit when it is *created*, so a refused edit raises
:class:`~viewer.store.edits.EditError` to the caller and nothing reaches the
stack; ``QUndoStack.push`` then calls ``redo`` once more, which is skipped.
Undo and redo replay the edit's recorded rows (``apply_change``), so they restore
exactly what was there, merges included.

Typical use::

    try:
        stack.push(MergeActorsCommand(project, keep_id, other_ids))
    except EditError as exc:
        QMessageBox.warning(window, "Dateline", str(exc))

Consecutive edits of the same field of the same object (typing a title, trying
colours) merge into one undo step.

A command whose ``changes_tags`` is true changes what the taxonomy finds in the
articles (a pattern added, an issue with patterns): whoever owns the stack tags the
articles again each time the stack crosses it (pushed, undone or redone), so the tags
are always those of the taxonomy at that point. The window does that in the background
(viewer/ui/retag_worker.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from viewer.store import edits
from viewer.store.edits import Change, apply_change
from viewer.store.project import Project

#: ids for QUndoCommand.id(): commands with the same id may merge
_EDIT_EVENT_ID = 7001
_ISSUE_COLOUR_ID = 7002
_RENAME_ISSUE_ID = 7003
_RENAME_ACTOR_ID = 7004


class EditCommand(QUndoCommand):
    """One store edit on the undo stack."""

    #: whether the articles' trade-issue tags must be made again when this is done or undone
    changes_tags = False

    def __init__(self, project: Project, edit: Callable[[Project], Change],
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.change = edit(project)  # raises EditError: nothing to push
        self._fresh = True
        self.setText(self.change.label)

    @property
    def result(self) -> Any:
        """What the edit made (a new event or actor id), if anything."""
        return self.change.result

    def redo(self) -> None:
        if self._fresh:  # the edit already ran in __init__
            self._fresh = False
            return
        apply_change(self.project, self.change, "after")

    def undo(self) -> None:
        apply_change(self.project, self.change, "before")

    # -- merging: subclasses give an id() and a merge_key
    merge_key: tuple = ()

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, EditCommand) or other.id() != self.id():
            return False
        if other.merge_key != self.merge_key:
            return False
        merged = self.change.merged_with(other.change)
        if merged is None:
            return False
        self.change = merged
        self.setText(merged.label)
        if merged.is_noop(ignore=("user_edited",)):
            # back where it started (a colour tried and put back): restore the rows exactly
            # (the user-edited mark too) and let the stack drop the step
            apply_change(self.project, merged, "before")
            self.setObsolete(True)
        return True


# ---------------------------------------------------------------- actors

class RenameActorCommand(EditCommand):
    def __init__(self, project: Project, actor_id: int, name: str) -> None:
        super().__init__(project, lambda p: edits.rename_actor(p, actor_id, name))
        self.merge_key = ("actor", actor_id)

    def id(self) -> int:
        return _RENAME_ACTOR_ID


class MergeActorsCommand(EditCommand):
    def __init__(self, project: Project, keep_id: int, other_ids: Iterable[int]) -> None:
        others = list(other_ids)
        super().__init__(project, lambda p: edits.merge_actors(p, keep_id, others))


class SplitAliasCommand(EditCommand):
    """``result``: the new actor's id."""

    def __init__(self, project: Project, actor_id: int, alias: str, name: str | None = None) -> None:
        super().__init__(project, lambda p: edits.split_alias(p, actor_id, alias, name))


class SetActorKindCommand(EditCommand):
    def __init__(self, project: Project, actor_id: int, kind: str) -> None:
        super().__init__(project, lambda p: edits.set_actor_kind(p, actor_id, kind))


class HideActorsCommand(EditCommand):
    def __init__(self, project: Project, actor_ids: Iterable[int], hidden: bool = True) -> None:
        ids = list(actor_ids)
        super().__init__(project, lambda p: edits.set_actors_hidden(p, ids, hidden))


# ---------------------------------------------------------------- events

class EditEventCommand(EditCommand):
    """Change title, date, end, actors or issues of one event; successive changes of the same
    fields of the same event (a title typed in steps) are one undo step."""

    def __init__(self, project: Project, event_id: int, **fields: Any) -> None:
        super().__init__(project, lambda p: edits.edit_event(p, event_id, **fields))
        self.event_id = event_id
        self.merge_key = ("event", event_id, tuple(sorted(k for k, v in fields.items() if v is not None)))

    def id(self) -> int:
        return _EDIT_EVENT_ID


class AddEventCommand(EditCommand):
    """``result``: the new event's id (the same again after undo and redo)."""

    def __init__(self, project: Project, title: str, date_value: str, end_value: str | None = None,
                 actors: Sequence[str] = (), issues: Sequence[str] = ()) -> None:
        super().__init__(project,
                         lambda p: edits.add_manual_event(p, title, date_value, end_value, actors, issues))


class DeleteEventsCommand(EditCommand):
    """Delete what the timeline shows: by default each event with every article's report of the
    same happening (``whole_happening=False``: just these rows)."""

    def __init__(self, project: Project, event_ids: Iterable[int], whole_happening: bool = True) -> None:
        ids = list(event_ids)
        super().__init__(project, lambda p: edits.delete_events(p, ids, whole_happening))


class MergeEventsCommand(EditCommand):
    """Make several events one happening (their reports become its sources); ``result``: the leader."""

    def __init__(self, project: Project, event_ids: Iterable[int]) -> None:
        ids = list(event_ids)
        super().__init__(project, lambda p: edits.merge_events(p, ids))


class SplitEventCommand(EditCommand):
    """Take one article's report out of a merged event; ``result``: its id (now an event of its own)."""

    def __init__(self, project: Project, event_id: int) -> None:
        super().__init__(project, lambda p: edits.split_event(p, event_id))


class SetVerifiedCommand(EditCommand):
    def __init__(self, project: Project, event_ids: Iterable[int], verified: bool = True) -> None:
        ids = list(event_ids)
        super().__init__(project, lambda p: edits.set_verified(p, ids, verified))


# ---------------------------------------------------------------- quotes, articles

class SetQuoteSpeakerCommand(EditCommand):
    def __init__(self, project: Project, quote_id: int, speaker: str | None) -> None:
        super().__init__(project, lambda p: edits.set_quote_speaker(p, quote_id, speaker))


class RemoveArticleCommand(EditCommand):
    def __init__(self, project: Project, article_id: int) -> None:
        super().__init__(project, lambda p: edits.remove_article(p, article_id))


# ---------------------------------------------------------------- trade issues

class SetIssueColourCommand(EditCommand):
    def __init__(self, project: Project, issue_id: str, colour: str) -> None:
        super().__init__(project, lambda p: edits.set_issue_colour(p, issue_id, colour))
        self.merge_key = ("issue", issue_id)

    def id(self) -> int:
        return _ISSUE_COLOUR_ID


class RenameIssueCommand(EditCommand):
    def __init__(self, project: Project, issue_id: str, label: str) -> None:
        super().__init__(project, lambda p: edits.rename_issue(p, issue_id, label))
        self.merge_key = ("issue", issue_id)

    def id(self) -> int:
        return _RENAME_ISSUE_ID


class AddIssueCommand(EditCommand):
    """``result``: the new issue's id."""

    def __init__(self, project: Project, label: str, colour: str, parent: str | None = None,
                 patterns: Sequence[str] = ()) -> None:
        super().__init__(project, lambda p: edits.add_issue(p, label, colour, parent, patterns=patterns))
        self.changes_tags = bool(patterns)


class AddPatternCommand(EditCommand):
    changes_tags = True

    def __init__(self, project: Project, issue_id: str, pattern: str) -> None:
        super().__init__(project, lambda p: edits.add_pattern(p, issue_id, pattern))


def crosses_tag_change(stack, old_index: int, new_index: int) -> bool:
    """Whether moving ``stack`` (a QUndoStack) from ``old_index`` to ``new_index`` did or undid a
    command that changes the articles' tags."""
    lo, hi = sorted((old_index, new_index))
    return any(getattr(stack.command(i), "changes_tags", False) for i in range(lo, min(hi, stack.count())))
