"""Numbers, bounds and dates as people read them, in the interface language (Babel, CLDR).

The one place the dashboard formats a number or a date for a person; :func:`install` makes
each helper a template filter that reads the page's language (``lang`` in the template
context), so every template writes ``{{ value|num }}``, ``{{ f|figure }}``, ``{{ d|day }}``,
``{{ ts|when }}``:

* :func:`number` — below a million the whole number with the language's grouping
  ("12,500" / "12 500"); from a million on the long compact form with at most one decimal
  ("240 million", "5 billion", "2,4 миллиона"): never ``2.4e+08``.
* :func:`qualifier` — the figure qualifiers of the figures stage in words ("up to",
  "over", "about", "under"; "до", "более", "около", "менее"); ``exact`` is no word.
* :func:`figure` — qualifier, number and unit together ("up to $240 million",
  "более 5 миллиардов ₽", "12.5%"; a range as its two ends, "30–50").
* :func:`day` — a date, or a partial TIMEX3 date (``2021-07``, ``2021``), in the language's
  long form ("July 8, 2021", "8 июля 2021 г.", "July 2021").
* :func:`when` — a time stamp in UTC, marked so ("Jul 8, 2021, 14:05 UTC").
* :func:`country` — an ISO 3166-1 alpha-3 (or alpha-2) code as the country's name in the
  language ("ARM" → "Armenia" / "Армения", CLDR territory names).

Values that are not numbers or dates come back as text unchanged (never an error on a page).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pycountry
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    format_percent,
    get_currency_symbol,
)
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from ..model import range_ends

__all__ = ["COMPACT_FROM", "QUALIFIERS", "country", "day", "figure", "install", "number",
           "qualifier", "when"]

#: From this absolute value on, numbers are written in words ("240 million").
COMPACT_FROM = 1_000_000
#: Figure qualifiers in words, by interface language (``exact`` has none).
QUALIFIERS: dict[str, dict[str, str]] = {
    "en": {"over": "over", "under": "under", "up_to": "up to", "about": "about",
           "approximately": "about", "at_least": "at least", "at_most": "at most"},
    "ru": {"over": "более", "under": "менее", "up_to": "до", "about": "около",
           "approximately": "около", "at_least": "не менее", "at_most": "не более"},
}
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _locale(lang: str | None) -> str:
    return lang if lang in QUALIFIERS else "en"


def number(value: Any, lang: str | None = "en") -> str:
    """A number as people read it (see the module docstring); non-numbers as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(str(value))
        except ValueError:
            return "" if value is None else str(value)
    if not math.isfinite(value):
        return str(value)
    loc = _locale(lang)
    try:
        if abs(value) >= COMPACT_FROM:
            return str(format_compact_decimal(value, format_type="long", locale=loc,
                                              fraction_digits=1))
        return str(format_decimal(value, format="#,##0.###", locale=loc))
    except (UnknownLocaleError, ValueError, ArithmeticError):
        return str(value)


def qualifier(value: str | None, lang: str | None = "en") -> str:
    """A figure qualifier in words ("" for ``exact`` or none; unknown ones as given)."""
    if not value or value == "exact":
        return ""
    return QUALIFIERS[_locale(lang)].get(value, value.replace("_", " "))


def figure(item: Any, lang: str | None = "en") -> str:
    """Qualifier, number and unit of a figure or claim (a mapping or object with ``value``,
    ``qualifier``, ``unit`` and optionally ``lower``/``upper``): "up to $240 million",
    "более 5 миллиардов ₽", "12.5%"; a range (qualifier ``exact`` with two different bounds,
    as the figures stage keeps "between 30 and 50") as its two ends: "30–50"."""
    def get(name: str) -> Any:
        return item.get(name) if isinstance(item, dict) else getattr(item, name, None)

    loc = _locale(lang)
    unit = get("unit")

    def amount(value: Any) -> str:
        if unit == "percent" and isinstance(value, int | float):
            return str(format_percent(value / 100, format="#,##0.###%", locale=loc))
        text = number(value, loc)
        if isinstance(unit, str) and re.fullmatch(r"[A-Z]{3}", unit):
            symbol = str(get_currency_symbol(unit, locale=loc))
            return f"{symbol}{text}" if loc == "en" and not symbol.isalpha() else f"{text} {symbol}"
        return f"{text} {unit}" if unit else text

    # a figure with no qualifier (a revision's earlier value) is read as exact
    q = get("qualifier")
    ends = range_ends("exact" if q is None else q, get("lower"), get("upper"))
    if ends is not None:
        return f"{amount(ends[0])}–{amount(ends[1])}"
    words = qualifier(get("qualifier"), loc)
    text = amount(get("value"))
    return f"{words} {text}" if words else text


def _as_date(value: Any) -> dt.date | str | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return text


def day(value: Any, lang: str | None = "en") -> str:
    """A date in the interface language's long form; a partial TIMEX3 date (``YYYY-MM``,
    ``YYYY``) as month and year or the year; other text (``PRESENT_REF``...) unchanged."""
    loc = _locale(lang)
    parsed = _as_date(value)
    if parsed is None:
        return ""
    if isinstance(parsed, dt.date):
        return str(format_date(parsed, "long", locale=loc))
    m = _PARTIAL.fullmatch(parsed)
    if m and m.group(2) and not m.group(3) and 1 <= int(m.group(2)) <= 12:
        return str(format_skeleton("yMMMM", dt.date(int(m.group(1)), int(m.group(2)), 1),
                                   locale=loc))
    return parsed


def when(value: Any, lang: str | None = "en") -> str:
    """A time stamp (a datetime or an ISO 8601 text) in UTC with "UTC" written after it; a
    naive time is taken to be UTC already (the store writes UTC)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return str(value)
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    stamp = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    loc = _locale(lang)
    return (f"{format_date(stamp.date(), 'medium', locale=loc)}, "
            f"{format_time(stamp.time(), 'HH:mm', locale=loc)} UTC")


def country(code: Any, lang: str | None = "en") -> str:
    """The name of a country in the interface language (CLDR territory names through Babel)
    from its ISO 3166-1 alpha-3 or alpha-2 code; another code (an IGO's) or text comes back
    as given, None as ""."""
    if not isinstance(code, str) or not code.strip():
        return ""
    key = code.strip().upper()
    record = (pycountry.countries.get(alpha_3=key) if len(key) == 3
              else pycountry.countries.get(alpha_2=key) if len(key) == 2 else None)
    if record is None:
        return code
    name = Locale.parse(_locale(lang)).territories.get(record.alpha_2)
    return str(name or record.name)


def install(env: Environment) -> None:
    """Add ``num``, ``qualifier``, ``figure``, ``day``, ``when`` and ``country`` as filters of ``env``,
    each in the language of the page being rendered (its ``lang`` context variable)."""
    def in_lang(helper: Any) -> Any:
        @pass_context
        def apply(ctx: Context, value: Any) -> str:
            return str(helper(value, ctx.get("lang") or "en"))
        return apply

    for name, helper in (("num", number), ("qualifier", qualifier), ("figure", figure),
                         ("day", day), ("when", when), ("country", country)):
        env.filters[name] = in_lang(helper)
