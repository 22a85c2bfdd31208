"""The "Event details" panel: everything about one event, all of it editable through undo.

Every change goes through a command of :mod:`viewer.ui.undo` pushed on the
``QUndoStack`` the window passes in, so Ctrl+Z undoes it like any other edit; the
panel reloads whenever the stack moves (undo and redo included) and emits
``edited`` so the window can refresh the timeline and the other panels.
"""

from __future__ import annotations

import html
import sqlite3
import weakref
from datetime import date

from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QPixmap, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from viewer.core.model import Precision
from viewer.store import edits
from viewer.store.edits import EditError
from viewer.store.project import Project
from viewer.ui import undo

EVIDENCE_BG = "#FFE58F"  # the same highlight as the Source panel
#: precisions offered in the combo box: the ones a user says ("in June", "in Q2", "in 2025")
PRECISION_CHOICES = (Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.QUARTER, Precision.HALF,
                     Precision.YEAR)
DATE_HINT = "2025-06-05, 2025-W23, 2025-06, 2025-Q2, 2025-H1 or 2025"
SPLIT_TEXT = "Split from merged event"
EMPTY_TEXT = "Select an event on the timeline to see and correct it, or add one with “New event”."


class EventDetails(QWidget):
    """Title, dates, precision, origin, date as written, actors, issues, quotes and sources of one event."""

    edited = Signal()  # an edit was pushed (or undone/redone): refresh views
    eventCreated = Signal(int)  # a manual event was added: select it
    eventDeleted = Signal(int)
    eventSplit = Signal(int)  # a report was split out of a merged event: it is an event of its own now
    sourceRequested = Signal(int, int, int)  # article id, start, end: show the text there
    errorOccurred = Signal(str)

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EventDetails")
        self.setAccessibleName("Event details")
        # a weak reference: the window owns the stack. Were the panel its last owner, the stack
        # would die inside the panel's destructor and its clear() would signal a half-deleted panel
        self._stack = weakref.ref(stack)
        self.project: Project | None = None
        self._event_id: int | None = None
        self._loading = False
        self._build()
        stack.indexChanged.connect(self._on_stack_changed)
        self.show_event(None)

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C0392B;")
        self.error.setAccessibleName("Edit error")
        self.error.hide()

        def line(name: str, tip: str, placeholder: str = "") -> QLineEdit:
            e = QLineEdit()
            e.setAccessibleName(name)
            e.setToolTip(tip)
            e.setPlaceholderText(placeholder)
            e.setClearButtonEnabled(False)
            return e

        self.title = line("Title", "What happened; press Enter to save")
        self.date = line("Date", f"The date as a value: {DATE_HINT}", DATE_HINT)
        self.end = line("End", "Last date of a span (empty: no end)", "optional")
        self.precision = QComboBox()
        self.precision.setAccessibleName("Precision")
        self.precision.setToolTip("How precise the date is: choosing one rewrites the date at that precision")
        for p in PRECISION_CHOICES:
            self.precision.addItem(p.value, p.value)
        self.origin = QLabel()
        self.origin.setAccessibleName("Origin")
        self.origin.setToolTip("Where the date came from: explicit, relative (resolved against the article's "
                               "date), inferred, or user")
        self.written = QLabel()
        self.written.setAccessibleName("Date as written")
        self.written.setWordWrap(True)

        self.actors = QListWidget()
        self.actors.setAccessibleName("Actors")
        self.actors.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.actors.setMaximumHeight(96)
        self.actor_input = line("Add actor", "Type a name (an alias works) and press Enter", "Add an actor…")
        # one completer and model for the panel's life: reloads only change the names
        self._actor_names = QStringListModel(self)
        self._completer = QCompleter(self._actor_names, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.actor_input.setCompleter(self._completer)
        self.remove_actor = QPushButton("Remove")
        self.remove_actor.setToolTip("Remove the selected actors from this event")
        self.remove_actor.setAccessibleName("Remove actor")

        self.issues = QListWidget()
        self.issues.setAccessibleName("Trade issues")
        self.issues.setToolTip("Tick the trade issues this event is about")
        self.issues.setMaximumHeight(120)

        self.quotes = QListWidget()
        self.quotes.setAccessibleName("Quotes")
        self.quotes.setToolTip("Double-click to see the quote in its article")
        self.quotes.setWordWrap(True)
        self.quotes.setMaximumHeight(110)

        self.sources = QTextBrowser()
        self.sources.setAccessibleName("Sources")
        self.sources.setOpenLinks(False)
        self.sources.setMinimumHeight(90)

        self.verified = QCheckBox("Verified")
        self.verified.setToolTip("Checked against its sources by you")
        self.new_button = QPushButton("New event")
        self.new_button.setToolTip("Add an event by hand (Ctrl+Shift+N)")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete this event with every article's report of it (they do not come back on "
                                       "re-extraction)")

        form = QFormLayout()
        form.addRow("&Title:", self.title)
        form.addRow("&Date:", self.date)
        form.addRow("&End:", self.end)
        form.addRow("&Precision:", self.precision)
        form.addRow("Origin:", self.origin)
        form.addRow("As written:", self.written)
        actor_row = QHBoxLayout()
        actor_row.addWidget(self.actor_input, 1)
        actor_row.addWidget(self.remove_actor)
        actors_box = QVBoxLayout()
        actors_box.addWidget(self.actors)
        actors_box.addLayout(actor_row)
        form.addRow("Actors:", actors_box)
        form.addRow("Issues:", self.issues)
        form.addRow("Quotes:", self.quotes)
        form.addRow("Sources:", self.sources)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verified)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)

        self.form_widget = QWidget()
        inner = QVBoxLayout(self.form_widget)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_widget)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.empty)
        lay.addWidget(self.error)
        lay.addWidget(scroll, 1)
        self._scroll = scroll
        self._empty_buttons = QHBoxLayout()
        self.empty_new = QPushButton("New event")
        self.empty_new.setToolTip("Add an event by hand")
        self._empty_buttons.addWidget(self.empty_new)
        self._empty_buttons.addStretch(1)
        lay.addLayout(self._empty_buttons)

        self.title.editingFinished.connect(self._on_title)
        self.date.editingFinished.connect(self._on_date)
        self.end.editingFinished.connect(self._on_end)
        self.precision.activated.connect(self._on_precision)
        self.actor_input.returnPressed.connect(self._on_add_actor)
        self.remove_actor.clicked.connect(self._on_remove_actors)
        self.issues.itemChanged.connect(self._on_issue_ticked)
        self.quotes.itemDoubleClicked.connect(self._on_quote_activated)
        self.sources.anchorClicked.connect(self._on_source_link)
        self.verified.toggled.connect(self._on_verified)
        self.new_button.clicked.connect(self.add_event)
        self.empty_new.clicked.connect(self.add_event)
        self.delete_button.clicked.connect(self.delete_event)

    # ------------------------------------------------------------ public
    def set_project(self, project: Project | None) -> None:
        self.project = project
        self.show_event(None)

    def event_id(self) -> int | None:
        return self._event_id

    def show_event(self, event_id: int | None) -> None:
        """Show one event (None: the empty state)."""
        self._event_id = event_id
        self._clear_error()
        self.reload()

    def reload(self) -> None:
        """Read the current event again from the project (after an edit, undo or redo)."""
        p = self.project
        eid = self._event_id
        exists = self._exists()
        self._scroll.setVisible(exists)
        self.empty.setVisible(not exists)
        self.empty_new.setVisible(not exists and p is not None)
        self.empty_new.setEnabled(p is not None)
        if not exists:
            # the id is kept: undoing a deletion shows the event again
            return
        assert p is not None and eid is not None
        self._loading = True
        try:
            self._fill(p, eid)
        finally:
            self._loading = False

    @property
    def stack(self) -> QUndoStack | None:
        return self._stack()

    def _exists(self) -> bool:
        p, eid = self.project, self._event_id
        if p is None or eid is None:
            return False
        try:
            return p.db.conn.execute("select 1 from events where id = ?", [eid]).fetchone() is not None
        except sqlite3.ProgrammingError:  # the project was closed (window closing): nothing to show
            return False

    def _fill(self, p: Project, eid: int) -> None:
        ev = p.event(eid)
        end_value = p.db.conn.execute("select date_end_value from events where id = ?", [eid]).fetchone()[0]
        self.title.setText(ev.title)
        self.title.setCursorPosition(0)
        self.date.setText(ev.when.value)
        self.end.setText(end_value or "")
        with QSignalBlocker(self.precision):
            i = self.precision.findData(ev.when.precision.value)
            if i < 0:  # decade, century, time: shown, not offered
                self.precision.addItem(ev.when.precision.value, ev.when.precision.value)
                i = self.precision.count() - 1
            self.precision.setCurrentIndex(i)
        span = ev.when.start.isoformat() if ev.when.start == ev.when.end else \
            f"{ev.when.start.isoformat()} – {ev.when.end.isoformat()}"
        self.origin.setText(f"{ev.when.origin.value} · {span}")
        self.written.setText(f"“{ev.date_text}”" if ev.date_text else "—")
        self.actors.clear()
        for name in sorted(ev.actors):
            self.actors.addItem(name)
        names = [r[0] for r in p.db.conn.execute("select name from actors where hidden = 0 order by name")]
        self._actor_names.setStringList(names)
        with QSignalBlocker(self.issues):
            self.issues.clear()
            mine = set(ev.issues)
            for issue in p.issues():
                item = QListWidgetItem(issue.label)
                item.setData(Qt.ItemDataRole.UserRole, issue.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if issue.id in mine else Qt.CheckState.Unchecked)
                swatch = QPixmap(12, 12)
                swatch.fill(QColor(issue.colour))
                item.setIcon(swatch)
                self.issues.addItem(item)
        self.quotes.clear()
        for q in edits.event_quotes(p, eid):
            item = QListWidgetItem(f"“{q.text}” — {q.speaker or 'unattributed'}")
            item.setData(Qt.ItemDataRole.UserRole, (q.article_id, q.start_offset, q.end_offset))
            self.quotes.addItem(item)
        self.sources.setHtml(self._sources_html(p, eid, ev.evidence))
        with QSignalBlocker(self.verified):
            self.verified.setChecked(ev.verified)
        self.delete_button.setEnabled(True)

    @staticmethod
    def _sources_html(p: Project, eid: int, evidence: str) -> str:
        rows = edits.event_sources(p, eid)
        if not rows:
            note = "Added by hand: no article." if not evidence else html.escape(evidence)
            return f"<p><i>{note}</i></p>"
        parts = []
        articles = len({s.article_id for s in rows})
        if len(rows) > 1:
            # one happening reported by several articles (merged on import): each report can leave
            parts.append(f"<p><i>Reported by {articles} article{'s' if articles != 1 else ''}; "
                         "a report that tells another happening can be split from this event.</i></p>")
        for s in rows:
            text = s.evidence
            a, b = s.date_start - s.start_offset, s.date_end - s.start_offset
            if s.date_text and 0 <= a < b <= len(text):
                shown = (html.escape(text[:a]) + f'<span style="background:{EVIDENCE_BG}">'
                         + html.escape(text[a:b]) + "</span>" + html.escape(text[b:]))
            else:
                shown = html.escape(text)
            meta = ", ".join(x for x in (s.outlet, s.published) if x)
            parts.append(
                f'<p><b>{html.escape(s.title or "untitled")}</b>{" — " + html.escape(meta) if meta else ""}'
                f'<br>{shown}<br><a href="source:{s.article_id}:{s.start_offset}:{s.end_offset}">'
                "Show in the article</a>"
                + (f' · <a href="split:{s.event_id}">{SPLIT_TEXT}</a>' if len(rows) > 1 else "")
                + "</p>")
        return "".join(parts)

    # ------------------------------------------------------------ edits
    def _push(self, make) -> QUndoCommand | None:
        """Create and push a command; a refused edit shows its reason instead."""
        if self.project is None:
            return None
        try:
            cmd = make(self.project)
        except EditError as exc:
            self._show_error(str(exc))
            self.reload()  # put the field back to what is stored
            return None
        self._clear_error()
        stack = self._stack()
        if stack is None:
            return None
        stack.push(cmd)
        self.edited.emit()
        return cmd

    def _edit(self, **fields) -> None:
        if self._loading or not self._exists():
            return
        eid = self._event_id
        self._push(lambda p: undo.EditEventCommand(p, eid, **fields))

    def _on_title(self) -> None:
        if not self._loading and self._exists():
            if self.title.text().strip() != self.project.event(self._event_id).title:
                self._edit(title=self.title.text())

    def _on_date(self) -> None:
        if not self._loading and self._exists():
            if self.date.text().strip() != self.project.event(self._event_id).when.value:
                self._edit(date_value=self.date.text().strip())

    def _on_end(self) -> None:
        if self._loading or not self._exists():
            return
        stored = self.project.db.conn.execute("select date_end_value from events where id = ?",
                                              [self._event_id]).fetchone()[0] or ""
        if self.end.text().strip() != stored:
            self._edit(end_value=self.end.text().strip())

    def _on_precision(self, index: int) -> None:
        if self._loading or not self._exists():
            return
        ev = self.project.event(self._event_id)
        value = edits.value_with_precision(ev.when.start, self.precision.itemData(index))
        if value != ev.when.value:
            self._edit(date_value=value)

    def _current_actors(self) -> list[str]:
        return [self.actors.item(i).text() for i in range(self.actors.count())]

    def _on_add_actor(self) -> None:
        name = " ".join(self.actor_input.text().split())
        if not name:
            return
        self.actor_input.clear()
        if name not in self._current_actors():
            self._edit(actors=[*self._current_actors(), name])

    def _on_remove_actors(self) -> None:
        chosen = {i.text() for i in self.actors.selectedItems()}
        if chosen:
            self._edit(actors=[a for a in self._current_actors() if a not in chosen])

    def _on_issue_ticked(self, _item: QListWidgetItem) -> None:
        ticked = [self.issues.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.issues.count())
                  if self.issues.item(i).checkState() == Qt.CheckState.Checked]
        # the lane issue first, so the event keeps its place on the timeline when it still has it
        if self.project is not None and self._event_id is not None:
            lane = self.project.event(self._event_id).issue_id
            ticked.sort(key=lambda i: i != lane)
        self._edit(issues=ticked)

    def _on_verified(self, on: bool) -> None:
        if self._loading or not self._exists():
            return
        eid = self._event_id
        self._push(lambda p: undo.SetVerifiedCommand(p, [eid], on))

    def add_event(self, title: str = "New event", date_value: str | None = None) -> int | None:
        """Add a manual event (dated like the event shown, else today) and show it, title ready to type."""
        if self.project is None:
            return None
        if date_value is None:
            date_value = self.project.event(self._event_id).when.value if self._exists() \
                else date.today().isoformat()
        title = title if isinstance(title, str) and title else "New event"
        cmd = self._push(lambda p: undo.AddEventCommand(p, title, date_value))
        if cmd is None:
            return None
        eid = int(cmd.result)
        self.show_event(eid)
        self.eventCreated.emit(eid)
        self.title.setFocus()
        self.title.selectAll()
        return eid

    def delete_event(self) -> None:
        if self._event_id is None:
            return
        eid = self._event_id
        if self._push(lambda p: undo.DeleteEventsCommand(p, [eid])) is not None:
            self.reload()
            self.eventDeleted.emit(eid)

    # ------------------------------------------------------------ links back to the text
    def _on_quote_activated(self, item: QListWidgetItem) -> None:
        article_id, start, end = item.data(Qt.ItemDataRole.UserRole)
        self.sourceRequested.emit(int(article_id), int(start), int(end))

    def split_source(self, event_id: int) -> int | None:
        """Split one report (an events row among the sources) out of the event shown; undoable."""
        if self._event_id is None or not self._exists():
            return None
        cmd = self._push(lambda p: undo.SplitEventCommand(p, event_id))
        if cmd is None:
            return None
        self.reload()
        self.eventSplit.emit(int(event_id))
        return int(event_id)

    def _on_source_link(self, url: QUrl) -> None:
        kind, _, rest = url.toString().partition(":")
        if kind == "split":
            self.split_source(int(rest))
            return
        if kind != "source":
            return
        article_id, start, end = (int(x) for x in rest.split(":"))
        self.sourceRequested.emit(article_id, start, end)

    # ------------------------------------------------------------ state
    def _on_stack_changed(self, _index: int) -> None:
        # an undo may remove the event shown (undoing its creation) or bring it back
        self.reload()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.errorOccurred.emit(message)

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.hide()
