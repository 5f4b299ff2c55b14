"""Nationality words from the CIA World Factbook (``data/demonyms_en.tsv``, built by
``scripts/build_demonyms.py``) give an actor's or a casualty side's country where the
hand-written table of ``plover_actors.json`` has no word for it.

Sentences are written for these tests (none is taken from an evaluation set). Expected codes
are ISO 3166-1 alpha-3 (PLOVER manual, "Actor and Sector Codes").
"""

from __future__ import annotations

import pytest

from newswatch.model import Event

from situation_helpers import run


def _best(pipeline, text: str) -> Event:
    a = run(pipeline, text, published=None)
    assert a.events, f"no event in {text!r}"
    return max(a.events, key=lambda e: e.prov.confidence)


def test_the_merged_table_adds_words_and_keeps_the_hand_codes() -> None:
    from newswatch.text import load_demonyms

    en = load_demonyms()["en"]
    # Factbook words the hand table lacks: singular, plural, several-word
    assert (en["burkinabe"], en["malians"], en["south sudanese"], en["togolese"]) == ("BFA", "MLI", "SSD", "TGO")
    # a word two countries share is not added by the Factbook file; the hand table decides
    assert en["congolese"] == "COD"
    assert "dominican" not in en and "korean" not in en
    # ordinary words and namesakes are left out
    assert "pole" not in en and "finn" not in en


@pytest.mark.parametrize(("text", "expected"), [
    ("At least 19 Burkinabe soldiers were killed near Djibo on Sunday.", [(19.0, "BFA")]),
    ("Some 3,000 Malians have fled to Mauritania since January.", [(3000.0, "MLI")]),
    # the two-word demonym is South Sudan's, not Sudan's ("Sudanese")
    ("Twelve South Sudanese peacekeepers were wounded in an ambush.", [(12.0, "SSD")]),
])
def test_a_casualty_side_named_by_a_factbook_demonym(situation_pipeline, text, expected) -> None:
    a = run(situation_pipeline, text, published=None)
    assert [(c.value, c.subject_country) for c in a.claims] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Togolese troops attacked an insurgent camp near Dapaong.", ("ASSAULT", "TGO", "MIL")),
    ("Central African troops attacked rebel positions near Bria.", ("ASSAULT", "CAF", "MIL")),
    ("Gabonese police arrested forty protesters in Libreville.", ("COERCE", "GAB", "COP")),
    ("Ethiopians protested outside the embassy on Friday.", ("PROTEST", "ETH", None)),
])
def test_an_actor_named_by_a_factbook_demonym(situation_pipeline, text, expected) -> None:
    ev = _best(situation_pipeline, text)
    assert (ev.type, ev.actor_country, ev.actor_sector) == expected
