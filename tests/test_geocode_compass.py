"""A capitalised compass word inside an English sentence (geocode v16): the rest of the name
stands for a country or a first-order division only ("Southwest Wisconsin", "Northern
Mexico"), never for another place of that name ("the North Atlantic" is no Atlantic County,
"the Northern Triangle" no town called Triangle), and "Central America" is never the United
States. Sentences written for these tests; mentions are given as the NER gives them."""

from __future__ import annotations

import pytest

from newswatch.stages.geocode import GeocodeStage

from geocode_helpers import places_of


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st



@pytest.mark.parametrize(("text", "name"), [
    ("Ships patrol the North Atlantic, officials said.", "the North Atlantic"),
    ("A proposal would protect the Southern Ocean from fishing.", "the Southern Ocean"),
    ("Migration from the Northern Triangle rose this year.", "Northern Triangle"),
    ("Funding to Central America doubled.", "Central America"),
])
def test_compass_name_is_no_other_place(analyse, stage, text, name):
    places = places_of(analyse, stage, text, [name], label="LOC")
    mention = name.removeprefix("the ")
    assert places[mention][0] is None, places


@pytest.mark.parametrize(("text", "name", "country", "code"), [
    ("The President will travel to Southwest Wisconsin on Tuesday.", "Southwest Wisconsin", "US", "ADM1"),
    ("Thirteen migrants were killed in Northern Mexico last week.", "Northern Mexico", "MX", "PCLI"),
])
def test_compass_part_of_a_country_or_state_stays(analyse, stage, text, name, country, code):
    places = places_of(analyse, stage, text, [name], label="LOC")
    assert places[name][1:] == (country, code)


def test_sentence_initial_compass_word_is_not_read_as_part_of_the_name(analyse, stage):
    places = places_of(analyse, stage, "Northern Afghanistan fell to the Taliban.", ["Northern Afghanistan"],
                       label="LOC")
    assert places["Northern Afghanistan"][1:] == ("AF", "PCLI")


def test_russian_central_america_is_not_the_united_states(analyse, stage):
    text = "Россия поставляет оружие в Центральную Америку."
    places = places_of(analyse, stage, text, ["Центральную Америку"], "ru", label="LOC")
    assert places["Центральную Америку"][0] is None
