"""The events and quotes pages: the read layer's lists (:mod:`newswatch.read.workbench`) with
their parameters checked and every row turned into an evidence reference."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import Connection

from ...read.workbench import EventQuery, QuoteQuery, event_modes, list_events, list_quotes
from ...stages.events.lexicon import PLOVER_TYPES
from ...storage.review_schema import VERIFICATION_STATUSES
from ..errors import InvalidInput
from .common import Filters, evidence_ref, parse_date

__all__ = ["EVENT_TYPES", "MAX_NAME_CHARS", "QUOTE_KINDS", "STORY_ID", "event_list", "event_query",
           "parse_happened", "quote_list", "quote_query"]

#: The PLOVER event types a list can be filtered by.
EVENT_TYPES = PLOVER_TYPES
#: Quote kinds a list can be filtered by.
QUOTE_KINDS = ("direct", "reported", "turn")
#: Longest name or word list accepted in a filter, in characters.
MAX_NAME_CHARS = 200
#: A story thread id (:func:`newswatch.situation.stories.story_id`).
STORY_ID = re.compile(r"[0-9a-f]{12}")
_MODE = re.compile(r"[a-z_-]{1,40}")


def _codes(value: str | None, field: str, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    out = []
    for part in (value or "").split(","):
        code = part.strip()
        if not code:
            continue
        if allowed is not None:
            code = code.upper()
            if code not in allowed:
                raise InvalidInput(f"{field} must be one of {', '.join(allowed)}",
                                   params={"field": field})
        elif not _MODE.fullmatch(code):
            raise InvalidInput(f"{field} must be a PLOVER mode", params={"field": field})
        out.append(code)
    return tuple(dict.fromkeys(out))


def _name(value: str | None, field: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > MAX_NAME_CHARS:
        raise InvalidInput(f"{field} is longer than {MAX_NAME_CHARS} characters",
                           params={"field": field})
    return text or None


def parse_happened(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """The days an event happened in, from ``happened_since`` and ``happened_until`` (ISO
    days, both inclusive; empty: open) — the events list's and the map's parameters.

    Raises:
        InvalidInput: a day that is not ``YYYY-MM-DD``, or the first day after the last.
    """
    first = parse_date(since, "happened_since")
    last = parse_date(until, "happened_until")
    if first and last and first > last:
        raise InvalidInput("happened_since is after happened_until",
                           params={"field": "happened_since"})
    return first, last


def event_query(type: str | None = None, mode: str | None = None, actor: str | None = None,
                recipient: str | None = None, actor_id: int | None = None,
                recipient_id: int | None = None, flagged: bool = False,
                happened_since: str | None = None, happened_until: str | None = None,
                verification: str | None = None, rejected: bool = False, verifiers: int = 1,
                story: str | None = None, happening: str | None = None, happenings: bool = False
                ) -> EventQuery:
    """An :class:`EventQuery` from query parameters (types and modes comma-separated).

    Raises:
        InvalidInput: a type that is not a PLOVER type, a malformed mode, a name longer than
            :data:`MAX_NAME_CHARS`, a day that is not ``YYYY-MM-DD`` or a first day after the
            last, a verification status other than unverified, verified, disputed, a story
            id that is not 12 hex digits, or a happening key that is not ``h:…``.
    """
    story = (story or "").strip() or None
    if story is not None and not STORY_ID.fullmatch(story):
        raise InvalidInput("story must be a story id (12 hex digits)", params={"field": "story"})
    happening = (happening or "").strip() or None
    if happening is not None and (not happening.startswith("h:") or len(happening) > MAX_NAME_CHARS * 2):
        raise InvalidInput("happening must be a happening key (h:...)", params={"field": "happening"})
    status = (verification or "").strip().lower() or None
    if status is not None and status not in VERIFICATION_STATUSES:
        raise InvalidInput("verification must be unverified, verified or disputed",
                           params={"field": "verification"})
    first, last = parse_happened(happened_since, happened_until)
    return EventQuery(types=_codes(type, "type", EVENT_TYPES), modes=_codes(mode, "mode", None),
                      actor=_name(actor, "actor"), recipient=_name(recipient, "recipient"),
                      actor_id=actor_id, recipient_id=recipient_id, flagged=flagged,
                      happened_since=first, happened_until=last, verification=status,
                      rejected=rejected, verifiers=verifiers, story=story, happening=happening,
                      happenings=happenings)


def quote_query(speaker: str | None = None, speaker_id: int | None = None,
                org: str | None = None, words: str | None = None, kind: str | None = None
                ) -> QuoteQuery:
    """A :class:`QuoteQuery` from query parameters.

    Raises:
        InvalidInput: an unknown kind or a text longer than :data:`MAX_NAME_CHARS`.
    """
    k = (kind or "").strip().lower() or None
    if k is not None and k not in QUOTE_KINDS:
        raise InvalidInput("kind must be direct or reported", params={"field": "kind"})
    return QuoteQuery(speaker=_name(speaker, "speaker"), speaker_id=speaker_id,
                      org=_name(org, "org"), words=_name(words, "words"), kind=k)


def _ref(row: dict[str, Any]) -> dict[str, Any]:
    return evidence_ref(SimpleNamespace(**row))


def event_list(conn: Connection, f: Filters, q: EventQuery, *, limit: int, offset: int = 0
               ) -> dict[str, Any]:
    """The events page: ``{"total", "filters", "modes": [stored modes], "items": [{"id",
    "type", "mode", "actor", "actor_id", "actor_labels", "recipient", "recipient_id",
    "recipient_labels", "place", "place_name", "date", "negated", "future", "hypothetical",
    "mentions", "verification", "verified_by", "verified_at", "verifiers", "correction" (who
    corrected or rejected it, when; None), "machine" (the machine's values of corrected fields; None),
    "happening" (the key of the real-world event it reports), "reports" (how many event
    reports that happening has), "other_reports" (the others: mention id, article, title,
    day, outlet), <evidence reference>}]}``, and ``happenings``: how many happenings the
    listed reports make."""
    data = list_events(conn, f, q, limit=limit, offset=offset)
    keep = ("id", "type", "mode", "actor", "actor_id", "actor_labels", "recipient",
            "recipient_id", "recipient_labels", "place", "place_name", "date", "negated",
            "future", "hypothetical", "mentions", "verification", "verified_by", "verified_at",
            "verifiers", "correction", "happening", "reports", "other_reports")
    return {"total": data["total"], "happenings": data["happenings"], "filters": f.to_dict(),
            "modes": event_modes(conn),
            "items": [{**{k: r[k] for k in keep}, "machine": r.get("machine"), **_ref(r)}
                      for r in data["items"]]}


def quote_list(conn: Connection, f: Filters, q: QuoteQuery, *, limit: int, offset: int = 0
               ) -> dict[str, Any]:
    """The quotes page: ``{"total", "filters", "items": [{"id", "text", "speaker",
    "speaker_id", "speaker_name", "speaker_labels", "cue", "kind", <evidence reference>}]}``."""
    data = list_quotes(conn, f, q, limit=limit, offset=offset)
    keep = ("id", "text", "speaker", "speaker_id", "speaker_name", "speaker_labels", "cue",
            "kind")
    return {"total": data["total"], "filters": f.to_dict(),
            "items": [{**{k: r[k] for k in keep}, **_ref(r)} for r in data["items"]]}
