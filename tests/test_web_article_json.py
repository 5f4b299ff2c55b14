"""``GET /api/articles/{id}`` sends the one article record of the JSON contract.

The API's ``article`` is :func:`newswatch.serialize.article_to_dict` of the stored revision
(``schema/article.schema.json``), wrapped with the revision, ratings, comment threads and error
reports (``schema/article_view.schema.json``). Real responses of the test dashboard
(tests/web_samples.py: the founding article's passages, Inforos, 8 July 2021, and a Russian
Wikinews record of samples/nerel_ru_sample.jsonl) are validated against both schemas.
"""

from __future__ import annotations

import copy

import jsonschema
import pytest
from starlette.testclient import TestClient

from newswatch.serialize import (
    ARTICLE_SCHEMA,
    ARTICLE_VIEW_SCHEMA,
    SCHEMA_VERSION,
    article_to_dict,
    validate,
)
from newswatch.storage import Store

from web_samples import (  # noqa: F401 - fixtures are used by name
    RU_ID,
    client,
    login,
    web_db,
    web_db_template,
)


def _get(client: TestClient, article_id: str) -> dict:  # noqa: F811
    r = client.get(f"/api/articles/{article_id}")
    assert r.status_code == 200, r.text
    data = r.json()
    validate(data, ARTICLE_VIEW_SCHEMA)
    validate(data["article"], ARTICLE_SCHEMA)
    return data


def test_the_founding_article_is_sent_as_the_json_contract(client: TestClient, web_db: str) -> None:  # noqa: F811
    data = _get(client, "seed-0001")
    article = data["article"]
    assert (article["schema_version"], article["id"], article["published"]) == (
        SCHEMA_VERSION, "seed-0001", "2021-07-08")
    c188 = next(f for f in article["figures"] if f["text"] == "188 counties")
    assert (c188["value"], c188["counted"]) == (188.0, "county")
    assert c188["provenance"]["stage"] == "figures" and "prov" not in c188
    assert article["text"][c188["start"]:c188["end"]] == "188 counties"
    assert c188["sentence"].startswith("In general, the Taliban already control 188 counties")
    ev = article["events"][0]
    assert ev["type"] == "ASSAULT" and set(ev["flags"]) == {"negated", "future", "hypothetical", "reported"}
    assert (data["revision"]["seq"], data["revision_count"]) == (1, 1)
    assert [r["id"] for r in data["revisions"]] == [data["revision"]["id"]]
    with Store.open(web_db, migrate=False) as store:
        assert article == article_to_dict(store.load_article("seed-0001"))  # one serializer


def test_the_russian_article_is_sent_as_the_json_contract(client: TestClient) -> None:  # noqa: F811
    article = _get(client, RU_ID)["article"]
    assert article["language"] == "ru"
    (ghazni,) = article["places"]
    assert (ghazni["geonameid"], ghazni["country_code"]) == (1141269, "AF")
    m = ghazni["mentions"][0]
    assert article["text"][m["start"]:m["end"]] == "Газни"
    assert {e["text"] for e in article["entities"]} >= {"Талибан", "Джейсон Митчелл МакКлари"}


def test_reader_activity_wraps_the_article_record(client: TestClient) -> None:  # noqa: F811
    token = login(client, "ana")
    headers = {"X-CSRF-Token": token}
    assert client.put("/api/articles/seed-0001/rating", json={"stars": 4, "reliability": "B",
                                                             "credibility": 2},
                      headers=headers).status_code == 200
    first = client.post("/api/articles/seed-0001/comments", json={"body": "Which map?"},
                        headers=headers).json()
    client.post("/api/articles/seed-0001/comments", json={"body": "LWJ's", "parent_id": first["id"]},
                headers=headers)
    text = _get(client, "seed-0001")["article"]["text"]
    s = text.index("Termez")
    revision = _get(client, "seed-0001")["revision"]["id"]
    assert client.post("/api/articles/seed-0001/reports", headers=headers, json={
        "revision_id": revision, "exact": "Termez", "start": s, "end": s + 6, "kind": "typo"},
    ).status_code in (200, 201)
    data = _get(client, "seed-0001")
    assert (data["ratings"]["average"], data["ratings"]["admiralty"]) == (4.0, "B2")
    assert data["comments"][0]["replies"][0]["body"] == "LWJ's"
    assert data["reports"][0]["selector"]["position"] == {"type": "TextPositionSelector",
                                                         "start": s, "end": s + 6}
    assert data["entity_ids"] and all(isinstance(i, int) for i in data["entity_ids"].values())


def test_the_schemas_reject_the_old_shapes(client: TestClient) -> None:  # noqa: F811
    data = _get(client, "seed-0001")
    old_item = copy.deepcopy(data)  # the store's former shape: ``prov`` instead of ``provenance``
    fig = old_item["article"]["figures"][0]
    fig["prov"] = fig.pop("provenance")
    flat = copy.deepcopy(data)  # the former flat response: article fields at the top level
    flat.update(flat.pop("article"))
    unversioned = copy.deepcopy(data)
    del unversioned["article"]["schema_version"]
    for bad in (old_item, flat, unversioned):
        with pytest.raises(jsonschema.ValidationError):
            validate(bad, ARTICLE_VIEW_SCHEMA)
