"""Counts and amounts (figures) in English and Russian text.

Every number phrase becomes a :class:`~newswatch.model.Figure` with its scaled value, its unit
(ISO 4217 currency code, ``"percent"`` or None), the lemma of the noun counted and the hedge
("over", "about", "up to" ...) turned into bounds. The lexicon (number words, scale words,
hedges, currencies, identifier labels) is ``data/figure_lexicon.json``.

How a figure is found (both languages read the same token fields from the nlp stage):

1. **Number core.** Digits (English ``3,000`` / ``1.3``; Russian decimal comma ``8,1``, space
   thousands ``1 500``), number words (English surface forms; Russian pymorphy2 lemmas, so
   ``восемью`` counts as 8) and scale words (thousand, million, тыс., млн, миллиард ...);
   "a/an" before a scale word means 1. Vague plurals ("thousands of", "сотни") give the
   scale value with qualifier ``over``.
2. **Around the core.** A currency symbol before or a currency word after sets the ISO 4217
   code; ``%``/percent/процент sets ``"percent"``; a range ("10 to 15", "10-15", "between 10
   and 15", "от 10 до 15") sets lower/upper; the longest hedge phrase right before the phrase
   sets the qualifier, and so does a hedge verb governing it ("exceeds one thousand people",
   "превысили 1,5 тыс. человек").
3. **Not figures.** Numbers inside time expressions (``article.timexes``, filled by the
   timexes stage, which runs first; and for English spaCy DATE/TIME spans), except a
   DATE made only of numbers and hedge words such as the seed's "70", inside names (spaCy name
   labels, natasha PER/LOC/ORG), after an identifier label or a proper noun with nothing
   counted ("Resolution 2513", "Section 230",
   "ст. 282 УК"), glued to letters ("COVID-19", "G7"), phone numbers, URLs, clock times,
   slashed numbers ("9/11"), signed numbers ("+20"), day ranges next to a month ("с 18 на 19
   апреля"), list numbering at the start of a line, four-digit years without a counted noun,
   compound modifiers ("two-track", "30,000-foot"), ratios ("one in five"), fractions ("two
   thirds"), numbers counting time units ("twenty-two years", "два года": durations and ages
   belong to the timexes stage), and the spelled "one"/"один" (a pronoun or "one of" far
   more often than a count) unless it is the numeral modifier of the subject or object of a
   full verb ("one soldier was killed", "один военный погиб").
4. **Counted noun**, in order: (a) the dependency parse: the noun that the number (or its
   scale word) modifies, to its right (spaCy ``nummod``; natasha ``nummod``/``nummod:gov``);
   or the object of "of" ("thousands of people"); in Russian also a substantivised adjective
   or participle right after the number, in the genitive, as subject or object, or in the
   numeral's own oblique case (UD ``Case=`` of the nlp stage: "о восьми погибших", "семерым
   раненым"); (b) the next noun within
   :data:`NEXT_NOUN_WINDOW` tokens, skipping adjectives; (c) for an *elided* noun ("fighting for
   another 135", "the number ... is 70"): the counted noun of the nearest preceding figure in
   the same or the previous sentence that has one and no unit; then ``counted_start``/
   ``counted_end`` point at that antecedent noun. (c) only applies to numbers written with
   digits or with a scale word. A bare spelled number with no noun is no figure ("the two"),
   except as the subject of a full verb, the substantive use of a numeral ("four were
   wounded", "двое погибли", "ещё девять получили ранения"): a figure with no counted noun.
   Lemmas come from the nlp stage, with the lexicon's overrides ("people" -> "person") and
   plural proper nouns singularised ("Afghans" -> "Afghan").

Qualifier -> bounds: bounds come only from the words of the text. ``exact``: lower = upper =
value; ``over`` and ``at_least``: lower = value, upper None; ``under``, ``up_to`` and
``at_most``: upper = value, lower None (the bounds are kept inclusive, so "more than 27" and "at
least 27" share their bounds; the qualifier keeps the words apart — "over" and "under" are the
exclusive ones —, so a figure is never shown with a hedge its sentence did not use); ``about``:
no bounds at all (lower = upper = None): "about 300 people" says 300 is approximate, not how far
off it may be, and any interval around it would be invented (issue 9). A range ("between 200 and
300", "10-15", "от 10 до 15") keeps qualifier ``exact`` (the model has no range qualifier) with
value = its lower end and lower/upper = its ends.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..model import Article, Figure, Timex, Token
from ..pipeline import Stage, register
from .timexes import load_lexicon as load_timex_lexicon

#: Confidence of a figure that spaCy's NER also saw as CARDINAL/MONEY/PERCENT/QUANTITY, or any
#: Russian figure with a parse-attached noun; and of an English number outside such a span.
#: Hand-set after reading the seed and 30 White House documents (tests/test_figures.py).
CONF_SUPPORTED = 0.9
CONF_UNSUPPORTED = 0.75
#: Caps when the counted noun came from a fall-back rather than the parse, or is unknown.
CONF_NEXT_NOUN = 0.75
CONF_ELIDED = 0.6
CONF_NO_NOUN = 0.5
#: Dependencies by which a figure is its verb's subject or object (spaCy and UD labels).
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "dobj", "obj"})
#: How far (tokens) from a figure's verb a frequency adverb ("daily", "ежедневно") is looked for.
RATE_WINDOW = 12
#: Largest token distance between a number and the noun the parse says it counts.
PARSE_NOUN_MAX_DISTANCE = 6
#: How many tokens after the number phrase the next-noun fall-back looks at.
NEXT_NOUN_WINDOW = 3
#: How many tokens of modifiers may separate the phrase from the counted noun in ``text``.
TEXT_NOUN_GAP = 3
#: Four-digit integers in this range with no counted noun, unit or hedge are years.
YEAR_MIN, YEAR_MAX = 1600, 2099

_EN_NUM = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_RU_NUM = re.compile(r"^\d+(?:[,.]\d+)?$")
#: The first character of every pattern above (and of a Russian thousands group).
_DIGIT_START = re.compile(r"\d")
_RANGE_TOKEN = re.compile(r"^(\d+(?:[.,]\d+)?)[-–—](\d+(?:[.,]\d+)?)$")
#: A number glued to a letter before or after it ("G7", "COVID-19", "5G", "1st").
_GLUED_RE = re.compile(r"[^\W\d_][-‑]?\d+|\d+[^\W\d_]")
#: Blocked patterns on raw text: phone numbers, slashed numbers (dates, fractions, 24/7),
#: clock times, numbers glued to letters on either side. Each with its gate or None: a part of
#: every match of the pattern, which the regex engine finds by skipping to its first
#: character, where the pattern's own look-behind or optional start makes it try every
#: position; a text the gate finds nothing in has no match (the day-range gates likewise,
#: :meth:`FigureFinder._day_range_gate`). The gates took these searches from 0.26 to 0.10 CPU s
#: over the 250 White House statements of ``benchmarks/profile_stages.py``.
_BLOCK_RES: list[tuple[re.Pattern[str], re.Pattern[str] | None]] = [
    (re.compile(r"(?<!\d)(?:\+?\d{1,3}[\s.-])?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"),
     re.compile(r"\d{3}[\s.-]\d{4}")),
    (re.compile(r"\d+(?:/\d+)+"), None),
    (re.compile(r"(?<!\d)\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)"), re.compile(r"\d\d\s*[AaPp]\.?[Mm]")),
    (re.compile(r"(?<![\d,.])\d{1,2}:\d{2}(?![\d])"), re.compile(r"\d:\d\d")),
    (_GLUED_RE, None),  # searched by _glued_spans, the same matches
    (re.compile(r"['’]\d{2}\b"), None),
    (re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:ru|com|org|net|gov|рф)/\S*"),
     re.compile(r"https?://|www\.|\.(?:ru|com|org|net|gov|рф)/")),
    (re.compile(r"(?<![\w\d])[+±]\d+(?:[.,]\d+)?"), re.compile(r"[+±]\d")),
]
_NEVER = re.compile(r"(?!x)x")
_DIGIT_RUN = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")


def _glued_spans(text: str) -> list[tuple[int, int]]:
    """The spans ``_GLUED_RE.finditer(text)`` gives, found from the text's digit runs.

    Every match of ``[^\\W\\d_][-‑]?\\d+|\\d+[^\\W\\d_]`` holds one whole run of digits: a
    letter, maybe a hyphen, and the run (the engine's greedy ``\\d+`` takes all of it), or the
    run and the letter after it; the leftmost of these that starts after the previous match
    is the next match. The regex itself tries its letter alternative at every letter of the
    text (0.05 CPU s over 250 White House statements); the runs are found by skipping to
    digits.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    for m in _DIGIT_RUN.finditer(text):
        a, b = m.span()
        if a >= 2 and a - 2 >= pos and text[a - 1] in "-‑" and _LETTER.match(text, a - 2):
            out.append((a - 2, b))
        elif a >= 1 and a - 1 >= pos and _LETTER.match(text, a - 1):
            out.append((a - 1, b))
        elif b < n and _LETTER.match(text, b):
            out.append((a, b + 1))
        else:
            continue
        pos = out[-1][1]
    return out
#: Token dependency labels where a bare number stands for an elided noun ("fighting for
#: another 135", "the number ... is 70").
_ELIDED_DEPS = {"pobj", "dobj", "attr", "nsubj", "nsubjpass", "conj", "appos", "obj", "obl",
                "nmod", "ROOT", "root"}
#: A spaCy DATE span made only of numbers and hedge/range words is a count, not a date.
def _same_case(a: Token, b: Token) -> bool:
    """Both tokens carry the same (oblique) grammatical case in their morphology (Universal
    Dependencies ``Case=`` feature, from natasha/pymorphy2 for Russian); False when either has none."""
    ca = next((f for f in a.morph.split("|") if f.startswith("Case=")), None)
    return ca is not None and ca in b.morph.split("|")


_NUMERIC_DATE = re.compile(
    r"(?i)(?:the|between|about|over|some|around|nearly|almost|up|more|than|and|to|or|another"
    r"|[-–—]|\s|[\d,.])*\d(?:[\s\d,.–—-]|and|to|or)*")
#: Subject and object labels of spaCy (ClearNLP) and natasha (UD).
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})
_OBJECT_DEPS = frozenset({"dobj", "obj"})
#: A verb with a dependent of these labels is transitive or takes a clause.
_COMPLEMENT_DEPS = _OBJECT_DEPS | {"ccomp", "xcomp", "attr", "dative", "iobj"}
_EN_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART",
                   "LAW", "NORP", "LANGUAGE", "ORDINAL"}
_EN_FIGURE_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
_RU_NAME_LABELS = {"PER", "LOC", "ORG"}
#: Parts of a year ("early 2021"): a year timex with one of these mods is not a bare year.
_PART_MODS = {"START", "MID", "END"}


def is_bare_year(t: Timex) -> bool:
    """A time expression that is only a year ("in 2021", "в 2021 году"), whose number may
    still be a count when a noun follows it; every other timex blocks its numbers."""
    return (t.precision == "year" and t.mod not in _PART_MODS and re.fullmatch(r"\d{4}", t.value) is not None
            and t.value in t.text)


def is_numeric_date(text: str) -> bool:
    """A "date" made only of numbers and hedge/range words and with no plausible year ("70",
    "between 10 and 15"): spaCy's DATE label on a count, not a date."""
    return _NUMERIC_DATE.fullmatch(text) is not None and not any(
        YEAR_MIN <= int(y) <= YEAR_MAX for y in re.findall(r"\b\d{4}\b", text))


def load_lexicon() -> dict[str, Any]:
    """Load ``newswatch/data/figure_lexicon.json`` (hand-compiled; see its ``_about`` key)."""
    path = resources.files("newswatch") / "data" / "figure_lexicon.json"
    lexicon: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return lexicon


def bounds(qualifier: str, value: float) -> tuple[float | None, float | None]:
    """Lower/upper bounds implied by a qualifier (see the module docstring)."""
    if qualifier in ("over", "at_least"):
        return (value, None)
    if qualifier in ("under", "up_to", "at_most"):
        return (None, value)
    if qualifier == "about":
        return (None, None)  # approximate: the text gives no interval, so none is made up
    return (value, value)


@dataclass(slots=True)
class _Phrase:
    """A number phrase over tokens ``first..last`` (inclusive) before filtering."""

    first: int
    last: int
    core_first: int
    core_last: int
    value: float
    upper_value: float | None = None
    unit: str | None = None
    qualifier: str = "exact"
    digits: bool = False
    scaled: bool = False
    vague: bool = False
    spelled_one: bool = False
    number_tokens: list[int] = field(default_factory=list)


#: Phrases (tuples of lower-case words) by length, longest first: ``[(n, {phrases of n words})]``.
_SeqIndex = list[tuple[int, frozenset[tuple[str, ...]]]]


def _seq_index(phrases: Iterable[tuple[str, ...]]) -> _SeqIndex:
    """``phrases`` grouped by length, longest first (phrases of no word left out: they match
    nowhere), for :meth:`FigureFinder._match_seq`."""
    by_len: dict[int, set[tuple[str, ...]]] = {}
    for p in phrases:
        if p:
            by_len.setdefault(len(p), set()).add(p)
    return [(n, frozenset(by_len[n])) for n in sorted(by_len, reverse=True)]


class _SpanIndex:
    """Spans ``(start, end)`` asked whether one of them contains or overlaps a token, by
    bisection instead of a scan (the same answers as :meth:`FigureFinder._inside`)."""

    __slots__ = ("_spans", "_starts", "_reach")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = spans
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        #: the furthest end among the spans up to each one, in start order
        self._reach = list(itertools.accumulate((b for _, b in ordered), max))

    def touches(self, s: int, e: int) -> bool:
        """True when a span contains ``[s, e)`` or overlaps it: some span starts before ``e``
        and ends after ``s`` (for ``s < e`` containment is a case of that)."""
        if s >= e:
            return FigureFinder._inside(self._spans, s, e)
        k = bisect.bisect_left(self._starts, e)
        return k > 0 and self._reach[k - 1] > s


class FigureFinder:
    """Finds figures in one article. Build once (loads the figure lexicon and the month names of
    the timex lexicon). The article's ``timexes`` must be filled (the timexes stage runs first).
    """

    def __init__(self) -> None:
        raw = load_lexicon()
        timex_lex = load_timex_lexicon()
        self.lex: dict[str, dict[str, Any]] = {}
        for lang in ("en", "ru"):
            lx = dict(raw[lang])
            lx["hedge_list"] = sorted(
                ((tuple(p.split()), q) for q, ps in lx["hedges"].items() for p in ps),
                key=lambda x: -len(x[0]),
            )
            lx["currency_multi"] = {tuple(k.split()): v for k, v in lx["currency_words"].items()}
            lx["percent_multi"] = [tuple(p.split()) for p in lx["percent_words"]]
            # the phrase lists _match_seq looks words up in
            lx["currency_multi_index"] = _seq_index(lx["currency_multi"])
            lx["percent_multi_index"] = _seq_index(lx["percent_multi"])
            lx["hedge_index"] = _seq_index(h for h, _ in lx["hedge_list"])
            lx["id_set"] = {w.rstrip(".") for w in lx["id_labels"]}
            # lower-case words a figure phrase may start with (see _may_start)
            lx["phrase_starts"] = frozenset({*lx["currency_symbols"], "a", "an", *lx["vague_plurals"],
                                             *lx["number_words"]})
            self.lex[lang] = lx
        self._day_ranges = {lang: (self._day_range_re({m.lower() for m in timex_lex[lang]["months"]}, lang),
                                   self._day_range_gate(lang))
                            for lang in ("en", "ru")}

    @staticmethod
    def _day_range_re(month_names: set[str], lang: str) -> re.Pattern[str]:
        """Day ranges before/after a month ("с 18 на 19 апреля", "July 1-3"): dates."""
        months = "|".join(sorted((re.escape(m) for m in month_names), key=len, reverse=True))
        if lang == "ru":
            return re.compile(rf"(?<![\d,.])\d{{1,2}}\s*(?:[-–—]|\s+(?:на|по|и|или)\s+)\d{{1,2}}"
                              rf"\s+(?:{months})(?![а-яё])", re.IGNORECASE)
        return re.compile(rf"\b(?:{months})\s+\d{{1,2}}(?:st|nd|rd|th)?\s*(?:[-–—]|\s+(?:and|to|or|"
                          rf"through)\s+)\d{{1,2}}(?!\d)", re.IGNORECASE)

    @staticmethod
    def _day_range_gate(lang: str) -> re.Pattern[str]:
        """The gate of :meth:`_day_range_re` (see :data:`_BLOCK_RES`): its two day numbers and
        what joins them, which every match holds."""
        if lang == "ru":
            return re.compile(r"\d\s*(?:[-–—]|\s+(?:на|по|и|или)\s+)\d", re.IGNORECASE)
        return re.compile(r"\d(?:st|nd|rd|th)?\s*(?:[-–—]|\s+(?:and|to|or|through)\s+)\d", re.IGNORECASE)

    # ------------------------------------------------------------------ helpers
    def _key(self, t: Token, lang: str) -> str:
        """The lexicon key of a token: English lower-case text, Russian lemma."""
        return t.text.lower() if lang == "en" else (t.lemma or t.text).lower()

    def _may_start(self, t: Token, lang: str) -> bool:
        """Whether :meth:`_phrase` can find a phrase starting at token ``t``: only at a currency
        symbol, "a"/"an", a vague plural, a number word (English text, Russian text or lemma) or
        a token starting with a digit (every number pattern does). A cheap test run on every
        token, so that the phrase parser runs only on these (the others give None there)."""
        starts = self.lex[lang]["phrase_starts"]
        return (t.text.lower() in starts or _DIGIT_START.match(t.text) is not None
                or (lang != "en" and (t.lemma or t.text).lower() in starts))

    def _num_value(self, t: Token, lang: str) -> tuple[float, bool] | None:
        """(value, written_with_digits) of a number token, or None."""
        rx = _EN_NUM if lang == "en" else _RU_NUM
        if rx.match(t.text):
            s = t.text.replace(",", "") if lang == "en" else t.text.replace(",", ".")
            return float(s), True
        v = self.lex[lang]["number_words"].get(self._key(t, lang))
        if v is None and lang == "ru":
            v = self.lex[lang]["number_words"].get(t.text.lower())
        if v is not None and (lang == "en" and t.tag not in ("CD", "") and t.pos != "NUM"):
            return None  # English "one" as pronoun/noun
        return (float(v), False) if v is not None else None

    def _mult(self, t: Token, lang: str) -> float | None:
        m = self.lex[lang]["multipliers"].get(self._key(t, lang).rstrip("."))
        return float(m) if m is not None else None

    def _vague(self, t: Token, lang: str) -> float | None:
        v = self.lex[lang]["vague_plurals"].get(t.text.lower())
        return float(v) if v is not None else None

    def _match_seq(self, toks: list[Token], i: int, seqs: _SeqIndex, backwards: bool = False) -> int:
        """Length of the longest phrase of ``seqs`` ending before (or starting at) index i
        (0 when none): each length's words are lower-cased once and looked up, longest first."""
        for n, phrases in seqs:
            lo = i - n if backwards else i
            if lo < 0 or lo + n > len(toks):
                continue
            if tuple(t.text.lower() for t in toks[lo:lo + n]) in phrases:
                return n
        return 0

    # --------------------------------------------------------------- core parse
    def _core(self, toks: list[Token], i: int, lang: str, text: str) -> _Phrase | None:
        """Parse a number core starting at token i (no hedge/unit yet)."""
        t = toks[i]
        total, current = 0.0, 0.0
        j = i
        digits = scaled = False
        nums: list[int] = []
        if t.text.lower() in ("a", "an") and i + 1 < len(toks) and self._mult(toks[i + 1], lang):
            current, j = 1.0, i + 1
            nums.append(i)
        else:
            vg = self._vague(t, lang)
            if vg is not None:
                return self._vague_phrase(toks, i, lang, vg)
            nv = self._num_value(t, lang)
            if nv is None:
                return None
            current, digits = nv
            nums.append(i)
            j = i + 1
            # Russian thousands written with a space: "1 500"
            while (lang == "ru" and digits and j < len(toks) and re.fullmatch(r"\d{3}", toks[j].text)
                   and toks[j].start - toks[j - 1].end == 1 and toks[j].sent == t.sent
                   and re.fullmatch(r"\d{1,3}", toks[j - 1].text)):
                current = current * 1000 + float(toks[j].text)
                nums.append(j)
                j += 1
        last = nums[-1]
        while j < len(toks) and toks[j].sent == t.sent:
            tj = toks[j]
            m = self._mult(tj, lang)
            if m is not None:
                if m == 100:
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * m
                    current = 0.0
                scaled = True
                nums.append(j)
                last = j
                j += 1
                if lang == "ru" and j < len(toks) and toks[j].text == "." \
                        and toks[j].start == tj.end:
                    last = j  # "тыс." keeps its abbreviation dot
                    j += 1
                continue
            if not digits:
                nv = self._num_value(tj, lang)
                if nv is not None and not nv[1]:
                    current += nv[0]
                    nums.append(j)
                    last = j
                    j += 1
                    continue
                if tj.text in ("-", "and") and j + 1 < len(toks):
                    nv2 = self._num_value(toks[j + 1], lang)
                    if nv2 is not None and not nv2[1] and (tj.text == "-" or current >= 100):
                        j += 1
                        continue
            break
        value = total + current
        return _Phrase(i, last, i, last, value, digits=digits, scaled=scaled, number_tokens=nums,
                       spelled_one=(not digits and not scaled and value == 1))

    def _vague_phrase(self, toks: list[Token], i: int, lang: str, v: float) -> _Phrase:
        """"thousands", "hundreds of thousands", "десятки тысяч": qualifier over."""
        last = i
        if (lang == "en" and i + 2 < len(toks) and toks[i + 1].text.lower() == "of"
                and self._vague(toks[i + 2], lang)):
            v *= self._vague(toks[i + 2], lang) or 1
            last = i + 2
        elif lang == "ru" and i + 1 < len(toks) and self._vague(toks[i + 1], lang):
            v *= self._vague(toks[i + 1], lang) or 1
            last = i + 1
        return _Phrase(i, last, i, last, v, qualifier="over", vague=True, scaled=True,
                       number_tokens=list(range(i, last + 1)))

    # ------------------------------------------------------------ full phrases
    def _phrase(self, toks: list[Token], i: int, lang: str, text: str) -> _Phrase | None:
        lx = self.lex[lang]
        start = i
        unit = None
        # currency symbol before the number
        sym = toks[i].text.lower()
        if sym in lx["currency_symbols"] and i + 1 < len(toks):
            unit = lx["currency_symbols"][sym]
            i += 1
        rt = _RANGE_TOKEN.match(toks[i].text) if i < len(toks) else None
        ph: _Phrase | None
        if rt:
            def conv(s: str) -> float:
                return float(s.replace(",", "") if lang == "en" else s.replace(",", "."))

            lo_v, hi_v = conv(rt.group(1)), conv(rt.group(2))
            if hi_v <= lo_v or (YEAR_MIN <= lo_v <= YEAR_MAX and len(rt.group(1)) == 4):
                return None  # "589658-7" (an id), "1990-2005" (years)
            ph = _Phrase(i, i, i, i, lo_v, upper_value=hi_v, digits=True, number_tokens=[i])
        else:
            ph = self._core(toks, i, lang, text)
        if ph is None:
            return None
        ph.first = start
        # range: "10 to 15", "10-15", "от 10 до 15"
        j = ph.last + 1
        if ph.upper_value is None and not ph.vague and j + 1 < len(toks) \
                and toks[j].sent == toks[i].sent and toks[j].text.lower() in lx["range_joiners"]:
            joiner = toks[j].text.lower()
            before = toks[start - 1].text.lower() if start > 0 else ""
            ok = joiner not in ("and", "до") or (joiner == "and" and before == "between") or (
                joiner == "до" and before == "от")
            if joiner in ("-", "–", "—") and (toks[j].start != toks[j - 1].end
                                              or toks[j + 1].start != toks[j].end):
                ok = False  # a spaced dash is punctuation, not a range
            k = j + 1
            if toks[k].text.lower() in lx["currency_symbols"]:
                k += 1
            second = self._core(toks, k, lang, text) if ok and k < len(toks) else None
            lo = ph.value
            if second is not None and second.scaled and not ph.scaled and lo < second.value:
                mult = second.value / self._unscaled(toks, second, lang)
                lo = lo * mult if mult > 1 else lo
            if second is not None and not second.vague and second.value > lo:
                ph.value, ph.upper_value = lo, second.value
                ph.last, ph.core_last = second.last, second.core_last
                ph.number_tokens += second.number_tokens
                ph.scaled = ph.scaled or second.scaled
                ph.spelled_one = False
        # unit after the number
        j = ph.last + 1
        if j < len(toks) and unit is None:
            if lang == "en":
                n = self._match_seq(toks, j, lx["currency_multi_index"])
                if n:
                    unit = lx["currency_multi"][tuple(t.text.lower() for t in toks[j:j + n])]
                    ph.last = j + n - 1
            else:
                code = lx["currency_words"].get(self._key(toks[j], lang).rstrip("."))
                if code is None and j + 1 < len(toks):
                    code = lx["currency_words"].get(
                        f"{self._key(toks[j], lang)} {toks[j + 1].text.lower()}")
                    if code:
                        ph.last = j + 1
                if code:
                    unit = code
                    ph.last = max(ph.last, j)
                    if j + 1 < len(toks) and toks[j + 1].text == "." and \
                            toks[j + 1].start == toks[j].end and toks[j].text.lower() in ("долл", "руб"):
                        ph.last = j + 1
        if j < len(toks) and unit is None:
            n = self._match_seq(toks, j, lx["percent_multi_index"])
            if not n and lang == "ru" and self._key(toks[j], lang) in ("процент", "проц"):
                n = 1
            if n:
                unit = "percent"
                ph.last = j + n - 1
        ph.unit = unit
        # hedge before the phrase
        if start > 0:
            lower_first = start
            prev_word = toks[start - 1].text.lower()
            if (lang == "en" and ph.upper_value is not None and prev_word == "between"
                    or lang == "ru" and ph.upper_value is not None and prev_word == "от"):
                lower_first = start - 1
            ph.first = lower_first
            if ph.upper_value is None and not ph.vague:
                n = self._match_seq(toks, start, lx["hedge_index"], backwards=True)
                if n and toks[start - n].sent == toks[start].sent:
                    words = tuple(t.text.lower() for t in toks[start - n:start])
                    if not (words == ("до",) and self._change_endpoint(toks, start, lang)):
                        ph.qualifier = dict(lx["hedge_list"])[words]
                        ph.first = start - n
        return ph

    def _change_endpoint(self, toks: list[Token], i: int, lang: str) -> bool:
        """Whether the number at ``i`` is where a change ended ("the toll rose to seven"). Russian
        "до" + genitive after a verb of change names the value reached ("число погибших выросло до 14", "сократилось
        до 300"; Русская грамматика 1980, §§ 1860-1862, the limit meaning of "до"), not an
        upper bound ("до 900 семей", "up to 900 families"). The verb is the number's head or
        the head of its counted noun (natasha attaches "до 14" as an oblique of the verb)."""
        j = i
        for _ in range(3):
            h = toks[j].head
            if h == j:
                return False
            if toks[h].pos in ("VERB", "AUX"):
                return (toks[h].lemma or "").lower() in self.lex[lang].get("change_verbs", ())
            j = h
        return False

    def _unscaled(self, toks: list[Token], ph: _Phrase, lang: str) -> float:
        """The value of a phrase's first number token alone (for "10 to 15 million")."""
        nv = self._num_value(toks[ph.core_first], lang)
        return nv[0] if nv and nv[0] else 1.0

    # ------------------------------------------------------------------ filters
    def _blocked_spans(self, article: Article) -> list[tuple[int, int]]:
        text = article.text
        spans: list[tuple[int, int]] = []
        for rx, gate in [*_BLOCK_RES, self._day_ranges.get(article.language or "en", (_NEVER, None))]:
            if rx is _GLUED_RE:
                spans += _glued_spans(text)
            elif gate is None or gate.search(text) is not None:
                spans += [(m.start(), m.end()) for m in rx.finditer(text)]
        for t in article.timexes:
            if not is_bare_year(t) and not is_numeric_date(t.text):  # the latter: dateparser
                spans.append((t.start, t.end))                        # on a spaCy DATE count
        names = _EN_NAME_LABELS if article.language == "en" else _RU_NAME_LABELS
        for sp in article.ner_spans:
            if sp.label in names:
                spans.append((sp.start, sp.end))
            elif sp.label in ("DATE", "TIME"):
                if is_numeric_date(text[sp.start:sp.end]):
                    continue  # a count mistaken for a date ("is 70", "between 10 and 15")
                spans.append((sp.start, sp.end))
        return spans

    @staticmethod
    def _year_spans(article: Article) -> list[tuple[int, int]]:
        return [(t.start, t.end) for t in article.timexes if is_bare_year(t)]

    @staticmethod
    def _inside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
        return any(a <= s and e <= b or (a < e and s < b) for a, b in spans)

    def _is_identifier(self, toks: list[Token], ph: _Phrase, lang: str, text: str) -> bool:
        """Numbering, ids and names: "Section 2", "Resolution 2513", "1." at line start."""
        first = toks[ph.core_first]
        line_start = text.rfind("\n", 0, first.start) + 1
        after = text[toks[ph.core_last].end:toks[ph.core_last].end + 1]
        if not text[line_start:first.start].strip() and after in (".", ")") and ph.unit is None:
            return True
        if first.start > 0 and text[first.start - 1] in "#№(" and after == ")" \
                and not ph.scaled and ph.unit is None:
            return True  # "(3)" numbers an item; "(2,5 млрд)" is an amount
        if first.start > 0 and text[first.start - 1] in "#№":
            return True
        if ph.first != ph.core_first or ph.unit is not None:
            return False
        if ph.core_first == 0:
            return False
        k = ph.core_first - 1
        if toks[k].text == "." and k > 0 and toks[k - 1].end == toks[k].start:
            k -= 1  # "ст. 282", "No. 5"
        prev = toks[k]
        if prev.sent != first.sent and k == ph.core_first - 1:
            return False
        key = self._key(prev, lang).rstrip(".")
        if key in self.lex[lang]["id_set"] or prev.text in ("№", "#"):
            return True
        if lang == "en" and self._labels_noun_before(toks, ph):
            return True
        return (prev.pos == "PROPN" and prev.tag != "NNPS" and k == ph.core_first - 1
                and self._counted_by_parse(toks, ph, lang) is None)

    def _labels_noun_before(self, toks: list[Token], ph: _Phrase) -> bool:
        """English puts a count before its noun, so a bare number right after a common noun
        (or after such a number and "and"/"or"/a comma) labels it: "pavilions 5 and 8",
        "checkpoint 4", "gates 2, 3 or 7". Not when a counted noun follows the number."""
        if self._counted_by_parse(toks, ph, "en") is not None or self._counted_next(toks, ph, "en") is not None:
            return False
        k = ph.core_first - 1
        while k >= 2 and (toks[k].pos == "CCONJ" or toks[k].text == ",") and toks[k - 1].pos == "NUM":
            k -= 2  # "5 and" of "pavilions 5 and 8"
        prev = toks[k] if k >= 0 else None
        return (prev is not None and prev.pos == "NOUN" and prev.sent == toks[ph.core_first].sent
                and not self._is_unitish(prev, "en"))

    # ------------------------------------------------------------------ counted
    def _lemma(self, t: Token, lang: str) -> str:
        lx = self.lex[lang]
        lemma = (t.lemma or t.text)
        over = lx["lemma_overrides"]
        for key in (t.text.lower(), lemma.lower()):
            if key in over:
                found: str = over[key]
                return found
        if lang == "en":
            if t.tag == "NNPS" and lemma == t.text and lemma.endswith("s"):
                return lemma[:-1]
            return lemma if t.pos == "PROPN" else lemma.lower()
        return lemma.lower()

    def _is_unitish(self, t: Token, lang: str) -> bool:
        lx = self.lex[lang]
        k = self._key(t, lang)
        return (k in lx["currency_words"] or k in lx["multipliers"] or k in lx["percent_words"]
                or t.text in lx["currency_symbols"])

    def _counted_by_parse(self, toks: list[Token], ph: _Phrase, lang: str) -> int | None:
        inside = set(range(ph.first, ph.last + 1))
        i = ph.core_last
        for _ in range(6):
            h = toks[i].head
            if h == i or h not in inside:
                break
            i = h
        h = toks[i].head
        if h != i and h not in inside and h > ph.core_last and toks[h].sent == toks[i].sent \
                and h - ph.last <= PARSE_NOUN_MAX_DISTANCE \
                and not any(toks[k].pos == "PUNCT" and toks[k].text not in ("-", "‑")
                            for k in range(ph.last + 1, h)):
            ht = toks[h]
            if ht.pos in ("NOUN", "PROPN") and not self._is_unitish(ht, lang) \
                    and ht.text[-1:].isalpha():
                return h
            if lang == "ru" and (ht.pos == "ADJ" or (ht.pos == "VERB" and "VerbForm=Part" in ht.morph)) \
                    and h == ph.last + 1 and ("Case=Gen" in ht.morph or ht.dep in _SUBJECT_DEPS | _OBJECT_DEPS
                                              or _same_case(toks[ph.core_last], ht)):
                # substantivised adjective or participle: "300 военных", "один военный погиб";
                # after an oblique numeral it agrees in case with it ("о восьми погибших",
                # "семерым раненым"), as the numeral's own noun would
                return h
        # "thousands of people", "300 of the soldiers"
        if lang == "en":
            for k in range(ph.last + 1, min(len(toks), ph.last + 2)):
                if toks[k].text.lower() == "of" and toks[k].head in inside:
                    for m in range(k + 1, min(len(toks), k + 5)):
                        if toks[m].head == k and toks[m].pos in ("NOUN", "PROPN"):
                            return m
        return None

    def _counted_next(self, toks: list[Token], ph: _Phrase, lang: str) -> int | None:
        j = ph.last + 1
        skipped = 0
        while j < len(toks) and skipped <= NEXT_NOUN_WINDOW and toks[j].sent == toks[ph.last].sent:
            t = toks[j]
            if t.pos in ("NOUN", "PROPN") and not self._is_unitish(t, lang):
                while j + 1 < len(toks) and toks[j + 1].pos == "NOUN" and toks[j].dep == "compound":
                    j += 1
                return j
            if t.pos not in ("ADJ", "ADV") and not (t.pos == "NOUN" and t.dep == "compound"):
                return None
            skipped += 1
            j += 1
        return None

    @staticmethod
    def _counts_one(toks: list[Token], ph: _Phrase, counted_i: int | None) -> bool:
        """A spelled "one"/"один" that counts: the numeral modifier (``nummod``) of the noun the
        parse gives it, that noun being the subject of a passive or intransitive full verb (a
        verb with no object or clausal complement: "one soldier was killed", "один военный
        погиб"), with no "of"/"из" after the numeral. "One of them", the pronoun "one", "one
        thing is clear" (a copula) and the agent of a transitive verb ("one strike destroyed
        a vehicle", "one official said": "one" there picks an individual rather than counts)
        stay no figures."""
        if counted_i is None or toks[ph.core_last].dep not in ("nummod", "nummod:gov"):
            return False
        nxt = toks[ph.core_last + 1].text.lower() if ph.core_last + 1 < len(toks) else ""
        noun = toks[counted_i]
        verb = noun.head
        if nxt in ("of", "из") or noun.dep not in _SUBJECT_DEPS or toks[verb].pos != "VERB" or verb == noun.i:
            return False
        return not any(t.head == verb and t.i != verb and t.dep in _COMPLEMENT_DEPS for t in toks)

    def _numeral_subject(self, toks: list[Token], ph: _Phrase) -> bool:
        """A bare spelled numeral (no noun, not "one") that is the subject of a full verb
        stands for its elided people or things: "four were wounded", "двое погибли", "ещё
        девять получили ранения" (the substantive use of a cardinal or collective numeral)."""
        t = toks[ph.core_last]
        return (ph.value > 1 and ph.core_first == ph.core_last and t.dep in _SUBJECT_DEPS
                and toks[t.head].pos == "VERB" and t.head != t.i)

    # --------------------------------------------------------------------- main
    def find(self, article: Article, stage: str, version: str) -> list[Figure]:
        """All figures of ``article`` in text order.

        Args:
            article: with ``text``, ``language``, ``tokens``, ``sentences``, ``ner_spans`` and
                ``timexes``.
            stage, version: for the provenance of each item.

        Returns:
            Figure items; an unsupported language gives an empty list.
        """
        lang = article.language or ""
        if lang not in self.lex:
            return []
        toks, text = article.tokens, article.text
        blocked = _SpanIndex(self._blocked_spans(article))
        years = self._year_spans(article)
        support = [(s.start, s.end) for s in article.ner_spans if s.label in _EN_FIGURE_LABELS]
        out: list[Figure] = []
        starts = self.lex[lang]["phrase_starts"]
        by_lemma = lang != "en"
        i = 0
        while i < len(toks):
            t = toks[i]
            # :meth:`_may_start`, written out: it runs on every token
            may_start = (t.text.lower() in starts or _DIGIT_START.match(t.text) is not None
                         or (by_lemma and (t.lemma or t.text).lower() in starts))
            ph = self._phrase(toks, i, lang, text) if may_start else None
            if ph is None:
                i += 1
                continue
            fig = self._figure(article, ph, lang, blocked, years, support, out, stage, version)
            if fig is not None:
                out.append(fig)
            i = max(ph.last, ph.core_last) + 1
        return out

    def _figure(self, article: Article, ph: _Phrase, lang: str, blocked: _SpanIndex,
                years: list[tuple[int, int]], support: list[tuple[int, int]], done: list[Figure],
                stage: str, version: str) -> Figure | None:
        toks, text = article.tokens, article.text
        for k in ph.number_tokens:
            if blocked.touches(toks[k].start, toks[k].end):
                return None
        if self._is_identifier(toks, ph, lang, text):
            return None
        counted_i = self._counted_by_parse(toks, ph, lang) if ph.unit is None else None
        how = "parse"
        first_num = toks[ph.core_first]
        yearlike = (ph.digits and not ph.scaled and ph.unit is None and ph.upper_value is None
                    and re.fullmatch(r"\d{4}", first_num.text) is not None
                    and YEAR_MIN <= ph.value <= YEAR_MAX)
        if yearlike and (counted_i is None or self._inside(years, first_num.start, first_num.end)):
            return None
        if ph.spelled_one and not self._counts_one(toks, ph, counted_i):
            return None  # "one" / "один": pronoun, "one of", "one thing" - not a count
        last_tok = toks[ph.last]
        after = text[last_tok.end:last_tok.end + 2]
        if re.match(r"[-‑][^\W\d_]", after):
            return None  # compound modifier: "two-track", "30,000-foot"
        if ph.core_first >= 2 and toks[ph.core_first - 1].text.lower() in ("in", "из", "of") \
                and self._num_value(toks[ph.core_first - 2], lang) is not None:
            return None  # ratio: "one in five veterans"
        if counted_i is None and ph.unit is None:
            counted_i = self._counted_next(toks, ph, lang)
            how = "next"
        unit = ph.unit
        counted = counted_s = counted_e = None
        lx = self.lex[lang]
        if counted_i is not None:
            ct = toks[counted_i]
            counted, counted_s, counted_e = self._lemma(ct, lang), ct.start, ct.end
            if counted.lower() in lx["counted_stop"]:
                counted = counted_s = counted_e = None  # "two quick ones"
            elif counted.lower() in lx["time_unit_lemmas"]:
                return None  # a duration or age ("twenty-two years"): the timexes stage's
            elif counted.lower() in lx["fraction_nouns"]:
                return None  # "two thirds"
            elif lx["currency_words"].get(counted.lower()):  # "billions of dollars"
                unit = lx["currency_words"][counted.lower()]
                counted = counted_s = counted_e = None
        elif ph.unit is None and (ph.digits or ph.scaled) and not ph.vague \
                and toks[ph.core_last].dep in _ELIDED_DEPS:
            ante = self._antecedent(article, toks[ph.core_first].sent, done)
            if ante is not None:
                counted, counted_s, counted_e = ante.counted, ante.counted_start, ante.counted_end
                how = "elided"
        if counted is None and unit is None and not ph.digits and not ph.scaled \
                and not self._numeral_subject(toks, ph) and not self._change_endpoint(toks, ph.core_first, lang):
            return None  # a bare spelled number with nothing counted ("the two"), unless
            # it is the value a change reached ("the toll rose to seven", "выросло до пяти")
        # hedge verb governing the phrase: "exceeds one thousand people"
        qualifier = ph.qualifier
        if qualifier == "exact" and ph.upper_value is None:
            head_i = counted_i if counted_i is not None else ph.core_last
            h = toks[toks[head_i].head]
            if h.pos in ("VERB", "AUX") and h.lemma.lower() in self.lex[lang]["hedge_verbs"] \
                    and toks[head_i].dep in ("dobj", "obj", "attr", "nsubj"):
                qualifier = self.lex[lang]["hedge_verbs"][h.lemma.lower()]
        lower: float | None
        upper: float | None
        if ph.upper_value is not None:
            lower, upper = ph.value, ph.upper_value
        else:
            lower, upper = bounds(qualifier, ph.value)
        rate = self._rate(toks, max(ph.last, counted_i if counted_i is not None and how != "elided" else -1),
                          lang)
        if rate is not None:
            unit = f"{unit} per {rate}" if unit else f"per {rate}"  # "USD per year", "per day"
        start = toks[ph.first].start
        end = toks[ph.last].end
        if counted_i is not None and how != "elided" and 0 < counted_i - ph.last <= TEXT_NOUN_GAP \
                and all(toks[k].pos not in ("PUNCT", "VERB", "AUX", "ADP", "CCONJ")
                        or toks[k].dep == "amod"  # a participle modifier: "900 displaced families"
                        for k in range(ph.last + 1, counted_i)):
            end = toks[counted_i].end
        sup = lang == "ru" or self._inside(support, toks[ph.core_first].start, toks[ph.core_first].end)
        conf = CONF_SUPPORTED if sup else CONF_UNSUPPORTED
        if how == "next":
            conf = min(conf, CONF_NEXT_NOUN)
        elif how == "elided":
            conf = min(conf, CONF_ELIDED)
        if counted is None and unit is None:
            conf = min(conf, CONF_NO_NOUN)
        return Figure(text=text[start:end], value=ph.value, start=start, end=end,
                      prov=article.provenance(stage, version, start, conf), lower=lower,
                      upper=upper, unit=unit, counted=counted, qualifier=qualifier,
                      counted_start=counted_s, counted_end=counted_e)

    def _rate(self, toks: list[Token], last: int, lang: str) -> str | None:
        """The time unit of a distributive phrase right after a figure ("1,500 people a day",
        "$2 billion per year", "300 people daily", "1500 человек в сутки", "ежедневно"), or None.

        English marks a rate with the distributive use of the indefinite article, or with
        "per/each/every", before a time noun (Quirk et al. 1985, the distributive "a"), or with
        a frequency adverb of the -ly set (daily, weekly ...); Russian with "в" + the
        accusative of a time noun ("в сутки", "в день") or an еже- adverb. A frequency adverb
        of the figure's own verb marks it too ("300 people cross daily", "ежедневно через КПП
        проходят 2 тыс. человек"). "a day after/later/ago", "a year into the
        war", "a week of fighting" are time adverbials, not rates (``rate_blockers``), and so is
        Russian "в день" followed by a noun or adjective ("в день выборов"): a date.

        Args:
            toks: the article's tokens; last: index of the figure's last token (its counted noun
            when the noun follows the number); lang: "en" or "ru".

        Returns:
            "day" | "week" | "month" | "year" | "hour" | "night", or None.
        """
        lx = self.lex[lang]
        verb = toks[last].head
        if toks[verb].pos in ("VERB", "AUX") and toks[last].dep in _ARGUMENT_DEPS:
            # "300 people cross daily", "ежедневно проходят 2 тыс. человек": the figure is the
            # verb's subject or object (not "briefed reporters daily on the 300 evacuees")
            for k in range(max(0, verb - RATE_WINDOW), min(len(toks), verb + RATE_WINDOW + 1)):
                t = toks[k]
                if t.head == verb and k != verb and t.sent == toks[verb].sent and t.pos == "ADV" \
                        and t.text.lower() in lx["rate_adverbs"]:
                    return str(lx["rate_adverbs"][t.text.lower()])
        j = last + 1
        if j >= len(toks) or toks[j].sent != toks[last].sent:
            return None
        word = toks[j].text.lower()
        if word in lx["rate_adverbs"]:
            return str(lx["rate_adverbs"][word])
        if word not in lx["rate_words"] or j + 1 >= len(toks) or toks[j + 1].sent != toks[j].sent:
            return None
        unit_tok = toks[j + 1]
        unit = lx["rate_units"].get(self._lemma(unit_tok, lang).lower()) or lx["rate_units"].get(unit_tok.text.lower())
        if unit is None:
            return None
        nxt = toks[j + 2] if j + 2 < len(toks) and toks[j + 2].sent == unit_tok.sent else None
        if nxt is not None and (nxt.text.lower() in lx["rate_blockers"]
                                or (lang == "ru" and nxt.pos in ("NOUN", "PROPN", "ADJ", "NUM", "DET"))):
            return None
        return str(unit)

    def _antecedent(self, article: Article, sent: int, done: list[Figure]) -> Figure | None:
        """Nearest earlier figure in this or the previous sentence with a noun and no unit."""
        lo = article.sentences[max(0, sent - 1)].start if article.sentences else 0
        for f in reversed(done):
            if f.start < lo:
                break
            if f.counted and f.unit is None and re.search(r"\d", f.text):
                return f
        return None


@register("figures")
class FigureStage(Stage):
    """Counts and amounts with value, unit, counted noun and hedge bounds (en, ru)."""

    name = "figures"
    version = "7"
    #: ``ner_spans``: names and dates to skip, and support for a confidence;
    #: ``timexes``: numbers inside time expressions are not figures.
    requires = ("text", "language", "tokens", "sentences", "ner_spans", "timexes")
    provides = ("figures",)

    def __init__(self) -> None:
        self._finder: FigureFinder | None = None

    def initialize(self) -> None:
        """Load the figure lexicon and the month names."""
        self._finder = FigureFinder()

    def process(self, article: Article) -> None:
        """Fill ``article.figures`` (replacing any previous list)."""
        assert self._finder is not None
        article.figures = self._finder.find(article, self.name, self.version)
