"""The pipeline without a window: files -> articles -> extraction -> project.

Used by the command line and, on a worker thread, by the window. No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from viewer.core.model import Article
from viewer.extract.issues import load_taxonomy
from viewer.extract.pipeline import extract
from viewer.ingest import IngestError, collect_files, read_article
from viewer.store.columns import Columns, actor_spans, data_version, load_columns
from viewer.store.exchange import import_events_file, is_event_file
from viewer.store.project import ActorRow, ArticleRow, IssueRow, Project, QuoteRows

APP_NAME = "Dateline"
SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "us-china-trade-call.txt"


def data_dir() -> Path:
    """Where projects live by default: $XDG_DATA_HOME/dateline (~/.local/share/dateline)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dateline"


def default_project_path() -> Path:
    return data_dir() / "default.dateline"


def warm_up() -> None:
    """Compile the extraction rules and import the readers' libraries once (a few seconds of
    CPU): done on a thread when the window opens, it spares the first dropped files."""
    from viewer.extract.pipeline import warm_up as warm_up_extraction
    from viewer.ingest.readers import warm_up_readers

    warm_up_readers()
    warm_up_extraction()


def open_project(path: str | Path | None) -> Project:
    """Open (creating if needed) a project and make the trade-issue taxonomy known to it."""
    project = Project(path)
    project.sync_issues(load_taxonomy(user_issue_files()))
    return project


def user_issue_files() -> list[Path]:
    """Issues a user added: a JSON file in the data directory, read after the built-in taxonomy."""
    p = data_dir() / "issues.json"
    return [p] if p.exists() else []


def project_issue_files(project: Project) -> list[Path]:
    """The taxonomy files extraction reads for this project: the user's, then the project's own
    issues and patterns (added in the Trade issues panel) written as a taxonomy file.

    The file is named by its content, so the extractor's cache of compiled taxonomies stays right.
    """
    from viewer.extract.issues import issue_index
    from viewer.store.edits import issue_patterns

    files = user_issue_files()
    known = issue_index(tuple(str(f) for f in files))
    items: dict[str, dict] = {}
    for row in project.issues():
        if row.id not in known:
            items[row.id] = {"id": row.id, "label": row.label, "colour": row.colour, "parent": row.parent,
                             "patterns": []}
    for issue_id, pattern in issue_patterns(project):
        items.setdefault(issue_id, {"id": issue_id, "patterns": []})["patterns"].append(pattern)
    if not items:
        return files
    body = json.dumps({"_format": "Issues and patterns added in a Dateline project (generated).",
                       "issues": list(items.values())}, sort_keys=True, ensure_ascii=False)
    path = data_dir() / "project-issues" / (hashlib.sha256(body.encode()).hexdigest()[:20] + ".json")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(path)
    return [*files, path]


def retag_project(
    project: Project,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Run extraction again on every stored article (e.g. after a trade issue or pattern was added);
    the user's corrections are kept. Returns how many articles were re-read: fewer than the
    project has when ``cancelled()`` said stop (each article is one transaction, so the ones done
    stay done). ``progress(done, total, title)`` is called before each article and at the end."""
    files = project_issue_files(project)
    rows = project.articles()
    for n, row in enumerate(rows):
        if cancelled is not None and cancelled():
            return n
        if progress is not None:
            progress(n, len(rows), row.title)
        article = project.article_for_extraction(row.id)
        project.replace_extraction(row.id, extract(article, files))
    if progress is not None:
        progress(len(rows), len(rows), "")
    return len(rows)


@dataclass
class FileOutcome:
    path: str
    status: str  # "imported", "duplicate", "refused"
    message: str = ""
    article_id: int | None = None
    events: int = 0
    quotes: int = 0

    def line(self) -> str:
        if self.status == "imported":
            extra = f"{self.events} events, {self.quotes} quotes"
            if self.message:
                extra += f"; {self.message}"
            return f"imported  {self.path}: {extra}"
        if self.status == "duplicate":
            return f"already   {self.path}: already in the project"
        return f"refused   {self.path}: {self.message}"


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return any(o.status == "refused" for o in self.outcomes)

    def summary(self) -> str:
        s = (f"{self.count('imported')} imported, {self.count('duplicate')} already present, "
             f"{self.count('refused')} refused")
        return s + (" (cancelled)" if self.cancelled else "")


def ingest_article(project: Project, article: Article) -> FileOutcome:
    if project.find_duplicate(article) is not None:
        return FileOutcome(article.path, "duplicate")
    result = project.add_article(article, extract(article, project_issue_files(project)))
    note = "" if article.published else "date needed"
    return FileOutcome(article.path, "duplicate" if result.duplicate else "imported", note,
                       result.article_id, result.events, result.quotes)


def ingest_file(project: Project, path: Path) -> FileOutcome:
    """Read, extract and store one file; any failure is reported, never raised."""
    try:
        article = read_article(path)
    except IngestError as exc:
        return FileOutcome(str(path), "refused", exc.reason)
    try:
        return ingest_article(project, article)
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop a drop of many
        return FileOutcome(str(path), "refused", f"could not be processed ({type(exc).__name__}: {exc})")


def ingest_paths(
    project: Project,
    paths: Iterable[str | Path],
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> IngestReport:
    """Ingest files and folders; ``progress(done, total, current)`` is called before each file."""
    paths = [Path(p) for p in paths]
    # timelines from elsewhere (TimelineJS JSON or CSV, ICS calendars) come in as events, not articles
    event_files = [p for p in paths if p.is_file() and is_event_file(p)]
    files, skipped = collect_files([p for p in paths if p not in event_files])
    report = IngestReport([FileOutcome(str(p), "refused", why) for p, why in skipped])
    for path in event_files:
        r = import_events_file(project, path)
        report.outcomes.append(FileOutcome(r.path, r.status, r.message, r.article_id, len(r.event_ids)))
    for n, path in enumerate(files):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        if progress is not None:
            progress(n, len(files), str(path))
        report.outcomes.append(ingest_file(project, path))
    if progress is not None:
        progress(len(files), len(files), "")
    return report


@dataclass
class ProjectView:
    """Everything the window's panels and timeline show of a project, read in one go.

    The ingest worker reads it with its own connection once its last file is stored, so
    that the window only swaps rows and arrays in instead of querying on the UI thread.
    """

    path: Path | None
    actors: list[ActorRow]
    issues: list[IssueRow]
    quotes: QuoteRows
    articles: list[ArticleRow]
    counts: dict[str, int]
    columns: Columns
    version: int = -1  # the data version (columns.data_version) when the read began; -1: not known


def read_columns(project: Project, use_cache: bool = True) -> tuple[int, Columns]:
    """The data version (``columns.data_version``) as the read began and the timeline columns,
    sorted by id too: what the timeline needs, read before the panels' rows because it is a
    fraction of their cost on a big project (the columns come through, and refresh, the cache;
    ``use_cache`` False: read from the events, the cache left alone)."""
    version = data_version(project)
    columns = load_columns(project, use_cache)
    columns.id_order()  # sorted on the reading thread (the ingest worker's, the loader's), not the window's
    return version, columns


def read_view(project: Project, use_cache: bool = True, columns: tuple[int, Columns] | None = None
              ) -> ProjectView:
    """The project as the window shows it; the timeline columns (``columns``: as
    :func:`read_columns` gave them a moment ago, else read now) give the actors their first and
    last dates (far cheaper than asking the file for them)."""
    version, cols = columns if columns is not None else read_columns(project, use_cache)
    return ProjectView(project.path, project.actors(actor_spans(project, cols)), project.issues(),
                       project.quotes(), project.articles(), project.counts(), cols, version)


def why_no_timeline(project: Project, how_to_date: str = "set it in the window: Articles › Set date…"
                    ) -> str | None:
    """Why ``project`` has no event to draw (None: it has some), naming the articles that wait for a
    publication date (``how_to_date`` says how to give one): what an export says instead of writing
    an image of an empty timeline."""
    c = project.counts()
    if c["events"]:
        return None
    if not c["articles"]:
        return "it has no articles yet"
    waiting = [a for a in project.articles() if a.published is None]
    if waiting:
        names = ", ".join(f"“{a.title or Path(a.path).name}”" for a in waiting[:3])
        more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
        return (f"its events cannot be placed until {'these articles have' if len(waiting) > 1 else 'this article has'}"
                f" a publication date: {names}{more} ({how_to_date})")
    n = c["articles"]
    return f"none of its {n} article{'s' if n != 1 else ''} names a date that can be placed"


class TimelineFeed:
    """The timeline so far, for a window watching an ingest: ``poll()`` after each file returns
    fresh columns and counts when something changed and the last read is old enough, else None.

    Reading patches the columnar cache with the events stored since the last read, so each read
    costs about the new events; the interval stretches to ``cost_factor`` times the last read's
    cost so that a huge project does not spend its ingest re-sorting its columns.
    """

    def __init__(self, project: Project, interval: float = 0.5, cost_factor: float = 4.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.project = project
        self.interval = interval
        self.cost_factor = cost_factor
        self._clock = clock
        self._next = clock() + interval
        self._version = data_version(project)

    def poll(self) -> tuple[Columns, dict[str, int]] | None:
        now = self._clock()
        if now < self._next:
            return None
        version = data_version(self.project)
        if version == self._version:
            self._next = now + self.interval
            return None
        t = time.perf_counter()
        cols = load_columns(self.project)
        counts = self.project.counts()
        cost = time.perf_counter() - t
        self._version = data_version(self.project)
        self._next = self._clock() + max(self.interval, self.cost_factor * cost)
        return cols, counts


def set_article_date(project: Project, article_id: int, published: date | None) -> None:
    """Give an article its publication date; its relative dates re-resolve from the stored text."""
    article = project.article_for_extraction(article_id)
    article.published = published
    project.set_published(article_id, published, extract(article, project_issue_files(project)))
