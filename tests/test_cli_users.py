"""``newswatch user list / disable / enable / passwd`` on the web test database (three users:
rita reader, ana analyst, adam admin; tests/web_samples.py), and ``user add`` without a
terminal."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from newswatch.cli.web import register

from web_samples import PASSWORDS, make_client


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(_cli(), list(args), input=stdin)
    return result.exit_code, result.output


def _signs_in(url: str, name: str, password: str) -> int:
    with make_client(url) as c:
        token = c.get("/api/csrf").json()["csrf_token"]
        return c.post("/api/session", json={"name": name, "password": password},
                      headers={"X-CSRF-Token": token}).status_code


def test_user_list_in_text_and_json(web_db: str) -> None:
    path = web_db[len("sqlite:///"):]
    code, out = _run("user", "list", "--db", path)
    assert code == 0, out
    lines = out.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["adam", "admin", "active"], ["ana", "analyst", "active"], ["rita", "reader", "active"]]
    assert lines[0].endswith(" UTC")
    code, out = _run("user", "list", "--format", "json", "--db", path)
    assert code == 0
    users = json.loads(out)
    assert [(u["name"], u["role"], u["active"]) for u in users] == [
        ("adam", "admin", True), ("ana", "analyst", True), ("rita", "reader", True)]
    assert _run("user", "list", "--format", "xml", "--db", path)[0] == 2


def test_disable_enable_and_passwd(web_db: str) -> None:
    path = web_db[len("sqlite:///"):]
    assert _run("user", "disable", "rita", "--db", path) == (0, "disabled rita\n")
    assert _signs_in(web_db, "rita", PASSWORDS["rita"]) == 401
    assert "rita\treader\tdisabled" in _run("user", "list", "--db", path)[1]
    assert _run("user", "enable", "rita", "--db", path) == (0, "enabled rita\n")
    assert _signs_in(web_db, "rita", PASSWORDS["rita"]) == 200

    code, out = _run("user", "passwd", "rita", "--password-stdin", "--db", path,
                     stdin="a brand new password\n")
    assert (code, out) == (0, "password changed for rita\n")
    assert _signs_in(web_db, "rita", PASSWORDS["rita"]) == 401
    assert _signs_in(web_db, "rita", "a brand new password") == 200


def test_refusals_and_their_exit_codes(web_db: str, tmp_path) -> None:
    path = web_db[len("sqlite:///"):]
    code, out = _run("user", "disable", "nobody", "--db", path)
    assert code == 3 and "nobody: no such user" in out
    code, out = _run("user", "passwd", "rita", "--password-stdin", "--db", path, stdin="x\n")
    assert code == 3 and "rita:" in out  # too short a password is refused, nothing changed
    assert _signs_in(web_db, "rita", PASSWORDS["rita"]) == 200
    # no terminal and no --password-stdin: one clear line, exit 2, not a prompt
    for args in (("user", "passwd", "rita"), ("user", "add", "vera")):
        code, out = _run(*args, "--db", path, stdin="")
        assert code == 2 and "pass --password-stdin" in out and "Aborted" not in out
    missing = str(tmp_path / "none.sqlite")
    assert _run("user", "list", "--db", missing)[0] == 3
    assert _run("user", "enable", "rita", "--db", missing)[0] == 3


def test_an_unknown_country_is_a_usage_error(web_db: str) -> None:
    from newswatch.cli import app

    path = web_db[len("sqlite:///"):]
    result = CliRunner().invoke(app, ["report", "--country", "Atlantis", "--db", path])
    assert result.exit_code == 2, result.output
    assert "Atlantis" in result.output
    ok = CliRunner().invoke(app, ["report", "--country", "AF", "--db", path, "--format", "json"])
    assert ok.exit_code == 0, ok.output
