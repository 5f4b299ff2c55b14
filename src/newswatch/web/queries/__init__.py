"""Read side of the dashboard: what every page and its JSON API show, from the store.

One module per page — :mod:`.overview`, :mod:`.map`, :mod:`.timeline`, :mod:`.dossier`
(entities list and dossier), :mod:`.lists` (events and quotes), :mod:`.claims`,
:mod:`.tracker` (the casualty tracker), :mod:`.stories` (story threads), :mod:`.search`,
:mod:`.export` — over :mod:`.common`
(filter parsing, evidence references). The scope and the actor ranking are the read layer's
(:mod:`newswatch.read`), shared with ``newswatch report`` and ``newswatch claims``. The
routes call the functions re-exported here as ``queries.<name>``.

All functions take an open connection (``Store.read()``) and a :class:`Filters`, and return
plain JSON-ready dicts and lists. Scope: the latest revision of every article whose
publication date (or, when unknown, the day it was first stored) lies in ``[since, until]``,
in ``language`` when given; with ``country``, only articles that mention a place in that
country or an entity of that country.

Every item carries an evidence reference: ``article_id``, ``revision_id``, ``start``,
``end`` (code-point offsets into that revision's text) and its ``sentence``, so any number on
a page leads back to the words that support it.
"""

from __future__ import annotations

from ...read.actors import ACTOR_LABELS
from .claims import (
    CLAIM_GROUP_ITEMS,
    CLAIM_GROUPS,
    CLAIM_SORTS,
    CLAIMS_PAGE_GROUPS,
    CLAIMS_SHOWN,
    claims,
)
from .common import (
    SNIPPET_CHARS,
    Filters,
    event_items,
    evidence_ref,
    has_table,
    parse_date,
    parse_filters,
    parse_span,
    scope,
    snippet,
)
from .dossier import CO_OCCURRING, DOSSIER_MENTIONS, dossier, entity_list
from .export import (
    EXPORT_COLUMNS,
    EXPORT_MAX_ROWS,
    SOURCE_COLUMNS,
    csv_chunks,
    export_chunks,
    export_rows,
    flat_features,
    json_array_chunks,
    spreadsheet_safe,
)
from .lists import (
    EVENT_TYPES,
    MAX_NAME_CHARS,
    QUOTE_KINDS,
    STORY_ID,
    event_list,
    event_query,
    parse_happened,
    quote_list,
    quote_query,
)
from .map import (
    EVIDENCE_ROWS,
    FEATURE_CLASS_CATEGORY,
    area_code,
    map_event_days,
    map_features,
    place_evidence,
)
from .overview import (
    OVERVIEW_ROWS,
    article_rows,
    busiest_actors,
    busiest_places,
    latest_events,
    overview,
)
from .search import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    fts5_query,
    highlight_snippet,
    query_terms,
    search,
)
from .stories import article_story, story_list, story_view
from .timeline import (
    BASE_ITEM_TYPES,
    DAYS_UP_TO_DAYS,
    MONTHS_UP_TO_DAYS,
    WEEKS_UP_TO_DAYS,
    parse_types,
    timeline,
    timeline_items,
)
from .tracker import (
    PAGE_SOURCES,
    PAGE_UNATTRIBUTED,
    TRACKER_COLUMNS,
    TRACKER_PLACES,
    tracker_export_rows,
    tracker_view,
)

__all__ = [
    "STORY_ID",
    "article_story",
    "story_list",
    "story_view",
    "ACTOR_LABELS",
    "BASE_ITEM_TYPES",
    "CLAIMS_PAGE_GROUPS",
    "CLAIMS_SHOWN",
    "CLAIM_GROUPS",
    "CLAIM_GROUP_ITEMS",
    "CLAIM_SORTS",
    "CO_OCCURRING",
    "DAYS_UP_TO_DAYS",
    "DOSSIER_MENTIONS",
    "EVENT_TYPES",
    "EVIDENCE_ROWS",
    "EXPORT_COLUMNS",
    "EXPORT_MAX_ROWS",
    "FEATURE_CLASS_CATEGORY",
    "MAX_NAME_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "OVERVIEW_ROWS",
    "PAGE_SOURCES",
    "PAGE_UNATTRIBUTED",
    "QUOTE_KINDS",
    "SNIPPET_CHARS",
    "SOURCE_COLUMNS",
    "TRACKER_COLUMNS",
    "TRACKER_PLACES",
    "MONTHS_UP_TO_DAYS",
    "WEEKS_UP_TO_DAYS",
    "Filters",
    "article_rows",
    "busiest_actors",
    "busiest_places",
    "claims",
    "csv_chunks",
    "dossier",
    "entity_list",
    "event_items",
    "event_list",
    "event_query",
    "parse_happened",
    "evidence_ref",
    "export_chunks",
    "export_rows",
    "flat_features",
    "json_array_chunks",
    "fts5_query",
    "has_table",
    "highlight_snippet",
    "latest_events",
    "area_code",
    "map_event_days",
    "map_features",
    "overview",
    "parse_date",
    "parse_filters",
    "parse_span",
    "parse_types",
    "place_evidence",
    "query_terms",
    "quote_list",
    "quote_query",
    "scope",
    "search",
    "snippet",
    "spreadsheet_safe",
    "timeline",
    "timeline_items",
    "tracker_export_rows",
    "tracker_view",
]
