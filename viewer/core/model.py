"""The data model shared by ingest, extract, store and ui.

Plain dataclasses: no Qt, no database. Offsets always index ``Article.text``
(Python string indices, end exclusive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    """How precise a date is; ordered from finest to coarsest."""

    TIME = "time"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"


class Origin(StrEnum):
    """Where a date came from."""

    EXPLICIT = "explicit"  # written in full in the text ("12 May 2025")
    RELATIVE = "relative"  # resolved against the article's date ("Thursday")
    INFERRED = "inferred"  # guessed from context (e.g. the article's own date)
    USER = "user"  # typed or corrected by the user


@dataclass(frozen=True)
class TimePoint:
    """A possibly imprecise date: the interval [start, end] (both inclusive days).

    ``value`` is the TIMEX3-style value it came from ("2025-06-05", "2025-05",
    "2025-W23", "2025-Q1", "2025", "199").
    """

    start: date
    end: date
    precision: Precision
    origin: Origin
    value: str

    def label(self) -> str:
        """The date as the JSON/CLI forms write it: YYYY-MM-DD, YYYY-MM or YYYY."""
        if self.precision in (Precision.DAY, Precision.TIME):
            return self.start.isoformat()
        if self.precision == Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.precision in (Precision.YEAR, Precision.DECADE, Precision.CENTURY):
            return f"{self.start.year:04d}"
        return self.value


@dataclass
class Article:
    """An article as a reader produced it, before extraction."""

    text: str
    title: str = ""
    source: str = ""  # outlet
    url: str = ""
    published: date | None = None
    published_origin: str = ""  # "metadata", "header", "dateline", "url", "filename", "email", "user", ""
    path: str = ""  # file it came from
    author: str = ""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class ActorMention:
    start: int
    end: int
    text: str  # as written ("Treasury Secretary Scott Bessent", "Beijing")
    name: str  # canonical name ("Scott Bessent", "China")
    kind: str  # person, government, ministry, agency, company, organization, media, country
    country: str = ""
    role: str = ""  # title, e.g. "Treasury Secretary"


@dataclass
class Actor:
    name: str
    kind: str
    country: str = ""
    aliases: list[str] = field(default_factory=list)
    role: str = ""


@dataclass
class IssueMention:
    start: int
    end: int
    issue_id: str  # taxonomy id, e.g. "tariffs"
    text: str


@dataclass
class Issue:
    id: str
    label: str
    colour: str  # "#RRGGBB"
    parent: str | None = None


@dataclass
class Quote:
    text: str
    start: int  # offsets of the quoted text (inside the quotation marks)
    end: int
    speaker: str | None  # canonical actor name
    sentence_start: int = 0
    sentence_end: int = 0
    event_index: int | None = None  # index into Extraction.events


@dataclass
class UnresolvedDate:
    """A time expression the tagger found but could not place (no anchor)."""

    text: str
    start: int
    end: int
    value: str  # underspecified value, e.g. "XXXX-05" or "XXXX-WXX-4"


@dataclass
class Event:
    title: str
    when: TimePoint
    evidence: str  # the exact sentence
    start: int  # sentence offsets into the article text
    end: int
    actors: list[str] = field(default_factory=list)  # canonical names
    issues: list[str] = field(default_factory=list)  # issue ids
    date_text: str = ""  # the time expression as written
    date_start: int = 0
    date_end: int = 0


@dataclass
class Extraction:
    """Everything extraction found in one article."""

    events: list[Event] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    actor_mentions: list[ActorMention] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    issue_mentions: list[IssueMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    unresolved: list[UnresolvedDate] = field(default_factory=list)
