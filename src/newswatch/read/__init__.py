"""The read layer: what ``newswatch report``, ``newswatch claims`` and the dashboard read from
the store, defined once.

* :mod:`.scope` — :class:`Filters` and :func:`scope`, the set of articles (latest revisions)
  a read counts, and :func:`event_items`;
* :mod:`.actors` — :data:`ACTOR_LABELS` (what an actor is: PERSON, ORG, GPE; not NORP) and
  :func:`rank_actors`;
* :mod:`.situation` — the claims ledger (:func:`claim_groups`), events, near-duplicate
  clusters and identities.

Writers live in :mod:`newswatch.storage`; nothing here writes.
"""

from .actors import ACTOR_LABELS, rank_actors
from .scope import Filters, event_items, lookup_country, make_filters, scope
from .situation import (
    ClaimGroupView,
    ClaimView,
    claim_groups,
    clusters,
    events,
    group_to_dict,
    identity,
)

__all__ = [
    "ACTOR_LABELS",
    "ClaimGroupView",
    "ClaimView",
    "Filters",
    "claim_groups",
    "clusters",
    "event_items",
    "events",
    "group_to_dict",
    "identity",
    "lookup_country",
    "make_filters",
    "rank_actors",
    "scope",
]
