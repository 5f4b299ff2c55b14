"""Actor ranking: the one definition of "actor" used by ``newswatch report`` and the dashboard.

**What an actor is.** An entity whose OntoNotes label is ``PERSON``, ``ORG`` or ``GPE``
(:data:`ACTOR_LABELS`): a person, an organisation, or a geo-political entity acting as a state
("Russia will not leave its allies"). ``NORP`` (nationalities, religious and political groups)
is **not** an actor: in news text NORP mentions are demonyms describing an actor ("Afghan
forces", "the American withdrawal") — on the bundled samples "Afghan" (147 mentions) and
"American" (86) would rank second and fifth while naming nobody who acts. The actor they
describe is counted when it is named (ORG "Afghan National Defense and Security Forces", GPE
"United States"), and the entities stage already relabels a NORP that names a country to
``GPE``. The quotes stage uses the same three labels for the speakers it attributes.
NORP entities stay visible in the dashboard's entity list and dossiers, and event
coding may still take a NORP as an event party ("Taliban fighters"): that is a party of one
event, not an entry of the actor ranking.

**Ranking.** Actors mentioned in at least one revision in scope, by the number of articles
that mention them (most first), then the number of mentions, then name, then key — so the
same database gives the same list in every reader. Analysts' merges and splits hold
(:mod:`newswatch.read.merges`): an entity merged into another counts as that one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..storage import schema as t
from .merges import EntityEdits

#: Entity labels that count as actors (OntoNotes 5): see the module docstring for why NORP is not one.
ACTOR_LABELS: tuple[str, ...] = ("PERSON", "ORG", "GPE")


def rank_actors(conn: Connection, sc: sa.CTE, limit: int, *, quotes: bool = False) -> list[dict[str, Any]]:
    """The busiest actors in scope.

    Args:
        conn: a read connection.
        sc: the scope (:func:`newswatch.read.scope.scope`).
        limit: most actors returned.
        quotes: also count the quotes each actor is the speaker of (in scope).

    Returns:
        ``[{"id", "key", "name", "label", "country", "articles", "mentions"}]`` (plus
        ``"quotes"`` when asked), in ranking order; ``country`` is ISO 3166-1 alpha-3 or None.
    """
    e, m = t.entity.c, t.entity_mention.c
    edits = EntityEdits(conn)
    rows = conn.execute(
        sa.select(e.id, e.key, e.canonical, e.label, e.country,
                  sa.func.count(sa.distinct(sc.c.article_id)).label("articles"),
                  sa.func.count().label("mentions"))
        .select_from(t.entity_mention)
        .join(sc, sc.c.revision_id == m.revision_id)
        .join(t.entity, edits.entity_of(m.entity_id, sc.c.article_id, m.text) == e.id)
        .where(e.label.in_(ACTOR_LABELS))
        .group_by(e.id, e.key, e.canonical, e.label, e.country)
        .order_by(sa.desc("articles"), sa.desc("mentions"), e.canonical, e.key)
        .limit(limit)
    ).all()
    out = [
        {"id": int(r.id), "key": r.key, "name": r.canonical, "label": r.label, "country": r.country,
         "articles": int(r.articles), "mentions": int(r.mentions)}
        for r in rows
    ]
    if quotes and out:
        q = t.quote.c
        speaker = edits.entity_of(q.speaker_entity_id, sc.c.article_id, q.speaker)
        said: dict[int, int] = {int(k): int(n) for k, n in conn.execute(
            sa.select(speaker.label("speaker"), sa.func.count())
            .select_from(t.quote)
            .join(sc, sc.c.revision_id == q.revision_id)
            .where(speaker.in_([a["id"] for a in out]))
            .group_by(speaker)
        ).all()}
        for a in out:
            a["quotes"] = int(said.get(a["id"], 0))
    return out
