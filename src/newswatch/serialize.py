"""The JSON contract: one JSON object per article (``newswatch extract --format json``, and
the ``article`` of ``GET /api/articles/{id}``).

:func:`article_to_dict` is the only place that decides the shape of an article; the JSON
Schema in ``schema/article.schema.json`` describes it and the tests validate real output
against it. The store (:meth:`newswatch.storage.Store.article_to_dict`) and the web API wrap
that same record with what they add (the revision, ratings, comments ...), described by
``schema/article_view.schema.json``, which refers to the article schema.
Every item carries ``start``/``end`` (character offsets into ``text``, end exclusive, Python
code points) and a ``provenance`` object (stage, version, confidence, sentence offsets).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from importlib import resources
from typing import Any

from .model import Article, Provenance

#: 2: a place mention's ``kind`` ("name", "adjective", "demonym", "in_name"; ``PlaceMention``).
SCHEMA_VERSION = "2"


def _prov(p: Provenance) -> dict[str, Any]:
    return asdict(p)


def _sentence(article: Article, p: Provenance) -> str:
    return article.text[p.sentence_start:p.sentence_end].strip()


def article_to_dict(article: Article) -> dict[str, Any]:
    """Serialise an analysed article to the JSON contract (a JSON-ready ``dict``).

    Returns:
        ``{"id", "title", "published", "language", "source", "text", "entities", "quotes",
        "figures", "timexes", "places", "events", "claims", ...}``; ``published`` is ``YYYY-MM-DD`` or
        None. See ``schema/article.schema.json`` for every field.
    """
    a = article
    return {
        "schema_version": SCHEMA_VERSION,
        "id": a.ensure_id(),
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "published_source": a.published_source,
        "language": a.language,
        "language_confidence": a.language_confidence,
        "source": a.source,
        "site": a.site,
        "author": a.author,
        "url": a.url,
        "origin": a.origin,
        "input_format": a.input_format,
        "extractor": a.extractor,
        "content_hash": a.content_hash,
        "text": a.text,
        "entities": [
            {
                "text": e.text, "label": e.label, "start": e.start, "end": e.end,
                "canonical": e.canonical, "entity_key": e.entity_key, "method": e.method,
                "country": e.country, "provenance": _prov(e.prov),
            }
            for e in a.entities
        ],
        "quotes": [
            {
                "speaker": q.speaker, "text": q.text, "start": q.start, "end": q.end,
                "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
                "cue": q.cue, "kind": q.kind, "sentence": _sentence(a, q.prov),
                "provenance": _prov(q.prov),
            }
            for q in a.quotes
        ],
        "figures": [
            {
                "text": f.text, "value": f.value, "lower": f.lower, "upper": f.upper,
                "unit": f.unit, "counted": f.counted, "qualifier": f.qualifier,
                "start": f.start, "end": f.end, "sentence": _sentence(a, f.prov),
                "provenance": _prov(f.prov),
            }
            for f in a.figures
        ],
        "timexes": [
            {
                "text": t.text, "value": t.value, "type": t.type, "mod": t.mod,
                "begin": t.begin, "end_date": t.end_date, "anchor": t.anchor,
                "precision": t.precision, "start": t.start, "end": t.end,
                "provenance": _prov(t.prov),
            }
            for t in a.timexes
        ],
        "places": [
            {
                "key": p.key, "name": p.name, "lat": p.lat, "lon": p.lon,
                "country_code": p.country_code, "geonameid": p.geonameid,
                "feature_class": p.feature_class, "feature_code": p.feature_code,
                "source": p.source, "resolved": p.resolved, "reason": p.reason,
                "confidence": p.prov.confidence,
                "mentions": [{"text": m.text, "start": m.start, "end": m.end, "kind": m.kind}
                             for m in p.mentions],
            }
            for p in a.places
        ],
        "events": [
            {
                "type": ev.type, "mode": ev.mode, "actor": ev.actor, "recipient": ev.recipient,
                "place": ev.place, "date": ev.date, "sentence": _sentence(a, ev.prov),
                "start": ev.start, "end": ev.end, "provenance": _prov(ev.prov),
                "actor_key": ev.actor_key, "actor_country": ev.actor_country, "actor_sector": ev.actor_sector,
                "recipient_key": ev.recipient_key, "recipient_country": ev.recipient_country,
                "recipient_sector": ev.recipient_sector,
                "actors": [asdict(p) for p in ev.actors], "recipients": [asdict(p) for p in ev.recipients],
                "place_key": ev.place_key, "date_precision": ev.date_precision, "date_source": ev.date_source,
                "flags": {"negated": ev.negated, "future": ev.future, "hypothetical": ev.hypothetical,
                          "reported": ev.reported},
                "speaker": ev.speaker, "intended": ev.intended, "trigger": ev.trigger,
                "trigger_start": ev.trigger_start, "trigger_end": ev.trigger_end,
            }
            for ev in a.events
        ],
        "claims": [
            {
                "figure_text": c.figure_text, "start": c.start, "end": c.end, "value": c.value,
                "lower": c.lower, "upper": c.upper, "unit": c.unit, "qualifier": c.qualifier,
                "counted": c.counted, "property": c.property, "subject": c.subject,
                "subject_key": c.subject_key, "subject_country": c.subject_country, "as_of": c.as_of,
                "as_of_precision": c.as_of_precision, "as_of_source": c.as_of_source, "outlet": c.outlet,
                "cited": list(c.cited), "cited_how": c.cited_how, "group_key": c.group_key,
                "sentence": _sentence(a, c.prov), "provenance": _prov(c.prov),
            }
            for c in a.claims
        ],
        "errors": [{"stage": e.stage, "code": e.code, "message": e.message} for e in a.errors],
        "stages": list(a.stages_run),
    }


def dumps(article: Article) -> str:
    """One JSON Lines record (no trailing newline), UTF-8 characters kept as they are."""
    return json.dumps(article_to_dict(article), ensure_ascii=False)


#: The JSON Schema of one article record (:func:`article_to_dict`).
ARTICLE_SCHEMA = "article.schema.json"
#: The JSON Schema of a stored article as the reader API sends it (an article record wrapped
#: with its revision, ratings, comments, reports).
ARTICLE_VIEW_SCHEMA = "article_view.schema.json"
SCHEMAS = (ARTICLE_SCHEMA, ARTICLE_VIEW_SCHEMA)


@cache
def schema(name: str = ARTICLE_SCHEMA) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the package, loaded from package data.

    Args:
        name: one of :data:`SCHEMAS` (default: the article record).

    Raises:
        ValueError: not one of :data:`SCHEMAS`.
    """
    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}; known: {', '.join(SCHEMAS)}")
    text = resources.files("newswatch").joinpath(f"schema/{name}").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _registry() -> Any:
    """Every schema of the package by its ``$id``, so one can refer to another."""
    from referencing import Registry, Resource

    return Registry().with_resources(
        (schema(n)["$id"], Resource.from_contents(schema(n))) for n in SCHEMAS
    )


def validate(record: dict[str, Any], name: str = ARTICLE_SCHEMA) -> None:
    """Validate one record against :func:`schema` ``(name)``.

    Args:
        record: the decoded JSON object.
        name: :data:`ARTICLE_SCHEMA` (default) or :data:`ARTICLE_VIEW_SCHEMA`.

    Raises:
        jsonschema.ValidationError: the record breaks the contract.
    """
    import jsonschema

    jsonschema.Draft202012Validator(schema(name), registry=_registry()).validate(record)
