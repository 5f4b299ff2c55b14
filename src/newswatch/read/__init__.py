"""The read layer: what ``newswatch report``, ``newswatch claims`` and the dashboard read from
the store, defined once.

* :mod:`.scope` — :class:`Filters` and :func:`scope`, the set of articles (latest revisions)
  a read counts, and :func:`event_items`;
* :mod:`.actors` — :data:`ACTOR_LABELS` (what an actor is: PERSON, ORG, GPE; not NORP) and
  :func:`rank_actors`;
* :mod:`.situation` — the claims ledger (:func:`claim_groups`), events, near-duplicate
  clusters and identities;
* :mod:`.tracker` — the casualty tracker (:func:`tracker`): per side, casualty claims as
  series of as-of dates with every source, revisions and marks, read from the claims ledger;
* :mod:`.workbench` — the analyst's lists: events (:func:`list_events`) and quotes
  (:func:`list_quotes`) filtered by type, mode, party, speaker and words, names matched by
  identity across languages (:func:`identity_members`);
* :mod:`.corrections` — analysts' corrections laid over machine values, and verification;
* :mod:`.merges` — :class:`~.merges.EntityEdits`: which entity a mention, quote or event party
  counts under after analysts' merges and splits (every read of entity identity goes through it).

Writers live in :mod:`newswatch.storage`; nothing here writes.
"""

from .actors import ACTOR_LABELS, rank_actors
from .scope import (
    Filters,
    event_items,
    items_with_article,
    lookup_country,
    make_filters,
    scope,
    sentence_expr,
)
from .situation import (
    ClaimGroupView,
    ClaimView,
    claim_groups,
    clusters,
    events,
    group_to_dict,
    identity,
)
from .tracker import Tracker, tracker
from .workbench import (
    EventQuery,
    Identity,
    QuoteQuery,
    event_modes,
    happened_conditions,
    happened_in,
    identity_labels,
    identity_members,
    list_events,
    list_quotes,
)

__all__ = [
    "ACTOR_LABELS",
    "ClaimGroupView",
    "ClaimView",
    "EventQuery",
    "Filters",
    "Identity",
    "QuoteQuery",
    "Tracker",
    "claim_groups",
    "clusters",
    "event_items",
    "event_modes",
    "events",
    "group_to_dict",
    "happened_conditions",
    "happened_in",
    "identity",
    "identity_labels",
    "identity_members",
    "items_with_article",
    "list_events",
    "list_quotes",
    "lookup_country",
    "make_filters",
    "rank_actors",
    "scope",
    "sentence_expr",
    "tracker",
]
