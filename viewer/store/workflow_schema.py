"""Schema for the analyst's workflow (issue 7): user edits, saved views, full-text search.

Kept apart from ``project.py`` and from the modules that use these tables so that
``project.MIGRATIONS`` can import the functions without an import cycle (``edits``,
``search`` and ``filters`` import ``project``).
"""

from __future__ import annotations

import sqlite_utils

#: FTS5 tokenizer: unicode61 folds case and (with remove_diacritics 2) accents, so
#: "Ministère" is found by "ministere"; no stemming, so a prefix typed so far
#: ("negotiat") matches the words as written ("negotiations").
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

#: (table, columns) indexed for search; rowid of each table is its integer id.
FTS_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("events", ("title", "evidence")),
    ("quotes", ("text",)),
    ("articles", ("title", "text")),
)


def m_workflow(db: sqlite_utils.Database) -> None:
    """User-edit bookkeeping, issue patterns, deletion tombstones and saved views."""
    # actors and issues the user touched: re-extraction and orphan clean-up keep them
    db["actors"].add_column("user_edited", int, not_null_default=0)
    db["issues"].add_column("user_edited", int, not_null_default=0)
    db["issue_patterns"].create(
        {"id": int, "issue_id": str, "pattern": str, "added_at": str}, pk="id"
    )
    db["issue_patterns"].create_index(["issue_id", "pattern"], unique=True)
    # an extracted event the user deleted: re-extraction of its article must not bring it back
    db["deleted_events"].create(
        {"id": int, "article_id": int, "title": str, "start_offset": int, "end_offset": int,
         "date_value": str, "deleted_at": str},
        pk="id",
    )
    db["deleted_events"].create_index(["article_id"])
    db["saved_views"].create(
        {"name": str, "filter": str, "lanes": str, "t0": float, "t1": float, "updated_at": str},
        pk="name",
    )


def m_search(db: sqlite_utils.Database) -> None:
    """FTS5 indexes over event titles and evidence, quotes and article text, kept current by triggers."""
    for table, columns in FTS_TABLES:
        db[table].enable_fts(list(columns), create_triggers=True, tokenize=FTS_TOKENIZE)


def m_event_groups(db: sqlite_utils.Database) -> None:
    """Cross-article merging (issue 4): one ``events`` row per article sentence stays, and
    ``merged_into`` points a report at the event that leads its group (NULL: it leads, or is
    alone). The timeline shows leaders; the group's rows are the event's sources.

    ``event_splits`` remembers the pairs of reports the user split apart, by their place in
    the text (article, sentence offsets, date offset), not by row id, so that re-extraction of
    either article (which makes new rows) does not merge them again.
    """
    db["events"].add_column("merged_into", int)
    db["events"].create_index(["merged_into"])
    db["event_splits"].create(
        {"id": int, "article_a": int, "start_a": int, "end_a": int, "date_a": int,
         "article_b": int, "start_b": int, "end_b": int, "date_b": int, "split_at": str},
        pk="id",
    )
    db["event_splits"].create_index(["article_a"])
    db["event_splits"].create_index(["article_b"])
