"""The active filters as removable chips, above the timeline.

Shows one button per active part of a :class:`~viewer.store.filters.Filter`
("China ✕", "Tariffs ✕", "2025-05-01 – … ✕", "“geneva” ✕", "verified only ✕");
a click removes that part and emits ``filterChanged`` with the new filter. A
"Verified only" toggle and "Clear all" complete it. The bar hides when nothing
filters, so it costs no room.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QWidget

from viewer.store.filters import Filter, chip_names
from viewer.store.project import Project


class FilterBar(QWidget):
    filterChanged = Signal(object)  # the new Filter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FilterBar")
        self.setAccessibleName("Active filters")
        self.project: Project | None = None
        self._filter = Filter()
        self._chips: list[QPushButton] = []
        self._lay = QHBoxLayout(self)
        self._lay.setContentsMargins(4, 2, 4, 2)
        self._label = QLabel("Filters:")
        self.verified = QCheckBox("Verified only")
        self.verified.setToolTip("Show only the events you marked as verified")
        self.clear_button = QPushButton("Clear all")
        self.clear_button.setToolTip("Remove every filter")
        self.clear_button.setAccessibleName("Clear all filters")
        self._lay.addWidget(self._label)
        self._lay.addStretch(1)
        self._lay.addWidget(self.verified)
        self._lay.addWidget(self.clear_button)
        self.verified.toggled.connect(self._on_verified)
        self.clear_button.clicked.connect(lambda: self._emit(Filter()))
        self._refresh()

    def set_project(self, project: Project | None) -> None:
        self.project = project
        self.set_filter(Filter())

    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, f: Filter) -> None:
        """Show ``f`` (without emitting: the caller already applies it)."""
        self._filter = f
        self._refresh()

    def chip_buttons(self) -> list[QPushButton]:
        return list(self._chips)

    def _refresh(self) -> None:
        for b in self._chips:
            self._lay.removeWidget(b)
            b.deleteLater()
        self._chips = []
        chips = chip_names(self.project, self._filter) if self.project is not None else self._filter.chips()
        for n, chip in enumerate(c for c in chips if c.key != "verified"):
            b = QPushButton(f"{chip.label} ✕")
            b.setFlat(True)
            b.setToolTip(f"Remove the filter {chip.label}")
            b.setAccessibleName(f"Remove filter {chip.label}")
            b.clicked.connect(lambda _=False, key=chip.key: self._emit(self._filter.without(key)))
            self._lay.insertWidget(1 + n, b)
            self._chips.append(b)
        was = self.verified.blockSignals(True)
        self.verified.setChecked(self._filter.verified_only)
        self.verified.blockSignals(was)
        self.clear_button.setEnabled(not self._filter.is_empty())
        self._label.setText("Filters:" if not self._filter.is_empty() else "No filter")

    def _on_verified(self, on: bool) -> None:
        self._emit(self._filter.with_verified_only(on))

    def _emit(self, f: Filter) -> None:
        self.set_filter(f)
        self.filterChanged.emit(f)
