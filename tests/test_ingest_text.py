"""Plain-text and markdown readers: encodings, header block, title, furniture, dates."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from viewer.core.resources import load_json
from viewer.ingest import MAX_FILE_BYTES, IngestError, read_article
from viewer.ingest.text import is_furniture

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "us-china-trade-call.txt"

BODY_EN = (
    "Negotiators from both sides met again on Tuesday in Geneva.\n"
    "The ministry said the talks were “constructive” and that tariffs—already high—would stay.\n"
)
# Realistic paragraphs per language, long enough for detection to be meaningful.
ENCODED = [
    ("utf-8", BODY_EN),
    ("utf-8-sig", BODY_EN),
    ("utf-16", BODY_EN),
    ("utf-16-le", BODY_EN),  # no BOM: recognised from its NUL pattern
    ("utf-16-be", BODY_EN),
    ("cp1252", BODY_EN + "Le ministère a déclaré que les négociations étaient « très difficiles ».\n"),
    (
        "latin-1",
        "Le ministre français a déclaré mardi que les négociations commerciales entre "
        "l'Europe et la Chine étaient très difficiles, mais qu'un accord restait possible "
        "avant la fin de l'été. Les exportateurs européens craignent une hausse des droits.\n",
    ),
    (
        "gb18030",
        "中国商务部周四表示，中美双方将继续就关税问题进行磋商。商务部发言人在例行记者会上说，"
        "双方团队保持着密切沟通，希望美方与中方相向而行，共同落实两国元首通话达成的重要共识。\n",
    ),
    (
        "big5",
        "中華民國經濟部週四表示，美國與中國之間的貿易談判仍在進行中。官員說，雙方團隊保持密切聯繫，"
        "希望能夠在關稅與稀土出口管制等問題上取得進展，並落實兩國領導人通話的共識。\n",
    ),
    (
        "shift_jis",
        "日本政府は木曜日、米国と中国の貿易交渉について懸念を表明した。経済産業省の担当者は、"
        "関税の引き上げが日本企業のサプライチェーンに大きな影響を与える可能性があると述べた。\n",
    ),
]


@pytest.mark.parametrize(("encoding", "body"), ENCODED, ids=[e for e, _ in ENCODED])
def test_encodings_are_detected(tmp_path: Path, encoding: str, body: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(body.encode(encoding))
    art = read_article(path)
    assert art.text == body.strip()


def test_mixed_utf8_and_cp1252_lines_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        "Tariffs rose to 145% — a record, officials said.\n".encode()
        + "Le ministère a répondu jeudi.\n".encode("cp1252")
    )
    art = read_article(path)
    assert "— a record" in art.text
    assert "Le ministère a répondu jeudi." in art.text


def test_sample_article() -> None:
    art = read_article(SAMPLE)
    assert art.title == "Trump and Xi Jinping Finally Talk: Will This End the US-China Trade Deadlock?"
    assert art.published is None
    assert art.published_origin == ""
    assert "Also Read" not in art.text
    assert art.text.startswith("After months of silence, Trump and Xi connect")
    assert art.text.endswith("a complex and high-stakes standoff.")
    # Only the title line and the furniture line are gone; every paragraph stays.
    source_lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert [ln for ln in art.text.split("\n") if ln.strip()] == source_lines[1:-1]
    assert art.path == str(SAMPLE)


def test_header_block(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "Title: China halts rare earth exports\n"
        "Source: Example Wire\n"
        "URL: https://example.com/world/2025/04/04/rare-earths\n"
        "Published: April 4, 2025\n"
        "Author: Jane Roe\n"
        "\n"
        "BEIJING, April 4 (Reuters) - China suspended exports of seven rare earths on Friday.\n"
        "The move follows new US tariffs.\n",
        encoding="utf-8",
    )
    art = read_article(path)
    assert (art.title, art.source, art.author) == (
        "China halts rare earth exports",
        "Example Wire",
        "Jane Roe",
    )
    assert art.url == "https://example.com/world/2025/04/04/rare-earths"
    assert (art.published, art.published_origin) == (date(2025, 4, 4), "header")
    assert art.text.startswith("BEIJING, April 4 (Reuters) - China suspended")
    assert "Title:" not in art.text


def test_markdown_front_matter_and_heading(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        '---\ndate: 2025-05-12\nsource: "Example Daily"\ntags: [trade]\n---\n'
        "# Geneva deal cuts tariffs\n\n"
        "The **United States** and China agreed to [cut tariffs](https://example.com/x) for 90 days.\n\n"
        "## Reaction\n\n* Markets rose.\n",
        encoding="utf-8",
    )
    art = read_article(path)
    assert art.title == "Geneva deal cuts tariffs"
    assert art.source == "Example Daily"
    assert (art.published, art.published_origin) == (date(2025, 5, 12), "metadata")
    assert "The United States and China agreed to cut tariffs for 90 days." in art.text
    assert "Reaction" in art.text and "Markets rose." in art.text
    assert "**" not in art.text and "](" not in art.text and "---" not in art.text


@pytest.mark.parametrize(
    ("name", "body", "expected", "origin"),
    [
        # A dateline needs a year from elsewhere: here the file name.
        (
            "2025-05-31 call.txt",
            "WASHINGTON, May 30 (Reuters) - Talks stalled.\nMore text.",
            date(2025, 5, 30),
            "dateline",
        ),
        # Across New Year the dateline's year is the one closest to the other evidence.
        (
            "20260102 recap.txt",
            "BEIJING, Dec. 31 (Xinhua) -- Trade grew.\nMore text.",
            date(2025, 12, 31),
            "dateline",
        ),
        # No year anywhere: the dateline is not used, and nothing is invented.
        ("call.txt", "WASHINGTON, May 30 (Reuters) - Talks stalled.\nMore text.", None, ""),
        ("notes 2025.txt", "WASHINGTON, May 30 - Talks stalled.\nMore text.", date(2025, 5, 30), "dateline"),
        ("call 5 June 2025.txt", "Talks stalled again this week.\nMore text.", date(2025, 6, 5), "filename"),
        ("call.txt", "Headline here\nJune 5, 2025\n\nTalks stalled again.", date(2025, 6, 5), "header"),
        ("call.txt", "Headline here\nUpdated June 9, 2025\n\nTalks stalled again.", None, ""),
        (
            "call.txt",
            "Headline here\nPublished June 5, 2025 | Updated June 9, 2025\n\nTalks stalled again.",
            date(2025, 6, 5),
            "header",
        ),
        (
            "call.txt",
            "Headline here\nJune 5, 2025 at 10:30 a.m. EDT\n\nTalks stalled.",
            date(2025, 6, 5),
            "header",
        ),
        (
            "call.txt",
            "Published: 5 June 2025 · Last updated: 9 June 2025\n\nHeadline here\nTalks stalled again.",
            date(2025, 6, 5),
            "header",
        ),
        ("call.txt", "HONG KONG, June 5, 2025 — Stocks fell.\nMore.", date(2025, 6, 5), "dateline"),
    ],
)
def test_publication_date_evidence(
    tmp_path: Path, name: str, body: str, expected: date | None, origin: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    art = read_article(path)
    assert (art.published, art.published_origin) == (expected, origin)


def test_dateline_agency_becomes_source(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("BEIJING (AP) — China said on Friday it would retaliate.\nMore.", encoding="utf-8")
    art = read_article(path)
    assert art.source == "Associated Press"
    assert art.text.startswith("BEIJING (AP) — China said")


def test_url_host_is_the_outlet_of_last_resort(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("URL: https://www.example-news.com/2025/06/05/story\n\nText of the story.\nMore.")
    art = read_article(path)
    assert art.source == "example-news.com"
    assert (art.published, art.published_origin) == (date(2025, 6, 5), "url")


def test_byline_is_author_not_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Tariff truce holds\nBy Jane Roe and John Doe\n\nThe truce held on Monday.\n")
    art = read_article(path)
    assert art.author == "Jane Roe and John Doe"
    assert art.text == "The truce held on Monday."


def test_single_line_is_text_not_title(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("China and the US agree to talk")
    art = read_article(path)
    assert art.text == "China and the US agree to talk"
    assert art.title == ""


FURNITURE = load_json("ingest/furniture.json")


@pytest.mark.parametrize("line", FURNITURE["examples"])
def test_furniture_examples_are_removed(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", FURNITURE["keep"])
def test_article_sentences_are_kept(line: str) -> None:
    assert not is_furniture(line)


def test_furniture_lines_disappear_from_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "Headline about tariffs\n\nFirst paragraph.\nRead more: Another story\n"
        "Second paragraph.\nSubscribe to our newsletter\nAdvertisement\nThird paragraph.\n"
    )
    art = read_article(path)
    assert art.text == "First paragraph.\nSecond paragraph.\nThird paragraph."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n  \r\n", "whitespace"),
        (bytes(range(256)) * 40, "not a text file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG image"),
        (b"Some text\x00\x00\x00" * 200, "NUL bytes"),
        (b"%PDF-1.7\n...", "PDF document"),
    ],
    ids=["empty", "whitespace", "binary", "png", "nul-laden", "pdf-as-txt"],
)
def test_bad_text_files_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_article(path)
    assert reason in info.value.reason
    assert str(path) in str(info.value)


def test_a_few_stray_nuls_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(
        b"Tariffs rose on Friday. Markets fell.\n" * 10 + b"A stray\x00 NUL.\n" + b"More text.\n" * 5
    )
    art = read_article(path)
    assert "\x00" not in art.text and "A stray NUL." in art.text


def test_too_large_is_refused_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("a too-large file must not be opened")

    monkeypatch.setattr("builtins.open", no_open)
    with pytest.raises(IngestError, match="too large"):
        read_article(path)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Some text here.\nMore.")
    real_open = open

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(IngestError, match="permission denied"):
        read_article(path)


def test_vanished_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not found"):
        read_article(tmp_path / "gone.txt")


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "a.xyz"
    path.write_text("text")
    with pytest.raises(IngestError, match="unsupported file type .xyz"):
        read_article(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    with pytest.raises(IngestError, match="not a regular file"):
        read_article(path)


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By Jane Roe", "Jane Roe"),
        ("By Jane Roe and John Doe in Beijing", "Jane Roe and John Doe in Beijing"),
        ("By JANE ROE, Associated Press", "JANE ROE, Associated Press"),
        ("By Tuesday, negotiators hoped to reach a deal", None),
        ("By the end of May the truce had frayed.", None),
    ],
)
def test_byline_or_sentence(tmp_path: Path, line: str, author: str | None) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"Tariff truce holds\n{line}\n\nThe truce held on Monday.\n")
    art = read_article(path)
    if author is None:
        assert art.author == "" and art.text.startswith(line)
    else:
        assert art.author == author and art.text == "The truce held on Monday."
