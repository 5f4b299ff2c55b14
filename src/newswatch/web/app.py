"""The dashboard application: :func:`create_app` builds a FastAPI app over one store.

The web layer is a thin edge: routes (``api.py`` for JSON, ``pages.py`` for HTML) call the
functions of ``queries.py``, ``activity.py`` and ``users.py``; this module wires settings,
cookies, the request-size bound, static files and the translation of every error into one
JSON shape (see ``errors.py``). Browsers navigating to a page get the same error rendered as
a page (and a sign-in redirect for 401); every other client gets the JSON document.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import NewswatchError
from ..ingest.budget import settle_heap as settle_heap  # re-exported for ``serve``
from ..storage import Store
from . import humanize
from .config import WebConfig
from .deps import CSRF_COOKIE, AppState
from .errors import error_body, status_for
from .i18n import LANG_COOKIE, LANGUAGES, choose_language, load_catalogues, translator
from .security import (
    RateLimiter,
    allowed_hosts,
    content_security_policy,
    host_allowed,
    http_url,
    new_token,
    security_headers,
    trusted_networks,
)

log = logging.getLogger("newswatch.web")

WEB_DIR = Path(__file__).resolve().parent
#: Front-end packages installed by scripts/setup.sh (``npm ci`` in ``web/assets``).
DEFAULT_ASSETS_DIR = WEB_DIR / "assets" / "node_modules"
#: URL prefix -> folder inside the installed packages; only these folders are served.
VENDOR_FOLDERS = {
    "leaflet": "leaflet/dist",
    "markercluster": "leaflet.markercluster/dist",
    "topojson": "topojson-client/dist",
    "world-atlas": "world-atlas",
}
#: One year, in seconds: how long the language cookie is kept.
LANG_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600


def create_app(
    config: WebConfig, *, store: Store | None = None, assets_dir: Path | None = None,
    bind_host: str = "",
) -> FastAPI:
    """Build the dashboard.

    Args:
        config: settings (:func:`newswatch.web.config.load_config`).
        store: an open store to use (tests pass one); default: opened from ``config.db_url``
            and closed when the app shuts down.
        assets_dir: folder of the installed front-end packages (default
            :data:`DEFAULT_ASSETS_DIR`).
        bind_host: the address ``newswatch serve --host`` listens on, a host name requests may
            give besides ``web_allowed_hosts`` and loopback (:func:`.security.allowed_hosts`).

    Returns:
        The FastAPI application (ASGI).

    Raises:
        StorageError: the database cannot be opened or migrated.
    """
    owned = store is None
    store = store or Store.open(config.db_url)
    # Every page and read route reads through store.read(): read-only connections, so no
    # read can write or hold a write lock; writes use store.engine.
    store.use_read_only_reads()
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.autoescape = True  # every template, whatever its file name
    templates.env.filters["http_url"] = http_url  # only http(s) URLs become links
    humanize.install(templates.env)  # numbers and dates as people read them
    headers = security_headers(content_security_policy(config.tile_url))
    state = AppState(
        config=config,
        store=store,
        catalogues=load_catalogues(),
        templates=templates,
        write_limiter=RateLimiter(config.rate_limit_count, config.rate_window_seconds),
        login_limiter=RateLimiter(config.login_limit_count, config.rate_window_seconds),
        assets_dir=assets_dir or DEFAULT_ASSETS_DIR,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            store.close()

    app = FastAPI(
        title="newswatch",
        summary="Sourced, dated, geocoded situation records from news (English and Russian).",
        description=(
            "Every page of the dashboard has its JSON API here. Errors always come back as "
            '`{"error": {"status", "code", "message", "details"}}`. Writes need a signed-in '
            "user and the CSRF token (header `X-CSRF-Token`): sign in with `POST /api/session` "
            "after `GET /api/csrf`."
        ),
        version="1",
        lifespan=lifespan,
        # FastAPI's Swagger UI and ReDoc pages load their scripts from a CDN, which this
        # offline dashboard must not need; the OpenAPI description stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.nw = state
    _install_errors(app, state, headers)
    app.add_middleware(_BodyLimit, max_bytes=config.max_body_bytes, state=state)

    @app.middleware("http")
    async def language_and_csrf_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        asked = request.query_params.get("lang")
        request.state.lang = choose_language(
            asked, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
        )
        anon = request.cookies.get(CSRF_COOKIE)
        request.state.anon_csrf = anon or new_token()
        response = await call_next(request)
        if asked and asked.lower() in LANGUAGES:
            response.set_cookie(LANG_COOKIE, asked.lower(), max_age=LANG_COOKIE_MAX_AGE_SECONDS,
                                samesite="lax", secure=config.secure_cookies)
        if not anon:
            response.set_cookie(CSRF_COOKIE, request.state.anon_csrf, httponly=True,
                                samesite="strict", secure=config.secure_cookies)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https" or config.secure_cookies:
            _secure_cookies(response)  # every cookie, deletions and page forms included
        return response

    app.add_middleware(_HeadAsGet)
    # Outside the cookies: a request naming another host gets no cookie, only a 400.
    app.add_middleware(_HostCheck, allowed=allowed_hosts(config.allowed_hosts, bind_host),
                       state=state, headers=headers)

    # Outermost layer (added last): forwarded headers believed only from configured proxies.
    if config.trusted_proxies.strip():
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        proxies = [str(n) for n in trusted_networks(config.trusted_proxies)]
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
        app.add_middleware(_LowerForwardedProto)  # before it: "HTTPS" is https

    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    for prefix, folder in VENDOR_FOLDERS.items():
        app.mount(f"/vendor/{prefix}",
                  StaticFiles(directory=str(state.assets_dir / folder), check_dir=False),
                  name=f"vendor-{prefix}")

    from . import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = api.finish_openapi(make_schema())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def assets_installed(state: AppState) -> bool:
    """Whether the map's front-end packages are installed."""
    return all((state.assets_dir / folder).is_dir() for folder in VENDOR_FOLDERS.values())


# -- errors ---------------------------------------------------------------------------------


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api", "/static", "/vendor")) and (
        "text/html" in request.headers.get("accept", "")
    )


def _lang_of(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    if lang:
        return str(lang)
    return choose_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                           request.headers.get("accept-language"))


def error_response(
    request: Request,
    state: AppState,
    status: int,
    code: str,
    message: str,
    *,
    params: dict[str, Any] | None = None,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The response for an error: the JSON document, or for a browser page the same error
    as HTML (401 on a page redirects to the sign-in page).

    The message is the catalogue's ``error.<code>`` text in the request's language when the
    catalogue has one, else ``message``.
    """
    t = translator(state.catalogues, _lang_of(request))
    key = f"error.{code}"
    text = t(key, **(params or {})) if t.has(key) else message
    if _wants_page(request):
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        from .pages import render_error

        return render_error(request, status, code, text, headers=headers)
    return JSONResponse(error_body(status, code, text, details), status_code=status,
                        headers=headers)


def _install_errors(app: FastAPI, state: AppState, security: dict[str, str]) -> None:
    """Translate every error into the one error document. ``security``: the headers of every
    response (:func:`~newswatch.web.security.security_headers`), added here to the 500 answer,
    which is sent from outside the middleware that adds them to every other response."""

    @app.exception_handler(NewswatchError)
    async def newswatch_error(request: Request, exc: NewswatchError) -> Response:
        # {reason}: the library's own message, for catalogue texts that show it
        params = {"reason": exc.message, **dict(getattr(exc, "params", {}) or {})}
        headers = {"Retry-After": str(params["seconds"])} if exc.code == "rate-limited" else None
        return error_response(request, state, status_for(exc.code), exc.code, exc.message,
                              params=params, details=getattr(exc, "details", None),
                              headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        return error_response(request, state, 422, "invalid-request",
                              "the request is not valid", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {400: "bad-request", 404: "not-found", 405: "method-not-allowed",
                413: "payload-too-large"}.get(
            exc.status_code, f"http-{exc.status_code}")
        return error_response(request, state, exc.status_code, code, str(exc.detail),
                              params={"limit": state.config.max_body_bytes},
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, state, 500, "internal", "internal error",
                              headers=security)


def _secure_cookies(response: Response) -> None:
    """Add ``Secure`` to every cookie the response sets (the request came over HTTPS, as
    seen directly or told by a trusted proxy, or ``web_secure_cookies`` is on)."""
    cookies = response.headers.getlist("set-cookie")
    if not cookies or all("secure" in c.lower().split("; ") for c in cookies):
        return
    del response.headers["set-cookie"]
    for c in cookies:
        response.headers.append("set-cookie",
                                c if "secure" in c.lower().split("; ") else c + "; Secure")


class _BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413 (by the
    Content-Length header, and by counting when the body is streamed without one)."""

    def __init__(self, app: ASGIApp, max_bytes: int, state: AppState) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing unchanged and
                    # reaches the 413 handler.
                    raise StarletteHTTPException(413, "payload too large")
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        limit = self.max_bytes
        response = error_response(request, self.state, 413, "payload-too-large",
                                  f"the request body exceeds {limit} bytes",
                                  params={"limit": limit})
        await response(scope, receive, send)


class _HostCheck:
    """ASGI middleware refusing, with 400 ``bad-host`` and the security headers, a request
    whose ``Host`` header names no allowed host (``web_allowed_hosts``,
    :func:`~newswatch.web.security.host_allowed`): a page of another site whose name was made
    to resolve to this address (DNS rebinding) cannot read the dashboard."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str], state: AppState,
                 headers: dict[str, str]) -> None:
        self.app = app
        self.allowed = allowed
        self.state = state
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the dashboard has no websocket routes
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        response = error_response(request, self.state, 400, "bad-host",
                                  "the Host header names a host this dashboard does not serve",
                                  headers=self.headers)
        await response(scope, receive, send)


class _HeadAsGet:
    """ASGI middleware answering ``HEAD`` as ``GET`` without the body (RFC 9110 §9.3.2: the
    same status and headers, ``Content-Length`` included). FastAPI routes declared for GET
    answer only GET (``HEAD /`` was 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class _LowerForwardedProto:
    """ASGI middleware lower-casing ``X-Forwarded-Proto`` before uvicorn's proxy-headers
    middleware reads it: a URI scheme is case-insensitive (RFC 3986 §3.1), and uvicorn takes
    only the lower-case ``https`` (a proxy sending ``HTTPS`` left the session cookie without
    ``Secure``). Whether the sender is a trusted proxy is still decided there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "headers": [
                (k, v.lower() if k == b"x-forwarded-proto" else v)
                for k, v in scope.get("headers") or []]}
        await self.app(scope, receive, send)
