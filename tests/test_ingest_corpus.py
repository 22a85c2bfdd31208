"""The generated bad-input corpus: every case gives its expected outcome, none hangs."""

from __future__ import annotations

import builtins
import os
import random
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.ingest_corpus import SMALL_FILES_DIR, UNREADABLE, VANISHING, make_corpus
from viewer.core.model import Article
from viewer.ingest import IngestError, collect_files, read_article

# Not a speed requirement: a generous ceiling that turns a hang into a failure
# naming the file, instead of a test run that never ends.
HANG_SECONDS = 60


@contextmanager
def hang_guard(what: str) -> Iterator[None]:
    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"{what} did not finish within {HANG_SECONDS} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str]]:
    return make_corpus(tmp_path_factory.mktemp("corpus"))


def _outcome(path: Path) -> str:
    try:
        with hang_guard(str(path)):
            art = read_article(path)
    except IngestError as exc:
        assert exc.path == str(path)
        assert str(exc) == f"{path}: {exc.reason}" and "\n" not in str(exc)
        return exc.reason
    assert isinstance(art, Article) and art.text.strip()
    return "ok"


def test_corpus_is_big_enough(corpus: list[tuple[Path, str]]) -> None:
    assert len(corpus) >= 40
    assert sum(1 for _, e in corpus if e != "ok") >= 25


def test_every_case_gives_its_expected_outcome(corpus: list[tuple[Path, str]]) -> None:
    failures: list[str] = []
    for path, expected in corpus:
        with hang_guard(f"collect {path}"):
            files, skipped = collect_files([path])
        if path.name == VANISHING:
            path.unlink()
        if path.is_dir() and not path.is_symlink():
            # A folder: every file inside has the expected outcome; links that
            # loop or lead nowhere are skipped with a reason, not followed forever.
            outcomes = [_outcome(f) for f in files]
            if path.name == SMALL_FILES_DIR and len(files) != 10_000:
                failures.append(f"{path.name}: {len(files)} files collected, expected 10000")
        else:
            outcomes = [_outcome(f) for f in files] + [reason for _, reason in skipped]
        if not outcomes:
            failures.append(f"{path.name}: nothing collected and nothing skipped")
        for got in outcomes:
            if (expected == "ok") != (got == "ok") or (expected != "ok" and expected not in got):
                failures.append(f"{path.name}: expected {expected!r}, got {got!r}")
    assert failures == []


def test_loop_folder_lists_the_loop_and_the_broken_link(corpus: list[tuple[Path, str]]) -> None:
    folder = next(p for p, _ in corpus if p.name == "folder with link loop")
    files, skipped = collect_files([folder])
    assert [f.name for f in files] == ["inside.txt"]
    reasons = sorted(r for _, r in skipped)
    assert len(reasons) == 2
    assert "broken link" in reasons[0] and "link loop" in reasons[1]


@pytest.fixture
def as_non_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make open() honour missing read permission even for root, as for any user."""
    real_open = builtins.open

    def checked_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if isinstance(file, str | os.PathLike) and "r" in mode and os.path.exists(file):
            if not os.stat(file).st_mode & (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH):
                raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", checked_open)


def test_unreadable_file_is_refused(corpus: list[tuple[Path, str]], as_non_root: None) -> None:
    path = next(p for p, _ in corpus if p.name == UNREADABLE)
    with pytest.raises(IngestError, match="permission denied"):
        read_article(path)


def test_good_files_keep_their_text(corpus: list[tuple[Path, str]]) -> None:
    """The good files are not merely accepted: their paragraphs arrive intact."""
    checks = {
        "good page.html": "Exporters of electronics and farm goods have warned",
        "good article.pdf": "a renewed escalation would disrupt supply chains",
        "good article.docx": "declined to comment on the details",
        "good newsletter.eml": "declined to comment on the details",
        "good article.rtf": "\u201cfrank and constructive\u201d",
        "good archive.mhtml": "Exporters of electronics and farm goods have warned",
        "good gb18030.txt": "中美双方经贸团队将继续保持沟通",
        "good big5.txt": "美中雙方經貿團隊將持續保持溝通",
        "good shift-jis.txt": "米中の貿易協議について懸念を表明した",
        "good utf-16.txt": "Negotiators from the two largest economies",
        "good cp1252.txt": "Le ministère a déclaré « très difficile ».",
        "mixed encodings.txt": "Le ministère a répondu « non ».",
    }
    by_name = {p.name: p for p, _ in corpus}
    for name, needle in checks.items():
        art = read_article(by_name[name])
        assert needle in art.text, name
        for furniture in (
            "Also Read",
            "Subscribe to our newsletter",
            "View this email",
            "Unsubscribe",
            "SCRIPT-TEXT",
            "Related stories",
        ):
            assert furniture not in art.text, (name, furniture)


def _good_samples() -> dict[str, bytes]:
    from tests.ingest_corpus import (
        BODY,
        TITLE,
        article_pdf_pages,
        html_page,
        make_docx,
        make_eml,
        make_mhtml,
        make_pdf,
        make_rtf,
    )

    text = f"{TITLE}\n\n{BODY}\n".encode()
    return {
        ".txt": text,
        ".md": b"---\ndate: 2025-06-05\n---\n# " + text,
        ".html": html_page().encode(),
        ".mhtml": make_mhtml(),
        ".pdf": make_pdf(article_pdf_pages()),
        ".docx": make_docx(TITLE, BODY.split("\n")),
        ".eml": make_eml(),
        ".rtf": make_rtf(),
    }


def _mutations(data: bytes, rng: random.Random) -> Iterator[bytes]:
    yield data[: rng.randrange(1, len(data))]  # truncated
    for _ in range(6):  # bytes overwritten at random places
        buf = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        yield bytes(buf)
    cut = rng.randrange(len(data))  # a slice removed from the middle
    yield data[:cut] + data[cut + rng.randrange(1, 200) :]


def test_damaged_files_give_an_article_or_an_ingest_error_only(tmp_path: Path) -> None:
    """Fuzz: truncated and corrupted copies of good files never raise anything else."""
    rng = random.Random(20250605)
    count = 0
    for suffix, data in _good_samples().items():
        for i, mutated in enumerate(_mutations(data, rng)):
            path = tmp_path / f"damaged {i}{suffix}"
            path.write_bytes(mutated)
            try:
                with hang_guard(str(path)):
                    art = read_article(path)
            except IngestError as exc:
                assert exc.reason and "\n" not in str(exc)
            else:
                assert isinstance(art, Article) and art.text.strip()
            count += 1
    assert count == 8 * 8
