"""The article text with the evidence highlighted: the way back to the source."""

from __future__ import annotations

import html

from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

EVIDENCE_BG = "#FFE58F"
FOCUS_BG = "#FFB454"
MARK_BG = "#F8C8C0"  # unresolved relative dates
# a highlighter pen: dark ink on the light marks in a light and a dark theme alike
MARKED_TEXT = "#1A1A1A"


class SourceView(QWidget):
    """Shows one article's text, the evidence sentence highlighted and scrolled into view."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.header = QLabel("Double-click an event or a quote to see where it comes from.")
        self.header.setWordWrap(True)
        self.header.setTextFormat(self.header.textFormat().RichText)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Article text")
        self.text.setOpenLinks(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.text, 1)
        self.article_id: int | None = None
        self.highlighted: tuple[int, int] | None = None

    def show_article(
        self,
        article_id: int,
        title: str,
        text: str,
        evidence: tuple[int, int] | None = None,
        focus: tuple[int, int] | None = None,
        caption: str = "",
        marks: list[tuple[int, int]] | None = None,
    ) -> None:
        """Show ``text``; ``evidence`` (sentence), ``focus`` (quote or date) and ``marks`` are offsets into it."""
        self.article_id = article_id
        self.highlighted = evidence
        self.header.setText(f"<b>{html.escape(title)}</b>" + (f"<br>{html.escape(caption)}" if caption else ""))
        self.text.setPlainText(text)
        # QTextDocument positions count UTF-16 code units for characters outside the BMP;
        # our offsets are Python indices, so convert.
        doc_pos = _utf16_positions(text)
        spans = [(m, MARK_BG) for m in marks or ()] + [(evidence, EVIDENCE_BG), (focus, FOCUS_BG)]
        for span, colour in spans:
            if span is None:
                continue
            a, b = span
            a, b = max(0, min(a, len(text))), max(0, min(b, len(text)))
            cur = QTextCursor(self.text.document())
            cur.setPosition(doc_pos(a))
            cur.setPosition(doc_pos(b), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(_colour(colour))
            fmt.setForeground(_colour(MARKED_TEXT))
            cur.mergeCharFormat(fmt)
        first = evidence or (marks[0] if marks else None)
        if first is not None:
            cur = QTextCursor(self.text.document())
            cur.setPosition(doc_pos(min(first[0], len(text))))
            self.text.setTextCursor(cur)
            self.text.ensureCursorVisible()

    def selected_text(self) -> str:
        if self.highlighted is None:
            return ""
        a, b = self.highlighted
        return self.text.toPlainText()[a:b] if self.text.toPlainText() else ""

    def clear(self) -> None:
        self.article_id = None
        self.highlighted = None
        self.header.setText("Double-click an event or a quote to see where it comes from.")
        self.text.clear()


def _utf16_positions(text: str):
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    prefix = [0]
    for c in text:
        prefix.append(prefix[-1] + (2 if ord(c) >= 0x10000 else 1))
    return lambda i: prefix[i]


def _colour(name: str):
    from PySide6.QtGui import QColor

    return QColor(name)
