"""The stage contract, enforced: declared fields, order, writes, initialisation, batching, isolation.

The founding article (``samples/``, read through the production readers) goes through the
default pipeline; every item it yields must point at its own text and lie inside the sentence
its provenance names.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from newswatch.errors import PipelineConfigError, StageFailure
from newswatch.ingest.readers import read_inputs
from newswatch.model import Article, Provenance
from newswatch.pipeline import (
    ARTICLE_FIELDS,
    BASE_FIELDS,
    DEFAULT_STAGES,
    Pipeline,
    Stage,
    _snapshot,
    create,
    default_pipeline,
    register,
)
from newswatch.serialize import dumps

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = ROOT / "samples" / "inforos_2021-07-08_russia-wont-leave-its-allies.txt"
FOUNDING_PUBLISHED = dt.date(2021, 7, 8)


def _founding() -> Article:
    (article,) = read_inputs([str(FOUNDING)], published=FOUNDING_PUBLISHED)
    assert isinstance(article, Article)
    return article


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    pipe = default_pipeline(on_error="raise")
    pipe.initialize()
    return pipe


@pytest.fixture(scope="module")
def founding(pipeline: Pipeline) -> Article:
    return pipeline(_founding())


# -- the founding article: offsets and provenance ---------------------------------------------


def _inside(prov: Provenance, start: int, end: int, stage: str) -> None:
    assert prov.stage == stage
    assert 0 <= prov.sentence_start <= start < end <= prov.sentence_end, (stage, prov, start, end)


def test_founding_article_runs_every_stage_in_order(founding: Article) -> None:
    assert founding.errors == []
    assert founding.stages_run == [f"{n}@{create(n).version}" for n in DEFAULT_STAGES]
    assert founding.language == "en"
    # the reader strips the page chrome: the text runs from the lead to the last paragraph
    assert founding.text.startswith("Moscow is ready to support the countries in the region")
    assert "Add comment" not in founding.text and "Rate it" not in founding.text
    assert founding.text.endswith("in Afghanistan and the region as a whole.")


def test_founding_entities_round_trip(founding: Article) -> None:
    assert len(founding.entities) >= 20
    for e in founding.entities:
        assert founding.text[e.start:e.end] == e.text
        _inside(e.prov, e.start, e.end, "entities")
    assert {"Sergei Lavrov", "Taliban"} <= {e.canonical for e in founding.entities}


def test_founding_quotes_round_trip(founding: Article) -> None:
    assert len(founding.quotes) >= 3
    for q in founding.quotes:
        assert founding.text[q.start:q.end] == q.text
        _inside(q.prov, q.start, q.end, "quotes")
        if q.speaker_start is not None:
            assert q.speaker_end is not None and 0 <= q.speaker_start < q.speaker_end <= len(founding.text)


def test_founding_figures_round_trip(founding: Article) -> None:
    assert len(founding.figures) == 10  # the ten counts tests/test_figures.py checks one by one
    for f in founding.figures:
        assert founding.text[f.start:f.end] == f.text
        _inside(f.prov, f.start, f.end, "figures")
        if f.counted_start is not None:  # the counted noun (maybe an antecedent's) is a word
            assert f.counted_end is not None and founding.text[f.counted_start:f.counted_end].isalpha()


def test_founding_timexes_round_trip(founding: Article) -> None:
    assert "2021-07-07" in {t.value for t in founding.timexes}  # "On July 7"
    for t in founding.timexes:
        assert founding.text[t.start:t.end] == t.text
        _inside(t.prov, t.start, t.end, "timexes")


def test_founding_place_mentions_round_trip(founding: Article) -> None:
    assert {"Russia", "Afghanistan", "Tajikistan"} <= {p.name for p in founding.places}
    for p in founding.places:
        assert p.mentions
        first = p.mentions[0]
        _inside(p.prov, first.start, first.end, "geocode")
        for m in p.mentions:
            assert founding.text[m.start:m.end] == m.text
            _inside(m.prov, m.start, m.end, "geocode")


def test_founding_events_round_trip(founding: Article) -> None:
    assert founding.events
    for ev in founding.events:
        _inside(ev.prov, ev.start, ev.end, "events")
        assert founding.text[ev.prov.sentence_start:ev.prov.sentence_end].strip() == ev.evidence.strip() or \
            ev.evidence.strip() in founding.text[ev.prov.sentence_start:ev.prov.sentence_end]
        if ev.trigger_start is not None:
            assert ev.start <= ev.trigger_start < ev.trigger_end <= ev.end
        for party in ev.actors + ev.recipients:
            assert founding.text[party.start:party.end] == party.text


def test_founding_claims_round_trip(founding: Article) -> None:
    assert len(founding.claims) == len(founding.figures)  # every figure becomes a claim
    for c in founding.claims:
        assert founding.text[c.start:c.end] == c.figure_text
        _inside(c.prov, c.start, c.end, "claims")


def test_stream_gives_the_same_analysis_as_one_by_one(pipeline: Pipeline, founding: Article) -> None:
    (streamed,) = list(pipeline.pipe([_founding()]))
    assert dumps(streamed) == dumps(founding)


# -- declared fields and order ------------------------------------------------------------------


def test_default_stages_declare_real_fields_in_a_valid_order() -> None:
    stages = default_pipeline().stages
    assert [st.name for st in stages] == list(DEFAULT_STAGES)
    for st in stages:
        assert set(st.requires) <= ARTICLE_FIELDS and set(st.provides) <= ARTICLE_FIELDS
        assert st.provides and "text" in st.requires
    names = list(DEFAULT_STAGES)
    assert names.index("timexes") < names.index("figures")  # figures read article.timexes
    assert "timexes" in create("figures").requires
    assert {"ner_spans", "language"} <= set(create("timexes").requires)
    assert "tokens" in create("geocode").requires


def test_an_undeclared_read_dependency_is_refused_before_anything_runs() -> None:
    order = [n for n in DEFAULT_STAGES if n != "timexes"]
    order.insert(order.index("figures") + 1, "timexes")  # timexes after figures
    with pytest.raises(PipelineConfigError, match=r"'figures' requires \['timexes'\]"):
        default_pipeline(stages=order)


class _Writer(Stage):
    """Writes ``figures`` but (in the subclasses) declares something else."""

    name = "writer"
    requires = ("text",)
    provides = ("quotes",)

    def process(self, article: Article) -> None:
        article.figures = []


def test_a_typo_in_requires_is_a_config_error() -> None:
    class Typo(_Writer):
        requires = ("text", "tokenz")

    with pytest.raises(PipelineConfigError, match="tokenz"):
        Pipeline([Typo()])
    with pytest.raises(PipelineConfigError, match="runner owns"):
        Pipeline([type("Own", (_Writer,), {"provides": ("stages_run",)})()])


def test_an_undeclared_write_fails_in_raise_mode_and_is_recorded_in_record_mode() -> None:
    with pytest.raises(PipelineConfigError, match=r"'writer' wrote \['figures'\]"):
        Pipeline([_Writer()])(Article(text="x"))
    a = Pipeline([_Writer()], on_error="record")(Article(text="x"))
    assert [(e.stage, e.code) for e in a.errors] == [("writer", "undeclared-write")]


def test_an_in_place_append_to_an_undeclared_field_is_seen() -> None:
    class Appender(_Writer):
        def process(self, article: Article) -> None:
            article.meta["x"] = 1  # meta is not declared

    with pytest.raises(PipelineConfigError, match=r"\['meta'\]"):
        Pipeline([Appender()])(Article(text="x"))


def test_register_refuses_a_duplicate_name() -> None:
    with pytest.raises(PipelineConfigError, match="already registered"):
        @register("language")
        class Impostor(Stage):
            name = "language"
            requires = ("text",)
            provides = ("language",)
    assert type(create("language")).__name__ == "LanguageStage"
    with pytest.raises(PipelineConfigError, match="twice"):
        Pipeline([_Writer(), _Writer()])


def test_write_check_cost_is_negligible() -> None:
    """A snapshot of all fields costs microseconds, beside milliseconds of analysis per stage."""
    import timeit

    a = _founding()
    per_call = min(timeit.repeat(lambda: _snapshot(a), number=2000, repeat=3)) / 2000
    assert per_call < 100e-6  # measured about 5 µs


# -- initialisation -----------------------------------------------------------------------------


class _Counting(Stage):
    """Counts ``initialize`` calls; ``_resource`` is what pickling drops."""

    name = "counting"
    requires = ("text",)
    provides = ("title",)
    inits = 0

    def initialize(self) -> None:
        type(self).inits += 1
        self._resource = "loaded"

    def process(self, article: Article) -> None:
        article.title = self._resource


def test_the_pipeline_initialises_once_and_again_after_unpickling() -> None:
    _Counting.inits = 0
    st = _Counting()
    with pytest.raises(PipelineConfigError, match="before initialize"):
        st(Article(text="x"))  # outside a pipeline the caller must initialise
    pipe = Pipeline([st])
    for _ in range(3):
        assert pipe(Article(text="x")).title == "loaded"
    assert _Counting.inits == 1
    clone = pickle.loads(pickle.dumps(pipe))  # how Dask ships the pipeline to a worker
    assert "_resource" not in clone.stages[0].__dict__
    assert clone(Article(text="x")).title == "loaded"
    assert _Counting.inits == 2


# -- streaming, batching and isolation ---------------------------------------------------------


class _Batched(Stage):
    """Fills ``title`` a batch at a time; a text containing BOOM fails (in a batch and alone)."""

    name = "batched"
    requires = ("text",)
    provides = ("title",)
    batches: ClassVar[list[int]] = []

    def process(self, article: Article) -> None:
        if "BOOM" in article.text:
            raise ValueError(f"cannot digest {article.text!r}")
        article.title = article.text.upper()

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        buf: list[Article] = []
        for a in articles:
            buf.append(a)
            if len(buf) == 3:
                yield from self._batch(buf)
                buf = []
        yield from self._batch(buf)

    def _batch(self, buf: list[Article]) -> Iterator[Article]:
        if not buf:
            return
        type(self).batches.append(len(buf))
        if any("BOOM" in a.text for a in buf):
            raise ValueError("batch failed")
        for a in buf:
            a.title = a.text.upper()
        yield from buf


def test_record_mode_isolates_one_bad_article_in_a_batch() -> None:
    _Batched.batches = []
    texts = ["a", "b", "BOOM", "d", "e", "f", "g"]
    pipe = Pipeline([_Batched()], on_error="record")
    out = list(pipe.pipe(Article(text=t, origin=t) for t in texts))
    assert [a.text for a in out] == texts  # every article, in order
    assert [a.title for a in out] == ["A", "B", None, "D", "E", "F", "G"]
    assert [[e.code for e in a.errors] for a in out] == [[], [], ["ValueError"], [], [], [], []]
    assert [a.stages_run for a in out] == [[] if t == "BOOM" else ["batched@1"] for t in texts]
    assert _Batched.batches[0] == 3 and 3 in _Batched.batches[1:]  # batched before and after


def test_raise_mode_names_the_failing_article_of_a_batch() -> None:
    pipe = Pipeline([_Batched()], on_error="raise")
    with pytest.raises(StageFailure) as info:
        list(pipe.pipe(Article(text=t, origin=f"doc-{t}") for t in ["a", "BOOM", "c"]))
    assert info.value.subject == "doc-BOOM" and "cannot digest" in info.value.message


def test_an_error_in_an_earlier_stage_is_not_swallowed_by_a_batched_stage() -> None:
    class Early(Stage):
        name = "early"
        requires = ("text",)
        provides = ("url",)

        def process(self, article: Article) -> None:
            if article.text == "bad":
                raise ValueError("early failure")

    pipe = Pipeline([Early(), _Batched()], on_error="raise")
    with pytest.raises(StageFailure, match="early failure"):
        list(pipe.pipe(Article(text=t) for t in ["a", "bad", "c"]))


def test_nlp_batches_english_through_spacy_pipe(nlp_stage, monkeypatch) -> None:
    """Pipeline.pipe reaches NlpStage.pipe, which hands spaCy several texts in one call."""
    spacy_nlp = nlp_stage._english()
    calls: list[int] = []
    real_pipe = spacy_nlp.pipe

    def counting_pipe(texts, **kw):
        texts = list(texts)
        calls.append(len(texts))
        return real_pipe(texts, **kw)

    monkeypatch.setattr(spacy_nlp, "pipe", counting_pipe)

    class Given(Stage):
        name = "given"
        requires = ("text",)
        provides = ("language",)

        def process(self, article: Article) -> None:
            pass

    texts = ["Lavrov met Rahmon in Dushanbe.", "The Taliban took 188 districts.",
             "Russia will not send troops.", "Moscow is ready to help."]
    arts = [Article(text=t, language="en", origin=str(i)) for i, t in enumerate(texts)]
    arts.insert(2, Article(text="Un texte en français.", language="fr", origin="fr"))
    out = list(Pipeline([Given(), nlp_stage], on_error="record").pipe(arts))
    assert [a.origin for a in out] == ["0", "1", "fr", "2", "3"]
    assert calls == [2, 2]  # the French article flushes the first batch; the rest is one call
    assert [e.code for e in out[2].errors] == ["stage-failed"] and out[2].tokens == []
    assert all(a.tokens and a.sentences and not a.errors for a in out if a.origin != "fr")
    single = Article(text=texts[1], language="en")
    nlp_stage(single)  # one by one (spaCy's __call__) gives the same analysis
    assert [(t.text, t.lemma, t.dep, t.head) for t in single.tokens] == \
        [(t.text, t.lemma, t.dep, t.head) for t in out[1].tokens]
    assert single.ner_spans == out[1].ner_spans


def test_base_fields_are_article_fields() -> None:
    assert BASE_FIELDS <= ARTICLE_FIELDS
