"""Stage protocol, stage registry and the runner (one article or a stream).

A stage is an object with ``name``, ``version``, ``requires`` and ``provides`` (names of
:class:`~newswatch.model.Article` fields), an ``initialize()`` that loads heavy resources
(models, gazetteers) and a ``__call__(article) -> article`` that fills its fields in place.
Stages may also offer ``pipe(articles)`` for batched processing (spaCy's ``nlp.pipe``).

The runner checks the order before a batch starts (:class:`PipelineConfigError`), and has two
failure policies: ``"raise"`` (tests, development) and ``"record"`` (batch runs: the error is
appended to ``article.errors`` with the stage name and processing goes on with later stages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from .errors import NewswatchError, PipelineConfigError, StageFailure
from .model import Article, StageError

#: Fields an article has before any stage runs (filled by the readers).
BASE_FIELDS = frozenset({"text", "origin", "url", "id", "title", "published", "source", "meta"})


class Stage:
    """Base class for stages. Subclasses set the class attributes and implement ``process``."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()

    def initialize(self) -> None:
        """Load heavy resources. Called once by the runner before the first article."""

    def process(self, article: Article) -> None:
        """Fill this stage's fields on ``article`` in place."""
        raise NotImplementedError

    def __call__(self, article: Article) -> Article:
        self.process(article)
        article.stages_run.append(f"{self.name}@{self.version}")
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Process a stream; the default calls the stage on each article."""
        for a in articles:
            yield self(a)

    def __getstate__(self) -> dict[str, Any]:
        # Heavy resources are re-created by initialize() on the worker (Dask pickles stages).
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


_REGISTRY: dict[str, Callable[[], Stage]] = {}


def register(name: str) -> Callable[[type[Stage]], type[Stage]]:
    """Class decorator: register a stage factory under ``name`` (e.g. ``"figures"``)."""

    def deco(cls: type[Stage]) -> type[Stage]:
        _REGISTRY[name] = cls
        return cls

    return deco


def create(name: str) -> Stage:
    """Instantiate a registered stage. Raises PipelineConfigError for an unknown name."""
    if name not in _REGISTRY:
        raise PipelineConfigError(f"unknown stage {name!r}; known: {sorted(_REGISTRY)}")
    return _REGISTRY[name]()


class Pipeline:
    """An ordered list of stages with a failure policy.

    Args:
        stages: stage instances, in order.
        on_error: "raise" or "record".

    Raises:
        PipelineConfigError: a stage requires a field no earlier stage provides.
    """

    def __init__(self, stages: list[Stage], on_error: str = "raise") -> None:
        if on_error not in ("raise", "record"):
            raise PipelineConfigError(f"on_error must be 'raise' or 'record', not {on_error!r}")
        available = set(BASE_FIELDS)
        for st in stages:
            missing = [r for r in st.requires if r not in available]
            if missing:
                raise PipelineConfigError(
                    f"stage {st.name!r} requires {missing}, which no earlier stage provides"
                )
            available.update(st.provides)
        self.stages = stages
        self.on_error = on_error
        self._initialized = False

    def initialize(self) -> None:
        """Initialise every stage once (idempotent)."""
        if not self._initialized:
            for st in self.stages:
                st.initialize()
            self._initialized = True

    def _run_stage(self, st: Stage, article: Article) -> Article:
        try:
            return st(article)
        except Exception as exc:
            if self.on_error == "raise":
                if isinstance(exc, NewswatchError):
                    raise
                raise StageFailure(f"{st.name}: {exc!r}", subject=article.origin) from exc
            code = exc.code if isinstance(exc, NewswatchError) else type(exc).__name__
            article.errors.append(StageError(st.name, code, str(exc)))
            return article

    def __call__(self, article: Article) -> Article:
        """Run every stage on one article and return it."""
        self.initialize()
        for st in self.stages:
            article = self._run_stage(st, article)
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Run the stages over a stream, article by article (stages see one at a time)."""
        self.initialize()
        for a in articles:
            yield self(a)


DEFAULT_STAGES = ("language", "nlp", "entities", "quotes", "figures", "timexes", "geocode", "events", "claims")


def default_pipeline(on_error: str = "raise", stages: Iterable[str] = DEFAULT_STAGES) -> Pipeline:
    """The standard analysis pipeline (everything after extraction).

    Importing :mod:`newswatch.stages` registers the stages; models load in ``initialize``.
    """
    from . import stages as _stages  # noqa: F401 - registers stage classes

    return Pipeline([create(n) for n in stages], on_error=on_error)
