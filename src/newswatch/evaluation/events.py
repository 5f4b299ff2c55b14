"""PLOVER event-coding scorer: plover-gsr (one gold event per sentence).

The gold records use four pre-v2 event types; they are mapped to the 16 types of PLOVER
manual v2.0 (``data/eval_label_maps.json``, ``plover_gsr_to_plover16``): DEMAND→REQUEST,
DISAPPROVE→ACCUSE (mode disapprove), INVESTIGATE→ACCUSE (mode investigate), FIGHT→ASSAULT.

newswatch = a stage registered as ``events`` (PLOVER coding into ``Article.events``). While no
such stage exists the result says "not available" and carries no number. No bare library in
the stack codes PLOVER, so the baseline column is always "not available".

Metrics (when available): event-type accuracy and macro-F1 over gold types (the system's
event for a sentence is its highest-confidence ``Event``; none → wrong), and source / target
actor accuracy: the set of ISO 3166-1 alpha-3 (or group) codes of the predicted actor /
recipient equals the gold set, over records whose gold set is non-empty.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from .common import first, mark_unavailable, new_result, probe, row
from .datasets import PloverRecord, load_plover_gsr
from .metrics import accuracy, macro_f1
from .report import EvalResult
from .systems import Systems, Timer, label_maps

_CODE = re.compile(r"^[A-Z]{3}$")
METRICS = ("event-type accuracy", "event-type macro-F1", "source actor accuracy", "target actor accuracy")


def gold_type(rec: PloverRecord) -> tuple[str, str | None]:
    """The gold event type (and mode) in PLOVER-16 terms."""
    m = label_maps()["plover_gsr_to_plover16"]["map"].get(rec.event)
    if m is None:
        return rec.event, rec.mode
    return m["type"], m.get("mode", rec.mode)


def actor_code(article: Any, actor: str | None) -> str | None:
    """Resolve an Event actor string to a country/group code.

    A three-letter upper-case string is taken as the code itself; otherwise the entity
    mention whose ``entity_key``, ``canonical`` or surface ``text`` equals it lends its
    ``country`` (ISO 3166-1 alpha-3).
    """
    if not actor:
        return None
    if _CODE.match(actor):
        return actor
    for m in getattr(article, "entities", []):
        if actor in (m.entity_key, m.canonical, m.text) and m.country:
            country: str = m.country
            return country
    return None


def party_codes(article: Any, parties: list[Any], fallback: str | None) -> frozenset[str]:
    """Country/group codes of an event's parties (``Event.actors``/``recipients``).

    Each :class:`~newswatch.model.EventParty` carries its own ``country`` (ISO 3166-1 alpha-3
    or a PLOVER group code); when an event has no party list, the single ``actor`` /
    ``recipient`` string is resolved with :func:`actor_code`.
    """
    codes = {p.country for p in parties if getattr(p, "country", None)}
    if not parties:
        code = actor_code(article, fallback)
        codes = {code} if code else set()
    return frozenset(codes)


def evaluate_plover(data: Path, systems: Systems, limit: int | None = None,
                    which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score PLOVER event coding on plover-gsr (or report "not available").

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    ds = load_plover_gsr(data)
    recs, skipped = first(ds.records, limit)
    res = new_result("plover-gsr", Path(data), len(ds), limit, "newswatch events stage (PLOVER)",
                     "none", which)
    if res.systems["baseline"].available:
        mark_unavailable(res, "baseline", "no bare-library PLOVER coder in the stack "
                         "(NGEC's trained models are not distributed; PETRARCH2 codes CAMEO, Python 2)")
    pairs: dict[str, list[tuple[Any, Any]]] = {m: [] for m in METRICS}
    scored = False
    if probe(res, "newswatch", lambda: systems.pipeline(("events",))):
        pipe = systems.pipeline(("events",))
        run, timer = res.systems["newswatch"], Timer()
        for rec in recs:
            with timer:
                art = systems.analyse(pipe, rec.text, "en", f"plover-gsr:{rec.id}")
            run.errors += bool(art.errors)
            run.scored += 1
            ev = max(art.events, key=lambda e: e.prov.confidence, default=None)
            gt, _ = gold_type(rec)
            pairs["event-type accuracy"].append((gt, ev.type if ev else None))
            if rec.source_codes:
                got = party_codes(art, ev.actors, ev.actor) if ev else frozenset()
                pairs["source actor accuracy"].append((rec.source_codes, got))
            if rec.target_codes:
                got = party_codes(art, ev.recipients, ev.recipient) if ev else frozenset()
                pairs["target actor accuracy"].append((rec.target_codes, got))
        run.seconds = timer.seconds
        pairs["event-type macro-F1"] = pairs["event-type accuracy"]
        scored = True
    for metric in METRICS:
        value = None
        if scored:
            value = (macro_f1 if metric == "event-type macro-F1" else accuracy)(pairs[metric])
        support = len(pairs[metric]) if scored else sum(
            1 for r in recs if (metric != "source actor accuracy" or r.source_codes)
            and (metric != "target actor accuracy" or r.target_codes))
        res.rows.append(row("plover-gsr", metric, {"newswatch": value}, len(recs), skipped, support))
    res.notes.append("Gold types mapped to PLOVER v2.0: DEMAND→REQUEST, DISAPPROVE→ACCUSE (mode "
                     "disapprove), INVESTIGATE→ACCUSE (mode investigate), FIGHT→ASSAULT.")
    res.seconds = time.perf_counter() - t0
    return res
