"""Scoring primitives shared by every task family (pure functions, no I/O, no models).

* Span P/R/F1 with exact or overlap matching (typed or untyped), micro-averaged.
* The scrapinghub article-extraction-benchmark shingle metric (word 4-grams, per-document
  normalised counts, averaged precision and recall; see :func:`shingle_counts`).
* trafilatura's snippet counts (:func:`snippet_counts`).
* Great-circle distance and the geocoding summary: accuracy@161 km, mean/median error and
  the AUC of Gritta et al. (:func:`geocoding_summary`).
* Accuracy and macro-F1 over single-label decisions.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------- P/R/F1


@dataclass(slots=True)
class PRF:
    """Micro counts and the scores derived from them.

    An empty side gives 0.0 precision (no predictions) or 0.0 recall (no gold) rather than a
    division error; with neither predictions nor gold all three scores are 1.0 (nothing to
    find, nothing wrongly found), as upstream AEB does for a document.
    """

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    def __iadd__(self, other: PRF) -> PRF:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Span = tuple[int, int, str]  # (start, end, label); offsets end-exclusive


def match_spans(gold: Iterable[Span], pred: Iterable[Span], mode: str = "exact",
                typed: bool = True) -> PRF:
    """Count TP/FP/FN between gold and predicted spans of one document.

    Args:
        gold: ``(start, end, label)`` gold spans; duplicates count separately.
        pred: predicted spans in the same form.
        mode: ``"exact"`` (same start and end) or ``"overlap"`` (share at least one
            character; each gold and each prediction is used at most once, pairs chosen
            greedily by largest overlap, ties by position).
        typed: when True the labels must be equal too.

    Returns:
        :class:`PRF` counts.

    Raises:
        ValueError: unknown ``mode``.
    """
    g = [(s, e, lab if typed else "") for s, e, lab in gold]
    p = [(s, e, lab if typed else "") for s, e, lab in pred]
    if mode == "exact":
        inter = sum((Counter(g) & Counter(p)).values())
        return PRF(inter, len(p) - inter, len(g) - inter)
    if mode != "overlap":
        raise ValueError(f"mode must be 'exact' or 'overlap', not {mode!r}")
    pairs = []
    for gi, (gs, ge, gl) in enumerate(g):
        for pi, (ps, pe, pl) in enumerate(p):
            ov = min(ge, pe) - max(gs, ps)
            if ov > 0 and gl == pl:
                pairs.append((-ov, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    tp = len(used_g)
    return PRF(tp, len(p) - tp, len(g) - tp)


def match_spans_by_label(gold: Iterable[Span], pred: Iterable[Span], labels: Iterable[str],
                         mode: str = "exact") -> dict[str, PRF]:
    """Per-label counts: for each label, :func:`match_spans` restricted to that label."""
    gold, pred = list(gold), list(pred)
    return {lab: match_spans([x for x in gold if x[2] == lab], [x for x in pred if x[2] == lab], mode)
            for lab in labels}


# --------------------------------------------------------------------------- main text

#: Word pattern of the upstream AEB scorer (``evaluate.py``: ``\w+``, Unicode).
_WORD_RE = re.compile(r"\w+", re.UNICODE)
#: Shingle size of the upstream AEB scorer.
AEB_NGRAM = 4


def words(text: str | None) -> list[str]:
    """Word tokens as the AEB scorer sees them (``\\w+`` runs; punctuation dropped)."""
    return _WORD_RE.findall(text or "")


def _shingles(text: str | None, n: int) -> Counter[tuple[str, ...]]:
    toks = words(text)
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def shingle_counts(true: str | None, pred: str | None, n: int = AEB_NGRAM) -> PRF:
    """Per-document shingle TP/FP/FN, normalised to sum to 1 (AEB ``string_shingle_matching``).

    Word ``n``-gram multisets of gold and prediction are compared; the three counts are then
    divided by their sum so long documents do not dominate the average. Texts shorter than
    ``n`` words give one shorter shingle (as upstream).

    Source: scrapinghub/article-extraction-benchmark ``evaluate.py`` (MIT), re-implemented.
    """
    t, p = _shingles(true, n), _shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum(p.values())) - tp
    fn = float(sum(t.values())) - tp
    total = tp + fp + fn
    return PRF(tp / total, fp / total, fn / total) if total else PRF()


def aeb_scores(per_doc: Sequence[PRF]) -> tuple[float, float, float]:
    """Corpus precision, recall and F1 from per-document normalised counts (AEB method).

    Precision is the mean of per-document precisions over documents with a prediction
    (``tp + fp > 0``); recall the mean of per-document recalls over documents with gold
    (``tp + fn > 0``); F1 the harmonic mean of the two means (upstream
    ``metrics_from_tp_fp_fns``). A document with empty gold and empty prediction enters
    neither mean.

    Returns:
        ``(precision, recall, f1)``; all 0.0 for an empty input.
    """
    precs = [_aeb_p(c) for c in per_doc if c.tp + c.fp > 0]
    recs = [_aeb_r(c) for c in per_doc if c.tp + c.fn > 0]
    p = statistics.fmean(precs) if precs else 0.0
    r = statistics.fmean(recs) if recs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _aeb_p(c: PRF) -> float:
    if c.fp == 0 and c.fn == 0:
        return 1.0
    if c.tp == 0 and c.fp == 0:
        return 0.0
    return c.tp / (c.tp + c.fp)


def _aeb_r(c: PRF) -> float:
    if c.fp == 0 and c.fn == 0:
        return 1.0
    if c.tp == 0 and c.fn == 0:
        return 0.0
    return c.tp / (c.tp + c.fn)


def same_words(true: str | None, pred: str | None) -> bool:
    """Exact match in the AEB sense: identical ``\\w+`` token sequences."""
    return words(true) == words(pred)


_WS_RE = re.compile(r"\s+")


def normalise_ws(text: str | None) -> str:
    """Collapse every whitespace run to one space and strip the ends."""
    return _WS_RE.sub(" ", text or "").strip()


@dataclass(slots=True)
class SnippetCounts:
    """trafilatura-eval counts: TP/FN over ``with`` snippets, FP/TN over ``without``."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __iadd__(self, other: SnippetCounts) -> SnippetCounts:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        n = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / n if n else 0.0


def snippet_counts(output: str | None, with_: Iterable[str], without: Iterable[str]) -> SnippetCounts:
    """Snippet matching as in trafilatura's evaluation (``tests/comparison*.py``).

    Output and snippets are whitespace-normalised; a snippet is found when it is a substring
    of the output. Empty or None output finds nothing (all ``with`` are FN, all ``without``
    TN). Empty snippets are ignored.
    """
    out = normalise_ws(output)
    c = SnippetCounts()
    for s in with_:
        s = normalise_ws(s)
        if s:
            if out and s in out:
                c.tp += 1
            else:
                c.fn += 1
    for s in without:
        s = normalise_ws(s)
        if s:
            if out and s in out:
                c.fp += 1
            else:
                c.tn += 1
    return c


# --------------------------------------------------------------------------- geography

#: Mean Earth radius in km (IUGG mean radius R1).
EARTH_RADIUS_KM = 6371.0088
#: The "accuracy@161 km" threshold (100 miles), standard in geocoding evaluation since
#: Cheng et al. (2010) and used by Gritta et al.
ACC_KM = 161.0
#: Normaliser of the AUC: the largest possible great-circle error, half the Earth's
#: circumference, 20,039 km (Gritta et al. 2018).
MAX_ERROR_KM = 20039.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points (haversine, spherical Earth)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def auc_log_error(errors_km: Sequence[float]) -> float:
    """Area under the curve of log-scaled geocoding errors (lower is better; 0 is perfect).

    Definition (Gritta, Pilehvar, Limsopatham & Collier, "What's missing in geographical
    parsing?", Language Resources and Evaluation 52(2):603-623, 2018, section on AUC): sort
    the errors, scale each as ``ln(1 + e) / ln(20039)`` so that a 0 km error gives 0 and
    the largest possible error gives (almost exactly) 1, and integrate the resulting curve over a unit-width
    x axis with the trapezoidal rule (``n`` points spaced ``1/(n-1)`` apart).

    Args:
        errors_km: one error per resolved toponym, in km (clipped to [0, 20039]).

    Returns:
        AUC in [0, 1]; for a single error, its scaled value.

    Raises:
        ValueError: empty input.
    """
    if not errors_km:
        raise ValueError("no errors to summarise")
    scale = math.log(MAX_ERROR_KM)
    ys = sorted(math.log(1 + min(max(e, 0.0), MAX_ERROR_KM)) / scale for e in errors_km)
    if len(ys) == 1:
        return ys[0]
    area = sum((a + b) / 2 for a, b in zip(ys, ys[1:], strict=False))
    return area / (len(ys) - 1)


@dataclass(slots=True)
class GeoSummary:
    """Resolution quality over ``n`` toponyms (errors in km)."""

    n: int
    acc161: float
    mean_km: float
    median_km: float
    auc: float


def geocoding_summary(errors_km: Sequence[float]) -> GeoSummary | None:
    """accuracy@161 km (share of errors <= 161 km), mean and median error, AUC.

    Returns:
        :class:`GeoSummary`, or None when there is no error to summarise.
    """
    if not errors_km:
        return None
    n = len(errors_km)
    return GeoSummary(n, sum(1 for e in errors_km if e <= ACC_KM) / n, statistics.fmean(errors_km),
                      statistics.median(errors_km), auc_log_error(errors_km))


# --------------------------------------------------------------------------- classification


def accuracy(pairs: Iterable[tuple[Hashable, Hashable]]) -> float:
    """Share of ``(gold, predicted)`` pairs that are equal; 0.0 for no pairs."""
    pairs = list(pairs)
    return sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0


def macro_f1(pairs: Iterable[tuple[Hashable, Hashable]]) -> float:
    """Unweighted mean of per-class F1 over the classes present in the gold.

    A prediction of None counts as a miss for the gold class (and as no false positive for
    any class). Classes predicted but never in the gold lower precision of nothing and are
    not averaged, following scikit-learn's ``labels=gold classes`` convention.

    Returns:
        Macro-F1 in [0, 1]; 0.0 for no pairs.
    """
    pairs = list(pairs)
    classes = sorted({g for g, _ in pairs}, key=str)
    if not classes:
        return 0.0
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        fp = sum(1 for g, p in pairs if g != c and p == c)
        fn = sum(1 for g, p in pairs if g == c and p != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return statistics.fmean(f1s)
