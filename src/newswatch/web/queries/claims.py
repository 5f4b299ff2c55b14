"""The claims page: the claims ledger in scope (or, before any claim is stored, the figures
grouped by what they count)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...read.situation import claim_groups, group_to_dict
from ...storage import schema as t
from ...storage import situation_schema as st
from .common import Filters, evidence_ref, items_with_article, scope

__all__ = ["CLAIM_GROUPS", "CLAIM_GROUP_ITEMS", "claims"]

#: Groups and figures per group the claims page lists (a group's ``figures`` counts them all).
CLAIM_GROUPS = 100
CLAIM_GROUP_ITEMS = 50


def claims(conn: Connection, f: Filters) -> dict[str, Any]:
    """The claims page.

    When the situation model has stored claims (``claim`` and ``claim_group`` tables, read with
    :func:`newswatch.read.situation.claim_groups`), the ledger of claim groups whose claims
    come from articles in scope: ``{"source": "claims", "groups": [{"id", "key", "subject",
    "subject_labels", "subject_country", "property", "unit", "values", "conflicting",
    "claims": [{"value", "lower", "upper", "unit", "qualifier", "figure_text", "as_of",
    "outlet", "cited", "newest", "most_cited", <evidence reference>...}]}]}``.

    When no claim is stored yet, the page is the ledger of figures grouped by what they count (``"source":
    "figures"``): ``"groups": [{"counted", "unit", "figures": n, "values": [distinct values],
    "conflicting": bool, "items": [{"text", "value", "lower", "upper", "qualifier", <evidence
    reference>}]}]``, groups with the most figures first (at most :data:`CLAIM_GROUPS`, each
    listing its latest :data:`CLAIM_GROUP_ITEMS` figures); ``conflicting`` when the group holds
    different values from more than one article.
    """
    sc = scope(f)
    if conn.scalar(sa.select(sa.func.count()).select_from(st.claim)):
        ledger = []
        for view in claim_groups(conn, scope=sc)[:CLAIM_GROUPS]:
            group = group_to_dict(view)
            group["claims"] = group["claims"][-CLAIM_GROUP_ITEMS:]
            ledger.append(group)
        return {"source": "claims", "filters": f.to_dict(), "groups": ledger}
    fg = t.figure.c
    rows = conn.execute(
        items_with_article(t.figure, sc, fg.text, fg.value, fg.lower, fg.upper, fg.qualifier,
                           fg.unit, fg.counted)
        .order_by(fg.counted, fg.unit, t.article.c.published, fg.value)
    ).all()
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in rows:
        groups[(r.counted or "", r.unit or "")].append(r)
    out: list[dict[str, Any]] = []
    for (counted, unit), items in groups.items():
        values = sorted({i.value for i in items})
        articles = {i.article_id for i in items}
        out.append({
            "counted": counted or None, "unit": unit or None, "figures": len(items),
            "values": values, "conflicting": len(values) > 1 and len(articles) > 1,
            "items": [{"text": i.text, "value": i.value, "lower": i.lower, "upper": i.upper,
                       "qualifier": i.qualifier, **evidence_ref(i)}
                      for i in items[-CLAIM_GROUP_ITEMS:]],
        })
    out.sort(key=lambda g: (g["counted"] is None, -g["figures"], g["counted"] or "", g["unit"] or ""))
    return {"source": "figures", "filters": f.to_dict(), "groups": out[:CLAIM_GROUPS]}
