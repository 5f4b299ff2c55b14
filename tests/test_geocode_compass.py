"""A capitalised compass word inside an English sentence (geocode v16): the rest of the name
stands for a country or a first-order division only ("Southwest Wisconsin", "Northern
Mexico"), never for another place of that name ("the North Atlantic" is no Atlantic County,
"the Northern Triangle" no town called Triangle), and "Central America" is never the United
States. Sentences written for these tests; mentions are given as the NER gives them."""

from __future__ import annotations

import pytest

from newswatch.model import Article, EntityMention
from newswatch.stages.geocode import GeocodeStage


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st


def _places(analyse, stage, text: str, names: list[str], lang: str = "en") -> dict[str, tuple]:
    """mention text -> (resolved place name or None, country code, feature code)."""
    a: Article = analyse(text, lang)
    for name in names:
        start = text.index(name)
        a.entities.append(EntityMention(name, "LOC", start, start + len(name), name,
                                        a.provenance("test", "0", start, 1.0)))
    stage(a)
    return {m.text: (p.name if p.resolved else None, p.country_code, p.feature_code)
            for p in a.places for m in p.mentions if m.kind == "name"}


@pytest.mark.parametrize(("text", "name"), [
    ("Ships patrol the North Atlantic, officials said.", "the North Atlantic"),
    ("A proposal would protect the Southern Ocean from fishing.", "the Southern Ocean"),
    ("Migration from the Northern Triangle rose this year.", "Northern Triangle"),
    ("Funding to Central America doubled.", "Central America"),
])
def test_compass_name_is_no_other_place(analyse, stage, text, name):
    places = _places(analyse, stage, text, [name])
    mention = name.removeprefix("the ")
    assert places[mention][0] is None, places


@pytest.mark.parametrize(("text", "name", "country", "code"), [
    ("The President will travel to Southwest Wisconsin on Tuesday.", "Southwest Wisconsin", "US", "ADM1"),
    ("Thirteen migrants were killed in Northern Mexico last week.", "Northern Mexico", "MX", "PCLI"),
])
def test_compass_part_of_a_country_or_state_stays(analyse, stage, text, name, country, code):
    places = _places(analyse, stage, text, [name])
    assert places[name][1:] == (country, code)


def test_sentence_initial_compass_word_is_not_read_as_part_of_the_name(analyse, stage):
    places = _places(analyse, stage, "Northern Afghanistan fell to the Taliban.", ["Northern Afghanistan"])
    assert places["Northern Afghanistan"][1:] == ("AF", "PCLI")


def test_russian_central_america_is_not_the_united_states(analyse, stage):
    text = "Россия поставляет оружие в Центральную Америку."
    places = _places(analyse, stage, text, ["Центральную Америку"], "ru")
    assert places["Центральную Америку"][0] is None
