"""Per-request context and the dependencies routes declare: who is asking, in which language,
and whether they may read, write, grade or administer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from ..storage import Store
from .config import WebConfig
from .errors import CsrfFailed, Forbidden, InvalidRequest, NotSignedIn, RateLimited
from .i18n import Translator, translator
from .security import RateLimiter, integer_out_of_range, same_token
from .users import Session, User, session_for

#: Cookie carrying the session token.
SESSION_COOKIE = "nw_session"
#: Cookie carrying the CSRF token of a browser that is not signed in (double-submit).
CSRF_COOKIE = "nw_csrf"
#: Header a script sends the CSRF token in.
CSRF_HEADER = "x-csrf-token"
#: Form field a page form sends the CSRF token in.
CSRF_FIELD = "csrf_token"


@dataclass
class AppState:
    """What one dashboard instance holds for its lifetime (kept on ``app.state.nw``).

    Attributes:
        config: the resolved settings.
        store: the open store.
        catalogues: message catalogues by language.
        templates: the Jinja2 environment (autoescaping on).
        write_limiter: rate limit of write requests, per user or address.
        login_limiter: rate limit of sign-in attempts, per address.
        assets_dir: folder of the installed front-end packages (``node_modules``).
    """

    config: WebConfig
    store: Store
    catalogues: dict[str, dict[str, str]]
    templates: Jinja2Templates
    write_limiter: RateLimiter
    login_limiter: RateLimiter
    assets_dir: Path


@dataclass
class Ctx:
    """The request as routes see it.

    Attributes:
        request: the Starlette request.
        state: the :class:`AppState`.
        lang: interface language.
        t: its translator.
        session: the signed-in session or None.
        anon_csrf: the pre-sign-in CSRF token (cookie value).
    """

    request: Request
    state: AppState
    lang: str
    t: Translator
    session: Session | None
    anon_csrf: str

    @property
    def user(self) -> User | None:
        """The signed-in user or None."""
        return self.session.user if self.session else None

    @property
    def csrf_token(self) -> str:
        """The token forms and scripts must send back with a write."""
        return self.session.csrf_token if self.session else self.anon_csrf

    @property
    def config(self) -> WebConfig:
        """Shortcut to the settings."""
        return self.state.config

    @property
    def store(self) -> Store:
        """Shortcut to the store."""
        return self.state.store


def app_state(request: Request) -> AppState:
    """The :class:`AppState` of the application serving ``request``."""
    return request.app.state.nw  # type: ignore[no-any-return]


def get_ctx(request: Request) -> Ctx:
    """Build (once per request) the :class:`Ctx`: language and CSRF cookie come from the
    middleware, the session from the session cookie."""
    cached = getattr(request.state, "ctx", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    state = app_state(request)
    with state.store.read() as conn:
        session = session_for(conn, request.cookies.get(SESSION_COOKIE))
    lang = getattr(request.state, "lang", "en")
    ctx = Ctx(request, state, lang, translator(state.catalogues, lang), session,
              getattr(request.state, "anon_csrf", ""))
    request.state.ctx = ctx
    return ctx


def reader(ctx: Ctx = Depends(get_ctx)) -> Ctx:
    """Reading access: everyone when ``web_open_read``, else signed-in users.

    Raises:
        NotSignedIn: reading is closed and nobody is signed in.
    """
    if not ctx.config.open_read and ctx.user is None:
        raise NotSignedIn("sign in to read")
    return ctx


async def _sent_csrf(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def csrf_checked(ctx: Ctx = Depends(get_ctx)) -> Ctx:
    """Check the CSRF token of a write request (header ``X-CSRF-Token`` or form field
    ``csrf_token``) against the session's, or before sign-in against the ``nw_csrf`` cookie.

    Raises:
        CsrfFailed: missing or wrong token.
    """
    expected = ctx.session.csrf_token if ctx.session else ctx.request.cookies.get(CSRF_COOKIE)
    if not same_token(await _sent_csrf(ctx.request), expected):
        raise CsrfFailed("missing or wrong CSRF token")
    return ctx


def _client_key(ctx: Ctx) -> str:
    if ctx.user is not None:
        return f"user:{ctx.user.id}"
    client = ctx.request.client
    return f"addr:{client.host if client else '?'}"


def limit_writes(ctx: Ctx) -> None:
    """Count a write against the rate limit of this user (or address).

    Raises:
        RateLimited: over ``web_rate_limit_count`` writes in the window.
    """
    wait = ctx.state.write_limiter.hit(_client_key(ctx))
    if wait is not None:
        raise RateLimited("too many requests", params={"seconds": max(1, round(wait))})


def limit_logins(ctx: Ctx, name: str | None = None) -> None:
    """Count a sign-in attempt against the per-address limit and, when ``name`` is given,
    the per-account limit (so rotating addresses does not buy more guesses at one password).

    The address is the connection's peer, or the forwarded client when the peer is a
    trusted proxy (``web_trusted_proxies``, resolved by the app's proxy middleware).

    Raises:
        RateLimited: over ``web_login_limit_count`` attempts in the window.
    """
    from .users import normalize_name

    client = ctx.request.client
    keys = [f"addr:{client.host if client else '?'}"]
    if name:
        keys.append(f"name:{normalize_name(name)}")
    waits = [w for w in (ctx.state.login_limiter.hit(k) for k in keys) if w is not None]
    if waits:
        raise RateLimited("too many sign-in attempts",
                          params={"seconds": max(1, round(max(waits)))})


def _writer(role: str) -> Callable[[Ctx], Awaitable[Ctx]]:
    async def dependency(ctx: Ctx = Depends(get_ctx)) -> Ctx:
        if ctx.user is None:
            raise NotSignedIn("sign in first")
        if not ctx.user.can(role):
            raise Forbidden(f"needs the {role} role", params={"role": role})
        await csrf_checked(ctx)
        limit_writes(ctx)
        return ctx

    return dependency


#: Dependencies of write routes: signed in with at least this role, CSRF checked, rate
#: limited (in that order, so the first refusal is the most useful one).
signed_in_writer = _writer("reader")
analyst_writer = _writer("analyst")
admin_writer = _writer("admin")


def admin_reader(ctx: Ctx = Depends(get_ctx)) -> Ctx:
    """Reading admin pages: an admin must be signed in.

    Raises:
        NotSignedIn, Forbidden.
    """
    if ctx.user is None:
        raise NotSignedIn("sign in first")
    if not ctx.user.can("admin"):
        raise Forbidden("needs the admin role", params={"role": "admin"})
    return ctx


def _reads_integers(annotation: Any) -> bool:
    return annotation is int or int in get_args(annotation)


#: Attribute under which a route keeps its text parameters (computed once per route).
_TEXT_PARAMETERS = "_newswatch_text_parameters"


def _text_parameters(route: Any) -> tuple[frozenset[str], frozenset[str]]:
    """Names of the query and of the path parameters ``route`` (a FastAPI route) reads as
    text rather than as integers, its dependencies' included (kept on the route)."""
    cached: tuple[frozenset[str], frozenset[str]] | None = getattr(route, _TEXT_PARAMETERS, None)
    if cached is not None:
        return cached
    query: set[str] = set()
    path: set[str] = set()
    todo = [route.dependant]
    while todo:
        dependant = todo.pop()
        todo.extend(dependant.dependencies)
        for names, params in ((query, dependant.query_params), (path, dependant.path_params)):
            names.update(p.alias for p in params if not _reads_integers(p.field_info.annotation))
    found = (frozenset(query), frozenset(path))
    setattr(route, _TEXT_PARAMETERS, found)
    return found


def integer_guard(request: Request) -> None:
    """Refuse, before any route reads it, an integer of 2^63 or more (in any spelling pydantic
    reads: ``9_223_...``, ``...808.0``, spaces) in a path parameter or a query parameter —
    declared or not — that the route does not read as text, so nothing overflows in SQL (a 500).
    Routes also declare the bounds of their own integer parameters and body fields
    (``security.SQL_INTEGER_MAX``); this gives the one clear message and covers undeclared
    query parameters. A search for a long number (``q``) or an all-digit article id is text
    and left alone. Declared on the API and page routers.

    Raises:
        InvalidRequest: the first such parameter (422, ``invalid-request``).
    """
    route = request.scope.get("route")
    text_query, text_path = _text_parameters(route) if route is not None else (frozenset(),) * 2
    fields = [(f"query.{k}", v) for k, v in request.query_params.multi_items()
              if k not in text_query]
    fields += [(f"path.{k}", str(v)) for k, v in request.path_params.items()
               if k not in text_path]
    for name, value in fields:
        if integer_out_of_range(value):
            raise InvalidRequest("integer out of range", details=[
                {"field": name, "problem": "integer out of range (at most 2^63 - 1)"}])


def signed_in_reader(ctx: Ctx = Depends(get_ctx)) -> Ctx:
    """Reading pages that only users see (the watch desk: sources, rules, alerts): any
    signed-in user, whatever ``web_open_read`` says.

    Raises:
        NotSignedIn: nobody is signed in.
    """
    if ctx.user is None:
        raise NotSignedIn("sign in first")
    return ctx
