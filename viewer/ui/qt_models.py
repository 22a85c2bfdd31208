"""Thin Qt table models over the rows the store hands out (glue-style).

Each model keeps the store's row objects as they are; ``ROW_ROLE`` gives the
object itself, so views and selection code never re-query by text.

Cells edited in place (a column with ``edit``) become the very undo commands the
panels' dialogs push: the model is given ``push(command_type, *args)`` (the window's)
and never writes to the store itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from viewer.store.project import ActorRow, ArticleRow, IssueRow, QuoteRow, QuoteRows
from viewer.ui import undo

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


#: what the Quotes panel says of a quote nobody is credited with
UNATTRIBUTED = "unattributed"

#: the kinds an actor can be given in the Actors panel (more may come from the gazetteer)
ACTOR_KINDS = ("person", "government", "ministry", "agency", "company", "organization", "media", "country")


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    tooltip: str = ""
    #: in-place editing: (row object, typed text) -> (undo command type, *args), or None if it changes nothing
    edit: Callable[[Any, str], tuple | None] | None = None
    #: what an editor starts from, when not the shown value
    raw: Callable[[Any], Any] | None = None
    #: the one row attribute ``value`` reads, when it reads one only: rows held as columns
    #: (:class:`QuoteRows`) are then sorted by the values of that attribute, not row by row
    by: str = ""
    #: the shown value made from that attribute's value alone: no row object built per value when a
    #: column is sorted or searched by its values (a third of a million quotes: half a second)
    of_value: Callable[[Any], Any] | None = None
    #: a search looks in that attribute's own text (a quote's words, not the quotation marks shown
    #: around them), folded anew each time in the rows searched: for a column with a value per row
    #: (a third of a million quotes) 0.1 s a search, where keeping folded copies of the shown texts
    #: took 80 MB and making them the first time over a second
    search_raw: bool = False


def _edit_role_value(col: Column, obj: Any) -> Any:
    v = col.raw(obj) if col.raw is not None else col.value(obj)
    return "" if v is None else v


def _header(columns: Sequence[Column], section: int, orientation: Qt.Orientation, role: int):
    """A column's title, and its tooltip (what it means, how to edit it)."""
    if orientation == Qt.Orientation.Horizontal and 0 <= section < len(columns):
        if role == Qt.ItemDataRole.DisplayRole:
            return columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole and columns[section].tooltip:
            return columns[section].tooltip
    return None


def _push_edit(push: Callable[..., Any] | None, col: Column, obj: Any, value: Any) -> bool:
    """Run an in-place edit as its undo command; False when there is nothing to do or it was refused."""
    if push is None or col.edit is None:
        return False
    command = col.edit(obj, " ".join(str(value or "").split()))
    return command is not None and push(*command) is not None


#: a table's order: (column, Qt.SortOrder), or None for the order the rows come in
SortSpec = tuple[int, Qt.SortOrder] | None


def sort_rows(columns: Sequence[Column], spec: SortSpec, rows: Sequence[Any]) -> Sequence[Any]:
    """``rows`` in a table's order (blank values last either way up); plain Python, so it may run on
    a worker thread that reads the rows (a hundred thousand take a tenth of a second). A list comes
    back as a list; other sequences (:class:`QuoteRows`) are reordered with their ``take``."""
    if spec is None:
        return rows
    column, order = spec
    value, by = columns[column].value, columns[column].by

    def key_of(v: Any) -> tuple:
        if v is None or v == "":
            return (2, "")
        return (0, v, "") if isinstance(v, int | float) else (1, 0, str(v).casefold())

    down = order == Qt.SortOrder.DescendingOrder
    if isinstance(rows, list):
        return sorted(rows, key=lambda r: key_of(value(r)), reverse=down)
    if not by:
        return rows.take(sorted(range(len(rows)), key=lambda i: key_of(value(rows[i])), reverse=down))
    # each distinct value's key once; equal keys get equal ranks, and a stable sort of the ranks
    # keeps equal rows in the order they came in, as sorted() does either way up
    codes, values = _distinct(rows, columns[column])
    rank = _ranks(values, key_of)
    row_rank = rank[codes]
    return rows.take(np.argsort(-row_rank if down else row_rank, kind="stable"))


def _ranks(values: list, key_of: Callable[[Any], tuple]) -> np.ndarray:
    """Each value's rank in the order of ``key_of`` (equal keys, equal ranks). Texts, the usual
    case, are sorted by their folded strings alone: a third of a million quotes sorted as
    ``key_of``'s tuples took 0.8 s of the sort's 2 s, as strings a third of that."""
    rank = np.zeros(len(values), np.int64)
    if all(isinstance(v, str) and v for v in values):
        keys: list = [v.casefold() for v in values]
    else:
        keys = [key_of(v) for v in values]
    last, r = None, -1
    for k in sorted(range(len(keys)), key=keys.__getitem__):
        if keys[k] != last:
            last, r = keys[k], r + 1
        rank[k] = r
    return rank


def _distinct(rows: Any, column: Column) -> tuple[np.ndarray, list]:
    """Rows held as columns (:class:`QuoteRows`): per row a code into a list of ``column``'s values,
    one for each value of the attribute it reads (``Column.by``), each computed once."""
    codes, values = rows.codes(column.by)
    return codes, _values_of(column, values)


def _values_of(column: Column, attribute_values: list) -> list:
    if column.of_value is not None:
        return [column.of_value(v) for v in attribute_values]
    return [column.value(SimpleNamespace(**{column.by: v})) for v in attribute_values]


def _shown_text(v: Any) -> str:
    return "" if v is None else (v if isinstance(v, str) else str(v))


def rows_containing(columns: Sequence[Column], text: str, rows: Sequence[Any], folded: dict | None = None
                    ) -> Sequence[Any]:
    """The rows of which some column's shown text contains ``text`` (case folded), in their order.
    Rows held as columns test each distinct value once (a third of a million quotes: a tenth of a
    second, where a filtering proxy asked the model for every cell and took half a minute);
    ``folded`` keeps those values' folded texts from one search to the next (the same rows)."""
    needle = text.casefold()
    if not needle:
        return rows
    if isinstance(rows, list) or not all(c.by for c in columns):
        return [r for r in rows if any(needle in _shown_text(getattr(r, c.by) if c.search_raw else c.value(r))
                                       .casefold() for c in columns)]
    hit = np.zeros(len(rows), bool)
    for c in columns:
        codes, values = rows.codes(c.by)
        if c.search_raw:  # only the rows given are looked at (a narrowing search: fewer than all)
            hit |= np.fromiter((needle in _shown_text(values[i]).casefold() for i in codes.tolist()), bool,
                               codes.size)
            continue
        texts = folded.get(c.title) if folded is not None else None
        if texts is None:
            texts = [_shown_text(v).casefold() for v in _values_of(c, values)]
            if folded is not None:
                folded[c.title] = texts
        hit |= np.fromiter((needle in t for t in texts), bool, len(texts))[codes]
    return rows.take(np.flatnonzero(hit))


class RowTableModel(QAbstractTableModel):
    """A table whose rows are store objects and whose columns are accessors: every row given
    (``all_rows``), sorted, and of them those that contain the searched text (``rows``). The model
    filters and sorts itself: a proxy doing either through ``data()`` calls back into Python for
    every cell and stalls the window on large panels."""

    columns: Sequence[Column] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: Sequence[Any] = []
        self._rows: Sequence[Any] = []
        self._search = ""
        self._folded: dict[str, list[str]] = {}  # per column, the searched texts of these rows
        #: ``push(command_type, *args)`` -> the command or None; editable columns need it
        self.push: Callable[..., Any] | None = None

    def set_rows(self, rows: Sequence[Any], sorted_by: SortSpec | str = "unsorted") -> None:
        """Show ``rows``; ``sorted_by``: the order they are in already (``sort_rows`` with
        ``sort_spec()``, e.g. on the thread that read them), so they are sorted here only if
        the view's order has changed since."""
        self.beginResetModel()
        self._folded = {}
        self._all = rows if sorted_by == self._sort else self._sorted(rows)
        self._rows = self._kept(self._all)
        self.endResetModel()

    def set_search(self, text: str) -> None:
        """Keep the rows of which some column contains ``text`` (any case); "" keeps every row."""
        if text == self._search:
            return
        # a letter typed at the end: the rows that contain the new text are among those kept now
        narrower = bool(self._search) and text.startswith(self._search)
        self._search = text
        if narrower:
            self.beginResetModel()
            self._rows = self._kept(self._rows)
            self.endResetModel()
        else:
            self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._rows = self._kept(self._all)
        self.endResetModel()

    def _kept(self, rows: Sequence[Any]) -> Sequence[Any]:
        return rows_containing(self.columns, self._search, rows, self._folded)

    def all_rows(self) -> Sequence[Any]:
        """Every row given, whatever the search keeps."""
        return self._all

    def sort_spec(self) -> SortSpec:
        return self._sort

    # Sorting happens here, on Python keys, once per reset; a proxy sorting through data() calls
    # back into Python for every comparison and stalls the window on large panels.
    _sort: tuple[int, Qt.SortOrder] | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            self._sort = None  # unsorted: rows keep the order they are given in
            return
        if self._sort == (column, order):
            # the rows are in that order already (set_rows and sort keep them so); QTableView's
            # sortByColumn asks twice (its header's signal, then itself): 2 s more on 333k quotes
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._all = self._sorted(self._all)
        self._rows = self._kept(self._all)
        self.layoutChanged.emit()

    def _sorted(self, rows: Sequence[Any]) -> Sequence[Any]:
        return sort_rows(self.columns, self._sort, rows)

    def rows(self) -> Sequence[Any]:
        return self._rows

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return _header(self.columns, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        obj = self._rows[index.row()]
        if role == ROW_ROLE:
            return obj
        col = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            v = col.value(obj)
            return "" if v is None else (v if isinstance(v, str) else str(v))
        if role == SORT_ROLE:
            v = col.value(obj)
            return "" if v is None else v
        if role == Qt.ItemDataRole.EditRole:
            return _edit_role_value(col, obj)
        return self.extra_data(obj, index.column(), role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = super().flags(index)
        if index.isValid() and self.push is not None and self.columns[index.column()].edit is not None:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.row() >= len(self._rows):
            return False
        # the push reloads the panels (the window refreshes on every stack change): no dataChanged here
        return _push_edit(self.push, self.columns[index.column()], self._rows[index.row()], value)

    def extra_data(self, obj: Any, column: int, role: int):
        return None

    def find_row(self, predicate: Callable[[Any], bool]) -> list[int]:
        return [n for n, r in enumerate(self._rows) if predicate(r)]

    def indexes_where(self, predicate: Callable[[Any], bool]) -> list[QModelIndex]:
        return [self.index(n, 0) for n in self.find_row(predicate)]


class ActorsModel(RowTableModel):
    columns = (
        Column("Actor", lambda a: a.name, "Canonical name (F2 renames)",
               edit=lambda a, v: (undo.RenameActorCommand, a.id, v) if v and v != a.name else None),
        Column("Kind", lambda a: a.kind, "Person, government, ministry… (double-click or F2 to change)",
               edit=lambda a, v: (undo.SetActorKindCommand, a.id, v) if v and v != a.kind else None),
        Column("Events", lambda a: a.events, "Number of events the actor takes part in"),
        Column("Quotes", lambda a: a.quotes, "Number of quotes the actor is the speaker of"),
        Column("Country", lambda a: a.country),
        Column("First", lambda a: a.first, "Day of the actor's first event"),
        Column("Last", lambda a: a.last, "Day of the actor's last event"),
    )

    def extra_data(self, obj: ActorRow, column: int, role: int):
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{obj.name}\nAliases: {', '.join(obj.aliases) or '—'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _quoted(text: str) -> str:
    return f"“{text}”"


class QuotesModel(RowTableModel):
    columns = (
        Column("Quote", lambda q: _quoted(q.text), by="text", of_value=_quoted, search_raw=True),
        Column("Speaker", lambda q: q.speaker or UNATTRIBUTED,
               "Who said it (double-click or F2 to correct; empty: nobody)",
               edit=lambda q, v: (undo.SetQuoteSpeakerCommand, q.id, v or None) if (v or None) != q.speaker else None,
               raw=lambda q: q.speaker or "", by="speaker"),
        Column("Date", lambda q: q.date, by="date"),
        Column("Issue", lambda q: q.issue, by="issue"),
        Column("Article", lambda q: q.article_title, by="article_title"),
    )

    """The quotes, sorted, of the speaker and trade issue chosen above the panel (``set_filter``): the
    rows left out are not in the model at all (hiding a third of a million rows in the view one by
    one took 83 s)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all = self._rows = QuoteRows.from_rows([])
        self._only: tuple[str | None, str | None] = (None, None)

    def set_rows(self, rows: Sequence[QuoteRow], sorted_by: SortSpec | str = "unsorted") -> None:
        """Rows as columns (:class:`QuoteRows`, as the store reads them; a list is converted)."""
        super().set_rows(rows if isinstance(rows, QuoteRows) else QuoteRows.from_rows(rows), sorted_by)

    def set_filter(self, speaker: str | None, issue: str | None) -> None:
        """Keep the quotes of ``speaker`` ("unattributed": of nobody) about ``issue`` (a label); None: any."""
        if (speaker, issue) == self._only:
            return
        self._only = (speaker, issue)
        self._refilter()

    def _kept(self, rows: QuoteRows) -> QuoteRows:  # type: ignore[override]
        speaker, issue = self._only
        if speaker is not None or issue is not None:
            rows = rows.take(np.flatnonzero(rows.mask(speaker, issue, unattributed=UNATTRIBUTED)))
        return super()._kept(rows)  # type: ignore[return-value]

    def rows(self) -> QuoteRows:
        """The rows in the model: the quotes the speaker, issue and search keep."""
        return self._rows  # type: ignore[return-value]  (always QuoteRows: set_rows converts)

    def all_rows(self) -> QuoteRows:
        """Every quote, whatever the filters."""
        return self._all  # type: ignore[return-value]

    def extra_data(self, obj: QuoteRow, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and not obj.speaker:
            return QBrush(QColor("#888888"))
        return None


class ArticlesModel(RowTableModel):
    columns = (
        Column("Title", lambda a: a.title or a.path),
        Column("Outlet", lambda a: a.source),
        Column("Published", lambda a: a.published.isoformat() if a.published else "date needed"),
        Column("Origin", lambda a: a.published_origin, "Where the publication date came from"),
        Column("Events", lambda a: a.events),
        Column("Unresolved", lambda a: a.unresolved, "Relative dates waiting for the article's date"),
    )

    def extra_data(self, obj: ArticleRow, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and obj.published is None:
            return QBrush(QColor("#C0392B"))
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{obj.title}\n{obj.path}"
        return None


class SortProxy(QSortFilterProxyModel):
    """Sorts on the raw values (numbers as numbers) and filters on every column's text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The source model sorts (fast, on Python keys); the proxy keeps its order and only filters."""
        source = self.sourceModel()
        if isinstance(source, RowTableModel):
            source.sort(column, order)
        else:
            super().sort(column, order)


class IssuesTreeModel(QAbstractItemModel):
    """Trade issues as the taxonomy's tree (parent issues with their children), each with a colour
    swatch, its event count and a check box that filters the timeline."""

    columns = (
        Column("Trade issue", lambda i: i.label, "Double-click or F2 to rename; tick to filter the timeline",
               edit=lambda i, v: (undo.RenameIssueCommand, i.id, v) if v and v != i.label else None),
        Column("Events", lambda i: i.events),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[IssueRow] = []
        self.push: Callable[..., Any] | None = None  # as RowTableModel.push
        self._children: dict[int, list[int]] = {-1: []}  # node -> child nodes; -1 is the invisible root
        self._parent: dict[int, int] = {}
        self._checked: set[str] = set()

    # -- the same surface as the flat models, for the window
    def set_rows(self, rows: list[IssueRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        ids = {r.id: n for n, r in enumerate(self._rows)}
        self._children = {-1: []}
        self._parent = {}
        for n, r in enumerate(self._rows):
            up = ids.get(r.parent, -1) if r.parent and r.parent != r.id else -1
            self._parent[n] = up
            self._children.setdefault(up, []).append(n)
            self._children.setdefault(n, [])
        self._checked &= set(ids)
        self.endResetModel()

    def rows(self) -> list[IssueRow]:
        return self._rows

    def checked(self) -> set[str]:
        return set(self._checked)

    def set_checked(self, ids: set[str]) -> None:
        self._checked = set(ids)
        self.layoutChanged.emit()

    def indexes_where(self, predicate: Callable[[Any], bool]) -> list[QModelIndex]:
        return [self._index_of(n) for n, r in enumerate(self._rows) if predicate(r)]

    def _index_of(self, node: int, column: int = 0) -> QModelIndex:
        siblings = self._children[self._parent[node]]
        return self.createIndex(siblings.index(node), column, node + 1)

    @staticmethod
    def _node(index: Index) -> int:
        return int(index.internalId()) - 1 if index.isValid() else -1

    # -- QAbstractItemModel
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        kids = self._children.get(self._node(parent), [])
        if 0 <= row < len(kids) and 0 <= column < len(self.columns):
            return self.createIndex(row, column, kids[row] + 1)  # id 0 would read as "no node"
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(index)
        up = self._parent.get(node, -1)
        return QModelIndex() if up < 0 else self._index_of(up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children.get(self._node(parent), []))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return _header(self.columns, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        if self.push is not None and self.columns[index.column()].edit is not None:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        node = self._node(index)
        if node < 0 or node >= len(self._rows):
            return None
        obj = self._rows[node]
        col = index.column()
        if role == ROW_ROLE:
            return obj
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(self.columns[col].value(obj))
        if role == SORT_ROLE:
            return self.columns[col].value(obj)
        if role == Qt.ItemDataRole.EditRole:
            return _edit_role_value(self.columns[col], obj)
        if col == 0 and role == Qt.ItemDataRole.DecorationRole:
            return QColor(obj.colour)
        if col == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if obj.id in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and obj.events == 0:
            return QBrush(QColor("#888888"))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            issue = self._rows[self._node(index)]
            state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
            if state == Qt.CheckState.Checked:
                self._checked.add(issue.id)
            else:
                self._checked.discard(issue.id)
            self.dataChanged.emit(index, index, [role])
            return True
        node = self._node(index)
        if role == Qt.ItemDataRole.EditRole and 0 <= node < len(self._rows):
            return _push_edit(self.push, self.columns[index.column()], self._rows[node], value)
        return False
