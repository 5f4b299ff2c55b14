"""The one month-name table: ``newswatch/data/month_names.tsv`` and its two views.

The table lists, per month (1-12) and language ("en", "ru", "de"), every accepted spelling with
its kind (``name``, ``case``, ``abbr``, ``abbr+``; see the file header). Two readers use it:

* :func:`running_text_months` — the spellings the timexes stage matches inside sentences, as
  written (English names keep their capital so "may"/"march" are not read as months;
  abbreviations of kind ``abbr`` only with their dot);
* :func:`dateline_months` — the case-folded spellings the plain-text dateline reader accepts
  on a line of its own ("8 July 2021", "July 8, 2021", "8 июля 2021"; an abbreviation with or
  without its dot).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The kinds a row of the table may have.
KINDS = frozenset({"name", "case", "abbr", "abbr+"})


@dataclass(frozen=True, slots=True)
class MonthSpelling:
    """One row of the month table.

    Attributes:
        month: 1-12.
        lang: "en", "ru" or "de" (German: dateline view only; the timexes stage reads en and ru).
        kind: ``name``, ``case``, ``abbr`` or ``abbr+`` (see the table header).
        spelling: the form as written, without a trailing dot.
    """

    month: int
    lang: str
    kind: str
    spelling: str


@cache
def month_table() -> tuple[MonthSpelling, ...]:
    """Every row of ``month_names.tsv`` (read once per process).

    Raises:
        ValueError: a row without four tab-separated columns, a month outside 1-12, or an
            unknown kind (the packaged file is checked by the tests).
    """
    text = resources.files("newswatch.data").joinpath("month_names.tsv").read_text("utf-8")
    rows = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) != 4:
            raise ValueError(f"month_names.tsv:{n}: expected 4 tab-separated columns, got {len(cols)}")
        month, lang, kind, spelling = int(cols[0]), cols[1].strip(), cols[2].strip(), cols[3].strip()
        if not 1 <= month <= 12 or kind not in KINDS:
            raise ValueError(f"month_names.tsv:{n}: bad month {month} or kind {kind!r}")
        rows.append(MonthSpelling(month, lang, kind, spelling))
    return tuple(rows)


def running_text_months(lang: str) -> dict[str, int]:
    """Spellings of ``lang`` matched inside running text, as written → month number.

    Names and case forms as they are; an ``abbr+`` abbreviation bare and with its dot; an
    ``abbr`` abbreviation with its dot only ("Mar." but not "Mar").
    """
    out: dict[str, int] = {}
    for r in month_table():
        if r.lang != lang:
            continue
        if r.kind in ("name", "case", "abbr+"):
            out[r.spelling] = r.month
        if r.kind in ("abbr", "abbr+"):
            out[r.spelling + "."] = r.month
    return out


def dateline_months() -> dict[str, int]:
    """Every spelling of every language, case-folded (ё kept), without a dot → month number."""
    return {r.spelling.casefold(): r.month for r in month_table()}

