"""``newswatch search``, ``newswatch export`` and the tracker's place filter in any language
(a new user's trial: the CLI had neither command, and "Кабул" found nothing).

The database is built here by ``newswatch ingest`` from bundled texts: the founding article
(Inforos, 8 July 2021: "Termez", "the Kabul government"), three records of ``samples/``
(the White House statement of 26 August 2021, "Today in Kabul, a terror attack killed 13
American service members."; a Russian Wikinews report, "Несколько мирных жителей убиты в
афганской провинции Пактия"; the White House statement on the rocket attack at Hamid Karzai
International Airport) and one Kremlin record of ``samples/`` given a hostile headline,
outlet and address (formula cells, a ``javascript:`` URL), as a scraped page could carry.
Every value asserted can be read in those texts.
"""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from typer.testing import CliRunner

from newswatch.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, app

from conftest import ROOT, SEED
from web_samples import make_client

pytestmark = pytest.mark.slow
runner = CliRunner()

KABUL_ID = "wh-2021-08-26-statement-by-vice-president-kamala-harris-on-the-terror-attack-in-kabul"
KABUL_TITLE = "Statement by Vice President Kamala Harris on the Terror Attack in Kabul"
KABUL_URL = ("https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/2021/08/26/"
             "statement-by-vice-president-kamala-harris-on-the-terror-attack-in-kabul/")
WH = "The White House (whitehouse.gov Briefing Room)"
PAKTIA_ID = "nerel-test-197654_text"
HOSTILE_ID = "kremlin-en-67122"
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","Talks with Mirziyoyev")'
HOSTILE_OUTLET = "-2+3 Kremlin"


def _sample(name: str, record_id: str) -> dict:
    for line in (ROOT / "samples" / name).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["id"] == record_id:
            return rec
    raise AssertionError(record_id)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store of the five texts (see the module docstring); its path."""
    folder = tmp_path_factory.mktemp("cli-search")
    hostile = {**_sample("kremlin_en_sample.jsonl", HOSTILE_ID), "title": HOSTILE_TITLE,
               "source": HOSTILE_OUTLET, "url": "javascript:alert(1)"}
    records = [
        _sample("wh_afghanistan_2021_sample.jsonl", KABUL_ID),
        _sample("wh_afghanistan_2021_sample.jsonl",
                "wh-2021-08-30-statement-by-press-secretary-jen-psaki-on-the-rocket-attack-at-"
                "hamid-karzai-airport"),
        _sample("nerel_ru_sample.jsonl", PAKTIA_ID),
        hostile,
    ]
    path = folder / "sample.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    store = str(folder / "nw.sqlite")
    for args in ([str(path)], [str(SEED), "--published", "2021-07-08", "--source", "Inforos"]):
        res = runner.invoke(app, ["ingest", "--db", store, "--no-progress", *args])
        assert res.exit_code == EXIT_OK, res.stderr
    return store


def _json(*args: str, stdin: str | bytes | None = None) -> dict:
    res = runner.invoke(app, [*args, "--format", "json"], input=stdin)
    assert res.exit_code == EXIT_OK, res.stderr
    return json.loads(res.stdout)


def _table_rows(out: str) -> list[dict[str, str]]:
    """The rows of a rich table as printed (``show_lines``): each cell's wrapped lines joined
    by a space, and ``URL`` (folded, not wrapped) joined without one."""
    rows: list[list[list[str]]] = []
    header: list[str] = []
    current: list[list[str]] | None = None
    for line in out.splitlines():
        if line.startswith("┃"):
            header = [c.strip() for c in line.strip("┃").split("┃")]
        elif line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if current is None:
                current = [[] for _ in cells]
                rows.append(current)
            for i, c in enumerate(cells):
                if c:
                    current[i].append(c)
        elif line.startswith(("├", "└")):
            current = None
    return [{h: ("" if h == "URL" else " ").join(parts) for h, parts in zip(header, row, strict=True)}
            for row in rows]


# -- search ------------------------------------------------------------------------------------


def test_search_finds_the_kabul_statement_with_title_outlet_date_url_and_snippet(db):
    data = _json("search", "Kabul", "--db", db)
    hit = next(h for h in data["items"] if h["id"] == KABUL_ID)
    assert (hit["title"], hit["source"], hit["published"], hit["url"]) == (
        KABUL_TITLE, WH, "2021-08-26", KABUL_URL)
    assert "Today in Kabul, a terror attack killed 13 American service members." in hit["snippet"]["text"]
    # the founding article speaks of "the Kabul government"; it has no address
    seed = next(h for h in data["items"] if h["source"] == "Inforos")
    assert seed["url"] is None and "the Kabul government" in seed["snippet"]["text"]
    assert data["total"] == 2


def test_search_table_shows_every_column(db):
    res = runner.invoke(app, ["search", "Kabul", "--db", db, "--limit", "1"], env={"COLUMNS": "400"})
    assert res.exit_code == EXIT_OK, res.stderr
    assert "2 articles match; best 1 shown" in res.stdout
    [row] = _table_rows(res.stdout)
    assert (row["title"], row["outlet"], row["date"], row["URL"]) == (KABUL_TITLE, WH, "2021-08-26", KABUL_URL)
    assert "Today in Kabul, a terror attack killed 13 American service members." in row["snippet"]
    # a narrow terminal folds the URL over lines, whole
    narrow = runner.invoke(app, ["search", "Kabul", "--db", db, "--limit", "1"], env={"COLUMNS": "100"})
    assert _table_rows(narrow.stdout)[0]["URL"] == KABUL_URL


def test_search_is_the_dashboards_search(db):
    """One search: the command's answer is the API's, hit for hit."""
    cli = _json("search", "Kabul", "--db", db)
    with make_client(f"sqlite:///{db}") as client:
        api = client.get("/api/search", params={"q": "Kabul", "limit": 20}).json()
    assert cli["items"] == api["items"] and cli["total"] == api["total"]


def test_search_russian_words_in_any_form_and_the_language_filter(db):
    # "жителей" (genitive plural) also finds "жители"; the report says "мирных жителей"
    ru = _json("search", "мирный житель", "--db", db, "--lang", "ru")
    assert [h["id"] for h in ru["items"]] == [PAKTIA_ID]
    assert ru["items"][0]["title"] == "Военная операция в Афганистане унесла жизни 10 мирных жителей"
    res = runner.invoke(app, ["search", "жителей", "--db", db, "--lang", "en"])
    assert res.exit_code == EXIT_OK  # no hits is an answer, as `claims` listing nothing
    assert res.stdout == "" and "no articles match 'жителей'" in res.stderr


def test_search_reads_the_query_from_stdin(db):
    data = _json("search", "-", "--db", db, stdin="Termez\n")
    assert [h["title"] for h in data["items"]] == ["Russia won't leave its allies in Central Asia out in the cold"]


def test_search_never_prints_a_non_web_address_as_a_url(db):
    data = _json("search", "Mirziyoyev", "--db", db)
    hit = next(h for h in data["items"] if h["id"] == HOSTILE_ID)
    assert hit["url"] is None
    table = runner.invoke(app, ["search", "Mirziyoyev", "--db", db], env={"COLUMNS": "400"})
    assert "javascript" not in table.stdout
    row = next(r for r in _table_rows(table.stdout) if r["outlet"] == HOSTILE_OUTLET)
    assert (row["title"], row["URL"]) == (HOSTILE_TITLE, "")


@pytest.mark.parametrize(("args", "stdin", "code", "said"), [
    (["!!!"], None, EXIT_USAGE, "search: empty:"),
    (["-"], b"\xff\xfe Kabul", EXIT_USAGE, "search: -: encoding:"),
    (["-"], "", EXIT_USAGE, "search: empty:"),
    (["Kabul", "--since", "2021-13-01"], None, EXIT_USAGE, "not an ISO date"),
    (["Kabul", "--country", "Narnia"], None, EXIT_USAGE, "not an ISO 3166-1 country"),
])
def test_search_usage_errors(db, args, stdin, code, said):
    res = runner.invoke(app, ["search", *args, "--db", db], input=stdin)
    assert res.exit_code == code and said in res.stderr


def test_search_without_a_database_is_exit_3(tmp_path):
    res = runner.invoke(app, ["search", "Kabul", "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == EXIT_FAILED and "no database here" in res.stderr


def test_search_says_when_words_were_left_out(db):
    words = " ".join(["Kabul"] * 13)
    res = runner.invoke(app, ["search", words, "--db", db, "--format", "json"])
    assert res.exit_code == EXIT_OK and "query-cut" in res.stderr
    assert json.loads(res.stdout)["total"] == 2


# -- export ------------------------------------------------------------------------------------


def test_export_datasets_are_the_dashboards():
    from newswatch.cli.export import DATASETS
    from newswatch.web.queries import EXPORT_COLUMNS

    assert set(DATASETS) == set(EXPORT_COLUMNS)


@pytest.mark.parametrize(("dataset", "fmt"), [("events", "csv"), ("articles", "json"),
                                              ("places", "jsonl"), ("claims", "csv"),
                                              ("quotes", "jsonl")])
def test_export_writes_what_the_dashboard_exports(db, tmp_path, dataset, fmt):
    """One serializer: the file the command writes is byte for byte the dashboard's export."""
    out = tmp_path / f"x.{fmt}"
    res = runner.invoke(app, ["export", dataset, "--db", db, "--format", fmt, "--out", str(out)])
    assert res.exit_code == EXIT_OK, res.stderr
    with make_client(f"sqlite:///{db}") as client:
        web = client.get(f"/api/export/{dataset}.{fmt}")
    assert web.status_code == 200
    assert out.read_bytes() == web.content
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"x.{fmt}"]  # no temporary file left


def test_export_articles_carry_their_sources(db):
    res = runner.invoke(app, ["export", "articles", "--db", db, "--format", "jsonl"])
    assert res.exit_code == EXIT_OK, res.stderr
    rows = {r["id"]: r for r in map(json.loads, res.stdout.splitlines())}
    assert rows[KABUL_ID]["title"] == KABUL_TITLE and rows[KABUL_ID]["url"] == KABUL_URL
    assert rows[KABUL_ID]["published"] == "2021-08-26" and rows[KABUL_ID]["source"] == WH
    assert rows[HOSTILE_ID]["url"] is None  # javascript: is no web address
    assert "export: 5 rows of articles" in res.stderr


def test_export_csv_neutralises_formula_cells(db):
    res = runner.invoke(app, ["export", "articles", "--db", db, "--format", "csv"])
    assert res.exit_code == EXIT_OK, res.stderr
    assert not res.stdout.startswith("\ufeff")  # no byte-order mark on standard output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    hostile = rows[HOSTILE_ID]
    assert hostile["title"] == "'" + HOSTILE_TITLE
    assert hostile["source"] == "'" + HOSTILE_OUTLET
    assert hostile["url"] == ""
    assert rows[KABUL_ID]["title"] == KABUL_TITLE  # an ordinary cell is left as it is
    # JSON keeps the words as written: only a spreadsheet runs formulas
    js = runner.invoke(app, ["export", "articles", "--db", db, "--format", "json"])
    assert {r["id"]: r["title"] for r in json.loads(js.stdout)}[HOSTILE_ID] == HOSTILE_TITLE


def test_export_csv_to_a_file_starts_with_the_byte_order_mark(db, tmp_path):
    out = tmp_path / "events.csv"
    res = runner.invoke(app, ["export", "events", "--db", db, "--out", str(out), "--lang", "ru"])
    assert res.exit_code == EXIT_OK, res.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffevent_id,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows and {r["article_id"] for r in rows} == {PAKTIA_ID}
    assert any("афганской провинции Пактия" in r["sentence"] for r in rows)


def test_export_tracker_by_a_russian_place_name(db):
    res = runner.invoke(app, ["export", "tracker", "--db", db, "--format", "jsonl", "--place", "Кабул"])
    assert res.exit_code == EXIT_OK, res.stderr
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [(r["value"], r["category"], r["side"], r["figure_text"], r["article_id"]) for r in rows] == [
        (13, "killed", "USA", "13 American service members", KABUL_ID)]


@pytest.mark.parametrize(("args", "code", "said"), [
    (["nothing"], EXIT_USAGE, "export: no dataset 'nothing'; choose one of articles,"),
    (["events", "--place", "Kabul"], EXIT_USAGE, "for the tracker export only"),
    (["tracker", "--side", "Narnia"], EXIT_USAGE, "not an ISO 3166-1 country"),
    (["events", "--until", "2020-01-01", "--since", "2021-01-01"], EXIT_USAGE, "is after --until"),
    (["events", "--out", "/nonexistent-dir/x.csv"], EXIT_FAILED, "cannot write the export"),
])
def test_export_errors(db, args, code, said):
    res = runner.invoke(app, ["export", *args, "--db", db])
    assert res.exit_code == code and said in res.stderr, res.stderr


def test_export_to_a_folder_is_refused_and_leaves_nothing(db, tmp_path):
    res = runner.invoke(app, ["export", "events", "--db", db, "--out", str(tmp_path)])
    assert res.exit_code == EXIT_FAILED and "it is a folder" in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [] and not (tmp_path.parent / f"{tmp_path.name}.partial").exists()


def test_export_through_a_link_writes_its_target_and_keeps_the_link(db, tmp_path):
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target)
    res = runner.invoke(app, ["export", "articles", "--db", db, "--out", str(link)])
    assert res.exit_code == EXIT_OK, res.stderr
    assert link.is_symlink() and KABUL_TITLE in target.read_text(encoding="utf-8-sig")


def test_export_keeps_a_file_of_the_users_named_like_a_partial(db, tmp_path):
    mine = tmp_path / "x.csv.partial"
    mine.write_text("keep", encoding="utf-8")
    res = runner.invoke(app, ["export", "articles", "--db", db, "--out", str(tmp_path / "x.csv")])
    assert res.exit_code == EXIT_OK, res.stderr
    assert mine.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "x.csv.partial"]


def test_export_to_a_fifo_writes_through_it_and_never_replaces_it(db, tmp_path):
    """A device or pipe (``/dev/null``, a FIFO) that exists is written to, not renamed over."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    res = runner.invoke(app, ["export", "articles", "--db", db, "--format", "jsonl", "--out", str(fifo)])
    reader.join(timeout=60)
    assert res.exit_code == EXIT_OK, res.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert KABUL_TITLE in got[0].decode("utf-8")


def test_export_without_a_database_is_exit_3(tmp_path):
    res = runner.invoke(app, ["export", "events", "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == EXIT_FAILED and "no database here" in res.stderr


# -- the tracker's place filter in any language ----------------------------------------------


@pytest.mark.parametrize("typed", ["Кабул", "Кабуле", "Kabul"])
def test_tracker_place_in_russian_finds_the_place_english_articles_named(db, typed):
    """An analyst's "Кабул" (or "в Кабуле") finds Kabul as the White House statement named it."""
    tr = _json("claims", "--tracker", "--db", db, "--place", typed)
    assert tr["scope"]["places"] == [{"key": "geonames:1138958", "name": "Kabul", "country_code": "AF"}]
    points = [(s["code"], p["value"], [x["article_id"] for x in p["sources"]])
              for s in tr["sides"] for series in s["series"] for p in series["points"]]
    assert points == [("USA", 13, [KABUL_ID])]


def test_tracker_place_by_another_spelling_and_an_inflected_russian_name(db):
    # GeoNames calls Termez "Tirmiz"; Russian writes "Термез"
    assert _json("claims", "--tracker", "--db", db, "--place", "Термез")["scope"]["places"] == [
        {"key": "geonames:1215957", "name": "Tirmiz", "country_code": "UZ"}]
    # "в провинции Пактии": the Russian report's 10 civilians, named by no side
    tr = _json("claims", "--tracker", "--db", db, "--place", "Пактии")
    assert tr["scope"]["places"] == [{"key": "geonames:1131257", "name": "Paktia", "country_code": "AF"}]
    assert 10 in {u["point"]["value"] for u in tr["unattributed"]}
    assert {x["article_id"] for u in tr["unattributed"] for x in u["point"]["sources"]} == {PAKTIA_ID}


def test_tracker_place_of_a_place_no_article_names_finds_nothing(db):
    tr = _json("claims", "--tracker", "--db", db, "--place", "Харьков")
    assert (tr["scope"]["places"], tr["sides"], tr["unattributed"]) == ([], [], [])


def test_dashboard_tracker_takes_a_russian_place_name(db):
    with make_client(f"sqlite:///{db}") as client:
        api = client.get("/api/tracker", params={"place": "Кабул"}).json()
        page = client.get("/tracker", params={"place": "Кабул"})
    assert api["scope"]["places"] == [{"key": "geonames:1138958", "name": "Kabul", "country_code": "AF"}]
    assert [p["value"] for s in api["sides"] for se in s["series"] for p in se["points"]] == [13]
    assert page.status_code == 200 and "13 American service members" in page.text


def test_gazetteer_reads_a_name_in_any_language_or_spelling():
    from newswatch.stages.geocode.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    kharkiv = "geonames:706483"  # Kharkiv, Ukraine (GeoNames)
    for typed in ("Харьков", "Kharkov", "Харькове", "Kharkiv"):
        assert kharkiv in {e.key for e in gaz.entries_named(typed)}, typed
    assert gaz.entries_named("   ") == []


def test_help_lists_search_and_export():
    res = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "search" in res.stdout and "export" in res.stdout
    sub = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert "articles, mentions, quotes, figures, places, events, claims, tracker, plover" in sub.stdout



class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [True, False])
def test_export_progress_shows_on_a_terminal_only(monkeypatch, tty):
    from newswatch.cli.export import _Progress

    err = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    rows = [{"n": i} for i in range(1200)]
    with _Progress("events") as progress:
        assert list(progress.count(iter(rows))) == rows  # every row passed on, in order
    assert progress.rows == 1200
    shown = err.getvalue()
    assert ("export events" in shown and "rows" in shown) is tty
    assert bool(shown) is tty


def test_export_names_a_hostile_file_name_on_one_line(db, tmp_path):
    res = runner.invoke(app, ["export", "events", "--db", db, "--out", str(tmp_path / "no" / "a\nb.csv")])
    assert res.exit_code == EXIT_FAILED
    [line] = res.stderr.splitlines()
    assert line.endswith("no/a\\nb.csv: storage: cannot write the export: No such file or directory")


# -- what a new user tried (2026-12-07): a full disk, a file that is no database, a blank scope --


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("args", [["search", "Kabul"], ["search", "Kabul", "--format", "json"],
                                  ["claims", "--tracker", "--place", "Kabul", "--format", "csv"]])
def test_output_to_a_full_disk_is_one_line_and_exit_3(db, args):
    import subprocess
    import sys

    with open("/dev/full", "wb") as full:
        res = subprocess.run([sys.executable, "-m", "newswatch", *args, "--db", db], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert res.returncode == EXIT_FAILED
    assert res.stderr.strip().splitlines() == [
        "<stdout>: storage: cannot write the output: No space left on device"]


@pytest.mark.parametrize("command", [["search", "Kabul"], ["export", "events"]])
def test_a_file_that_is_no_database_is_one_line(tmp_path, command):
    bogus = tmp_path / "notes.jsonl"
    bogus.write_text('{"id": 1}\n' * 50, encoding="utf-8")
    res = runner.invoke(app, [*command, "--db", str(bogus)])
    assert res.exit_code == EXIT_FAILED
    assert res.stderr.strip().splitlines() == [
        f"sqlite:///{bogus}: storage: cannot read the database: "
        "(sqlite3.DatabaseError) file is not a database"]


@pytest.mark.parametrize("args", [["claims", "--tracker", "--place", ""],
                                  ["export", "tracker", "--place", "  "],
                                  ["export", "tracker", "--entity", ""]])
def test_a_blank_scope_is_a_usage_error(db, args):
    res = runner.invoke(app, [*args, "--db", db])
    assert res.exit_code == EXIT_USAGE and "must not be empty" in res.stderr
