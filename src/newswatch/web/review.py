"""Analysts' review, the write path: correct or reject an item the machine found, set an
event's verification status (the read side is :mod:`newswatch.read.corrections`), and merge,
split or undo entities (the read side is :mod:`newswatch.read.merges`).

Framework-free functions over the store's engine; the web routes check first that the user is
an analyst (or admin) and that the CSRF token is right. Nothing here updates a machine row:
each call appends a row to ``correction`` or ``verification`` (``storage.review_schema``)
naming the item by its article, kind, offsets in the revision the analyst saw, and its quote
selector (text, prefix, suffix), with who and when.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..read.corrections import FIELDS, PROVENANCE, review_from_row
from ..read.merges import EntityEdits
from ..read.scope import event_items
from ..stages.events.lexicon import PLOVER_TYPES
from ..storage import schema as t
from ..storage import situation_schema as st
from ..storage.aggregates import bump_version
from ..storage.engine import inserted_id, write_transaction
from ..storage.reader_schema import error_report
from ..storage.review_schema import (
    ACTIONS,
    ITEM_KINDS,
    VERIFICATION_STATUSES,
    VERIFIED_KINDS,
    correction,
    entity_edit,
    verification,
)
from .activity import QUOTE_CONTEXT_CHARS, require_article
from .errors import InvalidInput, NoteTooLong, NotFound, NoVisibleText
from .security import visible
from .users import User

__all__ = ["ENTITY_LABELS", "correct", "correct_from_report", "entity_edits", "find_entity",
           "shown_text", "visible",
           "history", "items_in_selection", "merge_entities", "split_entity", "undo_entity_edit",
           "verify"]

#: Entity types an analyst may give (the OntoNotes labels the entities stage stores).
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART",
                 "LAW", "LANGUAGE")
#: An event date an analyst may give: a TIMEX3 calendar value, year to day.
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Longest text value of a corrected field (a name, a label).
MAX_FIELD_CHARS = 300


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _table(kind: str) -> sa.Table:
    return {"entity": t.entity_mention, "place": t.place_mention, "figure": t.figure,
            "event": event_items(), "claim": st.claim}[kind]


def _machine_values(conn: Connection, kind: str, row: Any) -> dict[str, Any]:
    """The machine's values of the correctable fields of one item row."""
    if kind == "place":
        place = conn.execute(sa.select(t.place).where(t.place.c.id == row.place_id)).first()
        return {"place_key": place.key if place else row.place_key,
                "name": place.name if place else None,
                "country_code": place.country_code if place else None,
                "lat": place.lat if place else None, "lon": place.lon if place else None}
    if kind == "entity":
        return {"label": row.label, "canonical": row.canonical, "entity_id": int(row.entity_id)}
    return {k: getattr(row, k) for k in FIELDS[kind]}


def items_in_selection(conn: Connection, revision_id: int, start: int, end: int
                       ) -> list[dict[str, Any]]:
    """The items of one revision that overlap ``[start, end)`` (what a report may point at).

    Returns:
        ``[{"kind", "start", "end", "text", "values": {machine values}}]`` in text order.
    """
    out: list[dict[str, Any]] = []
    for kind in ITEM_KINDS:
        table = _table(kind)
        c = table.c
        for row in conn.execute(sa.select(table).where(
                c.revision_id == revision_id, c.start < end, c.end > start).order_by(c.start)):
            text = getattr(row, "text", None)
            out.append({"kind": kind, "start": int(row.start), "end": int(row.end),
                        "text": text, "values": _machine_values(conn, kind, row)})
    out.sort(key=lambda x: (x["start"], x["end"], x["kind"]))
    return out


def _number(name: str, value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(f"{name} must be a number", params={"field": name}) from None
    if not math.isfinite(number):
        raise InvalidInput(f"{name} must be a finite number", params={"field": name})
    return number


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text", params={"field": name})
    value = " ".join(value.split())
    if len(value) > MAX_FIELD_CHARS:
        raise InvalidInput(f"{name} has at most {MAX_FIELD_CHARS} characters",
                           params={"field": name})
    return value or None


def _clean_fields(conn: Connection, kind: str, fields: dict[str, Any],
                  machine: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the corrected values of one item (only :data:`FIELDS` of its kind).

    Raises:
        InvalidInput: an unknown field, nothing to change, or a value out of its domain.
    """
    unknown = sorted(set(fields) - set(FIELDS[kind]))
    if unknown:
        raise InvalidInput(f"a {kind} has no correctable field {unknown[0]!r}; use "
                           f"{', '.join(FIELDS[kind])}", params={"field": unknown[0]})
    out: dict[str, Any] = {}
    if kind == "figure":
        for name in ("value", "lower", "upper"):
            if name in fields:
                out[name] = _number(name, fields[name])
        if "value" in out and out["value"] is None:
            raise InvalidInput("a figure needs a value", params={"field": "value"})
        for name in ("unit", "qualifier"):
            if name in fields:
                out[name] = _text(name, fields[name])
        merged = {**machine, **out}
        low, value, high = merged.get("lower"), merged.get("value"), merged.get("upper")
        if (low is not None and value is not None and low > value) or (
                high is not None and value is not None and value > high):
            raise InvalidInput("the bounds must hold the value (lower <= value <= upper)",
                               params={"field": "lower" if low is not None and low > value
                                       else "upper"})
    elif kind == "event":
        for name in ("type", "mode", "actor", "recipient", "date"):
            if name in fields:
                out[name] = _text(name, fields[name])
        if "type" in out and out["type"] not in PLOVER_TYPES:
            raise InvalidInput("type must be a PLOVER event type", params={"field": "type"})
        if out.get("date") and not _DATE.match(out["date"]):
            raise InvalidInput("date must be YYYY, YYYY-MM or YYYY-MM-DD", params={"field": "date"})
    elif kind == "entity":
        if "label" in fields:
            out["label"] = _text("label", fields["label"])
            if out["label"] not in ENTITY_LABELS:
                raise InvalidInput(f"label must be one of {', '.join(ENTITY_LABELS)}",
                                   params={"field": "label"})
        if "canonical" in fields:
            out["canonical"] = _text("canonical", fields["canonical"])
        if fields.get("entity_id") not in (None, ""):
            try:
                entity_id = int(fields["entity_id"])
            except (TypeError, ValueError):
                raise InvalidInput("entity_id must be an entity's id",
                                   params={"field": "entity_id"}) from None
            found = conn.execute(sa.select(t.entity.c.id, t.entity.c.canonical).where(
                t.entity.c.id == entity_id)).first() if abs(entity_id) < 2**63 else None
            if found is None:
                raise InvalidInput(f"no entity {entity_id}", params={"field": "entity_id"})
            out["entity_id"] = entity_id
            out.setdefault("canonical", found.canonical)
    elif kind == "place":
        key = _text("place_key", fields.get("place_key"))
        if key is None or not key.startswith("geonames:") or not key[9:].isdigit():
            raise InvalidInput("place_key must be geonames:<GeoNames id>",
                               params={"field": "place_key"})
        out["place_key"] = key
        stored = conn.execute(sa.select(t.place).where(t.place.c.key == key)).first()
        given = {"name": _text("name", fields.get("name")),
                 "country_code": _text("country_code", fields.get("country_code")),
                 "lat": _number("lat", fields.get("lat")),
                 "lon": _number("lon", fields.get("lon"))}
        known = ({"name": stored.name, "country_code": stored.country_code, "lat": stored.lat,
                  "lon": stored.lon} if stored is not None else {})
        for name, value in given.items():
            out[name] = value if value is not None else known.get(name)
        if not out["name"]:
            raise InvalidInput("a place not in the store needs its name", params={"field": "name"})
        if out["lat"] is not None and not -90 <= out["lat"] <= 90:
            raise InvalidInput("lat must be -90 to 90", params={"field": "lat"})
        if out["lon"] is not None and not -180 <= out["lon"] <= 180:
            raise InvalidInput("lon must be -180 to 180", params={"field": "lon"})
    if not out:
        raise InvalidInput("give at least one corrected value", params={"field": "fields"})
    return out


def _note(note: str, max_chars: int) -> str:
    from .security import clean_comment

    note = clean_comment(note).strip()
    if len(note) > max_chars:
        raise NoteTooLong(f"a note has at most {max_chars} characters", params={"limit": max_chars})
    return note


def _anchor_row(conn: Connection, kind: str, article_id: str, revision_id: int, start: int,
                end: int) -> tuple[dict[str, Any], Any]:
    """The anchor columns of an item, and its machine row.

    Raises:
        ArticleNotFound, NotFound: no such article, revision of it, or item there.
    """
    require_article(conn, article_id)
    text = conn.scalar(sa.select(t.revision.c.text).where(
        t.revision.c.id == revision_id, t.revision.c.article_id == article_id))
    if text is None:
        raise NotFound(f"no revision {revision_id} of article {article_id!r}")
    table = _table(kind)
    row = conn.execute(sa.select(table).where(
        table.c.revision_id == revision_id, table.c.start == start, table.c.end == end)).first()
    if row is None:
        raise NotFound(f"no {kind} at {start}-{end} in revision {revision_id}")
    return ({"article_id": article_id, "revision_id": revision_id, "kind": kind, "start": start,
             "end": end, "exact": text[start:end],
             "prefix": text[max(0, start - QUOTE_CONTEXT_CHARS):start],
             "suffix": text[end:end + QUOTE_CONTEXT_CHARS]}, row)


def _correct(conn: Connection, user: User, *, article_id: str, revision_id: int, kind: str,
             start: int, end: int, action: str, fields: dict[str, Any] | None, note: str,
             report_id: int | None) -> dict[str, Any]:
    if kind not in ITEM_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(ITEM_KINDS)}", params={"field": "kind"})
    if action not in ACTIONS:
        raise InvalidInput("action must be correct or reject", params={"field": "action"})
    anchor_cols, row = _anchor_row(conn, kind, article_id, revision_id, start, end)
    machine = _machine_values(conn, kind, row)
    clean = _clean_fields(conn, kind, fields or {}, machine) if action == "correct" else None
    new_id = inserted_id(conn.execute(sa.insert(correction), {
        **anchor_cols, "action": action, "fields": clean, "note": note, "report_id": report_id,
        "user_id": user.id, "created_at": _now()}))
    bump_version(conn)  # the dashboard's cached map, timeline and search answers are now stale
    return {"id": int(new_id), "article_id": article_id, "revision_id": revision_id,
            "kind": kind, "start": start, "end": end, "exact": anchor_cols["exact"],
            "action": action, "fields": clean or {}, "machine": machine, "note": note,
            "report_id": report_id, "by": user.name, "provenance": PROVENANCE}


def correct(engine: Engine, user: User, *, article_id: str, revision_id: int, kind: str,
            start: int, end: int, action: str, fields: dict[str, Any] | None = None,
            note: str = "", max_note_chars: int) -> dict[str, Any]:
    """Correct (``action="correct"``, the new values in ``fields``) or reject one item.

    Args:
        engine: the store's engine.
        user: the analyst (the caller checks the role).
        article_id, revision_id: the revision the analyst saw.
        kind: ``entity``, ``place``, ``figure`` or ``event``.
        start, end: the item's offsets there (code points, end exclusive), exactly.
        action: ``correct`` or ``reject``.
        fields: for ``correct``, the values to set (:data:`~newswatch.read.corrections.FIELDS`).
        note: why.
        max_note_chars: longest note accepted.

    Returns:
        ``{"id", "article_id", "revision_id", "kind", "start", "end", "exact", "action",
        "fields", "machine" (the machine's values, unchanged in the store), "note",
        "report_id", "by", "provenance"}``.

    Raises:
        InvalidInput: unknown kind, action or field, or a value out of its domain.
        NoteTooLong: the note is too long.
        ArticleNotFound, NotFound: no such article, revision or item.
    """
    note = _note(note, max_note_chars)
    with write_transaction(engine) as conn:
        return _correct(conn, user, article_id=article_id, revision_id=revision_id, kind=kind,
                        start=start, end=end, action=action, fields=fields, note=note,
                        report_id=None)


def correct_from_report(engine: Engine, user: User, report_id: int, *, kind: str, start: int,
                        end: int, action: str, fields: dict[str, Any] | None = None,
                        note: str = "", max_note_chars: int) -> dict[str, Any]:
    """Resolve an error report by correcting or rejecting the item it points at: an item of
    the report's revision that overlaps the reported selection. The report is marked resolved
    by ``user`` with a resolution naming the correction (an already resolved report keeps its
    first resolution; the correction is still stored).

    Returns:
        As :func:`correct`, with ``report_id``.

    Raises:
        NotFound: no such report, or the item does not overlap the report's selection.
        As :func:`correct` otherwise.
    """
    note = _note(note, max_note_chars)
    with write_transaction(engine) as conn:
        report = conn.execute(sa.select(error_report).where(error_report.c.id == report_id)).first()
        if report is None:
            raise NotFound(f"no error report {report_id}")
        if not (start < report.end and end > report.start):
            raise NotFound(f"the {kind} at {start}-{end} is not in the reported selection")
        done = _correct(conn, user, article_id=report.article_id,
                        revision_id=int(report.revision_id), kind=kind, start=start, end=end,
                        action=action, fields=fields, note=note, report_id=report_id)
        if report.status == "open":
            what = "rejected" if action == "reject" else "corrected " + ", ".join(
                f"{k}={v}" for k, v in done["fields"].items())
            conn.execute(sa.update(error_report).where(error_report.c.id == report_id).values(
                status="resolved", resolved_at=_now(), resolved_by=user.id,
                resolution=f"{kind} {what}" + (f" — {note}" if note else "")))
        return done


def verify(engine: Engine, user: User, *, article_id: str, revision_id: int, start: int,
           end: int, status: str, note: str = "", kind: str = "event", max_note_chars: int
           ) -> dict[str, Any]:
    """Set the verification status of an event (named by one of its mentions) or a claim.

    Returns:
        ``{"id", "article_id", "revision_id", "kind", "start", "end", "status", "note", "by"}``.

    Raises:
        InvalidInput: a status other than unverified, verified, disputed, or a kind other
            than event, claim.
        NoteTooLong, ArticleNotFound, NotFound: as :func:`correct`.
    """
    if status not in VERIFICATION_STATUSES:
        raise InvalidInput("status must be unverified, verified or disputed",
                           params={"field": "status"})
    if kind not in VERIFIED_KINDS:
        raise InvalidInput("kind must be event or claim", params={"field": "kind"})
    note = _note(note, max_note_chars)
    with write_transaction(engine) as conn:
        anchor_cols, _ = _anchor_row(conn, kind, article_id, revision_id, start, end)
        new_id = inserted_id(conn.execute(sa.insert(verification), {
            **anchor_cols, "status": status, "note": note, "user_id": user.id,
            "created_at": _now()}))
        bump_version(conn)  # cached answers showing verification status are now stale
    return {"id": int(new_id), "article_id": article_id, "revision_id": revision_id,
            "kind": kind, "start": start, "end": end, "status": status, "note": note,
            "by": user.name}


def history(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    """Every correction of an article, oldest first (the ones in force and the replaced).

    Returns:
        ``[{"id", "revision_id", "kind", "start", "end", "exact", "action", "fields", "note",
        "report_id", "by", "at"}]``.
    """
    from ..storage.reader_schema import app_user

    c = correction.c
    rows = conn.execute(sa.select(correction, app_user.c.name.label("by"))
                        .join(app_user, app_user.c.id == c.user_id)
                        .where(c.article_id == article_id).order_by(c.created_at, c.id)).all()
    return [{**review_from_row(r).to_dict(), "revision_id": int(r.revision_id),
             "start": int(r.start), "end": int(r.end), "exact": r.exact} for r in rows]


# -- entity merges and splits -----------------------------------------------------------------

#: Most (article, surface form) pairs one split may move.
MAX_SPLIT_MEMBERS = 1000


def _entity(conn: Connection, entity_id: Any, field: str) -> Any:
    """The ``entity`` row of an id (an int, or digits as text).

    Raises:
        InvalidInput: not an id (a boolean, an integer of 2^63 or more); NotFound: no such
            entity.
    """
    if isinstance(entity_id, bool) or not isinstance(entity_id, int | str):
        raise InvalidInput(f"{field} must be an entity's id", params={"field": field})
    try:
        number = int(str(entity_id).strip())
    except ValueError:
        raise InvalidInput(f"{field} must be an entity's id", params={"field": field}) from None
    if abs(number) >= 2**63:
        raise InvalidInput(f"{field} must be an entity's id (integer out of range)",
                           params={"field": field})
    row = conn.execute(sa.select(t.entity).where(t.entity.c.id == number)).first()
    if row is None:
        raise NotFound(f"no entity {number}")
    return row


def find_entity(conn: Connection, given: Any, field: str = "other") -> Any:
    """The entity an analyst named: its id, or a name that is exactly one entity's canonical
    name (as written; else case-insensitively where the database folds case).

    Raises:
        InvalidInput: blank, or a name of no entity or of several (the message lists their ids).
        NotFound: no entity of that id.
    """
    if isinstance(given, str) and given.strip() and not given.strip().isdigit():
        name = " ".join(given.split())
        if len(name) > MAX_FIELD_CHARS:
            raise InvalidInput(f"{field} has at most {MAX_FIELD_CHARS} characters",
                               params={"field": field})
        e = t.entity.c
        rows = conn.execute(sa.select(t.entity).where(e.canonical == name).order_by(e.id)
                            .limit(11)).all()
        if not rows:  # then case-insensitively (SQLite folds ASCII letters only)
            rows = conn.execute(sa.select(t.entity).where(
                sa.func.lower(e.canonical) == name.lower()).order_by(e.id).limit(11)).all()
        if not rows:
            raise InvalidInput(f"no entity is named {name!r}; give its id", params={"field": field})
        if len(rows) > 1:
            ids = ", ".join(str(r.id) for r in rows[:10])
            raise InvalidInput(f"several entities are named {name!r} (ids {ids}); give the id",
                               params={"field": field})
        return rows[0]
    return _entity(conn, given, field)


#: Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
#: removed from reasons and names, so "\u202eevil\u202c" cannot read as "live".
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shown_text(text: str, field: str) -> str:
    """A required reason or name as stored: bidirectional controls removed, trimmed.

    Raises:
        NoVisibleText: nothing visible is left (``field`` names it).
    """
    clean = _BIDI_CONTROLS.sub("", text).strip()
    if not visible(clean):
        raise NoVisibleText(f"{field} has no visible character", params={"field": field})
    return clean


def _reason(note: Any, max_chars: int) -> str:
    """The reason of a merge or a split, cleaned (required; :func:`shown_text`)."""
    clean = _note(note if isinstance(note, str) else "", max_chars)
    if not clean:
        raise InvalidInput("say why (the evidence): a reason is required", params={"field": "note"})
    return shown_text(clean, "note")


def _edit_out(conn: Connection, edit_id: int) -> dict[str, Any]:
    return next(e.to_dict() for e in EntityEdits(conn).edits if e.id == edit_id)


def _mentions_of(conn: Connection, edits: EntityEdits, entity_id: int) -> int:
    m, r = t.entity_mention.c, t.revision.c
    return int(conn.scalar(sa.select(sa.func.count()).select_from(t.entity_mention)
                           .join(t.revision, r.id == m.revision_id)
                           .where(edits.is_entity(entity_id, m.entity_id, r.article_id, m.text))) or 0)


def merge_entities(engine: Engine, user: User, entity_id: int, other: Any, *, note: Any,
                   max_note_chars: int) -> dict[str, Any]:
    """Merge ``other`` into ``entity_id``: from now on ``other``'s mentions, quotes and events
    count under ``entity_id`` everywhere (:mod:`newswatch.read.merges`). Nothing of the
    machine's changes; an ``entity_edit`` row records who, when, why and both entities as they
    were (name, label, mentions).

    Args:
        entity_id: the surviving entity.
        other: the entity merged into it: its id, or its exact name (:func:`find_entity`).
        note: the reason, the evidence (required).

    Returns:
        The record (:meth:`newswatch.read.merges.EntityEdit.to_dict`).

    Raises:
        InvalidInput: no reason, the same entity, or an entity already merged away.
        NoteTooLong: the reason is too long. NotFound: no such entity.
    """
    note = _reason(note, max_note_chars)
    with write_transaction(engine) as conn:
        keep = _entity(conn, entity_id, "entity_id")
        gone = find_entity(conn, other)
        edits = EntityEdits(conn)
        if int(gone.id) == int(keep.id):
            raise InvalidInput("an entity cannot be merged into itself", params={"field": "other"})
        for row, field in ((keep, "entity_id"), (gone, "other")):
            merged = edits.merged_into(int(row.id))
            if merged is not None:
                raise InvalidInput(f"entity {row.id} is already merged into entity {merged[0]}",
                                   params={"field": field})
        evidence = [{"entity_id": int(r.id), "key": r.key, "name": r.canonical, "label": r.label,
                     "mentions": _mentions_of(conn, edits, int(r.id))} for r in (gone, keep)]
        new_id = inserted_id(conn.execute(sa.insert(entity_edit), {
            "action": "merge", "entity_id": int(gone.id), "target_id": int(keep.id),
            "entity_key": gone.key, "target_key": keep.key, "members": evidence, "note": note,
            "user_id": user.id, "created_at": _now()}))
        bump_version(conn)  # cached map, timeline and search answers are now stale
        return _edit_out(conn, int(new_id))


def split_entity(engine: Engine, user: User, entity_id: int, *, name: str, label: str,
                 members: Any, note: Any, max_note_chars: int) -> dict[str, Any]:
    """Split some mentions of ``entity_id`` off into a new entity named ``name`` (``label``).

    Args:
        entity_id: the entity that conflates two.
        name, label: the new entity's canonical name and OntoNotes label
            (:data:`ENTITY_LABELS`).
        members: the mentions to move, as ``[{"article_id", "text"}]``: every mention of the
            entity in that article written ``text`` (or every mention there when ``text`` is
            null or missing; or, with ``article_id`` null, every mention written ``text`` in any
            article, later ones included: a split by alias). Named by article and surface
            form, so they stay moved when the article is ingested or analysed again.
        note: the reason, the evidence (required).

    Returns:
        The record (:meth:`newswatch.read.merges.EntityEdit.to_dict`); ``target_id`` is the
        new entity (a row of ``entity`` with the key ``analyst:<random hex>``).

    Raises:
        InvalidInput: no reason, no name, an unknown label, no members, too many, a member
            that names no mention of the entity, or an entity merged away.
        NoteTooLong: the reason is too long. NotFound: no such entity.
    """
    note = _reason(note, max_note_chars)
    clean_name = _text("name", name)
    if not clean_name:
        raise InvalidInput("the new entity needs a name", params={"field": "name"})
    clean_name = shown_text(clean_name, "name")
    if label not in ENTITY_LABELS:
        raise InvalidInput(f"label must be one of {', '.join(ENTITY_LABELS)}",
                           params={"field": "label"})
    if not isinstance(members, list) or not members:
        raise InvalidInput("choose the mentions to move", params={"field": "members"})
    if len(members) > MAX_SPLIT_MEMBERS:
        raise InvalidInput(f"at most {MAX_SPLIT_MEMBERS} members", params={"field": "members"})
    with write_transaction(engine) as conn:
        row = _entity(conn, entity_id, "entity_id")
        edits = EntityEdits(conn)
        if edits.merged_into(int(row.id)) is not None:
            raise InvalidInput(f"entity {row.id} is merged into another: split that one",
                               params={"field": "entity_id"})
        m, r = t.entity_mention.c, t.revision.c
        moved: list[dict[str, Any]] = []
        for member in members:
            if not isinstance(member, dict):
                raise InvalidInput("a member is {article_id, text}", params={"field": "members"})
            article_id, text = member.get("article_id"), member.get("text")
            if article_id is not None and (not isinstance(article_id, str) or not article_id):
                raise InvalidInput("a member's article_id is an article id or null",
                                   params={"field": "members"})
            if text is not None and (not isinstance(text, str) or not text):
                raise InvalidInput("a member's text is a surface form or null",
                                   params={"field": "members"})
            if article_id is None and text is None:
                raise InvalidInput("a member names an article, a surface form or both",
                                   params={"field": "members"})
            stmt = (sa.select(m.entity_id).distinct().join(t.revision, r.id == m.revision_id)
                    .where(edits.is_entity(int(row.id), m.entity_id, r.article_id, m.text)))
            if article_id is not None:
                stmt = stmt.where(r.article_id == article_id)
            if text is not None:
                stmt = stmt.where(m.text == text)
            machine = sorted(int(x) for x in conn.scalars(stmt))
            if not machine:
                raise InvalidInput(
                    f"entity {row.id} has no mention"
                    + (f" written {text!r}" if text is not None else "")
                    + (f" in article {article_id!r}" if article_id is not None else ""),
                    params={"field": "members"})
            for e in machine:
                item = {"article_id": article_id, "entity_id": e, "text": text}
                if item not in moved:
                    moved.append(item)
        key = f"analyst:{uuid.uuid4().hex}"
        new_entity = inserted_id(conn.execute(sa.insert(t.entity), {
            "key": key, "label": label, "canonical": clean_name, "country": None,
            "labels": {}, "aliases": {}}))
        new_id = inserted_id(conn.execute(sa.insert(entity_edit), {
            "action": "split", "entity_id": int(row.id), "target_id": int(new_entity),
            "entity_key": row.key, "target_key": key, "members": moved, "note": note,
            "user_id": user.id, "created_at": _now()}))
        bump_version(conn)
        return _edit_out(conn, int(new_id))


def undo_entity_edit(engine: Engine, user: User, edit_id: int, *, note: Any = "",
                     max_note_chars: int) -> dict[str, Any]:
    """Undo a merge or a split: the record is kept, marked undone by ``user`` now, and no
    longer applies (the entities read as before it; a split's new entity stays, empty).

    Raises:
        NotFound: no such record. InvalidInput: already undone. NoteTooLong: as above.
    """
    note = _BIDI_CONTROLS.sub("", _note(note if isinstance(note, str) else "", max_note_chars))
    note = note.strip() if visible(note) else ""  # optional: nothing visible is no note
    with write_transaction(engine) as conn:
        row = conn.execute(sa.select(entity_edit).where(entity_edit.c.id == edit_id)).first()
        if row is None:
            raise NotFound(f"no entity merge or split {edit_id}")
        if row.undone_at is not None:
            raise InvalidInput(f"merge or split {edit_id} is already undone",
                               params={"field": "edit_id"})
        conn.execute(sa.update(entity_edit).where(entity_edit.c.id == edit_id).values(
            undone_by=user.id, undone_at=_now(), undo_note=note or None))
        bump_version(conn)
        return _edit_out(conn, int(edit_id))


def entity_edits(conn: Connection, entity_id: int | None = None) -> list[dict[str, Any]]:
    """Every merge and split (of one entity and those merged into it, when given), newest
    first, undone ones included.

    Raises:
        NotFound: no such entity.
    """
    if entity_id is not None:
        _entity(conn, entity_id, "entity_id")
    edits = EntityEdits(conn)
    chosen = edits.history(entity_id) if entity_id is not None else list(reversed(edits.edits))
    return [e.to_dict() for e in chosen]
