"""Readers for saved web pages, PDF, Word, e-mail and RTF; folder collection."""

from __future__ import annotations

import os
import textwrap
from datetime import date
from pathlib import Path

import pytest

from tests.ingest_corpus import (
    PARAGRAPHS,
    TITLE,
    article_pdf_pages,
    html_page,
    make_docx,
    make_eml,
    make_mhtml,
    make_pdf,
    make_rtf,
    make_zip_bomb_docx,
)
from viewer.ingest import SUPPORTED_SUFFIXES, IngestError, collect_files, read_article
from viewer.ingest.html import MAX_ELEMENTS
from viewer.ingest.pdf import join_lines, strip_running_lines


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


# --- HTML -------------------------------------------------------------------------------------


def test_html_page_text_and_metadata(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "page.html", html_page()))
    assert art.title == TITLE
    assert art.source == "Example Trade Weekly"
    assert art.author == "Jane Roe"
    assert art.url == "https://www.example-trade.com/world/trade-talks-resume"
    for p in PARAGRAPHS:
        assert p in art.text
    for furniture in ("SCRIPT-TEXT", "color: red", "Also Read", "Related stories", "Home", "Subscribe"):
        assert furniture not in art.text


def test_html_original_date_not_last_updated(tmp_path: Path) -> None:
    page = html_page(published="2025-06-05T08:00:00Z", modified="2025-06-09T09:00:00Z")
    art = read_article(write(tmp_path, "page.html", page))
    assert (art.published, art.published_origin) == (date(2025, 6, 5), "metadata")


BODY_HTML = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


@pytest.mark.parametrize(
    ("head", "body_prefix", "expected"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "datePublished": "2025-03-04T10:00:00Z", "dateModified": "2025-03-09T10:00:00Z"}</script>',
            "",
            date(2025, 3, 4),
        ),
        (
            "",
            '<p>Published <time datetime="2025-03-04">March 4, 2025</time>, updated '
            '<time datetime="2025-03-09">March 9</time></p>',
            date(2025, 3, 4),
        ),
        ('<meta name="date" content="2025-03-04">', "", date(2025, 3, 4)),
        (
            '<meta property="og:updated_time" content="2025-03-09">'
            '<meta property="article:published_time" content="2025-03-04">',
            "",
            date(2025, 3, 4),
        ),
    ],
    ids=["json-ld", "time-element", "meta-date", "open-graph"],
)
def test_html_date_sources(tmp_path: Path, head: str, body_prefix: str, expected: date) -> None:
    page = f"<html><head><title>{TITLE}</title>{head}</head><body><article><h1>{TITLE}</h1>{body_prefix}{BODY_HTML}</article></body></html>"  # noqa: E501
    art = read_article(write(tmp_path, "page.html", page))
    assert (art.published, art.published_origin) == (expected, "metadata")


def test_html_without_date_evidence_stays_undated(tmp_path: Path) -> None:
    page = f"<html><head><title>{TITLE}</title></head><body><article>{BODY_HTML}</article></body></html>"
    path = write(tmp_path, "page.html", page)
    os.utime(path, (1_700_000_000, 1_700_000_000))  # the mtime is never evidence
    art = read_article(path)
    assert (art.published, art.published_origin) == (None, "")


def test_html_date_from_file_name_when_page_has_none(tmp_path: Path) -> None:
    page = f"<html><head><title>{TITLE}</title></head><body><article>{BODY_HTML}</article></body></html>"
    art = read_article(write(tmp_path, "2025-06-05 talks.htm", page))
    assert (art.published, art.published_origin) == (date(2025, 6, 5), "filename")


def test_html_declared_charset(tmp_path: Path) -> None:
    page = html_page().replace('charset="utf-8"', 'charset="windows-1252"').replace("Jane Roe", "José Roé")
    art = read_article(write(tmp_path, "page.htm", page.encode("cp1252")))
    assert "\u201cfrank and constructive\u201d" in art.text
    assert art.author == "José Roé"


def test_mhtml_archive(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "page.mhtml", make_mhtml()))
    assert art.title == TITLE
    assert art.url == "https://www.example-trade.com/world/trade-talks-resume"
    assert PARAGRAPHS[3] in art.text


def test_too_many_elements_refused(tmp_path: Path) -> None:
    page = "<html><body>" + "<span>x</span>" * (MAX_ELEMENTS + 1) + "</body></html>"
    with pytest.raises(IngestError, match="too complex"):
        read_article(write(tmp_path, "huge.html", page))


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_article(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "a.pdf", make_pdf(article_pdf_pages(), title=TITLE)))
    assert art.title == TITLE
    # Hyphenation undone, running head, page numbers and URL footer removed.
    assert "met again on Tuesday, officials said" in art.text
    assert "a renewed escalation would disrupt" in art.text
    assert "Example Trade Weekly" not in art.text and "of 2" not in art.text and "https://" not in art.text
    # The URL printed in the footer is kept as the article's URL, and dates it.
    assert art.url == "https://www.example-trade.com/2025/06/05/trade-talks-resume"
    assert (art.published, art.published_origin) == (date(2025, 6, 5), "url")


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "a.pdf", make_pdf(article_pdf_pages(), user_password="")))
    assert "supply chains" in art.text


def test_running_lines_need_repetition() -> None:
    pages = [
        ["Head 1", "Alpha text.", "Footer"],
        ["Head 2", "Beta text.", "Footer"],
        ["Other", "Gamma.", "x"],
    ]
    cleaned, removed = strip_running_lines(pages)
    assert cleaned == [["Alpha text."], ["Beta text."], ["Other", "Gamma.", "x"]]
    assert set(removed) == {"Head 1", "Head 2", "Footer"}


def test_single_page_keeps_its_lines_but_drops_page_number() -> None:
    cleaned, _ = strip_running_lines([["Title of the piece", "Some text here.", "1"]])
    assert cleaned == [["Title of the piece", "Some text here."]]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["The negotiations were diffi-", "cult, officials said on Monday."],
            "The negotiations were difficult, officials said on Monday.",
        ),
        (
            ["Relations between the two US-", "China delegations stayed tense."],
            "Relations between the two US-China delegations stayed tense.",
        ),
        (
            [
                "A long line of wrapped text that goes on and on to the margin",
                "and continues here.",
                "Short end.",
                "New paragraph starts here and runs to the right margin too",
            ],
            "A long line of wrapped text that goes on and on to the margin and continues here.\n"
            "Short end.\nNew paragraph starts here and runs to the right margin too",
        ),
    ],
    ids=["dehyphenate", "keep-real-hyphen", "paragraphs"],
)
def test_join_lines(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


# --- Word, e-mail, RTF ------------------------------------------------------------------------------


def test_docx_article(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "a.docx", make_docx(TITLE, PARAGRAPHS)))
    assert art.title == TITLE
    assert art.text.split("\n")[:4] == PARAGRAPHS
    assert "Tariff on imports | 30%" in art.text


def test_docx_zip_bomb_refused_before_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx must not be reached for a zip bomb")

    monkeypatch.setattr(docx, "Document", must_not_open)
    with pytest.raises(IngestError, match="zip bomb"):
        read_article(write(tmp_path, "bomb.docx", make_zip_bomb_docx(16)))


def test_eml_newsletter(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "n.eml", make_eml()))
    assert art.title == TITLE  # "Fwd:" removed
    assert art.source == "China Trade Briefing"
    assert (art.published, art.published_origin) == (date(2025, 6, 5), "email")
    assert art.text.split("\n") == PARAGRAPHS  # browser link and unsubscribe footer removed


def test_eml_html_only(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "n.eml", make_eml(html_only=True)))
    assert PARAGRAPHS[0] in art.text and "Unsubscribe" not in art.text
    assert art.published_origin == "email"


def test_eml_dateline_beats_email_date(tmp_path: Path) -> None:
    eml = make_eml().replace(
        b"View this email in your browser", b"BEIJING, June 4 (Reuters) - Talks went on."
    )
    art = read_article(write(tmp_path, "n.eml", eml))
    assert (art.published, art.published_origin) == (date(2025, 6, 4), "dateline")
    assert art.source == "China Trade Briefing"


def test_rtf(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "a.rtf", make_rtf()))
    assert art.title == TITLE
    assert art.text.split("\n") == PARAGRAPHS


# --- folders -----------------------------------------------------------------------------------


def test_collect_files_recursive_sorted_and_skips_listed(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    for rel in ("b/2.txt", "b/1.html", "a/z.pdf", "a/notes.xyz", "top.md", ".hidden.txt", "a/.DS_Store"):
        (tmp_path / rel).write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text("x")
    (tmp_path / "a" / "again.txt").symlink_to(tmp_path / "top.md")  # same file twice: read once
    files, skipped = collect_files([tmp_path, tmp_path / "top.md", tmp_path / "explicit.xyz"])
    rel = [str(f.relative_to(tmp_path)) for f in files]
    assert rel == ["a/again.txt", "a/z.pdf", "b/1.html", "b/2.txt"]  # top.md was reached first as a link
    assert [(str(p.relative_to(tmp_path)), r) for p, r in skipped] == [
        ("a/notes.xyz", "unsupported file type .xyz"),
        ("explicit.xyz", "not found"),
    ]


def test_supported_suffixes() -> None:
    assert {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".mhtml", ".pdf", ".docx", ".eml", ".rtf"} <= (
        SUPPORTED_SUFFIXES
    )


def test_html_declared_utf8_but_saved_in_cp1252(tmp_path: Path) -> None:
    page = html_page().replace("Jane Roe", "José Roé")
    art = read_article(write(tmp_path, "page.html", page.encode("cp1252")))
    assert "\u201cfrank and constructive\u201d" in art.text
    assert art.author == "José Roé"


def test_saved_page_assets_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "Trade talks.html").write_text(html_page())
    assets = tmp_path / "Trade talks_files"
    assets.mkdir()
    (assets / "ad-frame.html").write_text("<html><body><p>Buy now</p></body></html>")
    (assets / "style.css").write_text("p{}")
    (tmp_path / "other_files").mkdir()  # no page of that name: an ordinary folder
    (tmp_path / "other_files" / "note.txt").write_text("A note about tariffs.")
    files, skipped = collect_files([tmp_path])
    assert [f.name for f in files] == ["note.txt", "Trade talks.html"]  # "other_files" sorts first
    assert skipped == [(assets, "assets folder of a saved web page (not read)")]


def test_forwarded_newsletter_takes_the_original_date(tmp_path: Path) -> None:
    fwd = (
        "---------- Forwarded message ---------\nFrom: China Trade Briefing <news@example.org>\n"
        "Date: Tue, Jun 3, 2025 at 7:30 AM\nSubject: Talks resume\nTo: <reader@example.com>\n\n"
    )
    eml = make_eml().replace(b"View this email in your browser", fwd.encode())
    art = read_article(write(tmp_path, "n.eml", eml))
    assert (art.published, art.published_origin) == (date(2025, 6, 3), "header")
    assert art.text.split("\n") == PARAGRAPHS


# A page built like a news site's: cookie banner, navigation, share buttons, inline
# "Read more:" and "Related:" links, a newsletter box, a caption, tags, "Most read".
NEWS_SITE_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8">\n'
    "<title>Beijing hits back with export curbs - World - Daily Example</title>\n"
    '<meta name="description" content="China announced curbs.">\n'
    '<script type="application/ld+json">[{"@context":"https://schema.org","@type":"BreadcrumbLi'
    'st"},{"@context":"https://schema.org","@type":"NewsArticle","headline":"Beijing hits back '
    'with export curbs","datePublished":"2025-04-04T06:00:00+08:00","dateModified":"2025-04-05T'
    '12:00:00+08:00","author":[{"@type":"Person","name":"Li Wei"},{"@type":"Person","name":"Sam'
    ' Park"}],"publisher":{"@type":"Organization","name":"Daily Example"}}]</script>\n'
    "</head><body>\n"
    '<div id="cookie-banner">We use cookies to improve your experience. <button>Accept</button>'
    "</div>\n"
    '<header><div class="logo">Daily Example</div><nav><ul><li><a href="/world">World</a></li><'
    'li><a href="/business">Business</a></li><li><a href="/tech">Tech</a></li><li><a href="/opi'
    'nion">Opinion</a></li></ul></nav></header>\n'
    "<main>\n"
    '<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/world">World</a></div>\n'
    "<h1>Beijing hits back with export curbs</h1>\n"
    '<div class="meta"><span class="author">By Li Wei and Sam Park</span> <span class="date">Pu'
    "blished April 4, 2025 · Updated April 5, 2025</span></div>\n"
    '<div class="share"><a>Share on Facebook</a> <a>Share on X</a> <a>Email</a></div>\n'
    '<div class="article-body">\n'
    "<p>BEIJING, April 4 (Daily Example) - China said on Friday it would restrict exports of se"
    "veral rare earth elements, a move analysts described as the sharpest response yet to the l"
    "atest round of US tariffs.</p>\n"
    "<p>The commerce ministry said the measures would take effect immediately and would apply t"
    "o shipments to all countries, not only the United States.</p>\n"
    '<p><strong>Read more:</strong> <a href="/x">What are rare earths and why do they matter?</'
    "a></p>\n"
    "<p>Industry groups in Europe and Japan warned that the curbs could disrupt production of e"
    "lectric vehicles and wind turbines within weeks.</p>\n"
    '<div class="newsletter-signup"><h3>Get our China Briefing newsletter</h3><p>Sign up for ou'
    'r free newsletter to get the latest news every morning.</p><form><input type="email"><butt'
    "on>Sign up</button></form></div>\n"
    '<p>"We are studying the measures carefully," a spokesperson for a major carmaker said, add'
    "ing that the company had stockpiled some materials.</p>\n"
    '<figure><img src="a.jpg"><figcaption>Photo: A rare earth mine in Inner Mongolia. (Getty Im'
    "ages)</figcaption></figure>\n"
    "<p>Washington has not yet responded to the announcement, which came hours after the White "
    "House said it was open to talks.</p>\n"
    '<p>Related: <a href="/y">US stocks fall as trade war widens</a></p>\n'
    "</div>\n"
    '<div class="tags">Tags: <a>China</a> <a>Trade</a></div>\n'
    "</main>\n"
    '<aside class="most-read"><h2>Most read</h2><ol><li><a>Celebrity chef opens restaurant</a><'
    "/li><li><a>Weather warning for weekend</a></li><li><a>Stocks tumble again</a></li></ol></a"
    "side>\n"
    "<footer><p>© 2025 Daily Example Ltd. All rights reserved.</p><ul><li><a>About us</a></li><"
    "li><a>Contact</a></li><li><a>Privacy</a></li></ul></footer>\n"
    "</body></html>\n"
    "\n"
)


def test_news_site_page_keeps_paragraphs_and_drops_furniture(tmp_path: Path) -> None:
    art = read_article(write(tmp_path, "page.html", NEWS_SITE_PAGE))
    assert art.title == "Beijing hits back with export curbs"
    assert art.source == "Daily Example"
    assert (art.published, art.published_origin) == (date(2025, 4, 4), "metadata")  # not the update
    paragraphs = art.text.split("\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("BEIJING, April 4 (Daily Example) - China said on Friday")
    assert paragraphs[-1].startswith("Washington has not yet responded")
    for furniture in (
        "cookies",
        "Read more",
        "Related:",
        "newsletter",
        "Sign up",
        "Photo:",
        "Tags:",
        "Most read",
        "Celebrity",
        "All rights reserved",
        "Share on",
    ):
        assert furniture not in art.text, furniture


def test_pdf_with_unreadable_text_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    # What pypdf returns for fonts without a character map: private-use code points.
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **k: "\ue001\ue002\ue003 \ue004" * 20)
    with pytest.raises(IngestError, match="text layer is unreadable"):
        read_article(write(tmp_path, "a.pdf", make_pdf(article_pdf_pages())))


def test_pdf_control_characters_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    pages = iter(["Tariffs\x07 rose on Friday.\nMore.", "Markets fell.\nAgain."])
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **k: next(pages))
    art = read_article(write(tmp_path, "a.pdf", make_pdf(article_pdf_pages())))
    assert "Tariffs rose on Friday." in art.text and "\x07" not in art.text


def test_collect_natural_order_and_deep_folders(tmp_path: Path) -> None:
    import inspect
    import sys

    for name in ("note 10.txt", "Note 2.txt", "note 1.txt"):
        (tmp_path / name).write_text("x")
    deep = tmp_path / "deep"
    for _ in range(300):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("x")
    # A recursion limit well below the folder depth: the walk must not recurse.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 100)
    try:
        files, skipped = collect_files([tmp_path])
    finally:
        sys.setrecursionlimit(old)
    assert [f.name for f in files] == ["bottom.txt", "note 1.txt", "Note 2.txt", "note 10.txt"]
    assert skipped == []


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- saved from url=(0055)https://www.example-trade.com/2025/06/05/talks-resume -->",
        "<!--\n Page saved with SingleFile \n url: https://www.example-trade.com/2025/06/05/talks-resume \n"
        " saved date: Mon Jun 09 2025 10:00:00 GMT+0000 -->",
    ],
    ids=["chrome", "singlefile"],
)
def test_saved_from_url_comment(tmp_path: Path, comment: str) -> None:
    page = f"{comment}<html><head><title>{TITLE}</title></head>"
    page += f"<body><article>{BODY_HTML}</article></body></html>"
    art = read_article(write(tmp_path, "page.html", page))
    assert art.url == "https://www.example-trade.com/2025/06/05/talks-resume"
    assert art.source == "example-trade.com"
    # The URL's date, never the save date.
    assert (art.published, art.published_origin) == (date(2025, 6, 5), "url")


def test_pdf_printed_by_a_browser(tmp_path: Path) -> None:
    head = "6/5/25, 10:31 AM Trade talks resume as tariff deadline nears - Example Trade Weekly"
    url = "https://www.example-trade.com/world/trade-talks-resume"

    def wrapped(paragraphs: list[str]) -> list[str]:
        return [line for p in paragraphs for line in textwrap.wrap(p, 80)]

    pages = [
        [head, TITLE, "By Jane Roe", *wrapped(PARAGRAPHS[:2]), f"{url} 1/2"],
        [head, *wrapped(PARAGRAPHS[2:]), f"{url} 2/2"],
    ]
    pdf = make_pdf(pages, title=f"{TITLE} - Example Trade Weekly")
    art = read_article(write(tmp_path, "printed.pdf", pdf))
    assert (art.title, art.source, art.author, art.url) == (TITLE, "Example Trade Weekly", "Jane Roe", url)
    assert art.text.split("\n") == PARAGRAPHS
    assert art.published is None  # the print date in the running head is not evidence
