"""Actors: people, governments, ministries and agencies, companies, bodies, media.

Sources of mentions, in order of trust:

1. the gazetteer (resources/actors/gazetteer.json): known actors and their aliases; a
   generic alias such as "Ministry of Commerce" resolves to the entry of the country
   named just before it ("China's", "Chinese", "its"), else to the article's main
   country; a wire credit in a dateline ("(AP)") is not an actor;
2. countries (resources/actors/countries.json): a country name or a metonym (capital,
   seat of power) is the country's government when it acts — the subject of a verb
   ("Beijing accuses", "China on Thursday expanded"), one of a list of subjects, the
   agent of a passive ("by Washington"), a possessive of an action ("Beijing's
   decision"), the object of an action between parties ("Washington accuses Beijing",
   "negotiators from Canada", resources/actors/acting.json); a list ("Canada and Mexico")
   acts or not as a whole; "in China", "US-China trade" are places and modifiers, not actors;
3. templates (resources/actors/templates.json): "Chinese state media", "the Japanese
   government", "Kenyan police", built for every country;
4. titles (resources/extract/titles.json) before a capitalised name: "Treasury
   Secretary Scott Bessent" is the person Scott Bessent with role "Treasury Secretary";
   royal titles stay in the name ("King Hussein");
5. speech and apposition around an unknown name: "John Smith said", "said John Smith",
   "according to John Smith", "John Smith, an economist at ...", "its chairman, John Smith,";
6. organisations by head word ("Asian Development Bank", "Hershey Foods Corp."), media
   by "news agency", acronyms used twice, defined or acting ("the FMC said"), and
   people named in full once and by surname later ("Boris Yeltsin ... Yeltsin said");
7. a surname, first name or short company name later in the article resolves to the
   full name seen in it; a short name shared by two actors goes to the one named last;
8. "the ministry", "a ministry spokesperson" refer back to the last ministry named;
   "the Trump administration" is that leader's country acting.

An unknown name found by 4-6 is still an actor. Titles go into ``role``, not the name.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from viewer.core.model import Actor, ActorMention
from viewer.core.resources import load_json
from viewer.extract.quotes import cue_forms, verb_forms

_APOS = "'’"
# letters of names, accented ones included ("François Bayrou", "Šefčovič", "Erdoğan")
_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOW = "a-zß-öø-ÿĀ-ž"
_NAME_TOKEN = (
    r"(?:[" + _UP + r"][" + _LOW + _UP + r"'’\-]*[" + _LOW + _UP + r"]|(?:[A-Z]\.){1,3}|[" + _UP + r"][" + _LOW + r"]?)"
)
# a personal name: 1-4 capitalised tokens, allowing initials and nobiliary particles
_NAME = (
    _NAME_TOKEN
    + r"(?:[ \t\u00a0]+(?:(?:de|da|van|von|der|den|bin|al|el|la|le|du|dos|di|arap)[ \t\u00a0]+){0,2}"
    + _NAME_TOKEN
    + r"){0,3}(?:,?[ \t\u00a0]+(?:Jr|Sr)\.|[ \t\u00a0]+(?:II|III|IV)\b)?"
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
    family_name_first: bool = False


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
    demonym_regex: re.Pattern[str]
    title_regex: re.Pattern[str]
    titles: dict[str, str]  # lower-case title -> title as listed
    honorifics: dict[str, str]
    gendered_titles: dict[str, str]
    role_nouns: frozenset[str]
    kin_nouns: list[str]
    company_nouns: list[str]
    company_noun_set: frozenset[str]
    possessive_actions: frozenset[str]
    media_phrases: list[str]
    company_suffixes: frozenset[str]
    not_acronyms: frozenset[str]
    org_lead_words: frozenset[str]
    abbreviations: frozenset[str]
    not_person_words: frozenset[str]
    family_first: frozenset[str]  # countries whose people are named family name first
    stopwords: frozenset[str]
    royal_titles: frozenset[str]
    org_heads: dict[str, str]
    verbs: frozenset[str]
    auxiliaries: frozenset[str]
    speech_regex: re.Pattern[str]
    object_verbs: frozenset[str]  # forms of verbs whose object is an agent ("accuses Beijing")
    object_phrasal: frozenset[tuple[str, str]]  # ("called", "on")
    representatives: frozenset[str]  # "negotiators from Canada"


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
    acting = load_json("actors/acting.json")

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
        countries[c["name"]] = Country(
            c["name"], dem, c["aliases"], c["metonyms"], c["demonyms"], bool(c.get("family_name_first"))
        )
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
            phrase = t["pattern"].split(" ", 1)[1]
            for known in context_alias.get(phrase, []):
                if known.country == c.name:
                    entry = known  # "China's commerce ministry" is MOFCOM
            if "{demonym}" in t["pattern"]:
                fills = c.demonyms
                key = "{demonym}"
            else:
                fills = [c.name, *[a for a in c.aliases if not a.startswith("the ")]]
                key = "{country}"
            for f in fills:
                pat = t["pattern"].replace(key, f)
                if pat in alias or pat in context_alias:
                    continue  # a gazetteer name ("Chinese foreign ministry") wins
                template[pat] = entry
                if pat[0].islower():
                    template[pat[0].upper() + pat[1:]] = entry
                if not pat.startswith(("the ", "The ")):
                    template["the " + pat] = entry

    all_aliases = [*alias, *context_alias, *country_alias, *template, *surname]
    # Capitalised aliases must start at a word boundary; "U.S." ends in a dot, so the
    # right boundary only forbids a following letter or digit.
    regex = re.compile(r"(?<![\w])(?:" + _alts(all_aliases) + r")(?![\w])")
    demonym_regex = re.compile(r"(?<![\w])(?:" + _alts(list(demonym)) + r")(?![\w])")

    titles_list = titles_data["titles"]
    titles = {t.lower(): t for t in titles_list}
    # titles are found on the lower-cased text (a case-insensitive scan is several
    # times slower); the name after them is matched case-sensitively on the original
    title_regex = re.compile(r"\b(?:" + _alts(list(titles)) + r")s?\s+")
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
        demonym_regex=demonym_regex,
        title_regex=title_regex,
        titles=titles,
        honorifics=titles_data["honorifics"],
        gendered_titles=titles_data["gendered_titles"],
        role_nouns=frozenset(titles_data["role_nouns"]),
        kin_nouns=titles_data["kin_nouns"],
        company_nouns=orgs["company_nouns"],
        company_noun_set=frozenset(n.lower() for n in orgs["company_nouns"]),
        possessive_actions=frozenset(events["possessive_action_nouns"]),
        media_phrases=orgs["media_phrases"],
        company_suffixes=frozenset(orgs["company_suffixes"]),
        not_acronyms=frozenset(orgs["not_acronyms"]),
        org_lead_words=frozenset(orgs["lead_words"]),
        abbreviations=frozenset(a.lower() for a in load_json("extract/abbreviations.json")["abbreviations"]),
        not_person_words=frozenset(titles_data["not_person_words"]),
        family_first=frozenset(c.name for c in countries.values() if c.family_name_first),
        stopwords=frozenset(titles_data["person_stopwords"]),
        royal_titles=frozenset(titles_data["royal_titles"]),
        org_heads=orgs["heads"],
        verbs=verbs,
        auxiliaries=frozenset(events["auxiliaries"]),
        speech_regex=speech_regex,
        object_verbs=frozenset(verb_forms(acting["object_verbs"])),
        object_phrasal=frozenset(
            (form, particle) for lemma, particle in acting["object_phrasal"] for form in verb_forms([lemma])
        ),
        representatives=frozenset(acting["representative_nouns"]),
    )


# --- result ------------------------------------------------------------------


@dataclass
class ActorResult:
    mentions: list[ActorMention] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)  # canonical name -> m/f


@dataclass
class _TitleMatch:
    title_start: int
    qual: str
    qual_start: int
    title: str
    name_start: int


_NAME_RX = re.compile(_NAME)


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
    generic: bool = False  # "the ministry": a reference, not a name to keep as alias
    full_person: bool = False
    alias: str = ""  # the name as written when the mention also spans a title ("Scott Bessent")


# --- the acting test for countries ---------------------------------------------------

_WORD = re.compile(r"[A-Za-z][\w'’-]*")


_TIME_WORDS = frozenset(
    "on today yesterday tonight tomorrow monday tuesday wednesday thursday friday saturday sunday last this "
    "next week month year earlier later early late also meanwhile always never often still already long".split()
)
_STATE_AFTER_MODAL = frozenset("be have become remain seem not also still".split())
_MODALS = frozenset("will would could can may might must should shall".split())
_ACT_AUX = frozenset(
    "has have had is was will would could can may might must should did does plans wants hopes aims needs seeks".split()
)


_PLACE_BEFORE = re.compile(
    r"\b(?:in|to|at|into|across|throughout|inside|near|for|with|against|on|from|between|"
    r"among|toward|towards|visit|visited|visiting)\s+(?:the\s+)?$"
)
_PREV_WORDS = re.compile(r"\b([A-Za-z]+)\s+(?:([A-Za-z]+)\s+)?(?:the\s+)?$")


def _acted_upon(text: str, start: int, end: int, lex: Lexicon) -> bool:
    """The country at ``start`` is the object of an action between parties: "Washington
    accuses Beijing of ...", "urged the US to ...", "called on Tokyo to ...", or what
    "negotiators from" / "officials for" it do."""
    m = _PREV_WORDS.search(text, max(0, start - 40), start)
    if not m or re.match(r"(?:[’']s\b|\s+[A-Z])", text[end : end + 3]):
        return False  # "told Kenya Television", "told Israel's Channel One": a longer name
    second, last = (m.group(1), m.group(2)) if m.group(2) else ("", m.group(1))
    if last in lex.object_verbs:
        return True
    if (second, last) in lex.object_phrasal:
        return True
    return last in ("from", "for") and second.lower() in lex.representatives


def _coordinated(text: str, matches: list[re.Match[str]], lex: Lexicon) -> list[list[int]]:
    """Runs of country names joined by commas, "and" or "or" ("Japan, South Korea and the
    EU"), as indices into ``matches``; a single name is a run of one."""
    runs: list[list[int]] = []
    for i, m in enumerate(matches):
        if m.group() not in lex.country_alias:
            continue
        if runs and runs[-1][-1] == i - 1 and LIST_GLUE.fullmatch(text, matches[i - 1].end(), m.start()):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


# what joins the names of a list: "Japan, South Korea and the EU"
LIST_GLUE = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?(?:the\s+)?|\s+(?:and|or)\s+(?:the\s+)?")


def _acts(text: str, start: int, end: int, lex: Lexicon, depth: int = 0) -> bool:
    """True when the country/capital at [start, end) is the agent of an action."""
    before = text[max(0, start - 12) : start]
    if before.endswith(("-", "–")) or text[end : end + 1] in ("-", "–"):
        return False  # "US-China trade": a compound modifier, not an agent
    wide = text[max(0, start - 40) : start]
    if re.search(r"\bby\s+(?:the\s+)?$", before) or re.search(
        r"\b(?:orders?|pressure|demands?|requests?|response|instructions|messages?|warnings?|offers?)"
        r"\s+from\s+(?:the\s+)?$",
        wide,
    ):
        return True  # "ruled by London", "orders from Washington"
    if _PLACE_BEFORE.search(before):
        return False  # a place: "ambassador to Greece said" is the ambassador speaking
    rest = text[end : end + 80]
    if rest[:2] in ("'s", "’s"):
        official = re.match(r"[’']s((?:\s+[a-z][\w-]*){1,5})", rest)
        words = official.group(1).split() if official else []
        for k in range(min(3, len(words) - 1)):
            if words[k].rstrip("s") in lex.role_nouns and words[k + 1] not in lex.role_nouns:
                verb = words[k + 1]
                if verb in ("is", "was", "were", "are", "be", "been"):
                    break  # "Kenya's trade minister was injured": what happened to the official
                if verb in lex.verbs or verb in _ACT_AUX or verb in _MODALS or (verb.endswith("ed") and len(verb) > 4):
                    # "Iraq's deputy foreign minister responded": an unnamed official acts for the country
                    return True
        m = re.match(r"[’']s\s+([a-z][\w-]*)(?:\s+([a-z][\w-]*))?", rest)
        # "Beijing's decision" acts; "China's Ministry" hands over to the ministry
        return bool(m) and (m.group(1) in lex.possessive_actions or m.group(2) in lex.possessive_actions)
    if rest[:1] not in (" ", ",", "\n") and rest[:1] != "":
        return False
    # a list of countries acting together: "Egypt, Syria and Morocco also committed troops"
    if depth < 6:
        m = re.match(r"(?:\s*,\s*|\s+(?:and|or)\s+|\s*,\s*and\s+)(?:the\s+)?", rest)
        if m:
            nxt = lex.regex.match(text, end + m.end())
            if nxt and nxt.group() in lex.country_alias:
                return _acts(text, nxt.start(), nxt.end(), lex, depth + 1)
            if m.group().strip() == ",":
                # "The Netherlands, home to ASML, tightened ...": an apposition closed by a
                # comma, then the verb; anything looser ("Washington, meanwhile, ...") is not
                app = re.match(r"\s*,\s*(?:a|an|the|home|which|whose|long|once|now)\b[^,;.()\n]{0,70},\s+", rest)
                if app:
                    after = _WORD.match(text, end + app.end())
                    if after:
                        lw = after.group().lower()
                        if lw in lex.verbs or lw in _ACT_AUX or (lw.endswith("ed") and len(lw) > 4):
                            return True
                return False
    words = list(_WORD.finditer(rest))
    for i, wm in enumerate(words[:5]):
        w = wm.group()
        lw = w.lower()
        if lw in ("and", "or"):
            return False
        if (
            lw in _MODALS
            and i + 1 < len(words)
            and words[i + 1].group().islower()
            and words[i + 1].group() not in _STATE_AFTER_MODAL
        ):
            return True  # "Washington would halve ...": a modal then a verb, whatever the verb
        if (
            lw in lex.auxiliaries
            or (lw.endswith("ly") and len(lw) > 4)
            or (i == 0 and lw == "in" and rest.startswith(" in effect"))
        ):
            continue
        if lw == "effect" and i == 1:
            continue
        if lw in _TIME_WORDS:
            continue  # "China on Thursday expanded ..."
        if lw in _ACT_AUX:
            return True
        if w[0].isupper():
            return False
        return lw in lex.verbs or (lw.endswith("ed") and len(lw) > 4)
    return False


# --- main entry -----------------------------------------------------------------


def _words_before(text: str, start: int, n: int = 3) -> list[str]:
    if start == 0 or not text[start - 1].isspace():
        return []
    return text[max(0, start - 40) : start].split()[-n:]


def _country_before(text: str, start: int, lex: Lexicon) -> tuple[str, str]:
    country, how, _ = _country_phrase_before(text, start, lex)
    return country, how


def _country_phrase_before(text: str, start: int, lex: Lexicon) -> tuple[str, str, str]:
    """The country named just before ``start``: ("China", "poss") for "China's",
    ("China", "demonym") for "Chinese", ("", "pronoun") for its/their/the."""
    words = _words_before(text, start)
    for k in (3, 2, 1):
        if len(words) < k:
            continue
        phrase = " ".join(words[-k:])
        if phrase.endswith(("'s", "’s")) and phrase[:-2] in lex.country_alias:
            return lex.country_alias[phrase[:-2]], "poss", phrase
        if phrase in lex.demonym:
            return lex.demonym[phrase], "demonym", phrase
        if phrase in lex.country_alias:
            return lex.country_alias[phrase], "qualifier", phrase
    if words and words[-1].lower() in ("its", "their"):
        return "", "pronoun", words[-1]
    return "", "", ""


def _context_country(text: str, start: int, lex: Lexicon, recent: list[tuple[int, str]]) -> tuple[str, bool]:
    """Country of a generic name ("the Ministry of Commerce"): (country, explicit).

    Explicit when a possessive or demonym stands just before it ("China's", "Chinese"),
    or "its"/"their" points at the country named last in the same stretch of text."""
    country, how = _country_before(text, start, lex)
    if country and how in ("poss", "demonym"):
        return country, True
    if how == "pronoun":
        for off, c in reversed(recent):
            if off < start and start - off < 250:
                return c, True
    return "", False


def _title_case(phrase: str) -> str:
    small = {"of", "for", "and", "the", "on", "in", "to"}
    return " ".join(w if w in small else w[:1].upper() + w[1:] for w in phrase.split())


def find_actors(text: str, sentences: list[tuple[int, int]] | None = None) -> ActorResult:
    """Find actor mentions in ``text`` and the distinct actors they refer to."""
    lex = lexicon()
    cands: list[_Cand] = []
    recent_countries: list[tuple[int, str]] = []  # (offset, country) of every country word
    deferred_short: list[tuple[int, int, str, Entry]] = []

    # 1-3: gazetteer, countries, templates
    matches = list(lex.regex.finditer(text))
    # how often each country is named (names, capitals, demonyms): a generic
    # "the Ministry of Commerce" with no country before it belongs to the main one
    weight: dict[str, int] = {}
    for m in matches:
        c = lex.country_alias.get(m.group())
        if c:
            weight[c] = weight.get(c, 0) + 1
    for m in lex.demonym_regex.finditer(text):
        c = lex.demonym[m.group()]
        weight[c] = weight.get(c, 0) + 1
    first_seen: dict[str, int] = {}
    for m in matches:
        c = lex.country_alias.get(m.group())
        if c:
            first_seen.setdefault(c, m.start())
    # a list of countries acts, or does not, as a whole: the first name's context says whether
    # the list is a place ("exports from Canada and Mexico"), any name's whether it acts
    acting: dict[int, bool] = {}
    for run in _coordinated(text, matches, lex):
        first = matches[run[0]]
        if _acted_upon(text, first.start(), first.end(), lex):
            verdict = True
        elif _acts(text, first.start(), first.end(), lex):
            # the agent of a passive ("by A, B and C") is the whole list when the passive
            # names a happening ("imposed by"); after "aided by" only the name next to it
            by = re.search(r"\b([a-z]+)\s+by\s+(?:the\s+)?$", text[max(0, first.start() - 40) : first.start()])
            verdict = True if by is None or by.group(1) in lex.verbs else None
        elif _PLACE_BEFORE.search(text, max(0, first.start() - 12), first.start()):
            verdict = False
        else:
            verdict = any(_acts(text, matches[k].start(), matches[k].end(), lex) for k in run[1:])
        for k in run:
            acting[k] = bool(verdict) if verdict is not None else k == run[0]
    for mi, m in enumerate(matches):
        s, e, w = m.start(), m.end(), m.group()
        if w in lex.template:
            en = lex.template[w]
            cands.append(_Cand(s, e, w, en.name, en.kind, en.country, priority=3))
            recent_countries.append((s, en.country))
            continue
        if w in lex.alias:
            en = lex.alias[w][0]
            sub = _SUBSIDIARY.match(text, e) if en.kind == "company" else None
            if sub:
                # "UBS Securities", "Goldman Sachs Asset Management": a named unit of the
                # company is an actor of its own
                full = text[s : sub.end()]
                cands.append(_Cand(s, sub.end(), full, full, "company", en.country, priority=3))
                continue
            if en.kind == "media" and s < 120 and text[s - 1 : s] == "(" and text[e : e + 1] == ")":
                continue  # the wire credit of a dateline, "MOSCOW (AP) _", is not an actor
            if en.kind in ("government", "agency", "ministry") and (
                _LOCATIVE.search(text, max(0, s - 20), s)
                or (w.startswith("the ") and _LOCATIVE_BARE.search(text, max(0, s - 12), s))
            ):
                continue  # "told reporters at the White House": the building, a place
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
            country, explicit = _context_country(text, s, lex, recent_countries)
            options = lex.context_alias[w]
            chosen = next((o for o in options if o.country == country), None)
            if chosen is None and explicit and options[0].kind in ("ministry", "agency"):
                # a ministry of a country with no gazetteer entry: "Japan's Ministry of Commerce"
                chosen = Entry(f"{country}'s {_title_case(w)}", options[0].kind, country)
            if chosen is None and not explicit:
                # no country before it: the article's main country, if it has one
                ranked = sorted(
                    (o for o in options if weight.get(o.country)),
                    key=lambda o: (-weight[o.country], first_seen.get(o.country, 1 << 30)),
                )
                chosen = ranked[0] if ranked else None
            if chosen is not None:
                cands.append(_Cand(s, e, w, chosen.name, chosen.kind, chosen.country, priority=3))
            continue
        if w in lex.country_alias:
            country = lex.country_alias[w]
            recent_countries.append((s, country))
            if acting.get(mi, False):
                cands.append(_Cand(s, e, w, country, "government", country, priority=2))
            continue

    # 4: title + name
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for tm in lex.title_regex.finditer(lower):
        nm = _NAME_RX.match(text, tm.end())
        if nm is None and tm.group().rstrip().endswith(("ambassador", "envoy")):
            # "ambassador to Kenya Prudence Bushnell": the posting stands between title and name
            posting = re.match(r"\s*to\s+(?:the\s+)?", text[tm.end() : tm.end() + 12])
            country = lex.regex.match(text, tm.end() + posting.end()) if posting else None
            if country and country.group() in lex.country_alias:
                nm = _NAME_RX.match(text, country.end() + 1)
        if nm is None:
            continue
        name = _trim_name(nm.group(), lex)
        if not name:
            continue
        if any(t.isupper() and len(t) > 2 and "." not in t and t not in ("III", "IV") for t in name.split()):
            continue  # "Mr. NICE GUY": capitals for emphasis, not a name
        known = lex.regex.match(text, nm.start())
        if known and len(known.group()) > len(name) and known.group() in lex.alias:
            name = known.group()  # the gazetteer knows a longer name ("Ursula von der Leyen")
        title = text[tm.start() : tm.end()].rstrip()
        if title.lower() not in lex.titles and title[:-1].lower() in lex.titles:
            title = title[:-1]  # "Presidents Kuchma and Yeltsin"
        q_country, q_how, q_phrase = _country_phrase_before(text, tm.start(), lex)
        qual = q_phrase if q_how in ("demonym", "qualifier") else ""
        qual_start = text.rfind(qual, max(0, tm.start() - 45), tm.start()) if qual else tm.start()
        m = _TitleMatch(tm.start(), qual, qual_start if qual_start >= 0 else tm.start(), title, nm.start())
        # "Secretary of State Marco Rubio" must not read "of" as the name; the regex
        # guarantees the name is capitalised, and stopwords reject sentence words.
        n_start = m.name_start
        n_end = n_start + len(name)
        if text[n_start:n_end] != name:
            continue
        title_key = title.lower()
        if title[0].islower() and title_key not in ("spokesman", "spokeswoman", "spokesperson"):
            # lower-case "president" before a name is usually prose ("the president Monday"),
            # but after a capitalised qualifier it is a title ("Sinn Fein leader Gerry Adams")
            before = text[max(0, m.title_start - 30) : m.title_start]
            if not m.qual and not re.search(r"[A-Z][\w.'’-]*\s+$", before):
                continue
            sw = re.search(r"(?:^|[.!?]\s+)([A-Z]\w*)\s+$", before)
            if sw and sw.group(1) in lex.stopwords:
                continue  # "The spokesman" at a sentence start: the capital is the sentence's
        if _is_org_name(name, lex):
            continue
        role = lex.titles.get(title_key, title)
        gender = lex.honorifics.get(role, "") or lex.gendered_titles.get(role, "")
        country = q_country if m.qual else ""
        if role in lex.honorifics:
            role = ""
        entry = _lookup_person(name, lex)
        canonical = entry.name if entry else name
        if role in lex.royal_titles and " " not in name:
            # "King Hussein" is the king's name; it must not merge with "Saddam Hussein"
            canonical = f"{role} {name}"
        start = m.qual_start if m.qual else m.title_start
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
                alias=text[n_start:n_end],
            )
        )

    # 5: speech around an unknown name
    _speech_names(text, lex, cands)

    # 6: organisations by head word, media by "news agency", companies by description, acronyms
    _organisations(text, lex, cands)
    _companies(text, lex, cands)
    _recurring_persons(text, lex, cands)
    _acronyms(text, lex, cands)

    cands = [c for c in cands if not _not_an_actor(c, text)]
    # "Polly Peck posted ...": the leading words of an organisation named in full are that
    # organisation's short name, not a person found by a speech verb
    org_prefixes = {
        " ".join(c.name.split()[:k]) for c in cands if c.kind != "person" for k in range(2, len(c.name.split()))
    }
    cands = [c for c in cands if not (c.kind == "person" and c.priority <= 1 and c.name in org_prefixes)]
    chosen = _resolve_overlaps(cands)

    # 7: short names resolve to full names of the article
    chosen = _short_names(text, lex, chosen, deferred_short)

    # 7b: "Qantas plans ..., the airline announced": an unlisted company named by its description
    chosen = _described_companies(text, lex, chosen)

    # 8: "the ministry", "a ministry spokesperson": the ministry named last
    chosen = _generic_references(text, chosen)

    # 8b: "the two presidents", "both sides": the last actors of that kind named before
    chosen = _group_references(text, chosen)

    # 9: "the Trump administration": the government of that leader's country
    chosen = _administrations(text, lex, chosen)

    # 10: "In Havana, the government said": the country named earlier in the sentence
    chosen = _the_government(text, chosen, recent_countries)

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
def _speech_patterns() -> dict[str, re.Pattern[str]]:
    lex = lexicon()
    name_re = r"(?P<name>" + _NAME + r")"
    roles = _alts(list(lex.role_nouns))
    return {
        # before a speech verb: "John Smith said", "John Smith, a spokesman, said"
        "before": re.compile(name_re + r",[^,\n]{1,80},\s+$"),
        "before_near": re.compile(name_re + r",?\s+$"),
        # after it: "said John Smith"
        "after": re.compile(r"\s+" + name_re),
        "according": re.compile(r"(?i:according\s+to)\s+" + name_re),
        # an apposition with a role: "John Smith, an economist at ..."
        "apposition": re.compile(r",\s+(?:(?:a|an|the)\s+)?(?:[\w.’'-]+\s+){0,4}?(?:" + roles + r")\b"),
        "name_end": re.compile(name_re + r"$"),
        # "its chairman, Alan Greenspan,", "Britain's chancellor of the Exchequer, Nigel Lawson."
        "role_then_name": re.compile(
            r"\b(?:" + roles + r")(?:\s+of\s+(?:the\s+)?[A-Z]\w+(?:\s+[A-Z]\w+)?)?,\s+" + name_re + r"(?=[,.;])"
        ),
        # "his mother Elisabeth Brotons", "his grandmothers, Mariela Quintana and Raquel Rodriguez,"
        "kin": re.compile(
            r"\b(?:"
            + _alts(lex.kin_nouns)
            + r")s?,?[ \t]+"
            + name_re
            + r"(?:[ \t]+and[ \t]+(?P<name2>"
            + _NAME
            + r"))?"
        ),
        # "ABC's Jim Laurie", "Smith Barney's Joseph Doyle"
        "possessive": re.compile(r"\b[A-Z][A-Za-z&.-]*['’]s\s+" + name_re),
    }


@lru_cache(maxsize=1)
def _company_patterns() -> tuple[list[re.Pattern[str]], list[tuple[re.Pattern[str], re.Pattern[str]]]]:
    """(patterns that open with their keyword, (keyword, name-before-it) pairs). A name
    that comes before its keyword is found by searching back from the keyword: scanning
    for names at every capital letter was the slowest part of company finding."""
    lex = lexicon()
    nouns = "(?i:" + _alts(lex.company_nouns) + ")"
    name = r"(?P<name>[" + _UP + r"][\w&.'’-]*(?:[ \t]+[" + _UP + r"][\w&.'’-]*){0,3})"
    forward = [
        # "chipmaker Rivex", "the Chinese automaker Zeekra"
        re.compile(r"\b(?:" + nouns + r")[ \t]+" + name),
        # "shares of Rivex"
        re.compile(r"\b(?i:shares)[ \t]+(?:of|in)[ \t]+" + name),
    ]
    before = re.compile(name + r"(?:['’]s)?[ \t]+$")
    backward = [
        # "Rivex, the chipmaker," / "Rivex, a maker of"
        (
            re.compile(
                r",[ \t]+(?:the|a|an)[ \t]+(?:[\w-]+[ \t]+){0,2}?(?:" + nouns + r")\b"
                # "..., the airline announced": the description is the next clause's subject
                r"(?![ \t]+(?:said|says|announced|added|reported|told|confirmed|declined|noted|stated)\b)"
            ),
            re.compile(name + r"$"),
        ),
        # "Rivex shares fell"
        (re.compile(r"\bshares\b"), before),
        # "Rivex's chief executive", "Rivex CEO Ann Li": corporate offices belong to companies
        (
            re.compile(
                r"\b(?:chief[ \t]+executive|CEO|chief[ \t]+financial[ \t]+officer|CFO|"
                r"chief[ \t]+operating[ \t]+officer|board[ \t]+of[ \t]+directors|shareholders|share[ \t]+price)\b"
            ),
            before,
        ),
    ]
    return forward, backward


def _company_names(text: str) -> list[tuple[int, str]]:
    """(offset, raw name) of every name the company patterns find."""
    forward, backward = _company_patterns()
    out: list[tuple[int, str]] = []
    for p in forward:
        for m in p.finditer(text):
            out.append((m.start("name"), m.group("name")))
    for key, name_rx in backward:
        for k in key.finditer(text):
            m = name_rx.search(text, max(0, k.start() - 90), k.start())
            if m:
                out.append((m.start("name"), m.group("name")))
    return out


# "analysts at Merrill Lynch, Goldman Sachs and Kidder Peabody": the places people of a
# trade work at are companies (or bodies, when a head word says so)
_STAFF_AT = re.compile(
    r"\b(?i:analysts?|economists?|strategists?|traders?|executives?|researchers?|bankers?|brokers?|"
    r"dealers?|investors?|lawyers?|engineers?|employees|workers|staff)[ \t]+(?:at|with|from)[ \t]+"
)
_LIST_NAME = re.compile(r"(?:[" + _UP + r"][\w&.'’-]*)(?:[ \t]+(?:&[ \t]+)?[" + _UP + r"][\w&.'’-]*){0,3}")


def _companies(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    """Unlisted companies named beside a description of what they are."""
    org_names = [c.name for c in cands if c.kind != "person"]
    for raw_start, raw in _company_names(text):
        toks = raw.split()
        while toks and (toks[0] in lex.org_lead_words or toks[0] in lex.demonym):
            toks = toks[1:]
        if toks and toks[-1].endswith(("'s", "’s")):
            toks[-1] = toks[-1][:-2]
        name = " ".join(toks).rstrip(".,")
        if not name or name in lex.stopwords or name in lex.country_alias or name in lex.demonym:
            continue
        start = raw_start + raw.find(toks[0]) if toks else raw_start
        if text[start : start + len(name)] != name:
            continue
        if name in lex.alias or name in lex.surname:
            continue  # the gazetteer already knows it
        if any(o.startswith(name) for o in org_names):
            continue  # "Anheuser shares": the short name of an organisation named in full
        cands.append(_Cand(start, start + len(name), name, name, "company", priority=1))
    for m in _STAFF_AT.finditer(text):
        pos = m.end()
        while True:
            nm = _LIST_NAME.match(text, pos)
            if not nm:
                break
            name = nm.group().rstrip(".,")
            if name in lex.alias or name in lex.country_alias or name in lex.demonym or name in lex.stopwords:
                pass  # the gazetteer or the country rules already speak for it
            elif not any(o.startswith(name) for o in org_names):
                kind = _org_kind(name, lex) if _is_org_name(name, lex) else "company"
                cands.append(_Cand(nm.start(), nm.start() + len(name), name, name, kind, priority=2))
            sep = re.match(r"(?:,[ \t]+(?:and[ \t]+)?|[ \t]+and[ \t]+)(?=[A-Z])", text[nm.end() : nm.end() + 8])
            if not sep:
                break
            pos = nm.end() + sep.end()


def _speech_names(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    """Unknown names around speech: 'X Y said', 'said X Y', 'according to X Y', 'X Y, a spokesman'.

    Anchored on the (few) speech verbs and role nouns rather than on every capital
    letter: scanning names first was the slowest part of actor extraction."""
    pats = _speech_patterns()
    found: list[tuple[str, int, str]] = []  # (kind, start of raw name, raw name)
    for v in lex.speech_regex.finditer(text):
        ws = max(0, v.start() - 140)
        # the name right before the verb first, then one before an apposition
        m = pats["before_near"].search(text, ws, v.start()) or pats["before"].search(text, ws, v.start())
        if m:
            found.append(("speech", m.start("name"), m.group("name")))
        m = pats["after"].match(text, v.end())
        if m:
            found.append(("speech", m.start("name"), m.group("name")))
    for m in pats["according"].finditer(text):
        found.append(("speech", m.start("name"), m.group("name")))
    for a in pats["apposition"].finditer(text):
        m = pats["name_end"].search(text, max(0, a.start() - 60), a.start())
        if m:
            found.append(("speech", m.start("name"), m.group("name")))
    for m in pats["role_then_name"].finditer(text):
        found.append(("speech", m.start("name"), m.group("name")))
    for m in pats["kin"].finditer(text):
        found.append(("kin", m.start("name"), m.group("name")))
        if m.group("name2"):
            found.append(("kin", m.start("name2"), m.group("name2")))
    for m in pats["possessive"].finditer(text):
        owner = text[m.start() : m.start("name")].split("'")[0].split("’")[0]
        if owner in lex.country_alias or owner in lex.stopwords:
            continue  # "Beijing's Forbidden City" is a place
        found.append(("possessive", m.start("name"), m.group("name")))
    for kind, raw_start, raw in found:
        name = _trim_leading(raw, lex)
        if not name:
            continue
        start = raw_start + raw.index(name.split()[0])
        name = _trim_name(name, lex)
        if not name:
            continue
        end = start + len(name)
        if text[start:end] != name:
            continue  # the name ran over irregular spacing; offsets must be exact
        if name in lex.alias or name in lex.country_alias or name in lex.template:
            continue
        if _is_org_name(name, lex):
            if kind != "possessive" and " " in name:  # "Police said": a head word alone is no name
                cands.append(_Cand(start, end, name, name, _org_kind(name, lex), priority=1))
            continue
        if " " not in name:
            continue  # a single word is a surname only if the article introduced it
        if any(t.isupper() and len(t) > 2 and "." not in t for t in name.split()):
            continue  # "NEW YORK" datelines, acronyms
        if any(t in lex.not_person_words for t in name.split()):
            continue  # "Catholic Garvaghy Road" is a place
        cands.append(_Cand(start, end, name, name, "person", priority=1, full_person=True))


_RECUR_NAME = re.compile(
    r"(?<![\w’'-])([" + _UP + r"][" + _LOW + r"]+(?:-[" + _UP + r"][" + _LOW + r"]+)?)"
    r"((?:[ \t]+[A-Z]\.)?(?:[ \t]+[" + _UP + r"][" + _LOW + r"]+(?:-[" + _UP + r"][" + _LOW + r"]+)?){1,2})(?![\w-])"
)


_CAP_WORD = re.compile(r"(?<![\w-])([" + _UP + r"][" + _LOW + r"]+(?:-[" + _UP + r"][" + _LOW + r"]+)?)(?![\w-])")
_PLACE_PREP = frozenset(["in", "to", "from", "at", "near"])


def _recurring_persons(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    """Unlisted people named in full once and by surname later: "Boris Yeltsin ...
    Yeltsin claimed". News style names a person in full first; a place or product is
    rarely shortened to its last word alone. A first word that is also used as a place
    ("in Miami") is not a first name."""
    # one pass over capitalised words: where each stands alone, and which follow a
    # preposition of place (regexes per candidate name were the slowest part)
    alone: dict[str, list[int]] = {}
    placed: set[str] = set()
    words = list(_CAP_WORD.finditer(text))
    for i, w in enumerate(words):
        word = w.group(1)
        nxt_is_cap = i + 1 < len(words) and text[w.end() : words[i + 1].start()].isspace()
        before = text[max(0, w.start() - 30) : w.start()].split()
        prev = before[-1] if before and text[w.start() - 1 : w.start()].isspace() else ""
        if prev.lower() in _PLACE_PREP and not nxt_is_cap and text[w.end() : w.end() + 2] not in ("'s", "’s"):
            placed.add(word)
        if nxt_is_cap:
            continue
        if not prev or not prev[0].isupper() or prev[-1] in ".!?\"'”" or prev in lex.stopwords:
            alone.setdefault(word, []).append(w.start())
    # every leading part of an organisation's name ("Polly Peck" of "Polly Peck International")
    org_prefixes = set()
    for c in cands:
        if c.kind != "person":
            toks = c.name.split()
            for k in range(1, len(toks) + 1):
                org_prefixes.add(" ".join(toks[:k]))
    for m in _RECUR_NAME.finditer(text):
        tokens = m.group().split()
        last, first = tokens[-1], tokens[0]
        if first in placed:
            continue
        # the surname (or, as for "Saddam", the first name) used alone elsewhere
        hits = [x for x in (*alone.get(last, ()), *alone.get(first, ())) if not (m.start() <= x < m.end())]
        if not hits:
            continue
        if any(
            t in lex.stopwords
            or t in lex.org_heads
            or t in lex.country_alias
            or t in lex.demonym
            or t in lex.not_person_words
            or t.lower() in lex.titles
            for t in tokens
        ):
            continue
        name = m.group()
        if name in lex.alias or name in lex.template or name in lex.country_alias:
            continue
        if name in org_prefixes or _headline(text, m.start()):
            continue
        cands.append(_Cand(m.start(), m.end(), name, name, "person", priority=0, full_person=True))


def _trim_leading(name: str, lex: Lexicon) -> str:
    tokens = name.split()
    while tokens and (
        tokens[0].lower() in lex.company_noun_set
        or tokens[0] in lex.stopwords
        or tokens[0] in lex.demonym
        or tokens[0] in lex.country_alias
        or tokens[0].lower() in lex.titles
    ):
        tokens = tokens[1:]
    return " ".join(tokens)


_SUBSIDIARY = re.compile(
    r"[ \t]+(?:[A-Z][a-z]+[ \t]+)?(?:Securities|Asset[ \t]+Management|Capital[ \t]+Markets|Research|Investments?|"
    r"Wealth[ \t]+Management|Global[ \t]+Markets|Foundation)\b"
)
_LOCATIVE = re.compile(r"\b(?:at|outside|inside|into|near)\s+the\s+$")
_LOCATIVE_BARE = re.compile(r"\b(?:at|outside|inside|into|near)\s+$")  # before an alias that holds "the"
# a name ending in one of these is a building, a market index or a vehicle, not an actor
# ("Cooperative Bank House", "Nasdaq Financial Index", "Air Force One")
_END_PLACE_HEADS = frozenset("House Building Tower Towers Library Museum Hall Index Average Composite One".split())
_PLACE_HEADS = frozenset(
    "Airport Base Road Street Avenue Square Plaza Bridge Station Stadium Harbor Harbour Port Island Islands "
    "Park Valley Canal Bay Beach Hills Mountains Desert".split()
)
_ORG = re.compile(
    r"(?:[" + _UP + r"][\w&.'’-]*)(?:[ \t]+(?:(?:of|for|and|the|de|on|&|amp)[ \t]+)*[" + _UP + r"][\w&.'’()-]*)+"
)
_CONNECTORS = ("of", "for", "and", "the", "de", "on", "&", "amp")


def _org_kind(name: str, lex: Lexicon) -> str:
    kind = "organization"
    for t in name.split():
        if t in lex.org_heads:
            kind = lex.org_heads[t]
    return kind


_INITIAL = re.compile(r"^(?:[A-Z]\.)+$")


def _org_segments(tokens: list[str], lex: Lexicon) -> list[list[str]]:
    """Split a capitalised run into names: at a possessive ("Nestle S.A.'s Nestle
    Foods"), at "and" after a legal suffix or before "the" ("Hershey Foods Corp. and
    Mars Inc.", "the State Department and the Office of ..."), at a sentence end
    ("... Army. Police said") and at a sentence word inside ("... on The Crescent")."""
    segs: list[list[str]] = [[]]
    n = len(tokens)
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < n else ""
        cur = segs[-1]
        if (
            t in ("and", "&", "amp")
            and cur
            and (
                cur[-1].rstrip(",") in lex.company_suffixes
                or nxt == "the"
                or (cur[-1] in lex.org_heads and any(x in lex.org_heads for x in tokens[i + 1 : i + 4]))
            )
        ):
            segs.append([])
            continue
        if t in lex.org_lead_words and t not in lex.org_heads and cur and t not in _CONNECTORS:
            segs.append([t])
            continue
        if t in ("of", "for") and cur and not any(x.rstrip(",") in lex.org_heads for x in cur):
            # "Ninoska Perez of the Cuban-American National Foundation": the head of an
            # organisation's name comes before "of" ("Bank of Japan"); otherwise split
            segs.append([])
            continue
        if t.endswith(("'s", "’s")) and len(t) > 2:
            cur.append(t[:-2])
            segs.append([])
            continue
        if (
            t.endswith(".")
            and t not in lex.company_suffixes
            and not _INITIAL.match(t)
            and (t.lower() not in lex.abbreviations)
        ):
            cur.append(t[:-1])
            segs.append([])
            continue
        cur.append(t)
    return [s for s in segs if s]


def _organisations(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    for m in _ORG.finditer(text):
        if _headline(text, m.start()):
            continue
        tokens = m.group().split()
        offsets = [m.start() + tm.start() for tm in re.finditer(r"\S+", m.group())]
        k = 0
        for seg in _org_segments(tokens, lex):
            # segments keep token order; find where this one starts
            while k < len(tokens) and not tokens[k].startswith(seg[0]):
                k += 1
            if k >= len(tokens):
                break
            first_index = k
            k += len(seg)
            toks = list(seg)
            lead = 0
            while toks and (toks[0] in lex.org_lead_words or toks[0] in _CONNECTORS) and toks[0] not in lex.org_heads:
                toks = toks[1:]
                lead += 1
            while toks and toks[-1] in _CONNECTORS:
                toks = toks[:-1]
            if len(toks) < 2 or not any(t.rstrip(",") in lex.org_heads for t in toks):
                continue
            if all(t in lex.org_heads or t in _CONNECTORS for t in toks):
                continue  # "Ministry" alone is not a name
            if any(t in _PLACE_HEADS for t in toks):
                continue  # "Miami International Airport", "Andrews Air Force Base" are places
            start = offsets[first_index + lead]
            name = " ".join(toks).rstrip(",")
            if text[start : start + len(name)] != name:
                continue  # the run had irregular spacing; skip rather than mis-point
            end = start + len(name)
            country = ""
            c, how = _country_before(text, start, lex)
            if how in ("poss", "demonym"):
                country = c
            canonical = name.replace(" amp ", " & ")
            first = name.split()[0]
            if country and first in lex.org_heads and not name.startswith(tuple(lex.country_alias)):
                canonical = f"{country}'s {name}"
            cands.append(_Cand(start, end, name, canonical, _org_kind(name, lex), country, priority=1))
    _media(text, lex, cands)


def _headline(text: str, at: int) -> bool:
    """True inside a line in title case (a headline), where capitals say nothing."""
    for ls, le in _headline_lines(text):
        if ls <= at < le:
            return True
    return False


@lru_cache(maxsize=8)
def _headline_lines(text: str) -> tuple[tuple[int, int], ...]:
    out = []
    pos = 0
    for line in text.split("\n"):
        words = re.findall(r"[A-Za-z][\w'’-]*", line) if len(line) < 300 else []
        if 4 <= len(words) <= 25 and sum(1 for w in words if w[0].isupper()) / len(words) > 0.7:
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return tuple(out)


@lru_cache(maxsize=1)
def _media_regex() -> re.Pattern[str]:
    lex = lexicon()
    return re.compile(r"\b([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})\s+(?:" + _alts(lex.media_phrases) + r")\b")


_MEDIA_BEFORE = re.compile(
    r"\b(?:newspaper|daily|weekly|magazine|broadcaster|news agency|news website|tabloid)\s+"
    r"([A-Z][\w&'’-]*(?:[ \t]+[A-Z][\w&'’-]*){0,3})"
)


def _media(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    """'the ITAR-Tass news agency', 'the Asahi newspaper', 'the daily Granma': a media actor."""
    for m in _MEDIA_BEFORE.finditer(text):
        name = m.group(1)
        if name in lex.stopwords or name in lex.country_alias or name in lex.demonym:
            continue
        cands.append(_Cand(m.start(1), m.end(1), name, name, "media", priority=1))
    for m in _media_regex().finditer(text):
        toks = m.group(1).split()
        lead = 0
        while toks and (toks[0] in lex.stopwords or toks[0] in lex.demonym):
            lead += len(toks[0]) + 1
            toks = toks[1:]
        if not toks or toks[-1].endswith(("'s", "’s")):
            continue
        name = " ".join(toks)
        if name in lex.country_alias or name in lex.demonym:
            continue
        start = m.start(1) + lead
        cands.append(_Cand(start, start + len(name), name, name, "media", priority=1))


_ACRONYM = re.compile(r"(?<![\w.-])([A-Z]{2,6})(?![\w.])")


def _acronyms(text: str, lex: Lexicon, cands: list[_Cand]) -> None:
    """All-capital names of bodies ("FBI", "INS", "KKR"): an actor when defined in
    parentheses, used twice or more, or the subject of a verb. An acronym made of the
    initials of an organisation named in the article is that organisation."""
    counts: dict[str, int] = {}
    found = list(_ACRONYM.finditer(text))
    for m in found:
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    initials: dict[str, _Cand] = {}
    for c in cands:
        if c.kind != "person":
            words = [w for w in re.split(r"[\s-]+", c.name) if w and w not in _CONNECTORS and w[0].isupper()]
            words = [w for w in words if w not in lex.company_suffixes]
            if len(words) >= 2:
                initials.setdefault("".join(w[0] for w in words), c)
    for m in found:
        a = m.group(1)
        if a in lex.not_acronyms or a in lex.country_alias or a in lex.alias or a in lex.stopwords:
            continue
        if text[m.end() : m.end() + 1] == "-" or text[m.start() - 1 : m.start()] == "-":
            # "IRA-allied", "U.S.-led": still the body when it is used elsewhere
            if counts[a] < 2:
                continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start : text.find("\n", m.end()) if text.find("\n", m.end()) >= 0 else len(text)]
        if line.isupper():
            continue  # a headline or dateline in capitals
        defined = text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")"
        acting = _acts(text, m.start(), m.end(), lex)
        if not (defined or counts[a] >= 2 or acting):
            continue
        org = initials.get(a) or next(
            (c for c in cands if c.kind != "person" and c.name.split()[0] == a and " " in c.name), None
        )
        if org is not None:
            cands.append(_Cand(m.start(), m.end(), a, org.name, org.kind, org.country, priority=0))
        else:
            cands.append(_Cand(m.start(), m.end(), a, a, "organization", priority=0))


def _not_an_actor(c: _Cand, text: str) -> bool:
    """Names found by rules (not the gazetteer) that are places, indices or sentence
    adverbs: "Cooperative Bank House", "Big Board Composite", "Initially, the company"."""
    if c.priority >= 3 or c.kind == "person":
        return False
    toks = c.name.split()
    if len(toks) > 1 and toks[-1] in _END_PLACE_HEADS and c.name != "White House":
        return True
    # a capitalised adverb opening a sentence is no company ("Initially, the company said")
    return (
        len(toks) == 1
        and toks[0].endswith("ly")
        and len(toks[0]) > 5
        and toks[0][0].isupper()
        and (c.start == 0 or re.search(r"(?:[.!?][\"”'’]?\s+|\n\s*)$", text[max(0, c.start - 4) : c.start]) is not None)
    )


def _resolve_overlaps(cands: list[_Cand]) -> list[_Cand]:
    """Keep non-overlapping candidates, the most trusted source first, then the longest."""
    order = sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    taken: list[tuple[int, int]] = []
    out: list[_Cand] = []
    for c in order:
        i = bisect.bisect_left(taken, (c.start, c.end))
        if i > 0 and taken[i - 1][1] > c.start:
            continue
        if i < len(taken) and taken[i][0] < c.end:
            continue
        taken.insert(i, (c.start, c.end))
        out.append(c)
    out.sort(key=lambda c: c.start)
    return out


_PRONOUN_NAMES = frozenset(["He", "She", "It", "We", "I", "You", "They"])
_SURNAME_RE_CACHE: dict[frozenset[str], re.Pattern[str]] = {}


def _family_first(lex: Lexicon) -> frozenset[str]:
    return lex.family_first


def _short_keys(c: _Cand, lex: Lexicon) -> list[str]:
    """Short forms by which an article refers back to an actor named in full."""
    parts = [p for p in c.name.replace("’", "'").split() if p not in ("Jr.", "Sr.", "II", "III", "IV")]
    keys: list[str] = []
    if c.kind == "person":
        if len(parts) == 2 and c.country in _family_first(lex):
            keys.append(parts[0])  # "He Lifeng" ... "He said": the family name comes first
        if len(parts) >= 2:
            keys.append(parts[-1])
            if len(parts[0]) > 2 and not parts[0].endswith(".") and parts[0] not in lex.stopwords:
                keys.append(parts[0])  # "Saddam", "Elian"
            if len(parts) > 2:
                keys.append(parts[0] + " " + parts[-1])
    elif c.kind in ("company", "media", "organization") and len(parts) >= 2:
        core = [p for p in parts if p.rstrip(",") not in lex.company_suffixes]
        if core and len(core) < len(parts):
            keys.append(" ".join(core))
        first = core[0] if core else parts[0]
        for k in (first, first.split("-")[0]):
            if (
                len(k) >= 3
                and k not in lex.stopwords
                and k not in lex.org_heads
                and k not in lex.country_alias
                and k not in lex.demonym
                and k.lower() not in lex.titles
            ):
                keys.append(k)
    return [k for k in dict.fromkeys(keys) if k != c.name]


def _short_names(
    text: str, lex: Lexicon, chosen: list[_Cand], deferred: list[tuple[int, int, str, Entry]]
) -> list[_Cand]:
    """Resolve surnames and short names to the full names of the article. A short name
    shared by two actors ("Hussein": Saddam or King) goes to the one named last."""
    owners: dict[str, list[_Cand]] = {}
    multi = {p for c in chosen if c.kind == "person" for p in c.name.split()[-1:] if " " in c.name}
    for c in chosen:
        if c.kind == "person" and " " not in c.name:
            # "President Clinton" with no full name in the article: later "Clinton" is him
            if c.name not in multi and c.name not in owners:
                owners[c.name] = [c]
            continue
        for k in _short_keys(c, lex):
            if all(o.name != c.name for o in owners.get(k, [])):
                owners.setdefault(k, []).append(c)
    firsts: dict[str, int] = {}
    for c in chosen:
        firsts.setdefault(c.name, c.start)
    # where each actor is mentioned (sorted), to find who was named last before a point
    seen_at: dict[str, list[int]] = {}
    for c in sorted(chosen, key=lambda c: c.start):
        seen_at.setdefault(c.name, []).append(c.start)

    def pick(key: str, at: int) -> _Cand:
        cands = owners[key]
        if len(cands) == 1:
            return cands[0]
        best, best_pos = None, -1
        for o in cands:
            pos = seen_at.get(o.name, [])
            k = bisect.bisect_left(pos, at) - 1
            if k >= 0 and pos[k] > best_pos:
                best, best_pos = o, pos[k]
        return best if best is not None else min(cands, key=lambda o: firsts.get(o.name, 0))

    def note(name: str, at: int) -> None:
        bisect.insort(seen_at.setdefault(name, []), at)

    ordered = sorted(chosen, key=lambda c: c.start)
    # one-word persons from a title ("President Clinton", "Mr. Doyle") join the full name
    for c in ordered:
        if c.kind == "person" and " " not in c.name and c.name in owners:
            o = pick(c.name, c.start)
            c.name, c.country = o.name, c.country or o.country
            c.gender = c.gender or o.gender
            note(c.name, c.start)
    taken = sorted((c.start, c.end) for c in chosen)
    extra: list[_Cand] = []
    deferred_spans = sorted((st, en_) for st, en_, _, _ in deferred)
    for st, en_, w, en in deferred:
        extra.append(_Cand(st, en_, w, en.name, "person", en.country, gender=en.gender, priority=3))
    names = [k for k in owners if k not in lex.stopwords or k in _PRONOUN_NAMES]
    if names:
        key = frozenset(names)
        rx = _SURNAME_RE_CACHE.get(key)
        if rx is None:
            rx = re.compile(r"(?<![\w-])(?:" + _alts(names) + r")(?![\w-])")
            if len(_SURNAME_RE_CACHE) > 256:
                _SURNAME_RE_CACHE.clear()
            _SURNAME_RE_CACHE[key] = rx
        starts = [st for st, _ in taken]
        d_starts = [st for st, _ in deferred_spans]
        for m in rx.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and taken[i][1] > m.start():
                continue
            k = bisect.bisect_right(d_starts, m.start()) - 1
            if k >= 0 and deferred_spans[k][1] > m.start():
                continue
            if m.group() in _PRONOUN_NAMES and re.search(
                r"(?:^|[.!?]['\"’”]?\s+|\n\s*|[“\"]\s*)$", text[max(0, m.start() - 4) : m.start()]
            ):
                continue  # "He" opening a sentence is the pronoun, not Mr. He
            o = pick(m.group(), m.start())
            extra.append(_Cand(m.start(), m.end(), m.group(), o.name, o.kind, o.country, gender=o.gender))
            note(o.name, m.start())
    merged = chosen + extra
    merged.sort(key=lambda c: c.start)
    # drop overlaps introduced by the extra pass (keep the earlier, longer one)
    out: list[_Cand] = []
    for c in merged:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


_GENERIC_REF = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]his|[Tt]hat)\s+(ministry|department|agency|commission|bureau|regulator|company|"
    r"firm|group|spokesperson|spokesman|spokeswoman|airline|chipmaker|automaker|carmaker|lender|bank)\b"
)
_GENERIC_KINDS = {
    "ministry": ("ministry",),
    "department": ("ministry",),
    "agency": ("agency",),
    "commission": ("agency", "government"),
    "bureau": ("agency",),
    "regulator": ("agency",),
    "company": ("company",),
    "firm": ("company",),
    "group": ("company",),
    "airline": ("company",),
    "chipmaker": ("company",),
    "automaker": ("company",),
    "carmaker": ("company",),
    "lender": ("company",),
    "bank": ("company",),
    # "the spokesperson said": the spokesperson named last (matched on role below)
    "spokesperson": ("person",),
    "spokesman": ("person",),
    "spokeswoman": ("person",),
}


_DESCRIBED = re.compile(
    r"\b[Tt]he\s+(?:airline|carrier|carmaker|automaker|chipmaker|planemaker|company|firm|lender|retailer|miner|"
    r"steelmaker|shipper|insurer|conglomerate)\s+(?:said|says|announced|added|reported|told|confirmed|declined)\b"
)
_SUBJECT_NAME = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*([" + _UP + r"][\w&’'-]+)(?:['’]s?)?\s+([a-z]+)\b")


def _described_companies(text: str, lex: Lexicon, chosen: list[_Cand]) -> list[_Cand]:
    """'Qantas plans daily flights ..., the airline announced Friday': when a description
    speaks and no company was named before it, the capitalised word opening this or one
    of the two previous sentences as the subject of a verb is that company; its other
    bare mentions in the article are the company too."""
    extra: list[_Cand] = []
    named: set[str] = set()
    for d in _DESCRIBED.finditer(text):
        lo = max(0, d.start() - 400)
        if any(c.kind == "company" and lo <= c.start < d.start() for c in chosen + extra):
            continue
        for m in reversed(list(_SUBJECT_NAME.finditer(text, lo, d.start()))):
            word, verb = m.group(1), m.group(2)
            if (
                word in lex.stopwords
                or word in lex.country_alias
                or word in lex.demonym
                or word in lex.alias
                or word in lex.surname
                or word in lex.org_heads
                or word.endswith("ly")
            ):
                continue
            if not (verb in lex.verbs or verb in _ACT_AUX or verb in _MODALS or verb in lex.auxiliaries):
                continue
            named.add(word)
            break
    for word in named:
        for m in re.finditer(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])(?![ \t]+[" + _UP + r"])", text):
            if not any(c.start <= m.start() < c.end for c in chosen):
                extra.append(_Cand(m.start(), m.end(), word, word, "company", priority=1))
    if not extra:
        return chosen
    return sorted(chosen + extra, key=lambda c: c.start)


def _generic_references(text: str, chosen: list[_Cand]) -> list[_Cand]:
    """A bare institutional noun refers back to the last actor of that kind named
    before it in the article ("China's Ministry of Commerce ... a ministry spokesperson")."""
    if not chosen:
        return chosen
    starts = [c.start for c in chosen]
    extra: list[_Cand] = []
    for m in _GENERIC_REF.finditer(text):
        s, e = m.start(1), m.end(1)
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and chosen[i].end > s:
            continue
        noun = m.group(1)
        kinds = _GENERIC_KINDS[noun]
        if kinds == ("person",) and m.group().split()[0].lower() != "the":
            continue  # "a spokesperson" may be anyone's; only "the spokesperson" points back
        found = None
        for c in reversed(chosen[: i + 1]):
            if (
                c.kind in kinds
                and (noun not in ("ministry", "department", "commission") or noun in c.name.lower())
                and (c.kind != "person" or "spokes" in c.role.lower())
            ):
                found = c
                break
        if found is None and kinds == ("person",):
            # "a ministry spokesperson said ... The spokesperson added": an unnamed
            # spokesperson speaks for the institution named last
            found = next(
                (c for c in reversed(chosen[: i + 1]) if c.kind in ("ministry", "agency") and s - c.end < 1500),
                None,
            )
        if found is not None:
            extra.append(_Cand(s, e, noun, found.name, found.kind, found.country, generic=True))
    if not extra:
        return chosen
    return sorted(chosen + extra, key=lambda c: c.start)


@lru_cache(maxsize=1)
def _group_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    nouns: dict[str, str] = load_json("extract/events.json")["group_nouns"]
    alts = "|".join(sorted(nouns, key=len, reverse=True))
    rx = re.compile(r"\b(?:[Tt]he\s+(two|three|four)|[Bb]oth(?:\s+the)?|[Tt]he\s+two\s+[a-z]+)\s+(" + alts + r")\b")
    return rx, nouns


_COUNT = {"two": 2, "three": 3, "four": 4}


def _group_references(text: str, chosen: list[_Cand]) -> list[_Cand]:
    """'The two presidents agreed ...': the actors of that kind named last before the
    phrase (within about three sentences), as many as the number says (two for 'both')."""
    rx, nouns = _group_regex()
    extra: list[_Cand] = []
    for m in rx.finditer(text):
        kind = nouns[m.group(2)]
        n = _COUNT.get((m.group(1) or "two").lower(), 2)
        kinds = ("government", "country") if kind == "government" else (kind,)
        picked: list[_Cand] = []
        for c in reversed(chosen):
            if c.end > m.start():
                continue
            if m.start() - c.end > 600 or len(picked) == n:
                break
            if c.kind in kinds and c.name not in [p.name for p in picked]:
                picked.append(c)
        if len(picked) == n:
            for c in reversed(picked):
                extra.append(_Cand(m.start(), m.end(), m.group(), c.name, c.kind, c.country, generic=True))
    if not extra:
        return chosen
    return sorted(chosen + extra, key=lambda c: c.start)


_ADMINISTRATION = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+(administration|government|cabinet|White House)\b")


def _administrations(text: str, lex: Lexicon, chosen: list[_Cand]) -> list[_Cand]:
    """ "The Trump administration", "the Ishiba government": a leader's surname (known
    to the gazetteer or named in full in the article) before such a noun is that
    leader's country acting."""
    leaders: dict[str, str] = {}
    for short, entry in lex.surname.items():
        if entry.country in lex.countries:
            leaders[short] = entry.country
    for c in chosen:
        if c.kind == "person" and c.country in lex.countries and " " in c.name:
            leaders.setdefault(c.name.split()[-1], c.country)
    out = list(chosen)
    changed = False
    for m in _ADMINISTRATION.finditer(text):
        country = leaders.get(m.group(1))
        if not country:
            continue
        # the surname itself was taken as the person: the phrase is the government instead
        out = [c for c in out if not (m.start() <= c.start < m.end())]
        out.append(_Cand(m.start(), m.end(), m.group(), country, "government", country))
        changed = True
    if changed:
        out.sort(key=lambda c: c.start)
    return out


_THE_GOVERNMENT = re.compile(r"\b[Tt]he (government|regime|authorities)\b")


def _the_government(text: str, chosen: list[_Cand], countries: list[tuple[int, str]]) -> list[_Cand]:
    """ "The government" with a country or capital named earlier in the same sentence
    (and no other country between) is that country's government."""
    if not countries:
        return chosen
    offsets = [o for o, _ in countries]
    starts = [c.start for c in chosen]
    extra: list[_Cand] = []
    for m in _THE_GOVERNMENT.finditer(text):
        s, e = m.start(1), m.end(1)
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and chosen[i].end > s:
            continue
        k = bisect.bisect_left(offsets, s) - 1
        if k < 0:
            continue
        off, country = countries[k]
        between = text[off:s]
        if re.search(r"[.!?]\s", between) or "\n" in between or len(between) > 200:
            continue  # only within the sentence
        extra.append(_Cand(s, e, m.group(1), country, "government", country, generic=True))
    if not extra:
        return chosen
    return sorted(chosen + extra, key=lambda c: c.start)


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
        alias = c.alias or c.text  # a title is a role, not a name to list among the aliases
        if alias not in a.aliases and not c.generic:
            a.aliases.append(alias)
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
        if en and en.role and not a.role:
            a.role = en.role  # the usual title, when the article writes none
    return res
