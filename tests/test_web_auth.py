"""Who may do what: sign-in, sessions, CSRF, closed reading, admin-only user management,
hashed passwords, and the ``newswatch user add`` / ``serve`` commands."""

from __future__ import annotations

import re

import sqlalchemy as sa
import typer
from starlette.testclient import TestClient
from typer.testing import CliRunner

from newswatch.cli.web import register
from newswatch.storage import Store
from newswatch.storage.reader_schema import app_user, user_session

from web_samples import PASSWORDS, assert_error, login, make_client

HTML = {"accept": "text/html"}


def test_sign_in_needs_the_csrf_cookie_token(client: TestClient) -> None:
    r = client.post("/api/session", json={"name": "rita", "password": PASSWORDS["rita"]})
    assert_error(r, 403, "csrf-failed")


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient) -> None:
    token = client.get("/api/csrf").json()["csrf_token"]
    for name, password in (("rita", "wrong-password"), ("nobody", "whatever-pw")):
        r = client.post("/api/session", json={"name": name, "password": password},
                        headers={"X-CSRF-Token": token})
        err = assert_error(r, 401, "bad-credentials")
        assert err["message"] == "Wrong user name or password."


def test_session_signs_in_and_out(client: TestClient) -> None:
    assert client.get("/api/me").json()["user"] is None
    csrf = login(client, "ana")
    me = client.get("/api/me").json()
    assert (me["user"]["name"], me["user"]["role"], me["csrf_token"]) == ("ana", "analyst", csrf)
    r = client.delete("/api/session", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert client.get("/api/me").json()["user"] is None


def test_passwords_and_session_tokens_are_stored_hashed(client: TestClient, web_db: str) -> None:
    login(client, "rita")
    cookie = client.cookies.get("nw_session")
    with Store.open(web_db) as store, store.read() as conn:
        hashes = dict(conn.execute(sa.select(app_user.c.name, app_user.c.password_hash)).all())
        tokens = list(conn.scalars(sa.select(user_session.c.token_hash)))
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert PASSWORDS["rita"] not in hashes["rita"]
    assert cookie not in tokens and len(tokens) == 1 and re.fullmatch(r"[0-9a-f]{64}", tokens[0])


def test_the_sign_in_page_form_sets_the_session(client: TestClient) -> None:
    page = client.get("/login", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"name": "rita", "password": PASSWORDS["rita"],
                                    "next": "/articles/seed-0001", "csrf_token": token},
                    follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/articles/seed-0001")
    assert "rita" in client.get("/", headers=HTML).text
    client.cookies.clear()  # a new visitor
    page = client.get("/login", headers=HTML).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    bad = client.post("/login", data={"name": "rita", "password": "nope-nope",
                                      "csrf_token": token}, headers=HTML)
    assert bad.status_code == 401 and "Wrong user name or password." in bad.text


def test_sign_in_redirects_only_within_the_site(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/", headers=HTML).text
    assert 'name="next" value="/"' in page


def test_closed_reading_needs_a_user(web_db: str) -> None:
    with make_client(web_db, open_read=False) as c:
        assert_error(c.get("/api/overview"), 401, "not-signed-in")
        page = c.get("/map", headers=HTML, follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (303, "/login?next=/map")
        assert c.get("/login", headers=HTML).status_code == 200
        login(c, "rita")
        assert c.get("/api/overview").status_code == 200


def test_user_management_is_for_admins(client: TestClient) -> None:
    assert_error(client.get("/api/users"), 401, "not-signed-in")
    rita = login(client, "rita")
    assert_error(client.get("/api/users"), 403, "forbidden")
    assert_error(client.post("/api/users", json={"name": "x", "password": "long-enough"},
                             headers={"X-CSRF-Token": rita}), 403, "forbidden")
    adam = login(client, "adam")
    names = [u["name"] for u in client.get("/api/users").json()["users"]]
    assert names == ["adam", "ana", "rita"]
    made = client.post("/api/users", json={"name": "olga", "password": "пароль-длинный",
                                           "role": "analyst"}, headers={"X-CSRF-Token": adam})
    assert made.status_code == 201 and made.json()["role"] == "analyst"
    assert_error(client.post("/api/users", json={"name": "olga", "password": "another-one"},
                             headers={"X-CSRF-Token": adam}), 409, "user-exists")
    assert_error(client.post("/api/users", json={"name": "short", "password": "1234"},
                             headers={"X-CSRF-Token": adam}), 422, "invalid-input")
    assert_error(client.post("/api/users", json={"name": "bad name!", "password": "long-enough"},
                             headers={"X-CSRF-Token": adam}), 422, "invalid-input")
    olga = made.json()["id"]
    off = client.patch(f"/api/users/{olga}", json={"active": False}, headers={"X-CSRF-Token": adam})
    assert off.json()["active"] is False
    me = client.get("/api/me").json()["user"]
    assert_error(client.patch(f"/api/users/{me['id']}", json={"role": "reader"},
                              headers={"X-CSRF-Token": adam}), 422, "invalid-input")
    assert client.get("/admin/users", headers=HTML).status_code == 200


def test_a_disabled_user_cannot_sign_in_and_loses_sessions(client: TestClient, web_db: str) -> None:
    login(client, "rita")
    with make_client(web_db) as admin:
        adam = login(admin, "adam")
        rita_id = next(u["id"] for u in admin.get("/api/users").json()["users"] if u["name"] == "rita")
        admin.patch(f"/api/users/{rita_id}", json={"active": False}, headers={"X-CSRF-Token": adam})
    assert client.get("/api/me").json()["user"] is None
    token = client.get("/api/csrf").json()["csrf_token"]
    r = client.post("/api/session", json={"name": "rita", "password": PASSWORDS["rita"]},
                    headers={"X-CSRF-Token": token})
    assert_error(r, 401, "bad-credentials")


def test_admin_page_forms_create_and_update_users(client: TestClient) -> None:
    adam = login(client, "adam")
    r = client.post("/admin/users", data={"name": "boris", "password": "long-enough-pw",
                                          "role": "reader", "csrf_token": adam},
                    follow_redirects=False)
    assert r.status_code == 303
    boris = next(u for u in client.get("/api/users").json()["users"] if u["name"] == "boris")
    r = client.post(f"/admin/users/{boris['id']}", data={"role": "analyst", "active": "1",
                                                        "csrf_token": adam}, follow_redirects=False)
    assert r.status_code == 303
    assert next(u for u in client.get("/api/users").json()["users"]
                if u["name"] == "boris")["role"] == "analyst"
    forged = client.post("/admin/users", data={"name": "eve", "password": "long-enough-pw",
                                               "csrf_token": "forged"})
    assert_error(forged, 403, "csrf-failed")


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_cli_user_add_reads_the_password_from_stdin(web_db: str) -> None:
    path = web_db[len("sqlite:///"):]
    result = CliRunner().invoke(_cli(), ["user", "add", "vera", "--role", "analyst",
                                         "--password-stdin", "--db", path],
                                input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    assert "created analyst vera" in result.output
    with make_client(web_db) as c:
        token = c.get("/api/csrf").json()["csrf_token"]
        r = c.post("/api/session", json={"name": "vera", "password": "correct horse battery"},
                   headers={"X-CSRF-Token": token})
        assert r.json()["user"]["role"] == "analyst"
    again = CliRunner().invoke(_cli(), ["user", "add", "vera", "--password-stdin", "--db", path],
                               input="another password\n")
    assert again.exit_code == 3 and "user-exists" in again.output
    bad_role = CliRunner().invoke(_cli(), ["user", "add", "x", "--role", "boss",
                                           "--password-stdin", "--db", path], input="pw-pw-pw-pw\n")
    assert bad_role.exit_code == 2


def test_cli_refuses_a_missing_database(tmp_path) -> None:
    missing = str(tmp_path / "none.sqlite")
    serve = CliRunner().invoke(_cli(), ["serve", "--db", missing])
    assert serve.exit_code == 3 and "newswatch ingest" in serve.output
    add = CliRunner().invoke(_cli(), ["user", "add", "x", "--password-stdin", "--db", missing],
                             input="long-enough\n")
    assert add.exit_code == 3
