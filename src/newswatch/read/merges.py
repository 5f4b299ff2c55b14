"""Which entity a mention belongs to, as analysts merged and split entities: the one place
every read of entity identity goes through (dossier, entity list, actor ranking, overview,
timeline actor filter, events and quotes lists, exports, the API, the reader's links).

The machine's rows are never changed: ``entity_mention.entity_id``, ``quote.speaker_entity_id``
and ``event.actor_entity_id`` keep what the machine found. An analyst's record
(``storage.review_schema.entity_edit``) lies beside them and is laid over them when read:

* **merge** (entity *A* into *B*): every mention, quote and event of *A* counts under *B*;
  *A*'s dossier says "merged into B". Merges chain (*A* into *B*, then *B* into *C*: *A*'s
  mentions count under *C*).
* **split** (some mentions of *X* into a new entity *N*): the mentions are named by their
  article and surface form (``members``: ``{"article_id", "entity_id", "text"}``; ``text``
  null means every mention of that machine entity in the article, ``article_id`` null every
  mention written ``text`` in any article, later ones included: a split by alias), so a
  re-ingested or re-analysed article — new revision, new row ids, shifted offsets — keeps the
  split. A split
  applies to entity mentions, to quotes whose attributed speaker (as written) matches and to
  events whose party (machine entity, article, party as written) matches; the events and
  quotes lists follow merges and splits through :meth:`EntityEdits.is_entity` (filters by
  entity id) and :meth:`EntityEdits.expand` (typed names), the timeline through
  :meth:`EntityEdits.revisions_mentioning`.
* **undone** records are kept (who, when) and no longer apply: the data reads as before.

Which record holds when two apply to one mention: the newest split; merges after it.

With no record in force every method returns the machine's column or condition unchanged, so
the queries (and their plans) are the ones they were. Cost: one query of ``entity_edit``
per :class:`EntityEdits`; each record in force adds a term to a ``CASE`` or an ``OR``.
Nothing here writes (the write path is :mod:`newswatch.web.review`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..storage import schema as t
from ..storage.reader_schema import app_user
from ..storage.review_schema import entity_edit
from .corrections import _iso

__all__ = ["EntityEdit", "EntityEdits"]

#: How each action is told to a reader, before "by <analyst> at <time>: <reason>".
VERBS = {"merge": "merged", "split": "split"}


@dataclass(frozen=True, slots=True)
class EntityEdit:
    """One merge or split an analyst made.

    Attributes:
        id: the ``entity_edit`` row.
        action: ``merge`` or ``split``.
        entity_id: the entity merged away (merge) or split from (split).
        target_id: the surviving entity (merge) or the new one (split).
        members: the evidence (see :mod:`newswatch.storage.review_schema`).
        note: the analyst's reason.
        by, at: who made it and when (ISO 8601, UTC).
        undone_by, undone_at, undo_note: who undid it, when and why (None while in force).
    """

    id: int
    action: str
    entity_id: int
    target_id: int
    members: Any
    note: str
    by: str
    at: str | None
    undone_by: str | None
    undone_at: str | None
    undo_note: str | None

    @property
    def active(self) -> bool:
        """Still in force (not undone)."""
        return self.undone_at is None

    @property
    def provenance(self) -> str:
        """``"merged by ana at 2026-12-06T00:10:00+00:00: same minister"`` (or "split …")."""
        return f"{VERBS[self.action]} by {self.by} at {self.at}: {self.note}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every attribute, with ``active`` and ``provenance``."""
        return {"id": self.id, "action": self.action, "entity_id": self.entity_id,
                "target_id": self.target_id, "members": self.members, "note": self.note,
                "by": self.by, "at": self.at, "undone_by": self.undone_by,
                "undone_at": self.undone_at, "undo_note": self.undo_note,
                "active": self.active, "provenance": self.provenance}


Rule = tuple[str | None, int, str | None, int, EntityEdit]  # article, machine entity, text, new id, edit


class EntityEdits:
    """The analysts' merges and splits, read once, and the SQL that lays them over the
    machine's entity columns.

    Args:
        conn: an open connection.
    """

    def __init__(self, conn: Connection) -> None:
        undoer = app_user.alias("undoer")
        c = entity_edit.c
        rows = conn.execute(
            sa.select(entity_edit, app_user.c.name.label("by"), undoer.c.name.label("undoer"))
            .join(app_user, app_user.c.id == c.user_id)
            .outerjoin(undoer, undoer.c.id == c.undone_by)
            .order_by(c.created_at, c.id)).all()
        #: Every record, oldest first (undone ones included).
        self.edits: list[EntityEdit] = [
            EntityEdit(int(r.id), r.action, int(r.entity_id), int(r.target_id), r.members,
                       r.note, r.by, _iso(r.created_at), r.undoer, _iso(r.undone_at),
                       r.undo_note) for r in rows]
        self._into: dict[int, tuple[int, EntityEdit]] = {}
        self._rules: list[Rule] = []
        for edit in self.edits:
            if not edit.active:
                continue
            if edit.action == "merge":
                self._into[edit.entity_id] = (edit.target_id, edit)
            else:
                for m in edit.members or []:
                    article = m.get("article_id")
                    self._rules.append((None if article is None else str(article),
                                        int(m["entity_id"]), m.get("text"), edit.target_id, edit))
        self._rules.reverse()  # newest first

    def __bool__(self) -> bool:
        return bool(self._into or self._rules)

    # -- identity in Python -------------------------------------------------------------------

    def root(self, entity_id: int) -> int:
        """The entity ``entity_id`` counts under after merges (itself when not merged)."""
        seen = {entity_id}
        while entity_id in self._into:
            entity_id = self._into[entity_id][0]
            if entity_id in seen:  # a cycle cannot be written; stop rather than loop
                break
            seen.add(entity_id)
        return entity_id

    def merged_into(self, entity_id: int) -> tuple[int, EntityEdit] | None:
        """``(the entity it counts under now, the merge that moved it)``, or None when the
        entity was not merged away."""
        if entity_id not in self._into:
            return None
        return self.root(entity_id), self._into[entity_id][1]

    def members(self, entity_id: int) -> set[int]:
        """The machine entities whose mentions count under ``entity_id`` (before splits): it
        and every entity merged into it; empty when it was itself merged away."""
        out = {e for e in self._into if self.root(e) == entity_id}
        if self.root(entity_id) == entity_id:
            out.add(entity_id)
        return out

    def expand(self, entity_ids: Iterable[int]) -> set[int]:
        """``entity_ids`` with, for each, the entity it counts under and everything merged
        into that (for name and identity filters over quotes and events)."""
        out: set[int] = set()
        for i in entity_ids:
            out.add(int(i))
            out |= self.members(self.root(int(i)))
        return out

    def resolve(self, entity_id: int | None, article_id: str | None = None,
                text: str | None = None) -> int | None:
        """The entity one mention (machine entity, article, surface form) counts under."""
        if entity_id is None:
            return None
        rule = self._rule(int(entity_id), article_id, text)
        return self.root(rule[3] if rule else int(entity_id))

    def via(self, entity_id: int, article_id: str | None, text: str | None) -> EntityEdit | None:
        """The record that moved one mention to the entity it counts under, or None."""
        rule = self._rule(int(entity_id), article_id, text)
        if rule is not None:
            return rule[4]
        hop = self._into.get(int(entity_id))
        return hop[1] if hop else None

    def _rule(self, entity_id: int, article_id: str | None, text: str | None) -> Rule | None:
        for rule in self._rules:
            if rule[0] in (None, article_id) and rule[1] == entity_id and rule[2] in (None, text):
                return rule
        return None

    def history(self, entity_id: int) -> list[EntityEdit]:
        """Every record that names ``entity_id`` or an entity merged into it, newest first
        (undone ones included: the dossier shows them with who undid them)."""
        near = self.members(entity_id) | {entity_id}
        return [e for e in reversed(self.edits) if e.entity_id in near or e.target_id in near]

    # -- identity in SQL ----------------------------------------------------------------------

    def entity_of(self, entity: Any, article: Any, text: Any) -> Any:
        """The entity a row counts under, as a column expression.

        Args:
            entity: the machine's entity column (``entity_mention.entity_id``,
                ``quote.speaker_entity_id``...).
            article: the row's article id column; text: its surface form column.
        """
        if not self:
            return entity
        whens: list[tuple[Any, Any]] = []
        for rule in self._rules:
            whens.append((self._condition(rule, entity, article, text), self.root(rule[3])))
        targets: dict[int, list[int]] = {}
        for e in sorted(self._into):
            targets.setdefault(self.root(e), []).append(e)
        for target, raws in sorted(targets.items()):
            whens.append((entity.in_(raws), target))
        return sa.case(*whens, else_=entity)

    @staticmethod
    def _condition(rule: Rule, entity: Any, article: Any, text: Any) -> sa.ColumnElement[bool]:
        """The rows one split rule moves."""
        cond = sa.and_(entity == rule[1])
        if rule[0] is not None:
            cond = sa.and_(cond, article == rule[0])
        if rule[2] is not None:
            cond = sa.and_(cond, text == rule[2])
        return cond

    def is_entity(self, entity_id: int, entity: Any, article: Any, text: Any
                  ) -> sa.ColumnElement[bool]:
        """The condition "this row counts under ``entity_id``" (index-friendly: machine ids
        listed, split rules named)."""
        if not self:
            return sa.and_(entity == entity_id)
        raws = sorted(self.members(entity_id))
        away: list[sa.ColumnElement[bool]] = []
        into: list[sa.ColumnElement[bool]] = []
        newer: list[sa.ColumnElement[bool]] = []  # rows a newer rule sends elsewhere
        for rule in self._rules:  # newest first, as in entity_of
            cond = self._condition(rule, entity, article, text)
            if self.root(rule[3]) == entity_id:
                into.append(sa.and_(cond, sa.not_(sa.or_(*newer))) if newer else cond)
            else:
                if rule[1] in raws:
                    away.append(cond)
                newer.append(cond)
        own: sa.ColumnElement[bool] = entity.in_(raws) if raws else sa.false()
        if away:
            own = sa.and_(own, sa.not_(sa.or_(*away)))
        return sa.or_(own, *into) if into else own

    def revisions_mentioning(self, entity_id: int) -> sa.Select[Any]:
        """A one-column select of the revisions with a mention counted under ``entity_id``
        (the timeline's actor filter; :func:`newswatch.read.scope.scope`)."""
        em = t.entity_mention.c
        if not self:
            return sa.select(em.revision_id).where(em.entity_id == entity_id)
        r = t.revision.c
        return (sa.select(em.revision_id).join(t.revision, r.id == em.revision_id)
                .where(self.is_entity(entity_id, em.entity_id, r.article_id, em.text)))
