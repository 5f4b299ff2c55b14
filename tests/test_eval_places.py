"""The bundled places set (eval/places/): its gold reads, and the scorer counts what it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.evaluation.datasets import DatasetError
from newswatch.evaluation.geo import PredToponym
from newswatch.evaluation.places import BUNDLED_DIR, GoldPlace, PlaceRecord, _score_record, _Tally, load_places


def test_bundled_gold_reads_and_every_span_is_its_surface() -> None:
    recs = load_places(BUNDLED_DIR)
    assert len(recs) == 27 and sum(len(r.places) for r in recs) == 57
    assert {r.language for r in recs} == {"en", "ru"}
    portland = next(r for r in recs if r.id == "en13")
    a, b = [p for p in portland.places if portland.text[p.start:p.end] == "Portland"]
    assert (a.geonameid, b.geonameid) == (4975802, 5746545) and a.start < b.start  # Maine, then Oregon


def test_malformed_gold_is_a_dataset_error(tmp_path: Path) -> None:
    (tmp_path / "gold.jsonl").write_text(
        '{"id": "x", "language": "en", "text": "In Kyiv.", '
        '"places": [{"text": "Lviv", "geonameid": 1, "country": "UA"}]}\n',
        encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_places(tmp_path)  # "Lviv" is not in the text
    assert info.value.subject == f"{tmp_path / 'gold.jsonl'}:1"
    assert info.value.line().endswith("bad record: list index out of range")


def test_scorer_counts_found_right_and_country() -> None:
    rec = PlaceRecord("t", "en", "Kyiv and Lviv.", (GoldPlace(0, 4, 703448, "UA"), GoldPlace(9, 13, 702550, "UA")))
    right, wrong = PredToponym(0, 4, 50.45, 30.52, 703448), PredToponym(9, 13, 49.8, 24.0, 1)
    t = _Tally()
    _score_record(rec, [right, wrong], {id(right): "UA", id(wrong): "UA"}, t)
    assert (t.gold, t.found, t.id_right, t.country_right) == (2, 2, 1, 2)
    t2 = _Tally()
    _score_record(rec, [], {}, t2)
    assert (t2.found, t2.id_right) == (0, 0)
