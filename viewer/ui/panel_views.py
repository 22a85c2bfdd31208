"""Panel views that edit in place: F2 everywhere, a double-click only where it means nothing else;
the Menu key or Shift+F10 opens a panel's menu at the current row.

A double-click already opens things in the panels (an actor's card, a quote in its
article), so it starts an edit only in the columns a view names in
``double_click_columns`` (the Actors' kind, the Quotes' speaker, the Trade issues'
name); elsewhere it emits ``opened``. F2 edits the current cell, or the row's first
editable cell when the current one is not (F2 on a quote corrects its speaker).
What an edit does is the model's business (viewer/ui/qt_models.py: undoable commands).

An empty panel can say why it is empty (``set_placeholder``: "Loading…" while a big project
is read on another thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QStyledItemDelegate, QTableView, QTreeView

_Trigger = QAbstractItemView.EditTrigger


class _InPlace:
    """Shared by the table and the tree (mixed in before the Qt class)."""

    double_click_columns: frozenset[int] = frozenset()
    _placeholder = ""

    def set_placeholder(self, text: str) -> None:
        """What the panel says while it has no rows ("" nothing)."""
        self._placeholder = text
        self.viewport().update()

    def placeholder(self) -> str:
        return self._placeholder

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        model = self.model()
        if self._placeholder and (model is None or model.rowCount() == 0):
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
            painter.end()

    def _setup_in_place(self) -> None:
        self.setEditTriggers(_Trigger.DoubleClicked | _Trigger.EditKeyPressed)
        self.doubleClicked.connect(self._on_double_click)

    def set_double_click_columns(self, columns: Iterable[int]) -> None:
        self.double_click_columns = frozenset(columns)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # the panel's menu from the keyboard (Menu key, Shift+F10), at the current row, not the mouse
        if event.key() == Qt.Key.Key_Menu or (event.key() == Qt.Key.Key_F10
                                              and event.modifiers() == Qt.KeyboardModifier.ShiftModifier):
            rect = self.visualRect(self.currentIndex())
            self.customContextMenuRequested.emit(rect.center() if rect.isValid() else QPoint(4, 4))
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_double_click(self, index: QModelIndex) -> None:
        # Qt emits doubleClicked before it tries to edit: an edit column is not an "open"
        if index.column() not in self.double_click_columns:
            self.opened.emit(index)

    def edit(self, index, trigger=None, event=None):  # Qt's public edit(index) and its virtual overload
        if trigger is None:
            return super().edit(index)
        if trigger == _Trigger.DoubleClicked and index.column() not in self.double_click_columns:
            return False
        if trigger == _Trigger.EditKeyPressed and index.isValid() and not _editable(index):
            index = next((s for s in (index.siblingAtColumn(c) for c in range(self.model().columnCount(index.parent())))
                          if _editable(s)), index)
            if _editable(index):
                self.setCurrentIndex(index)
        return super().edit(index, trigger, event)


def _editable(index: QModelIndex | QPersistentModelIndex) -> bool:
    return bool(index.flags() & Qt.ItemFlag.ItemIsEditable)


class PanelTableView(_InPlace, QTableView):
    opened = Signal(QModelIndex)  # a double-click outside the edit columns

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._setup_in_place()


class PanelTreeView(_InPlace, QTreeView):
    opened = Signal(QModelIndex)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._setup_in_place()
        self.setExpandsOnDoubleClick(False)  # the arrows and the arrow keys still expand


class ChoiceDelegate(QStyledItemDelegate):
    """An editable combo box over the choices of the moment (actor kinds, actor names): pick one
    or type a new one, as in the panels' dialogs."""

    def __init__(self, choices: Callable[[], list[str]], name: str, parent=None) -> None:
        super().__init__(parent)
        self._choices = choices
        self._name = name

    def createEditor(self, parent, option, index) -> QComboBox:  # noqa: N802 - Qt's name
        box = QComboBox(parent)
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setAccessibleName(self._name)
        box.addItems(self._choices())
        return box

    def setEditorData(self, editor: QComboBox, index) -> None:  # noqa: N802
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        i = editor.findText(text)
        if i >= 0:
            editor.setCurrentIndex(i)
        else:
            editor.setEditText(text)
        editor.lineEdit().selectAll()  # typing replaces, as in a plain cell

    def updateEditorGeometry(self, editor: QComboBox, option, index) -> None:  # noqa: N802
        # a narrow column would show the end of a name ("ott Bessent"): the box takes the room it needs
        fm = editor.fontMetrics()
        longest = max([fm.horizontalAdvance(editor.itemText(i)) for i in range(editor.count())]
                      + [fm.horizontalAdvance(editor.currentText())])
        rect = option.rect
        rect.setWidth(max(rect.width(), longest + 2 * rect.height()))  # text, frame and the arrow
        editor.setGeometry(rect)

    def setModelData(self, editor: QComboBox, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
