"""Analysts' corrections and event verification (issue 12): a report resolved by correcting the
item it points at; the corrected value on the reader page, in the export and in the API with
who corrected it; the machine row unchanged; the correction kept when the article is saved
again, unchanged or as a revised text with shifted offsets; rejected items hidden unless asked
for; verification statuses set by analysts and filtered on; refusals (role, CSRF, values).

Data: the web test database (tests/web_samples.py). In ``seed-0001`` the figure "188 counties"
(value 188) and the event "the fighting" (ASSAULT by the Taliban) are found by searching the
text, as the sample builder places them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from newswatch.storage import Store
from newswatch.storage import schema as t
from newswatch.storage.review_schema import correction

from storage_samples import TEXT, make_article
from web_samples import assert_error, login, make_client

SEED = "seed-0001"
FIGURE = "188 counties"


@pytest.fixture
def ana(web_db: str) -> Iterator[tuple[TestClient, str]]:
    """A client signed in as the analyst, and its CSRF token."""
    with make_client(web_db) as c:
        yield c, login(c, "ana")


@pytest.fixture
def rita(web_db: str) -> Iterator[tuple[TestClient, str]]:
    """A client signed in as a reader, and its CSRF token."""
    with make_client(web_db) as c:
        yield c, login(c, "rita")


def _figure_span(text: str = TEXT) -> tuple[int, int]:
    start = text.index(FIGURE)
    return start, start + len(FIGURE)


def _revision(client: TestClient, article_id: str = SEED) -> int:
    return int(client.get(f"/api/articles/{article_id}").json()["revision"]["id"])


def _report(rita: tuple[TestClient, str], exact: str = FIGURE, kind: str = "wrong-figure"
            ) -> int:
    client, token = rita
    start = TEXT.index(exact)
    r = client.post(f"/api/articles/{SEED}/reports", headers={"X-CSRF-Token": token}, json={
        "revision_id": _revision(client), "exact": exact, "start": start,
        "end": start + len(exact), "kind": kind, "note": "the source says 190"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _correct_figure(ana: tuple[TestClient, str], report_id: int, value: float = 190.0
                    ) -> dict[str, Any]:
    client, token = ana
    start, end = _figure_span()
    r = client.post(f"/api/reports/{report_id}/correction", headers={"X-CSRF-Token": token},
                    json={"kind": "figure", "start": start, "end": end, "note": "per the source",
                          "fields": {"value": value, "lower": value, "upper": value}})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _seed_figures(client: TestClient, **params: Any) -> list[dict[str, str]]:
    rows = _csv(client.get("/api/export/figures.csv", params=params))
    return [r for r in rows if r["article_id"] == SEED and r["text"] == FIGURE]


def _assault(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    items = client.get("/api/events", params={"type": "ASSAULT", **params}).json()["items"]
    return [e for e in items if e["article_id"] == SEED]


# -- a report resolved by a correction ------------------------------------------------------------


def test_report_items_list_what_the_selection_holds(ana: tuple[TestClient, str],
                                                    rita: tuple[TestClient, str]) -> None:
    report_id = _report(rita)
    items = ana[0].get(f"/api/reports/{report_id}/items").json()["items"]
    start, end = _figure_span()
    figure = next(i for i in items if i["kind"] == "figure")
    assert (figure["start"], figure["end"], figure["text"]) == (start, end, FIGURE)
    assert figure["values"]["value"] == 188.0 and figure["values"]["qualifier"] == "exact"


def test_corrected_figure_is_served_everywhere_with_who_and_the_machine_row_is_kept(
        ana: tuple[TestClient, str], rita: tuple[TestClient, str], web_db: str) -> None:
    client = ana[0]
    report_id = _report(rita)
    done = _correct_figure(ana, report_id)
    assert done["machine"]["value"] == 188.0 and done["fields"]["value"] == 190.0
    assert done["by"] == "ana" and done["provenance"] == "corrected by an analyst"

    # the report is resolved, naming the correction
    report = client.get(f"/api/reports/{report_id}/items").json()["report"]
    assert report["status"] == "resolved" and report["resolved_by"] == "ana"
    assert report["resolution"].startswith("figure corrected value=190.0")

    # the API: the corrected value in the article record, provenance beside it
    view = client.get(f"/api/articles/{SEED}").json()
    figure = next(f for f in view["article"]["figures"] if f["text"] == FIGURE)
    assert (figure["value"], figure["lower"], figure["upper"]) == (190.0, 190.0, 190.0)
    [c] = view["corrections"]
    assert (c["kind"], c["action"], c["by"], c["provenance"]) == (
        "figure", "correct", "ana", "corrected by an analyst")
    assert c["at"] and c["report_id"] == report_id

    # the reader page: the corrected number, who corrected it, and what the machine read
    page = client.get(f"/articles/{SEED}", headers={"accept": "text/html"}).text
    panel = page[page.index('class="panel"'):]
    assert '<span class="meta">190 · county</span>' in panel
    assert "corrected by an analyst" in panel and "ana, " in panel
    assert "machine read: value 188, lower 188, upper 188" in panel
    assert 'title="exact 190 county"' in page and 'title="exact 188 county"' not in page

    # the export: the corrected value with its provenance columns
    [row] = _seed_figures(client)
    assert (row["value"], row["lower"], row["upper"]) == ("190.0", "190.0", "190.0")
    assert (row["correction"], row["corrected_by"]) == ("corrected", "ana")
    assert row["corrected_at"].startswith("20")

    # the dossier of the Taliban, named in the figure's sentence, lists the corrected figure
    taliban = next(e["id"] for e in client.get("/api/entities", params={"q": "Taliban"}).json()[
        "items"] if e["name"] == "Taliban")
    dossier = client.get(f"/api/entities/{taliban}").json()
    [fig] = [x for x in dossier["figures"] if x["text"] == FIGURE and x["article_id"] == SEED]
    assert (fig["value"], fig["correction"]["by"]) == (190.0, "ana")
    assert fig["machine"]["value"] == 188.0

    # the claims page (here the figures ledger: no claim is stored) holds the corrected value
    ledger = client.get("/api/claims").json()
    [county] = [g for g in ledger["groups"] if g["counted"] == "county"]
    assert 190.0 in county["values"] and 188.0 not in county["values"]
    claims_page = client.get("/claims", headers={"accept": "text/html"}).text
    assert "corrected by an analyst" in claims_page

    # the machine row is untouched; the correction lies beside it
    with Store.open(web_db) as store, store.read() as conn:
        assert conn.scalar(sa.select(t.figure.c.value).where(t.figure.c.text == FIGURE)) == 188.0
        stored = conn.execute(sa.select(correction)).one()
    assert (stored.kind, stored.exact, stored.article_id) == ("figure", FIGURE, SEED)
    assert stored.fields == {"value": 190.0, "lower": 190.0, "upper": 190.0}


def test_the_newest_correction_is_in_force_and_the_history_is_kept(
        ana: tuple[TestClient, str], rita: tuple[TestClient, str]) -> None:
    report_id = _report(rita)
    _correct_figure(ana, report_id, 190.0)
    _correct_figure(ana, report_id, 189.0)
    [row] = _seed_figures(ana[0])
    assert row["value"] == "189.0"
    history = ana[0].get(f"/api/articles/{SEED}/corrections").json()["corrections"]
    assert [h["fields"]["value"] for h in history] == [190.0, 189.0]


def test_saving_the_article_again_keeps_the_correction(
        ana: tuple[TestClient, str], rita: tuple[TestClient, str], web_db: str) -> None:
    client = ana[0]
    _correct_figure(ana, _report(rita))
    with Store.open(web_db) as store:
        assert store.save(make_article()).status == "unchanged"  # re-ingesting the same text
    assert _seed_figures(client)[0]["value"] == "190.0"

    # a revised text: words added before the figure shift every offset after them
    revised = TEXT.replace("In general, the Taliban", "In general and by all accounts, the Taliban")
    with Store.open(web_db) as store:
        result = store.save(make_article(revised))
    assert result.status == "revised"
    start, end = _figure_span(revised)
    assert start != _figure_span()[0]
    view = client.get(f"/api/articles/{SEED}").json()
    assert view["revision"]["id"] == result.revision_id
    figure = next(f for f in view["article"]["figures"] if f["text"] == FIGURE)
    assert (figure["start"], figure["value"]) == (start, 190.0)
    assert [(c["start"], c["end"], c["by"]) for c in view["corrections"]] == [(start, end, "ana")]
    rows = {r["revision_id"]: r for r in _seed_figures(client)}
    assert rows[str(result.revision_id)]["value"] == "190.0"
    assert rows[str(result.revision_id)]["corrected_by"] == "ana"
    # the other article reporting 193 counties is not touched
    drift = [r for r in _csv(client.get("/api/export/figures.csv"))
             if r["article_id"] == "seed-0002" and r["text"] == "193 counties"]
    assert [(r["value"], r["correction"]) for r in drift] == [("193.0", "")]


# -- rejection ---------------------------------------------------------------------------------


def test_a_rejected_event_is_hidden_unless_asked_for(ana: tuple[TestClient, str]) -> None:
    client, token = ana
    [event] = _assault(client)

    def on_overview() -> list[dict[str, Any]]:
        latest = client.get("/api/overview").json()["latest_events"]
        return [e for e in latest if e["article_id"] == SEED and e["type"] == "ASSAULT"]

    assert len(on_overview()) == 1
    r = client.post(f"/api/articles/{SEED}/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": event["revision_id"], "kind": "event", "start": event["start"],
        "end": event["end"], "action": "reject", "note": "not an attack"})
    assert r.status_code == 201, r.text
    assert _assault(client) == []
    [shown] = _assault(client, rejected="true")
    assert shown["correction"]["action"] == "reject" and shown["correction"]["by"] == "ana"
    rows = _csv(client.get("/api/export/events.csv"))
    assert not [r for r in rows if r["type"] == "ASSAULT" and r["article_id"] == SEED]
    rows = _csv(client.get("/api/export/events.csv", params={"rejected": "true"}))
    [row] = [r for r in rows if r["type"] == "ASSAULT" and r["article_id"] == SEED]
    assert row["correction"] == "rejected"
    assert client.get(f"/api/articles/{SEED}").json()["article"]["events"] == []
    assert on_overview() == []
    kept = client.get(f"/api/articles/{SEED}", params={"rejected": "true"}).json()
    assert [e["type"] for e in kept["article"]["events"]] == ["ASSAULT"]


def test_an_event_type_correction_is_listed_under_the_new_type(ana: tuple[TestClient, str]
                                                                ) -> None:
    client, token = ana

    def day_items(day: str) -> list[dict[str, Any]]:
        items = client.get("/api/timeline/items", params={"start": day, "end": day}).json()
        return [i for i in items["items"] if i["type"].startswith("event:")
                and i["article_id"] == SEED]

    assert [i["type"] for i in day_items("2021-07-07")] == ["event:ASSAULT"]
    [event] = _assault(client)
    r = client.post(f"/api/articles/{SEED}/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": event["revision_id"], "kind": "event", "start": event["start"],
        "end": event["end"], "fields": {"type": "PROTEST", "date": "2021-07-06"}})
    assert r.status_code == 201, r.text
    assert _assault(client) == []
    items = client.get("/api/events", params={"type": "PROTEST"}).json()["items"]
    [row] = [e for e in items if e["article_id"] == SEED]
    assert (row["type"], row["date"]) == ("PROTEST", "2021-07-06")
    assert row["machine"] == {"type": "ASSAULT", "date": "2021-07-07"}
    page = client.get("/events", params={"type": "PROTEST"}, headers={"accept": "text/html"}).text
    assert "corrected by an analyst" in page and "machine read" in page
    # the timeline counts it under its new type on its new day
    assert day_items("2021-07-07") == []
    [moved] = day_items("2021-07-06")
    assert (moved["type"], moved["correction"]["by"]) == ("event:PROTEST", "ana")


# -- verification ------------------------------------------------------------------------------


def test_verification_is_set_by_analysts_and_filters_the_events(
        ana: tuple[TestClient, str], rita: tuple[TestClient, str]) -> None:
    client, token = ana
    [event] = _assault(client)
    assert event["verification"] == "unverified"
    body = {"revision_id": event["revision_id"], "start": event["start"], "end": event["end"],
            "status": "verified"}
    r = client.put(f"/api/articles/{SEED}/verification", headers={"X-CSRF-Token": token},
                   json=body)
    assert r.status_code == 200, r.text
    [event] = _assault(client, verification="verified")
    assert (event["verification"], event["verified_by"]) == ("verified", "ana")
    assert _assault(client, verification="unverified") == []
    assert _assault(client, verification="disputed") == []
    rows = _csv(client.get("/api/export/events.csv"))
    assert [r["verification"] for r in rows if r["article_id"] == SEED] == ["verified"]
    page = client.get("/events", params={"verification": "verified"},
                      headers={"accept": "text/html"}).text
    assert 'class="tag verification-verified"' in page
    # the page form sets it too (CSRF in the form), then the list says disputed
    r = client.post("/verify", data={
        "csrf_token": token, "article_id": SEED, "revision_id": event["revision_id"],
        "start": event["start"], "end": event["end"], "status": "disputed",
        "next": "/events"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/events"
    assert _assault(client)[0]["verification"] == "disputed"
    # a reader may not
    reader, reader_token = rita
    r = reader.put(f"/api/articles/{SEED}/verification", headers={"X-CSRF-Token": reader_token},
                   json=body)
    assert_error(r, 403, "forbidden")
    assert_error(client.put(f"/api/articles/{SEED}/verification", json={
        **body, "status": "true"}, headers={"X-CSRF-Token": token}), 422, "invalid-input")


# -- refusals --------------------------------------------------------------------------------


def test_only_signed_in_analysts_with_the_csrf_token_can_correct(
        ana: tuple[TestClient, str], rita: tuple[TestClient, str], web_db: str) -> None:
    report_id = _report(rita)
    start, end = _figure_span()
    body = {"kind": "figure", "start": start, "end": end, "fields": {"value": 1}}
    reader, reader_token = rita
    assert_error(reader.post(f"/api/reports/{report_id}/correction", json=body,
                             headers={"X-CSRF-Token": reader_token}), 403, "forbidden")
    client, token = ana
    assert_error(client.post(f"/api/reports/{report_id}/correction", json=body), 403,
                 "csrf-failed")
    assert_error(client.post(f"/api/reports/{report_id}/correction", json=body,
                             headers={"X-CSRF-Token": "wrong"}), 403, "csrf-failed")
    with make_client(web_db) as anonymous:
        assert_error(anonymous.post(f"/api/reports/{report_id}/correction", json=body), 401,
                     "not-signed-in")
    # the page form needs the token in the form
    r = client.post(f"/reports/{report_id}/correct",
                    data={"item": f"figure:{start}:{end}", "value": "5"},
                    follow_redirects=False)
    assert r.status_code == 403
    with Store.open(web_db) as store, store.read() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(correction)) == 0


def test_values_out_of_their_domain_are_refused(ana: tuple[TestClient, str],
                                                rita: tuple[TestClient, str]) -> None:
    client, token = ana
    report_id = _report(rita)
    start, end = _figure_span()
    url, headers = f"/api/reports/{report_id}/correction", {"X-CSRF-Token": token}

    def refused(fields: dict[str, Any], field: str, **extra: Any) -> None:
        r = client.post(url, headers=headers, json={"kind": "figure", "start": start,
                                                    "end": end, "fields": fields, **extra})
        err = assert_error(r, 422, "invalid-input")
        assert field in err["message"], err

    refused({"value": 190, "upper": 180}, "upper")  # the bounds must hold the value
    refused({"value": "many"}, "value")
    # JSON text that Python reads as infinity
    raw = f'{{"kind": "figure", "start": {start}, "end": {end}, "fields": {{"value": 1e400}}}}'
    r = client.post(url, headers={**headers, "content-type": "application/json"}, content=raw)
    assert "value" in assert_error(r, 422, "invalid-input")["message"]
    refused({"colour": "red"}, "colour")
    refused({}, "fields")
    r = client.post(url, headers=headers, json={"kind": "event", "start": start, "end": end,
                                                "fields": {"type": "ASSAULT"}})
    assert_error(r, 404, "not-found")  # no event there
    # an item outside the reported selection
    r = client.post(url, headers=headers, json={"kind": "figure", "start": 0, "end": 4,
                                                "fields": {"value": 1}})
    assert_error(r, 404, "not-found")


def test_the_triage_page_form_corrects_the_item(ana: tuple[TestClient, str],
                                                rita: tuple[TestClient, str]) -> None:
    client, token = ana
    report_id = _report(rita)
    page = client.get("/reports", headers={"accept": "text/html"}).text
    start, end = _figure_span()
    assert f'value="figure:{start}:{end}"' in page
    r = client.post(f"/reports/{report_id}/correct", data={
        "csrf_token": token, "item": f"figure:{start}:{end}", "action": "correct",
        "value": "190", "lower": "", "upper": "190", "note": "checked"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    [row] = _seed_figures(client)
    # blank fields keep the machine's value
    assert (row["value"], row["lower"], row["upper"]) == ("190.0", "188.0", "190.0")


def test_the_two_analyst_rule_needs_a_second_analyst(web_db: str) -> None:
    with make_client(web_db, verify_analysts_count=2) as first, \
            make_client(web_db, verify_analysts_count=2) as second:
        [event] = _assault(first)
        body = {"revision_id": event["revision_id"], "start": event["start"],
                "end": event["end"], "status": "verified"}
        for client, name in ((first, "ana"), (second, "adam")):
            token = login(client, name)
            r = client.put(f"/api/articles/{SEED}/verification", json=body,
                           headers={"X-CSRF-Token": token})
            assert r.status_code == 200, r.text
            [event] = _assault(client)
            if name == "ana":  # one analyst is not enough
                assert (event["verification"], event["verifiers"]) == ("unverified", ["ana"])
                page = client.get("/events", headers={"accept": "text/html"}).text
                assert "verified by 1 of 2 analysts (ana)" in page
                assert _assault(client, verification="verified") == []
        assert (event["verification"], event["verifiers"]) == ("verified", ["adam", "ana"])
        assert len(_assault(first, verification="verified")) == 1


def test_a_figure_correction_holds_for_the_claim_read_from_it(web_db: str) -> None:
    from test_web_workbench import LAVROV_ID, LAVROV_TEXT, lavrov_article

    with Store.open(web_db) as store:
        store.save(lavrov_article())
    written = "до 240 миллионов долларов"
    start = LAVROV_TEXT.index(written)
    with make_client(web_db) as client:
        token = login(client, "ana")
        revision = _revision(client, LAVROV_ID)
        r = client.post(f"/api/articles/{LAVROV_ID}/corrections", headers={"X-CSRF-Token": token},
                        json={"revision_id": revision, "kind": "figure", "start": start,
                              "end": start + len(written),
                              "fields": {"value": 250e6, "upper": 250e6}})
        assert r.status_code == 201, r.text
        ledger = client.get("/api/claims").json()
        assert ledger["source"] == "claims"
        [claim] = [c for g in ledger["groups"] for c in g["claims"]
                   if c["article_id"] == LAVROV_ID]
        assert (claim["value"], claim["upper"], claim["correction"]["by"]) == (250e6, 250e6, "ana")
        assert claim["machine"] == {"value": 240e6, "upper": 240e6}
        page = client.get("/claims", headers={"accept": "text/html"}).text
        assert "up to $250 million" in page and "corrected by an analyst" in page
        [row] = [r for r in _csv(client.get("/api/export/claims.csv"))
                 if r["article_id"] == LAVROV_ID]
        assert (row["value"], row["correction"], row["corrected_by"]) == (
            "250000000.0", "corrected", "ana")


def test_the_map_counts_corrected_places_and_event_types(ana: tuple[TestClient, str]) -> None:
    client, token = ana

    def markers() -> dict[tuple[str, str, str], int]:
        features = client.get("/api/map").json()["features"]
        return {(x["properties"]["kind"], x["properties"]["category"], x["properties"]["key"]):
                x["properties"]["mentions"] for x in features}

    termez, ghazni = "geonames:1215957", "geonames:1141269"
    before = markers()
    assert before[("event", "ASSAULT", termez)] == 1
    place_before = {k[2]: n for k, n in before.items() if k[0] == "place"}
    view = client.get(f"/api/articles/{SEED}").json()
    [mention] = [m for p in view["article"]["places"] if p["key"] == termez
                 for m in p["mentions"]]
    revision = view["revision"]["id"]
    [event] = _assault(client)
    for body in ({"kind": "event", "start": event["start"], "end": event["end"],
                  "fields": {"type": "PROTEST"}},
                 {"kind": "place", "start": mention["start"], "end": mention["end"],
                  "fields": {"place_key": ghazni}}):
        r = client.post(f"/api/articles/{SEED}/corrections", headers={"X-CSRF-Token": token},
                        json={"revision_id": revision, **body})
        assert r.status_code == 201, r.text
    after = markers()
    assert ("event", "ASSAULT", termez) not in after
    assert after[("event", "PROTEST", termez)] == 1
    place_after = {k[2]: n for k, n in after.items() if k[0] == "place"}
    assert place_after[ghazni] == place_before[ghazni] + 1
    assert place_after.get(termez, 0) == place_before[termez] - 1


def test_claims_are_verified_filtered_and_exported_with_their_status(web_db: str) -> None:
    from test_web_workbench import LAVROV_ID, LAVROV_TEXT, lavrov_article

    with Store.open(web_db) as store:
        store.save(lavrov_article())
    written = "до 240 миллионов долларов"
    start = LAVROV_TEXT.index(written)

    def lavrov_claims(client: TestClient, **params: Any) -> list[dict[str, Any]]:
        ledger = client.get("/api/claims", params=params).json()
        return [c for g in ledger["groups"] for c in g["claims"] if c["article_id"] == LAVROV_ID]

    with make_client(web_db) as client, make_client(web_db) as reader:
        token = login(client, "ana")
        [claim] = lavrov_claims(client)
        assert claim["verification"] == "unverified"
        body = {"kind": "claim", "revision_id": claim["revision_id"], "start": start,
                "end": start + len(written), "status": "verified"}
        r = client.put(f"/api/articles/{LAVROV_ID}/verification", json=body,
                       headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        [claim] = lavrov_claims(client, verification="verified")
        assert (claim["verification"], claim["verified_by"]) == ("verified", "ana")
        assert lavrov_claims(client, verification="unverified") == []
        [row] = [r for r in _csv(client.get("/api/export/claims.csv"))
                 if r["article_id"] == LAVROV_ID]
        assert row["verification"] == "verified"
        # the claims page form (CSRF in the form) disputes it
        r = client.post("/verify", data={
            "csrf_token": token, "kind": "claim", "article_id": LAVROV_ID,
            "revision_id": claim["revision_id"], "start": start, "end": start + len(written),
            "status": "disputed", "next": "/claims"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/claims"
        page = client.get("/claims", params={"verification": "disputed"},
                          headers={"accept": "text/html"}).text
        assert 'class="tag verification-disputed"' in page and "up to $240 million" in page
        # refusals: a reader, a kind that cannot be verified
        reader_token = login(reader, "rita")
        assert_error(reader.put(f"/api/articles/{LAVROV_ID}/verification", json=body,
                                headers={"X-CSRF-Token": reader_token}), 403, "forbidden")
        assert_error(client.put(f"/api/articles/{LAVROV_ID}/verification",
                                json={**body, "kind": "figure"},
                                headers={"X-CSRF-Token": token}), 422, "invalid-input")


def test_corrections_and_verification_read_the_same_on_sqlite_and_postgresql(db_url: str
                                                                             ) -> None:
    from newswatch.read import EventQuery, Filters, list_events
    from newswatch.web import review
    from newswatch.web.queries import export_rows
    from newswatch.web.users import create_user

    from web_samples import drift_article, seed_article

    with Store.open(db_url) as store:
        for article in (seed_article(), drift_article()):
            store.save(article)
        ana_user = create_user(store.engine, "ana", "analyst-password", "analyst")
        with store.read() as conn:
            [event] = [e for e in list_events(conn, Filters(), EventQuery(), limit=10)["items"]
                       if e["article_id"] == SEED]
        start, end = _figure_span()
        common = {"article_id": SEED, "revision_id": event["revision_id"], "max_note_chars": 100}
        review.correct(store.engine, ana_user, kind="figure", start=start, end=end,
                       action="correct", fields={"value": 190, "upper": 190}, **common)
        review.correct(store.engine, ana_user, kind="event", start=event["start"],
                       end=event["end"], action="correct", fields={"type": "PROTEST"}, **common)
        review.verify(store.engine, ana_user, start=event["start"], end=event["end"],
                      status="verified", **common)
        revised = TEXT.replace("In general, the Taliban", "In general and by all accounts, the Taliban")
        saved = store.save(make_article(revised))
        assert saved.status == "revised"
        with store.read() as conn:  # lists read the latest revision: the offsets moved
            verified = list_events(conn, Filters(), EventQuery(verification="verified",
                                                               types=("PROTEST",)), limit=10)
            [row] = verified["items"]
            assert (row["article_id"], row["revision_id"], row["type"], row["verified_by"]) == (
                SEED, saved.revision_id, "PROTEST", "ana")
            [figure] = [r for r in export_rows(conn, Filters(), "figures")
                        if r["article_id"] == SEED and r["text"] == FIGURE]
            assert (figure["revision_id"], figure["start"]) == (saved.revision_id,
                                                                _figure_span(revised)[0])
            assert (figure["value"], figure["correction"], figure["corrected_by"]) == (
                190.0, "corrected", "ana")
