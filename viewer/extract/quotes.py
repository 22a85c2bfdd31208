"""Direct quotations and their speakers.

A quote is text between quotation marks: curly “…”, straight "…", typewriter ``…'',
curly single ‘…’ (British style, within a paragraph) and, for short phrases only,
straight single '…'. A quotation that runs over a paragraph break (the paragraph ends
without a closing mark and the next one reopens) is one quote. Its speaker comes from,
in order:

1. the text after the closing mark in its sentence ("…," said X / X said / he said), or
   a closing attribution at the sentence end ("There is 'no evidence' that …, X said.");
2. "according to X", "quoted X as saying", or a passive agent ("praised by X as '…'");
3. a cue verb before the opening mark ("X acknowledged the talks are '…'", "X wrote on
   social media that …") — the speaker is the subject of that verb: an actor followed by
   an apposition ("X, an analyst at Y, said"), a subject pronoun, or the nearest actor
   unless it only modifies another noun ("Nvidia engineers say": no speaker; "a White
   House official said": the White House). A participle (", adding '…'") or a second
   verb ("… and said '…'") takes the subject of the main clause; a thought verb inside a
   speech complement ("X said China hoped …") the speech verb's subject;
4. a quote with no cue continues the previous quote of its sentence or paragraph, or
   takes the speaker of the previous sentence ("X said on Monday …" then a quote).

Words inside quotes never count as the frame. He/she resolve to the subject (first
person) of the nearest sentence whose gender fits (gender from titles, the gazetteer,
and sentences opening with He/She); "it" to the last institution. Scare quotes with no
cue get speaker None: a guess would put words in someone's mouth.

Cue verbs, thought verbs, attribution phrases and representative nouns live in
resources/extract/speech.json; inflections are generated here (``verb_forms``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
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


# --- finding quotations ---------------------------------------------------------

_OPEN_CLOSE = {"“": "”", '"': '"', "``": "''", "‘": "’", "'": "'", "''": "''"}
# a single ‘ or ' opens a quote only after a space/opening punctuation and closes before
# a non-letter, and only for short phrases: apostrophes (don't, Trump’s) are far more common
_SINGLE_MAX = 60
# curly single quotes are the primary quotation marks of British style (‘We will,’ he
# said); they can run long, and within a paragraph, since ’ as an apostrophe is
# followed by a letter (don’t, Xi’s)
_CURLY_SINGLE_MAX = 600


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
        if mark == "''" and (s == 0 or text[s - 1] in " \t\n([—–") and text[s + 2 : s + 3].isalnum():
            # typewriter text where the opening `` was lost: ''Word ... '' opens a quote
            span = _close_quote(text, s + 2, "''", "''")
            if span is not None:
                spans.append(span)
                i = span.close_end
            continue
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


def _plural_possessive(text: str, j: int) -> bool:
    """ "the ministers’ view": a plural possessive, not the end of a quotation."""
    return bool(re.match(r"’\s+[a-z]+\b", text[j : j + 30])) and not re.match(
        r"’\s+(?:he|she|they|it|we|said|says|added|the|a|an)\b", text[j : j + 20]
    )


def _find_single_close(text: str, start: int, closer: str) -> int | None:
    limit = min(len(text), start + (_CURLY_SINGLE_MAX if closer == "’" else _SINGLE_MAX))
    para = text.find("\n", start, limit)
    if para >= 0:
        limit = para
    j = start
    while True:
        j = text.find(closer, j, limit)
        if j < 0:
            return None
        nxt = text[j + 1] if j + 1 < len(text) else " "
        if not nxt.isalnum() and not (
            text[j - 1 : j] == "s" and closer == "’" and nxt == " " and _plural_possessive(text, j)
        ):
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
    # a cue may open a sentence with a capital ("Replied X, ...")
    alts = "|".join(f"[{re.escape(f[0])}{re.escape(f[0].upper())}]{re.escape(f[1:])}" for f in forms)
    return re.compile(r"\b(?:" + alts + r")\b")


@lru_cache(maxsize=1)
def _according_regex() -> re.Pattern[str]:
    phrases = [p for p in _speech()["attribution_phrases"] if not p.startswith("said")]
    return re.compile(r"(?i:\b(?:" + "|".join(re.escape(p) for p in phrases) + r"))\s+")


@lru_cache(maxsize=1)
def _thought_lemmas() -> frozenset[str]:
    return frozenset(_speech()["thought_verbs"])


@lru_cache(maxsize=1)
def _representatives() -> frozenset[str]:
    return frozenset(_speech()["representative_nouns"])


_SUBJECT_PRONOUNS = ("he", "she", "they", "it")
_WORDS = re.compile(r"[A-Za-z][\w'’-]*|[,;:]")
_MODIFIER_OK = frozenset(
    "has have had is was will would could can may might must should did does also not already just then now "
    "still again reportedly formally officially publicly repeatedly recently once later earlier further "
    "separately previously privately never today yesterday tonight tomorrow on monday tuesday wednesday "
    "thursday friday saturday sunday morning afternoon evening night last this week".split()
)


@dataclass
class Context:
    """What attribution needs to know about the article."""

    text: str
    sentences: list[tuple[int, int]]
    mentions: list[ActorMention]  # sorted by start
    gender: dict[str, str]  # canonical name -> "m"/"f"
    # indexes filled by find_quotes
    mention_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    quoted: list[tuple[int, int]] = field(default_factory=list)  # spans of quoted text


def _mentions_in(ctx: Context, start: int, end: int) -> list[ActorMention]:
    i = bisect.bisect_left(ctx.mention_starts, start)
    out = []
    for m in ctx.mentions[i:]:
        if m.start >= end:
            break
        if m.start >= start and m.end <= end:
            out.append(m)
    return out


def _outside(ctx: Context, ms: list[ActorMention]) -> list[ActorMention]:
    """Mentions that are not inside quoted text: words in a quote are not its frame."""
    q = ctx.quoted
    if not q:
        return ms
    out = []
    for m in ms:
        i = bisect.bisect_right(q, (m.start, 1 << 60)) - 1
        if i >= 0 and q[i][0] <= m.start < q[i][1]:
            continue
        out.append(m)
    return out


def _unquoted(ctx: Context, start: int, end: int) -> str:
    """text[start:end] with quoted stretches blanked (offsets kept)."""
    chunk = list(ctx.text[start:end])
    for qs, qe in ctx.quoted:
        if qe <= start or qs >= end:
            continue
        for k in range(max(qs, start), min(qe, end)):
            chunk[k - start] = " "
    return "".join(chunk)


def _sentence_index(ctx: Context, offset: int) -> int:
    return max(0, bisect.bisect_right(ctx.sentence_starts, offset) - 1)


def _resolve_pronoun(ctx: Context, pronoun: str, before: int) -> str | None:
    """he/she -> the subject (first person named) of the nearest sentence, this one
    first, whose gender does not contradict; it -> the last institution; they -> the
    last actor."""
    kind = _pronouns().get(pronoun.lower())
    if kind in ("m", "f"):
        si = _sentence_index(ctx, before)
        for k in range(si, max(-1, si - 4), -1):
            s, e = ctx.sentences[k] if ctx.sentences else (0, len(ctx.text))
            people = [m for m in _mentions_in(ctx, s, min(e, before)) if m.kind == "person"]
            for m in people:
                g = ctx.gender.get(m.name)
                if g and g != kind:
                    continue
                return m.name
        return None
    for m in reversed(ctx.mentions):
        if m.end > before:
            continue
        if kind == "thing" and m.kind == "person":
            continue
        return m.name
    return None


def _subject_before(ctx: Context, cue_start: int, floor: int) -> tuple[str | None, bool]:
    """The speaker of a cue verb: the subject of its clause.

    In order: an actor followed by an apposition ("Spencer Eig, an attorney for ...,
    said"); a subject pronoun right before the verb ("he said"); the nearest actor,
    unless it only modifies another noun ("U.S. Air Force fliers say": no speaker),
    which is fine when that noun represents it ("a White House official said")."""
    text = ctx.text
    ms = _outside(ctx, _mentions_in(ctx, floor, cue_start))
    frame = _unquoted(ctx, floor, cue_start)
    if re.search(r",[\"”'’]?\s*$", frame):
        # "X, <apposition>, said": the first actor followed by a comma opens it
        for m in ms:
            if re.match(r"(?:[’']s)?\s*,", text[m.end : m.end + 4]) and m.end <= cue_start - 2:
                return m.name, True
    last = ms[-1] if ms else None
    seg_start = (last.end if last else floor) - floor
    between = _WORDS.findall(frame[seg_start:])
    for w in reversed(between):
        lw = w.lower()
        if lw in (",", ";", ":"):
            break  # a pronoun across a comma belongs to another clause
        if lw in _SUBJECT_PRONOUNS:
            return _resolve_pronoun(ctx, lw, cue_start), True
    if last is None:
        rep = re.search(r"\b([Hh]is|[Hh]er)\s+(?:[a-z]+\s+)?([a-z]+)\s*$", frame)
        if rep and rep.group(2) in _representatives():
            # "his spokeswoman said": the person he/she refers to speaks through them
            return _resolve_pronoun(ctx, "he" if rep.group(1).lower() == "his" else "she", cue_start), True
        if re.search(r"\b(?:the|this|that|its)\s+statement\s*$", frame, re.IGNORECASE):
            issuer = _statement_issuer(ctx, cue_start)
            if issuer:
                return issuer, True
        return None, False
    words = [w for w in between if w.lower() not in _MODIFIER_OK and not (w.lower().endswith("ly") and len(w) > 4)]
    if not words:
        return last.name, True
    if (
        "," not in words
        and not any(w.lower() in ("a", "an", "the", "one", "two", "some") for w in words)
        and (words[-1].lower() in _representatives() and len(words) <= 4)
    ):
        return last.name, True
    return None, True


_STATEMENT = re.compile(r"\bstatements?\b", re.IGNORECASE)


def _statement_issuer(ctx: Context, before: int) -> str | None:
    """Who issued "the statement": the actor named beside the last earlier mention of a
    statement ("A statement by the Foreign Affairs Department", "X said in a statement")."""
    lo = max(0, before - 1500)
    hits = [m for m in _STATEMENT.finditer(ctx.text, lo, before)]
    # the statement that is the subject of this very cue does not count
    for hit in reversed(hits[:-1] if hits and before - hits[-1].end() < 4 else hits):
        si = _sentence_index(ctx, hit.start())
        s, e = ctx.sentences[si]
        ms = _outside(ctx, _mentions_in(ctx, s, e))
        if not ms:
            continue
        by = re.match(r"\s+(?:by|from|of|issued by)\s+", ctx.text[hit.end() : hit.end() + 16])
        if by:
            after = [m for m in ms if m.start >= hit.end()]
            if after:
                return after[0].name
        return min(ms, key=lambda m: abs(m.start - hit.start())).name
    return None


def _after_attribution(ctx: Context, span: _Span, sent_end: int) -> tuple[str | None, bool]:
    """Speaker named after the closing mark: ', said X' / ', X said' / ', he said', or
    at the end of the sentence ("There is 'no information' that ..., Meissner said.")."""
    text = ctx.text
    tail_end = min(sent_end, span.close_end + 300)
    tail = text[span.close_end : tail_end]
    stripped = tail.lstrip(" ,:;—–-")
    offset = span.close_end + (len(tail) - len(stripped))
    cues = cue_forms()
    first = re.match(r"(\w+)(?:\s+(\w+))?", stripped)
    if first:
        w1 = first.group(1).lower()
        w2 = (first.group(2) or "").lower()
        if w1 in _SUBJECT_PRONOUNS and w2 in cues:
            return _resolve_pronoun(ctx, w1, span.open_at), True
        if w1 in cues and w2 in _SUBJECT_PRONOUNS:
            return _resolve_pronoun(ctx, w2, span.open_at), True
        if w1 in cues:
            after = _mentions_in(ctx, offset, min(tail_end, offset + 160))
            return (after[0].name if after else None), True
    cue_list = [c for c in _cue_regex().finditer(text, offset, tail_end) if not _capital_mid_sentence(text, c)]
    final = _final_attribution(ctx, offset, tail_end, cue_list)
    if final is not None:
        return final, True
    for k, cue in enumerate(cue_list):
        frame = _unquoted(ctx, offset, cue.start())
        if _NEW_CLAUSE.search(frame):
            break  # "..., while He said ...": another clause, another speaker
        if _apposition_to_quote(ctx, re.findall(r"[\w']+", frame), offset, cue.start()):
            break  # "'freedom,' a vision he called a cliche": an apposition to the quote
        rest_words = len(re.findall(r"\w+", text[cue.end() : tail_end]))
        near = k == 0 and cue.start() - offset < 120
        final = rest_words <= 8 or re.match(r"\s+(?:on|in|at|to|during|after|before|from)\b", text[cue.end() :])
        if not (near or final):
            continue
        name, found = _subject_before(ctx, cue.start(), offset)
        if found:
            return name, True
        subject = re.findall(r"[\w'’]+", _unquoted(ctx, offset, cue.start()))
        if 1 < len(subject) <= 5 and subject[0].lower() in _UNNAMED_OPENERS:
            # '"...," the official said' / 'one European diplomat said': a speaker the
            # text does not name; not the previous quote's
            return None, True
        if (
            re.search(r"[,;:][\"”'’]?\s*$", text[max(offset - 3, cue.start() - 4) : cue.start()])
            or cue.start() == offset
        ):
            # ", said Roger Bernstein": the speaker follows the verb
            after = _mentions_in(ctx, cue.end(), min(tail_end, cue.end() + 120))
            if after and after[0].start - cue.end() < 60:
                return after[0].name, True
    return None, False


_UNNAMED_OPENERS = frozenset("the a an one two three several some another".split())


def _apposition_to_quote(ctx: Context, words: list[str], start: int, end: int) -> bool:
    """'"freedom," a notion X called naive': an indefinite noun phrase after the quote
    describes it. Only "a ministry spokesman said" (a representative, no name) speaks."""
    if not words or words[0].lower() not in ("a", "an"):
        return False
    # a generic reference ("a ministry spokesperson") is not a name
    named = [m for m in _outside(ctx, _mentions_in(ctx, start, end)) if not m.text[:1].islower()]
    return bool(named) or not any(w.lower() in _representatives() for w in words)


def _final_attribution(ctx: Context, offset: int, end: int, cues: list[re.Match[str]]) -> str | None:
    """'..., Meissner said.' / '..., said Roger Bernstein, representing the family.' closing
    the sentence: the speaker of every quote before it that has no other attribution."""
    if not cues:
        return None
    cue = cues[-1]
    text = ctx.text
    after_words = re.findall(r"[\w'’]+", text[cue.end() : end])
    lead = text[offset : cue.start()]
    comma = lead.rfind(",")
    if comma < 0:
        return None
    subject_part = re.findall(r"[\w'’.]+", lead[comma + 1 :])
    if not subject_part:
        if cue.group().endswith("ing"):
            return None  # "..., adding that Beijing ...": a participle, not an inverted attribution
        # ", said Roger Bernstein, representing ...": the name follows the verb
        ms = _outside(ctx, _mentions_in(ctx, cue.end(), min(end, cue.end() + 80)))
        if ms and len(after_words) <= 14:
            return ms[0].name
        return None
    if len(subject_part) > 5 or len(after_words) > 6:
        return None
    if _apposition_to_quote(ctx, subject_part, offset + comma + 1, cue.start()):
        return None  # "'freedom,' a notion X called naive": an apposition to the quote
    name, found = _subject_before(ctx, cue.start(), offset + comma + 1)
    return name if found else None


def _before_attribution(
    ctx: Context, span: _Span, sent_start: int, sent_end: int, floor: int = -1
) -> tuple[str | None, bool]:
    """Speaker named before the opening mark, by a cue verb, 'according to' or 'by X'.
    Only cues after ``floor`` (the end of the previous quote) count."""
    text = ctx.text
    lo = max(sent_start, floor)
    # "according to X" anywhere in the sentence names the source
    for m in _according_regex().finditer(text, sent_start, sent_end):
        if span.open_at <= m.start() < span.close_end:
            continue
        after = _mentions_in(ctx, m.end(), min(sent_end, m.end() + 120))
        if after and after[0].start - m.end() < 40:
            return after[0].name, True
    cues = [
        c
        for c in _cue_regex().finditer(text, lo, span.open_at)
        if _outside_quote(ctx, c.start()) and not _nominal_cue(text, c) and not _capital_mid_sentence(text, c)
    ]
    if not cues:
        # "X: '...'" — a colon right after a named actor (headline/transcript style)
        if re.search(r":\s*$", text[sent_start : span.open_at]):
            ms = _mentions_in(ctx, sent_start, span.open_at)
            if ms and span.open_at - ms[-1].end < 4:
                return ms[-1].name, True
        return None, False
    cue = cues[-1]
    thought = _thought_lemmas()
    if len(cues) > 1 and cue_forms().get(cue.group().lower()) in thought:
        # "Liu said China hoped the U.S. would '...'": the speech verb's subject speaks
        primary = [c for c in cues[:-1] if cue_forms().get(c.group().lower()) not in thought]
        if primary:
            cue = primary[-1]
            cues = cues[: cues.index(cue) + 1]
    between = text[cue.end() : span.open_at]
    # passive agent between the cue and the quote: "praised by Trump as '...'"
    agent = re.search(r"\bby\s+", between)
    if agent:
        ms = _mentions_in(ctx, cue.end() + agent.start(), span.open_at)
        if ms:
            return ms[0].name, True
    # "Elian, dubbed Cuba's 'boy hero'": a passive participle names no speaker
    if (
        re.search(r"(?:,|\b[a-z]+)\s+$", text[lo : cue.start()])
        and _is_participle(cue.group())
        and not re.search(r"\bby\s", between)
    ):
        before_words = re.findall(r"[\w']+", text[lo : cue.start()])
        if (
            before_words
            and before_words[-1].lower() not in _AUX_BEFORE_PARTICIPLE
            and (text[lo : cue.start()].rstrip().endswith(",") or before_words[-1].lower() not in _SUBJECT_PRONOUNS)
        ):
            obj = re.findall(r"[\w'’]+", between)
            passive = not obj or obj[0].lower() == "as" or (len(obj) == 1 and obj[0].endswith(("'s", "’s")))
            if text[lo : cue.start()].rstrip().endswith(",") and passive:
                return None, True
    # "quoted X as saying '...'"
    if cue.group() == "saying" and re.search(r"\bas\s+$", text[lo : cue.start()]):
        q = re.search(r"\bquot\w*\s+", text[lo : cue.start()])
        if q:
            ms = _outside(ctx, _mentions_in(ctx, lo + q.end(), cue.start()))
            if ms:
                return ms[0].name, True
    # inverted: "Replied State Department spokesman Richard Boucher, '...'", "'...,' said X. '...'"
    raw_before = text[lo : cue.start()]
    if (cue.group()[0].isupper() and not raw_before.strip()) or re.search(
        r"(?:[\"”'’]\s*[,;:]?|[,;:][\"”'’])\s*$", raw_before
    ):
        ms = _outside(ctx, _mentions_in(ctx, cue.end(), span.open_at))
        if ms:
            people = [m for m in ms if m.kind == "person"]
            return (people[0] if people else ms[0]).name, True
    if cue.group().endswith("ing") and re.search(r",\s*(?:and\s+|but\s+)?$", text[lo : cue.start()]):
        # ", adding ..." / ", describing him as '...'": the speaker of the clause before
        if len(cues) > 1:
            return _subject_before(ctx, cues[-2].start(), lo)
        return _main_subject(ctx, sent_start, cue.start())
    if re.search(r"(?:,\s*and|\band|\bbut)\s+$", text[lo : cue.start()]):
        # "Bush denounced ... and said ...": a second verb of the same subject
        return _main_subject(ctx, sent_start, cue.start())
    return _subject_before(ctx, cue.start(), lo)


_DETERMINERS = re.compile(
    r"\b(?:the|a|an|that|this|these|those|its|his|her|their|our|your|of|for|no|any|every|each|such|new|"
    r"whose)\s+$",
    re.IGNORECASE,
)


def _capital_mid_sentence(text: str, cue: re.Match[str]) -> bool:
    """A capitalised cue word inside a sentence is part of a name ("the United States",
    "Said Ali"); capitals count only where a sentence or quotation opens ("Replied X")."""
    if not cue.group()[:1].isupper():
        return False
    before = text[max(0, cue.start() - 4) : cue.start()].rstrip(" \t")
    return bool(before) and before[-1] not in ".!?\"”'’`\n:;—–-("


def _nominal_cue(text: str, cue: re.Match[str]) -> bool:
    """A cue word used as a noun: "demand for AI chips", "the call", "a report", "that
    pledge". Only the base and -s forms are ambiguous; past and -ing forms are verbs."""
    w = cue.group().lower()
    lemma = cue_forms().get(w)
    if lemma is None or w not in (lemma, lemma + "s", lemma + "es"):
        return False
    return bool(_DETERMINERS.search(text, max(0, cue.start() - 12), cue.start()))


def _outside_quote(ctx: Context, offset: int) -> bool:
    q = ctx.quoted
    i = bisect.bisect_right(q, (offset, 1 << 60)) - 1
    return not (i >= 0 and q[i][0] <= offset < q[i][1])


def _main_subject(ctx: Context, sent_start: int, limit: int) -> tuple[str | None, bool]:
    """The actor that opens the main clause (after an introductory phrase), or None
    when the clause opens with a plain noun phrase ("the government gave ...")."""
    text = ctx.text
    start = sent_start
    intro = re.match(
        r"\s*(?:In|On|At|After|Before|During|From|For|With|Despite|Amid|Meanwhile|However|But|And)"
        r"\b[^,]{0,60},\s*",
        text[sent_start:limit],
    )
    if intro:
        start = sent_start + intro.end()
    ms = _outside(ctx, _mentions_in(ctx, start, limit))
    words = re.findall(r"\w+", text[start : ms[0].start]) if ms else []
    if ms and len(words) <= 6:
        # "The Communist Party daily Granma compared ... and said": the last actor of
        # the subject phrase, before the clause's first verb
        verb = _first_verb(text, ms[0].end, limit)
        if verb is None:
            return ms[0].name, True
        subject = [m for m in ms if m.start < verb]
        return subject[-1].name, True
    pron = re.match(r"\s*(he|she|they|it)\b", text[start:limit], re.IGNORECASE)
    if pron:
        return _resolve_pronoun(ctx, pron.group(1), start), True
    return None, True


@lru_cache(maxsize=1)
def _past_forms() -> frozenset[str]:
    return frozenset(f for forms in _irregular().values() for f in forms[1:3])


def _first_verb(text: str, start: int, end: int) -> int | None:
    """Offset of the first word that reads as a finite verb (a cue, an irregular past,
    a regular past in -ed)."""
    for m in re.finditer(r"\b[a-z]+\b", text[start:end]):
        w = m.group()
        if w in cue_forms() or w in _past_forms() or (w.endswith("ed") and len(w) > 4):
            return start + m.start()
    return None


def _previous_sentence_speaker(ctx: Context, sent_index: int) -> str | None:
    """The subject of a cue verb in the previous sentence ("Bessent said on Thursday
    that the talks had stalled." followed by a quote)."""
    if sent_index == 0:
        return None
    ps, pe = ctx.sentences[sent_index - 1]
    cue = next((c for c in _cue_regex().finditer(ctx.text, ps, pe) if not _capital_mid_sentence(ctx.text, c)), None)
    if not cue:
        return None
    name, _ = _subject_before(ctx, cue.start(), ps)
    if name is None and re.search(r",\s*$", ctx.text[ps : cue.start()]):
        after = _mentions_in(ctx, cue.end(), min(pe, cue.end() + 120))
        return after[0].name if after else None
    return name


def _learn_gender(ctx: Context) -> None:
    """A sentence opening with He/She after a sentence about one person tells that
    person's gender (used to resolve later he/she)."""
    text = ctx.text
    for k in range(1, len(ctx.sentences)):
        s, e = ctx.sentences[k]
        m = re.match(r"[\s“\"'`]*(He|She)\b", text[s:e])
        if not m:
            continue
        ps, pe = ctx.sentences[k - 1]
        people = [x for x in _mentions_in(ctx, ps, pe) if x.kind == "person"]
        if people and people[0].name not in ctx.gender:
            ctx.gender[people[0].name] = "m" if m.group(1) == "He" else "f"


_NEW_CLAUSE = re.compile(
    r"\b(?:while|whereas|although|though|but|and|because|which|when|as|after|before|who|whom|whose)\b"
)
_AUX_BEFORE_PARTICIPLE = frozenset("has have had was were is are been be being".split())


def _is_participle(word: str) -> bool:
    """A past participle of a label verb ("dubbed", "known", "called")."""
    w = word.lower()
    lemma = cue_forms().get(w)
    return lemma in _label_lemmas() and (w.endswith("ed") or w in ("known", "called"))


@lru_cache(maxsize=1)
def _label_lemmas() -> frozenset[str]:
    return frozenset(_speech()["label_verbs"])


_NOT_NOUN_AFTER = frozenset(
    "to toward towards for of in on at with and or but that which as by from than is was are were will would "
    "has had have be been said says could should may might can into over under about against after before "
    "while because if when it he she they we i you".split()
)


def _scare_quote(text: str, span: _Span, qtext: str) -> bool:
    """A short quoted word or two between a determiner and the noun it qualifies: "the
    'reciprocal' tariffs", "its 'America First' policy"."""
    if len(qtext.split()) > 3 or text[span.end : span.close_end][:1] in ",.;:!?":
        return False  # '"total reset," it now ...': punctuation inside the marks ends a clause
    before = text[max(0, span.open_at - 12) : span.open_at]
    if not re.search(r"\b(?:the|a|an|its|his|her|their|our|so-called|these|those|this|that)\s+$", before, re.I):
        return False
    nxt = re.match(r"\s+([a-z][a-z-]*)\b", text[span.close_end : span.close_end + 30])
    if not nxt:
        return False
    w = nxt.group(1)
    return w not in _NOT_NOUN_AFTER and w not in cue_forms() and not w.endswith("ly")


_STARTS_UNIT = re.compile(r"(?:[.!?][\"”'’]*\s*|\n\s*|^\s*)$")


def find_quotes(ctx: Context) -> list[Quote]:
    """All direct quotations in the article with their speakers (or None)."""
    text = ctx.text
    ctx.mentions = sorted(ctx.mentions, key=lambda m: m.start)
    ctx.mention_starts = [m.start for m in ctx.mentions]
    ctx.sentence_starts = [s for s, _ in ctx.sentences]
    if not ctx.sentences:
        ctx.sentences = [(0, len(text))]
        ctx.sentence_starts = [0]
    ctx.gender = dict(ctx.gender)
    _learn_gender(ctx)
    spans = find_quote_spans(text)
    ctx.quoted = [(sp.start, sp.end) for sp in spans]
    quotes: list[Quote] = []
    prev_quote: Quote | None = None
    prev_close = -1
    for span in spans:
        # "stalled,” — the comma inside the marks is punctuation of the sentence
        while span.end > span.start and text[span.end - 1] in ", \n\t":
            span.end -= 1
        qtext = text[span.start : span.end]
        if not qtext.strip():
            continue
        si = _sentence_index(ctx, span.open_at)
        sent_start, sent_end = ctx.sentences[si]
        last_si = _sentence_index(ctx, max(span.close_end - 1, span.open_at))
        last_end = ctx.sentences[last_si][1]
        speaker, found = _after_attribution(ctx, span, max(last_end, span.close_end))
        if not found or speaker is None:
            # an attribution after the quote that names nobody does not hide one before it
            b_speaker, b_found = _before_attribution(ctx, span, sent_start, sent_end, prev_close)
            if b_found and (b_speaker is not None or not found):
                speaker, found = b_speaker, b_found
        opens_unit = bool(_STARTS_UNIT.search(text[max(0, span.open_at - 6) : span.open_at])) or (
            span.open_at <= sent_start + 1
        )
        same_sentence = prev_quote is not None and prev_quote.sentence_start == sent_start
        if not found and same_sentence and prev_quote is not None and prev_quote.speaker:
            # a second quotation in the sentence with no cue of its own: "called it a
            # 'significant step' ... and 'a strategic divestiture'"
            speaker, found = prev_quote.speaker, True
        if not found and opens_unit and si > 0 and ctx.sentences[si - 1][0] >= prev_close:
            # a sentence of narration between the previous quote and this one names the
            # speaker ("Howard said the Queen is interested. 'She is ...'"): it wins over
            # continuing the earlier quote
            prev = _previous_sentence_speaker(ctx, si)
            if prev:
                speaker, found = prev, True
        if not found and opens_unit and prev_quote is not None and 0 <= span.open_at - prev_close < 400:
            # a quote continuing the previous one ("'...,' said X. 'It's going to get bloody.'")
            speaker, found = prev_quote.speaker, prev_quote.speaker is not None
        ends_unit = not re.search(r"\w", _unquoted(ctx, span.close_end, max(last_end, span.close_end)))
        if not found and opens_unit and ends_unit:
            # (a quote that is the subject of its own sentence, "'Title,' read the
            # editorial", is not the previous speaker's)
            prev = _previous_sentence_speaker(ctx, si)
            if prev:
                speaker, found = prev, True
        if not found and opens_unit:
            # a quote paragraph followed by a short sentence "X said." / "he added."
            nxt = last_si + 1
            if nxt < len(ctx.sentences):
                ns, ne = ctx.sentences[nxt]
                if ne - ns < 80:
                    speaker, found = _after_attribution(ctx, _Span(ns, ns, ns, ns), ne)
        if speaker is not None and _scare_quote(text, span, qtext):
            speaker = None  # "the 'reciprocal' tariffs": a label inside a noun phrase, no one's words
        q = Quote(
            text=qtext,
            start=span.start,
            end=span.end,
            speaker=speaker,
            sentence_start=sent_start,
            sentence_end=max(sent_end, last_end),
        )
        quotes.append(q)
        prev_quote, prev_close = q, span.close_end
    return quotes
