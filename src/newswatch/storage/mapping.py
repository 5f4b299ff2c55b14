"""Conversion between :mod:`newswatch.model` items and table rows (plain dicts).

Pure functions, no database access: ``*_row`` turns an item into the column values of its
table (without ``id`` and the foreign keys the repository fills in), ``*_from_row`` builds the
item back from a result row mapping. ``item -> row -> item`` is the identity for every field
the schema stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..model import (
    EntityMention,
    Event,
    Figure,
    Place,
    PlaceMention,
    Provenance,
    Quote,
    Sentence,
    StageError,
    Timex,
)

Row = dict[str, Any]


def entity_key(mention: EntityMention) -> str:
    """The key of the :class:`entity` row a mention links to.

    The stage's ``entity_key`` when set, else ``"<label>:<canonical>"`` (the model's
    documented default), so two mentions with the same label and canonical name share one
    entity across articles.
    """
    return mention.entity_key or f"{mention.label}:{mention.canonical}"


def prov_columns(prov: Provenance) -> Row:
    """The provenance columns of a mention row."""
    return {
        "sentence_start": prov.sentence_start,
        "sentence_end": prov.sentence_end,
        "stage": prov.stage,
        "stage_version": prov.version,
        "confidence": prov.confidence,
    }


def prov_from_row(row: Mapping[str, Any]) -> Provenance:
    """Rebuild a :class:`Provenance` from a mention row."""
    return Provenance(
        stage=row["stage"],
        version=row["stage_version"],
        confidence=row["confidence"],
        sentence_start=row["sentence_start"],
        sentence_end=row["sentence_end"],
    )


def sentences_json(sentences: list[Sentence]) -> list[list[int]]:
    """Sentences as ``[[start, end, token_start, token_end], ...]`` for the revision row."""
    return [[s.start, s.end, s.token_start, s.token_end] for s in sentences]


def sentences_from_json(value: list[list[int]] | None) -> list[Sentence]:
    """Inverse of :func:`sentences_json`."""
    return [Sentence(*item) for item in value or []]


def entity_mention_row(m: EntityMention) -> Row:
    """Columns of an ``entity_mention`` row (``entity_id`` is added by the repository)."""
    return {
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "label": m.label,
        "canonical": m.canonical,
        "entity_key": m.entity_key,
        "method": m.method,
        "country": m.country,
        **prov_columns(m.prov),
    }


def entity_mention_from_row(row: Mapping[str, Any]) -> EntityMention:
    """Rebuild an :class:`EntityMention`."""
    return EntityMention(
        text=row["text"],
        label=row["label"],
        start=row["start"],
        end=row["end"],
        canonical=row["canonical"],
        prov=prov_from_row(row),
        entity_key=row["entity_key"],
        method=row["method"],
        country=row["country"],
    )


def quote_row(q: Quote) -> Row:
    """Columns of a ``quote`` row (``speaker_entity_id`` is added by the repository)."""
    return {
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "speaker": q.speaker,
        "speaker_start": q.speaker_start,
        "speaker_end": q.speaker_end,
        "cue": q.cue,
        "kind": q.kind,
        **prov_columns(q.prov),
    }


def quote_from_row(row: Mapping[str, Any]) -> Quote:
    """Rebuild a :class:`Quote`."""
    return Quote(
        text=row["text"],
        start=row["start"],
        end=row["end"],
        speaker=row["speaker"],
        prov=prov_from_row(row),
        speaker_start=row["speaker_start"],
        speaker_end=row["speaker_end"],
        cue=row["cue"],
        kind=row["kind"],
    )


def figure_row(f: Figure) -> Row:
    """Columns of a ``figure`` row."""
    return {
        "start": f.start,
        "end": f.end,
        "text": f.text,
        "value": f.value,
        "lower": f.lower,
        "upper": f.upper,
        "unit": f.unit,
        "counted": f.counted,
        "qualifier": f.qualifier,
        "counted_start": f.counted_start,
        "counted_end": f.counted_end,
        **prov_columns(f.prov),
    }


def figure_from_row(row: Mapping[str, Any]) -> Figure:
    """Rebuild a :class:`Figure`."""
    return Figure(
        text=row["text"],
        value=row["value"],
        start=row["start"],
        end=row["end"],
        prov=prov_from_row(row),
        lower=row["lower"],
        upper=row["upper"],
        unit=row["unit"],
        counted=row["counted"],
        qualifier=row["qualifier"],
        counted_start=row["counted_start"],
        counted_end=row["counted_end"],
    )


def timex_row(t: Timex) -> Row:
    """Columns of a ``timex`` row."""
    return {
        "start": t.start,
        "end": t.end,
        "text": t.text,
        "value": t.value,
        "type": t.type,
        "mod": t.mod,
        "begin": t.begin,
        "end_date": t.end_date,
        "anchor": t.anchor,
        "precision": t.precision,
        **prov_columns(t.prov),
    }


def timex_from_row(row: Mapping[str, Any]) -> Timex:
    """Rebuild a :class:`Timex`."""
    return Timex(
        text=row["text"],
        value=row["value"],
        start=row["start"],
        end=row["end"],
        prov=prov_from_row(row),
        type=row["type"],
        mod=row["mod"],
        begin=row["begin"],
        end_date=row["end_date"],
        anchor=row["anchor"],
        precision=row["precision"],
    )


#: Columns of the shared ``place`` row that come from the gazetteer record.
PLACE_ATTRIBUTES = (
    "geonameid",
    "name",
    "lat",
    "lon",
    "country_code",
    "feature_class",
    "feature_code",
    "source",
    "resolved",
)


def place_row(p: Place) -> Row:
    """Columns of the shared ``place`` row (the gazetteer record, keyed by ``key``)."""
    return {"key": p.key, **{name: getattr(p, name) for name in PLACE_ATTRIBUTES}}


def place_resolution_row(p: Place) -> Row:
    """Columns of the per-revision ``place_resolution`` row (the resolution decision)."""
    return {"candidates": p.candidates, "reason": p.reason, **prov_columns(p.prov)}


def place_mention_row(m: PlaceMention) -> Row:
    """Columns of a ``place_mention`` row (place and resolution ids added by the repository)."""
    return {
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "place_key": m.place_key,
        **prov_columns(m.prov),
    }


def place_from_rows(
    place: Mapping[str, Any], resolution: Mapping[str, Any], mentions: list[PlaceMention]
) -> Place:
    """Rebuild a :class:`Place` from its ``place`` row, ``place_resolution`` row and mentions."""
    return Place(
        key=place["key"],
        name=place["name"],
        prov=prov_from_row(resolution),
        geonameid=place["geonameid"],
        lat=place["lat"],
        lon=place["lon"],
        country_code=place["country_code"],
        feature_class=place["feature_class"],
        feature_code=place["feature_code"],
        source=place["source"],
        resolved=bool(place["resolved"]),
        candidates=resolution["candidates"],
        reason=resolution["reason"],
        mentions=mentions,
    )


def place_mention_from_row(row: Mapping[str, Any]) -> PlaceMention:
    """Rebuild a :class:`PlaceMention`."""
    return PlaceMention(
        text=row["text"],
        start=row["start"],
        end=row["end"],
        prov=prov_from_row(row),
        place_key=row["place_key"],
    )


def event_row(e: Event) -> Row:
    """Columns of an ``event`` row."""
    return {
        "start": e.start,
        "end": e.end,
        "type": e.type,
        "mode": e.mode,
        "actor": e.actor,
        "recipient": e.recipient,
        "place": e.place,
        "date": e.date,
        **prov_columns(e.prov),
    }


def event_from_row(row: Mapping[str, Any]) -> Event:
    """Rebuild an :class:`Event`."""
    return Event(
        type=row["type"],
        start=row["start"],
        end=row["end"],
        prov=prov_from_row(row),
        mode=row["mode"],
        actor=row["actor"],
        recipient=row["recipient"],
        place=row["place"],
        date=row["date"],
    )


def stage_error_row(e: StageError) -> Row:
    """Columns of a ``stage_error`` row."""
    return {"stage": e.stage, "code": e.code, "message": e.message}


def stage_error_from_row(row: Mapping[str, Any]) -> StageError:
    """Rebuild a :class:`StageError`."""
    return StageError(stage=row["stage"], code=row["code"], message=row["message"])


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp read back from the database as an aware UTC datetime.

    SQLite returns naive datetimes (the store only ever writes UTC); PostgreSQL returns
    aware ones in the session time zone.
    """
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def to_jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of ``value``: dates and datetimes become ISO 8601 strings.

    Dicts, lists and tuples are copied recursively (tuples become lists); other scalars are
    returned unchanged.
    """
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
