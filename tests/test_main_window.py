"""The window as a user meets it: drop files, see panels fill, set a date, zoom, export."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontDatabase, QImage

from tests.conftest import SAMPLE
from viewer.ui.qt_models import ROW_ROLE


def drop(qtbot, window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    ev = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.runner.finished, timeout=60000) as blocker:
        window.dropEvent(ev)
    return blocker.args[0]


def dated_copy(tmp_path: Path) -> Path:
    p = tmp_path / "dated.txt"
    p.write_text("Published: 2025-06-06\n\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return p


def test_drop_sample_fills_panels_and_marks_date_needed(qtbot, window):
    report = drop(qtbot, window, [SAMPLE])
    assert report.count("imported") == 1, report.summary()
    actors = {a.name for a in window.actors_model.rows()}
    assert {"Donald Trump", "Xi Jinping", "Scott Bessent"} <= actors
    assert [q.text for q in window.quotes_model.rows() if q.speaker == "Scott Bessent"] == ["stalled"]
    assert any(i.events for i in window.issues_model.rows()) or window.project.counts()["events"] == 0
    [art] = window.articles_model.rows()
    assert art.status == "date needed" and art.unresolved >= 2
    assert window.banner.isVisibleTo(window)
    assert "publication date" in window.timeline.empty_message()[0]
    # no invented dates: nothing relative is on the timeline yet
    assert window.project.counts()["events"] == len(window.timeline.data().t0)


def test_setting_the_date_resolves_thursday_and_may(qtbot, window):
    drop(qtbot, window, [SAMPLE])
    [art] = window.articles_model.rows()
    window.set_article_date(art.id, date(2025, 6, 6))
    assert not window.banner.isVisibleTo(window)
    events = [window.project.event(int(i)) for i in window.timeline.data().ids]
    days = {(e.when.label(), e.when.precision.value) for e in events}
    assert ("2025-06-05", "day") in days
    assert ("2025-05", "month") in days
    assert len(window.timeline.data().t0) == window.project.counts()["events"] >= 3


def test_hovering_an_event_shows_its_date_as_written_and_resolved(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    data = window.timeline.data()
    row = next(i for i, e in enumerate(data.ids) if "phone" in window.project.event(int(e)).title.lower())
    tip = window.timeline._tip_text(("event", row))
    assert "“Thursday” → 2025-06-05" in tip and "Donald Trump" in tip and "1 source" in tip


def test_date_prompt_from_banner(qtbot, window):
    drop(qtbot, window, [SAMPLE])
    window.banner_button.click()
    dlg = window.date_dialog
    assert dlg.isVisible()
    from PySide6.QtCore import QDate

    dlg.edit.setDate(QDate(2025, 6, 6))
    dlg.accept()
    assert window.articles_model.rows()[0].published == date(2025, 6, 6)


def test_drop_mixed_files_reports_bad_ones_and_imports_the_rest(qtbot, window, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "noise.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    report = drop(qtbot, window, [empty, binary, dated_copy(tmp_path)])
    refused = {Path(o.path).name: o.message for o in report.outcomes if o.status == "refused"}
    assert set(refused) == {"empty.txt", "noise.txt"}
    assert all(refused.values())
    assert report.count("imported") == 1
    assert window.project.counts()["events"] >= 3
    assert "refused" in window._report_box.text()


def test_same_file_twice_is_reported_as_already_there(qtbot, window):
    drop(qtbot, window, [SAMPLE])
    report = drop(qtbot, window, [SAMPLE])
    assert report.count("duplicate") == 1 and window.project.counts()["articles"] == 1


def test_selection_links_actor_to_timeline_and_quotes(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    rows = window.actors_model.find_row(lambda a: a.name == "Donald Trump")
    idx = window.actors_proxy.mapFromSource(window.actors_model.index(rows[0], 0))
    window.actors_view.selectionModel().select(idx, window.actors_view.selectionModel().SelectionFlag.ClearAndSelect
                                               | window.actors_view.selectionModel().SelectionFlag.Rows)
    trump_events = set(window.project.event_ids_for_actor(window.actors_model.rows()[rows[0]].id))
    tl = window.timeline
    assert trump_events and set(tl.data().ids[tl.scene.highlight_rows].tolist()) == trump_events
    selected_quotes = {window.quotes_proxy.data(i, Qt.ItemDataRole.DisplayRole)
                       for i in window.quotes_view.selectionModel().selectedRows()}
    assert "“total reset”" in selected_quotes


def test_rows_selected_from_elsewhere_are_whole_rows_in_tables_and_trees(qtbot, window, tmp_path):
    from viewer.ui.main_window import row_runs

    assert row_runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)] and row_runs([]) == []
    drop(qtbot, window, [dated_copy(tmp_path)])
    n = window.quotes_model.rowCount()
    window._select_rows(window.quotes_view, window.quotes_proxy, window.quotes_model, [0, n - 1])
    assert sorted(i.row() for i in window.quotes_view.selectionModel().selectedRows()) == [0, n - 1]
    # a parent issue and one of its children (another level of the tree)
    window._select_rows(window.issues_view, window.issues_proxy, window.issues_model,
                        lambda i: i.id in {"tariffs", "reciprocal_tariffs"})
    chosen = {window.issues_proxy.data(i, ROW_ROLE).id for i in window.issues_view.selectionModel().selectedRows()}
    assert chosen == {"tariffs", "reciprocal_tariffs"}


def test_double_click_quote_shows_article_with_evidence(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    rows = window.quotes_model.find_row(lambda q: q.text == "total reset")
    q = window.quotes_model.rows()[rows[0]]
    window._on_quote_activated(window.quotes_proxy.mapFromSource(window.quotes_model.index(rows[0], 0)))
    assert window.source_view.article_id == q.article_id
    assert "total reset" in window.source_view.selected_text()


def test_zoom_and_pan_change_the_visible_range(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    a0, a1 = window.timeline.visible_range()
    window.act_zoom_in.trigger()
    b0, b1 = window.timeline.visible_range()
    assert (b1 - b0) < (a1 - a0)
    window.timeline.pan(0.25)
    c0, c1 = window.timeline.visible_range()
    assert c0 > b0 and abs((c1 - c0) - (b1 - b0)) < 1e-6 * (b1 - b0)
    window.act_fit.trigger()
    assert window.timeline.visible_range() == pytest.approx((a0, a1))


def test_export_png_has_the_size_and_real_text(qtbot, window, tmp_path):
    assert QFontDatabase.families(), "no fonts installed: text would render as boxes"
    drop(qtbot, window, [dated_copy(tmp_path)])
    out = tmp_path / "t.png"
    window.export_png(str(out), 1200, 700, 2.0, whole=True)
    img = QImage(str(out))
    assert (img.width(), img.height()) == (2400, 1400)
    # text really rendered: dark glyph pixels exist on the light background
    dark = sum(1 for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)
               if img.pixelColor(x, y).lightness() < 80)
    assert dark > 200


def test_exporting_an_image_of_no_event_says_why_instead(qtbot, window, monkeypatch):
    import viewer.ui.main_window as main_window

    told: list[str] = []
    monkeypatch.setattr(main_window.QMessageBox, "information", lambda parent, title, text: told.append(text))
    opened: list = []
    monkeypatch.setattr(main_window.ExportDialog, "exec", lambda dlg: opened.append(dlg) or 0)
    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName", lambda *a, **k: opened.append(a) or ("", ""))
    drop(qtbot, window, [SAMPLE])  # no publication date: no event on the timeline yet
    window.export_dialog()
    window._export_as("svg")
    assert opened == [] and len(told) == 2
    assert "publication date" in told[0] and "Trump and Xi Jinping" in told[0]
    # a data export is no image: it asks where to write, as before
    window._export_as("csv")
    assert len(opened) == 1 and len(told) == 2


def test_searching_a_panel_keeps_its_matching_rows_in_its_model(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QLineEdit

    drop(qtbot, window, [dated_copy(tmp_path)])
    every = window.quotes_proxy.rowCount()
    edit = next(e for e in window.findChildren(QLineEdit) if e.placeholderText() == "Search quotes…")
    edit.setText("STALL")
    assert [q.text for q in window.quotes_model.rows()] == ["stalled"] and window.quotes_proxy.rowCount() == 1
    # the toolbar's search highlights events; it leaves the panel's search alone
    window.search_box.setText("tariff")
    window._run_search()
    assert window.quotes_proxy.rowCount() == 1
    edit.clear()
    assert window.quotes_proxy.rowCount() == every
    actors = next(e for e in window.findChildren(QLineEdit) if e.placeholderText() == "Search actors…")
    actors.setText("bessent")
    assert [a.name for a in window.actors_model.rows()] == ["Scott Bessent"]


def test_a_quote_stored_without_its_sentence_opens_at_the_quote(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    p = window.project
    p.db.conn.execute("update quotes set sentence_start = null, sentence_end = null")  # as before they were kept
    p.db.conn.commit()
    window.refresh()
    q = next(q for q in window.quotes_model.rows() if q.text == "stalled")
    row = [x.id for x in window.quotes_model.rows()].index(q.id)
    window._on_quote_activated(window.quotes_proxy.mapFromSource(window.quotes_model.index(row, 0)))
    assert window.source_view.article_id == q.article_id
    assert window.source_view.highlighted == (q.start_offset, q.end_offset)


def test_save_as_copies_and_switches(qtbot, window, tmp_path):
    drop(qtbot, window, [SAMPLE])
    target = tmp_path / "copy.dateline"
    window.save_as(target)
    assert window.project_path == target and window.project.counts()["articles"] == 1


_ = QPoint


def test_unresolved_dates_are_listed_for_an_undated_article(qtbot, window):
    drop(qtbot, window, [SAMPLE])
    window.articles_view.selectRow(0)
    window.open_source_button.click()
    caption = window.source_view.header.text()
    assert "Unresolved" in caption and "Thursday" in caption


def test_ticking_an_issue_filters_the_timeline_and_the_bar_can_clear_it(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    [idx] = window.issues_model.indexes_where(lambda i: i.id == "tariffs")
    window.issues_model.setData(idx, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    shown = set(window.timeline.event_filter().tolist())
    assert shown == set(window.project.event_ids_for_issue("tariffs")) and shown
    assert window.filter_bar.chip_buttons()
    window.filter_bar.clear_button.click()
    assert window.timeline.event_filter() is None and not window.issues_model.checked()


def test_search_highlights_matching_events(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    window.search_box.setText("phone")
    window._run_search()
    tl = window.timeline
    hits = set(tl.data().ids[tl.scene.highlight_rows].tolist())
    assert hits and all("phone" in (window.project.event(e).title + window.project.event(e).evidence).lower()
                        for e in hits)


def test_rename_actor_is_undoable(qtbot, window, tmp_path):
    from viewer.ui import undo

    drop(qtbot, window, [dated_copy(tmp_path)])
    trump = next(a for a in window.actors_model.rows() if a.name == "Donald Trump")
    window.push(undo.RenameActorCommand, trump.id, "Donald J. Trump")
    assert "Donald J. Trump" in {a.name for a in window.actors_model.rows()}
    window.act_undo.trigger()
    assert "Donald Trump" in {a.name for a in window.actors_model.rows()}
    window.act_redo.trigger()
    assert "Donald J. Trump" in {a.name for a in window.actors_model.rows()}


def test_selecting_an_event_fills_event_details(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    eid = int(window.timeline.data().ids[-1])
    window.timeline.selectionChanged.emit([eid])
    assert window.details.event_id() == eid


def test_actor_card_lists_aliases_articles_and_quotes(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    rows = window.actors_model.find_row(lambda a: a.name == "Donald Trump")
    window.actors_view.selectRow(window.actors_proxy.mapFromSource(window.actors_model.index(rows[0], 0)).row())
    window._actor_card()
    card = window.actor_card_dialog.card
    assert "Trump" in card.aliases and len(card.articles) == 1 and "total reset" in card.quotes
    window.actor_card_dialog.articleRequested.emit(card.articles[0].article_id)
    assert window.source_view.article_id == card.articles[0].article_id


def test_saved_view_restores_filters_lanes_and_range(qtbot, window, tmp_path):
    from viewer.store.filters import SavedView, save_view

    drop(qtbot, window, [dated_copy(tmp_path)])
    window.act_zoom_in.trigger()
    window._filter_to_visible_range()
    f = window.filter_bar.filter()
    assert f.start is not None and f.end is not None
    rng = window.timeline.visible_range()
    save_view(window.project, SavedView("zoomed", f, "actor", *rng))
    window.filter_bar.clear_button.click()
    window.act_fit.trigger()
    window.restore_view("zoomed")
    assert window.lane_combo.currentData() == "actor"
    assert window.filter_bar.filter() == f
    assert window.timeline.visible_range() == pytest.approx(rng)


def test_quotes_filter_by_speaker_and_actor_dates(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    every = window.quotes_proxy.rowCount()
    i = window.speaker_filter.findData("Scott Bessent")
    window.speaker_filter.setCurrentIndex(i)
    shown = [window.quotes_proxy.data(window.quotes_proxy.index(r, 0), ROW_ROLE).text
             for r in range(window.quotes_proxy.rowCount())]
    assert shown == ["stalled"]
    # the speaker list is every quote's, whatever the filter keeps
    assert window.speaker_filter.count() == 1 + len({q.speaker for q in window.project.quotes()})
    window.speaker_filter.setCurrentIndex(0)
    assert window.quotes_proxy.rowCount() == every == window.project.counts()["quotes"]
    trump = next(a for a in window.actors_model.rows() if a.name == "Donald Trump")
    assert trump.first and trump.last and trump.first <= trump.last
    window.act_save.trigger()
    assert "Saved" in window.statusBar().currentMessage()


def retagged(qtbot, window, action):
    """Run ``action`` (a push, undo or redo) and wait for the background tagging it starts."""
    with qtbot.waitSignal(window.retagger.finished, timeout=60000) as blocker:
        action()
    assert not blocker.args[0].cancelled and not blocker.args[0].error
    return blocker.args[0]


def test_a_new_issue_with_a_pattern_tags_the_articles_again(qtbot, window, tmp_path):
    from viewer.ui import undo

    drop(qtbot, window, [dated_copy(tmp_path)])
    cmd = None

    def add() -> None:
        nonlocal cmd
        cmd = window.push(undo.AddIssueCommand, "Leader diplomacy", "#AA4499", None, [r"(?:phone )?calls?"])

    result = retagged(qtbot, window, add)  # no explicit "tag again": the push starts it
    assert result.done == result.total == 1
    new_id = cmd.result
    tagged = window.project.event_ids_for_issue(new_id)
    assert tagged, "the call's evidence sentence says “Thursday’s call”"
    assert any("phone" in window.project.event(e).title.lower() for e in tagged)
    assert next(i for i in window.issues_model.rows() if i.id == new_id).events == len(tagged)
    assert "tagged again in 1 article" in window.statusBar().currentMessage()
    assert not window.retag_progress.isVisibleTo(window)


def _tags(project) -> dict:
    """Every event's trade issues, by what the event is (ids may be made anew by re-extraction)."""
    rows = project.db.conn.execute(
        "select e.article_id, e.start_offset, e.title, group_concat(ei.issue_id) from events e "
        "left join event_issues ei on ei.event_id = e.id group by e.id order by 1, 2, 3").fetchall()
    return {(a, s, t): ",".join(sorted((i or "").split(","))) for a, s, t, i in rows}


def test_undo_and_redo_of_an_added_pattern_take_its_tags_away_and_back(qtbot, window, tmp_path):
    from viewer.ui import undo

    drop(qtbot, window, [dated_copy(tmp_path)])
    # the user's own tag: an event they tagged by hand keeps it whatever the taxonomy does
    mine = window.project.event(int(window.timeline.data().ids[0]))
    window.undo_stack.push(undo.EditEventCommand(window.project, mine.id, issues=["rare_earths"]))
    key = (mine.article_id, mine.start_offset, mine.title)
    before = _tags(window.project)
    assert before[key] == "rare_earths"
    retagged(qtbot, window, lambda: window.push(undo.AddPatternCommand, "tariffs", r"(?:phone )?calls?"))
    after = _tags(window.project)
    assert after != before and any("tariffs" in v and "phone" in k[2].lower() for k, v in after.items())
    assert after[key] == "rare_earths"
    retagged(qtbot, window, window.act_undo.trigger)
    assert _tags(window.project) == before
    retagged(qtbot, window, window.act_redo.trigger)
    assert _tags(window.project) == after


def test_tagging_again_runs_in_the_background_and_can_be_stopped(qtbot, window, tmp_path, monkeypatch):
    import threading

    import viewer.workflow as workflow

    copies = []
    for n in range(6):
        p = tmp_path / f"a{n}.txt"
        p.write_text(f"Published: 2025-06-0{n + 1}\n\n" + SAMPLE.read_text(encoding="utf-8")
                     + f"\n\nThis is report number {n}.", encoding="utf-8")
        copies.append(p)
    drop(qtbot, window, copies)
    # the worker waits inside its second article until the window, its event loop free, has
    # taken the Stop click: the stop lands at a known article whatever the machine's speed
    gate, calls = threading.Event(), []
    real_extract = workflow.extract

    def gated(article, files):
        calls.append(article.title)
        if len(calls) == 2:
            assert gate.wait(30)
        return real_extract(article, files)

    monkeypatch.setattr(workflow, "extract", gated)
    seen = []

    def on_progress(done: int, total: int, _title: str) -> None:
        seen.append((done, total))
        if done == 1:
            window.retag_cancel.click()
            gate.set()

    window.retagger.progress.connect(on_progress)
    with qtbot.waitSignal(window.retagger.finished, timeout=60000) as blocker:
        window.retag()
        assert window.retag_progress.isVisibleTo(window) and window.retag_cancel.isVisibleTo(window)
    result = blocker.args[0]
    assert (result.cancelled, result.done, result.total) == (True, 2, 6)
    assert seen[:2] == [(0, 6), (1, 6)] and len(calls) == 2
    assert "cancelled after 2 of 6" in window.statusBar().currentMessage()
    assert not window.retag_cancel.isVisibleTo(window)
    assert len(window.articles_model.rows()) == 6 and window.project.counts()["events"]


def test_asking_again_while_tagging_restarts_with_the_latest_taxonomy(qtbot, window, tmp_path):
    from viewer.ui import undo

    drop(qtbot, window, [dated_copy(tmp_path)])
    before = _tags(window.project)
    finished = []
    window.retagger.finished.connect(finished.append)
    with qtbot.waitSignal(window.retagger.finished, timeout=60000):
        window.push(undo.AddPatternCommand, "tariffs", r"(?:phone )?calls?")
        window.act_undo.trigger()  # while the first run is under way
    assert len(finished) == 1 and not finished[0].cancelled  # the stopped run is not reported
    assert _tags(window.project) == before


def _cell(window, panel, pick, column):
    """The view's index of ``column`` in the row of ``panel`` ("actors", "quotes") that ``pick`` picks."""
    view, proxy, model = (getattr(window, f"{panel}_{part}") for part in ("view", "proxy", "model"))
    [source] = model.indexes_where(pick)
    index = proxy.mapFromSource(source.siblingAtColumn(column))
    view.scrollTo(index)
    return index


def _opens_without_editing(qtbot, view, index):
    double_click(qtbot, view, index)
    assert view.state() != view.State.EditingState


def double_click(qtbot, view, index):
    """A real double-click: QTest's alone lacks the press an item view wants on the same cell first."""
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _type_into_editor(qtbot, view, text):
    from PySide6.QtWidgets import QComboBox

    editor = view.indexWidget(view.currentIndex())
    assert view.state() == view.State.EditingState and editor is not None
    line = editor.lineEdit() if isinstance(editor, QComboBox) else editor
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    # the delegate commits on Return through a queued call: let the event loop run it
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=5000)
    return editor


def test_f2_renames_an_actor_in_place_and_undo_puts_the_name_back(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    view = window.actors_view
    name = _cell(window, "actors", lambda a: a.name == "Donald Trump", 0)
    view.setFocus()
    view.setCurrentIndex(name)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    _type_into_editor(qtbot, view, "Donald J. Trump")
    assert "Donald J. Trump" in {a.name for a in window.project.actors()}
    assert window.undo_stack.undoText().startswith("Rename")
    window.act_undo.trigger()
    assert "Donald Trump" in {a.name for a in window.project.actors()}
    assert "Donald J. Trump" not in {a.name for a in window.actors_model.rows()}


def test_a_rename_in_the_panel_and_a_pattern_undo_and_redo_across_background_tagging(qtbot, window, tmp_path):
    from workflow_fixtures import dump

    from viewer.ui import undo

    # two reports of the call: rows of the first are not the last ones in their tables, and its
    # events lead the second's in one happening each
    second = tmp_path / "second.txt"
    second.write_text("Published: 2025-06-07\n\n" + SAMPLE.read_text(encoding="utf-8") + "\n\nA second report.",
                      encoding="utf-8")
    drop(qtbot, window, [dated_copy(tmp_path), second])
    assert window.project.db.execute("select count(*) from events where merged_into is not null").fetchone()[0]
    runs = []
    window.retagger.finished.connect(runs.append)

    def tagged_after(action) -> None:
        n = len(runs)
        action()
        qtbot.waitUntil(lambda: len(runs) > n, timeout=60000)
        assert not runs[-1].error and not runs[-1].cancelled

    start = dump(window.project)
    view = window.actors_view
    view.setFocus()
    view.setCurrentIndex(_cell(window, "actors", lambda a: a.name == "Donald Trump", 0))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    _type_into_editor(qtbot, view, "Donald J. Trump")
    renamed = dump(window.project)
    tagged_after(lambda: window.push(undo.AddPatternCommand, "tariffs", r"(?:phone )?calls?"))
    both = dump(window.project)
    assert both["event_issues"] != renamed["event_issues"]  # the pattern tagged something
    # the articles were read again: the rows the rename and the extraction made are where they were
    for table in ("actors", "actor_aliases", "mentions", "quotes"):
        assert both[table] == renamed[table], table
    assert [r[0] for r in both["events"]] == [r[0] for r in renamed["events"]]
    tagged_after(window.act_undo.trigger)
    assert dump(window.project) == renamed
    window.act_undo.trigger()
    assert dump(window.project) == start
    assert "Donald Trump" in {a.name for a in window.actors_model.rows()}
    window.act_redo.trigger()
    assert dump(window.project) == renamed
    tagged_after(window.act_redo.trigger)
    assert dump(window.project) == both
    assert "Donald J. Trump" in {a.name for a in window.actors_model.rows()}


def test_double_click_edits_the_kind_but_opens_the_card_on_the_name(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QComboBox

    drop(qtbot, window, [dated_copy(tmp_path)])
    view = window.actors_view
    pick = lambda a: a.name == "Scott Bessent"  # noqa: E731
    name = _cell(window, "actors", pick, 0)
    _opens_without_editing(qtbot, view, name)
    assert window.actor_card_dialog.card.name == "Scott Bessent"
    window.actor_card_dialog.close()
    kind = _cell(window, "actors", pick, 1)
    double_click(qtbot, view, kind)
    combo = view.indexWidget(kind)
    assert isinstance(combo, QComboBox) and "ministry" in [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentText("ministry")
    view.commitData(combo)
    assert next(a.kind for a in window.project.actors() if a.name == "Scott Bessent") == "ministry"
    window.act_undo.trigger()
    assert next(a.kind for a in window.project.actors() if a.name == "Scott Bessent") == "person"


def test_quote_speaker_by_f2_while_a_double_click_on_the_quote_still_shows_its_source(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    view = window.quotes_view
    pick = lambda q: q.text == "stalled"  # noqa: E731
    text = _cell(window, "quotes", pick, 0)
    _opens_without_editing(qtbot, view, text)
    assert "stalled" in window.source_view.selected_text()
    view.setFocus()
    view.setCurrentIndex(text)
    qtbot.keyClick(view, Qt.Key.Key_F2)  # on the quote's words: the row's speaker cell opens
    assert view.currentIndex().column() == 1
    _type_into_editor(qtbot, view, "Xi Jinping")
    assert next(q.speaker for q in window.project.quotes() if q.text == "stalled") == "Xi Jinping"
    window.act_undo.trigger()
    assert next(q.speaker for q in window.project.quotes() if q.text == "stalled") == "Scott Bessent"


def test_double_click_renames_a_trade_issue_in_place(qtbot, window, tmp_path):
    drop(qtbot, window, [dated_copy(tmp_path)])
    view = window.issues_view
    index = _cell(window, "issues", lambda i: i.id == "tariffs", 0)
    double_click(qtbot, view, index)
    _type_into_editor(qtbot, view, "Duties")
    assert {i.id: i.label for i in window.project.issues()}["tariffs"] == "Duties"
    assert "Duties" in {i.label for i in window.issues_model.rows()}
    window.act_undo.trigger()
    assert {i.id: i.label for i in window.project.issues()}["tariffs"] == "Tariffs"


def test_every_control_is_named_and_every_action_is_reachable_by_keyboard(qtbot, window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QHeaderView, QLineEdit, QMenu, QWidget

    controls = [w for w in window.findChildren(QWidget) if w.isVisibleTo(window)
                and isinstance(w, (QAbstractButton, QAbstractItemView, QComboBox, QLineEdit))
                and not isinstance(w, QHeaderView)  # a view's header is read as part of its view
                and not isinstance(w.parent(), QComboBox)]  # a combo's own list view is the combo's
    assert len(controls) > 12
    unnamed = [w for w in controls if not (w.accessibleName() or getattr(w, "text", lambda: "")())]
    assert not unnamed, [type(w).__name__ for w in unnamed]
    panels = (window.actors_view, window.issues_view, window.quotes_view, window.articles_view)
    assert all(v.toolTip() for v in panels)  # each panel says how to use it with the mouse and the keys
    for w in (window.lane_combo, window.search_box):
        assert w.accessibleName() and w.toolTip()
    menus = [a.menu() for a in window.menuBar().actions()]
    actions = [a for m in menus for a in m.actions() if not a.isSeparator() and a.menu() is None]
    assert window.act_retag in actions and window.act_add_issue in actions
    unreachable = [a.text() for a in actions if "&" not in a.text() and a.shortcut().isEmpty()
                   and a not in [d.toggleViewAction() for d in window.docks.values()]]
    assert not unreachable, unreachable
    # a panel's menu from the keyboard, at the current row
    view = window.issues_view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
    assert "Tag all articles again" in [a.text() for a in menu.actions()]
    menu.close()
