"""Entity merge and split from the dossier (issue 12): an analyst merges the Russian-language
entity "Сергей Лавров" into "Sergei Lavrov" (a cross-language pair the machine kept apart), or
splits the Russian NEREL article's "Талибан" off the English "Taliban" entity (the alias file
put both under one key); the dossier, the entity list, the exports, the API, the quotes list,
the actor ranking and the timeline's actor filter then count the mentions under the entity the
analyst chose, with "merged by ana at …: reason"; undo restores every answer exactly; the
records survive saving the articles again; anonymous users, readers and requests without the
CSRF token are refused; both backends read the same.

Data: the web test database (tests/web_samples.py) plus ``lavrov_ru_article``, a Russian
article naming "Сергей Лавров" twice and quoting him once, saved through the storage layer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from newswatch.storage import Store
from newswatch.storage import schema as t

from storage_samples import TEXT, make_article
from web_samples import RU_ID, RU_LAVROV, RU_TEXT, assert_error, lavrov_ru_article, login, make_client

REASON = "same minister: the July 7 press conference, reported in English and Russian"


@pytest.fixture
def db(web_db: str) -> str:
    """The web test database with the Russian Lavrov article."""
    with Store.open(web_db) as store:
        assert store.save(lavrov_ru_article()).status == "new"
    return web_db


@pytest.fixture
def ana(db: str) -> Iterator[tuple[TestClient, str]]:
    """A client signed in as the analyst, and its CSRF token."""
    with make_client(db) as c:
        yield c, login(c, "ana")


def _id(client: TestClient, name: str) -> int:
    found = [e for e in client.get("/api/entities", params={"limit": 100}).json()["items"]
             if e["name"] == name]
    assert len(found) == 1, found
    return int(found[0]["id"])


def _merge(ana: tuple[TestClient, str], into: int, other: Any, note: str = REASON) -> Any:
    client, token = ana
    return client.post(f"/api/entities/{into}/merge", headers={"X-CSRF-Token": token},
                       json={"other": other, "note": note})


def _mentions_csv(client: TestClient) -> list[dict[str, str]]:
    r = client.get("/api/export/mentions.csv")
    assert r.status_code == 200
    return list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))


def _answers(client: TestClient, ids: list[int]) -> dict[str, Any]:
    """Every read an entity edit changes, for before/after comparisons."""
    out: dict[str, Any] = {}
    for i in ids:
        d = client.get(f"/api/entities/{i}").json()
        d.pop("edits")
        out[f"dossier {i}"] = d
        out[f"quotes {i}"] = client.get("/api/quotes", params={"speaker_id": i}).json()
        out[f"events {i}"] = client.get("/api/events", params={"actor_id": i}).json()
        out[f"timeline {i}"] = client.get("/api/timeline", params={"actor": i}).json()
    out["entities"] = client.get("/api/entities", params={"limit": 100}).json()
    out["overview"] = client.get("/api/overview").json()["busiest_actors"]
    out["mentions.csv"] = _mentions_csv(client)
    out["quotes.csv"] = client.get("/api/export/quotes.csv").text
    return out


def test_merge_counts_the_mentions_under_the_survivor_everywhere_with_provenance(ana, db: str
                                                                              ) -> None:
    client, _ = ana
    en, ru = _id(client, "Sergei Lavrov"), _id(client, "Сергей Лавров")
    before = client.get(f"/api/entities/{en}").json()
    assert (before["counts"]["mentions"], before["counts"]["quotes"]) == (2, 2)
    assert before["languages"] == {"en": 2} and before["merged_into"] is None
    # the timeline's actor filter: the Russian article (9 July) is not the English entity's
    en_days = {b["start"] for b in client.get("/api/timeline", params={"actor": en}).json()[
        "buckets"] if b["total"]}
    assert "2021-07-09" not in en_days

    r = _merge(ana, en, "Сергей Лавров")  # picked by its exact name
    assert r.status_code == 201, r.text
    edit = r.json()
    assert (edit["action"], edit["entity_id"], edit["target_id"], edit["by"], edit["note"]) == (
        "merge", ru, en, "ana", REASON)
    assert [m["name"] for m in edit["members"]] == ["Сергей Лавров", "Sergei Lavrov"]
    assert [m["mentions"] for m in edit["members"]] == [2, 2]  # the evidence as it was
    provenance = f"merged by ana at {edit['at']}: {REASON}"
    assert edit["provenance"] == provenance

    # the dossier (API and page): the Russian mentions and quote count under Sergei Lavrov
    after = client.get(f"/api/entities/{en}").json()
    assert after["counts"]["mentions"] == 4 and after["counts"]["quotes"] == 3
    assert after["counts"]["articles"] == 3 and after["languages"] == {"en": 2, "ru": 2}
    moved = [m for m in after["mentions"] if m["article_id"] == RU_LAVROV]
    assert sorted(m["text"] for m in moved) == ["Сергей Лавров", "Сергея Лаврова"]
    assert all(m["entity_edit"]["provenance"] == provenance for m in moved)
    assert [m["entity_edit"] for m in after["mentions"] if m["article_id"] != RU_LAVROV] == [
        None, None]
    assert after["edits"][0]["provenance"] == provenance
    page = client.get(f"/entities/{en}", headers={"accept": "text/html"}).text
    assert "merged by ana" in page and REASON in page and "Сергея Лаврова" in page
    # the old entity says where it went
    old = client.get(f"/api/entities/{ru}").json()
    assert old["merged_into"]["id"] == en and old["merged_into"]["name"] == "Sergei Lavrov"
    assert old["counts"]["mentions"] == 0
    page = client.get(f"/entities/{ru}", headers={"accept": "text/html"}).text
    assert "Merged into" in page and f'href="/entities/{en}"' in page

    # the entity list and the actor ranking
    listed = {e["id"]: e for e in client.get("/api/entities", params={"limit": 100}).json()["items"]}
    assert listed[en]["mentions"] == 4 and ru not in listed
    actors = {a["id"]: a for a in client.get("/api/overview").json()["busiest_actors"]}
    assert actors[en]["mentions"] == 4 and ru not in actors
    # an export row: the surviving entity, and which merge put it there
    rows = [r for r in _mentions_csv(client) if r["article_id"] == RU_LAVROV]
    assert {(r["text"], r["entity_id"], r["entity_edit"]) for r in rows} == {
        ("Сергей Лавров", str(en), provenance), ("Сергея Лаврова", str(en), provenance)}
    # the quotes list by speaker, and the quote rows
    quotes = client.get("/api/quotes", params={"speaker_id": en}).json()
    assert quotes["total"] == 3
    ru_quote = next(q for q in quotes["items"] if q["article_id"] == RU_LAVROV)
    assert ru_quote["speaker_id"] == en and ru_quote["speaker_name"] == "Sergei Lavrov"
    # the timeline's actor filter now takes the Russian article's day
    days = {b["start"] for b in client.get("/api/timeline", params={"actor": en}).json()[
        "buckets"] if b["total"]}
    assert "2021-07-09" in days

    # the machine's rows are untouched
    with Store.open(db) as store, store.read() as conn:
        m = t.entity_mention.c
        machine = set(conn.scalars(sa.select(m.entity_id).join(
            t.revision, t.revision.c.id == m.revision_id).where(
                t.revision.c.article_id == RU_LAVROV)))
    assert machine == {ru}


def test_undo_restores_every_answer_exactly(ana) -> None:
    client, token = ana
    en, ru, taliban = (_id(client, n) for n in ("Sergei Lavrov", "Сергей Лавров", "Taliban"))
    before = _answers(client, [en, ru, taliban])
    merge = _merge(ana, en, ru).json()
    split = client.post(f"/api/entities/{taliban}/split", headers={"X-CSRF-Token": token},
                        json={"name": "Движение Талибан", "label": "ORG", "note": "the Russian text",
                              "members": [{"article_id": RU_ID, "text": "Талибан"}]}).json()
    changed = _answers(client, [en, ru, taliban])
    assert changed != before
    for edit in (split, merge):
        r = client.post(f"/api/entity-edits/{edit['id']}/undo", headers={"X-CSRF-Token": token},
                        json={"note": "checked again"})
        assert r.status_code == 200, r.text
        assert (r.json()["undone_by"], r.json()["active"]) == ("ana", False)
    assert _answers(client, [en, ru, taliban]) == before
    # the records are kept, with who undid them
    history = client.get(f"/api/entities/{en}/edits").json()["edits"]
    assert [(e["id"], e["undone_by"], e["undo_note"]) for e in history] == [
        (merge["id"], "ana", "checked again")]
    again = client.post(f"/api/entity-edits/{merge['id']}/undo", headers={"X-CSRF-Token": token},
                        json={})
    assert_error(again, 422, "invalid-input")


def test_split_moves_the_chosen_mentions_to_the_new_entity(ana) -> None:
    client, token = ana
    taliban = _id(client, "Taliban")
    before = client.get(f"/api/entities/{taliban}").json()
    assert before["counts"]["mentions"] == 3 and before["languages"] == {"en": 2, "ru": 1}
    r = client.post(f"/api/entities/{taliban}/split", headers={"X-CSRF-Token": token},
                    json={"name": "Движение Талибан", "label": "ORG",
                          "note": "the NEREL text names the movement; the alias file conflated",
                          "members": [{"article_id": RU_ID, "text": "Талибан"}]})
    assert r.status_code == 201, r.text
    split = r.json()
    new = split["target_id"]
    assert split["members"] == [{"article_id": RU_ID, "entity_id": taliban, "text": "Талибан"}]
    old = client.get(f"/api/entities/{taliban}").json()
    assert old["counts"]["mentions"] == 2 and old["languages"] == {"en": 2}
    made = client.get(f"/api/entities/{new}").json()
    assert (made["entity"]["name"], made["entity"]["label"]) == ("Движение Талибан", "ORG")
    assert [(m["article_id"], m["text"]) for m in made["mentions"]] == [(RU_ID, "Талибан")]
    assert made["mentions"][0]["entity_edit"]["provenance"].startswith("split by ana at ")
    assert made["counts"]["events"] == 0  # the machine's Taliban events stay with Taliban
    assert old["counts"]["events"] == before["counts"]["events"]
    rows = [r for r in _mentions_csv(client) if r["text"] == "Талибан"]
    assert [(r["entity_id"], r["entity_edit"][:12]) for r in rows] == [(str(new), "split by ana")]
    listed = {e["id"]: e["mentions"] for e in client.get(
        "/api/entities", params={"limit": 100}).json()["items"]}
    assert (listed[taliban], listed[new]) == (2, 1)
    # the page form: a split by article (every mention there), then to the new dossier
    page = client.get(f"/entities/{taliban}", headers={"accept": "text/html"}).text
    assert f'action="/entities/{taliban}/split"' in page
    r = client.post(f"/entities/{taliban}/split", follow_redirects=False, data={
        "csrf_token": token, "name": "Taliban (reprint)", "label": "ORG", "note": "by article",
        "member": ['{"article_id": "seed-0002", "text": null}']})
    assert r.status_code == 303
    reprint = int(r.headers["location"].rsplit("/", 1)[1])
    assert client.get(f"/api/entities/{reprint}").json()["counts"]["mentions"] == 1
    assert client.get(f"/api/entities/{taliban}").json()["counts"]["mentions"] == 1
    # a member that names no mention of the entity is refused
    bad = client.post(f"/api/entities/{taliban}/split", headers={"X-CSRF-Token": token},
                      json={"name": "X", "label": "ORG", "note": "n",
                            "members": [{"article_id": RU_ID, "text": "Талибан"}]})
    assert_error(bad, 422, "invalid-input")


def test_merge_and_split_survive_saving_the_articles_again(ana, db: str) -> None:
    client, token = ana
    en, ru, taliban = (_id(client, n) for n in ("Sergei Lavrov", "Сергей Лавров", "Taliban"))
    assert _merge(ana, en, ru).status_code == 201
    r = client.post(f"/api/entities/{taliban}/split", headers={"X-CSRF-Token": token},
                    json={"name": "Taliban (seed)", "label": "ORG", "note": "by article",
                          "members": [{"article_id": "seed-0001"}]})
    new = r.json()["target_id"]
    with Store.open(db) as store:
        assert store.save(make_article()).status == "unchanged"
        revised = TEXT.replace("In general, the Taliban", "In general, by all accounts, the Taliban")
        seed = store.save(make_article(revised))
        ru_text = RU_TEXT.replace("По словам", "Как сообщил журналистам глава МИД, по словам")
        lavrov = store.save(lavrov_ru_article(ru_text))
        assert (seed.status, lavrov.status) == ("revised", "revised")
    dossier = client.get(f"/api/entities/{en}").json()
    assert dossier["counts"]["mentions"] == 4 and dossier["counts"]["quotes"] == 3
    assert {m["revision_id"] for m in dossier["mentions"] if m["article_id"] == RU_LAVROV} == {
        lavrov.revision_id}
    split = client.get(f"/api/entities/{new}").json()
    assert [(m["article_id"], m["revision_id"], m["start"]) for m in split["mentions"]] == [
        ("seed-0001", seed.revision_id, revised.index("Taliban"))]
    assert client.get(f"/api/entities/{taliban}").json()["counts"]["mentions"] == 2


def test_merges_chain_and_an_entity_merged_away_cannot_be_merged_again(ana) -> None:
    client, _ = ana
    en, ru, moscow = (_id(client, n) for n in ("Sergei Lavrov", "Сергей Лавров", "Moscow"))
    assert _merge(ana, en, ru).status_code == 201
    assert _merge(ana, moscow, en, "a test of chains").status_code == 201
    assert client.get(f"/api/entities/{moscow}").json()["counts"]["mentions"] == 2 + 2 + 2
    assert client.get(f"/api/entities/{ru}").json()["merged_into"]["id"] == moscow
    assert_error(_merge(ana, moscow, ru), 422, "invalid-input")  # already merged away
    assert_error(_merge(ana, moscow, moscow), 422, "invalid-input")  # itself
    assert_error(_merge(ana, moscow, en + 10_000), 404, "not-found")
    assert_error(_merge(ana, moscow, "No Such Name"), 422, "invalid-input")
    assert_error(_merge(ana, moscow, _id(client, "Kabul"), note="  "), 422, "invalid-input")


def test_anonymous_readers_and_requests_without_csrf_are_refused(db: str) -> None:
    with make_client(db) as anonymous:
        en = _id(anonymous, "Sergei Lavrov")
        body = {"other": "Сергей Лавров", "note": REASON}
        token = anonymous.get("/api/csrf").json()["csrf_token"]
        assert_error(anonymous.post(f"/api/entities/{en}/merge", json=body,
                                    headers={"X-CSRF-Token": token}), 401, "not-signed-in")
    with make_client(db) as reader:
        token = login(reader, "rita")
        assert_error(reader.post(f"/api/entities/{en}/merge", json=body,
                                 headers={"X-CSRF-Token": token}), 403, "forbidden")
        page = reader.get(f"/entities/{en}", headers={"accept": "text/html"}).text
        assert f'action="/entities/{en}/merge"' not in page  # no forms for readers
    with make_client(db) as analyst:
        login(analyst, "ana")
        assert_error(analyst.post(f"/api/entities/{en}/merge", json=body), 403, "csrf-failed")
        r = analyst.post(f"/entities/{en}/merge", data={"other": "Сергей Лавров", "note": REASON},
                         follow_redirects=False)
        assert r.status_code == 403
        assert analyst.get(f"/api/entities/{en}").json()["counts"]["mentions"] == 2


def test_merge_split_and_undo_read_the_same_on_sqlite_and_postgresql(db_url: str) -> None:
    from newswatch.read import Filters
    from newswatch.web import review
    from newswatch.web.queries import dossier, entity_list, export_rows
    from newswatch.web.users import create_user

    from web_samples import russian_article, seed_article

    with Store.open(db_url) as store:
        for article in (seed_article(), russian_article(), lavrov_ru_article()):
            store.save(article)
        ana_user = create_user(store.engine, "ana", "analyst-password", "analyst")
        with store.read() as conn:
            ids = {r.canonical: int(r.id) for r in conn.execute(sa.select(t.entity))}
        en, ru, taliban = ids["Sergei Lavrov"], ids["Сергей Лавров"], ids["Taliban"]
        merge = review.merge_entities(store.engine, ana_user, en, ru, note=REASON,
                                      max_note_chars=500)
        split = review.split_entity(store.engine, ana_user, taliban, name="Движение Талибан",
                                    label="ORG", members=[{"article_id": RU_ID, "text": "Талибан"}],
                                    note="conflated", max_note_chars=500)
        with store.read() as conn:
            assert dossier(conn, en, Filters())["counts"]["mentions"] == 3
            assert dossier(conn, ru, Filters())["merged_into"]["id"] == en
            assert dossier(conn, split["target_id"], Filters())["counts"]["mentions"] == 1
            listed = {e["id"]: e["mentions"] for e in entity_list(conn, Filters())["items"]}
            assert (listed[en], listed[taliban], listed[split["target_id"]]) == (3, 1, 1)
            rows = [r for r in export_rows(conn, Filters(), "mentions")
                    if r["article_id"] == RU_LAVROV]
            assert {r["entity_id"] for r in rows} == {en}
            # the lists' entity-id filters read the same edits (a CASE over the edits)
            from newswatch.read.workbench import EventQuery, QuoteQuery, list_events, list_quotes

            said = list_quotes(conn, Filters(), QuoteQuery(speaker_id=en), limit=10)["items"]
            assert sorted(q["article_id"] for q in said) == [RU_LAVROV, "seed-0001"]
            assert list_events(conn, Filters(), EventQuery(actor_id=split["target_id"]),
                               limit=10)["total"] == 0
        for edit in (merge, split):
            review.undo_entity_edit(store.engine, ana_user, edit["id"], max_note_chars=500)
        with store.read() as conn:
            listed = {e["id"]: e["mentions"] for e in entity_list(conn, Filters())["items"]}
            assert (listed[en], listed[ru], listed[taliban]) == (1, 2, 2)
            assert split["target_id"] not in listed


def test_a_split_by_alias_takes_that_form_in_every_article_later_ones_too(ana, db: str) -> None:
    client, token = ana
    taliban = _id(client, "Taliban")
    r = client.post(f"/api/entities/{taliban}/split", headers={"X-CSRF-Token": token},
                    json={"name": "Taliban (English)", "label": "ORG", "note": "by alias",
                          "members": [{"article_id": None, "text": "Taliban"}]})
    assert r.status_code == 201, r.text
    new = r.json()["target_id"]
    assert r.json()["members"] == [{"article_id": None, "entity_id": taliban, "text": "Taliban"}]
    moved = client.get(f"/api/entities/{new}").json()
    assert sorted(m["article_id"] for m in moved["mentions"]) == ["seed-0001", "seed-0002"]
    assert client.get(f"/api/entities/{taliban}").json()["languages"] == {"ru": 1}
    with Store.open(db) as store:  # an article saved afterwards follows the split
        assert store.save(make_article(article_id="seed-0003")).status == "new"
    moved = client.get(f"/api/entities/{new}").json()
    assert moved["counts"]["mentions"] == 3 and moved["counts"]["articles"] == 3
    # neither an article nor a form: refused
    bad = client.post(f"/api/entities/{taliban}/split", headers={"X-CSRF-Token": token},
                      json={"name": "X", "label": "ORG", "note": "n", "members": [{}]})
    assert_error(bad, 422, "invalid-input")


def test_sync_reports_the_entities_a_merge_changed(ana) -> None:
    client, _ = ana
    en, ru = _id(client, "Sergei Lavrov"), _id(client, "Сергей Лавров")
    since = dt.datetime.now(dt.UTC).isoformat()
    assert client.get("/api/entities", params={"updated_since": since}).json()["items"] == []
    assert _merge(ana, en, ru).status_code == 201
    rows = client.get("/api/entities", params={"updated_since": since}).json()["items"]
    assert [(r["id"], r["mentions"]) for r in rows] == [(en, 4)]
    articles = client.get("/api/articles", params={"updated_since": since}).json()["items"]
    assert [a["id"] for a in articles] == [RU_LAVROV]
    # the entity merged away is named, so a syncing client drops its row (tester's finding)
    gone = client.get("/api/entities", params={"updated_since": since}).json()["merged_away"]
    assert [(g["id"], g["name"], g["merged_into"]) for g in gone] == [(ru, "Сергей Лавров", en)]
    assert gone[0]["edit"]["action"] == "merge"


def test_the_resolver_counts_each_mention_under_one_entity_through_overlapping_edits(
        ana, db: str) -> None:
    """A split by alias, a split of the new entity by article, a merge of that one into
    Moscow: the ``CASE`` lists and the per-entity filters agree on every mention."""
    from newswatch.read.merges import EntityEdits

    client, token = ana
    headers = {"X-CSRF-Token": token}
    taliban, moscow = _id(client, "Taliban"), _id(client, "Moscow")
    first = client.post(f"/api/entities/{taliban}/split", headers=headers, json={
        "name": "Taliban (en)", "label": "ORG", "note": "n",
        "members": [{"article_id": None, "text": "Taliban"}]}).json()["target_id"]
    second = client.post(f"/api/entities/{first}/split", headers=headers, json={
        "name": "Taliban (seed)", "label": "ORG", "note": "n",
        "members": [{"article_id": "seed-0001"}]}).json()["target_id"]
    assert _merge(ana, moscow, second, "a test").status_code == 201
    with Store.open(db) as store, store.read() as conn:
        edits = EntityEdits(conn)
        m, r = t.entity_mention.c, t.revision.c
        counted = {int(row.id): int(row.entity) for row in conn.execute(
            sa.select(m.id, edits.entity_of(m.entity_id, r.article_id, m.text).label("entity"))
            .join(t.revision, r.id == m.revision_id))}
        for entity in set(counted.values()) | {taliban, first, second}:
            found = set(conn.scalars(sa.select(m.id).join(t.revision, r.id == m.revision_id)
                                     .where(edits.is_entity(entity, m.entity_id, r.article_id,
                                                            m.text))))
            assert found == {i for i, e in counted.items() if e == entity}, entity
        assert edits.root(second) == moscow and second not in set(counted.values())
    assert client.get(f"/api/entities/{first}").json()["counts"]["mentions"] == 1  # seed-0002
    assert client.get(f"/api/entities/{moscow}").json()["counts"]["mentions"] == 3


def test_a_boolean_or_an_out_of_range_integer_is_no_entity_id(ana) -> None:
    """``{"other": true}`` once merged entity 1 (pydantic read true as 1); 2^63 was a 404."""
    client, token = ana
    en = _id(client, "Sergei Lavrov")
    for other in (True, False, 2**63, -(2**63) - 1, "9223372036854775808"):
        err = assert_error(_merge(ana, en, other), 422,
                           "invalid-input" if isinstance(other, str) else "invalid-request")
        assert "other" in str(err)
    assert client.get(f"/api/entities/{en}/edits").json()["edits"] == []
    # the dossier's form reads the same digits as the API
    r = client.post(f"/entities/{en}/merge", headers={"X-CSRF-Token": token},
                    data={"other": "9223372036854775808", "note": REASON}, follow_redirects=False)
    assert r.status_code == 422
    assert client.get(f"/api/entities/{en}/edits").json()["edits"] == []


def test_no_api_body_takes_a_boolean_for_a_number(ana) -> None:
    client, token = ana
    h = {"X-CSRF-Token": token}
    [rev] = client.get(f"/api/articles/{RU_LAVROV}").json()["revisions"]
    bodies = [
        ("post", f"/api/articles/{RU_LAVROV}/comments", {"body": "x", "parent_id": True}),
        ("put", f"/api/articles/{RU_LAVROV}/rating", {"stars": True}),
        ("put", f"/api/articles/{RU_LAVROV}/rating", {"credibility": True}),
        ("post", f"/api/articles/{RU_LAVROV}/reports",
         {"revision_id": True, "exact": "Лавров", "start": 0, "end": 6, "kind": "typo"}),
        ("post", f"/api/articles/{RU_LAVROV}/reports",
         {"revision_id": rev["id"], "exact": "Лавров", "start": True, "end": 6, "kind": "typo"}),
        ("post", f"/api/articles/{RU_LAVROV}/corrections",
         {"revision_id": True, "kind": "entity", "start": 0, "end": 6,
          "fields": {"label": "PERSON"}}),
        ("post", f"/api/articles/{RU_LAVROV}/corrections",
         {"revision_id": rev["id"], "kind": "entity", "start": 0, "end": False,
          "fields": {"label": "PERSON"}}),
        ("put", f"/api/articles/{RU_LAVROV}/verification",
         {"revision_id": True, "start": 0, "end": 6, "status": "verified"}),
        ("post", "/api/watch/rules/test", {"query": "Лавров", "min_count": True}),
    ]
    for method, url, body in bodies:
        err = assert_error(getattr(client, method)(url, json=body, headers=h), 422,
                           "invalid-request")
        assert any(d["field"].startswith("body.") for d in err["details"]), (url, body)
    # numbers still go through
    assert client.put(f"/api/articles/{RU_LAVROV}/rating", json={"stars": 4},
                      headers=h).status_code == 200


@pytest.mark.parametrize("note", ["\u202e", "\u200b", "\u200d\u200c\u2060", " \u2066\u2069 ",
                                  "\u202a\u202c\ufeff"])
def test_a_reason_with_nothing_visible_is_refused(ana, note: str) -> None:
    client, token = ana
    en = _id(client, "Sergei Lavrov")
    err = assert_error(_merge(ana, en, "Сергей Лавров", note=note), 422, "no-visible-text")
    assert err["message"]
    split = client.post(f"/api/entities/{en}/split", headers={"X-CSRF-Token": token},
                        json={"name": "Lavrov 2", "label": "PERSON", "note": note,
                              "members": [{"article_id": None, "text": "Lavrov"}]})
    assert_error(split, 422, "no-visible-text")
    named = client.post(f"/api/entities/{en}/split", headers={"X-CSRF-Token": token},
                        json={"name": "\u200b\u202e", "label": "PERSON", "note": REASON,
                              "members": [{"article_id": None, "text": "Lavrov"}]})
    assert_error(named, 422, "no-visible-text")
    assert client.get(f"/api/entities/{en}/edits").json()["edits"] == []


def test_bidi_controls_are_removed_and_notes_render_isolated(ana) -> None:
    client, _ = ana
    en = _id(client, "Sergei Lavrov")
    r = _merge(ana, en, "Сергей Лавров", note="\u202eevil\u202c <b>same</b> \u2067x\u2069")
    assert r.status_code == 201, r.text
    assert r.json()["note"] == "evil <b>same</b> x"
    page = client.get(f"/entities/{en}", headers={"accept": "text/html"}).text
    assert "<bdi>evil &lt;b&gt;same&lt;/b&gt; x</bdi>" in page
    assert "merged by ana" in page and "<h1><bdi>Sergei Lavrov</bdi>" in page
    assert "\u202e" not in page


def test_the_dossier_forms_take_what_the_server_takes(ana) -> None:
    from newswatch.web.review import MAX_FIELD_CHARS

    client, _ = ana
    en = _id(client, "Sergei Lavrov")
    page = client.get(f"/entities/{en}", headers={"accept": "text/html"}).text
    limit = client.app.state.nw.config.max_note_chars  # web_max_note_chars
    assert limit == 1000
    assert page.count(f'name="note" required maxlength="{limit}"') == 2
    assert page.count(f'maxlength="{MAX_FIELD_CHARS}"') == 2
    assert 'maxlength="2000"' not in page
    assert_error(_merge(ana, en, "Сергей Лавров", note="x" * (limit + 1)), 422, "note-too-long")


def test_undo_without_a_body(ana) -> None:
    client, token = ana
    en, ru = _id(client, "Sergei Lavrov"), _id(client, "Сергей Лавров")
    edit = _merge(ana, en, ru).json()
    r = client.post(f"/api/entity-edits/{edit['id']}/undo", headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["undo_note"] is None
    assert client.get(f"/api/entities/{ru}").json()["merged_into"] is None
    edit = _merge(ana, en, ru).json()
    r = client.post(f"/api/entity-edits/{edit['id']}/undo", headers={"X-CSRF-Token": token},
                    json={"note": "\u202eundone"})
    assert r.status_code == 200 and r.json()["undo_note"] == "undone"


def test_a_split_moves_the_events_and_quotes_in_the_lists_as_in_the_dossier(ana, db: str) -> None:
    """The events and quotes lists' ``actor_id``/``speaker_id`` follow a split (and its undo)
    as the dossier and the quotes export do."""
    client, token = ana
    lavrov, taliban = _id(client, "Sergei Lavrov"), _id(client, "Taliban")
    with Store.open(db) as store, store.engine.begin() as conn:  # the machine linked the actor
        conn.execute(sa.update(t.event).where(t.event.c.actor == "Taliban")
                     .values(actor_entity_id=taliban))

    def events(i: int) -> list[str]:
        return sorted(e["article_id"] for e in client.get(
            "/api/events", params={"actor_id": i}).json()["items"])

    def quotes(i: int) -> list[str]:
        return sorted(q["article_id"] for q in client.get(
            "/api/quotes", params={"speaker_id": i}).json()["items"])

    before = (events(taliban), quotes(lavrov))
    assert before == (["seed-0001", "seed-0002"], ["lavrov-ru-0001", "seed-0001", "seed-0002"])
    made = []
    for entity, name in ((taliban, "Taliban (second report)"), (lavrov, "Sergei Lavrov (reprint)")):
        r = client.post(f"/api/entities/{entity}/split", headers={"X-CSRF-Token": token},
                        json={"name": name, "label": "ORG" if entity == taliban else "PERSON",
                              "note": "the reprint", "members": [{"article_id": "seed-0002"}]})
        assert r.status_code == 201, r.text
        made.append(r.json())
    new_taliban, new_lavrov = (m["target_id"] for m in made)
    assert (events(taliban), events(new_taliban)) == (["seed-0001"], ["seed-0002"])
    assert (quotes(lavrov), quotes(new_lavrov)) == (["lavrov-ru-0001", "seed-0001"], ["seed-0002"])
    dossier = client.get(f"/api/entities/{new_lavrov}").json()
    assert [q["article_id"] for q in dossier["quotes"]] == ["seed-0002"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export/quotes.csv").text.lstrip("\ufeff"))))
    assert sorted(r["article_id"] for r in rows if r["speaker_entity_id"] == str(new_lavrov)) == ["seed-0002"]
    for m in made:
        r = client.post(f"/api/entity-edits/{m['id']}/undo", headers={"X-CSRF-Token": token}, json={})
        assert r.status_code == 200, r.text
    assert (events(taliban), quotes(lavrov)) == before
    assert (events(new_taliban), quotes(new_lavrov)) == ([], [])
