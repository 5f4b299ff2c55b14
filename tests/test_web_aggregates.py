"""The dashboard's write-time aggregates, its read cache and its read-only connections
(issue 14, "Load and scale of the dashboard").

The aggregate-backed map and timeline must give the very answers of the direct queries over
the item tables, on the web test database (``tests/web_samples.py``) and after writes that add
an article and revise one; a write makes cached answers stale; a dashboard read connection
refuses to write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from newswatch.read.scope import make_filters, scope
from newswatch.storage import Store, aggregates
from newswatch.storage import aggregate_schema as ag
from newswatch.web.cache import read_cache

from web_samples import (
    RU_ID,
    TEXT,
    drift_article,
    make_client,
    map_article,
    russian_article,
    script_article,
    seed_article,
)

# the package re-exports functions named like these modules
map_q = importlib.import_module("newswatch.web.queries.map")
timeline_q = importlib.import_module("newswatch.web.queries.timeline")

#: Filters both paths must agree on: none, dates, a country, languages, a range with nothing
#: in it.
FILTERS = [
    make_filters(),
    make_filters(dt.date(2021, 7, 8), dt.date(2021, 7, 10)),
    make_filters(dt.date(2021, 7, 11)),
    make_filters(until=dt.date(2021, 1, 1)),
    make_filters(country="AF"),
    make_filters(country="UZ"),
    make_filters(language="ru"),
    make_filters(language="en"),
    make_filters(dt.date(2021, 7, 1), dt.date(2021, 7, 31), language="en"),
    # whole months and the days of cut months (agg_*_month beside agg_*_day)
    make_filters(dt.date(2021, 6, 1), dt.date(2021, 8, 31)),
    make_filters(dt.date(2021, 6, 15), dt.date(2021, 7, 9)),
    make_filters(dt.date(2021, 7, 9), dt.date(2021, 8, 31)),
    make_filters(dt.date(2018, 12, 3), dt.date(2021, 7, 11), language="en"),
    make_filters(dt.date(2021, 7, 1)),
    make_filters(until=dt.date(2021, 7, 9)),
    make_filters(until=dt.date(2021, 6, 30)),
    make_filters(dt.date(2021, 7, 12), dt.date(2021, 7, 12)),
    # a country over whole months and over cut ones (agg_timeline_country and its months)
    make_filters(dt.date(2021, 6, 1), dt.date(2021, 7, 31), country="AF"),
    make_filters(dt.date(2021, 6, 15), dt.date(2021, 7, 9), country="AF", language="en"),
    make_filters(dt.date(2021, 7, 9), country="UZ"),
]
TYPES = [None, {"article"}, {"quote", "figure"}, {"event"}, {"timex"}]


def _scope_rows(conn: sa.Connection, f, actor: int | None, latest_table: bool) -> set[tuple]:
    sc = scope(f, actor, latest_table=latest_table)
    return {tuple(r) for r in conn.execute(sa.select(sc.c.article_id, sc.c.revision_id)).all()}


def _assert_same_answers(store: Store) -> None:
    with store.read() as conn:
        entities = list(conn.scalars(sa.select(sa.column("id")).select_from(sa.table("entity"))))
        everything = _scope_rows(conn, FILTERS[0], None, False)
        assert len(everything) == conn.scalar(sa.text("SELECT count(*) FROM article"))
        for f in FILTERS:
            for actor in (None, *entities):
                assert _scope_rows(conn, f, actor, True) == _scope_rows(conn, f, actor, False), (f, actor)
        for f in FILTERS:
            direct = map_q._map_features_direct(conn, f, limit=3000)
            assert map_q._map_features_aggregated(conn, f, limit=3000) == direct, f
            assert map_q._map_features_aggregated(conn, f, limit=2) == \
                map_q._map_features_direct(conn, f, limit=2), f
            for types in TYPES:
                assert timeline_q._timeline(conn, f, None, types, direct=False) == \
                    timeline_q._timeline(conn, f, None, types, direct=True), (f, types)
        # an actor: the Taliban (in the Russian article and the seed), and every other entity
        actors = list(conn.scalars(sa.select(sa.column("id")).select_from(sa.table("entity"))))
        assert len(actors) >= 4
        for actor in actors:
            for f in (FILTERS[0], FILTERS[4], FILTERS[7]):
                assert timeline_q._timeline(conn, f, actor, None, direct=False) == \
                    timeline_q._timeline(conn, f, actor, None, direct=True), (f, actor)


def _aggregate_rows(store: Store) -> dict[str, list[tuple]]:
    with store.read() as conn:
        out = {}
        for table in (ag.agg_latest, ag.agg_place_day, ag.agg_place_month, ag.agg_timeline,
                      ag.agg_timeline_month, ag.agg_event_place, ag.agg_timeline_revision,
                      ag.agg_revision_country, ag.agg_timeline_country, ag.agg_timeline_country_month):
            cols = [c for c in table.c if c.name != "id"]
            out[table.name] = sorted(tuple(r) for r in conn.execute(sa.select(*cols)).all())
        return out


def test_aggregates_answer_as_the_direct_queries_do(web_db: str) -> None:
    with Store.open(web_db) as store:
        with store.read() as conn:
            everything = map_q._map_features_aggregated(conn, make_filters(), limit=3000)
            kinds = {(x["properties"]["kind"], x["properties"]["key"]) for x in everything["features"]}
            line = timeline_q._timeline(conn, make_filters(language="en"), None, None, direct=False)
        # not vacuous: Termez and Ghazni are places; the seed's event is placed at Termez
        assert ("place", "geonames:1215957") in kinds and ("place", "geonames:1141269") in kinds
        assert ("event", "geonames:1215957") in kinds
        # in days, 2021-07-08 .. 2021-07-12: the three English articles' publication days
        assert line["buckets"][0]["start"] == "2021-07-08" and line["buckets"][-1]["start"] == "2021-07-12"
        assert line["buckets"][0]["counts"]["article"] == 1
        _assert_same_answers(store)


def test_revisions_and_new_articles_keep_the_aggregates_exact(web_db: str) -> None:
    with Store.open(web_db) as store:
        # a later reading of the seed with another count, a new published date and language
        revised = seed_article()
        revised.text = TEXT.replace("188 counties", "191 counties")
        revised.published = dt.date(2021, 7, 20)
        assert store.save(revised).status == "revised"
        second = dataclasses.replace(drift_article(), id="seed-0003", url=None)
        assert store.save(second).status == "new"
        # another month: its month rows are new, July's gain nothing
        august = dataclasses.replace(russian_article(), id="seed-0004", url=None,
                                     published=dt.date(2021, 8, 2))
        assert store.save(august).status == "new"
        _assert_exact_and_as_rebuilt(store)
        with store.read() as conn:
            line = timeline_q._timeline(conn, make_filters(language="en"), None, {"article"},
                                        direct=False)
        days = {b["start"]: b["counts"].get("article", 0) for b in line["buckets"]}
        # the seed left 2021-07-08 for 2021-07-20; the drift and its copy are on 2021-07-12,
        # the script article on 2021-07-10
        assert "2021-07-08" not in days
        assert (days["2021-07-10"], days["2021-07-12"], days["2021-07-20"]) == (1, 2, 1)


def test_removing_a_revision_takes_out_what_it_counted(web_db: str) -> None:
    with Store.open(web_db) as store:
        before = _aggregate_rows(store)
        with store.read() as conn:
            rid = int(conn.scalar(sa.select(sa.func.max(sa.column("id"))).select_from(sa.table("revision"))))
        with store.engine.begin() as conn:
            aggregates.remove_revision(conn, rid)
            c = aggregates.contributions(conn, [rid])
        after = _aggregate_rows(store)
        assert c.places or c.timeline  # the revision counted something
        # the month rows are what the day rows sum to, first mentions included
        with store.engine.begin() as conn:
            aggregates.rebuild_months(conn)
        assert _aggregate_rows(store) == after
        assert sum(r[-1] for r in after["agg_timeline"]) == \
            sum(r[-1] for r in before["agg_timeline"]) - sum(c.timeline.values())
        # its countries and their timeline rows went with it: as a rebuild counts them
        assert all(r[1] != rid for r in after["agg_revision_country"])
        with store.engine.begin() as conn:
            aggregates.rebuild_countries(conn)
        assert _aggregate_rows(store) == after


def _assert_exact_and_as_rebuilt(store: Store) -> None:
    """The aggregated answers are the direct ones, and the tables kept save by save are what a
    rebuild from the item tables gives."""
    _assert_same_answers(store)
    incremental = _aggregate_rows(store)
    with store.engine.begin() as conn:
        aggregates.rebuild(conn)
    assert _aggregate_rows(store) == incremental


def _country_article_ids(store: Store, country: str) -> set[str]:
    """The articles a country's timeline counts (aggregated) and the scope selects (direct)."""
    f = make_filters(country=country)
    with store.read() as conn:
        line = timeline_q._timeline(conn, f, None, {"article"}, direct=False)
        assert line == timeline_q._timeline(conn, f, None, {"article"}, direct=True), country
        ids = {r[0] for r in _scope_rows(conn, f, None, False)}
        assert {r[0] for r in _scope_rows(conn, f, None, True)} == ids, country
    assert sum(b["total"] for b in line["buckets"]) + line["outside"] == len(ids)
    return ids


def test_an_entity_given_its_country_later_brings_earlier_articles_into_it(web_db: str) -> None:
    """The Russian Wikinews text names "Министерство обороны США" with no country and only an
    Afghan place: it is not in the United States' timeline. A later article names the same
    ministry with its country (USA): the earlier text is in the US timeline from then on,
    as the direct reading of the mentions says, and the country tables equal a rebuild."""
    with Store.open(web_db) as store:
        assert RU_ID not in _country_article_ids(store, "US")
        later = russian_article()
        later.id, later.url, later.published = "ru-later", None, dt.date(2018, 12, 5)
        later.text = later.text + " "  # another text: a new article, not a reprint
        later.entities = [dataclasses.replace(m, country="USA") if m.text == "Министерство обороны США" else m
                          for m in later.entities]
        assert store.save(later).status == "new"
        assert {RU_ID, "ru-later"} <= _country_article_ids(store, "US")
        assert RU_ID in _country_article_ids(store, "AF")  # still in Afghanistan (Ghazni)
        _assert_exact_and_as_rebuilt(store)


def test_a_place_whose_record_changes_country_moves_its_articles(web_db: str) -> None:
    """A geocoder's wrong record (Ghazni filed under Pakistan) puts the Russian text in
    Pakistan's timeline; a later article with Ghazni's right record (AF: the latest record
    of a place wins) moves every article naming it out of Pakistan, and nothing else."""
    with Store.open(web_db) as store:
        wrong = russian_article()
        wrong.id, wrong.url, wrong.published = "ru-wrong", None, dt.date(2018, 12, 4)
        wrong.text = wrong.text + " "
        wrong.places = [dataclasses.replace(p, country_code="PK") for p in wrong.places]
        assert store.save(wrong).status == "new"
        assert _country_article_ids(store, "PK") == {RU_ID, "ru-wrong"}
        right = russian_article()
        right.id, right.url, right.published = "ru-right", None, dt.date(2018, 12, 6)
        right.text = right.text + "  "
        assert store.save(right).status == "new"
        assert _country_article_ids(store, "PK") == set()
        assert {RU_ID, "ru-wrong", "ru-right"} <= _country_article_ids(store, "AF")
        _assert_exact_and_as_rebuilt(store)


def test_a_write_makes_cached_answers_stale(web_db: str) -> None:
    read_cache.clear()
    with make_client(web_db) as client:
        first = client.get("/api/timeline?type=article").json()
        hits = read_cache.hits
        assert client.get("/api/timeline?type=article").json() == first
        assert read_cache.hits == hits + 1
        with Store.open(web_db) as store:
            store.save(dataclasses.replace(drift_article(), id="seed-0004", url=None))
        second = client.get("/api/timeline?type=article").json()
    total = sum(b["total"] for b in first["buckets"])
    assert sum(b["total"] for b in second["buckets"]) == total + 1


API_PATHS = ["/api/map", "/api/map?zoom=3", "/api/map?country=AF", "/api/timeline",
             "/api/timeline?type=article", "/api/timeline/items?start=2021-07-01&end=2021-07-31",
             "/api/search?q=Taliban", "/api/search?q=%D0%A2%D0%B0%D0%BB%D0%B8%D0%B1%D0%B0%D0%BD"]


def test_cached_json_bodies_are_the_answers_and_go_stale_on_a_write(web_db: str) -> None:
    """The API sends the cached bytes of an answer: the same JSON as the answer computed
    afresh, with its media type, and a new body once a write changes the data."""
    read_cache.clear()
    with make_client(web_db) as client:
        first = {}
        for path in API_PATHS:
            r = client.get(path)
            assert r.status_code == 200, path
            assert r.headers["content-type"].startswith(
                "application/geo+json" if path.startswith("/api/map") else "application/json"), path
            first[path] = r.content
        hits = read_cache.hits
        for path in API_PATHS:
            assert client.get(path).content == first[path], path
        assert read_cache.hits == hits + len(API_PATHS)
        saved, read_cache.max_entries = read_cache.max_entries, 0
        try:  # computed afresh, nothing kept: the same JSON
            read_cache.clear()
            for path in API_PATHS:
                assert client.get(path).json() == json.loads(first[path]), path
        finally:
            read_cache.max_entries = saved
        assert b"Taliban" in first["/api/search?q=Taliban"]
        assert "Талибан".encode() in first["/api/search?q=%D0%A2%D0%B0%D0%BB%D0%B8%D0%B1%D0%B0%D0%BD"]
        with Store.open(web_db) as store:
            store.save(dataclasses.replace(drift_article(), id="seed-0004", url=None))
        after = client.get("/api/timeline?type=article").json()
    before = json.loads(first["/api/timeline?type=article"])
    assert sum(b["total"] for b in after["buckets"]) == sum(b["total"] for b in before["buckets"]) + 1


def test_a_timeline_bar_lists_its_events_however_many_the_scope_holds(web_db: str) -> None:
    """A bar's events are those of its days, not the first rows of the scope tested
    afterwards: with a limit of 2 (8 event rows read) and eight earlier undated events
    (each dated by its article's publication day), the last day's event is still listed."""
    with Store.open(web_db) as store:
        for k in range(9):
            copy = dataclasses.replace(drift_article(), id=f"drift-{k}", url=None,
                                       published=dt.date(2021, 8, 1) + dt.timedelta(days=k))
            store.save(copy)
    with make_client(web_db) as client:
        r = client.get("/api/timeline/items?start=2021-08-09&end=2021-08-09&type=event&limit=2")
        assert r.status_code == 200
        items = r.json()["items"]
        assert [(i["type"], i["date"], i["article_id"]) for i in items] == \
            [("event:ASSAULT", "2021-08-09", "drift-8")]
        r = client.get("/api/timeline/items?start=2021-07-07&end=2021-07-07&type=event")
        assert [(i["date"], i["article_id"]) for i in r.json()["items"]] == [("2021-07-07", "seed-0001")]


def test_dashboard_reads_cannot_write(web_db: str) -> None:
    with Store.open(web_db) as store:
        assert store.use_read_only_reads()
        with store.read() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM article")) == 4
            with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
                conn.execute(sa.text("DELETE FROM article"))
        with store.engine.begin() as conn:  # writes keep their own engine
            assert conn.scalar(sa.text("SELECT count(*) FROM article")) == 4


def test_server_side_clusters_merge_nearby_points_by_zoom(web_db: str) -> None:
    with make_client(web_db) as client:
        flat = client.get("/api/map").json()["features"]
        world = client.get("/api/map?zoom=0").json()
        street = client.get("/api/map?zoom=18").json()
        assert client.get("/api/map?zoom=19").status_code == 422
    # at zoom 0 a cell is 22.5 degrees: Termez (67.3 E, 37.2 N) and Ghazni (68.4 E, 33.6 N)
    # share one cell; at zoom 18 every place keeps its own point
    clusters = [x for x in world["features"] if x["properties"]["kind"] == "cluster"]
    assert len(clusters) == 1 and clusters[0]["properties"]["count"] == len(flat)
    assert clusters[0]["properties"]["mentions"] == sum(x["properties"]["mentions"] for x in flat)
    assert len(street["features"]) == len({tuple(x["geometry"]["coordinates"]) for x in flat})


def test_both_backends_agree_and_refuse_writes_on_read_connections(db_url: str) -> None:
    # the web test database's articles, on SQLite and PostgreSQL (its dates come back as
    # dates and its timestamps aware: the aggregates' days must be the scope's days)
    with Store.open(db_url) as store:
        for article in (seed_article(), drift_article(), russian_article(), script_article()):
            store.save(article)
        revised = seed_article()
        revised.text = TEXT.replace("188 counties", "191 counties")
        assert store.save(revised).status == "revised"
        assert store.use_read_only_reads()
        _assert_same_answers(store)
        with store.read() as conn:
            assert aggregates.data_version(conn) == 5
            with pytest.raises(sa.exc.DBAPIError, match="read-only|readonly|query_only"):
                conn.execute(sa.text("UPDATE article SET title = 'x'"))


def test_concurrent_writers_keep_the_counts(db_url: str) -> None:
    # PostgreSQL writers of different articles run at the same time (SQLite queues them): the
    # shared per-place and per-day counters must add up, not lose an update
    import threading

    with Store.open(db_url) as store:
        copies = [dataclasses.replace(seed_article(), id=f"copy-{n}", url=None) for n in range(12)]
        errors: list[BaseException] = []

        def save(batch: list) -> None:
            try:
                for article in batch:
                    store.save(article)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=save, args=(copies[k::4],)) for k in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        incremental = _aggregate_rows(store)
        with store.engine.begin() as conn:
            aggregates.rebuild(conn)
        assert _aggregate_rows(store) == incremental
        with store.read() as conn:
            line = timeline_q._timeline(conn, make_filters(), None, {"article"}, direct=False)
        assert sum(b["total"] for b in line["buckets"]) == 12


def test_an_article_naming_one_place_two_ways_counts_once_on_the_map(web_db: str) -> None:
    # Two assaults in one article, placed at Ghazni once by its key and once by its name: two
    # groups of agg_event_place rows name one place and type, and the article counts once
    from web_samples import map_article

    article = map_article()
    article.id, article.url = "map-0002", "https://example.org/map-0002"
    protest, assault = article.events
    s = article.text.index("attacked")
    assault.place, assault.place_key = "Ghazni", None
    twin = dataclasses.replace(assault, start=article.text.index("protested"),
                               end=article.text.index("protested") + len("protested"),
                               place="geonames:1141269", place_key="geonames:1141269")
    assert s == assault.start
    article.events = [assault, twin]
    with Store.open(web_db) as store:
        store.save(article)
        with store.read() as conn:
            markers = {(x["properties"]["name"], x["properties"]["category"]): x["properties"]
                       for x in map_q._map_features_aggregated(conn, make_filters(), limit=3000)["features"]
                       if x["properties"]["kind"] == "event"}
            assert (markers[("Ghazni", "ASSAULT")]["mentions"],
                    markers[("Ghazni", "ASSAULT")]["articles"]) == (2, 1)
        _assert_same_answers(store)


def test_search_pages_follow_the_rank_then_the_newest_whatever_the_page_size(web_db: str) -> None:
    """Search ranks the page before it reads the texts: the pages of two hits, laid end to
    end, are the one page of every hit, ordered by BM25 rank, then newest first, then id, as
    FTS5 itself ranks them. Nine reprints of one text (tied ranks) on different days and the
    seed article (the same passages, its own rank) are found by "counties"."""
    with Store.open(web_db) as store:
        for k in range(9):
            store.save(dataclasses.replace(drift_article(), id=f"drift-{k}", url=None,
                                           published=dt.date(2021, 8, 1) + dt.timedelta(days=k % 5)))
        with store.engine.connect() as conn:
            expected = [row[0] for row in conn.execute(sa.text(
                "SELECT l.article_id FROM article_fts JOIN agg_latest l ON l.revision_id = article_fts.rowid"
                " JOIN article a ON a.id = l.article_id WHERE article_fts MATCH '\"counties\"'"
                " ORDER BY bm25(article_fts), a.published DESC, a.id"))]
    assert len(expected) >= 10
    with make_client(web_db) as client:
        whole = client.get("/api/search", params={"q": "counties"}).json()
        paged = [item["id"] for offset in range(0, len(expected), 2)
                 for item in client.get("/api/search", params={"q": "counties", "limit": 2,
                                                               "offset": offset}).json()["items"]]
    assert [i["id"] for i in whole["items"]] == expected == paged
    assert whole["total"] == len(expected)
    # reprints of equal rank: newest first, then by id
    drift = [i for i in whole["items"] if i["id"].startswith("drift-")]
    assert [(i["published"], i["id"]) for i in drift] == sorted(
        ((i["published"], i["id"]) for i in drift), key=lambda p: (-dt.date.fromisoformat(p[0]).toordinal(), p[1]))


def test_search_pages_agree_with_the_whole_answer_on_both_backends(db_url: str) -> None:
    """The ranked page (FTS5 on SQLite, ts_rank on PostgreSQL) is cut before the texts are
    read: pages of one hit laid end to end are the answer with every hit, ties newest first."""
    from newswatch.web.queries.search import search_uncached
    with Store.open(db_url) as store:
        for article in (seed_article(), russian_article(), script_article()):
            store.save(article)
        for k in range(4):
            store.save(dataclasses.replace(drift_article(), id=f"drift-{k}", url=None,
                                           published=dt.date(2021, 8, 1) + dt.timedelta(days=k)))
        with store.read() as conn:
            whole = search_uncached(conn, make_filters(), "counties")
            paged = [item["id"] for offset in range(whole["total"])
                     for item in search_uncached(conn, make_filters(), "counties", limit=1,
                                                 offset=offset)["items"]]
    ids = [i["id"] for i in whole["items"]]
    assert whole["total"] == 5 and sorted(ids) == ["drift-0", "drift-1", "drift-2", "drift-3", "seed-0001"]
    assert ids == paged
    drift = [i for i in ids if i.startswith("drift-")]
    assert drift == ["drift-3", "drift-2", "drift-1", "drift-0"]  # equal rank: the newest first


def _rows_as_written(store: Store) -> dict[str, list[tuple]]:
    """Every aggregate table's rows in the order they were written (rowid), ids included."""
    with store.read() as conn:
        return {table.name: [tuple(r) for r in conn.execute(
                    sa.select(table).order_by(sa.text("rowid"))).all()]
                for table in (ag.agg_latest, ag.agg_place_day, ag.agg_place_month, ag.agg_timeline,
                              ag.agg_timeline_month, ag.agg_event_place, ag.agg_timeline_revision,
                              ag.data_version)}


def _country_rows(store: Store) -> dict[str, list[tuple]]:
    with store.read() as conn:
        return {table.name: sorted(tuple(r) for r in conn.execute(sa.select(table)).all())
                for table in (ag.agg_revision_country, ag.agg_timeline_country, ag.agg_timeline_country_month)}


def test_a_batch_of_saves_counts_its_new_articles_as_saves_one_by_one(tmp_path) -> None:
    """``save_many`` counts a batch's new articles in the aggregates in one set of statements;
    the rows (in the order written, ids included) and the data version are those of the same
    saves one at a time, also when the batch holds a revision of one of its own articles."""
    def batch() -> list:
        revised = seed_article()
        revised.text = TEXT.replace("188 counties", "191 counties")
        revised.published = dt.date(2021, 7, 20)
        return [seed_article(), drift_article(), map_article(), revised, russian_article(),
                script_article()]

    with Store.open(f"sqlite:///{tmp_path / 'one.sqlite'}") as one:
        statuses = [one.save(a).status for a in batch()]
        expected = _rows_as_written(one)
        expected_countries = _country_rows(one)
    assert statuses == ["new", "new", "new", "revised", "new", "new"]
    written: list[str] = []
    with Store.open(f"sqlite:///{tmp_path / 'many.sqlite'}") as many:
        sa.event.listen(many.engine, "before_cursor_execute",
                        lambda conn, cursor, stmt, *rest: written.append(stmt))
        assert [r.status for r in many.save_many(batch())] == statuses
        assert _rows_as_written(many) == expected
        # the country tables (upserted sums and a set of memberships: their order is no fact)
        assert _country_rows(many) == expected_countries
    assert expected["data_version"] == [(1, 6)]
    # the three new articles before the revision are counted together (the revision's former
    # latest revision is then taken out), the revision alone, the two after it together
    assert sum(s.startswith("INSERT INTO agg_timeline (") for s in written) == 3


def test_a_refused_revision_in_a_batch_leaves_the_others_counted(tmp_path) -> None:
    """A revision refused by the database rolls back alone, together with the counting it
    started for the batch's earlier new articles; they are counted at the end of the batch, so
    the aggregates are those of saving the accepted articles one by one."""
    with Store.open(f"sqlite:///{tmp_path / 'one.sqlite'}") as one:
        for a in (seed_article(), drift_article(), map_article()):
            one.save(a)
        expected = _rows_as_written(one)
    with Store.open(f"sqlite:///{tmp_path / 'many.sqlite'}") as many:
        many.save(seed_article())
        bad = seed_article()
        bad.text = TEXT.replace("188 counties", "191 counties")
        bad.figures[0].value = None  # type: ignore[assignment]  # NOT NULL refuses the revision
        results = many.save_many([drift_article(), bad, map_article()])
        assert [getattr(r, "status", "refused") for r in results] == ["new", "refused", "new"]
        assert _rows_as_written(many) == expected


def test_a_place_only_described_by_a_nationality_word_is_listed_but_not_mapped(web_db: str) -> None:
    # issue 13: "Russian officials" makes Russia a place of the article (kind "adjective"),
    # kept on the article, but no place the article happened at: neither the aggregated nor
    # the direct map draws it, and the article's named places still are drawn
    from newswatch.model import Place, PlaceMention

    from web_samples import _sentences, map_article

    article = map_article()
    article.id, article.url = "map-0003", "https://example.org/map-0003"
    article.text += " Russian officials condemned the attack."
    article.sentences = _sentences(article.text)
    r = article.text.index("Russian")
    russia = Place("geonames:2017370", "Russia", article.provenance("geocode", "10", r, 0.9),
                   geonameid=2017370, lat=60.0, lon=100.0, country_code="RU", feature_class="A",
                   feature_code="PCLI", source="pycountry", candidates=1, reason="nationality word")
    russia.mentions.append(PlaceMention("Russian", r, r + 7, article.provenance("geocode", "10", r, 0.9),
                                        russia.key, kind="adjective"))
    article.places.append(russia)
    with Store.open(web_db) as store:
        store.save(article)
        stored = store.load_article("map-0003")
        assert [(m.text, m.kind) for p in stored.places if p.name == "Russia" for m in p.mentions] == \
            [("Russian", "adjective")]
        with store.read() as conn:
            for features in (map_q._map_features_aggregated(conn, make_filters(), limit=3000),
                             map_q._map_features_direct(conn, make_filters(), limit=3000)):
                keys = {x["properties"]["key"] for x in features["features"]}
                assert "geonames:2017370" not in keys and "geonames:1141269" in keys
        _assert_same_answers(store)
        _assert_exact_and_as_rebuilt(store)
