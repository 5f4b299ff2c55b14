"""Scale (issue 11): Parquet parts named per input, ``newswatch batch`` on a Dask LocalCluster of
two workers, ``newswatch load`` into SQLite and PostgreSQL, and the same database contents as a
plain ``ingest`` of the same inputs.

The LocalCluster tests are few and marked slow (each starts two worker processes); they close
their cluster before returning (``run_batch`` owns it)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.dataset as pads
import pytest
from scale_helpers import differences, natural_dump
from test_hostile_budget import FACTORY, GOOD, MEMORY_BYTES, NO_MODELS_FACTORY
from typer.testing import CliRunner
from warc_samples import KREMLIN, kremlin_records, write_warc

from newswatch.cli import app
from newswatch.ingest.readers import read_inputs
from newswatch.model import Article
from newswatch.scale import parquet as pq_
from newswatch.scale.batch import (
    MANIFEST,
    QUARANTINE,
    WORKER_SATURATION,
    BatchInput,
    PipelinePlugin,
    dask_client,
    dispatch_order,
    drop_nanny_malloc_trim,
    map_input,
    preload_languages,
    read_manifest,
    run_batch,
)
from newswatch.scale.load import load_parts
from newswatch.settings import SettingsError
from newswatch.settings import load as load_settings
from newswatch.storage import Store
from newswatch.storage import schema as t
from newswatch.storage import situation_schema as st

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "inforos_2021-07-08_russia-wont-leave-its-allies.txt"
NEREL = ROOT / "samples" / "nerel_ru_sample.jsonl"


def _lines(path: Path, start: int, stop: int) -> str:
    return "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[start:stop])


def _inputs(folder: Path) -> list[str]:
    """Five inputs of four kinds: a WARC (3 pages and 5 bad records), the Kremlin sample split
    into two JSON Lines shards (the first repeats the WARC's 3 pages under other ids: reprints,
    for the near-duplicate clusters), 3 undated Russian records, the founding article."""
    folder.mkdir()
    warc = write_warc(folder / "a_crawl.warc.gz", kremlin_records(3), hostile=True)
    (folder / "b_kremlin_1.jsonl").write_text(_lines(KREMLIN, 0, 8), encoding="utf-8")
    (folder / "c_kremlin_2.jsonl").write_text(_lines(KREMLIN, 8, 12), encoding="utf-8")
    (folder / "d_nerel.jsonl").write_text(_lines(NEREL, 0, 3), encoding="utf-8")
    seed = folder / "e_seed.txt"
    shutil.copy(SEED, seed)
    return [str(warc), *(str(folder / n) for n in ("b_kremlin_1.jsonl", "c_kremlin_2.jsonl", "d_nerel.jsonl")),
            str(seed)]


# --------------------------------------------------------------------------- Parquet parts


def test_datasets_hold_every_stored_column_of_their_tables() -> None:
    dss = pq_.datasets()
    for name, table in pq_.ITEM_TABLES.items():
        cols = {c for c, _ in dss[name].columns}
        assert {c.name for c in pq_.stored_columns(table)} <= cols, name
        assert {"article_id", "content_hash", "n"} <= cols
    mentions = {c for c, _ in dss["mentions"].columns}
    assert {"stage", "stage_version", "confidence", "sentence_start", "sentence_end", "start", "end"} <= mentions
    assert "entity_id" not in mentions and "id" not in mentions  # the database assigns them
    assert {c.name for c in pq_.stored_columns(t.place)} <= {c for c, _ in dss["places"].columns}
    assert "detail" in dss["events"].json and "cited" in dss["claims"].json
    arts = {c for c, _ in dss["articles"].columns}
    assert {"text", "content_hash", "meta", "origin", "published", "url", "source"} <= arts
    assert "first_seen" not in arts and "read_at" not in arts
    assert st.event_mention.name == "event_mention"


def _stamp():
    """A stand-in analysis: every article gets one error row (no models)."""
    from newswatch.model import StageError

    def run(article: Article) -> Article:
        article.errors.append(StageError("stub", "note", f"seen {len(article.text)} chars"))
        return article

    return run


def test_a_part_is_replaced_not_duplicated_and_reads_back(tmp_path: Path) -> None:
    src = tmp_path / "k.jsonl"
    src.write_text(_lines(KREMLIN, 0, 4), encoding="utf-8")
    out = tmp_path / "out"
    settings = load_settings()
    first = map_input(str(src), str(src), str(out), settings, analyse=_stamp())
    assert first["status"] == "finished" and first["counts"] == {"articles": 4, "stage_errors": 4}
    assert sorted(first["files"]) == first["files"] and all(
        f.endswith(f"part-{first['key']}.parquet") for f in first["files"])
    months = sorted({f.split("/")[1] for f in first["files"] if f.startswith("articles/")})
    assert months == ["month=2021-11", "month=2021-12", "month=2022-01"]
    again = map_input(str(src), str(src), str(out), settings, analyse=_stamp())
    assert again["files"] == first["files"]
    assert len(list(out.glob("articles/month=*/*.parquet"))) == 3  # replaced, not added
    # readable as one Hive-partitioned table (what pandas, DuckDB and Spark read)
    table = pads.dataset(str(out / "articles"), format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 4
    assert sorted(table.column("month").to_pylist()) == ["2021-11", "2021-11", "2021-12", "2022-01"]
    back = list(pq_.read_articles(out))
    recs = [json.loads(x) for x in _lines(KREMLIN, 0, 4).splitlines()]
    assert [a.id for a in back] == [r["id"] for r in recs]
    assert [a.text for a in back] == [r["text"] for r in recs]
    assert [str(a.published) for a in back] == [r["published"] for r in recs]
    assert [a.errors[0].message for a in back] == [f"seen {len(r['text'])} chars" for r in recs]
    assert back[0].meta == next(read_inputs([str(src)])).meta
    # a changed input (new mtime) is another part; the old part's files stay until removed
    src.write_text(_lines(KREMLIN, 0, 1), encoding="utf-8")
    third = map_input(str(src), str(src), str(out), settings, analyse=_stamp())
    assert third["key"] != first["key"] and third["counts"]["articles"] == 1


def test_map_input_quarantines_what_gave_no_article(tmp_path: Path) -> None:
    src = write_warc(tmp_path / "crawl.warc.gz", kremlin_records(2), hostile=True)
    out = tmp_path / "out"
    row = map_input(str(src), str(src), str(out), load_settings(), analyse=_stamp())
    assert row["counts"]["articles"] == 2 and row["failed"] == 4
    lines = [json.loads(x) for x in (out / QUARANTINE / f"part-{row['key']}.jsonl").read_text().splitlines()]
    assert [(q["origin"], q["code"]) for q in lines] == [
        # #6 declares 2 GB but the file ends inside it: cut short, not too large
        (f"{src}#4", "not-html"), (f"{src}#5", "not-an-article"), (f"{src}#6", "truncated"),
        (f"{src}#7", "truncated")]
    assert [f["code"] for f in pq_.read_failures(out)] == ["not-html", "not-an-article", "truncated", "truncated"]


# --------------------------------------------------------------------------- Dask


@pytest.mark.slow
def test_batch_quarantines_an_article_over_budget_and_resumes(tmp_path: Path) -> None:
    """Two workers with a stand-in pipeline: the SLOW record goes over the 3 s budget and is
    quarantined with its text; the worker lives on; --resume skips finished inputs."""
    a = tmp_path / "in" / "a.jsonl"
    a.parent.mkdir()
    a.write_text("".join(json.dumps({"id": f"a{i}", "text": text}) + "\n" for i, text in
                         enumerate([GOOD, "SLOW " + GOOD, GOOD + " Again."])), encoding="utf-8")
    b = tmp_path / "in" / "b.jsonl"
    b.write_text(json.dumps({"id": "b0", "text": GOOD + " Later."}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    settings = load_settings(overrides={"analysis_timeout_seconds": 3, "analysis_memory_bytes": MEMORY_BYTES})
    lines: list[str] = []
    summary = run_batch([str(tmp_path / "in")], scheduler="local", workers=2, out=out, resume=False,
                        settings=settings, on_error=lines.append, factory=FACTORY)
    assert (summary.finished, summary.failed, summary.records_failed) == (2, 0, 1)
    assert summary.rows["articles"] == 3
    assert lines == [f"{a}:2: over-budget: analysis took longer than analysis_timeout_seconds=3 s; "
                     "quarantined (not stored)"]
    rows = {Path(r["path"]).name: r for r in read_manifest(out)}
    assert rows["a.jsonl"]["budgets"] is True and rows["a.jsonl"]["counts"]["articles"] == 2
    (q,) = [json.loads(x) for x in (out / QUARANTINE / f"part-{rows['a.jsonl']['key']}.jsonl").read_text().splitlines()]
    assert q["code"] == "over-budget" and q["article"]["id"] == "a1" and q["article"]["text"] == "SLOW " + GOOD
    assert sorted(x.id for x in pq_.read_articles(out)) == ["a0", "a2", "b0"]
    again = run_batch([str(tmp_path / "in")], scheduler="local", workers=2, out=out, resume=True,
                      settings=settings, factory=FACTORY)
    assert (again.finished, again.skipped) == (0, 2)
    assert len(read_manifest(out)) == 2


def test_the_nannys_malloc_trim_is_not_passed_to_the_analysis_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 (its pre-spawn-environ);
    the plugin's analysis child must start without it (it cost a fifth of the child's CPU),
    and an operator's own value must reach it unchanged."""
    import dask

    nanny = str(dask.config.get("distributed.nanny.pre-spawn-environ")["MALLOC_TRIM_THRESHOLD_"])
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", nanny)
    settings = load_settings(overrides={"analysis_timeout_seconds": 30, "analysis_memory_bytes": MEMORY_BYTES})
    plugin = PipelinePlugin(settings, FACTORY)
    plugin.setup()
    try:
        out = plugin.analyse(Article(text=GOOD, origin="test", language="en"))
    finally:
        plugin.teardown()
    assert isinstance(out, Article) and out.meta["pipeline_loads"] == 1
    assert out.meta["malloc_trim"] is None
    assert out.meta["preloaded"] == ["en"]  # batch_preload_languages' default
    # another value is the operator's: kept, for this process and its children
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert drop_nanny_malloc_trim() is False
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "131072"
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    assert drop_nanny_malloc_trim() is False


def test_inputs_are_dispatched_largest_first_ties_in_input_order(tmp_path: Path) -> None:
    """Longest processing time first: the size on disk ranks the tasks; expand_inputs records it."""
    sizes = {"a.jsonl": 300, "b.warc.gz": 9000, "c.jsonl": 300, "d.html": 50, "e.jsonl": 4000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    from newswatch.scale.batch import expand_inputs

    items = [x for x in expand_inputs([str(tmp_path)], load_settings()) if isinstance(x, BatchInput)]
    assert [(Path(x.path).name, x.size) for x in items] == sorted(sizes.items())
    assert [Path(items[i].path).name for i in dispatch_order(items)] == [
        "b.warc.gz", "e.jsonl", "a.jsonl", "c.jsonl", "d.html"]
    assert dispatch_order([]) == []


@pytest.mark.slow
def test_tasks_start_largest_input_first_and_queue_one_per_worker(tmp_path: Path) -> None:
    """One worker: every task starts in dispatch order (size on disk, largest first), not in
    input order; the local scheduler queues at one task per worker (Dask's default of 1.1
    held a second task on each single-threaded worker)."""
    with dask_client("local", 1) as client:
        assert client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION) \
            == WORKER_SATURATION == 1.0
    folder = tmp_path / "in"
    folder.mkdir()
    counts = {"a.jsonl": 2, "b.jsonl": 5, "c.jsonl": 1, "d.jsonl": 4, "e.jsonl": 3}
    for name, n in counts.items():
        (folder / name).write_text("".join(json.dumps({"id": f"{name}{i}", "text": GOOD}) + "\n"
                                           for i in range(n)), encoding="utf-8")
    out = tmp_path / "out"
    settings = load_settings(overrides={"analysis_timeout_seconds": 30, "analysis_memory_bytes": MEMORY_BYTES})
    summary = run_batch([str(folder)], scheduler="local", workers=1, out=out, resume=False,
                        settings=settings, factory=FACTORY)
    assert summary.finished == 5
    rows = sorted(read_manifest(out), key=lambda r: r["started"])
    assert [Path(r["path"]).name for r in rows] == ["b.jsonl", "d.jsonl", "e.jsonl", "a.jsonl", "c.jsonl"]
    assert sorted(r["index"] for r in rows) == [0, 1, 2, 3, 4]  # the load order stays input order
    assert {Path(r["path"]).name: r["index"] for r in rows}["a.jsonl"] == 0


@pytest.mark.slow
def test_a_worker_that_cannot_load_its_models_stops_the_run_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker host without the models (here: a stand-in whose preload refuses): the run stops
    before any task with a worker-setup error naming the cause; a task on a worker whose setup
    failed later (Dask only logs that) fails with the same cause, not a TypeError."""
    from newswatch.errors import WorkerSetupFailed

    settings = load_settings(overrides={"analysis_timeout_seconds": 30, "analysis_memory_bytes": MEMORY_BYTES})
    plugin = PipelinePlugin(settings, NO_MODELS_FACTORY)
    with pytest.raises(WorkerSetupFailed) as caught:
        plugin.setup()
    assert plugin.analyse is None and "no analysis models for en" in (plugin.error or "")
    assert caught.value.line().startswith("worker: worker-setup: the worker could not load the analysis "
                                          "pipeline: RuntimeError: the analysis worker could not load the "
                                          "pipeline: PipelineConfigError: no analysis models for en")
    assert "analysis_memory_bytes" not in caught.value.line()  # not a memory problem

    src = tmp_path / "k.jsonl"
    src.write_text(json.dumps({"id": "k0", "text": GOOD}) + "\n", encoding="utf-8")
    with pytest.raises(WorkerSetupFailed, match="no analysis models for en"):
        run_batch([str(src)], scheduler="local", workers=1, out=tmp_path / "out", resume=False,
                  settings=settings, factory=NO_MODELS_FACTORY)
    assert read_manifest(tmp_path / "out") == []

    import distributed

    class FakeWorker:
        address = "tcp://10.0.0.7:4000"
        plugins = {"newswatch-pipeline": plugin}

    monkeypatch.setattr(distributed, "get_worker", lambda: FakeWorker())
    with pytest.raises(WorkerSetupFailed) as caught:
        map_input(str(src), "k.jsonl", str(tmp_path / "out2"), settings)
    assert caught.value.subject == "tcp://10.0.0.7:4000" and "no analysis models for en" in caught.value.message


def test_preload_languages_reads_the_setting_and_refuses_a_language_without_models(tmp_path: Path) -> None:
    def codes(raw: str) -> tuple[str, ...]:
        return preload_languages(load_settings(overrides={"batch_preload_languages": raw}))

    assert codes(" RU, en ,ru,") == ("ru", "en") and codes("") == ()
    with pytest.raises(SettingsError, match="no analysis models for de, fr"):
        codes("en,de,fr")
    # the run stops before it starts a cluster or writes anything: one line, exit 3
    src = tmp_path / "k.jsonl"
    src.write_text(_lines(KREMLIN, 0, 1), encoding="utf-8")
    res = CliRunner().invoke(app, ["batch", str(src), "--out", str(tmp_path / "out"), "--no-progress"],
                             env={"NEWSWATCH_BATCH_PRELOAD_LANGUAGES": "en,xx"})
    assert res.exit_code == 3
    (line,) = res.stderr.splitlines()
    assert line == ("NEWSWATCH_BATCH_PRELOAD_LANGUAGES: settings: batch_preload_languages: "
                    "no analysis models for xx (supported: en, ru)")
    assert not (tmp_path / "out").exists()


def test_preload_loads_what_the_first_english_article_would() -> None:
    """The real pipeline: ``preload(("en",))`` loads the English models (the listener hears the
    load); then an English article loads nothing, and one without a language only the language
    detector (left to load on first use: records that carry their language never need it)."""
    from newswatch.errors import PipelineConfigError
    from newswatch.pipeline import default_pipeline, set_load_listener
    from newswatch.stages.nlp import NlpStage

    nlp = NlpStage()
    nlp.initialize()
    with pytest.raises(PipelineConfigError, match="no analysis models for de"):
        nlp.preload(("en", "de"))
    assert nlp._en is None  # refused before loading anything

    pipeline = default_pipeline(on_error="record")
    heard: list[tuple[str, bool]] = []
    set_load_listener(lambda what, starting: heard.append((what, starting)))
    try:
        pipeline.preload(("en",))
        loads = [what for what, starting in heard if starting]
        heard.clear()
        given = pipeline(Article(text=GOOD, origin="first.txt", language="en"))
        after_given = list(heard)
        detected = pipeline(Article(text=GOOD + " Again.", origin="second.txt"))
    finally:
        set_load_listener(None)
    assert loads == ["English nlp models"] and after_given == []
    assert [what for what, starting in heard if starting] == ["language detector"]
    for out in (given, detected):
        assert out.language == "en" and out.errors == [] and any(e.text == "Kandahar" for e in out.entities)


@pytest.mark.slow
def test_batch_then_load_gives_the_database_of_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _inputs(tmp_path / "in")
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(app, ["batch", *inputs, "--out", str(out), "--workers", "2", "--no-progress",
                              "--format", "json"])
    assert res.exit_code == 1, res.output  # the WARC's bad records (exit 1: some failed)
    summary = json.loads(res.stdout)
    assert (summary["finished"], summary["failed"], summary["records_failed"]) == (5, 0, 4)
    assert summary["rows"]["articles"] == 3 + 8 + 4 + 3 + 1
    manifest = read_manifest(out)
    assert sorted(r["index"] for r in manifest) == [0, 1, 2, 3, 4] and {r["status"] for r in manifest} == {"finished"}
    assert all(r["budgets"] for r in manifest)
    months = pads.dataset(str(out / "articles"), format="parquet", partitioning="hive").to_table()
    assert {"unknown", "2021-11", "2022-05"} <= set(months.column("month").to_pylist())
    assert (out / MANIFEST).is_file()

    ingested = tmp_path / "ingest.sqlite"
    res = runner.invoke(app, ["ingest", "--db", str(ingested), "--no-progress", *inputs])
    assert "ingested 19 new, 0 revised, 0 unchanged, 4 failed" in res.stdout, res.output
    loaded = tmp_path / "load.sqlite"
    res = runner.invoke(app, ["load", str(out), "--db", str(loaded), "--no-progress"])
    assert res.exit_code == 0 and res.stdout.startswith("loaded 19 new, 0 revised, 0 unchanged, 0 failed"), res.output
    want = natural_dump(f"sqlite:///{ingested}")
    got = natural_dump(f"sqlite:///{loaded}")
    assert len(want["event"]) > 5 and len(want["claim"]) > 5 and len(want["entity_mention"]) > 100
    assert len(want["article_cluster_member"]) == 6 and len(want["ingest_failure"]) == 4
    assert differences(want, got) == []
    res = runner.invoke(app, ["load", str(out), "--db", str(loaded), "--no-progress"])
    assert res.stdout.startswith("loaded 0 new, 0 revised, 19 unchanged, 0 failed"), res.output
    assert natural_dump(f"sqlite:///{loaded}") == got
    # load writes save_batch_count articles per transaction, as ingest does
    from newswatch.storage import Store

    sizes: list[int] = []
    real = Store.save_many
    monkeypatch.setattr(Store, "save_many", lambda self, batch: sizes.append(len(batch)) or real(self, batch))
    res = runner.invoke(app, ["load", str(out), "--db", str(tmp_path / "small.sqlite"), "--no-progress"],
                        env={"NEWSWATCH_SAVE_BATCH_COUNT": "2"})
    assert res.exit_code == 0, res.output
    assert sum(sizes) == 19 and max(sizes) == 2


@pytest.mark.slow
@pytest.mark.postgres
def test_load_into_postgresql_is_idempotent_and_equals_sqlite(tmp_path: Path) -> None:
    from newswatch.ingest.budget import recording_pipeline

    from storage_samples import fresh_postgres_url

    src = tmp_path / "k.jsonl"
    src.write_text(_lines(KREMLIN, 0, 6), encoding="utf-8")
    out = tmp_path / "out"
    map_input(str(src), str(src), str(out), load_settings(), analyse=recording_pipeline())
    sqlite_url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    with Store.open(sqlite_url) as store:
        assert load_parts(out, store).new == 6
    for pg in fresh_postgres_url():
        with Store.open(pg) as store:
            first = load_parts(out, store)
            assert (first.new, first.unchanged) == (6, 0)
        once = natural_dump(pg)
        with Store.open(pg) as store:
            assert load_parts(out, store).unchanged == 6
        assert natural_dump(pg) == once
        assert differences(natural_dump(sqlite_url), once) == []


def test_an_unreachable_scheduler_is_one_line_and_exit_3(tmp_path: Path) -> None:
    import dask

    src = tmp_path / "k.jsonl"
    src.write_text(_lines(KREMLIN, 0, 1), encoding="utf-8")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        res = CliRunner().invoke(app, ["batch", str(src), "--scheduler", "tcp://127.0.0.1:9",
                                       "--out", str(tmp_path / "out"), "--no-progress"])
    assert res.exit_code == 3
    (line,) = res.stderr.splitlines()
    assert line.startswith("tcp://127.0.0.1:9: scheduler-unreachable: no Dask scheduler answered")
    assert not (tmp_path / "out" / MANIFEST).exists()
