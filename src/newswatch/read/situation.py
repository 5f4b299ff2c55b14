"""Reading the situation picture across articles: the claims ledger, events, near-duplicate
clusters and identities (written by :mod:`newswatch.storage.situation`).

:func:`claim_groups` is what ``newswatch claims`` prints and what the dashboard's claims page
shows; :func:`events`, :func:`clusters` and :func:`identity` give the cross-article events,
the near-duplicate clusters and one identity with its merges.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..storage import schema as t
from ..storage import situation_schema as st
from ..text import fold
from .corrections import ReviewIndex, claim_verification
from .scope import Filters
from .scope import scope as scope_of


@dataclass(slots=True)
class ClaimView:
    """One claim in the ledger, with where it was published (``url``: the article's address
    as stored, unchecked; the web layer keeps only http(s) ones).

    ``newest`` marks the claim with the latest as-of date in its group (ties: the latest
    publication); ``most_cited`` marks every claim stating the value most claims state. A
    claim an analyst disputed (:func:`newswatch.read.corrections.claim_verification`) is
    never marked and is not counted.
    """

    id: int
    value: float
    lower: float | None
    upper: float | None
    unit: str | None
    qualifier: str
    figure_text: str
    as_of: str | None
    as_of_precision: str | None
    as_of_source: str | None
    outlet: str | None
    cited: list[str]
    cited_how: str | None
    article_id: str
    title: str | None
    published: str | None
    language: str | None
    revision_id: int
    start: int
    end: int
    sentence: str
    url: str | None = None
    newest: bool = False
    most_cited: bool = False


@dataclass(slots=True)
class ClaimGroupView:
    """A claim group: the quantity, its subject, and its claims oldest first.

    ``subject_entity_id``, ``subject_entity_key`` and ``subject_entity_label`` (OntoNotes) name
    the subject's entity identity when the subject is one (None otherwise).
    """

    id: int
    key: str
    subject: str | None
    subject_labels: dict[str, str]
    subject_country: str | None
    property: str
    unit: str | None
    claims: list[ClaimView] = field(default_factory=list)
    subject_entity_id: int | None = None
    subject_entity_key: str | None = None
    subject_entity_label: str | None = None

    @builtins.property  # the field ``property`` shadows the builtin in the class body
    def values(self) -> list[float]:
        """The distinct values claimed, in order of first appearance."""
        out: list[float] = []
        for c in self.claims:
            if c.value not in out:
                out.append(c.value)
        return out

    @builtins.property
    def conflicting(self) -> bool:
        """True when the group holds different values."""
        return len(self.values) > 1


def claim_groups(conn: Connection, subject: str | None = None, *, min_claims: int = 1,
                 scope: sa.CTE | None = None,
                 classes: Iterable[str] | None = None) -> list[ClaimGroupView]:
    """The claims ledger.

    Args:
        conn: a read connection.
        subject: keep groups whose subject name, any label of the subject entity, or key
            contains this text (case-folded), when given.
        min_claims: keep groups with at least this many claims.
        scope: keep only the claims of articles in this scope
            (:func:`newswatch.read.scope.scope`), after ``newest`` and ``most_cited`` were set
            over every claim of the group (so a mark says the same thing whatever the filter);
            groups left without claims are dropped.
        classes: keep only groups whose property ends in one of these words (the casualty
            tracker's ``killed``, ``wounded``...), chosen in SQL before any claim is read.

    Only the claims of each article's latest revision are read: a revised article's earlier
    revisions keep their stored claims, but they are no report of their own any more (their
    claims are left out of every group, mark and count).

    Returns:
        Groups ordered by number of claims (most first), then by key; each group's claims are
        ordered by as-of date then publication date, with ``newest`` and ``most_cited`` set.
    """
    c = st.claim.c
    chosen = sa.select(st.claim_group)
    if classes is not None:
        g = st.claim_group.c
        ends = [sa.or_(g.property == w, g.property.endswith(" " + w, autoescape=True)) for w in classes]
        chosen = chosen.where(sa.or_(sa.false(), *ends))
    groups = {r["id"]: r for r in conn.execute(chosen).mappings()}
    ent_ids = {r["subject_entity_id"] for r in groups.values() if r["subject_entity_id"]}
    labels: dict[int, dict[str, str]] = {}
    kinds: dict[int, tuple[str, str]] = {}
    if ent_ids:
        for r in conn.execute(sa.select(t.entity.c.id, t.entity.c.labels, t.entity.c.canonical,
                                        t.entity.c.key, t.entity.c.label)
                              .where(t.entity.c.id.in_(sorted(ent_ids)))).mappings():
            labels[r["id"]] = dict(r["labels"] or {}) or {"": r["canonical"]}
            kinds[r["id"]] = (r["key"], r["label"])
    # Claim groups are store-wide and keep every revision's claims (a revision's own claims
    # stay loadable); only the latest revision of an article is its report now, so a revised
    # article counts once and a replaced text's claims never vote.
    latest = scope_of(Filters(), name="latest_claims")
    rows = conn.execute(
        sa.select(st.claim, t.revision.c.article_id, t.revision.c.text, t.article.c.title,
                  t.article.c.published, t.article.c.language, t.article.c.url)
        .join(t.revision, t.revision.c.id == c.revision_id)
        .join(t.article, t.article.c.id == t.revision.c.article_id)
        .join(latest, latest.c.revision_id == c.revision_id)
        .where(c.group_id.in_(chosen.with_only_columns(st.claim_group.c.id)) if classes is not None
               else sa.true())
        .order_by(c.id)).mappings()
    views: dict[int, ClaimGroupView] = {}
    for r in rows:
        grp = groups[r["group_id"]]
        view = views.get(grp["id"])
        if view is None:
            eid = grp["subject_entity_id"]
            key, kind = kinds.get(eid, (None, None))
            view = views[grp["id"]] = ClaimGroupView(
                grp["id"], grp["key"], grp["subject"], labels.get(eid, {}),
                grp["subject_country"], grp["property"], grp["unit"],
                subject_entity_id=eid, subject_entity_key=key, subject_entity_label=kind)
        text = r["text"]
        view.claims.append(ClaimView(
            id=r["id"], value=r["value"], lower=r["lower"], upper=r["upper"], unit=r["unit"],
            qualifier=r["qualifier"], figure_text=r["figure_text"], as_of=r["as_of"],
            as_of_precision=r["as_of_precision"], as_of_source=r["as_of_source"], outlet=r["outlet"],
            cited=list(r["cited"] or []), cited_how=r["cited_how"], article_id=r["article_id"], title=r["title"],
            published=r["published"].isoformat() if r["published"] else None, language=r["language"],
            revision_id=r["revision_id"], start=r["start"], end=r["end"],
            sentence=text[r["sentence_start"]:r["sentence_end"]].strip(), url=r["url"]))
    checks = ReviewIndex(conn, "verification", {c.article_id for v in views.values() for c in v.claims})
    disputed = {c.id for v in views.values() for c in v.claims
                if (status := claim_verification(checks, c.article_id, c.revision_id, c.start, c.end))
                is not None and status.status == "disputed"}
    out = []
    want = fold(subject) if subject else None
    for view in views.values():
        if len(view.claims) < min_claims:
            continue
        if want and not any(want in fold(x) for x in [view.subject or "", view.key, *view.subject_labels.values()]):
            continue
        view.claims.sort(key=lambda c: (c.as_of or "", c.published or "", c.id))
        standing = [c for c in view.claims if c.id not in disputed]  # disputed: never marked
        if not standing:
            out.append(view)
            continue
        newest = max(standing, key=lambda c: (c.as_of or "", c.published or "", c.id))
        newest.newest = True
        counts = Counter(c.value for c in standing)
        top = max(counts.values())
        if list(counts.values()).count(top) == 1 or len(counts) == 1:
            best = max(counts, key=lambda v: counts[v])
            for cv in standing:
                cv.most_cited = cv.value == best
        out.append(view)
    if scope is not None:
        in_scope = set(conn.scalars(sa.select(scope.c.article_id)))
        for view in out:
            view.claims = [c for c in view.claims if c.article_id in in_scope]
        out = [view for view in out if view.claims]
    out.sort(key=lambda v: (-len(v.claims), v.key))
    return out


def group_to_dict(view: ClaimGroupView) -> dict[str, Any]:
    """A JSON-ready view of a claim group."""
    d = dataclasses.asdict(view)
    d["values"] = view.values
    d["conflicting"] = view.conflicting
    return d


def events(conn: Connection) -> list[dict[str, Any]]:
    """Every stored event with its mentions (article, revision, offsets, evidence sentence)."""
    out = []
    m = st.event_mention.c
    mentions: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(sa.select(st.event_mention, t.revision.c.article_id, t.revision.c.text)
                          .join(t.revision, t.revision.c.id == m.revision_id).order_by(m.id)).mappings():
        mentions.setdefault(r["event_id"], []).append({
            "article_id": r["article_id"], "revision_id": r["revision_id"], "start": r["start"], "end": r["end"],
            "sentence": r["text"][r["sentence_start"]:r["sentence_end"]].strip(), "confidence": r["confidence"],
            "reported": (r["detail"] or {}).get("reported", False), "speaker": (r["detail"] or {}).get("speaker"),
        })
    for r in conn.execute(sa.select(t.event).order_by(t.event.c.id)).mappings():
        out.append({
            "id": r["id"], "type": r["type"], "mode": r["mode"], "actor": r["actor"], "recipient": r["recipient"],
            "actor_country": r["actor_country"], "actor_sector": r["actor_sector"],
            "recipient_country": r["recipient_country"], "place": r["place"], "place_key": r["place_key"],
            "date": r["date"], "date_precision": r["date_precision"], "negated": r["negated"],
            "future": r["future"], "hypothetical": r["hypothetical"], "intended": r["intended"],
            "mention_count": r["mention_count"], "event_key": r["event_key"], "mentions": mentions.get(r["id"], []),
        })
    return out


def clusters(conn: Connection) -> list[dict[str, Any]]:
    """Near-duplicate clusters: ``{"id", "method", "threshold", "members": [...]}``."""
    m = st.article_cluster_member.c
    members: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(sa.select(st.article_cluster_member).order_by(m.id)).mappings():
        members.setdefault(r["cluster_id"], []).append(
            {"article_id": r["article_id"], "revision_id": r["revision_id"], "similarity": r["similarity"]})
    return [{"id": r["id"], "method": r["method"], "threshold": r["threshold"], "members": members.get(r["id"], [])}
            for r in conn.execute(sa.select(st.article_cluster).order_by(st.article_cluster.c.id)).mappings()]


def identity(conn: Connection, entity_key: str) -> dict[str, Any] | None:
    """The identity an entity key belongs to: root entity, labels, aliases, members, merges."""
    e = t.entity.c
    row = conn.execute(sa.select(t.entity).where(e.key == entity_key)).mappings().first()
    if row is None:
        return None
    root_id = int(row["identity_id"] or row["id"])
    root = conn.execute(sa.select(t.entity).where(e.id == root_id)).mappings().one()
    members = list(conn.execute(sa.select(t.entity).where(sa.or_(e.id == root_id, e.identity_id == root_id))
                                .order_by(e.id)).mappings())
    merges = list(conn.execute(sa.select(st.entity_merge).where(st.entity_merge.c.identity_id == root_id)
                               .order_by(st.entity_merge.c.id)).mappings())
    return {
        "id": root_id, "key": root["key"], "label": root["label"], "canonical": root["canonical"],
        "country": root["country"], "labels": dict(root["labels"] or {}), "aliases": dict(root["aliases"] or {}),
        "members": [{"id": m["id"], "key": m["key"], "canonical": m["canonical"]} for m in members],
        "merges": [{"id": x["id"], "entity_id": x["entity_id"], "method": x["method"], "evidence": x["evidence"],
                    "undone": x["undone_at"] is not None} for x in merges],
    }


