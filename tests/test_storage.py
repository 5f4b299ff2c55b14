"""Storage: save/revise/idempotence, atomic failures, round trip, migrations (SQLite + PostgreSQL).

Repository tests take the ``store`` fixture, parametrised over SQLite and PostgreSQL (the
PostgreSQL runs are marked ``postgres`` and skipped when the server is not reachable); each
runs on an empty database (a temp SQLite file or a fresh PostgreSQL schema).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import main as alembic_main
from alembic.runtime.migration import MigrationContext

from newswatch.errors import StorageError
from newswatch.serialize import ARTICLE_VIEW_SCHEMA, SCHEMA_VERSION, article_to_dict, validate
from newswatch.storage import ArticleNotFound, Store
from newswatch.storage import mapping as mp
from newswatch.storage import schema as t
from newswatch.storage.migrate import current_revisions, script_directory, upgrade_to_head
from newswatch.storage.reader_schema import DERIVED_TABLES

from storage_samples import TEXT, make_article

#: Rows written by one save of the sample article (see storage_samples.make_article):
#: Lavrov, Moscow, Taliban and Afghanistan twice; Termez, Hairaton and Afghanistan (2 mentions).
SAMPLE_ROWS = {
    "article": 1,
    "revision": 1,
    "source": 1,
    "entity": 4,
    "entity_mention": 5,
    "quote": 1,
    "figure": 2,
    "timex": 2,
    "place": 3,
    "place_resolution": 3,
    "place_mention": 4,
    "event": 1,
    "stage_error": 1,
    "ingest_failure": 0,
    # situation tables (migration 0003): the event's one mention, the text's MinHash
    # signature and its LSH band buckets; no claims (the sample has none), no merges, no
    # near-duplicate cluster
    "event_mention": 1,
    "revision_minhash": 1,
    "minhash_band": 25,
    "claim": 0,
    "claim_group": 0,
    "entity_merge": 0,
    "article_cluster": 0,
    "article_cluster_member": 0,
    # dashboard aggregates (migration 0006): the latest revision; one row per place (one day, one language), one
    # per timeline type (article, quote, figure, timex, event), the same per revision, no
    # located event; the version
    "agg_latest": 1,
    "agg_place_day": 3,
    "agg_place_month": 3,  # one month: the same places
    "agg_timeline": 5,
    "agg_timeline_month": 5,  # one publication month: the same rows
    "agg_timeline_revision": 5,
    "agg_event_place": 0,
    # country aggregates (migration 0013): the revision is in three countries (its places'
    # and its entities'), and the five timeline rows count in each
    "agg_revision_country": 3,
    "agg_timeline_country": 15,
    "agg_timeline_country_month": 15,  # one publication month: the same rows
    "data_version": 1,
    # reader activity (migration 0002), empty after a save
    "app_user": 0,
    "comment": 0,
    "error_report": 0,
    "rating": 0,
    "user_session": 0,
    # the watch loop (migration 0004), untouched by a save
    "watch_alert": 0,
    "watch_delivery": 0,
    "watch_digest": 0,
    "watch_rule": 0,
    "watch_seen": 0,
    "watch_source": 0,
    # analysts' corrections and verification (migration 0005), untouched by a save
    "correction": 0,
    "entity_edit": 0,  # analysts' entity merges and splits (migration 0009), likewise
    "verification": 0,
    # happenings and story threads (migration 0008): written by the threads pass, not by a save
    "happening_member": 0,
    "story": 0,
    "story_member": 0,
}


def _revised_text() -> str:
    # The kind of drift the seed's figures show: a later reading reports another count.
    return TEXT.replace("188 counties", "193 counties")


# -- saving ------------------------------------------------------------------------------------


def test_first_save_is_new_and_writes_every_item(store: Store) -> None:
    result = store.save(make_article())
    assert (result.status, result.article_id) == ("new", "seed-0001")
    assert store.counts() == SAMPLE_ROWS
    info = store.latest_revision("seed-0001")
    assert info is not None
    assert (info.id, info.seq) == (result.revision_id, 1)
    assert info.content_hash == make_article().content_hash
    assert len(info.content_hash) == 64


def test_saving_the_same_text_again_is_unchanged_and_writes_nothing(store: Store) -> None:
    first = store.save(make_article())
    before = store.counts()
    again = store.save(make_article())
    assert (again.status, again.revision_id) == ("unchanged", first.revision_id)
    assert store.counts() == before


def test_changed_text_makes_a_new_revision_and_keeps_the_old_one(store: Store) -> None:
    first = store.save(make_article())
    second = store.save(make_article(_revised_text()))
    assert second.status == "revised"
    assert second.revision_id != first.revision_id
    assert [r.seq for r in store.revisions("seed-0001")] == [1, 2]
    counts = store.counts()
    assert counts["article"] == 1 and counts["revision"] == 2
    assert counts["entity"] == 4  # same entities, linked again
    assert counts["entity_mention"] == 10 and counts["figure"] == 4
    old = store.load_article("seed-0001", first.revision_id)
    new = store.load_article("seed-0001")
    assert [f.text for f in old.figures] == ["188 counties", "another 135"]
    assert [f.text for f in new.figures] == ["193 counties", "another 135"]
    assert old.text == TEXT
    # Re-saving the revised text is a no-op, and so is reading the first text again: an older
    # copy never becomes the latest revision again (re-ingesting is idempotent).
    assert store.save(make_article(_revised_text())).status == "unchanged"
    again = store.save(make_article())
    assert (again.status, again.revision_id) == ("unchanged", first.revision_id)
    assert [r.seq for r in store.revisions("seed-0001")] == [1, 2]
    assert store.load_article("seed-0001") == make_article(_revised_text())


def test_find_unchanged_tells_whether_analysis_can_be_skipped(store: Store) -> None:
    assert store.find_unchanged(make_article()) is None
    saved = store.save(make_article())
    found = store.find_unchanged(make_article())
    assert found is not None and (found.status, found.revision_id) == (
        "unchanged",
        saved.revision_id,
    )
    assert store.find_unchanged(make_article(_revised_text())) is None


def test_an_article_without_id_gets_one_from_its_url(store: Store) -> None:
    article = make_article(article_id="")
    result = store.save(article)
    assert result.article_id == article.id
    assert article.id.startswith("url-") and len(article.id) == 20


def _break_figure_inserts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the database reject the figure rows (NULL in the NOT NULL ``value`` column)."""
    real = mp.to_row

    def broken(table: sa.Table, item: object) -> dict:
        row = real(table, item)
        return {**row, "value": None} if table is t.figure else row

    monkeypatch.setattr(mp, "to_row", broken)


def test_a_failure_while_saving_a_new_article_writes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_figure_inserts(monkeypatch)
    with pytest.raises(StorageError) as err:
        store.save(make_article())
    assert err.value.code == "storage"
    assert all(n == 0 for n in store.counts().values())
    with pytest.raises(ArticleNotFound):
        store.load_article("seed-0001")


def test_a_failure_while_saving_a_revision_keeps_the_previous_content(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(make_article())
    before = store.counts()
    _break_figure_inserts(monkeypatch)
    with pytest.raises(StorageError):
        store.save(make_article(_revised_text()))
    monkeypatch.undo()
    assert store.counts() == before
    assert store.load_article("seed-0001") == make_article()
    # The failed revision can be saved once the cause is gone.
    assert store.save(make_article(_revised_text())).status == "revised"


def _batch() -> list:
    """A batch with an article, its revision, another article and the first text again (an
    older copy read again: unchanged)."""
    return [make_article(), make_article(_revised_text()), make_article(article_id="seed-0002"),
            make_article()]


def test_save_many_gives_what_saving_one_by_one_gives(store: Store, tmp_path: Path) -> None:
    results = store.save_many(_batch())
    assert [(r.status, r.article_id) for r in results] == [  # type: ignore[union-attr]
        ("new", "seed-0001"), ("revised", "seed-0001"), ("new", "seed-0002"), ("unchanged", "seed-0001")]
    one_by_one = Store.open(f"sqlite:///{tmp_path / 'single.sqlite'}")
    try:
        singles = [one_by_one.save(a) for a in _batch()]
        assert store.counts() == one_by_one.counts()
        assert [r.status for r in singles] == [r.status for r in results]  # type: ignore[union-attr]
    finally:
        one_by_one.close()
    assert [r.seq for r in store.revisions("seed-0001")] == [1, 2]
    assert store.load_article("seed-0001") == make_article(_revised_text())
    # saving the batch again writes nothing
    before = store.counts()
    again = store.save_many(_batch())
    assert {r.status for r in again} == {"unchanged"}  # type: ignore[union-attr]
    assert store.counts() == before


def test_a_bad_article_in_a_batch_fails_alone_and_leaves_nothing(store: Store) -> None:
    bad = make_article(article_id="bad-0001")
    bad.figures[0].value = None  # type: ignore[assignment]  # the NOT NULL column refuses it
    results = store.save_many([make_article(), bad, make_article(article_id="seed-0002")])
    assert isinstance(results[1], StorageError) and results[1].code == "storage"
    assert "bad-0001" in results[1].message
    # one line with the database's reason, not SQLAlchemy's statement and parameters
    assert "\n" not in results[1].message and "INSERT" not in results[1].message
    assert "null" in results[1].message.lower()  # "NOT NULL constraint failed", "not-null constraint"
    assert [r.status for r in (results[0], results[2])] == ["new", "new"]  # type: ignore[union-attr]
    with pytest.raises(ArticleNotFound):
        store.load_article("bad-0001")
    assert store.load_article("seed-0001") == make_article()
    assert store.load_article("seed-0002") == make_article(article_id="seed-0002")
    assert store.counts()["revision"] == 2


def test_a_failed_unchanged_check_is_one_line(store: Store) -> None:
    store.save(make_article())
    with store.engine.begin() as conn:  # a database that can no longer be read as expected
        conn.execute(sa.text("ALTER TABLE revision RENAME TO revision_gone"))
    try:
        with pytest.raises(StorageError) as err:
            store.find_unchanged(make_article())
    finally:
        with store.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE revision_gone RENAME TO revision"))
    assert "seed-0001" in err.value.message
    assert "\n" not in err.value.message and "SELECT" not in err.value.message
    assert "revision" in err.value.message


# -- reading -----------------------------------------------------------------------------------


def test_load_article_gives_back_equal_items(store: Store) -> None:
    original = make_article()
    store.save(original)
    loaded = store.load_article("seed-0001")
    assert loaded == original
    assert loaded.places[0].mentions[0].text == "Termez"
    assert loaded.places[1].resolved is False and loaded.places[1].mentions[0].place_key is None
    assert loaded.meta == {"capture": "seed", "tags": ["afghanistan", "csto"]}


def test_load_article_of_unknown_id_raises(store: Store) -> None:
    with pytest.raises(ArticleNotFound) as err:
        store.load_article("nope")
    assert err.value.code == "article-not-found"
    assert store.latest_revision("nope") is None


def test_article_to_dict_is_the_json_contract_with_revision_info(store: Store) -> None:
    store.save(make_article())
    data = store.article_to_dict("seed-0001")
    text = json.dumps(data)
    assert json.loads(text) == data
    validate(data, ARTICLE_VIEW_SCHEMA)
    article = data["article"]
    assert article == article_to_dict(make_article())  # the one serializer, stored or not
    assert article["published"] == "2021-07-08" and article["schema_version"] == SCHEMA_VERSION
    assert data["revision"]["seq"] == 1 and data["revision_count"] == 1
    assert article["figures"][0]["value"] == 188.0 and article["figures"][0]["counted"] == "county"
    assert article["figures"][0]["provenance"]["stage"] == "figures"
    assert "tokens" not in article and "ner_spans" not in article


def test_quote_speaker_is_linked_to_the_speaker_entity(store: Store) -> None:
    store.save(make_article())
    with store.read() as conn:
        speaker = conn.execute(
            sa.select(t.entity.c.key).join(t.quote, t.quote.c.speaker_entity_id == t.entity.c.id)
        ).scalar_one()
    assert speaker == "PERSON:Sergei Lavrov"


def test_entities_are_shared_across_articles_by_key(store: Store) -> None:
    store.save(make_article())
    other = make_article(TEXT.split("\n\n")[0], article_id="seed-0002")
    other.entities[1].country = None  # Moscow without a country does not erase RUS
    store.save(other)
    counts = store.counts()
    assert counts["entity"] == 4 and counts["entity_mention"] == 7
    with store.read() as conn:
        per_entity = dict(
            conn.execute(
                sa.select(t.entity.c.key, sa.func.count())
                .join(t.entity_mention, t.entity_mention.c.entity_id == t.entity.c.id)
                .group_by(t.entity.c.key)
            ).all()
        )
        moscow_country = conn.execute(
            sa.select(t.entity.c.country).where(t.entity.c.key == "GPE:Moscow")
        ).scalar_one()
    assert per_entity["PERSON:Sergei Lavrov"] == 2 and per_entity["GPE:Moscow"] == 2
    assert moscow_country == "RUS"


def test_record_failure_is_logged(store: Store) -> None:
    row_id = store.record_failure("samples/empty.html", "empty", "no text after extraction")
    assert row_id >= 1
    with store.read() as conn:
        row = conn.execute(sa.select(t.ingest_failure)).mappings().one()
    assert (row["origin"], row["code"]) == ("samples/empty.html", "empty")
    assert store.counts()["ingest_failure"] == 1


def test_cyrillic_and_astral_text_round_trips(store: Store) -> None:
    text = "😀 Талибы контролируют 188 уездов, сообщил Лавров.\n\n" + TEXT
    article = make_article(text, article_id="ru-0001")
    store.save(article)
    loaded = store.load_article("ru-0001")
    assert loaded.text == text and loaded == article


# -- SQLite specifics --------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'nw.sqlite'}") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_two_sqlite_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nw.sqlite'}"
    Store.open(url).close()
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            with Store.open(url) as s:
                for i in range(15):
                    s.save(make_article(TEXT + f" ({prefix}{i})", article_id=f"{prefix}{i}"))
                    s.save(make_article(TEXT + f" ({prefix}{i})", article_id="shared"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with Store.open(url) as s:
        counts = s.counts()
    assert counts["article"] == 31
    assert counts["revision"] == 60  # 30 articles once, "shared" revised on every save


def test_open_reports_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as err:
        Store.open(f"sqlite:///{tmp_path / 'missing' / 'nw.sqlite'}")
    assert "does not exist" in err.value.message


def test_open_reports_a_bad_url() -> None:
    with pytest.raises(StorageError) as err:
        Store.open("not a url")
    assert err.value.code == "storage"


# -- migrations --------------------------------------------------------------------------------


def test_history_starts_with_the_initial_revision() -> None:
    revisions = list(script_directory().walk_revisions())
    assert revisions, "no migration scripts found"
    initial = revisions[-1]
    assert (initial.revision, initial.down_revision) == ("0001", None)


def test_fresh_database_reaches_head_and_reopening_is_a_no_op(db_url: str) -> None:
    heads = tuple(script_directory().get_heads())
    with Store.open(db_url) as s:
        with s.engine.connect() as conn:
            assert current_revisions(conn) == heads
        s.save(make_article())
        before = s.counts()
        assert upgrade_to_head(s.engine) is False
    with Store.open(db_url) as s:
        assert s.counts() == before


def test_concurrent_opens_of_a_fresh_database_migrate_once(db_url: str) -> None:
    results: list[object] = []

    def opener() -> None:
        try:
            with Store.open(db_url) as s:
                results.append(s.counts()["article"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            results.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [0, 0, 0]


def test_a_database_from_a_newer_release_is_refused_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.sqlite'}"
    with Store.open(url) as s:
        s.save(make_article())
        with s.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError) as err:
        Store.open(url)
    assert "9999" in err.value.message and "upgrade newswatch" in err.value.message
    with Store.open(url, migrate=False) as s:
        assert s.counts()["article"] == 1


def test_migrated_schema_matches_the_table_definitions(db_url: str) -> None:
    with Store.open(db_url) as s, s.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, t.metadata)
                if not (d[0] == "remove_table" and d[1].name in DERIVED_TABLES)
                and not (d[0] == "remove_index" and d[1].table.name in DERIVED_TABLES)]
        assert diff == []  # the search indexes (FTS5, revision_tsv) are derived data, outside the metadata
        names = set(sa.inspect(conn).get_table_names()) - set(DERIVED_TABLES)
    assert names == set(t.metadata.tables) | {"alembic_version"}


def test_alembic_command_line_uses_the_packaged_ini(tmp_path: Path) -> None:
    ini = Path(t.__file__).with_name("alembic.ini")
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    alembic_main(argv=["-c", str(ini), "-x", f"url={url}", "upgrade", "head"])
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert current_revisions(conn) == tuple(script_directory().get_heads())
    finally:
        engine.dispose()
    with Store.open(url) as s:  # a database migrated by hand opens without changes
        assert s.counts()["article"] == 0


def test_save_result_and_revision_info_are_plain_records(store: Store) -> None:
    result = store.save(make_article())
    assert dataclasses.asdict(result) == {
        "status": "new",
        "article_id": "seed-0001",
        "revision_id": result.revision_id,
    }
    info = store.latest_revision("seed-0001")
    assert info is not None and info.read_at.tzinfo is not None
    assert (info.origin, info.input_format, info.extractor) == (
        "tests/storage_samples.py",
        "text",
        "plain",
    )
