"""Trade issues: the taxonomy (resources/issues/taxonomy.json) and its matcher.

Patterns are regular expressions matched on word boundaries, case-insensitively,
except patterns written as an acronym (two capitals first: "WTO", "EVs?", "AI chips?"),
which keep their case so that "evs" or "who" in prose do not match. A mention of a
child issue ("rare earths") also counts for its parent ("critical minerals").

An issue's ``weak_patterns`` are words that name it only in a trade story ("talks",
"retaliation", "violated"): they count in an article that also names some issue by one of
its (strong) ``patterns``, so a crime report's "retaliation" is no trade dispute.

Users extend the taxonomy with JSON files of the same format (``extra_paths``): a new
id adds an issue, an existing id adds patterns (and may change label or colour).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from viewer.core.model import Issue, IssueMention
from viewer.core.resources import ResourceError, load_json

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class IssueRule:
    issue: Issue
    patterns: tuple[str, ...]
    weak: tuple[str, ...] = ()


def _read_extra(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc
    items = data.get("issues") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ResourceError(f"{path}: expected a list of issues under 'issues'")
    return items


def _rules(extra_paths: tuple[str, ...]) -> list[IssueRule]:
    base = load_json("issues/taxonomy.json")
    items: dict[str, dict] = {}
    for it in base["issues"]:
        items[it["id"]] = dict(it)
    for p in extra_paths:
        for it in _read_extra(Path(p)):
            if "id" not in it:
                raise ResourceError(f"{p}: an issue without 'id'")
            cur = items.get(it["id"])
            if cur is None:
                items[it["id"]] = {
                    "id": it["id"],
                    "label": it.get("label", it["id"]),
                    "colour": it.get("colour", "#DDDDDD"),
                    "parent": it.get("parent"),
                    "patterns": list(it.get("patterns", [])),
                    "weak_patterns": list(it.get("weak_patterns", [])),
                }
            else:
                for k in ("patterns", "weak_patterns"):
                    cur[k] = list(cur.get(k, [])) + list(it.get(k, []))
                for k in ("label", "colour", "parent"):
                    if k in it:
                        cur[k] = it[k]
    rules: list[IssueRule] = []
    for it in items.values():
        colour = it.get("colour", "")
        if not _HEX.match(colour):
            raise ResourceError(f"issue {it['id']}: colour {colour!r} is not #RRGGBB")
        if it.get("parent") and it["parent"] not in items:
            raise ResourceError(f"issue {it['id']}: unknown parent {it['parent']!r}")
        for pat in [*it.get("patterns", []), *it.get("weak_patterns", [])]:
            try:
                re.compile(pat)
            except re.error as exc:
                raise ResourceError(f"issue {it['id']}: bad pattern {pat!r}: {exc}") from exc
        rules.append(
            IssueRule(Issue(it["id"], it["label"], colour.upper(), it.get("parent")), tuple(it["patterns"]),
                      tuple(it.get("weak_patterns", ())))
        )
    return rules


@lru_cache(maxsize=8)
def _cached_rules(extra_paths: tuple[str, ...]) -> list[IssueRule]:
    return _rules(extra_paths)


def load_taxonomy(extra_paths: Iterable[str | Path] = ()) -> list[Issue]:
    """All issues (built-in and the user's) with their colours, taxonomy order."""
    # copies: callers (panels, store) may edit what they get without touching the cache
    return [_copy(r.issue) for r in _cached_rules(tuple(str(p) for p in extra_paths))]


def _copy(issue: Issue) -> Issue:
    return Issue(issue.id, issue.label, issue.colour, issue.parent)


@lru_cache(maxsize=8)
def issue_index(extra_paths: tuple[str, ...] = ()) -> dict[str, Issue]:
    """id -> Issue of the (cached) taxonomy; read-only, copy before editing."""
    return {r.issue.id: r.issue for r in _cached_rules(extra_paths)}


def _case_sensitive(pattern: str) -> bool:
    return bool(re.match(r"[A-Z0-9]{2}", pattern))


@lru_cache(maxsize=8)
def _combined(
    extra_paths: tuple[str, ...],
) -> tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None, dict[str, str]]:
    """Regexes for the whole taxonomy, one named group per issue and kind of pattern:
    case-insensitive patterns with a literal start (run on the lower-cased text, only
    where the prefilter finds a start), those without one, and the acronym patterns.

    At a position the first listed issue wins: children are listed before parents so
    that "retaliatory tariffs" is the child (and through it the parent); a child's
    mention is also reported for its parent.
    """
    fast: list[str] = []
    slow: list[str] = []
    cs_parts: list[str] = []
    groups: dict[str, str] = {}
    rules = _cached_rules(extra_paths)
    ordered = sorted(rules, key=lambda r: 0 if r.issue.parent else 1)
    for i, r in enumerate(ordered):
        pats = sorted(r.patterns, key=len, reverse=True)
        ci = [_lower_pattern(p) for p in pats if not _case_sensitive(p)]
        with_prefix = [p for p in ci if len(_literal_prefix(p)) >= 2]
        without = [p for p in ci if len(_literal_prefix(p)) < 2]
        cs = [p for p in pats if _case_sensitive(p)]
        for tag, part, target in (("a", with_prefix, fast), ("s", without, slow), ("b", cs, cs_parts)):
            if part:
                groups[f"{tag}{i}"] = r.issue.id
                target.append(f"(?P<{tag}{i}>" + "|".join(f"(?:{p})" for p in part) + ")")

    def build(parts: list[str]) -> re.Pattern[str] | None:
        return re.compile(r"\b(?:" + "|".join(parts) + r")(?![\w-])") if parts else None

    fast_rx = build(fast) or re.compile(r"(?!x)x")
    return fast_rx, build(slow), build(cs_parts), groups


@lru_cache(maxsize=8)
def _weak_combined(extra_paths: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One regex of every issue's weak patterns (matched on the lower-cased text), children first."""
    parts: list[str] = []
    groups: dict[str, str] = {}
    ordered = sorted(_cached_rules(extra_paths), key=lambda r: 0 if r.issue.parent else 1)
    for i, r in enumerate(ordered):
        if r.weak:
            groups[f"w{i}"] = r.issue.id
            pats = sorted((_lower_pattern(p) for p in r.weak), key=len, reverse=True)
            parts.append(f"(?P<w{i}>" + "|".join(f"(?:{p})" for p in pats) + ")")
    if not parts:
        return None, groups
    return re.compile(r"\b(?:" + "|".join(parts) + r")(?![\w-])"), groups


def _lower_pattern(p: str) -> str:
    # lower-case literal letters but keep escapes such as \W, \S, \B intact
    return re.sub(r"(\\.)|([A-Z])", lambda m: m.group(1) or m.group(2).lower(), p)


_META = set("()[]{}?*+|.^$\\")


def _literal_prefix(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with ("" if none is known)."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            out.append(pattern[i + 1])
            i += 2
            continue
        if ch in _META:
            if ch in "?*{" and out:
                out.pop()  # the previous character is optional
            break
        out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=8)
def _prefilter(extra_paths: tuple[str, ...]) -> re.Pattern[str] | None:
    """A fast scan for the literal starts of all case-insensitive patterns.

    The combined regex is then tried only where one of these starts: Python's re
    tries every alternative at every word start otherwise, which made issue matching
    the slowest step of extraction. None when no pattern has a literal start."""
    prefixes: list[str] = []
    for r in _cached_rules(extra_paths):
        for p in r.patterns:
            if _case_sensitive(p):
                continue
            pre = _literal_prefix(_lower_pattern(p))
            if len(pre) >= 2:
                prefixes.append(pre)
    if not prefixes:
        return None
    from viewer.extract.actors import _alts

    return re.compile(r"\b(?:" + _alts(prefixes) + ")")


def find_issues(text: str, extra_paths: Iterable[str | Path] = ()) -> list[IssueMention]:
    """Issue mentions in ``text``, each child mention also reported for its parent."""
    key = tuple(str(p) for p in extra_paths)
    parents = {i.id: i.parent for i in issue_index(key).values()}
    ci_rx, slow_rx, cs_rx, groups = _combined(key)
    lower = text.lower()
    if len(lower) != len(text):
        # a few characters change length when lower-cased (e.g. "İ"); keep offsets exact
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    mentions: list[IssueMention] = []

    def add(mt: re.Match[str], groups: dict[str, str] = groups) -> None:
        iid: str | None = groups[mt.lastgroup or ""]
        while iid:
            mentions.append(IssueMention(mt.start(), mt.end(), iid, text[mt.start() : mt.end()]))
            iid = parents.get(iid)

    pre = _prefilter(key)
    if pre is None:
        for mt in ci_rx.finditer(lower):
            add(mt)
    else:
        last_end = 0
        for hit in pre.finditer(lower):
            if hit.start() < last_end:
                continue
            mt = ci_rx.match(lower, hit.start())
            if mt:
                add(mt)
                last_end = mt.end()
    if slow_rx is not None:
        for mt in slow_rx.finditer(lower):
            add(mt)
    if cs_rx is not None:
        for mt in cs_rx.finditer(text):
            add(mt)
    weak_rx, weak_groups = _weak_combined(key)
    if mentions and weak_rx is not None:
        for mt in weak_rx.finditer(lower):
            add(mt, weak_groups)
    # a slow-path and a fast-path pattern may find the same mention
    unique = {(m.start, m.end, m.issue_id): m for m in mentions}
    return sorted(unique.values(), key=lambda x: (x.start, x.end, x.issue_id))


def issues_by_id(extra_paths: Iterable[str | Path] = ()) -> dict[str, Issue]:
    return {i.id: i for i in load_taxonomy(extra_paths)}
