"""Trade-issue taxonomy and matcher."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from viewer.core.resources import ResourceError, load_json
from viewer.extract.issues import find_issues, load_taxonomy

# Paul Tol's 'muted' palette (colour-blind safe); the taxonomy must use only these
MUTED = {
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#DDDDDD",
}


def ids(text: str, extra: list | None = None) -> set[str]:
    return {m.issue_id for m in find_issues(text, extra or ())}


def test_taxonomy_has_required_issues_with_palette_colours() -> None:
    tax = {i.id: i for i in load_taxonomy()}
    required = {
        "tariffs",
        "reciprocal_tariffs",
        "retaliatory_tariffs",
        "section_301",
        "section_232",
        "trade_talks",
        "trade_truce",
        "critical_minerals",
        "rare_earths",
        "semiconductors",
        "ai_chips",
        "export_controls",
        "entity_list",
        "chip_design_software",
        "investment_restrictions",
        "agriculture",
        "soybeans",
        "fentanyl",
        "shipping",
        "steel_aluminium",
        "autos",
        "currency",
        "ip_tech_transfer",
        "sanctions",
        "wto_disputes",
        "de_minimis",
        "enforcement",
        "tiktok",
    }
    assert required <= set(tax)
    for issue in tax.values():
        assert issue.colour in MUTED, issue
        assert issue.parent is None or issue.parent in tax
    # the palette is declared in the resource itself
    assert set(load_json("issues/taxonomy.json")["_palette"].values()) == MUTED


def test_children_share_their_parents_colour() -> None:
    tax = {i.id: i for i in load_taxonomy()}
    for issue in tax.values():
        if issue.parent:
            assert issue.colour == tax[issue.parent].colour


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The administration raised tariffs on furniture.", {"tariffs"}),
        ("Ottawa announced retaliatory tariffs within a day.", {"retaliatory_tariffs", "tariffs"}),
        ("A Section 301 investigation was opened.", {"section_301", "tariffs"}),
        ("Exports of rare earth magnets slowed.", {"rare_earths", "critical_minerals"}),
        ("Gallium and germanium shipments were halted.", {"critical_minerals"}),
        ("The firm designs AI chips for data centres.", {"ai_chips", "semiconductors"}),
        ("New export controls target chipmaking tools.", {"export_controls", "semiconductors"}),
        ("The company was added to the Entity List.", {"entity_list", "export_controls"}),
        (
            "Soybean purchases resumed after the truce.",
            {"soybeans", "agriculture", "trade_truce", "trade_talks"},
        ),
        ("Fentanyl precursor chemicals remain a sticking point.", {"fentanyl"}),
        ("New port fees on Chinese-built vessels take effect.", {"shipping"}),
        ("The yuan weakened against the dollar.", {"currency"}),
        ("The de minimis exemption for small parcels ended.", {"de_minimis", "tariffs"}),
        ("On tariffs they disagree about enforcement and transparency.", {"enforcement", "tariffs"}),
        ("A deal on TikTok is close.", {"tiktok", "trade_talks"}),
        ("Carmakers fear the new EV rules.", {"autos"}),
        # acronyms keep their case: "evs" or "who" in prose are not issues
        ("He never knew who wto was.", set()),
        ("It is hard to deal with him.", set()),
    ],
)
def test_patterns(text: str, expected: set[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # words that name an issue only in a trade story: alone they name none
        ("Police said the attack was retaliation for the arrests and violated a ceasefire.", set()),
        ("The peace talks in Oslo ended with an agreement on prisoners.", set()),
        ("Farmers watched the grain harvest; the vessels left port.", set()),
        # beside a trade word they count, anywhere in the article
        (
            "Beijing raised tariffs on pork.\n\nThe retaliation violated the truce, farmers said.",
            {"tariffs", "agriculture", "retaliatory_tariffs", "enforcement", "trade_truce",
             "trade_talks"},
        ),
    ],
)
def test_weak_patterns_need_a_trade_story(text: str, expected: set[str]) -> None:
    assert ids(text) == expected


def test_user_files_add_weak_patterns(tmp_path) -> None:
    extra = tmp_path / "mine.json"
    extra.write_text('{"issues": [{"id": "shipping", "weak_patterns": ["tankers?"]}]}', encoding="utf-8")
    assert ids("Tariffs rose. Tankers waited.", [extra]) == {"tariffs", "shipping"}
    assert ids("Tankers waited.", [extra]) == set()


def test_offsets_and_text() -> None:
    text = "Beijing curbed exports of rare earths and imposed tariffs."
    for m in find_issues(text):
        assert text[m.start : m.end] == m.text
    assert any(m.text == "rare earths" for m in find_issues(text))


def test_user_file_adds_issue_and_patterns(tmp_path: Path) -> None:
    extra = tmp_path / "my_issues.json"
    extra.write_text(
        json.dumps(
            {
                "issues": [
                    {
                        "id": "drones",
                        "label": "Drones",
                        "colour": "#AA4499",
                        "parent": None,
                        "patterns": ["drones?"],
                    },
                    {"id": "tariffs", "patterns": ["import surcharges?"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    tax = {i.id: i for i in load_taxonomy([extra])}
    assert tax["drones"].label == "Drones"
    found = {m.issue_id for m in find_issues("An import surcharge on drones.", [extra])}
    assert found == {"drones", "tariffs"}
    # without the file, neither is found
    assert ids("An import surcharge on drones.") == set()


@pytest.mark.parametrize(
    "bad",
    [
        {"issues": [{"id": "x", "label": "X", "colour": "red", "patterns": []}]},
        {"issues": [{"id": "x", "label": "X", "colour": "#123456", "parent": "nope", "patterns": []}]},
        {"issues": [{"id": "x", "label": "X", "colour": "#123456", "patterns": ["(unclosed"]}]},
    ],
)
def test_bad_user_file_fails_loudly(tmp_path: Path, bad: dict) -> None:
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ResourceError):
        load_taxonomy([f])


def test_every_pattern_compiles() -> None:
    for item in load_json("issues/taxonomy.json")["issues"]:
        for p in item["patterns"]:
            re.compile(p)


def test_trade_war_escalation() -> None:
    assert ids("The trade war escalated as Beijing announced countermeasures.") == {"trade_war"}


@pytest.mark.parametrize(
    "text", ["Peace talks resumed in Belfast.", "It took a great deal of effort.", "Peace negotiations stalled."]
)
def test_not_trade_talks(text: str) -> None:
    assert "trade_talks" not in ids(text)
