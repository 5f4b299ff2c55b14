"""Pure parts of the web layer: text segmentation for the reader, search query building and
highlighting, language choice, the rate limiter, settings; and migration 0002 on a database
that already holds articles (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from newswatch.model import Article, EntityMention, Provenance, Quote, Sentence
from newswatch.storage import Store
from newswatch.storage.engine import make_engine, write_transaction
from newswatch.storage.migrate import alembic_config
from newswatch.storage.reader_schema import DERIVED_TABLES, PG_TSV_TABLE, READER_TABLES
from newswatch.web.config import WEB_SETTINGS, load_config
from newswatch.web.i18n import choose_language
from newswatch.web.markup import annotations, segments
from newswatch.web.queries import (
    Filters,
    fts5_query,
    highlight_snippet,
    parse_filters,
    query_terms,
    search,
)
from newswatch.web.security import RateLimiter
from newswatch.web.users import create_user

from storage_samples import TEXT, make_article

ROOT = Path(__file__).resolve().parent.parent


def _prov() -> Provenance:
    return Provenance("test", "1")


def test_segments_cover_the_text_and_nest_entities_inside_quotes() -> None:
    text = 'He said "Lavrov met Kommasith" today.'
    q0 = text.index("Lavrov")
    quote = Quote("Lavrov met Kommasith", q0, q0 + 20, "x", _prov())
    a = Article(text=text, quotes=[quote], sentences=[Sentence(0, len(text))])
    a.entities = [EntityMention("Lavrov", "PERSON", q0, q0 + 6, "Sergei Lavrov", _prov())]
    spans, panel = annotations(a, {"PERSON:Sergei Lavrov": 7})
    segs = segments(text, spans)
    assert "".join(s.text for s in segs) == text
    assert [s.start for s in segs] == [0, q0, q0 + 6, q0 + 20]
    assert segs[1].classes == ["k-entity", "l-PERSON", "k-quote"]
    assert segs[1].anchors == ["a-entity-0", "a-quote-0"]
    assert segs[2].classes == ["k-quote"] and segs[3].classes == []
    assert panel["entities"][0]["entity_id"] == 7


def test_segment_offsets_are_code_points_with_astral_characters() -> None:
    text = "🙂 Moscow 🙂 Kabul"
    k = text.index("Kabul")
    a = Article(text=text)
    a.entities = [EntityMention("Kabul", "GPE", k, k + 5, "Kabul", _prov())]
    segs = segments(text, annotations(a)[0])
    kabul = next(s for s in segs if s.classes)
    assert kabul.start == k == 11 and kabul.text == "Kabul"


def test_spans_outside_the_text_are_ignored() -> None:
    a = Article(text="short")
    a.entities = [EntityMention("x", "ORG", 3, 99, "x", _prov())]
    assert [s.text for s in segments(a.text, annotations(a)[0])] == ["short"]


def test_fts_queries_quote_every_term_and_keep_prefixes() -> None:
    assert query_terms('Taliban "NEAR(" afghan* OR ё') == ["Taliban", "NEAR", "afghan*", "OR", "ё"]
    assert fts5_query(["Taliban", "afghan*"]) == '("taliban" AND "afghan"*)'
    # a Russian word stands for its forms (ё folded to е); a Russian prefix term is kept as typed
    russian = fts5_query(["Четвёртый", "взрыв*"])
    assert russian.startswith('(("четвертый" OR "четвертого" OR ') and russian.endswith(' AND "взрыв"*)')
    assert '"четвертым"' in russian and '"четвертая"' in russian


def test_highlight_finds_cyrillic_with_yo_and_case() -> None:
    text = "Четвёртый военнослужащий США умер."
    snip = highlight_snippet(text, ["четвертый", "сша"])
    assert [snip["text"][s:e] for s, e in snip["highlights"]] == ["Четвёртый", "США"]


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("ru", None, None, "ru"),
        (None, "ru", "en", "ru"),
        (None, None, "de-DE,ru;q=0.8,en;q=0.5", "ru"),
        (None, None, "en-GB,ru;q=0.9", "en"),
        (None, None, "fr", "en"),
        ("xx", None, "ru", "ru"),
    ],
)
def test_language_choice_order(query, cookie, header, expected) -> None:
    assert choose_language(query, cookie, header) == expected


def test_rate_limiter_slides_its_window() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert limiter.hit("u") is None and limiter.hit("u") is None
    assert limiter.hit("u") == 10.0
    assert limiter.hit("other") is None
    now[0] = 10.5
    assert limiter.hit("u") is None


def test_filters_accept_codes_and_names() -> None:
    f = parse_filters("2021-07-01", "2021-07-31", "afg", "RU")
    assert (f.country, f.country_alpha3, f.language) == ("AF", "AFG", "ru")
    assert f.params() == {"since": "2021-07-01", "until": "2021-07-31", "country": "AF",
                          "language": "ru"}


def test_web_settings_have_units_help_and_documentation() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text("utf-8")
    # every web_* setting is a WebConfig attribute and every attribute but the URL is a setting
    from dataclasses import fields as dc_fields

    from newswatch.web.config import WebConfig

    attrs = {f.name for f in dc_fields(WebConfig)} - {"db_url"}
    assert {s.name.removeprefix("web_") for s in WEB_SETTINGS} == attrs
    assert "trusted_proxies" in attrs
    for s in WEB_SETTINGS:
        assert s.help, s.name
        if isinstance(s.default, (int, float)) and not isinstance(s.default, bool):
            assert s.name.endswith(("_bytes", "_seconds", "_chars", "_count")), s.name
        assert f"`{s.name}`" in doc, f"{s.name} is not documented in docs/settings.md"
    config = load_config("sqlite://", {"max_comment_chars": "10"},
                         env={"NEWSWATCH_WEB_OPEN_READ": "0"})
    assert (config.open_read, config.max_comment_chars) == (False, 10)


def test_migration_0002_keeps_existing_articles_and_indexes_them(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with write_transaction(engine) as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        with write_transaction(engine) as conn:  # a database from before the reader tables
            now = dt.datetime(2021, 7, 8, tzinfo=dt.UTC)
            conn.execute(sa.text(
                "INSERT INTO article (id, title, published, language, first_seen) "
                "VALUES ('seed-0001', 'Russia won''t leave its allies', :d, 'en', :now)"),
                {"d": dt.date(2021, 7, 8), "now": now})
            conn.execute(sa.text(
                "INSERT INTO revision (article_id, seq, content_hash, text, extractor, read_at, "
                "origin, input_format, meta, stages_run, sentences) VALUES ('seed-0001', 1, "
                "'x', :text, '', :now, '', 'text', '{}', '[]', '[]')"), {"text": TEXT, "now": now})
    finally:
        engine.dispose()
    with Store.open(db_url) as store:  # upgrades to head
        counts = store.counts()
        assert counts["article"] == 1 and counts["revision"] == 1
        assert all(counts[t.name] == 0 for t in READER_TABLES)
        user = create_user(store.engine, "olga", "long-enough-pw", "analyst")
        assert user.role == "analyst"
        with store.read() as conn:
            found = search(conn, Filters(), "termez")
            names = set(sa.inspect(conn).get_table_names())
            if store.backend == "postgresql":  # the index hint ends with the search
                assert conn.scalar(sa.text("SELECT current_setting('enable_seqscan')")) == "on"
        assert [i["id"] for i in found["items"]] == ["seed-0001"]
        fts5_tables = set(DERIVED_TABLES) - {PG_TSV_TABLE}
        if store.backend == "sqlite":
            assert found["engine"] == "fts5" and fts5_tables <= names and PG_TSV_TABLE not in names
        else:  # migration 0010 indexed the revision stored before it
            assert found["engine"] == "postgresql"
            assert not fts5_tables & names and PG_TSV_TABLE in names
        store.save(make_article(article_id="seed-0009"))  # the trigger indexes new revisions
        with store.read() as conn:
            assert search(conn, Filters(), "Hairaton")["total"] == 2
        from web_samples import RU_ID, russian_article

        store.save(russian_article())  # "Четвёртый военнослужащий США ... взрыва ..."
        with store.read() as conn:  # other forms of the Russian words, on both backends
            found = search(conn, Filters(), "четвертого военнослужащие взрывом")
            if store.backend == "postgresql":  # the stored documents are the computed ones
                from newswatch.watch.query import ts_document

                a, r = sa.table("article", sa.column("id"), sa.column("title")), \
                    sa.table("revision", sa.column("id"), sa.column("article_id"), sa.column("text"))
                tsv = sa.table(PG_TSV_TABLE, sa.column("revision_id"), sa.column("document"))
                computed = sa.select(r.c.id, sa.cast(ts_document(a.c.title, r.c.text), sa.Text)) \
                    .join(a, a.c.id == r.c.article_id)
                stored = sa.select(tsv.c.revision_id, sa.cast(tsv.c.document, sa.Text))
                rows = sorted(conn.execute(computed).all())
                assert len(rows) == 3 and rows == sorted(conn.execute(stored).all())
        assert [i["id"] for i in found["items"]] == [RU_ID]


def test_dashboard_reads_and_writes_on_both_backends(db_url: str) -> None:
    from web_samples import (
        PASSWORDS,
        ROLES,
        drift_article,
        login,
        make_client,
        russian_article,
        script_article,
        seed_article,
    )

    with Store.open(db_url) as store:
        for a in (seed_article(), drift_article(), russian_article(), script_article()):
            store.save(a)
        for name in ("rita", "ana"):
            create_user(store.engine, name, PASSWORDS[name], ROLES[name])
    with make_client(db_url) as c:
        assert c.get("/api/overview", params={"country": "UZ"}).json()["counts"]["articles"] == 2
        assert len(c.get("/api/map").json()["features"]) == 4
        days = c.get("/api/timeline", params={"since": "2021-07-01", "until": "2021-07-31"}).json()
        assert days["buckets"][0]["counts"] == {"event:ASSAULT": 1, "timex": 2}
        taliban = c.get("/api/entities", params={"q": "taliban"}).json()["items"][0]["id"]
        assert c.get(f"/api/entities/{taliban}").json()["languages"] == {"en": 2, "ru": 1}
        assert c.get("/api/claims").json()["groups"][0]["values"] == [188.0, 193.0]
        assert c.get("/api/search", params={"q": "Талибан"}).json()["total"] == 1
        token = login(c, "ana")
        rated = c.put("/api/articles/seed-0001/rating", json={"stars": 5, "reliability": "C"},
                      headers={"X-CSRF-Token": token}).json()
        assert (rated["average"], rated["admiralty"]) == (5.0, "C?")
        article = c.get("/api/articles/seed-0001").json()
        s = article["article"]["text"].index("Termez")
        report = c.post("/api/articles/seed-0001/reports", headers={"X-CSRF-Token": token}, json={
            "revision_id": article["revision"]["id"], "exact": "Termez", "start": s,
            "end": s + 6, "kind": "typo"}).json()
        assert report["sentence"].startswith("According to the Afghan Tolo News TV channel")
        done = c.post(f"/api/reports/{report['id']}/resolve", json={},
                      headers={"X-CSRF-Token": token}).json()
        assert done["status"] == "resolved"
        assert c.get("/articles/seed-0001", headers={"accept": "text/html"}).status_code == 200
