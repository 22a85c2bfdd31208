"""Actors: people, governments, ministries and agencies, companies, bodies, media.

Sources of mentions, in order of trust:

1. the gazetteer (resources/actors/gazetteer.json): known actors and their aliases; a
   generic alias such as "Ministry of Commerce" resolves only when the context names
   the country ("China's", "Chinese", or "its" after a country);
2. countries (resources/actors/countries.json): a country name or a metonym (capital,
   seat of power) is the country's government when it acts — it is the subject of a
   verb ("Beijing accuses"), the agent of a passive ("by Washington") or a possessive
   of an action ("Beijing's decision"); "in China" is a place, not an actor;
3. templates (resources/actors/templates.json): "Chinese state media", "the Japanese
   government", built for every country;
4. titles (resources/extract/titles.json) before a capitalised name: "Treasury
   Secretary Scott Bessent" is the person Scott Bessent with role "Treasury Secretary";
5. speech around an unknown name: "John Smith said", "said John Smith", "according to
   John Smith", "John Smith, an economist at ...";
6. capitalised names with an organisation head word ("Asian Development Bank");
7. a surname (or a name after Mr./Ms.) later in the article resolves to the full
   name seen in the article.

An unknown name found by 4-6 is still an actor. Titles go into ``role``, not the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from viewer.core.model import Actor, ActorMention
from viewer.core.resources import load_json
from viewer.extract.quotes import cue_forms, verb_forms

_APOS = "'’"
_NAME_TOKEN = r"(?:[A-Z][a-zA-Z'’\-]*[a-zA-Z]|[A-Z]\.|[A-Z][a-z]?)"
# a personal name: 1-4 capitalised tokens, allowing initials and nobiliary particles
_NAME = (
    _NAME_TOKEN
    + r"(?:\s+(?:(?:de|da|van|von|der|den|bin|al|el|la|le|du|dos|di)\s+)?"
    + _NAME_TOKEN
    + r"){0,3}"
)


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    country: str = ""
    role: str = ""
    gender: str = ""
    well_known: bool = False


@dataclass
class Country:
    name: str
    demonym: str
    aliases: list[str]
    metonyms: list[str]
    demonyms: list[str]


@dataclass
class Lexicon:
    entries: dict[str, Entry]
    alias: dict[str, list[Entry]]  # plain aliases -> entries
    context_alias: dict[str, list[Entry]]  # aliases that need the country from context
    countries: dict[str, Country]
    country_alias: dict[str, str]  # alias or metonym -> country
    metonyms: frozenset[str]
    demonym: dict[str, str]  # demonym -> country
    template: dict[str, Entry]  # expanded template alias -> entry
    surname: dict[str, Entry]  # short alias of a well-known person -> entry
    regex: re.Pattern[str]
    context_regex: re.Pattern[str]  # a country possessive or demonym just before a match
    title_regex: re.Pattern[str]
    titles: dict[str, str]  # lower-case title -> title as listed
    honorifics: dict[str, str]
    gendered_titles: dict[str, str]
    role_nouns: frozenset[str]
    stopwords: frozenset[str]
    org_heads: dict[str, str]
    verbs: frozenset[str]
    auxiliaries: frozenset[str]
    speech_regex: re.Pattern[str]


def _alts(words: list[str]) -> str:
    """A regex alternation of literal words, as a character trie.

    Python's re tries a plain alternation word by word at every position; with a
    thousand aliases that dominated extraction time. A trie shares prefixes, so each
    position costs one character test per level. Longest match wins because every
    node tries its children before accepting the word that ends there.
    """
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    end = "" in node
    alts = []
    for ch in sorted(k for k in node if k):
        alts.append(re.escape(ch) + _trie_pattern(node[ch]))
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if end:
        body = "(?:" + body + ")?"
    return body


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and compile the actor resources once."""
    gaz = load_json("actors/gazetteer.json")["actors"]
    cdata = load_json("actors/countries.json")["countries"]
    tdata = load_json("actors/templates.json")["templates"]
    titles_data = load_json("extract/titles.json")
    orgs = load_json("extract/organisations.json")
    events = load_json("extract/events.json")

    entries: dict[str, Entry] = {}
    alias: dict[str, list[Entry]] = {}
    context_alias: dict[str, list[Entry]] = {}
    surname: dict[str, Entry] = {}
    for a in gaz:
        e = Entry(
            a["name"],
            a["kind"],
            a.get("country", ""),
            a.get("role", ""),
            a.get("gender", ""),
            bool(a.get("well_known")),
        )
        entries[e.name] = e
        alias.setdefault(e.name, []).append(e)
        for al in a.get("aliases", []):
            if e.kind == "person" and " " not in al and al != e.name:
                # a one-word alias of a person ("Trump") is a surname-style short name
                if e.well_known:
                    surname[al] = e
                continue
            alias.setdefault(al, []).append(e)
        for al in a.get("context_aliases", []):
            context_alias.setdefault(al, []).append(e)
            if al[0].islower():
                context_alias.setdefault(al[0].upper() + al[1:], []).append(e)

    countries: dict[str, Country] = {}
    country_alias: dict[str, str] = {}
    demonym: dict[str, str] = {}
    metonyms: set[str] = set()
    for c in cdata:
        dem = c["demonyms"][0] if c["demonyms"] else c["name"]
        countries[c["name"]] = Country(c["name"], dem, c["aliases"], c["metonyms"], c["demonyms"])
        for al in [c["name"], *c["aliases"]]:
            country_alias[al] = c["name"]
        for al in c["metonyms"]:
            country_alias[al] = c["name"]
            metonyms.add(al)
        for d in c["demonyms"]:
            demonym.setdefault(d, c["name"])

    central = orgs.get("central_bank", {})
    template: dict[str, Entry] = {}
    for t in tdata:
        for c in countries.values():
            if "{central_bank}" in t["name"] and c.name not in central:
                continue
            name = (
                t["name"]
                .replace("{demonym1}", c.demonym)
                .replace("{country1}", c.name)
                .replace("{central_bank}", central.get(c.name, ""))
            )
            entry = entries.get(name) or Entry(name, t["kind"], c.name)
            if "{demonym}" in t["pattern"]:
                fills = c.demonyms
                key = "{demonym}"
            else:
                fills = [c.name, *[a for a in c.aliases if not a.startswith("the ")]]
                key = "{country}"
            for f in fills:
                pat = t["pattern"].replace(key, f)
                template[pat] = entry
                if pat[0].islower():
                    template[pat[0].upper() + pat[1:]] = entry
                if not pat.startswith(("the ", "The ")):
                    template["the " + pat] = entry

    all_aliases = [*alias, *context_alias, *country_alias, *template, *surname]
    # Capitalised aliases must start at a word boundary; "U.S." ends in a dot, so the
    # right boundary only forbids a following letter or digit.
    regex = re.compile(r"(?<![\w])(?:" + _alts(all_aliases) + r")(?![\w])")
    poss = "|".join(re.escape(a) + f"[{_APOS}]s" for a in sorted(country_alias, key=len, reverse=True))
    context_regex = re.compile(r"(?:(" + poss + r")|(" + _alts(list(demonym)) + r")|\b(its|their|the)\b)\s+$")

    titles_list = titles_data["titles"]
    titles = {t.lower(): t for t in titles_list}
    # A title, optionally preceded by a country/demonym/organisation qualifier, then a name.
    qual = _alts([*country_alias, *demonym])
    title_regex = re.compile(
        r"(?:(?P<qual>"
        + qual
        + r")\s+)?"
        + r"(?P<title>(?i:"
        + _alts(titles_list)
        + r"))\s+"
        + r"(?P<name>"
        + _NAME
        + r")"
    )
    cue = cue_forms()
    verbs = frozenset(verb_forms(events["event_verbs"])) | frozenset(cue)
    speech_regex = re.compile(r"\b(?:" + _alts([f for f in cue if len(f) > 2]) + r")\b")
    return Lexicon(
        entries=entries,
        alias=alias,
        context_alias=context_alias,
        countries=countries,
        country_alias=country_alias,
        metonyms=frozenset(metonyms),
        demonym=demonym,
        template=template,
        surname=surname,
        regex=regex,
        context_regex=context_regex,
        title_regex=title_regex,
        titles=titles,
        honorifics=titles_data["honorifics"],
        gendered_titles=titles_data["gendered_titles"],
        role_nouns=frozenset(titles_data["role_nouns"]),
        stopwords=frozenset(titles_data["person_stopwords"]),
        org_heads=orgs["heads"],
        verbs=verbs,
        auxiliaries=frozenset(events["auxiliaries"]),
        speech_regex=speech_regex,
    )


# --- result ------------------------------------------------------------------


@dataclass
class ActorResult:
    mentions: list[ActorMention] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)  # canonical name -> m/f


@dataclass
class _Cand:
    start: int
    end: int
    text: str
    name: str
    kind: str
    country: str = ""
    role: str = ""
    gender: str = ""
    priority: int = 0  # higher wins an overlap of equal length
    full_person: bool = False


# --- the acting test for countries ---------------------------------------------------

_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _acts(text: str, start: int, end: int, lex: Lexicon, depth: int = 0) -> bool:
    """True when the country/capital at [start, end) is the agent of an action."""
    before = text[max(0, start - 12) : start]
    if before.endswith(("-", "–")) or text[end : end + 1] in ("-", "–"):
        return False  # "US-China trade": a compound modifier, not an agent
    if re.search(r"\bby\s+(?:the\s+)?$", before):
        return True
    rest = text[end : end + 80]
    if rest[:2] in ("'s", "’s"):
        m = re.match(r"[’']s\s+([a-z][\w-]*)", rest)
        # "Beijing's decision" acts; "China's Ministry" hands over to the ministry
        return bool(m) and m.group(1) not in ("own", "economy", "largest", "biggest", "top", "second")
    words = list(_WORD.finditer(rest))
    if rest[:1] not in (" ", ",", "\n") and rest[:1] != "":
        return False
    i = 0
    if re.match(r"\s*,", rest):
        return False  # "Washington, meanwhile, ..." is too loose; apposition lists are places
    while i < len(words) and i < 4:
        w = words[i].group()
        lw = w.lower()
        if lw in ("and", "or") and i == 0 and depth == 0:
            # "Washington and Beijing agreed": both act when the second one does
            m = lex.regex.match(rest, words[i].end() + 1)
            if m and m.group() in lex.country_alias:
                return _acts(text, end + m.start(), end + m.end(), lex, depth + 1)
            return False
        if lw in lex.auxiliaries or (lw.endswith("ly") and len(lw) > 4):
            i += 1
            continue
        if lw in (
            "has",
            "have",
            "had",
            "is",
            "was",
            "will",
            "would",
            "could",
            "can",
            "may",
            "might",
            "must",
            "should",
            "did",
            "does",
            "plans",
            "wants",
            "hopes",
            "aims",
            "needs",
            "seeks",
        ):
            return True
        return lw in lex.verbs and not w[0].isupper()
    return False


# --- main entry -----------------------------------------------------------------


def _context_country(text: str, start: int, lex: Lexicon, recent: list[tuple[int, str]]) -> str:
    """Country named just before an alias: "China's", "Chinese", or "its" -> last country."""
    m = lex.context_regex.search(text, max(0, start - 40), start)
    if m:
        if m.group(1):
            return lex.country_alias.get(m.group(1)[:-2], "")
        if m.group(2):
            return lex.demonym.get(m.group(2), "")
    for off, country in reversed(recent):
        if off < start and start - off < 600:
            return country
    return ""


def find_actors(text: str, sentences: list[tuple[int, int]] | None = None) -> ActorResult:
    """Find actor mentions in ``text`` and the distinct actors they refer to."""
    lex = lexicon()
    cands: list[_Cand] = []
    recent_countries: list[tuple[int, str]] = []  # (offset, country) of every country word
    deferred_short: list[tuple[int, int, str, Entry]] = []

    # 1-3: gazetteer, countries, templates
    for m in lex.regex.finditer(text):
        s, e, w = m.start(), m.end(), m.group()
        if w in lex.template:
            en = lex.template[w]
            cands.append(_Cand(s, e, w, en.name, en.kind, en.country, priority=3))
            recent_countries.append((s, en.country))
            continue
        if w in lex.alias:
            en = lex.alias[w][0]
            cands.append(
                _Cand(
                    s,
                    e,
                    w,
                    en.name,
                    en.kind,
                    en.country,
                    gender=en.gender,
                    priority=3,
                    full_person=en.kind == "person",
                )
            )
            if en.country in lex.countries:
                recent_countries.append((s, en.country))
            continue
        if w in lex.surname:
            deferred_short.append((s, e, w, lex.surname[w]))
            continue
        if w in lex.context_alias:
            country = _context_country(text, s, lex, recent_countries)
            options = lex.context_alias[w]
            chosen = next((o for o in options if o.country == country), None)
            if chosen is None and country and w[0].isupper() and options[0].kind in ("ministry", "agency"):
                # a ministry of a country with no gazetteer entry: "Japan's Ministry of Commerce"
                chosen = Entry(f"{country}'s {w}", options[0].kind, country)
            if chosen is not None:
                cands.append(_Cand(s, e, w, chosen.name, chosen.kind, chosen.country, priority=3))
            continue
        if w in lex.country_alias:
            country = lex.country_alias[w]
            recent_countries.append((s, country))
            if _acts(text, s, e, lex):
                cands.append(_Cand(s, e, w, country, "government", country, priority=2))
            continue

    # 4: title + name
    for m in lex.title_regex.finditer(text):
        name = _trim_name(m.group("name"), lex)
        if not name:
            continue
        title = m.group("title")
        # "Secretary of State Marco Rubio" must not read "of" as the name; the regex
        # guarantees the name is capitalised, and stopwords reject sentence words.
        n_start = m.start("name")
        n_end = n_start + len(name)
        title_key = title.lower()
        if (
            title[0].islower()
            and title_key not in ("spokesman", "spokeswoman", "spokesperson")
            and not (m.group("qual"))
        ):
            # lower-case "president" etc. before a name is usually prose ("the president Monday")
            continue
        if _is_org_name(name, lex):
            continue
        role = lex.titles.get(title_key, title)
        gender = lex.honorifics.get(role, "") or lex.gendered_titles.get(role, "")
        country = lex.country_alias.get(m.group("qual") or "", "") or lex.demonym.get(
            m.group("qual") or "", ""
        )
        if role in lex.honorifics:
            role = ""
        entry = _lookup_person(name, lex)
        canonical = entry.name if entry else name
        start = m.start("qual") if m.group("qual") else m.start("title")
        cands.append(
            _Cand(
                start,
                n_end,
                text[start:n_end],
                canonical,
                "person",
                entry.country if entry else country,
                role=role,
                gender=gender or (entry.gender if entry else ""),
                priority=4,
                full_person=" " in name or bool(entry),
            )
        )

    # 5: speech around an unknown name
    _speech_names(text, lex, cands)

    # 6: organisations by head word
    _organisations(text, lex, cands)

    chosen = _resolve_overlaps(cands)

    # 7: short names resolve to full names of the article
    chosen = _short_names(text, lex, chosen, deferred_short)

    return _assemble(chosen)


def _trim_name(name: str, lex: Lexicon) -> str:
    """Cut a captured name before words that cannot be part of it."""
    tokens = name.split()
    out: list[str] = []
    for t in tokens:
        bare = t.rstrip(_APOS + "s") if t.endswith(("'s", "’s")) else t
        if t in lex.stopwords or bare in lex.country_alias or t in lex.demonym:
            break
        if bare != t:
            out.append(bare)
            break
        out.append(t)
    if not out or out[0] in lex.stopwords:
        return ""
    return " ".join(out)


def _is_org_name(name: str, lex: Lexicon) -> bool:
    return any(t in lex.org_heads for t in name.split())


def _lookup_person(name: str, lex: Lexicon) -> Entry | None:
    if name in lex.alias and lex.alias[name][0].kind == "person":
        return lex.alias[name][0]
    if name in lex.surname:
        return lex.surname[name]
    return None


@lru_cache(maxsize=1)
def _speech_patterns() -> list[re.Pattern[str]]:
    lex = lexicon()
    name_re = r"(?P<name>" + _NAME + r")"
    return [
        re.compile(name_re + r"(?:,[^,\n]{1,80},)?\s+(?:" + lex.speech_regex.pattern + r")"),
        re.compile(r"(?:" + lex.speech_regex.pattern + r")\s+" + name_re),
        re.compile(r"(?i:according\s+to)\s+" + name_re),
        re.compile(
            name_re
            + r",\s+(?:a|an|the)?\s*(?:[\w.’'-]+\s+){0,4}?(?P<rn>"
            + _alts(list(lex.role_nouns))
            + r")\b"
        ),
    ]


def _speech_names(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    """Unknown names around speech: 'X Y said', 'said X Y', 'according to X Y', 'X Y, a spokesman'."""
    for p in _speech_patterns():
        for m in p.finditer(text):
            raw = m.group("name")
            name = _trim_leading(raw, lex)
            if not name:
                continue
            start = m.start("name") + raw.index(name.split()[0])
            name = _trim_name(name, lex)
            if not name:
                continue
            end = start + len(name)
            if name in lex.alias or name in lex.country_alias or name in lex.template:
                continue
            if _is_org_name(name, lex):
                cands.append(_Cand(start, end, name, name, _org_kind(name, lex), priority=1))
                continue
            if " " not in name:
                continue  # a single word is a surname only if the article introduced it
            if any(t.isupper() and len(t) > 2 for t in name.split()):
                continue  # "NEW YORK" datelines, acronyms
            cands.append(_Cand(start, end, name, name, "person", priority=1, full_person=True))


def _trim_leading(name: str, lex: Lexicon) -> str:
    tokens = name.split()
    while tokens and (
        tokens[0] in lex.stopwords
        or tokens[0] in lex.demonym
        or tokens[0] in lex.country_alias
        or tokens[0].lower() in lex.titles
    ):
        tokens = tokens[1:]
    return " ".join(tokens)


_ORG = re.compile(r"(?:[A-Z][\w&.'’-]*)(?:\s+(?:(?:of|for|and|the|de|on|&)\s+)*[A-Z][\w&.'’-]*)+")


def _org_kind(name: str, lex: Lexicon) -> str:
    kind = "organization"
    for t in name.split():
        if t in lex.org_heads:
            kind = lex.org_heads[t]
    return kind


def _organisations(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    for m in _ORG.finditer(text):
        tokens = m.group().split()
        # drop leading sentence words and a trailing possessive
        while tokens and (tokens[0] in lex.stopwords and tokens[0] not in lex.org_heads):
            tokens = tokens[1:]
        if len(tokens) < 2 or not any(t in lex.org_heads for t in tokens):
            continue
        if tokens[-1] in ("of", "for", "and", "the", "de", "on", "&"):
            continue
        name = " ".join(tokens)
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        if all(t in lex.org_heads or t in ("of", "for", "and", "the") for t in name.split()):
            continue  # "Ministry" alone is not a name
        start = m.start() + m.group().index(tokens[0])
        end = start + len(name)
        country = ""
        prefix = lex.context_regex.search(text, max(0, start - 30), start)
        if prefix and prefix.group(1):
            country = lex.country_alias.get(prefix.group(1)[:-2], "")
        elif prefix and prefix.group(2):
            country = lex.demonym.get(prefix.group(2), "")
        canonical = name
        first = name.split()[0]
        if country and first in lex.org_heads and not name.startswith(tuple(lex.country_alias)):
            canonical = f"{country}'s {name}"
        cands.append(_Cand(start, end, name, canonical, _org_kind(name, lex), country, priority=1))


def _resolve_overlaps(cands: list[_Cand]) -> list[_Cand]:
    cands.sort(key=lambda c: (c.start, -(c.end - c.start), -c.priority))
    out: list[_Cand] = []
    last_end = -1
    for c in cands:
        if c.start < last_end:
            prev = out[-1]
            # same start: the longer one already won; a higher-priority nested one is dropped
            if c.priority > prev.priority and c.end - c.start >= prev.end - prev.start:
                out[-1] = c
                last_end = c.end
            continue
        out.append(c)
        last_end = c.end
    return out


_SURNAME_RE_CACHE: dict[frozenset[str], re.Pattern[str]] = {}


def _short_names(
    text: str, lex: Lexicon, chosen: list[_Cand], deferred: list[tuple[int, int, str, Entry]]
) -> list[_Cand]:
    """Resolve surnames and one-word names to the full names of the article."""
    full: dict[str, tuple[str, str, str]] = {}  # short -> (canonical, country, gender)
    for c in chosen:
        if c.kind == "person" and " " in c.name:
            parts = c.name.split()
            g = c.gender
            full.setdefault(parts[-1], (c.name, c.country, g))
            if lex.entries.get(c.name) is None:
                full.setdefault(parts[0] + " " + parts[-1], (c.name, c.country, g))
    # one-word persons from a title ("President Clinton") join the full name
    for c in chosen:
        if c.kind == "person" and " " not in c.name and c.name in full:
            c.name, c.country = full[c.name][0], c.country or full[c.name][1]
    taken = [(c.start, c.end) for c in chosen]
    extra: list[_Cand] = []
    for s, e, w, en in deferred:
        extra.append(_Cand(s, e, w, en.name, "person", en.country, gender=en.gender, priority=3))
    names = [k for k in full if " " not in k and k not in lex.stopwords]
    if names:
        key = frozenset(names)
        rx = _SURNAME_RE_CACHE.get(key)
        if rx is None:
            rx = re.compile(r"\b(?:" + _alts(names) + r")\b")
            if len(_SURNAME_RE_CACHE) > 256:
                _SURNAME_RE_CACHE.clear()
            _SURNAME_RE_CACHE[key] = rx
        import bisect

        starts = [s for s, _ in taken]
        for m in rx.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and taken[i][1] > m.start():
                continue
            if any(x.start <= m.start() < x.end for x in extra):
                continue
            canonical, country, g = full[m.group()]
            extra.append(_Cand(m.start(), m.end(), m.group(), canonical, "person", country, gender=g))
    merged = chosen + extra
    merged.sort(key=lambda c: c.start)
    # drop overlaps introduced by the extra pass (keep the earlier, longer one)
    out: list[_Cand] = []
    for c in merged:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def _assemble(chosen: list[_Cand]) -> ActorResult:
    res = ActorResult()
    by_name: dict[str, Actor] = {}
    for c in chosen:
        res.mentions.append(ActorMention(c.start, c.end, c.text, c.name, c.kind, c.country, c.role))
        a = by_name.get(c.name)
        if a is None:
            a = Actor(c.name, c.kind, c.country, [], c.role)
            by_name[c.name] = a
            res.actors.append(a)
        if c.text not in a.aliases:
            a.aliases.append(c.text)
        if not a.role and c.role:
            a.role = c.role
        if not a.country and c.country:
            a.country = c.country
        if c.gender and c.name not in res.gender:
            res.gender[c.name] = c.gender
    lex = lexicon()
    for name, a in by_name.items():
        en = lex.entries.get(name)
        if en and en.gender and name not in res.gender:
            res.gender[name] = en.gender
        del a
    return res


def describe(actor: Actor) -> dict[str, Any]:
    """JSON-ready form used by the CLI (field names of `extract --json`)."""
    return {"name": actor.name, "kind": actor.kind, "aliases": list(actor.aliases)}
