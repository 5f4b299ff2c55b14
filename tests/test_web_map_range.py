"""Issue 12, the analyst's workbench: the map's date range (events by the day they happened),
country-level places and events drawn as areas, and the PLOVER event export with the JSON
array format every export dataset has.

Data: the web test database of tests/web_samples.py plus :func:`web_samples.map_article`:
events on 2021-07-07 (ASSAULT at Termez, published 2021-07-08 and reprinted 2021-07-12),
2021-07-10 (PROTEST at Ghazni) and 2021-07-12 (ASSAULT placed at the country Afghanistan,
GeoNames 1149361, PCLI), the last two published 2021-07-13 by Pajhwok.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from newswatch.read.workbench import happened_in
from newswatch.storage import Store
from newswatch.web.queries.map import _days_of, area_code

from web_samples import MAP_ID, assert_error, login, make_client, map_article


@pytest.fixture
def map_client(web_db: str) -> Iterator[TestClient]:
    with Store.open(web_db) as store:
        store.save(map_article())
        store.rebuild_threads()
    with make_client(web_db) as c:
        yield c


def _drawn(client: TestClient, **params: str) -> dict[str, set[tuple[str, str]]]:
    r = client.get("/api/map", params=params)
    assert r.status_code == 200, r.text
    out: dict[str, set[tuple[str, str]]] = {"place": set(), "event": set()}
    for f in r.json()["features"]:
        p = f["properties"]
        out[p["kind"]].add((p["name"], p["category"]))
    return out


ALL_EVENTS = {("Termez", "ASSAULT"), ("Ghazni", "PROTEST"), ("Afghanistan", "ASSAULT")}
PLACES = {("Termez", "populated-place"), ("Ghazni", "populated-place"),
          ("Afghanistan", "country-admin")}


@pytest.mark.parametrize(("params", "events"), [
    ({}, ALL_EVENTS),
    # both ends inclusive
    ({"happened_since": "2021-07-10", "happened_until": "2021-07-12"},
     {("Ghazni", "PROTEST"), ("Afghanistan", "ASSAULT")}),
    ({"happened_since": "2021-07-10", "happened_until": "2021-07-10"}, {("Ghazni", "PROTEST")}),
    ({"happened_since": "2021-07-07", "happened_until": "2021-07-07"}, {("Termez", "ASSAULT")}),
    ({"happened_since": "2021-07-08", "happened_until": "2021-07-09"}, set()),
    ({"happened_until": "2021-07-09"}, {("Termez", "ASSAULT")}),
    ({"happened_since": "2021-07-11"}, {("Afghanistan", "ASSAULT")}),
    # the event's own day, not publication: the Termez assault was reprinted on 2021-07-12
    ({"happened_since": "2021-07-12", "happened_until": "2021-07-12"}, {("Afghanistan", "ASSAULT")}),
])
def test_the_map_keeps_the_events_that_happened_in_the_range(
        map_client: TestClient, params: dict[str, str], events: set[tuple[str, str]]) -> None:
    drawn = _drawn(map_client, **params)
    assert drawn["event"] == events
    assert drawn["place"] == PLACES  # places are not events: the range leaves them


def test_the_map_refuses_a_bad_day(map_client: TestClient) -> None:
    for params in ({"happened_since": "July"}, {"happened_until": "2021-02-30"},
                   {"happened_since": "2021-07-12", "happened_until": "2021-07-10"},
                   {"happened_since": "2021-07-10T00:00:00Z"}):
        err = assert_error(map_client.get("/api/map", params=params), 422, "invalid-input")
        assert err["message"]


def test_the_map_days_are_the_days_its_events_happened(map_client: TestClient) -> None:
    assert map_client.get("/api/map/days").json() == {
        "days": ["2021-07-07", "2021-07-10", "2021-07-12"], "first": "2021-07-07",
        "last": "2021-07-12", "undated": 0}
    # the filter holds: Uzbekistan has the Termez assault only
    assert map_client.get("/api/map/days", params={"country": "UZ"}).json()["days"] == ["2021-07-07"]
    assert map_client.get("/api/map/days", params={"since": "2021-07-13"}).json()["days"] == [
        "2021-07-10", "2021-07-12"]


def test_an_analysts_corrected_date_moves_the_event_in_the_range(map_client: TestClient) -> None:
    token = login(map_client, "ana")
    [protest] = map_client.get("/api/events", params={"type": "PROTEST"}).json()["items"]
    r = map_client.post(f"/api/articles/{MAP_ID}/corrections", headers={"X-CSRF-Token": token},
                        json={"revision_id": protest["revision_id"], "kind": "event",
                              "start": protest["start"], "end": protest["end"],
                              "action": "correct", "note": "the protest was on the 5th",
                              "fields": {"date": "2021-07-05"}})
    assert r.status_code == 201, r.text
    assert ("Ghazni", "PROTEST") not in _drawn(map_client, happened_since="2021-07-10")["event"]
    assert _drawn(map_client, happened_until="2021-07-06")["event"] == {("Ghazni", "PROTEST")}
    assert map_client.get("/api/map/days").json()["days"] == ["2021-07-05", "2021-07-07",
                                                              "2021-07-12"]


def test_the_events_list_and_the_map_read_one_range(map_client: TestClient) -> None:
    """One definition of "happened in": the events list keeps the same events as the map."""
    for since, until in (("2021-07-10", "2021-07-12"), ("2021-07-07", "2021-07-07")):
        listed = map_client.get("/api/events", params={
            "happened_since": since, "happened_until": until}).json()["items"]
        drawn = _drawn(map_client, happened_since=since, happened_until=until)["event"]
        assert {(e["place_name"], e["type"]) for e in listed} == drawn


def test_happened_in_reads_dates_as_the_sql_does() -> None:
    import datetime as dt

    july10, july12 = dt.date(2021, 7, 10), dt.date(2021, 7, 12)
    assert happened_in("2021-07-10", july10, july12) and happened_in("2021-07-12", july10, july12)
    assert not happened_in("2021-07-09", july10, july12)
    assert not happened_in("2021-07-13", july10, july12)
    assert happened_in("2021-07", july10, july12)  # a month touching the range
    assert not happened_in("2021-06", july10, july12)
    assert not happened_in("PRESENT_REF", july10, None) and not happened_in(None, None, july12)
    assert happened_in(None, None, None)


def test_days_of_a_date_value() -> None:
    import datetime as dt

    assert _days_of("2021-07-07") == (dt.date(2021, 7, 7),) * 2
    assert _days_of("2021-02") == (dt.date(2021, 2, 1), dt.date(2021, 2, 28))
    assert _days_of("2020-12") == (dt.date(2020, 12, 1), dt.date(2020, 12, 31))
    assert _days_of("2021") == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    for value in ("PRESENT_REF", "2021-W27", "XXXX-07-07", "2021-13", "2021-02-30", None):
        assert _days_of(value) is None, value


# -- areas ------------------------------------------------------------------------------------


def test_country_level_places_and_events_carry_their_area(map_client: TestClient) -> None:
    features = map_client.get("/api/map").json()["features"]
    areas = {(f["properties"]["kind"], f["properties"]["name"]): f["properties"]["area"]
             for f in features}
    # Afghanistan (PCLI) is ISO 3166-1 numeric 004, the id of its world-atlas outline
    assert areas[("place", "Afghanistan")] == "004"
    assert areas[("event", "Afghanistan")] == "004"
    assert areas[("place", "Termez")] is None and areas[("event", "Ghazni")] is None
    # the aggregated answer and the scanned one agree
    direct = map_client.get("/api/map", params={"happened_since": "2021-07-01"}).json()
    assert {(f["properties"]["kind"], f["properties"]["name"], f["properties"]["area"])
            for f in direct["features"]} == {(k, n, a) for (k, n), a in areas.items()}


def test_area_codes() -> None:
    assert area_code("geonames:1149361", "PCLI", "AF") == "004"
    assert area_code("geonames:2017370", "PCLI", "RU") == "643"
    assert area_code("country:UZB", "PCLI", None) == "860"
    assert area_code("geonames:1215957", "PPLA", "UZ") is None  # a city is a pin
    assert area_code("geonames:831053", "PCLI", "XK") is None  # Kosovo: no ISO numeric code


# -- the PLOVER export and the JSON array ---------------------------------------------------


def test_the_plover_export_holds_real_event_records(map_client: TestClient) -> None:
    r = map_client.get("/api/export/plover.json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert 'filename="newswatch-plover.json"' in r.headers["content-disposition"]
    rows = r.json()
    assert isinstance(rows, list) and len(rows) == 4  # 2 reports of the Termez assault + 2
    by_place = {(row["place"], row["type"], row["article_id"]): row for row in rows}
    assault = by_place[("Afghanistan", "ASSAULT", MAP_ID)]
    assert assault["date"] == "2021-07-12" and assault["date_precision"] == "day"
    assert assault["actor"] == "Taliban" and assault["actor_sector"] == "REB"
    assert (assault["geonames_id"], assault["feature_code"], assault["place_country"]) == (
        1149361, "PCLI", "AFG")
    assert (assault["latitude"], assault["longitude"]) == (33.0, 66.0)
    assert assault["outlet"] == "Pajhwok" and assault["url"] == "https://example.org/map-0001"
    assert assault["published"] == "2021-07-13" and assault["verification"] == "unverified"
    assert assault["sentence"] == "Taliban fighters attacked government posts across Afghanistan overnight."
    assert assault["negated"] is False and assault["happening"].startswith("h:")
    # the seed's sample event: its reprint leaves place and date out; the event's are given
    termez = [row for row in rows if row["place"] == "Termez"]
    assert {row["article_id"] for row in termez} == {"seed-0001", "seed-0002"}
    for row in termez:
        assert (row["type"], row["actor"], row["date"], row["outlet"]) == (
            "ASSAULT", "Taliban", "2021-07-07", "Inforos")
        assert (row["geonames_id"], row["place_country"]) == (1215957, "UZB")
    assert len({row["event_id"] for row in termez}) == 1
    # JSON Lines holds the same records
    lines = [json.loads(x) for x in map_client.get("/api/export/plover.jsonl").text.splitlines()]
    assert lines == rows
    # the filter holds
    only = map_client.get("/api/export/plover.json", params={"since": "2021-07-13"}).json()
    assert {row["article_id"] for row in only} == {MAP_ID}


def test_every_export_dataset_has_a_json_array(map_client: TestClient) -> None:
    for dataset in ("articles", "mentions", "quotes", "figures", "places", "events", "claims",
                    "tracker", "plover"):
        r = map_client.get(f"/api/export/{dataset}.json")
        assert r.status_code == 200, (dataset, r.text)
        assert r.headers["content-type"].startswith("application/json")
        array = r.json()
        lines = [json.loads(x) for x in map_client.get(f"/api/export/{dataset}.jsonl").text.splitlines()]
        assert array == lines, dataset
    articles = map_client.get("/api/export/articles.json").json()
    assert {a["id"] for a in articles} >= {"seed-0001", MAP_ID}
    empty = map_client.get("/api/export/articles.json", params={"since": "2030-01-01"})
    assert empty.json() == [] and empty.text == "[]\n"
    assert_error(map_client.get("/api/export/articles.xml"), 404, "not-found")


def test_the_events_page_links_the_plover_export_with_its_filter(map_client: TestClient) -> None:
    page = map_client.get("/events", params={"country": "AF", "since": "2021-07-01"}).text
    assert 'href="/api/export/plover.json?since=2021-07-01&amp;country=AF"' in page
    assert 'href="/api/export/events.json?since=2021-07-01&amp;country=AF"' in page


def test_the_plover_csv_has_the_documented_columns(map_client: TestClient) -> None:
    from newswatch.web.queries.export import PLOVER_COLUMNS

    text = map_client.get("/api/export/plover.csv").content.decode("utf-8-sig")
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == PLOVER_COLUMNS
    assert {r["type"] for r in rows} == {"ASSAULT", "PROTEST"}


def test_the_range_the_areas_and_the_plover_export_on_sqlite_and_postgresql(db_url: str) -> None:
    import datetime as dt

    from newswatch.read import Filters
    from newswatch.web.queries import export_rows, map_event_days, map_features

    from web_samples import drift_article, russian_article, seed_article

    with Store.open(db_url) as store:
        for article in (seed_article(), drift_article(), russian_article(), map_article()):
            store.save(article)
        store.rebuild_threads()
        with store.read() as conn:
            def events(happened: tuple[dt.date | None, dt.date | None]) -> set[tuple[str, str, Any]]:
                data = map_features(conn, Filters(), limit=100, happened=happened)
                return {(x["properties"]["name"], x["properties"]["category"], x["properties"]["area"])
                        for x in data["features"] if x["properties"]["kind"] == "event"}

            assert events((None, None)) == {("Termez", "ASSAULT", None), ("Ghazni", "PROTEST", None),
                                            ("Afghanistan", "ASSAULT", "004")}
            assert events((dt.date(2021, 7, 10), dt.date(2021, 7, 12))) == {
                ("Ghazni", "PROTEST", None), ("Afghanistan", "ASSAULT", "004")}
            assert events((None, dt.date(2021, 7, 7))) == {("Termez", "ASSAULT", None)}
            assert map_event_days(conn, Filters())["days"] == ["2021-07-07", "2021-07-10",
                                                               "2021-07-12"]
            rows = list(export_rows(conn, Filters(), "plover"))
            assault = next(r for r in rows if r["article_id"] == MAP_ID and r["type"] == "ASSAULT")
            assert (assault["place"], assault["geonames_id"], assault["place_country"],
                    assault["actor_sector"], assault["outlet"], assault["date_precision"]) == (
                "Afghanistan", 1149361, "AFG", "REB", "Pajhwok", "day")


# -- GeoJSON exports never change the map's cached answer ------------------------------------


def _geojson(client: TestClient, dataset: str, **params: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/export/{dataset}.geojson", params=params)
    assert r.status_code == 200, r.text
    features: list[dict[str, Any]] = r.json()["features"]
    return features


@pytest.mark.parametrize("params", [{}, {"language": "en"}])
def test_geojson_exports_read_the_same_whatever_came_before(
        map_client: TestClient, params: dict[str, str]) -> None:
    """The exports flatten a copy: map, events, places, map again (the tester's order) give
    the same features each time, and the map page's own answer is left as it was."""
    page_before = map_client.get("/api/map", params=params).json()
    first = _geojson(map_client, "map", **params)
    events = _geojson(map_client, "events", **params)
    places = _geojson(map_client, "places", **params)
    again = _geojson(map_client, "map", **params)
    assert {(x["properties"]["name"], x["properties"]["category"]) for x in events} == ALL_EVENTS
    assert {(x["properties"]["name"], x["properties"]["category"]) for x in places} >= PLACES
    assert len(first) == len(events) + len(places) == len(again) > 0
    assert again == first
    assert all(x["properties"]["outlet"] and "evidence" not in x["properties"] for x in again)
    # the page still gets the evidence reference it draws its popup from
    page_after = map_client.get("/api/map", params=params).json()
    assert page_after == page_before
    assert all("evidence" in x["properties"] for x in page_after["features"])
    # zoomed (clustered) answers share the cached features: they are untouched too
    assert map_client.get("/api/map", params={**params, "zoom": "3"}).status_code == 200
    assert _geojson(map_client, "places", **params) == places


def test_the_plover_export_follows_entity_merges_as_the_events_list_does(
        map_client: TestClient) -> None:
    """After an analyst merges "Taliban" into another entity, the PLOVER records name the
    entity the events list names (the stored event keeps the machine's id)."""
    token = login(map_client, "ana")
    names = {e["name"]: e["id"] for e in map_client.get(
        "/api/entities", params={"limit": 100}).json()["items"]}
    taliban, keep = names["Taliban"], names["Afghanistan"]

    def plover_actors() -> set[Any]:
        return {r["actor_entity_id"] for r in map_client.get("/api/export/plover.json").json()
                if r["actor"] == "Taliban"}

    assert plover_actors() == {taliban}
    r = map_client.post(f"/api/entities/{keep}/merge", headers={"X-CSRF-Token": token},
                        json={"other": taliban, "note": "one entity in this test"})
    assert r.status_code == 201, r.text
    listed = map_client.get("/api/events", params={"actor_id": keep}).json()["items"]
    assert len(listed) == 3 and {e["actor_id"] for e in listed} == {keep}
    assert plover_actors() == {keep}
    csv_rows = list(csv.DictReader(io.StringIO(
        map_client.get("/api/export/plover.csv").content.decode("utf-8-sig"))))
    assert {x["actor_entity_id"] for x in csv_rows if x["actor"] == "Taliban"} == {str(keep)}
    undo = map_client.post(f"/api/entity-edits/{r.json()['id']}/undo",
                           headers={"X-CSRF-Token": token}, json={})
    assert undo.status_code == 200, undo.text
    assert plover_actors() == {taliban}


@pytest.mark.parametrize(("corrected", "precision"), [
    ("2021-09", "month"), ("2021", "year"), ("2021-07-05", "day")])
def test_a_corrected_date_brings_its_own_precision_to_the_plover_export(
        map_client: TestClient, corrected: str, precision: str) -> None:
    token = login(map_client, "ana")
    [protest] = map_client.get("/api/events", params={"type": "PROTEST"}).json()["items"]
    before = next(r for r in map_client.get("/api/export/plover.json").json()
                  if r["type"] == "PROTEST")
    assert (before["date"], before["date_precision"]) == ("2021-07-10", "day")
    r = map_client.post(f"/api/articles/{MAP_ID}/corrections", headers={"X-CSRF-Token": token},
                        json={"revision_id": protest["revision_id"], "kind": "event",
                              "start": protest["start"], "end": protest["end"],
                              "note": "the date as the ministry gave it",
                              "fields": {"date": corrected}})
    assert r.status_code == 201, r.text
    after = next(r for r in map_client.get("/api/export/plover.json").json()
                 if r["type"] == "PROTEST")
    assert (after["date"], after["date_precision"], after["correction"]) == (
        corrected, precision, "corrected")
    # the other records keep the machine's precision
    assault = next(r for r in map_client.get("/api/export/plover.json").json()
                   if r["type"] == "ASSAULT" and r["article_id"] == MAP_ID)
    assert (assault["date"], assault["date_precision"]) == ("2021-07-12", "day")


def test_iso_date_precision() -> None:
    from newswatch.read.corrections import iso_date_precision

    assert [iso_date_precision(x) for x in ("2021-09-01", "2021-09", "2021", "", None,
                                            "2021-W30", "21-09", "2021-09-01-02")] == [
        "day", "month", "year", None, None, None, None, None]


@pytest.fixture
def sourced_client(web_db: str) -> Iterator[TestClient]:
    """The map database with the map article's dates as the events stage writes them: the
    Ghazni protest's from a time expression, the Afghanistan assault's the publication day
    (its sentence has no time expression)."""
    import datetime as dt

    article = map_article()
    protest, assault = article.events
    protest.date_source = "timex"
    assault.date, assault.date_source = "2021-07-13", "publication"
    assert article.published == dt.date(2021, 7, 13)
    with Store.open(web_db) as store:
        store.save(article)
        store.rebuild_threads()
    with make_client(web_db) as c:
        yield c


def test_the_exports_say_where_each_date_came_from(sourced_client: TestClient) -> None:
    client = sourced_client

    def sources(dataset: str) -> dict[str, tuple[Any, Any]]:
        rows = client.get(f"/api/export/{dataset}.json").json()
        return {r["type"]: (r["date"], r["date_source"]) for r in rows
                if r["article_id"] == MAP_ID}

    expected = {"PROTEST": ("2021-07-10", "timex"), "ASSAULT": ("2021-07-13", "publication")}
    assert sources("plover") == expected
    assert sources("events") == expected
    for dataset in ("plover", "events"):
        text = client.get(f"/api/export/{dataset}.csv").content.decode("utf-8-sig")
        assert "date_source" in next(csv.reader(io.StringIO(text)))
    # an analyst's date is "corrected"
    token = login(client, "ana")
    [protest] = client.get("/api/events", params={"type": "PROTEST"}).json()["items"]
    r = client.post(f"/api/articles/{MAP_ID}/corrections", headers={"X-CSRF-Token": token},
                    json={"revision_id": protest["revision_id"], "kind": "event",
                          "start": protest["start"], "end": protest["end"],
                          "note": "the ministry's date", "fields": {"date": "2021-07"}})
    assert r.status_code == 201, r.text
    corrected = {"PROTEST": ("2021-07", "corrected"), "ASSAULT": ("2021-07-13", "publication")}
    assert sources("plover") == corrected
    assert sources("events") == corrected


def test_a_report_without_a_date_takes_the_source_of_its_events_date(web_db: str) -> None:
    """A reprint that leaves the date out shows the event's date; its ``date_source`` is that
    of the event's first report with that date (``_event_date_sources``)."""
    from newswatch.web.queries.export import _event_date_sources

    article = map_article()
    protest, assault = article.events
    protest.date_source, assault.date_source = "timex", "publication"
    with Store.open(web_db) as store:
        store.save(article)
        with store.read() as conn:
            rows = {r["type"]: r for r in client_rows(conn) if r["article_id"] == MAP_ID}
            found = _event_date_sources(conn, {rows["PROTEST"]["event_id"],
                                               rows["ASSAULT"]["event_id"]})
    assert found == {rows["PROTEST"]["event_id"]: "timex",
                     rows["ASSAULT"]["event_id"]: "publication"}


def client_rows(conn: Any) -> list[dict[str, Any]]:
    from newswatch.read import Filters
    from newswatch.web.queries import export_rows

    return list(export_rows(conn, Filters(), "plover"))


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "is placed at its publication date"), ("ru", "отнесено к дню публикации")])
def test_the_map_says_an_event_without_its_own_date_sits_at_its_publication_day(
        map_client: TestClient, lang: str, words: str) -> None:
    page = map_client.get("/map", params={"lang": lang}, headers={"accept": "text/html"}).text
    assert words in page
