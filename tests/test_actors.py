"""Actor extraction: gazetteer, metonymy, titles, unknown names, short names."""

from __future__ import annotations

import pytest

from viewer.extract.actors import find_actors


def names(text: str) -> dict[str, str]:
    """canonical name -> kind"""
    return {a.name: a.kind for a in find_actors(text).actors}


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        # gazetteer people, with titles kept out of the name
        ("US President Donald Trump spoke to reporters.", "Donald Trump", "person"),
        ("Treasury Secretary Scott Bessent met his counterpart.", "Scott Bessent", "person"),
        ("Chinese Vice Premier He Lifeng led the delegation.", "He Lifeng", "person"),
        # institutions, acronyms and generic names resolved by the country before them
        ("The White House declined to comment.", "White House", "government"),
        ("MOFCOM issued new guidance on Monday.", "China's Ministry of Commerce", "ministry"),
        ("China's commerce ministry rejected the claim.", "China's Ministry of Commerce", "ministry"),
        ("Officials at the Japanese foreign ministry were briefed.", "Japan's Foreign Ministry", "ministry"),
        ("The WTO ruled against the measure.", "World Trade Organization", "organization"),
        ("Nvidia shares rose after the report.", "Nvidia", "company"),
        # templates built for every country
        ("Korean state media reported the launch.", "South Korean state media", "media"),
        ("The Mexican government responded within hours.", "Mexico", "government"),
        # unknown people, found by title, speech and apposition
        ("Finance Minister Ana Ribeiro announced the budget.", "Ana Ribeiro", "person"),
        ('"We will respond," said Tomas Lindqvist, a spokesman for the agency.', "Tomas Lindqvist", "person"),
        ("According to Priya Natarajan, the plan is on track.", "Priya Natarajan", "person"),
        ("Marta Kowalski, an economist at a bank in Warsaw, disagreed.", "Marta Kowalski", "person"),
        # unknown organisations by head word, media by 'news agency'
        ("The Baltic Shipping Federation filed a complaint.", "Baltic Shipping Federation", "organization"),
        ("The Nordvik news agency carried the statement.", "Nordvik", "media"),
    ],
)
def test_finds_actor(text: str, name: str, kind: str) -> None:
    found = names(text)
    assert found.get(name) == kind, found


@pytest.mark.parametrize(
    ("text", "acting"),
    [
        # the object of an action between governments acts too
        ("Beijing accused Washington of bad faith.", {"China", "United States"}),
        ("Washington and Beijing agreed to extend the pause.", {"United States", "China"}),
        ("Tokyo has asked for an exemption.", {"Japan"}),
        ("The tariffs were imposed by Ottawa last year.", {"Canada"}),
        ("Beijing's decision surprised markets.", {"China"}),
        # places, modifiers and possessive institutions are not the government acting
        ("Exports from China to Mexico rose.", set()),
        ("The US-China talks resumed.", set()),
        ("The ambassador to Germany said little.", set()),
    ],
)
def test_countries_act_only_as_agents(text: str, acting: set[str]) -> None:
    governments = {n for n, k in names(text).items() if k == "government"}
    assert governments == acting


def test_surname_resolves_to_full_name_and_keeps_aliases() -> None:
    text = "Trade Minister Lena Halvorsen arrived in Oslo. Halvorsen said the talks went well. Later Halvorsen left."
    res = find_actors(text)
    assert [a.name for a in res.actors if a.kind == "person"] == ["Lena Halvorsen"]
    actor = next(a for a in res.actors if a.name == "Lena Halvorsen")
    assert actor.role == "Trade Minister"
    assert "Halvorsen" in actor.aliases
    assert sum(1 for m in res.mentions if m.name == "Lena Halvorsen") == 3


def test_recurring_surname_makes_an_unlisted_person() -> None:
    text = "Viktor Andrzejak arrived late. Andrzejak then left the meeting early."
    assert names(text).get("Viktor Andrzejak") == "person"


def test_shared_surname_goes_to_the_person_named_last() -> None:
    text = (
        "Omar Haddad met Layla Haddad in Amman. Later, President Omar Haddad spoke. Haddad said no. "
        "Then Layla Haddad answered. Haddad said yes."
    )
    res = find_actors(text)
    said = [m.name for m in res.mentions if m.text == "Haddad"]
    assert said == ["Omar Haddad", "Layla Haddad"]


def test_royal_title_is_part_of_the_name() -> None:
    text = "Saddam Hussein spoke first. King Hussein of Jordan replied. Saddam said nothing more."
    found = names(text)
    assert "King Hussein" in found and "Saddam Hussein" in found


def test_acronym_of_an_organisation_named_in_full_is_that_organisation() -> None:
    text = "The Federal Maritime Commission opened a probe. The FMC said it would report soon."
    res = find_actors(text)
    fmc = [m.name for m in res.mentions if m.text == "FMC"]
    assert fmc == ["Federal Maritime Commission"]


def test_offsets_point_at_the_mention() -> None:
    text = "Yesterday Chinese President Xi Jinping met the press."
    for m in find_actors(text).mentions:
        assert text[m.start : m.end] == m.text


def test_dateline_wire_credit_is_not_an_actor() -> None:
    assert "Associated Press" not in names("LIMA, Peru (AP) _ The central bank cut rates on Monday.")


def test_headline_capitals_do_not_make_people() -> None:
    text = "Xi Jinping Finally Calls Trump Over Trade\nXi Jinping spoke with Donald Trump on Thursday."
    persons = {n for n, k in names(text).items() if k == "person"}
    assert persons == {"Xi Jinping", "Donald Trump"}


def test_generic_ministry_goes_to_the_articles_country_and_is_referred_back() -> None:
    text = (
        "BEIJING - Chinese exporters face new rules. Beijing said the rules protect Chinese firms.\n"
        "The Ministry of Commerce said the rules start in May, a ministry spokesperson added."
    )
    res = find_actors(text)
    ministry = [m for m in res.mentions if m.kind == "ministry"]
    assert [m.text for m in ministry] == ["Ministry of Commerce", "ministry"]
    assert {m.name for m in ministry} == {"China's Ministry of Commerce"}
    actor = next(a for a in res.actors if a.name == "China's Ministry of Commerce")
    assert "ministry" not in actor.aliases  # a reference is not a name


def test_leader_administration_is_the_government() -> None:
    res = find_actors("The Trump administration said on Monday it would act. The Ishiba government objected.")
    assert [(m.text, m.name, m.kind) for m in res.mentions] == [
        ("Trump administration", "United States", "government"),
        ("Ishiba government", "Japan", "government"),
    ]


def test_family_words_introduce_people() -> None:
    text = "Her father Tomas Lindqvist spoke. His aunts, Maria Soto and Julia Vega, stayed."
    assert {n for n, k in names(text).items() if k == "person"} == {
        "Tomas Lindqvist",
        "Maria Soto",
        "Julia Vega",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Chipmaker Rivex said on Monday it would cut jobs.",
        "Rivex, the Swedish automaker, rose.",
        "Rivex shares fell 5%.",
        "Shares of Rivex jumped.",
    ],
)
def test_unlisted_company_by_description(text: str) -> None:
    assert names(text) == {"Rivex": "company"}


def test_short_company_name_is_the_full_one() -> None:
    text = "Polder Brewing Co. cut prices. Polder shares fell 3% after the move."
    assert [a.name for a in find_actors(text).actors] == ["Polder Brewing Co."]


def test_the_government_of_the_country_named_in_the_sentence() -> None:
    res = find_actors("In Havana, the government gave a guarded response. The government later said more.")
    assert [(m.text, m.name) for m in res.mentions] == [("government", "Cuba")]
    assert next(a for a in res.actors if a.name == "Cuba").aliases == []


@pytest.mark.parametrize(
    ("text", "acting"),
    [
        # a list of countries with "the" before the last one acts as a whole
        ("Chile, Peru and the Philippines on Friday joined the pact.", {"Chile", "Peru", "Philippines"}),
        # an apposition between the country and its verb
        ("The Netherlands, home to several chip toolmakers, tightened its rules.", {"Netherlands"}),
        # a modal before any verb is an action; a modal before a state is not
        ("Officials said Washington would halve the levy.", {"United States"}),
        ("Officials said Chile and Peru would be the main beneficiaries.", set()),
        # an unnamed official of a country acts for it; one an action befalls does not
        ("Peru's deputy foreign minister responded within an hour.", {"Peru"}),
        ("Chile's trade minister was injured in the blast.", set()),
    ],
)
def test_countries_in_lists_appositions_and_after_modals(text: str, acting: set[str]) -> None:
    governments = {n for n, k in names(text).items() if k == "government"}
    assert governments == acting


@pytest.mark.parametrize(
    ("text", "acting"),
    [
        # a capital or country as the object of an action between parties is its government
        ("Washington accuses Beijing of breaching the deal.", {"United States", "China"}),
        ("Trump urged Tokyo to buy more American gas.", {"Japan"}),
        ("The EU called on Beijing to lift the curbs.", {"European Union", "China"}),
        # ... but a place stays a place, and a name that begins a longer name is no object
        ("The delegation flew to Washington for talks in Beijing.", set()),
        ("Beijing-based firms said little.", set()),
        ("Trump told Kenya Television that the talks went well.", set()),
        # a list acts, or does not, as a whole
        ("Negotiators from Canada and Mexico met in Ottawa.", {"Canada", "Mexico"}),
        ("Exports from Canada and Mexico rose in May.", set()),
        ("Japan, South Korea and Taiwan imposed duties on steel.", {"Japan", "South Korea", "Taiwan"}),
        ("Trump urged Japan and South Korea to buy more gas.", {"Japan", "South Korea"}),
        ("The duties were imposed by the US, Canada and Mexico.", {"United States", "Canada", "Mexico"}),
        # after a participle that names no happening only the name next to 'by' is the agent
        ("The ships are aided by Britain, Australia and Canada.", {"United Kingdom"}),
    ],
)
def test_objects_of_actions_and_lists_of_countries(text: str, acting: set[str]) -> None:
    governments = {n for n, k in names(text).items() if k == "government"}
    assert governments == acting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Analysts at Brandt Mercer, Oakhill Lowe and Velden Kraus said stocks fell.",
            {"Brandt Mercer": "company", "Oakhill Lowe": "company", "Velden Kraus": "company"},
        ),
        (
            "Korvath's chief executive, Ann Lindgren, said profits fell.",
            {"Korvath": "company", "Ann Lindgren": "person"},
        ),
        # a named unit of a listed company is its own actor, not the parent
        (
            "said Paul Ostrander, an economist at UBS Securities.",
            {"Paul Ostrander": "person", "UBS Securities": "company"},
        ),
        # gazetteer companies with no tell-tale word
        (
            "Merrill Lynch and Goldman Sachs cut their forecasts.",
            {"Merrill Lynch": "company", "Goldman Sachs": "company"},
        ),
    ],
)
def test_companies_by_gazetteer_and_patterns(text: str, expected: dict[str, str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The blast shattered the Cooperative Bank House.",  # a building
        "Declines outnumbered gains on the Nasdaq Financial Index.",  # a market index
        "Initially, the company said it would close the unit.",  # a sentence adverb
        "Treasury Secretary Scott Bessent told reporters at the White House that talks went well.",  # a place
    ],
)
def test_places_indices_and_adverbs_are_not_institutions(text: str) -> None:
    assert all(k == "person" for k in names(text).values()), names(text)


def test_initials_stay_in_a_name() -> None:
    assert names("The chipmaker's chief executive, C.C. Wei, told analysts.") == {"C.C. Wei": "person"}


def test_definite_spokesperson_refers_back_to_the_last_spokesperson() -> None:
    text = "Foreign Ministry spokesperson Lin Jian spoke on Monday. Later the spokesperson declined to comment."
    res = find_actors(text)
    later = [m for m in res.mentions if m.text == "spokesperson" and m.start > 40]
    assert [m.name for m in later] == ["Lin Jian"]


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("Chile and Peru signed the pact. Both countries will cut duties.", "Both countries", {"Chile", "Peru"}),
        (
            "Premier Ana Ruiz met Chancellor Olaf Brandt on Monday. The two leaders spoke of steel.",
            "The two leaders",
            {"Ana Ruiz", "Olaf Brandt"},
        ),
        # fewer actors of that kind than the number says: no guess
        ("Premier Ana Ruiz spoke on Monday. The two leaders then left.", "The two leaders", set()),
    ],
)
def test_group_references(text: str, phrase: str, expected: set[str]) -> None:
    res = find_actors(text)
    assert {m.name for m in res.mentions if m.text == phrase} == expected


def test_accented_names_and_sentence_initial_particles() -> None:
    text = (
        'Prime Minister François Bayrou wrote on X that it was "a dark day". Von der Leyen said the deal held. '
        'Beijing said that China "has always believed" in talks.'
    )
    found = names(text)
    assert found.get("François Bayrou") == "person"
    assert found.get("Ursula von der Leyen") == "person"
    assert "Von der Leyen" not in found and "Fran" not in found
    assert found.get("China") == "government"


def test_ambassador_with_posting_before_the_name() -> None:
    text = "Trade Minister Joseph Kamau and the American ambassador to Kenya Prudence Bushnell were injured."
    found = {a.name: a.role for a in find_actors(text).actors}
    assert found == {"Joseph Kamau": "Trade Minister", "Prudence Bushnell": "Ambassador"}


def test_short_name_of_an_organisation_is_no_person() -> None:
    text = "Polder Peck International Inc. agreed to the deal. Last month, Polder Peck posted a jump in profit."
    assert names(text) == {"Polder Peck International Inc.": "company"}


def test_unlisted_company_named_by_its_description_speaking() -> None:
    text = (
        "Kestrel will almost double its flights to India by August. Kestrel plans daily flights between Sydney "
        "and Bombay, the airline announced Friday."
    )
    assert names(text) == {"Kestrel": "company"}


@pytest.mark.parametrize(
    ("text", "name", "role", "aliases"),
    [
        ("Finance Minister Ana Ribeiro announced the budget. Ribeiro said it was balanced.",
         "Ana Ribeiro", "Finance Minister", ["Ana Ribeiro", "Ribeiro"]),
        ("Treasury Secretary Scott Bessent met his counterpart.", "Scott Bessent", "Treasury Secretary",
         ["Scott Bessent"]),
        ("Chinese Vice Premier He Lifeng led the delegation.", "He Lifeng", "Vice Premier", ["He Lifeng"]),
    ],
)
def test_titles_are_roles_not_aliases(text: str, name: str, role: str, aliases: list[str]) -> None:
    actor = next(a for a in find_actors(text).actors if a.name == name)
    assert actor.role == role
    assert actor.aliases == aliases
