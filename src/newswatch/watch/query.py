"""Rule queries: the Lucene-like syntax analysts know, parsed by luqum, compiled to the
database's full-text search.

Accepted (case of the operators as Lucene: ``AND``, ``OR``, ``NOT`` in capitals):

* words (``shelling``), phrases (``"border post"``), a trailing ``*`` for a prefix
  (``обстрел*`` finds обстрела, обстрелы...);
* ``AND``, ``OR``, ``NOT``, ``+word`` (required), ``-word`` (excluded), parentheses;
* terms side by side with no operator must **all** be present (``border post`` is
  ``border AND post``; Lucene's default would be ``OR``, which analysts rarely mean).

Refused with :class:`~newswatch.errors.BadQuery` (reason code ``bad-query``) and a message
naming the construct: syntax errors; fields (``title:x``); fuzzy (``x~2``), proximity
(``"a b"~3``), boosts (``x^2``), ranges (``[a TO b]``) and regular expressions; ``?`` and
``*`` anywhere but at the end of a word; a query with no positive term (``NOT x``), and
``NOT`` inside ``OR`` (both would match nearly everything); a term with no letter or digit;
queries longer than :data:`MAX_QUERY_CHARS` or with more than :data:`MAX_TERMS` terms.

The parsed query is a small tree (:class:`Term`, :class:`All`, :class:`AnyOf`, :class:`Not`)
compiled by :func:`to_fts5` (SQLite FTS5 ``MATCH``: every term becomes a quoted FTS5 string, so
no user text is ever read as FTS5 syntax) and :func:`to_tsquery` (PostgreSQL ``to_tsquery``
with the ``simple`` configuration: every word single-quoted, phrases with ``<->``). Words are
folded as the search index folds them: lower case, ``ё`` -> ``е``. A single Russian word is
expanded to its inflected forms before compiling (:func:`expand_forms`: "обстрел" finds
"обстрела", "обстрелами"); a trailing ``*`` reaches other words of the same stem ("талиб*"
finds "Талибан" too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import BadQuery

#: Longest query accepted, in characters, and most terms in one query.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 64

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    """A word or a phrase: ``words`` in order (folded), ``prefix`` when the last one ends
    with ``*``."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class All:
    """Every part must match (``AND``); :class:`Not` parts must not."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part must match (``OR``)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The part must not match (only inside :class:`All`)."""

    part: Node


Node = Term | All | AnyOf | Not


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _term(raw: str, what: str, query: str) -> Term:
    text = raw.replace("\\", "")
    prefix = text.endswith("*") and what == "word"
    body = text[:-1] if prefix else text
    if what == "word" and ("*" in body or "?" in body):
        raise BadQuery(f"wildcard in {raw!r}: only a trailing * (prefix search) is supported",
                       subject=query)
    words = tuple(_fold(w) for w in _WORD.findall(body))
    if not words:
        raise BadQuery(f"the term {raw!r} has no letter or digit", subject=query)
    return Term(words, prefix)


_REFUSED = {
    "SearchField": "fields (name:value) are not supported; search the text, use the rule's "
                   "filters for the rest",
    "Fuzzy": "fuzzy terms (word~N) are not supported",
    "Proximity": "proximity searches (\"a b\"~N) are not supported",
    "Boost": "boosts (word^N) are not supported",
    "Range": "ranges ([a TO b]) are not supported",
    "Regex": "regular expressions are not supported",
    "FieldGroup": "fields (name:(...)) are not supported",
}


def _convert(node: object, query: str) -> Node:
    kind = type(node).__name__
    if kind in _REFUSED:
        raise BadQuery(_REFUSED[kind], subject=query)
    if kind == "Word":
        return _term(str(node.value), "word", query)  # type: ignore[attr-defined]
    if kind == "Phrase":
        return _term(str(node.value).strip('"'), "phrase", query)  # type: ignore[attr-defined]
    if kind == "Group":
        return _convert(node.expr, query)  # type: ignore[attr-defined]
    if kind == "Plus":
        return _convert(node.a, query)  # type: ignore[attr-defined]
    if kind in ("Not", "Prohibit"):
        inner = _convert(node.a, query)  # type: ignore[attr-defined]
        if isinstance(inner, Not):
            raise BadQuery("NOT NOT is not supported; remove both", subject=query)
        return Not(inner)
    if kind in ("AndOperation", "UnknownOperation"):
        parts: list[Node] = []
        for child in node.children:  # type: ignore[attr-defined]
            sub = _convert(child, query)
            parts.extend(sub.parts if isinstance(sub, All) else (sub,))
        return All(tuple(parts))
    if kind == "OrOperation":
        alts: list[Node] = []
        for child in node.children:  # type: ignore[attr-defined]
            sub = _convert(child, query)
            if isinstance(sub, Not):
                raise BadQuery("NOT inside OR would match nearly every article; write "
                               "'a AND NOT b' instead", subject=query)
            alts.extend(sub.parts if isinstance(sub, AnyOf) else (sub,))
        return AnyOf(tuple(alts))
    raise BadQuery(f"unsupported query element {kind}", subject=query)


def _check_positive(node: Node, query: str) -> None:
    if isinstance(node, Not) or (isinstance(node, All)
                                 and all(isinstance(p, Not) for p in node.parts)):
        raise BadQuery("the query has no positive term (NOT alone would match nearly every "
                       "article)", subject=query)
    for child in _children(node):
        if not isinstance(child, Not):
            _check_positive(child, query)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (All, AnyOf)):
        return node.parts
    if isinstance(node, Not):
        return (node.part,)
    return ()


def terms(node: Node, *, positive: bool = True) -> list[Term]:
    """The terms of ``node``; with ``positive`` only those not under a :class:`Not`."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return [] if positive else terms(node.part, positive=False)
    out: list[Term] = []
    for p in _children(node):
        out.extend(terms(p, positive=positive))
    return out


def parse_query(query: str) -> Node:
    """Parse an analyst's query (see the module docstring for the syntax).

    Returns:
        The query tree.

    Raises:
        BadQuery: empty, too long, a syntax error, or a refused construct (the message says
            which; ``subject`` is the query).
    """
    from luqum.exceptions import ParseError
    from luqum.parser import parser

    text = (query or "").strip()
    if not text:
        raise BadQuery("the query is empty", subject=query)
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"the query is longer than {MAX_QUERY_CHARS} characters", subject=query[:80])
    try:
        tree = parser.parse(text)
    except (ParseError, RecursionError) as exc:
        raise BadQuery(f"syntax error: {exc}", subject=query) from None
    except Exception as exc:  # noqa: BLE001 - the parser raises several types on bad input
        raise BadQuery(f"syntax error: {type(exc).__name__}: {exc}", subject=query) from None
    try:
        node = _convert(tree, query)
    except RecursionError:
        raise BadQuery("the query is nested too deeply", subject=query[:80]) from None
    count = len(terms(node, positive=False)) + len(terms(node))
    if count > MAX_TERMS:
        raise BadQuery(f"the query has more than {MAX_TERMS} terms", subject=query[:80])
    _check_positive(node, query)
    return node


def ts_document(title: Any, text: Any) -> Any:
    """The PostgreSQL ``tsvector`` searched by rules and the search box: title and text under
    the ``simple`` configuration with ``ё`` folded to ``е`` (as the SQLite FTS5 index and the
    query terms fold it). Migration ``0010`` stores it per revision (``revision_tsv``, GIN
    index), which :func:`stored_document` reads; computed here, it is the fallback for a
    database without that table."""
    import sqlalchemy as sa

    joined = sa.func.coalesce(title, "") + " " + text
    return sa.func.to_tsvector("simple", sa.func.translate(joined, "ёЁ", "еЕ"))


def stored_document(conn: Any, title: Any, text: Any) -> tuple[Any, Any]:
    """The PostgreSQL document of a revision for a ``@@`` match: the stored ``tsvector`` of
    ``revision_tsv`` (migration ``0010``, GIN-indexed) when the database has it, else
    :func:`ts_document` of ``title`` and ``text`` computed per row.

    Args:
        conn: a PostgreSQL connection.
        title, text: the article title and revision text columns (the fallback's input).

    Returns:
        ``(document, table)``: the ``tsvector`` expression and the ``revision_tsv`` table the
        query must join on ``revision_tsv.revision_id`` (None for the fallback, which needs
        ``article`` and ``revision`` joined instead).
    """
    import sqlalchemy as sa

    from ..storage.reader_schema import PG_TSV_TABLE

    if not sa.inspect(conn).has_table(PG_TSV_TABLE):
        return ts_document(title, text), None
    tsv = sa.table(PG_TSV_TABLE, sa.column("revision_id"), sa.column("document"))
    return tsv.c.document, tsv


def all_of(words: list[str] | tuple[str, ...]) -> All:
    """A query requiring every word (the dashboard's search box): each word folded as the
    index folds it, a trailing ``*`` a prefix term. The words are plain word-character runs (no
    operators are read), as :func:`newswatch.web.queries.search.query_terms` gives them."""
    return All(tuple(Term((_fold(w.rstrip("*")),), prefix=w.endswith("*"))
                     for w in words if w.rstrip("*")))


def _fts_term(t: Term) -> str:
    return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")


def to_fts5(node: Node) -> str:
    """The SQLite FTS5 ``MATCH`` expression of a parsed query.

    Every term is an FTS5 string in double quotes (made of ``\\w`` characters only, so it
    cannot hold FTS5 syntax); ``NOT`` becomes FTS5's binary ``NOT`` after the positive parts.
    """
    if isinstance(node, Term):
        return _fts_term(node)
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(to_fts5(p) for p in node.parts) + ")"
    if isinstance(node, All):
        pos = [to_fts5(p) for p in node.parts if not isinstance(p, Not)]
        expr = "(" + " AND ".join(pos) + ")"
        for p in node.parts:
            if isinstance(p, Not):
                expr = f"({expr} NOT {to_fts5(p.part)})"
        return expr
    raise BadQuery("NOT needs a positive term beside it")


def _ts_term(t: Term) -> str:
    quoted = [f"'{w}'" for w in t.words]
    if t.prefix:
        quoted[-1] += ":*"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


def to_tsquery(node: Node) -> str:
    """The PostgreSQL ``to_tsquery('simple', ...)`` text of a parsed query (words single-quoted,
    phrases joined by ``<->``, prefixes ``:*``, ``&``, ``|``, ``!``)."""
    if isinstance(node, Term):
        return _ts_term(node)
    if isinstance(node, AnyOf):
        return "(" + " | ".join(to_tsquery(p) for p in node.parts) + ")"
    if isinstance(node, Not):
        return "!" + to_tsquery(node.part)
    return "(" + " & ".join(to_tsquery(p) for p in node.parts) + ")"


def expand_forms(node: Node) -> Node:
    """``node`` with every single Russian word (not a phrase, not a prefix) replaced by the
    alternatives of its inflected forms (:func:`newswatch.text.morph.word_forms`), so that
    "обстрел" also finds "обстрела" and "обстрелами". Other terms are kept as they are.
    The search index holds surface forms; this expansion at query time is how a rule sees
    Russian inflection on both SQLite and PostgreSQL."""
    if isinstance(node, Term):
        if len(node.words) != 1 or node.prefix or not _CYRILLIC.search(node.words[0]):
            return node
        from ..text.morph import word_forms

        forms = word_forms(node.words[0])
        return node if len(forms) < 2 else AnyOf(tuple(Term((f,)) for f in forms))
    if isinstance(node, Not):
        return Not(expand_forms(node.part))
    parts = tuple(expand_forms(p) for p in node.parts)
    return All(parts) if isinstance(node, All) else AnyOf(parts)


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def term_pattern(node: Node) -> re.Pattern[str] | None:
    """A regular expression finding any positive term of ``node`` in a text (case-insensitive,
    ``е`` also matching ``ё``), used to pick an alert's evidence sentence; None without terms."""
    alts = []
    for t in terms(node):
        parts = [re.escape(w).replace("е", "[её]") for w in t.words]
        alt = r"\W+".join(parts) + (r"\w*" if t.prefix else r"(?!\w)")
        alts.append(alt)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")", re.IGNORECASE) if alts else None
