"""Sentence splitting: (text, expected sentences) tables, offsets index the text."""

import pytest

from viewer.extract.sentences import split_sentences

CASES = [
    ("One. Two.", ["One.", "Two."]),
    ("Mr. Smith went to the U.S. Treasury. He left.", ["Mr. Smith went to the U.S. Treasury.", "He left."]),
    ("It was in the U.S. The talks ended.", ["It was in the U.S.", "The talks ended."]),
    ("Donald J. Trump spoke. Xi listened.", ["Donald J. Trump spoke.", "Xi listened."]),
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("Talks “stalled,” he said. Markets fell.", ["Talks “stalled,” he said.", "Markets fell."]),
    ("Prices rose 2.5 percent in Jan. and fell later.", ["Prices rose 2.5 percent in Jan. and fell later."]),
    ("A headline without a stop\nThe body starts here.", ["A headline without a stop", "The body starts here."]),
    ("Why now? Because. Really!", ["Why now?", "Because.", "Really!"]),
    ("He met Gen. Li on Monday.", ["He met Gen. Li on Monday."]),
    ("etc. and so on", ["etc. and so on"]),
    ("", []),
    ("   \n  ", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split(text, expected):
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == expected


def test_offsets_are_ordered_trimmed_and_inside_the_text():
    text = "  First one.  Second one!\n\n Third?  "
    spans = split_sentences(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)


def test_a_long_single_line_is_split_without_copying_its_tail():
    text = "Tariffs rose. " * 50_000
    assert len(split_sentences(text)) == 50_000
