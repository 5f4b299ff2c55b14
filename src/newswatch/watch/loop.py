"""The watch loop: fetch the sources that are due, politely; ingest their new items through the
ingest path; evaluate the saved rules on what was stored; deliver alerts.

One pass (:meth:`Watcher.run_pass`, what ``newswatch watch --once`` runs):

1. the sources that are due (not paused, ``next_fetch_at`` reached or never fetched);
2. for each one: robots.txt (:class:`~newswatch.watch.polite.RobotsCache`), the host's pace
   (:class:`~newswatch.watch.polite.HostPace`), then a conditional GET through
   :func:`newswatch.net.fetch` with the stored ``If-None-Match`` / ``If-Modified-Since``. A
   ``304`` or a body whose SHA-256 equals the last one ends there;
3. the body is read as a URL input is (:func:`newswatch.ingest.readers.read_fetched`: DTD
   refusal, entry by entry); entries whose canonical URL was seen before (in any feed) or
   whose text is stored already are skipped; the rest are analysed as ``ingest`` analyses
   (:func:`newswatch.ingest.budget.analyse_stream` with the worker under the time and memory
   budget) and stored with :meth:`newswatch.storage.Store.save`;
4. every active rule is evaluated on each new or revised revision; a match fires at most one
   alert per rule and article (and per near-duplicate cluster, outside the rule's cool-down),
   delivered to the configured sinks (a failed delivery is retried at the start of later
   passes, with backoff, until it succeeds or becomes a dead letter);
5. the source's row is updated: validators, body hash, health, and the next fetch time
   (its interval after a success; exponential backoff, at least ``Retry-After``, after a
   failure);
6. after the sources, the e-mail digests that are due go out (:func:`send_digests`).

Anything that goes wrong with one source (an error status, a timeout, a refused address, a
hostile feed, an unexpected exception) is one line on the log and a failure on that source;
the pass goes on. :meth:`Watcher.run_forever` repeats passes until :attr:`Watcher.stop` is set
(the CLI sets it on SIGTERM and SIGINT); waits are on that event, so a stop is prompt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from ..errors import (
    EmptyInput,
    InputError,
    NewswatchError,
    RobotsDisallowed,
    UnexpectedInputError,
)
from ..model import Article
from ..settings import Settings
from ..storage import STATUS_NEW, STATUS_REVISED, Store
from ..storage.engine import write_transaction
from ..storage.watch_schema import watch_seen, watch_source
from .alerts import (
    AtomSink,
    JsonlSink,
    Sink,
    WebhookSink,
    delivered,
    due_retries,
    record_failure,
)
from .digests import send_digests
from .polite import HostPace, RobotsCache, backoff_seconds, retry_after_seconds
from .rules import (
    Rule,
    claim_revisions,
    count_trigger,
    fire,
    insert_ignoring_conflicts,
    list_rules,
    match_revisions,
    recent_alerts,
    surge_evidence,
)
from .sources import Source, utc, utcnow
from .urls import canonical_url


@dataclass
class PassReport:
    """What one pass did (counts)."""

    due: int = 0
    fetched: int = 0
    not_modified: int = 0
    unchanged_body: int = 0
    failed: int = 0
    new: int = 0
    revised: int = 0
    duplicates: int = 0
    item_errors: int = 0
    alerts: int = 0
    suppressed: int = 0
    deliveries_failed: int = 0
    dead_letters: int = 0
    digests_sent: int = 0

    def to_dict(self) -> dict[str, int]:
        """The counts as a dict."""
        return asdict(self)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def sinks_from_settings(settings: Settings, store: Store, client: Any = None) -> list[Sink]:
    """The alert sinks the ``watch_alerts_jsonl``, ``watch_alerts_atom`` and
    ``watch_webhook_url`` settings name."""
    sinks: list[Sink] = []
    if settings.watch_alerts_jsonl:
        sinks.append(JsonlSink(settings.watch_alerts_jsonl))
    if settings.watch_alerts_atom:
        sinks.append(AtomSink(settings.watch_alerts_atom, lambda: recent_alerts(store)))
    if settings.watch_webhook_url:
        sinks.append(WebhookSink(settings.watch_webhook_url, settings.watch_webhook_secret,
                                 settings, client))
    return sinks


class Watcher:
    """Follows the stored sources.

    Args:
        store: the open store (sources, rules, articles).
        settings: resolved settings (fetch, ``watch_*``, analysis budgets).
        analyse: the analysis function (default: :func:`newswatch.ingest.budget.analyser`,
            started on first use, so a pass with nothing new loads no model).
        sinks: alert sinks (default :func:`sinks_from_settings`).
        log: where one-line messages go (default: stderr).
        now: the wall clock (aware UTC datetimes); clock: monotonic seconds. Both injectable.
    """

    def __init__(self, store: Store, settings: Settings, *,
                 analyse: Callable[[Article], Any] | None = None,
                 sinks: list[Sink] | None = None, log: Callable[[str], None] = _stderr,
                 now: Callable[[], dt.datetime] = utcnow,
                 clock: Callable[[], float] = time.monotonic) -> None:
        from ..net import guarded_client

        self.store, self.settings, self.log, self.now = store, settings, log, now
        self.stop = threading.Event()
        self.client = guarded_client(settings)
        self._analyse = analyse
        self.sinks = sinks if sinks is not None else sinks_from_settings(settings, store,
                                                                         self.client)
        self.robots = RobotsCache(settings, self.client, clock)
        self.pace = HostPace(float(settings.watch_host_interval_seconds), clock, self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.stop.wait(seconds)

    def close(self) -> None:
        """Release the HTTP client."""
        self.client.close()

    @property
    def analyse(self) -> Callable[[Article], Any]:
        """The analysis function (created on first use)."""
        if self._analyse is None:
            from ..ingest.budget import analyser

            self._analyse = analyser(self.settings)
        return self._analyse

    # -- schedule -----------------------------------------------------------------------

    def due_sources(self, now: dt.datetime) -> list[Source]:
        """Sources not paused whose next fetch time has come (never fetched ones first)."""
        c = watch_source.c
        q = (sa.select(watch_source).where(c.paused == sa.false())
             .where(sa.or_(c.next_fetch_at.is_(None), c.next_fetch_at <= now))
             .order_by(c.next_fetch_at.is_not(None), c.next_fetch_at, c.id))
        with self.store.read() as conn:
            return [Source.from_row(r) for r in conn.execute(q)]

    def seconds_to_next(self, now: dt.datetime) -> float | None:
        """Seconds until the earliest scheduled fetch (0 when one is due; None: no source)."""
        c = watch_source.c
        with self.store.read() as conn:
            rows = conn.execute(sa.select(c.next_fetch_at).where(c.paused == sa.false())).all()
        if not rows:
            return None
        times = [utc(r.next_fetch_at) for r in rows]
        if any(x is None for x in times):
            return 0.0
        return max(0.0, min((x - now).total_seconds() for x in times if x is not None))

    def _update(self, source: Source, **values: Any) -> None:
        with write_transaction(self.store.engine) as conn:
            conn.execute(sa.update(watch_source).where(watch_source.c.id == source.id)
                         .values(**values))

    def _failed(self, source: Source, err: NewswatchError, report: PassReport) -> None:
        now = self.now()
        n = source.errors_in_row + 1
        retry = retry_after_seconds(getattr(err, "retry_after", None), now)
        wait = backoff_seconds(source.every_seconds, n,
                               float(self.settings.watch_max_backoff_seconds), retry)
        self._update(source, last_fetch_at=now, last_status=err.code, errors_in_row=n,
                     last_error=err.line()[:1000],
                     next_fetch_at=now + dt.timedelta(seconds=wait))
        report.failed += 1
        self.log(f"source {source.name}: {err.code}: {err.message} (failure {n} in a row; "
                 f"next try in {int(wait)} s)")

    # -- one pass -----------------------------------------------------------------------

    def run_pass(self) -> PassReport:
        """Fetch every due source once (see the module docstring).

        Returns:
            The :class:`PassReport`.
        """
        report = PassReport()
        self._retry_deliveries(report)
        rules = self._rules()
        due = self.due_sources(self.now())
        report.due = len(due)
        for source in due:
            if self.stop.is_set():
                break
            try:
                self._poll(source, rules, report)
            except NewswatchError as err:
                self._failed(source, err, report)
            except Exception as exc:  # noqa: BLE001 - one source must never stop the loop
                self._failed(source, UnexpectedInputError(
                    f"{type(exc).__name__}: {exc}"[:300], subject=source.feed_url), report)
        if report.new or report.revised:
            try:  # the cross-article threads pass, once per pass over what is stored
                self.store.rebuild_threads()
            except NewswatchError as err:
                self.log(f"threads: {err.line()}")
        self._surges([r for r in rules if r.filters.get("surge")], report)
        report.digests_sent = send_digests(self.store, self.settings, self.now(), self.log)
        return report

    def _surges(self, rules: list[Rule], report: PassReport) -> None:
        now = self.now()
        for rule in rules:
            try:
                with self.store.read() as conn:
                    found = surge_evidence(conn, rule, now.date(), now - dt.timedelta(days=7))
            except NewswatchError as err:
                self.log(f"rule {rule.name}: {err.code}: {err.message}")
                continue
            for evidence in found:
                self._fire(rule, evidence, float(rule.filters.get("cooldown_seconds") or 0),
                           report)

    def _rules(self) -> list[Rule]:
        good = []
        for rule in list_rules(self.store, active_only=True):
            try:
                if not (rule.filters.get("surge") or rule.filters.get("claim_revised")):
                    rule.tree  # noqa: B018 - parse once here, so a broken rule is reported once
            except NewswatchError as err:
                self.log(f"rule {rule.name}: {err.code}: {err.message} (skipped)")
                continue
            good.append(rule)
        return good

    def _poll(self, source: Source, rules: list[Rule], report: PassReport) -> None:
        from ..net import fetch

        url = source.feed_url
        if not self.robots.allowed(url):
            raise RobotsDisallowed("robots.txt forbids fetching this URL to "
                                   f"{self.settings.fetch_user_agent!r}", subject=url)
        self.pace.wait_turn(url, self.robots.crawl_delay(url))
        headers = {}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        got = fetch(url, self.settings, client=self.client, headers=headers)
        now = self.now()
        report.fetched += 1
        healthy: dict[str, Any] = {"last_fetch_at": now, "errors_in_row": 0, "last_error": None,
                                   "next_fetch_at": now + dt.timedelta(
                                       seconds=source.every_seconds)}
        if got.status == 304:
            report.not_modified += 1
            self._update(source, last_status="304", **healthy)
            return
        digest = hashlib.sha256(got.body).hexdigest()
        validators = {"etag": got.headers.get("etag"),
                      "last_modified": got.headers.get("last-modified"), "body_hash": digest}
        if digest == source.body_hash:
            report.unchanged_body += 1
            self._update(source, last_status="unchanged-body", **validators, **healthy)
            return
        from ..ingest.readers import read_fetched

        articles: list[Article] = []
        problems: list[InputError] = []
        for item in read_fetched(got.body, url, final_url=got.final_url,
                                 content_type=got.headers.get("content-type"),
                                 source=source.name, language=source.language,
                                 settings=self.settings):
            (articles if isinstance(item, Article) else problems).append(item)  # type: ignore[arg-type]
        if not articles and problems and not isinstance(problems[0], EmptyInput):
            raise problems[0]  # the feed as a whole is unreadable (DTD, not XML)
        for p in problems:
            if isinstance(p, EmptyInput) and not articles:
                continue  # a well-formed feed with no entries: nothing to do
            report.item_errors += 1
            self.log(f"source {source.name}: {p.line()}")
        added, interrupted = self._ingest(source, articles, rules, report)
        if interrupted:
            # stopped while analysing: keep the old validators and hash, so that the next
            # start reads this body again and ingests what was not stored
            self._update(source, last_fetch_at=now, last_status="interrupted",
                         next_fetch_at=now, items_ingested=source.items_ingested + added)
            self.log(f"source {source.name}: interrupted by the stop, {added} stored")
            return
        values = {**validators, **healthy, "last_status": str(got.status),
                  "items_ingested": source.items_ingested + added}
        if added:
            values["last_new_at"] = now
        self._update(source, **values)
        self.log(f"source {source.name}: {len(articles)} items, {added} stored")

    def _ingest(self, source: Source, articles: list[Article], rules: list[Rule],
                report: PassReport) -> tuple[int, bool]:
        """Store the entries not seen before; returns (new or revised, interrupted by a stop)."""
        keys = [canonical_url(a.url) if a.url else "" for a in articles]
        with self.store.read() as conn:
            seen = set(conn.execute(sa.select(watch_seen.c.url).where(
                watch_seen.c.url.in_([k for k in keys if k]))).scalars())
        fresh: list[tuple[Article, str]] = []
        for article, key in zip(articles, keys, strict=True):
            if key and key in seen:
                report.duplicates += 1
                continue
            stored = self.store.find_unchanged(article)
            if stored is not None:
                report.duplicates += 1
                self._remember(key, source, stored.article_id)
                continue
            if key:
                seen.add(key)
            fresh.append((article, key))
        if not fresh:
            return 0, False
        from ..ingest.budget import analyse_stream

        added, interrupted = 0, False
        done = analyse_stream(self.analyse, [a for a, _ in fresh])
        for (original, key), item in zip(fresh, done, strict=True):
            if not isinstance(item, Article):
                if self.stop.is_set():
                    # a stop (SIGTERM to the whole service) may have ended the worker: the
                    # entry is neither quarantined nor remembered, the next start retries it
                    interrupted = True
                    continue
                report.item_errors += 1
                err: NewswatchError = item
                self.store.record_failure(err.subject or original.origin, err.code, err.message)
                self.log(f"source {source.name}: {err.line()}")
                self._remember(key, source, None)
                continue
            result = self.store.save(item)
            self._remember(key, source, result.article_id)
            if result.status == STATUS_NEW:
                report.new += 1
            elif result.status == STATUS_REVISED:
                report.revised += 1
            if result.status in (STATUS_NEW, STATUS_REVISED):
                added += 1
                self._evaluate(rules, result.revision_id, report)
        return added, interrupted

    def _remember(self, key: str, source: Source, article_id: str | None) -> None:
        if not key:
            return
        row = {"url": key, "source_id": source.id, "article_id": article_id,
               "first_seen": self.now()}
        with write_transaction(self.store.engine) as conn:
            # another watcher on the same database may have remembered it meanwhile
            conn.execute(insert_ignoring_conflicts(conn, watch_seen).values(**row))

    def _evaluate(self, rules: list[Rule], revision_id: int, report: PassReport) -> None:
        for rule in rules:
            if rule.filters.get("surge"):
                continue  # evaluated once per pass (_surges)
            cooldown = float(rule.filters.get("cooldown_seconds") or 0)
            try:
                with self.store.read() as conn:
                    if rule.filters.get("claim_revised"):
                        matches = claim_revisions(conn, rule, revision_id)
                    else:
                        matches = match_revisions(conn, rule, [revision_id])
                    if matches and rule.filters.get("min_count"):
                        window = float(rule.filters["window_seconds"])
                        matches = count_trigger(conn, rule, matches[0],
                                                self.now() - dt.timedelta(seconds=window))
                        cooldown = max(cooldown, window)  # one alert per window
            except NewswatchError as err:
                self.log(f"rule {rule.name}: {err.code}: {err.message}")
                continue
            for evidence in matches:
                self._fire(rule, evidence, cooldown, report)

    def _fire(self, rule: Rule, evidence: dict[str, Any], cooldown: float,
              report: PassReport) -> None:
        alert = fire(self.store, evidence, self.now(), cooldown)
        if alert is None:
            report.suppressed += 1
            return
        report.alerts += 1
        self.log(f"alert: rule {rule.name}: {alert.get('title') or alert['article_id']}")
        for sink in self.sinks:
            self._deliver(sink, alert, report)

    def _deliver(self, sink: Sink, alert: dict[str, Any], report: PassReport,
                 delivery_id: int | None = None) -> None:
        """Deliver; on failure, log one line and schedule a retry (or give up: dead letter)."""
        try:
            sink.deliver(alert)
        except NewswatchError as err:
            report.deliveries_failed += 1
            state = record_failure(self.store, alert["alert_id"], sink.name, err.line(),
                                   self.settings, self.now())
            if state == "dead":
                report.dead_letters += 1
            self.log(f"alert {alert['alert_id']}: {sink.name}: {err.line()} "
                     f"({'given up: dead letter' if state == 'dead' else 'will retry'})")
            return
        if delivery_id is not None:
            delivered(self.store, delivery_id)

    def _retry_deliveries(self, report: PassReport) -> None:
        sinks = {s.name: s for s in self.sinks}
        for delivery_id, name, alert in due_retries(self.store, self.now()):
            if name in sinks:  # a sink no longer configured keeps its pending rows
                self._deliver(sinks[name], alert, report, delivery_id)

    # -- forever --------------------------------------------------------------------------

    def run_forever(self, on_pass: Callable[[PassReport], None] | None = None) -> None:
        """Run passes until :attr:`stop` is set, sleeping until the next source is due (at most
        ``watch_idle_max_seconds``; a stop wakes it at once)."""
        idle = float(self.settings.watch_idle_max_seconds)
        while not self.stop.is_set():
            report = self.run_pass()
            if on_pass is not None:
                on_pass(report)
            wait = self.seconds_to_next(self.now())
            self.stop.wait(idle if wait is None else min(idle, max(1.0, wait)))
