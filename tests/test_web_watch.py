"""The dashboard's watch desk (issue 10): sources with their health, rules (created with the
checks of ``newswatch rule add``, tested on the stored data with the code of ``rule test``),
the alert history with links to the evidence; and the API's incremental sync
(``updated_since``, keyset ``cursor`` paging). Data: tests/web_samples.py."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import typer
from starlette.testclient import TestClient
from typer.testing import CliRunner

from newswatch.cli.watch import register
from newswatch.storage import Store
from newswatch.watch.rules import find_rule, fire, list_rules, match_revisions

from storage_samples import SENTENCES, TEXT
from web_samples import assert_error, login

HTML = {"accept": "text/html"}


def _cli(*args: str) -> typer.testing.Result:
    app = typer.Typer()
    register(app)
    return CliRunner().invoke(app, list(args))


def _rule_form(token: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": token, **fields}


def test_a_source_added_on_the_page_is_in_source_list(client: TestClient, web_db: str) -> None:
    token = login(client, "ana")
    r = client.post("/watch/sources", data={
        "csrf_token": token, "url": "https://feeds.example.org/world.xml",
        "name": "Example World", "every": "30m", "language": "ru"},
        headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/watch/sources?done=added")
    listed = _cli("source", "list", "--db", web_db, "--format", "json")
    assert listed.exit_code == 0, listed.output
    [src] = json.loads(listed.output)
    assert (src["name"], src["feed_url"], src["every"], src["language"], src["state"]) == (
        "Example World", "https://feeds.example.org/world.xml", "30m", "ru", "new")
    got = client.get("/watch/sources", headers=HTML)
    page = got.text
    assert "Example World" in page and "not fetched yet" in page
    assert "script-src 'self'" in got.headers["content-security-policy"]
    for path in ("/watch/sources", "/watch/rules", "/watch/alerts"):
        assert "<script" not in client.get(path, headers=HTML).text  # no inline script
    # pause through the page: the health says so, and the CLI sees it
    r = client.post(f"/watch/sources/{src['id']}/pause", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    [src] = json.loads(_cli("source", "list", "--db", web_db, "--format", "json").output)
    assert (src["paused"], src["state"]) == (True, "paused")
    # the same URL again is refused with its reason, shown on the page
    again = client.post("/watch/sources", data={
        "csrf_token": token, "url": "https://feeds.example.org/world.xml"}, headers=HTML)
    assert again.status_code == 409
    assert "already-exists: already followed as source" in html.unescape(again.text)
    client.post(f"/watch/sources/{src['id']}/remove", data={"csrf_token": token})
    assert json.loads(_cli("source", "list", "--db", web_db, "--format", "json").output) == []


def test_a_bad_query_is_refused_with_its_reason(client: TestClient, web_db: str) -> None:
    token = login(client, "ana")
    r = client.post("/watch/rules", data=_rule_form(token, name="fields",
                                                    query="title:Termez"), headers=HTML)
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "bad-query:" in text and "field" in text.split("bad-query:")[1][:200]
    assert 'value="title:Termez"' in text  # the form comes back as typed
    r = client.post("/watch/rules", data=_rule_form(token, name="geo", query="Termez",
                                                    near="48.8", radius_km="50"), headers=HTML)
    assert r.status_code == 422 and "--near &#39;48.8&#39; is not LAT,LON" in r.text
    with Store.open(web_db) as store:
        assert list_rules(store) == []


def test_rule_test_lists_the_stored_article_that_matches(client: TestClient) -> None:
    token = login(client, "rita")  # testing reads only: a reader may
    r = client.post("/watch/rules/test", data=_rule_form(
        token, query='"Friendship Bridge" AND Termez NOT 193'), headers=HTML)
    assert r.status_code == 200, r.text
    page = html.unescape(r.text)
    # seed-0001 says "188 counties"; seed-0002, the same passages, says "193 counties"
    assert 'href="/articles/seed-0001?rev=' in page
    assert "/articles/seed-0002" not in page
    start = TEXT.index(SENTENCES[2])
    assert f"hl={start}-{start + len(SENTENCES[2])}#hl" in page
    assert "the fighting caused traffic diversion" in page
    assert "1 stored articles it would have fired on" in page
    both = client.post("/watch/rules/test", data=_rule_form(
        token, query='"Friendship Bridge"'), headers=HTML).text
    assert "/articles/seed-0001?" in both and "/articles/seed-0002?" in both


def test_readers_may_not_change_rules_or_sources(client: TestClient, web_db: str) -> None:
    assert_error(client.get("/watch/rules"), 401, "not-signed-in")
    token = login(client, "rita")
    assert client.get("/watch/rules", headers=HTML).status_code == 200
    assert_error(client.post("/watch/rules", data=_rule_form(token, name="x", query="Termez")),
                 403, "forbidden")
    assert_error(client.post("/watch/sources", data={
        "csrf_token": token, "url": "https://feeds.example.org/a.xml"}), 403, "forbidden")
    with Store.open(web_db) as store:
        assert list_rules(store) == []


def test_writes_need_the_csrf_token(client: TestClient, web_db: str) -> None:
    login(client, "ana")
    assert_error(client.post("/watch/rules", data={"name": "x", "query": "Termez"}),
                 403, "csrf-failed")
    assert_error(client.post("/watch/rules", data=_rule_form("wrong-token", name="x",
                                                             query="Termez")), 403, "csrf-failed")
    assert_error(client.post("/watch/sources", data={"url": "https://feeds.example.org/a.xml"}),
                 403, "csrf-failed")
    with Store.open(web_db) as store:
        assert list_rules(store) == []


def test_search_saves_as_a_rule_and_alerts_link_to_the_evidence(client: TestClient,
                                                                  web_db: str) -> None:
    token = login(client, "ana")
    search = html.unescape(client.get("/search?q=Termez&language=en", headers=HTML).text)
    link = re.search(r'class="save-rule" href="([^"]+)"', search).group(1)
    assert link == "/watch/rules?query=Termez&language=en"
    form = html.unescape(client.get(link, headers=HTML).text)
    assert 'name="query" value="Termez"' in form and 'name="language" value="en"' in form
    mapped = html.unescape(client.get("/map?country=UZ", headers=HTML).text)
    assert re.search(r'class="save-rule" href="([^"]+)"', mapped).group(1) == (
        "/watch/rules?country=UZ")
    r = client.post("/watch/rules", data=_rule_form(token, name="termez", query="Termez",
                                                    language="en", cooldown="2h"),
                    follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/watch/rules?done=created")
    with Store.open(web_db) as store:
        rule = find_rule(store, "termez")
        assert (rule.query, rule.filters) == ("Termez", {"language": "en",
                                                         "cooldown_seconds": 7200})
        with store.read() as conn:  # what the watch loop does with a new revision
            matches = match_revisions(conn, rule)
        assert {m["article_id"] for m in matches} == {"seed-0001", "seed-0002"}
        fired = fire(store, next(m for m in matches if m["article_id"] == "seed-0001"))
        assert fired is not None
    page = html.unescape(client.get("/watch/alerts", headers=HTML).text)
    rev = fired["revision_id"]
    assert f'class="article" href="/articles/seed-0001?rev={rev}"' in page
    start = TEXT.index(SENTENCES[2])
    assert f'class="sentence" href="/articles/seed-0001?rev={rev}&hl={start}-' in page
    assert "Hairaton (Afghanistan) and Termez (Uzbekistan)." in page
    # the article link leads to the article
    assert client.get(f"/articles/seed-0001?rev={rev}", headers=HTML).status_code == 200
    # pause the rule through the page
    r = client.post(f"/watch/rules/{rule.id}/pause", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    with Store.open(web_db) as store:
        assert find_rule(store, "termez").paused is True
    resumed = _cli("rule", "resume", "termez", "--db", web_db, "--format", "json")
    assert resumed.exit_code == 0 and json.loads(resumed.output)["paused"] is False
    listed = json.loads(_cli("rule", "list", "--db", web_db, "--format", "json").output)
    assert [(r["name"], r["paused"]) for r in listed] == [("termez", False)]


# -- incremental sync -----------------------------------------------------------------------


def _revise_seed(web_db: str) -> tuple[int, int]:
    """Date every stored revision to 2026-01-01, then store a revised seed-0001 (190 counties);
    returns (old revision id, new revision id) of seed-0001."""
    import datetime as dt

    import sqlalchemy as sa

    from newswatch.storage import schema as t

    from storage_samples import make_article

    with Store.open(web_db) as store:
        with store.engine.begin() as conn:
            conn.execute(sa.update(t.revision).values(
                read_at=dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)))
        store.save(make_article(TEXT.replace("188 counties", "190 counties")))
        with store.read() as conn:
            ids = conn.execute(sa.select(t.revision.c.id).where(
                t.revision.c.article_id == "seed-0001").order_by(t.revision.c.seq)).scalars().all()
    assert len(ids) == 2
    return int(ids[0]), int(ids[1])


def test_updated_since_keeps_what_was_stored_since(client: TestClient, web_db: str) -> None:
    old, new = _revise_seed(web_db)
    every = client.get("/api/articles").json()
    assert every["total"] == 4
    got = client.get("/api/articles", params={"updated_since": "2026-06-01T00:00:00Z"}).json()
    assert [(a["id"], a["revision_id"]) for a in got["items"]] == [("seed-0001", new)]
    # a date, and an offset, are read as instants
    assert client.get("/api/articles", params={"updated_since": "2026-01-01"}).json()["total"] == 4
    late = client.get("/api/articles", params={"updated_since": "2026-01-01T15:00:00+03:00"})
    assert late.json()["total"] == 4  # 12:00 UTC is 15:00 at +03:00
    later = client.get("/api/articles", params={"updated_since": "2026-01-01T12:00:01Z"})
    assert [a["id"] for a in later.json()["items"]] == ["seed-0001"]
    events = client.get("/api/events", params={"updated_since": "2026-06-01"}).json()
    assert events["items"] and {e["revision_id"] for e in events["items"]} == {new}
    quotes = client.get("/api/quotes", params={"updated_since": "2026-06-01"}).json()
    assert {q["revision_id"] for q in quotes["items"]} <= {new}
    for bad in ("yesterday", "2026-13-01", "2026-01-01T25:00", "x" * 65):
        assert_error(client.get("/api/articles", params={"updated_since": bad}), 422,
                     "invalid-input" if len(bad) < 65 else "invalid-request")


def _entity_ids_of(web_db: str, revision_id: int) -> set[int]:
    import sqlalchemy as sa

    from newswatch.storage import schema as t

    with Store.open(web_db) as store, store.read() as conn:
        return set(conn.execute(sa.select(t.entity_mention.c.entity_id).where(
            t.entity_mention.c.revision_id == revision_id)).scalars())


def test_updated_since_on_entities_and_claims_gives_changed_rows_whole(
        client: TestClient, web_db: str) -> None:
    _, new = _revise_seed(web_db)
    since = {"updated_since": "2026-06-01", "limit": "500"}
    every = {e["id"]: e for e in client.get("/api/entities", params={"limit": "500"}).json()["items"]}
    got = client.get("/api/entities", params=since).json()["items"]
    in_seed = _entity_ids_of(web_db, new)
    assert in_seed and {e["id"] for e in got} == in_seed
    assert len(every) > len(got)  # entities only in the untouched articles are left out
    # each row is the current one over the whole scope, not counted in the changed articles only
    assert got == [every[e["id"]] for e in got]
    assert any(e["articles"] > 1 for e in got)
    later = client.get("/api/entities", params={"updated_since": "2099-01-01"}).json()
    assert later == {"total": 0, "items": [], "merged_away": []}


def test_a_correction_since_counts_as_a_change(client: TestClient, web_db: str) -> None:
    import datetime as dt

    import sqlalchemy as sa

    from newswatch.storage import schema as t

    with Store.open(web_db) as store, store.engine.begin() as conn:
        conn.execute(sa.update(t.revision).values(read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    since = {"updated_since": "2026-06-01"}
    assert client.get("/api/articles", params=since).json()["total"] == 0
    assert client.get("/api/entities", params=since).json()["total"] == 0
    token = login(client, "ana")
    view = client.get("/api/articles/script-0001").json()
    revision = int(view["revision"]["id"])
    mention = view["article"]["entities"][0]
    r = client.post("/api/articles/script-0001/corrections", headers={"X-CSRF-Token": token}, json={
        "revision_id": revision, "kind": "entity", "start": mention["start"],
        "end": mention["end"], "action": "reject", "note": "not a name"})
    assert r.status_code == 201, r.text
    assert [a["id"] for a in client.get("/api/articles", params=since).json()["items"]] == [
        "script-0001"]
    got = {e["id"] for e in client.get("/api/entities", params=since).json()["items"]}
    assert got and got <= _entity_ids_of(web_db, revision)


def test_updated_since_on_claims_gives_the_changed_groups_whole(tmp_path: Path) -> None:
    import datetime as dt

    import sqlalchemy as sa

    from newswatch.storage import schema as t

    from web_samples import build_claims_db, make_client

    url = build_claims_db(tmp_path / "claims.sqlite", articles=6, groups=10)
    with Store.open(url) as store, store.engine.begin() as conn:
        r = t.revision.c
        conn.execute(sa.update(t.revision).values(read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
        # claims-0004 reports the groups g with 4 <= g % 5 only: P4 and P9
        conn.execute(sa.update(t.revision).where(r.article_id == "claims-0004")
                     .values(read_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC)))
    with make_client(url) as client:
        every = {g["key"]: g for g in client.get("/api/claims").json()["groups"]}
        got = client.get("/api/claims", params={"updated_since": "2026-06-01"}).json()
    assert sorted(g["subject"] for g in got["groups"]) == ["Province P4", "Province P9"]
    for g in got["groups"]:  # whole: the claims of every article, not only the changed one
        assert g == every[g["key"]]
        assert len({c["article_id"] for c in g["claims"]}) == 6  # all six report P4 and P9


def _all_pages(client: TestClient, dataset: str, limit: int, **params: str) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        query = {"limit": str(limit), **params, **({"cursor": cursor} if cursor else {})}
        r = client.get(f"/api/bulk/{dataset}", params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 100


def test_cursor_paging_returns_every_row_once(client: TestClient, web_db: str) -> None:
    import sqlalchemy as sa

    from newswatch.storage import schema as t

    with Store.open(web_db) as store, store.read() as conn:
        latest = sa.select(sa.func.max(t.revision.c.id)).group_by(t.revision.c.article_id)
        mention_ids = set(conn.execute(sa.select(t.entity_mention.c.id).where(
            t.entity_mention.c.revision_id.in_(latest))).scalars())
    assert len(mention_ids) > 5
    pages = _all_pages(client, "mentions", 2)
    got = [m["id"] for page in pages for m in page]
    assert len(got) == len(set(got)) and set(got) == mention_ids
    assert len(pages) == (len(mention_ids) + 1) // 2 and all(len(p) <= 2 for p in pages)
    first = pages[0][0]
    assert {"text", "label", "article_id", "revision_id", "sentence", "outlet"} <= set(first)
    articles = _all_pages(client, "articles", 3)
    assert [len(p) for p in articles] == [3, 1]
    assert sorted(a["id"] for p in articles for a in p) == sorted(
        ["seed-0001", "seed-0002", "nerel-test-197647_text", "script-0001"])
    # a row stored while paging comes after the position, once
    cursor = client.get("/api/bulk/articles", params={"limit": 3}).json()["next_cursor"]
    _, new = _revise_seed(web_db)
    rest = client.get("/api/bulk/articles", params={"limit": 3, "cursor": cursor}).json()
    assert ("seed-0001", new) in [(a["id"], a["revision_id"]) for a in rest["items"]]
    # cursors are checked
    for bad in ("not-a-cursor", cursor[:-2], "eyJkIjoiYXJ0aWNsZXMiLCJrIjo5MjIzMzcyMDM2ODU0Nzc1ODA4fQ"):
        assert_error(client.get("/api/bulk/articles", params={"cursor": bad}), 422,
                     "invalid-input")
    assert_error(client.get("/api/bulk/mentions", params={"cursor": cursor}), 422, "invalid-input")
    assert_error(client.get("/api/bulk/nothing"), 404, "not-found")


def test_superseded_revisions_are_the_tombstones(client: TestClient, web_db: str) -> None:
    old, new = _revise_seed(web_db)
    body = client.get("/api/bulk/superseded", params={"updated_since": "2026-06-01"}).json()
    assert [(x["revision_id"], x["article_id"], x["superseded_by"]) for x in body["items"]] == [
        (old, "seed-0001", new)]
    assert body["next_cursor"] is None
    assert client.get("/api/bulk/superseded",
                      params={"updated_since": "2027-01-01"}).json()["items"] == []


def test_the_rule_api_refuses_with_the_reason_and_tests(client: TestClient, web_db: str) -> None:
    ana = login(client, "ana")
    err = assert_error(client.post("/api/watch/rules", json={"name": "x", "query": "NOT Termez"},
                                   headers={"X-CSRF-Token": ana}), 422, "bad-query")
    assert err["message"].startswith("The rule cannot be used: ") and "positive" in err["message"]
    made = client.post("/api/watch/rules", json={"name": "bridge", "query": '"Friendship Bridge"',
                                                 "country": "UZ"}, headers={"X-CSRF-Token": ana})
    assert made.status_code == 201, made.text
    assert made.json()["filters"] == {"country": "UZ"}
    assert_error(client.post("/api/watch/rules", json={"name": "bridge", "query": "Termez"},
                             headers={"X-CSRF-Token": ana}), 409, "already-exists")
    rules = client.get("/api/watch/rules").json()["rules"]
    assert [(r["name"], r["trigger"], r["alerts"]) for r in rules] == [("bridge", "match", 0)]
    tried = client.post("/api/watch/rules/test", json={"query": '"Friendship Bridge"',
                                                       "country": "UZ"},
                        headers={"X-CSRF-Token": ana}).json()["matches"]
    # the two seed articles carry the Friendship Bridge sentence and the place Termez (UZ)
    assert sorted((m["article_id"], m["place"]) for m in tried) == [
        ("seed-0001", "Termez"), ("seed-0002", "Termez")]
    none = client.post("/api/watch/rules/test", json={"query": '"Friendship Bridge"',
                                                      "country": "KZ"},
                       headers={"X-CSRF-Token": ana}).json()["matches"]
    assert none == []
    rita = login(client, "rita")
    assert_error(client.post("/api/watch/rules", json={"name": "y", "query": "Termez"},
                             headers={"X-CSRF-Token": rita}), 403, "forbidden")


def test_a_source_on_a_loopback_address_is_refused_on_the_page(client: TestClient,
                                                               web_db: str) -> None:
    token = login(client, "ana")
    r = client.post("/watch/sources", data={"csrf_token": token, "discover": "1",
                                            "url": "http://127.0.0.1:9/feed.xml"}, headers=HTML)
    assert r.status_code == 422
    assert "refused-address:" in html.unescape(r.text)
    assert json.loads(_cli("source", "list", "--db", web_db, "--format", "json").output) == []


def test_a_rule_is_edited_with_the_same_checks(client: TestClient, web_db: str) -> None:
    token = login(client, "ana")
    client.post("/watch/rules", data=_rule_form(
        token, name="bridge", query='"Friendship Bridge"', near="37.22,67.28", radius_km="50",
        min_count="3", window="6h", cooldown="2h"))
    with Store.open(web_db) as store:
        rule_id = find_rule(store, "bridge").id
    form = html.unescape(client.get(f"/watch/rules?edit={rule_id}", headers=HTML).text)
    for field, value in (("name", "bridge"), ("query", '"Friendship Bridge"'),
                         ("near", "37.22,67.28"), ("radius_km", "50"), ("min_count", "3"),
                         ("window", "6h"), ("cooldown", "2h")):
        assert f'name="{field}" value="{value}"' in form, field
    assert f'action="/watch/rules/{rule_id}/save"' in form
    refused = client.post(f"/watch/rules/{rule_id}/save", data=_rule_form(
        token, name="bridge", query="bridge~2"), headers=HTML)
    assert refused.status_code == 422 and "bad-query:" in refused.text
    r = client.post(f"/watch/rules/{rule_id}/save", data=_rule_form(
        token, name="termez bridge", query="Termez", country="UZ"), follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/watch/rules?done=saved")
    with Store.open(web_db) as store:
        rule = find_rule(store, str(rule_id))
    assert (rule.name, rule.query, rule.filters) == ("termez bridge", "Termez", {"country": "UZ"})
    rita = login(client, "rita")
    assert_error(client.post(f"/watch/rules/{rule_id}/save", data=_rule_form(
        rita, name="x", query="Kabul")), 403, "forbidden")
    ana = login(client, "ana")
    assert_error(client.post("/watch/rules/999/save", data=_rule_form(
        ana, name="x", query="Kabul")), 404, "not-found")


def test_a_user_sets_up_changes_and_ends_their_own_digest(client: TestClient, web_db: str) -> None:
    from newswatch.settings import load as load_settings
    from newswatch.watch.digests import subscriptions
    from newswatch.watch.rules import add_rule

    with Store.open(web_db) as store:
        add_rule(store, "kunduz", "Kunduz", {})
        add_rule(store, "termez", "Termez", {})
    token = login(client, "ana")
    page = client.get("/watch/alerts", headers=HTML).text
    assert 'action="/watch/digest"' in page and 'value="kunduz"' in page
    r = client.post("/watch/digest", data={"csrf_token": token, "email": "ana@example.org",
                                           "every": "7d", "rules": ["termez"]},
                    headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/watch/alerts?done=subscribed")

    def mine() -> list[tuple[str, bool, int | None, tuple[str, ...] | None]]:
        with Store.open(web_db) as store:
            return [(s.recipient, s.active, s.every_seconds, s.rules)
                    for s in subscriptions(store, load_settings({"watch_email_to": ""}))]

    assert mine() == [("ana@example.org", True, 7 * 86400, ("termez",))]
    page = client.get("/watch/alerts", headers=HTML).text
    assert "ana@example.org" in page and 'value="7d" selected' in page
    assert 'value="termez" checked' in page and 'value="kunduz" checked' not in page
    # another address replaces the first (one digest per user); no rule ticked: every rule
    client.post("/watch/digest", data={"csrf_token": token, "email": "desk@example.org",
                                       "every": "1h"}, headers=HTML)
    assert mine() == [("ana@example.org", False, 7 * 86400, ("termez",)),
                      ("desk@example.org", True, 3600, None)]
    # refusals come back with the reason, nothing stored
    for bad, reason in (({"email": "x@y\r\nBcc: z@evil.test", "every": "1d"}, "bad-input"),
                        ({"email": "ana@example.org", "every": "5s"}, "every must be one of"),
                        ({"email": "ana@example.org", "every": "1d", "rules": ["nope"]}, "not-found")):
        r = client.post("/watch/digest", data={"csrf_token": token, **bad}, headers=HTML)
        assert r.status_code in (400, 404, 422) and reason in html.unescape(r.text), (bad, r.status_code)
    assert [s[:2] for s in mine()] == [("ana@example.org", False), ("desk@example.org", True)]
    r = client.post("/watch/digest", data={"csrf_token": token, "action": "unsubscribe"},
                    headers=HTML, follow_redirects=False)
    assert r.headers["location"] == "/watch/alerts?done=unsubscribed"
    assert [s[:2] for s in mine()] == [("ana@example.org", False), ("desk@example.org", False)]
    # without the CSRF token nothing changes
    r = client.post("/watch/digest", data={"email": "ana@example.org", "every": "1d"}, headers=HTML)
    assert r.status_code == 403
    assert [s[:2] for s in mine()] == [("ana@example.org", False), ("desk@example.org", False)]
