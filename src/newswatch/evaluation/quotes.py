"""Quotes scorer: who said what, on real articles of ``../shared/corpus/`` (``eval/quotes/``).

The gold ships with the repository (``eval/quotes/gold.jsonl``, see its README): quotes read by
hand in Kremlin transcripts, White House briefings and statements, BBC/CNN blurbs and Russian
Wikinews articles, each with its character span in the document text (as newswatch reads the
JSON Lines record, end exclusive), its expected speaker (a name, or ``null`` for an unnamed
source such as "a senior official") and the passage around it that was read in full. The
documents themselves stay in ``../shared/corpus/`` (some may not be redistributed); each gold
record pins the SHA-256 of its document's text, so a changed corpus stops the scorer instead
of silently shifting the offsets.

newswatch = the pipeline up to the ``quotes`` stage on the whole document (language and
publication date from the record). No bare library attributes quotes, so there is no baseline.

Matching: a predicted quote *overlaps* a gold quote when their spans share at least half of
the shorter one (one lies mostly inside the other: a reported content cut at a different word,
a direct quote against its whole transcript turn). Each gold quote takes the overlapping
predicted quote with the largest overlap / union (Jaccard).

Metrics (slices ``quotes``, ``quotes/en``, ``quotes/ru``, and ``quotes/<kind>`` for ``turn``,
``direct``, ``reported``):

* quote recall: gold quotes with an overlapping predicted quote;
* quote precision: predicted quotes starting inside a gold passage that overlap a gold quote
  (passages were read in full, so any other quote starting there is spurious);
* quote F1 of the two;
* speaker accuracy: matched gold quotes whose predicted speaker is the gold speaker (see
  :func:`same_speaker`; a ``null`` gold speaker wants ``None``);
* attribution accuracy: gold quotes found *and* given the right speaker (recall x accuracy);
* wrong-speaker rate: among found gold quotes whose matched quote names a speaker, the share
  where that name is not the gold speaker (the "wrong fact" an analyst would read; a quote
  nested in a transcript turn, such as "as Jen said" inside Sullivan's turn, is not the
  turn's match and is not counted).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from .common import bundled_records, first, mark_unavailable, new_result, probe, row
from .datasets import DatasetError
from .report import EvalResult
from .systems import Systems, Timer

GOLD_FILE = "gold.jsonl"
#: The folder of the set inside the repository (default data of ``newswatch eval quotes``).
BUNDLED_DIR = Path(__file__).resolve().parents[3] / "eval" / "quotes"
METRICS = ("quote F1", "quote precision", "quote recall", "speaker accuracy", "attribution accuracy",
           "wrong-speaker rate")
#: Words of a speaker string that are titles or forms of address, not part of the name.
_TITLE_WORDS = frozenset({
    "mr", "ms", "mrs", "dr", "sir", "gen", "president", "prime", "minister", "secretary", "the",
    "press", "spokesperson", "spokesman", "governor", "of", "us", "u.s", "senator", "vice",
    "господин", "госпожа", "президент", "министр",
})


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One gold quote: its document, span, expected speaker and the passage read around it."""

    id: str
    corpus: str
    doc: str
    language: str
    published: date | None
    kind: str
    start: int
    end: int
    speaker: str | None
    passage: tuple[int, int]
    doc_sha256: str


def load_quotes_gold(folder: Path) -> list[GoldQuote]:
    """Read ``gold.jsonl``.

    Raises:
        DatasetError: the file is missing or a record is malformed.
    """
    return bundled_records(folder, GOLD_FILE, _gold_quote)


def _gold_quote(r: dict[str, Any]) -> GoldQuote:
    start, end = int(r["start"]), int(r["end"])
    pa, pb = (int(x) for x in r["passage"])
    if not 0 <= start < end or not pa <= start:
        raise ValueError("span")
    sp = r["speaker"]
    if sp is not None and not isinstance(sp, str):
        raise TypeError("speaker")
    return GoldQuote(r["id"], r["corpus"], r["doc"], r["language"],
                     date.fromisoformat(r["published"]) if r.get("published") else None,
                     r["kind"], start, end, sp, (pa, pb), r["doc_sha256"])


def corpus_folder(data: Path) -> Path | None:
    """``../shared/corpus`` for a dataset folder ``data`` (``shared/eval/quotes`` or the bundled
    ``eval/quotes``): the ``corpus`` folder beside the evaluation data root, else None."""
    from .runner import default_data_root

    roots = [Path(data).resolve().parent.parent]
    default = default_data_root()
    if default is not None:
        roots.append(default.resolve().parent)
    for root in roots:
        if (root / "corpus").is_dir():
            return root / "corpus"
    return None


class DocumentRef(Protocol):
    """What names a pinned corpus document: its folder, its id, the SHA-256 of its text."""

    @property
    def corpus(self) -> str: ...
    @property
    def doc(self) -> str: ...
    @property
    def doc_sha256(self) -> str: ...


def load_documents(corpus: Path, gold: Sequence[DocumentRef]) -> dict[str, dict[str, Any]]:
    """The corpus records named by ``gold`` (``{doc id: record}``; gold quotes or any other
    :class:`DocumentRef`, such as the documents of ``eval/threads/``).

    Raises:
        DatasetError: a document is missing or its text no longer has the pinned SHA-256.
    """
    wanted = {(g.corpus, g.doc): g.doc_sha256 for g in gold}
    out: dict[str, dict[str, Any]] = {}
    for folder in sorted({c for c, _ in wanted}):
        base = corpus / folder
        if not base.is_dir():
            raise DatasetError(f"corpus folder {folder} missing", subject=str(corpus))
        for path in sorted(base.glob("*.jsonl")):
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    if (folder, rec.get("id")) in wanted:
                        out[str(rec["id"])] = rec
    for (folder, doc), sha in wanted.items():
        rec = out.get(doc)
        if rec is None:
            raise DatasetError(f"document {doc} not in {folder}", subject=str(corpus))
        if hashlib.sha256(str(rec["text"]).encode("utf-8")).hexdigest() != sha:
            raise DatasetError(f"document {doc} changed since the gold was annotated", subject=str(corpus))
    return out


def _name_words(name: str) -> list[str]:
    s = unicodedata.normalize("NFKD", name.casefold().replace("ё", "е"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return [w for w in re.findall(r"[\w.-]+", s) if w.strip(".-") and w.strip(".") not in _TITLE_WORDS]


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    # Russian case endings ("Лаврова"/"Лавров", "Эда"/"Эд"): the shorter word minus its last
    # letter (at least two letters) starts the longer one, which is at most two letters longer
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    stem = short[:-1] if len(short) > 2 and short[-1] in "аеиоуыяйью" else short
    return len(stem) >= 2 and len(long_) - len(short) <= 2 and long_.startswith(stem)


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    """True when ``predicted`` names the gold speaker.

    Both are reduced to their name words (case-folded, accents and titles dropped: "President
    Biden" → ``biden``); they match when either word list is contained in the other, words
    comparing equal or by a shared stem (Russian case endings). ``None`` matches only ``None``.
    """
    if gold is None or predicted is None:
        return gold is None and predicted is None
    g, p = _name_words(gold), _name_words(predicted)
    if not g or not p:
        return False
    small, big = (g, p) if len(g) <= len(p) else (p, g)
    return all(any(_same_word(w, v) for v in big) for w in small)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when spans ``a`` and ``b`` share at least half of the shorter one."""
    return _overlap(a, b) * 2 >= max(1, min(a[1] - a[0], b[1] - b[0]))


@dataclass(slots=True)
class _Tally:
    gold: int = 0
    found: int = 0
    right: int = 0
    pred: int = 0
    pred_ok: int = 0
    pred_named: int = 0
    pred_wrong: int = 0
    misses: list[str] = field(default_factory=list)

    def scores(self) -> dict[str, float | None]:
        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        p, r = ratio(self.pred_ok, self.pred), ratio(self.found, self.gold)
        if self.pred == 0 and self.gold:
            p = 0.0
        f1 = (2 * p * r / (p + r) if p + r else 0.0) if p is not None and r is not None else None
        return {"quote F1": f1, "quote precision": p, "quote recall": r,
                "speaker accuracy": ratio(self.right, self.found),
                "attribution accuracy": ratio(self.right, self.gold),
                "wrong-speaker rate": ratio(self.pred_wrong, self.pred_named)}

    def support(self, metric: str) -> int:
        return {"quote precision": self.pred, "speaker accuracy": self.found,
                "wrong-speaker rate": self.pred_named}.get(metric, self.gold)


def _score(quotes: list[Any], gold: list[GoldQuote], slices_of: Any, tallies: dict[str, _Tally]) -> None:
    """Add one document's predicted ``quotes`` (``start``, ``end``, ``speaker``) against its
    ``gold`` quotes to the tallies of each gold quote's slices (``slices_of(gold quote)``)."""
    spans = [(q.start, q.end) for q in quotes]
    for g in gold:
        cands = [i for i, s in enumerate(spans) if overlaps(s, (g.start, g.end))]
        best = max(cands, key=lambda i: _overlap(spans[i], (g.start, g.end))
                   / max(1, max(spans[i][1], g.end) - min(spans[i][0], g.start)), default=None)
        ok = best is not None and same_speaker(g.speaker, quotes[best].speaker)
        named = best is not None and quotes[best].speaker is not None
        for s in slices_of(g):
            t = tallies.setdefault(s, _Tally())
            t.gold += 1
            if best is not None:
                t.found += 1
                t.right += ok
                t.pred_named += named
                t.pred_wrong += named and not ok
            if not ok:
                t.misses.append(g.id)
    for a, b in spans:
        home = next((g for g in gold if g.passage[0] <= a < g.passage[1]), None)
        if home is None:
            continue
        hit = any(overlaps((a, b), (g.start, g.end)) for g in gold)
        for s in slices_of(home):
            t = tallies.setdefault(s, _Tally())
            t.pred += 1
            t.pred_ok += hit


def evaluate_quotes(data: Path, systems: Systems, limit: int | None = None,
                    which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score quote finding and speaker attribution on the bundled quotes set.

    Args:
        data: the set's folder; when it has no ``gold.jsonl`` (``--data`` pointing at the shared
            folder of dataset folders), the copy in the repository is used. The documents are
            read from the ``corpus`` folder beside the evaluation data (``../shared/corpus``).
        systems: shared loaded systems.
        limit: score only the first N documents (in gold order).
        which: systems to run.

    Raises:
        DatasetError: missing or malformed gold, or a missing or changed corpus document.
    """
    t0 = time.perf_counter()
    folder = Path(data) if (Path(data) / GOLD_FILE).is_file() else BUNDLED_DIR
    gold = load_quotes_gold(folder)
    order = list(dict.fromkeys(g.doc for g in gold))
    chosen_docs, skipped = first(order, limit)
    chosen = [g for g in gold if g.doc in set(chosen_docs)]
    res = new_result("quotes", folder, len(order), limit, "newswatch quotes stage", "none", which)
    if res.systems["baseline"].available:
        mark_unavailable(res, "baseline", "no bare-library quote attribution in the stack")
    tallies: dict[str, _Tally] = {}

    def slices_of(g: GoldQuote) -> tuple[str, ...]:
        return ("quotes", f"quotes/{g.language}", f"quotes/{g.kind}")

    if probe(res, "newswatch", lambda: systems.pipeline(("quotes",))):
        corpus = corpus_folder(folder if folder != BUNDLED_DIR else Path(data))
        if corpus is None:
            raise DatasetError("no ../shared/corpus beside the evaluation data", subject=str(data))
        docs = load_documents(corpus, chosen)
        pipe = systems.pipeline(("quotes",))
        run, timer = res.systems["newswatch"], Timer()
        for doc in chosen_docs:
            rec = docs[doc]
            mine = [g for g in chosen if g.doc == doc]
            with timer:
                art = systems.analyse(pipe, str(rec["text"]), mine[0].language, f"quotes:{doc}", mine[0].published)
            run.scored += 1
            run.errors += bool(art.errors)
            _score(art.quotes, mine, slices_of, tallies)
        run.seconds = timer.seconds
    kinds = sorted({g.kind for g in chosen})
    langs = sorted({g.language for g in chosen})
    for slice_ in ["quotes"] + [f"quotes/{x}" for x in langs] + [f"quotes/{k}" for k in kinds]:
        tally = tallies.get(slice_)
        n = len({g.doc for g in chosen if slice_ in slices_of(g)})
        for metric in METRICS:
            value = tally.scores()[metric] if tally else None
            res.rows.append(row(slice_, metric, {"newswatch": value}, n, skipped if slice_ == "quotes" else 0,
                                tally.support(metric) if tally else None,
                                higher_is_better=metric != "wrong-speaker rate"))
    misses = tallies["quotes"].misses if "quotes" in tallies else []
    res.notes.append("Own set (eval/quotes/: quotes of ../shared/corpus/ annotated by hand); documents "
                     "counted per slice; support = gold quotes (predicted quotes for precision).")
    if misses:
        res.notes.append("gold quotes missed or misattributed: " + ", ".join(misses))
    res.seconds = time.perf_counter() - t0
    return res
