"""The Quotes panel's rows held as columns (viewer/store/project.py ``QuoteRows``): the same rows, in
the same order, as the plain reading of the store, and the window's questions about every row
answered from the columns as the rows would answer them."""

from __future__ import annotations

from dataclasses import astuple

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.conftest import SAMPLE
from tests.test_ingest_refresh import dated_articles
from viewer.store.project import Project, QuoteRow, QuoteRows
from viewer.ui.qt_models import QuotesModel, rows_containing, sort_rows
from viewer.workflow import ingest_paths, open_project


def reference_quotes(p: Project) -> list[tuple]:
    """Every quote as the store holds it, joined and sorted by SQLite (the first reading of quotes)."""
    return [tuple(r) for r in p.db.conn.execute("""
        select q.id, q.text, s.name, q.speaker_id, q.article_id, coalesce(a.title, ''), q.start_offset,
          q.end_offset, q.sentence_start, q.sentence_end, coalesce(e.merged_into, q.event_id),
          coalesce(e.date_value, a.published, ''), coalesce(i.label, ''), coalesce(e.issue_id, '')
        from quotes q join articles a on a.id = q.article_id left join events e on e.id = q.event_id
          left join actors s on s.id = q.speaker_id left join issues i on i.id = e.issue_id
        order by coalesce(e.t0, 0), q.article_id, q.start_offset""")]


@pytest.fixture
def project(tmp_path) -> Project:
    """Dated copies of the sample and the undated sample (its quotes have no event), with a quote
    whose speaker was removed, one stored without its sentence's offsets, and quotes of events
    about two trade issues."""
    p = open_project(tmp_path / "p.dateline")
    ingest_paths(p, [str(x) for x in dated_articles(tmp_path / "in", 3)] + [str(SAMPLE)])
    qid = p.db.conn.execute("select min(id) from quotes where speaker_id is not null").fetchone()[0]
    p.db.conn.execute("update quotes set speaker_id = null where id = ?", [qid])
    p.db.conn.execute("update quotes set sentence_start = null, sentence_end = null where id = (select max(id) "
                      "from quotes)")
    # three quotes of events, about two trade issues (the sample's quotes belong to no event)
    events = [r[0] for r in p.db.conn.execute("select id from events order by id limit 3")]
    quotes = [r[0] for r in p.db.conn.execute("select id from quotes order by id limit 3")]
    for eid, qid, issue in zip(events, quotes, ("tariffs", "rare_earths", "tariffs"), strict=True):
        p.db.conn.execute("update quotes set event_id = ? where id = ?", [eid, qid])
        p.db.conn.execute("update events set issue_id = ? where id = ?", [issue, eid])
    p.db.conn.commit()
    return p


def test_the_columns_give_the_rows_of_the_store_in_its_order(project):
    rows = project.quotes()
    want = reference_quotes(project)
    assert isinstance(rows, QuoteRows) and len(rows) == len(want) > 6
    assert [astuple(q) for q in rows] == want
    assert any(q.speaker is None and q.speaker_id is None for q in rows)
    assert any(q.event_id is None and q.date for q in rows)  # a quote of no event has its article's date
    assert any(q.sentence_start is None for q in rows)
    assert rows[-1] == rows[len(rows) - 1] and rows[1:3] == [rows[1], rows[2]]
    with pytest.raises(IndexError):
        rows[len(rows)]


def test_rows_made_from_objects_are_the_same_rows(project):
    rows = project.quotes()
    again = QuoteRows.from_rows(list(rows))
    assert again == rows and list(again) == list(rows) and QuoteRows.from_rows([]) == []


def test_questions_about_every_row_are_answered_as_the_rows_would(project):
    rows = project.quotes()
    for view in (rows, rows.take(list(reversed(range(len(rows))))), rows.take([3, 0, 5])):
        objs = list(view)
        assert view.speakers() == {q.speaker for q in objs}
        assert view.issue_labels() == {q.issue for q in objs if q.issue}
        events = {q.event_id for q in objs[:2] if q.event_id is not None}
        speaker = next(q.speaker_id for q in objs if q.speaker_id is not None)
        want = [n for n, q in enumerate(objs) if q.event_id in events or q.speaker_id == speaker]
        assert view.positions(event_ids=events, speaker_ids={speaker}).tolist() == want
        # the window passes the events as an array (np.int64, no Python object per event)
        assert view.positions(event_ids=np.array(sorted(events)), speaker_ids={speaker}).tolist() == want
        for who in [None, "unattributed", *{q.speaker for q in objs if q.speaker}]:
            for issue in [None, *view.issue_labels(), "no such issue"]:
                assert view.mask(who, issue).tolist() == [
                    (who is None or (q.speaker or "unattributed") == who) and (issue is None or q.issue == issue)
                    for q in objs], (who, issue)


@pytest.mark.parametrize("column", range(len(QuotesModel.columns)))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorting_the_columns_sorts_as_a_list_would(project, column, order):
    rows = project.quotes()
    got = sort_rows(QuotesModel.columns, (column, order), rows)
    assert isinstance(got, QuoteRows)
    assert list(got) == sort_rows(QuotesModel.columns, (column, order), list(rows))


def test_the_model_holds_columns_whatever_it_is_given(qapp, project):
    model = QuotesModel()
    model.set_rows(list(project.quotes()))
    assert isinstance(model.rows(), QuoteRows) and model.rows() == project.quotes()
    row = model.rows()[0]
    assert isinstance(row, QuoteRow) and model.data(model.index(0, 0)) == f"“{row.text}”"


def test_the_speaker_and_issue_filter_keeps_rows_out_of_the_model(qapp, project):
    model = QuotesModel()
    model.set_rows(project.quotes())
    every = list(model.rows())
    speaker = next(q.speaker for q in every if q.speaker)
    model.set_filter(speaker, None)
    assert list(model.rows()) == [q for q in every if q.speaker == speaker] and model.rowCount() < len(every)
    model.set_filter("unattributed", None)
    assert list(model.rows()) == [q for q in every if q.speaker is None] != []
    # sorting and new rows keep the filter; the whole list stays at hand
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert [q.text for q in model.rows()] == sorted((q.text for q in every if q.speaker is None),
                                                    key=str.casefold, reverse=True)
    model.set_rows(project.quotes())
    assert all(q.speaker is None for q in model.rows()) and len(model.all_rows()) == len(every)
    issue = next(q.issue for q in every if q.issue)
    model.set_filter(None, issue)
    assert {q.issue for q in model.rows()} == {issue}
    model.set_filter(None, None)
    assert model.rowCount() == len(every)


def naive_search(rows, text: str) -> list:
    """What a proxy filtering on every cell's shown text keeps (a quote's own words, not the quotation
    marks shown around them)."""
    t = text.casefold()

    def cell(c, q) -> str:
        v = getattr(q, c.by) if c.search_raw else c.value(q)
        return "" if v is None else str(v)

    return [q for q in rows if any(t in cell(c, q).casefold() for c in QuotesModel.columns)]


def needles(rows) -> list[str]:
    q = next(q for q in rows if q.issue)
    return ["STALL", "unattrib", q.date[:7], q.issue.upper(), q.article_title[-6:], next(x.speaker for x in rows
                                                                                        if x.speaker)[:4], "“", "zzz"]


def test_searching_the_columns_keeps_what_searching_every_cell_keeps(project):
    rows = project.quotes()
    folded: dict = {}
    for view in (rows, rows.take(list(reversed(range(len(rows))))), rows.take([4, 1, 2])):
        for text in needles(rows):
            got = rows_containing(QuotesModel.columns, text, view, folded)
            assert isinstance(got, QuoteRows) and list(got) == naive_search(list(view), text), text
            assert list(rows_containing(QuotesModel.columns, text, list(view))) == list(got)


def test_a_search_typed_letter_by_letter_keeps_what_the_whole_text_keeps(qapp, project):
    # each letter typed at the end searches only the rows kept so far; any other edit searches all
    model = QuotesModel()
    model.set_rows(project.quotes())
    every = list(model.all_rows())
    word = next(q.text for q in every if len(q.text) > 12)[2:9]
    for typed in [word[:n] for n in range(1, len(word) + 1)] + [word[:3] + "x", word[:2], "", "zzz", "zz"]:
        model.set_search(typed)
        assert list(model.rows()) == naive_search(every, typed), typed
    assert naive_search(every, word) and not naive_search(every, "“")  # the quotation marks are not searched
    assert "Quote" not in model._folded  # no folded copy of every quote is kept between searches


def test_the_search_combines_with_the_speaker_filter_and_sorting(qapp, project):
    model = QuotesModel()
    model.set_rows(project.quotes())
    every = list(model.all_rows())
    for text in needles(every):
        model.set_search(text)
        now = list(model.all_rows())  # (sorted by the loop's last turn)
        assert list(model.rows()) == naive_search(now, text)
        for who in ("unattributed", next(q.speaker for q in every if q.speaker)):
            model.set_filter(who, None)  # a subset of the rows: the search's kept texts still fit
            assert list(model.rows()) == [q for q in naive_search(now, text) if (q.speaker or "unattributed") == who]
        model.set_filter(None, None)
        model.sort(1, Qt.SortOrder.DescendingOrder)
        assert list(model.rows()) == naive_search(list(model.all_rows()), text)
    model.set_search("")
    assert model.rowCount() == len(every)


def test_a_table_view_sorting_by_a_column_sorts_the_rows_once(qapp, project, monkeypatch):
    from PySide6.QtWidgets import QTableView

    from viewer.ui.qt_models import SortProxy

    model = QuotesModel()
    model.set_rows(project.quotes())
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    sorts: list = []
    real = model._sorted
    monkeypatch.setattr(model, "_sorted", lambda rows: sorts.append(model.sort_spec()) or real(rows))
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # (Qt asks twice: its header's signal, then itself)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert sorts == [(0, Qt.SortOrder.AscendingOrder), (0, Qt.SortOrder.DescendingOrder)]
    assert list(model.rows()) == sort_rows(QuotesModel.columns, (0, Qt.SortOrder.DescendingOrder),
                                           list(model.all_rows()))
