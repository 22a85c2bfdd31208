"""Schema for the analyst's workflow (issue 7): user edits, saved views, full-text search,
ids that undo can rely on.

Kept apart from ``project.py`` and from the modules that use these tables so that
``project.MIGRATIONS`` can import the functions without an import cycle (``edits``,
``search`` and ``filters`` import ``project``).
"""

from __future__ import annotations

import re
import sqlite3

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


#: the tables with an integer id whose rows an undo can bring back (viewer/store/edits.py): their
#: ids are AUTOINCREMENT, so a deleted row's id is never given to a new row. Plain INTEGER PRIMARY
#: KEY hands out max(id) + 1, the id of a just deleted top row, and the undo restoring that row
#: would overwrite the new one. A table created by a later migration with an integer id belongs
#: here too (``autoincrement`` after its create; tests/test_stable_ids.py checks every table).
STABLE_ID_TABLES = ("articles", "actors", "events", "quotes", "mentions", "unresolved",
                    "issue_patterns", "deleted_events", "event_splits")


def m_stable_ids(db: sqlite_utils.Database) -> None:
    """AUTOINCREMENT for every table of ``STABLE_ID_TABLES``, rows and ids as they are."""
    for table in STABLE_ID_TABLES:
        autoincrement(db.conn, table)


def _pk_clause(column: str) -> re.Pattern[str]:
    # the column's definition as sqlite-utils writes it ("id" or [id], either quoting): the
    # primary key is a column constraint, the only place AUTOINCREMENT may go
    name = re.escape(column)
    return re.compile(rf'([(,]\s*(?:"{name}"|\[{name}\]|`{name}`|{name})\s+INTEGER\s+PRIMARY\s+KEY)\b'
                      r"(?!\s+AUTOINCREMENT)", re.IGNORECASE)


def autoincrement(conn: sqlite3.Connection, table: str) -> None:
    """Rebuild ``table`` with its INTEGER PRIMARY KEY made AUTOINCREMENT (nothing to do if it is).

    SQLite cannot alter a column's constraint, so this is its documented rebuild: a new table
    from the same CREATE statement plus the keyword, the rows copied with their ids, the old
    table dropped (with its indexes and triggers, FTS ones included), the new one renamed and
    the indexes and triggers made again from their stored SQL. The high-water mark starts at
    the largest id there is. Runs inside the caller's transaction (a migration's), with foreign
    keys off (``project.migrate``): dropping a parent table must not touch its children's rows.
    """
    row = conn.execute("select sql from sqlite_master where type = 'table' and name = ?", [table]).fetchone()
    if row is None:
        raise ValueError(f"no table {table}")
    create = row[0]
    if re.search(r"\bAUTOINCREMENT\b", create, re.IGNORECASE):
        return
    info = conn.execute(f'pragma table_info("{table}")').fetchall()
    pks = [r[1] for r in info if r[5]]
    if len(pks) != 1:
        raise ValueError(f"{table}: AUTOINCREMENT needs a single INTEGER PRIMARY KEY, the key is {pks}")
    new_create, n = _pk_clause(pks[0]).subn(r"\1 AUTOINCREMENT", create, count=1)
    if n != 1:
        raise ValueError(f"{table}: no column constraint INTEGER PRIMARY KEY on {pks[0]} in {create!r}")
    temp = f"_rebuild_{table}"
    new_create, n = re.subn(r"^\s*CREATE\s+TABLE\s+(?:\"[^\"]+\"|\[[^\]]+\]|`[^`]+`|\S+)",
                            f'CREATE TABLE "{temp}"', new_create, count=1, flags=re.IGNORECASE)
    if n != 1:
        raise ValueError(f"{table}: cannot read its CREATE TABLE statement {create!r}")
    # sql is null for the indexes of UNIQUE and PRIMARY KEY constraints: the CREATE TABLE makes those
    extras = [r[0] for r in conn.execute(
        "select sql from sqlite_master where tbl_name = ? and type in ('index', 'trigger') and sql is not null "
        "order by type = 'trigger', rowid", [table])]
    cols = ", ".join(f'"{r[1]}"' for r in info)
    conn.execute(new_create)
    conn.execute(f'insert into "{temp}" ({cols}) select {cols} from "{table}"')
    conn.execute(f'drop table "{table}"')
    # legacy rename: nothing refers to the new table's temporary name, and the modern rename
    # would refuse while a view or another table's trigger names the dropped table
    legacy = conn.execute("pragma legacy_alter_table").fetchone()[0]
    conn.execute("pragma legacy_alter_table = on")
    try:
        conn.execute(f'alter table "{temp}" rename to "{table}"')
    finally:
        conn.execute(f"pragma legacy_alter_table = {int(legacy)}")
    for sql in extras:
        conn.execute(sql)
    conn.execute("delete from sqlite_sequence where name = ?", [table])
    conn.execute(f'insert into sqlite_sequence (name, seq) select ?, max("{pks[0]}") from "{table}" '
                 f'where "{pks[0]}" is not null having count(*) > 0', [table])
