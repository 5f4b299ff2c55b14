"""Named-entity scorers: factRuEval-2016 (ru), UNER PUD (en, ru), GUM news (en).

Every set is scored in one 3-type scheme, PER / ORG / LOC, through the explicit mappings of
``data/eval_label_maps.json``:

* newswatch ``EntityMention.label`` and spaCy labels (OntoNotes): PERSON→PER, ORG→ORG,
  GPE/LOC/FAC→LOC; NORP and the rest dropped;
* natasha: PER/ORG/LOC as is;
* UNER gold: PER/ORG/LOC; factRuEval gold: Person→PER, Org→ORG, Location and LocOrg→LOC
  (the README's relaxed setting), Project dropped; GUM gold (named mentions only, see
  :func:`datasets.load_gum`): person→PER, organization→ORG, place→LOC, others dropped.

newswatch = the ``entities`` stage (after nlp; language given). baseline = the English spaCy
pipeline newswatch loads (``nlp_en_model``) alone, or natasha NER alone (Russian), called
directly.

Metrics: micro P/R/F1 with exact character spans (UNER: after snapping predictions to the
gold tokens, conlleval style), micro F1 with overlap matching, and per-type exact F1.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..stages.nlp import english_model_label
from .common import first, new_result, probe, row
from .datasets import TextDoc, load_factrueval, load_gum, load_uner
from .metrics import PRF, Span, match_spans
from .report import EvalResult
from .systems import Systems, Timer, label_map

#: The scheme every NER set is scored in.
TYPES = ("PER", "ORG", "LOC")
#: Name of the GUM row that ignores leading "the" and possessive "'s" (see :func:`strip_np`).
NP_METRIC = "entity F1 (exact, 'the'/'s ignored)"


#: Leading articles and trailing possessive clitics that GUM includes in its noun-phrase
#: mentions ("the United Nations", "Andy Warhol's") but name-span conventions (OntoNotes,
#: CoNLL) leave out. The "NP-normalised" exact score strips them from gold and predictions.
_LEADING_ARTICLES = ("the ", "The ")
_POSSESSIVES = ("'s", "’s", "'", "’")


def strip_np(text: str, span: Span) -> Span:
    """Drop a leading "the " and a trailing possessive ("'s", "’s", "'") from a span."""
    s, e, lab = span
    for art in _LEADING_ARTICLES:
        if text.startswith(art, s) and e - s > len(art):
            s += len(art)
            break
    for pos in _POSSESSIVES:
        if text.endswith(pos, s, e) and e - s > len(pos):
            e -= len(pos)
            break
    return (s, e, lab)


def map_spans(spans: list[tuple[int, int, str]], mapping: dict[str, str]) -> list[Span]:
    """Relabel ``(start, end, label)`` spans; labels absent from ``mapping`` are dropped."""
    return [(s, e, mapping[lab]) for s, e, lab in spans if lab in mapping]


def snap_to_tokens(spans: list[Span], tokens: list[tuple[int, int]]) -> list[Span]:
    """Extend each span to the gold tokens it overlaps (from the first to the last).

    A span overlapping no token is dropped. ``tokens`` must be sorted by start offset.
    """
    out = []
    for s, e, lab in spans:
        touched = [(a, b) for a, b in tokens if a < e and b > s]
        if touched:
            out.append((touched[0][0], touched[-1][1], lab))
    return out


def _newswatch(docs: list[TextDoc], systems: Systems, result: EvalResult) -> list[list[Span]] | None:
    if not probe(result, "newswatch", lambda: systems.pipeline(("entities",))):
        return None
    pipe = systems.pipeline(("entities",))
    onto = label_map("ontonotes_to_per_org_loc")
    run, timer, out = result.systems["newswatch"], Timer(), []
    for doc in docs:
        with timer:
            art = systems.analyse(pipe, doc.text, doc.language, f"{result.name}:{doc.id}")
        run.errors += bool(art.errors)
        run.scored += 1
        out.append(map_spans([(m.start, m.end, m.label) for m in art.entities], onto))
    run.seconds = timer.seconds
    return out


def _baseline(docs: list[TextDoc], systems: Systems, result: EvalResult) -> list[list[Span]] | None:
    run = result.systems["baseline"]
    if not run.available:
        return None
    onto, nat = label_map("ontonotes_to_per_org_loc"), label_map("natasha_to_per_org_loc")
    timer, out = Timer(), []
    for doc in docs:
        with timer:
            if doc.language == "ru":
                spans = map_spans(systems.natasha_spans(doc.text), nat)
            else:
                spans = map_spans([(e.start_char, e.end_char, e.label_) for e in systems.spacy()(doc.text).ents], onto)
        run.scored += 1
        out.append(spans)
    run.seconds = timer.seconds
    return out


def _rows(result: EvalResult, dataset: str, docs: list[TextDoc], gold: list[list[Span]],
          preds: dict[str, list[list[Span]]], skipped: int, full: bool = True,
          np_normalise: bool = False) -> None:
    """Append the NER rows for one slice (plus the NP-normalised exact F1 when asked)."""
    scores: dict[str, dict[str, float]] = {}
    for sysname, per_doc in preds.items():
        exact, overlap, normed = PRF(), PRF(), PRF()
        by_type = {t: PRF() for t in TYPES}
        for d, g, p in zip(docs, gold, per_doc, strict=True):
            exact += match_spans(g, p, "exact")
            overlap += match_spans(g, p, "overlap")
            if np_normalise:
                normed += match_spans([strip_np(d.text, x) for x in g], [strip_np(d.text, x) for x in p])
            for t in TYPES:
                by_type[t] += match_spans([x for x in g if x[2] == t], [x for x in p if x[2] == t], "exact")
        scores[sysname] = {"entity F1 (exact)": exact.f1, "precision (exact)": exact.precision,
                           "recall (exact)": exact.recall, "entity F1 (overlap)": overlap.f1,
                           NP_METRIC: normed.f1}
        scores[sysname].update({f"F1 {t} (exact)": by_type[t].f1 for t in TYPES})
    n_gold = sum(len(g) for g in gold)
    metrics = ["entity F1 (exact)", "precision (exact)", "recall (exact)", "entity F1 (overlap)"]
    if np_normalise:
        metrics.insert(1, NP_METRIC)
    if full:
        metrics += [f"F1 {t} (exact)" for t in TYPES]
    else:
        metrics = ["entity F1 (exact)"]
    for metric in metrics:
        support = n_gold
        if metric.startswith("F1 ") and metric.split()[1] in TYPES:
            support = sum(1 for g in gold for x in g if x[2] == metric.split()[1])
        result.rows.append(row(dataset, metric, {k: v[metric] for k, v in scores.items()},
                               len(docs), skipped, support))


def _score_docs(result: EvalResult, docs: list[TextDoc], systems: Systems,
                gold_map: dict[str, str], snap: bool) -> tuple[list[list[Span]], dict[str, list[list[Span]]]]:
    gold = [map_spans([(g.start, g.end, g.label) for g in d.spans], gold_map) for d in docs]
    preds: dict[str, list[list[Span]]] = {}
    for name, fn in (("newswatch", _newswatch), ("baseline", _baseline)):
        got = fn(docs, systems, result)
        if got is not None:
            if snap:
                got = [snap_to_tokens(p, d.tokens) for p, d in zip(got, docs, strict=True)]
            preds[name] = got
    return gold, preds


def _simple(name: str, data: Path, loader: Callable[[Path], object], gold_map_name: str,
            systems: Systems, limit: int | None, which: tuple[str, ...], baseline_label: str,
            np_normalise: bool = False) -> EvalResult:
    ds = loader(data)
    records = ds.records  # type: ignore[attr-defined]
    docs, skipped = first(records, limit)
    res = new_result(name, data, len(records), limit, "newswatch nlp+entities (Article.entities)",
                     baseline_label, which)
    gold, preds = _score_docs(res, docs, systems, label_map(gold_map_name), snap=False)
    _rows(res, name, docs, gold, preds, skipped, np_normalise=np_normalise)
    return res


def evaluate_factrueval(data: Path, systems: Systems, limit: int | None = None,
                        which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score Russian NER on factRuEval-2016 (track 1, mention level, PER/ORG/LOC relaxed).

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    res = _simple("factrueval-2016", Path(data), load_factrueval, "factrueval_gold", systems, limit,
                  which, "natasha 1.6.0 NewsNERTagger (PER/LOC/ORG)")
    res.notes.append("Gold mention extent = first to last name-part span of the .objects line "
                     "(descriptors such as 'мэрии' in 'мэрии Москвы' included); LocOrg merged into "
                     "LOC; nested gold mentions all kept. The official track-1 scorer's partial "
                     "credit is not reproduced; 'overlap' is the lenient variant.")
    res.seconds = time.perf_counter() - t0
    return res


def evaluate_gum(data: Path, systems: Systems, limit: int | None = None,
                 which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score English NER on GUM news (named mentions: with a Wikipedia identity or a PROPN head).

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    res = _simple("gum-news", Path(data), load_gum, "gum_gold", systems, limit, which,
                  f"spaCy {english_model_label()} (ents)", np_normalise=True)
    res.notes.append("GUM mentions are full noun phrases ('the United Nations', \"Andy Warhol's\") "
                     "and nest ('US State Department' inside a larger person mention). OntoNotes-style "
                     "name spans leave the article and the possessive out, so the NP-normalised row strips "
                     "a leading 'the' and a trailing possessive from gold and predictions alike.")
    res.seconds = time.perf_counter() - t0
    return res


def evaluate_uner(data: Path, systems: Systems, limit: int | None = None,
                  which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Score NER on UNER English-PUD and Russian-PUD; all documents and the news (``n*``) subset.

    ``limit`` applies to each language file. The sentences of one PUD document are analysed
    together (joined by spaces); predictions are snapped to the gold UD tokens before exact
    matching.

    Raises:
        DatasetError: missing or malformed dataset files.
    """
    t0 = time.perf_counter()
    data = Path(data)
    per_lang = {lang: load_uner(data, lang) for lang in ("en", "ru")}
    total = sum(len(ds) for ds in per_lang.values())
    res = new_result("uner-pud", data, total, limit, "newswatch nlp+entities (Article.entities)",
                     f"spaCy {english_model_label()} (en) / natasha 1.6.0 NER (ru)", which)
    for lang, ds in per_lang.items():
        docs, skipped = first(ds.records, limit)
        gold, preds = _score_docs(res, docs, systems, label_map("uner_gold"), snap=True)
        _rows(res, f"uner-pud/{lang}", docs, gold, preds, skipped)
        news = [i for i, d in enumerate(docs) if d.id.startswith("n")]
        news_total = sum(1 for d in ds.records if d.id.startswith("n"))
        _rows(res, f"uner-pud/{lang} (news)", [docs[i] for i in news], [gold[i] for i in news],
              {k: [v[i] for i in news] for k, v in preds.items()}, news_total - len(news), full=False)
    res.notes.append("Predictions are extended to whole UD tokens before exact matching "
                     "(conlleval-style token boundaries).")
    res.seconds = time.perf_counter() - t0
    return res
