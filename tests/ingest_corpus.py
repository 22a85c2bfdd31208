"""A generated corpus of good and bad article files, for the ingest tests.

``make_corpus(dir)`` writes the files and returns ``[(path, expected), ...]`` where
``expected`` is ``"ok"`` (the file must import) or a substring of the refusal
reason (``IngestError.reason``, or the reason ``collect_files`` gives when it skips
the path). Paths are what a user would drop: files, links and folders. For a
folder, ``expected`` applies to every supported file ``collect_files`` finds in it;
links inside it that loop or are broken appear in ``collect_files``' skipped list.

Two cases need the consumer's help:
- the path named :data:`VANISHING` must be deleted after ``collect_files`` and
  before it is read (it stands for a file removed during ingest);
- the file named :data:`UNREADABLE` has no read permission; running as root
  reads it anyway, so its expectation is "permission denied" only for other users
  (``unreadable_expected()``); the tests also simulate the refusal for root.

Nothing here is copied from real news: the texts are written for the corpus.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

VANISHING = "vanishes during ingest.txt"
UNREADABLE = "no read permission.txt"
SMALL_FILES_DIR = "folder of many small files"

TITLE = "Trade talks resume as tariff deadline nears"
PARAGRAPHS = [
    "Negotiators from the two largest economies met again on Tuesday, officials said, as a deadline "
    "for higher tariffs approached.",
    "The commerce ministry said in a statement that the talks were \u201cfrank and constructive\u201d "
    "and that both sides had agreed to keep in close contact.",
    "Exporters of electronics and farm goods have warned that a renewed escalation would disrupt supply "
    "chains that were only beginning to recover.",
    "A spokesperson for the trade representative declined to comment on the details, saying only that "
    "work would continue over the coming weeks.",
]
BODY = "\n".join(PARAGRAPHS)
CN_BODY = (
    "商务部新闻发言人周四表示，中美双方经贸团队将继续保持沟通，就各自关切问题进行磋商。"
    "发言人说，希望美方与中方相向而行，纠正错误做法，共同维护两国元首通话达成的重要共识。\n"
    "分析人士指出，关税问题仍是双方分歧的焦点，稀土出口管制和芯片限制也备受关注。\n"
)
TW_BODY = (
    "經濟部週四表示，美中雙方經貿團隊將持續保持溝通，就各自關切的問題進行磋商。"
    "官員說，雙方在關稅與稀土出口管制等問題上仍有分歧，但都希望避免衝突升級。\n"
)
JP_BODY = (
    "経済産業省は木曜日、米中の貿易協議について懸念を表明した。担当者は、関税の引き上げが"
    "日本企業のサプライチェーンに大きな影響を与える可能性があると述べた。\n"
)


def unreadable_expected() -> str:
    return "ok" if os.geteuid() == 0 else "permission denied"


# --- builders for binary formats -------------------------------------------------------------


def _pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(
    pages: list[list[str]],
    *,
    image_only: bool = False,
    user_password: str | None = None,
    title: str | None = None,
) -> bytes:
    """A PDF with one text line per entry (Helvetica), or only an image per page."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    w = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = w._add_object(font)
    for lines in pages:
        page = w.add_blank_page(612, 792)
        resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
        if image_only:
            img = DecodedStreamObject()
            img.set_data(bytes(random.Random(1).randrange(256) for _ in range(64 * 64)))
            img.update(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Image"),
                    NameObject("/Width"): NumberObject(64),
                    NameObject("/Height"): NumberObject(64),
                    NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                    NameObject("/BitsPerComponent"): NumberObject(8),
                }
            )
            resources[NameObject("/XObject")] = DictionaryObject({NameObject("/Im0"): w._add_object(img)})
            content = "q 468 0 0 648 72 72 cm /Im0 Do Q"
        else:
            ops = " ".join(f"({_pdf_escape(line)}) Tj T*" for line in lines)
            content = f"BT /F1 11 Tf 14 TL 72 740 Td {ops} ET"
        stream = DecodedStreamObject()
        stream.set_data(content.encode("cp1252"))
        page[NameObject("/Contents")] = w._add_object(stream)
        page[NameObject("/Resources")] = resources
        page[NameObject("/MediaBox")] = ArrayObject(
            [NumberObject(0), NumberObject(0), NumberObject(612), NumberObject(792)]
        )
    if title:
        w.add_metadata({"/Title": TextStringObject(title)})
    if user_password is not None:
        # RC4 needs no extra crypto library, so the corpus builds anywhere.
        w.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def article_pdf_pages() -> list[list[str]]:
    """Two pages of wrapped article text with a running head, page numbers and hyphenation."""
    head = "Example Trade Weekly - Tariffs"
    url = "https://www.example-trade.com/2025/06/05/trade-talks-resume"
    return [
        [
            head,
            TITLE,
            "",
            "Negotiators from the two largest economies met again on Tues-",
            "day, officials said, as a deadline for higher tariffs approached.",
            "The commerce ministry said in a statement that the talks were",
            "frank and constructive and that both sides had agreed to keep in",
            "close contact.",
            url,
            "1 of 2",
        ],
        [
            head,
            "Exporters of electronics and farm goods have warned that a re-",
            "newed escalation would disrupt supply chains that were only",
            "beginning to recover.",
            url,
            "2 of 2",
        ],
    ]


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(title, style="Title")
    for p in paragraphs:
        doc.add_paragraph(p)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tariff on imports"
    table.rows[0].cells[1].text = "30%"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_zip_bomb_docx(unpacked_mb: int = 64) -> bytes:
    """A .docx-shaped ZIP whose document.xml inflates to ``unpacked_mb`` MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                fh.write(chunk)
    return buf.getvalue()


def make_eml(html_only: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = "China Trade Briefing <newsletter@example.org>"
    msg["To"] = "reader@example.com"
    msg["Subject"] = f"Fwd: {TITLE}"
    msg["Date"] = format_datetime(__import__("datetime").datetime(2025, 6, 5, 7, 30))
    plain = "View this email in your browser\n\n" + BODY + "\n\nUnsubscribe | Manage preferences\n"
    html = (
        "<html><body><p><a href='#'>View this email in your browser</a></p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "<p><a href='#'>Unsubscribe</a></p></body></html>"
    )
    if html_only:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(plain)
        msg.add_alternative(html, subtype="html")
    return bytes(msg)


def html_page(published: str = "2025-06-05T08:00:00Z", modified: str = "2025-06-07T09:00:00Z") -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE} | Example Trade Weekly</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="Example Trade Weekly">
<meta property="article:published_time" content="{published}">
<meta property="article:modified_time" content="{modified}">
<link rel="canonical" href="https://www.example-trade.com/world/trade-talks-resume">
<script>document.write('SCRIPT-TEXT-MUST-NOT-APPEAR')</script><style>p {{ color: red }}</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<article><h1>{TITLE}</h1><p class="byline">By Jane Roe</p>{paras}
<p>Also Read: Markets rally as talks resume</p></article>
<aside><h2>Related stories</h2><ul><li><a href="/x">Soybean exports fall</a></li></ul></aside>
<footer>Subscribe to our newsletter. &copy; 2025 Example Trade Weekly</footer>
</body></html>"""


def make_mhtml() -> bytes:
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    root = MIMEMultipart("related")
    root["Snapshot-Content-Location"] = "https://www.example-trade.com/world/trade-talks-resume"
    root["Subject"] = TITLE
    part = MIMEText(html_page(), "html", "utf-8")
    part["Content-Location"] = "https://www.example-trade.com/world/trade-talks-resume"
    root.attach(part)
    return root.as_bytes()


def make_rtf() -> bytes:
    body = "\\par\n".join(
        p.replace("\u201c", "\\ldblquote ").replace("\u201d", "\\rdblquote ") for p in PARAGRAPHS
    )
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n"
        f"{TITLE}\\par\n\\par\n{body}\\par\n}}"
    ).encode("ascii")


# --- the corpus ---------------------------------------------------------------------------


def make_corpus(root: str | Path, small_files: int = 10_000) -> list[tuple[Path, str]]:
    """Write the corpus under ``root``; return ``[(path, expected)]`` (see module doc)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[Path, str]] = []

    def put(name: str, content: bytes | str, expected: str) -> Path:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        cases.append((p, expected))
        return p

    article = f"{TITLE}\n\n{BODY}\n"
    # --- good files, many shapes
    put(
        "good header block.txt",
        "Title: " + TITLE + "\nSource: Example Trade Weekly\n"
        "URL: https://www.example-trade.com/2025/06/05/trade-talks-resume\n\n" + BODY,
        "ok",
    )
    put("good utf-8 bom.txt", b"\xef\xbb\xbf" + article.encode(), "ok")
    put("good crlf.txt", article.replace("\n", "\r\n"), "ok")
    put("good utf-16.txt", article.encode("utf-16"), "ok")
    put("good cp1252.txt", (article + "Le ministère a déclaré « très difficile ».\n").encode("cp1252"), "ok")
    put("good gb18030.txt", ("中美经贸磋商继续进行\n\n" + CN_BODY).encode("gb18030"), "ok")
    put("good big5.txt", ("美中經貿磋商持續\n\n" + TW_BODY).encode("big5"), "ok")
    put("good shift-jis.txt", ("米中貿易協議\n\n" + JP_BODY).encode("shift_jis"), "ok")
    put("mixed encodings.txt", article.encode() + "Le ministère a répondu « non ».\n".encode("cp1252"), "ok")
    put("few stray nuls.txt", (article + "A stray\x00 byte.\n").encode(), "ok")
    put("good front matter.md", "---\ntitle: " + TITLE + "\ndate: 2025-06-05\n---\n\n" + BODY, "ok")
    put("Ünïcødé path with spaces — 贸易/an article ñ.txt", article, "ok")
    put("5 MB single line.txt", ("Tariffs and trade talks continue. " * 150_000)[: 5 * 1024 * 1024], "ok")
    put("10000 quotation marks.txt", TITLE + "\n\n" + '"' * 10_000 + "\n" + BODY, "ok")
    put(
        "only dates.txt",
        "\n".join(
            [f"{date(2025, 1 + i % 12, 1 + i % 28):%B %d, %Y}" for i in range(40)]
            + [f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(40)]
        ),
        "ok",
    )
    put("good page.html", html_page(), "ok")
    put(
        "good page.xhtml",
        html_page().replace("<!DOCTYPE html>", "<?xml version='1.0' encoding='utf-8'?>"),
        "ok",
    )
    put(
        "good page cp1252.htm",
        html_page()
        .replace('charset="utf-8"', 'charset="windows-1252"')
        .replace("&copy;", "©")
        .encode("cp1252"),
        "ok",
    )
    put("truncated page.html", html_page()[: html_page().index(PARAGRAPHS[2][:30])], "ok")
    put("plain text named.html", article, "ok")
    put("good archive.mhtml", make_mhtml(), "ok")
    put("good article.pdf", make_pdf(article_pdf_pages(), title=TITLE), "ok")
    put("owner-only protected.pdf", make_pdf(article_pdf_pages(), user_password=""), "ok")
    put("good article.docx", make_docx(TITLE, PARAGRAPHS), "ok")
    put("good newsletter.eml", make_eml(), "ok")
    put("good html newsletter.eml", make_eml(html_only=True), "ok")
    put("good article.rtf", make_rtf(), "ok")
    # --- bad files
    put("empty.txt", b"", "empty")
    put("whitespace only.txt", b"  \n\t \r\n   \n", "whitespace")
    put("random binary.txt", random.Random(5).randbytes(20_000), "not a text file")
    put("picture.html", b"\x89PNG\r\n\x1a\n" + random.Random(6).randbytes(3000), "PNG image")
    put("archive.txt", b"\x1f\x8b\x08\x00" + random.Random(7).randbytes(500), "gzip")
    put("nul laden.txt", b"Tariffs\x00\x00\x00 rose\x00\x00" * 500, "NUL bytes")
    put(
        "nested 10000 levels.html",
        "<html><body>" + "<div>" * 10_000 + "<p>" + BODY + "</p>" + "</div>" * 10_000 + "</body></html>",
        "no article text",
    )
    put(
        "too many elements.html",
        "<html><body>" + "<span>x</span>" * 120_000 + "</body></html>",
        "too complex",
    )
    put(
        "scripts only.html",
        "<html><head><script>var a = 1;</script><style>body{}</style></head>"
        "<body><script>document.write('x')</script><noscript></noscript></body></html>",
        "no article text",
    )
    put("markup without text.html", "<html><body><div><span></span></div></body></html>", "no article text")
    good_pdf = make_pdf(article_pdf_pages())
    put("truncated.pdf", good_pdf[: len(good_pdf) // 3], "damaged or truncated PDF")
    put("encrypted.pdf", make_pdf(article_pdf_pages(), user_password="secret"), "encrypted PDF")
    put("scanned image only.pdf", make_pdf([[], []], image_only=True), "image-only PDF")
    put("blank pages.pdf", make_pdf([[], []]), "PDF holds no text")
    put("web page named.pdf", html_page(), "not a PDF document")
    put("zip bomb.docx", make_zip_bomb_docx(), "zip bomb")
    put("not a zip.docx", article, "not a Word document")
    put("old word file.docx", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(2000), "old Microsoft Office")
    put("zip without document.docx", _plain_zip(), "without word/document.xml")
    good_docx = make_docx(TITLE, PARAGRAPHS)
    put("truncated.docx", good_docx[: len(good_docx) // 2], "damaged Word document")
    put("not rtf.rtf", article, "not an RTF document")
    put("eml attachment only.eml", _eml_without_text(), "without a text or HTML part")
    put("notes.xyz", article, "unsupported file type")
    # A 200 MB file, sparse: it takes no disk space and must be refused unread.
    big = root / "200 MB text file.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    cases.append((big, "too large"))
    unreadable = put(UNREADABLE, article, unreadable_expected())
    os.chmod(unreadable, 0)
    put(VANISHING, article, "not found")
    # --- links and folders
    broken = root / "broken link.txt"
    broken.symlink_to(root / "does not exist.txt")
    cases.append((broken, "broken link"))
    selfloop = root / "self loop.txt"
    selfloop.symlink_to(selfloop)
    cases.append((selfloop, "symbolic link loop"))
    loop_dir = root / "folder with link loop"
    (loop_dir / "sub").mkdir(parents=True)
    (loop_dir / "sub" / "inside.txt").write_text(article, encoding="utf-8")
    (loop_dir / "sub" / "back to top").symlink_to(loop_dir, target_is_directory=True)
    (loop_dir / "sub" / "dangling.txt").symlink_to(loop_dir / "nowhere.txt")
    cases.append((loop_dir, "ok"))
    fifo = root / "named pipe.txt"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases.append((fifo, "not a regular file"))
    many = root / SMALL_FILES_DIR
    many.mkdir()
    for i in range(small_files):
        (many / f"note {i:05d}.txt").write_text(
            f"Note {i}\n\nOfficials met on day {i} to discuss tariffs.\n", encoding="utf-8"
        )
    cases.append((many, "ok"))
    return cases


def _plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a word document")
    return buf.getvalue()


def _eml_without_text() -> bytes:
    msg = EmailMessage()
    msg["From"] = "someone@example.org"
    msg["Subject"] = "Scan attached"
    msg["Date"] = "Thu, 05 Jun 2025 07:30:00 +0000"
    msg.set_content(b"\x89PNG\r\n\x1a\n" + bytes(100), maintype="image", subtype="png", filename="scan.png")
    return bytes(msg)
