"""Whole-article extraction: the sample article and the no-anchor rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.core.model import Article, Extraction, Origin, Precision
from viewer.extract.issues import load_taxonomy
from viewer.extract.pipeline import extract

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "us-china-trade-call.txt"


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dated(sample_text: str) -> Extraction:
    return extract(Article(text=sample_text, published=date(2025, 6, 6)))


@pytest.fixture(scope="module")
def undated(sample_text: str) -> Extraction:
    return extract(Article(text=sample_text, published=None))


def test_sample_actors(dated: Extraction) -> None:
    kinds = {a.name: a.kind for a in dated.actors}
    for name in ("Donald Trump", "Xi Jinping", "Scott Bessent"):
        assert kinds.get(name) == "person"
    assert kinds.get("White House") == "government"
    assert kinds.get("China's Ministry of Commerce") == "ministry"
    # Beijing / Washington acting as their governments
    assert kinds.get("China") == "government"
    assert kinds.get("United States") == "government"
    washington = [m for m in dated.actor_mentions if m.text == "Washington"]
    assert washington and washington[0].name == "United States"
    trump = next(a for a in dated.actors if a.name == "Donald Trump")
    # the title is his role, not one of his names
    assert "Donald Trump" in trump.aliases and "Trump" in trump.aliases and trump.role == "President"
    assert not any("President" in al for al in trump.aliases)
    assert trump.role == "President"


def test_sample_issues(dated: Extraction) -> None:
    found = {i.id for i in dated.issues}
    assert {"tariffs", "critical_minerals", "rare_earths", "semiconductors", "enforcement"} <= found
    colours = {i.id: i.colour for i in load_taxonomy()}
    for issue in dated.issues:
        assert issue.colour == colours[issue.id]


def test_sample_quotes(dated: Extraction, sample_text: str) -> None:
    got = {q.text: q.speaker for q in dated.quotes}
    assert got == {
        "stalled": "Scott Bessent",
        "extremely hard to deal with": "Donald Trump",
        "total reset": "Donald Trump",
    }
    for q in dated.quotes:
        assert sample_text[q.start : q.end] == q.text


def test_sample_events(dated: Extraction, sample_text: str) -> None:
    by_label = {}
    for e in dated.events:
        by_label.setdefault(e.when.label(), []).append(e)
        assert sample_text[e.start : e.end] == e.evidence
        assert sample_text[e.date_start : e.date_end] == e.date_text
    call = by_label["2025-06-05"][0]
    assert call.title == "Trump and Xi hold phone call"
    assert {"Donald Trump", "Xi Jinping"} <= set(call.actors)
    may = by_label["2025-05"]
    assert all(e.when.precision == Precision.MONTH for e in may)
    assert any("signed in May" in e.evidence for e in may)
    reduction = [e for e in may if "90-day" in e.evidence]
    assert reduction and "tariffs" in reduction[0].issues and reduction[0].when.origin == Origin.INFERRED
    # Bessent's "stalled" shares its sentence with the May agreement but is not about it: unlinked,
    # so the Quotes panel dates it by the article, not by May
    stalled = next(q for q in dated.quotes if q.text == "stalled")
    assert stalled.event_index is None


def test_sample_without_date_invents_nothing(undated: Extraction) -> None:
    assert undated.events == []
    assert sorted({(u.text, u.value) for u in undated.unresolved}) == [
        ("May", "XXXX-05"),
        ("Thursday", "XXXX-WXX-4"),
    ]
    # actors, issues and quotes do not depend on the date
    assert {q.text for q in undated.quotes} == {"stalled", "extremely hard to deal with", "total reset"}


def test_page_furniture_changes_nothing_essential(sample_text: str, dated: Extraction) -> None:
    body = "\n".join(line for line in sample_text.splitlines() if not line.startswith("Also Read"))
    ex = extract(Article(text=body, published=date(2025, 6, 6)))
    assert [(e.when.label(), e.title) for e in ex.events] == [(e.when.label(), e.title) for e in dated.events]
    assert [(q.text, q.speaker) for q in ex.quotes] == [(q.text, q.speaker) for q in dated.quotes]


def test_explicit_dates_survive_without_anchor() -> None:
    text = "The European Commission imposed duties on 3 February 2025. It acted again on Friday."
    ex = extract(Article(text=text, published=None))
    assert [(e.when.label(), e.when.origin) for e in ex.events] == [("2025-02-03", Origin.EXPLICIT)]
    assert [u.text for u in ex.unresolved] == ["Friday"]


@pytest.mark.parametrize(
    ("text", "quote", "title"),
    [
        # the quote holds the event's date
        ('"We will raise tariffs on Monday," Trump said.', "We will raise tariffs on Monday", "Trump raises tariffs"),
        # the quote stands in the clause of the event's date
        ('China said on Friday that the curbs were "legitimate".', "legitimate", "China says curbs were legitimate"),
        ('"Tariffs are coming," Trump said on Monday.', "Tariffs are coming", "Trump says"),
        # the speaker acts in the event's clause, the quote sits in another
        (
            'Trade Minister Mara Lenz spoke first. "The fees must go," Lenz said, and on Monday she asked Mexico '
            "to drop them.",
            "The fees must go",
            "Lenz asks Mexico",
        ),
        # the quote is about something else than the dated happening of its sentence
        (
            "Treasury Secretary Scott Bessent acknowledged the talks are \u201cstalled,\u201d raising concerns over "
            "an agreement signed in May.",
            "stalled",
            None,
        ),
        (
            'Commerce Secretary Howard Lutnick said the talks are "stalled" but said a meeting was planned for '
            "next month.",
            "stalled",
            None,
        ),
    ],
)
def test_quote_links_to_the_event_it_belongs_to(text: str, quote: str, title: str | None) -> None:
    ex = extract(Article(text=text, published=date(2025, 6, 6)))
    q = next(q for q in ex.quotes if q.text == quote)
    assert (ex.events[q.event_index].title if q.event_index is not None else None) == title
    assert ex.events  # an event stands in the sentence either way


def test_empty_article() -> None:
    ex = extract(Article(text="", published=None))
    assert ex == Extraction()


def test_no_inherited_dates_without_anchor() -> None:
    text = "Canada and Mexico signed a trade agreement on 3 February 2025. The deal cut tariffs on autos."
    dated = extract(Article(text=text, published=date(2025, 3, 1)))
    undated = extract(Article(text=text, published=None))
    assert len(dated.events) == 2
    assert [e.when.origin for e in undated.events] == [Origin.EXPLICIT]

_PIECES = st.sampled_from(
    [
        "Donald Trump", " said ", '"', "“", "”", "‘", "’", "``", "''", " on Monday", " in May 2025", ". ", "\n\n",
        "China", " imposed tariffs", ", ", "Beijing's", " the Ministry of Commerce", " he ", "(AP) - ", "U.S.",
        "Xi Jinping", " rare earths", " — ", "Mr. Smith", " according to ", "90-day", "İ", "\u00a0", "x",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.sampled_from([None, date(2025, 6, 6)]))
def test_extract_never_fails_and_offsets_hold(pieces: list[str], anchor: date | None) -> None:
    text = "".join(pieces)
    ex = extract(Article(text=text, published=anchor))
    for m in ex.actor_mentions:
        assert text[m.start : m.end] == m.text
    for m in ex.issue_mentions:
        assert text[m.start : m.end] == m.text
    for q in ex.quotes:
        assert text[q.start : q.end] == q.text
    for e in ex.events:
        assert text[e.start : e.end] == e.evidence
        if anchor is None:
            assert e.when.origin == Origin.EXPLICIT


def test_warm_up_changes_no_result() -> None:
    from viewer.extract.pipeline import warm_up

    art = Article(text="Canada imposed tariffs on steel on Tuesday, the trade ministry said.",
                  published=date(2025, 3, 14))
    before = extract(art)
    warm_up()
    assert extract(art) == before
