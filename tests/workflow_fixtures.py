"""A small project for the workflow tests (edits, search, filters, exchange, undo, event details).

Two articles written for these tests: both report the same phone call (same title
and day, so each is a source of the other's event); actors are mentioned under
several aliases so that merges and splits have something to move.
"""

from __future__ import annotations

from datetime import date

from viewer.core.model import (
    Actor,
    ActorMention,
    Article,
    Event,
    Extraction,
    Issue,
    Origin,
    Precision,
    Quote,
    TimePoint,
)
from viewer.store.project import Project

ISSUES = [
    Issue("tariffs", "Tariffs", "#CC6677"),
    Issue("chips", "Semiconductors", "#332288"),
    Issue("soybeans", "Agriculture", "#117733", None),
]

TEXT_A = (
    "Treasury Secretary Scott Bessent met Chinese officials in Geneva on Monday. "
    "Bessent said the talks were “productive and constructive”. "
    "In May, Washington raised tariffs on semiconductors from China."
)
TEXT_B = (
    "The Treasury chief met his counterparts in Geneva on Monday, officials said. "
    "Beijing announced soybean purchases in June, and Scott Bessent called it “a good start”."
)


def _day(d: date, origin: Origin = Origin.RELATIVE) -> TimePoint:
    return TimePoint(d, d, Precision.DAY, origin, d.isoformat())


def _sentence(text: str, n: int) -> tuple[int, int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "." and i + 2 < len(text) and text[i + 1] == " ":
            starts.append(i + 2)
    a = starts[n]
    b = starts[n + 1] - 1 if n + 1 < len(starts) else len(text)
    return a, b


def _at(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def extraction_a() -> Extraction:
    s0, s1, s2 = _sentence(TEXT_A, 0), _sentence(TEXT_A, 1), _sentence(TEXT_A, 2)
    geneva = Event("Bessent meets Chinese officials in Geneva", _day(date(2025, 5, 12)), TEXT_A[s0[0]:s0[1]],
                   s0[0], s0[1], ["Scott Bessent", "China"], ["tariffs"], "Monday", *_at(TEXT_A, "Monday"))
    may = TimePoint(date(2025, 5, 1), date(2025, 5, 31), Precision.MONTH, Origin.RELATIVE, "2025-05")
    raise_ = Event("US raises tariffs on Chinese semiconductors", may, TEXT_A[s2[0]:s2[1]], s2[0], s2[1],
                   ["United States", "China"], ["tariffs", "chips"], "In May", *_at(TEXT_A, "In May"))
    q0, q1 = _at(TEXT_A, "productive and constructive")
    mentions = [
        ActorMention(*_at(TEXT_A, "Treasury Secretary Scott Bessent"), "Treasury Secretary Scott Bessent",
                     "Scott Bessent", "person", "US", "Treasury Secretary"),
        ActorMention(*_at(TEXT_A, "Bessent said"), "Bessent", "Scott Bessent", "person", "US"),
        ActorMention(*_at(TEXT_A, "Washington"), "Washington", "United States", "government", "US"),
    ]
    # "Bessent said" spans 12 characters; the mention is the surname only
    start = mentions[1].start
    mentions[1] = ActorMention(start, start + 7, "Bessent", "Scott Bessent", "person", "US")
    return Extraction(
        events=[geneva, raise_],
        actors=[Actor("Scott Bessent", "person", "US", ["Bessent", "Treasury Secretary Scott Bessent"]),
                Actor("China", "country", "CN"), Actor("United States", "government", "US", ["Washington"])],
        actor_mentions=mentions,
        issues=ISSUES[:2],
        quotes=[Quote("productive and constructive", q0, q1, "Scott Bessent", s1[0], s1[1], 0)],
    )


def extraction_b() -> Extraction:
    s0, s1 = _sentence(TEXT_B, 0), _sentence(TEXT_B, 1)
    geneva = Event("Bessent meets Chinese officials in Geneva", _day(date(2025, 5, 12)), TEXT_B[s0[0]:s0[1]],
                   s0[0], s0[1], ["Scott Bessent"], ["tariffs"], "Monday", *_at(TEXT_B, "Monday"))
    june = TimePoint(date(2025, 6, 1), date(2025, 6, 30), Precision.MONTH, Origin.RELATIVE, "2025-06")
    soy = Event("China announces soybean purchases", june, TEXT_B[s1[0]:s1[1]], s1[0], s1[1],
                ["China", "Scott Bessent"], ["soybeans"], "in June", *_at(TEXT_B, "in June"))
    q0, q1 = _at(TEXT_B, "a good start")
    return Extraction(
        events=[geneva, soy],
        actors=[Actor("Scott Bessent", "person", "US", ["Scott Bessent"]),
                Actor("China", "country", "CN", ["Beijing"])],
        actor_mentions=[
            ActorMention(*_at(TEXT_B, "Beijing"), "Beijing", "China", "government", "CN"),
            ActorMention(*_at(TEXT_B, "Scott Bessent"), "Scott Bessent", "Scott Bessent", "person", "US"),
        ],
        issues=[ISSUES[0], ISSUES[2]],
        quotes=[Quote("a good start", q0, q1, "Scott Bessent", s1[0], s1[1], 1)],
    )


def make_project() -> Project:
    p = Project()
    p.sync_issues(ISSUES)
    p.add_article(Article(TEXT_A, "Bessent in Geneva", "Wire One", "https://example.org/a",
                          date(2025, 5, 13), "header", "/tmp/a.txt"), extraction_a())
    p.add_article(Article(TEXT_B, "Soybeans and talks", "Daily Two", "https://example.org/b",
                          date(2025, 6, 20), "metadata", "/tmp/b.txt"), extraction_b())
    return p


def dump(p: Project) -> dict[str, list[tuple]]:
    """Every row of every table the workflow touches, for exact before/after comparisons."""
    tables = ["articles", "issues", "actors", "actor_aliases", "events", "event_actors", "event_issues",
              "quotes", "mentions", "unresolved", "issue_patterns", "deleted_events", "saved_views", "event_splits"]
    out = {}
    for t in tables:
        cur = p.db.conn.execute(f"select * from [{t}]")
        # when a row was added is the wall clock's: two projects built a second apart differ there
        clock = [i for i, d in enumerate(cur.description) if d[0] == "added_at"]
        rows = [tuple(None if i in clock else v for i, v in enumerate(r)) for r in cur.fetchall()]
        out[t] = sorted(rows, key=repr)
    return out


def actor_id(p: Project, name: str) -> int:
    return p.db.conn.execute("select id from actors where name = ?", [name]).fetchone()[0]


def event_id(p: Project, title: str, article: int = 1) -> int:
    return p.db.conn.execute("select id from events where title = ? and article_id = ?",
                             [title, article]).fetchone()[0]
