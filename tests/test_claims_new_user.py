"""Wrong casualty facts a new user saw on articles it wrote (claims and figures).

Every sentence here is written for these tests; the expected values are read off the sentence,
the grammar of the verb and the casualty definitions in the claims stage's docstring: a
casualty claim counts people killed, wounded, missing... of one side; "a wrong fact is worse
than a missing one", so several tests assert that no class (or no claim) is given.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newswatch.model import Article

from situation_helpers import run

DAY = dt.date(2026, 11, 30)


def _props(a: Article) -> list[tuple[float, str]]:
    return [(c.value, c.property) for c in a.claims]


# -- 1. carried somewhere is not captured -------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Medics said 23 people were taken to hospital after the shelling.", [(23.0, "person")]),
    ("Police said 14 people were taken to the morgue in Goma.", [(14.0, "person")]),
    ("Volunteers took 40 wounded villagers to a clinic across the river.", [(40.0, "civilian wounded")]),
])
def test_people_taken_to_a_place_are_carried_not_captured(situation_pipeline, text, expected) -> None:
    a = run(situation_pipeline, text, "en", DAY)
    assert _props(a) == expected
    assert not any(e.mode == "abduct" for e in a.events)


def test_taking_a_town_or_prisoners_is_still_capture(situation_pipeline) -> None:
    a = run(situation_pipeline, "The rebels took 12 villages in the north last week.", "en", DAY)
    assert _props(a) == [(12.0, "count captured")]


# -- 2. "take the lives of" kills; a toll spoken of as possible is none --------------------------

def test_taking_lives_is_killing(situation_pipeline) -> None:
    a = run(situation_pipeline, "The landslide took the lives of 31 miners on Tuesday.", "en", DAY)
    assert _props(a) == [(31.0, "miner killed")]


@pytest.mark.parametrize("text", [
    "Aid groups warned that the siege could take the lives of thousands.",
    "Aid groups warned that the siege might kill hundreds.",
    "Officials fear the death toll may rise to 80.",
])
def test_a_toll_only_spoken_of_as_possible_is_no_claim(situation_pipeline, text) -> None:
    a = run(situation_pipeline, text, "en", DAY)
    assert not [c for c in a.claims if c.property.endswith(("killed", "captured"))], _props(a)


def test_the_counts_own_words_hold_under_a_modal(situation_pipeline) -> None:
    a = run(situation_pipeline, "Doctors said 9 wounded could die without surgery.", "en", DAY)
    assert _props(a) == [(9.0, "count wounded")]


# -- 3. a force that lost personnel reports its own dead ----------------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("The Ukrainian army said it lost four fighters in the night raid.", "en",
     [(4.0, "fighter killed", "UKR")]),
    ("Kyiv lost 11 soldiers in the attack, the ministry said.", "en", [(11.0, "soldier killed", "UKR")]),
    ("Батальон потерял трёх бойцов под Херсоном, сообщили в штабе ВСУ.", "ru", [(3.0, "fighter killed", None)]),
])
def test_personnel_a_force_lost_are_its_killed(situation_pipeline, text, lang, expected) -> None:
    a = run(situation_pipeline, text, lang, DAY)
    assert [(c.value, c.property, c.subject_country) for c in a.claims] == expected


@pytest.mark.parametrize("text", [
    "The ruling party lost four seats in the vote.",
    "The convoy lost four vehicles on the mountain road.",
    "The factory lost 300 workers after the strike.",
    "The command lost contact with 12 soldiers near the river.",
])
def test_losing_things_or_contact_is_no_casualty(situation_pipeline, text) -> None:
    a = run(situation_pipeline, text, "en", DAY)
    assert not [c for c in a.claims if c.property.endswith("killed")], _props(a)


# -- 4. a toll's people are named by the toll phrase, whatever verb sets its value ------------------

@pytest.mark.parametrize("text", [
    "The Armenian death toll rose to 17 on Tuesday.",
    "Officials had put the Armenian toll at 17 dead.",
    "Officials put the death toll among Armenian soldiers at 17.",
    "The death toll among Armenian soldiers reached 17, officials said.",
])
def test_the_toll_phrase_names_the_side_of_its_value(situation_pipeline, text) -> None:
    a = run(situation_pipeline, text, "en", DAY)
    assert [(c.value, c.property, c.subject_country) for c in a.claims] == [(17.0, "count killed", "ARM")]


def test_a_war_named_in_the_toll_phrase_is_no_side(situation_pipeline) -> None:
    a = run(situation_pipeline, "Officials put the toll of the Afghan war at 170,000 dead.", "en", DAY)
    assert [(c.value, c.property, c.subject_country) for c in a.claims] == [(170000.0, "count killed", None)]


# -- 6. a Russian numeral in an oblique case counts its substantivised participle ---------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Местные власти сообщили о девяти погибших.", [(9.0, "person killed")]),
    ("Медики рассказали о семерых пострадавших при обстреле.", [(7.0, "person wounded")]),
    ("Спасатели говорили о двадцати задержанных и трёх раненых.", [(3.0, "person wounded"), (20.0, "person detained")]),
])
def test_an_oblique_numeral_with_a_participle_is_a_figure(situation_pipeline, text, expected) -> None:
    a = run(situation_pipeline, text, "ru", DAY)
    assert sorted(_props(a)) == expected


# -- 6. a definite apposition counts the referents it renames ------------------------------------

def test_a_definite_apposition_is_no_count(situation_pipeline) -> None:
    """"the two countries" renames "Russia and Tajikistan": the holders of the drills, not
    two countries anyone controls (claims v17; a new user's finding)."""
    a = run(situation_pipeline,
            "Russia and Tajikistan, the two countries that border Afghanistan, held drills.", "en", DAY)
    assert _props(a) == []


def test_an_apposition_with_a_new_figure_still_counts(situation_pipeline) -> None:
    a = run(situation_pipeline,
            "Dozens of flights, thousands — now tens of thousands of people evacuated from the country.",
            "en", DAY)
    assert (10000.0, "person") in _props(a)


def test_the_subjects_apposition_did_the_act(situation_pipeline) -> None:
    a = run(situation_pipeline,
            "The rebels, a force of 300 fighters, captured 12 villages last week.", "en", DAY)
    assert (12.0, "count captured") in _props(a)
    assert not any(p == "fighter captured" for _, p in _props(a))
