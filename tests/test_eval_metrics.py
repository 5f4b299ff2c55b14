"""Evaluation metrics on tiny hand-made cases; every expected value is worked out by hand."""

from __future__ import annotations

import math

import pytest

from newswatch.evaluation.datasets import GeoDoc, GoldToponym
from newswatch.evaluation.geo import PredToponym, recognition_counts, resolution
from newswatch.evaluation.metrics import (
    PRF,
    accuracy,
    aeb_scores,
    auc_log_error,
    geocoding_summary,
    great_circle_km,
    macro_f1,
    match_spans,
    same_words,
    shingle_counts,
    snippet_counts,
)
from newswatch.evaluation.ner import map_spans, snap_to_tokens, strip_np

# ----------------------------------------------------------------- span matching

GOLD = [(0, 5, "PER"), (10, 15, "LOC")]
PRED = [(0, 5, "PER"), (10, 14, "LOC"), (20, 25, "ORG")]


def test_exact_match_counts_and_scores():
    c = match_spans(GOLD, PRED, "exact")
    assert (c.tp, c.fp, c.fn) == (1, 2, 1)
    assert c.precision == pytest.approx(1 / 3)
    assert c.recall == pytest.approx(1 / 2)
    assert c.f1 == pytest.approx(0.4)  # 2 * 1/3 * 1/2 / (5/6)


def test_overlap_match_accepts_shifted_boundary():
    c = match_spans(GOLD, PRED, "overlap")
    assert (c.tp, c.fp, c.fn) == (2, 1, 0)
    assert c.f1 == pytest.approx(0.8)  # P 2/3, R 1


def test_overlap_is_one_to_one_and_prefers_the_larger_overlap():
    c = match_spans([(0, 10, "X")], [(0, 4, "X"), (5, 10, "X")], "overlap")
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_labels_matter_only_when_typed():
    assert match_spans([(0, 5, "PER")], [(0, 5, "ORG")]).tp == 0
    assert match_spans([(0, 5, "PER")], [(0, 5, "ORG")], typed=False).tp == 1


def test_duplicate_gold_spans_are_counted_separately():
    c = match_spans([(0, 5, "A"), (0, 5, "A")], [(0, 5, "A")])
    assert (c.tp, c.fp, c.fn) == (1, 0, 1)


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="mode"):
        match_spans(GOLD, PRED, "fuzzy")


def test_prf_edge_cases():
    empty = PRF()
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)
    missed = PRF(0, 0, 3)
    assert (missed.precision, missed.recall, missed.f1) == (0.0, 0.0, 0.0)
    total = PRF(1, 2, 3)
    total += PRF(1, 0, 1)
    assert (total.tp, total.fp, total.fn) == (2, 2, 4)


# ----------------------------------------------------------------- main text


def test_shingles_of_one_changed_word():
    # gold 4-grams: (a b c d), (b c d e); prediction: (a b c d), (b c d x) -> 1 TP, 1 FP, 1 FN
    c = shingle_counts("a b c d e", "a b c d x")
    assert (c.tp, c.fp, c.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert aeb_scores([c]) == pytest.approx((0.5, 0.5, 0.5))


def test_empty_prediction_counts_for_recall_only():
    found = shingle_counts("a b c d e", "a b c d x")      # P 0.5, R 0.5
    missed = shingle_counts("a b c d", "")               # no prediction: R 0, no P
    assert (missed.tp, missed.fp, missed.fn) == (0.0, 0.0, 1.0)
    p, r, f1 = aeb_scores([found, missed])
    assert p == pytest.approx(0.5)                        # mean over the 1 page with output
    assert r == pytest.approx(0.25)                       # mean of 0.5 and 0
    assert f1 == pytest.approx(1 / 3)                     # 2 * .5 * .25 / .75


def test_texts_shorter_than_four_words_give_one_short_shingle():
    c = shingle_counts("Hello world", "hello, world")
    assert (c.tp, c.fp, c.fn) == (0.0, 0.5, 0.5)          # case matters, as upstream
    assert shingle_counts("Hello world", "Hello, world!").tp == 1.0


def test_exact_match_ignores_punctuation_and_spacing():
    assert same_words("Hello, world!\n\nBye.", "Hello world Bye")
    assert not same_words("Hello world", "Hello big world")


def test_snippet_counts_normalise_whitespace():
    c = snippet_counts("The  quick\nbrown fox. Menu", ["quick brown", "lazy dog"], ["Menu", "Footer"])
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 1, 1, 1)
    assert (c.precision, c.recall, c.accuracy) == (0.5, 0.5, 0.5)


def test_snippet_counts_with_no_output():
    c = snippet_counts(None, ["a b", "c"], ["d"])
    assert (c.tp, c.fn, c.fp, c.tn) == (0, 2, 0, 1)
    assert c.f1 == 0.0


# ----------------------------------------------------------------- geography


def test_great_circle_one_degree_on_the_equator():
    # 2 * pi * 6371.0088 / 360
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(111.19508, abs=1e-4)
    assert great_circle_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088, abs=1e-6)


def test_auc_definition():
    worst = 20038.0  # ln(1 + 20038) / ln(20039) == 1
    assert auc_log_error([0.0, 0.0]) == 0.0
    assert auc_log_error([worst, 0.0]) == pytest.approx(0.5)           # ys [0, 1]: one trapezoid
    assert auc_log_error([0.0, worst, worst]) == pytest.approx(0.75)   # (0.5 + 1) / 2
    assert auc_log_error([0.0]) == 0.0
    with pytest.raises(ValueError, match="no errors to summarise"):
        auc_log_error([])


def test_geocoding_summary():
    s = geocoding_summary([10.0, 100.0, 200.0, 1000.0])
    assert s is not None
    assert (s.n, s.acc161, s.mean_km, s.median_km) == (4, 0.5, 327.5, 150.0)
    assert geocoding_summary([]) is None


def test_recognition_ignores_predictions_on_neutral_gold_spans():
    gold = [GoldToponym(0, 5, "Paris")]
    neutral = [GoldToponym(10, 16, "Russia", "Metonymic")]
    preds = [PredToponym(0, 5), PredToponym(10, 16), PredToponym(20, 25)]
    c = recognition_counts(gold, neutral, preds, "exact")
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_resolution_errors_ids_and_end_to_end():
    doc = GeoDoc("d", "x" * 30, [
        GoldToponym(0, 5, "A", lat=0.0, lon=0.0),
        GoldToponym(10, 15, "B", lat=0.0, lon=1.0, geonameid=5),
        GoldToponym(20, 25, "C"),                      # no coordinates: not scored
    ])
    preds = [PredToponym(0, 5, 0.0, 0.5, 7), PredToponym(10, 15)]  # B recognised, unresolved
    r = resolution([(doc, preds)], None)
    assert r.errors == pytest.approx([55.59754, 20039.0], abs=1e-4)
    assert (r.e2e_hits, r.e2e_total, r.id_hits, r.id_total) == (1, 2, 0, 1)


def test_same_geonames_id_counts_even_when_the_points_differ():
    # Russia: GeoNames point 60N 100E; a system placing it at 58.25N 44.69E (3,000+ km off)
    doc = GeoDoc("d", "Russia", [GoldToponym(0, 6, "Russia", lat=60.0, lon=100.0, geonameid=2017370)])
    r = resolution([(doc, [PredToponym(0, 6, 58.24936, 44.68647, 2017370)])], None)
    assert r.errors[0] > 3000 and r.e2e_hits == 0
    assert (r.id_hits, r.id_or_near_hits) == (1, 1)


# ----------------------------------------------------------------- classification and NER helpers


def test_accuracy_and_macro_f1():
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("C", None)]
    assert accuracy(pairs) == 0.5
    # F1: A = 2/(2+0+1), B = 2/(2+1+0), C = 0
    assert macro_f1(pairs) == pytest.approx(4 / 9)
    assert accuracy([]) == 0.0 and macro_f1([]) == 0.0


def test_snap_to_tokens():
    tokens = [(0, 3), (4, 9), (10, 12)]
    assert snap_to_tokens([(5, 8, "PER"), (2, 11, "LOC"), (3, 4, "ORG")], tokens) == [
        (4, 9, "PER"), (0, 12, "LOC")]


def test_map_spans_drops_unmapped_labels():
    assert map_spans([(0, 1, "GPE"), (2, 3, "NORP"), (4, 5, "PERSON")],
                     {"GPE": "LOC", "PERSON": "PER"}) == [(0, 1, "LOC"), (4, 5, "PER")]


def test_strip_np_drops_article_and_possessive():
    text = "the United Nations and Andy Warhol's work, The Hague"
    assert strip_np(text, (0, 18, "ORG")) == (4, 18, "ORG")          # "United Nations"
    assert strip_np(text, (23, 36, "PER")) == (23, 34, "PER")        # "Andy Warhol"
    assert strip_np(text, (0, 3, "X")) == (0, 3, "X")                # a bare "the" stays
