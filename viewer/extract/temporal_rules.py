"""Phase one of the temporal tagger: the rules of resources/temporal/, compiled once.

HeidelTime-style resources (rules as data): ``normalizations.json`` (surface form ->
normalized value tables), ``patterns.toml`` (named regex fragments, some built from
those tables) and ``rules.toml`` (extraction patterns over fragments, with the
underspecified value each match gets). Everything is checked when it is loaded: a
bad fragment, an unknown table, a rule whose pattern does not compile, whose example
does not match or whose value names an unknown operation raises
:class:`TemporalRuleError` naming the file and the rule.

All rules are compiled into ONE alternation, tried in file order at each position,
so a whole text is scanned in a single C-level pass of ``re.finditer``; Python code
only runs on the (few) places where a rule matched. That is what makes the tagger fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from viewer.core.resources import load_json, load_toml

RULE_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET", "IGNORE"})
OPERATIONS = frozenset(
    {
        "date",
        "weekday",
        "rel",
        "ago",
        "quarter",
        "half",
        "season",
        "weekend",
        "decade",
        "century",
        "holiday",
        "time",
        "daypart",
        "pod",
        "dur",
        "set",
        "set_weekday",
        "literal",
        "month_dir",
        "year_before",
        "period_of_year",
        "anaphor",
        "anaphor_weekday",
        "week_of",
    }
)
_BUILTIN_NORMS = frozenset({"int", "year", "number", "decade", "spelled_year", "ampm", "text"})
_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)(?::([a-z][a-z0-9_]*))?\}")
_TABLE_REF = re.compile(r"@([a-z_][a-z0-9_]*)")


class TemporalRuleError(ValueError):
    """A temporal resource is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class GroupSpec:
    regex_name: str  # name of the group in the combined regex
    name: str  # name the rule's value refers to
    fragment: str  # pattern fragment it captures
    normalize: Callable[[str], Any]
    capitalized: bool


@dataclass(frozen=True)
class Rule:
    index: int
    name: str
    type: str
    value: Any
    mod: str
    end: Any
    groups: tuple[GroupSpec, ...]
    group_names: frozenset[str]


# Per first word of a rule: (whole second words, second-word prefixes, anything goes).
SecondWords = dict[str, tuple[frozenset[str], tuple[str, ...], bool]]


@dataclass(frozen=True)
class RuleSet:
    regex: re.Pattern[str]  # all rules, one alternation (used when there is no gate)
    rules: dict[str, Rule]  # key: the rule's outer group name in the combined regex
    gate: re.Pattern[str] | None  # positions where some rule can start; groups: the two words there
    starts: tuple[BranchStart, ...]  # per rule, the words it can start with
    branches: tuple[str, ...]  # per rule, its regex (named group R<i>)
    seconds: tuple[SecondWords | None, ...] = ()
    # Sub-alternations compiled lazily per first word (and per rule subset): a few dozen.
    # None: no rule can match there.
    _matchers: dict[Any, re.Pattern[str] | None] = field(default_factory=dict, compare=False, repr=False)
    _subsets: dict[tuple[int, ...], re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping leftmost matches, rules tried in file order: the same as
        ``regex.finditer`` but each candidate position only tries the rules that can
        start with the word found there (dispatch on the first word)."""
        if self.gate is None:
            yield from self.regex.finditer(text)
            return
        last_end = 0
        matchers = self._matchers
        for cand in self.gate.finditer(text):
            pos = cand.start()
            if pos < last_end:
                continue
            word, second = cand.groups()
            if word is None:
                matcher = self.regex  # not ASCII letters ("ſecond"): every rule
            else:
                word = word.lower()
                key = word or text[pos]
                matcher = matchers.get(key, _UNSEEN)
                if matcher is _UNSEEN:
                    matcher = matchers[key] = self._matcher_for(word, text[pos])
                if matcher is not None and matcher.groups > _SPLIT_AT and word and second:
                    # A common first word ("the", "a"): dispatch on the second word too.
                    key2 = (key, second.lower())
                    matcher = matchers.get(key2, _UNSEEN)
                    if matcher is _UNSEEN:
                        matcher = matchers[key2] = self._matcher_for(word, text[pos], key2[1])
            if matcher is None:
                continue
            m = matcher.match(text, pos)
            if m is not None:
                last_end = m.end()
                yield m

    def _admits_second(self, index: int, word: str, second: str) -> bool:
        after = _seconds_after(self.seconds[index] if index < len(self.seconds) else None, word)
        return after is None or second in after[0] or any(second.startswith(p) for p in after[1])

    def _matcher_for(self, word: str, char: str, second: str | None = None) -> re.Pattern[str] | None:
        chosen = tuple(
            i
            for i, st in enumerate(self.starts)
            if st.admits(word, char) and (second is None or self._admits_second(i, word, second))
        )
        if not chosen:
            return None
        cached = self._subsets.get(chosen)
        if cached is None:
            alternation = "|".join(self.branches[i] for i in chosen)
            cached = re.compile(r"(?:" + alternation + r")(?!\w)", re.IGNORECASE)
            self._subsets[chosen] = cached
        return cached


# The two words at a candidate position, as the dispatch reads them: ASCII letters
# (case-sensitively: under IGNORECASE [A-Za-z] also takes the Kelvin sign) up to a
# non-letter. A rule reads "nıght" (dotless i) as "night": that is no word "n"; the first
# word is then None, the second missing.
_WORD_END = r"(?![^\W\d_])"  # no letter follows
_TWO_WORDS = r"(?-i:(?:([A-Za-z]*)" + _WORD_END + r"(?:\s+([A-Za-z]+)" + _WORD_END + ")?)?)"
_NO_SECOND_WORD = r"(?-i:(?!\s+[A-Za-z]+" + _WORD_END + "))"
_SPLIT_AT = 40  # capture groups (~ rules) beyond which a first word is split by the second
_UNSEEN = object()


# ------------------------------------------------------------------ normalizers
_NUMBER_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}


def _clean(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split()).strip(" -")


def _word_number(text: str) -> int | None:
    """'twenty-four' -> 24, 'nine' -> 9, 'two thousand' -> 2000 (what news writes out)."""
    parts = text.replace("-", " ").split()
    if len(parts) > 1 and parts[-1] in ("hundred", "thousand"):
        base = _word_number(" ".join(parts[:-1]))
        return None if base is None else base * (100 if parts[-1] == "hundred" else 1000)
    if len(parts) == 1:
        word = parts[0]
        return _NUMBER_UNITS.get(word) or _TEENS.get(word) or _TENS.get(word)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _NUMBER_UNITS:
        return _TENS[parts[0]] + _NUMBER_UNITS[parts[1]]
    return None


def _norm_int(text: str) -> int:
    return int(re.sub(r"(?i)(st|nd|rd|th)$", "", text.strip()))


def _norm_year(text: str) -> int:
    text = text.strip().lstrip("'’")
    year = int(text)
    if len(text) == 2:
        # Two-digit years in news ('98, '05): the closer century; 40 keeps '45 in the 1900s.
        year += 2000 if year < 40 else 1900
    return year


def _norm_spelled_year(text: str) -> int:
    words = _clean(text).replace("-", " ").split()
    if words[:2] == ["the", "year"]:
        words = words[2:]
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + (_word_number(" ".join(rest)) or 0 if rest else 0)
    century = _TEENS.get(words[0]) or _TENS.get(words[0])
    if century is None:
        raise ValueError(text)
    rest = words[1:]
    if rest == ["hundred"]:
        return century * 100
    if rest and rest[0] == "oh":
        rest = rest[1:]
    tail = _word_number(" ".join(rest))
    if tail is None:
        raise ValueError(text)
    return century * 100 + tail


def _make_table_norm(tables: list[dict[str, Any]]) -> Callable[[str], Any]:
    merged: dict[str, Any] = {}
    for table in tables:
        merged.update({_clean(k): v for k, v in table.items()})

    def norm(text: str) -> Any:
        key = _clean(text)
        if key in merged:
            return merged[key]
        if key.rstrip(".") in merged:
            return merged[key.rstrip(".")]
        if key.endswith("s") and key[:-1] in merged:  # plural weekday: "Tuesdays"
            return merged[key[:-1]]
        raise ValueError(f"{text!r} not in table")

    return norm


def _make_number_norm(table: dict[str, Any]) -> Callable[[str], Any]:
    words = {_clean(k): v for k, v in table.items()}

    def norm(text: str) -> Any:
        key = _clean(text)
        half = 0.0
        for suffix in (" and a half", " 1/2"):
            if key.endswith(suffix):
                key, half = key[: -len(suffix)], 0.5
        if key[:1].isdigit():
            number: float = float(key.replace(",", ""))
        elif key in words:
            value = words[key]
            if value == "X":
                return "X"
            number = float(value)
        else:
            parsed = _word_number(key)
            if parsed is None:
                raise ValueError(f"{text!r} is no number")
            number = float(parsed)
        number += half
        return int(number) if number == int(number) else number

    return norm


def _make_decade_norm(words: dict[str, Any]) -> Callable[[str], str]:
    def norm(text: str) -> str:
        key = _clean(text).replace("'", "")
        if key in words:
            return "19" + str(words[key])
        digits = key.rstrip("s")
        if len(digits) == 4:
            return digits[:3]
        # "the '90s": the 20th century unless written with four digits.
        return "19" + digits[0]

    return norm


def _norm_ampm(text: str) -> str:
    return "p" if text.strip().lower().startswith("p") else "a"


# ------------------------------------------------------------------ compilation
def _expand_spaces(regex: str) -> str:
    """A literal space in a rule matches any whitespace run, except where a fixed
    width is needed (inside [...] and look-behinds)."""
    out: list[str] = []
    i, n = 0, len(regex)
    in_class = False
    lookbehind_depth: list[int] = []  # paren depths of open look-behinds
    depth = 0
    while i < n:
        ch = regex[i]
        if ch == "\\" and i + 1 < n:
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            if regex.startswith("(?<=", i) or regex.startswith("(?<!", i):
                lookbehind_depth.append(depth)
        elif ch == ")":
            if lookbehind_depth and lookbehind_depth[-1] == depth:
                lookbehind_depth.pop()
            depth -= 1
        elif ch == " " and not lookbehind_depth:
            if regex.startswith("?", i + 1):  # " ?" = optional whitespace
                out.append(r"\s*")
                i += 2
            else:
                out.append(r"\s+")
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _table_alternation(name: str, tables: dict[str, dict[str, Any]], where: str) -> str:
    if name not in tables:
        raise TemporalRuleError(f"{where}: unknown table @{name}")
    keys = [k.lower() for k in tables[name]]
    # News text writes the apostrophe either way ("Mother’s Day"); the lookup folds ’ to '.
    return _trie_regex(keys + [k.replace("'", "’") for k in keys if "'" in k])


def _trie_regex(words: list[str], ends: dict[str, str] | None = None) -> str:
    """An alternation of words as a prefix tree: 'jan|june|july' -> 'j(?:an|u(?:ne|ly))'.

    The regex engine tries alternatives one by one; sharing prefixes makes a failing
    position cost one comparison per letter instead of one per word. Longer words are
    tried before their prefixes, so the longest word matches. A space in a word
    stays a space (rules turn it into a whitespace run). ``ends`` may give a word a
    (grouped) regex that must follow it.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = (ends or {}).get(word, "")

    def emit(node: dict[str, Any]) -> str:
        branches = []
        for ch in sorted((c for c in node if c), key=lambda c: c):
            piece = " " if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if "" in node:
            if not branches:
                return node[""]
            if node[""]:
                return "(?:" + "|".join([*branches, node[""]]) + ")"
            return "(?:" + "|".join(branches) + ")?"
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return "(?:" + emit(trie) + ")"


def _fragment_regexes(patterns: dict[str, Any], tables: dict[str, dict[str, Any]]) -> dict[str, str]:
    resolved: dict[str, str] = {}

    def expand(name: str, stack: tuple[str, ...]) -> str:
        if name in resolved:
            return resolved[name]
        where = f"patterns.toml [{name}]"
        if name in stack:
            raise TemporalRuleError(f"{where}: cycle {' -> '.join(stack + (name,))}")
        spec = patterns.get(name)
        if not isinstance(spec, dict) or not isinstance(spec.get("regex"), str):
            raise TemporalRuleError(f"{where}: missing or without a 'regex' string")
        regex = _TABLE_REF.sub(lambda m: _table_alternation(m.group(1), tables, where), spec["regex"])

        def inner(m: re.Match[str]) -> str:
            if m.group(2):
                raise TemporalRuleError(f"{where}: fragments cannot name groups ({m.group(0)})")
            return "(?:" + expand(m.group(1), stack + (name,)) + ")"

        regex = _PLACEHOLDER.sub(inner, regex)
        resolved[name] = regex
        return regex

    for name in patterns:
        if name.startswith("_"):
            continue
        regex = expand(name, ())
        where = f"patterns.toml [{name}]"
        try:
            compiled = re.compile(_expand_spaces(regex), re.IGNORECASE)
        except re.error as exc:
            raise TemporalRuleError(f"{where}: bad regex: {exc}") from exc
        example = patterns[name].get("example")
        if not isinstance(example, str) or not compiled.fullmatch(example):
            raise TemporalRuleError(f"{where}: example {example!r} does not match")
    return resolved


def _normalizer(spec: dict[str, Any], tables: dict[str, dict[str, Any]], where: str) -> Callable[[str], Any]:
    norm = spec.get("norm", "text")
    if norm == "int":
        return _norm_int
    if norm == "year":
        return _norm_year
    if norm == "spelled_year":
        return _norm_spelled_year
    if norm == "ampm":
        return _norm_ampm
    if norm == "text":
        return _clean
    if norm == "number":
        return _make_number_norm(tables.get("number", {}))
    if norm == "decade":
        return _make_decade_norm(tables.get("decade_word", {}))
    names = norm.split("+")
    for table in names:
        if table not in tables:
            raise TemporalRuleError(
                f"{where}: unknown norm {table!r} (tables: {sorted(tables)}, "
                f"built-ins: {sorted(_BUILTIN_NORMS)})"
            )
    return _make_table_norm([tables[t] for t in names])


def _check_value(op: Any, groups: frozenset[str], where: str) -> None:
    if not isinstance(op, list) or not op or not isinstance(op[0], str):
        raise TemporalRuleError(f"{where}: value must be [operation, args...], got {op!r}")
    if op[0] not in OPERATIONS:
        raise TemporalRuleError(f"{where}: unknown operation {op[0]!r}")
    for arg in op[1:]:
        if isinstance(arg, list):
            _check_value(arg, groups, where)
        elif isinstance(arg, str) and arg and arg[0].islower() and arg not in groups:
            raise TemporalRuleError(f"{where}: value names group {arg!r} the pattern does not define")


def _place_fragments(
    pattern: str,
    prefix: str,
    fragments: dict[str, str],
    patterns: dict[str, Any],
    normalizers: dict[str, Callable[[str], Any]],
    groups: list[GroupSpec],
    where: str,
) -> str:
    """Replace {NAME} / {NAME:g} in a rule's pattern; record the named groups in ``groups``."""
    counts: dict[str, int] = {}

    def place(m: re.Match[str]) -> str:
        frag, group = m.group(1), m.group(2)
        if frag not in fragments:
            raise TemporalRuleError(f"{where}: unknown fragment {{{frag}}}")
        if not group:
            return "(?:" + fragments[frag] + ")"
        counts[group] = counts.get(group, 0) + 1
        # The same group may appear in two alternatives: later ones get a suffix.
        regex_name = f"{prefix}_{group}" + (f"_{counts[group]}" if counts[group] > 1 else "")
        capitalized = bool(patterns[frag].get("capitalized"))
        groups.append(GroupSpec(regex_name, group, frag, normalizers[frag], capitalized))
        return f"(?P<{regex_name}>" + fragments[frag] + ")"

    return _PLACEHOLDER.sub(place, pattern)


class _OpenStart(Exception):
    """A rule could start with almost any word: no gate can be built."""


_LIMIT = 20000  # prefixes enumerated per rule before giving up


def _first_words(items: Any, starts: set[tuple[str, bool]]) -> set[tuple[str, bool]]:
    """Possible starts of text matched by a parsed regex, as (letters, closed) pairs.

    ``letters`` are the lower-case letters read so far; ``closed`` is True once a
    non-letter ended the first word. Zero-width assertions are skipped (the gate only
    has to be a superset of the real starts).
    """
    from re import _constants as c  # the parser's opcodes (stable since 3.11)

    current = starts
    for op, av in items:
        if all(closed for _, closed in current):
            return current
        done = {x for x in current if x[1]}
        open_ = [x for x in current if not x[1]]
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            ch = chr(av).lower()
            nxt = {(w + ch, False) if ch.isalpha() else (w or "#" + re.escape(ch), True) for w, _ in open_}
        elif op is c.IN:
            letters: set[str] = set()
            others: list[str] = []
            for iop, iav in av:
                if iop is c.LITERAL and chr(iav).isalpha():
                    letters.add(chr(iav).lower())
                elif iop is c.RANGE and any(chr(x).isalpha() for x in range(iav[0], iav[1] + 1)):
                    raise _OpenStart
                elif iop is c.NEGATE or iop is c.CATEGORY and "WORD" in str(iav):
                    raise _OpenStart
                elif iop is c.LITERAL:
                    others.append(re.escape(chr(iav)))
                elif iop is c.RANGE:
                    others.append(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
                elif iop is c.CATEGORY and "DIGIT" in str(iav) and "NOT" not in str(iav):
                    others.append("0-9")
                elif iop is c.CATEGORY and "SPACE" in str(iav) and "NOT" not in str(iav):
                    others.append(r"\s")
                else:
                    raise _OpenStart
            nxt = {(w + ch, False) for w, _ in open_ for ch in letters}
            if others:
                nxt |= {(w or "#[" + "".join(others) + "]", True) for w, _ in open_}
        elif op is c.CATEGORY:
            kind = str(av)
            if "NOT" in kind or not ("DIGIT" in kind or "SPACE" in kind):
                raise _OpenStart
            nxt = {(w or ("#[0-9]" if "DIGIT" in kind else r"#\s"), True) for w, _ in open_}
        elif op is c.SUBPATTERN:
            nxt = _first_words(av[-1], set(open_))
        elif op is c.BRANCH:
            nxt = set()
            for alt in av[1]:
                nxt |= _first_words(alt, set(open_))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = av
            once = _first_words(sub, set(open_))
            if high > 1 and any(not closed for _, closed in once):
                # Repeated letters at the start of a rule: no exact first word (no gate).
                raise _OpenStart
            nxt = once | (set(open_) if low == 0 else set())
        else:
            raise _OpenStart
        current = done | nxt
        if len(current) > _LIMIT:
            raise _OpenStart
    return current


_OPEN, _WHOLE, _PREFIX = 0, 1, 2


def _two_words(items: Any, states: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """Like _first_words, but reads up to two words: states are (text, status) where text
    is "first" or "first second" (lower-case letters; "#" for a second token that is no
    letter) and status is _OPEN (still reading), _WHOLE (the word ended) or _PREFIX (more
    letters may follow). Used to split the rules that start with a common word ("the",
    "a") by the word that follows it."""
    from re import _constants as c

    def letter(text: str, ch: str) -> tuple[str, int]:
        return (text + ch, _OPEN)

    def space(text: str) -> tuple[str, int]:
        if not text:
            raise _OpenStart
        if text.endswith(" "):
            return (text, _OPEN)
        return (text + " ", _OPEN) if " " not in text else (text, _WHOLE)

    def other(text: str) -> tuple[str, int]:
        # "#" stands for a token that is no letter ("#" alone: the rule starts with one)
        return (text + "#", _WHOLE) if not text or text.endswith(" ") else (text, _WHOLE)

    current = states
    for op, av in items:
        if all(st != _OPEN for _, st in current):
            return current
        done = {x for x in current if x[1] != _OPEN}
        open_ = [t for t, st in current if st == _OPEN]
        nxt: set[tuple[str, int]] = set()
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.LITERAL:
            ch = chr(av).lower()
            for t in open_:
                nxt.add(letter(t, ch) if ch.isalpha() else space(t) if ch.isspace() else other(t))
        elif op is c.IN:
            for iop, iav in av:
                for t in open_:
                    if iop is c.LITERAL:
                        ch = chr(iav).lower()
                        nxt.add(letter(t, ch) if ch.isalpha() else space(t) if ch.isspace() else other(t))
                    elif iop is c.CATEGORY and "SPACE" in str(iav) and "NOT" not in str(iav):
                        nxt.add(space(t))
                    elif iop is c.CATEGORY and "DIGIT" in str(iav) and "NOT" not in str(iav):
                        nxt.add(other(t))
                    elif iop is c.RANGE and not any(
                        chr(x).isalpha() or chr(x).isspace() for x in range(iav[0], iav[1] + 1)
                    ):
                        nxt.add(other(t))
                    else:
                        raise _OpenStart
        elif op is c.CATEGORY:
            kind = str(av)
            if "NOT" in kind or not ("DIGIT" in kind or "SPACE" in kind):
                raise _OpenStart
            nxt = {space(t) if "SPACE" in kind else other(t) for t in open_}
        elif op is c.SUBPATTERN:
            nxt = _two_words(av[-1], {(t, _OPEN) for t in open_})
        elif op is c.BRANCH:
            for alt in av[1]:
                nxt |= _two_words(alt, {(t, _OPEN) for t in open_})
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = av
            once = _two_words(sub, {(t, _OPEN) for t in open_})
            before = {t.rstrip() for t in open_}
            if high > 1 and any(st == _OPEN and t.endswith(" ") and t.rstrip() not in before for t, st in once):
                # A repeated word and space ("(?:very )+") may bring any number of words.
                raise _OpenStart
            if high > 1:
                # Repeated whitespace changes nothing; repeated letters leave an open prefix.
                once = {(t, _PREFIX) if st == _OPEN and not t.endswith(" ") else (t, st) for t, st in once}
            nxt = once | ({(t, _OPEN) for t in open_} if low == 0 else set())
        else:
            raise _OpenStart
        current = done | nxt
        if len(current) > _LIMIT:
            raise _OpenStart
    return current


def _second_words(branch: str) -> SecondWords | None:
    """For each first word of a rule: (second words, second-word prefixes, anything goes)."""
    from re import _parser

    try:
        states = _two_words(_parser.parse(branch, re.IGNORECASE), {("", _OPEN)})
    except _OpenStart:
        return None
    table: dict[str, tuple[set[str], set[str], list[bool]]] = {}
    for text, status in states:
        first, space, second = text.partition(" ")
        if first == "#" or second == "#" or status == _WHOLE and not space:
            # A non-letter at the start, right after the first word or after the space
            # that follows it: this way through the rule cannot match where whitespace
            # and a letter follow the first word, the only place a second word is read.
            continue
        whole, prefixes, anything = table.setdefault(first, (set(), set(), [False]))
        if not space or status != _WHOLE and not second:
            anything[0] = True  # no second word seen: cannot narrow
        elif status == _WHOLE:
            whole.add(second)
        else:
            prefixes.add(second)
        if status != _WHOLE and " " not in text:
            anything[0] = True  # the first word itself may go on: cannot narrow
    return {k: (frozenset(w), tuple(sorted(p)), a[0]) for k, (w, p, a) in table.items()}


@dataclass(frozen=True)
class BranchStart:
    """The words a rule can start with (computed from its parsed regex)."""

    whole: frozenset[str]  # first words followed by a non-letter ("last", "may")
    prefixes: tuple[str, ...]  # first words that may go on with letters ("friday" in "fridays")
    other: re.Pattern[str] | None  # the non-letter characters a rule can start with

    def admits(self, word: str, char: str) -> bool:
        if not word:
            return self.other is not None and self.other.match(char) is not None
        return word in self.whole or any(word.startswith(p) for p in self.prefixes)


def _branch_start(branch: str) -> BranchStart | None:
    """First words of one rule; None when it could start almost anywhere."""
    from re import _parser

    try:
        starts = _first_words(_parser.parse(branch, re.IGNORECASE), {("", False)})
    except _OpenStart:
        return None
    whole: set[str] = set()
    prefixes: set[str] = set()
    others: set[str] = set()
    for word, closed in starts:
        if not word:
            return None  # the rule can match the empty string
        if word.startswith("#"):
            others.add(word[1:])
        elif closed:
            whole.add(word)
        else:
            prefixes.add(word)
    other = re.compile("|".join(sorted(others))) if others else None
    return BranchStart(frozenset(whole), tuple(sorted(prefixes)), other)


def _seconds_after(table: SecondWords | None, word: str) -> tuple[set[str], set[str]] | None:
    """The second words (whole, prefixes) one rule can go on with after ``word``, by its
    table of _second_words; None when it may go on with any."""
    if table is None:
        return None
    whole: set[str] = set()
    prefixes: set[str] = set()
    for first, (w, p, anything) in table.items():
        if first == word and not anything:
            whole |= w
            prefixes |= set(p)
        elif first == word or anything and word.startswith(first):
            # (a first word read up to a space is exact; only an open one may be a prefix)
            return None
    return whole, prefixes


def _start_gate(starts: list[BranchStart], seconds: tuple[SecondWords | None, ...] = ()) -> str:
    """A look-ahead accepting exactly the positions where some rule can start.

    Most words of a text cannot begin a time expression; rejecting them with one
    prefix-tree test instead of trying every rule is what makes the scan fast. With
    ``seconds`` (per rule, its _second_words) a first word followed by whitespace and
    another word is only accepted when some rule can go on with that word: "the
    house", "that he" are rejected in the same C-level pass instead of costing a
    Python round trip each (a third of the candidates of news text).
    """
    alternatives = sorted({s.other.pattern for s in starts if s.other is not None})
    ends = {
        word: r"(?![a-zA-Z])" + (_next_word_check(word, starts, seconds) if seconds else "")
        for s in starts
        for word in s.whole
    }
    ends.update((word, "") for s in starts for word in s.prefixes)  # may go on with any letters
    if ends:
        alternatives.append(_trie_regex(sorted(ends), ends))
    return "(?=" + "|".join(alternatives) + ")"


def _next_word_check(word: str, starts: list[BranchStart], seconds: tuple[SecondWords | None, ...]) -> str:
    """What may follow ``word`` (a whole first word) where the dispatch reads a second
    word (_TWO_WORDS)."""
    whole: set[str] = set()
    prefixes: set[str] = set()
    for start, table in zip(starts, seconds, strict=True):
        if start.admits(word, word[0]):
            after = _seconds_after(table, word)
            if after is None:
                return ""
            whole |= after[0]
            prefixes |= after[1]
    nexts = [_NO_SECOND_WORD]
    if whole:
        nexts.append(r"\s+" + _trie_regex(sorted(whole)) + r"(?![a-zA-Z])")
    if prefixes:
        nexts.append(r"\s+" + _trie_regex(sorted(prefixes)))
    return "(?:" + "|".join(nexts) + ")"


def compile_rules(
    tables: dict[str, dict[str, Any]], patterns: dict[str, Any], rules: list[dict[str, Any]]
) -> RuleSet:
    """Build the combined matcher; raise TemporalRuleError naming the first bad entry."""
    fragments = _fragment_regexes(patterns, tables)
    normalizers = {
        name: _normalizer(spec, tables, f"patterns.toml [{name}]")
        for name, spec in patterns.items()
        if not name.startswith("_")
    }
    branches: list[str] = []
    singles: list[re.Pattern[str]] = []
    compiled_rules: dict[str, Rule] = {}
    seen_names: set[str] = set()
    for index, raw in enumerate(rules):
        name = raw.get("name") if isinstance(raw, dict) else None
        where = f"rules.toml rule #{index + 1} {name!r}"
        if not isinstance(name, str) or not name:
            raise TemporalRuleError(f"{where}: missing 'name'")
        if name in seen_names:
            raise TemporalRuleError(f"{where}: duplicate name")
        seen_names.add(name)
        for key in ("pattern", "example", "type", "value"):
            if key not in raw:
                raise TemporalRuleError(f"{where}: missing {key!r}")
        if raw["type"] not in RULE_TYPES:
            raise TemporalRuleError(f"{where}: type must be one of {sorted(RULE_TYPES)}")
        prefix = f"R{index}"
        groups: list[GroupSpec] = []
        body = _expand_spaces(
            _place_fragments(raw["pattern"], prefix, fragments, patterns, normalizers, groups, where)
        )
        try:
            single = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.IGNORECASE)
        except re.error as exc:
            raise TemporalRuleError(f"{where}: bad pattern: {exc}") from exc
        # The example must end with a match of the rule; text before the match is
        # allowed so that rules with a look-behind ("for years") can show their context.
        example = raw["example"]
        expected = raw.get("example_match")
        if not isinstance(example, str) or not any(
            m.group(0) == expected if expected else m.end() == len(example) for m in single.finditer(example)
        ):
            raise TemporalRuleError(f"{where}: example {example!r} does not match its pattern")
        names = frozenset(g.name for g in groups)
        _check_value(raw["value"], names, where)
        if "end" in raw:
            _check_value(raw["end"], names, where)
        mod = raw.get("mod", "")
        if not isinstance(mod, str):
            raise TemporalRuleError(f"{where}: mod must be a string")
        compiled_rules[prefix] = Rule(
            index, name, raw["type"], raw["value"], mod, raw.get("end"), tuple(groups), names
        )
        branches.append(f"(?P<{prefix}>{body})")
        singles.append(single)
    starts = [_branch_start(b) for b in branches]
    seconds = tuple(_second_words(b) for b in branches)
    if any(st is None for st in starts):
        gate = ""  # some rule may start anywhere: no gate, the full alternation everywhere
        known: list[BranchStart] = []
    else:
        known = [st for st in starts if st is not None]
        gate = _start_gate(known)
    # The dispatch's gate also reads the second word; the plain regex keeps the first-word
    # gate, so that it stays the reference the dispatch is checked against.
    gate_regex = (
        re.compile(r"(?<!\w)" + _start_gate(known, seconds) + r"(?=" + _TWO_WORDS + ")", re.IGNORECASE)
        if gate
        else None
    )
    for single, raw in zip(singles, rules, strict=True):
        # Every rule must still find its example behind the gate (a word missing from
        # the gate would silently disable the rule).
        expected = raw.get("example_match")
        if gate_regex is not None and not any(
            (m.group(0) == expected if expected else m.end() == len(raw["example"]))
            and gate_regex.match(raw["example"], m.start())
            for m in single.finditer(raw["example"])
        ):
            raise TemporalRuleError(f"rules.toml rule {raw['name']!r}: its first word escapes the start gate")
    combined = r"(?<!\w)" + gate + r"(?:" + "|".join(branches) + r")(?!\w)"
    try:
        regex = re.compile(combined, re.IGNORECASE)
    except re.error as exc:  # pragma: no cover - every branch compiled alone above
        raise TemporalRuleError(f"rules.toml: combined pattern does not compile: {exc}") from exc
    seconds = seconds if gate else ()
    return RuleSet(regex, compiled_rules, gate_regex, tuple(known), tuple(branches), seconds)


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """The English news rules of resources/temporal/, compiled once per process."""
    norms = load_json("temporal/normalizations.json")
    patterns = load_toml("temporal/patterns.toml")
    rules = load_toml("temporal/rules.toml")
    for fname, data in (("normalizations.json", norms), ("patterns.toml", patterns), ("rules.toml", rules)):
        if "_format" not in data:
            raise TemporalRuleError(f"{fname}: missing the '_format' header")
    return compile_rules(norms["tables"], patterns, rules.get("rule", []))


@lru_cache(maxsize=1)
def load_tense_cues() -> tuple[
    re.Pattern[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]
]:
    """(cue regex, future cue words, words that look past but are not, strong cues, reporting
    verbs, future-in-the-past cues)."""
    data = load_json("temporal/tense.json")
    reporting = frozenset(w.lower() for w in data.get("reporting", []))
    in_past = frozenset(w.lower() for w in data.get("future_in_past", []))
    # Phrases listed as not_past ("next to") must be matched whole to be skipped whole.
    phrases = {w.lower() for w in data["not_past"] if " " in w}
    words = sorted({w.lower() for w in data["future"] + data["past"]} | reporting | in_past | phrases)
    alts = _expand_spaces(_trie_regex(words))
    # "'ll" is glued to its subject ("he'll"), so it needs no word boundary before it.
    regex = re.compile(r"['’]ll(?!\w)|(?<![\w'’])(?:" + alts + r"|[a-z]{2,}ed)(?!\w)", re.IGNORECASE)
    strong = frozenset(w.lower().replace("’", "'") for w in data.get("strong", []))
    return (
        regex,
        frozenset(w.lower() for w in data["future"]),
        frozenset(w.lower() for w in data["not_past"]),
        strong,
        reporting,
        in_past,
    )
