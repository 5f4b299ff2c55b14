"""End to end through the command line: extract (JSON contract), ingest, report, exit codes.

These run the real CLI in-process (typer's CliRunner) on the founding article and a real
Russian Wikinews article, and check facts one can verify by reading them.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newswatch.cli import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, app
from newswatch.serialize import validate

from conftest import SEED

pytestmark = pytest.mark.slow
runner = CliRunner()


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _extract(*args: str) -> tuple[int, list[dict], str]:
    res = runner.invoke(app, ["extract", *args, "--format", "json"])
    records = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    return res.exit_code, records, res.stderr


@pytest.fixture(scope="module")
def seed_record() -> dict:
    code, recs, err = _extract(str(SEED), "--published", "2021-07-08", "--source", "Inforos")
    assert code == EXIT_OK, err
    assert len(recs) == 1
    return recs[0]


@pytest.fixture(scope="module")
def seed_undated() -> dict:
    code, recs, err = _extract(str(SEED))
    assert code == EXIT_OK, err
    return recs[0]


def test_seed_record_follows_the_json_schema(seed_record):
    validate(seed_record)
    text = seed_record["text"]
    for item in ("entities", "quotes", "figures", "timexes"):
        for it in seed_record[item]:
            assert 0 <= it["start"] < it["end"] <= len(text)
    for e in seed_record["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]
    for p in seed_record["places"]:
        for m in p["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]


def test_seed_metadata_and_chrome(seed_record):
    assert seed_record["title"] == "Russia won't leave its allies in Central Asia out in the cold"
    assert seed_record["published"] == "2021-07-08"
    assert seed_record["source"] == "Inforos"
    assert seed_record["language"] == "en"
    text = seed_record["text"]
    assert "Rate it" not in text and "Add comment" not in text
    assert "Сообщите" not in text and "Выделенный" not in text
    assert "Moscow is ready to support the countries in the region" in text
    assert text.rstrip().endswith("the region as a whole.")


def test_seed_district_counts(seed_record):
    by_value = {f["value"]: f for f in seed_record["figures"]}
    for v in (188, 135, 70):
        assert by_value[v]["counted"] == "county", by_value[v]
        assert by_value[v]["qualifier"] == "exact"
    over = by_value[300]
    assert over["qualifier"] == "over" and over["lower"] == 300 and over["upper"] is None
    money = by_value[240_000_000]
    assert money["unit"] == "USD" and money["qualifier"] == "up_to" and money["upper"] == 240_000_000
    assert by_value[9000]["qualifier"] == "about"


def test_seed_quote_with_speaker(seed_record):
    peskov = [q for q in seed_record["quotes"] if q["text"].startswith("After the withdrawal of the Americans")]
    assert peskov and peskov[0]["speaker"] == "Dmitry Peskov"
    assert any(q["speaker"] == "Sergei Lavrov" for q in seed_record["quotes"])


def test_seed_places_with_country_and_coordinates(seed_record):
    places = {p["name"]: p for p in seed_record["places"] if p["resolved"]}
    termez = next(p for p in places.values() if any(m["text"] == "Termez" for m in p["mentions"]))
    assert termez["country_code"] == "UZ" and termez["geonameid"] == 1215957
    assert _km(termez["lat"], termez["lon"], 37.2242, 67.2783) < 5
    kabul = next(p for p in places.values() if any(m["text"] == "Kabul" for m in p["mentions"]))
    assert kabul["country_code"] == "AF" and _km(kabul["lat"], kabul["lon"], 34.5281, 69.1723) < 10
    codes = {p["country_code"] for p in places.values()}
    assert {"TJ", "UZ", "KZ", "KG", "AF"} <= codes


def test_seed_dates_resolved_with_and_without_publication_date(seed_record, seed_undated):
    def first(rec: dict, surface: str) -> dict:
        return next(t for t in rec["timexes"] if surface in t["text"])

    assert first(seed_record, "July 7")["value"] == "2021-07-07"
    assert first(seed_undated, "July 7")["value"] == "XXXX-07-07"
    assert first(seed_record, "September 11")["value"] == "2021-09-11"
    assert seed_undated["published"] is None


def test_russian_wikinews_article(shared_dir, tmp_path):
    src = shared_dir / "corpus" / "nerel_ru_wikinews" / "articles.jsonl"
    with src.open(encoding="utf-8") as fh:
        line = next(ln for ln in fh if "8,1 млн долларов" in ln)
    path = tmp_path / "ru.jsonl"
    path.write_text(line, encoding="utf-8")
    code, recs, err = _extract(str(path))
    assert code == EXIT_OK, err
    rec = recs[0]
    validate(rec)
    assert rec["language"] == "ru" and rec["published"] is None
    canon = {e["canonical"] for e in rec["entities"] if e["label"] == "PERSON"}
    assert "Барак Обама" in canon
    assert any(f["value"] == 8_100_000 and f["unit"] == "USD" for f in rec["figures"])
    wash = [p for p in rec["places"] if p["resolved"] and p["country_code"] == "US"]
    assert wash, rec["places"]


def test_ingest_is_idempotent_and_reports(tmp_path):
    db = tmp_path / "nw.sqlite"
    args = ["ingest", "--db", str(db), "--published", "2021-07-08", "--no-progress", str(SEED)]
    first = runner.invoke(app, [*args, "--format", "json"])
    assert first.exit_code == EXIT_OK, first.stderr
    assert json.loads(first.stdout.splitlines()[-1])["new"] == 1
    con = sqlite3.connect(db)
    n_rev = con.execute("select count(*) from revision").fetchone()[0]
    n_fig = con.execute("select count(*) from figure").fetchone()[0]
    con.close()
    again = runner.invoke(app, [*args, "--format", "json"])
    assert json.loads(again.stdout.splitlines()[-1])["unchanged"] == 1
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from revision").fetchone()[0] == n_rev == 1
    assert con.execute("select count(*) from figure").fetchone()[0] == n_fig > 0
    con.close()
    rep = runner.invoke(app, ["report", "--db", str(db), "--format", "json"])
    assert rep.exit_code == EXIT_OK, rep.stderr
    data = json.loads(rep.stdout)
    assert "Termez" in json.dumps(data, ensure_ascii=False)
    text = runner.invoke(app, ["report", "--db", str(db)])
    assert text.exit_code == EXIT_OK and "Sergei Lavrov" in text.stdout


def test_bad_inputs_are_reported_and_the_batch_goes_on(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "broken.jsonl").write_text('{"id": "x1", "title": "t", "text": "unfinished', encoding="utf-8")
    db = tmp_path / "nw.sqlite"
    res = runner.invoke(app, ["ingest", "--db", str(db), "--no-progress", str(d), str(tmp_path / "missing.html")])
    assert res.exit_code == EXIT_PARTIAL
    err_lines = [ln for ln in res.stderr.splitlines() if ln.strip() and "warning" not in ln]
    for name in ("empty.txt", "binary.bin", "broken.jsonl", "missing.html"):
        assert sum(name in ln for ln in err_lines) == 1, (name, err_lines)
    assert "1 new" in res.stdout
    # all inputs bad -> exit 3; what was stored before stays
    res2 = runner.invoke(app, ["ingest", "--db", str(db), "--no-progress", str(d / "empty.txt")])
    assert res2.exit_code == EXIT_FAILED
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from article").fetchone()[0] == 1
    con.close()


def test_report_without_database_is_a_clear_error(tmp_path):
    res = runner.invoke(app, ["report", "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == EXIT_FAILED
    assert "none.sqlite" in res.stderr and "ingest" in res.stderr


def test_help_lists_commands_and_exit_codes():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for word in ("extract", "ingest", "report", "Exit codes"):
        assert word in res.stdout


def test_stdin_dash():
    data = Path(SEED).read_text(encoding="utf-8")
    res = runner.invoke(app, ["extract", "-", "--published", "2021-07-08"], input=data)
    assert res.exit_code == EXIT_OK, res.stderr
    rec = json.loads(res.stdout.splitlines()[0])
    assert rec["title"].startswith("Russia won't leave")


def test_unsupported_language_option_is_a_usage_error(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Some text about Kabul and Termez in English, long enough to be an article.", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(p), "--language", "xx"])
    assert res.exit_code == 2
    assert "--language" in res.stderr and "xx" in res.stderr


def test_an_empty_directory_is_reported_not_silent(tmp_path):
    # new-user trial: `extract emptydir` exited 0 with no output at all
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(app, ["extract", str(empty)])
    assert res.exit_code == EXIT_FAILED
    assert "no inputs found" in res.stderr


@pytest.mark.parametrize("command", [["report"], ["claims", "--tracker"]])
def test_a_reversed_date_range_is_a_usage_error(tmp_path, command):
    # exit 2 as for any bad option value, before any database is opened
    res = runner.invoke(app, [*command, "--db", str(tmp_path / "none.sqlite"),
                              "--since", "2022-01-01", "--until", "2021-01-01"])
    assert res.exit_code == 2, res.output
    assert "--since 2022-01-01 is after --until 2021-01-01" in res.stderr


def test_ingest_format_json_lists_each_failure_and_warning(tmp_path, monkeypatch):
    """Issue 14: the JSON summary carries the failure and warning lines (it had counts only)."""
    from test_hostile_budget import FACTORY, GOOD, MEMORY_BYTES

    from newswatch.ingest import budget

    monkeypatch.setattr(budget, "DEFAULT_FACTORY", FACTORY)  # a stand-in pipeline: fast
    monkeypatch.setenv("NEWSWATCH_ANALYSIS_MEMORY_BYTES", str(MEMORY_BYTES))
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "ok", "text": GOOD, "published": "2021-02-31"}),
        '{"id": "big", "n": ' + "9" * 5000 + ', "text": "x"}',
    ]) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    try:
        res = runner.invoke(app, ["ingest", "--db", str(tmp_path / "j.sqlite"), "--no-progress",
                                  "--format", "json", str(f), str(empty)])
    finally:
        budget.close_workers()
    assert res.exit_code == EXIT_PARTIAL, res.stderr
    out = json.loads(res.stdout)
    assert (out["new"], out["failed"]) == (1, 2)
    assert [(p["kind"], p["subject"], p["code"]) for p in out["problems"]] == [
        ("warning", f"{f}:1", "bad-date"),
        ("failure", f"{f}:2", "malformed"),
        ("failure", str(empty), "empty"),
    ]
    assert out["problems"][1]["message"] == "a number with more than 4,300 digits (5,000); refused"
    # the same lines are still printed on stderr
    assert f"{f}:2: malformed: a number with more than 4,300 digits" in res.stderr


@pytest.mark.parametrize(("extra", "said"), [([], "--single lists those of one"), (["--single"], "no story threads")])
def test_no_story_threads_is_said_not_silent(tmp_path, extra, said):
    # new-user trial: `stories` on a database without threads printed nothing at all
    from newswatch.storage import Store

    db = str(tmp_path / "s.sqlite")
    Store.open(f"sqlite:///{db}").close()  # a new, empty store
    res = runner.invoke(app, ["stories", "--db", db, *extra])
    assert res.exit_code == 0
    assert said in res.stderr and res.stdout == ""
