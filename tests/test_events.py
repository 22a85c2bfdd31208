"""Dated events from sentences, on self-written text (anchor = publication date)."""

from __future__ import annotations

from datetime import date

import pytest

from viewer.core.model import Actor, Article, Event, Origin, Precision, TimePoint
from viewer.extract.pipeline import extract

ANCHOR = date(2025, 3, 14)  # a Friday


def events(text: str, anchor: date | None = ANCHOR) -> list[tuple[str, str]]:
    return [(e.when.label(), e.title) for e in extract(Article(text=text, published=anchor)).events]


@pytest.mark.parametrize(
    ("text", "date_label", "title"),
    [
        ("Canada imposed tariffs on steel on Tuesday.", "2025-03-11", "Canada imposes tariffs on steel"),
        ("Trade Minister Elena Sokolova visited Seoul on March 3.", "2025-03-03", "Sokolova visits Seoul"),
        ("The two governments signed a trade pact in January.", "2025-01", "Two governments sign trade pact"),
        ("Beijing will lift the export ban on April 1.", "2025-04-01", "China lifts export ban"),
        ("Tariffs on cars were raised in 2019.", "2019", "Tariffs on cars raised"),
        (
            "Donald Trump and Xi Jinping met in Busan on October 30, 2025.",
            "2025-10-30",
            "Trump and Xi meet in Busan",
        ),
    ],
)
def test_dated_happening(text: str, date_label: str, title: str) -> None:
    assert events(text) == [(date_label, title)]


def test_state_without_actor_or_issue_is_not_an_event() -> None:
    assert events("The weather was mild on Tuesday.") == []


def test_opinion_with_only_a_state_verb_is_not_an_event() -> None:
    assert events("Analysts believe on Monday that markets seem calm.") == []


def test_two_dated_happenings_give_two_events() -> None:
    text = "Japan raised tariffs in January and cut them again on March 10."
    assert [d for d, _ in events(text)] == ["2025-01", "2025-03-10"]


def test_nominal_event_takes_participants_from_earlier_sentence() -> None:
    text = (
        "Donald Trump and Xi Jinping held a long phone call, officials confirmed.\n"
        "Wednesday's call eased some tensions."
    )
    assert events(text) == [("2025-03-12", "Trump and Xi hold phone call")]


def test_anaphoric_sentence_inherits_the_date() -> None:
    text = "Canada and Mexico signed a trade agreement in February. The deal cut tariffs on autos."
    evs = extract(Article(text=text, published=ANCHOR)).events
    assert [(e.when.label(), e.when.origin) for e in evs] == [
        ("2025-02", Origin.RELATIVE),
        ("2025-02", Origin.INFERRED),
    ]
    assert evs[1].title == "Deal cuts tariffs on autos"


def test_month_precision_and_evidence_offsets() -> None:
    text = "Intro line.\nThe European Commission imposed anti-dumping duties in February."
    ex = extract(Article(text=text, published=ANCHOR))
    (ev,) = ex.events
    assert ev.when.precision == Precision.MONTH
    assert ev.when.start == date(2025, 2, 1) and ev.when.end == date(2025, 2, 28)
    assert text[ev.start : ev.end] == ev.evidence
    assert text[ev.date_start : ev.date_end] == ev.date_text == "February"
    assert "European Commission" in ev.actors and "tariffs" in ev.issues


def test_no_anchor_no_invented_dates() -> None:
    text = "Canada imposed tariffs on steel on Tuesday. Mexico retaliated on 12 March 2025."
    assert events(text, None) == [("2025-03-12", "Mexico retaliates")]
    ex = extract(Article(text=text, published=None))
    assert ex.events[0].when.origin == Origin.EXPLICIT
    assert [(u.text, u.value) for u in ex.unresolved] == [("Tuesday", "XXXX-WXX-2")]


def test_dateline_is_not_part_of_the_title() -> None:
    text = "SEOUL, March 12 (Reuters) - South Korea on Wednesday raised tariffs on steel imports."
    assert events(text) == [("2025-03-12", "South Korea raises tariffs on steel imports")]


def test_event_noun_in_a_prepositional_phrase_is_the_happening() -> None:
    text = "Markets rallied ahead of a planned summit between Donald Trump and Xi Jinping next month."
    assert events(text) == [("2025-04", "Trump and Xi hold summit")]


def test_reduced_passive_versus_active_past() -> None:
    assert events("Talks stalled over the fate of a deal on tariffs signed in January.") == [
        ("2025-01", "Deal on tariffs signed")
    ]
    assert events("After months of talks the two sides agreed on tariffs in January.") == [
        ("2025-01", "Two sides agree on tariffs")
    ]


def test_same_happening_across_articles() -> None:
    from viewer.extract.events import same_happening

    one = extract(Article(text="Donald Trump and Xi Jinping held a phone call on Thursday.", published=ANCHOR))
    two = extract(
        Article(text="Xi Jinping and Donald Trump spoke by phone on June 5, 2025 in a long call.", published=None)
    )
    other = extract(Article(text="Donald Trump raised tariffs on steel on Thursday.", published=ANCHOR))
    month = extract(Article(text="Donald Trump and Xi Jinping held a phone call in March.", published=ANCHOR))
    (a,) = one.events
    (b,) = two.events
    (c,) = other.events
    (d,) = month.events
    assert not same_happening(a, b)  # March 13 vs June 5: different days
    assert not same_happening(a, c)  # same day and actor, different happening
    assert same_happening(a, d) and same_happening(d, a)  # the day lies inside the month


# kinds and countries as the store knows them (invented companies, exchange and ministers)
_MERGE_ACTORS = {
    a.name: a
    for a in [
        Actor("Rivex Corp.", "company"),
        Actor("Rivex", "company"),
        Actor("Korvan Industries", "company"),
        Actor("Norland Stock Exchange", "organization"),
        Actor("Trade Forum", "organization"),
        Actor("Norland", "government"),
        Actor("Estria", "government"),
        Actor("Ana Voss", "person", "Norland"),
        Actor("Norland Ministry of Trade", "ministry", "Norland"),
        Actor("Harbour Wire", "media"),
    ]
}


def _report(sentence: str, actors: list[str], issues: list[str] = ()) -> Event:
    day = date(2025, 9, 9)
    return Event("", TimePoint(day, day, Precision.DAY, Origin.RELATIVE, day.isoformat()), sentence, 0,
                 len(sentence), actors, list(issues), "Tuesday")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # two companies' share prices on one exchange and day: the venue is all they share
        (_report("In Norland Stock Exchange composite trading Tuesday, Rivex shares closed at $34.50, up 25 cents.",
                 ["Norland Stock Exchange", "Rivex Corp."]),
         _report("In Norland Stock Exchange composite trading Tuesday, Korvan shares closed at $12, down 50 cents.",
                 ["Norland Stock Exchange", "Korvan Industries"]), False),
        # one company's close told twice, once by its short name
        (_report("In Norland Stock Exchange composite trading Tuesday, Rivex shares closed at $34.50.",
                 ["Norland Stock Exchange", "Rivex Corp."]),
         _report("Rivex shares closed at $34.50 in Norland Stock Exchange composite trading on Tuesday.",
                 ["Norland Stock Exchange", "Rivex"]), True),
        # a minister and a ministry stand for their government
        (_report("Norland's trade minister Ana Voss signed the port fees pact at the Trade Forum on Tuesday.",
                 ["Ana Voss", "Trade Forum"], ["shipping"]),
         _report("Norland signed a port fees pact at the Trade Forum on Tuesday, its trade ministry said.",
                 ["Norland", "Trade Forum", "Norland Ministry of Trade"], ["shipping"]), True),
        # a forum and the issue shared, the parties differ
        (_report("Norland raised tariffs on imported steel at the Trade Forum on Tuesday.",
                 ["Norland", "Trade Forum"], ["tariffs"]),
         _report("Estria raised tariffs on imported steel at the Trade Forum on Tuesday.",
                 ["Estria", "Trade Forum"], ["tariffs"]), False),
        # each side told by one party and nothing shared but the issue: may be one deal, merges
        (_report("Norland agreed to cut tariffs on imported steel on Tuesday.", ["Norland"], ["tariffs"]),
         _report("Estria agreed to cut tariffs on imported steel on Tuesday.", ["Estria"], ["tariffs"]), True),
        # a report naming no party still merges on the venue, as before
        (_report("The Trade Forum opened its annual session on Tuesday, Harbour Wire reported.",
                 ["Trade Forum", "Harbour Wire"]),
         _report("The annual session of the Trade Forum opened on Tuesday with Norland attending.",
                 ["Trade Forum", "Norland"]), True),
    ],
)
def test_same_happening_needs_a_common_party(a: Event, b: Event, same: bool) -> None:
    from viewer.extract.events import same_happening

    assert same_happening(a, b, actors=_MERGE_ACTORS) is same
    assert same_happening(b, a, actors=_MERGE_ACTORS) is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the reported clause is the happening when the date sits in the attribution
        (
            "Japan and Canada have agreed to cut tariffs on beef, Prime Minister Shigeru Ishiba said on Wednesday.",
            [("2025-03-12", "Japan and Canada agree to cut tariffs on beef")],
        ),
        # a verb with the re- prefix, and people in the object by short name
        (
            "The European Commission will reimpose duties on bourbon from April 1.",
            [("2025-04-01", "European Commission reimposes duties on bourbon")],
        ),
        (
            "Trade Commissioner Maros Sefcovic spoke with Commerce Secretary Howard Lutnick on Tuesday.",
            [("2025-03-11", "Sefcovic speaks with Lutnick")],
        ),
        # a noun after a possessive is not a verb; the event noun after the date is the happening
        (
            "Trade Minister Elena Sokolova is due in Ottawa on Monday for her talks.",
            [("2025-03-17", "Sokolova holds talks")],
        ),
    ],
)
def test_titles(text: str, expected: list[tuple[str, str]]) -> None:
    assert events(text) == expected


def test_family_name_first_and_quoted_words_in_titles() -> None:
    text = 'Commerce ministry spokesman He Yadong said on Thursday that Washington had "abused export controls".'
    assert events(text) == [("2025-03-13", "He Yadong says Washington had abused export controls")]
    text = "Vice Premier He Lifeng met Scott Bessent on Monday."
    assert events(text) == [("2025-03-10", "He Lifeng meets Bessent")]


def test_date_inside_the_object_is_skipped() -> None:
    text = "Beijing and Washington agreed on Monday to extend their tariff truce by 90 days."
    assert events(text) == [("2025-03-10", "China and United States agree to extend tariff truce by 90 days")]


def test_date_between_subject_and_verb_stays_out_of_the_title() -> None:
    assert events("President Donald Trump today denounced the tariffs.") == [("2025-03-14", "Trump denounces tariffs")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the start of a period is not a happening; a 'when' clause after it is
        ("Nvidia shares posted their biggest one-day gain since 2019.", []),
        (
            "Protests have been held since early January, when President Donald Trump announced the levy.",
            [("2025-01", "Trump announces levy")],
        ),
        # a plural noun beside the date is no verb when the clause has a past-tense one
        (
            "Japan tightened its export licensing rules in February.",
            [("2025-02", "Japan tightens export licensing rules")],
        ),
        # the actor in an apposition to the subject does not act
        (
            "The Netherlands, home to toolmaker ASML, tightened its export rules in February.",
            [("2025-02", "Netherlands tightens export rules")],
        ),
        # 'starting Thursday' is the date's preposition, not the verb
        (
            "China said it would impose an 84 percent tariff on American goods starting Thursday.",
            [("2025-03-13", "China imposes 84 percent tariff on American goods")],
        ),
        # quantifiers do not change the number; quotation marks do not reach the title
        (
            "Treasurer Peter Costello and Attorney General Daryl Williams all voted Friday to support the plan.",
            [("2025-03-14", "Costello and Williams vote to support the plan")],
        ),
        (
            "On Friday, President Donald Trump called the move 'very hostile' and threatened to cancel the summit.",
            [("2025-03-14", "Trump calls move very hostile")],
        ),
        # a surname with a particle keeps it
        (
            "European Commission President Ursula von der Leyen welcomed the pause on Thursday.",
            [("2025-03-13", "Von der Leyen welcomes pause")],
        ),
    ],
)
def test_titles_and_non_events(text: str, expected: list[tuple[str, str]]) -> None:
    assert events(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an object cut at the word limit ends before its unfinished phrase, not inside it
        (
            "China's commerce ministry said on Friday it would require export licences for three rare metals.",
            [("2025-03-14", "China's Ministry of Commerce says it would require export licences")],
        ),
        (
            "General Motors closed down $1.875 at $44.875 in New York Stock Exchange trading yesterday.",
            [("2025-03-13", "General Motors closes down $1.875 at $44.875")],
        ),
        # a phrase that ends within two words past the limit is kept whole
        (
            "Canada and Mexico ended two days of talks on Thursday without a deal on port fees.",
            [("2025-03-13", "Canada and Mexico end two days of talks without a deal")],
        ),
        # a title too long for the list ends at a phrase boundary, with no ellipsis
        (
            "The European Union imposed provisional anti-dumping duties on Chinese electric vehicle batteries "
            "on Monday.",
            [("2025-03-10", "European Union imposes provisional anti-dumping duties")],
        ),
        # a closing-price line: the exchange in the opening phrase is no subject; amounts keep '$'
        (
            "In New York Stock Exchange composite trading yesterday, Coors closed at $35.50, down 50 cents.",
            [("2025-03-13", "Coors closes at $35.50")],
        ),
        (
            "In Nasdaq trading on Monday, Rivex Corp. shares rose $2 to $48.25.",
            [("2025-03-10", "Rivex Corp. shares rise $2")],
        ),
        # a pronoun object by its antecedent: the noun object of an earlier verb, same number
        (
            "Mexico imposed a levy on Canadian grain on March 1 and suspended it on March 4.",
            [("2025-03-01", "Mexico imposes levy on Canadian grain"), ("2025-03-04", "Mexico suspends levy")],
        ),
        (
            "The US announced new export controls on Monday. China condemned them on Tuesday.",
            [("2025-03-10", "United States announces new export controls"),
             ("2025-03-11", "China condemns new export controls")],
        ),
        # no antecedent of that number: a bare pronoun object is left out, one with a complement stays
        (
            "Officials said the tariffs would stay. Canada extended them on Tuesday.",
            [("2025-03-11", "Canada extends")],
        ),
        ("Washington called it coercion on Friday.", [("2025-03-14", "United States calls it coercion")]),
        # every name of a listed subject; a gerund after a preposition is what is said, not done
        (
            "Japan, South Korea and the EU imposed duties on Chinese steel on Friday.",
            [("2025-03-14", "Japan, South Korea and European Union impose duties on Chinese steel")],
        ),
        (
            "Washington accused Beijing of breaching the truce on Tuesday.",
            [("2025-03-11", "United States accuses Beijing of breaching the truce")],
        ),
        ("The EU called on Beijing to lift the curbs on Monday.", [("2025-03-10", "European Union calls on Beijing")]),
        # people are no antecedent of 'them'; the object of the first verb is not the second's subject
        (
            "Donald Trump met Xi Jinping on Monday and praised them on Tuesday.",
            [("2025-03-10", "Trump meets Xi"), ("2025-03-11", "Trump praises")],
        ),
    ],
)
def test_titles_read_as_whole_clauses(text: str, expected: list[tuple[str, str]]) -> None:
    assert events(text) == expected


def test_group_reference_takes_the_actors_and_inherits_the_date() -> None:
    text = (
        "President Donald Trump and President Lee Jae-myung met in Gyeongju on March 10. "
        "The two presidents agreed to a one-year truce under which both would suspend port fees."
    )
    got = extract(Article(text=text, published=ANCHOR)).events
    assert [(e.when.label(), e.title) for e in got] == [
        ("2025-03-10", "Trump and Lee meet in Gyeongju"),
        ("2025-03-10", "Trump and Lee agree to a one-year truce"),
    ]
    assert got[1].when.origin == Origin.INFERRED
    assert set(got[1].actors) == {"Donald Trump", "Lee Jae-myung"}


def test_auxiliary_before_a_verb_is_not_the_happening() -> None:
    text = "On March 7, Trade Minister Joseph Kimotho had just ended a news conference."
    assert events(text) == [("2025-03-07", "Kimotho ends news conference")]


def test_pronoun_subject_skips_people_of_the_other_gender() -> None:
    text = "Ms. Ana Ruiz met Mr. Olaf Brandt on Friday. She signed the steel deal on Monday."
    got = extract(Article(text=text, published=ANCHOR)).events
    assert (got[-1].when.label(), got[-1].title, got[-1].actors) == (
        "2025-03-10",
        "Ruiz signs steel deal",
        ["Ana Ruiz"],
    )


def test_honorific_in_the_object_is_shortened_not_cut() -> None:
    assert events("Ms. Ana Ruiz met Mr. Olaf Brandt on Friday.") == [("2025-03-14", "Ruiz meets Brandt")]


def test_adverb_before_a_bare_verb_keeps_it_the_verb() -> None:
    text = (
        "Qantel will almost double its flights to India by August 2025, in search of markets untouched by the crisis."
    )
    got = extract(Article(text=text + " Qantel plans more, the airline announced Friday.", published=ANCHOR)).events
    assert (got[0].when.label(), got[0].title) == ("2025-08", "Qantel almost doubles flights")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a reported clause after the date is not an event noun tied to it
        (
            'Commerce Secretary Howard Lutnick said on Tuesday that the talks were "going well."',
            [("2025-03-11", "Lutnick says talks were going well")],
        ),
        # the subject noun phrase keeps its 'from' phrase and the number of its head
        (
            "Rare earth magnet exports from China fell 74% in February.",
            [("2025-02", "Rare earth magnet exports from China fall 74%")],
        ),
    ],
)
def test_reported_clauses_and_subject_phrases(text: str, expected: list[tuple[str, str]]) -> None:
    assert events(text) == expected


def test_reported_clause_has_its_own_subject() -> None:
    text = (
        "Huawei's rotating chairman Eric Xu said in a speech on Thursday that the company would launch new "
        "chips in 2026."
    )
    assert ("2026", "Huawei launches new chips") in events(text)


def test_other_day_words_stay_out_of_the_title() -> None:
    text = "WASHINGTON, March 10 -- Acme Steel said on Monday it would close two mills."
    assert ("2025-03-10", "Acme Steel says it would close two mills") in events(text)


def test_agentless_passive_in_a_later_clause_keeps_only_its_own_actors() -> None:
    text = ("Trade Minister Elena Sokolova acknowledged the talks are stalled, raising doubts about a tariff "
            "agreement signed in January.")
    (ev,) = extract(Article(text=text, published=ANCHOR)).events
    assert (ev.when.label(), ev.title) == ("2025-01", "Tariff agreement signed")
    assert ev.actors == []  # who signed is not said; Sokolova only spoke about it
    assert ev.issues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the age of a thing is no date of the sentence's happening
        ("Chinese officials visited the fabled 11th century temple with Treasury Secretary Scott Bessent.", []),
        ("Canada scrapped its 1990s-era quota rules for steel imports last week.",
         [("2025-W10", "Canada scraps 1990s-era quota rules for steel imports")]),
        # after a preposition the period still times the happening
        ("Japan imposed steel quotas in the 1990s.", [("1990", "Japan imposes steel quotas")]),
        ("In the 1980s Japan restricted car exports to the United States.", [("1980", "Japan restricts car exports")]),
    ],
)
def test_century_or_decade_describing_a_noun(text: str, expected: list[tuple[str, str]]) -> None:
    assert events(text) == expected
