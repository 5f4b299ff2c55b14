"""The JSON API behind every page (``/api/...``), described at ``/openapi.json``.

Reads honour the filter parameters ``since``, ``until`` (``YYYY-MM-DD``), ``country`` (ISO
3166-1 code or name) and ``language`` (ISO 639-1). Writes need a signed-in user and the CSRF
token in the ``X-CSRF-Token`` header; they are rate-limited and size-bounded. Errors always
have the shape ``{"error": {"status", "code", "message", "details"}}``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .. import serialize
from ..serialize import ARTICLE_SCHEMA, ARTICLE_VIEW_SCHEMA
from ..storage.mapping import to_jsonable
from . import activity, queries, review, users
from .cache import cached_json
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
    limit_logins,
    reader,
    signed_in_reader,
    signed_in_writer,
)
from .errors import BadCredentials, Forbidden, InvalidInput, NotFound
from .reading import article_view, corrected_json
from .security import MAX_PAGE_NUMBER, SQL_INTEGER_MAX, unwritable_text

router = APIRouter(prefix="/api", dependencies=[Depends(integer_guard)])

Since = Annotated[str | None, Query(description="First publication day, YYYY-MM-DD.")]
Until = Annotated[str | None, Query(description="Last publication day, YYYY-MM-DD.")]
Country = Annotated[str | None, Query(description="ISO 3166-1 alpha-2/alpha-3 code or name.")]
Language = Annotated[str | None, Query(description="Article language, ISO 639-1 (en, ru).")]
Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page.")]
Offset = Annotated[int, Query(ge=0, le=SQL_INTEGER_MAX, description="Rows skipped.")]
#: A database id in a query or path parameter or a body field: a SQL BIGINT.
IdQuery = Annotated[int | None, Query(ge=-SQL_INTEGER_MAX, le=SQL_INTEGER_MAX)]
def _not_a_boolean(value: Any) -> Any:
    """Refuse a JSON ``true``/``false`` where a number is wanted (pydantic would read it as 1
    or 0: ``{"other": true}`` would name entity 1)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


#: An integer body field: a JSON number (or digits), never a boolean.
WholeField = Annotated[int, BeforeValidator(_not_a_boolean)]
IdField = Annotated[WholeField, Field(ge=-SQL_INTEGER_MAX, le=SQL_INTEGER_MAX)]
#: A code-point offset in a body (start, end of an item or a selection).
OffsetField = Annotated[WholeField, Field(ge=0, le=SQL_INTEGER_MAX)]
#: Whether items an analyst rejected are listed (marked) instead of hidden.
Rejected = Annotated[bool, Query(description="Also show items an analyst rejected as wrong.")]
#: A page number of a paged HTML page (see ``security.MAX_PAGE_NUMBER``).
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page, from 1.")]


def id_path(what: str) -> Any:
    """The declaration of an id path parameter (a SQL BIGINT)."""
    return Path(ge=-SQL_INTEGER_MAX, le=SQL_INTEGER_MAX, description=f"The {what}'s id.")


# -- the error model and the errors each route declares ---------------------------------------


class ErrorDetail(BaseModel):
    """One per-field problem of a refused request."""

    field: str = Field(description="Where: ``query.limit``, ``body.stars``, ``path[3]``...")
    problem: str


class ErrorInfo(BaseModel):
    """What went wrong: the HTTP status again, a stable code (README, "Error codes"), a
    message in the request's interface language, and per-field details."""

    status: int
    code: str = Field(description="Stable error code, e.g. not-found, invalid-request.")
    message: str
    details: list[ErrorDetail]


class ErrorOut(BaseModel):
    """The one shape of every error response."""

    error: ErrorInfo


#: Why each refusal status can happen (the description of the declared response).
ERROR_REASONS = {
    400: "A form body that cannot be parsed (bad-request).",
    401: "Not signed in where a user is needed, reading closed to anonymous users "
         "(not-signed-in), or wrong credentials (bad-credentials).",
    403: "The signed-in user's role does not allow it (forbidden) or the CSRF token is "
         "missing or wrong (csrf-failed).",
    404: "No such article, revision, entity, place, report, user or export (not-found).",
    409: "A user with that name already exists (user-exists), or a rule with that name "
         "(already-exists).",
    413: "The request body is larger than web_max_body_bytes (payload-too-large).",
    422: "A parameter or body field is missing, of the wrong type or out of range (integers "
         "of 2^63 and more included) (invalid-request), or its value is refused "
         "(invalid-input, unknown-country, comment-too-long, no-visible-text: a required "
         "reason or name with no visible character, bad-query, ...).",
    429: "Too many writes or sign-in attempts in the window (rate-limited); Retry-After says "
         "how many seconds to wait.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` declaration of a route that can refuse with ``statuses``; every
    route may answer 413 (body limit) and 422 (parameters), so those are always added."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, 413, 422}):
        declared: dict[str, Any] = {"model": ErrorOut, "description": ERROR_REASONS[status]}
        if status == 429:
            declared["headers"] = {"Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 1}}}
        out[status] = declared
    return out


#: OpenAPI component names of the package's JSON Schemas (``serialize.SCHEMAS``).
CONTRACT_COMPONENTS = {ARTICLE_SCHEMA: "Article", ARTICLE_VIEW_SCHEMA: "ArticleView"}


def _contract_components() -> dict[str, Any]:
    """The article contract's JSON Schemas as OpenAPI components: each schema's ``$defs``
    become components of their own (``ArticleView_comment``...) and every reference, to
    another schema by its ``$id`` or to a ``$defs`` entry, is rewritten to point inside the
    OpenAPI document."""
    by_id = {serialize.schema(name)["$id"]: component
             for name, component in CONTRACT_COMPONENTS.items()}
    out: dict[str, Any] = {}
    for name, component in CONTRACT_COMPONENTS.items():
        doc = json.loads(json.dumps(serialize.schema(name)))  # a deep copy

        def rewrite(node: Any, component: str = component) -> Any:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref in by_id:
                    node["$ref"] = f"#/components/schemas/{by_id[ref]}"
                elif isinstance(ref, str) and ref.startswith("#/$defs/"):
                    node["$ref"] = f"#/components/schemas/{component}_{ref[len('#/$defs/'):]}"
                for value in node.values():
                    rewrite(value)
            elif isinstance(node, list):
                for value in node:
                    rewrite(value)
            return node

        for key in ("$schema", "$id"):
            doc.pop(key, None)
        for def_name, definition in doc.pop("$defs", {}).items():
            out[f"{component}_{def_name}"] = rewrite(definition)
        out[component] = rewrite(doc)
    return out


def finish_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Complete FastAPI's OpenAPI document: add the article contract's schemas
    (:func:`_contract_components`, which ``GET /api/articles/{article_id}`` declares), and make
    every declared error response ``application/json`` (the error shape is JSON whatever the
    route's success media type, e.g. GeoJSON for the map; FastAPI would declare the route's
    media type). Changes ``schema`` in place; returns it."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(_contract_components())
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, declared in operation.get("responses", {}).items():
                content = declared.get("content")
                if status[:1] in ("4", "5") and content:
                    declared["content"] = {"application/json": next(iter(content.values()))}
    return schema


#: Reading routes: closed reading answers 401.
READS = errors(401)
#: Reading one thing by its key.
ITEM_READS = errors(401, 404)
#: Write routes: parsed form, signed in, role, CSRF, the thing written to, rate limit.
WRITES = errors(400, 401, 403, 404, 429)


def filters(since: Since = None, until: Until = None, country: Country = None,
            language: Language = None) -> queries.Filters:
    """Parse the filter query parameters (see :func:`queries.parse_filters`)."""
    return queries.parse_filters(since, until, country, language)


Filt = Annotated[queries.Filters, Depends(filters)]
Reader = Annotated[Ctx, Depends(reader)]

UpdatedSince = Annotated[str | None, Query(
    description="Only articles (and their items) whose latest revision was stored at or after "
                "this ISO 8601 date or date and time (2026-12-05, 2026-12-05T09:30:00Z; no "
                "offset means UTC). A malformed value is refused (422, invalid-input).",
    max_length=64)]


def sync_filters(f: Filt, updated_since: UpdatedSince = None) -> queries.Filters:
    """The filter parameters plus ``updated_since`` (:mod:`.queries.sync`)."""
    from dataclasses import replace

    from .queries.sync import parse_updated_since

    return replace(f, updated_since=parse_updated_since(updated_since))


SyncFilt = Annotated[queries.Filters, Depends(sync_filters)]


# -- GeoJSON (RFC 7946) -----------------------------------------------------------------------


class GeoJSONResponse(JSONResponse):
    """A JSON response served as ``application/geo+json`` (RFC 7946, section 12)."""

    media_type = "application/geo+json"


class Geometry(BaseModel):
    """A GeoJSON geometry (``Point`` with ``[lon, lat]`` for places and events)."""

    model_config = ConfigDict(extra="allow")
    type: str
    coordinates: list[Any]


class Feature(BaseModel):
    """A GeoJSON feature: one place or event and what the map shows of it."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description='Always "Feature".')
    geometry: Geometry | None
    properties: dict[str, Any] | None


class FeatureCollection(BaseModel):
    """A GeoJSON feature collection."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description='Always "FeatureCollection".')
    features: list[Feature]


# -- request bodies -------------------------------------------------------------------------


class RequestBody(BaseModel):
    """The base of every request body model: the one guard every text of a body passes.

    A text holding a lone UTF-16 surrogate (JSON ``"\\ud800"``), which no UTF-8 encoder can
    write (SQLite's insert failed with a 500), is refused before any field is read, in any
    field, nested value or key (:func:`~newswatch.web.security.unwritable_text`).

    Raises:
        InvalidInput: 422 ``invalid-input``; ``details`` names the field (``body.note``).
    """

    @model_validator(mode="before")
    @classmethod
    def _writable_text(cls, data: Any) -> Any:
        where = unwritable_text(data)
        if where is not None:
            # not a ValueError: pydantic lets it through to the error handler as it is
            raise InvalidInput("a text holds a lone surrogate (not a character)",
                               params={"field": where},
                               details=[{"field": where, "problem": "lone surrogate"}])
        return data


class RatingIn(RequestBody):
    """A rating: any of stars (1–5, any signed-in user) and the Admiralty grades (analysts)."""

    stars: WholeField | None = Field(None, description="1 to 5.")
    reliability: str | None = Field(None, description="Admiralty source reliability A-F.")
    credibility: WholeField | None = Field(
        None, description="Admiralty information credibility 1-6.")


class CommentIn(RequestBody):
    """A comment, or a reply to ``parent_id``."""

    body: str
    parent_id: IdField | None = None


class ReportIn(RequestBody):
    """An error report on a passage (W3C Web Annotation quote and position selectors)."""

    revision_id: IdField
    exact: str = Field(description="The selected text (at most web_max_selection_chars).")
    prefix: str = Field("", description="Text just before the selection.")
    suffix: str = Field("", description="Text just after the selection.")
    start: Annotated[WholeField, Field(
        ge=-SQL_INTEGER_MAX, le=SQL_INTEGER_MAX,
        description="Code-point offset of the selection in the revision text.")]
    end: Annotated[WholeField, Field(ge=-SQL_INTEGER_MAX, le=SQL_INTEGER_MAX,
                                     description="End offset (exclusive).")]
    kind: str = Field(description="wrong-entity, wrong-place, wrong-figure, wrong-date, typo "
                                  "or other.")
    note: str = ""


class ResolveIn(RequestBody):
    """How a report was dealt with."""

    resolution: str = ""


class CorrectionIn(RequestBody):
    """An analyst's correction or rejection of one item the machine found, named by its kind
    and its exact offsets in the revision the analyst saw."""

    kind: str = Field(description="entity, place, figure or event.")
    start: Annotated[OffsetField, Field(description="The item's start offset.")]
    end: Annotated[OffsetField, Field(description="The item's end offset (exclusive).")]
    action: str = Field("correct", description="correct (set fields) or reject (wrong item).")
    fields: dict[str, Any] = Field(default_factory=dict, description=(
        "The corrected values. entity: label, canonical, entity_id; place: place_key "
        "(geonames:<id>), name, country_code, lat, lon; figure: value, lower, upper, unit, "
        "qualifier; event: type (PLOVER), mode, actor, recipient, date (YYYY[-MM[-DD]])."))
    note: str = ""


class ArticleCorrectionIn(CorrectionIn):
    """A correction of an item of one revision."""

    revision_id: IdField


class MergeIn(RequestBody):
    """Merge another entity into this one."""

    other: IdField | str = Field(description="The entity merged into this one: its id, or a "
                                 "name that is exactly one entity's canonical name (a "
                                 "boolean or an integer of 2^63 and more is refused, 422).")
    note: str = Field(description="Why: the evidence that they are one (required).")


class SplitMemberIn(RequestBody):
    """Mentions moved by a split: the entity's mentions in one article written ``text``;
    every one in the article when ``text`` is null; every one written ``text`` in any article
    (later ones included) when ``article_id`` is null."""

    article_id: str | None = Field(None, description="The article; null: every article.")
    text: str | None = Field(None, description="The surface form; null: every mention of the "
                             "entity in the article.")


class SplitIn(RequestBody):
    """Split some mentions of this entity off into a new entity."""

    name: str = Field(description="The new entity's name.")
    label: str = Field(description="Its OntoNotes label (PERSON, ORG, GPE...).")
    members: list[SplitMemberIn] = Field(description="The mentions to move.")
    note: str = Field(description="Why: the evidence that they are two (required).")


class UndoIn(RequestBody):
    """Undo a merge or a split (the body may be left out: the note is optional)."""

    note: str = Field("", description="Why it is undone (optional).")


class VerificationIn(RequestBody):
    """The verification status of an event (named by one of its mentions) or a claim."""

    kind: str = Field("event", description="event or claim.")
    revision_id: IdField
    start: Annotated[OffsetField, Field(
        description="The event mention's or the claim's start offset.")]
    end: Annotated[OffsetField, Field(description="Its end offset (exclusive).")]
    status: str = Field(description="unverified, verified or disputed.")
    note: str = ""


class LoginIn(RequestBody):
    """Credentials."""

    name: str
    password: str


class UserIn(RequestBody):
    """A new user."""

    name: str
    password: str
    role: str = "reader"


class UserPatch(RequestBody):
    """Changes to a user."""

    role: str | None = None
    active: bool | None = None
    password: str | None = None


# -- health, session ------------------------------------------------------------------------


@router.get("/health", tags=["meta"], responses=errors())
def health(ctx: Annotated[Ctx, Depends(get_ctx)]) -> dict[str, Any]:
    """Liveness and database backend."""
    return {"status": "ok", "backend": ctx.store.backend}


@router.get("/csrf", tags=["session"], responses=errors())
def csrf(ctx: Annotated[Ctx, Depends(get_ctx)]) -> dict[str, str]:
    """The CSRF token to send (header ``X-CSRF-Token``) with the next write; before sign-in
    it comes with the ``nw_csrf`` cookie it must match."""
    return {"csrf_token": ctx.csrf_token}


@router.get("/me", tags=["session"], responses=errors())
def me(ctx: Annotated[Ctx, Depends(get_ctx)]) -> dict[str, Any]:
    """The signed-in user (``user`` is null when nobody is signed in) and the CSRF token."""
    return {"user": ctx.user.to_dict() if ctx.user else None, "csrf_token": ctx.csrf_token}


def sign_in(ctx: Ctx, name: str, password: str) -> tuple[users.User, str, str]:
    """Check credentials and open a session (shared by the API and the sign-in page).

    Raises:
        RateLimited: too many attempts from this address.
        BadCredentials: wrong name or password, or disabled user.
    """
    limit_logins(ctx, name)
    user = users.authenticate(ctx.store.engine, name, password)
    if user is None:
        raise BadCredentials("wrong user name or password")
    token, csrf_token = users.open_session(ctx.store.engine, user,
                                           ctx.config.session_max_age_seconds)
    return user, token, csrf_token


def set_session_cookie(response: Response, ctx: Ctx, token: str) -> None:
    """Put the session token in its HttpOnly, SameSite=Lax cookie."""
    response.set_cookie(SESSION_COOKIE, token, max_age=ctx.config.session_max_age_seconds,
                        httponly=True, samesite="lax", secure=ctx.config.secure_cookies)


@router.post("/session", tags=["session"], responses=errors(400, 401, 403, 429))
async def login(body: LoginIn, ctx: Annotated[Ctx, Depends(csrf_checked)]) -> JSONResponse:
    """Sign in. Send the ``nw_csrf`` cookie's token (``GET /api/csrf``) as ``X-CSRF-Token``.
    Returns the user and the session's CSRF token for later writes."""
    user, token, csrf_token = sign_in(ctx, body.name, body.password)
    response = JSONResponse({"user": user.to_dict(), "csrf_token": csrf_token})
    set_session_cookie(response, ctx, token)
    return response


@router.delete("/session", tags=["session"], responses=errors(400, 403))
async def logout(ctx: Annotated[Ctx, Depends(csrf_checked)]) -> JSONResponse:
    """Sign out (ends the session in the database too)."""
    users.close_session(ctx.store.engine, ctx.request.cookies.get(SESSION_COOKIE))
    response = JSONResponse({"user": None})
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


# -- pages' data ------------------------------------------------------------------------------


@router.get("/overview", tags=["pages"], responses=READS)
def overview(ctx: Reader, f: Filt) -> dict[str, Any]:
    """Counts, latest articles and events, busiest places and actors."""
    with ctx.store.read() as conn:
        return queries.overview(conn, f)


@router.get("/articles", tags=["pages"], responses=READS)
def articles(ctx: Reader, f: SyncFilt, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Articles in scope, newest first (``updated_since``: stored or revised since then)."""
    with ctx.store.read() as conn:
        return queries.article_rows(conn, f, limit=limit, offset=offset)


@router.get("/articles/{article_id}", tags=["reader"], response_model=None,
            responses={200: {"description": "The article view.", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ArticleView"}}}},
                       **ITEM_READS})
def article(ctx: Reader, article_id: str, revision: IdQuery = None,
            rejected: Rejected = False) -> dict[str, Any]:
    """One article (a revision, default the latest): the article record of the JSON contract
    (``article``, every extracted item) wrapped with its revision, the other revisions, its
    ratings, comment threads, error reports and the analysts' corrections in force
    (``schema/article_view.schema.json``). Corrected values replace the machine's in the
    record; ``corrections`` says who corrected what, when, and the machine's values."""
    view = article_view(ctx, article_id, revision, show_rejected=rejected)
    data = ctx.store.article_to_dict(article_id, view["revision"]["id"])
    corrected_json(data["article"], view["corrections"], show_rejected=rejected)
    data.update(
        corrections=view["corrections"],
        revisions=view["revisions"],
        ratings=view["ratings"],
        comments=view["comments"],
        reports=view["reports"],
        entity_ids=view["entity_ids"],
    )
    out: dict[str, Any] = to_jsonable(data)
    return out


HappenedSince = Annotated[str | None, Query(
    description="First day the event itself happened (its date, not publication), YYYY-MM-DD.")]
HappenedUntil = Annotated[str | None, Query(
    description="Last day the event itself happened, YYYY-MM-DD (inclusive).")]


@router.get("/map", tags=["pages"], response_class=GeoJSONResponse,
            responses={200: {"model": FeatureCollection}, **READS})
def map_data(ctx: Reader, f: Filt,
             zoom: Annotated[int | None, Query(ge=0, le=18, description=(
                 "Map zoom level: features are clustered on the server into grid cells "
                 "(kind 'cluster' with count, mentions, categories, top)"))] = None,
             happened_since: HappenedSince = None, happened_until: HappenedUntil = None,
             ) -> Response:
    """Places and events in scope as GeoJSON (``application/geo+json``). ``happened_since``
    and ``happened_until`` keep the events whose own date overlaps those days (places stay);
    a country or territory carries ``area``, its ISO 3166-1 numeric code (the page draws
    its outline filled instead of a pin)."""
    happened = queries.parse_happened(happened_since, happened_until)
    limit = ctx.config.map_max_features_count
    with ctx.store.read() as conn:
        body = cached_json(conn, ("api/map", f, limit, zoom, happened), lambda: queries.map_features(
            conn, f, limit=limit, zoom=zoom, happened=happened))
    return Response(body, media_type=GeoJSONResponse.media_type)


@router.get("/map/days", tags=["pages"], responses=READS)
def map_days(ctx: Reader, f: Filt) -> dict[str, Any]:
    """The days the map's events happened on (the bounds of the map's date range):
    ``days`` (sorted ISO days), ``first``, ``last`` and ``undated`` (events whose date is
    no calendar day, month or year)."""
    with ctx.store.read() as conn:
        return queries.map_event_days(conn, f)


@router.get("/places/{key}/mentions", tags=["pages"], responses=ITEM_READS)
def place_mentions(ctx: Reader, f: Filt, key: str, limit: Annotated[int, Query(ge=1, le=50)] = 5
                   ) -> dict[str, Any]:
    """Mentions of one place (the map popup's evidence list), latest first."""
    with ctx.store.read() as conn:
        return queries.place_evidence(conn, f, key, limit=limit)


@router.get("/timeline", tags=["pages"], response_model=dict[str, Any], responses=READS)
def timeline(ctx: Reader, f: Filt, actor: IdQuery = None,
             type: Annotated[str | None, Query(description="Item types, comma-separated.")] = None,
             ) -> Response:
    """Items per day (week or month for long ranges) by type."""
    types = queries.parse_types(type)
    with ctx.store.read() as conn:
        body = cached_json(conn, ("api/timeline", f, actor, frozenset(types) if types else None),
                           lambda: queries.timeline(conn, f, actor_id=actor, types=types))
    return Response(body, media_type="application/json")


@router.get("/timeline/items", tags=["pages"], response_model=dict[str, Any], responses=READS)
def timeline_items(ctx: Reader, f: Filt, start: str, end: str, actor: IdQuery = None,
                   type: str | None = None, limit: Limit = 200) -> Response:
    """The items of one bar: dated items with a day in ``[start, end]``."""
    first, last = queries.parse_span(start, end)
    types = queries.parse_types(type)
    key = ("api/timeline/items", f, first, last, actor, frozenset(types) if types else None, limit)
    with ctx.store.read() as conn:
        body = cached_json(conn, key, lambda: {
            "start": first.isoformat(), "end": last.isoformat(),
            "items": queries.timeline_items(conn, f, first, last, actor_id=actor, types=types,
                                            limit=limit)})
    return Response(body, media_type="application/json")


@router.get("/entities", tags=["pages"], responses=READS)
def entities(ctx: Reader, f: SyncFilt, q: str | None = None, label: str | None = None,
             limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Entities in scope, most articles first; ``q`` filters by name (``updated_since``: only
    those mentioned in an article changed since then, counted over the whole scope)."""
    with ctx.store.read() as conn:
        return queries.entity_list(conn, f, q=q, label=label, limit=limit, offset=offset)


@router.get("/entities/{entity_id}", tags=["pages"], responses=ITEM_READS)
def entity(ctx: Reader, f: Filt, entity_id: Annotated[int, id_path("entity")]) -> dict[str, Any]:
    """An entity's dossier: mentions, quotes, figures, events, co-occurring entities."""
    with ctx.store.read() as conn:
        return queries.dossier(conn, entity_id, f)


Verification = Annotated[str | None, Query(
    description="Only events (claims) with this verification status: unverified, verified, disputed.")]
ClaimSort = Annotated[str, Query(
    description="Order of the claim groups: sources (most outlets first), latest (newest "
                "publication first) or change (largest change between the lowest and the "
                "highest value first).")]
ClaimGroup = Annotated[str | None, Query(description="Only the claim group with this key.")]


def verification_status(value: str | None) -> str | None:
    """Check a verification status filter (empty: none).

    Raises:
        InvalidInput: not unverified, verified or disputed.
    """
    status = (value or "").strip().lower() or None
    if status is not None and status not in ("unverified", "verified", "disputed"):
        raise InvalidInput("verification must be unverified, verified or disputed",
                           params={"field": "verification"})
    return status


def claim_sort(sort: str) -> str:
    """Check a claims ledger order.

    Raises:
        InvalidInput: not one of ``queries.CLAIM_SORTS``.
    """
    if sort not in queries.CLAIM_SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(queries.CLAIM_SORTS)}",
                           params={"field": "sort"})
    return sort


@router.get("/claims", tags=["pages"], responses=READS)
def claims(ctx: Reader, f: SyncFilt, sort: ClaimSort = "sources", group: ClaimGroup = None,
           verification: Verification = None,
           limit: Annotated[int, Query(ge=1, le=500, description="Groups per page.")] = 100,
           offset: Offset = 0) -> dict[str, Any]:
    """The claims ledger (the figures ledger until claims are extracted), ranked by ``sort``
    and paged by group; each group with its number of sources, latest publication day,
    lowest and highest value and their relative change; each claim with its verification
    status (``verification`` keeps only claims with that status; ``updated_since``: only the
    groups with a claim from an article changed since then, each group whole)."""
    with ctx.store.read() as conn:
        return queries.claims(conn, f, sort=claim_sort(sort), limit=limit, offset=offset,
                              group=group, verification=verification_status(verification),
                              verifiers=ctx.config.verify_analysts_count)


TrackerPlace = Annotated[str | None, Query(
    max_length=200, description="Casualty tracker: only articles mentioning this place (its "
                                "name as stored, geonames:ID, the words an article named it "
                                "with, else any name or spelling the gazetteer has for it, in "
                                "any language: Кабул, Kharkov).")]
TrackerEntity = Annotated[str | None, Query(
    max_length=200, description="Casualty tracker: only articles mentioning this actor or "
                                "organisation (a name in any language).")]
TrackerSide = Annotated[str | None, Query(
    max_length=100, description="Casualty tracker: only this side's casualties (ISO 3166-1 "
                                "code or country name; unknown: 422 unknown-country).")]


TrackerStory = Annotated[str | None, Query(
    max_length=12, pattern="^[0-9a-f]{12}$",
    description="Casualty tracker: only the articles of this story thread (its id).")]


@router.get("/tracker", tags=["pages"], responses=READS)
def tracker(ctx: Reader, f: Filt, place: TrackerPlace = None, entity: TrackerEntity = None,
            side: TrackerSide = None, story: TrackerStory = None) -> dict[str, Any]:
    """The casualty tracker: per side (the casualties' country), the killed, wounded,
    missing, detained, displaced and evacuated as series of as-of dates; each point with
    every source (outlet, url, article, revision, offsets, sentence), the newest and the
    most cited marked, conflicting values of one as-of date flagged, and the revisions of
    each series (12 → 19 → 27). Figures nobody is named as the side of are listed apart
    (``unattributed``), never grouped. Analysts' corrections hold; rejected figures are left
    out. ``places``: the places the tracked articles mention most. ``story``: only the
    articles of that story thread."""
    with ctx.store.read() as conn:
        return queries.tracker_view(conn, f, place=place, entity=entity, side=side, story=story,
                                    verifiers=ctx.config.verify_analysts_count)


StoryId = Annotated[str, Path(pattern="^[0-9a-f]{12}$", max_length=12,
                              description="A story thread id (12 hex digits).")]


@router.get("/stories", tags=["pages"], responses=READS)
def stories(ctx: Reader, f: Filt, single: Annotated[bool, Query(
                description="Also list stories of a single article.")] = False,
            limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Story threads with an article in scope, newest last day first: articles about one
    happening grouped across days and across English and Russian (shared identities, GeoNames
    places, happenings and title words within 7 days). Each with ``id``, ``title`` (its first
    article's), ``first_day``, ``last_day``, ``articles``, ``languages``, ``in_scope``."""
    with ctx.store.read() as conn:
        return queries.story_list(conn, f, limit=limit, offset=offset, single=single)


@router.get("/stories/{story_id}", tags=["pages"], responses=ITEM_READS)
def story(ctx: Reader, story_id: StoryId) -> dict[str, Any]:
    """One story thread: ``story``, its ``articles`` (oldest first, with the similarity that
    joined each), its ``events`` (one row per happening, with how often it was reported), its
    ``claims`` (claim groups restricted to its articles) and its casualty ``tracker`` (as
    ``/api/tracker?story=``)."""
    with ctx.store.read() as conn:
        data = queries.story_view(conn, story_id, verifiers=ctx.config.verify_analysts_count)
    if data is None:
        raise NotFound("no such story", params={"story": story_id})
    return data


EventType = Annotated[str | None, Query(
    description="PLOVER event types, comma-separated (ASSAULT,PROTEST...).")]
EventMode = Annotated[str | None, Query(description="PLOVER modes, comma-separated.")]
Party = Annotated[str | None, Query(
    description="A name in any language, matched by identity (Lavrov finds Лавров).")]
Flagged = Annotated[bool, Query(description="Also list negated and hypothetical events.")]


@router.get("/events", tags=["pages"], responses=READS)
def events(ctx: Reader, f: SyncFilt, type: EventType = None, mode: EventMode = None,
           actor: Party = None, recipient: Party = None, actor_id: IdQuery = None,
           recipient_id: IdQuery = None, flagged: Flagged = False,
           happened_since: HappenedSince = None, happened_until: HappenedUntil = None,
           verification: Verification = None, rejected: Rejected = False,
           story: Annotated[str | None, Query(
               max_length=12, description="Only events of this story thread's articles.")] = None,
           happening: Annotated[str | None, Query(
               max_length=400, description="Only the reports of this happening (its key, h:...).")] = None,
           happenings: Annotated[bool, Query(
               description="One row per happening (its newest report) instead of one per report.")] = False,
           limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Event mentions in scope, newest first, each with its sentence, source, date and the
    entity ids of its actor and recipient. ``country`` here is the event's own (placed in it,
    or an actor or recipient of it); ``since`` and ``until`` are publication days,
    ``happened_since`` and ``happened_until`` the event's own date; negated and hypothetical
    events only with ``flagged``; mentions an analyst rejected only with ``rejected``. An
    analyst's correction replaces the machine's values (``machine`` keeps them,
    ``correction`` says who and when); ``verification`` is the event's status. Each row names
    its ``happening`` (the real-world event: reports of one meeting in several sentences or
    one bombing in several articles) with ``reports`` (how often it was reported) and
    ``other_reports``; ``happenings`` counts the happenings listed."""
    q = queries.event_query(type, mode, actor, recipient, actor_id, recipient_id, flagged,
                            happened_since, happened_until, verification, rejected,
                            ctx.config.verify_analysts_count, story, happening, happenings)
    with ctx.store.read() as conn:
        return queries.event_list(conn, f, q, limit=limit, offset=offset)


@router.get("/quotes", tags=["pages"], responses=READS)
def quotes(ctx: Reader, f: SyncFilt, speaker: Party = None, speaker_id: IdQuery = None,
           org: Annotated[str | None, Query(
               description="An organisation: its own quotes and quotes whose sentence names "
                           "it.")] = None,
           words: Annotated[str | None, Query(
               description="Words the quote must all contain (case-insensitive).")] = None,
           kind: Annotated[str | None, Query(description="direct or reported.")] = None,
           limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Who said what: quotes in scope, newest first, each with its speaker (and the speaker's
    entity id), sentence, source and date."""
    q = queries.quote_query(speaker, speaker_id, org, words, kind)
    with ctx.store.read() as conn:
        return queries.quote_list(conn, f, q, limit=limit, offset=offset)


@router.get("/search", tags=["pages"], response_model=dict[str, Any], responses=READS)
def search(ctx: Reader, f: Filt, q: str = "", limit: Limit = 50, offset: Offset = 0
           ) -> Response:
    """Full-text search over titles and texts (every word required; ``word*`` for a prefix)."""
    with ctx.store.read() as conn:
        body = cached_json(conn, ("api/search", f, q, limit, offset),
                           lambda: queries.search(conn, f, q, limit=limit, offset=offset))
    return Response(body, media_type="application/json")


# -- exports ----------------------------------------------------------------------------------

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
                  "json": "application/json", "geojson": "application/geo+json"}


@router.get("/export/{dataset}.{fmt}", tags=["exports"], response_class=Response,
            responses={200: {"description": "The export, as a file to save.", "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "application/geo+json": {"schema": FeatureCollection.model_json_schema(
                    ref_template="#/components/schemas/{model}")}}},
                       **ITEM_READS})
def export(ctx: Reader, f: Filt, dataset: str, fmt: str,
           bom: Annotated[bool, Query(description="CSV only: start with the UTF-8 byte-order "
                                                  "mark spreadsheet programs need to read "
                                                  "Cyrillic text (default true).")] = True,
           rejected: Rejected = False, place: TrackerPlace = None, story: TrackerStory = None,
           entity: TrackerEntity = None, side: TrackerSide = None) -> Response:
    """What the current filter shows, as CSV, JSON Lines, one JSON array (``.json``), or
    GeoJSON (``places``, ``events`` or ``map``).

    Datasets: articles, mentions, quotes, figures, places (one row per mention), events,
    plover (the events as PLOVER event records: type, mode, date and its precision, actor
    and recipient with ISO 3166-1 alpha-3 country and PLOVER sector, the place's GeoNames id,
    country and coordinates, the flags), claims (the claims ledger, one row per claim),
    tracker (the casualty tracker, one row per source of each value, scoped by ``place``,
    ``entity``, ``side`` and ``story``, which only the tracker takes); ``map.geojson`` is the
    map layer (places and events). Every item row
    carries its source: ``outlet``, ``url`` (http(s) only), ``article_id``, ``revision_id``,
    ``published`` and the ``sentence``; GeoJSON features carry those of their first mention
    as flat properties. CSV cells a spreadsheet would run
    as formulas (``=``, ``+``, ``-``, ``@``) start with an apostrophe. Mentions, figures,
    places and events carry the analysts' corrected values and ``correction``
    (corrected/rejected), ``corrected_by``, ``corrected_at``; rejected rows only with
    ``rejected``; events their ``verification`` status.
    """
    if fmt not in EXPORT_FORMATS:
        raise NotFound(f"no export format {fmt!r}; use csv, jsonl, json or geojson")
    filename = f"newswatch-{dataset}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "geojson":
        if dataset not in ("map", "places", "events"):
            raise NotFound("GeoJSON exports: map, places or events")
        with ctx.store.read() as conn:
            cached = queries.map_features(conn, f, limit=queries.EXPORT_MAX_ROWS)
        # the map's answer is cached and shared: flat_features builds a new collection
        kind = {"places": "place", "events": "event"}.get(dataset)
        data = queries.flat_features(cached, kind)
        return Response(json.dumps(data, ensure_ascii=False), media_type=EXPORT_FORMATS[fmt],
                        headers=headers)
    if dataset not in queries.EXPORT_COLUMNS:
        raise NotFound(f"no export {dataset!r}; choose one of {', '.join(queries.EXPORT_COLUMNS)}")
    scoped = {"place": place, "entity": entity, "side": side, "story": story}
    if dataset != "tracker" and any(scoped.values()):
        raise InvalidInput("place, entity, side and story are for the tracker export only",
                           params={"field": next(k for k, v in scoped.items() if v)})
    with ctx.store.read() as conn:
        rows = list(queries.export_rows(conn, f, dataset, show_rejected=rejected,
                                        verifiers=ctx.config.verify_analysts_count,
                                        tracker_scope=scoped))
    body = queries.export_chunks(dataset, fmt, rows, bom=bom)
    return StreamingResponse(body, media_type=EXPORT_FORMATS[fmt], headers=headers)


# -- reader activity --------------------------------------------------------------------------


@router.get("/articles/{article_id}/ratings", tags=["reader"], responses=ITEM_READS)
def ratings(ctx: Reader, article_id: str) -> dict[str, Any]:
    """Average stars, grade counts and the signed-in user's own rating."""
    with ctx.store.read() as conn:
        activity.require_article(conn, article_id)
        return activity.rating_summary(conn, article_id, ctx.user.id if ctx.user else None)


@router.put("/articles/{article_id}/rating", tags=["reader"], responses=WRITES)
def put_rating(article_id: str, body: RatingIn,
               ctx: Annotated[Ctx, Depends(signed_in_writer)]) -> dict[str, Any]:
    """Rate an article 1–5; analysts and admins may also give the Admiralty grades."""
    assert ctx.user is not None
    if (body.reliability is not None or body.credibility is not None) and not ctx.user.can("analyst"):
        raise Forbidden("grades need the analyst role", params={"role": "analyst"})
    return activity.rate(ctx.store.engine, article_id, ctx.user, stars=body.stars,
                         reliability=body.reliability, credibility=body.credibility)


@router.get("/articles/{article_id}/comments", tags=["reader"], responses=ITEM_READS)
def get_comments(ctx: Reader, article_id: str) -> dict[str, Any]:
    """Comment threads, oldest first, replies nested."""
    with ctx.store.read() as conn:
        activity.require_article(conn, article_id)
        return {"comments": activity.comments(conn, article_id)}


@router.post("/articles/{article_id}/comments", tags=["reader"], status_code=201, responses=WRITES)
def post_comment(article_id: str, body: CommentIn,
                 ctx: Annotated[Ctx, Depends(signed_in_writer)]) -> dict[str, Any]:
    """Add a comment (at most ``web_max_comment_chars`` characters)."""
    assert ctx.user is not None
    return activity.add_comment(ctx.store.engine, article_id, ctx.user, body.body,
                                parent_id=body.parent_id, max_chars=ctx.config.max_comment_chars)


@router.get("/articles/{article_id}/reports", tags=["reader"], responses=ITEM_READS)
def article_reports(ctx: Reader, article_id: str, status: str | None = None) -> dict[str, Any]:
    """Error reports on one article."""
    with ctx.store.read() as conn:
        activity.require_article(conn, article_id)
        return {"reports": activity.reports(conn, status=status, article_id=article_id,
                                            limit=ctx.config.page_size_count)}


@router.post("/articles/{article_id}/reports", tags=["reader"], status_code=201, responses=WRITES)
def post_report(article_id: str, body: ReportIn,
                ctx: Annotated[Ctx, Depends(signed_in_writer)]) -> dict[str, Any]:
    """Report an error in a passage (a selection of at most ``web_max_selection_chars``)."""
    assert ctx.user is not None
    return activity.report_error(
        ctx.store.engine, article_id, ctx.user, revision_id=body.revision_id, exact=body.exact,
        prefix=body.prefix, suffix=body.suffix, start=body.start, end=body.end, kind=body.kind,
        note=body.note, max_selection_chars=ctx.config.max_selection_chars,
        max_note_chars=ctx.config.max_note_chars)


@router.get("/reports", tags=["reader"], responses=READS)
def all_reports(ctx: Reader, status: str | None = "open", limit: Limit = 50, offset: Offset = 0
                ) -> dict[str, Any]:
    """The triage list: error reports (default the open ones), newest first."""
    with ctx.store.read() as conn:
        return {"status": status,
                "reports": activity.reports(conn, status=status or None, limit=limit,
                                            offset=offset)}


@router.post("/reports/{report_id}/resolve", tags=["reader"], responses=WRITES)
def resolve(report_id: Annotated[int, id_path("report")], body: ResolveIn,
            ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Mark a report resolved (analysts and admins)."""
    assert ctx.user is not None
    return activity.resolve_report(ctx.store.engine, report_id, ctx.user,
                                   resolution=body.resolution,
                                   max_note_chars=ctx.config.max_note_chars)


# -- analysts' review: corrections and verification -------------------------------------------


@router.get("/reports/{report_id}/items", tags=["review"], responses=ITEM_READS)
def report_items(ctx: Reader, report_id: Annotated[int, id_path("report")]) -> dict[str, Any]:
    """The items the machine found in a report's selection (what a correction can fix)."""
    with ctx.store.read() as conn:
        found = activity.reports(conn, report_id=report_id)
        if not found:
            raise NotFound(f"no error report {report_id}")
        pos = found[0]["selector"]["position"]
        return {"report": found[0], "items": review.items_in_selection(
            conn, found[0]["revision_id"], pos["start"], pos["end"])}


@router.post("/reports/{report_id}/correction", tags=["review"], status_code=201,
             responses=WRITES)
def correct_report(report_id: Annotated[int, id_path("report")], body: CorrectionIn,
                   ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Resolve a report by correcting or rejecting the item it points at (an item of the
    report's revision overlapping its selection; analysts and admins). The machine's row is
    kept; the correction is stored beside it with who and when."""
    assert ctx.user is not None
    return review.correct_from_report(
        ctx.store.engine, ctx.user, report_id, kind=body.kind, start=body.start, end=body.end,
        action=body.action, fields=body.fields, note=body.note,
        max_note_chars=ctx.config.max_note_chars)


@router.post("/articles/{article_id}/corrections", tags=["review"], status_code=201,
             responses=WRITES)
def post_correction(article_id: str, body: ArticleCorrectionIn,
                    ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Correct or reject one item of a revision (analysts and admins)."""
    assert ctx.user is not None
    return review.correct(
        ctx.store.engine, ctx.user, article_id=article_id, revision_id=body.revision_id,
        kind=body.kind, start=body.start, end=body.end, action=body.action, fields=body.fields,
        note=body.note, max_note_chars=ctx.config.max_note_chars)


@router.post("/entities/{entity_id}/merge", tags=["review"], status_code=201, responses=WRITES)
def merge_entity(entity_id: Annotated[int, id_path("entity")], body: MergeIn,
                 ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Merge another entity into this one (analysts and admins): its mentions, quotes and
    events count under this one everywhere; the machine's rows are kept, the merge is stored
    with who, when and why, and can be undone."""
    assert ctx.user is not None
    return review.merge_entities(ctx.store.engine, ctx.user, entity_id, body.other,
                                 note=body.note, max_note_chars=ctx.config.max_note_chars)


@router.post("/entities/{entity_id}/split", tags=["review"], status_code=201, responses=WRITES)
def split_entity(entity_id: Annotated[int, id_path("entity")], body: SplitIn,
                 ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Split some mentions of this entity off into a new entity (analysts and admins); the
    answer's ``target_id`` is the new entity."""
    assert ctx.user is not None
    return review.split_entity(ctx.store.engine, ctx.user, entity_id, name=body.name,
                               label=body.label, members=[m.model_dump() for m in body.members],
                               note=body.note, max_note_chars=ctx.config.max_note_chars)


@router.get("/entities/{entity_id}/edits", tags=["review"], responses=ITEM_READS)
def get_entity_edits(ctx: Reader, entity_id: Annotated[int, id_path("entity")]
                     ) -> dict[str, Any]:
    """The merges and splits of an entity (and of those merged into it), newest first, undone
    ones included."""
    with ctx.store.read() as conn:
        return {"edits": review.entity_edits(conn, entity_id)}


@router.post("/entity-edits/{edit_id}/undo", tags=["review"], responses=WRITES)
def undo_entity_edit(edit_id: Annotated[int, id_path("entity merge or split")],
                     ctx: Annotated[Ctx, Depends(analyst_writer)],
                     body: Annotated[UndoIn | None, Body()] = None) -> dict[str, Any]:
    """Undo a merge or a split (analysts and admins): kept, marked undone with who and when;
    the entities read as before it. The body (``{"note": ...}``) may be left out."""
    assert ctx.user is not None
    note = body.note if body is not None else ""
    return review.undo_entity_edit(ctx.store.engine, ctx.user, edit_id, note=note,
                                   max_note_chars=ctx.config.max_note_chars)


@router.get("/articles/{article_id}/corrections", tags=["review"], responses=ITEM_READS)
def get_corrections(ctx: Reader, article_id: str) -> dict[str, Any]:
    """Every correction of an article, oldest first (the newest per item is in force)."""
    with ctx.store.read() as conn:
        activity.require_article(conn, article_id)
        return {"corrections": review.history(conn, article_id)}


@router.put("/articles/{article_id}/verification", tags=["review"], responses=WRITES)
def put_verification(article_id: str, body: VerificationIn,
                     ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Set the verification status of the event a mention reports, or of a claim (analysts
    and admins)."""
    assert ctx.user is not None
    return review.verify(ctx.store.engine, ctx.user, article_id=article_id,
                         revision_id=body.revision_id, start=body.start, end=body.end,
                         status=body.status, note=body.note, kind=body.kind,
                         max_note_chars=ctx.config.max_note_chars)


# -- users ------------------------------------------------------------------------------------


@router.get("/users", tags=["users"], responses=errors(401, 403))
def list_users(ctx: Annotated[Ctx, Depends(admin_reader)]) -> dict[str, Any]:
    """Every user (admins only)."""
    with ctx.store.read() as conn:
        return {"users": [u.to_dict() for u in users.list_users(conn)]}


@router.post("/users", tags=["users"], status_code=201,
             responses=errors(400, 401, 403, 409, 429))
def create_user(body: UserIn, ctx: Annotated[Ctx, Depends(admin_writer)]) -> dict[str, Any]:
    """Create a user (admins only)."""
    return users.create_user(ctx.store.engine, body.name, body.password, body.role).to_dict()


@router.patch("/users/{user_id}", tags=["users"], responses=WRITES)
def patch_user(user_id: Annotated[int, id_path("user")], body: UserPatch,
               ctx: Annotated[Ctx, Depends(admin_writer)]) -> dict[str, Any]:
    """Change a user's role, active flag or password (admins only; not your own role)."""
    assert ctx.user is not None
    if user_id == ctx.user.id and (body.role not in (None, "admin") or body.active is False):
        raise InvalidInput("you cannot demote or disable yourself", params={"field": "role"})
    return users.update_user(ctx.store.engine, user_id, role=body.role, active=body.active,
                             password=body.password).to_dict()


# -- incremental sync: updated_since, keyset paging, tombstones -------------------------------



@router.get("/bulk/{dataset}", tags=["sync"], responses=ITEM_READS)
def bulk(ctx: Reader, f: SyncFilt, dataset: str,
         cursor: Annotated[str | None, Query(
             max_length=200, description="Where to go on: the next_cursor of the previous page "
                                         "(opaque; absent for the first page). Repeat the other "
                                         "parameters unchanged.")] = None,
         limit: Annotated[int, Query(ge=1, le=5000, description="Rows per page.")] = 1000,
         ) -> dict[str, Any]:
    """One page of a dataset in scope, paged by key (keyset paging: rows stored while you page
    come after your position, so every row comes exactly once): ``articles`` (by latest
    revision), ``mentions``, ``quotes``, ``figures``, ``events`` (by row id), and the tombstones
    ``superseded`` (revisions replaced by a newer revision of their article, by revision id;
    with ``updated_since``: replaced since then). ``next_cursor`` is null on the last page; a
    cursor not given by this endpoint for this dataset is refused (422, invalid-input)."""
    from .queries.sync import bulk_page

    with ctx.store.read() as conn:
        return bulk_page(conn, f, dataset, cursor, limit)


# -- the watch desk: sources, rules, alerts ----------------------------------------------------


class RuleIn(RequestBody):
    """A rule: the fields of ``newswatch rule add`` (checked by the same code)."""

    name: str = Field("", max_length=200)
    query: str = Field("", max_length=2000, description="Lucene-like query (docs/watch.md).")
    event_type: str | None = Field(None, max_length=64)
    country: str | None = Field(None, max_length=100)
    near: str | None = Field(None, max_length=64, description="LAT,LON in degrees.")
    radius_km: float | None = None
    language: str | None = Field(None, max_length=8)
    entity: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=200)
    cooldown: str | None = Field(None, max_length=16, description="30m, 2h, 1d.")
    min_count: WholeField | None = Field(None, ge=-SQL_INTEGER_MAX, le=SQL_INTEGER_MAX)
    window: str | None = Field(None, max_length=16)
    surge: bool = False
    claim_revised: bool = False


def _rule_form(body: RuleIn) -> Any:
    from .queries.watch import RuleForm

    return RuleForm.from_fields({k: ("1" if v is True else "" if v in (None, False) else v)
                                 for k, v in body.model_dump().items()})


@router.get("/watch/sources", tags=["watch"], responses=errors(401))
def watch_sources(ctx: Annotated[Ctx, Depends(signed_in_reader)]) -> dict[str, Any]:
    """Followed sources with their health (signed-in users)."""
    from .queries.watch import source_rows

    return {"sources": source_rows(ctx.store)}


@router.get("/watch/rules", tags=["watch"], responses=errors(401))
def watch_rules(ctx: Annotated[Ctx, Depends(signed_in_reader)]) -> dict[str, Any]:
    """Saved rules with their alert counts (signed-in users)."""
    from .queries.watch import rule_rows

    return {"rules": rule_rows(ctx.store)}


@router.get("/watch/alerts", tags=["watch"], responses=errors(401))
def watch_alerts(ctx: Annotated[Ctx, Depends(signed_in_reader)],
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """The latest alerts with their evidence and its links (sentence, article, event, claim)."""
    from .queries.watch import alert_rows

    return {"alerts": alert_rows(ctx.store, limit)}


@router.post("/watch/rules", tags=["watch"], status_code=201,
             responses=errors(400, 401, 403, 409, 429))
def watch_rule_add(body: RuleIn, ctx: Annotated[Ctx, Depends(analyst_writer)]) -> dict[str, Any]:
    """Save a rule (analysts). A query or filter ``newswatch rule add`` would refuse is refused
    here with the same reason (422, bad-query or unknown-country); a name in use is 409
    (already-exists)."""
    from ..watch.rules import add_rule

    rule = _rule_form(body).rule()
    return add_rule(ctx.store, rule.name, rule.query, rule.filters).to_dict()


@router.post("/watch/rules/test", tags=["watch"], responses=errors(400, 401, 403, 429))
def watch_rule_try(body: RuleIn, ctx: Annotated[Ctx, Depends(signed_in_writer)]
                   ) -> dict[str, Any]:
    """What a rule (unsaved; ``name`` may be empty) would have fired on the stored data, as
    ``newswatch rule test`` shows it; nothing is recorded."""
    from .queries.watch import trial_matches

    return {"matches": trial_matches(ctx.store, _rule_form(body).rule(name_needed=False))}
