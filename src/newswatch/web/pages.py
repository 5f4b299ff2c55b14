"""Server-rendered pages. Each one shows what its ``/api`` twin returns; forms post back here
(sign-in, sign-out, user management) or, on the reader, go through the JSON API from
``static/reader.js``.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..read.corrections import FIELDS
from ..storage.reader_schema import CREDIBILITY_GRADES, RELIABILITY_GRADES, REPORT_KINDS
from ..storage.review_schema import VERIFICATION_STATUSES
from . import activity, queries, review, users
from .api import (
    IdQuery,
    PageNumber,
    TrackerEntity,
    TrackerPlace,
    TrackerSide,
    TrackerStory,
    claim_sort,
    filters,
    id_path,
    set_session_cookie,
    sign_in,
    verification_status,
)
from .deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Ctx,
    admin_reader,
    admin_writer,
    analyst_writer,
    csrf_checked,
    get_ctx,
    integer_guard,
    reader,
    signed_in_reader,
    signed_in_writer,
)
from .errors import Forbidden, InvalidInput, NotFound
from .i18n import LANGUAGES
from .reading import article_view
from .security import SQL_INTEGER_MAX

router = APIRouter(include_in_schema=False, dependencies=[Depends(integer_guard)])

Filt = Annotated[queries.Filters, Depends(filters)]
Reader = Annotated[Ctx, Depends(reader)]

#: A highlight ``START-END`` (code-point offsets; ASCII digits, at most 18 of them).
_SPAN = re.compile(r"([0-9]{1,18})-([0-9]{1,18})")
#: An item of a report's selection in the correction form: ``KIND:START:END``.
_ITEM = re.compile(r"(entity|place|figure|event):([0-9]{1,18}):([0-9]{1,18})")
#: Colours of timeline bar segments and map markers by item type or category (the legend
#: shows them); an unknown type gets :data:`OTHER_COLOUR`.
TYPE_COLOURS = {
    "article": "#4e79a7", "quote": "#f28e2b", "figure": "#59a14f", "timex": "#b07aa1",
    "country-admin": "#4e79a7", "populated-place": "#e15759", "water": "#76b7b2",
    "site": "#edc948", "terrain": "#9c755f", "area": "#bab0ac",
}
OTHER_COLOUR = "#ff9da7"
#: One colour per PLOVER event type (from Kelly's colours of maximum contrast), none of them
#: used by an item type or a place category, so a map or timeline colour names one thing.
#: Cooperative types are blues, greens and browns, conflictual ones reds, oranges, purples.
PLOVER_COLOURS = {
    "AGREE": "#0067a5", "CONSULT": "#a1caf1", "SUPPORT": "#008856", "CONCEDE": "#8db600",
    "COOPERATE": "#2b3d26", "AID": "#c2b280", "RETREAT": "#848482", "REQUEST": "#604e97",
    "ACCUSE": "#f6a600", "REJECT": "#875692", "THREATEN": "#e25822", "PROTEST": "#dcd300",
    "SANCTION": "#b3446c", "MOBILIZE": "#654522", "COERCE": "#882d17", "ASSAULT": "#be0032",
}


def map_colours() -> dict[str, str]:
    """Colours of the map's marker categories: place categories and PLOVER event types."""
    places = ("country-admin", "populated-place", "water", "site", "terrain", "area")
    return {**{k: TYPE_COLOURS[k] for k in places}, **PLOVER_COLOURS}


def colour(kind: str) -> str:
    """Display colour of an item type, place category or event type (``ASSAULT`` or, on the
    timeline, ``event:ASSAULT``)."""
    if kind in TYPE_COLOURS:
        return TYPE_COLOURS[kind]
    if kind.removeprefix("event:") in PLOVER_COLOURS:
        return PLOVER_COLOURS[kind.removeprefix("event:")]
    palette = ("#e15759", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#86bcb6", "#d37295")
    return palette[sum(map(ord, kind)) % len(palette)] if kind else OTHER_COLOUR


def _url(path: str, params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")


def render(ctx: Ctx, template: str, status: int = 200, **data: Any) -> HTMLResponse:
    """Render a page with the shared context: translator, language links, user, CSRF token,
    the filter (``f``) and helpers (``url``, ``colour``, ``fq``: the filter's query string)."""
    request = ctx.request
    f = data.get("f") or queries.Filters()
    here = dict(request.query_params)
    lang_links = {lang: _url(request.url.path, {**here, "lang": lang}) for lang in LANGUAGES}
    base = {
        "request": request,
        "t": ctx.t,
        "lang": ctx.lang,
        "lang_links": lang_links,
        "user": ctx.user,
        "csrf_token": ctx.csrf_token,
        "f": f,
        "fq": urlencode(f.params()),
        "url": _url,
        "colour": colour,
        "path": request.url.path,
        "config": ctx.config,
    }
    base.update(data)
    return ctx.state.templates.TemplateResponse(request, template, base, status_code=status)


def render_error(request: Request, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> Response:
    """The error page (used by the error handlers for browser requests)."""
    try:
        ctx = get_ctx(request)
    except Exception:  # noqa: BLE001 - the error page must not fail on a broken database
        return HTMLResponse(f"<!doctype html><title>{status}</title><p>{code}</p>",
                            status_code=status, headers=headers)
    response = render(ctx, "error.html", status=status, status_code=status, code=code,
                      message=message)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


# -- pages ------------------------------------------------------------------------------------


@router.get("/")
def overview(ctx: Reader, f: Filt) -> HTMLResponse:
    """Counts, latest articles and events, busiest places and actors."""
    with ctx.store.read() as conn:
        data = queries.overview(conn, f)
    return render(ctx, "overview.html", f=f, data=data)


@router.get("/articles")
def article_list(ctx: Reader, f: Filt, page: PageNumber = 1) -> HTMLResponse:
    """Articles in scope, newest first."""
    size = ctx.config.page_size_count
    with ctx.store.read() as conn:
        data = queries.article_rows(conn, f, limit=size, offset=(page - 1) * size)
    return render(ctx, "articles.html", f=f, data=data, page=page, size=size)


@router.get("/articles/{article_id}")
def article(ctx: Reader, article_id: str, rev: IdQuery = None, hl: str | None = None,
            rejected: bool = False) -> HTMLResponse:
    """The reader: highlighted text, side panel, rating, comments, error reports."""
    evidence = None
    if hl:
        m = _SPAN.fullmatch(hl)
        if m is None:
            raise InvalidInput("hl must be START-END", params={"field": "hl"})
        evidence = (int(m.group(1)), int(m.group(2)))
    view = article_view(ctx, article_id, rev, evidence, with_segments=True,
                        show_rejected=rejected)
    with ctx.store.read() as conn:
        thread = queries.article_story(conn, article_id)
    return render(ctx, "article.html", view=view, a=view["article"], story=thread,
                  comments=activity.flatten_threads(view["comments"]),
                  kinds=REPORT_KINDS, reliability_grades=RELIABILITY_GRADES, rejected=rejected,
                  credibility_grades=CREDIBILITY_GRADES)


@router.get("/map")
def map_page(ctx: Reader, f: Filt) -> HTMLResponse:
    """The map (markers loaded by static/map.js from /api/map)."""
    from .app import assets_installed

    return render(ctx, "map.html", f=f, assets=assets_installed(ctx.state),
                  map_colours=map_colours())


@router.get("/timeline")
def timeline(ctx: Reader, f: Filt, actor: IdQuery = None, type: str | None = None,
             start: str | None = None, end: str | None = None) -> HTMLResponse:
    """Bars of items per day by type; a bar's items are listed below when one is chosen."""
    types = queries.parse_types(type)
    items = None
    with ctx.store.read() as conn:
        data = queries.timeline(conn, f, actor_id=actor, types=types)
        actor_name = None
        if actor is not None:
            actor_name = queries.dossier(conn, actor, queries.Filters())["entity"]["name"]
        if start and end:
            first, last = queries.parse_span(start, end)
            items = queries.timeline_items(conn, f, first, last, actor_id=actor, types=types)
        actors = queries.busiest_actors(conn, f, limit=30)
    return render(ctx, "timeline.html", f=f, data=data, items=items, actor=actor,
                  actor_name=actor_name, type=type or "", start=start, end=end, actors=actors)


@router.get("/entities")
def entity_list(ctx: Reader, f: Filt, q: str | None = None, label: str | None = None,
                page: PageNumber = 1) -> HTMLResponse:
    """Entities in scope with a name filter."""
    size = ctx.config.page_size_count
    with ctx.store.read() as conn:
        data = queries.entity_list(conn, f, q=q, label=label, limit=size, offset=(page - 1) * size)
    return render(ctx, "entities.html", f=f, data=data, q=q or "", label=label or "",
                  page=page, size=size)


@router.get("/entities/{entity_id}")
def entity(ctx: Reader, f: Filt, entity_id: Annotated[int, id_path("entity")]) -> HTMLResponse:
    """An entity's dossier."""
    with ctx.store.read() as conn:
        data = queries.dossier(conn, entity_id, f)
    return render(ctx, "entity.html", f=f, data=data, entity_labels=review.ENTITY_LABELS,
                  max_note_chars=ctx.config.max_note_chars, max_name_chars=review.MAX_FIELD_CHARS)


@router.post("/entities/{entity_id}/merge")
async def merge_entity(ctx: Annotated[Ctx, Depends(analyst_writer)],
                       entity_id: Annotated[int, id_path("entity")],
                       other: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> Response:
    """The dossier's merge form: merge ``other`` (an id or an exact name) into this entity."""
    assert ctx.user is not None
    review.merge_entities(ctx.store.engine, ctx.user, entity_id, other, note=note,
                          max_note_chars=ctx.config.max_note_chars)
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)


@router.post("/entities/{entity_id}/split")
async def split_entity(ctx: Annotated[Ctx, Depends(analyst_writer)],
                       entity_id: Annotated[int, id_path("entity")],
                       name: Annotated[str, Form()], label: Annotated[str, Form()],
                       note: Annotated[str, Form()] = "") -> Response:
    """The dossier's split form: the checked ``member`` boxes (each a JSON object
    ``{"article_id", "text"}``) move to a new entity ``name`` (``label``); goes to the new
    entity's dossier."""
    assert ctx.user is not None
    form = await ctx.request.form()
    members = []
    for value in form.getlist("member"):
        try:
            member = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            member = None
        if not isinstance(member, dict):
            raise InvalidInput("a member is an article id and a surface form",
                               params={"field": "member"})
        members.append(member)
    done = review.split_entity(ctx.store.engine, ctx.user, entity_id, name=name, label=label,
                               members=members, note=note,
                               max_note_chars=ctx.config.max_note_chars)
    return RedirectResponse(f"/entities/{done['target_id']}", status_code=303)


@router.post("/entity-edits/{edit_id}/undo")
async def undo_entity_edit(ctx: Annotated[Ctx, Depends(analyst_writer)],
                           edit_id: Annotated[int, id_path("entity merge or split")],
                           note: Annotated[str, Form()] = "",
                           next: Annotated[str, Form()] = "/entities") -> Response:
    """The dossier's undo button: undo a merge or a split, go back to the page."""
    assert ctx.user is not None
    review.undo_entity_edit(ctx.store.engine, ctx.user, edit_id, note=note,
                            max_note_chars=ctx.config.max_note_chars)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/claims")
def claims(ctx: Reader, f: Filt, sort: str = "sources", group: str | None = None,
           verification: str | None = None, page: PageNumber = 1) -> HTMLResponse:
    """The claims ledger, a page of groups at a time: the groups that matter first (most
    sources, latest, or largest change), each with its newest and most cited claims and a link
    to all of them (``group``: one group, every claim)."""
    size = queries.CLAIMS_PAGE_GROUPS
    with ctx.store.read() as conn:
        data = queries.claims(conn, f, sort=claim_sort(sort), limit=size,
                              offset=(page - 1) * size, group=group,
                              shown=queries.CLAIM_GROUP_ITEMS if group else queries.CLAIMS_SHOWN,
                              verification=verification_status(verification),
                              verifiers=ctx.config.verify_analysts_count)
    return render(ctx, "claims.html", f=f, data=data, sorts=queries.CLAIM_SORTS, page=page,
                  size=size, group=group, verification=verification or "",
                  statuses=VERIFICATION_STATUSES)


@router.get("/tracker")
def tracker(ctx: Reader, f: Filt, place: TrackerPlace = None, entity: TrackerEntity = None,
            side: TrackerSide = None, story: TrackerStory = None) -> HTMLResponse:
    """The casualty tracker: per side, killed, wounded, missing, detained, displaced and
    evacuated over their as-of dates, every value with its sources, newest and most cited
    marked, revisions shown; figures nobody is named as the side of listed apart; ``story``
    keeps one story thread's articles."""
    with ctx.store.read() as conn:
        data = queries.tracker_view(conn, f, place=place, entity=entity, side=side, story=story,
                                    verifiers=ctx.config.verify_analysts_count)
    scoped = {"place": place or "", "entity": entity or "", "side": side or "", "story": story or ""}
    return render(ctx, "tracker.html", f=f, data=data, scoped=scoped,
                  sq=urlencode({k: v for k, v in scoped.items() if v}),
                  shown_sources=queries.PAGE_SOURCES, shown_unattributed=queries.PAGE_UNATTRIBUTED)


@router.get("/stories")
def stories(ctx: Reader, f: Filt, single: bool = False, page: PageNumber = 1) -> HTMLResponse:
    """Story threads in scope (what ``/api/stories`` lists)."""
    size = ctx.config.page_size_count
    with ctx.store.read() as conn:
        data = queries.story_list(conn, f, limit=size, offset=(page - 1) * size, single=single)
    return render(ctx, "stories.html", f=f, data=data, page=page, size=size, single=single)


@router.get("/story/{story_id}")
def story(ctx: Reader, story_id: str) -> HTMLResponse:
    """One story thread: its articles, happenings, claims and casualty tracker (what
    ``/api/stories/{id}`` returns)."""
    if not queries.STORY_ID.fullmatch(story_id):
        raise NotFound("no such story", params={"story": story_id[:40]})
    with ctx.store.read() as conn:
        data = queries.story_view(conn, story_id, verifiers=ctx.config.verify_analysts_count)
    if data is None:
        raise NotFound("no such story", params={"story": story_id})
    return render(ctx, "story.html", data=data, s=data["story"], tracker=data["tracker"],
                  shown_sources=queries.PAGE_SOURCES)


@router.get("/events")
def events(ctx: Reader, f: Filt, type: str | None = None, mode: str | None = None,
           actor: str | None = None, recipient: str | None = None, actor_id: IdQuery = None,
           recipient_id: IdQuery = None, flagged: bool = False,
           happened_since: str | None = None, happened_until: str | None = None,
           verification: str | None = None, rejected: bool = False,
           story: str | None = None, happening: str | None = None, happenings: bool = False,
           page: PageNumber = 1) -> HTMLResponse:
    """Events in scope with type, mode, party, date and flag filters (what ``/api/events``
    lists); each row says how often its happening was reported and links to the other reports;
    ``happenings`` shows one row per happening, ``story`` one story thread's events."""
    size = ctx.config.page_size_count
    q = queries.event_query(type, mode, actor, recipient, actor_id, recipient_id, flagged,
                            happened_since, happened_until, verification, rejected,
                            ctx.config.verify_analysts_count, story, happening, happenings)
    with ctx.store.read() as conn:
        data = queries.event_list(conn, f, q, limit=size, offset=(page - 1) * size)
    form = {"type": ",".join(q.types), "mode": ",".join(q.modes), "actor": q.actor or "",
            "recipient": q.recipient or "", "actor_id": actor_id, "recipient_id": recipient_id,
            "flagged": "1" if flagged else "",
            "happened_since": q.happened_since.isoformat() if q.happened_since else "",
            "happened_until": q.happened_until.isoformat() if q.happened_until else "",
            "verification": q.verification or "", "rejected": "1" if rejected else "",
            "story": q.story or "", "happening": q.happening or "", "happenings": "1" if happenings else ""}
    return render(ctx, "events.html", f=f, data=data, form=form, types=queries.EVENT_TYPES,
                  statuses=VERIFICATION_STATUSES, page=page, size=size)


@router.get("/quotes")
def quotes(ctx: Reader, f: Filt, speaker: str | None = None, speaker_id: IdQuery = None,
           org: str | None = None, words: str | None = None, kind: str | None = None,
           page: PageNumber = 1) -> HTMLResponse:
    """Who said what (what ``/api/quotes`` lists)."""
    size = ctx.config.page_size_count
    q = queries.quote_query(speaker, speaker_id, org, words, kind)
    with ctx.store.read() as conn:
        data = queries.quote_list(conn, f, q, limit=size, offset=(page - 1) * size)
    form = {"speaker": q.speaker or "", "speaker_id": speaker_id, "org": q.org or "",
            "words": q.words or "", "kind": q.kind or ""}
    return render(ctx, "quotes.html", f=f, data=data, form=form, kinds=queries.QUOTE_KINDS,
                  page=page, size=size)


@router.get("/search")
def search(ctx: Reader, f: Filt, q: str = "", page: PageNumber = 1
           ) -> HTMLResponse:
    """Full-text search."""
    size = ctx.config.page_size_count
    with ctx.store.read() as conn:
        data = queries.search(conn, f, q, limit=size, offset=(page - 1) * size)
    return render(ctx, "search.html", f=f, data=data, q=q, page=page, size=size)


@router.get("/reports")
def reports(ctx: Reader, status: str = "open", page: PageNumber = 1
            ) -> HTMLResponse:
    """The triage list of error reports."""
    size = ctx.config.page_size_count
    with ctx.store.read() as conn:
        rows = activity.reports(conn, status=status or None, limit=size, offset=(page - 1) * size)
        for r in rows:  # what a correction of the report can fix
            pos = r["selector"]["position"]
            r["items"] = (review.items_in_selection(conn, r["revision_id"], pos["start"],
                                                    pos["end"]) if r["status"] == "open" else [])
    return render(ctx, "reports.html", reports=rows, current=status, page=page, size=size,
                  event_types=queries.EVENT_TYPES, entity_labels=review.ENTITY_LABELS,
                  fields=FIELDS)


@router.post("/reports/{report_id}/correct")
async def correct_report(ctx: Annotated[Ctx, Depends(analyst_writer)],
                         report_id: Annotated[int, id_path("report")],
                         item: Annotated[str, Form()], action: Annotated[str, Form()] = "correct",
                         note: Annotated[str, Form()] = "") -> Response:
    """The triage page's correction form: correct or reject the chosen item of the report's
    selection (``item`` is ``kind:start:end``; the values of the kind's fields come as form
    fields of their names, blank ones left as the machine had them)."""
    assert ctx.user is not None
    m = _ITEM.fullmatch(item)
    if m is None:
        raise InvalidInput("item must be KIND:START:END", params={"field": "item"})
    kind, start, end = m.group(1), int(m.group(2)), int(m.group(3))
    form = await ctx.request.form()
    given = {k: v for k in FIELDS.get(kind, ()) if isinstance(v := form.get(k), str) and v.strip()}
    review.correct_from_report(ctx.store.engine, ctx.user, report_id, kind=kind, start=start,
                               end=end, action=action, fields=given, note=note,
                               max_note_chars=ctx.config.max_note_chars)
    return RedirectResponse("/reports?status=resolved", status_code=303)


@router.post("/verify")
async def verify_item(ctx: Annotated[Ctx, Depends(analyst_writer)],
                       article_id: Annotated[str, Form()],
                       revision_id: Annotated[int, Form(ge=0, le=SQL_INTEGER_MAX)],
                       start: Annotated[int, Form(ge=0, le=SQL_INTEGER_MAX)],
                       end: Annotated[int, Form(ge=0, le=SQL_INTEGER_MAX)],
                       status: Annotated[str, Form()], next: Annotated[str, Form()] = "/events",
                       kind: Annotated[str, Form()] = "event") -> Response:
    """The verification forms of the events and claims pages (analysts): set the status of
    the event or claim, go back to the page."""
    assert ctx.user is not None
    review.verify(ctx.store.engine, ctx.user, article_id=article_id, revision_id=revision_id,
                  start=start, end=end, status=status, kind=kind,
                  max_note_chars=ctx.config.max_note_chars)
    return RedirectResponse(_safe_next(next), status_code=303)


# -- sign-in and users ------------------------------------------------------------------------


def _safe_next(value: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


@router.get("/docs")
def api_reference(ctx: Annotated[Ctx, Depends(get_ctx)]) -> HTMLResponse:
    """The API reference, generated from the OpenAPI description (:mod:`newswatch.web.apidoc`);
    open to everyone, as ``/openapi.json`` is."""
    from .apidoc import reference

    doc = ctx.request.app.openapi()
    return render(ctx, "apidoc.html", groups=reference(doc), version=doc.get("openapi", ""))


@router.get("/login")
def login_page(ctx: Annotated[Ctx, Depends(get_ctx)], next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return render(ctx, "login.html", next=_safe_next(next), failed=False)


@router.post("/login")
async def login(ctx: Annotated[Ctx, Depends(csrf_checked)], name: Annotated[str, Form()],
                password: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
                ) -> Response:
    """Check the form and sign in, then go back to ``next``."""
    from .errors import BadCredentials

    try:
        _, token, _ = sign_in(ctx, name, password)
    except BadCredentials:
        return render(ctx, "login.html", status=401, next=_safe_next(next), failed=True)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, ctx, token)
    return response


@router.post("/logout")
async def logout(ctx: Annotated[Ctx, Depends(csrf_checked)]) -> Response:
    """Sign out."""
    users.close_session(ctx.store.engine, ctx.request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.get("/admin/users")
def users_page(ctx: Annotated[Ctx, Depends(admin_reader)], done: str | None = None) -> HTMLResponse:
    """User management (admins)."""
    with ctx.store.read() as conn:
        rows = users.list_users(conn)
    return render(ctx, "users.html", users=rows, done=done)


@router.post("/admin/users")
async def users_create(ctx: Annotated[Ctx, Depends(admin_writer)], name: Annotated[str, Form()],
                       password: Annotated[str, Form()], role: Annotated[str, Form()] = "reader"
                       ) -> Response:
    """Create a user from the admin form."""
    users.create_user(ctx.store.engine, name, password, role)
    return RedirectResponse("/admin/users?done=created", status_code=303)


@router.post("/admin/users/{user_id}")
async def users_update(ctx: Annotated[Ctx, Depends(admin_writer)],
                       user_id: Annotated[int, id_path("user")],
                       role: Annotated[str, Form()], active: Annotated[str, Form()] = "") -> Response:
    """Change a user's role and active flag from the admin form."""
    assert ctx.user is not None
    enabled = active in ("1", "on", "true")
    if user_id == ctx.user.id and (role != "admin" or not enabled):
        raise InvalidInput("you cannot demote or disable yourself", params={"field": "role"})
    users.update_user(ctx.store.engine, user_id, role=role, active=enabled)
    return RedirectResponse("/admin/users?done=updated", status_code=303)


# -- the watch desk: sources, rules, alerts (newswatch.watch) ---------------------------------


def _watch_page(ctx: Ctx, template: str, status: int = 200, **data: Any) -> HTMLResponse:
    """Render a watch page; ``can_edit``: the user may add, pause and remove (analysts)."""
    can_edit = bool(ctx.user and ctx.user.can("analyst"))
    return render(ctx, template, status=status, can_edit=can_edit, **data)


def _sources_page(ctx: Ctx, status: int = 200, error: str | None = None,
                  form: dict[str, str] | None = None, done: str | None = None) -> HTMLResponse:
    from .queries import watch as wq

    return _watch_page(ctx, "watch_sources.html", status, sources=wq.source_rows(ctx.store),
                       error=error, form=form or {"every": "15m"}, done=done)


@router.get("/watch/sources")
def watch_sources(ctx: Annotated[Ctx, Depends(signed_in_reader)], done: str | None = None
                  ) -> HTMLResponse:
    """Followed sources with their health (any signed-in user); analysts add, pause, resume
    and remove them."""
    return _sources_page(ctx, done=done if done in ("added", "paused", "resumed", "removed")
                         else None)


@router.post("/watch/sources")
async def watch_source_add(ctx: Annotated[Ctx, Depends(analyst_writer)]) -> Response:
    """Follow a source (the fields of ``newswatch source add``: url, name, every, language,
    discover); a refusal shows the form again with its reason."""
    from ..errors import NewswatchError
    from ..settings import load
    from ..watch.sources import add_source
    from ..watch.urls import parse_every
    from .errors import status_for

    raw = await ctx.request.form()
    form = {k: str(raw.get(k) or "").strip() for k in ("url", "name", "every", "language")}
    try:
        try:
            seconds = parse_every(form["every"] or "15m")
        except ValueError as exc:
            raise InvalidInput(f"--every: {exc}", params={"field": "every"}) from None
        # discovery fetches the URL (net.fetch, bounded by fetch_timeout_seconds): off the loop
        await run_in_threadpool(
            add_source, ctx.store, form["url"], load(), name=form["name"] or None,
            every_seconds=seconds, language=form["language"].lower() or None,
            discover=str(raw.get("discover") or "") in ("1", "on", "true"))
    except NewswatchError as exc:
        return _sources_page(ctx, status_for(exc.code), exc.line(), form)
    return RedirectResponse("/watch/sources?done=added", status_code=303)


@router.post("/watch/sources/{source_id}/{action}")
async def watch_source_action(ctx: Annotated[Ctx, Depends(analyst_writer)],
                              source_id: Annotated[int, id_path("source")], action: str
                              ) -> Response:
    """Pause, resume or remove a source (``action``: pause, resume, remove)."""
    from ..watch.sources import remove_source, set_paused

    if action == "remove":
        remove_source(ctx.store, str(source_id))
    elif action in ("pause", "resume"):
        set_paused(ctx.store, str(source_id), action == "pause")
    else:
        raise InvalidInput("action must be pause, resume or remove", params={"field": "action"})
    done = {"pause": "paused", "resume": "resumed", "remove": "removed"}[action]
    return RedirectResponse(f"/watch/sources?done={done}", status_code=303)


def _rules_page(ctx: Ctx, status: int = 200, *, form: Any = None, error: str | None = None,
                matches: list[dict[str, Any]] | None = None, tested: str | None = None,
                done: str | None = None, editing: int | None = None) -> HTMLResponse:
    from .queries import watch as wq

    return _watch_page(ctx, "watch_rules.html", status, rules=wq.rule_rows(ctx.store),
                       form=form or wq.RuleForm.from_fields({}), error=error,
                       matches=matches, tested=tested, done=done, fields=wq.RULE_FIELDS,
                       editing=editing)


@router.get("/watch/rules")
def watch_rules(ctx: Annotated[Ctx, Depends(signed_in_reader)], request: Request,
                done: str | None = None, edit: IdQuery = None) -> HTMLResponse:
    """Saved rules; the form is pre-filled from the query string (the search page's "save as
    rule" link passes ``query``, ``country`` and ``language``), or with ``edit`` from a saved
    rule to change it."""
    from .queries import watch as wq

    editing = None
    if edit is not None:
        from ..watch.rules import find_rule

        rule = find_rule(ctx.store, str(edit))
        form, editing = wq.RuleForm.from_rule(rule), rule.id
    else:
        form = wq.RuleForm.from_fields(dict(request.query_params))
    return _rules_page(ctx, form=form, editing=editing,
                       done=done if done in ("created", "saved", "paused", "resumed",
                                             "removed") else None)


@router.post("/watch/rules")
async def watch_rule_add(ctx: Annotated[Ctx, Depends(analyst_writer)]) -> Response:
    """Save a rule from the form (the fields of ``newswatch rule add``, checked by the same
    code); a refused query or filter shows the form again with the reason."""
    from ..errors import NewswatchError
    from ..watch.rules import add_rule
    from .errors import status_for
    from .queries import watch as wq

    form = wq.RuleForm.from_fields(dict(await ctx.request.form()))
    try:
        rule = form.rule()
        add_rule(ctx.store, rule.name, rule.query, rule.filters)
    except NewswatchError as exc:
        return _rules_page(ctx, status_for(exc.code), form=form, error=exc.line())
    return RedirectResponse("/watch/rules?done=created", status_code=303)


@router.post("/watch/rules/test")
async def watch_rule_try(ctx: Annotated[Ctx, Depends(signed_in_writer)]) -> Response:
    """Run the form's rule (unsaved) over the stored data and show what it would have fired
    (``newswatch rule test --query``); nothing is recorded."""
    from ..errors import NewswatchError
    from .errors import status_for
    from .queries import watch as wq

    form = wq.RuleForm.from_fields(dict(await ctx.request.form()))
    try:
        matches = await run_in_threadpool(wq.trial_matches, ctx.store,
                                          form.rule(name_needed=False))
    except NewswatchError as exc:
        return _rules_page(ctx, status_for(exc.code), form=form, error=exc.line())
    return _rules_page(ctx, form=form, matches=matches, tested=form.values.get("query") or "")


@router.post("/watch/rules/{rule_id}/{action}")
async def watch_rule_action(ctx: Annotated[Ctx, Depends(signed_in_writer)],
                            rule_id: Annotated[int, id_path("rule")], action: str) -> Response:
    """``test`` a saved rule (any signed-in user; nothing recorded), or ``save`` the edit form
    over it, ``pause``, ``resume`` or ``remove`` it (analysts)."""
    from ..watch.rules import find_rule, remove_rule, set_rule_paused
    from .queries import watch as wq

    assert ctx.user is not None
    if action == "test":
        rule = find_rule(ctx.store, str(rule_id))
        matches = await run_in_threadpool(wq.trial_matches, ctx.store, rule)
        return _rules_page(ctx, matches=matches, tested=rule.name)
    if action not in ("pause", "resume", "remove", "save"):
        raise InvalidInput("action must be test, save, pause, resume or remove",
                           params={"field": "action"})
    if not ctx.user.can("analyst"):
        raise Forbidden("needs the analyst role", params={"role": "analyst"})
    if action == "save":  # the edit form: same fields and checks as a new rule
        from ..errors import NewswatchError
        from ..watch.rules import update_rule
        from .errors import status_for

        find_rule(ctx.store, str(rule_id))  # 404 before reading the form
        form = wq.RuleForm.from_fields(dict(await ctx.request.form()))
        try:
            rule = form.rule()
            update_rule(ctx.store, str(rule_id), rule.name, rule.query, rule.filters)
        except NewswatchError as exc:
            return _rules_page(ctx, status_for(exc.code), form=form, error=exc.line(),
                               editing=rule_id)
        return RedirectResponse("/watch/rules?done=saved", status_code=303)
    if action == "remove":
        remove_rule(ctx.store, str(rule_id))
    else:
        set_rule_paused(ctx.store, str(rule_id), action == "pause")
    done = {"pause": "paused", "resume": "resumed", "remove": "removed"}[action]
    return RedirectResponse(f"/watch/rules?done={done}", status_code=303)


#: The digest intervals offered on the alerts page (``newswatch digest subscribe --every``).
DIGEST_INTERVALS = ("1h", "1d", "7d")


def _alerts_page(ctx: Ctx, status: int = 200, *, error: str | None = None,
                 done: str | None = None, form: dict[str, Any] | None = None) -> HTMLResponse:
    from ..settings import load
    from ..watch.digests import user_subscription
    from ..watch.rules import list_rules
    from .queries import watch as wq

    assert ctx.user is not None
    mine = user_subscription(ctx.store, ctx.user.id)
    if form is None:
        view = mine.to_dict(load()) if mine is not None and mine.active else None
        form = {"email": view["recipient"] if view else "",
                "every": view["every"] if view else "1d",
                "rules": view["rules"] or [] if view else []}
    return _watch_page(ctx, "watch_alerts.html", status, alerts=wq.alert_rows(ctx.store),
                       digest=mine if mine is not None and mine.active else None,
                       digest_form=form, intervals=DIGEST_INTERVALS,
                       rule_names=[r.name for r in list_rules(ctx.store)], error=error, done=done)


@router.get("/watch/alerts")
def watch_alerts(ctx: Annotated[Ctx, Depends(signed_in_reader)], done: str | None = None
                 ) -> HTMLResponse:
    """The alerts the watch loop fired, newest first, each with links to its evidence: the
    sentence (highlighted in the article), the article, the event type or claim; and the
    signed-in user's own e-mail digest (address, interval, rules)."""
    return _alerts_page(ctx, done=done if done in ("subscribed", "unsubscribed") else None)


@router.post("/watch/digest")
async def watch_digest_form(ctx: Annotated[Ctx, Depends(signed_in_writer)]) -> Response:
    """Set up, change (``action=save``: ``email``, ``every`` one of :data:`DIGEST_INTERVALS`,
    ``rules`` repeated, none: every rule) or end (``action=unsubscribe``) the signed-in user's
    own e-mail digest (:mod:`newswatch.watch.digests`; one address per user); a refusal shows
    the form again with its reason."""
    from ..errors import NewswatchError
    from ..watch.digests import subscribe, unsubscribe, user_subscription
    from ..watch.urls import parse_every
    from .errors import status_for

    assert ctx.user is not None
    raw = await ctx.request.form()
    action = str(raw.get("action") or "save")
    if action == "unsubscribe":
        mine = user_subscription(ctx.store, ctx.user.id)
        if mine is not None:
            unsubscribe(ctx.store, mine.recipient)
        return RedirectResponse("/watch/alerts?done=unsubscribed", status_code=303)
    if action != "save":
        raise InvalidInput("action must be save or unsubscribe", params={"field": "action"})
    email, every = str(raw.get("email") or "").strip(), str(raw.get("every") or "1d")
    rules = [str(r) for r in raw.getlist("rules")]
    form: dict[str, Any] = {"email": email, "every": every, "rules": rules}
    try:
        if every not in DIGEST_INTERVALS:
            raise InvalidInput(f"every must be one of {', '.join(DIGEST_INTERVALS)}",
                               params={"field": "every"})
        subscribe(ctx.store, email, every_seconds=parse_every(every), rules=rules or None,
                  user_id=ctx.user.id)
    except NewswatchError as exc:
        return _alerts_page(ctx, status_for(exc.code), error=exc.line(), form=form)
    return RedirectResponse("/watch/alerts?done=subscribed", status_code=303)
