"""The analyst's corrections, each one transaction that can be undone exactly.

Every edit function takes a :class:`~viewer.store.project.Project`, changes it in a
single transaction and returns a :class:`Change`: the affected rows as they were
before and after, keyed by primary key. :func:`apply_change` puts either side back, so
undo and redo restore the very same rows (ids included) whatever the edit was. A key
names one row for the life of the project: integer ids are AUTOINCREMENT (never given
to another row, see ``workflow_schema.STABLE_ID_TABLES``), other keys are the row's
own values (a link, an issue's text id).
That keeps the undo logic out of every edit: an edit only declares, before it
writes, which rows it may touch (:meth:`_Recorder.watch`), and which rows it
created (:meth:`_Recorder.created`).

What the user edits is marked ``user_edited = 1`` (events, quotes, actors, issues)
so that re-extraction of an article keeps it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from viewer.core.model import Origin, Precision, TimePoint
from viewer.core.timepoint import parse_value
from viewer.store.project import Project, choose_leader, day_seconds, group_ids, release_reports, set_group

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
#: SQL for "one of the ids in the JSON array bound here": one parameter, however many ids
_IDS = "(select value from json_each(?))"


class EditError(ValueError):
    """The edit is not possible; the message says why in words a user understands."""


# ---------------------------------------------------------------- changes and their replay

@dataclass
class Part:
    """The rows of one table an edit touched: ``before`` and ``after`` (each with its key, ``_rid``)."""

    table: str
    before: list[dict[str, Any]] = field(default_factory=list)
    after: list[dict[str, Any]] = field(default_factory=list)

    def keys(self) -> list[Any]:
        return sorted({r["_rid"] for r in self.before} | {r["_rid"] for r in self.after})


@dataclass
class Change:
    """What one edit did, enough to undo and redo it exactly.

    ``result`` is what the edit made (a new event or actor id), ``notify`` the
    change kinds passed to the project's listeners.
    """

    label: str
    parts: list[Part]
    notify: tuple[str, ...] = ()
    result: Any = None

    def is_noop(self, ignore: Sequence[str] = ()) -> bool:
        """Whether before and after hold the same rows (``ignore``: columns not to compare)."""
        return all(_canon(p.before, ignore) == _canon(p.after, ignore) for p in self.parts)

    def merged_with(self, later: Change) -> Change | None:
        """One change doing ``self`` then ``later`` (same tables and rows), or None if scopes differ."""
        if [p.table for p in self.parts] != [p.table for p in later.parts]:
            return None
        if any(a.keys() != b.keys() for a, b in zip(self.parts, later.parts, strict=True)):
            return None
        parts = [Part(a.table, a.before, b.after) for a, b in zip(self.parts, later.parts, strict=True)]
        return Change(later.label, parts, tuple(dict.fromkeys(self.notify + later.notify)), later.result)


def _canon(rows: list[dict[str, Any]], ignore: Sequence[str] = ()) -> list[tuple]:
    return sorted(tuple(sorted((k, v) for k, v in r.items() if k not in ignore)) for r in rows)


@dataclass(frozen=True)
class _Key:
    """How a Change names the rows of one table: by primary key, never by a bare rowid, which
    SQLite hands to the next new row once the top one is deleted (an undo putting the deleted
    row back would then overwrite the new one).

    An integer id is the rowid itself, kept as the int; any other key (the columns of a link
    table's key, an issue's text id) is the JSON array of its values, made by SQLite so that
    the same row always gives the same text.
    """

    columns: tuple[str, ...]
    integer: bool

    def expr(self) -> str:
        cols = ", ".join(f"[{c}]" for c in self.columns)
        return cols if self.integer else f"json_array({cols})"

    def where(self) -> str:
        """SQL for "the row's key is one of those in the JSON array bound here" (an index lookup)."""
        if self.integer:
            return f"[{self.columns[0]}] in {_IDS}"
        cols = ", ".join(f"[{c}]" for c in self.columns)
        parts = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(self.columns)))
        return f"({cols}) in (select {parts} from json_each(?))"

    def bind(self, keys: Iterable[Any]) -> str:
        keys = list(keys)
        return json.dumps(keys) if self.integer else "[" + ",".join(keys) + "]"


_KEY_CACHE: dict[tuple[int, str], _Key] = {}


def _key(project: Project, table: str) -> _Key:
    cache = (id(project.db.conn), table)
    if cache not in _KEY_CACHE:
        info = project.db.conn.execute(f"pragma table_info([{table}])").fetchall()
        pks = sorted((r for r in info if r[5]), key=lambda r: r[5])
        if not pks:
            raise ValueError(f"{table} has no primary key: an edit cannot name its rows")
        integer = len(pks) == 1 and str(pks[0][2]).upper() == "INTEGER"
        _KEY_CACHE[cache] = _Key(tuple(r[1] for r in pks), integer)
    return _KEY_CACHE[cache]


def _select(project: Project, table: str, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cur = project.db.conn.execute(f"select {_key(project, table).expr()} as _rid, * from [{table}] where {where}",
                                  list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _select_keys(project: Project, table: str, keys: Iterable[Any]) -> list[dict[str, Any]]:
    key = _key(project, table)
    return _select(project, table, key.where(), [key.bind(keys)])


def apply_change(project: Project, change: Change, side: str) -> None:
    """Put the rows of ``side`` ("before" to undo, "after" to redo) back, in one transaction.

    A row the edit changed (on both sides) gets back only the columns the edit changed: what
    happened to its other columns since (re-tagging or a new publication date re-extracting the
    article) stays, and a row deleted since stays deleted. With nothing in between, that is the
    very row of ``side``.
    """
    if side not in ("before", "after"):
        raise ValueError(f"side must be 'before' or 'after', not {side!r}")
    conn = project.db.conn
    with project._transaction():
        # parents and children are swapped in any order; foreign keys are checked at commit
        conn.execute("pragma defer_foreign_keys = on")
        targets = [_rebased(project, part, side) for part in change.parts]
        for part in reversed(change.parts):
            key = _key(project, part.table)
            conn.execute(f"delete from [{part.table}] where {key.where()}", [key.bind(part.keys())])
        for part, rows in zip(change.parts, targets, strict=True):
            if not rows:
                continue
            # the key columns are among the row's own, so the row comes back under its key
            cols = [c for c in rows[0] if c != "_rid"]
            sql = (f"insert into [{part.table}] ({', '.join(f'[{c}]' for c in cols)}) "
                   f"values ({', '.join('?' * len(cols))})")
            conn.executemany(sql, [[r[c] for c in cols] for r in rows])
    for what in change.notify:
        project._changed(what)


def _rebased(project: Project, part: Part, side: str) -> list[dict[str, Any]]:
    """The rows of ``part`` to write for ``side``: the recorded ones, except that a row on both
    sides is the row as it is now with the edit's own column changes set to ``side``'s values."""
    rows = part.before if side == "before" else part.after
    other = {r["_rid"]: r for r in (part.after if side == "before" else part.before)}
    both = [r["_rid"] for r in rows if r["_rid"] in other]
    if not both:
        return rows
    now = {r["_rid"]: r for r in _select_keys(project, part.table, both)}
    out = []
    for r in rows:
        theirs = other.get(r["_rid"])
        if theirs is None:
            out.append(r)
        elif r["_rid"] in now:
            current = now[r["_rid"]]
            out.append({**current, **{c: v for c, v in r.items() if theirs.get(c) != v and c in current}})
    return out


class _Recorder:
    """Collects the rows an edit may touch before it writes, and the same rows after."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._scopes: dict[str, list[tuple[str, list[Any]]]] = {}
        self._parts: dict[str, Part] = {}

    def watch(self, table: str, where: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Declare rows of ``table`` the edit may change or delete; returns them as they are now."""
        rows = _select(self.project, table, where, params)
        part = self._parts.setdefault(table, Part(table))
        seen = {r["_rid"] for r in part.before}
        part.before.extend(r for r in rows if r["_rid"] not in seen)
        return rows

    def watch_ids(self, table: str, column: str, values: Iterable[Any]) -> list[dict[str, Any]]:
        return self.watch(table, f"[{column}] in {_IDS}", [json.dumps(list(values))])

    def created(self, table: str, rowid: int) -> None:
        """Declare a row the edit inserted (it did not exist before), by the rowid it got."""
        key = _key(self.project, table)
        rid = rowid if key.integer else _one(self.project, f"select {key.expr()} from [{table}] where rowid = ?",
                                             [rowid])
        part = self._parts.setdefault(table, Part(table))
        part.after.append({"_rid": rid})  # placeholder, replaced in finish()

    def finish(self, label: str, notify: Sequence[str], result: Any = None) -> Change:
        parts = []
        for part in self._parts.values():
            part.after = _select_keys(self.project, part.table, part.keys())
            parts.append(part)
        return Change(label, parts, tuple(notify), result)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _edit(project: Project, label: str, notify: Sequence[str], body) -> Change:
    """Run ``body(recorder)`` in one transaction; notify listeners after the commit."""
    rec = _Recorder(project)
    with project._transaction():
        result = body(rec)
        change = rec.finish(label, notify, result)
    for what in notify:
        project._changed(what)
    return change


def _one(project: Project, sql: str, params: Sequence[Any] = ()) -> Any:
    row = project.db.conn.execute(sql, list(params)).fetchone()
    return None if row is None else row[0]


# ---------------------------------------------------------------- actors

def _actor(project: Project, actor_id: int) -> dict[str, Any]:
    rows = _select(project, "actors", "id = ?", [actor_id])
    if not rows:
        raise EditError(f"there is no actor #{actor_id}")
    return rows[0]


def find_actor(project: Project, name: str) -> int | None:
    """The actor called ``name``, by canonical name first, then by alias (case-insensitive)."""
    name = name.strip()
    hit = _one(project, "select id from actors where name = ?", [name])
    if hit is None:
        hit = _one(project, "select id from actors where name = ? collate nocase", [name])
    if hit is None:
        hit = _one(project, "select actor_id from actor_aliases where alias = ? collate nocase "
                            "order by actor_id limit 1", [name])
    return hit


def _new_actor(project: Project, rec: _Recorder, name: str, kind: str = "", country: str = "",
               role: str = "") -> int:
    cur = project.db.conn.execute(
        "insert into actors (name, kind, country, role, hidden, user_edited) values (?, ?, ?, ?, 0, 1)",
        [name, kind, country, role])
    aid = int(cur.lastrowid)
    rec.created("actors", aid)
    cur = project.db.conn.execute("insert into actor_aliases (actor_id, alias) values (?, ?)", [aid, name])
    rec.created("actor_aliases", int(cur.lastrowid))
    return aid


def _actor_for_name(project: Project, rec: _Recorder, name: str) -> int:
    name = " ".join(name.split())
    if not name:
        raise EditError("an actor needs a name")
    found = find_actor(project, name)
    return found if found is not None else _new_actor(project, rec, name)


def rename_actor(project: Project, actor_id: int, name: str) -> Change:
    """Give an actor a new canonical name; the old one stays as an alias."""
    name = " ".join(name.split())
    if not name:
        raise EditError("an actor's name cannot be empty")
    old = _actor(project, actor_id)
    other = _one(project, "select id from actors where name = ? and id != ?", [name, actor_id])
    if other is not None:
        raise EditError(f"another actor is already called “{name}”: merge the two instead")

    def body(rec: _Recorder) -> None:
        rec.watch("actors", "id = ?", [actor_id])
        rec.watch("actor_aliases", "actor_id = ?", [actor_id])
        conn = project.db.conn
        conn.execute("update actors set name = ?, user_edited = 1 where id = ?", [name, actor_id])
        for alias in (old["name"], name):
            cur = conn.execute("insert or ignore into actor_aliases (actor_id, alias) values (?, ?)",
                               [actor_id, alias])
            if cur.rowcount:
                rec.created("actor_aliases", int(cur.lastrowid))

    return _edit(project, f"Rename “{old['name']}” to “{name}”", ("actors",), body)


def merge_actors(project: Project, keep_id: int, other_ids: Iterable[int]) -> Change:
    """Fold ``other_ids`` into ``keep_id``: their names and aliases join it, their events,
    quotes and mentions point to it, and they are removed."""
    others = sorted({int(i) for i in other_ids} - {int(keep_id)})
    if not others:
        raise EditError("choose at least two actors to merge")
    keep = _actor(project, keep_id)
    names = [_actor(project, o)["name"] for o in others]
    everyone = [keep_id, *others]

    def body(rec: _Recorder) -> None:
        conn = project.db.conn
        rec.watch_ids("actors", "id", everyone)
        rec.watch_ids("actor_aliases", "actor_id", everyone)
        rec.watch_ids("event_actors", "actor_id", everyone)
        rec.watch_ids("quotes", "speaker_id", others)
        rec.watch_ids("mentions", "actor_id", others)
        ids = json.dumps(others)
        # an alias belongs to one actor: move them, then add the merged-away names themselves
        before = {r[0] for r in conn.execute("select rowid from actor_aliases")}
        conn.execute("insert or ignore into actor_aliases (actor_id, alias) "
                     "select ?, alias from actor_aliases where actor_id in (select value from json_each(?))",
                     [keep_id, ids])
        conn.executemany("insert or ignore into actor_aliases (actor_id, alias) values (?, ?)",
                         [(keep_id, n) for n in names])
        conn.execute("insert or ignore into event_actors (event_id, actor_id) "
                     f"select event_id, ? from event_actors where actor_id in {_IDS}",
                     [keep_id, ids])
        new_alias = {r[0] for r in conn.execute("select rowid from actor_aliases")} - before
        for rid in new_alias:
            rec.created("actor_aliases", rid)
        for (rid,) in conn.execute("select rowid from event_actors where actor_id = ?", [keep_id]).fetchall():
            rec.created("event_actors", rid)
        conn.execute("delete from actor_aliases where actor_id in (select value from json_each(?))", [ids])
        conn.execute("delete from event_actors where actor_id in (select value from json_each(?))", [ids])
        conn.execute("update quotes set speaker_id = ? where speaker_id in (select value from json_each(?))",
                     [keep_id, ids])
        conn.execute("update mentions set actor_id = ? where actor_id in (select value from json_each(?))",
                     [keep_id, ids])
        # hidden only if every merged actor was hidden: merging must not make things disappear
        hidden = min(int(_one(project, "select hidden from actors where id = ?", [a]) or 0) for a in everyone)
        conn.execute("update actors set user_edited = 1, hidden = ? where id = ?", [hidden, keep_id])
        conn.execute("delete from actors where id in (select value from json_each(?))", [ids])

    label = f"Merge {', '.join(names)} into {keep['name']}"
    return _edit(project, label, ("actors", "events", "quotes"), body)


def _written_as(text: str, aliases: Sequence[str]) -> str | None:
    """The alias a mention is written as: the longest one its text equals or ends with
    (a title before a name, "Treasury Secretary Scott Bessent", still counts as the name)."""
    t = " ".join(text.split()).casefold()
    best = None
    for alias in aliases:
        a = " ".join(alias.split()).casefold()
        if a and (t == a or t.endswith(" " + a)) and (best is None or len(a) > len(best[1])):
            best = (alias, a)
    return best[0] if best else None


def split_alias(project: Project, actor_id: int, alias: str, name: str | None = None) -> Change:
    """Make an alias its own actor (``name``, default the alias).

    The mentions written that way move to the new actor; so do the events and quotes
    whose sentence names the actor only that way (an event whose sentence also names
    the actor otherwise gets both). ``Change.result`` is the new actor's id.
    """
    src = _actor(project, actor_id)
    aliases = [r[0] for r in project.db.conn.execute(
        "select alias from actor_aliases where actor_id = ?", [actor_id])]
    if alias not in aliases:
        raise EditError(f"“{alias}” is not an alias of {src['name']}")
    if alias == src["name"]:
        raise EditError(f"“{alias}” is {src['name']}'s own name: rename the actor instead")
    new_name = " ".join((name or alias).split())
    if _one(project, "select id from actors where name = ?", [new_name]) is not None:
        raise EditError(f"an actor called “{new_name}” already exists: merge instead")

    def body(rec: _Recorder) -> int:
        conn = project.db.conn
        rec.watch("actors", "id = ?", [actor_id])
        rec.watch("actor_aliases", "actor_id = ?", [actor_id])
        mentions = rec.watch("mentions", "actor_id = ?", [actor_id])
        rec.watch("event_actors", "actor_id = ?", [actor_id])
        rec.watch("quotes", "speaker_id = ?", [actor_id])
        moved = [m for m in mentions if _written_as(m["text"] or "", aliases) == alias]
        kept = [m for m in mentions if m not in moved]
        new_id = _new_actor(project, rec, new_name, src["kind"] or "", src["country"] or "",
                            src["role"] or "")
        conn.execute("delete from actor_aliases where actor_id = ? and alias = ?", [actor_id, alias])
        if alias != new_name:
            cur = conn.execute("insert into actor_aliases (actor_id, alias) values (?, ?)", [new_id, alias])
            rec.created("actor_aliases", int(cur.lastrowid))
        conn.executemany("update mentions set actor_id = ? where id = ?", [(new_id, m["id"]) for m in moved])

        def inside(ms: list[dict], article: int, a: int, b: int) -> bool:
            return any(m["article_id"] == article and a <= m["start_offset"] and m["end_offset"] <= b
                       for m in ms)

        for ev_id, art, a, b in conn.execute(
                "select e.id, e.article_id, e.start_offset, e.end_offset from events e "
                "join event_actors ea on ea.event_id = e.id where ea.actor_id = ?", [actor_id]).fetchall():
            if not inside(moved, art, a, b):
                continue
            cur = conn.execute("insert into event_actors (event_id, actor_id) values (?, ?)", [ev_id, new_id])
            rec.created("event_actors", int(cur.lastrowid))
            if not inside(kept, art, a, b):
                conn.execute("delete from event_actors where event_id = ? and actor_id = ?",
                             [ev_id, actor_id])
        for qid, art, a, b in conn.execute(
                "select id, article_id, sentence_start, sentence_end from quotes where speaker_id = ?",
                [actor_id]).fetchall():
            if inside(moved, art, a, b) and not inside(kept, art, a, b):
                conn.execute("update quotes set speaker_id = ?, user_edited = 1 where id = ?", [new_id, qid])
        conn.execute("update actors set user_edited = 1 where id = ?", [actor_id])
        return new_id

    return _edit(project, f"Split “{alias}” out of {src['name']}", ("actors", "events", "quotes"), body)


def set_actor_kind(project: Project, actor_id: int, kind: str) -> Change:
    """Change what kind of actor this is (person, government, company…)."""
    old = _actor(project, actor_id)
    kind = kind.strip()

    def body(rec: _Recorder) -> None:
        rec.watch("actors", "id = ?", [actor_id])
        project.db.conn.execute("update actors set kind = ?, user_edited = 1 where id = ?", [kind, actor_id])

    return _edit(project, f"{old['name']} is a {kind or 'actor'}", ("actors",), body)


def set_actors_hidden(project: Project, actor_ids: Iterable[int], hidden: bool = True) -> Change:
    """Hide actors from the panel (or show them again); their events stay."""
    ids = sorted({int(i) for i in actor_ids})
    if not ids:
        raise EditError("no actor chosen")

    def body(rec: _Recorder) -> None:
        rec.watch_ids("actors", "id", ids)
        project.db.conn.execute("update actors set hidden = ?, user_edited = 1 "
                                f"where id in {_IDS}", [int(hidden), json.dumps(ids)])

    verb = "Hide" if hidden else "Show"
    return _edit(project, f"{verb} {len(ids)} actor{'s' if len(ids) != 1 else ''}", ("actors",), body)


# ---------------------------------------------------------------- events

_PRECISION_FORMAT = {
    Precision.DAY: lambda d: d.isoformat(),
    Precision.TIME: lambda d: d.isoformat(),
    Precision.WEEK: lambda d: "{:04d}-W{:02d}".format(*d.isocalendar()[:2]),
    Precision.MONTH: lambda d: f"{d.year:04d}-{d.month:02d}",
    Precision.QUARTER: lambda d: f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}",
    Precision.HALF: lambda d: f"{d.year:04d}-H{1 if d.month <= 6 else 2}",
    Precision.YEAR: lambda d: f"{d.year:04d}",
    Precision.DECADE: lambda d: f"{d.year // 10:03d}",
    Precision.CENTURY: lambda d: f"{d.year // 100:02d}",
}


def value_with_precision(day: date, precision: Precision | str) -> str:
    """The TIMEX3 value of the ``precision``-sized period holding ``day`` (2025-06-05, month -> 2025-06)."""
    return _PRECISION_FORMAT[Precision(precision)](day)


def resolve_dates(value: str, end_value: str | None = None) -> tuple[TimePoint, TimePoint | None]:
    """Parse a user's date (and optional end) as TIMEX3 values; raise EditError if not placeable."""
    when = parse_value(value or "", Origin.USER)
    if when is None:
        raise EditError(f"“{value}” is not a date: write 2025-06-05, 2025-06, 2025-W23, 2025-Q2 or 2025")
    end = None
    if end_value:
        end = parse_value(end_value, Origin.USER)
        if end is None:
            raise EditError(f"“{end_value}” is not a date")
        if end.end < when.start:
            raise EditError(f"the end ({end_value}) is before the start ({value})")
    return when, end


def _date_columns(value: str, end_value: str | None) -> dict[str, Any]:
    when, end = resolve_dates(value, end_value)
    last = max(when.end, end.end) if end else when.end
    return {"date_value": when.value, "date_end_value": end.value if end else "",
            "t0": day_seconds(when.start), "t1": day_seconds(last) + 86400.0,
            "precision": when.precision.value, "origin": Origin.USER.value}


def _event_exists(project: Project, event_id: int) -> None:
    if _one(project, "select 1 from events where id = ?", [event_id]) is None:
        raise EditError(f"there is no event #{event_id}")


def _issue_ids(project: Project, issues: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(issues))
    known = {r[0] for r in project.db.conn.execute("select id from issues")}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise EditError(f"unknown trade issue: {', '.join(unknown)}")
    return ids


def edit_event(
    project: Project,
    event_id: int,
    *,
    title: str | None = None,
    date_value: str | None = None,
    end_value: str | None = None,
    actors: Sequence[str] | None = None,
    issues: Sequence[str] | None = None,
) -> Change:
    """Change an event's title, date (TIMEX3 value; its origin becomes "user"), end, actors or issues.

    ``end_value`` "" removes the end; None leaves it as it is. Actors are names:
    an unknown name becomes a new actor.
    """
    _event_exists(project, event_id)
    row = _select(project, "events", "id = ?", [event_id])[0]
    sets: dict[str, Any] = {}
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise EditError("an event needs a title")
        sets["title"] = title
    if date_value is not None or end_value is not None:
        value = date_value if date_value is not None else row["date_value"]
        end = end_value if end_value is not None else (row["date_end_value"] or None)
        sets.update(_date_columns(value, end))
    issue_list = _issue_ids(project, issues) if issues is not None else None

    def body(rec: _Recorder) -> None:
        conn = project.db.conn
        rec.watch("events", "id = ?", [event_id])
        if actors is not None:
            rec.watch("event_actors", "event_id = ?", [event_id])
            actor_ids = list(dict.fromkeys(_actor_for_name(project, rec, n) for n in actors))
            conn.execute("delete from event_actors where event_id = ?", [event_id])
            for aid in actor_ids:
                cur = conn.execute("insert into event_actors (event_id, actor_id) values (?, ?)",
                                   [event_id, aid])
                rec.created("event_actors", int(cur.lastrowid))
        if issue_list is not None:
            rec.watch("event_issues", "event_id = ?", [event_id])
            conn.execute("delete from event_issues where event_id = ?", [event_id])
            for iid in issue_list:
                cur = conn.execute("insert into event_issues (event_id, issue_id) values (?, ?)",
                                   [event_id, iid])
                rec.created("event_issues", int(cur.lastrowid))
            # the lane and colour follow the first issue unless the current one is still there
            sets["issue_id"] = row["issue_id"] if row["issue_id"] in issue_list else (
                issue_list[0] if issue_list else None)
        sets["user_edited"] = 1
        conn.execute(f"update events set {', '.join(f'[{k}] = ?' for k in sets)} where id = ?",
                     [*sets.values(), event_id])

    what = ", ".join(k for k, v in (("title", title), ("date", date_value), ("end", end_value),
                                    ("actors", actors), ("issues", issues)) if v is not None)
    return _edit(project, f"Edit {what or 'event'} of “{row['title']}”", ("events",), body)


def add_manual_event(
    project: Project,
    title: str,
    date_value: str,
    end_value: str | None = None,
    actors: Sequence[str] = (),
    issues: Sequence[str] = (),
    evidence: str = "",
    article_id: int | None = None,
    start_offset: int = 0,
    end_offset: int = 0,
    origin: Origin = Origin.USER,
) -> Change:
    """Add an event the user typed (no article) or one imported from a file (``article_id`` set).

    ``Change.result`` is the new event's id.
    """
    title = " ".join(title.split())
    if not title:
        raise EditError("an event needs a title")
    cols = _date_columns(date_value, end_value)
    cols["origin"] = Origin(origin).value
    issue_list = _issue_ids(project, issues)

    def body(rec: _Recorder) -> int:
        conn = project.db.conn
        row = {"article_id": article_id, "title": title, **cols, "evidence": evidence,
               "start_offset": start_offset, "end_offset": end_offset, "date_text": "",
               "date_start": 0, "date_end": 0, "issue_id": issue_list[0] if issue_list else None,
               "user_edited": 1, "verified": 0}
        cur = conn.execute(f"insert into events ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                           list(row.values()))
        eid = int(cur.lastrowid)
        rec.created("events", eid)
        for aid in dict.fromkeys(_actor_for_name(project, rec, n) for n in actors):
            cur = conn.execute("insert into event_actors (event_id, actor_id) values (?, ?)", [eid, aid])
            rec.created("event_actors", int(cur.lastrowid))
        for iid in issue_list:
            cur = conn.execute("insert into event_issues (event_id, issue_id) values (?, ?)", [eid, iid])
            rec.created("event_issues", int(cur.lastrowid))
        return eid

    return _edit(project, f"Add event “{title}”", ("events",), body)


def delete_events(project: Project, event_ids: Iterable[int], whole_happening: bool = False) -> Change:
    """Delete events; an extracted one leaves a tombstone so re-extraction does not bring it back.

    ``whole_happening``: deleting an event deletes every article's report of the same happening
    (its group), each with its tombstone: what the user means by deleting what the timeline
    shows. Without it only the given rows go; a group whose leader goes is led by a report
    that stays.
    """
    ids = sorted({int(i) for i in event_ids})
    if not ids:
        raise EditError("no event chosen")
    for eid in ids:
        _event_exists(project, eid)
    if whole_happening:
        ids = sorted({m for eid in ids for m in group_ids(project.db.conn, eid)})
    survivors = [r[0] for r in project.db.conn.execute(
        f"select id from events where merged_into in {_IDS} and id not in {_IDS}",
        [json.dumps(ids), json.dumps(ids)])]
    j = json.dumps(ids)

    def body(rec: _Recorder) -> None:
        conn = project.db.conn
        events = rec.watch_ids("events", "id", ids)
        rec.watch_ids("event_actors", "event_id", ids)
        rec.watch_ids("event_issues", "event_id", ids)
        rec.watch_ids("quotes", "event_id", ids)
        rec.watch_ids("events", "id", survivors)
        release_reports(conn, ids)
        for ev in events:
            if ev["article_id"] is None:
                continue
            cur = conn.execute(
                "insert into deleted_events (article_id, title, start_offset, end_offset, date_value, "
                "deleted_at) values (?, ?, ?, ?, ?, ?)",
                [ev["article_id"], ev["title"], ev["start_offset"], ev["end_offset"], ev["date_value"],
                 _now()])
            rec.created("deleted_events", int(cur.lastrowid))
        conn.execute(f"update quotes set event_id = null where event_id in {_IDS}", [j])
        conn.execute("delete from event_actors where event_id in (select value from json_each(?))", [j])
        conn.execute("delete from event_issues where event_id in (select value from json_each(?))", [j])
        conn.execute("delete from events where id in (select value from json_each(?))", [j])

    label = f"Delete “{_one(project, 'select title from events where id = ?', [ids[0]])}”" if len(ids) == 1 \
        else f"Delete {len(ids)} events"
    return _edit(project, label, ("events", "quotes"), body)


def set_verified(project: Project, event_ids: Iterable[int], verified: bool = True) -> Change:
    """Mark events as checked against their sources by the user (or take the mark back)."""
    ids = sorted({int(i) for i in event_ids})
    if not ids:
        raise EditError("no event chosen")

    def body(rec: _Recorder) -> None:
        rec.watch_ids("events", "id", ids)
        project.db.conn.execute("update events set verified = ?, user_edited = 1 "
                                f"where id in {_IDS}", [int(verified), json.dumps(ids)])

    verb = "Mark verified" if verified else "Unmark verified"
    return _edit(project, f"{verb}: {len(ids)} event{'s' if len(ids) != 1 else ''}", ("events",), body)


# ---------------------------------------------------------------- quotes

def set_quote_speaker(project: Project, quote_id: int, speaker: str | None) -> Change:
    """Attribute a quote to an actor by name (an unknown name becomes a new actor); None: unattributed."""
    if _one(project, "select 1 from quotes where id = ?", [quote_id]) is None:
        raise EditError(f"there is no quote #{quote_id}")
    speaker = " ".join(speaker.split()) if speaker else None

    def body(rec: _Recorder) -> int | None:
        rec.watch("quotes", "id = ?", [quote_id])
        sid = _actor_for_name(project, rec, speaker) if speaker else None
        project.db.conn.execute("update quotes set speaker_id = ?, user_edited = 1 where id = ?",
                                [sid, quote_id])
        return sid

    return _edit(project, f"Quote speaker: {speaker or 'unattributed'}", ("quotes", "actors"), body)


# ---------------------------------------------------------------- articles

def remove_article(project: Project, article_id: int) -> Change:
    """Remove an article with its events, quotes, mentions and unresolved dates.

    A happening another article also reports (its group, see ``project.merge_report``) lives
    on there: when the removed article's report led it, another report takes the lead, gets
    the user's "verified" mark, and quotes of other articles that pointed at the removed
    report point at it. Actors left with nothing are removed unless the user edited them.
    """
    if _one(project, "select 1 from articles where id = ?", [article_id]) is None:
        raise EditError(f"there is no article #{article_id}")
    conn = project.db.conn
    ev_ids = [r[0] for r in conn.execute("select id from events where article_id = ?", [article_id])]
    j = json.dumps(ev_ids)
    actor_ids = sorted({r[0] for r in conn.execute(
        "select actor_id from mentions where article_id = ? union "
        "select speaker_id from quotes where article_id = ? and speaker_id is not null union "
        "select ea.actor_id from event_actors ea join events e on e.id = ea.event_id where e.article_id = ?",
        [article_id, article_id, article_id])})
    # reports of other articles grouped with the removed ones: their merged_into may change
    others = [r[0] for r in conn.execute(
        f"select id from events where merged_into in {_IDS} and article_id is not ?", [j, article_id])]
    title = _one(project, "select title from articles where id = ?", [article_id]) or f"article #{article_id}"

    def body(rec: _Recorder) -> None:
        rec.watch("articles", "id = ?", [article_id])
        rec.watch("events", "article_id = ?", [article_id])
        rec.watch_ids("event_actors", "event_id", ev_ids)
        rec.watch_ids("event_issues", "event_id", ev_ids)
        rec.watch("quotes", "article_id = ? or event_id in (select value from json_each(?))", [article_id, j])
        rec.watch("mentions", "article_id = ?", [article_id])
        rec.watch("unresolved", "article_id = ?", [article_id])
        rec.watch("deleted_events", "article_id = ?", [article_id])
        rec.watch("event_splits", "article_a = ? or article_b = ?", [article_id, article_id])
        rec.watch_ids("events", "id", others)
        rec.watch_ids("actors", "id", actor_ids)
        rec.watch_ids("actor_aliases", "actor_id", actor_ids)
        moved = release_reports(conn, ev_ids)
        for old, new in moved.items():
            conn.execute("update quotes set event_id = ? where event_id = ? and article_id != ?",
                         [new, old, article_id])
            if _one(project, "select verified from events where id = ?", [old]):
                conn.execute("update events set verified = 1, user_edited = 1 where id = ?", [new])
        # a quote elsewhere tied to a removed member: to the report that leads its happening now
        conn.execute(
            "update quotes set event_id = (select e.merged_into from events e where e.id = quotes.event_id "
            "and e.merged_into not in (select value from json_each(?))) "
            "where event_id in (select value from json_each(?)) and article_id != ?", [j, j, article_id])
        conn.execute("delete from quotes where article_id = ?", [article_id])
        conn.execute("delete from event_actors where event_id in (select value from json_each(?))", [j])
        conn.execute("delete from event_issues where event_id in (select value from json_each(?))", [j])
        conn.execute("delete from events where article_id = ?", [article_id])
        conn.execute("delete from mentions where article_id = ?", [article_id])
        conn.execute("delete from unresolved where article_id = ?", [article_id])
        conn.execute("delete from deleted_events where article_id = ?", [article_id])
        conn.execute("delete from event_splits where article_a = ? or article_b = ?", [article_id, article_id])
        conn.execute("delete from articles where id = ?", [article_id])
        orphan = ("id in (select value from json_each(?)) and user_edited = 0 "
                  "and id not in (select actor_id from mentions) "
                  "and id not in (select actor_id from event_actors) "
                  "and id not in (select speaker_id from quotes where speaker_id is not null)")
        gone = [r[0] for r in conn.execute(f"select id from actors where {orphan}", [json.dumps(actor_ids)])]
        conn.execute("delete from actor_aliases where actor_id in (select value from json_each(?))",
                     [json.dumps(gone)])
        conn.execute("delete from actors where id in (select value from json_each(?))", [json.dumps(gone)])

    return _edit(project, f"Remove article “{title}”", ("articles", "events", "quotes", "actors"), body)


def merge_events(project: Project, event_ids: Iterable[int]) -> Change:
    """Make the happenings of ``event_ids`` one (the user's call where the automatic match held
    back): their groups join, every report stays a source. The reports are marked as the
    user's, so re-extraction keeps them grouped; splits recorded between them are forgotten.
    ``Change.result`` is the leader (the event the timeline shows).
    """
    ids = sorted({int(i) for i in event_ids})
    for eid in ids:
        _event_exists(project, eid)
    conn = project.db.conn
    groups = {tuple(group_ids(conn, eid)) for eid in ids}
    if len(groups) < 2:
        raise EditError("choose two or more events to merge")
    union = sorted({m for g in groups for m in g})
    keys = {tuple(r) for r in conn.execute(
        "select article_id, coalesce(start_offset, 0), coalesce(end_offset, 0), coalesce(date_start, 0) "
        f"from events where id in {_IDS} and article_id is not null", [json.dumps(union)])}
    articles = sorted({k[0] for k in keys})
    stale = [r[0] for r in conn.execute(
        f"select id, article_a, start_a, end_a, date_a, article_b, start_b, end_b, date_b from event_splits "
        f"where article_a in {_IDS} and article_b in {_IDS}", [json.dumps(articles), json.dumps(articles)])
        if tuple(r[1:5]) in keys and tuple(r[5:9]) in keys]
    first = _one(project, "select title from events where id = ?", [ids[0]])

    def body(rec: _Recorder) -> int:
        rec.watch_ids("events", "id", union)
        rec.watch_ids("event_splits", "id", stale)
        conn.execute(f"update events set user_edited = 1 where id in {_IDS}", [json.dumps(union)])
        conn.execute(f"delete from event_splits where id in {_IDS}", [json.dumps(stale)])
        leader = choose_leader(conn, union)
        set_group(conn, union, leader)
        return leader

    return _edit(project, f"Merge {len(groups)} events into “{first}”", ("events", "quotes"), body)


def split_event(project: Project, event_id: int) -> Change:
    """Take one article's report out of the happening it was merged into: it becomes an event
    of its own on the timeline (the rest of the group stays together, with a new leader if the
    report led it). The pair is remembered by place in the text, so re-extraction of either
    article does not merge them again. ``Change.result`` is the split report's id.
    """
    _event_exists(project, event_id)
    conn = project.db.conn
    group = group_ids(conn, event_id)
    if len(group) < 2:
        raise EditError("this event is reported by one article only: there is nothing to split")
    rest = [i for i in group if i != event_id]
    keys = {r[0]: tuple(r[1:]) for r in conn.execute(
        "select id, article_id, coalesce(start_offset, 0), coalesce(end_offset, 0), coalesce(date_start, 0) "
        f"from events where id in {_IDS}", [json.dumps(group)])}
    title = _one(project, "select title from events where id = ?", [event_id])
    outlet = _one(project, "select coalesce(a.source, a.title, '') from events e join articles a "
                           "on a.id = e.article_id where e.id = ?", [event_id]) or ""

    def body(rec: _Recorder) -> int:
        rec.watch_ids("events", "id", group)
        set_group(conn, [event_id], event_id)
        set_group(conn, rest, choose_leader(conn, rest))
        now = _now()
        for other in rest:
            a, b = sorted([keys[event_id], keys[other]], key=repr)
            cur = conn.execute(
                "insert into event_splits (article_a, start_a, end_a, date_a, article_b, start_b, end_b, date_b, "
                "split_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [*a, *b, now])
            rec.created("event_splits", int(cur.lastrowid))
        return event_id

    label = f"Split {outlet + '’s ' if outlet else ''}“{title}” from the merged event"
    return _edit(project, label, ("events",), body)


# ---------------------------------------------------------------- trade issues

def _issue(project: Project, issue_id: str) -> dict[str, Any]:
    rows = _select(project, "issues", "id = ?", [issue_id])
    if not rows:
        raise EditError(f"there is no trade issue “{issue_id}”")
    return rows[0]


def set_issue_colour(project: Project, issue_id: str, colour: str) -> Change:
    """Change an issue's colour ("#RRGGBB"); the timeline, legend and export follow."""
    old = _issue(project, issue_id)
    if not _COLOUR.match(colour or ""):
        raise EditError(f"“{colour}” is not a colour: write #RRGGBB")

    def body(rec: _Recorder) -> None:
        rec.watch("issues", "id = ?", [issue_id])
        project.db.conn.execute("update issues set colour = ?, user_edited = 1 where id = ?",
                                [colour.upper(), issue_id])

    return _edit(project, f"Colour of {old['label']}", ("issues",), body)


def rename_issue(project: Project, issue_id: str, label: str) -> Change:
    old = _issue(project, issue_id)
    label = " ".join(label.split())
    if not label:
        raise EditError("a trade issue needs a name")

    def body(rec: _Recorder) -> None:
        rec.watch("issues", "id = ?", [issue_id])
        project.db.conn.execute("update issues set label = ?, user_edited = 1 where id = ?",
                                [label, issue_id])

    return _edit(project, f"Rename “{old['label']}” to “{label}”", ("issues",), body)


def issue_slug(label: str) -> str:
    """An issue id made from its label: lower case words joined by underscores."""
    return "_".join(re.findall(r"\w+", label.casefold())) or "issue"


def add_issue(project: Project, label: str, colour: str, parent: str | None = None,
              issue_id: str | None = None, patterns: Sequence[str] = ()) -> Change:
    """Add a trade issue to the project (re-tagging events with it is a separate step).

    ``Change.result`` is the new issue's id.
    """
    label = " ".join(label.split())
    if not label:
        raise EditError("a trade issue needs a name")
    if not _COLOUR.match(colour or ""):
        raise EditError(f"“{colour}” is not a colour: write #RRGGBB")
    if parent is not None:
        _issue(project, parent)
    base = issue_id or issue_slug(label)
    iid, n = base, 2
    while _one(project, "select 1 from issues where id = ?", [iid]) is not None:
        if issue_id:
            raise EditError(f"a trade issue with id “{issue_id}” already exists")
        iid, n = f"{base}_{n}", n + 1
    for p in patterns:
        _check_pattern(p)

    def body(rec: _Recorder) -> str:
        conn = project.db.conn
        pos = (_one(project, "select max(position) from issues") or 0) + 1
        cur = conn.execute("insert into issues (id, label, colour, parent, position, user_edited) "
                           "values (?, ?, ?, ?, ?, 1)", [iid, label, colour.upper(), parent, pos])
        rec.created("issues", int(cur.lastrowid))
        for p in dict.fromkeys(x.strip() for x in patterns):
            cur = conn.execute("insert into issue_patterns (issue_id, pattern, added_at) values (?, ?, ?)",
                               [iid, p, _now()])
            rec.created("issue_patterns", int(cur.lastrowid))
        return iid

    return _edit(project, f"Add trade issue “{label}”", ("issues",), body)


def _check_pattern(pattern: str) -> None:
    # taxonomy patterns are Python regular expressions (resources/issues/taxonomy.json)
    if not pattern.strip():
        raise EditError("a pattern cannot be empty")
    try:
        re.compile(pattern.strip())
    except re.error as exc:
        raise EditError(f"“{pattern}” is not a valid pattern ({exc})") from exc


def add_pattern(project: Project, issue_id: str, pattern: str) -> Change:
    """Store one more pattern (a regular expression) for an issue; ``Change.result`` is its row id."""
    _issue(project, issue_id)
    _check_pattern(pattern)
    pattern = pattern.strip()
    if _one(project, "select 1 from issue_patterns where issue_id = ? and pattern = ?", [issue_id, pattern]):
        raise EditError(f"“{pattern}” is already a pattern of this issue")

    def body(rec: _Recorder) -> int:
        cur = project.db.conn.execute(
            "insert into issue_patterns (issue_id, pattern, added_at) values (?, ?, ?)",
            [issue_id, pattern, _now()])
        rec.created("issue_patterns", int(cur.lastrowid))
        return int(cur.lastrowid)

    return _edit(project, f"Add pattern “{pattern}”", ("issues",), body)


def issue_patterns(project: Project, issue_id: str | None = None) -> list[tuple[str, str]]:
    """The patterns users added, as (issue id, pattern), oldest first."""
    sql = "select issue_id, pattern from issue_patterns"
    params: list[Any] = []
    if issue_id is not None:
        sql += " where issue_id = ?"
        params.append(issue_id)
    return [(r[0], r[1]) for r in project.db.conn.execute(sql + " order by id", params)]


# ---------------------------------------------------------------- what the details panel reads

@dataclass
class SourceRow:
    """One article reporting an event: the evidence sentence and where the date is in it."""

    event_id: int
    article_id: int
    title: str
    outlet: str
    url: str
    published: str
    evidence: str
    start_offset: int
    end_offset: int
    date_text: str
    date_start: int
    date_end: int


def event_sources(project: Project, event_id: int) -> list[SourceRow]:
    """Every report of the happening: the event's own first, then the other reports grouped with
    it (project.merge_report), by article. An article with two reports in the group shows both."""
    group = group_ids(project.db.conn, event_id)
    if not group:
        return []
    cur = project.db.conn.execute(
        "select e.id, e.article_id, coalesce(a.title, ''), coalesce(a.source, ''), coalesce(a.url, ''), "
        "coalesce(a.published, ''), coalesce(e.evidence, ''), e.start_offset, e.end_offset, "
        "coalesce(e.date_text, ''), coalesce(e.date_start, 0), coalesce(e.date_end, 0) "
        f"from events e join articles a on a.id = e.article_id where e.id in {_IDS} "
        "order by e.id != ?, e.article_id, e.start_offset",
        [json.dumps(group), event_id])
    return [SourceRow(*r) for r in cur.fetchall()]


@dataclass
class EventQuote:
    id: int
    text: str
    speaker: str | None
    article_id: int
    start_offset: int
    end_offset: int


def event_quotes(project: Project, event_id: int) -> list[EventQuote]:
    """Quotes tied to the event or to any other report of the same happening."""
    cur = project.db.conn.execute(
        "select q.id, q.text, s.name, q.article_id, q.start_offset, q.end_offset from quotes q "
        f"left join actors s on s.id = q.speaker_id where q.event_id in {_IDS} "
        "order by q.article_id, q.start_offset",
        [json.dumps(group_ids(project.db.conn, event_id) or [event_id])])
    return [EventQuote(*r) for r in cur.fetchall()]
