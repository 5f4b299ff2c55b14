"""Conflict-news scorer: PLOVER events and casualty claims on real sentences (``eval/conflict-news/``).

The set ships with the repository (``eval/conflict-news/gold.jsonl``, see its README): sentences
taken verbatim from the real articles of ``../shared/corpus/`` (English and Russian; clashes,
strikes, shelling, casualties, accusations, phone calls, agreements), each with the PLOVER
events and the casualty claims a reader expects. A record may carry ``context``: earlier
sentences of the same article that a pronoun or "the two leaders" needs; the article analysed is
``context + " " + text`` and only items that start inside ``text`` are scored.

newswatch = the pipeline up to the ``events`` and ``claims`` stages on that article (language
given, ``published`` = the record's date). No bare library codes PLOVER, so there is no baseline.

Metrics (slices ``conflict-news``, ``conflict-news/en``, ``conflict-news/ru``):

* event recall: share of gold events matched by a predicted event of the same type (one
  predicted event per gold event; among same-type candidates the one whose actor codes agree);
* event precision: over each sentence's distinct predicted types, share that are gold types
  (distinct, so one happening coded from two words of a sentence is not counted twice);
* event F1 of the two;
* mode accuracy: matched gold events with a mode whose predicted mode is that mode;
* source actor accuracy: matched gold events with a scored actor (``actor`` not null) whose
  predicted set of actor codes (ISO 3166-1 alpha-3 or PLOVER group codes, "UNK" when the
  event has no coded actor) equals the gold set — an unnamed attacker is gold ``["UNK"]``;
* recipient accuracy: the same for ``recipient`` (``[]``: no recipient should be coded);
* own-date accuracy: matched gold events with a ``date`` whose predicted date starts with it and
  comes from a time expression (``date_source`` "timex");
* casualty claim recall / precision / F1: claims whose property ends in a casualty class
  (:data:`CASUALTY`) matched to gold claims by class and value;
* casualty side accuracy: matched gold claims with a ``side`` whose predicted side
  (``Claim.subject_country``) equals it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .common import bundled_records, first, mark_unavailable, new_result, probe, row
from .events import party_codes
from .report import EvalResult
from .systems import Systems, Timer

GOLD_FILE = "gold.jsonl"
#: The folder of the set inside the repository (default data of ``newswatch eval conflict-news``).
BUNDLED_DIR = Path(__file__).resolve().parents[3] / "eval" / "conflict-news"
#: Casualty and displacement classes of claim properties (the last word of ``Claim.property``).
CASUALTY = frozenset({"killed", "wounded", "evacuated", "displaced", "missing", "detained"})
#: Code of an event with no coded actor (an unnamed attacker).
UNKNOWN = "UNK"
METRICS = ("event F1", "event precision", "event recall", "mode accuracy", "source actor accuracy",
           "recipient accuracy", "own-date accuracy", "casualty claim F1", "casualty claim precision",
           "casualty claim recall", "casualty side accuracy")


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """One gold sentence: language, publication date, context, text, events and claims
    (``None`` for either list: not annotated, not scored)."""

    id: str
    language: str
    published: date | None
    context: str
    text: str
    events: tuple[dict[str, Any], ...] | None
    claims: tuple[dict[str, Any], ...] | None


def load_conflict_news(folder: Path) -> list[ConflictRecord]:
    """Read ``gold.jsonl``.

    Raises:
        DatasetError: the file is missing or a record is malformed.
    """
    return bundled_records(folder, GOLD_FILE, _conflict_record)


def _conflict_record(rec: dict[str, Any]) -> ConflictRecord:
    pub = date.fromisoformat(rec["published"]) if rec.get("published") else None
    events = rec["events"]
    claims = rec["claims"]
    for e in events or ():
        if not isinstance(e["type"], str):
            raise TypeError("event type")
    for c in claims or ():
        float(c["value"])
        if not isinstance(c["property"], str):
            raise TypeError("claim property")
    return ConflictRecord(rec["id"], rec["language"], pub, rec.get("context", ""), rec["text"],
                          None if events is None else tuple(events),
                          None if claims is None else tuple(claims))


def _codes(article: Any, parties: list[Any], fallback: str | None) -> frozenset[str]:
    codes = party_codes(article, parties, fallback)
    return codes or frozenset({UNKNOWN})


@dataclass(slots=True)
class _Tally:
    gold_events: int = 0
    matched: int = 0
    pred_types: int = 0
    pred_types_ok: int = 0
    mode: list[bool] | None = None
    actor: list[bool] | None = None
    recipient: list[bool] | None = None
    dates: list[bool] | None = None
    gold_claims: int = 0
    pred_claims: int = 0
    claims_matched: int = 0
    side: list[bool] | None = None

    def __post_init__(self) -> None:
        self.mode, self.actor, self.recipient, self.dates, self.side = [], [], [], [], []

    def add_events(self, article: Any, gold: tuple[dict[str, Any], ...], offset: int) -> None:
        preds = [e for e in article.events if e.trigger_start >= offset]
        types = {e.type for e in preds}
        gold_types = {g["type"] for g in gold}
        self.pred_types += len(types)
        self.pred_types_ok += len(types & gold_types)
        used: set[int] = set()
        assert self.mode is not None and self.actor is not None and self.recipient is not None
        assert self.dates is not None
        for g in gold:
            self.gold_events += 1
            want_actor = frozenset(g["actor"]) if g.get("actor") is not None else None
            cands = [i for i, e in enumerate(preds) if i not in used and e.type == g["type"]]
            if not cands:
                continue
            best = next((i for i in cands if want_actor is not None
                         and _codes(article, preds[i].actors, preds[i].actor) == want_actor), cands[0])
            used.add(best)
            ev = preds[best]
            self.matched += 1
            if g.get("mode"):
                self.mode.append(ev.mode == g["mode"])
            if want_actor is not None:
                self.actor.append(_codes(article, ev.actors, ev.actor) == want_actor)
            if g.get("recipient") is not None:
                got = party_codes(article, ev.recipients, ev.recipient)
                self.recipient.append(got == frozenset(g["recipient"]))
            if g.get("date"):
                self.dates.append(bool(ev.date) and ev.date_source == "timex"
                                  and str(ev.date).startswith(g["date"]))

    def add_claims(self, article: Any, gold: tuple[dict[str, Any], ...], offset: int) -> None:
        preds = [c for c in article.claims if c.start >= offset and casualty_class(c.property)]
        self.gold_claims += len(gold)
        self.pred_claims += len(preds)
        used: set[int] = set()
        assert self.side is not None
        for g in gold:
            i = next((k for k, c in enumerate(preds) if k not in used
                      and casualty_class(c.property) == g["property"] and abs(c.value - float(g["value"])) < 1e-6),
                     None)
            if i is None:
                continue
            used.add(i)
            self.claims_matched += 1
            if g.get("side"):
                self.side.append(preds[i].subject_country == g["side"])

    def scores(self) -> dict[str, float | None]:
        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        def share(xs: list[bool] | None) -> float | None:
            return sum(xs) / len(xs) if xs else None

        def f1(p: float | None, r: float | None) -> float | None:
            if p is None or r is None:
                return None
            return 2 * p * r / (p + r) if p + r else 0.0

        ep, er = ratio(self.pred_types_ok, self.pred_types), ratio(self.matched, self.gold_events)
        cp, cr = ratio(self.claims_matched, self.pred_claims), ratio(self.claims_matched, self.gold_claims)
        if self.pred_types == 0 and self.gold_events:
            ep = 0.0
        if self.pred_claims == 0 and self.gold_claims:
            cp = 0.0
        return {
            "event F1": f1(ep, er), "event precision": ep, "event recall": er,
            "mode accuracy": share(self.mode), "source actor accuracy": share(self.actor),
            "recipient accuracy": share(self.recipient), "own-date accuracy": share(self.dates),
            "casualty claim F1": f1(cp, cr), "casualty claim precision": cp, "casualty claim recall": cr,
            "casualty side accuracy": share(self.side),
        }

    def support(self, metric: str) -> int:
        sizes: dict[str, Callable[[], int]] = {
            "mode accuracy": lambda: len(self.mode or []), "source actor accuracy": lambda: len(self.actor or []),
            "recipient accuracy": lambda: len(self.recipient or []),
            "own-date accuracy": lambda: len(self.dates or []), "casualty side accuracy": lambda: len(self.side or []),
        }
        if metric in sizes:
            return sizes[metric]()
        return self.gold_claims if metric.startswith("casualty") else self.gold_events


def casualty_class(prop: str) -> str | None:
    """The casualty class of a claim property ("soldier killed" → "killed"), or None."""
    last = prop.rsplit(" ", 1)[-1] if prop else ""
    return last if last in CASUALTY else None


def evaluate_conflict_news(data: Path, systems: Systems, limit: int | None = None,
                           which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score PLOVER events and casualty claims on the bundled conflict-news set.

    Args:
        data: the set's folder; when it has no ``gold.jsonl`` (``--data`` pointing at the shared
            folder of dataset folders), the copy in the repository is used.
        systems: shared loaded systems.
        limit: score only the first N records.
        which: systems to run.

    Raises:
        DatasetError: missing or malformed gold.
    """
    t0 = time.perf_counter()
    folder = Path(data) if (Path(data) / GOLD_FILE).is_file() else BUNDLED_DIR
    recs = load_conflict_news(folder)
    chosen, skipped = first(recs, limit)
    res = new_result("conflict-news", folder, len(recs), limit, "newswatch events + claims stages", "none", which)
    if res.systems["baseline"].available:
        mark_unavailable(res, "baseline", "no bare-library PLOVER coder or claim extractor in the stack")
    tallies: dict[str, _Tally] = {}
    if probe(res, "newswatch", lambda: systems.pipeline(("events", "claims"))):
        pipe = systems.pipeline(("events", "claims"))
        run, timer = res.systems["newswatch"], Timer()
        for rec in chosen:
            text = f"{rec.context} {rec.text}" if rec.context else rec.text
            offset = len(text) - len(rec.text)
            with timer:
                art = systems.analyse(pipe, text, rec.language, f"conflict-news:{rec.id}", rec.published)
            run.scored += 1
            run.errors += bool(art.errors)
            for slice_ in ("conflict-news", f"conflict-news/{rec.language}"):
                t = tallies.setdefault(slice_, _Tally())
                if rec.events is not None:
                    t.add_events(art, rec.events, offset)
                if rec.claims is not None:
                    t.add_claims(art, rec.claims, offset)
        run.seconds = timer.seconds
    slices = ["conflict-news"] + sorted({f"conflict-news/{r.language}" for r in chosen})
    for slice_ in slices:
        docs = sum(1 for r in chosen if slice_ in ("conflict-news", f"conflict-news/{r.language}"))
        tally = tallies.get(slice_)
        for metric in METRICS:
            value = tally.scores()[metric] if tally else None
            res.rows.append(row(slice_, metric, {"newswatch": value}, docs,
                                skipped if slice_ == "conflict-news" else 0, tally.support(metric) if tally else None))
    res.notes.append("Own set (eval/conflict-news/: sentences of ../shared/corpus/ annotated for newswatch); "
                     "event precision counts distinct predicted types per sentence.")
    res.seconds = time.perf_counter() - t0
    return res
