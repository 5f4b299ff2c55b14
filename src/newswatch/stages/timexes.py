"""Time expressions (TIMEX3-style) for English and Russian, resolved against the publication date.

How it works:

1. **Candidates.** Regular expressions compiled from ``data/timex_lexicon.json`` find explicit
   dates ("July 7", "25 June 2021", "2021-08-31", "7 июля", "08.07.2021"), months and years
   ("August 2021", "в 2021 году"), parts of months/years ("the end of August", "в конце
   августа", "early 2021"), decades ("the early 2000s", "2000-х"), fuzzy past references ("the
   other day", "recently", "на днях", "недавно"), relative days and periods ("yesterday", "last
   week", "на прошлой неделе"), weekdays, "N units ago", durations ("for decades", "two
   years", "два года") and clock times ("2:09 P.M."). For English, spaCy ``DATE``/``TIME``
   spans that no pattern covers are parsed with ``dateparser`` (always ``languages=[lang]`` and
   ``RELATIVE_BASE`` = publication date; never without a publication date, so the machine's
   clock is never used). Overlapping candidates: the longest wins, then the earlier pattern.
2. **Resolution** (``resolve``) against ``article.published``:

   * Month-day without a year: the year (publication year -1, 0 or +1) placing the date
     nearest the publication date ("by September 11" published 2021-07-08 -> 2021-09-11).
     A month without a year: the nearest such month, ties go to the past. Refinement: when
     the governing verb is past tense, or the signal is "since"/"с", only dates on or before
     publication are considered (future tense: on or after); deadline signals ("by") lift
     the restriction. This fixed "Since January" in a 2021-08-06 briefing (nearest alone
     gives 2022-01).
   * Without a publication date the year stays unknown: ``XXXX-07-07`` with ``begin`` and
     ``end_date`` None. Explicit years are always kept.
   * Part of a month (:data:`PART_OF_MONTH`): START = days 1-10, MID = 11-20, END = 21-last;
     part of a year (:data:`PART_OF_YEAR`): START = Jan-Apr, MID = May-Aug, END = Sep-Dec;
     part of a decade (:data:`PART_OF_DECADE`): START = years 0-3, MID = 4-6, END = 7-9.
   * Fuzzy past ("the other day", "recently", "на днях"): value ``PAST_REF``, precision
     ``fuzzy``, interval [published - :data:`FUZZY_PAST_WINDOW_DAYS`, published].
   * Weekdays: the latest such day on or before the publication date; when the governing verb
     is future ("will", "'ll", "shall", Russian ``Tense=Fut``) or the weekday has "next", the
     first such day after it.
   * Deadline signals right before a date ("by", "until", "к", "до") set ``mod`` to
     ``ON_OR_BEFORE``; "before"/"перед" -> ``BEFORE``; "after"/"после" -> ``AFTER``;
     "since"/"с" -> ``ON_OR_AFTER``. A part-of mod (END, START, MID) takes precedence.

   * Future offsets ("через три недели", "через неделю", "three weeks from now", "in two
     weeks' time"): the day, week, month or year that many units after publication (a
     date, not a duration); an unnamed count ("через несколько дней") is ``FUTURE_REF``.
   * Ranges ("с 1 марта по 15 апреля", "с 1 по 15 марта", "с марта по май"): one
     ``DURATION`` timex with both ends in ``begin``/``end_date`` and the length as value
     (``P46D``; TIMEX3's beginPoint/endPoint); without a year and publication date the ends
     stay unknown.
   * The end of a period ("the end of the week/month/year", "конец/конца/концу недели,
     месяца, года"): with a deadline signal ("by", "к", "до") the last day of that period
     with ``mod`` ``ON_OR_BEFORE``; otherwise the period with ``mod`` ``END``.
   * An English spaCy DATE/TIME span no pattern explains, in an article *without* a
     publication date, is kept unresolved (``XXXX-XX-XX``, precision ``fuzzy``,
     :data:`CONF_UNRESOLVED`) when it has a date cue (a digit, month, weekday or relative
     word): it is a time expression even if it cannot be placed.

The span of a timex excludes leading signal prepositions ("by", "on", "в", "к") but keeps
idioms whole ("the other day", "на днях", "на прошлой неделе").

References: TIMEX3 values and mods follow ISO-TimeML (ISO 24617-1) and the TimeML annotation
guidelines 1.2.1 (Saurí et al., 2006).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..model import Article, Timex
from ..pipeline import Stage, register
from ..text.months import running_text_months

#: How far a past-tense date may lie after the publication date (and a future-tense one
#: before it). Publication dates are often the feed's UTC day or the day a page was filed,
#: while the event is dated in local time: a Kremlin item dated 2021-12-27 reports that
#: Rahmon "arrived ... on December 28" (kremlin_en corpus). Two days covers that skew.
TENSE_SLACK_DAYS = 2

#: Width of the fuzzy-past window ("the other day", "recently", "на днях"): [pub - 7 d, pub].
#: A convention (one news week), not calibrated on data; the seed's "the other day" refers to
#: talks held within the preceding week.
FUZZY_PAST_WINDOW_DAYS = 7
#: Day ranges for parts of a month (END runs to the last day of the month).
PART_OF_MONTH = {"START": (1, 10), "MID": (11, 20), "END": (21, 31)}
#: Month ranges for parts of a year.
PART_OF_YEAR = {"START": (1, 4), "MID": (5, 8), "END": (9, 12)}
#: Year ranges within a decade for "early/mid/late 2000s".
PART_OF_DECADE = {"START": (0, 3), "MID": (4, 6), "END": (7, 9)}
#: Confidences (hand-set on the seed and 30 White House documents; see tests/test_timexes.py):
#: explicit pattern matches are nearly always right; fuzzy words and dateparser fall-backs less so.
CONF_PATTERN = 0.9
CONF_RELATIVE = 0.8
CONF_FUZZY = 0.6
CONF_DATEPARSER = 0.6
#: A spaCy DATE/TIME span kept without a value (no publication date to resolve it against).
CONF_UNRESOLVED = 0.4
#: Plausible years for bare four-digit years.
YEAR_MIN, YEAR_MAX = 1600, 2099
#: How far (characters) before a span the signal words ("by", "к") are looked for.
SIGNAL_WINDOW = 30

#: Kinds whose resolution looks at the tense of the governing verb.
_TENSED = {"ymd", "ym", "part_month", "weekday", "range"}
_UNIT_PRECISION = {"DE": "decade", "CE": "century", "Y": "year", "M": "month", "W": "week",
                   "D": "day", "TH": "hour", "TM": "minute"}


def load_lexicon() -> dict[str, Any]:
    """Load ``newswatch/data/timex_lexicon.json`` (hand-compiled; see its ``_about`` key).

    Returns:
        The parsed JSON: ``{"en": {...}, "ru": {...}}``, each language with a ``months`` key
        added from the one month table (:func:`newswatch.text.months.running_text_months`).
    """
    path = resources.files("newswatch") / "data" / "timex_lexicon.json"
    lexicon: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for lang in ("en", "ru"):
        lexicon[lang]["months"] = running_text_months(lang)
    return lexicon


def _alt(words: Any, escape: bool = True) -> str:
    """Regex alternation of ``words``, longest first (so "Sept." beats "Sep")."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in items)


def _phrase(words: Any) -> str:
    """Alternation of multi-word phrases with flexible whitespace."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in items)


@dataclass(slots=True)
class Candidate:
    """A matched time expression before resolution.

    Attributes:
        start, end: character offsets of the expression (end exclusive).
        kind: rule family ("ymd", "ym", "part_month", "part_year", "year", "decade",
            "fuzzy_past", "rel_day", "rel_period", "weekday", "ago", "duration", "time",
            "ner").
        groups: the named groups of the match (strings or None).
        rank: pattern order, used to break ties between equally long candidates.
    """

    start: int
    end: int
    kind: str
    groups: dict[str, Any] = field(default_factory=dict)
    rank: int = 0


@dataclass(slots=True)
class Context:
    """What resolution needs besides the candidate: the publication date and the tense cue."""

    published: dt.date | None
    lang: str
    tense: str | None = None
    signal: str | None = None

    @property
    def direction(self) -> int:
        """-1 (must not be after publication), +1 (not before) or 0, for year choice.

        "since"/"с" and past tense give -1; future tense gives +1; a deadline signal ("by",
        "until", "к") gives 0, because past-tense reports of deadlines point forward ("the
        deadline was set for September 11").
        """
        if self.signal == "ON_OR_AFTER":
            return -1
        if self.signal in ("ON_OR_BEFORE", "BEFORE"):
            return 0
        return {"past": -1, "future": 1}.get(self.tense or "", 0)


class TimexRules:
    """Compiled patterns for one language plus the resolver.

    Args:
        lang: "en" or "ru".
        lexicon: the language's part of the timex lexicon.
    """

    def __init__(self, lang: str, lexicon: dict[str, Any]) -> None:
        self.lang = lang
        self.lex = lexicon
        self.months: dict[str, int] = {k.lower(): v for k, v in lexicon["months"].items()}
        self.weekdays: dict[str, int] = {k.lower(): v for k, v in lexicon["weekdays"].items()}
        self.numbers: dict[str, float] = lexicon["number_words"]
        self.units: dict[str, str] = {k.lower(): v for k, v in lexicon["duration_units"].items()}
        self.part_of: dict[str, str] = lexicon["part_of"]
        self.patterns: list[tuple[str, re.Pattern[str]]] = (
            self._english() if lang == "en" else self._russian()
        )
        #: Per pattern, a cheap regex that finds something in every text where the pattern
        #: matches, or None (see :meth:`candidates`).
        self.gates: list[re.Pattern[str] | None] = [
            re.compile(g) if g else None
            for g in (self._english_gates() if lang == "en" else [None] * len(self.patterns))]
        sig = _phrase(lexicon["signals"])
        self._signal_re = re.compile(rf"(?:^|[\s(«\"“])(?P<sig>{sig})\s+(?:the\s+)?$", re.IGNORECASE)

    # ----------------------------------------------------------------- patterns
    def _english(self) -> list[tuple[str, re.Pattern[str]]]:
        lx = self.lex
        mon = rf"(?P<month>{_alt(lx['months'])})(?![A-Za-z])"
        wd = _alt(lx["weekdays"])
        day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
        year = r"(?P<year>(?:1[6-9]|20)\d\d)"
        part = r"(?P<part>(?i:beginning|start|end|middle|first\s+half|second\s+half|close))"
        epart = r"(?P<part>(?i:early|mid|late))"
        units = _alt(lx["duration_units"])
        num = rf"\d+(?:\.\d+)?|(?i:{_alt(lx['number_words'])})"
        fuzzy = _phrase(lx["fuzzy_past"])
        reldays = _phrase(list(lx["day_parts"]) + list(lx["relative_days"]))
        vague = _phrase(lx["vague_quantity"])
        pats = [
            ("ymd", r"(?<![\d-])(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),
            ("ymd", rf"(?:(?P<wd>{wd}),?\s+)?{mon}\s+{day}(?![\d:,]\d)(?!\d)"
                    rf"(?:(?:,\s*|\s+){year}(?!\d))?"),
            ("ymd", rf"(?:(?P<wd>{wd}),?\s+)?(?i:the\s+)?{day}\s+(?i:of\s+)?{mon}"
                    rf"(?:,?\s+{year}(?!\d))?"),
            ("ym", rf"{mon}\s+(?i:of\s+)?{year}(?![\d,]\d)"),
            ("part_month", rf"(?i:the\s+)?{part}\s+(?i:of\s+)(?i:the\s+month\s+of\s+)?{mon}"
                           rf"(?:,?\s+{year}(?!\d))?"),
            ("part_month", rf"{epart}[-\s]{mon}(?:,?\s+{year}(?!\d))?"),
            ("part_year", rf"(?i:the\s+)?{part}\s+(?i:of\s+){year}(?![\d']|s)"),
            ("part_year", rf"{epart}[-\s]?{year}(?![\d']|s)"),
            ("period_end", r"(?i:the\s+)?(?P<part>(?i:end|close))\s+(?i:of\s+)"
                           r"(?P<rel>(?i:this|the|next|last|that))\s+(?P<unit>(?i:week|month|year))\b"),
            ("part_year", rf"(?i:the\s+)?{part}\s+(?i:of\s+)(?P<rel>(?i:this|the|last|next))"
                          rf"\s+(?i:year)\b"),
            ("later", rf"(?i:\b(?P<n>{num}|a|an)\s+(?P<unit>{units})\s+from\s+now\b)"),
            ("later", rf"(?i:\bin\s+(?P<t>(?P<n>{num}|a|an)\s+(?P<unit>{units})['’]?\s+time)\b)"),
            ("decade", rf"(?i:the\s+)?(?:{epart}[-\s])?(?P<dec>(?:1[6-9]|20)\d)0'?s\b"),
            ("decade", rf"(?i:the\s+)?(?:{epart}[-\s])?['’](?P<dec2>\d)0s\b"),
            ("ym", rf"(?i:\b(?:in|since|until|till|by|during|from|through|before|after|early|"
                   rf"late|last|next|this|of)\s+)(?P<t>{mon})(?!\s*\d)"),
            ("year", rf"(?i:\b(?:in|since|until|till|by|during|from|through|before|after|"
                     rf"fiscal\s+year|year|end\s+of|start\s+of|spring|summer|fall|autumn|"
                     rf"winter|early|late)\s+)(?P<t>{year})(?![\d']|s|-\d|,\d|\.\d)"),
            ("fuzzy_past", rf"(?i:\b(?:{fuzzy})\b)"),
            ("rel_day", rf"(?i:\b(?P<rd>{reldays})\b)"),
            ("rel_period", r"(?i:\b(?P<ref>last|previous|this|current|next|coming)\s+"
                           r"(?P<unit>week|month|year)\b)"),
            ("weekday", rf"(?:(?P<ref>(?i:last|next|this))\s+)?(?<![A-Za-z])(?P<wd>{wd})(?![A-Za-z])"),
            ("ago", rf"(?i:\b(?P<n>{num}|a\s+few|several|a\s+couple\s+of|many)\s+"
                    rf"(?P<unit>{units})\s+ago\b)"),
            ("duration", rf"(?i:\b(?:(?P<pre>the\s+(?:past|last|next|coming|first))\s+)?"
                         rf"(?P<n>{num})[-\s](?P<unit>{units})\b)(?![-\s](?i:old))"),
            ("duration", rf"(?i:\b(?:for|over|in|during)\s+(?:(?:{vague})\s+)?)"
                         rf"(?P<t>(?P<unit>(?i:decades|centuries|years|months|weeks)))\b"
                         rf"(?!\s+(?i:ago|old))"),
            ("duration", rf"(?i:\b(?P<t>(?:{vague})\s+(?P<unit>decades|years|months|weeks)))\b"
                         rf"(?!\s+(?i:ago|old))"),
            ("time", r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])"
                     r"(?:\s*(?P<ap>(?i:[ap]\.m\.|[ap]m\b)))?"),
            ("time", r"(?<![\d:.])(?P<h>1[0-2]|0?[1-9])\s*(?P<ap>(?i:[ap]\.m\.|[ap]m\b))"),
        ]
        return [(k, re.compile(p)) for k, p in pats]

    def _english_gates(self) -> list[str | None]:
        """The gate of each English pattern (in :meth:`_english`'s order), or None.

        A gate is a part that every match of its pattern must contain, written with the same
        case rules (or a looser version of that part: fewer characters, a shorter
        alternative), so a text the gate finds nothing in has no match of the pattern. The
        gates are regexes whose first character the regex engine can skip to (a digit, a
        month or weekday name, a few letters), where most patterns begin with optional
        words it must try at every position; patterns that match in most texts have none.
        """
        lx = self.lex
        months = rf"(?:{_alt(lx['months'])})(?![A-Za-z])"
        part_of = r"(?i:beginning|start|end|middle|half|close)\s+(?i:of\s)"
        gates: list[str | None] = [None] * 26
        gates[1] = months + r"\s+\d"  # "{mon}\s+{day}"
        gates[2] = r"\d(?:st|nd|rd|th)?\s+(?i:of\s+)?" + months  # "{day}\s+(of\s+)?{mon}"
        for i in (4, 6, 8, 9):  # "{part}\s+of\s+": "first half" ends with "half"
            gates[i] = part_of
        gates[10] = r"(?i:from\s+now)"
        gates[12] = r"\d0'?s\b"  # "...\d)0'?s\b"
        gates[13] = r"['’]\d0s\b"
        gates[15] = r"(?:1[6-9]|20)\d\d"  # the year
        gates[19] = rf"(?:{_alt(lx['weekdays'])})(?![A-Za-z])"
        gates[20] = r"(?i:\sago\b)"  # "\s+ago\b"
        gates[24] = r":[0-5]\d"  # ":(?P<m>[0-5]\d)"
        return gates

    def _russian(self) -> list[tuple[str, re.Pattern[str]]]:
        lx = self.lex
        mon = rf"(?P<month>{_alt(lx['months'])})(?![а-яё])"
        mons = _alt(lx["months"])
        wd = _alt(lx["weekdays"])
        day = r"(?P<day>[0-3]?\d)(?:-?(?:го|е|ое))?"
        year = r"(?P<year>(?:1[6-9]|20)\d\d)"
        yword = r"(?:\s*(?:-?м\s+)?(?:год[а-я]*|г\.|гг\.))"
        part = rf"(?P<part>{_phrase(lx['part_of'])})"
        units = _alt(lx["duration_units"])
        num = rf"\d+(?:,\d+)?|{_alt(lx['number_words'])}|несколько|нескольких"
        fuzzy = _phrase(lx["fuzzy_past"])
        reldays = _phrase(list(lx["day_parts"]) + list(lx["relative_days"]))
        relper = _phrase(lx["relative_periods"])
        vague = _phrase(lx["vague_duration"])
        ago = _phrase(lx["ago_words"])
        pats = [
            ("ymd", r"(?<![\d-])(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),
            ("ymd", r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]\d)\.(?P<year>\d{4})(?!\d)"),
            ("ymd", rf"(?<![\d,.]){day}\s+{mon}(?:\s+{year}(?!\d){yword}?)?"),
            ("ym", rf"{mon}\s+{year}(?!\d){yword}?"),
            ("part_month", rf"{part}\s+{mon}(?:\s+{year}(?!\d){yword}?)?"),
            ("range", rf"(?<![а-яё])(?:с|со)\s+(?P<d1>[0-3]?\d)(?:-?(?:го|е))?(?:\s+(?P<m1>{mons}))?"
                      rf"\s+(?:по|до)\s+(?P<d2>[0-3]?\d)(?:-?(?:го|е))?\s+(?P<m2>{mons})(?![а-яё])"
                      rf"(?:\s+{year}(?!\d){yword}?)?"),
            ("range", rf"(?<![а-яё])(?:с|со)\s+(?P<m1>{mons})\s+(?:по|до)\s+(?P<m2>{mons})(?![а-яё])"
                      rf"(?:\s+{year}(?!\d){yword}?)?"),
            ("period_end", r"(?<![а-яё])(?P<part>конец|конца|концу|конце)\s+(?:(?P<rel>этой|этого|"
                           r"текущей|текущего|следующей|следующего|прошлой|прошлого)\s+)?"
                           r"(?P<unit>недели|месяца|года)(?![а-яё])"),
            ("later", rf"(?<![а-яё])через\s+(?:(?P<n>{num})\s+)?(?P<unit>{units})(?![а-яё])"),
            ("part_year", rf"{part}\s+{year}(?!\d){yword}"),
            ("part_year", rf"{part}\s+(?P<rel>этого|прошлого|следующего|текущего)?\s*года\b"),
            ("decade", rf"(?:{part}\s+)?(?P<dec>(?:1[6-9]|20)\d)0-?(?:х|е|ых|ые)(?![а-я])"
                       rf"(?:\s+(?:годов|годах|годы|гг\.))?"),
            ("year", rf"(?<![\d,.]){year}(?!\d){yword}(?![а-яё])"),
            ("ym", rf"(?:\b(?:в|во|с|со|до|к|после|начиная\s+с)\s+)(?P<t>{mon})(?!\s+\d)"),
            ("fuzzy_past", rf"(?<![а-яё])(?:{fuzzy})(?![а-яё])"),
            ("rel_day", rf"(?<![а-яё])(?P<rd>{reldays})(?![а-яё])"),
            ("rel_period", rf"(?<![а-яё])(?P<rp>{relper})(?![а-яё])"),
            ("weekday", rf"(?:\b(?:в|во)\s+)(?P<t>(?P<wd>{wd}))(?![а-яё])"),
            ("ago", rf"(?<![а-яё\d])(?P<n>{num})\s+(?P<unit>{units})\s+(?:{ago})(?![а-яё])"),
            ("duration", rf"(?<![а-яё\d,.])(?P<n>{num})\s+(?P<unit>{units})(?![а-яё])"),
            ("duration", rf"(?<![а-яё])(?P<t>(?P<vague>{vague}))(?![а-яё])"),
            ("time", r"(?<![\d:.])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])"),
        ]
        return [(k, re.compile(p, re.IGNORECASE)) for k, p in pats]

    # --------------------------------------------------------------- candidates
    def candidates(self, text: str) -> list[Candidate]:
        """All non-overlapping pattern matches in ``text``, in text order.

        Args:
            text: the article text.

        Returns:
            Candidates; of overlapping matches the longest is kept (ties: earlier pattern).

        A pattern whose gate (:attr:`gates`) finds nothing in ``text`` is not run: it could
        not match. Searching for a gate is far cheaper than running the pattern, which starts
        with optional words and is tried at every position (1.2 -> 0.5 CPU s over the 250
        texts of ``benchmarks/bench_ingest.py``).
        """
        found: list[Candidate] = []
        opened: dict[re.Pattern[str], bool] = {}  # a gate shared by several patterns: searched once
        for rank, ((kind, rx), gate) in enumerate(zip(self.patterns, self.gates, strict=True)):
            if gate is not None:
                if gate not in opened:
                    opened[gate] = gate.search(text) is not None
                if not opened[gate]:
                    continue
            for m in rx.finditer(text):
                groups = {k: v for k, v in m.groupdict().items() if v is not None}
                s, e = (m.start("t"), m.end("t")) if "t" in groups else (m.start(), m.end())
                if s < e and self._plausible(kind, groups):
                    found.append(Candidate(s, e, kind, groups, rank))
        return select_longest(found)

    def _plausible(self, kind: str, g: dict[str, Any]) -> bool:
        if "day" in g and not 1 <= int(g["day"]) <= 31:
            return False
        if "month" in g and g["month"].isdigit() and not 1 <= int(g["month"]) <= 12:
            return False
        if kind == "duration" and "n" in g and self.units.get(g["unit"].lower()) == "Y":
            n = _number(g["n"], self.numbers)
            return n is not None and n < 200  # "2017 года" is a year, not 2017 years
        if "year" in g and not YEAR_MIN <= int(g["year"]) <= YEAR_MAX:  # noqa: SIM103 -- one guard of a list of guards
            return False
        return True

    # --------------------------------------------------------------- resolution
    def signal_before(self, text: str, start: int) -> str | None:
        """The TIMEX3 mod implied by a signal word right before ``start`` ("by" -> ON_OR_BEFORE)."""
        m = self._signal_re.search(text[max(0, start - SIGNAL_WINDOW):start])
        if not m:
            return None
        key = " ".join(m.group("sig").lower().split())
        mod: str | None = self.lex["signals"].get(key)
        return mod

    def resolve(self, c: Candidate, ctx: Context) -> dict[str, Any] | None:
        """Turn a candidate into Timex fields (without text/offsets/provenance).

        Args:
            c: the candidate.
            ctx: publication date, language, tense cue and signal mod.

        Returns:
            A dict with keys value, type, mod, begin, end_date, anchor, precision, confidence;
            or None when the candidate does not denote a valid time (e.g. "February 30").
        """
        fn = getattr(self, f"_r_{c.kind}")
        try:
            out: dict[str, Any] | None = fn(c.groups, ctx)
        except ValueError:  # invalid calendar date such as 31 June
            return None
        if out is None:
            return None
        out.setdefault("type", "DATE")
        out.setdefault("mod", None)
        out.setdefault("begin", None)
        out.setdefault("end_date", None)
        out.setdefault("anchor", None)
        out.setdefault("confidence", CONF_PATTERN)
        if out["type"] == "DATE" and out["mod"] is None and ctx.signal:
            out["mod"] = ctx.signal
        return out

    def _month(self, s: str) -> int:
        return int(s) if s.isdigit() else self.months[s.lower()]

    def _r_ymd(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        month, day = self._month(g["month"]), int(g["day"])
        if "year" in g:
            d = dt.date(int(g["year"]), month, day)
            return _day(d, anchor=None)
        dt.date(2000, month, day)  # validates day-of-month (leap year allows 29 February)
        if ctx.published is None:
            return {"value": f"XXXX-{month:02d}-{day:02d}", "precision": "day"}
        d = nearest_date(month, day, ctx.published, ctx.direction)
        return _day(d, anchor=ctx.published)

    def _r_ym(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        month = self._month(g["month"])
        year, anchor = self._year_for_month(g, month, ctx)
        if year is None:
            return {"value": f"XXXX-{month:02d}", "precision": "month"}
        last = calendar.monthrange(year, month)[1]
        return {"value": f"{year:04d}-{month:02d}", "precision": "month", "anchor": anchor,
                "begin": dt.date(year, month, 1).isoformat(),
                "end_date": dt.date(year, month, last).isoformat()}

    def _year_for_month(self, g: dict[str, Any], month: int,
                        ctx: Context) -> tuple[int | None, str | None]:
        if "year" in g:
            return int(g["year"]), None
        if ctx.published is None:
            return None, None
        return nearest_month_year(month, ctx.published, ctx.direction), _anchor(ctx.published)

    def _part(self, g: dict[str, Any]) -> str:
        key = " ".join(g["part"].lower().split())
        return self.part_of.get(key, "MID")

    def _r_part_month(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        month = self._month(g["month"])
        mod = self._part(g)
        year, anchor = self._year_for_month(g, month, ctx)
        if year is None:
            return {"value": f"XXXX-{month:02d}", "precision": "month", "mod": mod}
        lo, hi = PART_OF_MONTH[mod]
        hi = min(hi, calendar.monthrange(year, month)[1])
        return {"value": f"{year:04d}-{month:02d}", "precision": "month", "mod": mod,
                "anchor": anchor, "begin": dt.date(year, month, lo).isoformat(),
                "end_date": dt.date(year, month, hi).isoformat()}

    def _r_part_year(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        mod = self._part(g)
        anchor = None
        if "year" in g:
            year: int | None = int(g["year"])
        elif ctx.published is not None:
            rel = {"last": -1, "прошлого": -1, "next": 1, "следующего": 1}.get(
                (g.get("rel") or "").lower(), 0)
            year, anchor = ctx.published.year + rel, _anchor(ctx.published)
        else:
            year = None
        if year is None:
            return {"value": "XXXX", "precision": "year", "mod": mod}
        lo, hi = PART_OF_YEAR[mod]
        return {"value": f"{year:04d}", "precision": "year", "mod": mod, "anchor": anchor,
                "begin": dt.date(year, lo, 1).isoformat(),
                "end_date": dt.date(year, hi, calendar.monthrange(year, hi)[1]).isoformat()}

    def _r_year(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        y = int(g["year"])
        return {"value": f"{y:04d}", "precision": "year", "begin": f"{y:04d}-01-01",
                "end_date": f"{y:04d}-12-31"}

    def _r_decade(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        dec = g["dec"] if "dec" in g else "19" + g["dec2"]
        mod = self._part(g) if "part" in g else None
        first = int(dec) * 10
        lo, hi = PART_OF_DECADE[mod] if mod else (0, 9)
        return {"value": f"{dec}X", "precision": "decade", "mod": mod,
                "begin": f"{first + lo:04d}-01-01", "end_date": f"{first + hi:04d}-12-31",
                "confidence": CONF_RELATIVE}

    def _r_fuzzy_past(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {"value": "PAST_REF", "precision": "fuzzy", "confidence": CONF_FUZZY}
        if ctx.published is not None:
            out["begin"] = (ctx.published - dt.timedelta(days=FUZZY_PAST_WINDOW_DAYS)).isoformat()
            out["end_date"] = ctx.published.isoformat()
            out["anchor"] = _anchor(ctx.published)
        return out

    def _r_rel_day(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        key = " ".join(g["rd"].lower().split())
        part = None
        if key in self.lex["day_parts"]:
            off_s, part = self.lex["day_parts"][key]
            offset = int(off_s)
        else:
            offset = int(self.lex["relative_days"][key])
        if ctx.published is None:
            value = "XXXX-XX-XX" + (f"T{part}" if part else "")
            return {"value": value, "precision": "day", "type": "TIME" if part else "DATE"}
        d = ctx.published + dt.timedelta(days=offset)
        out = _day(d, anchor=ctx.published, confidence=CONF_RELATIVE)
        if part:
            out.update(value=f"{d.isoformat()}T{part}", type="TIME")
        return out

    def _r_rel_period(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        if "rp" in g:
            unit, offset = self.lex["relative_periods"][" ".join(g["rp"].lower().split())]
        else:
            unit = {"week": "W", "month": "M", "year": "Y"}[g["unit"].lower()]
            offset = self.lex["relative_refs"][g["ref"].lower()]
        return _period(unit, int(offset), ctx.published)

    def _r_weekday(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        wd = self.weekdays[g["wd"].lower()]
        ref = (g.get("ref") or "").lower()
        if ctx.published is None:
            return {"value": f"XXXX-WXX-{wd + 1}", "precision": "day"}
        future = ref == "next" or (ctx.tense == "future" and ref != "last")
        pub = ctx.published
        if future:
            d = pub + dt.timedelta(days=(wd - pub.weekday() - 1) % 7 + 1)
        else:
            d = pub - dt.timedelta(days=(pub.weekday() - wd) % 7)
        return _day(d, anchor=pub, confidence=CONF_RELATIVE)

    def _r_ago(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        unit = self.units[g["unit"].lower()]
        n = _number(g["n"], self.numbers)
        if n is None or ctx.published is None or n != int(n):
            out = self._r_fuzzy_past(g, ctx)
            out.update(begin=None, end_date=None)
            return out
        return _shift(unit, -int(n), ctx.published)

    def _r_duration(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        if "vague" in g:
            unit = self.lex["vague_duration"][" ".join(g["vague"].lower().split())]
            n = None
        else:
            unit = self.units[g["unit"].lower()]
            n = _number(g["n"], self.numbers) if "n" in g else None
        qty = "X" if n is None else (str(int(n)) if n == int(n) else str(n))
        value = f"PT{qty}{unit[1]}" if unit.startswith("T") else f"P{qty}{unit}"
        out: dict[str, Any] = {"value": value, "type": "DURATION",
                               "precision": _UNIT_PRECISION[unit],
                               "confidence": CONF_PATTERN if n is not None else CONF_RELATIVE}
        pre = (g.get("pre") or "").lower().split()
        if n is not None and ctx.published is not None and pre[-1:] in (["past"], ["last"]) \
                and unit in ("Y", "M", "W", "D") and n == int(n):
            out["begin"] = _minus(ctx.published, unit, int(n)).isoformat()
            out["end_date"] = ctx.published.isoformat()
            out["anchor"] = _anchor(ctx.published)
        return out

    def _r_later(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """"через три недели", "three weeks from now": the period that far after publication."""
        unit = self.units[g["unit"].lower()]
        raw = (g.get("n") or "").lower()
        n = 1.0 if raw in ("", "a", "an") else _number(raw, self.numbers)
        if n is None or ctx.published is None or n != int(n) or unit not in ("D", "W", "M", "Y"):
            out: dict[str, Any] = {"value": "FUTURE_REF", "precision": "fuzzy",
                                   "confidence": CONF_FUZZY}
            if ctx.published is not None:
                out.update(begin=ctx.published.isoformat(), anchor=_anchor(ctx.published))
            return out
        return _shift(unit, int(n), ctx.published)

    def _r_range(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """"с 1 марта по 15 апреля": one interval with both ends (TIMEX3 DURATION)."""
        m2 = self._month(g["m2"])
        m1 = self._month(g["m1"]) if "m1" in g else m2
        d1 = int(g["d1"]) if "d1" in g else 1
        whole_months = "d2" not in g
        if "year" in g:
            y2 = int(g["year"])
            y1 = y2 if (m1, d1) <= (m2, int(g.get("d2", 1))) else y2 - 1
        elif ctx.published is not None:
            y1 = (nearest_date(m1, d1, ctx.published, ctx.direction).year if not whole_months
                  else nearest_month_year(m1, ctx.published, ctx.direction))
            y2 = y1 if (m1, d1) <= (m2, int(g.get("d2", 1))) else y1 + 1
        else:
            return {"value": "PXD", "type": "DURATION", "precision": "day"}
        d2 = calendar.monthrange(y2, m2)[1] if whole_months else int(g["d2"])
        lo, hi = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
        if hi < lo:
            raise ValueError("range ends before it starts")
        out = {"value": f"P{(hi - lo).days + 1}D", "type": "DURATION",
               "precision": "month" if whole_months else "day",
               "begin": lo.isoformat(), "end_date": hi.isoformat()}
        if "year" not in g and ctx.published is not None:
            out["anchor"] = _anchor(ctx.published)
        return out

    def _r_period_end(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """"(by) the end of the week/month/year": a deadline at that end, or the period's end."""
        unit = {"week": "W", "недели": "W", "month": "M", "месяца": "M",
                "year": "Y", "года": "Y"}[g["unit"].lower()]
        rel = (g.get("rel") or "").lower()
        offset = {"next": 1, "следующей": 1, "следующего": 1, "last": -1, "прошлой": -1,
                  "прошлого": -1}.get(rel, 0)
        if ctx.published is None:
            value = {"W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}[unit]
            return {"value": value, "precision": _UNIT_PRECISION[unit], "mod": "END",
                    "confidence": CONF_RELATIVE}
        period = _period(unit, offset, ctx.published)
        last = dt.date.fromisoformat(period["end_date"])
        if ctx.signal == "ON_OR_BEFORE":
            return {**_day(last, anchor=ctx.published, confidence=CONF_RELATIVE), "mod": "ON_OR_BEFORE"}
        if unit == "M":
            period["begin"] = last.replace(day=PART_OF_MONTH["END"][0]).isoformat()
        elif unit == "Y":
            period["begin"] = dt.date(last.year, PART_OF_YEAR["END"][0], 1).isoformat()
        else:
            period["begin"] = (last - dt.timedelta(days=2)).isoformat()  # Friday to Sunday
        return {**period, "mod": "END"}

    def _r_time(self, g: dict[str, Any], ctx: Context) -> dict[str, Any]:
        h, m = int(g["h"]), int(g.get("m", 0))
        ap = (g.get("ap") or "").lower().replace(".", "")
        if ap == "pm" and h < 12:
            h += 12
        elif ap == "am" and h == 12:
            h = 0
        if ctx.published is None:
            return {"value": f"XXXX-XX-XXT{h:02d}:{m:02d}", "type": "TIME", "precision": "minute"}
        pub = ctx.published.isoformat()
        return {"value": f"{pub}T{h:02d}:{m:02d}", "type": "TIME", "precision": "minute",
                "begin": pub, "end_date": pub, "anchor": _anchor(ctx.published),
                "confidence": CONF_RELATIVE}


def select_longest(cands: list[Candidate]) -> list[Candidate]:
    """Keep a non-overlapping subset: longest first, ties to the lower rank; text order out."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.rank, c.start)):
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _number(s: str, words: dict[str, float]) -> float | None:
    s = " ".join(s.lower().split())
    if re.fullmatch(r"\d+(?:[.,]\d+)?", s):
        return float(s.replace(",", "."))
    v = words.get(s)
    return float(v) if v is not None else None


def _anchor(pub: dt.date) -> str:
    return f"publication:{pub.isoformat()}"


def _day(d: dt.date, anchor: dt.date | None, confidence: float = CONF_PATTERN) -> dict[str, Any]:
    out: dict[str, Any] = {"value": d.isoformat(), "precision": "day", "begin": d.isoformat(),
                           "end_date": d.isoformat(), "confidence": confidence}
    if anchor is not None:
        out["anchor"] = _anchor(anchor)
    return out


def nearest_date(month: int, day: int, pub: dt.date, direction: int = 0) -> dt.date:
    """The date with this month and day nearest to ``pub`` (years pub-1..pub+1; ties: past).

    Args:
        month, day: the written month and day.
        pub: publication date.
        direction: -1 keeps only dates on or before ``pub``, +1 only on or after it, 0 any
            (when the restriction leaves nothing, any year is allowed); either bound is
            loosened by :data:`TENSE_SLACK_DAYS`.

    Raises:
        ValueError: no valid date (e.g. 29 February with no leap year in range).
    """
    cands = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        try:
            cands.append(dt.date(y, month, day))
        except ValueError:
            continue
    if not cands:
        raise ValueError(f"no valid date for {month}-{day}")
    ok = [d for d in cands if direction == 0 or (d - pub).days * direction >= -TENSE_SLACK_DAYS] or cands
    return min(ok, key=lambda d: (abs((d - pub).days), d))


def nearest_month_year(month: int, pub: dt.date, direction: int = 0) -> int:
    """Year of the month ``month`` nearest to ``pub`` (distance 0 if ``pub`` is inside it).

    ``direction`` restricts as in :func:`nearest_date` (-1: the month starts on or before
    ``pub``; +1: it ends on or after ``pub``). Ties go to the past.
    """
    scored = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        first = dt.date(y, month, 1)
        last = dt.date(y, month, calendar.monthrange(y, month)[1])
        if direction < 0 and first > pub or direction > 0 and last < pub:
            continue
        dist = 0 if first <= pub <= last else min(abs((first - pub).days), abs((last - pub).days))
        scored.append((dist, y))
    if not scored:
        return nearest_month_year(month, pub, 0)
    return min(scored)[1]


def _add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _minus(d: dt.date, unit: str, n: int) -> dt.date:
    if unit == "D":
        return d - dt.timedelta(days=n)
    if unit == "W":
        return d - dt.timedelta(weeks=n)
    if unit == "M":
        return _add_months(d, -n)
    return _add_months(d, -12 * n)


def _period(unit: str, offset: int, pub: dt.date | None) -> dict[str, Any]:
    """The calendar week/month/year ``offset`` periods from ``pub``'s."""
    if pub is None:
        value = {"W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}[unit]
        return {"value": value, "precision": _UNIT_PRECISION[unit], "confidence": CONF_RELATIVE}
    if unit == "W":
        d = pub + dt.timedelta(weeks=offset)
        iso = d.isocalendar()
        mon = d - dt.timedelta(days=d.weekday())
        return {"value": f"{iso.year:04d}-W{iso.week:02d}", "precision": "week",
                "begin": mon.isoformat(), "end_date": (mon + dt.timedelta(days=6)).isoformat(),
                "anchor": _anchor(pub), "confidence": CONF_RELATIVE}
    if unit == "M":
        d = _add_months(pub.replace(day=1), offset)
        last = calendar.monthrange(d.year, d.month)[1]
        return {"value": f"{d.year:04d}-{d.month:02d}", "precision": "month",
                "begin": d.isoformat(), "end_date": d.replace(day=last).isoformat(),
                "anchor": _anchor(pub), "confidence": CONF_RELATIVE}
    y = pub.year + offset
    return {"value": f"{y:04d}", "precision": "year", "begin": f"{y:04d}-01-01",
            "end_date": f"{y:04d}-12-31", "anchor": _anchor(pub), "confidence": CONF_RELATIVE}


def _shift(unit: str, n: int, pub: dt.date) -> dict[str, Any]:
    """"N units ago": the day, week, month, year or decade ``n`` units from ``pub``."""
    if unit == "D":
        return _day(pub + dt.timedelta(days=n), anchor=pub, confidence=CONF_RELATIVE)
    if unit in ("W", "M", "Y"):
        return _period(unit, n, pub)
    if unit == "DE":
        y = pub.year + 10 * n
        dec = y // 10
        return {"value": f"{dec}X", "precision": "decade", "begin": f"{dec * 10:04d}-01-01",
                "end_date": f"{dec * 10 + 9:04d}-12-31", "anchor": _anchor(pub),
                "confidence": CONF_RELATIVE}
    return {"value": "PAST_REF", "precision": "fuzzy", "anchor": _anchor(pub),
            "confidence": CONF_FUZZY}


class _TenseProbe:
    """Finds the verb governing a character offset and tells its tense.

    English: ``will``/``'ll``/``shall`` or "going to" -> future; a past-tense verb (VBD), or a
    participle with "have"/"has"/"had" -> past. Russian: the verb's ``Tense=Fut``/``Tense=Past``
    feature. Anything else (modals such as "would", present, infinitives) -> None.
    """

    def __init__(self, article: Article) -> None:
        self.article = article
        self.starts = [t.start for t in article.tokens]

    def tense(self, start: int) -> str | None:
        """"past", "future" or None for the verb governing the token at ``start``."""
        toks = self.article.tokens
        if not toks:
            return None
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        for _ in range(8):
            t = toks[i]
            if t.pos in ("VERB", "AUX"):
                return self._verb_tense(i)
            if t.head == i:
                return None
            i = t.head
        return None

    def _verb_tense(self, i: int) -> str | None:
        toks = self.article.tokens
        t = toks[i]
        if "Tense=Fut" in t.morph:
            return "future"
        aux = [toks[k] for k in range(max(0, i - 5), i) if toks[k].head == i]
        words = {a.text.lower() for a in aux}
        if words & {"will", "'ll", "shall", "wo"} or t.lemma in ("will", "shall"):
            return "future"
        if t.lemma == "go" and t.tag == "VBG" and i + 1 < len(toks) and toks[i + 1].text == "to":
            return "future"
        if words & {"would", "could", "should", "might", "may", "must", "can"}:
            return None
        if t.tag == "VBD" or (t.tag == "VBN" and words & {"have", "has", "had", "'ve"}):
            return "past"
        if words & {"had", "did", "was", "were"}:
            return "past"
        if "Tense=Past" in t.morph and self.article.language == "ru":
            return "past"
        return None


class TimexFinder:
    """Finds and resolves time expressions in an article (both languages).

    Build it in a stage's ``initialize()``; it loads the lexicon and compiles the patterns.
    """

    def __init__(self) -> None:
        lex = load_lexicon()
        self.rules = {lang: TimexRules(lang, lex[lang]) for lang in ("en", "ru")}
        self._stop = {lang: set(lex[lang].get("stop_spans", [])) for lang in ("en", "ru")}
        self._parsers: dict[tuple[str, dt.date], Any] = {}

    def spans(self, article: Article) -> list[Candidate]:
        """Pattern candidates for the article's language (no NER fall-back, no resolution).

        Candidates only: what the patterns matched, before resolution drops invalid dates.
        """
        rules = self.rules.get(article.language or "")
        return rules.candidates(article.text) if rules else []

    def find(self, article: Article, stage: str, version: str) -> list[Timex]:
        """All resolved time expressions of ``article``, in text order.

        Args:
            article: with ``text``, ``language``, ``tokens``, ``sentences`` and (English)
                ``ner_spans`` filled; ``published`` may be None.
            stage, version: for the provenance of each item.

        Returns:
            Timex items; an unsupported language gives an empty list.
        """
        lang = article.language or ""
        rules = self.rules.get(lang)
        if rules is None:
            return []
        text = article.text
        cands = rules.candidates(text)
        if lang == "en":
            cands = cands + self._ner_candidates(article, cands)
            cands.sort(key=lambda c: c.start)
        probe = _TenseProbe(article)
        out: list[Timex] = []
        for c in cands:
            ctx = Context(article.published, lang,
                          tense=probe.tense(c.start) if c.kind in _TENSED else None,
                          signal=rules.signal_before(text, c.start))
            res = self._resolve_ner(c, ctx) if c.kind == "ner" else rules.resolve(c, ctx)
            if res is None:
                continue
            conf = res.pop("confidence")
            out.append(Timex(text=text[c.start:c.end], start=c.start, end=c.end,
                             prov=article.provenance(stage, version, c.start, conf), **res))
        return out

    # -------------------------------------------------------------- NER fall-back
    def _ner_candidates(self, article: Article, taken: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        text = article.text
        for sp in article.ner_spans:
            if sp.label not in ("DATE", "TIME"):
                continue
            if any(not (sp.end <= c.start or sp.start >= c.end) for c in taken):
                continue
            s, e = sp.start, sp.end
            m = re.match(r"(?i)(?:the|on|in|at|by|of)\s+", text[s:e])
            if m and s + m.end() < e:
                s += m.end()
            span = text[s:e].strip()
            low = span.lower()
            if re.fullmatch(r"\d{4}", span) and YEAR_MIN <= int(span) <= YEAR_MAX \
                    and sp.label == "DATE":
                out.append(Candidate(s, s + 4, "year", {"year": span}, 99))  # spaCy's bare year
                continue
            if not span or low in self._stop["en"] or re.fullmatch(r"[\d,.]+", span):
                continue
            out.append(Candidate(s, s + len(span), "ner", {"text": span, "label": sp.label}, 99))
        return out

    def _resolve_ner(self, c: Candidate, ctx: Context) -> dict[str, Any] | None:
        """dateparser on a spaCy DATE/TIME span that no pattern explained.

        Only for spans with a digit, a month, a weekday or a relative word, because
        dateparser turns vague phrases ("a week") into dates relative to its base; only with a
        publication date (RELATIVE_BASE); without one, such a span is kept unresolved.
        """
        span = c.groups["text"]
        rules = self.rules[ctx.lang]
        words = set(re.findall(r"[a-z]+", span.lower()))
        # relative and deictic words place a span in time ("this weekend", "the coming days")
        cues = {"ago", "last", "next", "yesterday", "tomorrow", "today", "earlier", "later",
                "this", "coming", "past", "recent"}
        has_cue = bool(re.search(r"\d", span)) or bool(words & cues) or bool(
            words & set(rules.months) | words & set(rules.weekdays))
        if not has_cue or re.search(r"\b(old|age|aged)\b", span.lower()):
            return None
        if ctx.published is None:  # a time expression that cannot be placed: kept, unresolved
            is_time = c.groups.get("label") == "TIME"
            return {"value": "XXXX-XX-XXTXX:XX" if is_time else "XXXX-XX-XX",
                    "type": "TIME" if is_time else "DATE", "precision": "fuzzy",
                    "confidence": CONF_UNRESOLVED, "mod": ctx.signal, "anchor": None}
        key = (ctx.lang, ctx.published)
        if key not in self._parsers:
            from dateparser.date import DateDataParser

            base = dt.datetime(ctx.published.year, ctx.published.month, ctx.published.day)
            self._parsers[key] = DateDataParser(
                languages=[ctx.lang],
                settings={"RELATIVE_BASE": base, "RETURN_TIME_AS_PERIOD": True},
            )
        data = self._parsers[key].get_date_data(span)
        if data is None or data.date_obj is None:
            return None
        d = data.date_obj.date()
        period = data.period or "day"
        res: dict[str, Any]
        if period == "year":
            res = {"value": f"{d.year:04d}", "precision": "year",
                   "begin": f"{d.year:04d}-01-01", "end_date": f"{d.year:04d}-12-31"}
        elif period == "month":
            res = {"value": f"{d.year:04d}-{d.month:02d}", "precision": "month",
                   "begin": d.replace(day=1).isoformat(),
                   "end_date": d.replace(day=calendar.monthrange(d.year, d.month)[1]).isoformat()}
        elif period == "week":
            iso = d.isocalendar()
            mon = d - dt.timedelta(days=d.weekday())
            res = {"value": f"{iso.year:04d}-W{iso.week:02d}", "precision": "week",
                   "begin": mon.isoformat(), "end_date": (mon + dt.timedelta(days=6)).isoformat()}
        elif period in ("time", "part_of_day", "hour", "minute"):
            t = data.date_obj
            res = {"value": f"{d.isoformat()}T{t.hour:02d}:{t.minute:02d}", "type": "TIME",
                   "precision": "minute", "begin": d.isoformat(), "end_date": d.isoformat()}
        else:
            res = {"value": d.isoformat(), "precision": "day", "begin": d.isoformat(),
                   "end_date": d.isoformat()}
        res.update(anchor=_anchor(ctx.published), confidence=CONF_DATEPARSER,
                   mod=ctx.signal, type=res.get("type", "DATE"))
        res.setdefault("mod", None)
        return res


@register("timexes")
class TimexStage(Stage):
    """Time expressions normalised TIMEX3-style against ``article.published`` (en, ru)."""

    name = "timexes"
    version = "2"
    #: ``ner_spans``: English DATE/TIME spans no pattern explains go to dateparser;
    #: ``sentences``: provenance; ``tokens``: the tense probe.
    requires = ("text", "language", "published", "tokens", "sentences", "ner_spans")
    provides = ("timexes",)

    def __init__(self) -> None:
        self._finder: TimexFinder | None = None

    def initialize(self) -> None:
        """Load the lexicon and compile the patterns."""
        self._finder = TimexFinder()

    def process(self, article: Article) -> None:
        """Fill ``article.timexes`` (replacing any previous list)."""
        assert self._finder is not None
        article.timexes = self._finder.find(article, self.name, self.version)
