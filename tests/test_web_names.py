"""Issue 12: in the Russian interface entities show their Russian names where the data has
them, in the English one their English names (entity list, dossier, overview's actors)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from newswatch.storage import Store
from newswatch.storage import schema as t
from newswatch.web import create_app, load_config

from web_samples import build_web_db


@pytest.fixture(scope="module")
def client_and_id(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, int]:
    url = build_web_db(Path(tmp_path_factory.mktemp("names")) / "web.sqlite")
    with Store.open(url) as store, store.engine.begin() as conn:
        eid = conn.scalar(sa.select(t.entity.c.id).where(t.entity.c.canonical == "Sergei Lavrov"))
        # what the entities stage writes when the same person is read in both languages
        conn.execute(sa.update(t.entity).where(t.entity.c.id == eid)
                     .values(labels={"en": "Sergei Lavrov", "ru": "Сергей Лавров"}))
    return TestClient(create_app(load_config(url, {"allowed_hosts": "testserver"}, env={}))), int(eid)


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/entities/\d+[^"]*"><bdi>([^<]+)</bdi></a>', html)


def test_the_entity_list_and_overview_name_entities_in_the_interface_language(client_and_id) -> None:
    client, _ = client_and_id
    assert "Сергей Лавров" in _names(client.get("/entities", params={"lang": "ru"}).text)
    assert "Sergei Lavrov" in _names(client.get("/entities", params={"lang": "en"}).text)
    assert "Сергей Лавров" in _names(client.get("/", params={"lang": "ru"}).text)
    assert "Sergei Lavrov" not in _names(client.get("/", params={"lang": "ru"}).text)


def test_the_dossier_heading_is_in_the_interface_language(client_and_id) -> None:
    client, eid = client_and_id
    ru = client.get(f"/entities/{eid}", params={"lang": "ru"}).text
    en = client.get(f"/entities/{eid}", params={"lang": "en"}).text
    assert "<h1><bdi>Сергей Лавров</bdi>" in ru and "<h1><bdi>Sergei Lavrov</bdi>" in en
    api = client.get(f"/api/entities/{eid}").json()["entity"]
    assert api["labels"] == {"en": "Sergei Lavrov", "ru": "Сергей Лавров"}
