"""``newswatch source``, ``newswatch rule`` and ``newswatch watch``: follow sources, save rules,
run the watch loop (:mod:`newswatch.watch`).

* ``source add URL [--name N] [--every 15m] [--language ru]`` (a feed, or a page whose feed
  is discovered), ``source list`` (health), ``source pause|resume|remove ID``,
  ``source import FILE.opml`` (``-``: stdin), ``source export``;
* ``rule add NAME --query Q [--event-type T] [--country XX] [--near LAT,LON --radius-km N]
  [--language xx]``, ``rule list``, ``rule test NAME`` (what it would have fired on what is
  stored), ``rule pause|resume NAME``, ``rule remove NAME``;
* ``alert list [--dead]``: the latest alerts, or the deliveries given up on;
* ``digest subscribe EMAIL [--every 1d] [--rule NAME]...``, ``digest unsubscribe EMAIL``,
  ``digest list``: who receives e-mail digests of which rules, how often
  (:mod:`newswatch.watch.digests`);
* ``watch [--once]``: the loop; SIGTERM or Ctrl+C stop it cleanly after the current source.

Exit codes (:mod:`.common`): 0 ok; 1 some sources (``watch --once``) or outlines
(``source import``) failed, each printed as one line; 2 usage error (a bad query or filter
is one too, with reason code ``bad-query``); 3 nothing could be done (the database could not
be opened, the source or rule does not exist or already exists, every due source failed).
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import BadQuery, NewswatchError, UnknownCountry
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    DbOpt,
    Format,
    FormatOpt,
    db_url,
    err,
    fail,
    open_store,
)

if TYPE_CHECKING:
    from ..storage import Store

source_app = typer.Typer(help="Sources the watch loop follows (feeds).", no_args_is_help=True,
                         add_completion=False)
rule_app = typer.Typer(help="Saved rules the watch loop alerts on.", no_args_is_help=True,
                       add_completion=False)
alert_app = typer.Typer(help="Alerts the watch loop fired, and deliveries it gave up on.",
                        no_args_is_help=True, add_completion=False)
digest_app = typer.Typer(help="E-mail digests of alerts: who receives which rules, how often.",
                         no_args_is_help=True, add_completion=False)

KeyArg = Annotated[str, typer.Argument(help="The source's id, name or URL.")]
RuleArg = Annotated[str, typer.Argument(help="The rule's name (or id).")]


@contextmanager
def _store(db: str | None) -> Iterator[Store]:
    """The store of ``--db`` (created and migrated as needed); a NewswatchError raised inside
    ends the command with its one line and exit 3; the store is closed in any case."""
    store = open_store(db_url(db))
    try:
        yield store
    except NewswatchError as exc:
        fail(exc.line())
    finally:
        store.close()


def _emit(fmt: Format, data: Any, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False) if fmt is Format.json else text)


def _every(value: str) -> int:
    from ..watch.urls import parse_every

    try:
        return parse_every(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from None


@source_app.command("add")
def source_add(
    url: Annotated[str, typer.Argument(help="A feed URL, or a web page that announces its feed.")],
    name: Annotated[str | None, typer.Option("--name",
            help="Display name, and the source of its articles (default: the feed's title).")] = None,
    every: Annotated[str, typer.Option("--every", help="Fetch interval: 90s, 15m, 2h, 1d.")] = "15m",
    language: Annotated[str | None, typer.Option("--language",
            help="Force the language of its items (ISO 639-1).")] = None,
    discover: Annotated[bool, typer.Option("--discover/--no-discover",
            help="Fetch the URL now to check it and find the feed a page announces.")] = True,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Follow a feed (or the feed a web page announces)."""
    from ..settings import load
    from ..watch.sources import add_source

    seconds = _every(every)
    with _store(db) as store:
        src = add_source(store, url, load(), name=name, every_seconds=seconds,
                         language=language.strip().lower() if language else None,
                         discover=discover)
    _emit(fmt, src.health(), f"following source {src.id} ({src.name}): {src.feed_url} "
                             f"every {src.health()['every']}")


def _when(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "-"


@source_app.command("list")
def source_list(db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Sources with their health: state, last fetch, last new item, errors in a row, next fetch."""
    from ..watch.sources import list_sources

    with _store(db) as store:
        rows = [s.health() for s in list_sources(store)]
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no sources; add one with `newswatch source add URL`")
        return
    typer.echo("id\tname\tstate\tevery\tlast fetch\tlast new\terrors\tnext fetch\tfeed")
    for r in rows:
        typer.echo(f"{r['id']}\t{r['name']}\t{r['state']}\t{r['every']}\t"
                   f"{_when(r['last_fetch_at'])}\t{_when(r['last_new_at'])}\t"
                   f"{r['errors_in_row']}\t{_when(r['next_fetch_at']) if r['next_fetch_at'] else 'now'}"
                   f"\t{r['feed_url']}")
        if r["last_error"]:
            typer.echo(f"\t  last error: {r['last_error']}")


def _set_paused(key: str, paused: bool, db: str | None, fmt: Format) -> None:
    from ..watch.sources import set_paused

    with _store(db) as store:
        src = set_paused(store, key, paused)
    _emit(fmt, src.health(), f"source {src.id} ({src.name}) {'paused' if paused else 'resumed'}")


@source_app.command("pause")
def source_pause(key: KeyArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Stop fetching a source until it is resumed."""
    _set_paused(key, True, db, fmt)


@source_app.command("resume")
def source_resume(key: KeyArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Fetch a paused source again (due at once)."""
    _set_paused(key, False, db, fmt)


@source_app.command("remove")
def source_remove(key: KeyArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Stop following a source (its stored articles stay)."""
    from ..watch.sources import remove_source

    with _store(db) as store:
        src = remove_source(store, key)
    _emit(fmt, src.health(), f"source {src.id} ({src.name}) removed")


@source_app.command("import")
def source_import(
    path: Annotated[str, typer.Argument(help="An OPML file, or - for stdin.")],
    every: Annotated[str, typer.Option("--every", help="Fetch interval of the new sources.")] = "15m",
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Follow every feed of an OPML subscription list (feeds already followed are skipped)."""
    from ..settings import load
    from ..watch.sources import import_opml

    seconds = _every(every)
    cap = int(load().max_input_bytes)
    try:
        data = sys.stdin.buffer.read(cap + 1) if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        fail(f"{path}: not-found: {exc.strerror or exc}")
    if len(data) > cap:
        fail(f"{path}: too-large: larger than max_input_bytes={cap:,} bytes")
    with _store(db) as store:
        added, problems = import_opml(store, data, path, every_seconds=seconds)
    for p in problems:
        err(p.line())
    _emit(fmt, {"added": [s.health() for s in added], "failed": len(problems)},
          f"imported {len(added)} sources, {len(problems)} not added")
    raise typer.Exit(EXIT_PARTIAL if problems and added else
                     EXIT_FAILED if problems else EXIT_OK)


@source_app.command("export")
def source_export(db: DbOpt = None) -> None:
    """Print the sources as an OPML 2.0 subscription list."""
    from ..watch.sources import export_opml, list_sources

    with _store(db) as store:
        typer.echo(export_opml(list_sources(store)), nl=False)


QueryOpt = Annotated[str | None, typer.Option("--query",
        help='Lucene-like text query, e.g. \'"border post" AND (shelling OR обстрел) NOT exercise\'.')]
EventTypeOpt = Annotated[str | None, typer.Option("--event-type",
        help="PLOVER event type the article must hold (ASSAULT, PROTEST...).")]
CountryOpt = Annotated[str | None, typer.Option("--country",
        help="Country of a place the article mentions (ISO 3166-1 code or name).")]
NearOpt = Annotated[str | None, typer.Option("--near",
        help="LAT,LON (degrees) of a geofence centre; needs --radius-km.")]
RadiusOpt = Annotated[float | None, typer.Option("--radius-km", help="Geofence radius in kilometres.")]
CooldownOpt = Annotated[str | None, typer.Option("--cooldown",
        help="After an alert, matches within this time do not alert (30m, 2h, 1d).")]
EntityOpt = Annotated[str | None, typer.Option("--entity",
        help="A name the article must mention, by identity (Lavrov also finds Лавров).")]
SourceFilterOpt = Annotated[str | None, typer.Option("--source",
        help="The article's source (outlet name).")]
MinCountOpt = Annotated[int | None, typer.Option("--min-count",
        help="Count trigger: alert when this many matching articles arrive within --window.")]
WindowOpt = Annotated[str | None, typer.Option("--window",
        help="Window of the count trigger (6h, 1d); at most one alert per window.")]
RuleLanguageOpt = Annotated[str | None, typer.Option("--language", help="Article language (ISO 639-1).")]
EventModeOpt = Annotated[str | None, typer.Option("--event-mode",
        help="PLOVER mode the event must have (aerial, drone, firearms...).")]
MinConfidenceOpt = Annotated[float | None, typer.Option("--min-confidence",
        help="Lowest confidence (0-1) of an event that passes the event filters.")]
RadiusForOpt = Annotated[list[str] | None, typer.Option("--radius-for",
        help="Geofence radius for one event type, TYPE=KM (ASSAULT=50); repeat for several; "
             "the event's own place must lie within it. Needs --near.")]


def _filters(event_type: str | None, country: str | None, near: str | None,
             radius_km: float | None, language: str | None, cooldown: str | None = None,
             entity: str | None = None, source: str | None = None,
             min_count: int | None = None, window: str | None = None, *,
             event_mode: str | None = None, min_confidence: float | None = None,
             radius_for: list[str] | None = None) -> dict[str, Any]:
    from ..watch.rules import check_filters

    try:
        return check_filters(event_type, country, near, radius_km, language, cooldown, entity,
                             source, min_count, window, event_mode=event_mode,
                             min_confidence=min_confidence, radius_for=radius_for)
    except (BadQuery, UnknownCountry) as exc:
        fail(exc.line(), EXIT_USAGE)


@rule_app.command("add")
def rule_add(
    name: Annotated[str, typer.Argument(help="A name for the rule.")],
    query: QueryOpt = None,
    event_type: EventTypeOpt = None,
    event_mode: EventModeOpt = None,
    min_confidence: MinConfidenceOpt = None,
    country: CountryOpt = None,
    near: NearOpt = None,
    radius_km: RadiusOpt = None,
    radius_for: RadiusForOpt = None,
    language: RuleLanguageOpt = None,
    entity: EntityOpt = None,
    source: SourceFilterOpt = None,
    cooldown: CooldownOpt = None,
    min_count: MinCountOpt = None,
    window: WindowOpt = None,
    surge: Annotated[bool, typer.Option("--surge",
            help="Surge trigger: alert when a country's violent events of the last week reach "
                 "twice its weekly mean of the 4 weeks before (no --query needed).")] = False,
    claim_revised: Annotated[bool, typer.Option("--claim-revised",
            help="Claim-revised trigger: alert when an article gives a tracked figure another "
                 "value than earlier reports (with --entity: about that subject).")] = False,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Save a rule; the watch loop alerts once per article (and near-duplicate cluster) it
    matches."""
    from ..watch.query import parse_query
    from ..watch.rules import add_rule, check_filters

    try:
        filters = check_filters(event_type, country, near, radius_km, language, cooldown,
                                entity, source, min_count, window, surge, claim_revised,
                                event_mode=event_mode, min_confidence=min_confidence,
                                radius_for=radius_for)
        if not (surge or claim_revised):
            parse_query(query or "")
    except (BadQuery, UnknownCountry) as exc:
        fail(exc.line(), EXIT_USAGE)
    with _store(db) as store:
        rule = add_rule(store, name, query or "", filters)
    _emit(fmt, rule.to_dict(), f"rule {rule.id} ({rule.name}) saved")


@rule_app.command("list")
def rule_list(db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Saved rules."""
    from ..watch.rules import list_rules

    with _store(db) as store:
        rules = list_rules(store)
    if fmt is Format.json:
        typer.echo(json.dumps([r.to_dict() for r in rules], ensure_ascii=False))
        return
    for r in rules:
        extra = " ".join(f"{k}={v}" for k, v in r.filters.items())
        typer.echo(f"{r.id}\t{r.name}\t{r.query}\t{extra}")


@rule_app.command("test")
def rule_test(
    name: Annotated[str | None, typer.Argument(help="A saved rule's name; or give --query to try one unsaved.")] = None,
    query: Annotated[str | None, typer.Option("--query",
            help="A query to try (with the filter options) instead of a saved rule.")] = None,
    event_type: EventTypeOpt = None,
    event_mode: EventModeOpt = None,
    min_confidence: MinConfidenceOpt = None,
    country: CountryOpt = None,
    near: NearOpt = None,
    radius_km: RadiusOpt = None,
    radius_for: RadiusForOpt = None,
    language: RuleLanguageOpt = None,
    entity: EntityOpt = None,
    source: SourceFilterOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="Most matches shown.")] = 20,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Show what a rule would have fired on the stored articles (nothing is recorded)."""
    from ..watch.query import parse_query
    from ..watch.rules import Rule, find_rule, try_rule

    if (name is None) == (query is None):
        fail("give a saved rule's name or --query (one of the two)", EXIT_USAGE)
    with _store(db) as store:
        if query is not None:
            try:
                parse_query(query)
            except BadQuery as exc:
                fail(exc.line(), EXIT_USAGE)
            rule = Rule(0, "(test)", query, _filters(
                event_type, country, near, radius_km, language, None, entity, source,
                event_mode=event_mode, min_confidence=min_confidence, radius_for=radius_for))
        else:
            assert name is not None
            rule = find_rule(store, name)
        with store.read() as conn:
            matches = try_rule(conn, rule, limit)
    if fmt is Format.json:
        typer.echo(json.dumps(matches, ensure_ascii=False))
        return
    for m in matches:
        typer.echo(f"{m['article_id']}\t{m['published'] or '-'}\t{m['title'] or '-'}")
        if m["sentence"]:
            typer.echo(f"\t{m['sentence']}")
    typer.echo(f"{len(matches)} matching articles")


def _set_rule_paused(name: str, paused: bool, db: str | None, fmt: Format) -> None:
    from ..watch.rules import set_rule_paused

    with _store(db) as store:
        rule = set_rule_paused(store, name, paused)
    _emit(fmt, rule.to_dict(), f"rule {rule.id} ({rule.name}) {'paused' if paused else 'resumed'}")


@rule_app.command("pause")
def rule_pause(name: RuleArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Stop evaluating a rule until it is resumed (its alerts stay)."""
    _set_rule_paused(name, True, db, fmt)


@rule_app.command("resume")
def rule_resume(name: RuleArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Evaluate a paused rule again."""
    _set_rule_paused(name, False, db, fmt)


@rule_app.command("remove")
def rule_remove(name: RuleArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Delete a rule and its alert history."""
    from ..watch.rules import remove_rule

    with _store(db) as store:
        rule = remove_rule(store, name)
    _emit(fmt, rule.to_dict(), f"rule {rule.id} ({rule.name}) removed")


@alert_app.command("list")
def alert_list(
    dead: Annotated[bool, typer.Option("--dead",
            help="List the dead letters: deliveries given up on after every retry.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="Most rows shown.")] = 50,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The latest alerts (newest first) with their evidence, or with --dead the failed deliveries."""
    from ..watch.alerts import dead_letters
    from ..watch.rules import recent_alerts

    with _store(db) as store:
        rows = dead_letters(store, limit) if dead else recent_alerts(store, limit)
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        if dead:
            typer.echo(f"{r['alert_id']}\t{r['sink']}\t{r['attempts']} attempts\t{r['rule']}\t"
                       f"{r['title'] or '-'}\n\t{r['last_error']}")
        else:
            typer.echo(f"{r['alert_id']}\t{r['created_at'][:16]}\t{r['rule']}\t"
                       f"{r.get('title') or r['article_id']}\t{r.get('url') or '-'}")
            if r.get("sentence"):
                typer.echo(f"\t{r['sentence']}")


def _address(value: str) -> str:
    from ..errors import InputError
    from ..watch.digests import check_address

    try:
        return check_address(value)
    except InputError as exc:
        raise typer.BadParameter(f"{exc.message}: {exc.subject}", param_hint="EMAIL") from None


EmailArg = Annotated[str, typer.Argument(help="One e-mail address (name@host).", callback=_address)]


@digest_app.command("subscribe")
def digest_subscribe(
    email: EmailArg,
    every: Annotated[str | None, typer.Option("--every",
            help="Interval between two digests: 1h, 1d, 7d (default: the "
                 "watch_email_every_seconds setting).")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule",
            help="Only the alerts of this rule (repeat for several; default: every rule).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Send EMAIL a digest of the alerts to come (or change its interval and rules)."""
    from ..settings import load
    from ..watch.digests import subscribe

    seconds = _every(every) if every else None
    with _store(db) as store:
        sub = subscribe(store, email, every_seconds=seconds, rules=rule or None)
    view = sub.to_dict(load())
    rules = ", ".join(view["rules"]) if view["rules"] else "every rule"
    _emit(fmt, view, f"digests to {sub.recipient} every {view['every']}: {rules}")


@digest_app.command("unsubscribe")
def digest_unsubscribe(email: EmailArg, db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Stop EMAIL's digests (also when the watch_email_to setting lists it)."""
    from ..settings import load
    from ..watch.digests import unsubscribe

    with _store(db) as store:
        sub = unsubscribe(store, email)
    _emit(fmt, sub.to_dict(load()), f"no more digests to {sub.recipient}")


@digest_app.command("list")
def digest_list(db: DbOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Digest recipients: interval, rules, state and last digest sent."""
    from ..settings import load
    from ..watch.digests import subscriptions

    settings = load()
    with _store(db) as store:
        subs = [s.to_dict(settings) for s in subscriptions(store, settings)]
    if fmt is Format.json:
        typer.echo(json.dumps(subs, ensure_ascii=False))
        return
    for s in subs:
        state = "active" if s["active"] else "unsubscribed"
        typer.echo(f"{s['recipient']}\t{state}\tevery {s['every']}\t"
                   f"{', '.join(s['rules']) if s['rules'] else 'every rule'}\t"
                   f"last sent {_when(s['last_sent_at'])}")


def watch(
    once: Annotated[bool, typer.Option("--once", help="One pass over the due sources, then exit.")] = False,
    alerts_jsonl: Annotated[str | None, typer.Option("--alerts-jsonl",
            help="Append alerts to this JSON Lines file (setting watch_alerts_jsonl).")] = None,
    alerts_atom: Annotated[str | None, typer.Option("--alerts-atom",
            help="Keep an Atom feed of alerts in this file (setting watch_alerts_atom).")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook",
            help="POST each alert to this URL (setting watch_webhook_url).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Follow the sources: fetch those that are due, ingest new items, alert on rules.

    Runs until SIGTERM or Ctrl+C (the source being fetched is finished first); --once runs
    one pass and prints what it did.
    """
    from ..settings import load
    from ..watch.loop import Watcher

    try:
        settings = load({"watch_alerts_jsonl": alerts_jsonl, "watch_alerts_atom": alerts_atom,
                         "watch_webhook_url": webhook})
    except NewswatchError as exc:
        fail(exc.line(), EXIT_USAGE)
    store = open_store(db_url(db))
    watcher = Watcher(store, settings)

    def stop(signum: int, _frame: Any) -> None:
        err(f"watch: {signal.Signals(signum).name} received, stopping after the current source")
        watcher.stop.set()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        if once:
            report = watcher.run_pass()
            data = report.to_dict()
            _emit(fmt, data, " ".join(f"{k}={v}" for k, v in data.items()))
            code = (EXIT_OK if not report.failed else
                    EXIT_FAILED if report.failed == report.due else EXIT_PARTIAL)
        else:
            err(f"watch: following the sources of {db_url(db)} (SIGTERM or Ctrl+C stops)")

            def on_pass(report: Any) -> None:
                if report.due:
                    err("watch: pass: " + " ".join(f"{k}={v}" for k, v in report.to_dict().items()))

            watcher.run_forever(on_pass)
            err("watch: stopped")
            code = EXIT_OK
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        watcher.close()
        store.close()
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the ``source``, ``rule``, ``alert`` and ``digest`` groups and the ``watch`` command to
    the main CLI."""
    app.add_typer(source_app, name="source")
    app.add_typer(rule_app, name="rule")
    app.add_typer(alert_app, name="alert")
    app.add_typer(digest_app, name="digest")
    app.command("watch")(watch)
