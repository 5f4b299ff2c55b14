"""``newswatch stories``: the story threads of a database (:mod:`newswatch.read.stories`).

Lists stories (newest last day first) with their id, days, article count and languages; with
an id, one story's articles, happenings and claims. ``--rebuild`` runs the threads pass first
(happenings and stories over everything stored, :meth:`newswatch.storage.Store.rebuild_threads`;
``ingest``, ``load`` and the watch loop run it themselves, so this is for a database written by
an older version). ``--format json`` prints the read layer's dicts.

Exit codes (:mod:`.common`): 0 listed (possibly nothing); 1 no such story; 2 usage error; 3 the
database does not exist, is at an older schema (without ``--rebuild``), or could not be opened.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .common import EXIT_PARTIAL, DbOpt, Format, FormatOpt, db_url, fail, open_store, open_store_readonly


def stories(
    story_id: Annotated[str | None, typer.Argument(help="A story id: show that story.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Run the threads pass first (writes).")] = False,
    single: Annotated[bool, typer.Option("--single", help="Also list stories of one article.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Most stories listed.")] = 50,
) -> None:
    """List story threads (articles about one happening, across days and languages), or show one."""
    from ..errors import NewswatchError
    from ..read.stories import list_stories, story_detail

    store = open_store(db_url(db)) if rebuild else open_store_readonly(db_url(db))
    try:
        if rebuild:
            counts = store.rebuild_threads()
            typer.echo(f"threads: {counts['happenings']} happenings of {counts['reports']} event reports, "
                       f"{counts['stories']} stories of {counts['articles']} articles", err=True)
        with store.read() as conn:
            data = (story_detail(conn, story_id) if story_id
                    else list_stories(conn, min_articles=1 if single else 2, limit=limit))
    except NewswatchError as exc:
        fail(exc.line())
    finally:
        store.close()
    if data is None:
        fail(f"stories: no story {story_id}", EXIT_PARTIAL)
    if fmt is Format.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        return
    if story_id:
        s = data["story"]
        typer.echo(f"{s['id']}  {s['first_day']} – {s['last_day']}  {s['articles']} articles  {s['title']}")
        for a in data["articles"]:
            typer.echo(f"  {a['published']}  {a['language'] or '?'}  {a['id']}  {a['title'] or ''}")
        for e in data["events"]["items"]:
            typer.echo(f"  event {e['type']} {e['actor'] or ''} → {e['recipient'] or ''}  "
                       f"{e['date'] or ''}  reported {e['reports']}×")
        return
    if not data["items"]:
        # say so rather than print nothing: an empty list is an answer, not an error (exit 0)
        typer.echo("no story threads" if single else
                   "no story threads of two or more articles (--single lists those of one)", err=True)
        return
    for s in data["items"]:
        typer.echo(f"{s['id']}  {s['first_day']} – {s['last_day']}  {s['articles']:>3}  "
                   f"{','.join(s['languages'])}  {s['title'] or ''}")
