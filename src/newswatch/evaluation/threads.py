"""Threads scorer: happenings and story threads on real articles (``eval/threads/``).

The gold (``eval/threads/gold.json``, see its README) names 30 articles of
``../shared/corpus/`` (their text pinned by SHA-256), groups them into stories by hand (every
article in exactly one story) and groups event reports into happenings: a report is
``{doc, sentence_start, type}``, an event of that PLOVER type coded in the sentence starting
at that offset.

newswatch = the whole pipeline on each article (language, publication date and title from the
corpus record), saved into a fresh SQLite store, then the threads pass
(:func:`newswatch.storage.threads.rebuild_threads`). baseline = what the store grouped before
the threads pass existed: happenings = the per-save ``event`` rows (same key, same day or same
reprint cluster), stories = the near-duplicate clusters (``article_cluster``).

Metrics (slice ``threads``), pairwise as in clustering evaluation:

* story pairwise precision: of the pairs of articles put in one story, the share the gold puts
  in one story; recall: of the gold's same-story pairs, the share put in one story; F1;
* happening pairwise precision / recall / F1: the same over gold reports. A gold report is
  found when a stored event of its type lies in its sentence; two found reports are paired
  when one of their events share a happening. Recall counts a gold pair with a report not
  found as missed; precision looks only at pairs of found gold reports.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .common import mark_unavailable, new_result, probe, row
from .datasets import DatasetError
from .quotes import corpus_folder, load_documents
from .report import EvalResult
from .systems import Systems, Timer

GOLD_FILE = "gold.json"
BUNDLED_DIR = Path(__file__).resolve().parents[3] / "eval" / "threads"
METRICS = ("story pairwise F1", "story pairwise precision", "story pairwise recall",
           "happening pairwise F1", "happening pairwise precision", "happening pairwise recall")

Report = tuple[str, int, str]  # doc, sentence_start, type


@dataclass(frozen=True, slots=True)
class _Doc:
    corpus: str
    doc: str
    doc_sha256: str


def load_threads_gold(folder: Path) -> dict[str, Any]:
    """Read ``gold.json`` and check its shape.

    Raises:
        DatasetError: missing file, bad JSON, a story list that does not cover every document
            exactly once, or a report without ``doc``/``sentence_start``/``type``.
    """
    path = Path(folder) / GOLD_FILE
    if not path.is_file():
        raise DatasetError(f"no {GOLD_FILE} in {folder}", subject=str(folder))
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
        docs = [d["doc"] for d in gold["documents"]]
        in_stories = [a for s in gold["stories"] for a in s]
        for h in gold["happenings"]:
            for r in h["reports"]:
                _ = (str(r["doc"]), int(r["sentence_start"]), str(r["type"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"malformed gold: {exc}", subject=str(path)) from None
    if sorted(docs) != sorted(in_stories):
        raise DatasetError("every document must be in exactly one story", subject=str(path))
    return dict(gold)


def pairs(groups: Iterable[Iterable[Any]]) -> set[frozenset[Any]]:
    """Every unordered pair of items that share a group."""
    out: set[frozenset[Any]] = set()
    for g in groups:
        for a, b in itertools.combinations(sorted(set(g), key=str), 2):
            out.add(frozenset((a, b)))
    return out


def prf(predicted: set[frozenset[Any]], gold: set[frozenset[Any]]) -> tuple[float | None, float | None, float | None]:
    """Pairwise precision, recall and F1 (None where undefined)."""
    hit = len(predicted & gold)
    p = hit / len(predicted) if predicted else None
    r = hit / len(gold) if gold else None
    if p is None or r is None:
        return p, r, None
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _happening_pairs(found: Mapping[Report, set[str]]) -> set[frozenset[Report]]:
    out: set[frozenset[Report]] = set()
    for a, b in itertools.combinations(sorted(found), 2):
        if found[a] & found[b]:
            out.add(frozenset((a, b)))
    return out


def _run(systems: Systems, docs: Mapping[str, dict[str, Any]], order: list[str], timer: Timer
         ) -> tuple[dict[str, dict[str, str]], dict[str, dict[Report, set[str]]], int]:
    """Analyse, save and thread the documents; returns stories and happenings of both systems."""
    from ..storage import Store
    from ..storage import schema as t
    from ..storage import situation_schema as st

    pipe = systems.pipeline(("events", "claims"))
    errors = 0
    with tempfile.TemporaryDirectory(prefix="nw-threads-") as tmp:
        store = Store.open(f"sqlite:///{tmp}/threads.sqlite")
        try:
            for doc in order:
                rec = docs[doc]
                with timer:
                    art = systems.analyse(pipe, str(rec["text"]), str(rec.get("language") or "en"),
                                          f"threads:{doc}",
                                          date.fromisoformat(rec["published"]) if rec.get("published") else None)
                    art.id, art.title, art.source = doc, rec.get("title"), rec.get("source")
                    store.save(art)
                errors += bool(art.errors)
            with timer:
                store.rebuild_threads()
            with store.read() as conn:
                m, r = st.event_mention.c, t.revision.c
                stories = {"newswatch": dict(conn.execute(
                    sa.select(st.story_member.c.article_id, st.story_member.c.story_id)).all())}
                cm = st.article_cluster_member.c
                stories["baseline"] = {doc: f"solo:{doc}" for doc in order}
                stories["baseline"].update(
                    {a: f"dup:{c}" for a, c in conn.execute(sa.select(cm.article_id, cm.cluster_id))})
                found: dict[str, dict[Report, set[str]]] = {"newswatch": {}, "baseline": {}}
                for art_id, ss, typ, ev_id, hap in conn.execute(
                        sa.select(r.article_id, m.sentence_start, m.type, m.event_id, st.happening_member.c.happening)
                        .join(t.revision, r.id == m.revision_id)
                        .outerjoin(st.happening_member, st.happening_member.c.mention_id == m.id)):
                    key = (str(art_id), int(ss), str(typ))
                    found["newswatch"].setdefault(key, set()).add(str(hap))
                    found["baseline"].setdefault(key, set()).add(f"event:{ev_id}")
        finally:
            store.close()
    return stories, found, errors


def evaluate_threads(data: Path, systems: Systems, limit: int | None = None,
                     which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score happenings and story threads on the bundled threads set (see the module docstring).

    Args:
        data: the set's folder; without ``gold.json`` the copy in the repository is used. The
            documents are read from ``../shared/corpus`` (beside the evaluation data).
        systems: shared loaded systems.
        limit: ignored beyond 0 (the set is scored whole: stories need every article).
        which: systems to run.

    Raises:
        DatasetError: missing or malformed gold, or a missing or changed corpus document.
    """
    t0 = time.perf_counter()
    folder = Path(data) if (Path(data) / GOLD_FILE).is_file() else BUNDLED_DIR
    gold = load_threads_gold(folder)
    order = [d["doc"] for d in gold["documents"]]
    res = new_result("threads", folder, len(order), None, "newswatch threads pass",
                     "per-save event keys and near-duplicate clusters", which)
    gold_stories = pairs(gold["stories"])
    gold_reports = [[(r["doc"], int(r["sentence_start"]), r["type"]) for r in h["reports"]]
                    for h in gold["happenings"]]
    gold_haps = pairs(gold_reports)
    scores: dict[str, dict[str, float | None]] = {m: {} for m in METRICS}
    if probe(res, "newswatch", lambda: systems.pipeline(("events", "claims"))):
        corpus = corpus_folder(folder if folder != BUNDLED_DIR else Path(data))
        if corpus is None:
            raise DatasetError("no ../shared/corpus beside the evaluation data", subject=str(data))
        wanted = [_Doc(d["corpus"], d["doc"], d["doc_sha256"]) for d in gold["documents"]]
        docs = load_documents(corpus, wanted)
        timer = Timer()
        stories, found, errors = _run(systems, docs, order, timer)
        run = res.systems["newswatch"]
        run.scored, run.errors, run.seconds = len(order), errors, timer.seconds
        all_reports = {x for g in gold_reports for x in g}
        for system in which:
            if system not in stories:
                continue
            by_story: dict[str, list[str]] = {}
            for a, s in stories[system].items():
                by_story.setdefault(s, []).append(a)
            p, r, f = prf(pairs(by_story.values()), gold_stories)
            scores["story pairwise precision"][system] = p
            scores["story pairwise recall"][system] = r
            scores["story pairwise F1"][system] = f
            mine = {k: v for k, v in found[system].items() if k in all_reports}
            p, r, f = prf(_happening_pairs(mine), gold_haps)
            scores["happening pairwise precision"][system] = p
            scores["happening pairwise recall"][system] = r
            scores["happening pairwise F1"][system] = f
        if "baseline" in which:
            res.systems["baseline"].scored = len(order)
    elif "baseline" in which:
        mark_unavailable(res, "baseline", "the baseline reads the same store as newswatch")
    for metric in METRICS:
        support = len(gold_stories) if metric.startswith("story") else len(gold_haps)
        res.rows.append(row("threads", metric, scores[metric], len(order), 0, support))
    res.notes.append("Own set (eval/threads/: 30 articles of ../shared/corpus/ grouped by hand into "
                     "stories, their event reports into happenings); support = gold pairs.")
    res.seconds = time.perf_counter() - t0
    return res
