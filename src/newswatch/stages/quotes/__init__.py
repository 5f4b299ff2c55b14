"""Direct and reported speech with the speaker resolved to an entity (English and Russian).

Reads ``article.tokens`` (lemma, UPOS, dependency head), ``article.sentences`` and
``article.entities``; fills ``article.quotes``. The cue lexicon is data:
``newswatch/data/quote_cues.json``.

What counts as a quote
----------------------
* **Direct** (``kind="direct"``): text inside quotation marks (see
  :mod:`newswatch.stages.quotes.quotemarks`) of at least :data:`MIN_DIRECT_WORDS` words with a reporting verb
  in the same sentence outside the marks — after the closing mark when the quote opens its
  sentence (``"…," Peskov said``; ``«…», — сказал он``), otherwise before the opening mark
  (``Lavrov said: "…"``; ``they "have not achieved …"`` after ``He also noted``). The sentence
  before an opening mark counts when it ends with a colon. A paragraph introduced by a
  sentence that has a cue and ends with a colon is a direct (block) quote too — Russian
  Wikinews prints quotations that way (``Источник издания сказал:`` + paragraph).
* **Reported** (``kind="reported"``):

  - a cue verb with a clausal complement (UD/ClearNLP ``ccomp``): ``X said (that) …``,
    ``X заявил, что …``; the content is the complement's subtree without "that"/"что";
  - a source phrase: ``according to X, …``, ``по словам X, …``, ``по его словам, …``,
    ``по данным X …`` (``phrases`` in the lexicon); the content is the rest of the sentence;
  - a cue verb marked by "as"/"как" (``как сообщил X, …``) or standing after a comma at the
    end of its sentence (``…, сообщают СМИ``; ``…, говорится в сообщении Reuters``): the
    content is the rest of the sentence.

  A reported content lying mostly inside a direct quote is dropped (the direct quote already
  holds it); a direct quote inside a reported content is kept (the verbatim part of it).
  Cue verbs inside quotation marks are ignored (speech within speech).

* **Turns** (``kind="turn"``): in a transcript, the words after a speaker label ("President of
  Russia Vladimir Putin: …", "MS. PSAKI: …", "Владимир Путин: …") up to the next label, one
  quote per paragraph, attributed to the label's person (see
  :mod:`newswatch.stages.quotes.turns`). Interviewer labels ("Q", "Question", "Interviewer",
  "Корр.") start no quote; answer labels ("A", "Ответ") give turns with no speaker. A colon
  followed by a dash dialogue (paragraphs opened by dashes: an interview's questions and
  answers) introduces no block quote.
* **Continuations**: a quotation that opens a sentence with no cue of its own, right after an
  attributed quotation of the same paragraph (“A,” said X. “B.”), is X's too; a quotation
  interrupted by its cue between dashes («…, — добавил Архипов. — …») takes that cue.
* ``Об этом сообщает X`` / ``об этом заявил X`` reports the sentence before it.
* **Withheld speech is no quote**: a cue verb that is negated ("did not say who …", "would not
  comment", "не уточнил, сколько …"), or the infinitive of a negated verb ("не стали
  комментировать") or of a refusal verb ("declined to say", "отказался сообщить"), said
  nothing (:meth:`_Doc.withheld`); "declined to comment, saying that …" still reports the
  "saying" clause.

Speaker resolution (the subject of the cue verb, inherited through ``conj``/``xcomp`` from
the verb it is coordinated with, or the source of the phrase):

1. an entity mention at the subject, or joined to it by appos/flat/compound/conj
   ("Press Secretary … Dmitry Peskov", "Пресс-секретарь президента Дмитрий Песков",
   "Издания Tolo и Pajhwok") → that entity's canonical name;
2. a third-person pronoun (he/she/он/она; "it" for organisations; possessive его/её in
   "по его словам") → its antecedent from the shared resolver
   (:meth:`newswatch.text.antecedents.AntecedentResolver.pronoun`): the most recent PERSON
   (ORG/GPE for "it") that was a grammatical subject or the speaker of an earlier quote, within
   :data:`~newswatch.text.antecedents.MAX_ANTECEDENT_SENTENCES` sentences, agreeing in gender
   for Russian;
3. a definite title noun ("The Minister recalled", "Представитель Путина подчеркнул") → the
   person it names (:meth:`newswatch.text.antecedents.AntecedentResolver.title`: same country,
   same title, the person most often introduced with it, else the latest person);
4. an ORG reached from the subject through a preposition ("reports by Bloomberg") → that ORG;
   a proper-noun subject the NER missed → its surface name (with its flat/compound parts);
   The source of "according to X"/"по данным X" is read from the parse: a name that owns the
   organisation speaking ("Kyrgyzstan's health ministry", "Минздрава Киргизии") or depends on
   another word of the source is never the speaker; the organisation is;
5. a subject or source that names nobody but is a source noun of the lexicon ("experts
   believe", "According to the media", "a young woman said", "some argued") →
   ``speaker=None``. Such unattributed quotes are kept, with a lower confidence: the claims
   layer needs to know that a statement was sourced to unnamed media or experts. Any other
   subject ("the current security situation confirms that …") gives no quote;
6. first- and second-person subjects (I, we, you, я, мы) → no quote (a transcript speaker's
   own words, or an interviewer's question);
7. no subject at all: a Russian finite past-tense verb in the singular ("— и добавил, что")
   takes the antecedent its gender picks, as "он"/"она" would; a clause with a source noun
   ("говорится в сообщении СМИ") or a speech phrase with an unnamed source ("по словам
   следователей") is unattributed.

A pronoun after a quotation ("«…», — сказал он") is resolved from where the quotation opens:
the speaker's own quoted sentences neither hold the antecedent nor count towards the distance.
In Russian, a nominative name in apposition is the subject's even when the parser hung it on a
genitive noun ("пресс-секретарь президента Альфредо Скоссимарро").

A wire dateline with a date, place part or agency (:func:`newswatch.text.datelines.dateline_spans`,
``qualified``: "KABUL, Aug 3 (Reuters) -")
tells where the story was filed: it is cut off the start of a lead quote, and its place is
never a speaker, even when the parser takes it for the subject of the lead's cue and hangs the
real subject on it as an apposition.

``speaker_start``/``speaker_end`` point at the mention in the cue's clause: the name, or the
pronoun/title that was resolved.

Measured on the own gold ``eval/quotes/`` (114 quotes, ``newswatch eval quotes``). Known gaps: a
cue with two coordinated sources gives the first only; "they" is never resolved; a profession
noun ("the footballer said", "сказал врач") is not resolved to the person it describes; a
source phrase whose named source follows an apposition ("по словам одного из участников,
епископа X") is not found.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...model import Article, EntityMention, Quote, Token
from ...pipeline import Stage, register
from ...text import fold, load_json_data
from ...text.antecedents import NAME_LINK_DEPS, SUBJ_DEPS, AntecedentResolver, TitleLexicon
from ...text.datelines import dateline_spans
from ...text.syntax import DocView
from .quotemarks import QuotedSegment, find_quoted_segments
from .turns import find_turns

#: Fewer words than this inside quotation marks is a term or a title, not a quote
#: ("hybrid war", «Талибан»); 3 keeps partial quotes such as "closer than ever".
MIN_DIRECT_WORDS = 3

#: Confidence by how the speaker was found. Hand check of 69 quotes (the seed, 4 NEREL articles,
#: kremlin-en-67331 and -67370, two White House transcripts; see the stage report): speakers
#: named at the cue were right in 28 of 29, speakers resolved from a pronoun, title or unlinked
#: name in 23 of 23; "speaker None" was the right answer in 13 of 17 (4 were a "he" whose
#: antecedent is not a named subject). Named stays below the measured rate: the sample is small.
CONF_NAMED = 0.9
CONF_RESOLVED = 0.8
CONF_UNATTRIBUTED = 0.6

_SUBJ_DEPS = SUBJ_DEPS
_NAME_LINK_DEPS = NAME_LINK_DEPS
_PERSON = frozenset({"PERSON"})
_ORG_OR_STATE = frozenset({"ORG", "GPE"})
_INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl"})
_NONFINITE = ("VerbForm=Conv", "VerbForm=Part", "VerbForm=Inf", "VerbForm=Ger")
_CCOMP_DEPS = frozenset({"ccomp"})
_MARK_WORDS = frozenset({"that", "что", "чтобы"})
_ABOUT_PREPS = frozenset({"о", "об", "обо"})
_TRIM_CHARS = " \t\n\u00a0,;:—–-"
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE"})
_WS = re.compile(r"\s+")


@dataclass(slots=True)
class _Speaker:
    canonical: str | None
    start: int | None
    end: int | None
    how: str  # named | resolved | unattributed | skip
    label: str = "PERSON"


@dataclass(slots=True)
class _Candidate:
    kind: str
    start: int
    end: int
    cue: str
    cue_at: int
    cue_token: int | None = None  # resolve the speaker from this verb's subject
    source: tuple[int, int] | None = None  # or from the entities in this span ("according to X")
    pronoun: tuple[int, int, str] | None = None  # or from this possessive pronoun ("по его словам")
    fixed: _Speaker | None = None  # or this speaker (a transcript turn's label)
    follows: _Candidate | None = None  # or the speaker of this earlier quote (a continuation)
    clip: bool = True  # keep a reported content inside its cue's paragraph


@dataclass(slots=True)
class _Lexicon:
    verbs: frozenset[str]
    phrases: list[re.Pattern[str]]
    pronouns: dict[str, tuple[str, str]]
    possessive: dict[str, tuple[str, str]]
    skip: frozenset[str]
    titles: TitleLexicon
    as_markers: frozenset[str]
    idioms: list[re.Pattern[str]]
    relative: frozenset[str]
    source_nouns: frozenset[str]
    source_heads: frozenset[str]
    citing: list[re.Pattern[str]]
    speech_phrases: frozenset[str]
    refusals: frozenset[str]
    owner_heads: frozenset[str]


def _compile_phrase(phrase: str, possessive: Iterable[str]) -> re.Pattern[str]:
    pron = "|".join(re.escape(p) for p in sorted(possessive, key=len, reverse=True))
    parts = []
    for w in phrase.split():
        if w == "{pron}":
            parts.append(rf"(?:(?P<pron>{pron})\s+)?" if pron else "")
        else:
            parts.append(re.escape(w) + r"\s+")
    pattern = "".join(parts)
    pattern = pattern[: -len(r"\s+")] if pattern.endswith(r"\s+") else pattern
    return re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE)


_NOT_AFTER_WORD = r"(?<!\w)"


@functools.cache
def _unanchored(rx: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """For a :func:`_compile_phrase` pattern, its body without the leading ``(?<!\\w)`` and a
    pattern for one word character (both under the pattern's flags); None for another pattern."""
    if not rx.pattern.startswith(_NOT_AFTER_WORD):
        return None
    return re.compile(rx.pattern[len(_NOT_AFTER_WORD):], rx.flags), re.compile(r"\w", rx.flags)


def _phrase_spans(rx: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """The spans of ``rx.finditer(text)``, found faster for a pattern of :func:`_compile_phrase`.

    A pattern that starts with the look-behind ``(?<!\\w)`` is tried by the regex engine at
    every position of the text; its body alone starts with a word, which the engine finds by a
    quick scan. So the body is searched for and a match is kept only where no word character
    comes before it; where one does, the search goes on from the next position, exactly where
    ``finditer`` would have tried next. Same spans, same order (16 English idioms over the 250
    texts of ``benchmarks/profile_stages.py``: 0.20 -> 0.09 CPU s).
    """
    split = _unanchored(rx)
    if split is None:
        yield from (m.span() for m in rx.finditer(text))
        return
    body, word_char = split
    pos = 0
    while (m := body.search(text, pos)) is not None:
        start, end = m.span()
        if start and word_char.match(text, start - 1):
            pos = start + 1
            continue
        yield start, end
        pos = end if end > start else end + 1


@functools.lru_cache(maxsize=8)
def reporting_verbs(language: str) -> frozenset[str]:
    """Folded reporting-verb lemmas of ``language`` from the quote cue lexicon
    (``data/quote_cues.json``, the one list of speech verbs; read by claims and timexes too);
    empty for a language the lexicon lacks."""
    try:
        return load_lexicon(language).verbs
    except KeyError:
        return frozenset()


def load_lexicon(language: str) -> _Lexicon:
    """The cue lexicon for ``language`` ("en" or "ru") from ``quote_cues.json``.

    Raises:
        KeyError: the language is not in the lexicon.
    """
    data = load_json_data("quote_cues.json")
    assert isinstance(data, dict)
    d = data[language]
    possessive = {k: (v[0], v[1]) for k, v in d.get("possessive_pronouns", {}).items()}
    return _Lexicon(
        verbs=frozenset(fold(v) for v in d["verbs"]),
        phrases=[_compile_phrase(p, possessive) for p in d["phrases"]],
        pronouns={k: (v[0], v[1]) for k, v in d["pronouns"].items()},
        possessive=possessive,
        skip=frozenset(d["skip_subjects"]),
        titles=TitleLexicon.load(language),
        as_markers=frozenset(data["as_markers"][language]),
        idioms=[_compile_phrase(p, ()) for p in d.get("idioms", [])],
        relative=frozenset(d.get("relative", [])),
        source_nouns=frozenset(fold(w) for w in d.get("source_nouns", [])),
        source_heads=frozenset(fold(w) for w in d.get("source_heads", [])),
        citing=[_compile_phrase(p, ()) for p in d.get("citing", [])],
        speech_phrases=frozenset(fold(p) for p in d.get("speech_phrases", [])),
        refusals=frozenset(fold(v) for v in d.get("refusal_verbs", [])),
        owner_heads=frozenset(fold(v) for v in d.get("owner_heads", [])),
    )


@dataclass(slots=True)
class _Doc:
    """The shared parse view of one article plus what finding quotes adds to it (the cue
    lexicon, quotation-mark segments, block quotes, idiom spans)."""

    view: DocView
    lex: _Lexicon
    segments: list[QuotedSegment] = field(default_factory=list)
    blocks: list[tuple[int, int]] = field(default_factory=list)
    idioms: list[tuple[int, int]] = field(default_factory=list)
    _qualified_datelines: list[tuple[int, int]] | None = None

    @classmethod
    def build(cls, article: Article, lex: _Lexicon) -> _Doc:
        d = cls(DocView.shared(article), lex)
        d.segments = find_quoted_segments(article.text)
        d.idioms = [span for rx in lex.idioms for span in _phrase_spans(rx, article.text)]
        return d

    @property
    def article(self) -> Article:
        return self.view.article

    @property
    def qualified_datelines(self) -> list[tuple[int, int]]:
        """``dateline_spans(text, qualified=True)`` of the article, found once."""
        if self._qualified_datelines is None:
            self._qualified_datelines = dateline_spans(self.article.text, qualified=True)
        return self._qualified_datelines

    @property
    def tokens(self) -> list[Token]:
        return self.view.tokens

    @property
    def children(self) -> list[list[int]]:
        return self.view.children

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """Logical sentences (see :func:`newswatch.text.syntax.logical_sentences`)."""
        return self.view.sentences

    def sentence(self, offset: int) -> tuple[int, int]:
        """The logical sentence (start, end) containing ``offset``."""
        return self.view.sentences[self.view.sent_index(offset)]

    def sent_index(self, offset: int) -> int:
        return self.view.sent_index(offset)

    def entity_at(self, start: int, end: int) -> EntityMention | None:
        return self.view.entity_covering(start, end)

    def entities_in(self, start: int, end: int) -> list[EntityMention]:
        return self.view.entities_between(start, end)

    def tokens_in(self, start: int, end: int) -> range:
        return self.view.tokens_in(start, end)

    def in_quote(self, offset: int) -> bool:
        for s in self.segments:
            if s.open_at < offset < s.close_at:
                return True
        return any(a <= offset < b for a, b in self.blocks)

    def subtree(self, i: int) -> list[int]:
        """Token indices under ``i`` (``i`` included), sorted; safe on a parse with a head cycle."""
        return self.view.subtree(i)

    def is_cue(self, t: Token) -> bool:
        if t.pos not in ("VERB", "AUX") or fold(t.lemma) not in self.lex.verbs:
            return False
        return not any(a <= t.start < b for a, b in self.idioms)

    def withheld(self, cue: int) -> bool:
        """True when the speech act of cue verb ``cue`` did not take place: the verb, or a verb
        it is the infinitive complement (``xcomp``) of, is negated (ClearNLP ``neg``, Russian
        "не"/"ни": :meth:`newswatch.text.syntax.DocView.args`), or the cue is the complement of
        a refusal verb (``refusal_verbs`` of the lexicon). "X did not say who …", "X declined
        to say whether …", "X would not comment", "X не уточнил, сколько …", "в МВД не стали
        комментировать": nothing was said, so there is no quote. Only the ``xcomp`` chain is
        followed: "X declined to comment, saying that …" (an ``advcl``) and "X did not deny it
        but said that …" (a ``conj``) still report what was said."""
        j = cue
        for _ in range(4):
            if self.view.args(j).get("neg"):
                return True
            if j != cue and fold(self.tokens[j].lemma) in self.lex.refusals:
                return True
            t = self.tokens[j]
            if t.dep != "xcomp" or t.head == j:
                return False
            j = t.head
        return False


@register("quotes")
class QuotesStage(Stage):
    """Find direct and reported speech and resolve its speaker (English and Russian).

    ``process(article)`` replaces ``article.quotes``; other languages get an empty list.
    """

    name = "quotes"
    version = "5"  # 2: transcript turns, continuations, zero subjects, "Об этом сообщает X";
    # 3: "…, об этом сообщает X" reports the clause before it; 4: negated or refused speech is no
    # quote, interviewer/answer labels, dash dialogues, the owner of a source organisation;
    # 5: a wire dateline is cut off a lead quote and is never its speaker
    requires = ("text", "language", "tokens", "sentences", "entities")
    provides = ("quotes",)

    def __init__(self) -> None:
        self._lex: dict[str, _Lexicon] = {}

    def initialize(self) -> None:
        """Load the cue lexicon of both languages."""
        self._lex = {lang: load_lexicon(lang) for lang in ("en", "ru")}

    def process(self, article: Article) -> None:
        """Fill ``article.quotes`` in text order (see the module docstring for the rules)."""
        lex = self._lex.get(article.language or "")
        if lex is None or not article.tokens:
            article.quotes = []
            return
        doc = _Doc.build(article, lex)
        cands = _block_quotes(doc) + _direct_quotes(doc)
        direct_spans = [(c.start, c.end) for c in cands]
        reported = (_reported_ccomp(doc) + _reported_phrases(doc) + _reported_clause_cues(doc)
                    + _reported_about_this(doc))
        cands += [c for c in reported if not _mostly_inside(c, direct_spans)]
        cands += _turn_quotes(doc)
        cands = _after_datelines(cands, article.text)
        article.quotes = _resolve(doc, _dedupe(cands, article.text, doc.sentences), self.name, self.version)


def _after_datelines(cands: list[_Candidate], text: str) -> list[_Candidate]:
    """The candidates with any wire dateline cut off their start ("KABUL, Aug 3 (Reuters) -
    Taliban fighters have entered ..., an official said": the dateline tells where the story
    was filed, it is no part of what was said; :func:`~newswatch.text.datelines.dateline_spans`).
    A candidate that is nothing but a dateline is dropped."""
    spans = dateline_spans(text, qualified=True)
    if not spans:
        return cands
    out = []
    for c in cands:
        for s, e in spans:
            if c.start < e and c.end > s and c.start <= s + 1:
                start = e
                while start < c.end and not (text[start].isalnum() or text[start] in "\"«“‘'"):
                    start += 1
                c.start = start
        if c.start < c.end:
            out.append(c)
    return out


# -- finding candidates -----------------------------------------------------------------------

def _turn_quotes(doc: _Doc) -> list[_Candidate]:
    """One ``turn`` candidate per paragraph of each named or unnamed speaker turn of a
    transcript (:func:`newswatch.stages.quotes.turns.find_turns`); interviewers give none."""
    text = doc.article.text
    out = []
    for turn in find_turns(text, doc.article.entities, doc.lex.titles.titles):
        if turn.interviewer:
            continue
        how = "named" if turn.named else "resolved" if turn.speaker else "unattributed"
        sp = _Speaker(turn.speaker, turn.speaker_start, turn.speaker_end, how)
        label = " ".join(text[turn.label_start:turn.label_end].split())
        for a, b in turn.paragraphs:
            out.append(_Candidate("turn", a, b, label, turn.label_start, fixed=sp))
    return out


def _trim(text: str, start: int, end: int, strip_final_period: bool) -> tuple[int, int]:
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and (text[end - 1] in _TRIM_CHARS or (strip_final_period and text[end - 1] == ".")):
        end -= 1
    return start, end


def _clip_paragraph(text: str, start: int, end: int, anchor: int) -> tuple[int, int]:
    """Keep a reported content inside the paragraph of its cue (``anchor``): natasha may join a
    photo caption line to the next sentence."""
    para_start = text.rfind("\n", 0, anchor) + 1
    para_end = text.find("\n", anchor)
    para_end = len(text) if para_end < 0 else para_end
    return _trim(text, max(start, para_start), min(end, para_end), strip_final_period=True)


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


#: Longest gap between a quote and the next quotation that continues it (a cue clause such as
#: ", said Secretary of Energy Jennifer M. Granholm." fits), in characters.
MAX_CONTINUATION_GAP = 160
#: A cue clause inside one quotation that it interrupts: «…, — добавил Архипов. — …»,
#: "«…, — сказал Коллинз. — …»" (Russian typography puts the attribution between dashes).
_INTERRUPTION_RE = re.compile(
    r"[,.!?…][ \u00a0]*[—–][ \u00a0]*(?P<clause>[^—–«»„“”\n]{2,120}?)[.,:][ \u00a0]*[—–][ \u00a0]")


def _direct_quotes(doc: _Doc) -> list[_Candidate]:
    text = doc.article.text
    out: list[_Candidate] = []
    prev: tuple[QuotedSegment, _Candidate] | None = None
    for seg in doc.segments:
        start, end = _trim(text, seg.content_start, seg.close_at, strip_final_period=False)
        if _words(text[start:end]) < MIN_DIRECT_WORDS:
            continue
        cue = _find_direct_cue(doc, seg)
        if cue is None:
            cue = _interrupting_cue(doc, seg)
        if cue is not None:
            t = doc.tokens[cue]
            cand = _Candidate("direct", start, end, t.text, t.start, cue_token=cue)
        elif prev is not None and _continues(text, prev[0], seg):
            cand = _Candidate("direct", start, end, prev[1].cue, prev[1].cue_at, follows=prev[1])
        else:
            prev = None
            continue
        out.append(cand)
        prev = (seg, cand)
    return out


def _continues(text: str, before: QuotedSegment, seg: QuotedSegment) -> bool:
    """True when quotation ``seg`` continues the attributed quotation ``before``: same paragraph,
    at most a cue clause between them (:data:`MAX_CONTINUATION_GAP`), and ``seg`` opens a
    sentence — the convention of news quotation (“A,” said X. “B.”: B is X's too)."""
    gap = text[before.close_at + 1:seg.open_at]
    if "\n" in gap or len(gap) > MAX_CONTINUATION_GAP:
        return False
    return not gap.strip() or bool(re.search(r"[.!?…:][\s\u00a0]*$", gap))


def _interrupting_cue(doc: _Doc, seg: QuotedSegment) -> int | None:
    """A cue verb in a clause that interrupts the quotation between dashes (see
    :data:`_INTERRUPTION_RE`); None when there is none."""
    text = doc.article.text
    for m in _INTERRUPTION_RE.finditer(text, seg.content_start, seg.close_at):
        a, b = m.span("clause")
        for i in doc.tokens_in(a, b):
            if doc.is_cue(doc.tokens[i]):
                return i
    return None


def _find_direct_cue(doc: _Doc, seg: QuotedSegment) -> int | None:
    text = doc.article.text
    k = doc.sent_index(seg.open_at)
    before_start = doc.sentences[k][0]
    lead = text[before_start:seg.open_at]
    if not lead.strip(" \t\n—–-") and k > 0:
        pa, pb = doc.sentences[k - 1]
        if text[pa:pb].rstrip().endswith(":"):
            before_start = pa
    after_end = doc.sentence(min(seg.close_at, len(text) - 1))[1]
    nxt = next((s.open_at for s in doc.segments if s.open_at > seg.close_at), None)
    if nxt is not None:
        after_end = min(after_end, nxt)

    # a withheld cue ("не могла говорить") said nothing: the quotation is another verb's
    def before() -> int | None:
        hits = [i for i in doc.tokens_in(before_start, seg.open_at)
                if doc.is_cue(doc.tokens[i]) and not doc.in_quote(doc.tokens[i].start) and not doc.withheld(i)]
        return hits[-1] if hits else None

    def after() -> int | None:
        for i in doc.tokens_in(seg.close_at + 1, after_end):
            if doc.is_cue(doc.tokens[i]) and not doc.in_quote(doc.tokens[i].start) and not doc.withheld(i):
                return i
        return None

    opens_sentence = not text[before_start:seg.open_at].strip(" \t\n—–-")
    first, second = (after, before) if opens_sentence else (before, after)
    found = first()
    return found if found is not None else second()


_COLON_BREAK_RE = re.compile(r":[ \t\u00a0]*\n")


def _block_quotes(doc: _Doc) -> list[_Candidate]:
    """``X сказал:`` + line break + a paragraph without quotation marks."""
    text = doc.article.text
    out = []
    for cm in _COLON_BREAK_RE.finditer(text):
        colon = cm.start()
        intro_start = max(doc.sentence(colon)[0], text.rfind("\n", 0, colon) + 1)
        phrase = _first_phrase(doc, intro_start, colon)
        if phrase is not None and _words(text[intro_start:phrase[1]]) > 1:
            phrase = None  # only a phrase that opens the introducing sentence names the source
        cues = [] if phrase is not None else [
            i for i in doc.tokens_in(intro_start, colon)
            if doc.is_cue(doc.tokens[i]) and not doc.in_quote(doc.tokens[i].start)]
        if not cues and phrase is None:
            continue
        roots = [i for i in cues if doc.tokens[i].head == i]
        cues = roots or cues
        p_start = cm.end()
        while p_start < len(text) and text[p_start] in " \t\n\u00a0":
            p_start += 1
        p_end = text.find("\n", p_start)
        p_end = len(text) if p_end < 0 else p_end
        if p_start >= p_end or text[p_start] in "«“„\"" or _opens_dialogue(text, p_start, p_end):
            continue
        start, end = _trim(text, p_start, p_end, strip_final_period=False)
        if _words(text[start:end]) < MIN_DIRECT_WORDS or _reports_third_party(doc, start, end):
            continue
        doc.blocks.append((start, end))
        if cues:
            t = doc.tokens[cues[-1]]
            out.append(_Candidate("direct", start, end, t.text, t.start, cue_token=cues[-1]))
        elif phrase is not None:
            m, a, b = phrase
            comma = text.find(",", b, colon)
            out.append(_phrase_candidate("direct", start, end, m, a, b, comma if comma >= 0 else colon))
    return out


_DIALOGUE_DASHES = "—–"


def _opens_dialogue(text: str, p_start: int, p_end: int) -> bool:
    """True when the paragraph at ``p_start`` opens a dash dialogue: it starts with a dash and
    so does the next non-empty paragraph. Russian typography gives each turn of a dialogue its
    own paragraph opened by a dash, so two such paragraphs in a row are two voices (an
    interview's question and answer): the colon before them introduces a conversation, not
    one speaker's paragraph, and the turns carry no speaker label to attribute them by."""
    if text[p_start] not in _DIALOGUE_DASHES:
        return False
    nxt = p_end
    while nxt < len(text) and text[nxt] in " \t\n\u00a0":
        nxt += 1
    return nxt < len(text) and text[nxt] in _DIALOGUE_DASHES


#: Subjects of a reporting verb that a quoted paragraph may hold in its own voice.
_FIRST_PERSON = frozenset({"я", "мы", "i", "we"})
#: Dependents of a cue verb that carry what was reported (UD relations).
_REPORTED_DEPS = frozenset({"ccomp", "obj", "dobj", "parataxis"})


def _reports_third_party(doc: _Doc, start: int, end: int) -> bool:
    """True when the paragraph ``start..end`` is narration about someone else's statement: a
    reporting verb outside quotation marks, with an active third-person subject, that reports
    something (a clausal complement or an object: "Позже жена поэта подтвердила эту
    информацию", "Он добавил, что …"; or the inverted clause after a comma or dash: "…,
    сообщает его друг"). The paragraph after an introducing colon is not the quotation then;
    a quoted voice reports in the first person ("Я сказал …"), and a cue verb used for
    something else ("хорошо говорит по-русски") does not count."""
    for i in doc.tokens_in(start, end):
        t = doc.tokens[i]
        if not doc.is_cue(t) or doc.in_quote(t.start):
            continue
        subj = _subject_of(doc, i)
        if subj is None or doc.tokens[subj].dep != "nsubj" \
                or fold(doc.tokens[subj].lemma) in _FIRST_PERSON:
            continue
        reports = any(doc.tokens[c].dep in _REPORTED_DEPS for c in doc.children[i]) or (
            i > 0 and doc.tokens[i - 1].text in (",", "—", "–"))  # "…, сообщает его друг"
        if reports:
            return True
    return False


def _first_phrase(doc: _Doc, start: int, end: int) -> tuple[re.Match[str], int, int] | None:
    body = doc.article.text[start:end]
    hits = [(m.start(), m) for rx in doc.lex.phrases for m in rx.finditer(body)]
    if not hits:
        return None
    _, m = min(hits, key=lambda h: h[0])
    return m, start + m.start(), start + m.end()


def _phrase_candidate(kind: str, start: int, end: int, m: re.Match[str], a: int, b: int,
                      src_end: int) -> _Candidate:
    """A candidate whose speaker comes from a source phrase match ``m`` at [a, b)."""
    cand = _Candidate(kind, start, end, _WS.sub(" ", m.group(0).lower()), a)
    pron = m.groupdict().get("pron")
    if pron:
        ps = a + m.start("pron") - m.start()
        cand.pronoun = (ps, ps + len(pron), fold(pron))
    else:
        cand.source = (b, max(b, src_end))
    return cand


def _reported_ccomp(doc: _Doc) -> list[_Candidate]:
    text = doc.article.text
    out = []
    for t in doc.tokens:
        if not doc.is_cue(t) or doc.in_quote(t.start):
            continue
        comps = [c for c in doc.children[t.i] if doc.tokens[c].dep in _CCOMP_DEPS]
        if not comps:
            continue
        sub = doc.subtree(comps[0])
        k = 0
        while k < len(sub) and (doc.tokens[sub[k]].pos == "PUNCT" or fold(doc.tokens[sub[k]].text) in _MARK_WORDS):
            k += 1
        if k >= len(sub):
            continue
        start, end = _trim(text, doc.tokens[sub[k]].start, doc.tokens[sub[-1]].end, strip_final_period=True)
        if _words(text[start:end]) < 2:
            continue
        out.append(_Candidate("reported", start, end, t.text, t.start, cue_token=t.i))
    return out


def _sentence_rest(doc: _Doc, sent_start: int, sent_end: int, a: int, b: int) -> tuple[int, int]:
    """Content of a sentence around a source span [a, b): after it when the span opens the
    sentence (at most one word before it), before it when it closes the sentence, else the whole."""
    text = doc.article.text
    lead = text[sent_start:a]
    tail = text[b:sent_end]
    if _words(lead) <= 1:
        return _trim(text, b, sent_end, strip_final_period=True)
    if not re.search(r"\w", tail):
        return _trim(text, sent_start, a, strip_final_period=True)
    return _trim(text, sent_start, sent_end, strip_final_period=True)


def _reported_phrases(doc: _Doc) -> list[_Candidate]:
    text = doc.article.text
    out = []
    for s_start, s_end in doc.sentences:
        body = text[s_start:s_end]
        for rx in doc.lex.phrases:
            for m in rx.finditer(body):
                a, b = s_start + m.start(), s_start + m.end()
                if doc.in_quote(a):
                    continue
                comma = text.find(",", b, s_end)
                src_end = comma if comma >= 0 else s_end
                src_end = _trim(text, b, src_end, strip_final_period=True)[1]
                start, end = _sentence_rest(doc, s_start, s_end, a, max(src_end, b))
                if _words(text[start:end]) < 2:
                    continue
                out.append(_phrase_candidate("reported", start, end, m, a, b, src_end))
    return out


def _reported_clause_cues(doc: _Doc) -> list[_Candidate]:
    """``как сообщил X, …`` / ``as X said, …`` and sentence-final ``…, сообщают СМИ``."""
    text = doc.article.text
    out = []
    for t in doc.tokens:
        if not doc.is_cue(t) or doc.in_quote(t.start):
            continue
        kids = doc.children[t.i]
        if any(doc.tokens[c].dep in _CCOMP_DEPS for c in kids):
            continue
        s_start, s_end = doc.sentence(t.start)
        sub = doc.subtree(t.i)
        sub_start, sub_end = doc.tokens[sub[0]].start, doc.tokens[sub[-1]].end
        if any(f in t.morph for f in _NONFINITE) or t.tag in ("VBG", "VBN"):
            continue  # "уточнив место", "saying": not a clause of its own
        has_as = any(fold(doc.tokens[c].text) in doc.lex.as_markers for c in kids)
        prev = doc.tokens[t.i - 1] if t.i > 0 and doc.tokens[t.i - 1].sent == t.sent else None
        trailing = (prev is not None and prev.text in (",", "—", "–") and t.start > s_start
                    and not re.search(r"\w", text[sub_end:s_end]) and sub_start > s_start)
        if not has_as and not trailing:
            continue
        if has_as:
            start, end = _sentence_rest(doc, s_start, s_end, sub_start, sub_end)
        else:
            start, end = _trim(text, s_start, sub_start, strip_final_period=True)
        if _words(text[start:end]) < 3:
            continue
        out.append(_Candidate("reported", start, end, t.text, t.start, cue_token=t.i))
    return out


def _reported_about_this(doc: _Doc) -> list[_Candidate]:
    """``Об этом сообщает CNN`` / ``Об этом заявил министр``: a cue verb whose object is "это"
    with the preposition "о"/"об" reports the sentence before it (in the same paragraph or the
    last sentence of the previous one); when "об этом" follows a clause of its own sentence
    after a comma or a dash ("Тест положительный, об этом сообщают СМИ"), it reports that
    clause instead (the anaphoric "это" takes the nearest preceding statement)."""
    if doc.article.language != "ru":
        return []
    text = doc.article.text
    out = []
    for t in doc.tokens:
        if not doc.is_cue(t) or doc.in_quote(t.start):
            continue
        preps = [g for c in doc.children[t.i] if fold(doc.tokens[c].lemma) == "это"
                 for g in doc.children[c]
                 if doc.tokens[g].dep == "case" and fold(doc.tokens[g].text) in _ABOUT_PREPS]
        if not preps:
            continue
        k = doc.sent_index(t.start)
        own_a = doc.sentences[k][0]
        at = doc.tokens[min(preps)].start
        head = text[own_a:at].rstrip()
        if head.endswith((",", "—", "–", "-")) and _words(head) >= 3:
            # "Результат теста положительный, об этом сообщают СМИ": "это" is the clause before
            a, b = own_a, own_a + len(head) - 1
        elif k == 0:
            continue
        else:
            a, b = doc.sentences[k - 1]
        a = max(a, text.rfind("\n", a, b) + 1)  # a caption line joined to the sentence is not it
        start, end = _trim(text, a, b, strip_final_period=True)
        if _words(text[start:end]) < 3 or text[start:end].rstrip().endswith(":"):
            continue
        out.append(_Candidate("reported", start, end, t.text, t.start, cue_token=t.i, clip=False))
    return out


def _mostly_inside(c: _Candidate, spans: list[tuple[int, int]]) -> bool:
    length = max(1, c.end - c.start)
    for a, b in spans:
        overlap = min(b, c.end) - max(a, c.start)
        if overlap > 0.5 * length:
            return True
    return False


def _is_question(text: str, sentences: list[tuple[int, int]], offset: int) -> bool:
    """True when the logical sentence holding ``offset`` ends with a question mark: "Does the
    President believe that …?" reports no statement."""
    k = max(0, bisect.bisect_right([a for a, _ in sentences], offset) - 1)
    a, b = sentences[k] if sentences else (0, len(text))
    nl = text.find("\n", offset, b)  # a transcript turn label may follow in the same sentence
    return text[a:b if nl < 0 else nl].rstrip(" \t\n\u00a0\"'»”“)").endswith("?")


def _dedupe(cands: list[_Candidate], text: str, sentences: list[tuple[int, int]]) -> list[_Candidate]:
    seen: set[tuple[int, int]] = set()
    out = []
    for c in sorted(cands, key=lambda c: (c.cue_at, c.start)):
        if c.kind == "reported":
            if c.clip:
                c.start, c.end = _clip_paragraph(text, c.start, c.end, c.cue_at)
            if _words(text[c.start:c.end]) < 2 or _is_question(text, sentences, c.cue_at):
                continue
        if (c.start, c.end) in seen:
            continue
        seen.add((c.start, c.end))
        out.append(c)
    return out


# -- speakers ---------------------------------------------------------------------------------


def _subject_of(doc: _Doc, cue: int) -> int | None:
    j = cue
    for _ in range(4):
        subs = [c for c in doc.children[j] if doc.tokens[c].dep in _SUBJ_DEPS]
        if subs:
            # never a dateline's place, which the parser may take for a second subject
            subs = [x for x in (_past_dateline(doc, c) for c in subs) if x is not None]
            if not subs:
                return None
            active = [c for c in subs if doc.tokens[c].dep == "nsubj"]
            subj = (active or subs)[0]
            t = doc.tokens[j]
            if fold(doc.tokens[subj].lemma) in doc.lex.relative and t.dep in ("relcl", "acl:relcl") and t.head != j:
                return t.head  # "Greene, who said …" -> Greene
            return subj
        t = doc.tokens[j]
        if t.dep not in _INHERIT_DEPS or t.head == j:
            return None
        if doc.in_quote(doc.tokens[t.head].start) and not doc.in_quote(t.start):
            return None  # «…», — и добавил: the verb is not coordinated with the quoted words
        j = t.head
    return None


def _past_dateline(doc: _Doc, subj: int) -> int | None:
    """The subject itself, or, when the parser took the place of a wire dateline for it
    ("KABUL, Aug 3 (Reuters) - Afghan army spokesman X said": KABUL as ``nsubj``, the speaker
    hung on it as an apposition), the first nominal dependent of it after the dateline; None
    when there is none (a dateline tells where the story was filed, it never speaks)."""
    t = doc.tokens[subj]
    span = next(((a, b) for a, b in doc.qualified_datelines if a <= t.start < b), None)
    if span is None:
        return subj
    return next((c for c in doc.children[subj] if doc.tokens[c].start >= span[1]
                 and doc.tokens[c].pos in ("PROPN", "NOUN", "PRON")), None)


def _rank_entities(doc: _Doc, subj: int, exclude: tuple[int, int]) -> tuple[int, EntityMention] | None:
    best: tuple[int, int, EntityMention] | None = None
    datelines = doc.qualified_datelines
    for i in doc.subtree(subj):
        t = doc.tokens[i]
        if exclude[0] <= t.start < exclude[1] or any(a <= t.start < b for a, b in datelines):
            continue  # the quote's own words, or a dateline the parser hung on the subject
        e = doc.entity_at(t.start, t.end)
        if e is None or e.label not in _ACTOR_LABELS | {"FAC", "LOC"}:
            continue
        j, rank, steps = i, 0, 0
        while j != subj and steps < len(doc.tokens):
            steps += 1
            tj = doc.tokens[j]
            if tj.head == j:
                break
            if not (e.start <= doc.tokens[tj.head].start < e.end) and tj.dep not in _NAME_LINK_DEPS:
                rank = 2
            j = tj.head
        if rank == 2 and _agrees_with_subject(doc, i, subj):
            rank = 1
        if rank == 0 and not (e.start <= doc.tokens[subj].start < e.end):
            rank = 1
        if best is None or (rank, e.start) < (best[0], best[1]):
            best = (rank, e.start, e)
    return (best[0], best[2]) if best else None


def _agrees_with_subject(doc: _Doc, i: int, subj: int) -> bool:
    """Russian case agreement overrides an apposition the parser attached one noun too low:
    in "пресс-секретарь президента Альфредо Скоссимарро" the name is nominative like the
    subject, so it names the press secretary, not the genitive "президента" (whose name would
    be genitive: "пресс-секретарь президента Владимира Путина")."""
    toks = doc.tokens
    j = i
    while toks[j].dep in ("flat", "flat:name") and toks[j].head != j:
        j = toks[j].head
    t = toks[j]
    if t.dep != "appos" or "Case=Nom" not in t.morph or "Case=Nom" not in toks[subj].morph:
        return False
    head = toks[t.head]
    return head.head == subj and "Case=Gen" in head.morph


class _Resolver:
    """Speakers of one article's quote candidates; pronouns and titles go to the shared
    :class:`~newswatch.text.antecedents.AntecedentResolver`, which learns each speaker found."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.ante = AntecedentResolver.for_article(doc.view, doc.lex.titles)

    def add_speaker(self, canonical: str, start: int, label: str) -> None:
        self.ante.add(canonical, start, label)

    def from_pronoun(self, start: int, end: int, kind: str, gender: str) -> _Speaker:
        a = self.ante.pronoun(start, _PERSON if kind == "PERSON" else _ORG_OR_STATE, gender)
        if a is None:
            # An unresolved "he"/"she" is still a person speaking; an unresolved "it" is most
            # often an expletive ("it was noted that").
            return _Speaker(None, start, end, "unattributed" if kind == "PERSON" else "skip")
        return _Speaker(a.canonical, start, end, "resolved", a.label)

    def from_cue(self, cue: int, content: tuple[int, int]) -> _Speaker:
        doc = self.doc
        if doc.withheld(cue):
            return _Speaker(None, None, None, "skip")  # "X declined to say who …": nothing was said
        subj = _subject_of(doc, cue)
        if subj is None:
            # "говорится в сообщении Reuters"; without any entity the parse gave no speaker.
            span = _clause_span(doc, cue, content)
            sp = self._from_span_entities(*span, content)
            if sp.how == "skip":
                sp = self._zero_subject(cue, span)
            return sp
        st = doc.tokens[subj]
        word = fold(st.text)
        if word in doc.lex.skip:
            return _Speaker(None, None, None, "skip")
        if st.pos == "PRON" and word in doc.lex.pronouns:
            kind, gender = doc.lex.pronouns[word]
            # «…», — сказал он: the antecedent precedes the quotation (the speaker's own words
            # neither hold it nor count towards the distance)
            sp = self.from_pronoun(min(st.start, content[0]), st.end, kind,
                                   gender if doc.article.language == "ru" else "")
            sp.start = st.start
            return sp
        ranked = _rank_entities(doc, subj, content)
        if ranked and ranked[0] <= 1:
            e = ranked[1]
            return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        lemma = fold(st.lemma)
        title = self.ante.is_definite_title(subj)
        if title is not None:
            countries = frozenset(
                m.country for i in doc.subtree(subj) if (m := doc.entity_at(doc.tokens[i].start, doc.tokens[i].end))
                and m.label in ("GPE", "NORP") and m.country)
            named = self.ante.title(st.start, title, countries)
            if named is not None and not any(a <= named.offset < b
                                             for a, b in doc.qualified_datelines):
                # never the dateline's place: it tells where the story was filed
                return _Speaker(named.canonical, st.start, st.end, "resolved")
        if ranked and ranked[1].label == "ORG":
            e = ranked[1]
            return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        # a name the NER missed ("Genri Reznik raised …, noting that …"), never a title word
        if st.pos == "PROPN" and title is None and lemma not in doc.lex.titles.titles:
            name = [i for i in doc.subtree(subj) if i == subj or (
                doc.tokens[i].dep in _NAME_LINK_DEPS and doc.tokens[i].pos == "PROPN" and doc.tokens[i].head == subj)]
            a, b = doc.tokens[name[0]].start, doc.tokens[name[-1]].end
            return _Speaker(doc.article.text[a:b], a, b, "resolved")
        words = {fold(doc.tokens[i].text) for i in doc.subtree(subj)} | {lemma}
        if words & doc.lex.source_nouns:
            return _Speaker(None, st.start, st.end, "unattributed")
        return _Speaker(None, None, None, "skip")  # "the current security situation confirms that"

    def _zero_subject(self, cue: int, span: tuple[int, int]) -> _Speaker:
        """A cue verb without a subject. Russian drops the subject of a verb that continues
        the previous sentence's speaker ("«…», — и добавил, что …"): a finite past-tense verb in
        the singular carries the speaker's gender, which picks the antecedent like "он"/"она".
        Otherwise a source noun in the clause ("говорится в сообщении СМИ") makes the quote
        unattributed; anything else gives no quote."""
        doc = self.doc
        t = doc.tokens[cue]
        m = re.search(r"Gender=(Masc|Fem)", t.morph)
        if (doc.article.language == "ru" and m and "VerbForm=Fin" in t.morph and "Tense=Past" in t.morph
                and "Number=Sing" in t.morph):
            a = self.ante.pronoun(t.start, _PERSON, m.group(1))
            if a is not None:
                return _Speaker(a.canonical, None, None, "resolved", a.label)
        words = {fold(doc.tokens[i].lemma) for i in doc.tokens_in(*span)} | {
            fold(w) for w in re.findall(r"\w+", doc.article.text[span[0]:span[1]])}
        if words & doc.lex.source_nouns:
            return _Speaker(None, None, None, "unattributed")
        return _Speaker(None, None, None, "skip")

    def _from_span_entities(self, start: int, end: int, content: tuple[int, int]) -> _Speaker:
        datelines = self.doc.qualified_datelines
        for e in self.doc.entities_in(start, end):
            if e.label in _ACTOR_LABELS and not (content[0] <= e.start < content[1]) \
                    and not any(a <= e.start < b for a, b in datelines):
                return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        return _Speaker(None, None, None, "skip")

    def from_source(self, start: int, end: int) -> _Speaker:
        """The source of "according to X" / "по данным X": an entity that ends the source (or is
        followed only by a source head word: "the Afghan Tolo News TV channel"); a pronoun or
        title; a source noun ("the media") -> unattributed; anything else -> not a quote."""
        doc = self.doc
        text = doc.article.text
        for rx in doc.lex.citing:  # "по данным Reuters со ссылкой на …": the source is Reuters
            m = rx.search(text, start, end)
            if m:
                end = m.start()
        mentions = doc.entities_in(start, end)
        roles = [_source_role(doc, e, start, end) for e in mentions]
        for e, role in zip(mentions, roles, strict=True):
            if e.label not in _ACTOR_LABELS or role == "modifier":
                continue  # "Kyrgyzstan's health ministry", "Минздрава Киргизии": not Kyrgyzstan
            # what follows may be source heads and modifiers ("пресс-службы Минобороны России")
            tail_text = text[e.end:end]
            for other, r in zip(mentions, roles, strict=True):
                if r == "modifier" and other.start >= e.end:
                    lo, hi = other.start - e.end, other.end - e.end
                    tail_text = tail_text[:lo] + " " * (hi - lo) + tail_text[hi:]
            tail = [fold(w) for w in re.findall(r"[\w-]+", tail_text)]
            if role == "head" or all(w in doc.lex.source_heads or w in ("'s", "s") for w in tail):
                return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        for i in doc.tokens_in(start, end):
            t = doc.tokens[i]
            w = fold(t.text)
            if t.pos == "PRON" and w in doc.lex.pronouns:
                kind, gender = doc.lex.pronouns[w]
                return self.from_pronoun(t.start, t.end, kind, gender if doc.article.language == "ru" else "")
            if fold(t.lemma) in doc.lex.titles.titles:
                a = self.ante.title(t.start, fold(t.lemma))
                if a is not None:
                    return _Speaker(a.canonical, t.start, t.end, "resolved")
        words = {fold(w) for w in re.findall(r"\w+", text[start:end])}
        if words & doc.lex.source_nouns:
            return _Speaker(None, None, None, "unattributed")
        return _Speaker(None, None, None, "skip")


#: Relations that join two names of one referent: climbing them keeps the referent.
_SAME_REFERENT_DEPS = NAME_LINK_DEPS - {"compound"}


def _source_role(doc: _Doc, e: EntityMention, start: int, end: int) -> str:
    """How entity mention ``e`` stands in the source phrase ``[start, end)`` of "according to
    …"/"по данным …", read from the parse by climbing from the mention's head word:

    * ``"head"``: it heads the phrase (possibly through an apposition: "the health ministry
      of …"'s own name, "Минздрава Киргизии" for Минздрав);
    * ``"voice"``: it hangs on a source head word that speaks for it ("the Tolo News TV
      channel", "a Taliban spokesman", "пресс-службы Минобороны");
    * ``"modifier"``: it modifies another word of the phrase — a possessive or genitive owner of
      an organisation (``owner_heads``: "Kyrgyzstan's health ministry", "министерства
      Киргизии"), or a dependent of any word that is not a source head ("the ministry of
      health of Kyrgyzstan", "the agreement signed by Russia"). A modifier is never the
      speaker: the source is the whole organisation, not the country that owns it.
    """
    toks = doc.tokens
    inside = list(doc.tokens_in(e.start, e.end))
    if not inside:
        return "head"
    h = next((i for i in inside if toks[i].head == i or not e.start <= toks[toks[i].head].start < e.end), inside[0])
    role = "head"
    rel = toks[h].dep
    for _ in range(len(toks)):
        g = toks[h].head
        if g == h or not start <= toks[g].start < end:
            return role
        gt = toks[g]
        if gt.pos == "ADP":  # "ministry of X", "report by X": the preposition's relation counts
            h, rel = g, gt.dep
            continue
        word = fold(gt.lemma)
        if rel in _SAME_REFERENT_DEPS:
            pass
        elif word in doc.lex.owner_heads or word not in doc.lex.source_heads:
            return "modifier"
        else:
            role = "voice"
        h, rel = g, gt.dep
    return role


def _clause_span(doc: _Doc, cue: int, content: tuple[int, int]) -> tuple[int, int]:
    sub = [i for i in doc.subtree(cue) if not content[0] <= doc.tokens[i].start < content[1]]
    if not sub:  # the cue itself sits inside the content (a bad parse): look at the cue only
        return doc.tokens[cue].start, doc.tokens[cue].end
    return doc.tokens[sub[0]].start, doc.tokens[sub[-1]].end


def _resolve(doc: _Doc, cands: list[_Candidate], stage: str, version: str) -> list[Quote]:
    res = _Resolver(doc)
    text = doc.article.text
    out = []
    found: dict[int, _Speaker] = {}
    for c in cands:  # dedupe order (cue, start): a continuation comes after the quote it continues
        if c.fixed is not None:
            sp = c.fixed
        elif c.follows is not None:
            earlier = found.get(id(c.follows))
            if earlier is None or earlier.canonical is None:
                continue  # continues a quote that was dropped or names nobody: not attributed
            sp = _Speaker(earlier.canonical, earlier.start, earlier.end, "resolved", earlier.label)
        elif c.cue_token is not None:
            sp = res.from_cue(c.cue_token, (c.start, c.end))
        elif c.pronoun is not None:
            kind, gender = doc.lex.possessive.get(c.pronoun[2], ("PERSON", ""))
            sp = res.from_pronoun(c.pronoun[0], c.pronoun[1], kind, gender)
        elif c.source is not None:
            sp = res.from_source(*c.source)
            if sp.how == "skip" and fold(c.cue) in doc.lex.speech_phrases:
                sp = _Speaker(None, None, None, "unattributed")  # "по словам следователей": words of someone
        else:
            sp = _Speaker(None, None, None, "unattributed")
        if sp.how == "skip":
            continue
        found[id(c)] = sp
        if sp.canonical and sp.start is not None and c.kind != "turn" and c.follows is None:
            # a turn's speaker says "I": never the antecedent of a later "he"
            res.add_speaker(sp.canonical, sp.start, sp.label)
        conf = {"named": CONF_NAMED, "resolved": CONF_RESOLVED}.get(sp.how, CONF_UNATTRIBUTED)
        out.append(Quote(
            text=text[c.start:c.end], start=c.start, end=c.end, speaker=sp.canonical,
            prov=doc.article.provenance(stage, version, c.start, conf, end=c.end),
            speaker_start=sp.start, speaker_end=sp.end, cue=c.cue, kind=c.kind,
        ))
    return sorted(out, key=lambda q: (q.start, q.end))


def describe(article: Article) -> list[dict[str, Any]]:
    """A plain view of ``article.quotes`` for debugging and reports (one dict per quote)."""
    t = article.text
    return [
        {"kind": q.kind, "cue": q.cue, "speaker": q.speaker,
         "speaker_text": t[q.speaker_start:q.speaker_end] if q.speaker_start is not None else None,
         "text": q.text, "confidence": q.prov.confidence}
        for q in article.quotes
    ]
