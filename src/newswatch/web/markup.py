"""The article reader's text: cut into flat segments carrying the annotations that cover them.

Spans may nest (an entity inside a quote) or cross; cutting the text at every span boundary
gives segments that each have one fixed set of annotations, so the page needs no nested or
overlapping elements. Each segment keeps its start offset (a Python code-point offset into
the revision text), which lets the page's script turn a browser selection back into offsets.
Nothing here produces HTML: the template escapes every segment's text.
"""

# No ``from __future__ import annotations`` here: this module defines a function of that name.

from dataclasses import dataclass, field
from typing import Any

from ..model import Article
from ..storage.mapping import entity_key


@dataclass(frozen=True, slots=True)
class Annotation:
    """One highlighted span.

    Attributes:
        kind: ``entity``, ``figure``, ``timex``, ``quote``, ``place``, ``event``, ``evidence``
            or ``sentence`` (the sentence of the evidence).
        start, end: offsets into the text (end exclusive).
        anchor: element id of the span's first segment (``a-entity-3``), the target of the
            side panel's links.
        label: short description shown as the segment's title (``PERSON: Sergei Lavrov``).
        css: extra CSS class (an entity label such as ``PERSON``), or "".
    """

    kind: str
    start: int
    end: int
    anchor: str
    label: str
    css: str = ""


@dataclass(slots=True)
class Segment:
    """A run of text with one set of annotations.

    Attributes:
        start: offset of the first character.
        text: the characters.
        classes: CSS classes (``k-entity``, ``l-PERSON``...).
        anchors: element ids starting here (the first is used as the element's id; the others
            become empty anchor elements before it).
        title: tooltip text (labels of the annotations, one per line).
    """

    start: int
    text: str
    classes: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    title: str = ""


def annotations(
    article: Article,
    entity_ids: dict[str, int] | None = None,
    evidence: tuple[int, int] | None = None,
) -> tuple[list[Annotation], dict[str, list[dict[str, Any]]]]:
    """The annotations of an article and the side panel's lists.

    Args:
        article: a stored article (``Store.load_article``).
        entity_ids: entity key -> entity row id, for links to dossiers.
        evidence: ``(start, end)`` of a span to mark as the evidence a link pointed at; its
            sentence is marked too.

    Returns:
        ``(annotations, panel)`` where ``panel`` maps ``entities``, ``figures``, ``timexes``,
        ``quotes``, ``places`` and ``events`` to ``[{"anchor", "text", ...}]`` in text order.
    """
    entity_ids = entity_ids or {}
    out: list[Annotation] = []
    panel: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("entities", "figures", "timexes", "quotes", "places", "events")
    }
    for i, m in enumerate(sorted(article.entities, key=lambda m: (m.start, m.end))):
        anchor = f"a-entity-{i}"
        out.append(Annotation("entity", m.start, m.end, anchor, f"{m.label}: {m.canonical}", m.label))
        panel["entities"].append({"anchor": anchor, "start": m.start, "end": m.end,
                                  "text": m.text, "label": m.label,
                                  "canonical": m.canonical,
                                  "entity_id": entity_ids.get(entity_key(m))})
    for i, f in enumerate(sorted(article.figures, key=lambda f: f.start)):
        anchor = f"a-figure-{i}"
        what = f" {f.counted}" if f.counted else ""
        out.append(Annotation("figure", f.start, f.end, anchor, f"{f.qualifier} {f.value:g}{what}"))
        panel["figures"].append({"anchor": anchor, "start": f.start, "end": f.end,
                                 "text": f.text, "value": f.value, "lower": f.lower,
                                 "upper": f.upper,
                                 "unit": f.unit, "counted": f.counted, "qualifier": f.qualifier})
    for i, x in enumerate(sorted(article.timexes, key=lambda x: x.start)):
        anchor = f"a-timex-{i}"
        out.append(Annotation("timex", x.start, x.end, anchor, f"{x.type} {x.value}"))
        panel["timexes"].append({"anchor": anchor, "text": x.text, "value": x.value,
                                 "type": x.type, "mod": x.mod})
    for i, q in enumerate(sorted(article.quotes, key=lambda q: q.start)):
        anchor = f"a-quote-{i}"
        out.append(Annotation("quote", q.start, q.end, anchor,
                              f"{q.kind} quote: {q.speaker or '?'} ({q.cue})"))
        panel["quotes"].append({"anchor": anchor, "text": q.text, "speaker": q.speaker,
                                "cue": q.cue, "kind": q.kind})
    mentions = [(m, p) for p in article.places for m in p.mentions]
    for i, (pm, p) in enumerate(sorted(mentions, key=lambda mp: mp[0].start)):
        anchor = f"a-place-{i}"
        where = f"{p.name} ({p.country_code or '?'})" if p.resolved else f"{pm.text} (unresolved)"
        out.append(Annotation("place", pm.start, pm.end, anchor, f"place: {where}"))
        panel["places"].append({"anchor": anchor, "start": pm.start, "end": pm.end,
                                "text": pm.text, "name": p.name, "key": p.key,
                                "place_key": p.key, "country_code": p.country_code,
                                "resolved": p.resolved, "lat": p.lat, "lon": p.lon})
    for i, ev in enumerate(sorted(article.events, key=lambda e: e.start)):
        anchor = f"a-event-{i}"
        out.append(Annotation("event", ev.start, ev.end, anchor, f"event: {ev.type}"))
        panel["events"].append({"anchor": anchor, "start": ev.start, "end": ev.end,
                                "text": article.text[ev.start:ev.end],
                                "type": ev.type, "actor": ev.actor, "recipient": ev.recipient,
                                "place": ev.place, "date": ev.date})
    if evidence is not None:
        start, end = evidence
        if 0 <= start < end <= len(article.text):
            sentence = article.sentence_at(start)
            if sentence is not None:
                out.append(Annotation("sentence", sentence.start, max(sentence.end, end),
                                      "evidence-sentence", "evidence sentence"))
            out.append(Annotation("evidence", start, end, "hl", "evidence"))
    return out, panel


def _anchor_rank(a: Annotation) -> int:
    """The evidence a link points at gets the element id (the link's ``#hl`` target)."""
    return {"evidence": 0, "sentence": 1}.get(a.kind, 2)


def segments(text: str, spans: list[Annotation]) -> list[Segment]:
    """Cut ``text`` at every annotation boundary.

    Args:
        text: the revision text.
        spans: annotations; spans outside the text are ignored.

    Returns:
        Consecutive segments covering the whole text (an empty list for an empty text).
    """
    valid = [a for a in spans if 0 <= a.start < a.end <= len(text)]
    cuts = sorted({0, len(text), *(a.start for a in valid), *(a.end for a in valid)})
    starting: dict[int, list[Annotation]] = {}
    for a in valid:
        starting.setdefault(a.start, []).append(a)
    out = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        active = [a for a in valid if a.start <= left and right <= a.end]
        classes: list[str] = []
        for a in active:
            for c in (f"k-{a.kind}", f"l-{a.css}" if a.css else ""):
                if c and c not in classes:
                    classes.append(c)
        out.append(Segment(
            start=left,
            text=text[left:right],
            classes=classes,
            anchors=[a.anchor for a in sorted(starting.get(left, []), key=_anchor_rank)],
            title="\n".join(a.label for a in active),
        ))
    return out
