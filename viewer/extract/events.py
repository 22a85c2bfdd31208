"""Events: dated happenings tied to their evidence sentence.

A sentence yields one event per distinct placeable date (DATE/TIME expression whose
value is a calendar position) when it names at least one actor or trade issue and
the clause around the date holds a happening: an event or speech verb
(resources/extract/events.json, speech.json; also any regular past form, irregular
past forms and re- verbs), or an event noun tied to the date ("Thursday's call", "the
June 5 talks", "ahead of a planned meeting ... later this month"). A clause whose only
verb is a state verb is not a happening. With no anchor, only dates written in full
count; relative ones are left to ``unresolved`` by the pipeline.

A sentence with no date of its own that opens by pointing back at a happening ("That
deal had reduced tariffs...") inherits the date of the event of the previous sentence,
with origin INFERRED (only when the article has a date).

Titles are built from the clause, not from a template: subject (actors by short name,
or the noun phrase) + verb in the present + a short object ("Trump and Xi hold phone
call", "Deal reduces tariffs by 115 percentage points"); a participle after a noun in a
prepositional phrase reads as a passive ("Trade agreement signed"); when the date sits
in a closing attribution ("..., Ishiba said Wednesday") the reported clause is titled.
An event noun takes its participants from the first earlier sentence naming the same
kind of happening. ``same_happening`` compares events of different articles.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from viewer.core.model import Actor, ActorMention, Event, IssueMention, Origin, Precision, TimePoint
from viewer.core.resources import load_json
from viewer.core.timepoint import parse_value, span
from viewer.extract.quotes import cue_forms, inflect, verb_forms

# an amount keeps its currency sign ("$35.50", "US$2 billion", "€40")
_WORD = re.compile(
    r"(?:[A-Z]{1,3})?[$€£¥]\d[\d,.]*%?|(?:[A-Z]\.){2,}|[A-Za-zÀ-ÖØ-öø-ž][A-Za-zÀ-ÖØ-öø-ž'’\-]*"
    # a number keeps a suffix that makes it one word ("1990s-era", "19th-century", "10-year")
    r"|[$€£¥]?\d[\d,.%]*(?:[A-Za-z]+)?(?:-[A-Za-z0-9]+)*"
)
# words that end the object of a title ("Canada imposes tariffs on steel | after ...")
_STOP_OBJECT = frozenset(
    "during since after before as amid while when where which who that because despite following until "
    "than if although though whereas according saying adding".split()
)
_PREPOSITIONS = frozenset("on in at by from over about for of to with into against under between among".split())
_REFS = ("PAST_REF", "PRESENT_REF", "FUTURE_REF")
# quotation marks left around words of a title ("calls it very hostile'"); apostrophes inside
# words stay ("Xi's")
_QUOTE_MARKS = re.compile(r"``|''|[“”\"]|(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])")
_DATE_LEADS = frozenset("starting beginning effective".split())  # "a tariff starting Thursday"
_ABBREV = "Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|St|Jr|Sr|Inc|Corp|Co|Ltd|No|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec"
_MODALS_TO = frozenset("would will could can may might must should shall to".split())
_AUX_VERBS = _MODALS_TO - {"to"} | frozenset("has have had is are was were be been being did does do".split())
_ADVERBS = frozenset("almost nearly also just still even never already further then soon again".split())
_DAY_WORDS = frozenset(
    "today yesterday tomorrow tonight monday tuesday wednesday thursday friday saturday sunday".split()
)
_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
# a lowercase word right after a time expression, hyphen or space between ("century temple", "1990s-era")
_MODIFIED_NOUN = re.compile(r"(?:-|\s+)([a-z]+)\b")
# words between a subject and its verb that neither name nor number it ("Costello and Hill all voted")
_QUANTIFIERS = frozenset("all both each together jointly".split())
# particles that belong to a surname ("von der Leyen", "da Silva")
_PARTICLES = frozenset("von van der den de da di du dos bin al el la le".split())
# words a title must not end on ("... duties on up", "... platform late")
_DETERMINERS = frozenset("a an the its their his her our this that these those such some any".split())
# words a subject cannot start with: the title would be "Has been expected", "Yesterday trims"
_BAD_HEADS = frozenset(
    "has have had is are was were be been being will would could can may might must should did does do it "
    "they he she we i you yesterday today tomorrow also then now which who that this these those there "
    "here not no".split()
)
_TIME_WORDS = frozenset(
    "today yesterday tomorrow tonight now then later earlier recently monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)
_TRAILING = (
    _DETERMINERS
    | _PREPOSITIONS
    | frozenset("and or late early earlier later up down starting beginning effective".split())
)
_CLAUSE_SPLIT = re.compile(
    r"[;:—–]|,[”\"’']?\s+(?=(?:and|but|while|which|who|whereas|although|though|after|before|as|when|raising|"
    r"saying|adding|describing|offering|prompting|sending|leaving|making)\b)|\s\((?!\w+\))|"
    # a spaced dash, as after a dateline: "BEIJING, Oct 9 (Reuters) - China ..."
    r"\s[-_–—]{1,2}\s"
)


@dataclass
class _Vocab:
    verbs: dict[str, str]  # form -> lemma (event and cue verbs)
    states: frozenset[str]
    nominals: dict[str, str]
    groups: dict[str, int]  # noun -> group index
    anaphors: frozenset[str]
    anaphor_heads: frozenset[str]
    group_regex: re.Pattern[str]
    auxiliaries: frozenset[str]
    past_forms: frozenset[str]
    irregular_past: dict[str, str]  # past form -> lemma
    nominal_regex: re.Pattern[str]
    reporting: frozenset[str]  # cue forms and reporting verbs: a clause with its own subject follows
    object_pronouns: dict[str, str]  # "it" -> "singular"
    opening_words: frozenset[str]  # prepositions that open a phrase ("in", "during", "since")
    number_words: frozenset[str]
    partitives: frozenset[str]
    opening: re.Pattern[str]  # an opening prepositional phrase closed by a comma


@lru_cache(maxsize=1)
def _irregular_table() -> dict[str, list[str]]:
    return load_json("extract/irregular_verbs.json")["verbs"]


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    data = load_json("extract/events.json")
    verbs = verb_forms(data["event_verbs"])
    for form, lemma in cue_forms().items():
        verbs.setdefault(form, lemma)
    states = frozenset(verb_forms(data["state_verbs"]))
    groups: dict[str, int] = {}
    for i, g in enumerate(data["groups"]):
        for n in g:
            groups.setdefault(n, i)
    past: set[str] = set()
    for lemma in set(verbs.values()):
        forms = inflect(lemma)
        past.add(forms[2])
        past.add(forms[3])
    nouns = sorted(data["nominals"], key=len, reverse=True)
    return _Vocab(
        verbs=verbs,
        states=states,
        nominals=data["nominals"],
        groups=groups,
        anaphors=frozenset(data["anaphors"]),
        anaphor_heads=frozenset(data["anaphor_heads"]),
        # "The two presidents agreed ...": a group named just before, by number
        group_regex=re.compile(
            r"\s*(?:[Tt]he\s+(?:two|three|four)|[Bb]oth(?:\s+the)?)\s+(?:"
            + "|".join(sorted(data["group_nouns"], key=len, reverse=True))
            + r")\b"
        ),
        auxiliaries=frozenset(data["auxiliaries"]),
        past_forms=frozenset(past),
        irregular_past={f: lem for lem, fs in _irregular_table().items() for f in fs[1:3]},
        nominal_regex=re.compile(r"\b(?:" + "|".join(re.escape(n) for n in nouns) + r")\b", re.IGNORECASE),
        reporting=frozenset(cue_forms()) | frozenset(verb_forms(data["reporting_verbs"])),
        object_pronouns=data["object_pronouns"],
        number_words=frozenset(data["number_words"]),
        partitives=frozenset(data["partitive_words"]),
        opening_words=frozenset(data["opening_prepositions"]),
        opening=re.compile(
            r"\s*(?:" + "|".join(data["opening_prepositions"]) + r")\b[^,;:\"“”]{1,80},\s+", re.IGNORECASE
        ),
    )


_DATELINE_HEAD = re.compile(r"[A-Z][A-Z.'’ -]*(?:,\s*[A-Z][A-Za-z.'’ -]*)?,\s*$")
_DATELINE_TAIL = re.compile(r"(?:,?\s*\d{4})?\s*(?:\([^()\n]{1,40}\)\s*)?[-–—]")


def _in_dateline(text: str, t) -> bool:
    """A date in a wire dateline at a line's start ("OTTAWA, Aug 15 —", "BEIJING, Oct 3 (Wire) -")."""
    line = text.rfind("\n", 0, t.start) + 1
    return bool(_DATELINE_HEAD.fullmatch(text, line, t.start) and _DATELINE_TAIL.match(text, t.end))


@dataclass
class DatedExpression:
    """What events need of a time expression (temporal.Timex has these fields)."""

    start: int
    end: int
    text: str
    type: str
    value: str
    resolved: bool
    relative: bool
    mod: str = ""
    end_value: str = ""


def timepoint_of(t: DatedExpression, anchor_known: bool) -> TimePoint | None:
    """The TimePoint of a time expression, or None when it cannot go on a timeline."""
    if t.type not in ("DATE", "TIME") or not t.resolved:
        return None
    if t.relative and not anchor_known:
        return None  # never invent a date: relative values need the article's date
    origin = Origin.RELATIVE if t.relative else Origin.EXPLICIT
    tp = parse_value(t.value, origin)
    if tp is None:
        return None
    if t.end_value:
        end = parse_value(t.end_value, origin)
        if end is not None and end.end >= tp.start:
            tp = span(tp, end)
    return tp


# --- helpers over the sentence ---------------------------------------------------


def _clause_bounds(text: str, s: int, e: int, at: int) -> tuple[int, int]:
    """The clause of sentence [s, e) that holds offset ``at``."""
    start, end = s, e
    for m in _CLAUSE_SPLIT.finditer(text, s, e):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    return start, end


@lru_cache(maxsize=1)
def _known_short_names() -> dict[str, str]:
    """Canonical person -> the one-word name the gazetteer knows ("Xi Jinping" -> "Xi")."""
    from viewer.extract.actors import lexicon

    out: dict[str, str] = {}
    for short, entry in lexicon().surname.items():
        out.setdefault(entry.name, short)
    return out


@lru_cache(maxsize=1)
def _family_first_countries() -> frozenset[str]:
    from viewer.extract.actors import lexicon

    return frozenset(c.name for c in lexicon().countries.values() if c.family_name_first)


def _short(name: str, seen_aliases: dict[str, set[str]], kind: str, country: str = "") -> str:
    """Short display name for titles: a one-word alias seen in the article or known to
    the gazetteer ("Xi"), else the surname of a person, else the canonical name."""
    if kind != "person":
        return name
    short = _short_form(name, seen_aliases, country)
    # a short name that reads as a pronoun ("He" Lifeng) would garble the title
    return name if short.lower() in _BAD_HEADS else short


def _short_form(name: str, seen_aliases: dict[str, set[str]], country: str) -> str:
    parts = name.split()
    particle = next((k for k, p in enumerate(parts[1:-1], 1) if p in _PARTICLES), None)
    if particle is not None and name not in _known_short_names():
        return " ".join(parts[particle:])  # "Ursula von der Leyen" -> "von der Leyen"
    # ties broken by the text itself: set order changes with the hash seed, extraction must not
    for a in sorted(seen_aliases.get(name, ()), key=lambda a: (len(a), a)):
        if " " not in a and a in parts:
            return a
    if name in _known_short_names():
        return _known_short_names()[name]
    if len(parts) > 1 and (
        ("-" in parts[-1] and parts[-1][0].isupper()) or (len(parts) == 2 and country in _family_first_countries())
    ):
        # "Yeo Han-koo", "He Yadong": the family name comes first (unless it reads as a
        # pronoun in a title: "He says ..." -> the full name)
        return parts[0]
    return parts[-1] if len(parts) > 1 else name


def _join(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


_NOT_PAST = frozenset(
    "need indeed speed seed feed breed bleed deed weed red bed led wed shed hundred kindred based united "
    "limited related detailed advanced concerned interested supposed alleged armed skilled".split()
)


def _looks_past(word: str, v: _Vocab) -> bool:
    """A regular past tense or participle ("rallied", "conferred") not in the lists."""
    return len(word) > 4 and word.endswith("ed") and "-" not in word and word not in _NOT_PAST and word not in v.states


def _is_past(word: str, v: _Vocab) -> bool:
    """A past form, irregular ("took") or regular ("rallied")."""
    return word in v.irregular_past or _looks_past(word, v)


def _is_verb(word: str, v: _Vocab) -> bool:
    """A listed event or cue verb form, or a past form."""
    return word in v.verbs or _is_past(word, v)


def _lemma_of_past(word: str) -> str:
    if word.endswith("ied"):
        return word[:-3] + "y"
    stem = word[:-2]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
        return stem[:-1]  # "conferred" -> "confer"
    if stem.endswith(("at", "iz", "is", "uc", "ag", "ot", "ad", "iv", "ov", "ur", "ak", "ac", "ir", "ar")):
        return stem + "e"  # "rated" -> "rate", "criticized" -> "criticize"
    return stem


def _present(lemma: str, plural: bool) -> str:
    if plural:
        return lemma
    return inflect(lemma)[1]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _words(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, start, end))


def _object_phrase(text: str, start: int, end: int, skip: tuple[int, int] | None, limit: int = 7) -> str:
    """A few words after the verb, up to a preposition, punctuation or the date."""
    out: list[str] = []
    stop = end
    # a dot ends the object unless it closes an abbreviation ("U.S.", "Corp.")
    for m_punct in re.finditer(r"[,;:—–!?()]|(?<![A-Z])\.(?=\s|$)|[\"“”](?=\s*(?:,|$|[A-Z]))", text[start:end]):
        if m_punct.group() == "." and re.search(r"\b(?:" + _ABBREV + r")$", text[start : start + m_punct.start()]):
            continue  # "met Mr. Brandt", "Acme Corp. said": an abbreviation's dot
        stop = start + m_punct.start()
        break
    words = _words(text, start, stop)
    truncated = False
    for n, w in enumerate(words):
        if skip and skip[0] <= w.start() < skip[1]:
            # the date itself is left out ("agreed on Monday to extend ..."), with the
            # preposition that introduced it
            if out and (out[-1].lower() in _PREPOSITIONS or out[-1].lower() in _DATE_LEADS):
                out.pop()
            continue
        lw = w.group().lower()
        if lw in _DAY_WORDS:
            # another time expression of the sentence ("said on Monday it would ...")
            if out and out[-1].lower() in _PREPOSITIONS:
                out.pop()
            continue
        if lw in _STOP_OBJECT or lw == "to" and out:
            break
        if lw == "and" and out and re.match(r"\s+[a-z]+ed\b", text[w.end() : w.end() + 20]):
            break  # "called it hostile and threatened ...": a second verb, another happening
        if not out and lw in _DETERMINERS:
            continue
        if lw in _DETERMINERS and lw not in ("a", "an", "the"):
            continue
        out.append(w.group())
        if len(out) >= limit:
            rest = [x.group() for x in words[n + 1 :] if not (skip and skip[0] <= x.start() < skip[1])]
            ends = next(
                (
                    k
                    for k, x in enumerate(rest)
                    if x.lower() in _STOP_OBJECT or x.lower() in _DAY_WORDS or x in ("to", "and", "or", "but")
                ),
                len(rest),
            )
            if ends <= 2:
                out.extend(rest[:ends])  # the phrase ends within two words: keep it whole
            else:
                # cut where a new phrase starts, the object is whole ("... without a deal | on port fees")
                truncated = rest[0].lower() not in _PHRASE_OPENERS
            break
    if truncated:
        out = _phrase_boundary(out)
    # do not end on a dangling article or adjective-less determiner
    while out and out[-1].lower() in _TRAILING:
        out.pop()
    return " ".join(out)


# words that open a phrase: an object may end before one and still read whole
_PHRASE_OPENERS = _PREPOSITIONS | frozenset("and or without within through across toward towards via per".split())
# a relative or reported clause starts with these ("the tariffs | they imposed")
_CLAUSE_OPENERS = frozenset("he she it they we who which that whose whom".split())


def _phrase_boundary(out: list[str]) -> list[str]:
    """An object cut at the word limit ends before its last unfinished phrase, so the title
    reads as a whole clause: "export licences for three" -> "export licences", "down $1.875
    at $44.875 in New York" -> "down $1.875 at $44.875"."""
    v = vocab()
    # a reported clause keeps its verb: "says revised agreement with LIN would dilute ..." is
    # cut after "would dilute", never before it
    floor = max((k for k, x in enumerate(out) if x.lower() in _AUX_VERBS), default=0)
    for k in range(len(out) - 1, floor, -1):
        lw = out[k].lower()
        prev = out[k - 1].lower()
        if lw == "of" and prev in v.partitives:
            continue  # "most of the tariffs": the phrase after "of" is the object itself
        if (
            lw in _PHRASE_OPENERS
            or lw in v.number_words
            or lw[:1].isdigit()
            or lw in _CLAUSE_OPENERS
            # "relatives living in ...": a participle after a noun opens a reduced relative
            or (
                lw.endswith("ing")
                and len(lw) > 5
                and out[k].islower()
                and prev.endswith("s")
                and prev not in v.verbs
                and prev not in _PREPOSITIONS
            )
        ):
            return out[:k]
    return out


def _noun_phrase_before(text: str, start: int, at: int, limit: int = 5) -> str:
    """The noun phrase just before ``at``: the words after the last determiner or
    clause word ("the fate of a fragile trade agreement" -> "fragile trade agreement",
    "Tariffs on cars" -> "Tariffs on cars")."""
    ws = _words(text, start, at)
    out: list[str] = []
    for w in reversed(ws):
        lw = w.group().lower()
        if lw in _DETERMINERS or lw in _STOP_OBJECT or lw in ("to", "and", "with"):
            break
        if lw in _PREPOSITIONS and (not out or lw not in ("of", "on", "for", "from")):
            break
        if re.search(r"[,;:—–]", text[w.end() : at]) and out:
            break
        out.insert(0, w.group())
        if len(out) >= limit:
            break
    while out and out[0].lower() in _PREPOSITIONS:
        out.pop(0)
    return " ".join(out)


class EventBuilder:
    """Builds the events of one article."""

    def __init__(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        timexes: list,
        mentions: list[ActorMention],
        issues: list[IssueMention],
        anchor_known: bool,
        attribution_spans: list[tuple[int, int]] | None = None,
        gender: dict[str, str] | None = None,
    ) -> None:
        self.text = text
        self.sentences = sentences
        self.timexes = sorted(timexes, key=lambda t: t.start)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.issues = sorted(issues, key=lambda m: m.start)
        self.anchor_known = anchor_known
        self.v = vocab()
        self.aliases: dict[str, set[str]] = {}
        self.kind: dict[str, str] = {}
        for m in self.mentions:
            self.aliases.setdefault(m.name, set()).add(m.text)
            self.kind[m.name] = m.kind
        self._starts_of: dict[int, list[int]] = {}
        self._mention_starts = [m.start for m in self.mentions]
        # sources ("according to Chinese state media") report, they do not take part
        self.sources = attribution_spans or []
        # set by _verb_title: the clause it titled reads as a passive naming no agent
        self._agentless = False
        self._verb_at = -1  # set by _verb_title: where the verb it titled stands
        self.gender = gender or {}

    # -- per-sentence material
    def _in(self, items: list, s: int, e: int) -> list:
        """Items (sorted by start) inside [s, e), found by bisection."""
        starts = self._starts_of.get(id(items))
        if starts is None:
            starts = [x.start for x in items]
            self._starts_of[id(items)] = starts
        out = []
        # index, not slice: a slice copies the tail of the list on every call
        for i in range(bisect.bisect_left(starts, s), len(items)):
            x = items[i]
            if x.start >= e:
                break
            if x.end <= e:
                out.append(x)
        return out

    def _actors_of(self, s: int, e: int) -> list[str]:
        out: list[str] = []
        for m in self._in(self.mentions, s, e):
            if m.name not in out:
                out.append(m.name)
        return out

    def _issues_of(self, s: int, e: int) -> list[str]:
        out: list[str] = []
        for m in self._in(self.issues, s, e):
            if m.issue_id not in out:
                out.append(m.issue_id)
        return out

    def _participants(self, s: int, e: int) -> list[ActorMention]:
        """Actors that take part, without the sources of attribution."""
        out = []
        for m in self._in(self.mentions, s, e):
            if any(a <= m.start < b for a, b in self.sources):
                continue
            out.append(m)
        return out

    # -- main
    def build(self) -> list[Event]:
        events: list[Event] = []
        prev_sentence_event: Event | None = None
        seen_keys: set[tuple[str, int]] = set()
        ti = 0
        for s, e in self.sentences:
            while ti < len(self.timexes) and self.timexes[ti].start < s:
                ti += 1
            sent_timexes = []
            j = ti
            while j < len(self.timexes) and self.timexes[j].start < e:
                sent_timexes.append(self.timexes[j])
                j += 1
            actors = self._actors_of(s, e)
            issues = self._issues_of(s, e)
            if not actors:
                actors = self._pronoun_actor(s, e)
            made: list[Event] = []
            dated = [t for t in sent_timexes if t.type in ("DATE", "TIME") and t.value not in _REFS]
            if actors or issues or dated:
                used_values: set[str] = set()
                used_verbs: set[int] = set()  # verbs already dated more precisely in this sentence
                for t in sent_timexes:
                    if _in_dateline(self.text, t):
                        continue  # "BEIJING, Oct 3 (Wire) -": the article's own date, not a happening's
                    if _SINCE.search(self.text, max(0, t.start - 8), t.start) and not re.match(
                        r",?\s+when\b", self.text[t.end : t.end + 8]
                    ):
                        continue  # "the biggest gain since 2008": where a period starts, not a happening
                    tp = timepoint_of(t, self.anchor_known)
                    if tp is None or tp.value in used_values:
                        continue
                    if tp.precision in (Precision.DECADE, Precision.CENTURY) and self._describes_noun(t):
                        continue  # "the fabled 11th century temple": the age of a thing, not a happening
                    self._verb_at = -1
                    ev = self._event_for(s, e, t, tp, actors, issues)
                    if ev is None or (self._verb_at in used_verbs and tp.precision is Precision.YEAR):
                        continue  # "... from November 1, the second tightening this year": the year is context
                    key = self._dedupe_key(ev, t)
                    if key in seen_keys:
                        continue
                    seen_keys.add(key)
                    used_values.add(tp.value)
                    if self._verb_at >= 0:
                        used_verbs.add(self._verb_at)
                    made.append(ev)
                # inheriting needs the article's date: with none, nothing is inferred
                if (
                    not made
                    and not dated
                    and prev_sentence_event is not None
                    and (actors or issues)
                    and (self.anchor_known)
                ):
                    ev = self._inherited(s, e, prev_sentence_event, actors, issues)
                    if ev is not None:
                        made.append(ev)
            events.extend(made)
            prev_sentence_event = made[-1] if made else None
        return events

    def _describes_noun(self, t) -> bool:
        """The expression stands before a noun as its modifier ("an 11th century temple",
        "1990s-era rules"), not after a preposition that would time a verb ("in the 1990s")."""
        m = _MODIFIED_NOUN.match(self.text, t.end)
        if m is None or m[1] in self.v.verbs or m[1] in self.v.past_forms or m[1] in self.v.auxiliaries:
            return False  # "the 1990s saw ...": the decade is the subject of a verb
        before = self.text[max(0, t.start - 40) : t.start].lower().split()
        # "in the 1990s boom" still times what follows; "the fabled 11th century temple" does not
        return not any(w in self.v.opening_words for w in before[-3:])

    def _pronoun_actor(self, s: int, e: int) -> list[str]:
        """'She also pledged ...': the person a subject pronoun stands for, so that the
        happening has its actor."""
        m = re.search(r"\b(he|she|He|She)\b", self.text[s:e])
        if not m:
            return []
        p = self._person_for(m.group(1), s)
        return [p.name] if p else []

    def _person_for(self, pronoun: str, before: int) -> ActorMention | None:
        """The person he/she stands for: the last person named before ``before`` whose
        known gender does not contradict the pronoun (genders come from titles, the
        gazetteer and sentences opening with He/She)."""
        want = "m" if pronoun.lower() == "he" else "f"
        k = bisect.bisect_left(self._mention_starts, before)
        for x in reversed(self.mentions[max(0, k - 60) : k]):
            if x.end <= before and x.kind == "person" and self.gender.get(x.name, want) == want:
                return x
        return None

    def _dedupe_key(self, ev: Event, t) -> tuple[str, int]:
        """The same happening named twice ("an agreement signed in May" ... "the May
        pact"): same date and same kind of event noun."""
        noun = self._nominal_at(t)
        if noun is not None and noun in self.v.groups:
            return (ev.when.value, self.v.groups[noun])
        m = self.v.nominal_regex.search(ev.title)
        if m and m.group().lower() in self.v.groups:
            return (ev.when.value, self.v.groups[m.group().lower()])
        return (ev.when.value + "|" + ev.title, -1)

    def _reported_title(self, s: int, cs: int, t) -> str | None:
        """'Japan and the US have agreed to lower tariffs, Ishiba said Wednesday': when
        the date sits in a closing attribution, the reported clause is the happening."""
        start = max(s, cs)
        comma = None
        for m in re.finditer(r",[”\"’']?\s+", self.text[start : t.start]):
            comma = start + m.start()
        if comma is None:
            return None
        s = start
        tail = _WORD.findall(self.text[comma : t.start])
        if not tail or len(tail) > 8 or not any(w.lower() in cue_forms() for w in tail):
            return None
        head_words = _WORD.findall(self.text[s:comma])
        if len(head_words) < 4:
            return None
        fake = DatedExpression(comma, comma, "", "DATE", "", True, False)
        title = self._verb_title(s, comma, s, comma, fake)
        if title and not any(title.lower().split()[1:2] == [c] for c in cue_forms()):
            return title
        return None

    def _nominal_before(self, cs: int, t) -> str | None:
        """An event noun the date follows with no verb between: "a planned meeting
        between Xi and Trump later this month"."""
        window = self.text[max(cs, t.start - 120) : t.start]
        best = None
        # the event noun must sit in a prepositional phrase ("ahead of a planned
        # meeting"); as the object of a verb ("signed a trade pact") the verb is the event
        for m in re.finditer(
            r"\b(?:of|to|for|at|after|before|since|until|following|during|from|ahead\s+of)\s+"
            r"(?:a|an|the|its|their|his|her)\s+(?:[\w-]+\s+){0,2}?(" + self._nominal_alts() + r")\b",
            window,
            re.IGNORECASE,
        ):
            best = m
        if best is None:
            return None
        between = _WORD.findall(window[best.end() :])
        if len(between) > 14 or any(
            (x.lower() in self.v.verbs and x.islower()) or x.lower() in self.v.irregular_past or x.endswith("ed")
            for x in between
        ):
            return None
        return best.group(1).lower()

    def _nominal_alts(self) -> str:
        return "|".join(re.escape(n) for n in sorted(self.v.nominals, key=len, reverse=True))

    def _nominal_at(self, t) -> str | None:
        """An event noun the date modifies: "Thursday's call", "the May pact", "June 5 talks"."""
        after = self.text[t.end : t.end + 40]
        m = re.match(r"(?:[’']s)?\s+((?:[a-z-]+\s+){0,2}?)(" + self.v.nominal_regex.pattern[5:-3] + r")\b", after)
        if m:
            between = m.group(1).split()
            if any(w in ("that", "which", "who", "whether", "if") for w in between):
                return None  # "said on Tuesday that the talks ...": the noun opens a reported clause
            if any(w in _STOP_OBJECT or w in ("without", "with", "against", "over") for w in between):
                return None  # "ended the talks on Thursday without a deal": the date does not name the deal
            # "today denounced the tariffs": a verb between makes the noun its object
            if any(_is_verb(w, self.v) for w in between):
                return None
            return m.group(2).lower()
        return None

    def _event_for(self, s: int, e: int, t, tp: TimePoint, actors: list[str], issues: list[str]) -> Event | None:
        text = self.text
        cs, ce = _clause_bounds(text, s, e, t.start)
        when = re.match(r",?\s+when\s+", text[t.end : t.end + 10])
        if when and _SINCE.search(text, max(0, t.start - 8), t.start):
            # "since early December, when Castro promised ...": the when-clause is the happening
            cs = t.end + when.end()
            ce = max(ce, _clause_bounds(text, s, e, cs)[1])
        noun = self._nominal_at(t) or self._nominal_before(cs, t)
        title = None
        if noun is not None:
            title, people = self._nominal_title(s, e, noun)
            if not actors:
                actors = [m.name for m in people]
        if not actors and not issues:
            return None  # an event needs at least one actor or trade issue
        if title is None:
            title = self._reported_title(s, cs, t)
        if title is None:
            self._agentless = False
            title = self._verb_title(cs, ce, s, e, t)
            if title is not None and self._agentless and (cs, ce) != (s, e):
                # "Bessent acknowledged the talks are stalled, raising concerns over an agreement
                # signed in May": who signed is not said; the sentence's other actors did not
                clause = self._actors_of(cs, ce)
                if clause or issues:
                    actors = clause
            if title is None and (cs, ce) != (s, e):
                title = self._verb_title(s, e, s, e, t)
            if title is None:
                return None
        return Event(
            title=title,
            when=tp,
            evidence=text[s:e],
            start=s,
            end=e,
            actors=actors,
            issues=issues,
            date_text=t.text,
            date_start=t.start,
            date_end=t.end,
        )

    def _nominal_title(self, s: int, e: int, noun: str) -> tuple[str, list[ActorMention]]:
        """Title of a happening named by a noun, and its participants (from this
        sentence, or from the first earlier sentence naming the same kind of event)."""
        phrase = self.v.nominals.get(noun, noun)
        people = self._participants(s, e)
        if not people and noun in self.v.groups:
            people = self._earlier_participants(s, self.v.groups[noun])
        names = self._title_names(people)
        lemma, _, rest = phrase.partition(" ")
        if names:
            verb = _present(lemma, len(names) > 1) if lemma in self.v.verbs else lemma
            return _cap(f"{_join(names)} {verb} {rest}".strip()), people
        # no participants: "Call held", "Agreement reached"
        if lemma in self.v.verbs and rest:
            return _cap(f"{rest} {inflect(lemma)[3]}"), people
        return _cap(phrase), people

    def _earlier_participants(self, before: int, group: int) -> list[ActorMention]:
        """Participants of the first earlier sentence naming the same kind of happening."""
        nouns = [n for n, g in self.v.groups.items() if g == group]
        rx = re.compile(
            r"\b(?:" + "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True)) + r")\b",
            re.IGNORECASE,
        )
        for s, e in self.sentences:
            if s >= before:
                break
            if rx.search(self.text, s, e):
                people = [m for m in self._participants(s, e) if m.kind in ("person", "government")]
                if people:
                    return people
        return []

    def _listed(self, people: list[ActorMention]) -> bool:
        """The mentions form one list joined by commas and "and"/"or" ("Japan, South Korea and the EU")."""
        from viewer.extract.actors import LIST_GLUE

        return len(people) > 2 and all(
            LIST_GLUE.fullmatch(self.text, a.end, b.start) for a, b in zip(people, people[1:], strict=False)
        )

    def _title_names(self, people: list[ActorMention], limit: int = 2) -> list[str]:
        names: list[str] = []
        persons = [m for m in people if m.kind == "person"]
        pool = persons or [
            m for m in people if m.kind in ("government", "ministry", "agency", "organization", "company")
        ]
        for m in pool:
            short = _short(m.name, self.aliases, m.kind, m.country)
            if short not in names:
                names.append(short)
            if len(names) >= limit:
                break
        return names

    def _verb_title(self, cs: int, ce: int, s: int, e: int, t) -> str | None:
        text = self.text
        ws = _words(text, cs, ce)
        verbs = []
        for i, w in enumerate(ws):
            if t.start <= w.start() < t.end:
                continue
            lw = w.group().lower()
            if w.group()[0].isupper():
                continue
            prev2 = [x.group().lower() for x in ws[max(0, i - 2) : i]]
            nxt_w = ws[i + 1].group().lower() if i + 1 < len(ws) else ""
            if (
                any(p in ("his", "her", "its", "their", "our", "my", "your") for p in prev2)
                or (prev2 and prev2[-1] in _DETERMINERS)
                or (
                    len(prev2) == 2
                    and prev2[0] in _DETERMINERS
                    and prev2[1] not in self.v.auxiliaries
                    and not ws[i - 1].group()[:1].isupper()  # "The EU called on ...": a name, then its verb
                    and (not nxt_w or nxt_w in _PREPOSITIONS)
                )
            ):
                continue  # "the export ban" is a noun
            if lw.endswith("ing") and any(p in _DETERMINERS for p in prev2):
                continue  # "the second tightening this year" is a noun
            after_verb = bool(prev2) and prev2[-1] in self.v.verbs and prev2[-1] not in self.v.auxiliaries
            if (
                after_verb
                and lw not in self.v.past_forms
                and (nxt_w.endswith("s") or (len(prev2) == 2 and prev2[0] in _MODALS_TO))
            ):
                continue  # "would require export licences": a bare form between a verb and its object
            if lw in self.v.auxiliaries and self._verb_follows(ws, i):
                continue  # "had just ended": the auxiliary is not the happening, the verb after it is
            if (lw in _DATE_LEADS or lw == "from") and 0 <= t.start - w.end() <= 5:
                continue  # "a tariff starting Thursday": the date's preposition, not the verb
            if (
                lw in self.v.verbs
                or lw in self.v.irregular_past
                or _looks_past(lw, self.v)
                or (len(lw) > 5 and lw.startswith("re") and lw[2:] in self.v.verbs)  # "reimpose"
            ):
                # a listed event verb, an irregular past form, or a regular past ("rallied")
                verbs.append((i, w, lw))
        if not verbs:
            return None
        finite = [v for v in verbs if not (v[2].endswith("ing") and v[0] > 0 and ws[v[0] - 1].group() in _PREPOSITIONS)]
        if finite:
            verbs = finite  # "accuses Beijing of violating the deal": the gerund is what is said, not done
        # the verb nearest the date, preferring one before it ("X did Y on Monday")
        before = [v for v in verbs if v[1].start() < t.start]
        after = [v for v in verbs if v[1].start() >= t.end]
        cand = before[-1] if before else after[0]
        pasts = [v for v in verbs if _is_past(v[2], self.v)]
        if cand not in pasts and pasts and (self._noun_like(ws, cand[0]) or self._modifier_like(ws, cand[0])):
            # "tightened its export licensing rules in September": a plural noun next to
            # the date is no verb when the clause has a past-tense verb
            cand = min(pasts, key=lambda v: abs(v[1].start() - t.start))
        lead = [x.group().lower() for x in _words(text, cs, t.start)]
        if before and after and all(x in _PREPOSITIONS or x in ("and", "then", "but", "also") for x in lead):
            cand = after[0]  # "..., and on Friday the ministry announced ...": the date opens the clause
        i, w, lw = cand
        self._verb_at = w.start()
        prev = ws[i - 1].group().lower() if i > 0 else ""
        if prev == "to" and len(verbs) > 1:
            other = [v for v in verbs if v is not cand and (v[0] == 0 or ws[v[0] - 1].group().lower() != "to")]
            if other:
                i, w, lw = other[0]
                prev = ws[i - 1].group().lower() if i > 0 else ""
        if lw in self.v.states and lw not in cue_forms():
            return None
        lemma = (
            self.v.verbs.get(lw)
            or self.v.irregular_past.get(lw)
            or ("re" + self.v.verbs[lw[2:]] if lw.startswith("re") and lw[2:] in self.v.verbs else None)
            or _lemma_of_past(lw)
        )
        subj = [m for m in self._participants(cs, w.start())]
        thats = list(re.finditer(r"\bthat\s+", text[cs : w.start()]))
        if thats:
            that = thats[-1]
            # "Xu said on Thursday that the company would launch ...": the reported
            # clause has its own subject
            inner = [m for m in subj if m.start >= cs + that.end()]
            if inner:
                subj = inner
        np_from = cs  # where the subject's noun phrase may start
        # "Lutnick said a meeting was planned", "customs data showed shipments fell": after a
        # reporting verb the clause has its own subject; the actors before it do not act
        for x in _words(text, cs, w.start()):
            if (
                x.group().islower()
                and x.group() in self.v.reporting
                and x.end() < w.start() - 1
                and not re.match(r"\s+to\b", text[x.end() : x.end() + 4])  # "agreed to cut": one subject
            ):
                subj = [m for m in subj if m.start >= x.end()]
                np_from = x.end()
        if len(subj) > 1:
            # "Trump met Xi on Monday and praised them": actors after an earlier verb of the
            # clause are its objects; the subject of both verbs comes before it
            for x in _words(text, subj[0].end, w.start()):
                lx = x.group()
                if (
                    lx.islower()
                    and lx not in self.v.auxiliaries
                    and _is_past(lx, self.v)
                    and any(m.start > x.start() for m in subj)
                    and re.search(r"\b(?:and|but|then)\s+(?:\w+ly\s+)?$", text[x.end() : w.start()])
                ):
                    subj = [m for m in subj if m.start < x.start()]
                    break
        if len(subj) > 1:
            app = re.match(r"\s*,[^,;]{1,100},\s*", text[subj[0].end : w.start()])
            if app:
                # "The Netherlands, home to toolmaker ASML, tightened ...": the apposition
                # describes the subject; its actors do not act
                hi = subj[0].end + app.end()
                subj = [m for m in subj if not (subj[0].end <= m.start < hi)]
        opening = self.v.opening.match(text, cs, w.start())
        if opening:
            # "In New York Stock Exchange composite trading yesterday, Coors closed ...": the
            # opening phrase names a venue or a circumstance; the subject follows its comma
            subj = [m for m in subj if m.start >= opening.end()]
            np_from = max(np_from, opening.end())
        obj = self._shorten(_object_phrase(text, w.end(), ce, (t.start, t.end)), w.end(), ce)
        obj = self._pronoun_object(obj, s, w.start(), lw in self.v.reporting)
        if lw in cue_forms() and not obj:
            # "Huang said last week that the company had ..." -> what was said
            rest = re.match(r"(?:\s+\S+){0,4}?\s+that\s+", text[w.end() : ce])
            if rest:
                obj = _object_phrase(text, w.end() + rest.end(), ce, (t.start, t.end), limit=7)
        nxt = ws[i + 1].group().lower() if i + 1 < len(ws) else ""
        gap = text[w.end() : ws[i + 1].start()] if i + 1 < len(ws) else "."
        # "an agreement signed in May": a participle after a noun, followed by a
        # preposition, the date or punctuation; "the deal cut tariffs" is active
        reduced = (
            not subj
            and prev not in self.v.auxiliaries
            and i > 0
            and self._np_after_preposition(ws, i)
            and (
                nxt in _PREPOSITIONS
                or bool(re.search(r"[,;.]", gap))
                or (t.start <= (ws[i + 1].start() if i + 1 < len(ws) else ce) < t.end + 1)
            )
        )
        passive = (lw in self.v.past_forms or lw.endswith("ed")) and (
            prev in ("was", "were", "been", "be", "being", "is", "are") or reduced
        )
        if passive:
            agent = re.match(r"\s+by\s+", text[w.end() : ce])
            agents = self._participants(w.end(), ce) if agent else []
            if agents:
                names = self._title_names(agents)
                return _cap(
                    f"{_join(names)} {_present(lemma, len(names) > 1)} {self._subject_np(np_from, w, i, ws)}".strip()
                )
            if subj:
                # "Crown Prince Hassan ... was asked today about the message"
                names = self._title_names(subj)
                return _cap(" ".join(x for x in (_join(names), w.group(), obj) if x))
            np = self._subject_np(np_from, w, i, ws)
            if np.lower() in ("he", "she"):
                found = self._person_for(np, w.start())
                prior = [found] if found else []
                np = _join(self._title_names(prior)) if prior else ""
            if np and np.split()[0].lower() in _BAD_HEADS:
                np = ""
            self._agentless = True
            if not np and re.match(r"\s*(?:which|that)\b", text[cs : w.start()]):
                # "the accord, which was announced Friday": the noun before the comma
                np = _noun_phrase_before(text, s, cs).strip(" ,")
                np = " ".join(x for x in np.split() if x.lower() not in self.v.auxiliaries)
            if not np:
                return None
            return _cap(f"{np} {w.group()}")
        if not subj:
            # the clause's subject may be a pronoun for the last person, or a plain noun phrase
            pron = re.search(r"\b(he|she)\b", text[cs : w.start()], re.IGNORECASE)
            if pron:
                # he/she: the last person named; "they" is too often a group to guess
                found = self._person_for(pron.group(1), cs)
                subj = [found] if found else []
        if subj:
            # "Japan, South Korea and the EU impose ...": a listed subject keeps every name
            names = self._title_names(subj, limit=3 if self._listed(subj) else 2)
            head = _join(names)
            plural = len(names) > 1
            tail = [
                x.group()
                for x in _words(text, subj[-1].end, w.start())
                if x.group().lower() not in self.v.auxiliaries
                and not x.group().lower().endswith("ly")
                and not (t.start <= x.start() < t.end)  # "Bush today denounced": the date
                and x.group().lower() not in _TIME_WORDS
                and x.group().lower() not in _QUANTIFIERS
                and x.group() not in ("s", "'s", "’s")
            ]
            if (
                1 <= len(tail) <= 2
                and all(
                    x.islower()
                    and x not in _PREPOSITIONS
                    and x not in self.v.verbs
                    and x not in ("he", "she", "they", "it", "we", "who", "which", "that")
                    for x in tail
                )
                and (not re.search(r"[,;:]", text[subj[-1].end : w.start()]))
            ):
                head = f"{head} {' '.join(tail)}"  # "Nvidia shares fall 3%"
                plural = tail[-1].endswith("s") and not tail[-1].endswith("ss")
        else:
            head = self._subject_np(np_from, w, i, ws)
            # the number of "exports from China" is that of "exports"
            core = re.split(r"\s+(?:of|on|for|from)\s+", head)[0]
            plural = core.endswith("s") and not core.endswith("ss")
            last = core.split()[-1] if core else ""
            if plural and last[:1].isupper() and text.rfind(last, s, w.start()) > s:
                plural = False  # a capitalised name inside the sentence ("..., Coors closed"): one company
            if not head:
                head = ""
        verb = _present(lemma, plural) if lw not in ("'s",) else lw
        if not head or (not subj and head.split()[0].lower() in _BAD_HEADS):
            # no subject in the clause ("... which fell to $14 billion last year"): the
            # sentence's first participant, else no title (the event is not readable)
            people = self._participants(s, e)
            if not people:
                return None
            head = _join(self._title_names(people[:1]))
            plural = False
            verb = _present(lemma, plural)
        if not obj and lemma in self.v.states:
            return None

        def joined(obj: str) -> str:
            title = _QUOTE_MARKS.sub("", " ".join(x for x in (head, verb, obj) if x))
            return re.sub(r"\s+", " ", title).strip()

        title = joined(obj)
        words = obj.split()
        while len(title) > 80 and len(words) > 1:
            # too long: end the object before its last phrase, not in the middle of one
            shorter = _phrase_boundary(words[:-1])
            words = shorter if len(shorter) < len(words) - 1 else words[:-1]
            while words and words[-1].lower() in _TRAILING:
                words.pop()
            title = joined(" ".join(words))
        if len(title) > 80:
            title = title[:77].rsplit(" ", 1)[0] + "…"
        return _cap(title)

    def _pronoun_object(self, obj: str, s: int, verb_at: int, reporting: bool = False) -> str:
        """'Mexico imposed a levy ... and suspended it': a pronoun object by its antecedent,
        the noun object of an earlier verb of this sentence or the one before, of the same
        number; with none, a bare pronoun object is left out of the title."""
        words = obj.split()
        if not words or words[0].lower() not in self.v.object_pronouns:
            return obj
        number = self.v.object_pronouns[words[0].lower()]
        nxt = words[1].lower() if len(words) > 1 else ""
        if reporting and nxt and number == "singular":
            return obj  # "said it continues to ...": "it" opens the reported clause
        if nxt and (nxt in self.v.auxiliaries or nxt in _MODALS_TO or _is_verb(nxt, self.v)):
            return obj  # "said it would require ...", "says it continues": the subject of a reported clause
        k = bisect.bisect_right([a for a, _ in self.sentences], s) - 1
        lo = self.sentences[k - 1][0] if k > 0 else s
        antecedent = self._noun_object_before(lo, verb_at, number)
        if antecedent:
            return " ".join([antecedent, *words[1:]])
        # "calls it coercion" reads; "suspends it" alone does not
        return obj if len(words) > 1 else ""

    def _noun_object_before(self, lo: int, hi: int, number: str) -> str:
        """The noun phrase object of the last verb in [lo, hi) whose head has ``number``."""
        ws = _words(self.text, lo, hi)
        for i in range(len(ws) - 1, -1, -1):
            lw = ws[i].group()
            if not lw.islower() or lw in self.v.auxiliaries:
                continue
            if not _is_verb(lw, self.v):
                continue
            if self._modifier_like(ws, i) or (i > 0 and ws[i - 1].group().lower() in _DETERMINERS):
                continue  # "new export controls", "the export ban": nouns
            np: list[str] = []
            after = ""  # the word after the noun phrase
            for j in range(i + 1, min(i + 7, len(ws))):
                x = ws[j].group()
                lx = x.lower()
                after = lx
                if re.search(r"[,;:.!?()\"“”]", self.text[ws[j - 1].end() : ws[j].start()]):
                    break
                if lx in _DETERMINERS:
                    if np:
                        break  # "left computer inventories | a further ...": another phrase
                    continue
                if (
                    lx in _PREPOSITIONS
                    or lx in _STOP_OBJECT
                    or lx in ("and", "or", "to")
                    or lx in _DAY_WORDS
                    or lx in self.v.object_pronouns
                    or lx in ("he", "she", "they", "we", "i", "you")
                    or x[0].isdigit()
                    or len(np) >= 4
                ):
                    break
                np.append(x)
            if after in self.v.auxiliaries or after in _MODALS_TO and after != "to":
                continue  # "said the tariffs would ...": the subject of a reported clause
            if not np or any(
                m.kind == "person" and ws[i].end() <= m.start < ws[min(len(ws) - 1, i + len(np) + 1)].end()
                for m in self._in(self.mentions, ws[i].end(), hi)
            ):
                continue
            head = np[-1].lower()
            plural = head.endswith("s") and not head.endswith("ss")
            if plural == (number == "plural"):
                return " ".join(np)
        return ""

    def _verb_follows(self, ws: list[re.Match[str]], i: int) -> bool:
        """A verb form right after word ``i``, past an adverb or two ("had just ended")."""
        for w in ws[i + 1 : i + 4]:
            lw = w.group().lower()
            if lw.endswith("ly") or lw in ("just", "not", "also", "already", "still", "never", "now", "been"):
                continue
            return _is_past(lw, self.v) or lw.endswith("ing")
        return False

    def _noun_like(self, ws: list[re.Match[str]], i: int) -> bool:
        """A base or -s form right after a lowercase word that is neither an auxiliary,
        a pronoun nor an adverb ("licensing rules", "port fees") reads as a noun."""
        if i == 0:
            return False
        prev = ws[i - 1].group()
        lp = prev.lower()
        return (
            ws[i].group().endswith("s")  # "rules", "fees": a bare verb after a modal is no noun
            and lp not in _ADVERBS
            and prev.islower()
            and lp not in self.v.auxiliaries
            and lp not in ("he", "she", "it", "they", "we", "i", "you", "who", "which", "that", "to")
            and not lp.endswith("ly")
            and lp not in _TIME_WORDS
            and not any(m.start <= ws[i - 1].start() < m.end for m in self.mentions)
        )

    def _modifier_like(self, ws: list[re.Match[str]], i: int) -> bool:
        """A base form between an adjective and a noun ("announced new export controls")
        modifies the noun: no auxiliary, modal, pronoun or plural subject before it."""
        if i == 0 or i + 1 >= len(ws):
            return False
        w, prev, nxt = ws[i].group(), ws[i - 1].group(), ws[i + 1].group()
        lp = prev.lower()
        return (
            self.v.verbs.get(w) == w
            and prev.islower()
            and not lp.endswith(("s", "ly"))
            and lp not in _STOP_OBJECT
            and lp not in _PHRASE_OPENERS
            and lp not in ("not", "never")
            and lp not in self.v.auxiliaries
            and lp not in _MODALS_TO
            and lp not in _ADVERBS
            and lp not in ("he", "she", "it", "they", "we", "i", "you", "who", "which", "that")
            and nxt.islower()
            and nxt not in _DETERMINERS
            and nxt not in _PREPOSITIONS
            and self.text[ws[i].end() : ws[i + 1].start()].isspace()
        )

    def _shorten(self, phrase: str, start: int, end: int) -> str:
        """Actors inside a title's object by their short names ("meets Lutnick", not
        "meets Commerce Secretary Howard Lutnick")."""
        for m in self._in(self.mentions, start, end):
            if m.kind != "person":
                continue
            for written in (m.text, m.text.replace(".", "")):  # titles lose their dots in a title
                if written in phrase:
                    phrase = phrase.replace(written, _short(m.name, self.aliases, m.kind, m.country), 1)
                    break
        return phrase

    def _np_after_preposition(self, ws: list[re.Match[str]], i: int) -> bool:
        """True when the noun phrase before word ``i`` sits after a preposition ("the
        fate of a trade agreement signed in May"): then the participle is a reduced
        passive; at a clause start ("the two sides agreed in Madrid") it is the verb."""
        k = i - 1
        while k >= 0 and ws[k].group().lower() not in _DETERMINERS and i - k <= 5:
            if ws[k].group().lower() in _PREPOSITIONS:
                return True
            k -= 1
        return k > 0 and ws[k - 1].group().lower() in _PREPOSITIONS

    def _subject_np(self, cs: int, w: re.Match[str], i: int, ws: list[re.Match[str]]) -> str:
        np = _noun_phrase_before(self.text, cs, w.start(), limit=6)
        # drop auxiliaries and adverbs that _noun_phrase_before kept
        toks = [x for x in np.split() if x.lower() not in self.v.auxiliaries and not x.lower().endswith("ly")]
        while toks and (toks[0].lower() in _PREPOSITIONS or toks[0].lower() in _TIME_WORDS):
            toks = toks[1:]  # "said on Friday it would ...": the date is not the subject
        return " ".join(toks)

    def _inherited(self, s: int, e: int, prev: Event, actors: list[str], issues: list[str]) -> Event | None:
        """A dateless sentence pointing back at the previous happening inherits its date."""
        text = self.text
        m = re.match(r"\s*(\w+)(?:\s+(\w+))?", text[s:e])
        if not m:
            return None
        first = m.group(1).lower()
        second = (m.group(2) or "").lower()
        group = self.v.group_regex.match(text, s, e)
        points_back = (
            first in ("it", "they")
            or (first in self.v.anaphors and second in self.v.anaphor_heads)
            or group is not None
        )

        if not points_back or not (actors or issues):
            return None
        # the main clause opens the sentence; its verb is the happening
        cs, ce = _clause_bounds(text, s, e, s)
        # after a group ("The two presidents agreed to a truce under which China will
        # suspend ..."), the first verb; otherwise the verb nearest the clause end, as for
        # a date there ("That deal had temporarily reduced tariffs ...")
        at = max(cs, group.end()) if group else ce
        fake = DatedExpression(at, at, "", "DATE", prev.when.value, True, False)
        title = self._verb_title(cs, ce, s, e, fake)
        if title is None:
            return None
        when = TimePoint(prev.when.start, prev.when.end, prev.when.precision, Origin.INFERRED, prev.when.value)
        return Event(
            title=title,
            when=when,
            evidence=text[s:e],
            start=s,
            end=e,
            actors=actors,
            issues=issues,
            date_text=prev.date_text,
            date_start=prev.date_start,
            date_end=prev.date_end,
        )


def find_events(
    text: str,
    sentences: list[tuple[int, int]],
    timexes: list,
    mentions: list[ActorMention],
    issues: list[IssueMention],
    anchor_known: bool,
    attribution_spans: list[tuple[int, int]] | None = None,
    gender: dict[str, str] | None = None,
) -> list[Event]:
    """Dated events of one article (see the module docstring for the rules); ``gender``
    (canonical name -> "m"/"f") lets he/she skip people of the other gender."""
    return EventBuilder(text, sentences, timexes, mentions, issues, anchor_known, attribution_spans, gender).build()


# "acknowledged the talks are 'stalled' but said a meeting was planned": for whom a quote
# speaks, "but" without a comma also ends a clause
_BUT = re.compile(r"\s+but\s+")


def owns_quote(
    text: str, ev: Event, q_start: int, q_end: int, speaker: str | None, mentions: list[ActorMention]
) -> bool:
    """True when a quote of the event's sentence belongs to that event: the quote holds the
    event's date ('"We will raise tariffs on Monday," Trump said'), stands in the clause of
    that date, or its speaker is one of the event's actors named in that clause ("Trump said
    on Monday ..."). A quote in another clause ("Bessent acknowledged the talks are 'stalled',
    raising concerns over an agreement signed in May") tells of something else."""
    if ev.date_start >= ev.end or ev.date_end <= ev.start:
        return False  # an inherited date stands in another sentence: no clause to share
    if q_start <= ev.date_start and ev.date_end <= q_end:
        return True
    cs, ce = _clause_bounds(text, ev.start, ev.end, ev.date_start)
    for m in _BUT.finditer(text, cs, ce):
        if m.end() <= ev.date_start:
            cs = m.end()
        elif m.start() >= ev.date_end:
            ce = m.start()
            break
    if cs <= q_start and q_end <= ce:
        return True
    if speaker is None or speaker not in ev.actors:
        return False
    if any(m.name == speaker and cs <= m.start < ce and not (q_start <= m.start < q_end) for m in mentions):
        return True
    # "'...,' Lenz said, and on Monday she asked ...": he/she for the last person named
    if re.search(r"\b(?:he|she|He|She)\b", text[cs:ce]):
        last = [m for m in mentions if m.kind == "person" and m.end <= cs]
        return bool(last) and last[-1].name == speaker
    return False


# --- the same happening across articles ----------------------------------------------

_TITLE_STOP = frozenset("a an the of to in on at for and or with by from as is are was were be".split())


def _content_words(text: str) -> set[str]:
    words = {w.lower().rstrip("s") for w in _WORD.findall(text)}
    return {w for w in words if len(w) > 2 and w not in _TITLE_STOP}


def similarity(a: Event, b: Event) -> float:
    """How alike two events' wording is: overlap of the content words of their titles
    and evidence, leaving out the actors' names and the date (compared separately)."""
    skip: set[str] = set()
    for ev in (a, b):
        for name in ev.actors:
            skip |= _content_words(name)
        skip |= _content_words(ev.date_text)
    wa = (_content_words(a.title) | _content_words(a.evidence)) - skip
    wb = (_content_words(b.title) | _content_words(b.evidence)) - skip
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


@lru_cache(maxsize=1)
def _party_kinds() -> frozenset[str]:
    return frozenset(load_json("extract/events.json")["party_kinds"])


def _parties(ev: Event, actors: Mapping[str, Actor]) -> set[str]:
    """The parties an event names: a company or a government by name, a person or a government
    body by the country (or body) it belongs to, so Bessent and the United States are one party.
    Actors of other kinds (an exchange, a forum, a news agency) are venues, not parties."""
    kinds = _party_kinds()
    out: set[str] = set()
    for name in ev.actors:
        actor = actors.get(name)
        if actor is None or actor.kind not in kinds:
            continue
        out.add(actor.country if actor.kind in ("person", "ministry", "agency") and actor.country else name)
    return out


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(name))


def _share_party(pa: set[str], pb: set[str]) -> bool:
    """Some party of one side is a party of the other, by name or by a shorter form that
    begins the name (articles call one company "Rivex Corp." and "Rivex"; "China" does not
    begin "Bank of China")."""
    if pa & pb:
        return True
    wb = [_name_words(p) for p in pb]
    for x in map(_name_words, pa):
        for y in wb:
            n = min(len(x), len(y))
            if n and x[:n] == y[:n]:
                return True
    return False


def same_happening(a: Event, b: Event, threshold: float = 0.3, actors: Mapping[str, Actor] | None = None) -> bool:
    """True when two events (usually from different articles) report one happening:
    the same date at the precision they share (the finer one lies inside the coarser),
    at least one actor or issue in common, and similar wording. The store uses this to
    merge reports into one event with several sources; the user can split it again.

    ``actors`` (canonical name -> Actor) gives kinds and countries: with it, two reports
    that each name a party (resources/extract/events.json, party_kinds) but have only a
    venue in common (an exchange, a forum, a news agency) are different happenings. Reports
    that share no actor at all still merge on an issue: "Beijing agreed" and "Washington
    agreed" may be one deal told from each side."""
    if a.when.end < b.when.start or b.when.end < a.when.start:
        return False
    inner, outer = (a.when, b.when) if (a.when.end - a.when.start) <= (b.when.end - b.when.start) else (b.when, a.when)
    if not (outer.start <= inner.start and inner.end <= outer.end):
        return False
    if not (set(a.actors) & set(b.actors) or set(a.issues) & set(b.issues)):
        return False
    shared = set(a.actors) & set(b.actors)
    if actors is not None and shared:
        pa, pb = _parties(a, actors), _parties(b, actors)
        if pa and pb and not _share_party(pa, pb):
            return False  # all they share is a venue or a messenger
    return similarity(a, b) >= threshold
