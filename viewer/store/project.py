"""The project file: one SQLite database, through sqlite-utils.

Everything the views need is asked of a :class:`Project`; no other package
writes SQL. Each article goes in with all its events, actors, quotes and
mentions in one transaction, so a crash leaves it either fully in or not at
all.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from viewer.core.model import Actor, Article, Event, Extraction, Issue, Origin, Precision, TimePoint
from viewer.core.timeline_data import find_sorted
from viewer.extract.events import same_happening, similarity

SUFFIX = ".dateline"
_EPOCH = date(1970, 1, 1)


class ProjectError(Exception):
    """The project file cannot be used; the message names the file and the reason."""


def day_seconds(d: date) -> float:
    """Seconds since 1970-01-01 at the start of day ``d`` (negative before 1970)."""
    return float((d - _EPOCH).days * 86400)


def seconds_to_date(t: float) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(t // 86400))


def text_hash(text: str) -> str:
    normal = " ".join(text.split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- migrations

def _m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int, "path": str, "title": str, "source": str, "url": str, "author": str,
            "published": str, "published_origin": str, "text": str, "text_hash": str,
            "added_at": str,
        },
        pk="id",
    )
    db["articles"].create_index(["text_hash"], unique=True)
    db["issues"].create(
        {"id": str, "label": str, "colour": str, "parent": str, "position": int}, pk="id"
    )
    db["actors"].create(
        {"id": int, "name": str, "kind": str, "country": str, "role": str, "hidden": int},
        pk="id", defaults={"hidden": 0},
    )
    db["actors"].create_index(["name"], unique=True)
    db["actor_aliases"].create({"actor_id": int, "alias": str}, pk=("actor_id", "alias"),
                                foreign_keys=[("actor_id", "actors", "id")])
    db["events"].create(
        {
            "id": int, "article_id": int, "title": str, "date_value": str, "date_end_value": str,
            "t0": float, "t1": float, "precision": str, "origin": str,
            "evidence": str, "start_offset": int, "end_offset": int,
            "date_text": str, "date_start": int, "date_end": int,
            "issue_id": str, "user_edited": int, "verified": int,
        },
        pk="id", defaults={"user_edited": 0, "verified": 0},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["events"].create_index(["t0"])
    db["events"].create_index(["article_id"])
    db["event_actors"].create({"event_id": int, "actor_id": int}, pk=("event_id", "actor_id"))
    db["event_actors"].create_index(["actor_id"])
    db["event_issues"].create({"event_id": int, "issue_id": str}, pk=("event_id", "issue_id"))
    db["event_issues"].create_index(["issue_id"])
    db["quotes"].create(
        {
            "id": int, "article_id": int, "text": str, "start_offset": int, "end_offset": int,
            "speaker_id": int, "event_id": int, "sentence_start": int, "sentence_end": int,
            "user_edited": int,
        },
        pk="id", defaults={"user_edited": 0},
    )
    db["quotes"].create_index(["article_id"])
    db["quotes"].create_index(["speaker_id"])
    db["mentions"].create(
        {"id": int, "article_id": int, "actor_id": int, "start_offset": int, "end_offset": int, "text": str},
        pk="id",
    )
    db["mentions"].create_index(["actor_id"])
    db["mentions"].create_index(["article_id"])
    db["unresolved"].create(
        {"id": int, "article_id": int, "text": str, "start_offset": int, "end_offset": int, "value": str},
        pk="id",
    )
    db["unresolved"].create_index(["article_id"])


from viewer.store.workflow_schema import m_event_groups, m_search, m_stable_ids, m_workflow  # noqa: E402


def _m004_event_groups(db: sqlite_utils.Database) -> None:
    """The ``merged_into`` column, then the events already in the project grouped as new ones would be."""
    m_event_groups(db)
    db["events"].create_index(["precision", "t0"])  # the candidate search of merge_report
    for (eid,) in db.conn.execute("select id from events where article_id is not null order by id").fetchall():
        merge_report(db.conn, eid)


def _m006_time_index(db: sqlite_utils.Database) -> None:
    """The events' time index carries the end too: a date range (``t1 > start and t0 < end``) is
    then answered from the index alone. With ``t0`` only, SQLite fetched each row from the table
    in ``t0`` order, scattered over the file: 1.8 s for a range over all of a million events,
    where a walk of the (t0, t1) index takes 0.1 s. It serves every use of the old one."""
    db.conn.execute("drop index if exists idx_events_t0")
    db["events"].create_index(["t0", "t1"], if_not_exists=True)


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_initial", _m001_initial),
    ("002_workflow", m_workflow),
    ("003_search", m_search),
    ("004_event_groups", _m004_event_groups),
    ("005_stable_ids", m_stable_ids),
    ("006_time_index", _m006_time_index),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Run the migrations not yet recorded in the database; return their names."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {r["name"] for r in db["_migrations"].rows}
    applied = []
    conn = db.conn
    todo = [(name, fn) for name, fn in MIGRATIONS if name not in done]
    if not todo:
        return applied
    # off while the schema changes (SQLite's table rebuild: dropping a parent table must not
    # delete-check its children), back as it was after; only possible outside a transaction
    keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for name, fn in todo:
            # Python's sqlite3 commits before DDL in its default mode, so a migration that fails half
            # way would leave half a schema; in autocommit mode our own BEGIN covers all of it.
            level = conn.isolation_level
            conn.isolation_level = None
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    # another connection (a second window, the ingest worker) may have run it while
                    # this one waited for the write lock
                    ran = conn.execute("select 1 from _migrations where name = ?", [name]).fetchone()
                    if not ran:
                        fn(db)
                        db["_migrations"].insert({"name": name, "applied_at": _now()})
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                conn.isolation_level = level
            if not ran:
                applied.append(name)
    finally:
        conn.execute(f"PRAGMA foreign_keys={'ON' if keys else 'OFF'}")
    return applied


def upgrade_pending(path: str | Path, events_above: int) -> bool:
    """True when opening ``path`` will run a migration on more than ``events_above`` events: a long
    one on a big project (seconds at a million events), which the window runs off its thread.

    Reads only; False for a new file or one it cannot read (opening it says why).
    """
    p = Path(path)
    if not p.is_file():
        return False
    try:
        conn = sqlite3.connect(p)
    except sqlite3.Error:
        return False
    try:
        done = {name for (name,) in conn.execute("select name from _migrations")}
        if all(name in done for name, _fn in MIGRATIONS):
            return False
        n = conn.execute("select count(*) from (select 1 from events limit ?)", [events_above + 1]).fetchone()[0]
        return n > events_above
    except sqlite3.Error:  # not a project, or one without events yet
        return False
    finally:
        conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- one happening, several reports
#
# Each article keeps its own events rows (provenance and re-extraction stay per article); the
# reports of one happening form a group: one row leads (``merged_into`` NULL, it is what the
# timeline shows), the others point at it. Groups are flat: a member never leads another.

#: the widest date span, in days, of each precision: how far back a coarser report that contains
#: an event can start. Coarser than a year (decade, century) never merges: such a date says too
#: little to tell two happenings apart.
_SPAN_DAYS = {Precision.TIME.value: 1, Precision.DAY.value: 1, Precision.WEEK.value: 7,
              Precision.MONTH.value: 31, Precision.QUARTER.value: 92, Precision.HALF.value: 184,
              Precision.YEAR.value: 366}
MERGE_MAX_SPAN = 367 * 86400.0
_IN = "(select value from json_each(?))"
_REPORT_SQL = (
    "select e.id, coalesce(e.merged_into, e.id), e.article_id, coalesce(e.title, ''), e.t0, e.t1, e.precision, "
    "e.origin, coalesce(e.date_value, ''), coalesce(e.evidence, ''), coalesce(e.date_text, ''), "
    "coalesce(e.start_offset, 0), coalesce(e.end_offset, 0), coalesce(e.date_start, 0) from events e")
# a candidate shares an actor or an issue with the new report (checked per row through the
# primary keys of the link tables, so a common issue such as tariffs costs nothing up front)
_SHARES = (
    "(exists (select 1 from event_actors x where x.event_id = e.id and x.actor_id in "
    "(select actor_id from event_actors where event_id = ?)) or exists (select 1 from event_issues y "
    "where y.event_id = e.id and y.issue_id in (select issue_id from event_issues where event_id = ?)))")


@dataclass
class _Report:
    """One events row as the matcher sees it."""

    id: int
    leader: int
    article_id: int | None
    event: Event
    t0: float
    t1: float
    key: tuple[int | None, int, int, int]  # where it is in its article: survives re-extraction


def _reports(conn: sqlite3.Connection, where: str, params: list) -> list[_Report]:
    rows = conn.execute(f"{_REPORT_SQL} where {where}", params).fetchall()
    if not rows:
        return []
    ids = json.dumps([r[0] for r in rows])
    actors: dict[int, list[str]] = {}
    for eid, name in conn.execute("select ea.event_id, a.name from event_actors ea join actors a "
                                  f"on a.id = ea.actor_id where ea.event_id in {_IN}", [ids]):
        actors.setdefault(eid, []).append(name)
    issues: dict[int, list[str]] = {}
    for eid, iid in conn.execute(f"select event_id, issue_id from event_issues where event_id in {_IN}", [ids]):
        issues.setdefault(eid, []).append(iid)
    out = []
    for (eid, leader, art, title, t0, t1, prec, origin, value, evidence, date_text, start, end,
         date_start) in rows:
        try:
            precision = Precision(prec)
        except ValueError:
            precision = Precision.DAY
        when = TimePoint(seconds_to_date(t0), seconds_to_date(t1 - 1), precision, _origin(origin), value)
        ev = Event(title, when, evidence, start, end, actors.get(eid, []), issues.get(eid, []), date_text)
        out.append(_Report(eid, leader, art, ev, t0, t1, (art, start, end, date_start)))
    return out


def _nested(a0: float, a1: float, b0: float, b1: float) -> bool:
    """One span lies inside the other: the same date at the precision the two share."""
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def split_pairs(conn: sqlite3.Connection, article_id: int) -> set[frozenset]:
    """The pairs of report keys the user split apart, for reports of ``article_id``."""
    rows = conn.execute("select article_a, start_a, end_a, date_a, article_b, start_b, end_b, date_b "
                        "from event_splits where article_a = ? or article_b = ?", [article_id, article_id])
    return {frozenset((tuple(r[:4]), tuple(r[4:]))) for r in rows}


def choose_leader(conn: sqlite3.Connection, ids: Iterable[int]) -> int:
    """Which report of a group the timeline shows: one the user edited, else the most precise
    date (the shortest span), else the oldest row."""
    row = conn.execute(f"select id from events where id in {_IN} order by user_edited desc, verified desc, "
                       "(t1 - t0), id limit 1", [json.dumps(sorted({int(i) for i in ids}))]).fetchone()
    if row is None:
        raise ValueError("choose_leader: none of the events exists")
    return int(row[0])


def set_group(conn: sqlite3.Connection, ids: Iterable[int], leader: int) -> None:
    """Make ``ids`` one group led by ``leader`` (rows already so are not written: no needless
    timeline-cache invalidation)."""
    others = json.dumps(sorted({int(i) for i in ids} - {int(leader)}))
    conn.execute("update events set merged_into = null where id = ? and merged_into is not null", [leader])
    conn.execute(f"update events set merged_into = ? where id in {_IN} and merged_into is not ?",
                 [leader, others, leader])


def group_ids(conn: sqlite3.Connection, event_id: int) -> list[int]:
    """The reports grouped with ``event_id`` (itself included): the leader first, then by id."""
    row = conn.execute("select coalesce(merged_into, id) from events where id = ?", [event_id]).fetchone()
    if row is None:
        return []
    lead = row[0]
    return [r[0] for r in conn.execute(
        "select id from events where id = ? or merged_into = ? order by id != ?, id", [lead, lead, lead])]


def merge_report(conn: sqlite3.Connection, event_id: int) -> int | None:
    """Join one article's event to the group of the same happening reported by another article.

    Candidates: events of other articles whose date nests with this one's (an index range
    on t0 for those inside it, one per coarser precision for those around it) and that share
    an actor or issue; :func:`viewer.extract.events.same_happening` decides, the most similar
    wording wins. The group taken must stay consistent: every report in it nests with this
    one's date (so "in March" cannot chain March 13 and March 20 into one happening) and none
    was split from it by the user. Returns the group's leader, or None when nothing matched.
    """
    found = _reports(conn, "e.id = ?", [event_id])
    if not found or found[0].article_id is None or found[0].t1 - found[0].t0 > MERGE_MAX_SPAN:
        return None
    new = found[0]
    span = new.t1 - new.t0
    ids: set[int] = set()
    base = "e.article_id is not null and e.article_id != ? and e.id != ? and " + _SHARES
    ids.update(r[0] for r in conn.execute(
        f"select e.id from events e where e.t0 >= ? and e.t0 < ? and e.t1 <= ? and {base}",
        [new.t0, new.t1, new.t1, new.article_id, event_id, event_id, event_id]))
    for prec, days in _SPAN_DAYS.items():
        if days * 86400.0 <= span:
            continue
        ids.update(r[0] for r in conn.execute(
            f"select e.id from events e where e.precision = ? and e.t0 >= ? and e.t0 <= ? and e.t1 >= ? "
            f"and {base}", [prec, new.t1 - days * 86400.0, new.t0, new.t1, new.article_id, event_id, event_id,
                            event_id]))
    if not ids:
        return None
    scored = []
    same: set[int] = set()
    candidates = _reports(conn, f"e.id in {_IN}", [json.dumps(sorted(ids))])
    names = sorted({n for r in [new, *candidates] for n in r.event.actors})
    kinds = {n: Actor(n, k or "", c or "") for n, k, c in conn.execute(
        f"select name, kind, country from actors where name in {_IN}", [json.dumps(names)])}
    for c in candidates:
        if _nested(new.t0, new.t1, c.t0, c.t1) and same_happening(new.event, c.event, actors=kinds):
            scored.append((-similarity(new.event, c.event), c.id, c.leader))
            same.add(c.id)
    if not scored:
        return None
    splits = split_pairs(conn, new.article_id)
    tried: set[int] = set()
    for _score, _cid, lead in sorted(scored):
        if lead in tried:
            continue
        tried.add(lead)
        members = conn.execute(
            "select id, article_id, coalesce(start_offset, 0), coalesce(end_offset, 0), coalesce(date_start, 0), "
            "t0, t1 from events where (id = ? or merged_into = ?) and id != ?", [lead, lead, event_id]).fetchall()
        if not all(_nested(new.t0, new.t1, m[5], m[6]) for m in members):
            continue
        if any(frozenset((new.key, tuple(m[1:5]))) in splits for m in members):
            continue
        # every other article's report in the group tells the same happening as this one, not just
        # one of them: one loose match must not chain two happenings of a day together
        if not all(m[0] in same for m in members if m[1] != new.article_id):
            continue
        group = [m[0] for m in members] + [event_id]
        leader = choose_leader(conn, group)
        set_group(conn, group, leader)
        return leader
    return None


def release_reports(conn: sqlite3.Connection, doomed: Iterable[int]) -> dict[int, int]:
    """Before ``doomed`` events are deleted: a group whose leader goes gets a new leader among
    the reports that stay, so the happening survives with its other sources.

    Returns {old leader: new leader} for the groups that changed hands.
    """
    gone = {int(i) for i in doomed}
    if not gone:
        return {}
    j = json.dumps(sorted(gone))
    moved: dict[int, int] = {}
    leaders = [r[0] for r in conn.execute(
        f"select distinct id from events where id in {_IN} and merged_into is null", [j])]
    for lead in leaders:
        rest = [r[0] for r in conn.execute("select id from events where merged_into = ?", [lead])
                if r[0] not in gone]
        if rest:
            new = choose_leader(conn, rest)
            set_group(conn, rest, new)
            moved[lead] = new
    return moved

#: the events columns extraction writes (besides the group, the user's marks and the id)
_EVENT_COLUMNS = ("article_id", "title", "date_value", "date_end_value", "t0", "t1", "precision", "origin",
                  "evidence", "start_offset", "end_offset", "date_text", "date_start", "date_end", "issue_id")


def _named_in(name: str, ev: Event, mentions: list[tuple[int, int, str, int]],
              actor_id: Callable[[str], int]) -> list[int]:
    """The actors an event's ``name`` stands for: those its sentence's mentions of that name point
    to (the user may have moved some to an actor of their own), else the actor of that name."""
    inside = sorted({aid for s, e, n, aid in mentions if n == name and ev.start <= s and e <= ev.end})
    return inside or [actor_id(name)]


def _sync_links(conn: sqlite3.Connection, table: str, column: str, event_id: int, old: set, new: list) -> bool:
    """Make an event's links in ``table`` the ``new`` ones, touching only those that differ
    (a link that stays keeps its rowid). Returns whether anything changed."""
    gone = old - set(new)
    added = [v for v in new if v not in old]
    if gone:
        conn.execute(f"delete from {table} where event_id = ? and {column} in {_IN}",
                     [event_id, json.dumps(sorted(gone))])
    if added:
        conn.executemany(f"insert or ignore into {table} (event_id, {column}) values (?, ?)",
                         [(event_id, v) for v in added])
    return bool(gone or added)


def _sync_rows(conn: sqlite3.Connection, table: str, article_id: int, columns: tuple[str, ...],
               rows: list[tuple], only: str = "1") -> None:
    """Make the article's rows of ``table`` (those matching ``only``) the given ones, matching old
    and new by (start_offset, end_offset): a row still there keeps its id and is updated only
    where it differs, the others are deleted or inserted."""
    a, b = columns.index("start_offset"), columns.index("end_offset")
    old: dict[tuple, list[tuple]] = {}
    for r in conn.execute(f"select id, {', '.join(columns)} from {table} where article_id = ? and {only} "
                          "order by id", [article_id]):
        old.setdefault((r[1 + a], r[1 + b]), []).append(r)
    inserts, updates = [], []
    for row in rows:
        same_place = old.get((row[a], row[b]))
        if not same_place:
            inserts.append(row)
            continue
        prev = next((r for r in same_place if r[1:] == row), same_place[0])
        same_place.remove(prev)
        if prev[1:] != row:
            updates.append((*row, prev[0]))
    gone = [r[0] for rs in old.values() for r in rs]
    if gone:
        conn.execute(f"delete from {table} where id in {_IN}", [json.dumps(gone)])
    if updates:
        conn.executemany(f"update {table} set {', '.join(f'{c} = ?' for c in columns)} where id = ?", updates)
    if inserts:
        conn.executemany(f"insert into {table} (article_id, {', '.join(columns)}) "
                         f"values (?, {', '.join('?' * len(columns))})", [(article_id, *r) for r in inserts])


# ---------------------------------------------------------------- rows handed to views

@dataclass
class AddResult:
    article_id: int
    duplicate: bool
    events: int = 0
    quotes: int = 0


@dataclass
class ArticleRow:
    id: int
    title: str
    source: str
    url: str
    path: str
    published: date | None
    published_origin: str
    events: int
    unresolved: int

    @property
    def status(self) -> str:
        return "date needed" if self.published is None else "ok"


@dataclass
class EventRow:
    id: int
    article_id: int | None
    title: str
    when: TimePoint
    evidence: str
    start_offset: int
    end_offset: int
    date_text: str
    issue_id: str | None
    actors: list[str]
    issues: list[str]
    verified: bool
    user_edited: bool


@dataclass
class ActorRow:
    id: int
    name: str
    kind: str
    country: str
    events: int
    quotes: int
    aliases: list[str]
    first: str = ""  # first and last day of the actor's events (ISO), "" without events
    last: str = ""


@dataclass
class IssueRow:
    id: str
    label: str
    colour: str
    parent: str | None
    events: int


@dataclass(slots=True)
class QuoteRow:
    """A quote as the Quotes panel shows it; without an attribute dict per row (a third of a million
    of them at a million events)."""

    id: int
    text: str
    speaker: str | None
    speaker_id: int | None
    article_id: int
    article_title: str
    start_offset: int
    end_offset: int
    sentence_start: int
    sentence_end: int
    event_id: int | None
    date: str
    issue: str = ""  # label of its event's trade issue
    issue_id: str = ""


class QuoteRows(Sequence[QuoteRow]):
    """Quotes as the Quotes panel lists them, held as columns: a :class:`QuoteRow` is made when one
    is asked for. At a million events a project holds a third of a million quotes; as row objects
    they took 164 MB, mostly small ints (ids, offsets) and a copy of a date string per row.

    ``take(order)`` gives the same quotes in another order (sharing the columns); ``positions``,
    ``mask``, ``speakers`` and ``issue_labels`` answer the window's questions about every row
    without making the rows.
    """

    __slots__ = ("_c", "_order", "_last")

    def __init__(self, columns: dict[str, Any], order: np.ndarray | None = None) -> None:
        self._c = columns
        self._order = order
        self._last: tuple[int, QuoteRow] | None = None  # a view asks for one row's cells in a row

    @classmethod
    def from_rows(cls, rows: Iterable[QuoteRow]) -> QuoteRows:
        rows = list(rows)
        dates = sorted({q.date for q in rows})
        date_code = {d: k for k, d in enumerate(dates)}
        issues = sorted({(q.issue_id, q.issue) for q in rows if q.issue_id})
        code = {iid: k for k, (iid, _label) in enumerate(issues)}
        return cls({
            "id": np.array([q.id for q in rows], np.int64),
            "text": [q.text for q in rows],
            "speaker_id": np.array([-1 if q.speaker_id is None else q.speaker_id for q in rows], np.int64),
            "speakers": {q.speaker_id: q.speaker for q in rows if q.speaker_id is not None},
            "article_id": np.array([q.article_id for q in rows], np.int64),
            "titles": {q.article_id: q.article_title for q in rows},
            "offsets": np.array([[-1 if v is None else v for v in (q.start_offset, q.end_offset, q.sentence_start,
                                                                   q.sentence_end)] for q in rows],
                                np.int64).reshape(len(rows), 4),
            "event_id": np.array([-1 if q.event_id is None else q.event_id for q in rows], np.int64),
            "date": np.array([date_code[q.date] for q in rows], np.int32),
            "dates": dates,
            "issue": np.array([code.get(q.issue_id, -1) for q in rows], np.int16),
            "issue_ids": [iid for iid, _label in issues],
            "issue_labels": [label for _iid, label in issues],
        })

    def __len__(self) -> int:
        return len(self._c["text"]) if self._order is None else int(self._order.size)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if self._last is not None and self._last[0] == i:
            return self._last[1]
        j = i if self._order is None else self._order.item(i)
        c = self._c
        row = self._make(j, c["id"].item(j), c["speaker_id"].item(j), c["article_id"].item(j),
                         *c["offsets"][j].tolist(), c["event_id"].item(j), c["date"].item(j), c["issue"].item(j))
        self._last = (i, row)
        return row

    def _make(self, j: int, qid: int, sid: int, aid: int, so: int, eo: int, ss: int, se: int, eid: int, day: int,
              iss: int) -> QuoteRow:
        c = self._c  # (-1: none, or not stored)
        return QuoteRow(qid, c["text"][j], c["speakers"].get(sid) if sid >= 0 else None, sid if sid >= 0 else None,
                        aid, c["titles"].get(aid, ""), so if so >= 0 else None, eo if eo >= 0 else None,
                        ss if ss >= 0 else None, se if se >= 0 else None, eid if eid >= 0 else None, c["dates"][day],
                        c["issue_labels"][iss] if iss >= 0 else "", c["issue_ids"][iss] if iss >= 0 else "")

    def __iter__(self) -> Iterator[QuoteRow]:
        # a block of each column at a time as Python values: a tenth of the cost of row by row
        n, c = len(self), self._c
        for a in range(0, n, 4096):
            pos = np.arange(a, min(a + 4096, n)) if self._order is None else self._order[a:a + 4096]
            offsets = c["offsets"][pos].T.tolist()
            yield from map(self._make, pos.tolist(), c["id"][pos].tolist(), c["speaker_id"][pos].tolist(),
                           c["article_id"][pos].tolist(), *offsets, c["event_id"][pos].tolist(),
                           c["date"][pos].tolist(), c["issue"][pos].tolist())

    def codes(self, name: str) -> tuple[np.ndarray, list]:
        """Attribute ``name`` of every row as a code into a list of values (``text``, ``speaker``,
        ``date``, ``issue``, ``article_title``): what sorting or searching by it needs, without rows.
        The list is the same for every order and subset of these quotes (a search may keep what it
        made of it)."""
        c = self._c
        if name == "text":
            return (np.arange(len(self)) if self._order is None else self._order), c["text"]
        if name == "date":
            return self._column("date"), c["dates"]
        if name == "issue":
            return self._column("issue") + 1, ["", *c["issue_labels"]]
        if name in ("speaker", "article_title"):
            key, names, none = ("speaker_id", c["speakers"], None) if name == "speaker" else \
                ("article_id", c["titles"], "")
            known = c.get(f"_{key}s")
            if known is None:
                known = c[f"_{key}s"] = np.array(sorted(names), np.int64)
            ids = self._column(key)
            pos, found = find_sorted(known, ids)
            return np.where(found, pos + 1, 0), [none, *(names[k] for k in known.tolist())]
        raise KeyError(name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  (mutable-looking and compared by value)

    def __repr__(self) -> str:
        return f"QuoteRows({len(self)} quotes)"

    def take(self, order: Sequence[int] | np.ndarray) -> QuoteRows:
        """These rows in ``order`` (positions in this sequence)."""
        pos = np.asarray(order, np.int64)
        return QuoteRows(self._c, pos if self._order is None else self._order[pos])

    def _column(self, name: str) -> np.ndarray:
        col = self._c[name]
        return col if self._order is None else col[self._order]

    def positions(self, event_ids: Iterable[int] | np.ndarray = (), speaker_ids: Iterable[int] | np.ndarray = ()
                  ) -> np.ndarray:
        """Positions of the quotes of any of ``event_ids`` or said by any of ``speaker_ids``, ascending."""
        hit = np.zeros(len(self), bool)
        for name, ids in (("event_id", event_ids), ("speaker_id", speaker_ids)):
            want = (ids.astype(np.int64, copy=False) if isinstance(ids, np.ndarray)
                    else np.array([i for i in ids if i is not None], np.int64))
            if want.size:
                hit |= np.isin(self._column(name), want)
        return np.flatnonzero(hit)

    def speakers(self) -> set[str | None]:
        """The speakers' names (None: a quote nobody is credited with)."""
        names = self._c["speakers"]
        return {names.get(int(s)) if s >= 0 else None for s in np.unique(self._column("speaker_id")).tolist()}

    def issue_labels(self) -> set[str]:
        labels = self._c["issue_labels"]
        return {labels[k] for k in np.unique(self._column("issue")).tolist() if k >= 0} - {""}

    def mask(self, speaker: str | None = None, issue: str | None = None, unattributed: str = "unattributed"
             ) -> np.ndarray:
        """Which rows are said by ``speaker`` (``unattributed``: by nobody) and are about ``issue`` (a
        label); None: any."""
        keep = np.ones(len(self), bool)
        if speaker is not None:
            names = self._c["speakers"]
            sid = self._column("speaker_id")
            ids = [s for s, name in names.items() if (name or unattributed) == speaker]
            hit = np.isin(sid, np.array(ids, np.int64))
            if speaker == unattributed:
                hit |= sid < 0
            keep &= hit
        if issue is not None:
            codes = [k for k, label in enumerate(self._c["issue_labels"]) if label == issue]
            keep &= np.isin(self._column("issue"), np.array(codes, np.int16))
        return keep


# ---------------------------------------------------------------- the project

class Project:
    """A project file. ``path=None`` keeps it in memory (tests)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            # no sqlite-utils plugins: whatever happens to be installed must not change how a project
            # file behaves, and discovering them costs ~80 ms on the first open (the window's start)
            if self.path is None:
                self.db = sqlite_utils.Database(memory=True, execute_plugins=False)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite_utils.Database(self.path, execute_plugins=False)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{path}: not a Dateline project ({exc})") from exc
        self._listeners: list[Callable[[str], None]] = []

    # -- change notification: plain callbacks, the UI adapts them to Qt signals
    def subscribe(self, fn: Callable[[str], None]) -> None:
        self._listeners.append(fn)

    def _changed(self, what: str) -> None:
        for fn in list(self._listeners):
            fn(what)

    def checkpoint(self) -> None:
        """Move the write-ahead log into the main file (everything is already committed)."""
        if self.path is not None:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- issues
    def sync_issues(self, issues: Iterable[Issue]) -> None:
        """Make the taxonomy known to the project (new ones added, colours kept if the user changed them)."""
        rows = [
            {"id": i.id, "label": i.label, "colour": i.colour, "parent": i.parent, "position": n}
            for n, i in enumerate(issues)
        ]
        with self._transaction():
            existing = {r["id"] for r in self.db.query("select id from issues")}
            self.db["issues"].insert_all([r for r in rows if r["id"] not in existing])

    # -- articles
    def find_duplicate(self, article: Article) -> int | None:
        h = text_hash(article.text)
        for row in self.db.query("select id from articles where text_hash = ?", [h]):
            return row["id"]
        if article.url:
            for row in self.db.query("select id from articles where url = ?", [article.url]):
                return row["id"]
        return None

    def add_article(self, article: Article, extraction: Extraction) -> AddResult:
        """Store an article and everything extracted from it, atomically."""
        dup = self.find_duplicate(article)
        if dup is not None:
            return AddResult(dup, True)
        with self._transaction():
            article_id = self.db["articles"].insert(
                {
                    "path": article.path, "title": article.title, "source": article.source,
                    "url": article.url, "author": article.author,
                    "published": article.published.isoformat() if article.published else None,
                    "published_origin": article.published_origin, "text": article.text,
                    "text_hash": text_hash(article.text), "added_at": _now(),
                }
            ).last_pk
            n_events, n_quotes = self._insert_extraction(article_id, extraction)
        self._changed("articles")
        return AddResult(article_id, False, n_events, n_quotes)

    def _actor_id(self, name: str, kind: str = "", country: str = "", role: str = "") -> int:
        for row in self.db.query("select id from actors where name = ?", [name]):
            return row["id"]
        # a name the user merged or renamed away lives on as an alias of the actor they kept
        for row in self.db.query("select actor_id from actor_aliases where alias = ? order by actor_id", [name]):
            return row["actor_id"]
        return self.db["actors"].insert(
            {"name": name, "kind": kind, "country": country, "role": role, "hidden": 0}
        ).last_pk

    def _insert_extraction(self, article_id: int, ex: Extraction) -> tuple[int, int]:
        """Write what extraction found in an article over what an earlier extraction left there.

        Each new row is matched to the article's row at the same place in the text (an event by
        its sentence and date offsets, a quote, mention or unresolved date by its own offsets)
        and that row is updated where it differs, so it keeps its id: undo records rows by id,
        and a command further up the stack must find them again after re-tagging. Only rows
        extraction no longer finds are deleted and only new ones inserted; what the user edited
        or deleted stays as they left it. Returns (events, quotes) written.
        """
        db = self.db
        conn = db.conn
        # actors this article named before: dropped at the end if nothing names them any more
        was_named = {r[0] for r in conn.execute(
            "select actor_id from mentions where article_id = ? union "
            "select speaker_id from quotes where article_id = ? and speaker_id is not null union "
            "select ea.actor_id from event_actors ea join events e on e.id = ea.event_id where e.article_id = ?",
            [article_id, article_id, article_id])}
        actor_ids: dict[str, int] = {}
        # a name the user gave to an actor of their own (an alias split out) is not taken back
        theirs = {r[0]: r[1] for r in conn.execute(
            "select aa.alias, aa.actor_id from actor_aliases aa join actors a on a.id = aa.actor_id "
            "where a.user_edited = 1")}
        for actor in ex.actors:
            aid = self._actor_id(actor.name, actor.kind, actor.country, actor.role)
            actor_ids[actor.name] = aid
            db["actor_aliases"].insert_all(
                [{"actor_id": aid, "alias": a} for a in {actor.name, *actor.aliases} if theirs.get(a, aid) == aid],
                ignore=True,
            )

        def actor_id(name: str) -> int:
            if name not in actor_ids:
                actor_ids[name] = self._actor_id(name)
            return actor_ids[name]

        known_issues = {r["id"] for r in db.query("select id from issues")}
        for issue in ex.issues:
            if issue.id not in known_issues:
                db["issues"].insert(
                    {"id": issue.id, "label": issue.label, "colour": issue.colour,
                     "parent": issue.parent, "position": 10_000}
                )
                known_issues.add(issue.id)

        mention_actors = self._write_mentions(article_id, ex, actor_id)
        event_ids, fresh = self._write_events(article_id, ex, actor_id, mention_actors, known_issues)
        # the same happening reported by another article: one event on the timeline, two sources
        for eid in fresh:
            merge_report(conn, eid)
        self._write_quotes(article_id, ex, actor_id, event_ids)
        _sync_rows(conn, "unresolved", article_id, ("text", "start_offset", "end_offset", "value"),
                   [(u.text, u.start, u.end, u.value) for u in ex.unresolved])
        self._drop_orphan_actors(was_named - set(actor_ids.values()))
        return sum(1 for e in event_ids if e is not None), len(ex.quotes)

    def _write_mentions(self, article_id: int, ex: Extraction,
                        actor_id: Callable[[str], int]) -> list[tuple[int, int, str, int]]:
        """The article's actor mentions, as (start, end, extracted name, actor id).

        A mention the user moved to an actor of their own (splitting an alias out) keeps that
        actor: extraction still gives the canonical name it was written for.
        """
        conn = self.db.conn
        old = {(r[0], r[1]): r[2] for r in conn.execute(
            "select m.start_offset, m.end_offset, m.actor_id from mentions m join actors a on a.id = m.actor_id "
            "where m.article_id = ? and a.user_edited = 1", [article_id])}
        out = []
        for m in ex.actor_mentions:
            aid = actor_id(m.name)
            out.append((m.start, m.end, m.name, old.get((m.start, m.end), aid)))
        _sync_rows(conn, "mentions", article_id, ("actor_id", "start_offset", "end_offset", "text"),
                   [(aid, m.start, m.end, m.text) for m, (_s, _e, _n, aid) in zip(ex.actor_mentions, out,
                                                                                  strict=True)])
        return out

    def _write_events(self, article_id: int, ex: Extraction, actor_id: Callable[[str], int],
                      mentions: list[tuple[int, int, str, int]],
                      known_issues: set[str]) -> tuple[list[int | None], list[int]]:
        """Events in extraction order (None where the user deleted it) and the ones to merge anew."""
        conn = self.db.conn
        # what the user deleted or corrected stays as they left it: skip the fresh copies
        tombstones = {tuple(r) for r in conn.execute(
            "select start_offset, end_offset, title from deleted_events where article_id = ?", [article_id])}
        kept = {(r[1], r[2], r[3]): r[0] for r in conn.execute(
            "select id, start_offset, end_offset, date_start from events where article_id = ? and user_edited = 1",
            [article_id])}
        cur = conn.execute(f"select id, merged_into, {', '.join(_EVENT_COLUMNS)} from events "
                           "where article_id = ? and user_edited = 0 order by id", [article_id])
        names = [d[0] for d in cur.description]
        old: dict[tuple, list[dict]] = {}
        for row in cur.fetchall():
            r = dict(zip(names, row, strict=True))
            old.setdefault((r["start_offset"], r["end_offset"], r["date_start"]), []).append(r)
        links: dict[str, dict[int, set]] = {"event_actors": {}, "event_issues": {}}
        for table, col in (("event_actors", "actor_id"), ("event_issues", "issue_id")):
            for eid, value in conn.execute(f"select l.event_id, l.{col} from {table} l join events e on "
                                           "e.id = l.event_id where e.article_id = ? and e.user_edited = 0",
                                           [article_id]):
                links[table].setdefault(eid, set()).add(value)

        event_ids: list[int | None] = []
        fresh: list[int] = []
        changed: list[int] = []
        for ev in ex.events:
            key = (ev.start, ev.end, ev.date_start)
            if (ev.start, ev.end, ev.title) in tombstones:
                event_ids.append(None)
                continue
            if key in kept:
                event_ids.append(kept[key])
                continue
            issues = list(dict.fromkeys(i for i in ev.issues if i in known_issues))
            actors = list(dict.fromkeys(a for n in dict.fromkeys(ev.actors)
                                        for a in _named_in(n, ev, mentions, actor_id)))
            cols = {"article_id": article_id, "title": ev.title,
                    "date_value": ev.when.value, "date_end_value": "",
                    "t0": day_seconds(ev.when.start), "t1": day_seconds(ev.when.end) + 86400.0,
                    "precision": ev.when.precision.value, "origin": ev.when.origin.value,
                    "evidence": ev.evidence, "start_offset": ev.start, "end_offset": ev.end,
                    "date_text": ev.date_text, "date_start": ev.date_start, "date_end": ev.date_end,
                    "issue_id": issues[0] if issues else None}
            same_place = old.get(key)
            if same_place:
                # two events of one sentence and date: the one with the same title first
                prev = next((r for r in same_place if r["title"] == ev.title), same_place[0])
                same_place.remove(prev)
                eid = prev["id"]
                diff = {k: v for k, v in cols.items() if prev[k] != v}
                if diff:
                    conn.execute(f"update events set {', '.join(f'[{k}] = ?' for k in diff)} where id = ?",
                                 [*diff.values(), eid])
                moved = [_sync_links(conn, "event_actors", "actor_id", eid, links["event_actors"].get(eid, set()),
                                     actors),
                         _sync_links(conn, "event_issues", "issue_id", eid, links["event_issues"].get(eid, set()),
                                     issues)]
                if diff or any(moved):
                    changed.append(eid)
            else:
                eid = int(conn.execute(f"insert into events ({', '.join(cols)}, user_edited, verified) "
                                       f"values ({', '.join('?' * len(cols))}, 0, 0)", list(cols.values())).lastrowid)
                fresh.append(eid)
                _sync_links(conn, "event_actors", "actor_id", eid, set(), actors)
                _sync_links(conn, "event_issues", "issue_id", eid, set(), issues)
            event_ids.append(eid)

        doomed = [r["id"] for rows in old.values() for r in rows]
        if doomed:
            # a happening this article led stays on the timeline, led by another article's report
            release_reports(conn, doomed)
            j = json.dumps(doomed)
            conn.execute(f"delete from event_actors where event_id in {_IN}", [j])
            conn.execute(f"delete from event_issues where event_id in {_IN}", [j])
            conn.execute(f"update quotes set event_id = null where event_id in {_IN}", [j])
            conn.execute(f"delete from events where id in {_IN}", [j])
        # an event whose date, wording, actors or issues changed is matched against the other
        # articles again (from alone: its old group may no longer be the same happening)
        for eid in changed:
            if conn.execute("select merged_into from events where id = ?", [eid]).fetchone()[0] is None:
                release_reports(conn, [eid])
            else:
                conn.execute("update events set merged_into = null where id = ?", [eid])
        return event_ids, [*changed, *fresh]

    def _write_quotes(self, article_id: int, ex: Extraction, actor_id: Callable[[str], int],
                      event_ids: list[int | None]) -> None:
        conn = self.db.conn
        # a quote the user corrected stays as they left it
        kept = {tuple(r) for r in conn.execute(
            "select start_offset, end_offset from quotes where article_id = ? and user_edited = 1", [article_id])}
        rows = []
        for q in ex.quotes:
            if (q.start, q.end) in kept:
                continue
            event = event_ids[q.event_index] if q.event_index is not None and 0 <= q.event_index < len(event_ids) \
                else None
            rows.append((q.text, q.start, q.end, actor_id(q.speaker) if q.speaker else None, event,
                         q.sentence_start, q.sentence_end))
        _sync_rows(conn, "quotes", article_id, ("text", "start_offset", "end_offset", "speaker_id", "event_id",
                                                "sentence_start", "sentence_end"), rows, "user_edited = 0")

    def article_text(self, article_id: int) -> str:
        row = self.db["articles"].get(article_id)
        return row["text"]

    def article_for_extraction(self, article_id: int) -> Article:
        r = self.db["articles"].get(article_id)
        return Article(
            text=r["text"], title=r["title"] or "", source=r["source"] or "", url=r["url"] or "",
            published=date.fromisoformat(r["published"]) if r["published"] else None,
            published_origin=r["published_origin"] or "", path=r["path"] or "", author=r["author"] or "",
        )

    def set_published(self, article_id: int, published: date | None, extraction: Extraction,
                      origin: str = "user") -> None:
        """Set an article's date and replace what extraction made of it.

        ``extraction`` is the result of re-running extraction on the stored text
        with the new date. Events and quotes the user edited are kept.
        """
        with self._transaction():
            self.db["articles"].update(
                article_id,
                {"published": published.isoformat() if published else None,
                 "published_origin": origin if published else ""},
            )
            self._insert_extraction(article_id, extraction)
        self._changed("articles")

    def replace_extraction(self, article_id: int, extraction: Extraction) -> None:
        """Replace what extraction made of an article (its date unchanged); user edits are kept,
        and so are the ids of the rows extraction finds again (see ``_insert_extraction``)."""
        with self._transaction():
            self._insert_extraction(article_id, extraction)
        self._changed("articles")

    def _drop_orphan_actors(self, candidates: Iterable[int]) -> None:
        """Remove the actors among ``candidates`` that nothing names any more, unless the user edited them."""
        conn = self.db.conn
        gone = json.dumps([r[0] for r in conn.execute(
            f"select id from actors a where id in {_IN} and user_edited = 0 "
            "and not exists (select 1 from mentions m where m.actor_id = a.id) "
            "and not exists (select 1 from event_actors x where x.actor_id = a.id) "
            "and not exists (select 1 from quotes q where q.speaker_id = a.id)", [json.dumps(sorted(candidates))])])
        conn.execute(f"delete from actor_aliases where actor_id in {_IN}", [gone])
        conn.execute(f"delete from actors where id in {_IN}", [gone])

    # -- queries for the views
    def articles(self) -> list[ArticleRow]:
        sql = """
        select a.id, coalesce(a.title, ''), coalesce(a.source, ''), coalesce(a.url, ''), coalesce(a.path, ''),
          a.published, coalesce(a.published_origin, ''),
          (select count(*) from events e where e.article_id = a.id) as n_events,
          (select count(*) from unresolved u where u.article_id = a.id) as n_unresolved
        from articles a order by a.id"""
        # plain tuples: a dict per row costs more than the query at a hundred thousand articles
        return [ArticleRow(aid, title, source, url, path, date.fromisoformat(published) if published else None,
                           origin, n_events, n_unresolved)
                for aid, title, source, url, path, published, origin, n_events, n_unresolved
                in self.db.execute(sql)]

    def unresolved(self, article_id: int) -> list[dict]:
        return list(self.db.query(
            "select text, start_offset, end_offset, value from unresolved where article_id = ? "
            "order by start_offset", [article_id]))

    def _group_counts(self, link: str, key: str) -> dict:
        """Per actor (or issue) of ``link``, its rows' count minus what grouping takes away:
        {key: (member rows, leaders only members name)}; a timeline event counts once
        however many of its reports name the actor. Reads only member rows (a few), so the
        panels keep the speed of a plain count."""
        # CROSS JOIN fixes the loop order: member rows through the merged_into index first (with a
        # plain join SQLite walked every link row: 170 ms instead of 8 at 100k events)
        sql = (f"select l.{key}, count(*), count(distinct case when not exists (select 1 from {link} x "
               f"where x.event_id = e.merged_into and x.{key} = l.{key}) then e.merged_into end) "
               f"from events e cross join {link} l on l.event_id = e.id where e.merged_into is not null "
               f"group by l.{key}")
        return {r[0]: (r[1], r[2]) for r in self.db.execute(sql)}

    def issue_legend(self) -> list[tuple[str, str, str]]:
        """Issues as (id, label, "#rrggbb") in taxonomy (legend) order: what the timeline colours
        by, without the counts of :meth:`issues` (a second on a 1M-event project)."""
        return [tuple(r) for r in self.db.conn.execute("select id, label, colour from issues order by position, label")]

    def issues(self) -> list[IssueRow]:
        """Issues in taxonomy order with the number of timeline events (groups count once) about each."""
        sql = """
        select i.id, i.label, i.colour, i.parent,
          (select count(*) from event_issues ei where ei.issue_id = i.id) as n
        from issues i order by i.position, i.label"""
        fix = self._group_counts("event_issues", "issue_id")
        out = []
        for r in self.db.query(sql):
            members, extra = fix.get(r["id"], (0, 0))
            out.append(IssueRow(r["id"], r["label"], r["colour"], r["parent"], r["n"] - members + extra))
        return out

    def actor_spans(self, grouped_only: bool = False) -> dict[int, tuple[float, float]]:
        """Per actor, the earliest start and the latest end (seconds) of the events that name it,
        every report counted. ``grouped_only``: of the reports grouped under another event only
        (few rows, found through the merged_into index): what the timeline columns do not hold
        (``viewer.store.columns.actor_spans`` adds it to theirs)."""
        where = "where e.id in (select id from events where merged_into is not null)" if grouped_only else ""
        # CROSS JOIN: events in rowid order, each one's links by the link table's primary key; the
        # other order looks every link's event up at random (2.7 s instead of 0.9 at 1M events)
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "select ea.actor_id, min(e.t0), max(e.t1) from events e cross join event_actors ea "
            f"on ea.event_id = e.id {where} group by ea.actor_id")}

    def actors(self, spans: dict[int, tuple[float, float]] | None = None) -> list[ActorRow]:
        """Visible actors, most events first; events are timeline events (groups count once).

        ``spans``: the actors' first and last dates as :meth:`actor_spans` gives them, when the
        caller has them already (from the timeline columns, much faster on a big project)."""
        sql = """
        select a.id, a.name, a.kind, a.country,
          (select count(*) from event_actors ea where ea.actor_id = a.id) as n_events,
          (select count(*) from quotes q where q.speaker_id = a.id) as n_quotes,
          (select group_concat(alias, '|') from actor_aliases aa where aa.actor_id = a.id) as aliases
        from actors a where a.hidden = 0"""
        fix = self._group_counts("event_actors", "actor_id")
        span = spans if spans is not None else self.actor_spans()
        rows = []
        for r in self.db.query(sql):
            members, extra = fix.get(r["id"], (0, 0))
            t0, t1 = span.get(r["id"], (None, None))
            rows.append(ActorRow(r["id"], r["name"], r["kind"] or "", r["country"] or "",
                                 r["n_events"] - members + extra, r["n_quotes"],
                                 sorted(set((r["aliases"] or "").split("|")) - {""}),
                                 seconds_to_date(t0).isoformat() if t0 is not None else "",
                                 seconds_to_date(t1 - 1).isoformat() if t1 is not None else ""))
        # the order the panel opens with (SQLite's binary text order is Python's code point order)
        rows.sort(key=lambda a: (-a.events, -a.quotes, a.name))
        return rows

    def quotes(self) -> QuoteRows:
        """Every quote, by its event's date (undated first), then article and place in the article."""
        # a third of a million quotes at a million events: kept as columns (QuoteRows), read in
        # chunks so that the rows SQLite hands out never pile up; the strings shared by many quotes
        # (article title, speaker, issue, date) are held once
        conn = self.db.conn
        articles = {aid: (title or "", published or "")
                    for aid, title, published in conn.execute("select id, title, published from articles")}
        speakers = dict(conn.execute("select id, name from actors"))
        labels = dict(conn.execute("select id, label from issues"))
        cur = conn.execute("""
        select q.id, q.text, coalesce(q.speaker_id, -1), q.article_id, coalesce(q.start_offset, -1),
          coalesce(q.end_offset, -1), coalesce(q.sentence_start, -1), coalesce(q.sentence_end, -1),
          coalesce(e.merged_into, q.event_id, -1), e.date_value, e.issue_id,
          coalesce(e.t0, 0)
        from quotes q left join events e on e.id = q.event_id""")
        date_code: dict[str, int] = {}
        issue_code: dict[str, int] = {}
        ints, texts, dates, issues, t0 = [], [], [], [], []
        while chunk := cur.fetchmany(20000):
            chunk = [r for r in chunk if r[3] in articles]  # a quote belongs to an article
            n = len(chunk)
            ints.append(np.fromiter((v for r in chunk for v in (r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8])),
                                    np.int64, 8 * n).reshape(n, 8))
            texts.extend(r[1] for r in chunk)
            dates.append(np.fromiter((date_code.setdefault(r[9] or articles[r[3]][1] or "", len(date_code))
                                      for r in chunk), np.int32, n))
            issues.append(np.fromiter((issue_code.setdefault(r[10], len(issue_code)) if r[10] else -1
                                       for r in chunk), np.int16, n))
            t0.append(np.fromiter((r[11] for r in chunk), float, n))
        if not texts:
            return QuoteRows.from_rows([])
        cols = np.concatenate(ints)
        order = np.lexsort((cols[:, 3], cols[:, 2], np.concatenate(t0)))
        cols = cols[order]
        return QuoteRows({
            "id": cols[:, 0].copy(), "text": [texts[i] for i in order.tolist()],
            "speaker_id": cols[:, 1].copy(), "speakers": speakers, "article_id": cols[:, 2].copy(),
            "titles": {aid: title for aid, (title, _published) in articles.items()},
            "offsets": np.ascontiguousarray(cols[:, 3:7]), "event_id": cols[:, 7].copy(),
            "date": np.concatenate(dates)[order], "dates": list(date_code),
            "issue": np.concatenate(issues)[order], "issue_ids": list(issue_code),
            "issue_labels": [labels.get(i) or "" for i in issue_code],
        })

    def event(self, event_id: int) -> EventRow:
        r = self.db["events"].get(event_id)
        actors = [x["name"] for x in self.db.query(
            "select a.name from event_actors ea join actors a on a.id = ea.actor_id where ea.event_id = ?",
            [event_id])]
        issues = [x["issue_id"] for x in self.db.query(
            "select issue_id from event_issues where event_id = ?", [event_id])]
        when = TimePoint(seconds_to_date(r["t0"]), seconds_to_date(r["t1"] - 1), Precision(r["precision"]),
                         _origin(r["origin"]), r["date_value"])
        return EventRow(r["id"], r["article_id"], r["title"], when, r["evidence"], r["start_offset"],
                        r["end_offset"], r["date_text"] or "", r["issue_id"], actors, issues,
                        bool(r["verified"]), bool(r["user_edited"]))

    # -- groups: the reports of one happening (see merge_report); the timeline shows leaders
    def group_event_ids(self, event_id: int) -> list[int]:
        """Every report of the happening ``event_id`` is part of: its leader first ([] if no such event)."""
        return group_ids(self.db.conn, event_id)

    def leader_of(self, event_id: int) -> int:
        """The event the timeline shows for ``event_id`` (itself when it leads or stands alone)."""
        row = self.db.execute("select coalesce(merged_into, id) from events where id = ?", [event_id]).fetchone()
        return int(row[0]) if row else int(event_id)

    def leader_ids(self, event_ids: Iterable[int]) -> set[int]:
        """The timeline events for a set of events (members replaced by their leaders)."""
        ids = json.dumps(sorted({int(i) for i in event_ids}))
        return {r[0] for r in self.db.execute(
            f"select distinct coalesce(merged_into, id) from events where id in {_IN}", [ids])}

    def source_count(self, event_id: int) -> int:
        """How many articles report the happening (1 for an event no other article reports, 0 by hand)."""
        lead = self.leader_of(event_id)
        return int(self.db.execute(
            "select count(distinct article_id) from events where id = ? or merged_into = ?", [lead, lead]
        ).fetchone()[0])

    def event_ids_for_actor(self, actor_id: int) -> list[int]:
        """Timeline events (leaders) any of whose reports names the actor."""
        return self.events_of_actors([actor_id]).tolist()

    def event_ids_for_issue(self, issue_id: str) -> list[int]:
        """Timeline events (leaders) any of whose reports is about the issue."""
        return self.events_of_issues([issue_id]).tolist()

    def events_of_actors(self, actor_ids: Iterable[int]) -> np.ndarray:
        """Timeline events (leaders) any of whose reports names any of the actors, as an ascending
        int64 array (what the window highlights: no Python object per event)."""
        return self.leader_array("select event_id from event_actors where actor_id in "
                                 "(select value from json_each(?))", [json.dumps([int(a) for a in actor_ids])])

    def events_of_issues(self, issue_ids: Iterable[str]) -> np.ndarray:
        """:meth:`events_of_actors` for trade issues."""
        return self.leader_array("select event_id from event_issues where issue_id in "
                                 "(select value from json_each(?))", [json.dumps([str(i) for i in issue_ids])])

    def leader_array(self, sql: str, params: list) -> np.ndarray:
        """The timeline events for the event ids ``sql`` selects: each as its group's leader, distinct,
        as an ascending int64 array. Read as numbers and mapped in numpy: a join on the events with
        SQL's DISTINCT took 0.5 s for a trade issue's 167,000 events (link rows go with their events:
        every delete removes both)."""
        conn = self.db.conn
        # as one comma-separated text: a row per id through the driver took twice as long (167,050
        # ids of a trade issue: 0.125 s, 0.085 s so)
        (text,) = conn.execute(f"with q(v) as ({sql}) select group_concat(v) from q", params).fetchone()
        # parsed by numpy in one pass: a million Python strings from split() held the GIL for 0.15 s,
        # the window's thread waiting on it (0.02 s so)
        ids = np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, np.int64)
        # no ORDER BY: it made SQLite walk the whole table instead of the merged_into index (0.2 s at 1M)
        merged = conn.execute("select id, merged_into from events where merged_into is not null").fetchall()
        if merged and ids.size:
            report, leader = np.array(sorted(merged), np.int64).T
            pos, merged_here = find_sorted(report, ids)
            ids = np.where(merged_here, leader[pos], ids)
        # distinct by sorting: np.unique hashes, 40x slower on 167,000 distinct ids
        ids = np.sort(ids)
        first = np.ones(ids.size, bool)
        first[1:] = ids[1:] != ids[:-1]
        return ids[first]

    def event_ids_for_article(self, article_id: int) -> list[int]:
        """Timeline events (leaders) the article reports, whichever article's report leads them."""
        return [r[0] for r in self.db.execute(
            "select distinct coalesce(merged_into, id) from events where article_id = ? order by 1", [article_id])]

    def quote_ids_for_event(self, event_id: int) -> list[int]:
        """Quotes tied to any report of the happening: each stays on its own article's row."""
        ids = json.dumps(self.group_event_ids(event_id))
        return [r[0] for r in self.db.execute(f"select id from quotes where event_id in {_IN} order by id", [ids])]

    def quote_ids_for_actor(self, actor_id: int) -> list[int]:
        return [r["id"] for r in self.db.query("select id from quotes where speaker_id = ?", [actor_id])]

    def actor_ids_for_event(self, event_id: int) -> list[int]:
        """The actors of the happening: the event's own first, then those other reports add."""
        ids = self.group_event_ids(event_id)
        if len(ids) <= 1:
            return [r["actor_id"] for r in self.db.query(
                "select actor_id from event_actors where event_id = ?", [event_id])]
        out: dict[int, None] = {}
        for eid in [event_id, *(i for i in ids if i != event_id)]:
            out.update((r[0], None) for r in self.db.execute(
                "select actor_id from event_actors where event_id = ?", [eid]))
        return list(out)

    def events_at_most(self) -> int:
        """An upper bound of the number of events, in a b-tree lookup: the largest event id.

        Ids are never given twice (AUTOINCREMENT), so this is at least the count; counting the rows
        instead reads the whole table (65 ms cold at a million events), too slow to ask on every
        refresh just to choose how to read.
        """
        return int(self.db.execute("select coalesce(max(id), 0) from events").fetchone()[0])

    def copy_to(self, target: str | Path) -> None:
        """A consistent snapshot of the project written to ``target`` (which must not exist)."""
        self.db.execute("VACUUM INTO ?", [str(target)])

    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "articles": one("select count(*) from articles").fetchone()[0],
            "events": one("select count(*) from events where merged_into is null").fetchone()[0],
            "date_needed": one("select count(*) from articles where published is null").fetchone()[0],
            "quotes": one("select count(*) from quotes").fetchone()[0],
            "actors": one("select count(*) from actors").fetchone()[0],
        }


def _origin(value: str) -> Origin:
    try:
        return Origin(value)
    except ValueError:
        return Origin.EXPLICIT
