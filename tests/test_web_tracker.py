"""The casualty tracker on the dashboard (issue 9): the page in English and Russian, its API
twin, the exports keeping every source, and an analyst's correction changing what it shows.

Data: tests/tracker_samples.py (reports written for these tests, analysed by the real
pipeline): Armenian soldiers killed 12 → 19 → at least 27, Azerbaijani soldiers killed seven
(twice), 40 people evacuated and "two people were killed" twice with no side named.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from newswatch.storage import Store
from newswatch.web.users import create_user

from web_samples import PASSWORDS, assert_error, login, make_client

HTML = {"accept": "text/html"}


@pytest.fixture
def web(tracker_db: str) -> Iterator[TestClient]:
    """A dashboard over a copy of the tracker store, with the analyst ``ana``."""
    with Store.open(tracker_db) as store:
        create_user(store.engine, "ana", PASSWORDS["ana"], "analyst")
    with make_client(tracker_db) as c:
        yield c


def _text(page: str) -> str:
    """The visible words of a page's main part, spaces collapsed."""
    main = page[page.index("<main>"):page.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split()).replace("&gt;", ">")


def _armenia(data: dict[str, Any]) -> dict[str, Any]:
    side = next(s for s in data["sides"] if s["code"] == "ARM")
    [series] = side["series"]
    return dict(series)


def test_the_page_shows_each_side_its_revisions_and_sources(web: TestClient) -> None:
    r = web.get("/tracker", headers=HTML)
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script" not in r.text.split("</main>")[0].split("<main>")[1]  # no inline script
    text = _text(r.text)
    assert "Casualty tracker" in text
    assert "Armenia ARM" in text and "Azerbaijan AZE" in text
    assert "12 → 19 → 27" in text  # the summary's revisions
    assert "at least 27 newest revised from 19" in text
    assert "19 most cited revised from 12" in text
    # every source: outlet linked to the article's address, the figure linked to its evidence
    assert '<a href="https://news.example.org/clash-2-ru" rel="noopener noreferrer nofollow">Пример-Инфо</a>' in r.text
    assert re.search(r'href="/articles/clash-2\?rev=\d+&(?:amp;)?hl=\d+-\d+#hl">19 Armenian servicemen</a>', r.text)
    # subject-less figures stand apart, one row each
    loose = text[text.index("Figures with no side named"):]
    assert loose.count("killed person") == 2 and "evacuated person" in loose
    assert '<polyline points="8.0,38.0 130.0,24.0 252.0,8.0"' in r.text
    assert 'href="/tracker?' in r.text  # the navigation link
    claims = web.get("/claims", headers=HTML).text
    assert 'href="/tracker?">Casualty tracker' in claims


def test_the_russian_page_and_numbers_as_people_read_them(web: TestClient) -> None:
    text = _text(web.get("/tracker", params={"lang": "ru", "place": "Vardenis"}, headers=HTML).text)
    assert "Учёт потерь" in text and "Армения ARM" in text and "погибшие" in text
    assert "16 сентября 2026 г." in text and "не менее 27" in text
    assert "Азербайджан" in text  # seven Azerbaijani soldiers, also near Vardenis
    assert "Место: Vardenis (geonames:616108, Армения)" in text
    assert "Цифры без указания стороны" in text  # 40 evacuated from the Vardenis report
    nowhere = _text(web.get("/tracker", params={"place": "Atlantis", "lang": "en"}, headers=HTML).text)
    assert "No stored place is named “Atlantis”." in nowhere
    assert "No casualty figures in this scope." in nowhere


def test_the_api_and_its_refusals(web: TestClient) -> None:
    data = web.get("/api/tracker").json()
    arm = _armenia(data)
    assert [p["value"] for p in arm["points"]] == [12.0, 19.0, 27.0]
    assert [(r["from_value"], r["to_value"], r["direction"]) for r in arm["revisions"]] == [
        (12.0, 19.0, "up"), (19.0, 27.0, "up")]
    # the chart: days 14, 15, 16 September across 244 px; values 12, 19, 27 on 54 px from 0
    assert arm["chart"]["line"] == "8.0,38.0 130.0,24.0 252.0,8.0" and arm["chart"]["top"] == 27.0
    assert data["categories"] == ["killed", "wounded", "missing", "detained", "displaced", "evacuated"]
    assert {"key": "geonames:616108", "name": "Vardenis", "country_code": "AM",
            "articles": 3} in data["places"]
    assert [s["code"] for s in web.get("/api/tracker", params={"side": "AZE"}).json()["sides"]] == ["AZE"]
    assert_error(web.get("/api/tracker", params={"side": "Narnia"}), 422, "unknown-country")
    assert_error(web.get("/api/export/figures.csv", params={"side": "AM"}), 422, "invalid-input")
    assert "/api/tracker" in web.get("/openapi.json").json()["paths"]


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_exports_keep_every_source(web: TestClient) -> None:
    rows = _csv(web.get("/api/export/tracker.csv"))
    assert len(rows) == 9  # 4 Armenian + 2 Azerbaijani sources + 3 with no side
    ru = next(r for r in rows if r["article_id"] == "clash-2-ru")
    assert (ru["side"], ru["category"], ru["value"], ru["outlet"], ru["url"]) == (
        "ARM", "killed", "19.0", "Пример-Инфо", "https://news.example.org/clash-2-ru")
    assert ru["sentence"].endswith("что погибли 19 армянских военнослужащих.")
    assert ru["most_cited"] == "True" and ru["revises"] == "12.0"
    assert [r["attributed"] for r in rows[-3:]] == ["False"] * 3
    lines = web.get("/api/export/tracker.jsonl", params={"place": "Vardenis", "side": "ARM"}).text.splitlines()
    got = [json.loads(x) for x in lines]
    assert [(g["value"], g["article_id"], g["outlet"]) for g in got] == [
        (12.0, "clash-1", "Test Wire"), (19.0, "clash-2", "Example News"), (27.0, "clash-3", "Border Post")]


def _figure(web: TestClient, article_id: str, written: str) -> tuple[int, int, int]:
    view = web.get(f"/api/articles/{article_id}").json()
    start = view["article"]["text"].index(written)
    return int(view["revision"]["id"]), start, start + len(written)


def test_a_correction_changes_the_tracker_and_a_rejection_hides_the_figure(web: TestClient) -> None:
    token = login(web, "ana")
    revision, start, end = _figure(web, "clash-3", "At least 27 Armenian soldiers")
    r = web.post("/api/articles/clash-3/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": revision, "kind": "figure", "start": start, "end": end,
        "fields": {"value": 29, "lower": 29, "upper": None}, "note": "the ministry said 29"})
    assert r.status_code == 201, r.text
    revision, start, end = _figure(web, "clash-1", "12 Armenian servicemen")
    r = web.post("/api/articles/clash-1/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": revision, "kind": "figure", "start": start, "end": end, "action": "reject"})
    assert r.status_code == 201, r.text
    arm = _armenia(web.get("/api/tracker").json())
    assert [p["value"] for p in arm["points"]] == [19.0, 29.0]
    assert [(r["from_value"], r["to_value"]) for r in arm["revisions"]] == [(19.0, 29.0)]
    corrected = arm["points"][1]["sources"][0]
    assert corrected["correction"]["by"] == "ana" and corrected["machine"]["value"] == 27.0
    rows = [r for r in _csv(web.get("/api/export/tracker.csv")) if r["side"] == "ARM"]
    assert [(r["value"], r["correction"], r["corrected_by"]) for r in rows] == [
        ("19.0", "", ""), ("19.0", "", ""), ("29.0", "corrected", "ana")]
    text = _text(web.get("/tracker", headers=HTML).text)
    assert "19 → 29" in text and "corrected" in text.lower()


def test_a_corrected_value_that_disagrees_with_another_report_of_the_day_is_flagged(
        web: TestClient) -> None:
    token = login(web, "ana")
    revision, start, end = _figure(web, "clash-2", "19 Armenian servicemen")
    r = web.post("/api/articles/clash-2/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": revision, "kind": "figure", "start": start, "end": end,
        "fields": {"value": 21, "lower": 21, "upper": 21}})
    assert r.status_code == 201, r.text
    arm = _armenia(web.get("/api/tracker").json())
    tuesday = [(p["value"], p["lower"], p["upper"], p["conflicting"], [s["outlet"] for s in p["sources"]])
               for p in arm["points"] if p["as_of"] == "2026-09-15"]
    assert tuesday == [(19.0, 19.0, 19.0, True, ["Пример-Инфо"]), (21.0, 21.0, 21.0, True, ["Example News"])]
    assert not any(p["most_cited"] for p in arm["points"])  # 12, 19, 21, 27: one report each
    assert "reports disagree" in _text(web.get("/tracker", headers=HTML).text)


def test_the_page_lists_a_few_sources_per_value_and_says_how_many_more(
        web: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from newswatch.web import queries

    monkeypatch.setattr(queries, "PAGE_SOURCES", 1)
    monkeypatch.setattr(queries, "PAGE_UNATTRIBUTED", 2)
    page = web.get("/tracker", headers=HTML).text
    text = _text(page)
    assert "and 1 more reports of this value (all of them in the exports)" in text  # 19: 2 reports
    assert "Пример-Инфо" not in text  # the second report of 19, in the exports only
    assert "and 1 older figures (all of them in the exports)" in text  # 3 with no side, 2 shown
    assert len(_csv(web.get("/api/export/tracker.csv"))) == 9


def test_a_disputed_claim_is_never_newest_nor_most_cited(web: TestClient) -> None:
    token = login(web, "ana")

    def dispute(source: dict[str, Any]) -> None:
        body = {"kind": "claim", "revision_id": source["revision_id"], "start": source["start"],
                "end": source["end"], "status": "disputed"}
        r = web.put(f"/api/articles/{source['article_id']}/verification", json=body,
                    headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text

    def marks() -> list[tuple[float, str, bool, bool]]:
        arm = _armenia(web.get("/api/tracker").json())
        return [(p["value"], p["verification"], p["newest"], p["most_cited"]) for p in arm["points"]]

    assert marks() == [(12.0, "unverified", False, False), (19.0, "unverified", False, True),
                       (27.0, "unverified", True, False)]
    arm = _armenia(web.get("/api/tracker").json())
    twelve, nineteen, twenty_seven = arm["points"]
    dispute(twenty_seven["sources"][0])  # "at least 27" (Border Post): no longer the newest
    assert marks() == [(12.0, "unverified", False, False), (19.0, "unverified", True, True),
                       (27.0, "disputed", False, False)]
    assert [(r["from_value"], r["to_value"]) for r in _armenia(web.get("/api/tracker").json())["revisions"]] == [
        (12.0, 19.0)]  # a disputed value is no revision of the toll
    ledger = [(r["value"], r["verification"], r["newest"], r["most_cited"])
              for r in _csv(web.get("/api/export/claims.csv")) if r["property"] == "soldier killed"
              and r["value"] in ("12.0", "19.0", "27.0")]
    assert sorted(ledger) == [("12.0", "unverified", "False", "False"),
                              ("19.0", "unverified", "False", "True"),
                              ("19.0", "unverified", "True", "True"),
                              ("27.0", "disputed", "False", "False")]  # the ledger marks alike
    for s in nineteen["sources"]:  # both reports of 19 disputed: 12 is all that stands
        dispute(s)
    assert marks() == [(12.0, "unverified", True, True), (19.0, "disputed", False, False),
                       (27.0, "disputed", False, False)]
    rows = _csv(web.get("/api/export/tracker.csv"))
    arm_rows = [(r["value"], r["verification"], r["verified_by"], r["newest"], r["most_cited"])
                for r in rows if r["side"] == "ARM"]
    assert arm_rows == [("12.0", "unverified", "", "True", "True"),
                        ("19.0", "disputed", "ana", "False", "False"),
                        ("19.0", "disputed", "ana", "False", "False"),
                        ("27.0", "disputed", "ana", "False", "False")]
    assert "27 disputed" in _text(web.get("/tracker", headers=HTML).text).replace("at least ", "")
