"""Whole-article extraction: sentences -> time expressions -> actors -> trade issues
-> quotes -> events, all offsets into ``article.text``.

``article.published`` is the anchor of relative dates. With no anchor nothing is
invented: events come only from dates written in full, and every expression that
needed the anchor is listed in ``Extraction.unresolved``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path

from viewer.core.model import Article, Extraction, Issue, UnresolvedDate
from viewer.core.resources import load_toml
from viewer.extract import temporal
from viewer.extract.actors import find_actors
from viewer.extract.events import find_events, owns_quote
from viewer.extract.issues import find_issues, issue_index
from viewer.extract.quotes import Context, find_quotes
from viewer.extract.sentences import split_sentences

# values that name no calendar position even with an anchor ("recently", "now")
_REFS = ("PAST_REF", "PRESENT_REF", "FUTURE_REF")
_ACCORDING = re.compile(r"\b(?:[Aa]ccording to|[Cc]iting|[Rr]eported by|[Qq]uoted by)\s+")


def extract(article: Article, extra_issue_paths: Iterable[str | Path] = ()) -> Extraction:
    """Extract events, actors, issues and quotes from one article."""
    text = article.text or ""
    anchor = article.published
    sentences = split_sentences(text)
    timexes = temporal.tag(text, anchor)
    actors = find_actors(text, sentences)
    extra = tuple(str(p) for p in extra_issue_paths)
    issue_mentions = find_issues(text, extra)
    qctx = Context(text, sentences, actors.mentions, actors.gender)
    quotes = find_quotes(qctx)

    # the source of a report ("according to Chinese state media") is not a participant
    sources: list[tuple[int, int]] = []
    for m in _ACCORDING.finditer(text):
        for am in actors.mentions:
            if am.start == m.end():
                sources.append((am.start, am.end))
                break
    events = find_events(
        text, sentences, timexes, actors.mentions, issue_mentions, anchor is not None, sources, qctx.gender
    )

    # a quote belongs to an event of its sentence only when it tells of it (owns_quote):
    # the Quotes panel dates a linked quote by its event, an unlinked one by the article
    ev_starts = [ev.start for ev in events]  # events come in text order
    for q in quotes:
        for pos in (q.start, q.sentence_start):
            k = bisect.bisect_right(ev_starts, pos)
            here = [i for i in range(k) if events[i].start <= pos < events[i].end]
            if here:
                owns = (i for i in here if owns_quote(text, events[i], q.start, q.end, q.speaker, actors.mentions))
                q.event_index = next(owns, None)
                break

    unresolved: list[UnresolvedDate] = []
    if anchor is None:
        for t in timexes:
            if t.type in ("DATE", "TIME") and t.relative and not t.resolved and t.value not in _REFS:
                unresolved.append(UnresolvedDate(t.text, t.start, t.end, t.value))

    by_id = issue_index(extra)
    found: list[Issue] = []
    seen: set[str] = set()
    for im in issue_mentions:
        iss = by_id.get(im.issue_id)
        if iss is not None and iss.id not in seen:
            seen.add(iss.id)
            found.append(Issue(iss.id, iss.label, iss.colour, iss.parent))

    return Extraction(
        events=events,
        actors=actors.actors,
        actor_mentions=actors.mentions,
        issues=found,
        issue_mentions=issue_mentions,
        quotes=quotes,
        unresolved=unresolved,
    )


def warm_up() -> None:
    """Load and compile every resource once (about a second), e.g. on a worker thread at
    start-up, so that the first dropped article does not pay for it."""
    from datetime import date

    sample = (
        "China's Ministry of Commerce said on Thursday, 5 June 2025, that talks held last week in May "
        'and earlier this month were "fine," Treasury Secretary Scott Bessent told reporters on June 9-10. '
        "A 90-day truce began in the second quarter of 2025, two days ago, at 3 p.m. on Friday morning."
    )
    extract(Article(text=sample, published=date(2025, 6, 6)))
    extract(Article(text=sample, published=None))
    # the tagger compiles its rules per first word on first sight; the rules' own examples
    # start with the words news text does, so tagging them once spares the first articles
    examples = [r["example"] for r in load_toml("temporal/rules.toml").get("rule", []) if "example" in r]
    temporal.tag(". ".join(examples), date(2025, 6, 6))
