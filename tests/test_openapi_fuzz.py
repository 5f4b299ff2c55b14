"""Schema-based fuzzing of the dashboard API (issue 14): schemathesis generates requests from
``/openapi.json`` for every operation and sends them to the app in-process (ASGI, no
network) over the filled web test database (tests/web_samples.py: four analysed articles,
three users). Every response must be no server error and must conform to the description:
a declared status, the declared media type, a body matching the declared schema and the
declared headers (Retry-After on 429).

Each operation gets a bounded number of examples (deterministic: ``derandomize``), in two
modes (data that fits the schema and data that does not) and, for writes, both anonymous
and signed in as the admin; path parameters are also pinned to ids that exist, so reads
return real rows and writes reach the database. Runs in well under a minute.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from newswatch.web import create_app, load_config

from web_samples import PASSWORDS, TEST_OVERRIDES, build_web_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
#: Examples per operation and pass (data that fits the schema, data that does not);
#: sign-in hashes every guess (Argon2), so it gets fewer, and so do anonymous writes (401).
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}
SIGN_IN_EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 3}
ANONYMOUS_WRITES = 3
#: Examples per operation with the values of :func:`_pins`.
PINNED_EXAMPLES = 4
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Reads that need a signed-in user whatever ``web_open_read`` says (fuzzed signed in too).
SIGNED_IN_READS = {"GET /api/users", "GET /api/watch/sources", "GET /api/watch/rules",
                   "GET /api/watch/alerts"}


def _sign_in(app: Any, name: str = "adam") -> tuple[TestClient, dict[str, str]]:
    c = TestClient(app)
    token = c.get("/api/csrf").json()["csrf_token"]
    r = c.post("/api/session", json={"name": name, "password": PASSWORDS[name]},
               headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    return c, {"Cookie": f"nw_session={r.cookies['nw_session']}",
               "X-CSRF-Token": r.json()["csrf_token"]}


def _pins(app: Any, db: Path) -> dict[str, dict[str, Any]]:
    """Values that exist in the test database, per operation (``as_strategy`` arguments):
    the generated requests then reach real rows, not only 404 and 422."""
    with sqlite3.connect(db) as conn:
        entity_id = conn.execute("SELECT id FROM entity WHERE key = 'ORG:Taliban'").fetchone()[0]
        kabul_id = conn.execute("SELECT id FROM entity WHERE canonical = 'Kabul'").fetchone()[0]
        rita_id = conn.execute("SELECT id FROM app_user WHERE name = 'rita'").fetchone()[0]
        story_id = conn.execute("SELECT story_id FROM story_member WHERE article_id = 'seed-0001'").fetchone()[0]
    c, auth = _sign_in(app, "rita")
    with c:
        view = c.get("/api/articles/seed-0001").json()
        revision, text = view["revision"]["id"], view["article"]["text"]
        start = text.index("188 counties")
        selection = {"revision_id": revision, "exact": "188 counties", "start": start,
                     "end": start + len("188 counties"), "kind": "wrong-figure"}
        r = c.post("/api/articles/seed-0001/reports", json=selection, headers=auth)
        assert r.status_code == 201, r.text
        report_id = r.json()["id"]
        event = next(e for e in c.get("/api/events", params={"type": "ASSAULT"}).json()["items"]
                     if e["article_id"] == "seed-0001")
    c, auth = _sign_in(app, "ana")
    with c:  # a merge to undo
        r = c.post(f"/api/entities/{entity_id}/merge", headers=auth,
                   json={"other": kabul_id, "note": "a merge for the fuzzer to undo"})
        assert r.status_code == 201, r.text
        edit_id = r.json()["id"]
    article = {"path_parameters": {"article_id": "seed-0001"}}
    figure = {"kind": "figure", "start": start, "end": start + len("188 counties")}
    return {
        "GET /api/articles/{article_id}": article,
        "GET /api/articles/{article_id}/ratings": article,
        "GET /api/articles/{article_id}/comments": article,
        "GET /api/articles/{article_id}/reports": article,
        "POST /api/articles/{article_id}/comments": article,
        "PUT /api/articles/{article_id}/rating": {**article, "body": {"stars": 4}},
        "POST /api/articles/{article_id}/reports": {**article, "body": selection},
        "POST /api/reports/{report_id}/resolve": {"path_parameters": {"report_id": report_id}},
        "GET /api/reports/{report_id}/items": {"path_parameters": {"report_id": report_id}},
        "POST /api/reports/{report_id}/correction": {
            "path_parameters": {"report_id": report_id},
            "body": {**figure, "fields": {"value": 190, "lower": 190, "upper": 190}}},
        "GET /api/articles/{article_id}/corrections": article,
        "POST /api/articles/{article_id}/corrections": {
            **article, "body": {**figure, "revision_id": revision, "action": "reject"}},
        "PUT /api/articles/{article_id}/verification": {**article, "body": {
            "revision_id": event["revision_id"], "start": event["start"], "end": event["end"],
            "status": "verified"}},
        "GET /api/entities/{entity_id}": {"path_parameters": {"entity_id": entity_id}},
        "GET /api/entities/{entity_id}/edits": {"path_parameters": {"entity_id": entity_id}},
        "POST /api/entities/{entity_id}/merge": {"path_parameters": {"entity_id": entity_id},
                                                 "body": {"other": "Moscow", "note": "fuzz"}},
        "POST /api/entities/{entity_id}/split": {"path_parameters": {"entity_id": entity_id},
                                                 "body": {"name": "Taliban (2)", "label": "ORG",
                                                          "note": "fuzz", "members": [
                                                              {"article_id": "seed-0001",
                                                               "text": "Taliban"}]}},
        "POST /api/entity-edits/{edit_id}/undo": {"path_parameters": {"edit_id": edit_id}},
        "GET /api/stories/{story_id}": {"path_parameters": {"story_id": story_id}},
        "GET /api/places/{key}/mentions": {"path_parameters": {"key": "geonames:1215957"}},
        "GET /api/export/{dataset}.{fmt}": {"path_parameters": {"dataset": "places",
                                                                "fmt": "geojson"}},
        "GET /api/timeline/items": {"query": {"start": "2021-07-01", "end": "2021-07-31"}},
        "PATCH /api/users/{user_id}": {"path_parameters": {"user_id": rita_id}},
        "POST /api/users": {"body": {"name": "new.reader", "password": "long-enough-pw"}},
        "GET /api/bulk/{dataset}": {"path_parameters": {"dataset": "mentions"}},
        "POST /api/watch/rules": {"body": {"name": "fuzz rule", "query": "Termez"}},
        "POST /api/watch/rules/test": {"body": {"query": "Termez"}},
    }


def _run(operation: Any, mode: GenerationMode, examples: int, headers: dict[str, str] | None,
         pinned: dict[str, Any], seen: Counter[int], problems: list[str]) -> None:
    strategy = operation.as_strategy(generation_mode=mode, **pinned)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as failures:
            problems.append(f"{operation.method.upper()} {operation.path} ({mode}, "
                            f"{'signed in' if headers else 'anonymous'}):\n{failures}")
            raise
        seen[response.status_code // 100] += 1

    try:
        fuzz()
    except FailureGroup:
        pass  # recorded above; the other operations still run
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (no parameters, no body)


def test_every_operation_answers_within_its_description(tmp_path: Path) -> None:
    db = tmp_path / "fuzz.sqlite"
    app = create_app(load_config(build_web_db(db), TEST_OVERRIDES, env={}))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    pins = _pins(app, db)
    problems: list[str] = []
    by_operation: dict[str, Counter[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 28
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        seen: Counter[int] = by_operation.setdefault(label, Counter())
        passes: list[dict[str, str] | None] = [None]
        if operation.method.upper() in WRITE_METHODS or label in SIGNED_IN_READS:
            # A fresh session per operation: signing out or a password change must not turn
            # the rest of the run anonymous.
            passes.append(_sign_in(app)[1])
        for headers in passes:
            examples = EXAMPLES if label != "POST /api/session" else SIGN_IN_EXAMPLES
            for mode, count in examples.items():
                if headers is None and len(passes) > 1:
                    count = min(count, ANONYMOUS_WRITES)
                _run(operation, mode, count, headers, {}, seen, problems)
            if label in pins:
                _run(operation, GenerationMode.POSITIVE, PINNED_EXAMPLES, headers, pins[label],
                     seen, problems)
    assert not problems, "\n\n".join(problems)
    # The fuzzer reached real data: every operation answered 2xx at least once, but sign-in
    # (random credentials).
    silent = [label for label, seen in by_operation.items()
              if seen[2] == 0 and label != "POST /api/session"]
    assert silent == [], silent


def test_the_fuzz_checks_catch_a_server_error_and_an_undeclared_status(tmp_path: Path) -> None:
    """The checks used above are not vacuous: an app that answers 500, or a status its
    description does not declare, fails them."""
    broken = FastAPI()

    @broken.get("/boom")
    def boom() -> JSONResponse:
        return JSONResponse({"error": "x"}, status_code=500)

    @broken.get("/teapot")
    def teapot() -> JSONResponse:
        return JSONResponse({}, status_code=418)

    schema = schemathesis.openapi.from_asgi("/openapi.json", broken)
    failed: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            operation.Case().call_and_validate(checks=CHECKS)
        except FailureGroup as failures:
            failed[operation.path] = str(failures)
    assert set(failed) == {"/boom", "/teapot"}
    assert "Server error" in failed["/boom"] and "Undocumented" in failed["/teapot"]
