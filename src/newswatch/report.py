"""The situation report: who acts, where, which numbers, when — read from the store.

:func:`build_report` returns a plain, JSON-serialisable dict (``newswatch report --format
json`` prints it as is); :func:`render_report` prints the same dict with rich tables.

Scope (:func:`newswatch.read.scope.scope`, the same as the dashboard's): the **latest
revision** of every stored article whose publication date (or, when the
date is unknown, the day it was first stored) lies in ``[since, until]``; with ``country``,
only articles that mention a place in that country or an entity of that country, and the
places section lists only that country's places. Ingest failures are not filtered (they
have no article). Actors are ranked by :func:`newswatch.read.actors.rank_actors` (PERSON,
ORG and GPE entities; not NORP), so the report and the dashboard list the same actors.

Dict layout (every list is sorted; ties broken by name, id and offset so the output is
stable for the same database)::

    {"report_version": 1,
     "filters": {"since", "until", "country"},
     "summary": {"articles", "revisions", "sources", "languages": {code: n},
                 "date_range": {"first", "last"}, "undated_articles"},
     "actors": [{"key", "name", "label", "country", "articles", "mentions", "quotes"}],
     "places": {"countries": [{"country_code", "country", "mentions", "places": [
                    {"key", "name", "geonameid", "lat", "lon", "feature_class",
                     "feature_code", "mentions", "articles"}]}],
                "unresolved": [{"name", "mentions", "articles"}]},
     "figures": [{"text", "value", "lower", "upper", "qualifier", "unit", "counted",
                  "sources", "significance", "sentence", <article reference>}],
     "quotes": {"total", "items": [{"speaker", "kind", "cue", "text", "articles", "sentence",
                <article reference>}]},
     "events": {"total", "happenings", "items": [{"id", "type", "mode", "actor", "recipient",
                "place", "date", "mentions", "happening", "reports", "sentence",
                <article reference>}]},
     "claims": [{"subject", "subject_country", "property", "unit", "values", "stated",
                 "conflicting", "claims", "sources", "newest": {"value", "lower", "upper",
                 "qualifier", "as_of", "outlet", "cited", "sentence", "article_id",
                 "published"}}],
     "timeline": [{"date", "kind": "timex"|"published", "text", "mod", "sentence",
                   <article reference>}],
     "failures": {"total", "by_code": {code: n}, "recent": [{"origin", "code", "message",
                  "at"}], "stage_errors": [{"stage", "code", "articles"}]}}

where an article reference is ``article_id``, ``revision_id``, ``title``, ``source``,
``published``, ``url``, ``start``, ``end``. Dates are ISO 8601 strings.

Who said what and what happened come from the read model the dashboard uses
(:func:`newswatch.read.list_quotes`, :func:`newswatch.read.list_events`,
:func:`newswatch.read.claim_groups`): the quotes and event mentions in scope, newest
publication first (:data:`TOP_QUOTES`, :data:`TOP_EVENTS` of them are read; ``total`` counts
every quote and event mention in scope; a reprinted quote is one row with its ``articles``, a
happening reported in several sentences or articles one row with its ``reports``), and the claim groups of
the ledger with at least one claim in scope, most claims first (:data:`TOP_CLAIM_GROUPS`).

Figures are ranked by **significance** (:func:`significance`), not only by date: how many
sources state the same number about the same thing, how large it is, and how recent its
article is compared with the newest article in scope.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pycountry
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .errors import UnknownCountry
from .model import range_ends
from .read import (
    EventQuery,
    QuoteQuery,
    claim_groups,
    items_with_article,
    list_events,
    list_quotes,
    make_filters,
    rank_actors,
    scope,
)
from .storage import Store
from .storage import schema as t
from .storage.mapping import to_jsonable
from .text import fold

__all__ = ["REPORT_VERSION", "UnknownCountry", "build_report", "country_name", "render_report",
           "significance", "trim_sentence"]

#: 2: quotes, events and claims sections; figures ranked by significance.
REPORT_VERSION = 2
#: Quotes listed (newest first; the total is counted).
TOP_QUOTES = 100
#: Event mentions listed (newest first; the total is counted).
TOP_EVENTS = 100
#: Claim groups listed (most claims first).
TOP_CLAIM_GROUPS = 50
#: Days after which a figure's recency weight halves (a week: the cycle of a news story).
RECENCY_HALF_LIFE_DAYS = 7.0
#: Orders of magnitude at which a figure's size weight saturates (a billion).
SIZE_SATURATION = 9.0
#: Actors listed in the report, after ranking by articles then mentions.
TOP_ACTORS = 50
#: Ingest failures listed individually (most recent first); all are counted.
RECENT_FAILURES = 20
#: Longest sentence shown with a figure or timeline entry, in characters. Longer sentences
#: are cut around the item with "…"; 240 keeps one table cell to about three terminal lines.
SENTENCE_MAX_CHARS = 240
#: Sentence window in the text rendering (a terminal table cell stays a few lines high).
RENDER_SENTENCE_CHARS = 110
#: Rows per section in the text rendering when the caller gives no limit.
RENDER_LIMIT = 15

_FULL_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACES = re.compile(r"\s+")


# -- building --------------------------------------------------------------------------------


def build_report(
    store: Store,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    country: str | None = None,
    top: int = TOP_ACTORS,
) -> dict[str, Any]:
    """Build the situation report from the stored articles.

    Args:
        store: an open store.
        since: first publication day included (None: no lower bound).
        until: last publication day included (None: no upper bound).
        country: ISO 3166-1 alpha-2 or alpha-3 code, or an English country name.
        top: how many actors to list.

    Returns:
        The report dict described in the module docstring (JSON-serialisable).

    Raises:
        UnknownCountry: ``country`` is not a known country.
    """
    filters = make_filters(since, until, country, subject="--country")
    with store.read() as conn:
        sc = scope(filters)
        report = {
            "report_version": REPORT_VERSION,
            "filters": {
                "since": since,
                "until": until,
                "country": filters.country,
            },
            "summary": _summary(conn, sc),
            "actors": _actors(conn, sc, top),
            "places": _places(conn, sc, filters.country),
            "figures": _figures(conn, sc),
            "quotes": _quotes(conn, filters),
            "events": _events(conn, filters),
            "claims": _claims(conn, sc),
            "timeline": _timeline(conn, sc),
            "failures": _failures(conn, sc),
        }
    out: dict[str, Any] = to_jsonable(report)
    return out


def _summary(conn: sa.Connection, scope: sa.CTE) -> dict[str, Any]:
    a = t.article.c
    rows = conn.execute(
        sa.select(a.id, a.language, a.published, a.source_id).join(
            scope, scope.c.article_id == a.id
        )
    ).all()
    revisions = conn.scalar(
        sa.select(sa.func.count())
        .select_from(t.revision)
        .join(scope, scope.c.article_id == t.revision.c.article_id)
    )
    languages = Counter(row.language or "und" for row in rows)
    dates = sorted(row.published for row in rows if row.published is not None)
    return {
        "articles": len(rows),
        "revisions": int(revisions or 0),
        "sources": len({row.source_id for row in rows if row.source_id is not None}),
        "languages": dict(sorted(languages.items())),
        "date_range": {
            "first": dates[0] if dates else None,
            "last": dates[-1] if dates else None,
        },
        "undated_articles": sum(1 for row in rows if row.published is None),
    }


def _actors(conn: sa.Connection, scope: sa.CTE, top: int) -> list[dict[str, Any]]:
    """The actor ranking of :func:`newswatch.read.actors.rank_actors` (the dashboard's too)."""
    return [{k: a[k] for k in ("key", "name", "label", "country", "articles", "mentions", "quotes")}
            for a in rank_actors(conn, scope, top, quotes=True)]


def country_name(code: str | None) -> str:
    """English short name of an ISO 3166-1 alpha-2 code ("UZ" -> "Uzbekistan")."""
    if not code:
        return "(no country)"
    record = pycountry.countries.get(alpha_2=code.upper())
    if record is None:
        return code
    return str(getattr(record, "common_name", None) or record.name)


def _places(conn: sa.Connection, scope: sa.CTE, alpha_2: str | None) -> dict[str, Any]:
    p, pm = t.place.c, t.place_mention.c
    stmt = (
        sa.select(
            p.id,
            p.key,
            p.name,
            p.geonameid,
            p.lat,
            p.lon,
            p.country_code,
            p.feature_class,
            p.feature_code,
            p.resolved,
            sa.func.count().label("mentions"),
            sa.func.count(sa.distinct(scope.c.article_id)).label("articles"),
        )
        .join(t.place_mention, pm.place_id == p.id)
        .join(scope, scope.c.revision_id == pm.revision_id)
        # the places the articles name (PlaceMention.kind), as the map counts them
        .where(pm.kind == "name")
        .group_by(
            p.id,
            p.key,
            p.name,
            p.geonameid,
            p.lat,
            p.lon,
            p.country_code,
            p.feature_class,
            p.feature_code,
            p.resolved,
        )
    )
    groups: dict[str | None, list[dict[str, Any]]] = {}
    unresolved = []
    for r in conn.execute(stmt).all():
        if not r.resolved:
            unresolved.append(
                {"name": r.name, "mentions": int(r.mentions), "articles": int(r.articles)}
            )
            continue
        if alpha_2 is not None and r.country_code != alpha_2:
            continue
        groups.setdefault(r.country_code, []).append(
            {
                "key": r.key,
                "name": r.name,
                "geonameid": r.geonameid,
                "lat": r.lat,
                "lon": r.lon,
                "feature_class": r.feature_class,
                "feature_code": r.feature_code,
                "mentions": int(r.mentions),
                "articles": int(r.articles),
            }
        )
    countries = [
        {
            "country_code": code,
            "country": country_name(code),
            "mentions": sum(p["mentions"] for p in places),
            "places": sorted(places, key=lambda p: (-p["mentions"], p["name"], p["key"])),
        }
        for code, places in groups.items()
    ]
    countries.sort(key=lambda c: (-c["mentions"], c["country_code"] or "~"))
    unresolved.sort(key=lambda u: (-u["mentions"], u["name"]))
    return {"countries": countries, "unresolved": unresolved}


def _reference(r: Any) -> dict[str, Any]:
    return {
        "article_id": r.article_id,
        "revision_id": int(r.revision_id),
        "title": r.title,
        "source": r.source,
        "published": r.published,
        "url": r.url,
        "start": r.start,
        "end": r.end,
    }


def _short(sentence: str, item: str) -> str:
    """``sentence`` cut to :data:`RENDER_SENTENCE_CHARS` around the first occurrence of ``item``."""
    at = max(0, sentence.find(item))
    return trim_sentence(sentence, at, at + len(item), RENDER_SENTENCE_CHARS)


def trim_sentence(sentence: str, start: int, end: int, limit: int = SENTENCE_MAX_CHARS) -> str:
    """A sentence for display: whitespace collapsed, cut around ``[start, end)`` to ``limit``.

    Args:
        sentence: the sentence text.
        start: the item's start offset relative to the sentence.
        end: the item's end offset relative to the sentence (exclusive).
        limit: longest result in characters (the "…" marks included).

    Returns:
        The sentence, or a window of it containing the item with "…" where it was cut.
    """
    if len(sentence) > limit:
        width = max(1, limit - 2)  # room for an ellipsis on each side
        left = max(0, start - max(0, width - (end - start)) // 2)
        right = min(len(sentence), left + width)
        left = max(0, right - width)
        sentence = (
            ("…" if left > 0 else "")
            + sentence[left:right]
            + ("…" if right < len(sentence) else "")
        )
    return _SPACES.sub(" ", sentence).strip()


def _sort_key(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    published = entry["published"]
    return (published is None, published or dt.date.min, entry["article_id"], entry["start"])


def _newest_first_key(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    """Newest article first (undated last), then the article's own order of items."""
    published = entry["published"]
    return (published is None, -(published.toordinal() if published else 0), entry["article_id"], entry["start"])


def significance(sources: int, value: float | None, published: dt.date | None,
                 newest: dt.date | None) -> float:
    """How much a figure matters to a reader of the report, for ranking (higher first).

    ``log2(1 + sources)`` (a number stated by three outlets outranks one stated once, with
    diminishing returns) + size, ``min(log10(1 + |value|), SIZE_SATURATION) / SIZE_SATURATION``
    in [0, 1] (40,000 displaced outrank 12; a billion saturates) + recency, ``0.5 ** (age /
    RECENCY_HALF_LIFE_DAYS)`` in (0, 1] where age is the days between the figure's article and
    the newest dated article in scope (undated articles: 0). So the number of sources weighs
    most, then size and recency about equally; nothing depends on today's date.

    Args:
        sources: distinct outlets (articles without an outlet count one each) stating it.
        value: the figure's value (None: no size weight).
        published: its article's publication day.
        newest: the newest publication day in scope.
    """
    size = min(math.log10(1 + abs(value)), SIZE_SATURATION) / SIZE_SATURATION if value is not None else 0.0
    recency = 0.0
    if published is not None and newest is not None:
        recency = 0.5 ** (max(0, (newest - published).days) / RECENCY_HALF_LIFE_DAYS)
    return math.log2(1 + max(1, sources)) + size + recency


def _figure_key(r: Any) -> tuple[Any, ...]:
    """What makes two figures "the same number": value, unit and counted noun (folded)."""
    return (r.value, r.unit, fold(r.counted) if r.counted else None)


def _figures(conn: sa.Connection, scope: sa.CTE) -> list[dict[str, Any]]:
    f = t.figure.c
    stmt = items_with_article(
        t.figure, scope, f.text, f.value, f.lower, f.upper, f.qualifier, f.unit, f.counted
    )
    rows = conn.execute(stmt).all()
    outlets: dict[tuple[Any, ...], set[str]] = {}
    for r in rows:
        outlets.setdefault(_figure_key(r), set()).add(r.source or f"article:{r.article_id}")
    dated = [r.published for r in rows if r.published is not None]
    newest = max(dated) if dated else None
    out = []
    for r in rows:
        n = len(outlets[_figure_key(r)])
        out.append(
            {
                "text": r.text,
                "value": r.value,
                "lower": r.lower,
                "upper": r.upper,
                "qualifier": r.qualifier,
                "unit": r.unit,
                "counted": r.counted,
                "sources": n,
                "significance": round(significance(n, r.value, r.published, newest), 4),
                "sentence": trim_sentence(
                    r.sentence, r.start - r.sentence_start, r.end - r.sentence_start
                ),
                **_reference(r),
            }
        )
    # most significant first; equal significance: the latest figures first
    out.sort(key=lambda e: (-e["significance"], *_newest_first_key(e)))
    return out


def _quotes(conn: sa.Connection, filters: Any) -> dict[str, Any]:
    """Who said what: the read model's quotes list (:func:`newswatch.read.list_quotes`, newest
    first), one row per speaker and wording (a reprint's copy counts in ``articles``)."""
    page = list_quotes(conn, filters, QuoteQuery(), limit=TOP_QUOTES)
    items: list[dict[str, Any]] = []
    seen: dict[tuple[str | None, str], dict[str, Any]] = {}
    for q in page["items"]:
        speaker = q["speaker_name"] or q["speaker"]
        key = (speaker, fold(_SPACES.sub(" ", q["text"]).strip()))
        if key in seen:
            seen[key]["articles"] += 1
            continue
        seen[key] = {"speaker": speaker, "kind": q["kind"], "cue": q["cue"], "text": q["text"], "articles": 1,
                     "sentence": trim_sentence(q["sentence"], q["start"] - q["sentence_start"],
                                               q["end"] - q["sentence_start"]),
                     **_reference(_Row(q))}
        items.append(seen[key])
    return {"total": page["total"], "items": items}


def _events(conn: sa.Connection, filters: Any) -> dict[str, Any]:
    """What happened: the read model's events list (:func:`newswatch.read.list_events`, newest
    first), one row per happening (its newest report; ``mentions``: articles the stored event
    was saved from, ``reports``: reports of its happening, every sentence and article, after the
    threads pass; ``happenings`` counts the happenings in scope)."""
    page = list_events(conn, filters, EventQuery(), limit=TOP_EVENTS)
    items: list[dict[str, Any]] = []
    seen: set[object] = set()
    for e in page["items"]:
        if e["id"] in seen or e["happening"] in seen:
            continue
        seen.update((e["id"], e["happening"]))
        items.append({"id": e["id"], "type": e["type"], "mode": e["mode"], "actor": e["actor"],
                      "recipient": e["recipient"],
                      "place": e["place_name"], "date": e["date"], "mentions": e["mentions"],
                      "happening": e["happening"], "reports": e["reports"],
                      "sentence": trim_sentence(e["sentence"], e["start"] - e["sentence_start"],
                                                e["end"] - e["sentence_start"]),
                      **_reference(_Row(e))})
    return {"total": page["total"], "happenings": page["happenings"], "items": items}


def _claims(conn: sa.Connection, scope: sa.CTE) -> list[dict[str, Any]]:
    """The claims ledger in scope (:func:`newswatch.read.claim_groups`), most claims first."""
    out = []
    for g in claim_groups(conn, scope=scope)[:TOP_CLAIM_GROUPS]:
        newest = next((c for c in g.claims if c.newest), g.claims[-1])
        out.append({
            "subject": g.subject, "subject_country": g.subject_country, "property": g.property,
            "unit": g.unit, "values": g.values, "stated": _stated(g.claims),
            "conflicting": g.conflicting, "claims": len(g.claims),
            "sources": len({c.outlet or f"article:{c.article_id}" for c in g.claims}),
            "newest": {"value": newest.value, "lower": newest.lower, "upper": newest.upper,
                       "qualifier": newest.qualifier, "as_of": newest.as_of,
                       "outlet": newest.outlet, "cited": newest.cited,
                       "sentence": _around(newest.sentence, newest.figure_text),
                       "article_id": newest.article_id, "published": newest.published},
        })
    return out


def _stated(claims: list[Any]) -> list[dict[str, Any]]:
    """The distinct values a group's claims state with their bounds and qualifier, in order of
    first appearance (``values`` has the bare numbers: a range "between 30 and 50" is 30
    there and ``{"value": 30, "lower": 30, "upper": 50, "qualifier": "exact"}`` here)."""
    out: list[dict[str, Any]] = []
    for c in claims:
        d = {"value": c.value, "lower": c.lower, "upper": c.upper, "qualifier": c.qualifier}
        if d not in out:
            out.append(d)
    return out


def _around(sentence: str, item: str) -> str:
    """``sentence`` trimmed to :data:`SENTENCE_MAX_CHARS` around the first ``item`` in it."""
    at = max(0, sentence.find(item))
    return trim_sentence(sentence, at, at + len(item))


class _Row:
    """Attribute access to a read-model row dict (for :func:`_reference`)."""

    def __init__(self, d: Mapping[str, Any]) -> None:
        self._d = d

    def __getattr__(self, name: str) -> Any:
        return self._d[name]


def _timeline(conn: sa.Connection, scope: sa.CTE) -> list[dict[str, Any]]:
    x = t.timex.c
    stmt = items_with_article(t.timex, scope, x.text, x.value, x.mod).where(x.value.like("____-__-__"))
    entries = []
    for r in conn.execute(stmt).all():
        if not _FULL_DAY.match(r.value):
            continue
        entries.append(
            {
                "date": r.value,
                "kind": "timex",
                "text": r.text,
                "mod": r.mod,
                "sentence": trim_sentence(
                    r.sentence, r.start - r.sentence_start, r.end - r.sentence_start
                ),
                **_reference(r),
            }
        )
    a = t.article.c
    published = (
        sa.select(
            a.id.label("article_id"),
            scope.c.revision_id,
            a.title,
            a.published,
            a.url,
            t.source.c.name.label("source"),
        )
        .select_from(t.article)
        .join(scope, scope.c.article_id == a.id)
        .outerjoin(t.source, t.source.c.id == a.source_id)
        .where(a.published.is_not(None))
    )
    for r in conn.execute(published).all():
        entries.append(
            {
                "date": r.published.isoformat(),
                "kind": "published",
                "text": r.title or "",
                "mod": None,
                "sentence": None,
                "article_id": r.article_id,
                "revision_id": int(r.revision_id),
                "title": r.title,
                "source": r.source,
                "published": r.published,
                "url": r.url,
                "start": None,
                "end": None,
            }
        )
    entries.sort(
        key=lambda e: (e["date"], e["kind"] != "published", e["article_id"], e["start"] or 0)
    )
    return entries


def _failures(conn: sa.Connection, scope: sa.CTE) -> dict[str, Any]:
    f = t.ingest_failure.c
    by_code: dict[str, int] = dict(conn.execute(sa.select(f.code, sa.func.count()).group_by(f.code)).all())
    recent = conn.execute(
        sa.select(f.origin, f.code, f.message, f.at)
        .order_by(f.at.desc(), f.id.desc())
        .limit(RECENT_FAILURES)
    ).all()
    se = t.stage_error.c
    stage_errors = conn.execute(
        sa.select(se.stage, se.code, sa.func.count(sa.distinct(scope.c.article_id)))
        .join(scope, scope.c.revision_id == se.revision_id)
        .group_by(se.stage, se.code)
    ).all()
    return {
        "total": int(sum(by_code.values())),
        "by_code": {k: int(v) for k, v in sorted(by_code.items())},
        "recent": [
            {"origin": r.origin, "code": r.code, "message": r.message, "at": _utc(r.at)}
            for r in recent
        ],
        "stage_errors": sorted(
            ({"stage": s, "code": c, "articles": int(n)} for s, c, n in stage_errors),
            key=lambda e: (-e["articles"], e["stage"], e["code"]),
        ),
    }


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


# -- rendering -------------------------------------------------------------------------------


def _fmt_number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _fmt_figure(f: dict[str, Any], hedge: bool = True) -> str:
    """A figure's number as the text report writes it: "over 200,000", a range (qualifier
    ``exact`` with two different bounds, as the figures stage keeps "between 30 and 50")
    as "30–50"; ``hedge`` False leaves the qualifier's words out."""
    ends = range_ends(f.get("qualifier"), f.get("lower"), f.get("upper"))
    if ends is not None:
        return f"{_fmt_number(ends[0])}–{_fmt_number(ends[1])}"
    words = "" if not hedge or f.get("qualifier") in (None, "exact") else f"{f['qualifier'].replace('_', ' ')} "
    return f"{words}{_fmt_number(f['value'])}"


def _clip(text: str, limit: int = RENDER_SENTENCE_CHARS) -> str:
    """``text`` with white space collapsed, cut to ``limit`` characters with "…"."""
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ref(entry: Mapping[str, Any]) -> str:
    parts = [entry.get("source") or "?"]
    if entry.get("published"):
        parts.append(str(entry["published"]))
    if entry.get("title"):
        parts.append(f"“{entry['title']}”")
    return ", ".join(parts)


def _more(console: Console, total: int, shown: int) -> None:
    if total > shown:
        console.print(Text(f"  … {total - shown} more (use --format json for all)", style="dim"))


def _table(title: str, *columns: str, numeric: tuple[str, ...] = ()) -> Table:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, justify="right" if col in numeric else "left")
    return table


def _row(table: Table, *cells: Any) -> None:
    # Text() cells: titles and sentences are data, never rich markup.
    table.add_row(*(Text(str(c)) if c is not None else Text("") for c in cells))


def render_report(
    report: Mapping[str, Any], console: Console, *, limit: int = RENDER_LIMIT
) -> None:
    """Print a report dict from :func:`build_report` as rich tables.

    Args:
        report: the dict (as built, or loaded back from its JSON).
        console: where to print.
        limit: rows shown per section (the rest is counted).
    """
    s = report["summary"]
    filters = ", ".join(f"{k}={v}" for k, v in report["filters"].items() if v) or "all articles"
    span = s["date_range"]
    langs = ", ".join(f"{k} {v}" for k, v in s["languages"].items()) or "–"
    header = (
        f"{s['articles']} articles ({s['revisions']} revisions) from {s['sources']} sources; "
        f"languages: {langs}; published {span['first'] or '?'} to {span['last'] or '?'}"
        + (f"; {s['undated_articles']} undated" if s["undated_articles"] else "")
        + f" ({filters})"
    )
    console.rule("Situation report")
    console.print(Text(header))

    actors = _table(
        "Main actors",
        "Actor",
        "Type",
        "Country",
        "Articles",
        "Mentions",
        "Quotes",
        numeric=("Articles", "Mentions", "Quotes"),
    )
    for a in report["actors"][:limit]:
        _row(actors, a["name"], a["label"], a["country"], a["articles"], a["mentions"], a["quotes"])
    console.print(actors)
    _more(console, len(report["actors"]), limit)

    places = _table(
        "Places by country",
        "Country",
        "Place",
        "Feature",
        "Lat, lon",
        "Mentions",
        numeric=("Mentions",),
    )
    rows = [(c, p) for c in report["places"]["countries"] for p in c["places"]]
    for c, p in rows[:limit]:
        coords = f"{p['lat']:.4f}, {p['lon']:.4f}" if p["lat"] is not None else ""
        country = f"{c['country']} ({c['country_code']})" if c["country_code"] else c["country"]
        _row(places, country, p["name"], p["feature_code"], coords, p["mentions"])
    console.print(places)
    _more(console, len(rows), limit)
    unresolved = report["places"]["unresolved"]
    if unresolved:
        names = ", ".join(f"{u['name']} ({u['mentions']})" for u in unresolved[:limit])
        console.print(Text(f"Unresolved place names: {names}"))
        _more(console, len(unresolved), limit)

    figures = _table("Figures (most significant first)", "Figure", "Counted", "Sources", "Sentence", "Source",
                     numeric=("Sources",))
    for f in report["figures"][:limit]:
        unit = f" {f['unit']}" if f["unit"] else ""
        _row(
            figures, f"{_fmt_figure(f)}{unit}", f["counted"], f.get("sources", 1),
            _short(f["sentence"], f["text"]), _ref(f),
        )
    console.print(figures)
    _more(console, len(report["figures"]), limit)

    quotes = _table("Who said what", "Speaker", "Quote", "Source")
    for q in report["quotes"]["items"][:limit]:
        _row(quotes, q["speaker"] or "(unnamed)", _clip(q["text"]), _ref(q))
    console.print(quotes)
    _more(console, report["quotes"]["total"], min(limit, len(report["quotes"]["items"])))

    events = _table("What happened", "Date", "Event", "Who → whom", "Place", "Reports", "Source",
                    numeric=("Reports",))
    for e in report["events"]["items"][:limit]:
        kind = e["type"] + (f" ({e['mode']})" if e["mode"] else "")
        parties = f"{e['actor'] or '?'} → {e['recipient']}" if e["recipient"] else (e["actor"] or "?")
        _row(events, e["date"] or "", kind, parties, e["place"] or "", max(e["mentions"], e["reports"]), _ref(e))
    console.print(events)
    _more(console, report["events"]["total"], min(limit, len(report["events"]["items"])))

    claims = _table("Claims", "Subject", "Property", "Values", "Sources", "Newest", numeric=("Sources",))
    for c in report["claims"][:limit]:
        stated = c.get("stated") or [{"value": v} for v in c["values"]]
        values = " / ".join(_fmt_figure(v) for v in stated) + (
            " (conflicting)" if c["conflicting"] else "")
        n = c["newest"]
        newest = f"{_fmt_figure(n)} as of {n['as_of'] or '?'}" + (f", {n['outlet']}" if n["outlet"] else "")
        _row(claims, c["subject"] or "(no subject)", c["property"], values, c["sources"], newest)
    console.print(claims)
    _more(console, len(report["claims"]), limit)

    timeline = _table("Timeline (latest dates)", "Date", "What", "Source")
    for e in report["timeline"][-limit:]:
        what = f"published: {e['text']}" if e["kind"] == "published" else _short(e["sentence"], e["text"])
        date = e["date"] + (f" ({e['mod']})" if e["mod"] else "")
        _row(timeline, date, what, _ref(e))
    console.print(timeline)
    _more(console, len(report["timeline"]), limit)

    fails = report["failures"]
    codes = ", ".join(f"{k} {v}" for k, v in fails["by_code"].items())
    console.print(Text(f"Ingest failures: {fails['total']}" + (f" ({codes})" if codes else "")))
    for r in fails["recent"][:limit]:
        console.print(Text(f"  {r['at']}  {r['origin']}: {r['code']}: {r['message']}"))
    for e in fails["stage_errors"][:limit]:
        console.print(Text(f"  stage {e['stage']}: {e['code']} in {e['articles']} articles"))
