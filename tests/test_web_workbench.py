"""The analyst's workbench (issue 12): exports that keep their sources, the events and quotes
pages, numbers and dates as people read them.

Data: the web test database (tests/web_samples.py) plus one hand-built Russian article
(:func:`lavrov_article`) in which "Сергей Лавров" is quoted, a budget of "до 240 миллионов
долларов" is a figure and a claim, an event is negated, the title begins with "=" (a formula
to a spreadsheet) and the URL is a ``javascript:`` address. Every offset is found in the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from newswatch.model import Article, Claim, EntityMention, Event, Figure, Quote, Sentence
from newswatch.storage import Store
from newswatch.web import humanize
from newswatch.web.queries import spreadsheet_safe

from storage_samples import SEED_URL
from web_samples import assert_error, make_client

HTML = {"accept": "text/html"}
LAVROV_ID = "tass-lavrov-0001"
LAVROV_TITLE = "=1+2 Лавров о союзниках"
LAVROV_TEXT = (
    "Министр иностранных дел Сергей Лавров заявил: «Мы не оставим союзников в беде». "
    "Бюджет помощи составит до 240 миллионов долларов. "
    "Россия не будет вводить войска в Афганистан."
)
LAVROV_QUOTE = "Мы не оставим союзников в беде"
ASSAULT_SENTENCE = ("According to the Afghan Tolo News TV channel, the fighting caused traffic "
                    "diversion on the road and rail Friendship Bridge")


def _at(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def lavrov_article() -> Article:
    """A Russian article: Lavrov quoted, "до 240 миллионов долларов", a negated event."""
    text = LAVROV_TEXT
    a = Article(text=text, id=LAVROV_ID, title=LAVROV_TITLE, language="ru", source="ТАСС",
                url="javascript:alert(1)", origin="tests/test_web_workbench.py",
                published=dt.date(2021, 7, 9), published_source="input")
    first = text.index("Бюджет")
    third = text.index("Россия")
    a.sentences = [Sentence(0, first - 1), Sentence(first, third - 1), Sentence(third, len(text))]
    s, e = _at(text, "Сергей Лавров")
    a.entities.append(EntityMention("Сергей Лавров", "PERSON", s, e, "Сергей Лавров",
                                    a.provenance("entities", "1", s, 0.9),
                                    entity_key="PERSON:Сергей Лавров"))
    qs, qe = _at(text, LAVROV_QUOTE)
    a.quotes.append(Quote(LAVROV_QUOTE, qs, qe, "Сергей Лавров",
                          a.provenance("quotes", "1", qs, 0.9), speaker_start=s, speaker_end=e,
                          cue="заявил", kind="direct"))
    fs, fe = _at(text, "до 240 миллионов долларов")
    a.figures.append(Figure("до 240 миллионов долларов", 240e6, fs, fe,
                            a.provenance("figures", "1", fs, 0.8), upper=240e6, unit="USD",
                            qualifier="up_to"))
    a.claims.append(Claim("до 240 миллионов долларов", fs, fe, a.provenance("claims", "1", fs, 0.7),
                          240e6, upper=240e6, unit="USD", qualifier="up_to", counted="бюджет",
                          property="budget", subject="Russia", subject_country="RUS",
                          as_of="2021-07-09", outlet="ТАСС", group_key="c:RUS|budget|USD"))
    es, ee = _at(text, "Россия не будет вводить войска")
    a.events.append(Event("MOBILIZE", es, ee, a.provenance("events", "1", es, 0.5),
                          actor="Россия", date="2021-07", negated=True))
    a.stages_run = ["entities@1", "quotes@1", "figures@1", "events@1", "claims@1"]
    return a


@pytest.fixture(scope="module")
def workbench_template(tmp_path_factory: pytest.TempPathFactory, web_db_template: Path) -> Path:
    """The web test database with :func:`lavrov_article` saved into it."""
    path = tmp_path_factory.mktemp("workbench") / "workbench.sqlite"
    shutil.copy(web_db_template, path)
    with Store.open(f"sqlite:///{path}") as store:
        store.save(lavrov_article())
    return path


@pytest.fixture
def wb(workbench_template: Path, tmp_path: Path) -> Iterator[TestClient]:
    target = tmp_path / "wb.sqlite"
    shutil.copy(workbench_template, target)
    with make_client(f"sqlite:///{target}") as c:
        yield c


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())  # the BOM spreadsheets need
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _entity_id(client: TestClient, name: str) -> int:
    items = client.get("/api/entities", params={"q": name}).json()["items"]
    return int(next(e["id"] for e in items if e["name"] == name))


# -- exports keep their sources ----------------------------------------------------------------


def test_event_export_rows_carry_outlet_url_article_sentence_and_date(wb: TestClient) -> None:
    rows = _csv(wb.get("/api/export/events.csv"))
    assault = [r for r in rows if r["type"] == "ASSAULT" and r["article_id"] == "seed-0001"]
    assert len(assault) == 1
    row = assault[0]
    assert (row["outlet"], row["url"], row["published"]) == ("Inforos", SEED_URL, "2021-07-08")
    assert row["sentence"].startswith(ASSAULT_SENTENCE)
    assert row["sentence"].endswith("Termez (Uzbekistan).")  # the whole sentence, not a snippet
    assert row["revision_id"] == "1"
    # the negated event is exported, with its flag and its source
    mobilize = next(r for r in rows if r["type"] == "MOBILIZE")
    assert mobilize["negated"] == "True" and mobilize["outlet"] == "ТАСС"


def test_csv_cells_a_spreadsheet_would_run_are_guarded_and_only_http_urls_kept(wb: TestClient
                                                                            ) -> None:
    rows = _csv(wb.get("/api/export/quotes.csv"))
    russian = next(r for r in rows if r["article_id"] == LAVROV_ID)
    assert russian["text"] == LAVROV_QUOTE  # Cyrillic survives the BOM round trip
    assert russian["title"] == "'" + LAVROV_TITLE  # "=1+2 ..." is not a formula any more
    assert russian["url"] == ""  # javascript: is never exported as an address
    assert russian["outlet"] == "ТАСС" and russian["published"] == "2021-07-09"
    assert russian["sentence"] == "Министр иностранных дел Сергей Лавров заявил: «Мы не оставим " \
                                  "союзников в беде»."
    english = next(r for r in rows if r["article_id"] == "seed-0001")
    assert english["url"] == SEED_URL and english["speaker"] == "Sergei Lavrov"
    # JSON Lines carry the same source columns, not guarded (JSON is not a spreadsheet)
    lines = [json.loads(x) for x in wb.get("/api/export/quotes.jsonl").text.splitlines()]
    assert next(x for x in lines if x["article_id"] == LAVROV_ID)["title"] == LAVROV_TITLE


def test_spreadsheet_guard_leaves_numbers_and_plain_text_alone() -> None:
    assert [spreadsheet_safe(v) for v in ("=SUM(A1)", "+7", "-3", "@cmd", "\tx", "Kabul")] == [
        "'=SUM(A1)", "'+7", "'-3", "'@cmd", "'\tx", "Kabul"]
    assert spreadsheet_safe(-73.5) == -73.5


def test_places_and_claims_exports_carry_their_sources(wb: TestClient) -> None:
    places = _csv(wb.get("/api/export/places.csv", params={"country": "UZ"}))
    termez = [r for r in places if r["name"] == "Termez"]
    assert {r["article_id"] for r in termez} == {"seed-0001", "seed-0002"}
    assert all(r["outlet"] == "Inforos" and "Termez (Uzbekistan)" in r["sentence"] for r in termez)
    assert {r["mentions"] for r in termez} == {"2"}
    claims = _csv(wb.get("/api/export/claims.csv"))
    (claim,) = claims
    assert (claim["value"], claim["qualifier"], claim["unit"], claim["outlet"]) == (
        "240000000.0", "up_to", "USD", "ТАСС")
    assert claim["sentence"] == "Бюджет помощи составит до 240 миллионов долларов."
    assert claim["article_id"] == LAVROV_ID and claim["published"] == "2021-07-09"
    # without the BOM on request
    plain = wb.get("/api/export/claims.csv", params={"bom": "false"})
    assert plain.content.startswith(b"group_id,")


def test_geojson_exports_flatten_the_source_for_gis(wb: TestClient) -> None:
    geo = wb.get("/api/export/events.geojson").json()
    (feature,) = geo["features"]
    props = feature["properties"]
    assert (props["category"], props["name"], props["outlet"], props["url"]) == (
        "ASSAULT", "Termez", "Inforos", SEED_URL)
    assert props["article_id"] == "seed-0001" and "evidence" not in props
    places = wb.get("/api/export/places.geojson").json()["features"]
    assert all(f["properties"]["kind"] == "place" and f["properties"]["article_id"]
               for f in places)


# -- the events page ---------------------------------------------------------------------------


def test_events_list_rows_have_sentence_source_date_and_party_ids(wb: TestClient) -> None:
    data = wb.get("/api/events").json()
    assert data["total"] == 2  # the two reports of the fighting; the negated one is hidden
    first = next(i for i in data["items"] if i["article_id"] == "seed-0001")
    assert first["type"] == "ASSAULT" and first["actor"] == "Taliban"
    assert first["actor_id"] == _entity_id(wb, "Taliban")
    assert (first["source"], first["published"], first["date"]) == ("Inforos", "2021-07-08",
                                                                    "2021-07-07")
    assert first["sentence"].startswith(ASSAULT_SENTENCE)
    assert first["place_name"] == "Termez" and first["url"] == SEED_URL
    flagged = wb.get("/api/events", params={"flagged": "true"}).json()
    assert flagged["total"] == 3
    neg = next(i for i in flagged["items"] if i["type"] == "MOBILIZE")
    assert neg["negated"] is True and neg["source"] == "ТАСС"


@pytest.mark.parametrize(("params", "articles"), [
    ({"type": "ASSAULT"}, {"seed-0001", "seed-0002"}),
    ({"type": "PROTEST"}, set()),
    ({"actor": "taliban"}, {"seed-0001", "seed-0002"}),
    ({"actor": "Lavrov"}, set()),
    ({"country": "UZ"}, {"seed-0001", "seed-0002"}),  # the fighting was placed at Termez
    ({"country": "AF"}, set()),  # the articles mention Afghanistan, the event is not there
    ({"since": "2021-07-10"}, {"seed-0002"}),
    ({"type": "MOBILIZE", "flagged": "1"}, {LAVROV_ID}),
    # "Россия" is a party as written, no entity: matched in the text of the party
    ({"actor": "Россия", "flagged": "1"}, {LAVROV_ID}),
    # names are matched whole, never as a part of a word: "Росс" is no name, "aliban" neither
    ({"actor": "Росс", "flagged": "1"}, set()),
    ({"actor": "aliban"}, set()),
    ({"actor": "TALIBAN"}, {"seed-0001", "seed-0002"}),
    # the event's own date (the reprint's mention has none: the event's 2021-07-07 is used)
    ({"happened_since": "2021-07-07", "happened_until": "2021-07-07"}, {"seed-0001", "seed-0002"}),
    ({"happened_since": "2021-07-08"}, set()),
    ({"happened_until": "2021-07-06"}, set()),
    # a month ("2021-07") overlaps any range that touches July 2021
    ({"happened_since": "2021-07-20", "flagged": "1"}, {LAVROV_ID}),
    ({"happened_until": "2021-07-01", "flagged": "1"}, {LAVROV_ID}),
    ({"happened_since": "2021-08-01", "flagged": "1"}, set()),
])
def test_events_filters(wb: TestClient, params: dict[str, str], articles: set[str]) -> None:
    items = wb.get("/api/events", params=params).json()["items"]
    assert {i["article_id"] for i in items} == articles


def test_events_refuse_unknown_types_and_huge_ids(wb: TestClient) -> None:
    assert_error(wb.get("/api/events", params={"type": "PARTY"}), 422, "invalid-input")
    assert_error(wb.get("/api/events", params={"actor_id": str(2**63)}), 422, "invalid-request")
    assert_error(wb.get("/api/events", params={"actor": "x" * 201}), 422, "invalid-input")
    assert_error(wb.get("/api/events", params={"happened_since": "2021-07-09",
                                               "happened_until": "2021-07-01"}),
                 422, "invalid-input")
    assert_error(wb.get("/api/events", params={"happened_since": "July"}), 422, "invalid-input")


def test_events_page_links_the_reader_highlight_and_the_dossier(wb: TestClient) -> None:
    page = wb.get("/events", params={"type": "ASSAULT"}, headers=HTML)
    assert page.status_code == 200
    html = page.text
    taliban = _entity_id(wb, "Taliban")
    assert f'<a href="/entities/{taliban}?">Taliban</a>' in html
    assert "/articles/seed-0001?rev=1&hl=480-492#hl" in html
    assert "the fighting caused traffic diversion" in html
    assert "Inforos" in html and "July 7, 2021" in html  # the event's date, as people read it
    assert "Россия не будет" not in html  # negated: hidden by default
    ru = wb.get("/events", params={"type": "ASSAULT", "lang": "ru"}, headers=HTML).text
    assert "7 июля 2021\u202fг." in ru and "События" in ru


def test_events_pages_are_paged(wb: TestClient) -> None:
    first = wb.get("/api/events", params={"limit": 1}).json()
    second = wb.get("/api/events", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == 2
    assert first["items"][0]["article_id"] == "seed-0002"  # newest publication first
    assert second["items"][0]["article_id"] == "seed-0001"


# -- the quotes page ---------------------------------------------------------------------------


@pytest.mark.parametrize("speaker", ["Lavrov", "Лавров", "Лаврова", "sergei lavrov"])
def test_a_speaker_is_an_identity_across_languages(wb: TestClient, speaker: str) -> None:
    items = wb.get("/api/quotes", params={"speaker": speaker}).json()["items"]
    assert {(i["article_id"], i["text"]) for i in items} == {
        (LAVROV_ID, LAVROV_QUOTE),
        ("seed-0001", "have not achieved any visible results in terms of stabilization"),
        ("seed-0002", "have not achieved any visible results in terms of stabilization"),
    }


def test_quotes_filter_by_words_date_and_kind(wb: TestClient) -> None:
    words = wb.get("/api/quotes", params={"words": "СОЮЗНИКОВ беде"}).json()
    assert [i["article_id"] for i in words["items"]] == [LAVROV_ID]
    assert words["items"][0]["speaker"] == "Сергей Лавров"
    assert words["items"][0]["source"] == "ТАСС" and words["items"][0]["url"] is None
    dated = wb.get("/api/quotes", params={"since": "2021-07-09", "until": "2021-07-11"}).json()
    assert [i["article_id"] for i in dated["items"]] == [LAVROV_ID]
    assert wb.get("/api/quotes", params={"kind": "reported"}).json()["total"] == 0
    assert_error(wb.get("/api/quotes", params={"kind": "shouted"}), 422, "invalid-input")
    assert wb.get("/api/quotes", params={"speaker": "Taliban"}).json()["total"] == 0


def test_quotes_page_shows_who_said_what_with_its_source(wb: TestClient) -> None:
    html = wb.get("/quotes", params={"speaker": "Лавров"}, headers=HTML).text
    assert LAVROV_QUOTE in html and "visible results" in html
    assert "ТАСС" in html and "July 9, 2021" in html
    assert "javascript:" not in html  # the stored URL is never a link
    assert f"/articles/{LAVROV_ID}?rev=" in html


def test_events_and_quotes_are_declared_in_the_openapi_description(wb: TestClient) -> None:
    paths = wb.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/quotes"):
        op = paths[path]["get"]
        assert {"401", "413", "422"} <= set(op["responses"])
        assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"}
    names = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert {"type", "mode", "actor", "recipient", "actor_id", "flagged", "since", "country"} <= names


# -- numbers and dates as people read them -----------------------------------------------------


@pytest.mark.parametrize(("value", "lang", "text"), [
    (240e6, "en", "240 million"), (5e9, "en", "5 billion"), (2.4e6, "en", "2.4 million"),
    (240e6, "ru", "240 миллионов"), (12500.0, "en", "12,500"), (12500.0, "ru", "12\xa0500"),
    (188.0, "en", "188"),
])
def test_numbers_read_as_words_from_a_million(value: float, lang: str, text: str) -> None:
    assert humanize.number(value, lang) == text


def test_bounds_dates_and_times_in_the_interface_language() -> None:
    fig = {"value": 240e6, "qualifier": "up_to", "unit": "USD"}
    assert humanize.figure(fig, "en") == "up to $240 million"
    assert humanize.figure({"value": 300.0, "qualifier": "over", "unit": None}, "ru") == "более 300"
    assert humanize.day("2021-07-08", "ru") == "8 июля 2021\u202fг."
    assert humanize.day("2021-07", "en") == "July 2021"
    assert humanize.when("2021-07-08T14:05:00+03:00", "en") == "Jul 8, 2021, 11:05 UTC"


def test_pages_show_figures_and_dates_as_people_read_them(wb: TestClient) -> None:
    claims = wb.get("/claims", headers=HTML).text
    assert "up to $240 million" in claims and "2.4e+08" not in claims
    assert "July 9, 2021" in claims
    reader = wb.get(f"/articles/{LAVROV_ID}", params={"lang": "ru"}, headers=HTML).text
    assert "до 240 миллионов $" in reader and "9 июля 2021\u202fг." in reader
    claims_link = '<a href="/api/export/claims.csv?">CSV</a>'
    assert claims_link in claims


# -- the map's and the timeline's legibility ---------------------------------------------------


def test_every_plover_type_has_its_own_colour_that_no_other_layer_uses(wb: TestClient) -> None:
    from newswatch.stages.events.lexicon import PLOVER_TYPES
    from newswatch.web.pages import OTHER_COLOUR, PLOVER_COLOURS, TYPE_COLOURS, colour

    assert set(PLOVER_COLOURS) == set(PLOVER_TYPES)
    assert len(set(PLOVER_COLOURS.values())) == 16
    assert not set(PLOVER_COLOURS.values()) & {*TYPE_COLOURS.values(), OTHER_COLOUR}
    assert colour("event:ASSAULT") == colour("ASSAULT") == "#be0032"
    page = wb.get("/map", headers=HTML).text
    assert '"ASSAULT": "#be0032"' in page and '"populated-place": "#e15759"' in page


def test_timeline_axis_has_readable_date_ticks(wb: TestClient) -> None:
    import re

    page = wb.get("/timeline", params={"since": "2021-07-01", "until": "2021-07-31"},
                  headers=HTML).text
    ticks = re.findall(r'<span class="tick" style="left: [0-9.]+%">([^<]+)</span>', page)
    assert ticks[0] == "July 7, 2021" and ticks[-1] == "July 12, 2021"
    assert 2 <= len(ticks) <= 7
    ru = wb.get("/timeline", params={"since": "2021-07-01", "until": "2021-07-31", "lang": "ru"},
                headers=HTML).text
    assert '<span class="tick" style="left: 8.33%">7 июля 2021\u202fг.</span>' in ru


@pytest.mark.parametrize("words", [None, "visible"])
def test_quotes_are_paged_newest_first(wb: TestClient, words: str | None) -> None:
    pages = [wb.get("/api/quotes", params={"limit": 1, "offset": n, "words": words}).json()
             for n in range(3)]
    ids = [p["items"][0]["article_id"] for p in pages if p["items"]]
    if words is None:
        assert [p["total"] for p in pages] == [3, 3, 3]
        assert ids == ["seed-0002", LAVROV_ID, "seed-0001"]
    else:
        assert [p["total"] for p in pages] == [2, 2, 2]
        assert ids == ["seed-0002", "seed-0001"]


def test_a_dossier_leads_to_all_quotes_of_the_identity_and_its_events(wb: TestClient) -> None:
    lavrov = _entity_id(wb, "Sergei Lavrov")
    page = wb.get(f"/entities/{lavrov}", headers=HTML).text
    assert f'href="/quotes?speaker_id={lavrov}"' in page
    items = wb.get("/api/quotes", params={"speaker_id": lavrov}).json()["items"]
    assert {i["article_id"] for i in items} == {"seed-0001", "seed-0002", LAVROV_ID}
    taliban = _entity_id(wb, "Taliban")
    assert f'href="/events?actor_id={taliban}"' in wb.get(f"/entities/{taliban}", headers=HTML).text
    events = wb.get("/api/events", params={"actor_id": taliban}).json()
    assert events["total"] == 2 and {i["actor"] for i in events["items"]} == {"Taliban"}
    assert '<a href="/api/export/events.geojson?">GeoJSON</a>' in wb.get("/events", headers=HTML).text


def test_flagged_events_are_shown_with_their_flag_and_month(wb: TestClient) -> None:
    html = wb.get("/events", params={"type": "MOBILIZE", "flagged": "1"}, headers=HTML).text
    assert "Россия не будет вводить войска в Афганистан." in html
    assert '<span class="tag bad">negated</span>' in html
    assert "<b>July 2021</b>" in html  # a TIMEX3 month, as people read it
    assert 'name="flagged" value="1" checked' in html


def test_lists_and_exports_read_the_same_on_sqlite_and_postgresql(db_url: str) -> None:
    from newswatch.read import EventQuery, Filters, QuoteQuery, list_events, list_quotes
    from newswatch.web.queries import export_rows

    from web_samples import drift_article, russian_article, seed_article

    with Store.open(db_url) as store:
        for article in (seed_article(), drift_article(), russian_article(), lavrov_article()):
            store.save(article)
        with store.read() as conn:
            july = EventQuery(happened_since=dt.date(2021, 7, 1), happened_until=dt.date(2021, 7, 31),
                              flagged=True)
            events = list_events(conn, Filters(), july, limit=10)
            assert {i["article_id"] for i in events["items"]} == {"seed-0001", "seed-0002", LAVROV_ID}
            # the Taliban entity's Russian alias ("Талибан", from the Russian article) names it
            assert list_events(conn, Filters(), EventQuery(actor="талибан"), limit=10)["total"] == 2
            assert list_events(conn, Filters(), EventQuery(actor="Хамас"), limit=10)["total"] == 0
            quotes = list_quotes(conn, Filters(), QuoteQuery(speaker="Лавров", words="беде"), limit=10)
            assert [i["article_id"] for i in quotes["items"]] == [LAVROV_ID]
            assert list_quotes(conn, Filters(), QuoteQuery(speaker="Lavrov"), limit=10)["total"] == 3
            (claim,) = export_rows(conn, Filters(), "claims")
            assert (claim["outlet"], claim["url"], claim["value"]) == ("ТАСС", None, 240e6)
            rows = list(export_rows(conn, Filters(), "events"))
            assert {(r["type"], r["outlet"]) for r in rows} == {("ASSAULT", "Inforos"),
                                                               ("MOBILIZE", "ТАСС")}


def test_a_short_name_stands_for_a_bounded_number_of_identities_closest_first(
        wb: TestClient, workbench_template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newswatch.read import workbench

    monkeypatch.setattr(workbench, "MAX_IDENTITIES", 1)
    engine = sa.create_engine(f"sqlite:///{workbench_template}")
    try:
        with engine.connect() as conn:
            # "lavrov" is the surname of "Sergei Lavrov" (its name key); the transliterated
            # name key adds "Сергей Лавров", merged into the same identity when it was saved
            lavrov = workbench.identity_members(conn, "lavrov")
            only = workbench.identity_members(conn, "afghanistan")
            # a name is matched whole: "a" and "fghan" are inside names, but no name
            parts = [workbench.identity_members(conn, x) for x in ("a", "fghan", "ergei")]
    finally:
        engine.dispose()
    assert {"Sergei Lavrov", "Сергей Лавров"} <= lavrov.names
    assert only.names == {"Afghanistan"} and len(only.ids) == 1
    assert all(not p.ids and not p.names for p in parts)
    assert wb.get("/api/quotes", params={"speaker": "a"}).status_code == 200


def test_speakers_are_named_in_the_interface_language_where_the_data_has_it(wb: TestClient
                                                                           ) -> None:
    items = wb.get("/api/quotes", params={"speaker": "Lavrov"}).json()["items"]
    assert all(i["speaker_labels"] == {"en": "Sergei Lavrov", "ru": "Сергей Лавров"}
               for i in items)
    ru = wb.get("/quotes", params={"speaker": "Lavrov", "lang": "ru"}, headers=HTML).text
    en = wb.get("/quotes", params={"speaker": "Lavrov", "lang": "en"}, headers=HTML).text
    assert ru.count("<bdi>Сергей Лавров</bdi>") == 3 and "<bdi>Sergei Lavrov</bdi>" not in ru
    assert en.count("<bdi>Sergei Lavrov</bdi>") == 3 and "<bdi>Сергей Лавров</bdi>" not in en
