"""Every error path answers with the one JSON shape (``{"error": {"status", "code", "message",
"details"}}``); browsers navigating to a page get the same error as a page. Also the size
bound and the rate limit of writes."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from newswatch.web import queries
from newswatch.web.errors import HTTP_STATUS

from web_samples import assert_error, login, make_client


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/nothing-here", 404, "not-found"),
        ("GET", "/nothing-here", 404, "not-found"),
        ("DELETE", "/api/overview", 405, "method-not-allowed"),
        ("GET", "/api/overview?since=yesterday", 422, "invalid-input"),
        ("GET", "/api/overview?since=2021-08-01&until=2021-07-01", 422, "invalid-input"),
        ("GET", "/api/map?country=Atlantis", 422, "unknown-country"),
        ("GET", "/api/overview?language=russian", 422, "invalid-input"),
        ("GET", "/api/articles/no-such-article", 404, "article-not-found"),
        ("GET", "/api/articles/seed-0001?revision=999", 404, "article-not-found"),
        ("GET", "/api/articles/no-such-article/comments", 404, "article-not-found"),
        ("GET", "/api/entities/999999", 404, "not-found"),
        ("GET", "/api/entities/abc", 422, "invalid-request"),
        ("GET", "/api/places/geonames:0/mentions", 404, "not-found"),
        ("GET", "/api/articles?limit=0", 422, "invalid-request"),
        ("GET", "/api/timeline/items?start=2021-07-01", 422, "invalid-request"),
        ("GET", "/api/export/nothing.csv", 404, "not-found"),
        ("GET", "/api/export/figures.geojson", 404, "not-found"),
        ("GET", "/api/users", 401, "not-signed-in"),
        ("PUT", "/api/articles/seed-0001/rating", 401, "not-signed-in"),
        ("POST", "/api/articles/seed-0001/comments", 401, "not-signed-in"),
        ("POST", "/api/articles/seed-0001/reports", 401, "not-signed-in"),
        ("POST", "/api/reports/1/resolve", 401, "not-signed-in"),
        ("PATCH", "/api/users/1", 401, "not-signed-in"),
        ("DELETE", "/api/session", 403, "csrf-failed"),
        ("POST", "/logout", 403, "csrf-failed"),
    ],
)
def test_error_paths_share_one_json_shape(client: TestClient, method: str, path: str,
                                          status: int, code: str) -> None:
    r = client.request(method, path, json={} if method in ("PUT", "POST", "PATCH") else None)
    assert_error(r, status, code)


def test_every_code_has_a_message_in_both_languages(client: TestClient) -> None:
    cats = client.app.state.nw.catalogues
    for code in HTTP_STATUS:
        assert f"error.{code}" in cats["en"], code
        assert f"error.{code}" in cats["ru"], code


def test_messages_follow_the_interface_language(client: TestClient) -> None:
    r = client.get("/api/articles/nope", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert assert_error(r, 404, "article-not-found")["message"] == "Такой статьи нет."
    r = client.get("/api/articles/nope", params={"lang": "en"})
    assert assert_error(r, 404, "article-not-found")["message"] == "No such article."


def test_validation_errors_list_the_fields(client: TestClient) -> None:
    rita = login(client, "rita")
    r = client.post("/api/articles/seed-0001/comments", json={"parent_id": "x"},
                    headers={"X-CSRF-Token": rita})
    err = assert_error(r, 422, "invalid-request")
    fields = {d["field"] for d in err["details"]}
    assert fields == {"body.body", "body.parent_id"}
    bad_json = client.post("/api/articles/seed-0001/comments", content=b"{not json",
                           headers={"X-CSRF-Token": rita, "content-type": "application/json"})
    assert_error(bad_json, 422, "invalid-request")


def test_an_oversized_body_is_refused_before_parsing(client: TestClient) -> None:
    rita = login(client, "rita")
    big = {"body": "x" * (70 * 1024)}
    r = client.post("/api/articles/seed-0001/comments", json=big, headers={"X-CSRF-Token": rita})
    err = assert_error(r, 413, "payload-too-large")
    assert "65536" in err["message"]

    def chunks():
        yield b'{"body": "'
        yield b"y" * (70 * 1024)
        yield b'"}'

    streamed = client.post("/api/articles/seed-0001/comments", content=chunks(),
                           headers={"X-CSRF-Token": rita, "content-type": "application/json"})
    assert_error(streamed, 413, "payload-too-large")
    assert client.get("/api/articles/seed-0001/comments").json()["comments"] == []


def test_writes_are_rate_limited(web_db: str) -> None:
    with make_client(web_db, rate_limit_count=3) as c:
        rita = login(c, "rita")
        codes = [c.put("/api/articles/seed-0001/rating", json={"stars": 4},
                       headers={"X-CSRF-Token": rita}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.post("/api/articles/seed-0001/comments", json={"body": "one more"},
                   headers={"X-CSRF-Token": rita})
        assert_error(r, 429, "rate-limited")
        assert 1 <= int(r.headers["retry-after"]) <= 60


def test_sign_in_attempts_are_rate_limited(web_db: str) -> None:
    with make_client(web_db, login_limit_count=2) as c:
        token = c.get("/api/csrf").json()["csrf_token"]
        codes = [c.post("/api/session", json={"name": "rita", "password": "guess-guess"},
                        headers={"X-CSRF-Token": token}).status_code for _ in range(3)]
        assert codes == [401, 401, 429]


def test_an_unexpected_failure_is_a_500_in_the_same_shape(client: TestClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "overview", broken)
    err = assert_error(client.get("/api/overview"), 500, "internal")
    assert "boom" not in err["message"]


def test_a_browser_gets_the_error_as_a_page(client: TestClient) -> None:
    r = client.get("/articles/<img src=x>", headers={"accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'data-code="article-not-found"' in r.text and "No such article." in r.text
    assert "<img src=x>" not in r.text
    api = client.get("/api/articles/x", headers={"accept": "text/html"})
    assert api.headers["content-type"].startswith("application/json")  # the API stays JSON
