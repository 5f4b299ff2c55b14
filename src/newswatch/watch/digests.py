"""E-mail digests of alerts, one per recipient at the frequency the recipient chose.

A **subscription** is a row of ``watch_digest`` (migration ``0007``): an e-mail address, its
own interval (``every_seconds``; None: the ``watch_email_every_seconds`` setting), the rules
whose alerts it receives (``rules``, by name; None: every rule), the dashboard user who set
it up (``user_id``; None: the command line or the settings) and ``active``. The addresses of
the ``watch_email_to`` setting are subscribed to every rule at the setting's interval the
first time the watcher sees them; an address unsubscribed (``active`` false) stays silent
even when the setting lists it.

:func:`send_digests`, called by the watch loop after each pass, mails each active recipient
whose interval has passed one plain-text digest (:func:`digest_message`) of the alerts of its
rules recorded since its last digest, through the ``watch_email_smtp`` server. A subscription
starts with the alerts to come, never with the history. A failed send is one line on the
loop's log and is tried again at the next pass; nothing is marked sent until the server
accepted the message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa

from ..errors import InputError, NotFound
from ..settings import Settings
from ..storage import Store
from ..storage.engine import write_transaction
from ..storage.watch_schema import watch_alert, watch_digest, watch_rule

__all__ = ["DIGEST_MAX_ALERTS", "Subscription", "check_address", "digest_message", "send_digests",
           "subscribe", "subscriptions", "unsubscribe", "user_subscription"]

#: Most alerts in one digest (the rest go into the next one).
DIGEST_MAX_ALERTS = 200
#: Longest e-mail address accepted (RFC 5321's path limit, 256, less the angle brackets).
MAX_ADDRESS_CHARS = 254
# One mailbox, no display name, no list, no header-breaking character (CR, LF) anywhere.
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One recipient's digest subscription.

    Attributes:
        recipient: the e-mail address.
        every_seconds: its own interval, or None (the setting's).
        rules: names of the rules it follows, or None (every rule).
        user_id: the dashboard user who set it up, or None.
        active: False once unsubscribed.
        last_sent_at: when the last digest went out (aware UTC), or None.
        from_settings: listed in ``watch_email_to`` (and not yet seen by the watcher when no
            row exists).
    """

    recipient: str
    every_seconds: int | None = None
    rules: tuple[str, ...] | None = None
    user_id: int | None = None
    active: bool = True
    last_sent_at: dt.datetime | None = None
    from_settings: bool = False

    def interval(self, settings: Settings) -> float:
        """Seconds between two digests to this recipient."""
        return float(self.every_seconds or settings.watch_email_every_seconds)

    def to_dict(self, settings: Settings | None = None) -> dict[str, Any]:
        """JSON view (``every``: the interval as ``15m``/``1d``, with the setting's when given)."""
        from .urls import format_every

        seconds = self.every_seconds or (int(settings.watch_email_every_seconds) if settings else None)
        return {"recipient": self.recipient, "every": format_every(seconds) if seconds else None,
                "every_seconds": seconds, "own_interval": self.every_seconds is not None,
                "rules": list(self.rules) if self.rules is not None else None,
                "user_id": self.user_id, "active": self.active,
                "last_sent_at": self.last_sent_at.isoformat() if self.last_sent_at else None,
                "from_settings": self.from_settings}


def check_address(value: str) -> str:
    """``value`` as one plain e-mail address (``name@host``), trimmed.

    Raises:
        InputError: empty, longer than :data:`MAX_ADDRESS_CHARS`, more than one address, a
            display name, or a character that could break a mail header (CR, LF).
    """
    address = (value or "").strip()
    if not address or len(address) > MAX_ADDRESS_CHARS or not _ADDRESS.fullmatch(address):
        raise InputError("not one e-mail address (name@host)", subject=address[:80] or "(empty)")
    return address


def _settings_addresses(settings: Settings) -> list[str]:
    out = []
    for part in str(settings.watch_email_to).split(","):
        if part.strip():
            try:
                out.append(check_address(part))
            except InputError:
                continue  # a bad address in the settings is reported by send_digests
    return out


def _row(r: Any, listed: Iterable[str] = ()) -> Subscription:
    sent = r.last_sent_at
    if sent is not None and sent.tzinfo is None:
        sent = sent.replace(tzinfo=dt.UTC)
    return Subscription(r.recipient, r.every_seconds, tuple(r.rules) if r.rules is not None else None,
                        r.user_id, bool(r.active), sent, r.recipient in set(listed))


def subscriptions(store: Store, settings: Settings) -> list[Subscription]:
    """Every subscription, by address: the stored ones and the ``watch_email_to`` addresses
    the watcher has not seen yet."""
    listed = _settings_addresses(settings)
    with store.read() as conn:
        rows = {r.recipient: _row(r, listed) for r in conn.execute(sa.select(watch_digest))}
    for address in listed:
        rows.setdefault(address, Subscription(address, from_settings=True))
    return [rows[k] for k in sorted(rows)]


def user_subscription(store: Store, user_id: int) -> Subscription | None:
    """The subscription a dashboard user set up, or None."""
    with store.read() as conn:
        r = conn.execute(sa.select(watch_digest).where(watch_digest.c.user_id == user_id)
                         .order_by(watch_digest.c.recipient)).first()
    return _row(r) if r is not None else None


def _check_rules(conn: Any, rules: Iterable[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in rules if n.strip()))
    known = set(conn.execute(sa.select(watch_rule.c.name).where(watch_rule.c.name.in_(names))).scalars())
    for name in names:
        if name not in known:
            raise NotFound("no rule has this name (see `newswatch rule list`)", subject=name)
    return names


def subscribe(store: Store, recipient: str, *, every_seconds: int | None = None,
              rules: Iterable[str] | None = None, user_id: int | None = None) -> Subscription:
    """Subscribe ``recipient`` (or change its subscription, and make it active again).

    Args:
        store: the store.
        recipient: one e-mail address (:func:`check_address`).
        every_seconds: its own interval in seconds (None: the setting's).
        rules: the names of the rules it follows (None or empty: every rule).
        user_id: the dashboard user who sets it up; that user's earlier subscription to
            another address is ended (one per user).

    Raises:
        InputError: not one e-mail address.
        NotFound: a rule that does not exist.
    """
    address = check_address(recipient)
    if every_seconds is not None and every_seconds < 60:
        raise InputError("a digest interval is at least one minute", subject=address)
    g = watch_digest.c
    with write_transaction(store.engine) as conn:
        names = _check_rules(conn, rules or ()) or None
        values: dict[str, Any] = {"every_seconds": every_seconds,
                                  "rules": list(names) if names else None, "active": True}
        if user_id is not None:
            conn.execute(sa.update(watch_digest).where(g.user_id == user_id, g.recipient != address)
                         .values(active=False, user_id=None))
            values["user_id"] = user_id
        if conn.execute(sa.select(g.recipient).where(g.recipient == address)).first() is None:
            newest = conn.scalar(sa.select(sa.func.max(watch_alert.c.id))) or 0
            conn.execute(sa.insert(watch_digest).values(recipient=address, last_alert_id=newest,
                                                        last_sent_at=None, **values))
        else:
            conn.execute(sa.update(watch_digest).where(g.recipient == address).values(**values))
        row = conn.execute(sa.select(watch_digest).where(g.recipient == address)).one()
    return _row(row)


def unsubscribe(store: Store, recipient: str) -> Subscription:
    """End ``recipient``'s digests (the row stays, inactive, so an address the settings list
    stays silent too; :func:`subscribe` starts it again).

    Raises:
        InputError: not one e-mail address.
    """
    address = check_address(recipient)
    g = watch_digest.c
    with write_transaction(store.engine) as conn:
        if conn.execute(sa.select(g.recipient).where(g.recipient == address)).first() is None:
            newest = conn.scalar(sa.select(sa.func.max(watch_alert.c.id))) or 0
            conn.execute(sa.insert(watch_digest).values(recipient=address, last_alert_id=newest,
                                                        active=False))
        else:
            conn.execute(sa.update(watch_digest).where(g.recipient == address)
                         .values(active=False, user_id=None))
        row = conn.execute(sa.select(watch_digest).where(g.recipient == address)).one()
    return _row(row)


def digest_message(alerts: list[dict[str, Any]], sender: str, recipient: str) -> EmailMessage:
    """One plain-text e-mail rolling up ``alerts`` (oldest first): per alert the rule, the
    article's title, source, date and link, and the evidence sentence."""
    rules = sorted({a["rule"] for a in alerts})
    msg = EmailMessage()
    msg["Subject"] = (f"newswatch: {len(alerts)} alert{'s' if len(alerts) != 1 else ''} "
                      f"({', '.join(rules)})")
    msg["From"], msg["To"] = sender, recipient
    lines = []
    for a in alerts:
        lines.append(f"[{a['rule']}] {a.get('title') or a['article_id']}")
        meta = " · ".join(x for x in (a.get("source"), a.get("published")) if x)
        if meta:
            lines.append(f"  {meta}")
        if a.get("url"):
            lines.append(f"  {a['url']}")
        if a.get("sentence"):
            lines.append(f"  \u201c{a['sentence']}\u201d")
        lines.append(f"  (article {a['article_id']}, revision {a['revision_id']}, "
                     f"alert {a['alert_id']})")
        lines.append("")
    msg.set_content("\n".join(lines))
    return msg


def send_digests(store: Store, settings: Settings, now: dt.datetime,
                 log: Callable[[str], None]) -> int:
    """Send each active recipient whose interval has passed since its last digest the alerts
    of its rules recorded since then (through ``watch_email_smtp``).

    A ``watch_email_to`` address seen for the first time is subscribed to every rule at the
    setting's interval, starting with the alerts to come. A failed send is one line on
    ``log`` and is tried again at the next call.

    Returns:
        How many digests were sent.
    """
    import smtplib

    if not settings.watch_email_smtp:
        return 0
    host, _, port = str(settings.watch_email_smtp).rpartition(":")
    for part in str(settings.watch_email_to).split(","):
        if part.strip() and part.strip() not in _settings_addresses(settings):
            log(f"digest to {part.strip()[:80]!r}: bad-input: not one e-mail address (skipped)")
    a, g = watch_alert.c, watch_digest.c
    with write_transaction(store.engine) as conn:
        known = set(conn.execute(sa.select(g.recipient)).scalars())
        newest = conn.scalar(sa.select(sa.func.max(a.id))) or 0
        for address in _settings_addresses(settings):
            if address not in known:  # a new recipient: its digests start with the alerts to come
                conn.execute(sa.insert(watch_digest).values(recipient=address, last_alert_id=newest))
                known.add(address)
    sent = 0
    for sub in subscriptions(store, settings):
        if not sub.active:
            continue
        if sub.last_sent_at is not None and (now - sub.last_sent_at).total_seconds() < sub.interval(settings):
            continue
        with store.read() as conn:
            last = conn.scalar(sa.select(g.last_alert_id).where(g.recipient == sub.recipient)) or 0
            stmt = sa.select(watch_alert, watch_rule.c.name).join(
                watch_rule, watch_rule.c.id == a.rule_id).where(a.id > last)
            if sub.rules is not None:  # a removed rule is simply no longer followed
                stmt = stmt.where(watch_rule.c.name.in_(sub.rules))
            rows = conn.execute(stmt.order_by(a.id).limit(DIGEST_MAX_ALERTS)).all()
        if not rows:
            continue
        alerts = [{**dict(r.evidence), "alert_id": int(r.id)} for r in rows]
        msg = digest_message(alerts, str(settings.watch_email_from), sub.recipient)
        try:
            with smtplib.SMTP(host or "localhost", int(port or 25),
                              timeout=float(settings.fetch_timeout_seconds)) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            log(f"digest to {sub.recipient}: smtp: {type(exc).__name__}: {exc} (tried again next pass)")
            continue
        with write_transaction(store.engine) as conn:
            conn.execute(sa.update(watch_digest).where(g.recipient == sub.recipient).values(
                last_alert_id=alerts[-1]["alert_id"], last_sent_at=now))
        sent += 1
    return sent
