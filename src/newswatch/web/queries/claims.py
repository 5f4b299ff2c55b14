"""The claims page: the claims ledger in scope (or, before any claim is stored, the figures
grouped by what they count)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.corrections import ReviewIndex, apply_all, claim_verification
from ...read.situation import claim_groups, group_to_dict
from ...storage import schema as t
from ...storage import situation_schema as st
from .common import Filters, evidence_ref, items_with_article, scope

__all__ = ["CLAIMS_PAGE_GROUPS", "CLAIMS_SHOWN", "CLAIM_GROUPS", "CLAIM_GROUP_ITEMS",
           "CLAIM_SORTS", "claims", "verified"]

#: Groups and figures per group the claims API lists by default (a group's ``figures`` counts
#: them all).
CLAIM_GROUPS = 100
CLAIM_GROUP_ITEMS = 50
#: Orders of the claims ledger: most sources (distinct outlets) first, latest publication
#: first, largest change between the lowest and the highest value first.
CLAIM_SORTS = ("sources", "latest", "change")
#: Claim groups per page of the claims page, and claims a group shows there before its link
#: to all of them (the newest and the most cited are always among them).
CLAIMS_PAGE_GROUPS = 10
CLAIMS_SHOWN = 5


def _summary(group: dict[str, Any], items: list[dict[str, Any]], shown: int) -> dict[str, Any]:
    """Add what a group is ranked by and keep the claims it shows (changes ``group``).

    Adds ``count`` (claims or figures in scope), ``sources`` (distinct outlets), ``latest``
    (newest publication day, ISO), ``low``/``high`` (smallest and largest value), ``change``
    ((high - low) / |low|, None when low is 0 or there is one value) and ``change_pct``
    (``change`` in percent, rounded to 0.1). Keeps at most ``shown`` items: the ``newest`` and
    ``most_cited`` ones first, then the latest published, shown in their ledger order.
    """
    values = [i["value"] for i in items if i.get("value") is not None]
    dates = [str(i["published"]) for i in items if i.get("published")]
    low, high = (min(values), max(values)) if values else (None, None)
    change = ((high - low) / abs(low) if low not in (None, 0) and high is not None and high != low
              else None)
    group.update(count=len(items), sources=len({i.get("outlet") or i.get("source") or
                                                i.get("article_id") for i in items}),
                 latest=max(dates) if dates else None, low=low, high=high, change=change,
                 change_pct=round(change * 100, 1) if change is not None else None)
    marked = [n for n, i in enumerate(items) if i.get("newest") or i.get("most_cited")]
    recent = sorted(range(len(items)), key=lambda n: (str(items[n].get("published") or ""), n),
                    reverse=True)
    keep: list[int] = []
    for n in marked + recent:
        if n not in keep and len(keep) < shown:
            keep.append(n)
    return {**group, "shown": [items[n] for n in sorted(keep)]}


def verified(checks: ReviewIndex, claim: dict[str, Any], required: int) -> dict[str, Any]:
    """Set a claim's ``verification``, ``verified_by`` and ``verifiers`` (changes it)."""
    status = claim_verification(checks, claim["article_id"], claim["revision_id"], claim["start"],
                                claim["end"], required)
    claim["verification"] = status.status if status is not None else "unverified"
    claim["verified_by"] = status.by if status is not None else None
    claim["verifiers"] = list(status.verifiers) if status is not None else []
    return claim


def _order(groups: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Groups in the order ``sort`` asks for (ties: more claims, then the key)."""
    if sort == "latest":
        return sorted(groups, key=lambda g: (g["latest"] is None, _desc(g["latest"] or ""),
                                             -g["count"], g["key"]))
    if sort == "change":
        return sorted(groups, key=lambda g: (g["change"] is None, -(g["change"] or 0),
                                             -g["count"], g["key"]))
    return sorted(groups, key=lambda g: (-g["sources"], -g["count"], g["key"]))


def _desc(text: str) -> tuple[int, ...]:
    """A sort key that orders texts (ISO dates) newest first."""
    return tuple(-ord(ch) for ch in text)


def claims(conn: Connection, f: Filters, *, sort: str = "sources", limit: int = CLAIM_GROUPS,
           offset: int = 0, shown: int = CLAIM_GROUP_ITEMS, group: str | None = None,
           verification: str | None = None, verifiers: int = 1) -> dict[str, Any]:
    """The claims ledger in scope, ranked and paged.

    When the situation model has stored claims (``claim`` and ``claim_group`` tables, read with
    :func:`newswatch.read.situation.claim_groups`), the ledger of claim groups whose claims
    come from articles in scope: ``{"source": "claims", "groups": [{"id", "key", "subject",
    "subject_labels", "subject_country", "property", "unit", "values", "conflicting",
    "claims": [{"value", "lower", "upper", "unit", "qualifier", "figure_text", "as_of",
    "outlet", "cited", "newest", "most_cited", <evidence reference>...}]}]}``.

    When no claim is stored yet, the page is the ledger of figures grouped by what they count
    (``"source": "figures"``): ``"groups": [{"key" ("counted|unit"), "counted", "unit",
    "figures": n, "values": [distinct values], "conflicting": bool, "items": [{"text",
    "value", "lower", "upper", "qualifier", <evidence reference>}]}]``; ``conflicting`` when the
    group holds different values from more than one article.

    The analysts' figure corrections hold for the claims read from those figures (same
    article and offsets; :func:`newswatch.read.corrections.apply_all`): corrected values with
    ``correction`` (who, when) and ``machine``, rejected ones left out.

    Each claim carries its verification status (``verification``, ``verified_by``,
    ``verifiers``; :func:`newswatch.read.corrections.verification_status`).

    Every group also has the ranking figures of :func:`_summary` (``count``, ``sources``,
    ``latest``, ``low``, ``high``, ``change``, ``change_pct``) and ``shown``: at most ``shown``
    of its claims (figures), the newest and most cited among them; ``claims`` (``items``)
    keeps its latest :data:`CLAIM_GROUP_ITEMS`.

    Args:
        conn: a read connection.
        f: the filter.
        sort: one of :data:`CLAIM_SORTS`.
        limit, offset: the page of groups.
        shown: claims shown per group.
        group: only the group with this key (``claim_group.key``, or ``counted|unit``).
        verification: only claims with this verification status (claims only).
        verifiers: different analysts needed before a claim counts as verified.

    Returns:
        ``{"source", "filters", "sort", "total" (groups in scope), "offset", "limit",
        "groups"}``.
    """
    sc = scope(dataclasses.replace(f, updated_since=None))
    changed: set[str] | None = None
    if f.updated_since is not None:
        ch = scope(f, name="changed")
        changed = set(conn.execute(sa.select(ch.c.article_id)).scalars())
    ledger: list[dict[str, Any]] = []
    if conn.scalar(sa.select(sa.func.count()).select_from(st.claim)):
        source = "claims"
        checks = ReviewIndex(conn, "verification")
        for view in claim_groups(conn, scope=sc):
            if group is not None and view.key != group:
                continue
            if changed is not None and not any(c.article_id in changed for c in view.claims):
                continue
            g = group_to_dict(view)
            # a claim is read from a figure: the figure's correction is the claim's
            everything = apply_all(conn, "figure", g["claims"])
            for c in everything:
                verified(checks, c, verifiers)
            if verification is not None:
                everything = [c for c in everything if c["verification"] == verification]
            if not everything:
                continue
            g["values"] = list(dict.fromkeys(c["value"] for c in everything))
            g["conflicting"] = len(g["values"]) > 1
            g["claims"] = everything[-CLAIM_GROUP_ITEMS:]
            ledger.append(_summary(g, everything, shown))
    else:
        source = "figures"
        ledger = [_summary(g, items, shown) for g, items in _figure_groups(conn, sc)
                  if (group is None or g["key"] == group)
                  and (changed is None or any(i["article_id"] in changed for i in items))]
    ordered = _order(ledger, sort)
    return {"source": source, "filters": f.to_dict(), "sort": sort, "total": len(ordered),
            "offset": offset, "limit": limit, "groups": ordered[offset:offset + limit]}


def _figure_groups(conn: Connection, sc: sa.CTE) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The figures in scope grouped by counted noun and unit, each with all its items."""
    fg = t.figure.c
    rows = conn.execute(
        items_with_article(t.figure, sc, fg.text, fg.value, fg.lower, fg.upper, fg.qualifier,
                           fg.unit, fg.counted)
        .order_by(fg.counted, fg.unit, t.article.c.published, fg.value)
    ).all()
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in rows:
        groups[(r.counted or "", r.unit or "")].append(r)
    out = []
    for (counted, unit), items in groups.items():
        articles = {i.article_id for i in items}
        every = apply_all(conn, "figure", [
            {"text": i.text, "value": i.value, "lower": i.lower, "upper": i.upper,
             "qualifier": i.qualifier, "unit": i.unit, **evidence_ref(i)} for i in items])
        if not every:
            continue
        values = sorted({i["value"] for i in every})
        out.append(({
            "key": f"{counted}|{unit}", "counted": counted or None, "unit": unit or None,
            "figures": len(every), "values": values,
            "conflicting": len(values) > 1 and len(articles) > 1,
            "items": every[-CLAIM_GROUP_ITEMS:],
        }, every))
    return out
