"""``newswatch search``: full-text search over the stored articles, the dashboard's search.

The one search (:func:`newswatch.web.queries.search.search_uncached`, what the search page
and ``GET /api/search`` answer from, without their per-process cache): every word
required, a Russian word in any of its inflected forms, ``word*`` a prefix; SQLite FTS5
(BM25 ranking) or PostgreSQL's text index; the latest revision of each article in scope
(``--since``, ``--until``, ``--country``, ``--lang``: the dashboard's filter bar).

Output: ``--format table`` (also ``text``) one row per hit: title, outlet, publication
date, URL (only an http(s) address is printed as one; anything else is left blank) and a
snippet with the matched words in bold; ``--format json`` the search's answer as the API
sends it (``q``, ``terms``, ``engine``, ``total``, ``filters``, ``items``). ``-`` as the
query reads it from standard input (UTF-8, at most :data:`STDIN_MAX_BYTES`). Only the first
:data:`~newswatch.web.queries.search.MAX_QUERY_TERMS` words of the first
:data:`~newswatch.web.queries.search.MAX_QUERY_CHARS` characters are searched, as on the
dashboard; a warning line says when words were left out.

Read-only. Exit codes (:mod:`.common`): 0 searched, hits or none (as ``claims`` and
``stories``: an empty answer is an answer; the table says "no articles match" on stderr,
JSON has ``"total": 0``); 2 usage error (an empty query or one with no word in it, standard
input that is not UTF-8 or longer than :data:`STDIN_MAX_BYTES`, a bad date, an unknown
country); 3 the database does not exist, is at an older schema, or could not be read.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from ..errors import NewswatchError
from .common import (
    EXIT_USAGE,
    CountryOpt,
    DbOpt,
    LangOpt,
    SinceOpt,
    UntilOpt,
    db_url,
    err,
    fail,
    open_store_readonly,
    scope_filters,
)

#: Most bytes a query read from standard input may have (the search uses its first 500
#: characters; more is refused rather than read without end).
STDIN_MAX_BYTES = 64 * 1024
#: Most hits one search prints (the dashboard's API pages at 100; a terminal wants fewer).
MAX_LIMIT = 1000


class SearchFormat(StrEnum):
    """Output formats of ``search``: ``table`` (also spelled ``text``, as other commands
    call it) and ``json``."""

    table = "table"
    text = "text"
    json = "json"


def read_query(query: str) -> str:
    """The query: the argument, or standard input for ``-`` (UTF-8, at most
    :data:`STDIN_MAX_BYTES`; a bad one ends the command with one line and exit 2)."""
    if query != "-":
        return query
    raw = typer.get_binary_stream("stdin").read(STDIN_MAX_BYTES + 1)
    if len(raw) > STDIN_MAX_BYTES:
        fail(f"search: -: too-large: a query from standard input may have at most "
             f"{STDIN_MAX_BYTES:,} bytes", EXIT_USAGE)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        fail("search: -: encoding: standard input is not UTF-8 text", EXIT_USAGE)


def search(
    query: Annotated[str, typer.Argument(
        help="The words to find (every word required; word* for a prefix); - reads them from "
             "standard input.")],
    db: DbOpt = None,
    lang: LangOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="Most hits shown.")] = 20,
    fmt: Annotated[SearchFormat, typer.Option("--format", help="Output format.")] = SearchFormat.table,
) -> None:
    """Search the stored articles' titles and texts (the dashboard's search), best match first.

    Exit 0 also when nothing matches (said on stderr).
    """
    from ..web.queries.search import (
        MAX_QUERY_CHARS,
        MAX_QUERY_TERMS,
        query_terms,
        search_uncached,
        words_left_out,
    )

    q = read_query(query)
    terms = query_terms(q)
    if not terms:
        fail("search: empty: the query has no word to search for", EXIT_USAGE)
    if words_left_out(q):
        err(f"search: warning: query-cut: only the first {MAX_QUERY_TERMS} words of the first "
            f"{MAX_QUERY_CHARS} characters are searched: {' '.join(terms)}")
    f = scope_filters(since, until, country, lang)
    store = open_store_readonly(db_url(db))
    try:
        with store.read() as conn:
            data = search_uncached(conn, f, q, limit=limit)
    except NewswatchError as exc:
        fail(exc.line())
    finally:
        store.close()
    if fmt is SearchFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    if not data["items"]:
        err(f"no articles match {' '.join(terms)!r}")
        return
    _render(data)


def _render(data: dict[str, Any]) -> None:
    """The hits as a table on stdout; every article text goes in as plain text (no markup)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{data['total']:,} articles match; best {len(data['items'])} shown",
                  title_justify="left", show_lines=True)
    # the texts wrap within a width; the URL takes what is left, whole (folded over lines
    # when the terminal is narrow; a terminal's link covers every piece)
    table.add_column("title", max_width=48)
    table.add_column("outlet", max_width=28)
    table.add_column("date", no_wrap=True)
    table.add_column("URL", overflow="fold")
    table.add_column("snippet", max_width=72)
    for hit in data["items"]:
        snippet = Text(hit["snippet"]["text"])
        for start, end in hit["snippet"]["highlights"]:
            snippet.stylize("bold", start, end)
        url = hit.get("url")
        table.add_row(Text(hit["title"] or "(no title)"), Text(hit["source"] or ""),
                      Text(hit["published"] or ""),
                      Text(url, style=f"link {url}") if url else Text(""), snippet)
    Console().print(table)
