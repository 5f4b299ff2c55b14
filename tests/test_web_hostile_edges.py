"""Hostile input at the edges (issue 14, second probe): numbers of thousands of digits, days
at the ends of the calendar (and an article stored on 9999-12-31), lone surrogates in JSON
bodies, a foreign Host header, HEAD, an upper-case X-Forwarded-Proto, comments of invisible
characters and user names that differ from an existing one only by punctuation or accents.
Each answers a 4xx with a documented code, never a 500, with the security headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import typer
from starlette.testclient import TestClient
from typer.testing import CliRunner

from newswatch.cli import app as cli_app
from newswatch.cli.web import register
from newswatch.read.scope import day_after, day_before, month_cover
from newswatch.storage import Store
from newswatch.storage.aggregates import month_end
from newswatch.web.app import create_app
from newswatch.web.config import load_config
from newswatch.web.errors import InvalidInput
from newswatch.web.security import integer_out_of_range
from newswatch.web.users import create_user, name_skeleton

from web_samples import (  # noqa: F401 - fixtures are used by name
    TEST_OVERRIDES,
    assert_error,
    client,
    login,
    make_client,
    seed_article,
    web_db,
    web_db_template,
)

HTML = {"accept": "text/html"}
#: One digit more than int() converts from text (sys.get_int_max_str_digits(): 4300).
HUGE = "9" * 4301
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
                    "x-frame-options": "DENY"}


def _has_security_headers(r: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, (name, r.status_code)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


# -- 1. numbers of thousands of digits --------------------------------------------------------


def test_integer_range_check_reads_digit_counts_not_huge_ints() -> None:
    assert integer_out_of_range(HUGE)
    assert integer_out_of_range("1_" + "0" * 5000)
    assert integer_out_of_range(str(2 ** 63))
    assert not integer_out_of_range(str(2 ** 63 - 1))
    assert not integer_out_of_range("0" * 5000 + "7")  # leading zeros: the number 7
    assert not integer_out_of_range("seed-" + HUGE)  # not an integer at all


@pytest.mark.parametrize("path", [f"/api/health?x={HUGE}", f"/entities/{HUGE}",
                                  f"/api/entities/{HUGE}", f"/api/articles?offset={HUGE}"])
def test_numbers_of_thousands_of_digits_are_invalid_requests(client: TestClient,  # noqa: F811
                                                             path: str) -> None:
    r = client.get(path)
    err = assert_error(r, 422, "invalid-request")
    assert err["details"][0]["problem"].startswith("integer out of range")
    _has_security_headers(r)
    assert client.get(f"/api/health?x={'0' * 5000}1").status_code == 200


def test_a_server_error_carries_the_security_headers(web_db: str) -> None:  # noqa: F811
    app = create_app(load_config(web_db, TEST_OVERRIDES, env={}))

    @app.get("/api/fail-for-test")
    def fail() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/fail-for-test")
        assert_error(r, 500, "internal")
        _has_security_headers(r)


# -- 2. days at the ends of the calendar ------------------------------------------------------


def test_day_arithmetic_stops_at_the_ends_of_the_calendar() -> None:
    assert day_after(dt.date.max) is None and day_before(dt.date.min) is None
    assert day_after(dt.date(2021, 2, 28)) == dt.date(2021, 3, 1)
    assert month_end(dt.date(9999, 12, 5)) == dt.date.max
    assert month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
    assert month_cover(None, dt.date.max) == ((None, dt.date(9999, 12, 1)), [])
    assert month_cover(dt.date(9999, 12, 2), dt.date.max) == (
        None, [(dt.date(9999, 12, 2), dt.date.max)])
    assert month_cover(dt.date(9999, 12, 2), None) == (None, [(dt.date(9999, 12, 2), None)])
    assert month_cover(dt.date.min, dt.date(1, 1, 15)) == (None, [(dt.date.min, dt.date(1, 1, 15))])
    assert month_cover(None, dt.date(1, 1, 15)) == (None, [(None, dt.date(1, 1, 15))])
    assert month_cover(dt.date(9999, 10, 15), dt.date(9999, 12, 30)) == (
        (dt.date(9999, 11, 1), dt.date(9999, 11, 1)),
        [(dt.date(9999, 10, 15), dt.date(9999, 10, 31)),
         (dt.date(9999, 12, 1), dt.date(9999, 12, 30))])


READS = ["/", "/articles", "/timeline", "/api/articles", "/api/overview", "/api/map",
         "/api/map/days", "/api/timeline", "/api/events", "/api/claims", "/api/quotes",
         "/api/stories", "/api/tracker", "/api/export/articles.csv"]


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=9999-12-31", "until=0001-01-01",
                                   "since=0001-01-01&until=0001-01-15",
                                   "since=9999-12-02&until=9999-12-31"])
def test_days_at_the_ends_of_the_calendar_are_answered(client: TestClient,  # noqa: F811
                                                       query: str) -> None:
    for path in READS:
        r = client.get(f"{path}?{query}")
        assert r.status_code == 200, (path, query, r.text[:300])
    everything = client.get("/api/articles?until=9999-12-31").json()
    assert everything["total"] == client.get("/api/articles").json()["total"] == 4
    assert client.get("/api/articles?until=0001-01-01").json()["total"] == 0


def test_report_and_tracker_commands_take_the_last_day_of_the_calendar(web_db: str) -> None:  # noqa: F811
    path = web_db[len("sqlite:///"):]
    for args in (["report", "--db", path, "--until", "9999-12-31"],
                 ["claims", "--tracker", "--db", path, "--until", "9999-12-31"],
                 ["report", "--db", path, "--since", "0001-01-01", "--until", "0001-01-01"]):
        res = CliRunner().invoke(cli_app, args)
        assert res.exit_code == 0, (args, res.output)
        assert "Traceback" not in res.output


# -- 3. an article stored on 9999-12-31 ------------------------------------------------------


def test_the_timeline_draws_with_an_article_on_the_last_day_of_the_calendar(web_db: str) -> None:  # noqa: F811
    with Store.open(web_db) as store:
        far = seed_article()
        far.id, far.url, far.published = "far-0001", "https://example.org/far", dt.date.max
        store.save(far)
        store.rebuild_threads()
    with make_client(web_db) as c:
        data = c.get("/api/timeline").json()
        # 2018-12-03 (the Russian article) to 9999-12-31: one bar per year, not ~96,000 months
        assert data["granularity"] == "year"
        assert data["buckets"][0]["start"] == "2018-01-01"
        assert data["buckets"][-1] == {"start": "9999-01-01", "end": "9999-12-31",
                                       "total": data["buckets"][-1]["total"],
                                       "counts": data["buckets"][-1]["counts"]}
        assert data["buckets"][-1]["counts"]["article"] == 1
        assert len(data["buckets"]) == 9999 - 2018 + 1
        assert c.get("/timeline", headers=HTML).status_code == 200
        assert c.get("/api/timeline?until=9999-12-31&type=article").status_code == 200


# -- 4. lone surrogates in JSON bodies --------------------------------------------------------


def _post(c: TestClient, path: str, body: str, token: str) -> Any:
    return c.post(path, content=body.encode("ascii"),
                  headers={"content-type": "application/json", "X-CSRF-Token": token})


def test_a_lone_surrogate_in_any_body_text_is_invalid_input(client: TestClient) -> None:  # noqa: F811
    anon = client.get("/api/csrf").json()["csrf_token"]
    r = _post(client, "/api/session", '{"name": "a\\ud800", "password": "x"}', anon)
    assert assert_error(r, 422, "invalid-input")["details"] == [
        {"field": "body.name", "problem": "lone surrogate"}]
    _has_security_headers(r)
    token = login(client, "adam")
    rev = client.get("/api/articles/seed-0001").json()["revision"]["id"]
    for path, body, field in [
        ("/api/articles/seed-0001/comments", '{"body": "lone \\ud800"}', "body.body"),
        ("/api/articles/seed-0001/reports",
         f'{{"revision_id": {rev}, "exact": "Taliban", "start": 0, "end": 7, "kind": "other", '
         '"note": "x\\udc00y"}', "body.note"),
        ("/api/articles/seed-0001/corrections",
         f'{{"revision_id": {rev}, "kind": "entity", "start": 0, "end": 3, '
         '"fields": {"canonical": "\\ud83d"}}', "body.fields.canonical"),
        ("/api/users", '{"name": "x\\ud800y", "password": "long-enough-pw"}', "body.name"),
        ("/api/watch/rules", '{"name": "r", "query": "a\\ud800"}', "body.query"),
    ]:
        r = _post(client, path, body, token)
        err = assert_error(r, 422, "invalid-input")
        assert err["details"] == [{"field": field, "problem": "lone surrogate"}], path
    assert client.get("/api/articles/seed-0001/comments").json()["comments"] == []
    # a surrogate pair is one character, written fine
    r = _post(client, "/api/articles/seed-0001/comments", '{"body": "ok \\ud83d\\ude00"}', token)
    assert r.status_code == 201, r.text
    assert r.json()["body"] == "ok \U0001f600"


# -- 5. the Host header ----------------------------------------------------------------------


def test_a_request_for_another_host_is_refused(web_db: str) -> None:  # noqa: F811
    app = create_app(load_config(web_db, env={}))  # the default: loopback names only
    for base in ("http://127.0.0.1:8000", "http://localhost", "http://[::1]:18500",
                 "http://LOCALHOST:8000"):
        with TestClient(app, base_url=base, raise_server_exceptions=False) as c:
            assert c.get("/").status_code == 200, base
    with TestClient(app, base_url="http://127.0.0.1:18500", raise_server_exceptions=False) as c:
        for host in ("evil.example", "evil.example:18500", "127.0.0.1.evil.example", ""):
            r = c.get("/api/health", headers={"host": host})
            assert_error(r, 400, "bad-host")
            _has_security_headers(r)
            assert "set-cookie" not in r.headers
    with TestClient(app, raise_server_exceptions=False) as c:  # Host: testserver
        assert_error(c.get("/api/health"), 400, "bad-host")
    allowed = create_app(load_config(web_db, {"allowed_hosts": "news.example.org, *.example.net"},
                                     env={}))
    with TestClient(allowed, base_url="http://news.example.org",
                    raise_server_exceptions=False) as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "desk.example.net"}).status_code == 200
        assert c.get("/api/health", headers={"host": "example.net.evil.example"}).status_code == 400
        assert c.get("/api/health", headers={"host": "127.0.0.1:9"}).status_code == 200


def test_serve_allows_the_address_it_binds_to(web_db: str,  # noqa: F811
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    apps: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: apps.append(app))
    cli = typer.Typer()
    register(cli)
    path = web_db[len("sqlite:///"):]
    for host in ("192.0.2.10", "2001:db8::1"):
        res = CliRunner().invoke(cli, ["serve", "--db", path, "--host", host, "--open-read"])
        assert res.exit_code == 0, res.output
    for app, base in zip(apps, ("http://192.0.2.10:8000", "http://[2001:db8::1]:8000"),
                         strict=True):
        with TestClient(app, base_url=base, raise_server_exceptions=False) as c:
            assert c.get("/api/health").status_code == 200
            assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400


# -- 6. HEAD, X-Forwarded-Proto, invisible comments -------------------------------------------


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:  # noqa: F811
    for path in ("/", "/api/health", "/timeline"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == str(len(get.content))
        _has_security_headers(head)


def test_an_upper_case_forwarded_proto_from_a_trusted_proxy_means_https(web_db: str) -> None:  # noqa: F811
    app = create_app(load_config(web_db, {**TEST_OVERRIDES, "trusted_proxies": "10.0.0.1"},
                                 env={}))
    with TestClient(app, raise_server_exceptions=False, client=("10.0.0.1", 4000)) as c:
        r = c.get("/api/csrf", headers={"X-Forwarded-Proto": "HTTPS"})
        cookies = r.headers.get_list("set-cookie")
        assert cookies and all("Secure" in s for s in cookies)
    with TestClient(app, raise_server_exceptions=False, client=("10.0.0.9", 4000)) as c:
        r = c.get("/api/csrf", headers={"X-Forwarded-Proto": "HTTPS"})  # not the proxy
        cookies = r.headers.get_list("set-cookie")
        assert cookies and not any("Secure" in s for s in cookies)


@pytest.mark.parametrize("body", ["\u202e", "\u200b\u200b", " \u2066\u2069 ", "\u200d\n\u200c"])
def test_a_comment_of_invisible_characters_is_empty(client: TestClient, body: str) -> None:  # noqa: F811
    token = login(client, "rita")
    r = client.post("/api/articles/seed-0001/comments", json={"body": body},
                    headers={"X-CSRF-Token": token})
    assert_error(r, 422, "invalid-input")
    assert client.get("/api/articles/seed-0001/comments").json()["comments"] == []


# -- 7. look-alike user names ----------------------------------------------------------------


def test_names_differing_only_by_punctuation_or_accents_are_look_alikes(web_db: str) -> None:  # noqa: F811
    assert name_skeleton("a.na") == name_skeleton("ana@") == name_skeleton("aná") == "ana"
    assert name_skeleton("a1.") == name_skeleton("a1") == name_skeleton("al")
    with Store.open(web_db) as store:  # ana exists (analyst)
        create_user(store.engine, "a1", "long-enough-pw")
        for look_alike in ("ana.", "ana..", ".ana", "a.na", "ana@", "aná", "ＡＮＡ-", "a1.",
                           "a_1", "a\u0301na"):
            with pytest.raises(InvalidInput, match="looks like"):
                create_user(store.engine, look_alike, "long-enough-pw")
        # different letters are still different names
        assert create_user(store.engine, "anab", "long-enough-pw").name == "anab"
        assert create_user(store.engine, "Пётр", "long-enough-pw").name == "пётр"


def test_the_api_refuses_a_look_alike_user_name(client: TestClient) -> None:  # noqa: F811
    token = login(client, "adam")
    for name in ("aná", "a.na", "rita."):
        r = client.post("/api/users", json={"name": name, "password": "long-enough-pw"},
                        headers={"X-CSRF-Token": token})
        assert_error(r, 422, "invalid-input")
    names = {u["name"] for u in client.get("/api/users").json()["users"]}
    assert names == {"rita", "ana", "adam"}


def test_the_user_add_command_refuses_a_look_alike(web_db: str, tmp_path: Path) -> None:  # noqa: F811
    path = web_db[len("sqlite:///"):]
    res = CliRunner().invoke(cli_app, ["user", "add", "ana.", "--db", path, "--password-stdin"],
                             input="long-enough-pw\n")
    assert res.exit_code != 0
    assert "looks like" in res.output
