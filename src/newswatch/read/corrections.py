"""Analysts' corrections and event verification, as every page, export and the API read them.

The machine rows are never changed: a correction (``storage.review_schema.correction``) lies
beside them, and this module lays it over the machine values when they are read. An item is
found by its stable identity, not by a row id: the article, the item kind and the code-point
offsets in the revision the analyst saw. In another revision of the same article (a
re-ingested, re-extracted text), the item is found again by its W3C Web Annotation quote
selector (:func:`anchor`): the offsets when the text there is still ``exact``, else the
occurrence of ``exact`` whose prefix and suffix agree best. A re-analysis of an unchanged text
stores nothing new (the store is content-hash idempotent), so the offsets hold as they were.

**Which correction is in force.** The newest for an item (``created_at``, then ``id``); the
older ones are its history. ``reject`` hides the item from lists, pages and exports unless
the reader asks for rejected items; ``correct`` replaces the listed ``fields``.

**What is corrected** (:data:`FIELDS`): an entity mention's ``label``, ``canonical`` and
``entity_id`` (its identity); a place mention's ``place_key``, ``name``, ``country_code``,
``lat``, ``lon`` (its GeoNames match); a figure's ``value``, ``lower``, ``upper``, ``unit``,
``qualifier``; an event's ``type``, ``mode``, ``actor``, ``recipient``, ``date``.

Cost: one query of the reviews of the articles asked about (all of them for whole-store
lists), plus one revision text per article whose reviews were made on another revision.
Nothing here writes (the write path is :mod:`newswatch.web.review`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..storage import schema as t
from ..storage.engine import in_chunks
from ..storage.reader_schema import app_user
from ..storage.review_schema import correction, verification
from .scope import event_items

__all__ = ["FIELDS", "PROVENANCE", "REVIEW_COLUMNS", "Review", "EventStatus", "ReviewIndex", "anchor", "apply",
           "claim_verification", "event_verifications", "flat_columns", "iso_date_precision",
           "review_from_row",
           "verification_status"]

#: The fields a correction may set, per item kind.
FIELDS: dict[str, tuple[str, ...]] = {
    "entity": ("label", "canonical", "entity_id"),
    "place": ("place_key", "name", "country_code", "lat", "lon"),
    "figure": ("value", "lower", "upper", "unit", "qualifier"),
    "event": ("type", "mode", "actor", "recipient", "date"),
}
#: How a corrected value is described to a reader (the interface translates it).
PROVENANCE = "corrected by an analyst"
#: Columns every item export carries about its review (CSV header order).
REVIEW_COLUMNS = ("correction", "corrected_by", "corrected_at")


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def anchor(text: str, exact: str, prefix: str, suffix: str, start: int, end: int) -> int | None:
    """Where a quoted selection is in ``text`` (W3C Web Annotation quote and position selectors).

    Args:
        text: the revision text.
        exact: the selected text; prefix, suffix: the text just before and after it.
        start, end: its offsets where it was seen (code points, end exclusive).

    Returns:
        ``start`` when ``text[start:end] == exact``; else the start of the occurrence of
        ``exact`` whose prefix and suffix agree best with the given ones (ties: nearest to
        ``start``, then first); None when ``exact`` is empty or not in the text.
    """
    if 0 <= start < end <= len(text) and text[start:end] == exact:
        return start
    if not exact:
        return None
    best: tuple[int, int, int] | None = None
    at = text.find(exact)
    while at >= 0:
        before = text[max(0, at - len(prefix)):at]
        after = text[at + len(exact):at + len(exact) + len(suffix)]
        score = _common_prefix(before[::-1], prefix[::-1]) + _common_prefix(after, suffix)
        key = (-score, abs(at - start), at)
        if best is None or key < best:
            best = key
        at = text.find(exact, at + 1)
    return None if best is None else best[2]


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


@dataclass(frozen=True, slots=True)
class Review:
    """One review in force for an item.

    Attributes:
        id: the correction or verification row.
        kind: ``entity``, ``place``, ``figure`` or ``event``.
        action: ``correct`` or ``reject`` (corrections), or the verification status.
        fields: the corrected values (empty for a rejection or a verification).
        note: the analyst's note.
        by: the analyst's user name.
        at: when (ISO 8601, UTC).
        report_id: the error report it resolved, if any.
    """

    id: int
    kind: str
    action: str
    fields: dict[str, Any]
    note: str
    by: str
    at: str | None
    report_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"id", "kind", "action", "fields", "note", "by", "at", "report_id",
        "provenance"}`` (``provenance``: :data:`PROVENANCE` for a correction, else None)."""
        return {"id": self.id, "kind": self.kind, "action": self.action,
                "fields": dict(self.fields), "note": self.note, "by": self.by, "at": self.at,
                "report_id": self.report_id,
                "provenance": PROVENANCE if self.action in ("correct", "reject") else None}


def review_from_row(r: Any, is_correction: bool = True) -> Review:
    """A :class:`Review` from a ``correction`` (or ``verification``) row joined with the
    user's name as ``by``."""
    if is_correction:
        action, fields = r.action, dict(r.fields or {})
        report_id = int(r.report_id) if r.report_id is not None else None
    else:
        action, fields, report_id = r.status, {}, None
    return Review(int(r.id), r.kind, action, fields, r.note, r.by, _iso(r.created_at), report_id)


Position = tuple[str, int, int]  # (kind, start, end) in one revision


class ReviewIndex:
    """The reviews in force of some articles, found in any of their revisions.

    Args:
        conn: an open connection.
        table: ``"correction"`` or ``"verification"``.
        article_ids: the articles to load reviews of; None for every article (whole-store
            lists and exports; reviews are few beside machine rows).
    """

    def __init__(self, conn: Connection, table: str = "correction",
                 article_ids: Iterable[str] | None = None) -> None:
        self._conn = conn
        self._table = correction if table == "correction" else verification
        tb = self._table
        stmt = (sa.select(tb, app_user.c.name.label("by"))
                .join(app_user, app_user.c.id == tb.c.user_id)
                .order_by(tb.c.created_at, tb.c.id))
        self._rows: dict[str, list[Any]] = {}
        self._resolved: dict[int, dict[Position, Review]] = {}
        self._history: dict[int, dict[Position, list[Review]]] = {}
        if t.metadata.tables.get(tb.name) is None:
            return
        if article_ids is not None:
            ids = sorted(set(article_ids))
            rows: list[Any] = []
            for chunk in in_chunks(ids):
                rows.extend(conn.execute(stmt.where(tb.c.article_id.in_(chunk))).all())
            rows.sort(key=lambda r: (r.created_at, r.id))
        else:
            rows = list(conn.execute(stmt).all())
        for r in rows:
            self._rows.setdefault(r.article_id, []).append(r)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def _review(self, r: Any) -> Review:
        return review_from_row(r, self._table is correction)

    def in_revision(self, article_id: str, revision_id: int) -> dict[Position, Review]:
        """The reviews in force in one revision, by ``(kind, start, end)`` there."""
        revision_id = int(revision_id)
        cached = self._resolved.get(revision_id)
        if cached is not None:
            return cached
        out: dict[Position, Review] = {}
        history: dict[Position, list[Review]] = {}
        text: str | None = None
        for r in self._rows.get(article_id, []):
            start, end = int(r.start), int(r.end)
            if int(r.revision_id) != revision_id:
                if text is None:
                    text = self._conn.scalar(
                        sa.select(t.revision.c.text).where(t.revision.c.id == revision_id)) or ""
                at = anchor(text, r.exact, r.prefix, r.suffix, start, end)
                if at is None:
                    continue
                start, end = at, at + len(r.exact)
            review = self._review(r)
            out[(r.kind, start, end)] = review  # oldest first: the newest stays
            history.setdefault((r.kind, start, end), []).append(review)
        self._resolved[revision_id] = out
        self._history[revision_id] = history
        return out

    def get(self, kind: str, article_id: str, revision_id: int, start: int, end: int
            ) -> Review | None:
        """The review in force of one item, or None."""
        if article_id not in self._rows:
            return None
        return self.in_revision(article_id, revision_id).get((kind, int(start), int(end)))

    def history(self, kind: str, article_id: str, revision_id: int, start: int, end: int
                ) -> list[Review]:
        """Every review of one item, oldest first (empty when none)."""
        if article_id not in self._rows:
            return []
        self.in_revision(article_id, revision_id)
        return list(self._history[int(revision_id)].get((kind, int(start), int(end)), []))

    def positions(self, kind: str, keep: Callable[[Review], bool] | Iterable[str]
                  ) -> list[tuple[int, int, int]]:
        """``(revision_id, start, end)`` of every item of ``kind`` whose review in force is
        kept (``keep``: a predicate, or the actions to keep), in every revision of the
        reviewed articles (for SQL filters)."""
        if callable(keep):
            keep_fn = keep
        else:
            wanted = set(keep)

            def keep_fn(review: Review) -> bool:
                return review.action in wanted
        return [(rid, s, e) for rid, s, e, review in self.found(kind) if keep_fn(review)]

    def found(self, kind: str) -> Iterator[tuple[int, int, int, Review]]:
        """``(revision_id, start, end, review)`` of every reviewed item of ``kind``, in every
        revision of the reviewed articles (the review in force)."""
        for rid, s, e, reviews in self.found_history(kind):
            yield rid, s, e, reviews[-1]

    def found_history(self, kind: str) -> Iterator[tuple[int, int, int, list[Review]]]:
        """``(revision_id, start, end, reviews)`` of every reviewed item of ``kind``, in every
        revision of the reviewed articles, with all its reviews, oldest first."""
        if not self._rows:
            return
        rc = t.revision.c
        ids = sorted(self._rows)
        for chunk in in_chunks(ids):
            for rid, aid in self._conn.execute(
                    sa.select(rc.id, rc.article_id).where(rc.article_id.in_(chunk))):
                self.in_revision(aid, rid)
                for (k, s, e), reviews in self._history[int(rid)].items():
                    if k == kind:
                        yield int(rid), s, e, reviews


@dataclass(frozen=True, slots=True)
class EventStatus:
    """The verification status of one event or claim.

    Attributes:
        status: ``unverified``, ``verified`` or ``disputed``.
        by: the analyst who set the newest status; at: when (ISO 8601).
        verifiers: the analysts whose own newest word on the event is "verified", sorted.
        required: how many different analysts must verify (``web_verify_analysts_count``).
    """

    status: str
    by: str | None
    at: str | None
    verifiers: tuple[str, ...]
    required: int


def event_verifications(conn: Connection, index: ReviewIndex, required: int = 1
                        ) -> dict[int, EventStatus]:
    """The verification status of each event an analyst has judged. An event reported by
    several articles has one status: the newest verification of any of its mentions; a
    "verified" counts only when at least ``required`` different analysts' own newest word on
    the event is "verified" (the two-analyst rule when 2), else the event stays unverified
    (with its ``verifiers`` so far). Events absent from the result are unverified.

    Args:
        conn: an open connection.
        index: a ``"verification"`` :class:`ReviewIndex`.
        required: different analysts needed for "verified" (at least 1).

    Returns:
        ``{event id: EventStatus}``.
    """
    spots = {(rid, s, e): reviews for rid, s, e, reviews in index.found_history("event")}
    if not spots:
        return {}
    items = event_items()
    c = items.c
    event_id = c.event_id if "event_id" in c else c.id
    gathered: dict[int, dict[int, Review]] = {}
    keys = list(spots)
    for chunk in in_chunks(keys, 300):  # three parameters per key
        rows = conn.execute(sa.select(event_id.label("event_id"), c.revision_id, c.start, c.end)
                            .where(sa.tuple_(c.revision_id, c.start, c.end).in_(chunk)))
        for r in rows:
            for review in spots[(int(r.revision_id), int(r.start), int(r.end))]:
                gathered.setdefault(int(r.event_id), {})[review.id] = review
    return {eid: verification_status(reviews.values(), required)
            for eid, reviews in gathered.items()}


def verification_status(reviews: Iterable[Review], required: int = 1) -> EventStatus:
    """The status that verifications (of one event, or one claim) add up to: the newest
    one's, except that "verified" needs ``required`` different analysts whose own newest word
    is "verified" (else "unverified", with the ``verifiers`` so far).

    Raises:
        ValueError: no review given.
    """
    ordered = sorted(reviews, key=lambda v: (v.at or "", v.id))
    if not ordered:
        raise ValueError("no verification to add up")
    newest = ordered[-1]
    own: dict[str, Review] = {}
    for review in ordered:
        own[review.by] = review
    verifiers = tuple(sorted(by for by, v in own.items() if v.action == "verified"))
    status = newest.action
    if status == "verified" and len(verifiers) < max(1, required):
        status = "unverified"
    return EventStatus(status, newest.by, newest.at, verifiers, max(1, required))


def claim_verification(index: ReviewIndex, article_id: str, revision_id: int, start: int,
                       end: int, required: int = 1) -> EventStatus | None:
    """The verification status of one claim (found by its article, revision and offsets, in
    any revision the analysts saw), or None when no analyst judged it (unverified).

    Args:
        index: a ``"verification"`` :class:`ReviewIndex` of the claim's article.
        required: different analysts needed for "verified" (``web_verify_analysts_count``).
    """
    reviews = index.history("claim", article_id, revision_id, start, end) if index else []
    return verification_status(reviews, required) if reviews else None


def apply(index: ReviewIndex, kind: str, row: dict[str, Any], *,
          key: tuple[str, int, int, int] | None = None) -> dict[str, Any] | None:
    """Lay the correction in force over one item row (changed in place).

    Args:
        index: the corrections of the row's article.
        kind: the item kind.
        row: a dict with ``article_id``, ``revision_id``, ``start``, ``end`` (or ``key``)
            and the item's values.
        key: ``(article_id, revision_id, start, end)`` when the row does not carry them.

    Returns:
        ``row`` with the corrected values, ``machine`` (the machine's values of the corrected
        fields) and ``correction`` (:meth:`Review.to_dict`, or None when there is none); a
        figure corrected to an exact value without bounds gets that value as both bounds
        (the machine's bounds, e.g. a range's two ends, described the old value); None
        when the item is rejected (the caller hides it unless rejected items are asked for:
        then ``row`` is still marked, read ``row["correction"]``).
    """
    aid, rid, s, e = key or (row["article_id"], row["revision_id"], row["start"], row["end"])
    review = index.get(kind, aid, rid, s, e) if index else None
    row["correction"] = review.to_dict() if review is not None else None
    if review is None:
        return row
    if review.action == "reject":
        return None
    row["machine"] = {k: row.get(k) for k in review.fields}
    row.update(review.fields)
    if (kind == "figure" and row.get("qualifier") == "exact"
            and not {"lower", "upper"} & review.fields.keys()
            and {"value", "qualifier"} & review.fields.keys()):
        # an exact value's bounds are the value: the machine's bounds (a range's ends, or
        # one end of "at least 12") no longer describe a value the analyst set alone
        row["lower"] = row["upper"] = row.get("value")
    return row


def iso_date_precision(value: str | None) -> str | None:
    """The precision of a date in the ISO form an analyst corrects a date to: ``YYYY-MM-DD``
    "day", ``YYYY-MM`` "month", ``YYYY`` "year"; None for anything else (no date)."""
    if not value:
        return None
    parts = value.split("-")
    if all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return {1: "year", 2: "month", 3: "day"}.get(len(parts))
    return None


def apply_all(conn: Connection, kind: str, rows: list[dict[str, Any]], *,
              show_rejected: bool = False) -> list[dict[str, Any]]:
    """:func:`apply` over rows of one kind (each with ``article_id``, ``revision_id``,
    ``start``, ``end``), loading the corrections of their articles once.

    Returns:
        The rows with their corrections laid over them, rejected ones left out unless
        ``show_rejected`` (then marked).
    """
    if not rows:
        return rows
    index = ReviewIndex(conn, "correction", {r["article_id"] for r in rows})
    out = []
    for row in rows:
        if apply(index, kind, row) is not None or show_rejected:
            out.append(row)
    return out


def flat_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The :data:`REVIEW_COLUMNS` of a row :func:`apply` went over (for exports):
    ``correction`` is ``corrected``, ``rejected`` or empty."""
    c = row.get("correction")
    if not c:
        return {"correction": "", "corrected_by": None, "corrected_at": None}
    return {"correction": "rejected" if c["action"] == "reject" else "corrected",
            "corrected_by": c["by"], "corrected_at": c["at"]}
