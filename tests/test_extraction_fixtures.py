"""Self-written 2025-style trade stories (tests/fixtures/extraction/, illustrative, not reports)
read as an analyst marks them: who is quoted, which sentences are dated happenings, and
which are not. Each row names the pattern it pins."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from viewer.core.model import Article, Extraction
from viewer.extract.pipeline import extract

HERE = Path(__file__).parent / "fixtures" / "extraction"
PUBLISHED = {
    "port-fees-talks": date(2025, 8, 15),
    "steel-post": date(2025, 8, 14),
    "rare-metals-licences": date(2025, 10, 3),
    "solar-duties-dispute": date(2025, 9, 12),
}


@cache
def story(name: str) -> tuple[str, Extraction]:
    text = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    return text, extract(Article(text=text, published=PUBLISHED[name]))


@pytest.mark.parametrize(
    ("doc", "quote", "speaker"),
    [
        # a quote paragraph whose speaker is named in the sentence before it
        ("port-fees-talks", "We are not there yet", "Mara Lenz"),
        # a quote closed by "he said", the speaker named on the line before
        ("port-fees-talks", "Our exporters cannot wait forever", "Jonas Pell"),
        # scare quotes: nobody said "fee war"
        ("port-fees-talks", "fee war", None),
        # "X wrote on social media that ... 'very unfair'"
        ("steel-post", "very unfair", "Donald Trump"),
        # a short phrase quote: acknowledged the talks are 'stalled'
        ("steel-post", "stalled", "Howard Lutnick"),
        # "a ministry spokesperson told": the ministry named before
        ("rare-metals-licences", "The measures are legitimate", "China's Ministry of Commerce"),
        # a capital as subject speaks for its government
        ("rare-metals-licences", "coercion", "United States"),
    ],
)
def test_speakers(doc: str, quote: str, speaker: str | None) -> None:
    _, ex = story(doc)
    found = [q for q in ex.quotes if q.text.startswith(quote)]
    assert len(found) == 1
    assert found[0].speaker == speaker


@pytest.mark.parametrize(
    ("doc", "sentence", "expected"),
    [
        # the dateline's date is the article's, the happening is Thursday's; "negotiators from
        # Canada and Mexico" are both countries acting
        ("port-fees-talks", "ended two days of talks",
         [("2025-08-14", "Canada and Mexico end two days of talks without a deal")]),
        # two dated happenings in one sentence: two events
        ("port-fees-talks", "imposed a levy", [("2025-07-01", "Mexico imposes levy on Canadian grain"),
                                               ("2025-08-04", "Mexico suspends levy")]),
        # the subject after a reporting verb is the reported clause's own
        ("steel-post", "a meeting was planned", [("2025-09", "Meeting planned")]),
        ("rare-metals-licences", "shipments fell", [("2025-04", "China restricts exports of the metals"),
                                                    ("2025-05", "Shipments fall 40 percent")]),
        # "require export licences": export is no verb; "this year" adds no second happening
        ("rare-metals-licences", "require export licences", [
            ("2025-10-03", "China's Ministry of Commerce says it would require export licences"),
            ("2025-11-01", "China's Ministry of Commerce requires export licences for three rare metals")]),
        # states and opinions with no time are no happenings
        ("port-fees-talks", "remains one of the hardest", []),
        ("steel-post", "economists believe", []),
        ("rare-metals-licences", "are essential to chips", []),
    ],
)
def test_events(doc: str, sentence: str, expected: list[tuple[str, str]]) -> None:
    _, ex = story(doc)
    got = [(e.when.label(), e.title) for e in ex.events if sentence in e.evidence]
    assert got == expected


@pytest.mark.parametrize(
    ("doc", "sentence", "expected"),
    [
        # the capital in the object is China's government too; a gerund after "of" is not the verb
        ("solar-duties-dispute", "accused Beijing",
         [("2025-09-11", "United States accuses Beijing of dumping solar panels below cost")]),
        # a pronoun object by the noun object of the earlier verb
        ("solar-duties-dispute", "extended them", [("2025-07", "India imposes provisional duties on Chinese panels"),
                                                  ("2025-09-01", "India extends provisional duties")]),
        # a closing-price line: the exchange is no subject, the amount keeps its '$'
        ("solar-duties-dispute", "Helion Solar closed", [("2025-09-11", "Helion Solar closes at $18.40")]),
    ],
)
def test_events_of_the_solar_story(doc: str, sentence: str, expected: list[tuple[str, str]]) -> None:
    _, ex = story(doc)
    assert [(e.when.label(), e.title) for e in ex.events if sentence in e.evidence] == expected


def test_lists_of_countries_act_as_a_whole() -> None:
    _, ex = story("solar-duties-dispute")
    accusation = next(e for e in ex.events if "accused Beijing" in e.evidence)
    assert {"United States", "China", "Japan", "South Korea", "European Union"} <= set(accusation.actors)


@pytest.mark.parametrize(
    ("quote", "event_title"),
    [
        # the quote holds its event's date
        ("We will file our own case on Monday", "Whitcombe files own case"),
        # 'baseless' answers the charges, not the talks set for October in the same sentence
        ("baseless", None),
    ],
)
def test_quotes_link_only_to_their_own_event(quote: str, event_title: str | None) -> None:
    _, ex = story("solar-duties-dispute")
    q = next(q for q in ex.quotes if q.text == quote)
    assert (ex.events[q.event_index].title if q.event_index is not None else None) == event_title


def test_dateline_date_is_not_an_event() -> None:
    for doc in PUBLISHED:
        text, ex = story(doc)
        head = text.split("\n\n")[1][:25]
        assert all(not (0 <= e.date_start - text.index(head) < 25) for e in ex.events), doc


def test_roles_and_countries_of_the_people() -> None:
    _, ex = story("port-fees-talks")
    people = {a.name: (a.role, a.country, a.aliases) for a in ex.actors if a.kind == "person"}
    assert people["Jonas Pell"] == ("Trade Minister", "Mexico", ["Jonas Pell"])
    assert people["Mara Lenz"][0] == "Chief Negotiator"
