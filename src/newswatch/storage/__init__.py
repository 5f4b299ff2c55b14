"""Storage: the newswatch database (SQLite by default, PostgreSQL) and its migrations.

Public API::

    from newswatch.storage import Store
    with Store.open("sqlite:///newswatch.sqlite") as store:   # migrates to head
        result = store.save(article)          # SaveResult(status, article_id, revision_id)
        store.record_failure(origin, code, message)
        article = store.load_article(result.article_id)
"""

from ..errors import ArticleNotFound
from .store import (
    DEFAULT_URL,
    STATUS_NEW,
    STATUS_REVISED,
    STATUS_UNCHANGED,
    RevisionInfo,
    SaveResult,
    Store,
)

__all__ = [
    "DEFAULT_URL",
    "STATUS_NEW",
    "STATUS_REVISED",
    "STATUS_UNCHANGED",
    "ArticleNotFound",
    "RevisionInfo",
    "SaveResult",
    "Store",
]
