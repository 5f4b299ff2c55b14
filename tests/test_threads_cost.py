"""The threads pass builds each article's feature set and total weight once (issue 11, "one
core first"): :func:`newswatch.situation.stories.cluster` compares an article with every
recent member of every active story, and rebuilding both sides' features for each comparison
was most of the pass. Sketches here are made from real White House statements of the shared
corpus (titles and publication days), as ``storage/threads.py`` makes them from stored
articles."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import pytest

from newswatch.situation import stories as sto
from newswatch.storage.threads import _WORD
from newswatch.text import fold


def _sketches(shared_dir: Path, n: int) -> list[sto.Sketch]:
    path = shared_dir / "corpus" / "wh_statements_2021" / "articles.jsonl"
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(next(f)) for _ in range(n)]
    return [sto.Sketch(article=r["id"], published=dt.date.fromisoformat(r["published"]),
                       words=frozenset(_WORD.findall(fold(r["title"])))) for r in rows]


def _naive(a: sto.Sketch, b: sto.Sketch, weight: sto.Weights) -> float:
    """The similarity written out from its definition (module docstring), nothing remembered."""
    fa, fb = a.features(), b.features()
    common = fa & fb
    if len(common) < sto.MIN_SHARED:
        return 0.0

    def w(x: str) -> float:
        v = math.log(1 + weight._n / max(weight._df.get(x, 0), 1))
        return v * sto.WORD_WEIGHT if x.startswith("w:") else v

    return sum(w(x) for x in common) / min(sum(w(x) for x in fa), sum(w(x) for x in fb))


def test_cluster_builds_each_sketch_s_features_a_bounded_number_of_times(
        shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sketches = _sketches(shared_dir, 150)
    assert sketches[0].words >= {"biden", "vaccination", "plan"}
    calls = {"n": 0}
    features = sto.Sketch.features

    def counted(self: sto.Sketch) -> set[str]:
        calls["n"] += 1
        return features(self)

    monkeypatch.setattr(sto.Sketch, "features", counted)
    out = sto.cluster(sketches)
    assert len(out) == 150
    # once for the rarity counts, at most once more when first compared (was twice per comparison)
    assert calls["n"] <= 2 * len(sketches)
    # the White House's vaccination fact sheets of mid-January share a story
    assert len({story for story, _ in out.values()}) < len(sketches)


def test_remembered_profiles_give_the_similarity_of_the_definition(shared_dir: Path) -> None:
    sketches = _sketches(shared_dir, 60)
    weight = sto.Weights(sketches)
    alike = 0
    for a, b in itertools.combinations(sketches, 2):
        got = sto.similarity(a, b, weight)
        assert got == _naive(a, b, weight)  # exactly: same sets, summed in the same order
        alike += got > 0
    assert alike > 0
