"""The one rule every reader applies to a publication date (JSON Lines, feeds, WARC and HTML
pages, plain-text captures, the ``--published`` option).

A date is stored only when it is plausible: not after the time of ingest plus
:data:`PUBLISHED_FUTURE_TOLERANCE_DAYS` (a feed written in a zone east of the reader can be a
day ahead; nothing true is further ahead), and not before :data:`PUBLISHED_FLOOR` (1 January
1900: older dates in news inputs are placeholders such as ``0001-01-01`` or parser slips, and
a wrong date is worse than none). A date outside these bounds, or one that cannot be read at
all (``31 Feb``, ``25:61``, year 99999, ``garbage``), is not stored: the article is kept without
a date, ``meta["published_refused"]`` keeps the value as written, and one warning with the
reason code ``bad-date`` (:class:`newswatch.errors.BadDate`) names the item and the value.

Two-digit years: RFC 822 parsers (the standard library's :mod:`email.utils`, feedparser) turn a
year below 100 into 19xx/20xx whatever number of digits it was written with, so ``0001``
would become 2001. :func:`written_year` reads the year as written so that a reader can tell
when a parser reinterpreted it (:func:`year_reinterpreted`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import BadDate
from ..model import Article, StageError

#: Days after the moment of ingest (UTC) a publication date may lie: one day.
PUBLISHED_FUTURE_TOLERANCE_DAYS = 1
#: The earliest publication date stored.
PUBLISHED_FLOOR = dt.date(1900, 1, 1)

#: RFC 822 ``[Day,] DD Mon YEAR`` and ISO ``YEAR-MM-DD``: the year token as written.
_RFC822_YEAR = re.compile(r"^\s*(?:[A-Za-z]+,?\s+)?\d{1,2}\s+[A-Za-z]+\.?\s+(\d+)\b")
_ISO_YEAR = re.compile(r"^\s*([+-]?\d+)-\d")


def written_year(raw: str) -> tuple[int, int] | None:
    """The year of an RFC 822 or ISO 8601 date string as written: ``(year, digits)``, e.g.
    ``"Mon, 01 Jan 0001 00:30:00 +0100"`` -> ``(1, 4)``; None for other forms."""
    m = _RFC822_YEAR.match(raw) or _ISO_YEAR.match(raw)
    if m is None:
        return None
    token = m[1].lstrip("+-")
    return int(token), len(token)


def year_reinterpreted(raw: str, parsed: dt.date) -> bool:
    """True when ``raw`` writes its year with three or more digits and ``parsed`` has another
    year (a two-digit-year rule applied to ``0001``, an overflow...)."""
    got = written_year(raw)
    return got is not None and got[1] >= 3 and got[0] != parsed.year


def implausible(value: dt.date, now: dt.datetime | None = None) -> str | None:
    """Why ``value`` is not a plausible publication date, or None when it is.

    Args:
        value: the date read.
        now: the moment of ingest (aware; default: now, UTC).
    """
    now = now or dt.datetime.now(dt.UTC)
    latest = (now + dt.timedelta(days=PUBLISHED_FUTURE_TOLERANCE_DAYS)).date()
    if value > latest:
        return (f"is after the time of ingest plus {PUBLISHED_FUTURE_TOLERANCE_DAYS} day "
                f"({latest.isoformat()})")
    if value < PUBLISHED_FLOOR:
        return f"is before {PUBLISHED_FLOOR.isoformat()}"
    return None


def refuse_date(article: Article, raw: Any, reason: str) -> None:
    """Drop ``article``'s publication date with one ``bad-date`` warning naming ``raw`` (the
    value as written) and ``reason`` ("cannot be read", "is before 1900-01-01"...)."""
    shown = raw if isinstance(raw, str) else repr(raw)
    shown = " ".join(shown.split())[:80]
    article.published = None
    article.published_source = None
    article.meta.pop("published_datetime", None)
    article.meta["published_refused"] = shown
    article.errors.append(StageError(
        "ingest", BadDate.code, f"publication date {shown!r} {reason}; the article is kept "
        "without a date"))


def check_published(article: Article, now: dt.datetime | None = None) -> None:
    """Apply the rule to ``article.published`` (see the module docstring); the value shown in
    the warning is the date as the input wrote it (``meta["published_at"]``) when known."""
    if article.published is None:
        return
    why = implausible(article.published, now)
    if why is not None:
        raw = article.meta.get("published_at")
        refuse_date(article, raw if isinstance(raw, str) and raw else
                    article.published.isoformat(), why)
