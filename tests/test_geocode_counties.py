"""US counties and first-order type words (geocode v17): a bare name is a US county only
when the text calls it one, and a first-order type word ("state", "oblast") never names a
lower unit. Sentences written for these tests; mentions are given as the NER gives them."""

from __future__ import annotations

import pytest

from newswatch.stages.geocode import GeocodeStage

from geocode_helpers import places_of


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st



def test_bare_name_beside_its_state_is_the_state_not_a_county(analyse, stage):
    text = "She worked in the U.S. Attorneys' Offices in Pennsylvania and Delaware."
    places = places_of(analyse, stage, text, ["Pennsylvania", "Delaware"])
    assert places["Delaware"] == ("Delaware", "US", "ADM1")


def test_bare_city_name_is_the_city(analyse, stage):
    text = "After a stop in Oklahoma and Arkansas, the President went to Cleveland to speak."
    places = places_of(analyse, stage, text, ["Oklahoma", "Arkansas", "Cleveland"])
    assert places["Cleveland"][2] != "ADM2"
    assert places["Cleveland"][:2] == ("Cleveland", "US")


@pytest.mark.parametrize(("text", "name"), [
    ("Assistance is available in the counties of Bibb, Calhoun and Jefferson in Alabama.", "Jefferson"),
    ("Floods hit Harris County in Texas overnight.", "Harris County"),
])
def test_a_county_the_text_calls_one_is_a_county(analyse, stage, text, name):
    places = places_of(analyse, stage, text, [name])
    assert places[name][1:] == ("US", "ADM2")


def test_first_order_type_word_never_names_a_county(analyse, stage):
    text = "Russia and Belarus took the Union State integration to a new level."
    places = places_of(analyse, stage, text, ["Union State"])
    assert places["Union State"][0] is None
