"""Sentence splitting with character offsets.

Rule based: a sentence ends at . ! ? (optionally followed by closing quotes or
brackets) when the next non-space character starts a new sentence, and always at
a line break. Abbreviations listed in resources/extract/abbreviations.json
("Mr.", "U.S.", "Jan.") do not end sentences.
"""

from __future__ import annotations

import re
from functools import lru_cache

from viewer.core.resources import load_json

_CLOSERS = "\"'”’)]»"
# matched in place: slicing the rest of the text at every sentence end is quadratic on long texts
_NEXT_WORD = re.compile(r"[ \t]*(\w+)")
_BLANKS = re.compile(r"[ \t]*")
_END = re.compile(r"[.!?]+[" + re.escape(_CLOSERS) + r"]*(?=\s)|\n")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    data = load_json("extract/abbreviations.json")
    return frozenset(a.lower() for a in data["abbreviations"])


@lru_cache(maxsize=1)
def _starters() -> frozenset[str]:
    return frozenset(load_json("extract/abbreviations.json")["sentence_starters"])


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` closes an abbreviation or an initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start : dot + 1]
    if not word or word == ".":
        return False
    if word.lower() in _abbreviations():
        return True
    # single capital initial ("Donald J. Trump") or dotted acronym ("U.S.")
    core = word.rstrip(".")
    if len(core) == 1 and core.isupper():
        return True
    return bool(re.fullmatch(r"(?:[A-Za-z]\.){2,}", word))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences in ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if m.group() != "\n":
            dot = m.start() + len(m.group().rstrip(_CLOSERS)) - 1
            if text[dot] == "." and _is_abbreviation(text, dot):
                # "U.S. President" continues; "in the U.S. The next" ends
                first = _NEXT_WORD.match(text, end)
                if first is None or first.group(1) not in _starters() or _abbreviations_continue(text, dot):
                    continue
            else:
                j = _BLANKS.match(text, end).end()
                if j < n and text[j].islower():
                    continue
        _push(text, start, end, spans)
        start = end
    if start < n:
        _push(text, start, n, spans)
    return spans


def _abbreviations_continue(text: str, dot: int) -> bool:
    """Titles and honorifics ("Mr.", "Dr.", "Gen.") are always followed by a name."""
    start = dot
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start : dot + 1].lower() in _TITLE_ABBREVIATIONS


_TITLE_ABBREVIATIONS = frozenset(
    [
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "gen.",
        "sen.",
        "rep.",
        "gov.",
        "prof.",
        "st.",
        "lt.",
        "col.",
        "sgt.",
        "capt.",
        "adm.",
        "pres.",
        "amb.",
        "hon.",
        "rev.",
    ]
)


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
