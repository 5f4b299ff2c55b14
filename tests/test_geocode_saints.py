"""Names after saints followed by a possessive (geocode v15): a building's dedication is no
place, and "St. John's" before punctuation is the town of that name. Sentences written for
these tests; the mention is given as the entities stage leaves it (possessive cut)."""

from __future__ import annotations

import pytest

from newswatch.model import Article, EntityMention
from newswatch.stages.geocode import GeocodeStage


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st


def _places(analyse, stage, text: str, names: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Geocode ``text`` with each of ``names`` (first occurrence) given as a GPE mention;
    returns mention text -> (place name, country code)."""
    a: Article = analyse(text, "en")
    for name in names:
        start = text.index(name)
        a.entities.append(EntityMention(name, "GPE", start, start + len(name), name,
                                        a.provenance("test", "0", start, 1.0)))
    stage(a)
    return {m.text: (p.name if p.resolved else None, p.country_code)
            for p in a.places for m in p.mentions if m.kind == "name"}


@pytest.mark.parametrize("text", [
    "The Rev. Anne Derse of St. John’s Norwood Episcopal Church led the prayer in Washington.",
    "Mourners gathered at St. Mary's Cathedral on Sunday in Washington.",
    "Children from Saint Joseph's Academy sang in Washington.",
])
def test_a_saints_dedication_is_no_place(analyse, stage, text):
    saint = next(s for s in ("St. John", "St. Mary", "Saint Joseph") if s in text)
    places = _places(analyse, stage, text, [saint, "Washington"])
    assert not any(m.startswith(saint) for m in places), places
    assert places["Washington"][1] == "US"


def test_st_johns_before_a_comma_is_the_town(analyse, stage):
    text = "Troops arrived in St. John's, Newfoundland, on Monday."
    places = _places(analyse, stage, text, ["St. John"])
    assert places["St. John's"] == ("St. John's", "CA")


def test_a_possessive_before_a_common_noun_stays_the_place(analyse, stage):
    text = "St. Petersburg's governor said the city was calm."
    places = _places(analyse, stage, text, ["St. Petersburg"])
    assert places["St. Petersburg"][1] == "RU"
