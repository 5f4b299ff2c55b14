"""Command-line entry points of the dashboard, for the main CLI to register.

``newswatch serve`` runs the dashboard with uvicorn; ``newswatch user add`` creates a user.
The main CLI registers them with :func:`register`::

    from newswatch.cli.web import register
    register(app)          # adds "serve" and the "user" group

``serve`` only reads the store's schema: it opens an existing database without migrating it
(an older schema is refused with a message naming ``newswatch migrate``); ``user list`` reads
too; ``user add``, ``user disable``, ``user enable`` and ``user passwd`` write and migrate.
A password is prompted for (twice) on a terminal, or read from the first line of standard
input with ``--password-stdin``; without a terminal and without that option the command stops
with one line saying so (exit 2), before touching the database.

Exit codes (:mod:`.common`): 0 ok; 2 usage error (a bad option value, no terminal to prompt
on); 3 the database does not exist, could not be opened or is at an older schema, no user has
that name, or the user could not be created or changed (e.g. a password that is too short).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer

from ..errors import NewswatchError
from .common import (
    EXIT_USAGE,
    DbOpt,
    Format,
    FormatOpt,
    db_url,
    fail,
    open_store,
    open_store_readonly,
    require_database,
)

user_app = typer.Typer(help="Manage dashboard users.", no_args_is_help=True, add_completion=False)


def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    open_read: Annotated[
        bool | None,
        typer.Option("--open-read/--closed-read",
                     help="Let visitors read without signing in (default: setting web_open_read when set, "
                          "else open on a loopback --host only)."),
    ] = None,
    tile_url: Annotated[str | None, typer.Option(
        help="Map tile URL template (setting web_tile_url; default none: offline outlines).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the dashboard (map, timeline, reader, dossiers, claims, search, exports)."""
    import uvicorn

    from ..web.app import create_app, settle_heap
    from ..web.config import load_config
    from ..web.security import is_loopback_host

    url = db_url(db)
    if open_read is None and "NEWSWATCH_WEB_OPEN_READ" not in os.environ:
        # Anonymous reading is the default only for a dashboard nobody else can reach.
        open_read = is_loopback_host(host)
        if not open_read:
            typer.echo(f"reading needs a signed-in user: {host} is not a loopback address "
                       "(pass --open-read to let visitors read)", err=True)
    try:
        config = load_config(url, {"open_read": open_read, "tile_url": tile_url})
    except NewswatchError as exc:
        fail(exc.line())
    store = open_store_readonly(url)
    try:
        # requests naming the address served on are answered (web_allowed_hosts adds names)
        app = create_app(config, store=store, bind_host=host)
    except NewswatchError as exc:
        store.close()
        fail(exc.line())
    settle_heap()  # the objects built so far live as long as the server: no full collection walks them
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"newswatch dashboard: open http://{shown}:{port}/  (Ctrl+C to stop)", err=True)
    # Forwarded headers are believed only from web_trusted_proxies (the app's middleware);
    # uvicorn's own handling would trust them from loopback.
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
    finally:
        store.close()


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ - @).")],
    role: Annotated[str, typer.Option(help="reader, analyst or admin.")] = "reader",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input instead of prompting.")] = False,
    db: DbOpt = None,
) -> None:
    """Create a dashboard user; the password is prompted for (twice) or read from stdin."""
    from ..web.users import create_user

    if role not in ("reader", "analyst", "admin"):
        raise typer.BadParameter("must be reader, analyst or admin", param_hint="--role")
    password = _read_password(password_stdin)
    url = db_url(db)
    require_database(url)
    with open_store(url) as store:
        try:
            user = create_user(store.engine, name, password, role)
        except NewswatchError as exc:
            fail(f"{name}: {exc.code}: {exc.message}")
    typer.echo(f"created {user.role} {user.name} -> {url}")


PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin",
    help="Read the password from the first line of standard input instead of prompting.")]


def _read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or prompted twice on a terminal; without a
    terminal and without ``--password-stdin``, one line and exit 2."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        fail("no terminal to prompt for the password on: pass --password-stdin and send the "
             "password on standard input", EXIT_USAGE)
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _change(name: str, db: str | None, **change: Any) -> None:
    """Apply ``change`` (``active`` or ``password``) to the user called ``name``."""
    from ..web.users import find_user, update_user

    url = db_url(db)
    require_database(url)
    with open_store(url) as store:
        with store.engine.connect() as conn:
            user = find_user(conn, name)
        if user is None:
            fail(f"{name}: no such user")
        try:
            update_user(store.engine, user.id, **change)
        except NewswatchError as exc:
            fail(f"{name}: {exc.code}: {exc.message}")


@user_app.command("list")
def user_list(db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """List the dashboard's users: name, role, whether active, when created (UTC)."""
    from ..web.users import list_users

    url = db_url(db)
    require_database(url)
    store = open_store_readonly(url)
    try:
        with store.read() as conn:
            users = list_users(conn)
    finally:
        store.close()
    if fmt is Format.json:
        typer.echo(json.dumps([{"name": u.name, "role": u.role, "active": u.active,
                                "created_at": u.created_at.isoformat()} for u in users],
                              ensure_ascii=False, indent=2))
        return
    for u in users:
        state = "active" if u.active else "disabled"
        typer.echo(f"{u.name}\t{u.role}\t{state}\t{u.created_at:%Y-%m-%d %H:%M} UTC")


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Login name.")], db: DbOpt = None
                 ) -> None:
    """Disable a user: they can no longer sign in, and their open sessions end."""
    _change(name, db, active=False)
    typer.echo(f"disabled {name}")


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="Login name.")], db: DbOpt = None
                ) -> None:
    """Enable a disabled user again."""
    _change(name, db, active=True)
    typer.echo(f"enabled {name}")


@user_app.command("passwd")
def user_passwd(name: Annotated[str, typer.Argument(help="Login name.")],
                password_stdin: PasswordStdin = False, db: DbOpt = None) -> None:
    """Set a user's password (prompted twice, or read from stdin); their sessions end."""
    password = _read_password(password_stdin)
    _change(name, db, password=password)
    typer.echo(f"password changed for {name}")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``user`` group to the main CLI."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")


def main() -> None:
    """Run the dashboard commands on their own: ``python -m newswatch.cli.web serve ...``."""
    standalone = typer.Typer(no_args_is_help=True, add_completion=False,
                             pretty_exceptions_enable=False)
    register(standalone)
    standalone()


if __name__ == "__main__":
    main()
