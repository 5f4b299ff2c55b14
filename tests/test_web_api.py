"""The dashboard's read API and pages: filters, map, timeline, dossier, claims, search, exports,
OpenAPI, escaping and the interface languages. Data: tests/web_samples.py (hand-built articles
with offsets found in their own text)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from starlette.testclient import TestClient

from newswatch.web.i18n import load_catalogues

from web_samples import RU_ID

HTML = {"accept": "text/html"}


def test_health_reports_the_backend(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "backend": "sqlite"}


def test_overview_counts_what_was_saved(client: TestClient) -> None:
    data = client.get("/api/overview").json()
    assert data["counts"]["articles"] == 4
    # Termez, Hairaton (unresolved), Afghanistan, Ghazni
    assert data["counts"]["places"] == 4
    assert data["counts"]["figures"] == 4  # "188/193 counties" and "another 135", twice
    # "the fighting" in both readings: one event with two mentions (near-duplicate reprint)
    assert data["counts"]["events"] == 1
    assert data["languages"] == {"en": 3, "ru": 1}
    assert [a["id"] for a in data["latest_articles"]] == [
        "seed-0002", "script-0001", "seed-0001", RU_ID]
    top = data["busiest_places"][0]
    assert (top["name"], top["mentions"], top["articles"]) == ("Afghanistan", 4, 2)
    assert data["latest_events"][0]["type"] == "ASSAULT"
    assert "the fighting" in data["latest_events"][0]["sentence"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "UZ"}, {"seed-0001", "seed-0002"}),  # Termez
        ({"country": "Uzbekistan"}, {"seed-0001", "seed-0002"}),
        ({"country": "AFG"}, {"seed-0001", "seed-0002", RU_ID, "script-0001"}),
        ({"since": "2021-07-09"}, {"seed-0002", "script-0001"}),
        ({"until": "2021-07-08"}, {"seed-0001", RU_ID}),
        ({"language": "ru"}, {RU_ID}),
    ],
)
def test_every_list_honours_the_filter(client: TestClient, params: dict, expected: set) -> None:
    ids = {a["id"] for a in client.get("/api/articles", params=params).json()["items"]}
    assert ids == expected
    overview = client.get("/api/overview", params=params).json()
    assert overview["counts"]["articles"] == len(expected)


def test_map_is_geojson_with_evidence_sentences(client: TestClient) -> None:
    r = client.get("/api/map")
    assert r.headers["content-type"].startswith("application/geo+json")
    data = r.json()
    assert data["type"] == "FeatureCollection"
    by_name = {(f["properties"]["kind"], f["properties"]["name"]): f for f in data["features"]}
    assert set(by_name) == {("place", "Afghanistan"), ("place", "Termez"), ("place", "Ghazni"),
                            ("event", "Termez")}
    termez = by_name[("place", "Termez")]
    assert termez["geometry"]["coordinates"] == [67.27833, 37.22417]  # GeoJSON is lon, lat
    assert termez["properties"]["category"] == "populated-place"
    ev = termez["properties"]["evidence"]
    assert "Termez (Uzbekistan)" in ev["sentence"]
    text = client.get(f"/api/articles/{ev['article_id']}").json()["article"]["text"]
    assert text[ev["start"]:ev["end"]] == "Termez"
    assert by_name[("event", "Termez")]["properties"]["category"] == "ASSAULT"
    uz = client.get("/api/map", params={"country": "UZ"}).json()
    assert {f["properties"]["name"] for f in uz["features"]} == {"Termez"}


def test_place_mentions_list_every_article(client: TestClient) -> None:
    data = client.get("/api/places/geonames:1149361/mentions", params={"limit": 10}).json()
    assert data["name"] == "Afghanistan"
    assert len(data["mentions"]) == 4
    assert {m["article_id"] for m in data["mentions"]} == {"seed-0001", "seed-0002"}


def test_timeline_counts_items_per_day_by_type(client: TestClient) -> None:
    data = client.get("/api/timeline", params={"since": "2021-07-01", "until": "2021-07-31"}).json()
    assert data["granularity"] == "day"
    days = {b["start"]: b["counts"] for b in data["buckets"]}
    assert days["2021-07-07"] == {"event:ASSAULT": 1, "timex": 2}  # "On July 7" in both
    assert days["2021-07-08"] == {"article": 1, "figure": 2, "quote": 1}
    assert days["2021-07-10"] == {"article": 1}
    assert data["buckets"][0]["start"] == "2021-07-07"
    assert data["buckets"][-1]["start"] == "2021-07-12"


def test_timeline_bar_lists_its_items_with_sentences(client: TestClient) -> None:
    data = client.get("/api/timeline/items", params={"start": "2021-07-07", "end": "2021-07-07"}).json()
    kinds = sorted(i["type"] for i in data["items"])
    assert kinds == ["event:ASSAULT", "timex", "timex"]
    timex = next(i for i in data["items"] if i["type"] == "timex")
    assert timex["text"] == "July 7" and "Sergei Lavrov" in timex["sentence"]


def test_timeline_filters_by_actor_and_type(client: TestClient) -> None:
    entities = client.get("/api/entities", params={"q": "lavrov"}).json()["items"]
    lavrov = entities[0]["id"]
    data = client.get("/api/timeline", params={"actor": lavrov, "type": "article",
                                               "since": "2021-07-01"}).json()
    assert data["types"] == ["article"]
    assert sum(b["total"] for b in data["buckets"]) == 2  # the two seed readings
    assert client.get("/api/timeline", params={"type": "bogus"}).status_code == 422


def test_dossier_gathers_mentions_across_languages(client: TestClient) -> None:
    items = client.get("/api/entities", params={"q": "taliban"}).json()["items"]
    taliban = next(e for e in items if e["name"] == "Taliban")
    data = client.get(f"/api/entities/{taliban['id']}").json()
    assert data["languages"] == {"en": 2, "ru": 1}
    assert {m["text"] for m in data["mentions"]} == {"Taliban", "Талибан"}
    assert data["counts"]["articles"] == 3
    assert {e["type"] for e in data["events"]} == {"ASSAULT"}
    # "188 counties" is in the Taliban's sentence.
    assert {f["text"] for f in data["figures"]} >= {"188 counties", "193 counties"}
    co = {c["name"] for c in data["co_occurring"]}
    assert {"Sergei Lavrov", "Moscow", "Afghanistan"} <= co


def test_lavrov_dossier_lists_his_quote(client: TestClient) -> None:
    lavrov = client.get("/api/entities", params={"q": "Sergei"}).json()["items"][0]
    data = client.get(f"/api/entities/{lavrov['id']}").json()
    assert data["quotes"][0]["text"].startswith("have not achieved any visible results")


def test_claims_fall_back_to_the_figures_ledger_with_conflicts(client: TestClient) -> None:
    data = client.get("/api/claims").json()
    assert data["source"] == "figures"
    county = next(g for g in data["groups"] if g["counted"] == "county")
    assert county["values"] == [188.0, 193.0]
    assert county["conflicting"] is True
    assert {(i["value"], i["published"]) for i in county["items"]} == {
        (188.0, "2021-07-08"), (193.0, "2021-07-12")}
    page = client.get("/claims", headers=HTML).text
    assert "Claims are not extracted yet" in page


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Termez", {"seed-0001", "seed-0002"}),
        ("termez hairaton", {"seed-0001", "seed-0002"}),
        ("Талибан", {RU_ID}),
        ("четвертый", {RU_ID}),  # the text says "Четвёртый": ё folds to е
        ("ГАЗНИ", {RU_ID}),
        ("afghan*", {"seed-0001", "seed-0002"}),
        ("script", {"script-0001"}),
        # a Russian word finds its other forms: the text has "военнослужащий", "взрыва" and
        # "ранений", never the forms asked for
        ("военнослужащие", {RU_ID}),
        ("взрывом ранения", {RU_ID}),
        ("взрывом Termez", set()),
        ("Termez Талибан", set()),
        ('"unbalanced ( NEAR OR', set()),
    ],
)
def test_search_matches_latin_and_cyrillic(client: TestClient, q: str, expected: set) -> None:
    data = client.get("/api/search", params={"q": q}).json()
    assert data["engine"] == "fts5"
    assert {i["id"] for i in data["items"]} == expected
    assert data["total"] == len(expected)


def test_search_snippet_marks_the_match(client: TestClient) -> None:
    item = client.get("/api/search", params={"q": "четвертый"}).json()["items"][0]
    s, e = item["snippet"]["highlights"][0]
    assert item["snippet"]["text"][s:e] == "Четвёртый"


def test_search_snippet_marks_the_forms_found(client: TestClient) -> None:
    item = client.get("/api/search", params={"q": "взрывом"}).json()["items"][0]
    text = item["snippet"]["text"]
    assert [text[s:e] for s, e in item["snippet"]["highlights"]][:1] == ["взрыва"]


def test_search_honours_the_filter(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "Termez", "since": "2021-07-10"}).json()
    assert [i["id"] for i in data["items"]] == ["seed-0002"]


def test_exports_follow_the_filter_in_three_formats(client: TestClient) -> None:
    r = client.get("/api/export/figures.csv", params={"country": "UZ"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["text"] for row in rows) == sorted(
        ["188 counties", "another 135", "193 counties", "another 135"])
    assert rows[0]["article_id"].startswith("seed-")
    lines = client.get("/api/export/mentions.jsonl", params={"language": "ru"}).text.splitlines()
    assert {json.loads(x)["text"] for x in lines} == {
        "Министерство обороны США", "Джейсон Митчелл МакКлари", "Талибан"}
    geo = client.get("/api/export/places.geojson").json()
    assert {f["properties"]["name"] for f in geo["features"]} == {"Afghanistan", "Termez", "Ghazni"}
    assert client.get("/api/export/articles.xlsx").status_code == 404


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/api/overview", "/api/map", "/api/timeline", "/api/timeline/items",
                 "/api/articles/{article_id}", "/api/articles/{article_id}/rating",
                 "/api/articles/{article_id}/comments", "/api/articles/{article_id}/reports",
                 "/api/reports", "/api/reports/{report_id}/resolve", "/api/entities/{entity_id}",
                 "/api/claims", "/api/search", "/api/export/{dataset}.{fmt}", "/api/session",
                 "/api/users", "/api/users/{user_id}", "/api/entities/{entity_id}/merge",
                 "/api/entities/{entity_id}/split", "/api/entities/{entity_id}/edits",
                 "/api/entity-edits/{edit_id}/undo"):
        assert path in paths
    assert not any(not p.startswith("/api") for p in paths)  # pages are not in the API


@pytest.mark.parametrize("page", ["/", "/map", "/timeline", "/articles", "/entities", "/claims",
                                  "/search?q=Termez", "/reports", "/login",
                                  "/articles/seed-0001", "/timeline?start=2021-07-07&end=2021-07-07"])
def test_every_page_renders(client: TestClient, page: str) -> None:
    r = client.get(page, headers=HTML)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert 'name="csrf-token"' in r.text


def test_article_with_markup_renders_as_text(client: TestClient) -> None:
    page = client.get("/articles/script-0001", headers=HTML).text
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page
    assert "Breaking &lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; news" in page
    assert "Test &lt;i&gt;outlet&lt;/i&gt;" in page
    assert "<b>Kabul" not in page and "It mentions &lt;b&gt;</span>" in page
    listing = client.get("/articles", headers=HTML).text
    assert "<script>alert(" not in listing
    found = client.get("/search?q=script", headers=HTML).text
    assert "<script>alert(" not in found


def test_reader_page_keeps_offsets_for_selections(client: TestClient) -> None:
    page = client.get("/articles/seed-0001", headers=HTML).text
    text = client.get("/api/articles/seed-0001").json()["article"]["text"]
    start = text.index("Termez")
    assert f'<span data-o="{start}" id="a-place-' in page  # segment starts at its offset


def test_evidence_link_marks_the_span_and_its_sentence(client: TestClient) -> None:
    text = client.get("/api/articles/seed-0001").json()["article"]["text"]
    s = text.index("Termez")
    page = client.get(f"/articles/seed-0001?hl={s}-{s + 6}", headers=HTML).text
    assert 'id="hl" class="' in page and "k-evidence" in page and "k-sentence" in page


def test_russian_interface_is_switchable_and_remembered(client: TestClient) -> None:
    page = client.get("/?lang=ru", headers=HTML)
    assert "Карта" in page.text and 'lang="ru"' in page.text
    assert page.cookies.get("nw_lang") == "ru"
    again = client.get("/", headers=HTML).text  # the cookie is kept by the client
    assert "Хронология" in again
    english = client.get("/?lang=en", headers=HTML).text
    assert "Timeline" in english


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    cats = load_catalogues()
    assert set(cats["en"]) == set(cats["ru"])
    import string

    fields = string.Formatter()
    for key, text in cats["en"].items():
        en = {f for _, f, _, _ in fields.parse(text) if f}
        ru = {f for _, f, _, _ in fields.parse(cats["ru"][key]) if f}
        assert en == ru, key
    assert cats["ru"]["error.selection-too-long"].startswith("Выделенный текст слишком длинный")
