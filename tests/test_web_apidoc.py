"""The footer's "API" link (issue 12): ``/docs`` is a page generated from the OpenAPI
description, in the interface language, with no external assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from newswatch.web import create_app, load_config
from newswatch.web.apidoc import reference, type_of

from web_samples import build_web_db


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = build_web_db(Path(tmp_path_factory.mktemp("apidoc")) / "web.sqlite")
    return TestClient(create_app(load_config(url, {"allowed_hosts": "testserver"}, env={})))


def test_the_footer_api_link_leads_to_a_page_with_every_route(client: TestClient) -> None:
    home = client.get("/")
    assert '<a href="/docs">API</a>' in home.text
    page = client.get("/docs")
    assert page.status_code == 200
    doc = client.get("/openapi.json").json()
    listed = set(re.findall(r'<code class="method method-(\w+)">\w+</code> <code>([^<]+)</code>', page.text))
    wanted = {(m, p) for p, item in doc["paths"].items() for m in item
              if m in ("get", "post", "put", "patch", "delete")}
    assert listed == wanted and len(wanted) > 40


def test_the_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs").text
    sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(("/", "data:")) for s in sources), sources  # data:, = no favicon


def test_parameters_and_bodies_come_from_the_description(client: TestClient) -> None:
    groups = dict(reference(client.get("/openapi.json").json()))
    ops = {(o.method, o.path): o for ops in groups.values() for o in ops}
    m = ops[("GET", "/api/map")]
    assert {p.name: p.where for p in m.params}.get("happened_since") == "query"
    merge = ops[("POST", "/api/entities/{entity_id}/merge")]
    assert [(p.name, p.where, p.required) for p in merge.params if p.where == "path"] == [
        ("entity_id", "path", True)]
    assert any(p.where == "body" and p.name == "note" for p in merge.params)
    assert any(code == "422" for code, _ in merge.responses)


def test_the_page_speaks_russian(client: TestClient) -> None:
    page = client.get("/docs", params={"lang": "ru"}).text
    assert "<h1>Справочник по API</h1>" in page and "Параметры" in page


def test_schema_types_in_words() -> None:
    doc = {"components": {"schemas": {"Merge": {"type": "object"}}}}
    assert type_of(doc, {"$ref": "#/components/schemas/Merge"}) == "Merge"
    assert type_of(doc, {"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer | null"
    assert type_of(doc, {"type": "array", "items": {"type": "string", "format": "date"}}) == "array of string (date)"
    assert type_of(doc, {"enum": ["en", "ru"]}) == "one of: en, ru"
