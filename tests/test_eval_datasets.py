"""Evaluation-set loaders: clear errors on missing/malformed files, and the real dev halves
load with the counts their READMEs state."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newswatch.cli.evaluate import eval_app
from newswatch.evaluation import datasets as d
from newswatch.evaluation.datasets import DatasetError

# ----------------------------------------------------------------- bad input


def test_missing_gold_file_is_named(tmp_path: Path):
    (tmp_path / "html").mkdir()
    with pytest.raises(DatasetError) as err:
        d.load_aeb(tmp_path)
    assert err.value.code == "eval-data"
    assert "ground-truth*.json" in err.value.line()
    assert str(tmp_path) in err.value.line()


def test_malformed_json_names_the_file(tmp_path: Path):
    bad = tmp_path / "ground-truth.dev.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DatasetError, match="malformed JSON") as err:
        d.load_aeb(tmp_path)
    assert err.value.subject == str(bad)


def test_entry_without_required_field(tmp_path: Path):
    (tmp_path / "ground-truth.dev.json").write_text(json.dumps({"x1": {"url": "u"}}), encoding="utf-8")
    with pytest.raises(DatasetError, match="entry 'x1': missing field 'articleBody'"):
        d.load_aeb(tmp_path)


def test_missing_and_corrupt_html_are_named(tmp_path: Path):
    (tmp_path / "ground-truth.dev.json").write_text(
        json.dumps({"a": {"articleBody": "x", "url": None}, "b": {"articleBody": "y", "url": None}}),
        encoding="utf-8")
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "b.html.gz").write_bytes(b"not gzip at all")
    pages = d.load_aeb(tmp_path).records
    with pytest.raises(DatasetError, match="missing") as err:
        pages[0].read_html()
    assert err.value.subject.endswith("a.html.gz")
    with pytest.raises(DatasetError, match="gzip") as err:
        pages[1].read_html()
    assert err.value.subject.endswith("b.html.gz")
    (tmp_path / "html" / "b.html.gz").write_bytes(gzip.compress(b"<p>ok</p>"))
    assert pages[1].read_html() == b"<p>ok</p>"


def test_two_candidate_gold_files_are_ambiguous(tmp_path: Path):
    for name in ("evaldata.dev.json", "evaldata.test.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    with pytest.raises(DatasetError, match="several files"):
        d.load_trafilatura_eval(tmp_path)


def test_htmldate_needs_both_files(tmp_path: Path):
    (tmp_path / "eval_default.dev.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DatasetError, match="eval_mediacloud"):
        d.load_htmldate_eval(tmp_path)


def test_bad_gold_date(tmp_path: Path):
    (tmp_path / "eval_default.dev.json").write_text(
        json.dumps({"u": {"date": "2020-31-01", "html": "h.gz"}}), encoding="utf-8")
    (tmp_path / "eval_mediacloud.dev.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DatasetError, match="not YYYY-MM-DD"):
        d.load_htmldate_eval(tmp_path)


def test_uner_inside_tag_without_begin(tmp_path: Path):
    (tmp_path / "en_pud.dev.iob2").write_text(
        "# newdoc id = n1\n# text = Big Apple\n1\tBig\tI-LOC\t-\t-\n2\tApple\tI-LOC\t-\t-\n\n",
        encoding="utf-8")
    with pytest.raises(DatasetError, match="line 3: I-LOC without"):
        d.load_uner(tmp_path, "en")


def test_uner_token_missing_from_text(tmp_path: Path):
    (tmp_path / "ru_pud.dev.iob2").write_text(
        "# text = Москва\n1\tПариж\tB-LOC\t-\t-\n\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="not found"):
        d.load_uner(tmp_path, "ru")


def test_geowebnews_span_must_match_its_name(tmp_path: Path):
    (tmp_path / "GWN.dev.xml").write_text(
        "<articles><article file='0'><text>In Paris today</text><toponyms><toponym>"
        "<extractedName>Paris</extractedName><type>Literal</type><start>2</start><end>7</end>"
        "</toponym></toponyms></article></articles>", encoding="utf-8")
    with pytest.raises(DatasetError, match="' Pari', not 'Paris'"):
        d.load_geowebnews(tmp_path)


def test_malformed_xml(tmp_path: Path):
    (tmp_path / "GeoVirus.dev.xml").write_text("<articles><article>", encoding="utf-8")
    with pytest.raises(DatasetError, match="malformed XML"):
        d.load_geovirus(tmp_path)


def test_factrueval_companion_file_missing(tmp_path: Path):
    (tmp_path / "book_1.objects").write_text("1 Person 10 # x\n", encoding="utf-8")
    (tmp_path / "book_1.txt").write_text("Иван", encoding="utf-8")
    with pytest.raises(DatasetError, match="missing companion") as err:
        d.load_factrueval(tmp_path)
    assert err.value.subject.endswith("book_1.spans")


def test_factrueval_unknown_span(tmp_path: Path):
    (tmp_path / "book_1.txt").write_text("Иван Петров", encoding="utf-8")
    (tmp_path / "book_1.spans").write_text("10 name 0 4 1 1 # 1 Иван\n", encoding="utf-8")
    (tmp_path / "book_1.objects").write_text("1 Person 10 11 # Иван Петров\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown span id 11"):
        d.load_factrueval(tmp_path)


def test_factrueval_mention_covers_its_spans(tmp_path: Path):
    (tmp_path / "book_1.txt").write_text("Вчера Иван Петров", encoding="utf-8")
    (tmp_path / "book_1.spans").write_text("10 name 6 4 1 1\n11 surname 11 6 2 1\n", encoding="utf-8")
    (tmp_path / "book_1.objects").write_text("1 Person 10 11 # Иван Петров\n", encoding="utf-8")
    doc = d.load_factrueval(tmp_path).records[0]
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [("Иван Петров", "Person")]


def test_re3d_entity_for_unknown_document(tmp_path: Path):
    sub = tmp_path / "CENTCOM"
    sub.mkdir()
    (sub / "documents.dev.json").write_text(json.dumps({"_id": "D1", "text": "Syria"}) + "\n", encoding="utf-8")
    (sub / "entities.dev.json").write_text(
        json.dumps({"documentId": "D2", "begin": 0, "end": 5, "type": "Location", "confidence": 1}) + "\n",
        encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown documentId 'D2'"):
        d.load_re3d(tmp_path)


def test_gum_text_rebuilt_and_named_mentions_kept(tmp_path: Path):
    (tmp_path / "dep").mkdir()
    rows = [
        "# newdoc id = GUM_news_x",
        "# meta::dateCreated = 2015-05-18",
        "# newpar",
        "# text = The Navy's boat sank.",
        "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\tEntity=(1-organization-new-x-cf1-2-coref-Indonesian_Navy",
        "2-3\tNavy's\t_\t_\t_\t_\t_\t_\t_\t_",
        "2\tNavy\tNavy\tPROPN\tNNP\t_\t5\tnmod:poss\t_\tEntity=1)",
        "3\t's\t's\tPART\tPOS\t_\t2\tcase\t_\t_",
        "4\tboat\tboat\tNOUN\tNN\t_\t5\tnsubj\t_\tEntity=(2-object-new-x-cf2-1-sgl)",
        "5\tsank\tsink\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No",
        "6\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_",
        "",
    ]
    (tmp_path / "dep" / "GUM_news_x.conllu").write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = d.load_gum(tmp_path).records[0]
    assert doc.text == "The Navy's boat sank."
    assert doc.meta["dateCreated"] == "2015-05-18"
    # "boat" is an object with a NOUN head and no identity: not a named mention
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [("The Navy's", "organization")]


def test_gum_unbalanced_brackets(tmp_path: Path):
    (tmp_path / "x.conllu").write_text(
        "# text = Hi\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\tEntity=3)\n\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="closed but never opened"):
        d.load_gum(tmp_path)


def test_cli_names_the_missing_file_and_exits_3(tmp_path: Path):
    result = CliRunner().invoke(eval_app, ["geowebnews", "--data", str(tmp_path)])
    assert result.exit_code == 3
    assert "GWN*.xml" in result.output and "eval-data" in result.output


def test_cli_help_renders():
    result = CliRunner().invoke(eval_app, ["--help"])
    assert result.exit_code == 0
    assert "--limit" in result.output and "--data" in result.output


def test_cli_unknown_name_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(eval_app, ["no-such-set", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown evaluation 'no-such-set'" in result.output


# ----------------------------------------------------------------- the real dev halves


def test_dev_halves_load_with_readme_counts(shared_dir: Path):
    ev = shared_dir / "eval"
    assert len(d.load_aeb(ev / "scrapinghub-aeb")) == 91
    assert len(d.load_trafilatura_eval(ev / "trafilatura-eval")) == 518
    dates = d.load_htmldate_eval(ev / "htmldate-eval").records
    assert Counter(p.subset for p in dates) == {"default": 421, "mediacloud": 104}
    assert sum(p.date is None for p in dates) == 3          # the three NaN golds
    gwn = d.load_geowebnews(ev / "geowebnews").records
    assert (len(gwn), sum(len(x.toponyms) for x in gwn)) == (100, 3301)
    assert sum(t.lat is not None for x in gwn for t in x.toponyms) == 1387
    assert sum(t.geonameid is not None for x in gwn for t in x.toponyms) == 1256  # README: 1,256 with a GeoNames id
    gv = d.load_geovirus(ev / "geovirus").records
    assert (len(gv), sum(len(x.toponyms) for x in gv)) == (114, 1093)
    first = gv[0]
    assert [first.text[t.start:t.end] for t in first.toponyms[:2]] == ["Texas", "Liberia"]
    fre = d.load_factrueval(ev / "factrueval-2016").records
    assert len(fre) == 122
    assert Counter(s.label for x in fre for s in x.spans) == {
        "Org": 787, "Person": 741, "LocOrg": 553, "Location": 529, "Project": 1}
    for lang, want in (("en", {"PER": 226, "LOC": 200, "ORG": 113}), ("ru", {"PER": 224, "LOC": 170, "ORG": 143})):
        docs = d.load_uner(ev / "uner-pud", lang).records
        assert len(docs) == 199
        assert Counter(s.label for x in docs for s in x.spans) == want
    plover = d.load_plover_gsr(ev / "plover-gsr").records
    assert len(plover) == 161
    assert Counter(r.event for r in plover)["DEMAND"] == 21
    assert len(d.load_re3d(ev / "re3d")) == 45
    assert len(d.load_gum(ev / "gum-news")) == 12


def test_uner_tokens_point_into_the_joined_text(shared_dir: Path):
    doc = d.load_uner(shared_dir / "eval" / "uner-pud", "en").records[0]
    assert [doc.text[s.start:s.end] for s in doc.spans[:3]] == ["United States", "Obama", "Kori Schulman"]
    assert all(doc.text[a:b].strip() == doc.text[a:b] and b > a for a, b in doc.tokens)


def test_cli_json_reports_partial_runs_and_unavailable_systems(tmp_path: Path):
    records = [{"id": "PLOVER-GSR01-DOCUMENT-0001", "event": "DOCUMENT"}]
    records += [{"id": f"r{i}", "event": "DEMAND", "text": "Iran demanded talks.",
                 "source": [{"actorText": "Iran", "code": "IRN"}], "target": ""} for i in range(2)]
    (tmp_path / "PLOVER_GSR_CAMEO.dev.json").write_text(json.dumps(records), encoding="utf-8")
    result = CliRunner().invoke(eval_app, ["plover-gsr", "--data", str(tmp_path), "--format", "json",
                                           "--limit", "1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["total_docs"], out["limit"], out["partial"]) == (2, 1, True)
    rows = {r["metric"]: r for r in out["rows"]}
    assert (rows["event-type accuracy"]["docs"], rows["event-type accuracy"]["skipped"]) == (1, 1)
    assert rows["target actor accuracy"]["support"] == 0         # "" target = no gold actor
    assert out["systems"]["baseline"]["available"] is False
    assert all(r["baseline"] is None for r in out["rows"])
    nw = out["systems"]["newswatch"]
    # a number only when an events stage ran; otherwise a reason and no number
    assert nw["available"] == (rows["event-type accuracy"]["newswatch"] is not None)
    if not nw["available"]:
        assert "events" in nw["reason"]


def test_eval_command_registers_as_newswatch_eval():
    import typer

    from newswatch.cli.evaluate import eval_command

    main = typer.Typer()

    @main.command()
    def other() -> None:  # a second command, as in the real CLI
        """Unrelated command."""

    main.command("eval")(eval_command)
    result = CliRunner().invoke(main, ["eval", "list"])
    assert result.exit_code == 0, result.output
    assert "geowebnews\ttoponym recognition" in result.output
    bad = CliRunner().invoke(main, ["eval", "geowebnews", "--data", "/nonexistent/folder", "--limit", "1"])
    assert bad.exit_code == 3 and "dataset folder does not exist" in bad.output
