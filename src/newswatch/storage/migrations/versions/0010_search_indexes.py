"""Search and timeline indexes: PostgreSQL's stored ``tsvector`` per revision under a GIN
index; time expressions by value and event mentions by date (both backends).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

On PostgreSQL, search and watch rules computed ``to_tsvector('simple', title || ' ' || text)``
for every revision at query time: 9 s for one search over 6,000 articles. This adds
``revision_tsv`` (``revision_id``, ``document``), the same document stored once, a GIN index on
it, and a trigger that indexes every new revision as the SQLite FTS5 trigger of migration
``0002`` does (the article's title at the time plus the revision text, ``ё`` folded to
``е``); existing revisions are indexed here. It is derived data, like ``article_fts``: not in
the table definitions (``newswatch.storage.reader_schema.DERIVED_TABLES``). SQLite: nothing
changes.

On both backends, ``ix_timex_value`` and ``ix_event_mention_date`` let a timeline bar find the
time expressions and events of its days without reading every one in scope (70 ms for one
bar at 10,000 articles, growing with the database). Nothing is dropped or rewritten.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The document of one revision: the same expression as ``newswatch.watch.query.ts_document``
#: (kept literally here: a migration must not change when that code does).
_DOCUMENT = ("to_tsvector('simple', translate(COALESCE({title}, '') || ' ' || {text}, "
             "'ёЁ', 'еЕ'))")


def upgrade() -> None:
    """Index time expressions and event mentions by date; create, fill and maintain
    ``revision_tsv`` (PostgreSQL only)."""
    op.create_index("ix_timex_value", "timex", ["value"])
    op.create_index("ix_event_mention_date", "event_mention", ["date"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE revision_tsv ("
        " revision_id BIGINT PRIMARY KEY REFERENCES revision (id) ON DELETE CASCADE,"
        " document TSVECTOR NOT NULL)"
    )
    op.execute(
        "INSERT INTO revision_tsv (revision_id, document) "
        "SELECT revision.id, " + _DOCUMENT.format(title="article.title", text="revision.text")
        + " FROM revision JOIN article ON article.id = revision.article_id"
    )
    op.execute("CREATE INDEX ix_revision_tsv_document ON revision_tsv USING gin (document)")
    new_title = "(SELECT title FROM article WHERE id = NEW.article_id)"
    op.execute(
        "CREATE FUNCTION revision_tsv_index() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO revision_tsv (revision_id, document) VALUES (NEW.id, "
        + _DOCUMENT.format(title=new_title, text="NEW.text")
        + "); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER revision_tsv_insert AFTER INSERT ON revision "
        "FOR EACH ROW EXECUTE FUNCTION revision_tsv_index()"
    )


def downgrade() -> None:
    """Not supported: newswatch migrations are forward-only."""
    raise NotImplementedError("newswatch migrations are forward-only")
