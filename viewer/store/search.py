"""One search box over events, quotes and article text (SQLite FTS5).

The indexes are made by the ``003_search`` migration through sqlite-utils'
``enable_fts(..., create_triggers=True)``, so every insert, update and delete
(edits and their undo included) keeps them current.

What the user types is never handed to FTS5 as syntax: it is cut into words and
quoted phrases, each quoted for FTS5 and marked as a prefix, so typing
``tari`` already finds "tariffs" and ``"`` or ``AND(`` cannot raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from viewer.store.project import Project

_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+(?:['’.]\w+)*", re.UNICODE)
_MAX_TERMS = 16
#: a one-letter prefix matches nearly every row and tells nothing: it must be a whole word
MIN_PREFIX = 2
#: at most this many matches are ranked by relevance (bm25); a broader query (a two-letter
#: prefix over 100k events) is returned in stored order, which keeps every keystroke fast
RANK_MAX = 2000


@dataclass
class SearchResult:
    """Ids of what matched, best match first, per kind."""

    event_ids: list[int] = field(default_factory=list)
    quote_ids: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.event_ids or self.quote_ids or self.article_ids)


def _tokens(text: str) -> list[str]:
    return [t for t in _WORD.findall(text)]


def match_expression(text: str, prefix: bool = True) -> str:
    """An FTS5 MATCH expression for what a user typed, or "" if it has no searchable word.

    Bare words and "quoted phrases" are ANDed; every term is quoted (so FTS5
    syntax in the input is inert) and, with ``prefix``, matches as a prefix
    when its last word has at least ``MIN_PREFIX`` characters.
    """
    terms: list[list[str]] = []
    rest = text
    for m in _PHRASE.finditer(text):
        words = _tokens(m.group(1))
        if words:
            terms.append(words)
    rest = _PHRASE.sub(" ", text)
    terms.extend([w] for w in _tokens(rest.replace('"', " ")))
    out = []
    for words in terms[:_MAX_TERMS]:
        phrase = " ".join(w.replace('"', "") for w in words)
        out.append(f'"{phrase}"' + ("*" if prefix and len(words[-1]) >= MIN_PREFIX else ""))
    return " ".join(out)


def _ids(project: Project, table: str, expr: str, limit: int | None) -> list[int]:
    """Matching rowids: all of them in stored order (``limit`` None), else the best ``limit``."""
    conn = project.db.conn
    fts = f"[{table}_fts]"
    if limit is None:
        return [r[0] for r in conn.execute(f"select rowid from {fts} where {fts} match ?", [expr])]
    # FTS5 stops early without ORDER BY; ranking needs every match scored, so only rank few
    first = [r[0] for r in conn.execute(f"select rowid from {fts} where {fts} match ? limit ?",
                                        [expr, RANK_MAX + 1])]
    if len(first) > RANK_MAX:
        return first[:limit]
    return [r[0] for r in conn.execute(f"select rowid from {fts} where {fts} match ? order by rank limit ?",
                                       [expr, int(limit)])]


def search(project: Project, query: str, limit: int | None = 200, prefix: bool = True) -> SearchResult:
    """Events (title, evidence), quotes and articles (title, text) matching ``query``.

    :param limit: at most this many of each kind (None: all, e.g. to highlight every match)
    :param prefix: match each word as a prefix (as-you-type); False for whole words only
    """
    expr = match_expression(query, prefix)
    if not expr:
        return SearchResult()
    return SearchResult(
        _ids(project, "events", expr, limit),
        _ids(project, "quotes", expr, limit),
        _ids(project, "articles", expr, limit),
    )


def matching_event_ids(project: Project, query: str, include_quotes: bool = True) -> set[int]:
    """Every event whose title or evidence matches, plus (optionally) the events of matching quotes."""
    expr = match_expression(query)
    if not expr:
        return set()
    ids = set(_ids(project, "events", expr, None))
    if include_quotes:
        ids.update(r[0] for r in project.db.conn.execute(
            "select event_id from quotes where event_id is not null and id in "
            "(select rowid from quotes_fts where quotes_fts match ?)", [expr]))
    # merged reports are drawn as their group's leader
    return project.leader_ids(ids) if ids else ids


def snippet(project: Project, kind: str, row_id: int, query: str, width: int = 12) -> str:
    """A short excerpt of one hit with the matched words in [brackets] (for result lists)."""
    tables = {"event": ("events", -1), "quote": ("quotes", 0), "article": ("articles", -1)}
    if kind not in tables:
        raise ValueError(f"kind must be one of {', '.join(tables)}")
    table, column = tables[kind]
    expr = match_expression(query)
    if not expr:
        return ""
    row = project.db.conn.execute(
        f"select snippet([{table}_fts], ?, '[', ']', '…', ?) from [{table}_fts] "
        f"where [{table}_fts] match ? and rowid = ?", [column, int(width), expr, int(row_id)]).fetchone()
    return row[0] if row else ""


def rebuild(project: Project) -> None:
    """Rebuild the indexes from their tables (after bulk SQL that bypassed the triggers)."""
    from viewer.store.workflow_schema import FTS_TABLES

    with project.db.conn:
        for table, _cols in FTS_TABLES:
            project.db.conn.execute(f"insert into [{table}_fts]([{table}_fts]) values ('rebuild')")


@contextmanager
def index_suspended(project: Project, tables: Sequence[str] = ("events",)) -> Iterator[None]:
    """Bulk loads: drop the FTS triggers of ``tables``, and on exit put them back and rebuild
    those indexes in one pass (row-by-row triggers make a bulk insert about four times slower)."""
    conn = project.db.conn
    saved = []
    for table in tables:
        saved += conn.execute("select name, sql from sqlite_master where type = 'trigger' and tbl_name = ? "
                              "and name in (?, ?, ?)", [table, f"{table}_ai", f"{table}_ad", f"{table}_au"]
                              ).fetchall()
    with conn:
        for name, _sql in saved:
            conn.execute(f"drop trigger [{name}]")
    try:
        yield
    finally:
        with conn:
            for _name, sql in saved:
                conn.execute(sql)
            for table in tables:
                conn.execute(f"insert into [{table}_fts]([{table}_fts]) values ('rebuild')")
