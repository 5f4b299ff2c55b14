"""Names after saints followed by a possessive (geocode v15): a building's dedication is no
place, and "St. John's" before punctuation is the town of that name. Sentences written for
these tests; the mention is given as the entities stage leaves it (possessive cut)."""

from __future__ import annotations

import pytest

from newswatch.stages.geocode import GeocodeStage

from geocode_helpers import places_of


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st



@pytest.mark.parametrize("text", [
    "The Rev. Anne Derse of St. John’s Norwood Episcopal Church led the prayer in Washington.",
    "Mourners gathered at St. Mary's Cathedral on Sunday in Washington.",
    "Children from Saint Joseph's Academy sang in Washington.",
])
def test_a_saints_dedication_is_no_place(analyse, stage, text):
    saint = next(s for s in ("St. John", "St. Mary", "Saint Joseph") if s in text)
    places = places_of(analyse, stage, text, [saint, "Washington"])
    assert not any(m.startswith(saint) for m in places), places
    assert places["Washington"][1] == "US"


def test_st_johns_before_a_comma_is_the_town(analyse, stage):
    text = "Troops arrived in St. John's, Newfoundland, on Monday."
    places = places_of(analyse, stage, text, ["St. John"])
    assert places["St. John's"][:2] == ("St. John's", "CA")


def test_a_possessive_before_a_common_noun_stays_the_place(analyse, stage):
    text = "St. Petersburg's governor said the city was calm."
    places = places_of(analyse, stage, text, ["St. Petersburg"])
    assert places["St. Petersburg"][1] == "RU"
