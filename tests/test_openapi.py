"""The OpenAPI description is true (issue 14): every operation declares the refusals it can
give (one shared error model), the map and the exports declare the media types they send,
and the integers of 2^63 and more that used to overflow in SQL (a 500) are refused with 422
in every spelling pydantic reads, in query, path, page and body alike."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from newswatch.web.security import integer_out_of_range

from web_samples import (  # noqa: F401 - fixtures are used by name
    assert_error,
    client,
    login,
    web_db,
    web_db_template,
)

HTML = {"accept": "text/html"}
ERROR_REF = "#/components/schemas/ErrorOut"
BIG = 2 ** 63


def _operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{method.upper()} {path}": op for path, ops in schema["paths"].items()
            for method, op in ops.items()}


def _declared(op: dict[str, Any]) -> set[int]:
    return {int(code) for code in op["responses"] if code[0] in "45"}


def test_every_operation_declares_its_refusals_with_the_one_error_model(client: TestClient) -> None:  # noqa: F811
    schema = client.get("/openapi.json").json()
    ops = _operations(schema)
    assert len(ops) >= 28
    for label, op in ops.items():
        declared = _declared(op)
        assert {413, 422} <= declared, label
        for code in declared:
            content = op["responses"][str(code)]["content"]
            assert content == {"application/json": {"schema": {"$ref": ERROR_REF}}}, label
        method, path = label.split(" ", 1)
        if method != "GET" and path != "/api/session":  # writes
            assert {400, 401, 403, 429} <= declared, label
        elif path not in ("/api/health", "/api/csrf", "/api/me", "/api/session"):
            assert 401 in declared, label  # reading may be closed to anonymous users
        if "{" in path:
            assert 404 in declared, label
        if 429 in declared:
            assert "Retry-After" in op["responses"]["429"]["headers"], label
    assert 409 in _declared(ops["POST /api/users"])
    assert _declared(ops["GET /api/users"]) >= {401, 403}
    error = schema["components"]["schemas"]["ErrorInfo"]
    assert set(error["required"]) == {"status", "code", "message", "details"}


@pytest.mark.parametrize(("request_", "status", "code"), [
    (("GET", "/api/entities/1234567", None), 404, "not-found"),
    (("POST", "/api/session", {"content-type": "multipart/form-data"}), 400,
     "bad-request"),
    (("PUT", "/api/articles/seed-0001/rating", None), 401, "not-signed-in"),
    (("GET", "/api/users", None), 401, "not-signed-in"),
])
def test_declared_refusals_really_happen_in_the_declared_shape(
        client: TestClient, request_: tuple[str, str, dict[str, str] | None],  # noqa: F811
        status: int, code: str) -> None:
    method, path, headers = request_
    r = client.request(method, path, headers=headers, content=b"x=1" if headers else None)
    assert_error(r, status, code)


def test_the_map_declares_and_sends_geojson(client: TestClient) -> None:  # noqa: F811
    op = client.get("/openapi.json").json()["paths"]["/api/map"]["get"]
    assert list(op["responses"]["200"]["content"]) == ["application/geo+json"]
    declared = op["responses"]["200"]["content"]["application/geo+json"]["schema"]
    assert declared == {"$ref": "#/components/schemas/FeatureCollection"}
    r = client.get("/api/map")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/geo+json"
    data = r.json()
    assert data["type"] == "FeatureCollection"
    termez = [f for f in data["features"] if f["properties"].get("name") == "Termez"]
    assert termez and termez[0]["geometry"] == {"type": "Point",
                                                "coordinates": [67.27833, 37.22417]}
    bad = client.get("/api/map", params={"since": "yesterday"})
    assert_error(bad, 422, "invalid-input")  # errors stay JSON, as declared


@pytest.mark.parametrize(("path", "media"), [
    ("/api/export/articles.csv", "text/csv"),
    ("/api/export/mentions.jsonl", "application/x-ndjson"),
    ("/api/export/places.geojson", "application/geo+json"),
    ("/api/export/events.json", "application/json"),
])
def test_exports_send_a_declared_media_type(client: TestClient, path: str, media: str) -> None:  # noqa: F811
    op = client.get("/openapi.json").json()["paths"]["/api/export/{dataset}.{fmt}"]["get"]
    assert media in op["responses"]["200"]["content"]
    # a .json export is one array of rows (errors are JSON objects, declared apart)
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media


SPELLINGS = [str(BIG), f"{BIG}.0", f" {BIG} ", "9_223_372_036_854_775_808", f"-{BIG + 1}",
             f"+000{BIG}"]


@pytest.mark.parametrize("value", SPELLINGS)
def test_every_spelling_of_a_huge_integer_is_out_of_range(value: str) -> None:
    assert integer_out_of_range(value)


@pytest.mark.parametrize("value", [str(BIG - 1), f"{BIG - 1}.0", "9_223_372_036_854_775_807",
                                   "12", "1" * 30 + "x", "٩" * 20, "1__0" * 8])
def test_in_range_or_non_integers_are_left_to_the_route(value: str) -> None:
    assert not integer_out_of_range(value)


@pytest.mark.parametrize("value", SPELLINGS)
def test_huge_integers_in_any_spelling_are_refused_on_every_endpoint_and_page(
        client: TestClient, value: str) -> None:  # noqa: F811
    api = [f"/api/entities/{value}", f"/api/articles/seed-0001?revision={value}",
           f"/api/timeline?actor={value}", f"/api/articles?offset={value}",
           f"/api/entities?offset={value}", f"/api/search?q=Kabul&offset={value}",
           f"/api/reports?offset={value}",
           f"/api/timeline/items?start=2021-07-01&end=2021-07-31&actor={value}"]
    pages = [f"/entities/{value}", f"/articles/seed-0001?rev={value}", f"/articles?page={value}",
             f"/timeline?actor={value}", f"/entities?page={value}", f"/search?q=x&page={value}",
             f"/reports?page={value}"]
    for path in api:
        assert_error(client.get(path), 422, "invalid-request")
    login(client, "adam")
    for path in pages:
        assert client.get(path, headers=HTML).status_code == 422, path
    csrf = login(client, "adam")
    for method, path in (("POST", f"/api/reports/{value}/resolve"),
                         ("PATCH", f"/api/users/{value}")):
        r = client.request(method, path, json={}, headers={"X-CSRF-Token": csrf})
        assert_error(r, 422, "invalid-request")


def test_page_numbers_whose_offset_would_overflow_are_refused(client: TestClient) -> None:  # noqa: F811
    login(client, "adam")
    for path in ("/articles", "/entities", "/search?q=Kabul&", "/reports"):
        sep = "" if path.endswith("&") else "?"
        r = client.get(f"{path}{sep}page={2 ** 62}", headers=HTML)
        assert r.status_code == 422, path
    assert client.get("/articles?page=2", headers=HTML).status_code == 200


def test_huge_integers_in_request_bodies_are_invalid_requests(client: TestClient) -> None:  # noqa: F811
    csrf = login(client, "rita")
    h = {"X-CSRF-Token": csrf}
    for parent in (BIG, -BIG - 1):
        r = client.post("/api/articles/seed-0001/comments", json={"body": "x", "parent_id": parent},
                        headers=h)
        err = assert_error(r, 422, "invalid-request")
        assert err["details"][0]["field"] == "body.parent_id"
    r = client.post("/api/articles/seed-0001/reports", headers=h,
                    json={"revision_id": BIG, "exact": "a", "start": 2 ** 70, "end": 2 ** 70 + 1,
                          "kind": "typo"})
    err = assert_error(r, 422, "invalid-request")
    assert {d["field"] for d in err["details"]} == {"body.revision_id", "body.start", "body.end"}
    # in range, the same requests are answered by the routes themselves
    r = client.post("/api/articles/seed-0001/comments", json={"body": "x", "parent_id": BIG - 1},
                    headers=h)
    assert_error(r, 404, "not-found")


def test_a_highlight_with_thousands_of_digits_is_refused_not_a_server_error(
        client: TestClient) -> None:  # noqa: F811
    r = client.get("/articles/seed-0001", params={"hl": "1" * 5000 + "-2"}, headers=HTML)
    assert r.status_code == 422
    assert client.get("/articles/seed-0001", params={"hl": "4-10"}, headers=HTML).status_code == 200


def test_the_reader_endpoint_declares_the_article_contract_and_keeps_it(client: TestClient) -> None:  # noqa: F811
    from jsonschema import Draft202012Validator

    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/api/articles/{article_id}"]["get"]
    assert op["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/ArticleView"}}}
    validator = Draft202012Validator({"$ref": "#/components/schemas/ArticleView",
                                      "components": doc["components"]})
    csrf = login(client, "rita")
    client.post("/api/articles/seed-0001/comments", json={"body": "Checked."},
                headers={"X-CSRF-Token": csrf})
    for article_id in ("seed-0001", "nerel-test-197647_text", "script-0001"):
        view = client.get(f"/api/articles/{article_id}").json()
        assert list(validator.iter_errors(view)) == [], article_id
    view = client.get("/api/articles/seed-0001").json()
    assert view["comments"][0]["body"] == "Checked."
    view["article"]["invented"] = 1  # additionalProperties false all the way down
    view["comments"][0]["body"] = 5
    assert len(list(validator.iter_errors(view))) == 2


def test_long_numbers_read_as_text_are_not_taken_for_integers(client: TestClient, web_db: str) -> None:  # noqa: F811
    from newswatch.model import Article
    from newswatch.storage import Store

    number = "12345678901234567890123"  # 23 digits: beyond 64 bits, but text here
    with Store.open(web_db) as store:
        store.save(Article(text=f"The registry lists parcel {number} as seized on Tuesday.",
                           id=number, title="Parcel seized", language="en", origin="test"))
    assert client.get(f"/api/articles/{number}").json()["article"]["id"] == number
    assert client.get(f"/articles/{number}", headers=HTML).status_code == 200
    hits = client.get("/api/search", params={"q": number}).json()
    assert [h["id"] for h in hits["items"]] == [number]
    assert client.get("/api/entities", params={"q": number}).status_code == 200
    # the same digits where an integer is read are still refused
    assert_error(client.get(f"/api/entities/{number}"), 422, "invalid-request")
    assert_error(client.get("/api/search", params={"q": number, "offset": number}), 422,
                 "invalid-request")
