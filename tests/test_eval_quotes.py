"""The quotes gold set (eval/quotes/) and its scorer's matching rules."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from newswatch.evaluation.quotes import BUNDLED_DIR, load_documents, load_quotes_gold, overlaps, same_speaker


def test_gold_size_and_composition():
    gold = load_quotes_gold(BUNDLED_DIR)
    assert len(gold) >= 100
    langs = Counter(g.language for g in gold)
    kinds = Counter(g.kind for g in gold)
    assert langs["en"] >= 40 and langs["ru"] >= 40
    assert kinds["turn"] >= 30 and kinds["direct"] >= 20 and kinds["reported"] >= 30
    assert len({g.doc for g in gold}) >= 50  # spread over the corpus, not a handful of articles
    assert all(g.passage[0] <= g.start < g.end <= g.passage[1] for g in gold)


def test_gold_is_built_from_the_annotations():
    notes = [json.loads(x) for x in (BUNDLED_DIR / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = load_quotes_gold(BUNDLED_DIR)
    assert [(n["doc"], n["speaker"], n["kind"]) for n in notes] == [(g.doc, g.speaker, g.kind) for g in gold]


def test_gold_offsets_point_at_the_annotated_words(shared_dir: Path):
    gold = load_quotes_gold(BUNDLED_DIR)
    docs = load_documents(shared_dir / "corpus", gold)
    records = [json.loads(x) for x in (BUNDLED_DIR / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    for g, rec in zip(gold, records, strict=True):
        assert docs[g.doc]["text"][g.start:g.end] == rec["text"]
    kremlin = next(g for g in gold if g.doc == "kremlin-en-67586" and g.speaker == "Sergei Shoigu")
    assert docs[kremlin.doc]["text"][kremlin.start:kremlin.start + 43] == "Mr President, in keeping with the decision "


@pytest.mark.parametrize(("gold", "predicted", "same"), [
    ("Joe Biden", "President Biden", True),
    ("Jen Psaki", "MS. PSAKI", True),
    ("Эд Гонзалес", "Эда Гонзалес", True),  # a genitive the NER left in the name
    ("Шевченко", "Артём Шевченко", True),
    ("Vladimir Putin", "Emomali Rahmon", False),
    ("Igor Babushkin", "Governor", False),
    (None, None, True),
    (None, "Reuters", False),
    ("CNN", None, False),
])
def test_same_speaker(gold, predicted, same):
    assert same_speaker(gold, predicted) is same


def test_overlap_means_one_span_mostly_inside_the_other():
    assert overlaps((0, 100), (10, 30))  # a direct quote inside its whole turn
    assert overlaps((0, 10), (5, 30))  # half of the shorter
    assert not overlaps((0, 10), (8, 30))
