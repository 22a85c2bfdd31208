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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from viewer.core.resources import load_json, load_toml

RULE_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
OPERATIONS = frozenset(
    {
        "date", "weekday", "rel", "ago", "quarter", "half", "season", "weekend", "decade", "century",
        "holiday", "time", "daypart", "pod", "dur", "set", "set_weekday", "literal", "month_dir",
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


@dataclass(frozen=True)
class RuleSet:
    regex: re.Pattern[str]
    rules: dict[str, Rule]  # key: the rule's outer group name in the combined regex


# ------------------------------------------------------------------ normalizers
_NUMBER_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}


def _clean(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split()).strip(" -")


def _word_number(text: str) -> int | None:
    """'twenty-four' -> 24, 'nine' -> 9 (the small compounds news writes out)."""
    parts = text.replace("-", " ").split()
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
    keys = sorted(tables[name], key=lambda k: (-len(k), k))
    return "(?:" + "|".join(re.escape(k).replace(r"\ ", " ") for k in keys) + ")"


def _fragment_regexes(
    patterns: dict[str, Any], tables: dict[str, dict[str, Any]]
) -> dict[str, str]:
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
            raise TemporalRuleError(f"{where}: unknown norm {table!r} (tables: {sorted(tables)}, "
                                    f"built-ins: {sorted(_BUILTIN_NORMS)})")
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
        body = _expand_spaces(_place_fragments(raw["pattern"], prefix, fragments, patterns, normalizers,
                                               groups, where))
        try:
            single = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.IGNORECASE)
        except re.error as exc:
            raise TemporalRuleError(f"{where}: bad pattern: {exc}") from exc
        # The example must end with a match of the rule; text before the match is
        # allowed so that rules with a look-behind ("for years") can show their context.
        example = raw["example"]
        if not isinstance(example, str) or not any(
            m.end() == len(example) for m in single.finditer(example)
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
    combined = r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)"
    try:
        regex = re.compile(combined, re.IGNORECASE)
    except re.error as exc:  # pragma: no cover - every branch compiled alone above
        raise TemporalRuleError(f"rules.toml: combined pattern does not compile: {exc}") from exc
    return RuleSet(regex, compiled_rules)


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
def load_tense_cues() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    """(cue regex, future cue words, words that look past but are not)."""
    data = load_json("temporal/tense.json")
    future = sorted(data["future"], key=len, reverse=True)
    past = sorted(data["past"], key=len, reverse=True)
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in future + past)
    # "'ll" is glued to its subject ("he'll"), so it needs no word boundary before it.
    regex = re.compile(r"['’]ll(?!\w)|(?<![\w'’])(?:" + alts + r"|[a-z]{2,}ed)(?!\w)", re.IGNORECASE)
    return regex, frozenset(w.lower() for w in future), frozenset(w.lower() for w in data["not_past"])
