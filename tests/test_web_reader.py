"""Reader activity through the API: rating with Admiralty grades, threaded comments, error
reports (W3C quote + position selectors) and their triage, with every refusal."""

from __future__ import annotations

from starlette.testclient import TestClient

from web_samples import assert_error, login, make_client

ART = "/api/articles/seed-0001"


def _revision(client: TestClient) -> tuple[int, str]:
    data = client.get(ART).json()
    return data["revision"]["id"], data["article"]["text"]


# -- ratings ----------------------------------------------------------------------------------


def test_rating_needs_a_signed_in_user(client: TestClient) -> None:
    token = client.get("/api/csrf").json()["csrf_token"]
    r = client.put(f"{ART}/rating", json={"stars": 4}, headers={"X-CSRF-Token": token})
    assert_error(r, 401, "not-signed-in")


def test_ratings_average_per_user(client: TestClient) -> None:
    rita = login(client, "rita")
    r = client.put(f"{ART}/rating", json={"stars": 4}, headers={"X-CSRF-Token": rita})
    assert r.status_code == 200
    assert (r.json()["average"], r.json()["count"], r.json()["mine"]["stars"]) == (4.0, 1, 4)
    again = client.put(f"{ART}/rating", json={"stars": 5}, headers={"X-CSRF-Token": rita})
    assert (again.json()["average"], again.json()["count"]) == (5.0, 1)  # one rating per user
    ana = login(client, "ana")
    both = client.put(f"{ART}/rating", json={"stars": 2}, headers={"X-CSRF-Token": ana}).json()
    assert (both["average"], both["count"], both["stars"]["2"], both["stars"]["5"]) == (3.5, 2, 1, 1)


def test_stars_out_of_range_are_refused(client: TestClient) -> None:
    rita = login(client, "rita")
    for bad in (0, 6):
        r = client.put(f"{ART}/rating", json={"stars": bad}, headers={"X-CSRF-Token": rita})
        assert_error(r, 422, "invalid-input")
    assert_error(client.put(f"{ART}/rating", json={}, headers={"X-CSRF-Token": rita}),
                 422, "invalid-input")


def test_admiralty_grades_are_for_analysts(client: TestClient) -> None:
    rita = login(client, "rita")
    r = client.put(f"{ART}/rating", json={"reliability": "B"}, headers={"X-CSRF-Token": rita})
    assert_error(r, 403, "forbidden")
    ana = login(client, "ana")
    r = client.put(f"{ART}/rating", json={"reliability": "b", "credibility": 2},
                   headers={"X-CSRF-Token": ana})
    assert r.json()["admiralty"] == "B2"
    assert r.json()["reliability"]["B"] == 1 and r.json()["credibility"]["2"] == 1
    bad = client.put(f"{ART}/rating", json={"reliability": "G"}, headers={"X-CSRF-Token": ana})
    assert_error(bad, 422, "invalid-input")
    assert_error(client.put(f"{ART}/rating", json={"credibility": 7}, headers={"X-CSRF-Token": ana}),
                 422, "invalid-input")


def test_a_write_with_a_wrong_csrf_token_is_refused(client: TestClient) -> None:
    login(client, "rita")
    r = client.put(f"{ART}/rating", json={"stars": 3}, headers={"X-CSRF-Token": "forged"})
    assert_error(r, 403, "csrf-failed")
    r = client.put(f"{ART}/rating", json={"stars": 3})
    assert_error(r, 403, "csrf-failed")
    assert client.get(f"{ART}/ratings").json()["count"] == 0


def test_rating_an_unknown_article_is_404(client: TestClient) -> None:
    rita = login(client, "rita")
    r = client.put("/api/articles/nope/rating", json={"stars": 3}, headers={"X-CSRF-Token": rita})
    assert_error(r, 404, "article-not-found")


# -- comments ---------------------------------------------------------------------------------


def test_comments_are_threaded_with_author_and_time(client: TestClient) -> None:
    rita = login(client, "rita")
    first = client.post(f"{ART}/comments", json={"body": "Which 188 counties?"},
                        headers={"X-CSRF-Token": rita})
    assert first.status_code == 201
    ana = login(client, "ana")
    reply = client.post(f"{ART}/comments", json={"body": "Per Long War Journal.",
                                                 "parent_id": first.json()["id"]},
                        headers={"X-CSRF-Token": ana})
    assert reply.status_code == 201
    threads = client.get(f"{ART}/comments").json()["comments"]
    assert len(threads) == 1
    top = threads[0]
    assert (top["author"], top["body"], top["depth"]) == ("rita", "Which 188 counties?", 0)
    assert top["created_at"].endswith("+00:00")
    assert [(r["author"], r["depth"]) for r in top["replies"]] == [("ana", 1)]


def test_comment_refusals(client: TestClient) -> None:
    token = client.get("/api/csrf").json()["csrf_token"]
    assert_error(client.post(f"{ART}/comments", json={"body": "hi"}, headers={"X-CSRF-Token": token}),
                 401, "not-signed-in")
    rita = login(client, "rita")
    oversized = client.post(f"{ART}/comments", json={"body": "x" * 4001},
                            headers={"X-CSRF-Token": rita})
    err = assert_error(oversized, 422, "comment-too-long")
    assert "4000" in err["message"]
    assert_error(client.post(f"{ART}/comments", json={"body": "   "}, headers={"X-CSRF-Token": rita}),
                 422, "invalid-input")
    other = client.post("/api/articles/seed-0002/comments", json={"body": "elsewhere"},
                        headers={"X-CSRF-Token": rita}).json()
    wrong_parent = client.post(f"{ART}/comments", json={"body": "reply", "parent_id": other["id"]},
                               headers={"X-CSRF-Token": rita})
    assert_error(wrong_parent, 404, "not-found")
    assert client.get(f"{ART}/comments").json()["comments"] == []


def test_comment_text_is_escaped_on_the_page(client: TestClient) -> None:
    rita = login(client, "rita")
    client.post(f"{ART}/comments", json={"body": "<script>alert(1)</script> & <img src=x>"},
                headers={"X-CSRF-Token": rita})
    page = client.get("/articles/seed-0001", headers={"accept": "text/html"}).text
    assert "<script>alert(1)" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page


# -- error reports ----------------------------------------------------------------------------


def _report(client: TestClient, token: str, text: str, revision: int, exact: str, **kw: object):
    start = text.index(exact)
    body = {"revision_id": revision, "exact": exact, "start": start, "end": start + len(exact),
            "prefix": text[max(0, start - 32):start], "suffix": text[start + len(exact):][:32],
            "kind": "wrong-place", "note": "Termez is in Uzbekistan, not Afghanistan"}
    body.update(kw)
    return client.post(f"{ART}/reports", json=body, headers={"X-CSRF-Token": token})


def test_a_report_stores_both_selectors_and_the_sentence(client: TestClient) -> None:
    revision, text = _revision(client)
    rita = login(client, "rita")
    r = _report(client, rita, text, revision, "Termez (Uzbekistan)")
    assert r.status_code == 201, r.text
    rep = r.json()
    start = text.index("Termez (Uzbekistan)")
    assert rep["selector"]["position"] == {"type": "TextPositionSelector", "start": start,
                                           "end": start + len("Termez (Uzbekistan)")}
    quote = rep["selector"]["quote"]
    assert quote["exact"] == "Termez (Uzbekistan)"
    assert quote["prefix"] == text[start - 32:start] and quote["suffix"] == text[start + 19:start + 51]
    assert rep["sentence"].startswith("According to the Afghan Tolo News TV channel")
    assert rep["sentence"].endswith("Termez (Uzbekistan).")
    assert (rep["status"], rep["kind"], rep["author"]) == ("open", "wrong-place", "rita")


def test_a_report_with_shifted_offsets_is_reanchored_by_its_quote(client: TestClient) -> None:
    revision, text = _revision(client)
    rita = login(client, "rita")
    start = text.index("188 counties")
    r = client.post(f"{ART}/reports", json={
        "revision_id": revision, "exact": "188 counties", "start": start + 7, "end": start + 19,
        "prefix": "already control ", "suffix": " across", "kind": "wrong-figure"},
        headers={"X-CSRF-Token": rita})
    assert r.status_code == 201, r.text
    assert r.json()["selector"]["position"]["start"] == start


def test_a_too_long_selection_is_refused_in_the_interface_language(client: TestClient) -> None:
    revision, text = _revision(client)
    rita = login(client, "rita")
    exact = text[:301]
    r = _report(client, rita, text, revision, exact)
    err = assert_error(r, 422, "selection-too-long")
    assert "300" in err["message"]
    client.get("/?lang=ru", headers={"accept": "text/html"})  # switch the interface
    ru = assert_error(_report(client, rita, text, revision, exact), 422, "selection-too-long")
    assert ru["message"].startswith("Выделенный текст слишком длинный")
    assert _report(client, rita, text, revision, text[:300]).status_code == 201  # the limit itself


def test_other_report_refusals(client: TestClient) -> None:
    revision, text = _revision(client)
    token = client.get("/api/csrf").json()["csrf_token"]
    assert_error(_report(client, token, text, revision, "Termez"), 401, "not-signed-in")
    rita = login(client, "rita")
    assert_error(_report(client, rita, text, revision, "Termez", kind="bogus"), 422, "invalid-input")
    assert_error(_report(client, rita, text, revision, "Termez", note="n" * 1001), 422,
                 "note-too-long")
    start = text.index("Termez")
    missing = client.post(f"{ART}/reports", json={
        "revision_id": revision, "exact": "Samarkand", "start": start, "end": start + 9,
        "kind": "wrong-place"}, headers={"X-CSRF-Token": rita})
    assert_error(missing, 422, "selection-not-found")
    other = client.get("/api/articles/seed-0002").json()["revision"]["id"]
    assert_error(_report(client, rita, text, other, "Termez"), 404, "not-found")
    incomplete = client.post(f"{ART}/reports", json={"exact": "Termez"}, headers={"X-CSRF-Token": rita})
    err = assert_error(incomplete, 422, "invalid-request")
    assert {d["field"] for d in err["details"]} >= {"body.revision_id", "body.start", "body.end",
                                                   "body.kind"}


def test_triage_lists_open_reports_and_analysts_resolve_them(client: TestClient) -> None:
    revision, text = _revision(client)
    rita = login(client, "rita")
    rep = _report(client, rita, text, revision, "Hairaton").json()
    open_ids = [r["id"] for r in client.get("/api/reports").json()["reports"]]
    assert rep["id"] in open_ids
    page = client.get("/reports", headers={"accept": "text/html"}).text
    assert f'data-report="{rep["id"]}"' in page and "«Hairaton»" in page
    refused = client.post(f"/api/reports/{rep['id']}/resolve", json={}, headers={"X-CSRF-Token": rita})
    assert_error(refused, 403, "forbidden")
    ana = login(client, "ana")
    done = client.post(f"/api/reports/{rep['id']}/resolve", json={"resolution": "gazetteer fixed"},
                       headers={"X-CSRF-Token": ana}).json()
    assert (done["status"], done["resolved_by"], done["resolution"]) == (
        "resolved", "ana", "gazetteer fixed")
    assert rep["id"] not in [r["id"] for r in client.get("/api/reports").json()["reports"]]
    resolved = client.get("/api/reports", params={"status": "resolved"}).json()["reports"]
    assert [r["id"] for r in resolved] == [rep["id"]]
    assert_error(client.post("/api/reports/9999/resolve", json={}, headers={"X-CSRF-Token": ana}),
                 404, "not-found")
    assert_error(client.get("/api/reports", params={"status": "maybe"}), 422, "invalid-input")


def test_reader_activity_survives_a_restart(web_db: str) -> None:
    with make_client(web_db) as first:
        rita = login(first, "rita")
        first.put(f"{ART}/rating", json={"stars": 3}, headers={"X-CSRF-Token": rita})
        first.post(f"{ART}/comments", json={"body": "kept"}, headers={"X-CSRF-Token": rita})
    with make_client(web_db) as second:  # a new app on the same database file
        assert second.get(f"{ART}/ratings").json()["average"] == 3.0
        assert second.get(f"{ART}/comments").json()["comments"][0]["body"] == "kept"
        page = second.get("/articles/seed-0001", headers={"accept": "text/html"}).text
        assert "Average 3.0 of 5 (1 ratings)" in page


def test_article_api_carries_activity_and_items(client: TestClient) -> None:
    data = client.get(ART).json()
    assert data["article"]["title"] == "Russia won't leave its allies in Central Asia out in the cold"
    assert data["revision_count"] == 1
    assert {e["text"] for e in data["article"]["entities"]} == {"Sergei Lavrov", "Moscow", "Taliban",
                                                     "Afghanistan"}
    assert data["ratings"]["count"] == 0 and data["comments"] == [] and data["reports"] == []
    assert set(data["entity_ids"]) == {"PERSON:Sergei Lavrov", "GPE:Moscow", "ORG:Taliban",
                                       "GPE:Afghanistan"}
