"""Filters that compose (viewer/store/filters.py) and saved views."""

from datetime import date

import pytest
from workflow_fixtures import actor_id, make_project

from viewer.store import edits
from viewer.store.filters import (
    Chip,
    Filter,
    FilterError,
    SavedView,
    chip_names,
    delete_view,
    filter_sql,
    filtered_event_ids,
    filtered_leader_ids,
    list_views,
    load_view,
    save_view,
)

# events of the fixture: 1 Geneva (A, 2025-05-12, Bessent+China, tariffs), 2 US raise (A, May 2025,
# US+China, tariffs+chips), 3 Geneva (B, 2025-05-12, Bessent, tariffs), 4 soybeans (B, June, China+Bessent)


@pytest.fixture(scope="module")
def p():
    project = make_project()
    edits.set_verified(project, [3, 4])
    return project


def _f(p, actors=(), issues=(), start=None, end=None, text="", verified=False, all_actors=False):
    return Filter(frozenset(actor_id(p, a) for a in actors), frozenset(issues), start, end, text, verified,
                  all_actors)


@pytest.mark.parametrize("kw, expected", [
    ({}, {1, 2, 3, 4}),
    ({"actors": ["United States"]}, {2}),
    ({"actors": ["United States", "Scott Bessent"]}, {1, 2, 3, 4}),  # any of the actors
    ({"actors": ["China", "Scott Bessent"], "all_actors": True}, {1, 4}),  # every actor
    ({"issues": ["chips"]}, {2}),
    ({"issues": ["chips", "soybeans"]}, {2, 4}),
    ({"start": date(2025, 5, 13)}, {2, 4}),  # the May event spans past the 13th
    ({"end": date(2025, 5, 11)}, {2}),
    ({"start": date(2025, 5, 12), "end": date(2025, 5, 12)}, {1, 2, 3}),
    ({"start": date(2025, 7, 1)}, set()),
    ({"text": "geneva"}, {1, 3}),
    ({"text": "constructive"}, {1}),  # through the event's quote
    ({"text": "NEAR( \"*"}, set()),  # FTS syntax is inert: only the word "near" is looked for
    ({"text": "AND("}, {1, 4}),  # "and" as a word: the quote of 1, the evidence of 4
    ({"text": " ,. "}, set()),  # punctuation only: nothing
    ({"verified": True}, {3, 4}),
    # the parts compose with AND
    ({"actors": ["China"], "issues": ["tariffs"]}, {1, 2}),
    ({"actors": ["China"], "issues": ["tariffs"], "end": date(2025, 5, 11)}, {2}),
    ({"actors": ["Scott Bessent"], "text": "geneva", "verified": True}, {3}),
    ({"issues": ["tariffs"], "start": date(2025, 5, 1), "end": date(2025, 6, 30), "text": "officials",
      "verified": True}, {3}),
])
def test_filters_compose(p, kw, expected):
    assert filtered_event_ids(p, _f(p, **kw)) == expected


def test_composition_is_the_intersection_of_the_parts(p):
    parts = [_f(p, actors=["China"]), _f(p, issues=["tariffs"]), _f(p, start=date(2025, 5, 12)),
             _f(p, text="geneva"), _f(p, verified=True)]
    whole = Filter(parts[0].actor_ids, parts[1].issue_ids, parts[2].start, None, "geneva", True)
    expected = set.intersection(*(filtered_event_ids(p, f) for f in parts))
    assert filtered_event_ids(p, whole) == expected


def test_a_range_finds_events_that_began_long_before_it_even_after_an_edit_made_one_longer():
    # a range's query walks the start index from (range start - the longest event): that bound is
    # read again once an edit changes the events, so an event made longer is still found
    p = make_project()
    late = date(2030, 3, 1)
    assert filtered_event_ids(p, Filter(start=late)) == set()
    edits.edit_event(p, 4, date_value="2025-06", end_value="2030-06-15")  # June 2025 to 15 June 2030
    assert filtered_event_ids(p, Filter(start=late)) == {4}
    assert filtered_event_ids(p, Filter(start=date(2030, 6, 15))) == {4}
    assert filtered_event_ids(p, Filter(start=date(2030, 6, 16))) == set()
    edits.edit_event(p, 1, date_value="1999", end_value="2031")
    assert filtered_event_ids(p, Filter(start=late)) == {1, 4}
    assert filtered_leader_ids(p, Filter(start=late, end=date(2030, 3, 2))) == {1, 4}
    edits.edit_event(p, 1, end_value="")  # back to the year 1999 alone
    assert filtered_event_ids(p, Filter(start=late)) == {4}


def test_a_range_query_searches_the_time_index_on_both_sides_without_reading_the_rows():
    # the index holds the end too, so the rows of a range are not fetched from the table one by one
    # (scattered over the file: 1.8 s for a range over a million events, 0.1 s from the index alone)
    where, params = filter_sql(Filter(start=date(2025, 5, 1), end=date(2025, 5, 31)), longest=86400.0 * 31)
    plan = " ".join(str(r[-1]) for r in make_project().db.conn.execute(
        f"explain query plan select e.id from events e where {where}", params))
    assert "COVERING INDEX idx_events_t0_t1 (t0>? AND t0<?)" in plan, plan


def test_chips_show_and_remove_each_part(p):
    f = _f(p, actors=["China"], issues=["chips"], start=date(2025, 5, 1), text=" geneva ", verified=True)
    china = actor_id(p, "China")
    chips = chip_names(p, f)
    assert chips == [Chip(f"actor:{china}", "China"), Chip("issue:chips", "Semiconductors"),
                     Chip("range", "2025-05-01 – …"), Chip("text", "“geneva”"),
                     Chip("verified", "verified only")]
    g = f
    for chip in chips:
        g = g.without(chip.key)
    assert g.is_empty() and not f.is_empty()
    assert f.without(f"actor:{china}").actor_ids == frozenset()
    assert f.without("text").text == "" and f.without("text").issue_ids == f.issue_ids
    with pytest.raises(FilterError):
        f.without("colour")


def test_builders_and_round_trip(p):
    f = Filter().with_actors({3, 1}).with_issues({"chips"}).with_range(date(2025, 1, 1), None).with_text("x")
    f = f.with_verified_only()
    assert Filter.from_dict(f.to_dict()) == f
    with pytest.raises(FilterError, match="before it starts"):
        Filter().with_range(date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(FilterError):
        Filter.from_dict({"start": "yesterday"})


def test_saved_views_round_trip_replace_and_delete():
    p = make_project()
    f = Filter(frozenset({1}), frozenset({"tariffs"}), date(2025, 5, 1), date(2025, 5, 31), "talks", True)
    save_view(p, SavedView("  May  talks ", f, "actor", 1.0e9, 1.1e9))
    save_view(p, SavedView("all", Filter(), "issue"))
    assert list_views(p) == ["all", "May talks"]
    v = load_view(p, "May talks")
    assert (v.filter, v.lanes, v.t0, v.t1) == (f, "actor", 1.0e9, 1.1e9)
    save_view(p, SavedView("May talks", Filter(), "article"))
    assert load_view(p, "May talks").lanes == "article" and list_views(p) == ["all", "May talks"]
    delete_view(p, "all")
    assert list_views(p) == ["May talks"]
    with pytest.raises(FilterError, match="no saved view"):
        load_view(p, "all")
    with pytest.raises(FilterError, match="needs a name"):
        save_view(p, SavedView("  "))
    with pytest.raises(FilterError, match="range"):
        save_view(p, SavedView("bad", t0=5.0, t1=5.0))


# ---------------------------------------------------------------- the chips bar (Qt)

def test_filter_bar_removes_one_part_per_click(qtbot):
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt

    from viewer.ui.filter_bar import FilterBar

    p = make_project()
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_project(p)
    assert bar.chip_buttons() == [] and not bar.clear_button.isEnabled()
    china = actor_id(p, "China")
    bar.set_filter(Filter(frozenset({china}), frozenset({"tariffs"}), text="geneva"))
    assert [b.text() for b in bar.chip_buttons()] == ["China ✕", "Tariffs ✕", "“geneva” ✕"]
    with qtbot.waitSignal(bar.filterChanged, timeout=1000) as sig:
        qtbot.mouseClick(bar.chip_buttons()[1], Qt.MouseButton.LeftButton)
    assert sig.args[0] == Filter(frozenset({china}), text="geneva")
    assert [b.text() for b in bar.chip_buttons()] == ["China ✕", "“geneva” ✕"]
    with qtbot.waitSignal(bar.filterChanged, timeout=1000) as sig:
        bar.verified.setChecked(True)
    assert sig.args[0].verified_only and filtered_event_ids(p, sig.args[0]) == set()
    with qtbot.waitSignal(bar.filterChanged, timeout=1000) as sig:
        qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert sig.args[0].is_empty() and bar.chip_buttons() == [] and not bar.verified.isChecked()
