"""Shared by the geocode rule tests: geocode a text with given place mentions."""

from __future__ import annotations

from typing import Any

from newswatch.model import Article, EntityMention


def places_of(analyse: Any, stage: Any, text: str, names: list[str], lang: str = "en",
              label: str = "GPE") -> dict[str, tuple[str | None, str | None, str | None]]:
    """Run the nlp stage (``analyse``) and the geocode ``stage`` on ``text`` with the first
    occurrence of each of ``names`` given as an entity mention of ``label`` (as the entities
    stage would leave it); returns each name mention's text -> (resolved place name or None,
    country code, GeoNames feature code)."""
    a: Article = analyse(text, lang)
    for name in names:
        start = text.index(name)
        a.entities.append(EntityMention(name, label, start, start + len(name), name,
                                        a.provenance("test", "0", start, 1.0)))
    stage(a)
    return {m.text: (p.name if p.resolved else None, p.country_code, p.feature_code)
            for p in a.places for m in p.mentions if m.kind == "name"}
