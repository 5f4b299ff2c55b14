"""Registry of evaluations and the functions that run one or all of them.

Each evaluation reads one folder under ``shared/eval/``, named like the evaluation except
``language-id``, which reads ``uner-pud`` (so ``newswatch eval all --data shared/eval`` finds
every set, and the held-out release, laid out alike, is scored by pointing ``--data`` at it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .report import EvalResult
from .systems import Systems

Scorer = Callable[..., EvalResult]

#: Environment variable of the ``eval_data`` setting (:mod:`newswatch.settings`): the folder
#: that holds every dataset folder (default for ``--data`` when it is omitted).
DATA_ENV = "NEWSWATCH_EVAL_DATA"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One registered evaluation: name (= dataset folder), what it scores, its scorer, and
    the ``(slice, metric)`` rows quoted in the scorecard's summary table."""

    name: str
    task: str
    scorer: Scorer
    headline: tuple[tuple[str, str], ...] = ()
    folder: str = ""
    #: True when the gold ships with the repository (``eval/<name>/``), not in the shared data:
    #: its files are versioned by git, so the gate does not pin their hashes.
    bundled: bool = False

    @property
    def data_folder(self) -> str:
        """Name of the dataset folder this evaluation reads (default: its own name)."""
        return self.folder or self.name


def registry() -> dict[str, Evaluation]:
    """Every evaluation, in scorecard order (imports the scorers lazily)."""
    from . import captures, conflict_news, dates, events, extraction, geo, language, ner, places, quotes, re3d, threads

    gwn_res, gv_res = "geowebnews (resolution)", "geovirus (resolution)"
    items = [
        Evaluation("scrapinghub-aeb", "main text (shingle F1)", extraction.evaluate_aeb,
                   (("scrapinghub-aeb", "shingle F1"), ("scrapinghub-aeb", "exact-match accuracy"))),
        Evaluation("trafilatura-eval", "main text (snippets)", extraction.evaluate_trafilatura_eval,
                   (("trafilatura-eval", "snippet F1"),)),
        Evaluation("captures", "plain-text captures: headline and page chrome (own set, eval/captures/)",
                   captures.evaluate_captures,
                   (("captures", "title accuracy"), ("captures", "chrome removal"), ("captures", "body kept")),
                   bundled=True),
        Evaluation("htmldate-eval", "publication date", dates.evaluate_htmldate,
                   (("htmldate-eval (combined)", "exact-day accuracy"),)),
        Evaluation("geowebnews", "toponym recognition and resolution", geo.evaluate_geowebnews,
                   (("geowebnews (recognition, all toponym types)", "F1 (exact)"),
                    ("geowebnews (recognition, literal only)", "F1 (exact)"),
                    (gwn_res, "accuracy@161 km"), (gwn_res, "accuracy@161 km (end-to-end)"),
                    (gwn_res, "AUC"), (gwn_res, "GeoNames id accuracy"),
                    (gwn_res, "accuracy (same GeoNames id or <= 161 km)"))),
        Evaluation("geovirus", "toponym recognition and resolution", geo.evaluate_geovirus,
                   (("geovirus (recognition, all)", "F1 (exact)"), (gv_res, "accuracy@161 km"),
                    (gv_res, "accuracy@161 km (end-to-end)"), (gv_res, "AUC"))),
        Evaluation("places", "place resolution: admin units, villages, homonyms, en/ru (own set, eval/places/)",
                   places.evaluate_places,
                   (("places (all)", "GeoNames id accuracy"), ("places (all)", "found")), bundled=True),
        Evaluation("factrueval-2016", "Russian NER", ner.evaluate_factrueval,
                   (("factrueval-2016", "entity F1 (exact)"), ("factrueval-2016", "entity F1 (overlap)"))),
        Evaluation("uner-pud", "English and Russian NER", ner.evaluate_uner,
                   (("uner-pud/en", "entity F1 (exact)"), ("uner-pud/ru", "entity F1 (exact)"))),
        Evaluation("language-id", "language identification (en/ru sentences and documents)",
                   language.evaluate_language,
                   (("language-id/en (sentences)", "accuracy"), ("language-id/ru (sentences)", "accuracy"),
                    ("language-id/en (documents)", "accuracy"), ("language-id/ru (documents)", "accuracy")),
                   folder="uner-pud"),
        Evaluation("gum-news", "English NER (named mentions)", ner.evaluate_gum,
                   (("gum-news", "entity F1 (exact)"), ("gum-news", ner.NP_METRIC),
                    ("gum-news", "entity F1 (overlap)"))),
        Evaluation("re3d", "figures and time expressions", re3d.evaluate_re3d,
                   (("re3d (figures vs Quantity+Money)", "F1 (overlap)"),
                    ("re3d (timexes vs Temporal)", "F1 (overlap)"))),
        Evaluation("plover-gsr", "PLOVER event coding", events.evaluate_plover,
                   (("plover-gsr", "event-type accuracy"),)),
        Evaluation("conflict-news", "PLOVER events and casualty claims on real conflict sentences "
                   "(own set, eval/conflict-news/)", conflict_news.evaluate_conflict_news,
                   (("conflict-news", "event F1"), ("conflict-news", "source actor accuracy"),
                    ("conflict-news", "casualty claim F1"), ("conflict-news", "casualty side accuracy")),
                   bundled=True),
        Evaluation("quotes", "quotes and their speakers in real articles, transcripts included "
                   "(own set, eval/quotes/)", quotes.evaluate_quotes,
                   (("quotes", "quote F1"), ("quotes", "speaker accuracy"), ("quotes", "attribution accuracy")),
                   bundled=True),
        Evaluation("threads", "happenings (event reports of one event) and story threads across articles "
                   "(own set, eval/threads/)", threads.evaluate_threads,
                   (("threads", "happening pairwise F1"), ("threads", "story pairwise F1")),
                   bundled=True),
    ]
    return {e.name: e for e in items}


def folder_of(name: str) -> str:
    """The dataset folder evaluation ``name`` reads (``KeyError`` for an unknown name)."""
    return registry()[name].data_folder


def default_data_root() -> Path | None:
    """The ``eval_data`` setting (``$NEWSWATCH_EVAL_DATA``) if set, else ``../shared/eval`` next
    to the working copy, else None."""
    from ..settings import value

    configured = value("eval_data")
    if configured:
        return Path(configured)
    guess = Path(__file__).resolve().parents[3].parent / "shared" / "eval"
    return guess if guess.is_dir() else None


def run(name: str, data: Path, systems: Systems | None = None, limit: int | None = None,
        which: tuple[str, ...] = ("newswatch", "baseline")) -> EvalResult:
    """Run evaluation ``name`` on the dataset folder ``data``.

    Args:
        name: a key of :func:`registry`.
        data: the dataset folder (e.g. ``shared/eval/geowebnews``).
        systems: shared loaded systems (a new one if None).
        limit: score only the first N documents (of each gold file).
        which: systems to run (``"newswatch"``, ``"baseline"``).

    Raises:
        KeyError: unknown name.
        DatasetError: missing or malformed dataset files.
    """
    reg = registry()
    if name not in reg:
        raise KeyError(f"unknown evaluation {name!r}; known: {', '.join(reg)}")
    return reg[name].scorer(Path(data), systems or Systems(), limit=limit, which=which)


def run_all(root: Path, systems: Systems | None = None, limit: int | None = None,
            which: tuple[str, ...] = ("newswatch", "baseline"),
            names: list[str] | None = None) -> list[EvalResult]:
    """Run every evaluation (or ``names``) on ``root/<name>``, sharing loaded models."""
    systems = systems or Systems()
    reg = registry()
    return [run(n, root / reg[n].data_folder, systems, limit, which) for n in (names or list(reg))]
