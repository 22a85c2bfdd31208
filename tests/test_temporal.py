"""Table-driven tests of the temporal tagger (viewer/extract/temporal.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.extract.temporal import Timex, tag
from viewer.extract.temporal_rules import TemporalRuleError, compile_rules, load_rules

FRI = dt.date(2025, 6, 6)  # the sample article's publication date, a Friday
SAMPLE_TEXT = (
    "Treasury Secretary Scott Bessent recently acknowledged the talks are stalled, raising concerns "
    "over a fragile trade agreement signed in May. That deal had reduced tariffs for a 90-day window. "
    "Thursday’s call adds another layer. While the May pact was once praised, it is hanging by a thread."
)


def _find(text: str, anchor: dt.date | None, span: str) -> Timex:
    found = [t for t in tag(text, anchor) if t.text == span]
    assert found, f"{span!r} not tagged in {text!r}: {tag(text, anchor)}"
    return found[0]


# (text, anchor, expected span, type, value)
CASES = [
    ("The talks were held on May 12.", FRI, "May 12", "DATE", "2025-05-12"),
    ("It was signed on 12 May 2025.", FRI, "12 May 2025", "DATE", "2025-05-12"),
    ("The filing is dated 2025-05-12.", FRI, "2025-05-12", "DATE", "2025-05-12"),
    ("The two leaders spoke on Thursday.", FRI, "Thursday", "DATE", "2025-06-05"),
    ("They will meet on Thursday.", FRI, "Thursday", "DATE", "2025-06-12"),
    ("Officials met last week.", FRI, "last week", "DATE", "2025-W22"),
    ("Tariffs rose earlier this month.", FRI, "earlier this month", "DATE", "2025-06"),
    ("A fragile trade agreement signed in May.", FRI, "May", "DATE", "2025-05"),
    ("The deal expires in mid-June.", FRI, "mid-June", "DATE", "2025-06"),
    ("Exports fell in the first quarter.", FRI, "the first quarter", "DATE", "2025-Q1"),
    ("Exports fell in 2024.", FRI, "2024", "DATE", "2024"),
    ("Trade grew fast in the 1990s.", FRI, "the 1990s", "DATE", "199"),
    ("The ministry said yesterday that it objected.", FRI, "yesterday", "DATE", "2025-06-05"),
    ("Tariffs were cut for a 90-day window.", FRI, "90-day", "DURATION", "P90D"),
    ("The truce held for three months.", FRI, "three months", "DURATION", "P3M"),
    ("The committee meets every Tuesday.", FRI, "every Tuesday", "SET", "XXXX-WXX-2"),
    ("Thursday's call adds another layer.", FRI, "Thursday", "DATE", "2025-06-05"),
    ("Thursday’s call adds another layer.", FRI, "Thursday", "DATE", "2025-06-05"),
    ("Tariffs rose since Trump's January inauguration.", FRI, "January", "DATE", "2025-01"),
    ("Beijing responded over the weekend.", FRI, "the weekend", "DATE", "2025-W22-WE"),
    ("Bessent recently acknowledged the talks were stalled.", FRI, "recently", "DATE", "PAST_REF"),
    ("The truce is now under pressure.", FRI, "now", "DATE", "PRESENT_REF"),
    ("More talks are expected in the coming weeks.", FRI, "the coming weeks", "DATE", "FUTURE_REF"),
    ("Imports doubled over the past year.", FRI, "the past year", "DURATION", "P1Y"),
    ("Prices fell last week.", dt.date(1998, 1, 14), "last week", "DATE", "1998-W02"),
    ("The May pact was once praised.", FRI, "May", "DATE", "2025-05"),
    ("The talks resume next month.", FRI, "next month", "DATE", "2025-07"),
    ("Growth slowed last year.", FRI, "last year", "DATE", "2024"),
    ("The plant closed two years ago.", FRI, "two years ago", "DATE", "2023"),
    ("The call lasted 45 minutes.", FRI, "45 minutes", "DURATION", "PT45M"),
    ("The vote is set for Sept. 30.", FRI, "Sept. 30", "DATE", "2025-09-30"),
    ("He was born on March 5, 1946.", FRI, "March 5, 1946", "DATE", "1946-03-05"),
    ("Shipments resumed in July 1997.", FRI, "July 1997", "DATE", "1997-07"),
    ("The meeting began at 10:35 a.m.", FRI, "10:35 a.m.", "TIME", "2025-06-06T10:35"),
    ("Sales fell in the third quarter of 2024.", FRI, "the third quarter of 2024", "DATE", "2024-Q3"),
    ("The index is published daily.", FRI, "daily", "SET", "P1D"),
    ("Prices rose in the early 1990s.", FRI, "the early 1990s", "DATE", "199"),
    ("Talks collapsed last November.", FRI, "last November", "DATE", "2024-11"),
    ("Growth is expected early next year.", FRI, "early next year", "DATE", "2026"),
    ("The plan dates from the 20th century.", FRI, "the 20th century", "DATE", "19"),
    ("She said it happened in nineteen ninety-six.", FRI, "nineteen ninety-six", "DATE", "1996"),
    ("The firm was formed 11 days ago.", dt.date(1999, 4, 19), "11 days ago", "DATE", "1999-04-08"),
    ("Exports rose in Q1 2025.", FRI, "Q1 2025", "DATE", "2025-Q1"),
    ("Sales in 3Q24 fell.", FRI, "3Q24", "DATE", "2024-Q3"),
    ("Revenue for FY2024 rose.", FRI, "FY2024", "DATE", "2024"),
    ("Exports fell in the first half of 2025.", FRI, "the first half of 2025", "DATE", "2025-H1"),
    ("Growth slowed at end-2024.", FRI, "end-2024", "DATE", "2024"),
    ("Talks continued this past weekend.", FRI, "this past weekend", "DATE", "2025-W22-WE"),
    ("Talks continue in the weeks ahead.", FRI, "the weeks ahead", "DATE", "FUTURE_REF"),
    ("The deal was signed 6 years ago.", FRI, "6 years ago", "DATE", "2019"),
    # "a year earlier" after a quarter is that quarter one year before (business news)
    ("Third-quarter profit rose to $5 million from $4 million a year earlier.", dt.date(1989, 10, 26),
     "a year earlier", "DATE", "1988-Q3"),
    ("Profit rose to $5 million from $4 million a year earlier.", dt.date(1989, 10, 26), "a year earlier",
     "DATE", "1988"),
    # anaphora: the date last mentioned, not the publication date
    ("On May 22, 1995, he was promoted, and the following year he left.", FRI, "the following year", "DATE",
     "1996"),
    ("He was shot on Oct. 23, 2024. Later that day police came.", FRI, "Later that day", "DATE", "2024-10-23"),
    ("The following year he left.", FRI, "The following year", "DATE", "2026"),
    # counted from another event: a duration, the direction word outside
    ("Three days later, the index fell.", FRI, "Three days", "DURATION", "P3D"),
    ("Shipments resume within two to three weeks.", FRI, "two to three weeks", "DURATION", "P2W"),
    ("Losses mounted over the past two quarters.", FRI, "the past two quarters", "DURATION", "P2Q"),
    ("The hearing is set for the week of March 6, 2000.", FRI, "the week of March 6, 2000", "DATE", "2000-W10"),
    ("Talks ended on 5 Jan and resumed.", FRI, "5 Jan", "DATE", "2025-01-05"),
    ("The pause ends at the end of June.", FRI, "the end of June", "DATE", "2025-06"),
    ("Trading halted at 1500 GMT.", FRI, "1500 GMT", "TIME", "2025-06-06T15:00"),
    ("Families kept the secret for more than two thousand years.", FRI, "more than two thousand years",
     "DURATION", "P2000Y"),
]


@pytest.mark.parametrize(("text", "anchor", "span", "type_", "value"), CASES)
def test_expression(text: str, anchor: dt.date, span: str, type_: str, value: str) -> None:
    timex = _find(text, anchor, span)
    assert (timex.type, timex.value) == (type_, value)
    assert text[timex.start : timex.end] == timex.text
    assert timex.resolved


def test_mods_and_ranges() -> None:
    assert _find("The deal expires in mid-June.", FRI, "mid-June").mod == "MID"
    assert _find("Growth is expected early next year.", FRI, "early next year").mod == "START"
    rng = _find("The summit runs June 9-10.", FRI, "June 9-10")
    assert (rng.value, rng.end_value) == ("2025-06-09", "2025-06-10")
    months = _find("Tariffs applied from May to July.", FRI, "May to July")
    assert (months.value, months.end_value) == ("2025-05", "2025-07")
    years = _find("He served from 2017 to 2021.", FRI, "2017 to 2021")
    assert (years.value, years.end_value) == ("2017", "2021")
    assert _find("Growth slowed at end-2024.", FRI, "end-2024").mod == "END"


SAMPLE_EXPECTED = [
    ("recently", "DATE", "PAST_REF"),
    ("May", "DATE", "2025-05"),
    ("90-day", "DURATION", "P90D"),
    ("Thursday", "DATE", "2025-06-05"),
    ("May", "DATE", "2025-05"),
]


def test_sample_article_with_anchor() -> None:
    got = [(t.text, t.type, t.value) for t in tag(SAMPLE_TEXT, FRI)]
    assert got == SAMPLE_EXPECTED
    relative = {t.text: t.relative for t in tag(SAMPLE_TEXT, FRI)}
    assert relative == {"recently": True, "May": True, "90-day": False, "Thursday": True}


def test_sample_article_without_anchor_invents_no_date() -> None:
    got = tag(SAMPLE_TEXT, None)
    by_text = {(t.text, t.start): t for t in got}
    assert len(got) == 5
    for t in got:
        if t.text == "90-day":
            assert t.resolved and t.value == "P90D"
            continue
        assert not t.resolved and t.relative
        assert "2025" not in t.value
    values = sorted(t.value for t in by_text.values() if not t.resolved)
    assert values == ["PAST_REF", "XXXX-05", "XXXX-05", "XXXX-WXX-4"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("They met on Thursday.", "XXXX-WXX-4"),
        ("Prices fell last week.", "XXXX-WXX"),
        ("It happened yesterday.", "XXXX-XX-XX"),
        ("The vote is on Sept. 30.", "XXXX-09-30"),
        ("Sales fell in the first quarter.", "XXXX-Q1"),
        ("Growth slowed last year.", "XXXX"),
    ],
)
def test_no_anchor_is_underspecified(text: str, value: str) -> None:
    (timex,) = tag(text, None)
    assert (timex.value, timex.resolved, timex.relative) == (value, False, True)


def test_absolute_dates_need_no_anchor() -> None:
    (timex,) = tag("It was signed on 12 May 2025.", None)
    assert (timex.value, timex.resolved, timex.relative) == ("2025-05-12", True, False)


@pytest.mark.parametrize(
    ("text", "anchor", "span", "value"),
    [
        # the publication day itself counts as "Friday" in a past-tense report
        ("Bombs exploded outside the embassies Friday, witnesses said.", dt.date(1998, 8, 7), "Friday",
         "1998-08-07"),
        ("The board will vote Monday.", FRI, "Monday", "2025-06-09"),
        ("They met last Friday.", FRI, "last Friday", "2025-05-30"),
        ("They meet next Friday.", FRI, "next Friday", "2025-06-13"),
        # a date without a year: the nearest occurrence on the side the tense points to
        ("The offer expired Dec. 15.", dt.date(1990, 1, 10), "Dec. 15", "1989-12-15"),
        ("The offer expires Nov. 25.", dt.date(1989, 10, 25), "Nov. 25", "1989-11-25"),
        ("The offer will expire Jan. 14.", dt.date(1999, 12, 20), "Jan. 14", "2000-01-14"),
        # a clock time takes the day of a date in its sentence
        ("The blast occurred at about 10:35 a.m. (0735 GMT) Friday, police said.", dt.date(1998, 8, 8),
         "10:35 a.m.", "1998-08-07T10:35"),
        ("The meeting began at 10:35 a.m.", FRI, "10:35 a.m.", "2025-06-06T10:35"),
        # a modal right before the expression decides, even when the other side is nearer
        ("He will visit Beijing in April.", FRI, "April", "2026-04"),
        ("They met in April.", FRI, "April", "2025-04"),
        ("Talks will resume in the first quarter.", FRI, "the first quarter", "2026-Q1"),
        ("Sales fell in the first quarter.", FRI, "the first quarter", "2025-Q1"),
        # a quarter is near when its months are: in late October, "the third quarter" just ended
        ("The company expects a loss for the third quarter.", dt.date(1989, 10, 26), "the third quarter",
         "1989-Q3"),
        ("The offer was extended until 5 p.m. EST Nov. 9.", dt.date(1989, 11, 2), "5 p.m. EST Nov. 9",
         "1989-11-09T17:00"),
    ],
)
def test_tense_decides_direction(text: str, anchor: dt.date, span: str, value: str) -> None:
    assert _find(text, anchor, span).value == value


WED = dt.date(2025, 6, 11)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "anchor", "span", "value"),
    [
        # a reporting verb right before the expression dates the saying: past, whatever the
        # reported clause says
        ("The ministry said Monday that it intends to appeal.", WED, "Monday", "2025-06-09"),
        ("The minister told reporters on Tuesday that talks could resume.", WED, "Tuesday", "2025-06-10"),
        ("The agency announced Monday it plans to cut rates.", WED, "Monday", "2025-06-09"),
        # ... but it says nothing about the reported event itself
        ("The ministry said the two sides will meet Friday.", WED, "Friday", "2025-06-13"),
        ("The spokesman said that the board plans to vote on Friday.", WED, "Friday", "2025-06-13"),
        # "would" in reported speech is a future seen from the report
        ("Aides announced that the envoy would be flying to Cairo Thursday.", WED, "Thursday", "2025-06-12"),
        # ... the nearest one either way: the report came before it
        ("Officials said the new rules would take effect Tuesday.", WED, "Tuesday", "2025-06-10"),
        ("The ministry said the talks would resume in July.", dt.date(2025, 5, 20), "July", "2025-07"),
        # only a future cue before a weekday points forward; one after it belongs to the
        # rest of the sentence
        ("On Friday, the government planned to pay the first claims.", WED, "Friday", "2025-06-06"),
        ("The agency set Friday as the deadline for his return.", dt.date(2025, 6, 14), "Friday",
         "2025-06-13"),
        ("The two sides are expected to meet Friday.", WED, "Friday", "2025-06-13"),
        ("Aid arrived over the weekend, and more shipments are planned.", WED, "the weekend", "2025-W23-WE"),
        # news writes scheduled events in the present tense
        ("The tariffs take effect Friday.", WED, "Friday", "2025-06-13"),
        ("Negotiators meet again Thursday in Geneva.", WED, "Thursday", "2025-06-12"),
        ("The tariffs took effect Monday.", WED, "Monday", "2025-06-09"),
        # a past verb right before a date decides its year outright
        ("In the fiscal year ended Jan. 31, sales rose.", dt.date(2025, 10, 30), "Jan. 31", "2025-01-31"),
        ("The quarter ended Feb. 28 was weak.", dt.date(2025, 12, 20), "Feb. 28", "2025-02-28"),
        # ... a past verb farther away is only a hint: a near future date stays near
        ("The offer, which was extended last week, now expires Nov. 20.", dt.date(2025, 11, 3), "Nov. 20",
         "2025-11-20"),
        # a participle after a future auxiliary is a future passive, not a past
        ("The dividend will be paid Dec. 14 to holders of record.", dt.date(2025, 10, 26), "Dec. 14",
         "2025-12-14"),
        ("The deal is to be completed Jan. 5.", dt.date(2025, 12, 1), "Jan. 5", "2026-01-05"),
    ],
)
def test_tense_cues_next_to_the_expression(text: str, anchor: dt.date, span: str, value: str) -> None:
    assert _find(text, anchor, span).value == value


@pytest.mark.parametrize(
    ("text", "span", "type_", "value"),
    [
        # the half after the unit
        ("A minute and a half later, the line went dead.", "A minute and a half", "DURATION", "PT1M30S"),
        ("The hearing lasted an hour and a half.", "an hour and a half", "DURATION", "PT1H30M"),
        ("The truce held for a year and a half.", "a year and a half", "DURATION", "P1Y6M"),
        ("The talks took two and a half years.", "two and a half years", "DURATION", "P2Y6M"),
        # a weekday with a plural part of the day, or "every/each" before a month, recurs
        ("Two new flights leave on Tuesday nights.", "Tuesday nights", "SET", "XXXX-WXX-2TNI"),
        ("The club meets every Sunday morning.", "every Sunday morning", "SET", "XXXX-WXX-7TMO"),
        ("Marchers parade through the town each July.", "each July", "SET", "XXXX-07"),
        ("Every January the ministry publishes the figures.", "Every January", "SET", "XXXX-01"),
        # ... a single one does not
        ("The two sides met Tuesday night.", "Tuesday night", "DATE", "2025-06-03"),
        # a span of months a year before is a duration; two quarters of a named year its half
        ("Net for the year-earlier nine months included a gain.", "the year-earlier nine months", "DURATION",
         "P9M"),
        ("Growth should last through the first two quarters of 2026.", "the first two quarters of 2026", "DATE",
         "2026-H1"),
        ("Sales rose in the first two quarters.", "the first two quarters", "DURATION", "P2Q"),
        # "or so" does not turn a point in the past into a duration
        ("Then, a week or so ago, the general picked a date.", "a week or so ago", "DATE", "2025-W22"),
        # ... while the month and the day stay dates
        ("Talks resumed in March for the first time.", "March", "DATE", "2025-03"),
        ("Today's meeting was short.", "Today", "DATE", "2025-06-06"),
        # a month with a spelled-out year (broadcast transcripts)
        ("January nineteen ninety-seven. A bomb goes off again.", "January nineteen ninety-seven", "DATE",
         "1997-01"),
        ("In March two thousand one, the plant closed.", "March two thousand one", "DATE", "2001-03"),
    ],
)
def test_halves_recurrences_spelled_years(text: str, span: str, type_: str, value: str) -> None:
    found = _find(text, FRI, span)
    assert (found.type, found.value) == (type_, value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # with no year named, "the year" under discussion is the current one
        ("Heavy rains delayed planting earlier in the year.", [("earlier in the year", "DATE", "2025")]),
        ("For the year, volume was flat.", [("the year", "DATE", "2025")]),
        ("Profit fell in the first nine months of the year.",
         [("the first nine months", "DURATION", "P9M"), ("the year", "DATE", "2025")]),
        # ... but a fiscal year that ended is a duration, and other years are other rules
        ("For the year ended March 31, profit rose.",
         [("the year", "DURATION", "P1Y"), ("March 31", "DATE", "2025-03-31")]),
        ("In the year-ago period, it lost money.", [("the year-ago period", "DATE", "2024")]),
        ("The plant closed the year before.", []),
    ],
)
def test_the_year_under_discussion(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(t.text, t.type, t.value) for t in tag(text, FRI)] == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a forecast for a quarter or a year still to come is an aside: "the year-ago
        # period" of reported results still compares with the quarter reported
        ("Third-quarter profit rose 5%. Analysts expect growth through the third quarter of 2026. "
         "In the year-ago period, it earned $1 million.", "2024-Q3"),
        ("Third-quarter profit rose 5%. Analysts expect growth to continue into 2026. "
         "In the year-ago period, it earned $1 million.", "2024-Q3"),
        # ... so is an outlook for the quarter under way
        ("Third-quarter profit rose 5%. Analysts expect the trend to continue into the fourth quarter. "
         "In the year-ago period, it earned $1 million.", "2024-Q3"),
        # ... but results of a quarter under way by the calendar are a fiscal quarter's
        ("Fourth-quarter profit rose 5% in the fourth quarter ended Sept. 30. "
         "In the year-ago period, it earned $1 million.", "2024-Q4"),
        # a past year does move the discussion off the quarter
        ("Third-quarter profit rose 5%. In fiscal 2024, it earned $1 million. "
         "In the year-ago period, it lost money.", "2024"),
    ],
)
def test_forecast_quarter_is_no_reference(text: str, value: str) -> None:
    assert _find(text, dt.date(2025, 10, 26), "the year-ago period").value == value


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        # computed holidays (anchor 2024-06-06): the nearest occurrence, as for a month and day
        ("Voters will go to the polls on Election Day.", "Election Day", "2024-11-05"),
        ("Shops were shut on Good Friday.", "Good Friday", "2024-03-29"),
        ("Sales peaked before Mother’s Day.", "Mother’s Day", "2024-05-12"),
        ("Marchers gathered on Martin Luther King Day.", "Martin Luther King Day", "2024-01-15"),
        ("The store held Presidents' Day sales.", "Presidents' Day", "2024-02-19"),
        ("The Veterans Day parade was cancelled.", "Veterans Day", "2023-11-11"),
        ("Fireworks lit up the sky on New Year’s Eve.", "New Year’s Eve", "2023-12-31"),
        # "<holiday> week" is the ISO week of the holiday
        ("Stores will be crowded in Thanksgiving week.", "Thanksgiving week", "2024-W48"),
        ("Pilgrims arrived as Easter week began.", "Easter week", "2024-W13"),
    ],
)
def test_holidays(text: str, span: str, value: str) -> None:
    assert _find(text, dt.date(2024, 6, 6), span).value == value


def test_good_friday_agreement_is_no_date() -> None:
    assert tag("Both sides said the Good Friday Agreement must hold.", FRI) == []


@pytest.mark.parametrize(
    "text",
    [
        "You may say so.",  # the verb, not the month
        "Troops march on the capital.",
        "He paid $1990 for it.",
        "Unemployment was 2010 percent.",
        "The 1,999 delegates voted.",
        "A 6-year-old boy and a 44-year-old man were hurt.",  # ages are no durations
        "When Kopp was in his 30s he moved.",  # an age, not the 1930s
        "Funds hold more than a quarter of the market.",  # a fraction, not a quarter
        "Thousands joined the annual March for Life.",  # an event's name, not the month
        "She led the March of the Combatant Mothers.",
        "Such barriers make no sense in today's world.",  # the present age, no day
        "The case matters to today's youth.",
        "The current account deficit widened.",  # an account, not the present
        "Current assets exceed current liabilities.",
        "A strong current swept the swimmer away.",  # the noun
        "The current was too weak to turn the wheel.",
    ],
)
def test_no_false_dates(text: str) -> None:
    assert [t for t in tag(text, FRI) if t.type in ("DATE", "TIME")] == []


def test_quarter_code_does_not_eat_a_number() -> None:
    assert [(t.text, t.value) for t in tag("Q4 30 percent", FRI)] == [("Q4", "2025-Q4")]


def test_output_sorted_non_overlapping_and_offsets_exact() -> None:
    text = SAMPLE_TEXT * 3 + " Last week, on Monday, Oct. 12, 2024 and in the 1990s, for two years."
    got = tag(text, FRI)
    assert got == sorted(got, key=lambda t: t.start)
    for a, b in zip(got, got[1:], strict=False):
        assert a.end <= b.start
    for t in got:
        assert text[t.start : t.end] == t.text


def test_rules_fail_loudly_naming_the_rule() -> None:
    tables = {"month": {"may": "05"}}
    patterns = {"MONTH": {"regex": "@month", "norm": "month", "example": "may"}}
    bad_example = [{"name": "broken_rule", "example": "June", "pattern": "{MONTH:m}", "type": "DATE",
                    "value": ["date", "", "m"]}]
    with pytest.raises(TemporalRuleError, match="broken_rule"):
        compile_rules(tables, patterns, bad_example)
    bad_op = [{"name": "bad_op", "example": "may", "pattern": "{MONTH:m}", "type": "DATE", "value": ["nope"]}]
    with pytest.raises(TemporalRuleError, match="bad_op"):
        compile_rules(tables, patterns, bad_op)
    bad_group = [{"name": "bad_group", "example": "may", "pattern": "{MONTH:m}", "type": "DATE",
                  "value": ["date", "y", "m"]}]
    with pytest.raises(TemporalRuleError, match="bad_group"):
        compile_rules(tables, patterns, bad_group)
    with pytest.raises(TemporalRuleError, match="NOPE"):
        compile_rules(tables, patterns, [{"name": "x", "example": "may", "pattern": "{NOPE}", "type": "DATE",
                                          "value": ["date", "", "m"]}])


def test_dispatch_matches_plain_alternation() -> None:
    """The first-word gate and dispatch give exactly what the single big regex gives."""
    rules = load_rules()
    text = SAMPLE_TEXT + " " + " ".join(
        f"{w} {x}" for w in ("the", "a", "last", "about", "early", "every", "12", "'98", "more than")
        for x in ("May 3", "two weeks ago", "third quarter", "Tuesdays", "1990s", "year", "now", "fiscal 1989")
    )
    fast = [(m.span(), m.lastgroup) for m in rules.finditer(text)]
    plain = [(m.span(), m.lastgroup) for m in rules.regex.finditer(text)]
    assert fast == plain and fast


def _rule_examples() -> list[str]:
    from viewer.core.resources import load_toml

    return [rule["example"] for rule in load_toml("temporal/rules.toml")["rule"]]


def _dispatch_and_plain(text: str) -> tuple[list[tuple[tuple[int, int], str | None]], ...]:
    rules = load_rules()
    fast = [(m.span(), m.lastgroup) for m in rules.finditer(text)]
    plain = [(m.span(), m.lastgroup) for m in rules.regex.finditer(text)]
    return fast, plain


@pytest.mark.parametrize(
    "text",
    [
        "last THAN\u212aSGIVING-ninety",  # a Kelvin sign in the second word
        "prices fell early nıght",  # a dotless i: IGNORECASE reads "night"
        "in the ſecond quarter",  # a long s in the first word a rule reads
        "the\xa0third quarter, that\u2003week",  # Unicode whitespace between the words
    ],
)
def test_dispatch_reads_words_as_the_rules_do(text: str) -> None:
    fast, plain = _dispatch_and_plain(text)
    assert fast == plain and plain


@pytest.mark.parametrize("lead", ["", "the ", "a ", "about ", "over the ", "his "])
def test_dispatch_finds_every_rule_example(lead: str) -> None:
    """Whatever the first and second word of a rule's example, the dispatch (which skips
    a first word whose rules cannot go on with the second) finds what the plain
    alternation finds."""
    for example in _rule_examples():
        fast, plain = _dispatch_and_plain(lead + example)
        assert fast == plain and plain, example


# Words that start rules or follow their first word, as the examples write them, and
# words that start none: texts of them stress the first- and second-word dispatch. Also
# letters that IGNORECASE folds to ASCII ones (the Kelvin sign, long s, dotless i): the
# dispatch reads ASCII words, the rules read "nıght" as "night".
_WORDS = sorted({w for ex in _rule_examples() for w in ex.split()}) + [
    "house", "he", "The", "A", "AN", "that", "new", "york", "'", "’", "5", "-", ",", ".", "Fridays",
    "THAN\u212aSGIVING", "nıght", "ſecond", "fırst", "wee\u212a", "Wédnesday",
]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), max_size=30),
    seps=st.lists(st.sampled_from([" ", "  ", "\n", " \t", "\xa0", "-", ", ", ""]), min_size=30, max_size=30),
)
def test_dispatch_matches_plain_alternation_on_rule_words(words: list[str], seps: list[str]) -> None:
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    fast, plain = _dispatch_and_plain(text)
    assert fast == plain


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=300)
    | st.lists(
        st.sampled_from(["May", "12", "99999999999999999999", "0001", "9999", "Thursday", "last", "next", "year",
                         "ago", "the", "1990s", "-", "/", ":", "a.m.", "quarter", "'", "’", "\n", " ", "every",
                         "Feb. 30", "13/45/2025", "24:99 GMT", "century", "0th", "2 1/2 years"]),
        max_size=40,
    ).map(" ".join),
    anchor=st.none() | st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), FRI]) | st.dates(),
)
def test_tag_never_raises(text: str, anchor: dt.date | None) -> None:
    got = tag(text, anchor)
    for t in got:
        assert text[t.start : t.end] == t.text
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
    assert [t.start for t in got] == sorted(t.start for t in got)


def test_empty_and_odd_inputs() -> None:
    assert tag("", FRI) == []
    assert tag("", None) == []
    assert tag("year 0001 and 9999", dt.date(9999, 12, 31)) is not None


@pytest.mark.parametrize(
    ("text", "anchor", "span", "value"),
    [
        # an expression that opens its sentence times the clause after the comma: that
        # clause's verb decides, a reporting verb included
        ("In January, the company brought in a new chief executive.", dt.date(2025, 10, 27), "January",
         "2025-01"),
        ("In September, it announced plans to acquire the unit.", dt.date(2025, 6, 30), "September", "2024-09"),
        ("On Friday, the two leaders will sign the accord.", WED, "Friday", "2025-06-13"),
        ("Until Thursday, police had not named a suspect.", FRI, "Thursday", "2025-06-05"),
        # ... the present of a plan points forward, its past and a noun do not
        ("On Tuesday, the league plans to hold a news conference.", dt.date(2025, 6, 9), "Tuesday",
         "2025-06-10"),
        ("On Friday, when she set aside vacation plans for the trip, the ban was lifted.", dt.date(2025, 6, 9),
         "Friday", "2025-06-06"),
        # a modal with "have" is a past ("could have escaped")
        ("But on April 8, investigators, wondering how he could have escaped, searched the woods.",
         dt.date(2025, 1, 20), "April 8", "2024-04-08"),
        # an abbreviation's dot ends no sentence: the verb after "vs. Wade" is still in it
        ("In January, a week after the anniversary of Roe vs. Wade, a bombing killed a guard.",
         dt.date(2025, 10, 25), "January", "2025-01"),
        # "next to" is a place, no future
        ("Bombs exploded next to the embassies on Friday.", dt.date(2025, 6, 7), "Friday", "2025-06-06"),
        # a modal governs the rest of its clause, however far the expression
        ("Qantas will almost double its flights to India by August in search of markets untouched by the "
         "crisis.", dt.date(2025, 2, 13), "August", "2025-08"),
        ("Colonel Collins will be named commander of the shuttle for a mission in December.",
         dt.date(2025, 3, 4), "December", "2025-12"),
        # ... unless a reporting verb right before the expression dates the saying
        ("Exiles will now fight the ruling, Cuba predicted Wednesday.", FRI, "Wednesday", "2025-06-04"),
        # a possessive weekday names an event: the clause's verb does not time it
        ("Relatives said they would look for ways to get around Wednesday's ruling.", FRI, "Wednesday",
         "2025-06-04"),
    ],
)
def test_sentence_structure_decides_direction(text: str, anchor: dt.date, span: str, value: str) -> None:
    assert _find(text, anchor, span).value == value


@pytest.mark.parametrize(
    ("text", "anchor", "span", "value"),
    [
        # "the previous Friday" counts from the day last mentioned, not from the publication
        ("The index fell on Oct. 31. It closed 4.5% below the previous Friday.", dt.date(2025, 11, 3),
         "the previous Friday", "2025-10-24"),
        ("The strike began on June 2 and ended the following Monday.", FRI, "the following Monday",
         "2025-06-09"),
        # with no day mentioned it is the publication's previous Friday
        ("Stocks closed below the previous Friday.", dt.date(2025, 11, 3), "the previous Friday", "2025-10-31"),
    ],
)
def test_anaphoric_weekday(text: str, anchor: dt.date, span: str, value: str) -> None:
    assert _find(text, anchor, span).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # results "up from $X last year" after a quarter compare with that quarter a year before
        ("Third-quarter net sales were $14 million, down from $21.4 million last year.", "2024-Q3"),
        ("Third-quarter profit was $24 million, compared with a loss of $3 million last year.", "2024-Q3"),
        # ... elsewhere "last year" is the year
        ("Third-quarter profit rose. Last year the company cut 500 jobs.", "2024"),
        ("Sales rose from $1 million last year.", "2024"),
    ],
)
def test_last_year_in_a_comparison(text: str, value: str) -> None:
    assert _find(text, dt.date(2025, 10, 26), next(w for w in ("last year", "Last year") if w in text)).value == value


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        # "current" before a noun is the present; "then-current" the present of a past moment
        ("The firm's current chief executive joined in 2019.", "current", "PRESENT_REF"),
        ("Current market conditions favour buyers.", "Current", "PRESENT_REF"),
        ("The offer values shares at the then-current market price.", "then-current", "PAST_REF"),
        # ... while "the current quarter" stays the quarter
        ("Sales in the current quarter are up.", "the current quarter", "2025-Q2"),
    ],
)
def test_current_adjective(text: str, span: str, value: str) -> None:
    assert _find(text, FRI, span).value == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after a modal, "one day" is some day to come, not a day's duration
        ("The new port could one day rival Rotterdam.", [("one day", "DATE", "FUTURE_REF")]),
        ("She hopes to one day return to her village.", [("one day", "DATE", "FUTURE_REF")]),
        ("The strike lasted one day.", [("one day", "DURATION", "P1D")]),
        ("He faces up to one day in jail.", [("up to one day", "DURATION", "P1D")]),
        # "the past" before a count of units it has no rule for is no PAST_REF
        ("Floods have hit the valley for the past three springs.", []),
        ("In the past, floods hit the valley.", [("the past", "DATE", "PAST_REF")]),
    ],
)
def test_one_day_and_the_past(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(t.text, t.type, t.value) for t in tag(text, FRI)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quoted title of capitalized words names a show or a film, not a time
        ('The minister, interviewed on NBC\'s "Next Week," denied it.', []),
        ("Critics panned the film ``Twelve Hours Later.'' It closed soon.", []),
        ('She spoke on the program "This Morning With Anne Lee" about taxes.', []),
        # ... a capitalized "Today" after a word is a name
        ("The poll by USA Today found support waning.", []),
        ("You are listening to Radio Tonight.", []),
        # ... while quoted speech, a quoted date, and a headline keep their times
        ('"Today," the minister said, "we begin."', [("Today", "DATE", "2025-06-06")]),
        ('The vote was moved to "next Friday," aides said.', [("next Friday", "DATE", "2025-06-13")]),
        ("Talks Resume Today\n\nNegotiators met in Geneva.", [("Today", "DATE", "2025-06-06")]),
    ],
)
def test_titles_and_names_are_no_times(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(t.text, t.type, t.value) for t in tag(text, FRI)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unspecified number of units is a vague duration after "within", and "in" at the
        # end of a clause, as after "for"
        ("Aid should reach the region within days, the agency said.", [("days", "DURATION", "PXD")]),
        ("Exports grew for the first time in decades.", [("decades", "DURATION", "PXDE")]),
        # ... not "in years of service"
        ("She was honoured in years of service to the town.", []),
    ],
)
def test_unspecified_units(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(t.text, t.type, t.value) for t in tag(text, FRI)] == expected
