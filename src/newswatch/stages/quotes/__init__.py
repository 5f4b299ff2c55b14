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

Speaker resolution (the subject of the cue verb, inherited through ``conj``/``xcomp`` from
the verb it is coordinated with, or the source of the phrase):

1. an entity mention at the subject, or joined to it by appos/flat/compound/conj
   ("Press Secretary … Dmitry Peskov", "Пресс-секретарь президента Дмитрий Песков",
   "Издания Tolo и Pajhwok") → that entity's canonical name;
2. a third-person pronoun (he/she/он/она; "it" for organisations; possessive его/её in
   "по его словам") → the most recent *actor* before it, within
   :data:`MAX_ANTECEDENT_SENTENCES` sentences: a PERSON (ORG/GPE for "it") that was a
   grammatical subject or the speaker of an earlier quote — not any mention, so "He also
   noted" after "Lavrov … following his talks with … Kommasith" is Lavrov. Russian pronouns
   must agree in gender with the candidate when both are known;
3. a definite title noun ("The Minister recalled", "Представитель Путина подчеркнул") → when
   the title carries a country ("the President of Russia", "the Russian leader"), the most
   recent PERSON actor of that country (alias-file country); else the most recent actor whose
   mention is preceded by the same title word; else the PERSON most often introduced with that
   title earlier in the document ("President Biden" for "the President" in a briefing); else
   the most recent PERSON actor (rule 2's window);
4. an ORG reached from the subject through a preposition ("reports by Bloomberg") → that ORG;
   a proper-noun subject the NER missed → its surface name (with its flat/compound parts);
5. a subject or source that names nobody but is a source noun of the lexicon ("experts
   believe", "According to the media", "a young woman said", "some argued") →
   ``speaker=None``. Such unattributed quotes are kept, with a lower confidence: the claims
   layer needs to know that a statement was sourced to unnamed media or experts. Any other
   subject ("the current security situation confirms that …") gives no quote;
6. first- and second-person subjects (I, we, you, я, мы) → no quote (a transcript speaker's
   own words, or an interviewer's question).

``speaker_start``/``speaker_end`` point at the mention in the cue's clause: the name, or the
pronoun/title that was resolved.

Known gaps: speaker turns of transcripts ("MS. PSAKI: …", "Vladimir Putin: …") are not quotes
here; a cue with two coordinated sources gives the first only; "they" is never resolved.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...text import fold, load_json_data
from ...model import Article, EntityMention, Quote, Token
from ...pipeline import Stage, register
from .quotemarks import QuotedSegment, find_quoted_segments

#: Fewer words than this inside quotation marks is a term or a title, not a quote
#: ("hybrid war", «Талибан»); 3 keeps partial quotes such as "closer than ever".
MIN_DIRECT_WORDS = 3
#: How far back (in sentences) a pronoun or a title looks for its antecedent. Calibrated on the
#: seed ("The Minister recalled" is two sentences after "According to Lavrov").
MAX_ANTECEDENT_SENTENCES = 3
#: Words before a mention searched for its title ("Russian Foreign Minister Sergei Lavrov").
TITLE_WINDOW_TOKENS = 6

#: Confidence by how the speaker was found. Hand check of 69 quotes (the seed, 4 NEREL articles,
#: kremlin-en-67331 and -67370, two White House transcripts; see the stage report): speakers
#: named at the cue were right in 28 of 29, speakers resolved from a pronoun, title or unlinked
#: name in 23 of 23; "speaker None" was the right answer in 13 of 17 (4 were a "he" whose
#: antecedent is not a named subject). Named stays below the measured rate: the sample is small.
CONF_NAMED = 0.9
CONF_RESOLVED = 0.8
CONF_UNATTRIBUTED = 0.6

_SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})
_NAME_LINK_DEPS = frozenset({"appos", "flat", "flat:name", "flat:foreign", "compound", "conj", "nmod:name"})
_INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl"})
_NONFINITE = ("VerbForm=Conv", "VerbForm=Part", "VerbForm=Inf", "VerbForm=Ger")
_CCOMP_DEPS = frozenset({"ccomp"})
_MARK_WORDS = frozenset({"that", "что", "чтобы"})
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
class _Actor:
    offset: int
    sent: int
    canonical: str
    label: str
    gender: str
    titles: frozenset[str]
    country: str | None = None


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


@dataclass(slots=True)
class _Lexicon:
    verbs: frozenset[str]
    phrases: list[re.Pattern[str]]
    pronouns: dict[str, tuple[str, str]]
    possessive: dict[str, tuple[str, str]]
    skip: frozenset[str]
    titles: frozenset[str]
    indefinite: frozenset[str]
    as_markers: frozenset[str]
    idioms: list[re.Pattern[str]]
    relative: frozenset[str]
    source_nouns: frozenset[str]
    source_heads: frozenset[str]
    other_office: frozenset[str]
    citing: list[re.Pattern[str]]


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
        titles=frozenset(fold(t) for t in d["titles"]),
        indefinite=frozenset(d["indefinite"]),
        as_markers=frozenset(data["as_markers"][language]),
        idioms=[_compile_phrase(p, ()) for p in d.get("idioms", [])],
        relative=frozenset(d.get("relative", [])),
        source_nouns=frozenset(fold(w) for w in d.get("source_nouns", [])),
        source_heads=frozenset(fold(w) for w in d.get("source_heads", [])),
        other_office=frozenset(fold(w) for w in d.get("other_office", [])),
        citing=[_compile_phrase(p, ()) for p in d.get("citing", [])],
    )


@dataclass(slots=True)
class _Doc:
    """Indexes over one article used while finding quotes."""

    article: Article
    lex: _Lexicon
    starts: list[int] = field(default_factory=list)
    children: dict[int, list[int]] = field(default_factory=dict)
    entities: list[EntityMention] = field(default_factory=list)
    ent_starts: list[int] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    segments: list[QuotedSegment] = field(default_factory=list)
    blocks: list[tuple[int, int]] = field(default_factory=list)
    idioms: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def build(cls, article: Article, lex: _Lexicon) -> _Doc:
        d = cls(article, lex)
        d.starts = [t.start for t in article.tokens]
        for t in article.tokens:
            if t.head != t.i:
                d.children.setdefault(t.head, []).append(t.i)
        d.entities = sorted(article.entities, key=lambda e: e.start)
        d.ent_starts = [e.start for e in d.entities]
        d.sentences = _logical_sentences(article)
        d.sent_starts = [a for a, _ in d.sentences]
        d.segments = find_quoted_segments(article.text)
        d.idioms = [m.span() for rx in lex.idioms for m in rx.finditer(article.text)]
        return d

    @property
    def tokens(self) -> list[Token]:
        return self.article.tokens

    def sentence(self, offset: int) -> tuple[int, int]:
        """The logical sentence (start, end) containing ``offset``."""
        return self.sentences[self.sent_index(offset)]

    def sent_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def entity_at(self, start: int, end: int) -> EntityMention | None:
        k = bisect.bisect_right(self.ent_starts, start) - 1
        if k >= 0:
            e = self.entities[k]
            if e.start <= start and end <= e.end:
                return e
        return None

    def entities_in(self, start: int, end: int) -> list[EntityMention]:
        k = bisect.bisect_left(self.ent_starts, start)
        out = []
        while k < len(self.entities) and self.entities[k].start < end:
            if self.entities[k].end <= end:
                out.append(self.entities[k])
            k += 1
        return out

    def tokens_in(self, start: int, end: int) -> range:
        a = bisect.bisect_left(self.starts, start)
        b = a
        while b < len(self.tokens) and self.tokens[b].end <= end:
            b += 1
        return range(a, b)

    def in_quote(self, offset: int) -> bool:
        for s in self.segments:
            if s.open_at < offset < s.close_at:
                return True
        return any(a <= offset < b for a, b in self.blocks)

    def subtree(self, i: int) -> list[int]:
        """Token indices under ``i`` (``i`` included), sorted; safe on a parse with a head cycle."""
        seen, todo = {i}, [i]
        while todo:
            j = todo.pop()
            for c in self.children.get(j, ()):
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return sorted(seen)

    def is_cue(self, t: Token) -> bool:
        if t.pos not in ("VERB", "AUX") or fold(t.lemma) not in self.lex.verbs:
            return False
        return not any(a <= t.start < b for a, b in self.idioms)


@register("quotes")
class QuotesStage(Stage):
    """Find direct and reported speech and resolve its speaker (English and Russian).

    ``process(article)`` replaces ``article.quotes``; other languages get an empty list.
    """

    name = "quotes"
    version = "1"
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
        reported = _reported_ccomp(doc) + _reported_phrases(doc) + _reported_clause_cues(doc)
        cands += [c for c in reported if not _mostly_inside(c, direct_spans)]
        article.quotes = _resolve(doc, _dedupe(cands, article.text, doc.sentences), self.name, self.version)


# -- finding candidates -----------------------------------------------------------------------

_TERMINAL_RE = re.compile(r"[.!?…:;][\"'»”“)\]]*\s*$")


def _logical_sentences(article: Article) -> list[tuple[int, int]]:
    """The nlp stage's sentences, with a sentence that does not end in terminal punctuation
    (. ! ? … : ;, possibly followed by a closing mark) joined to the next one in the same
    paragraph. spaCy sm splits "… Organization (CSTO) | Secretariat are monitoring …" on the
    seed; the quote rules need the whole sentence."""
    text = article.text
    out: list[tuple[int, int]] = []
    for s in article.sentences:
        if out:
            a, b = out[-1]
            gap = text[a:b].rstrip(" \t\u00a0")[-1:] + text[b:s.start]
            if not _TERMINAL_RE.search(text[a:b]) and "\n" not in gap:
                out[-1] = (a, s.end)
                continue
        out.append((s.start, s.end))
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


def _direct_quotes(doc: _Doc) -> list[_Candidate]:
    text = doc.article.text
    out = []
    for seg in doc.segments:
        start, end = _trim(text, seg.content_start, seg.close_at, strip_final_period=False)
        if _words(text[start:end]) < MIN_DIRECT_WORDS:
            continue
        cue = _find_direct_cue(doc, seg)
        if cue is None:
            continue
        t = doc.tokens[cue]
        out.append(_Candidate("direct", start, end, t.text, t.start, cue_token=cue))
    return out


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

    def before() -> int | None:
        hits = [i for i in doc.tokens_in(before_start, seg.open_at)
                if doc.is_cue(doc.tokens[i]) and not doc.in_quote(doc.tokens[i].start)]
        return hits[-1] if hits else None

    def after() -> int | None:
        for i in doc.tokens_in(seg.close_at + 1, after_end):
            if doc.is_cue(doc.tokens[i]) and not doc.in_quote(doc.tokens[i].start):
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
        if p_start >= p_end or text[p_start] in "«“„\"":
            continue
        start, end = _trim(text, p_start, p_end, strip_final_period=False)
        if _words(text[start:end]) < MIN_DIRECT_WORDS:
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
        comps = [c for c in doc.children.get(t.i, ()) if doc.tokens[c].dep in _CCOMP_DEPS]
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
        kids = doc.children.get(t.i, ())
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
            c.start, c.end = _clip_paragraph(text, c.start, c.end, c.cue_at)
            if _words(text[c.start:c.end]) < 2 or _is_question(text, sentences, c.cue_at):
                continue
        if (c.start, c.end) in seen:
            continue
        seen.add((c.start, c.end))
        out.append(c)
    return out


# -- speakers ---------------------------------------------------------------------------------


def _gender(doc: _Doc, start: int, end: int) -> str:
    for i in doc.tokens_in(start, end):
        m = re.search(r"Gender=(\w+)", doc.tokens[i].morph)
        if m:
            return m.group(1)
    return ""


def _titles_before(doc: _Doc, e: EntityMention) -> frozenset[str]:
    k = bisect.bisect_left(doc.starts, e.start)
    out = set()
    sent = doc.tokens[k].sent if k < len(doc.tokens) else -1
    for i in range(k - 1, max(-1, k - 1 - TITLE_WINDOW_TOKENS), -1):
        t = doc.tokens[i]
        if t.sent != sent or t.pos in ("PUNCT", "VERB"):
            break
        prev = fold(doc.tokens[i - 1].text) if i > 0 else ""
        if prev in doc.lex.other_office:
            continue  # "Vice President Harris" is not "the President"
        out.add(fold(t.lemma))
        out.add(fold(t.text))
    return frozenset(out & doc.lex.titles)


def _subject_actors(doc: _Doc) -> list[_Actor]:
    """Entity mentions (PERSON/ORG/GPE) that are the subject of some verb, in text order."""
    out = []
    for e in doc.entities:
        if e.label not in _ACTOR_LABELS:
            continue
        rng = doc.tokens_in(e.start, e.end)
        for i in rng:
            t = doc.tokens[i]
            if t.head in rng:
                continue
            chain, j = [t], t
            while j.dep in _NAME_LINK_DEPS and j.head != j.i and len(chain) < 4:
                j = doc.tokens[j.head]
                chain.append(j)
            if j.dep in _SUBJ_DEPS:
                out.append(_Actor(e.start, doc.sent_index(e.start), e.canonical, e.label, _gender(doc, e.start, e.end),
                                  _titles_before(doc, e) | _own_title(doc, j), e.country))
            break
    return out


def _own_title(doc: _Doc, subj: Token) -> frozenset[str]:
    """The subject head's own lemma when it is a title ("Пресс-секретарь … Дмитрий Песков")."""
    lm = fold(subj.lemma)
    return frozenset({lm}) if lm in doc.lex.titles else frozenset()


def _subject_of(doc: _Doc, cue: int) -> int | None:
    j = cue
    for _ in range(4):
        subs = [c for c in doc.children.get(j, ()) if doc.tokens[c].dep in _SUBJ_DEPS]
        if subs:
            active = [c for c in subs if doc.tokens[c].dep == "nsubj"]
            subj = (active or subs)[0]
            t = doc.tokens[j]
            if fold(doc.tokens[subj].lemma) in doc.lex.relative and t.dep in ("relcl", "acl:relcl") and t.head != j:
                return t.head  # "Greene, who said …" -> Greene
            return subj
        t = doc.tokens[j]
        if t.dep not in _INHERIT_DEPS or t.head == j:
            return None
        j = t.head
    return None


def _rank_entities(doc: _Doc, subj: int, exclude: tuple[int, int]) -> tuple[int, EntityMention] | None:
    best: tuple[int, int, EntityMention] | None = None
    for i in doc.subtree(subj):
        t = doc.tokens[i]
        if exclude[0] <= t.start < exclude[1]:
            continue
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
        if rank == 0 and not (e.start <= doc.tokens[subj].start < e.end):
            rank = 1
        if best is None or (rank, e.start) < (best[0], best[1]):
            best = (rank, e.start, e)
    return (best[0], best[2]) if best else None


class _Resolver:
    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.actors = _subject_actors(doc)
        self.titled_mentions = [
            _Actor(e.start, doc.sent_index(e.start), e.canonical, e.label, "", _titles_before(doc, e), e.country)
            for e in doc.entities if e.label == "PERSON"
        ]

    def add_speaker(self, canonical: str, start: int, label: str) -> None:
        doc = self.doc
        e = doc.entity_at(start, start + 1)
        gender = _gender(doc, e.start, e.end) if e else ""
        titles = _titles_before(doc, e) if e else frozenset()
        country = e.country if e else self._country_of(canonical)
        k = bisect.bisect_right([a.offset for a in self.actors], start)
        self.actors.insert(k, _Actor(start, doc.sent_index(start), canonical, label, gender, titles, country))

    def _country_of(self, canonical: str) -> str | None:
        return next((a.country for a in self.actors + self.titled_mentions
                     if a.canonical == canonical and a.country), None)

    def antecedent(self, before: int, kinds: frozenset[str], gender: str = "",
                   title: str | None = None) -> _Actor | None:
        sent = self.doc.sent_index(before)
        pool = [a for a in self.actors if a.offset < before and a.label in kinds
                and sent - a.sent <= MAX_ANTECEDENT_SENTENCES
                and not (gender and a.gender and a.gender != gender)]
        if title:
            titled = [a for a in pool if title in a.titles]
            if titled:
                return titled[-1]
        return pool[-1] if pool else None

    def by_title(self, before: int, title: str, countries: frozenset[str] = frozenset()) -> _Actor | None:
        """A title noun's antecedent: a recent actor with that title, else the PERSON most often
        introduced with it earlier in the document ("President Biden" for "the President" in a
        briefing; the latest of equals), else the latest PERSON actor in the window."""
        persons = frozenset({"PERSON"})
        sent = self.doc.sent_index(before)
        if countries:  # "the President of Russia", "the Russian leader": only a Russian will do
            window = [a for a in self.actors if a.offset < before and a.label == "PERSON"
                      and sent - a.sent <= MAX_ANTECEDENT_SENTENCES and a.country in countries]
            same = [a for a in window if title in a.titles] or window
            if same:
                return same[-1]
        titled = [a for a in self.actors if a.offset < before and a.label == "PERSON" and title in a.titles
                  and sent - a.sent <= MAX_ANTECEDENT_SENTENCES]
        if titled:
            return titled[-1]
        earlier = [a for a in self.titled_mentions if a.offset < before and title in a.titles]
        if earlier:
            counts: dict[str, int] = {}
            for a in earlier:
                counts[a.canonical] = counts.get(a.canonical, 0) + 1
            top = max(counts.values())
            return [a for a in earlier if counts[a.canonical] == top][-1]
        return self.antecedent(before, persons)

    def from_pronoun(self, start: int, end: int, kind: str, gender: str) -> _Speaker:
        kinds = frozenset({"PERSON"}) if kind == "PERSON" else frozenset({"ORG", "GPE"})
        a = self.antecedent(start, kinds, gender)
        if a is None:
            # An unresolved "he"/"she" is still a person speaking; an unresolved "it" is most
            # often an expletive ("it was noted that").
            return _Speaker(None, start, end, "unattributed" if kind == "PERSON" else "skip")
        return _Speaker(a.canonical, start, end, "resolved", a.label)

    def from_cue(self, cue: int, content: tuple[int, int]) -> _Speaker:
        doc = self.doc
        subj = _subject_of(doc, cue)
        if subj is None:
            # "говорится в сообщении Reuters"; without any entity the parse gave no speaker.
            return self._from_span_entities(*_clause_span(doc, cue, content), content)
        st = doc.tokens[subj]
        word = fold(st.text)
        if word in doc.lex.skip:
            return _Speaker(None, None, None, "skip")
        if st.pos == "PRON" and word in doc.lex.pronouns:
            kind, gender = doc.lex.pronouns[word]
            return self.from_pronoun(st.start, st.end, kind, gender if doc.article.language == "ru" else "")
        ranked = _rank_entities(doc, subj, content)
        if ranked and ranked[0] <= 1:
            e = ranked[1]
            return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        lemma = fold(st.lemma)
        if lemma in doc.lex.titles or fold(st.text) in doc.lex.titles:
            dets = {fold(doc.tokens[c].text) for c in doc.children.get(subj, ()) if doc.tokens[c].dep == "det"}
            if not dets & doc.lex.indefinite:
                countries = frozenset(
                    e.country for i in doc.subtree(subj) if (e := doc.entity_at(doc.tokens[i].start, doc.tokens[i].end))
                    and e.label in ("GPE", "NORP") and e.country)
                a = self.by_title(st.start, lemma if lemma in doc.lex.titles else fold(st.text), countries)
                if a is not None:
                    return _Speaker(a.canonical, st.start, st.end, "resolved")
        if ranked and ranked[1].label == "ORG":
            e = ranked[1]
            return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        if st.pos == "PROPN":  # a name the NER missed ("Genri Reznik raised …, noting that …")
            name = [i for i in doc.subtree(subj) if i == subj or (
                doc.tokens[i].dep in _NAME_LINK_DEPS and doc.tokens[i].pos == "PROPN" and doc.tokens[i].head == subj)]
            a, b = doc.tokens[name[0]].start, doc.tokens[name[-1]].end
            return _Speaker(doc.article.text[a:b], a, b, "resolved")
        words = {fold(doc.tokens[i].text) for i in doc.subtree(subj)} | {lemma}
        if words & doc.lex.source_nouns:
            return _Speaker(None, st.start, st.end, "unattributed")
        return _Speaker(None, None, None, "skip")  # "the current security situation confirms that"

    def _from_span_entities(self, start: int, end: int, content: tuple[int, int]) -> _Speaker:
        for e in self.doc.entities_in(start, end):
            if e.label in _ACTOR_LABELS and not (content[0] <= e.start < content[1]):
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
        for e in doc.entities_in(start, end):
            if e.label not in _ACTOR_LABELS:
                continue
            tail = [fold(w) for w in re.findall(r"[\w-]+", text[e.end:end])]
            if all(w in doc.lex.source_heads or w in ("'s", "s") for w in tail):
                return _Speaker(e.canonical, e.start, e.end, "named", e.label)
        for i in doc.tokens_in(start, end):
            t = doc.tokens[i]
            w = fold(t.text)
            if t.pos == "PRON" and w in doc.lex.pronouns:
                kind, gender = doc.lex.pronouns[w]
                return self.from_pronoun(t.start, t.end, kind, gender if doc.article.language == "ru" else "")
            if fold(t.lemma) in doc.lex.titles:
                a = self.by_title(t.start, fold(t.lemma))
                if a is not None:
                    return _Speaker(a.canonical, t.start, t.end, "resolved")
        words = {fold(w) for w in re.findall(r"\w+", text[start:end])}
        if words & doc.lex.source_nouns:
            return _Speaker(None, None, None, "unattributed")
        return _Speaker(None, None, None, "skip")


def _clause_span(doc: _Doc, cue: int, content: tuple[int, int]) -> tuple[int, int]:
    sub = [i for i in doc.subtree(cue) if not content[0] <= doc.tokens[i].start < content[1]]
    if not sub:  # the cue itself sits inside the content (a bad parse): look at the cue only
        return doc.tokens[cue].start, doc.tokens[cue].end
    return doc.tokens[sub[0]].start, doc.tokens[sub[-1]].end


def _resolve(doc: _Doc, cands: list[_Candidate], stage: str, version: str) -> list[Quote]:
    res = _Resolver(doc)
    text = doc.article.text
    out = []
    for c in cands:
        if c.cue_token is not None:
            sp = res.from_cue(c.cue_token, (c.start, c.end))
        elif c.pronoun is not None:
            kind, gender = doc.lex.possessive.get(c.pronoun[2], ("PERSON", ""))
            sp = res.from_pronoun(c.pronoun[0], c.pronoun[1], kind, gender)
        elif c.source is not None:
            sp = res.from_source(*c.source)
        else:
            sp = _Speaker(None, None, None, "unattributed")
        if sp.how == "skip":
            continue
        if sp.canonical and sp.start is not None:
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
