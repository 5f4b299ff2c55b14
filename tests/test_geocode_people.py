"""Nationality adjectives and demonyms as place mentions (issue 13).

GeoWebNews' toponym scheme (Gritta, Pilehvar & Collier 2019) counts "Russian" in "Russian
diplomats" and "Canadians" as mentions of Russia and Canada. The geocode stage records them
with ``PlaceMention.kind`` "adjective" / "demonym"; only "name" mentions place anything on the
map or in the events stage.
"""

from __future__ import annotations

import pytest

from newswatch.evaluation.geo import newswatch_toponyms
from newswatch.model import NAME_KINDS, Article, EntityMention, named_mentions
from newswatch.stages.geocode import GeocodeStage


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st


@pytest.fixture
def run(analyse, stage):
    """``run(text, lang)``: nlp, the raw NER's place (and person) spans as entities, geocode."""

    def go(text: str, lang: str = "en") -> Article:
        a = analyse(text, lang)
        for s in a.ner_spans:
            label = "LOC" if s.label == "LOC" else s.label
            if label in ("GPE", "LOC", "FAC", "PERSON", "PER"):
                surface = a.text[s.start:s.end]
                canonical = s.normal if lang == "ru" and s.normal else surface
                a.entities.append(EntityMention(
                    surface, "PERSON" if label == "PER" else label, s.start, s.end, canonical,
                    a.provenance("test-entities", "0", s.start, 1.0), method="model"))
        stage(a)
        return a

    return go


def kinds(a: Article) -> dict[str, list[tuple[str, str]]]:
    """Place name -> [(mention text, kind), ...]."""
    return {p.name: [(m.text, m.kind) for m in p.mentions] for p in a.places}


def test_adjective_and_people_words_are_mentions_of_their_country(run) -> None:
    a = run("Russian diplomats met Canadians in Kabul on Monday.")
    got = kinds(a)
    assert got["Russia"] == [("Russian", "adjective")]
    assert got["Canada"] == [("Canadians", "demonym")]
    assert got["Kabul"] == [("Kabul", "name")]
    russia = next(p for p in a.places if p.name == "Russia")
    assert russia.resolved and russia.country_code == "RU" and named_mentions(russia) == []


def test_a_named_country_also_gets_its_adjective_mentions_in_text_order(run) -> None:
    a = run("British troops left Afghanistan. Officials of the United Kingdom said the Afghan army would hold.")
    got = kinds(a)
    assert got["United Kingdom"] == [("British", "adjective"), ("United Kingdom", "name")]
    assert got["Afghanistan"] == [("Afghanistan", "name"), ("Afghan", "adjective")]


def test_words_of_several_places_give_no_mention(run) -> None:
    # two Koreas, a country and a US state, the peoples of a continent before a country's word
    a = run("Korean and Georgian officials met Latin American leaders in Lima.")
    assert set(kinds(a)) == {"Lima"}


def test_a_hyphenated_modifier_is_the_word_alone(run) -> None:
    a = run("Turkish-backed fighters shelled the town, officials said.")
    assert kinds(a)["Turkey"] == [("Turkish", "adjective")]


def test_two_word_demonym_in_the_plural(run) -> None:
    a = run("Two South Koreans were among the passengers.")
    assert kinds(a)["South Korea"] == [("South Koreans", "demonym")]


def test_russian_adjective_by_its_lemma(run) -> None:
    a = run("Российские дипломаты прибыли в Кабул.", "ru")
    assert kinds(a)["Russia"] == [("Российские", "adjective")]


def test_the_geovirus_scorer_reads_names_only(run) -> None:
    a = run("Russian diplomats met Canadians in Kabul on Monday.")
    names = newswatch_toponyms(a, NAME_KINDS)
    assert [a.text[p.start:p.end] for p in names] == ["Kabul"]
    assert len(newswatch_toponyms(a)) == 3


def test_a_country_named_inside_an_organisation_name(analyse, stage) -> None:
    # the entities stage's ORG spans are given here as the test's own reading of the text
    a = analyse("In Zimbabwe, Air Zimbabwe cancelled flights, and the Georgia Department of Corrections "
                "said the Afghanistan Independent Human Rights Commission would help Afghan families. "
                "The Butterball Turkey Talk Line opened.")
    for org in ("Air Zimbabwe", "Georgia Department of Corrections",
                "Afghanistan Independent Human Rights Commission", "Butterball Turkey Talk Line"):
        s = a.text.index(org)
        a.entities.append(EntityMention(org, "ORG", s, s + len(org), org,
                                        a.provenance("test-entities", "0", s, 1.0), method="model"))
    z = a.text.index("Zimbabwe")
    a.entities.append(EntityMention("Zimbabwe", "GPE", z, z + 8, "Zimbabwe",
                                    a.provenance("test-entities", "0", z, 1.0), method="model"))
    stage(a)
    got = kinds(a)
    assert got["Zimbabwe"] == [("Zimbabwe", "name"), ("Zimbabwe", "in_name")]
    assert got["Afghanistan"] == [("Afghanistan", "in_name"), ("Afghan", "adjective")]
    # Georgia is a country and a US state: no guess; Turkey is named nowhere else
    assert "Georgia" not in got and "Turkey" not in got


@pytest.mark.parametrize(("text", "word", "country"), [
    ("The talks will resume in Luanda on May 15, Angolan officials said.", "Angolan", "Angola"),
    ("An Emirati trainer saddled the winner at the racecourse.", "Emirati", "United Arab Emirates"),
    ("Fishermen sell their catch on Saint Lucian docks every morning.", "Saint Lucian", "Saint Lucia"),
])
def test_a_nationality_word_the_ner_took_for_a_place_name_is_read_as_the_word(run, text, word, country):
    """The NER tags these words GPE/LOC; no place is named so, and before they stood as an
    unresolved place name ("unresolved:emirati"). Now they are their country's adjective."""
    a = run(text)
    got = kinds(a)
    assert got[country] == [(word, "adjective")]
    assert all(p.resolved for p in a.places)


def test_people_heads_are_read_once_per_table_and_again_when_it_grows() -> None:
    from newswatch.stages.geocode import _people_heads

    table = {"russian": "RU", "south korean": "KR", "papua new guinean": "PG", " ": "XX"}
    assert _people_heads(table) == (frozenset({"russian", "south", "papua"}), 3)
    assert _people_heads(table)[0] is _people_heads(table)[0]  # computed once
    table["afghan"] = "AF"
    assert _people_heads(table) == (frozenset({"russian", "south", "papua", "afghan"}), 3)
    assert _people_heads({"british": "GB"}) == (frozenset({"british"}), 1)
    assert _people_heads({}) == (frozenset(), 1)
