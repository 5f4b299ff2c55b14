"""The memoised text helpers: :func:`newswatch.text.fold` and the parse view shared between
stages (:meth:`newswatch.text.syntax.DocView.shared`)."""

from __future__ import annotations

import dataclasses

from newswatch.model import Article
from newswatch.text import FOLD_CACHE_SIZE, fold, fold_text, syntax
from newswatch.text.syntax import SHARED_VIEWS, DocView


def test_fold_values_and_memo() -> None:
    assert fold("Ёлка") == "елка"
    assert fold("Straße") == "strasse"
    assert fold("ПУТИН Vladimir") == "путин vladimir"
    hits = fold.cache_info().hits
    assert fold("Ёлка") == "елка"
    assert fold.cache_info().hits == hits + 1
    assert fold.cache_info().maxsize == FOLD_CACHE_SIZE


def test_fold_text_folds_as_fold_and_keeps_nothing() -> None:
    text = "Ёжик в тумане. Straße, ПУТИН и Vladimir Putin.\n" * 50
    size = fold.cache_info().currsize
    assert fold_text(text) == ("ежик в тумане. strasse, путин и vladimir putin.\n" * 50)
    assert fold.cache_info().currsize == size


def _same(a: DocView, b: DocView) -> None:
    for name in ("lang", "children", "starts", "sentences", "sent_starts", "datelines", "_ent_starts"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.entities == b.entities and a.tokens is b.tokens


def _copy(article: Article) -> Article:
    """A shallow copy with its own entity list (the session fixture is left alone)."""
    return dataclasses.replace(article, entities=list(article.entities))


def test_shared_view_is_reused_and_equal_to_a_build(seed_article: Article) -> None:
    a = _copy(seed_article)
    view = DocView.shared(a)
    assert DocView.shared(a) is view
    _same(view, DocView.build(a))
    assert view.article is a and len(view.sentences) > 5 and len(view.entities) > 3


def test_shared_view_is_rebuilt_when_the_parse_changes(seed_article: Article) -> None:
    a = _copy(seed_article)
    view = DocView.shared(a)
    last = a.entities[-1]
    a.entities.remove(last)  # shrunk in place
    shrunk = DocView.shared(a)
    assert shrunk is not view and last not in shrunk.entities
    _same(shrunk, DocView.build(a))
    a.entities = [*a.entities, last]  # replaced
    grown = DocView.shared(a)
    assert grown is not shrunk and last in grown.entities
    a.language = "ru"
    assert DocView.shared(a).lang == "ru" and grown.lang == "en"


def test_shared_views_keep_the_last_few_articles(seed_article: Article) -> None:
    first = _copy(seed_article)
    view = DocView.shared(first)
    others = [_copy(seed_article) for _ in range(SHARED_VIEWS)]
    for o in others[:-1]:
        DocView.shared(o)
    assert DocView.shared(first) is view  # still among the last SHARED_VIEWS
    for o in others:
        DocView.shared(o)
    assert len(syntax._recent) == SHARED_VIEWS
    rebuilt = DocView.shared(first)
    assert rebuilt is not view
    _same(rebuilt, view)
