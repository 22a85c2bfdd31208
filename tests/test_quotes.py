"""Direct quotations and their speakers, on self-written sentences."""

from __future__ import annotations

import pytest

from viewer.extract.actors import find_actors
from viewer.extract.quotes import Context, find_quote_spans, find_quotes
from viewer.extract.sentences import split_sentences


def quotes(text: str) -> list[tuple[str, str | None]]:
    res = find_actors(text)
    ctx = Context(text, split_sentences(text), res.mentions, res.gender)
    return [(q.text, q.speaker) for q in find_quotes(ctx)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # X said / said X / X told
        (
            '"We are ready to talk," Trade Minister Elena Sokolova said.',
            ("We are ready to talk", "Elena Sokolova"),
        ),
        (
            '"Nothing has been agreed," said Treasury Secretary Scott Bessent.',
            ("Nothing has been agreed", "Scott Bessent"),
        ),
        (
            'Commerce Minister Rafael Ortega told reporters: "The door is open."',
            ("The door is open.", "Rafael Ortega"),
        ),
        # curly quotes and a short phrase attributed by a cue verb before it
        (
            "Treasury Secretary Scott Bessent conceded the talks were “stuck” for now.",
            ("stuck", "Scott Bessent"),
        ),
        # typewriter quotes of wire copy
        ("``We will not retreat,'' said Governor Nadia Petrov.", ("We will not retreat", "Nadia Petrov")),
        # according to
        (
            'The plan is "dead on arrival," according to Senator Jonas Whitfield.',
            ("dead on arrival", "Jonas Whitfield"),
        ),
        # passive agent
        ('The accord was hailed by Donald Trump as "a great day".', ("a great day", "Donald Trump")),
        # social media post
        ('Donald Trump wrote on social media that the deal was "very fair".', ("very fair", "Donald Trump")),
        # participle: the subject of the main clause speaks, not the object
        (
            'Tensions rose after Donald Trump criticised Xi Jinping, calling him "stubborn".',
            ("stubborn", "Donald Trump"),
        ),
        # apposition between the name and the verb
        ('Ines Duarte, an analyst at a Lisbon bank, said the outlook was "grim".', ("grim", "Ines Duarte")),
        # an actor that only modifies another noun is not the speaker
        ('Nvidia engineers say the rules are "unworkable".', ("unworkable", None)),
        # a representative noun speaks for the actor
        ('A White House official said the tariffs were "temporary".', ("temporary", "White House")),
        # scare quotes with no speaker
        ('The so-called "phase one" deal is history.', ("phase one", None)),
    ],
)
def test_single_quote_and_speaker(text: str, expected: tuple[str, str | None]) -> None:
    assert quotes(text) == [expected]


def test_pronoun_resolves_to_the_last_person_of_that_gender() -> None:
    text = (
        "Foreign Minister Amina Diallo met Trade Commissioner Pierre Lefebvre. She was firm. "
        '"We expect results," she said. "So do we," he replied.'
    )
    assert quotes(text) == [("We expect results", "Amina Diallo"), ("So do we", "Pierre Lefebvre")]


def test_quote_paragraph_inherits_speaker_of_previous_sentence() -> None:
    text = (
        "Governor Kofi Mensah said on Monday that inflation had peaked.\n\n"
        '"Prices will come down by the summer. We are confident."'
    )
    assert quotes(text) == [("Prices will come down by the summer. We are confident.", "Kofi Mensah")]


def test_consecutive_quotes_keep_the_speaker() -> None:
    text = '"This is a mistake," said Minister Hana Kobayashi. "It will hurt farmers."'
    assert quotes(text) == [
        ("This is a mistake", "Hana Kobayashi"),
        ("It will hurt farmers.", "Hana Kobayashi"),
    ]


def test_quote_across_paragraphs_is_one_quote() -> None:
    text = "“The first part ends here.\n\n“The second part follows,” said Minister Hana Kobayashi."
    spans = find_quote_spans(text)
    assert len(spans) == 1
    assert quotes(text)[0][1] == "Hana Kobayashi"


def test_sentence_final_attribution() -> None:
    text = 'There is "no evidence" that the plant broke the rules, Minister Hana Kobayashi said.'
    assert quotes(text) == [("no evidence", "Hana Kobayashi")]


def test_apostrophes_are_not_quotes() -> None:
    text = "Trump’s team didn't say. The ministers' view is that it's over."
    assert find_quote_spans(text) == []


def test_offsets_index_the_text() -> None:
    text = 'Minister Hana Kobayashi said: "Rates stay where they are," adding "for now".'
    res = find_actors(text)
    ctx = Context(text, split_sentences(text), res.mentions, res.gender)
    for q in find_quotes(ctx):
        assert text[q.start : q.end] == q.text
        assert q.sentence_start <= q.start < q.end <= q.sentence_end


def test_british_single_quotes() -> None:
    text = "‘We will not accept the ministers’ terms, and we won’t be rushed,’ said Minister Hana Kobayashi."
    assert quotes(text) == [("We will not accept the ministers’ terms, and we won’t be rushed", "Hana Kobayashi")]


def test_thought_verb_inside_a_speech_complement() -> None:
    text = 'A spokesperson for the embassy, Liu Pengyu, said China hoped the U.S. would "meet China halfway".'
    assert quotes(text) == [("meet China halfway", "Liu Pengyu")]


def test_two_speakers_in_one_sentence_and_a_short_family_name() -> None:
    text = (
        "Vice Premier He Lifeng met Treasury Secretary Scott Bessent. "
        'Bessent described the talks as "very constructive," while He said both sides should "meet halfway."'
    )
    assert quotes(text) == [("very constructive", "Scott Bessent"), ("meet halfway.", "He Lifeng")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a passive label names no speaker; an active one does
        (
            'Crowds cheered the boy, dubbed the nation\'s "little hero" by nobody in particular.',
            [("little hero", None)],
        ),
        ('The striker, dubbed "the wall," retired.', [("the wall", None)]),
        (
            'Minister Hana Kobayashi, who spoke first, called the plan "a mistake."',
            [("a mistake.", "Hana Kobayashi")],
        ),
        # an apposition to the quote is not its attribution
        ('Many hope for "freedom," a notion Governor Nadia Petrov called naive.', [("freedom", None)]),
        # a closing attribution after a relative clause
        (
            'There is "no evidence" that the firm, which denies it, broke the rules, Minister Hana Kobayashi said.',
            [("no evidence", "Hana Kobayashi")],
        ),
        # the subject phrase ends with the media name
        (
            'The ruling party daily Nordpost compared the deal with a trap and said it "will not last."',
            [("will not last.", "Nordpost")],
        ),
    ],
)
def test_label_apposition_and_final_attribution(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert quotes(text) == expected


def test_unnamed_representative_of_the_ministry_named_before() -> None:
    text = (
        "China's Ministry of Commerce issued new rules on Thursday. "
        '"These measures are legitimate," a ministry spokesperson said.'
    )
    assert quotes(text) == [("These measures are legitimate", "China's Ministry of Commerce")]


def test_participle_after_attribution_does_not_change_the_speaker() -> None:
    text = (
        "China's Ministry of Commerce issued new rules on Thursday. "
        '"These measures are legitimate," a ministry spokesperson said, adding that Beijing remained open.'
    )
    assert quotes(text) == [("These measures are legitimate", "China's Ministry of Commerce")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the statement said" speaks for whoever issued the statement named before
        (
            "A statement by the Foreign Affairs Department condemned the blasts.\n\n"
            '"We deplore these senseless acts," the statement said.',
            [("We deplore these senseless acts", "Foreign Affairs Department")],
        ),
        # "the ministry said" after the ministry was named, capitalised at a sentence start
        (
            "China's Ministry of Commerce confirmed the deal on Saturday. The ministry said both sides would "
            '"work together."',
            [("work together.", "China's Ministry of Commerce")],
        ),
        # narration naming a speaker between two quotes wins over continuing the first
        (
            '"Save the republic," said Senator Arno Vitt. Premier Jana Holt said the queen was informed. '
            '"She is following it closely."',
            [("Save the republic", "Arno Vitt"), ("She is following it closely.", "Jana Holt")],
        ),
        # a noun that looks like a cue ("demand for") does not hide the real cue
        (
            'Chief executive Lars Enqvist told analysts that demand for chips remained "insane".',
            [("insane", "Lars Enqvist")],
        ),
        # a capitalised cue form inside a name is not a cue ("the United States")
        (
            "Foreign Minister Don McKinnon spoke. McKinnon's spokeswoman said the United States had "
            '"very good intelligence" on the sites.',
            [("very good intelligence", "Don McKinnon")],
        ),
        # typewriter copy whose opening `` was lost
        (
            "Minister Ivo Brandt spoke. ''Countries have the right,'' Brandt said.",
            [("Countries have the right", "Ivo Brandt")],
        ),
        # a scare-quoted word inside a noun phrase is no one's words
        ('President Donald Trump paused most of the "reciprocal" tariffs on Wednesday.', [("reciprocal", None)]),
    ],
)
def test_attribution_by_reference_and_position(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert quotes(text) == expected


def test_unnamed_spokesperson_speaks_for_the_institution() -> None:
    text = (
        "China's Ministry of Commerce opened a probe on Sunday. A ministry spokesperson said the move was lawful. "
        'The spokesperson added that Beijing "will take necessary measures."'
    )
    assert quotes(text) == [("will take necessary measures.", "China's Ministry of Commerce")]


@pytest.mark.parametrize(
    "text",
    [
        'Bessent: "We are not there yet"\n\n"We have a very good relationship," the official said, speaking privately.',
        'Treasury Secretary Scott Bessent spoke.\n\n"It\'s a mess," one European diplomat said.',
    ],
)
def test_unnamed_speaker_after_the_quote_is_nobody(text: str) -> None:
    assert quotes(text)[-1][1] is None
