"""Alert delivery: a JSON Lines file, an Atom feed file, a signed webhook.

Each sink's ``deliver(alert)`` takes one alert as :func:`newswatch.watch.rules.fire` returned
it (rule, article id, revision id, title, URL, source, evidence sentence...). A sink that
fails raises :class:`~newswatch.errors.NewswatchError`; the watch loop prints one line, goes
on, and retries that delivery later (:func:`record_failure`: waits doubling from
``watch_delivery_retry_seconds``; after ``watch_delivery_attempts_count`` attempts the
delivery is dead, listed by :func:`dead_letters`). The alert stays recorded in
``watch_alert`` whatever happens to its deliveries.

* :class:`JsonlSink` appends one JSON object a line.
* :class:`AtomSink` rewrites an Atom 1.0 feed (RFC 4287) of the latest alerts, atomically
  (written beside, then renamed). Entry ids are stable (``urn:newswatch:alert:<rule id>:
  <article id>``), so a feed reader shows each alert once.
* E-mail digests roll alerts up per recipient (:mod:`newswatch.watch.digests`).
* :class:`WebhookSink` POSTs the alert as JSON through :func:`newswatch.net.fetch` (the
  address guard applies), signed as the Standard Webhooks specification says: headers
  ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
  (``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` under the secret; a secret written
  ``whsec_<base64>`` is base64-decoded first).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from ..errors import NewswatchError, StorageError
from ..settings import Settings
from ..storage import Store
from ..storage.engine import write_transaction
from ..storage.watch_schema import watch_alert, watch_delivery

ATOM_NS = "http://www.w3.org/2005/Atom"
#: Entries kept in the Atom feed file.
ATOM_ENTRIES = 100


class Sink(Protocol):
    """Something that delivers an alert."""

    name: str

    def deliver(self, alert: dict[str, Any]) -> None:
        """Deliver one alert (raises NewswatchError on failure)."""


class JsonlSink:
    """Appends each alert to ``path`` as one JSON line (UTF-8)."""

    name = "jsonl"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def deliver(self, alert: dict[str, Any]) -> None:
        """Append the alert."""
        try:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(alert, ensure_ascii=False, sort_keys=True) + "\n")
        except OSError as exc:
            raise StorageError(f"cannot append the alert: {exc}", subject=str(self.path)) from None


def alert_entry_id(alert: dict[str, Any]) -> str:
    """The stable Atom entry id of an alert (one per rule and article)."""
    return f"urn:newswatch:alert:{alert['rule_id']}:{alert['article_id']}"


def atom_feed(alerts: list[dict[str, Any]], title: str = "newswatch alerts") -> bytes:
    """An Atom 1.0 document of ``alerts`` (newest first): title ``[rule] article title``,
    link to the article, summary the evidence sentence, ``updated`` the alert time."""
    ET.register_namespace("", ATOM_NS)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    el(feed, "title", title)
    el(feed, "id", "urn:newswatch:alerts")
    el(feed, "updated", alerts[0]["created_at"] if alerts else "1970-01-01T00:00:00+00:00")
    author = el(feed, "author")
    el(author, "name", "newswatch")
    for a in alerts:
        entry = el(feed, "entry")
        el(entry, "id", alert_entry_id(a))
        el(entry, "title", f"[{a['rule']}] {a.get('title') or a['article_id']}")
        el(entry, "updated", a["created_at"])
        if a.get("url"):
            el(entry, "link", href=a["url"])
        parts = [a.get("sentence") or ""]
        if a.get("source"):
            parts.append(f"Source: {a['source']}")
        if a.get("place"):
            where = a["place"] + (f" ({a['distance_km']} km)" if a.get("distance_km") is not None
                                  else "")
            parts.append(f"Place: {where}")
        parts.append(f"Article {a['article_id']}, revision {a['revision_id']}")
        el(entry, "summary", "\n".join(p for p in parts if p))
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


class AtomSink:
    """Rewrites ``path`` with the latest alerts (``latest()`` gives them, newest first)."""

    name = "atom"

    def __init__(self, path: str | Path, latest: Callable[[], list[dict[str, Any]]]) -> None:
        self.path = Path(path)
        self.latest = latest

    def deliver(self, alert: dict[str, Any]) -> None:
        """Rewrite the feed file (the new alert is in ``latest()`` already)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_bytes(atom_feed(self.latest()[:ATOM_ENTRIES]))
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StorageError(f"cannot write the Atom feed: {exc}", subject=str(self.path)) from None


def webhook_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256>`` of
    ``"{msg_id}.{timestamp}.{body}"`` keyed with the secret (``whsec_`` + base64 decoded,
    else its UTF-8 bytes)."""
    key = secret.encode("utf-8")
    if secret.startswith("whsec_"):
        try:
            key = base64.b64decode(secret[len("whsec_"):], validate=True)
        except (binascii.Error, ValueError):
            key = secret.encode("utf-8")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


class WebhookSink:
    """POSTs each alert to ``url`` (through the guarded fetch), signed when a secret is set.

    Args:
        url: the receiver.
        secret: the signing secret ("" -> unsigned).
        settings: fetch settings; client: the guarded client to reuse.
        clock: Unix seconds (for ``webhook-timestamp``; injectable).
    """

    name = "webhook"

    def __init__(self, url: str, secret: str, settings: Settings, client: Any = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.url, self.secret, self.settings = url, secret, settings
        self.client, self.clock = client, clock

    def deliver(self, alert: dict[str, Any]) -> None:
        """POST the alert; a non-2xx answer or a transport error raises FetchFailed."""
        from ..net import fetch

        body = json.dumps({"type": "newswatch.alert", "data": alert}, ensure_ascii=False,
                          sort_keys=True).encode("utf-8")
        msg_id = f"alert_{alert['alert_id']}"
        ts = int(self.clock())
        headers = {"content-type": "application/json", "webhook-id": msg_id,
                   "webhook-timestamp": str(ts)}
        if self.secret:
            headers["webhook-signature"] = webhook_signature(self.secret, msg_id, ts, body)
        try:
            fetch(self.url, self.settings, method="POST", content=body, headers=headers,
                  client=self.client, max_bytes=64 * 1024)
        except NewswatchError as exc:
            exc.subject = f"webhook {self.url}"
            raise


# -- failed deliveries: retries with backoff, then the dead-letter list ------------------------


def record_failure(store: Store, alert_id: int, sink: str, error: str, settings: Settings,
                   now: dt.datetime) -> str:
    """Count one failed delivery of an alert to a sink and schedule its retry.

    The n-th failure waits ``watch_delivery_retry_seconds × 2^(n−1)``; the
    ``watch_delivery_attempts_count``-th makes it ``dead`` (no more retries).

    Returns:
        The row's state: ``"pending"`` or ``"dead"``.
    """
    d = watch_delivery.c
    limit = max(1, int(settings.watch_delivery_attempts_count))
    with write_transaction(store.engine) as conn:
        row = conn.execute(sa.select(d.id, d.attempts).where(
            d.alert_id == alert_id, d.sink == sink)).first()
        attempts = (row.attempts if row else 0) + 1
        state = "dead" if attempts >= limit else "pending"
        wait = float(settings.watch_delivery_retry_seconds) * 2 ** min(attempts - 1, 20)
        values = {"state": state, "attempts": attempts, "last_error": error[:1000],
                  "updated_at": now,
                  "next_try_at": None if state == "dead" else now + dt.timedelta(seconds=wait)}
        if row is None:
            conn.execute(sa.insert(watch_delivery).values(alert_id=alert_id, sink=sink, **values))
        else:
            conn.execute(sa.update(watch_delivery).where(d.id == row.id).values(**values))
    return state


def due_retries(store: Store, now: dt.datetime) -> list[tuple[int, str, dict[str, Any]]]:
    """Pending deliveries whose retry time has come: ``(delivery id, sink, alert)``."""
    d, a = watch_delivery.c, watch_alert.c
    with store.read() as conn:
        rows = conn.execute(
            sa.select(d.id, d.sink, a.id.label("alert_id"), a.evidence, a.created_at)
            .join(watch_alert, a.id == d.alert_id)
            .where(d.state == "pending", d.next_try_at <= now).order_by(d.id)).all()
    out = []
    for r in rows:
        created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=dt.UTC)
        out.append((int(r.id), str(r.sink), {**dict(r.evidence), "alert_id": int(r.alert_id),
                                             "created_at": created.isoformat()}))
    return out


def delivered(store: Store, delivery_id: int) -> None:
    """Forget a failed delivery that has now succeeded."""
    with write_transaction(store.engine) as conn:
        conn.execute(sa.delete(watch_delivery).where(watch_delivery.c.id == delivery_id))


def dead_letters(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """Deliveries given up on, newest first: ``alert_id``, ``sink``, ``attempts``,
    ``last_error``, ``updated_at`` (ISO 8601), ``rule``, ``title``, ``url``."""
    d, a = watch_delivery.c, watch_alert.c
    with store.read() as conn:
        rows = conn.execute(
            sa.select(d.alert_id, d.sink, d.attempts, d.last_error, d.updated_at, a.evidence)
            .join(watch_alert, a.id == d.alert_id).where(d.state == "dead")
            .order_by(d.updated_at.desc(), d.id.desc()).limit(limit)).all()
    return [{"alert_id": int(r.alert_id), "sink": r.sink, "attempts": int(r.attempts),
             "last_error": r.last_error, "updated_at": r.updated_at.isoformat(),
             "rule": r.evidence.get("rule"), "title": r.evidence.get("title"),
             "url": r.evidence.get("url")} for r in rows]
