"""The project file: one SQLite database, through sqlite-utils.

Everything the views need is asked of a :class:`Project`; no other package
writes SQL. Each article goes in with all its events, actors, quotes and
mentions in one transaction, so a crash leaves it either fully in or not at
all.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import sqlite_utils

from viewer.core.model import Article, Extraction, Issue, Origin, Precision, TimePoint

SUFFIX = ".dateline"
_EPOCH = date(1970, 1, 1)
PRECISIONS: tuple[Precision, ...] = tuple(Precision)
PRECISION_CODE = {p: i for i, p in enumerate(PRECISIONS)}


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


from viewer.store.workflow_schema import m_search, m_workflow  # noqa: E402 - issue 7 schema

MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_initial", _m001_initial),
    ("002_workflow", m_workflow),
    ("003_search", m_search),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Run the migrations not yet recorded in the database; return their names."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {r["name"] for r in db["_migrations"].rows}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            fn(db)
            db["_migrations"].insert({"name": name, "applied_at": _now()})
        applied.append(name)
    return applied


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


@dataclass
class IssueRow:
    id: str
    label: str
    colour: str
    parent: str | None
    events: int


@dataclass
class QuoteRow:
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


# ---------------------------------------------------------------- the project

class Project:
    """A project file. ``path=None`` keeps it in memory (tests)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self.db = sqlite_utils.Database(memory=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite_utils.Database(self.path)
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
        db = self.db
        actor_ids: dict[str, int] = {}
        for actor in ex.actors:
            aid = self._actor_id(actor.name, actor.kind, actor.country, actor.role)
            actor_ids[actor.name] = aid
            db["actor_aliases"].insert_all(
                [{"actor_id": aid, "alias": a} for a in {actor.name, *actor.aliases}], ignore=True
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

        # what the user deleted or corrected stays as they left it: skip the fresh copies
        tombstones = {
            (r["start_offset"], r["end_offset"], r["title"])
            for r in db.query("select start_offset, end_offset, title from deleted_events where article_id = ?",
                              [article_id])
        }
        kept = {
            (r["start_offset"], r["end_offset"], r["date_start"]): r["id"]
            for r in db.query("select id, start_offset, end_offset, date_start from events "
                              "where article_id = ? and user_edited = 1", [article_id])
        }
        kept_quotes = {
            (r["start_offset"], r["end_offset"])
            for r in db.query("select start_offset, end_offset from quotes where article_id = ? and user_edited = 1",
                              [article_id])
        }
        event_ids: list[int | None] = []
        for ev in ex.events:
            if (ev.start, ev.end, ev.title) in tombstones:
                event_ids.append(None)
                continue
            if (ev.start, ev.end, ev.date_start) in kept:
                event_ids.append(kept[(ev.start, ev.end, ev.date_start)])
                continue
            issues = [i for i in ev.issues if i in known_issues]
            eid = db["events"].insert(
                {
                    "article_id": article_id, "title": ev.title,
                    "date_value": ev.when.value, "date_end_value": "",
                    "t0": day_seconds(ev.when.start), "t1": day_seconds(ev.when.end) + 86400.0,
                    "precision": ev.when.precision.value, "origin": ev.when.origin.value,
                    "evidence": ev.evidence, "start_offset": ev.start, "end_offset": ev.end,
                    "date_text": ev.date_text, "date_start": ev.date_start, "date_end": ev.date_end,
                    "issue_id": issues[0] if issues else None, "user_edited": 0, "verified": 0,
                }
            ).last_pk
            event_ids.append(eid)
            db["event_actors"].insert_all(
                [{"event_id": eid, "actor_id": actor_id(n)} for n in dict.fromkeys(ev.actors)], ignore=True
            )
            db["event_issues"].insert_all(
                [{"event_id": eid, "issue_id": i} for i in dict.fromkeys(issues)], ignore=True
            )
        db["quotes"].insert_all(
            [
                {
                    "article_id": article_id, "text": q.text, "start_offset": q.start,
                    "end_offset": q.end, "speaker_id": actor_id(q.speaker) if q.speaker else None,
                    "event_id": event_ids[q.event_index]
                    if q.event_index is not None and 0 <= q.event_index < len(event_ids) else None,
                    "sentence_start": q.sentence_start, "sentence_end": q.sentence_end,
                    "user_edited": 0,
                }
                for q in ex.quotes
                if (q.start, q.end) not in kept_quotes
            ]
        )
        db["mentions"].insert_all(
            [
                {"article_id": article_id, "actor_id": actor_id(m.name), "start_offset": m.start,
                 "end_offset": m.end, "text": m.text}
                for m in ex.actor_mentions
            ]
        )
        db["unresolved"].insert_all(
            [
                {"article_id": article_id, "text": u.text, "start_offset": u.start,
                 "end_offset": u.end, "value": u.value}
                for u in ex.unresolved
            ]
        )
        return sum(1 for e in event_ids if e is not None), len(ex.quotes)

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
            self._delete_extracted(article_id)
            self._insert_extraction(article_id, extraction)
        self._changed("articles")

    def _delete_extracted(self, article_id: int) -> None:
        q = self.db.execute
        q("delete from event_actors where event_id in "
          "(select id from events where article_id = ? and user_edited = 0)", [article_id])
        q("delete from event_issues where event_id in "
          "(select id from events where article_id = ? and user_edited = 0)", [article_id])
        q("update quotes set event_id = null where event_id in "
          "(select id from events where article_id = ? and user_edited = 0)", [article_id])
        q("delete from events where article_id = ? and user_edited = 0", [article_id])
        q("delete from quotes where article_id = ? and user_edited = 0", [article_id])
        q("delete from mentions where article_id = ?", [article_id])
        q("delete from unresolved where article_id = ?", [article_id])
        self._drop_orphan_actors()

    def _drop_orphan_actors(self) -> None:
        self.db.execute(
            "delete from actor_aliases where actor_id in (select id from actors where user_edited = 0) "
            "and actor_id not in (select actor_id from mentions) "
            "and actor_id not in (select actor_id from event_actors) "
            "and actor_id not in (select speaker_id from quotes where speaker_id is not null)"
        )
        self.db.execute(
            "delete from actors where user_edited = 0 and id not in (select actor_id from mentions) "
            "and id not in (select actor_id from event_actors) "
            "and id not in (select speaker_id from quotes where speaker_id is not null)"
        )

    # -- queries for the views
    def articles(self) -> list[ArticleRow]:
        sql = """
        select a.id, a.title, a.source, a.url, a.path, a.published, a.published_origin,
          (select count(*) from events e where e.article_id = a.id) as n_events,
          (select count(*) from unresolved u where u.article_id = a.id) as n_unresolved
        from articles a order by a.id"""
        return [
            ArticleRow(
                r["id"], r["title"] or "", r["source"] or "", r["url"] or "", r["path"] or "",
                date.fromisoformat(r["published"]) if r["published"] else None,
                r["published_origin"] or "", r["n_events"], r["n_unresolved"],
            )
            for r in self.db.query(sql)
        ]

    def unresolved(self, article_id: int) -> list[dict]:
        return list(self.db.query(
            "select text, start_offset, end_offset, value from unresolved where article_id = ? "
            "order by start_offset", [article_id]))

    def issues(self) -> list[IssueRow]:
        sql = """
        select i.id, i.label, i.colour, i.parent,
          (select count(*) from event_issues ei where ei.issue_id = i.id) as n
        from issues i order by i.position, i.label"""
        return [IssueRow(r["id"], r["label"], r["colour"], r["parent"], r["n"]) for r in self.db.query(sql)]

    def actors(self) -> list[ActorRow]:
        sql = """
        select a.id, a.name, a.kind, a.country,
          (select count(*) from event_actors ea where ea.actor_id = a.id) as n_events,
          (select count(*) from quotes q where q.speaker_id = a.id) as n_quotes,
          (select group_concat(alias, '|') from actor_aliases aa where aa.actor_id = a.id) as aliases
        from actors a where a.hidden = 0 order by n_events desc, n_quotes desc, a.name"""
        return [
            ActorRow(r["id"], r["name"], r["kind"] or "", r["country"] or "", r["n_events"], r["n_quotes"],
                     sorted(set((r["aliases"] or "").split("|")) - {""}))
            for r in self.db.query(sql)
        ]

    def quotes(self) -> list[QuoteRow]:
        sql = """
        select q.id, q.text, q.speaker_id, s.name as speaker, q.article_id, a.title, a.published,
          q.start_offset, q.end_offset, q.sentence_start, q.sentence_end, q.event_id, e.date_value
        from quotes q join articles a on a.id = q.article_id
        left join actors s on s.id = q.speaker_id
        left join events e on e.id = q.event_id
        order by coalesce(e.t0, 0), q.article_id, q.start_offset"""
        return [
            QuoteRow(
                r["id"], r["text"], r["speaker"], r["speaker_id"], r["article_id"], r["title"] or "",
                r["start_offset"], r["end_offset"], r["sentence_start"], r["sentence_end"], r["event_id"],
                r["date_value"] or r["published"] or "",
            )
            for r in self.db.query(sql)
        ]

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

    def event_ids_for_actor(self, actor_id: int) -> list[int]:
        return [r["event_id"] for r in self.db.query(
            "select event_id from event_actors where actor_id = ?", [actor_id])]

    def event_ids_for_issue(self, issue_id: str) -> list[int]:
        return [r["event_id"] for r in self.db.query(
            "select event_id from event_issues where issue_id = ?", [issue_id])]

    def event_ids_for_article(self, article_id: int) -> list[int]:
        return [r["id"] for r in self.db.query("select id from events where article_id = ?", [article_id])]

    def quote_ids_for_event(self, event_id: int) -> list[int]:
        return [r["id"] for r in self.db.query("select id from quotes where event_id = ?", [event_id])]

    def quote_ids_for_actor(self, actor_id: int) -> list[int]:
        return [r["id"] for r in self.db.query("select id from quotes where speaker_id = ?", [actor_id])]

    def actor_ids_for_event(self, event_id: int) -> list[int]:
        return [r["actor_id"] for r in self.db.query(
            "select actor_id from event_actors where event_id = ?", [event_id])]

    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "articles": one("select count(*) from articles").fetchone()[0],
            "events": one("select count(*) from events").fetchone()[0],
            "date_needed": one("select count(*) from articles where published is null").fetchone()[0],
            "quotes": one("select count(*) from quotes").fetchone()[0],
            "actors": one("select count(*) from actors").fetchone()[0],
        }

    # -- columns for the timeline (no Python object per event)
    def timeline_columns(self) -> dict[str, np.ndarray]:
        """Events sorted by start as numpy arrays: id, t0, t1 (seconds), precision code, issue index.

        ``issue`` indexes :meth:`issues` order (-1: no issue).
        """
        order = {r.id: n for n, r in enumerate(self.issues())}
        cur = self.db.execute(
            "select id, t0, t1, precision, coalesce(issue_id, ''), coalesce(article_id, -1) "
            "from events order by t0, id")
        rows = cur.fetchall()
        n = len(rows)
        cols = {
            "id": np.empty(n, np.int64), "t0": np.empty(n, np.float64), "t1": np.empty(n, np.float64),
            "precision": np.empty(n, np.int8), "issue": np.empty(n, np.int16), "article": np.empty(n, np.int64),
        }
        if n:
            ids, t0, t1, prec, iss, art = zip(*rows, strict=True)
            cols["id"][:] = ids
            cols["t0"][:] = t0
            cols["t1"][:] = t1
            codes = {p.value: i for i, p in enumerate(PRECISIONS)}
            cols["precision"][:] = [codes.get(p, 1) for p in prec]
            cols["issue"][:] = [order.get(i, -1) for i in iss]
            cols["article"][:] = art
        return cols


def _origin(value: str) -> Origin:
    try:
        return Origin(value)
    except ValueError:
        return Origin.EXPLICIT
