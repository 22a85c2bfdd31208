"""The actor card: who this is, every alias seen, the articles that mention them, what they said."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from viewer.store.queries import ActorCard


class ActorCardDialog(QDialog):
    articleRequested = Signal(int)  # article id: show its text

    def __init__(self, card: ActorCard, parent=None) -> None:
        super().__init__(parent)
        self.card = card
        self.setWindowTitle(card.name)
        lay = QVBoxLayout(self)
        facts = ", ".join(x for x in (card.kind, card.country, card.role) if x)
        others = [a for a in card.aliases if a != card.name]
        self.summary = QLabel(
            f"<h3>{html.escape(card.name)}</h3>{html.escape(facts)}<br>"
            f"<b>Also written as:</b> {html.escape(', '.join(others)) or '—'}<br>"
            f"<b>{card.events}</b> events · <b>{len(card.quotes)}</b> quotes · "
            f"<b>{len(card.articles)}</b> articles"
        )
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        lay.addWidget(QLabel("Articles that mention them (double-click to read):"))
        self.articles = QListWidget()
        self.articles.setAccessibleName("Articles mentioning the actor")
        for a in card.articles:
            item = QListWidgetItem(f"{a.published or 'date needed'} — {a.title}  ({a.mentions}×)")
            item.setData(256, a.article_id)
            self.articles.addItem(item)
        self.articles.itemDoubleClicked.connect(lambda it: self.articleRequested.emit(int(it.data(256))))
        lay.addWidget(self.articles, 1)
        if card.quotes:
            lay.addWidget(QLabel("Quotes:"))
            self.quotes = QListWidget()
            self.quotes.addItems([f"“{q}”" for q in card.quotes])
            lay.addWidget(self.quotes, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.close)
        lay.addWidget(box)
        self.resize(520, 480)
