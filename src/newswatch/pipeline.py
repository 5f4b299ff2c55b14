"""Stage protocol, stage registry and the runner (one article or a stream).

The contract (checked here, not only documented):

* A stage is a :class:`Stage` subclass with ``name``, ``version``, ``requires`` and
  ``provides``: names of :class:`~newswatch.model.Article` fields, checked against the
  dataclass when the class is registered and when a :class:`Pipeline` is built (a typo is a
  :class:`~newswatch.errors.PipelineConfigError`). ``requires`` lists every field the stage
  (and the helpers it calls) reads; ``provides`` every field it writes.
* The order is checked before anything runs: a stage may require only base fields
  (:data:`BASE_FIELDS`, filled by the readers) and fields an earlier stage provides.
* A stage writes only what it provides. The runner snapshots each field (identity and
  length, about 11 µs per stage for all fields) before a stage and compares after it; a change to an
  undeclared field is a contract violation (see :class:`Pipeline` for the two policies).
  ``stages_run`` and ``errors`` belong to the runner. The check sees replaced values and
  lists/dicts that grew or shrank, not in-place edits of an item inside a list.
* ``initialize()`` loads heavy resources and is called by the runner once per stage instance
  (``Stage._initialized``); ``process()`` never calls it. A stage used outside a pipeline is
  initialised by its caller; calling an uninitialised stage raises PipelineConfigError.
  Pickling (Dask ships stages) drops ``_``-prefixed attributes, the flag included, so an
  unpickled stage is initialised again by the pipeline that runs it.
* :meth:`Pipeline.pipe` chains the stages' ``pipe`` methods as generators (as spaCy's
  ``Language.pipe`` chains its components), so a stage that batches (the nlp stage: spaCy's
  ``nlp.pipe``, natasha's batched ``map``) sees many articles at once. The order of articles
  is kept; a failure inside a batch is isolated by re-running that batch one article at a
  time, so only the failing article gets the error.
* A stage that loads a model lazily, on the first article that needs it (the language
  detector, each language's nlp models), wraps the load in :func:`model_loading`, so an
  analysis worker under a time budget (:mod:`newswatch.ingest.budget`) does not count the
  load against that article.

The single list of stage names in their default order is :data:`DEFAULT_STAGES`; the
function :func:`newswatch.stages.register_all` imports one module per name from it to register the
stages (:func:`create` and :func:`default_pipeline` call it; importing the package alone does not).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, ClassVar

from .errors import NewswatchError, PipelineConfigError, StageFailure
from .model import Article, StageError

#: The registered stages in their default order; the one list of stage names.
#: ``newswatch.stages.register_all`` imports ``newswatch.stages.<name>`` for each to register it.
DEFAULT_STAGES = ("language", "nlp", "entities", "quotes", "timexes", "figures", "geocode", "events", "claims")

#: Fields an article has before any stage runs (filled by the readers).
BASE_FIELDS = frozenset({"text", "origin", "url", "id", "title", "published", "source", "meta"})

#: Every field name of :class:`~newswatch.model.Article` (what requires/provides may name).
ARTICLE_FIELDS = frozenset(f.name for f in dataclasses.fields(Article))
#: Fields only the runner writes (a stage may not declare or change them).
RUNNER_FIELDS = frozenset({"stages_run", "errors"})
#: Fields whose writes are checked after each stage.
_WATCHED = tuple(sorted(ARTICLE_FIELDS - RUNNER_FIELDS))

_Snapshot = tuple[tuple[int, int], ...]

#: Called with ``(what, True)`` before a lazy model load and ``(what, False)`` after it (also
#: when it fails); None (the default) outside an analysis worker. See :func:`model_loading`.
_load_listener: Callable[[str, bool], None] | None = None


def set_load_listener(listener: Callable[[str, bool], None] | None) -> None:
    """Install ``listener`` (or None) to hear of every lazy model load in this process; the
    analysis worker uses it to stop an article's clock while a model loads."""
    global _load_listener
    _load_listener = listener


@contextlib.contextmanager
def model_loading(what: str) -> Iterator[None]:
    """Mark a lazy model load (``what`` names it, e.g. ``"spaCy English model"``).

    The load is the process's one-time cost, not the cost of the article that happens to need
    it first: the listener (:func:`set_load_listener`) hears the start and the end, and the
    analysis worker tells its parent, which does not count the time in between against the
    article's ``analysis_timeout_seconds``. Loads must not nest.
    """
    listener = _load_listener
    if listener is not None:
        listener(what, True)
    try:
        yield
    finally:
        if listener is not None:
            listener(what, False)


def _snapshot(article: Article) -> _Snapshot:
    """Identity and length of every watched field (``-1`` length for non-containers)."""
    out = []
    for name in _WATCHED:
        v = getattr(article, name)
        out.append((id(v), len(v) if isinstance(v, (list, dict)) else -1))
    return tuple(out)


def _changed(before: _Snapshot, article: Article) -> list[str]:
    """Names of the watched fields whose identity or length differs from ``before``."""
    after = _snapshot(article)
    return [name for name, b, a in zip(_WATCHED, before, after, strict=True) if b != a]


def check_fields(owner: str, requires: Iterable[str], provides: Iterable[str]) -> None:
    """Check that ``requires``/``provides`` name Article fields and ``provides`` no runner field.

    Raises:
        PipelineConfigError: naming ``owner`` and the offending names.
    """
    unknown = sorted((set(requires) | set(provides)) - ARTICLE_FIELDS)
    if unknown:
        raise PipelineConfigError(f"stage {owner!r}: {unknown} are not Article fields")
    reserved = sorted(set(provides) & RUNNER_FIELDS)
    if reserved:
        raise PipelineConfigError(f"stage {owner!r} may not provide {reserved}: the runner owns them")


class Stage:
    """Base class for stages. Subclasses set the class attributes and implement ``process``.

    Class attributes:
        name: the registered name (one of :data:`DEFAULT_STAGES` for the default stages).
        version: a string stored in each item's provenance and in ``article.stages_run``.
        requires: Article fields the stage reads (base fields included).
        provides: Article fields the stage writes.
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    requires: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[str, ...]] = ()
    #: True once ``initialize()`` has run on this instance (an instance attribute then; the
    #: class default says "not yet"). Dropped by pickling, like every ``_`` attribute.
    _initialized: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Wrap a subclass's ``initialize`` so that any call to it marks the instance ready."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("initialize")
        if init is not None and not getattr(init, "_marks_initialized", False):

            @functools.wraps(init)
            def initialize(self: Stage) -> None:
                init(self)
                self._initialized = True

            initialize._marks_initialized = True  # type: ignore[attr-defined]
            cls.initialize = initialize  # type: ignore[method-assign]

    def initialize(self) -> None:
        """Load heavy resources. Called once per instance by the runner before the first article.

        Subclasses override it without guards (the runner calls it once; calling it again
        reloads). Any call marks the instance initialised.
        """
        self._initialized = True

    def ensure_initialized(self) -> None:
        """Call :meth:`initialize` unless it already ran on this instance (also after unpickling)."""
        if not self._initialized:
            self.initialize()

    def preload(self, languages: Collection[str]) -> None:
        """Load now the models this stage would load on its first article (in one of
        ``languages``, ISO 639-1 codes, for a stage whose models are per language), so that
        no article's analysis pays for the load. Called after :meth:`initialize`; the default
        has nothing to load.

        Raises:
            PipelineConfigError: a language the stage has no models for.
        """

    def process(self, article: Article) -> None:
        """Fill this stage's fields on ``article`` in place."""
        raise NotImplementedError

    def _check_ready(self) -> None:
        if not self._initialized:
            raise PipelineConfigError(
                f"stage {self.name!r} used before initialize(): a Pipeline initialises its "
                "stages; a stage called on its own must be initialised by its caller")

    def __call__(self, article: Article) -> Article:
        """Run the stage on one article outside a pipeline; appends to ``stages_run``.

        Raises:
            PipelineConfigError: ``initialize()`` has not run on this instance.
        """
        self._check_ready()
        self.process(article)
        article.stages_run.append(f"{self.name}@{self.version}")
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The runner's hook for a stream: fill the fields of each article, yield it, in order.

        The default processes one article at a time; a stage that can batch overrides it. It
        must yield exactly the articles it was given, in the same order, and must not touch
        ``stages_run``/``errors`` (the runner records success and failure). An exception
        ends the generator; the runner then re-runs that batch article by article.
        """
        for a in articles:
            self.process(a)
            yield a

    def __getstate__(self) -> dict[str, Any]:
        # Heavy resources are re-created by initialize() on the worker (Dask pickles stages).
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


_REGISTRY: dict[str, Callable[[], Stage]] = {}


def register(name: str) -> Callable[[type[Stage]], type[Stage]]:
    """Class decorator: register a stage class under ``name`` (e.g. ``"figures"``).

    Raises:
        PipelineConfigError: ``name`` is already registered to another class, differs from
            the class's ``name`` attribute, or ``requires``/``provides`` name a field the
            Article does not have (or a runner-owned field).
    """

    def deco(cls: type[Stage]) -> type[Stage]:
        if cls.name != name:
            raise PipelineConfigError(f"register({name!r}) on a class whose name is {cls.name!r}")
        old = _REGISTRY.get(name)
        if old is not None and not _same_class(old, cls):
            raise PipelineConfigError(f"stage name {name!r} is already registered to {_qualname(old)}")
        check_fields(name, cls.requires, cls.provides)
        _REGISTRY[name] = cls
        return cls

    return deco


def _qualname(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def _same_class(a: Any, b: Any) -> bool:
    """The same class definition (also when its module is imported again, e.g. reloaded)."""
    return a is b or _qualname(a) == _qualname(b)


def create(name: str) -> Stage:
    """Instantiate a registered stage. Raises PipelineConfigError for an unknown name."""
    if name not in _REGISTRY:
        from .stages import register_all

        register_all()
    if name not in _REGISTRY:
        raise PipelineConfigError(f"unknown stage {name!r}; known: {sorted(_REGISTRY)}")
    return _REGISTRY[name]()


class Pipeline:
    """An ordered list of stages with a failure policy.

    Args:
        stages: stage instances, in order.
        on_error: ``"raise"`` (tests, development): a stage's exception becomes a
            :class:`StageFailure` (a NewswatchError passes through), and a write to a field
            the stage does not provide raises :class:`PipelineConfigError` naming the stage
            and the fields. ``"record"`` (batch runs): the exception is appended to
            ``article.errors`` (stage, code, message) and later stages still run; an
            undeclared write is recorded the same way with code ``undeclared-write`` (the
            check costs about 11 µs per stage and article, 0.1 ms for the nine default
            stages against 100-200 ms of analysis, so it stays on in both modes).

    Raises:
        PipelineConfigError: a stage requires a field no earlier stage provides, names a
            field the Article does not have, or two stages share a name.
    """

    def __init__(self, stages: list[Stage], on_error: str = "raise") -> None:
        if on_error not in ("raise", "record"):
            raise PipelineConfigError(f"on_error must be 'raise' or 'record', not {on_error!r}")
        available = set(BASE_FIELDS)
        seen: set[str] = set()
        for st in stages:
            if st.name in seen:
                raise PipelineConfigError(f"stage {st.name!r} appears twice in the pipeline")
            seen.add(st.name)
            check_fields(st.name, st.requires, st.provides)
            missing = [r for r in st.requires if r not in available]
            if missing:
                raise PipelineConfigError(
                    f"stage {st.name!r} requires {missing}, which no earlier stage provides"
                )
            available.update(st.provides)
        self.stages = stages
        self.on_error = on_error

    def initialize(self) -> None:
        """Initialise every stage instance that is not yet (cheap when all are)."""
        for st in self.stages:
            st.ensure_initialized()

    def preload(self, languages: Collection[str]) -> None:
        """Initialise the stages, then load the models each would load lazily on its first
        article in one of ``languages`` (:meth:`Stage.preload`): a long-lived worker pays the
        loads once when it starts, not inside the first input it is given.

        Raises:
            PipelineConfigError: a stage has no models for one of ``languages``.
        """
        self.initialize()
        for st in self.stages:
            st.preload(languages)

    # -- one article, one stage ----------------------------------------------------------------

    def _fail(self, st: Stage, article: Article, exc: Exception) -> None:
        """Apply the failure policy to ``exc`` raised by ``st`` on ``article``."""
        if self.on_error == "raise":
            if isinstance(exc, NewswatchError):
                raise exc
            raise StageFailure(f"{st.name}: {exc!r}", subject=article.origin) from exc
        code = exc.code if isinstance(exc, NewswatchError) else type(exc).__name__
        article.errors.append(StageError(st.name, code, str(exc)))

    def _finish(self, st: Stage, article: Article, before: _Snapshot) -> None:
        """After a successful stage: check its writes, then record it in ``stages_run``."""
        changed = [f for f in _changed(before, article) if f not in st.provides]
        if changed:
            msg = f"stage {st.name!r} wrote {changed}, which it does not declare in provides"
            if self.on_error == "raise":
                raise PipelineConfigError(msg, subject=article.origin)
            article.errors.append(StageError(st.name, "undeclared-write", msg))
        article.stages_run.append(f"{st.name}@{st.version}")

    def _run_one(self, st: Stage, article: Article, before: _Snapshot | None = None) -> Article:
        if before is None:
            before = _snapshot(article)
        try:
            st.process(article)
        except Exception as exc:  # noqa: BLE001 - the policy decides what happens
            self._fail(st, article, exc)
            return article
        self._finish(st, article, before)
        return article

    def __call__(self, article: Article) -> Article:
        """Run every stage on one article and return it."""
        self.initialize()
        for st in self.stages:
            article = self._run_one(st, article)
        return article

    # -- a stream ------------------------------------------------------------------------------

    def _stream(self, st: Stage, articles: Iterable[Article]) -> Iterator[Article]:
        """Run ``st.pipe`` over ``articles`` under the policy; yields every article, in order.

        The articles handed to ``st.pipe`` and not yet yielded back are the batch in flight;
        if ``st.pipe`` raises, that batch is re-run one article at a time (from the snapshots
        taken when each was handed over) and a fresh ``st.pipe`` takes the rest of the stream.
        """
        if type(st).pipe is Stage.pipe:  # no batching: the cheap path
            for a in articles:
                yield self._run_one(st, a)
            return
        source = iter(articles)
        upstream: list[BaseException] = []  # an exception raised by an earlier stage's stream

        def feed(flight: deque[tuple[Article, _Snapshot]]) -> Iterator[Article]:
            while True:
                try:
                    a = next(source)
                except StopIteration:
                    return
                except BaseException as exc:
                    upstream.append(exc)
                    raise
                flight.append((a, _snapshot(a)))
                yield a

        while True:
            flight: deque[tuple[Article, _Snapshot]] = deque()
            try:
                for out in st.pipe(feed(flight)):
                    if not flight or out is not flight[0][0]:
                        raise PipelineConfigError(
                            f"stage {st.name!r}: pipe() yielded an article it was not given, or out of order")
                    a, before = flight.popleft()
                    self._finish(st, a, before)
                    yield a
            except PipelineConfigError:
                raise
            except Exception:  # re-run the batch in flight one by one
                if upstream:  # not this stage's failure: the earlier stage's policy raised it
                    raise
                while flight:
                    a, before = flight.popleft()
                    yield self._run_one(st, a, before)
                continue
            if flight:
                raise PipelineConfigError(f"stage {st.name!r}: pipe() dropped {len(flight)} article(s)")
            return

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Run the stages over a stream, each stage through its own ``pipe`` (batched).

        Articles come out in the order they went in; under ``"record"`` every article comes
        out, with failures in ``article.errors``.
        """
        self.initialize()
        stream: Iterable[Article] = articles
        for st in self.stages:
            stream = self._stream(st, stream)
        yield from stream


def default_pipeline(on_error: str = "raise", stages: Iterable[str] = DEFAULT_STAGES) -> Pipeline:
    """The standard analysis pipeline (everything after extraction).

    :func:`newswatch.stages.register_all` registers the stages; models load in ``initialize``.
    """
    from .stages import register_all

    register_all()
    return Pipeline([create(n) for n in stages], on_error=on_error)
