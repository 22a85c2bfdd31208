"""Timeline columns from the project file, fast: numpy arrays, no Python object per event.

Loading
    :func:`load_timeline` returns a :class:`~viewer.core.timeline_data.TimelineData`
    for a lane mode ("issue", "actor", "article"). The event columns and the
    (event, actor) pairs are kept in a columnar cache inside the project file
    (table ``_timeline_columns``, one blob of raw arrays). Triggers on the tables the
    timeline reads bump a version and log the event ids they touch. A stale cache
    is patched when few events changed (re-query just those ids, merge, re-sort),
    else rebuilt by one ordered query streamed into numpy (``np.fromiter``).

Bulk loads
    :func:`insert_articles_bulk` and :func:`insert_events_bulk` write many rows in
    one transaction with ``executemany``; they are the store API for synthetic or
    imported event databases (the benchmark uses them), where building an
    ``Extraction`` per event would be pointless.

Lazy text
    :func:`event_titles` (a few ids, for labels) and :func:`event_details` (one id,
    for a tooltip) are what the view asks on demand, never for every event.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from viewer.core.timeline_data import LANE_MODES, PRECISIONS, TimelineData, find_sorted
from viewer.store.project import Project, seconds_to_date

CACHE_FORMAT = 3  # 3: raw arrays with a JSON header, ids in 32 bits, the id order stored
SCHEMA_TAG = "2"  # part of the trigger names: bump when the triggers change
#: patch the cache when at most this share of events changed; beyond it a rebuild is as quick
PATCH_MAX_SHARE = 0.05
#: up to this many events changed since the cached columns, a load patches them without writing
#: the result back (a patch of this many takes a few tens of ms; a write of the blob is 40 MB at 1M)
PATCH_KEEP_LOG = 2000


class ColumnsError(ValueError):
    """A bulk row or a lane mode is not acceptable; the message says which and why."""


# ---------------------------------------------------------------- cache bookkeeping

_CACHE_TABLES = {
    "_timeline_state": "id, version, structure, logging",
    "_timeline_changes": "seq, event_id",
    "_timeline_columns": "name, version, structure, mark, data",
}
_TRIGGERED = (("events", "id"), ("event_actors", "event_id"))


def _expected_triggers() -> set[str]:
    ops = ("insert", "update", "delete")
    return {f"_tl{SCHEMA_TAG}_{t}_{op}" for t, _k in _TRIGGERED for op in ops} | \
        {f"_tl{SCHEMA_TAG}_issues_{op}" for op in ops}


def _cache_schema_ok(conn) -> bool:
    """True when every trigger and cache table of this layout is there, with its columns and state row."""
    triggers = {r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'trigger' and name like '\\_tl%' escape '\\'")}
    if not _expected_triggers() <= triggers:
        return False
    try:
        for table, cols in _CACHE_TABLES.items():
            conn.execute(f"select {cols} from {table} limit 0").fetchall()
        return conn.execute("select count(*) from _timeline_state where id = 1").fetchone()[0] == 1
    except sqlite3.OperationalError:  # a table missing, or an older layout without some column
        return False


def ensure_cache_schema(project: Project) -> None:
    """Create the change counters, the change log, their triggers and the cache table if missing.

    Idempotent. Every statement that changes what the timeline shows bumps
    ``version`` (so a stale cache is never used) and logs the event ids it
    touched (so the cache can be patched instead of rebuilt); a change to the
    issues' list or order (an issue added or removed, an id, position or label
    changed; not a colour) bumps ``version`` only: the cached issue numbers are
    mapped to the new list (see ``load_columns``). Bulk loads switch ``logging`` off
    and bump ``structure`` too, which means "rebuild".

    These tables are a cache, outside the migrations: when any piece is missing or
    of another layout (a project written or last changed by an older Dateline, which
    may have dropped the triggers and then changed events unseen), all of them are
    dropped and made afresh, so the next load rebuilds from the events themselves.
    """
    conn = project.db.conn
    if _cache_schema_ok(conn):
        _issue_triggers(conn)
        return
    for (name,) in conn.execute("select name from sqlite_master where type = 'trigger' and name like "
                                "'\\_tl%' escape '\\'").fetchall():
        conn.execute(f'drop trigger if exists "{name}"')
    for (name,) in conn.execute("select name from sqlite_master where type = 'table' and name like "
                                "'\\_timeline\\_%' escape '\\'").fetchall():
        conn.execute(f'drop table if exists "{name}"')
    conn.execute("create table _timeline_state (id integer primary key check (id = 1), "
                 "version integer not null, structure integer not null, logging integer not null)")
    conn.execute("insert into _timeline_state (id, version, structure, logging) values (1, 0, 0, 1)")
    conn.execute("create table _timeline_changes (seq integer primary key, event_id integer)")
    conn.execute("create table _timeline_columns (name text primary key, version integer, "
                 "structure integer, mark integer, data blob)")
    on = "when (select logging from _timeline_state where id = 1) = 1"
    bump = "update _timeline_state set version = version + 1 where id = 1;"
    log = "insert into _timeline_changes (event_id) values ({});"
    for table, key in _TRIGGERED:
        bodies = {
            "insert": bump + log.format(f"new.{key}"),
            "update": bump + log.format(f"old.{key}") + log.format(f"new.{key}"),
            "delete": bump + log.format(f"old.{key}"),
        }
        for op, body in bodies.items():
            conn.execute(f"create trigger _tl{SCHEMA_TAG}_{table}_{op} after {op} on {table} "
                         f"{on} begin {body} end")
    _issue_triggers(conn)
    conn.commit()


#: what the issues' triggers watch: the list ``select id from issues order by position, label``
#: numbers each event's issue; a colour, a parent or a user's mark changes none of the arrays
_ISSUE_TRIGGERS = {
    f"_tl{SCHEMA_TAG}_issues_{op}": f"create trigger _tl{SCHEMA_TAG}_issues_{op} after {on} on issues begin "
                                    "update _timeline_state set version = version + 1 where id = 1; end"
    for op, on in (("insert", "insert"), ("delete", "delete"), ("update", "update of id, position, label"))
}


def _issue_triggers(conn: sqlite3.Connection) -> None:
    """Make the issues' triggers those of ``_ISSUE_TRIGGERS``. An older Dateline's fired on any
    update and asked for a rebuild; replaced, the cache stays as it is (the new ones miss no
    change the arrays depend on, and ``load_columns`` maps the issue numbers when the list changed)."""
    stored = dict(conn.execute("select name, sql from sqlite_master where type = 'trigger' and name in "
                               f"({', '.join('?' * len(_ISSUE_TRIGGERS))})", list(_ISSUE_TRIGGERS)).fetchall())
    stale = [name for name, sql in _ISSUE_TRIGGERS.items() if stored.get(name) != sql]
    for name in stale:
        conn.execute(f'drop trigger if exists "{name}"')
        conn.execute(_ISSUE_TRIGGERS[name])
    if stale:
        conn.commit()


def _state(project: Project) -> tuple[int, int]:
    ensure_cache_schema(project)
    v, s = project.db.conn.execute("select version, structure from _timeline_state where id = 1").fetchone()
    return int(v), int(s)


def data_version(project: Project) -> int:
    """A number that changes whenever anything the timeline shows changes."""
    return _state(project)[0]


def invalidate(project: Project) -> None:
    """Force the next :func:`load_timeline` to rebuild from scratch."""
    ensure_cache_schema(project)
    conn = project.db.conn
    conn.execute("update _timeline_state set version = version + 1, structure = structure + 1 where id = 1")
    conn.execute("delete from _timeline_columns")
    conn.execute("delete from _timeline_changes")
    conn.commit()


# ---------------------------------------------------------------- base columns

@dataclass
class Columns:
    """Event columns sorted by (t0, id), plus the event/actor pairs as row indices."""

    ids: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    precision: np.ndarray
    issue: np.ndarray
    article: np.ndarray
    actor_event: np.ndarray  # int32 row index
    actor_id: np.ndarray  # int64 actor id
    issue_ids: list[str] = field(default_factory=list)
    _id_order: np.ndarray | None = field(default=None, repr=False, compare=False)

    def id_order(self) -> np.ndarray:
        """The row order that sorts ``ids`` (how ``TimelineData.index_of`` finds rows by id).
        Memoised: a thread that reads the columns pays for the sort, not the window that draws them."""
        if self._id_order is None:
            self._id_order = np.argsort(self.ids, kind="stable")
        return self._id_order

    def to_bytes(self) -> bytes:
        """The cache blob: a JSON header, then each array's raw bytes at an aligned offset.

        Ids are stored in 32 bits when they fit (as they do below two billion rows), and the id
        order is stored with them: opening a million-event project then reads 40 MB instead of
        51, sorts nothing, and decodes with one copy per array (no zip to walk and check)."""
        arrays = {"ids": _narrow(self.ids), "t0": self.t0, "t1": self.t1, "precision": self.precision,
                  "issue": self.issue, "article": _narrow(self.article), "actor_event": self.actor_event,
                  "actor_id": _narrow(self.actor_id), "id_order": _narrow(self.id_order())}
        table, offset = {}, 0
        for name, a in arrays.items():
            offset = _aligned(offset)
            table[name] = [a.dtype.str, int(a.size), offset]
            offset += a.nbytes
        head = json.dumps({"fmt": CACHE_FORMAT, "issue_ids": list(self.issue_ids), "arrays": table}).encode()
        start = _aligned(len(_MAGIC) + 4 + len(head))
        buf = bytearray(start + offset)
        buf[:len(_MAGIC) + 4 + len(head)] = _MAGIC + len(head).to_bytes(4, "little") + head
        for name, a in arrays.items():
            at = start + table[name][2]
            buf[at:at + a.nbytes] = np.ascontiguousarray(a).tobytes()
        return bytes(buf)

    @classmethod
    def from_bytes(cls, blob: bytes | None) -> Columns | None:
        """The cached columns, or None when the blob is of another format, damaged or inconsistent
        (then: rebuild)."""
        try:
            if not blob or not blob.startswith(_MAGIC):
                return None
            n_head = int.from_bytes(blob[len(_MAGIC):len(_MAGIC) + 4], "little")
            head = json.loads(blob[len(_MAGIC) + 4:len(_MAGIC) + 4 + n_head])
            if head.get("fmt") != CACHE_FORMAT:
                return None
            start = _aligned(len(_MAGIC) + 4 + n_head)
            got = {}
            for name, (dtype, size, offset) in head["arrays"].items():
                a = np.frombuffer(blob, np.dtype(dtype), size, start + offset)
                # copies that own their memory (the blob is let go) in the dtypes the rest expects
                got[name] = a.astype(np.int64) if name in _WIDENED else a.copy()
            n = got["ids"].size
            cols = cls(got["ids"], got["t0"], got["t1"], got["precision"], got["issue"], got["article"],
                       got["actor_event"], got["actor_id"], [str(s) for s in head["issue_ids"]],
                       _id_order=got["id_order"])
        except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
            return None
        # a damaged blob must not index out of range later: sizes agree, row indices are rows
        if any(a.size != n for a in (cols.t0, cols.t1, cols.precision, cols.issue, cols.article,
                                     cols._id_order)) or cols.actor_event.size != cols.actor_id.size:
            return None
        for rows in (cols.actor_event, cols._id_order):
            if rows.size and (int(rows.min()) < 0 or int(rows.max()) >= n):
                return None
        return cols


_MAGIC = b"DLCOLS\x00\x00"
_ALIGN = 64
_WIDENED = ("ids", "article", "actor_id", "id_order")  # stored narrow when they fit, used as int64


def _aligned(n: int) -> int:
    """``n`` rounded up to the blob's alignment (each array starts on a 64-byte boundary)."""
    return -(-n // _ALIGN) * _ALIGN


def _narrow(a: np.ndarray) -> np.ndarray:
    """``a`` as int32 when every value fits, else as it is."""
    if a.size and (int(a.min()) < -(1 << 31) or int(a.max()) >= 1 << 31):
        return a
    return a.astype(np.int32)


_ROW_DTYPE = np.dtype([("id", np.int64), ("t0", np.float64), ("t1", np.float64), ("p", np.int8),
                       ("i", np.int16), ("a", np.int64)])
_PAIR_DTYPE = np.dtype([("e", np.int64), ("a", np.int64)])


def _query_rows(project: Project, only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Event rows and (event id, actor id) pairs straight into numpy; ``only``: just these event ids."""
    conn = project.db.conn
    issue_ids = [r[0] for r in conn.execute("select id from issues order by position, label")]
    prec_case = " ".join(f"when '{p.value}' then {i}" for i, p in enumerate(PRECISIONS))
    # issue index by a CASE over the (few) issue ids, bound as parameters: the query hands numbers
    # only (a join on a VALUES table was twice as slow on a million rows)
    params: list = list(issue_ids)
    issue_expr = ("case e.issue_id " + " ".join(f"when ? then {n}" for n in range(len(issue_ids)))
                  + " else -1 end") if issue_ids else "-1"
    # only the leader of a group of reports of one happening is drawn (merged_into: project.merge_report);
    # a change of merged_into goes through the events update trigger, so the cache patch follows it
    where, pair_where, pair_params = "where e.merged_into is null", "", []
    if only is not None:
        ids_json = json.dumps([int(i) for i in only])
        where += " and e.id in (select value from json_each(?))"
        params.append(ids_json)
        pair_where = "where event_id in (select value from json_each(?))"
        pair_params = [ids_json]
    # no ORDER BY: walking the t0 index costs random page reads; numpy sorts in a fraction of that
    sql = (f"select e.id, e.t0, e.t1, case e.precision {prec_case} else 1 end, {issue_expr}, "
           f"coalesce(e.article_id, -1) from events e {where}")
    rows = np.fromiter(conn.execute(sql, params), dtype=_ROW_DTYPE)
    pairs = np.fromiter(conn.execute(f"select event_id, actor_id from event_actors {pair_where}", pair_params),
                        dtype=_PAIR_DTYPE)
    return rows, pairs, issue_ids


def _assemble(rows: np.ndarray, pairs: np.ndarray, issue_ids: list[str]) -> Columns:
    """Columns sorted by (t0, id), with the pairs turned into row indices (pairs of unknown events dropped)."""
    order = np.lexsort((rows["id"], rows["t0"]))
    rows = rows[order]
    ids = np.ascontiguousarray(rows["id"])
    cols = Columns(ids, np.ascontiguousarray(rows["t0"]), np.ascontiguousarray(rows["t1"]),
                   np.ascontiguousarray(rows["p"]), np.ascontiguousarray(rows["i"]),
                   np.ascontiguousarray(rows["a"]), np.empty(0, np.int32), np.empty(0, np.int64), issue_ids)
    if pairs.size and ids.size:
        by_id = cols.id_order()  # kept: the cache stores it, and the timeline looks rows up by it
        pos, ok = find_sorted(ids[by_id], pairs["e"])
        cols.actor_event = by_id[pos[ok]].astype(np.int32)
        cols.actor_id = np.ascontiguousarray(pairs["a"][ok])
    return cols


def _query_columns(project: Project) -> Columns:
    rows, pairs, issue_ids = _query_rows(project)
    return _assemble(rows, pairs, issue_ids)


def _patch(project: Project, cols: Columns, changed: np.ndarray) -> Columns:
    """Cached columns with the rows of ``changed`` event ids replaced by their current state."""
    rows, pairs, issue_ids = _query_rows(project, changed)
    if issue_ids != cols.issue_ids:
        cols = _renumber_issues(cols, issue_ids)  # the cached rows numbered by the list the new ones are
    keep = ~np.isin(cols.ids, changed)
    if rows.size <= PATCH_INSERT_MAX:
        return _merged(cols, keep, rows, pairs)
    old = np.empty(int(keep.sum()), _ROW_DTYPE)
    for name, col in (("id", cols.ids), ("t0", cols.t0), ("t1", cols.t1), ("p", cols.precision),
                      ("i", cols.issue), ("a", cols.article)):
        old[name] = col[keep]
    pair_e = cols.ids[cols.actor_event]
    pkeep = ~np.isin(pair_e, changed)
    old_pairs = np.empty(int(pkeep.sum()), _PAIR_DTYPE)
    old_pairs["e"] = pair_e[pkeep]
    old_pairs["a"] = cols.actor_id[pkeep]
    return _assemble(np.concatenate([old, rows]), np.concatenate([old_pairs, pairs]), issue_ids)


#: up to this many changed rows, a patch inserts them into the cached order instead of sorting all
#: rows again (one edit at a million events: 0.4 s of sorts, now a few copies of the arrays)
PATCH_INSERT_MAX = 4096


def _merged(cols: Columns, keep: np.ndarray, rows: np.ndarray, pairs: np.ndarray) -> Columns:
    """``cols``' rows where ``keep``, with the (few) ``rows`` inserted at their places in the (t0, id)
    order and in the id order, and the actor pairs moved with their rows: the columns :func:`_assemble`
    would make of them, without a sort of the whole."""
    rows = rows[np.lexsort((rows["id"], rows["t0"]))]
    k_t0, k_ids = cols.t0[keep], cols.ids[keep]
    lo = np.searchsorted(k_t0, rows["t0"], "left")
    hi = np.searchsorted(k_t0, rows["t0"], "right")
    at = lo.copy()
    for j in np.flatnonzero(hi > lo):  # rows at an instant others have too: after the smaller ids
        at[j] = lo[j] + np.searchsorted(k_ids[lo[j]:hi[j]], rows["id"][j])

    def put(kept_col: np.ndarray, new: np.ndarray) -> np.ndarray:
        return np.insert(kept_col, at, new.astype(kept_col.dtype, copy=False))

    ids = put(k_ids, rows["id"])
    # where each kept row is now: its rank among the kept, moved on by the rows inserted before it
    kept = np.flatnonzero(keep)
    row_of = np.full(keep.size, -1, np.int64)
    row_of[kept] = np.arange(kept.size) + np.searchsorted(at, np.arange(kept.size), "right")
    new_rows = at + np.arange(at.size)
    # the id order: the old one without the rows gone, renumbered, with the new rows at their ids
    old_order = row_of[cols.id_order()]
    old_order = old_order[old_order >= 0]
    by_id = np.argsort(rows["id"], kind="stable")
    order = np.insert(old_order, np.searchsorted(ids[old_order], rows["id"][by_id]), new_rows[by_id])
    out = Columns(ids, put(k_t0, rows["t0"]), put(cols.t1[keep], rows["t1"]),
                  put(cols.precision[keep], rows["p"]), put(cols.issue[keep], rows["i"]),
                  put(cols.article[keep], rows["a"]), np.empty(0, np.int32), np.empty(0, np.int64),
                  cols.issue_ids, _id_order=order)
    # actor pairs: the kept rows' renumbered, then the new ones of rows there are (others dropped)
    moved = row_of[cols.actor_event]
    pkeep = moved >= 0
    pos, ok = find_sorted(rows["id"][by_id], pairs["e"])
    out.actor_event = np.concatenate([moved[pkeep], new_rows[by_id][pos[ok]]]).astype(np.int32)
    out.actor_id = np.concatenate([cols.actor_id[pkeep], pairs["a"][ok]])
    return out


def _renumber_issues(cols: Columns, issue_ids: list[str]) -> Columns:
    """``cols`` with each event's issue number taken from the list ``issue_ids`` (-1: no longer there)."""
    now = {iid: n for n, iid in enumerate(issue_ids)}
    table = np.array([now.get(iid, -1) for iid in cols.issue_ids] + [-1], np.int16)  # [-1]: none stays none
    return replace(cols, issue=table[cols.issue], issue_ids=list(issue_ids))


def load_columns(project: Project, use_cache: bool = True) -> Columns:
    """The event columns: from the cache when current, patched when few events changed, else queried.

    The result is written back as the new cache and the change log is trimmed, unless it is a patch
    of at most ``PATCH_KEEP_LOG`` events (then the next load patches the same cache again).
    """
    version, structure = _state(project)
    conn = project.db.conn
    if not use_cache:
        return _query_columns(project)
    row = conn.execute("select version, structure, mark, data from _timeline_columns where name = 'columns'"
                       ).fetchone()
    mark = int(conn.execute("select coalesce(max(seq), 0) from _timeline_changes").fetchone()[0])
    cached = Columns.from_bytes(row[3]) if row is not None else None
    if cached is not None and row[0] == version:
        return cached
    cols = None
    if cached is not None and row[1] == structure:
        changed = np.fromiter((r[0] for r in conn.execute(
            "select distinct event_id from _timeline_changes where seq > ? and seq <= ?", [row[2], mark])),
            dtype=np.int64)
        if cached.issue_ids != [r[0] for r in conn.execute("select id from issues order by position, label")]:
            # an issue added, removed or moved: ``_patch`` maps the cached numbers to the new list, and
            # the events of no issue known then are read again (theirs may be the one just added)
            changed = np.union1d(changed, cached.ids[cached.issue < 0])
        if changed.size <= max(1000, cached.ids.size * PATCH_MAX_SHARE):
            cols = _patch(project, cached, changed)
            if changed.size <= PATCH_KEEP_LOG:
                # the cache and its log stay as they are, the next load patches them again: writing
                # the blob back took 0.35 s of an edit's 0.5 s at a million events (and 40 MB of WAL)
                return cols
    if cols is None:
        cols = _query_columns(project)
    # the log is emptied up to the mark just below, and seq is a plain rowid: the next change is
    # numbered 1 again, so the cache's mark is 0 (with ``mark`` a later patch would miss changes)
    conn.execute("insert or replace into _timeline_columns (name, version, structure, mark, data) "
                 "values ('columns', ?, ?, 0, ?)", [version, structure, cols.to_bytes()])
    conn.execute("delete from _timeline_changes where seq <= ?", [mark])
    conn.commit()
    return cols


def actor_spans(project: Project, cols: Columns) -> dict[int, tuple[float, float]]:
    """``Project.actor_spans()`` (each actor's first start and last end, every report counted) from
    current columns: the events the timeline shows are in memory already, only the reports grouped
    under them are asked of the file. A join of every link row with its event costs about a second
    at a million events; this, a tenth of that."""
    spans: dict[int, tuple[float, float]] = {}
    if cols.actor_id.size:
        # actor ids are a table's row ids, about as many as the actors: one slot per id, no sort
        # (a sort of the pairs, np.unique, costs five times as much); far-apart ids are numbered first
        dense = 0 <= int(cols.actor_id.min()) and int(cols.actor_id.max()) < 8 * cols.actor_id.size + 65536
        actors, which = (None, cols.actor_id) if dense else np.unique(cols.actor_id, return_inverse=True)
        slots = int(cols.actor_id.max()) + 1 if dense else actors.size
        lo = np.full(slots, np.inf)
        hi = np.full(slots, -np.inf)
        np.minimum.at(lo, which, cols.t0[cols.actor_event])
        np.maximum.at(hi, which, cols.t1[cols.actor_event])
        used = np.flatnonzero(np.isfinite(lo))
        ids = used if actors is None else actors[used]
        spans = dict(zip(ids.tolist(), zip(lo[used].tolist(), hi[used].tolist(), strict=True), strict=True))
    for actor, (t0, t1) in project.actor_spans(grouped_only=True).items():
        a0, a1 = spans.get(actor, (t0, t1))
        spans[actor] = (min(a0, t0), max(a1, t1))
    return spans


# ---------------------------------------------------------------- lanes

def _article_labels(project: Project, article_ids: np.ndarray) -> list[str]:
    titles = {}
    if article_ids.size:
        for aid, title in project.db.conn.execute("select id, coalesce(title, '') from articles"):
            titles[aid] = title
    return [titles.get(int(a)) or f"Article {int(a)}" for a in article_ids]


def build_timeline(project: Project, cols: Columns, lane_mode: str) -> TimelineData:
    """Turn base columns into TimelineData for one lane mode (cheap numpy, plus lane labels)."""
    if lane_mode not in LANE_MODES:
        raise ColumnsError(f"lane mode {lane_mode!r}: expected one of {', '.join(LANE_MODES)}")
    n = cols.ids.size
    conn = project.db.conn
    if lane_mode == "issue":
        labels_by_id = dict(conn.execute("select id, label from issues"))
        lane_labels = [labels_by_id.get(i, i) for i in cols.issue_ids] + ["(no issue)"]
        none_lane = len(cols.issue_ids)
        lane_of = np.where(cols.issue >= 0, cols.issue, none_lane).astype(np.int32)
        lane_event = np.arange(n, dtype=np.int32)
        lane_issue = np.array(list(range(len(cols.issue_ids))) + [-1], np.int16)
    elif lane_mode == "article":
        uniq, inv = np.unique(cols.article, return_inverse=True)
        lane_labels = _article_labels(project, uniq)
        lane_of = inv.astype(np.int32)
        lane_event = np.arange(n, dtype=np.int32)
        lane_issue = np.full(len(lane_labels), -1, np.int16)
    else:
        names = dict(conn.execute("select id, name from actors"))
        uniq, inv = np.unique(cols.actor_id, return_inverse=True)
        lane_labels = [names.get(int(a), f"Actor {int(a)}") for a in uniq] + ["(no actor)"]
        has = np.zeros(n, bool)
        has[cols.actor_event] = True
        loners = np.flatnonzero(~has).astype(np.int32)
        lane_event = np.concatenate([cols.actor_event, loners]).astype(np.int32)
        lane_of = np.concatenate([inv.astype(np.int32), np.full(loners.size, len(uniq), np.int32)])
        # keep memberships in start order (build_lanes relies on a stable sort by lane)
        o = np.argsort(lane_event, kind="stable")
        lane_event, lane_of = lane_event[o], lane_of[o]
        lane_issue = np.full(len(lane_labels), -1, np.int16)
    return read_through(TimelineData(
        ids=cols.ids, t0=cols.t0, t1=cols.t1, precision=cols.precision, issue=cols.issue,
        lane_event=lane_event, lane_of=lane_of, lane_labels=lane_labels, lane_issue=lane_issue,
        lane_mode=lane_mode, issue_ids=list(cols.issue_ids), _id_order=cols.id_order(),
        catch_all=len(lane_labels) - 1 if lane_mode in ("issue", "actor") else -1,
    ), project)


def read_through(data: TimelineData, project: Project) -> TimelineData:
    """``data`` (sharing its columns) with titles and details read from ``project``: a timeline
    built on another thread's connection is shown with the window's."""
    return replace(data, titles=lambda ids: event_titles(project, ids),
                   details=lambda eid: event_details(project, eid))


def load_timeline(project: Project, lane_mode: str = "issue", use_cache: bool = True) -> TimelineData:
    """Everything the timeline view draws, for lanes by ``lane_mode`` ("issue", "actor", "article")."""
    return build_timeline(project, load_columns(project, use_cache), lane_mode)


# ---------------------------------------------------------------- lazy text

def event_titles(project: Project, event_ids: Sequence[int]) -> dict[int, str]:
    """Titles of a few events (labels); chunked to stay under SQLite's parameter limit."""
    out: dict[int, str] = {}
    ids = [int(i) for i in event_ids]
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        q = f"select id, coalesce(title, '') from events where id in ({','.join('?' * len(chunk))})"
        out.update(project.db.conn.execute(q, chunk).fetchall())
    return out


def event_details(project: Project, event_id: int) -> dict:
    """What a tooltip shows: title, date label, the date as written, precision, actors, article
    title, source count."""
    conn = project.db.conn
    row = conn.execute(
        "select e.title, e.t0, e.t1, e.precision, e.date_value, e.article_id, coalesce(a.title, ''), "
        "e.issue_id, coalesce(e.date_text, '') from events e left join articles a on a.id = e.article_id "
        "where e.id = ?", [int(event_id)]).fetchone()
    if row is None:
        return {}
    title, t0, t1, precision, value, article_id, article_title, issue_id, written = row
    # the happening as all its reports tell it: actors of every report, one source per article
    lead = project.leader_of(int(event_id))
    actors = [r[0] for r in conn.execute(
        "select distinct a.name from event_actors ea join actors a on a.id = ea.actor_id join events e "
        "on e.id = ea.event_id where e.id = ? or e.merged_into = ? order by a.name", [lead, lead])]
    sources = project.source_count(lead)
    start = seconds_to_date(t0)
    end = seconds_to_date(t1 - 1)
    return {"id": int(event_id), "title": title or "", "date": value or start.isoformat(), "written": written,
            "start": start.isoformat(), "end": end.isoformat(), "precision": precision,
            "actors": actors, "article": article_title, "article_id": article_id,
            "sources": int(sources or 1), "issue": issue_id}


# ---------------------------------------------------------------- bulk loads

@dataclass
class BulkEvent:
    """One event for :func:`insert_events_bulk`; ``t1`` is the exclusive end (seconds)."""

    article_id: int
    title: str
    t0: float
    t1: float
    precision: str
    issue_id: str | None = None
    actor_ids: tuple[int, ...] = ()
    issue_ids: tuple[str, ...] = ()
    date_value: str = ""


def insert_articles_bulk(project: Project, titles: Iterable[str], source: str = "bulk") -> list[int]:
    """Insert article shells (title only, empty text) for bulk-loaded events; returns their ids."""
    conn = project.db.conn
    first = conn.execute("select coalesce(max(id), 0) from articles").fetchone()[0] + 1
    rows = [(first + n, t, source, "", f"bulk:{first + n}") for n, t in enumerate(titles)]
    with conn:
        conn.executemany("insert into articles (id, title, source, text, text_hash) values (?, ?, ?, ?, ?)",
                         rows)
    return [r[0] for r in rows]


def insert_actors_bulk(project: Project, actors: Iterable[tuple[str, str]]) -> list[int]:
    """Insert (name, kind) actors, reusing existing names; returns their ids in order."""
    conn = project.db.conn
    out = []
    with conn:
        for name, kind in actors:
            conn.execute("insert or ignore into actors (name, kind, country, role, hidden) "
                         "values (?, ?, '', '', 0)", [name, kind])
            out.append(conn.execute("select id from actors where name = ?", [name]).fetchone()[0])
    return out


def insert_events_bulk(project: Project, events: Iterable[BulkEvent], batch: int = 50_000) -> int:
    """Insert many events with their actor and issue links in one transaction; returns the count.

    Ids are assigned here (max(id)+1 onward) so links are written without a
    round trip per row. Articles, actors and issues referenced must exist.
    """
    conn = project.db.conn
    valid_prec = {p.value for p in PRECISIONS}
    next_id = conn.execute("select coalesce(max(id), 0) from events").fetchone()[0] + 1
    n = 0
    ev_rows: list[tuple] = []
    act_rows: list[tuple] = []
    iss_rows: list[tuple] = []

    def flush() -> None:
        conn.executemany(
            "insert into events (id, article_id, title, date_value, date_end_value, t0, t1, precision, "
            "origin, evidence, start_offset, end_offset, date_text, date_start, date_end, issue_id, "
            "user_edited, verified) values (?, ?, ?, ?, '', ?, ?, ?, 'explicit', '', 0, 0, '', 0, 0, ?, 0, 0)",
            ev_rows)
        conn.executemany("insert or ignore into event_actors (event_id, actor_id) values (?, ?)", act_rows)
        conn.executemany("insert or ignore into event_issues (event_id, issue_id) values (?, ?)", iss_rows)
        ev_rows.clear()
        act_rows.clear()
        iss_rows.clear()

    ensure_cache_schema(project)
    conn.execute("BEGIN IMMEDIATE")
    # per-row change logging would double the work of a bulk load: off, then one "rebuild" bump
    conn.execute("update _timeline_state set logging = 0 where id = 1")
    try:
        for ev in events:
            if ev.precision not in valid_prec:
                raise ColumnsError(f"event {ev.title!r}: unknown precision {ev.precision!r}")
            if not ev.t1 > ev.t0:
                raise ColumnsError(f"event {ev.title!r}: end {ev.t1} is not after start {ev.t0}")
            eid = next_id + n
            ev_rows.append((eid, ev.article_id, ev.title, ev.date_value or seconds_to_date(ev.t0).isoformat(),
                            float(ev.t0), float(ev.t1), ev.precision, ev.issue_id))
            act_rows.extend((eid, a) for a in ev.actor_ids)
            issues = ev.issue_ids or ((ev.issue_id,) if ev.issue_id else ())
            iss_rows.extend((eid, i) for i in issues)
            n += 1
            if len(ev_rows) >= batch:
                flush()
        flush()
        conn.execute("update _timeline_state set logging = 1, version = version + 1, structure = structure + 1 "
                     "where id = 1")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    project._changed("events")
    return n
