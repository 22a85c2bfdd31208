"""Filters that compose, and saved views.

A :class:`Filter` is actors AND issues AND date range AND text AND verified-only;
an empty part does not filter. :func:`filtered_event_ids` turns it into the set of
event ids to show, in one SQL query. Each active part is a :class:`Chip` the
window can show and remove in one click (:meth:`Filter.without`).

A saved view remembers a filter, the lane mode and the visible range under a
name, in the project's ``saved_views`` table.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from viewer.store.columns import data_version
from viewer.store.project import Project, day_seconds
from viewer.store.search import match_expression


class FilterError(ValueError):
    """A filter or saved view cannot be used; the message says why."""


@dataclass(frozen=True)
class Chip:
    """One active part of a filter, as the filter bar shows it."""

    key: str  # "actor:12", "issue:tariffs", "range", "text", "verified"
    label: str


@dataclass(frozen=True)
class Filter:
    """Which events to show. Within actors (and within issues) any one matches, unless
    ``all_actors`` asks for events with every chosen actor."""

    actor_ids: frozenset[int] = frozenset()
    issue_ids: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None  # inclusive
    text: str = ""
    verified_only: bool = False
    all_actors: bool = False

    def is_empty(self) -> bool:
        return not (self.actor_ids or self.issue_ids or self.start or self.end or self.text.strip()
                    or self.verified_only)

    def with_actors(self, ids: set[int] | frozenset[int]) -> Filter:
        return replace(self, actor_ids=frozenset(int(i) for i in ids))

    def with_issues(self, ids: set[str] | frozenset[str]) -> Filter:
        return replace(self, issue_ids=frozenset(ids))

    def with_range(self, start: date | None, end: date | None) -> Filter:
        if start and end and end < start:
            raise FilterError(f"the range ends ({end}) before it starts ({start})")
        return replace(self, start=start, end=end)

    def with_text(self, text: str) -> Filter:
        return replace(self, text=text)

    def with_verified_only(self, on: bool = True) -> Filter:
        return replace(self, verified_only=on)

    def chips(self, actor_names: dict[int, str] | None = None,
              issue_labels: dict[str, str] | None = None) -> list[Chip]:
        """The active parts in a stable order, labelled with the names given (ids otherwise)."""
        names, labels = actor_names or {}, issue_labels or {}
        out = [Chip(f"actor:{a}", names.get(a, f"actor #{a}")) for a in sorted(self.actor_ids)]
        out += [Chip(f"issue:{i}", labels.get(i, i)) for i in sorted(self.issue_ids)]
        if self.start or self.end:
            a = self.start.isoformat() if self.start else "…"
            b = self.end.isoformat() if self.end else "…"
            out.append(Chip("range", f"{a} – {b}"))
        if self.text.strip():
            out.append(Chip("text", f"“{self.text.strip()}”"))
        if self.verified_only:
            out.append(Chip("verified", "verified only"))
        return out

    def without(self, key: str) -> Filter:
        """The filter with one chip removed (see :meth:`chips` for the keys)."""
        kind, _, value = key.partition(":")
        if kind == "actor":
            return replace(self, actor_ids=self.actor_ids - {int(value)})
        if kind == "issue":
            return replace(self, issue_ids=self.issue_ids - {value})
        if kind == "range":
            return replace(self, start=None, end=None)
        if kind == "text":
            return replace(self, text="")
        if kind == "verified":
            return replace(self, verified_only=False)
        raise FilterError(f"unknown filter part {key!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "actors": sorted(self.actor_ids), "issues": sorted(self.issue_ids),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "text": self.text, "verified_only": self.verified_only, "all_actors": self.all_actors,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Filter:
        try:
            return cls(
                frozenset(int(a) for a in d.get("actors", [])),
                frozenset(str(i) for i in d.get("issues", [])),
                date.fromisoformat(d["start"]) if d.get("start") else None,
                date.fromisoformat(d["end"]) if d.get("end") else None,
                str(d.get("text", "")), bool(d.get("verified_only", False)), bool(d.get("all_actors", False)),
            )
        except (TypeError, ValueError) as exc:
            raise FilterError(f"not a filter: {exc}") from exc


def filter_sql(f: Filter, longest: float | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``events e``) and its parameters for a filter.

    ``longest``: no event lasts longer (seconds; :func:`longest_event`). With a range start it bounds
    the starts too, so that SQLite walks the start index over the range only, not from the
    beginning of time (a range near the end of a million events took 1.9 s, now 0.16 s)."""
    where: list[str] = []
    params: list[Any] = []
    if f.actor_ids:
        ids = json.dumps(sorted(f.actor_ids))
        if f.all_actors:
            where.append("(select count(distinct actor_id) from event_actors ea where ea.event_id = e.id "
                         "and ea.actor_id in (select value from json_each(?))) = ?")
            params += [ids, len(f.actor_ids)]
        else:
            where.append("e.id in (select event_id from event_actors where actor_id in "
                         "(select value from json_each(?)))")
            params.append(ids)
    if f.issue_ids:
        where.append("e.id in (select event_id from event_issues where issue_id in "
                     "(select value from json_each(?)))")
        params.append(json.dumps(sorted(f.issue_ids)))
    # an event is in the range if any part of it is ([t0, t1) overlaps the chosen days)
    if f.start:
        where.append("e.t1 > ?")
        params.append(day_seconds(f.start))
        if longest is not None:
            # t1 > start and t1 - t0 <= longest: t0 > start - longest (a second's slack for rounding)
            where.append("e.t0 > ?")
            params.append(day_seconds(f.start) - longest - 1.0)
    if f.end:
        where.append("e.t0 < ?")
        params.append(day_seconds(f.end) + 86400.0)
    if f.verified_only:
        where.append("e.verified = 1")
    expr = match_expression(f.text)
    if expr:
        # events whose title or evidence matches, or which carry a matching quote
        # (one IN over a UNION: SQLite builds the id set once, where an OR of two INs scans events)
        where.append("e.id in (select rowid from events_fts where events_fts match ? union "
                     "select event_id from quotes where event_id is not null and id in "
                     "(select rowid from quotes_fts where quotes_fts match ?))")
        params += [expr, expr]
    elif f.text.strip():
        where.append("0")  # only punctuation typed: nothing can match it
    return (" and ".join(where) or "1"), params


_LONGEST: weakref.WeakKeyDictionary[Project, tuple[int, float]] = weakref.WeakKeyDictionary()


def longest_event(project: Project) -> float:
    """How long the longest event lasts (``t1 - t0``, seconds), read once per change of the events
    (a scan of the table: 0.15-0.2 s at a million events)."""
    version = data_version(project)
    got = _LONGEST.get(project)
    if got is None or got[0] != version:
        (span,) = project.db.conn.execute("select coalesce(max(t1 - t0), 0) from events").fetchone()
        got = _LONGEST[project] = (version, max(float(span), 0.0))
    return got[1]


def _where(project: Project, f: Filter) -> tuple[str, list[Any]]:
    return filter_sql(f, longest_event(project) if f.start else None)


def filtered_event_ids(project: Project, f: Filter) -> set[int]:
    """The ids of the events the filter lets through (all events for an empty filter)."""
    where, params = _where(project, f)
    return {r[0] for r in project.db.conn.execute(f"select e.id from events e where {where}", params)}


def filtered_leader_ids(project: Project, f: Filter) -> set[int]:
    """The timeline events the filter lets through: each passing report as the event the timeline
    shows for it (its group's leader), read as numbers (the ids of a trade issue's 228,000 events
    sent back in as JSON to find their leaders took a second and a half)."""
    return set(filtered_leader_array(project, f).tolist())


def filtered_leader_array(project: Project, f: Filter) -> np.ndarray:
    """:func:`filtered_leader_ids` as an ascending int64 array, the form the timeline filters with (a
    set of a million ids costs 60 ms to make and as much to turn back into an array)."""
    where, params = _where(project, f)
    return project.leader_array(f"select e.id from events e where {where}", params)


def chip_names(project: Project, f: Filter) -> list[Chip]:
    """:meth:`Filter.chips` labelled with the project's actor names and issue labels."""
    names = dict(project.db.conn.execute(
        "select id, name from actors where id in (select value from json_each(?))",
        [json.dumps(sorted(f.actor_ids))]).fetchall())
    labels = dict(project.db.conn.execute("select id, label from issues").fetchall())
    return f.chips(names, labels)


# ---------------------------------------------------------------- saved views

@dataclass
class SavedView:
    """A named filter with the lane mode and the visible range (seconds, ``None``: fit all)."""

    name: str
    filter: Filter = field(default_factory=Filter)
    lanes: str = "issue"
    t0: float | None = None
    t1: float | None = None


def save_view(project: Project, view: SavedView) -> None:
    """Store (or replace) a view under its name."""
    name = " ".join(view.name.split())
    if not name:
        raise FilterError("a saved view needs a name")
    if view.t0 is not None and view.t1 is not None and view.t1 <= view.t0:
        raise FilterError("a saved view's range must end after it starts")
    with project._transaction():
        project.db.conn.execute(
            "insert or replace into saved_views (name, filter, lanes, t0, t1, updated_at) "
            "values (?, ?, ?, ?, ?, ?)",
            [name, json.dumps(view.filter.to_dict()), view.lanes, view.t0, view.t1,
             datetime.now(UTC).isoformat(timespec="seconds")])
    project._changed("views")


def load_view(project: Project, name: str) -> SavedView:
    row = project.db.conn.execute("select name, filter, lanes, t0, t1 from saved_views where name = ?",
                                  [name]).fetchone()
    if row is None:
        raise FilterError(f"there is no saved view “{name}”")
    try:
        f = Filter.from_dict(json.loads(row[1] or "{}"))
    except ValueError as exc:
        raise FilterError(f"saved view “{name}” is damaged: {exc}") from exc
    return SavedView(row[0], f, row[2] or "issue", row[3], row[4])


def list_views(project: Project) -> list[str]:
    rows = project.db.conn.execute("select name from saved_views order by name collate nocase")
    return [r[0] for r in rows]


def delete_view(project: Project, name: str) -> None:
    with project._transaction():
        project.db.conn.execute("delete from saved_views where name = ?", [name])
    project._changed("views")
