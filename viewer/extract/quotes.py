"""Direct quotations and their speakers.

A quote is text between quotation marks: curly “…”, straight "…", typewriter ``…''
and, for short phrases only, single ‘…’. A quotation that runs over a paragraph
break (the paragraph ends without a closing mark and the next one reopens) is one
quote. Its speaker comes from, in order:

1. the text after the closing mark in the same sentence ("…," said X / X said / he said),
2. "according to X" or a passive agent ("praised by X as '…'") in the sentence,
3. a cue verb before the opening mark ("X acknowledged the talks are '…'", "X wrote on
   social media: '…'") — the speaker is the subject of the clause, the first actor of it,
4. a quote that is a whole sentence with no cue inherits the speaker of the previous
   sentence when that sentence named one (a quote paragraph after "X said:").

Pronouns (he/she/they/it) resolve to the last named person of that gender (or to the
last institution for "it"/"the ministry"). Scare quotes with no cue get speaker None:
a guess would put words in someone's mouth.

Cue verbs and attribution phrases live in resources/extract/speech.json; inflections
are generated here (``verb_forms``) from irregular_verbs.json and regular rules.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from viewer.core.model import ActorMention, Quote
from viewer.core.resources import load_json

# --- verbs -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _irregular() -> dict[str, list[str]]:
    return load_json("extract/irregular_verbs.json")["verbs"]


def inflect(lemma: str) -> list[str]:
    """All forms of an English verb lemma: base, -s, past, participle, -ing."""
    irregular = _irregular()
    if lemma in irregular:
        return [lemma, *irregular[lemma]]
    if lemma.endswith("e"):
        past, ing = lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    return [lemma, third, past, past, ing]


def verb_forms(lemmas: list[str]) -> dict[str, str]:
    """Map every inflected form of ``lemmas`` to its lemma."""
    forms: dict[str, str] = {}
    for lemma in lemmas:
        for form in inflect(lemma):
            forms.setdefault(form, lemma)
    return forms


@lru_cache(maxsize=1)
def _speech() -> dict:
    return load_json("extract/speech.json")


@lru_cache(maxsize=1)
def cue_forms() -> dict[str, str]:
    return verb_forms(_speech()["cue_verbs"])


@lru_cache(maxsize=1)
def _describing_forms() -> frozenset[str]:
    return frozenset(verb_forms(_speech()["describing_verbs"]))


# --- finding quotations ---------------------------------------------------------

_OPEN_CLOSE = {"“": "”", '"': '"', "``": "''", "‘": "’", "'": "'"}
# a single ‘ or ' opens a quote only after a space/opening punctuation and closes before
# a non-letter, and only for short phrases: apostrophes (don't, Trump’s) are far more common
_SINGLE_MAX = 60


@dataclass
class _Span:
    start: int  # first character of the quoted text
    end: int  # end of the quoted text (exclusive)
    open_at: int  # offset of the opening mark
    close_end: int  # offset just after the closing mark (== end if unclosed)


_MARKS = re.compile(r"``|''|[“”\"‘’']")


def find_quote_spans(text: str) -> list[_Span]:
    """Quoted stretches of ``text`` (offsets of the text inside the marks)."""
    spans: list[_Span] = []
    i = 0
    n = len(text)
    for m in _MARKS.finditer(text):
        if m.start() < i:
            continue
        mark = m.group()
        s = m.start()
        if mark in ("”", "’", "''"):
            continue  # a closer with no opener: stray or apostrophe
        if mark in ("'", "‘"):
            prev = text[s - 1] if s else " "
            if not (prev.isspace() or prev in "(—–-[:") or s + 1 >= n or not text[s + 1].isalnum():
                continue
            close = _find_single_close(text, s + 1, "’" if mark == "‘" else "'")
            if close is None:
                continue
            spans.append(_Span(s + 1, close, s, close + 1))
            i = close + 1
            continue
        if mark == '"':
            prev = text[s - 1] if s else " "
            if prev.isalnum() and s + 1 < n and not text[s + 1].isalnum():
                continue  # a closing straight quote with no opener (e.g. inches)
        closer = _OPEN_CLOSE[mark]
        qstart = s + len(mark)
        span = _close_quote(text, qstart, mark, closer)
        if span is None:
            continue
        spans.append(span)
        i = span.close_end
    return spans


def _find_single_close(text: str, start: int, closer: str) -> int | None:
    limit = min(len(text), start + _SINGLE_MAX)
    j = start
    while True:
        j = text.find(closer, j, limit)
        if j < 0:
            return None
        nxt = text[j + 1] if j + 1 < len(text) else " "
        if not nxt.isalnum():
            return j
        j += 1  # an apostrophe inside the phrase (“Xi’s”)


def _close_quote(text: str, qstart: int, opener: str, closer: str) -> _Span | None:
    """Find the end of a quotation that opened at ``qstart``; follow it across
    paragraph breaks when the paragraph ends unclosed and the next reopens."""
    pos = qstart
    while True:
        para_end = text.find("\n", pos)
        if para_end < 0:
            para_end = len(text)
        j = text.find(closer, pos, para_end)
        if opener == '"' and j >= 0:
            return _Span(qstart, j, qstart - len(opener), j + 1)
        if j >= 0:
            return _Span(qstart, j, qstart - len(opener), j + len(closer))
        # unclosed paragraph: a continued quotation if the next paragraph reopens
        k = para_end
        while k < len(text) and text[k].isspace():
            k += 1
        if k < len(text) and text.startswith(opener, k) and k > para_end:
            pos = k + len(opener)
            continue
        return None


# --- attribution -----------------------------------------------------------


@lru_cache(maxsize=1)
def _pronouns() -> dict[str, str]:
    return load_json("extract/pronouns.json")["subject_pronouns"]


@lru_cache(maxsize=1)
def _cue_regex() -> re.Pattern[str]:
    forms = sorted(cue_forms(), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b")


@lru_cache(maxsize=1)
def _according_regex() -> re.Pattern[str]:
    phrases = [p for p in _speech()["attribution_phrases"] if not p.startswith("said")]
    return re.compile(r"(?i:\b(?:" + "|".join(re.escape(p) for p in phrases) + r"))\s+")


_PRONOUN_AFTER = re.compile(r"^[\s,:;—–-]*(he|she|they|it|we|i)\s+(\w+)", re.IGNORECASE)
_SAID_PRONOUN = re.compile(r"^[\s,:;—–-]*(\w+)\s+(he|she|they|it)\b", re.IGNORECASE)


@dataclass
class Context:
    """What attribution needs to know about the article."""

    text: str
    sentences: list[tuple[int, int]]
    mentions: list[ActorMention]  # sorted by start
    gender: dict[str, str]  # canonical name -> "m"/"f"


def _mentions_in(ctx: Context, start: int, end: int) -> list[ActorMention]:
    return [m for m in ctx.mentions if m.start >= start and m.end <= end]


def _last_person(ctx: Context, before: int, gender: str | None, institution: bool = False) -> str | None:
    """The last actor named before ``before`` that fits the pronoun."""
    for m in reversed(ctx.mentions):
        if m.end > before:
            continue
        if institution:
            if m.kind != "person":
                return m.name
            continue
        if m.kind != "person":
            continue
        g = ctx.gender.get(m.name)
        if gender and g and g != gender:
            continue
        return m.name
    return None


def _resolve_pronoun(ctx: Context, pronoun: str, before: int) -> str | None:
    kind = _pronouns().get(pronoun.lower())
    if kind in ("m", "f"):
        return _last_person(ctx, before, kind)
    if kind == "thing":
        return _last_person(ctx, before, None, institution=True)
    if kind == "plural":
        # "they said" after an institution or a group: the last actor of any kind
        for m in reversed(ctx.mentions):
            if m.end <= before:
                return m.name
    return None


def _sentence_of(ctx: Context, offset: int) -> tuple[int, int]:
    for s, e in ctx.sentences:
        if s <= offset < e:
            return s, e
    return offset, offset


def _first_actor(mentions: list[ActorMention]) -> str | None:
    # The subject of a clause is its first actor; a person beats a bare country
    # mentioned in the same run ("US President Trump" gives one mention anyway).
    return mentions[0].name if mentions else None


def _after_attribution(ctx: Context, span: _Span, sent_end: int) -> tuple[str | None, bool]:
    """Speaker named after the closing mark: ', said X' / ', X said' / ', he said'."""
    tail = ctx.text[span.close_end : sent_end]
    stripped = tail.lstrip(" ,:;—–-")
    offset = span.close_end + (len(tail) - len(stripped))
    head = stripped[:120]
    cues = cue_forms()
    m = _PRONOUN_AFTER.match(head)
    if m and m.group(2).lower() in cues:
        return _resolve_pronoun(ctx, m.group(1), span.open_at), True
    m = _SAID_PRONOUN.match(head)
    if m and m.group(1).lower() in cues:
        return _resolve_pronoun(ctx, m.group(2), span.open_at), True
    first_word = re.match(r"(\w+)", head)
    if first_word and first_word.group(1).lower() in cues:
        # ", said Treasury Secretary Scott Bessent" — the first actor after the verb
        after = _mentions_in(ctx, offset, min(sent_end, offset + 160))
        if after:
            return after[0].name, True
        return None, True
    # ", Bessent said" / ", the ministry said in a statement": first actor, then a cue verb
    cue = _cue_regex().search(head[:100])
    if cue:
        before_cue = _mentions_in(ctx, offset, offset + cue.start())
        if before_cue:
            return before_cue[0].name, True
        pron = re.search(r"\b(he|she|they|it)\s*$", head[: cue.start()], re.IGNORECASE)
        if pron:
            return _resolve_pronoun(ctx, pron.group(1), span.open_at), True
    return None, False


def _before_attribution(ctx: Context, span: _Span, sent_start: int, sent_end: int) -> tuple[str | None, bool]:
    """Speaker named before the opening mark, by a cue verb, 'according to' or 'by X'."""
    text = ctx.text
    head_start = sent_start
    head = text[head_start : span.open_at]
    # "according to X" anywhere in the sentence names the source
    for m in _according_regex().finditer(text, sent_start, sent_end):
        if span.open_at <= m.start() < span.close_end:
            continue
        after = _mentions_in(ctx, m.end(), min(sent_end, m.end() + 120))
        if after and after[0].start - m.end() < 40:
            return after[0].name, True
    cues = list(_cue_regex().finditer(head))
    if not cues:
        # "X: '...'" — a colon right after a named actor (headline/transcript style)
        colon = re.search(r":\s*$", head)
        if colon:
            ms = _mentions_in(ctx, head_start, span.open_at)
            if ms and span.open_at - ms[-1].end < 4:
                return ms[-1].name, True
        return None, False
    cue = cues[-1]
    cue_at = head_start + cue.start()
    # passive agent between the cue and the quote: "praised by Trump as '...'"
    between = text[head_start + cue.end() : span.open_at]
    agent = re.search(r"\bby\s+", between)
    if agent:
        ms = _mentions_in(ctx, head_start + cue.end() + agent.end(), span.open_at)
        if ms:
            return ms[0].name, True
    # the subject: first actor of the clause that holds the cue verb
    clause_start = _clause_start(text, head_start, cue_at)
    ms = _mentions_in(ctx, clause_start, cue_at)
    if not ms:
        ms = _mentions_in(ctx, head_start, cue_at)
    if ms:
        return _first_actor(ms), True
    pron = re.search(r"\b(he|she|they|it)\b", text[clause_start:cue_at], re.IGNORECASE) or re.search(
        r"\b(he|she|they|it)\b", text[head_start:cue_at], re.IGNORECASE
    )
    if pron:
        return _resolve_pronoun(ctx, pron.group(1), cue_at), True
    return None, False


_CLAUSE_OPENERS = re.compile(
    r"(?:[;(]|\bafter\b|\bbefore\b|\bwhile\b|\bwhen\b|\bbecause\b|\balthough\b|\bas\b(?! a\b)|\bsince\b)\s*",
    re.IGNORECASE,
)


def _clause_start(text: str, sent_start: int, cue_at: int) -> int:
    """Start of the clause holding the cue verb: after the last subordinating word
    that has an actor after it ("Tensions rose after Trump took aim at Xi")."""
    start = sent_start
    for m in _CLAUSE_OPENERS.finditer(text, sent_start, cue_at):
        start = m.end()
    return start if start < cue_at else sent_start


def _previous_sentence_speaker(
    ctx: Context, sent_index: int, speakers_by_sentence: dict[int, str]
) -> str | None:
    """The speaker of the previous sentence: its quote's speaker, or the subject of its
    cue verb ("Bessent said on Thursday that the talks had stalled." then a quote)."""
    if sent_index - 1 in speakers_by_sentence:
        return speakers_by_sentence[sent_index - 1]
    if sent_index == 0:
        return None
    ps, pe = ctx.sentences[sent_index - 1]
    cue = _cue_regex().search(ctx.text, ps, pe)
    if not cue:
        return None
    clause_start = _clause_start(ctx.text, ps, cue.start())
    ms = _mentions_in(ctx, clause_start, cue.start()) or _mentions_in(ctx, ps, cue.start())
    if ms:
        return ms[0].name
    pron = re.search(r"\b(he|she|they|it)\b", ctx.text[ps : cue.start()], re.IGNORECASE)
    if pron:
        return _resolve_pronoun(ctx, pron.group(1), cue.start())
    return None


def find_quotes(ctx: Context) -> list[Quote]:
    """All direct quotations in the article with their speakers (or None)."""
    text = ctx.text
    quotes: list[Quote] = []
    speakers_by_sentence: dict[int, str] = {}
    starts = [s for s, _ in ctx.sentences]

    for span in find_quote_spans(text):
        # "stalled,” — the comma inside the marks is punctuation of the sentence
        while span.end > span.start and text[span.end - 1] in ", \n\t":
            span.end -= 1
        qtext = text[span.start : span.end]
        if not qtext.strip():
            continue
        si = max(0, bisect.bisect_right(starts, span.open_at) - 1)
        sent_start, sent_end = ctx.sentences[si] if ctx.sentences else (0, len(text))
        last_si = max(0, bisect.bisect_right(starts, max(span.close_end - 1, span.open_at)) - 1)
        _, last_end = ctx.sentences[last_si] if ctx.sentences else (0, len(text))
        speaker, found = _after_attribution(ctx, span, max(last_end, span.close_end))
        if not found:
            speaker, found = _before_attribution(ctx, span, sent_start, sent_end)
        if not found:
            whole = span.open_at <= sent_start + 1 and (
                len(qtext) > 30 or re.search(r"[.!?,]$", qtext.strip())
            )
            if whole:
                prev = _previous_sentence_speaker(ctx, si, speakers_by_sentence)
                if prev:
                    speaker, found = prev, True
        if not found and span.open_at <= sent_start + 1:
            # a quote paragraph followed by a sentence "X said." / "he added."
            nxt = si + 1 if last_si == si else last_si + 1
            if nxt < len(ctx.sentences):
                ns, ne = ctx.sentences[nxt]
                if ne - ns < 80:
                    fake = _Span(ns, ns, ns, ns)
                    speaker, found = _after_attribution(ctx, fake, ne)
        if speaker:
            for k in range(si, last_si + 1):
                speakers_by_sentence[k] = speaker
        quotes.append(
            Quote(
                text=qtext,
                start=span.start,
                end=span.end,
                speaker=speaker,
                sentence_start=sent_start,
                sentence_end=max(sent_end, last_end),
            )
        )
    return quotes
