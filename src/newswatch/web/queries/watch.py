"""What the dashboard's watch pages show and do: followed sources with their health, saved
rules (created from the same fields as ``newswatch rule add`` and checked by the same code),
"what would this rule have fired" on the stored data, and the alert history with links to the
evidence.

Everything goes through :mod:`newswatch.watch` (``sources``, ``rules``, ``query``): this module
only turns form fields into the arguments those functions take and their results into rows a
template shows; no watch logic lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...errors import BadQuery
from ...storage import Store
from ...storage import schema as t
from ...storage.watch_schema import watch_alert
from ...watch.query import parse_query
from ...watch.rules import Rule, check_filters, list_rules, recent_alerts, try_rule
from ...watch.sources import list_sources
from ...watch.urls import format_every
from ..security import http_url

__all__ = ["ALERTS_SHOWN", "RULE_FIELDS", "RuleForm", "alert_rows", "rule_rows",
           "source_rows", "sentence_span", "trial_matches"]

#: Alerts the alert history shows (newest first).
ALERTS_SHOWN = 200
#: Matches a rule test shows.
TEST_MATCHES = 50
#: The text fields of the rule form, named as the ``rule add`` options (``--event-type`` is
#: ``event_type``...); ``surge`` and ``claim_revised`` are checkboxes.
RULE_FIELDS = ("name", "query", "event_type", "event_mode", "min_confidence", "country", "near",
               "radius_km", "radius_for", "language", "entity", "source", "cooldown", "min_count",
               "window")


@dataclass
class RuleForm:
    """The rule form's fields as the analyst typed them (all text, as the page shows them
    again); :meth:`rule` checks them with the code of ``newswatch rule add``."""

    values: dict[str, str] = field(default_factory=dict)
    surge: bool = False
    claim_revised: bool = False

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> RuleForm:
        """From a form or query string: the :data:`RULE_FIELDS` (trimmed, missing ones empty)
        and the two checkboxes (``1``/``on``/``true`` is checked)."""
        values = {k: str(fields.get(k) or "").strip() for k in RULE_FIELDS}
        checked = ("1", "on", "true")
        return cls(values, str(fields.get("surge") or "") in checked,
                   str(fields.get("claim_revised") or "") in checked)

    @classmethod
    def from_rule(cls, rule: Rule) -> RuleForm:
        """The form of a saved rule (to edit it): its filters spelled as ``rule add`` takes
        them (``near`` as ``LAT,LON``, durations as ``2h``)."""
        f = rule.filters
        values = dict.fromkeys(RULE_FIELDS, "")
        values.update(name=rule.name, query=rule.query)
        for k in ("event_type", "event_mode", "country", "language", "entity", "source"):
            values[k] = str(f.get(k) or "")
        if f.get("min_confidence") is not None:
            values["min_confidence"] = f"{float(f['min_confidence']):g}"
        if f.get("near"):
            values["near"] = f"{f['near'][0]:g},{f['near'][1]:g}"
            if f.get("radius_km") is not None:
                values["radius_km"] = f"{float(f['radius_km']):g}"
        if f.get("radius_by_type"):
            values["radius_for"] = ", ".join(f"{k}={float(v):g}" for k, v in f["radius_by_type"].items())
        if f.get("cooldown_seconds"):
            values["cooldown"] = format_every(int(f["cooldown_seconds"]))
        if f.get("min_count"):
            values["min_count"] = str(f["min_count"])
            values["window"] = format_every(int(f["window_seconds"]))
        return cls(values, bool(f.get("surge")), bool(f.get("claim_revised")))

    def _number(self, key: str, kind: type) -> Any:
        raw = self.values.get(key, "")
        if not raw:
            return None
        try:
            return kind(raw)
        except ValueError:
            option = "--" + key.replace("_", "-")
            raise BadQuery(f"{option} {raw!r} is not a number") from None

    def rule(self, name_needed: bool = True) -> Rule:
        """The unsaved rule these fields describe.

        Raises:
            BadQuery: a malformed query or filter (the message says which and why), or no
                name when ``name_needed``.
            UnknownCountry: the country is not an ISO 3166-1 code or name.
        """
        v = self.values
        if name_needed and not v.get("name"):
            raise BadQuery("a rule needs a name")
        filters = check_filters(v.get("event_type") or None, v.get("country") or None,
                                v.get("near") or None, self._number("radius_km", float),
                                v.get("language") or None, v.get("cooldown") or None,
                                v.get("entity") or None, v.get("source") or None,
                                self._number("min_count", int), v.get("window") or None,
                                self.surge, self.claim_revised,
                                event_mode=v.get("event_mode") or None,
                                min_confidence=self._number("min_confidence", float),
                                radius_for=[v["radius_for"]] if v.get("radius_for") else None)
        if not (self.surge or self.claim_revised):
            parse_query(v.get("query", ""))
        return Rule(0, v.get("name") or "(test)", v.get("query", ""), filters)


def source_rows(store: Store) -> list[dict[str, Any]]:
    """Every followed source's health (:meth:`newswatch.watch.sources.Source.health`): id,
    name, url, feed_url, state (ok, new, failing, paused), every, last_fetch_at, last_new_at,
    errors_in_row, next_fetch_at (None: due now), last_error, last_status, items_ingested."""
    return [s.health() for s in list_sources(store)]


def rule_rows(store: Store) -> list[dict[str, Any]]:
    """Every saved rule (:meth:`newswatch.watch.rules.Rule.to_dict`) with ``alerts``, the
    number of alerts it fired, and ``trigger`` (match, count, surge or claim-revised)."""
    rules = list_rules(store)
    with store.read() as conn:
        counts = {int(rule_id): int(n) for rule_id, n in conn.execute(
            sa.select(watch_alert.c.rule_id, sa.func.count()).group_by(watch_alert.c.rule_id))}
    out = []
    for r in rules:
        f = r.filters
        trigger = ("surge" if f.get("surge") else "claim-revised" if f.get("claim_revised")
                   else "count" if f.get("min_count") else "match")
        out.append({**r.to_dict(), "alerts": int(counts.get(r.id, 0)), "trigger": trigger})
    return out


def sentence_span(text: str, sentence: str | None) -> tuple[int, int] | None:
    """Where ``sentence`` (whitespace collapsed, as alert evidence keeps it) lies in ``text``:
    code-point offsets ``(start, end)``, or None when it is not there (a surge's summary
    sentence, an evidence sentence cut at its length limit is found by its beginning)."""
    words = (sentence or "").split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words[:60])
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def _article_link(article_id: str, revision_id: Any, span: tuple[int, int] | None = None) -> str:
    params: dict[str, Any] = {}
    if revision_id is not None:
        params["rev"] = int(revision_id)
    if span is not None:
        params["hl"] = f"{span[0]}-{span[1]}"
    return (f"/articles/{article_id}" if not params else
            f"/articles/{article_id}?{urlencode(params)}") + ("#hl" if span else "")


def _links(conn: Connection, evidence: dict[str, Any]) -> dict[str, Any]:
    """Links of one alert's evidence: ``article_link`` (the revision), ``sentence_link`` (the
    revision with the sentence highlighted, when the sentence is in its text), ``event_link``
    (the events list of the event type, or of the surging country), ``claim_link`` (the
    claims ledger) and ``previous_link`` (the earlier report a revised figure contradicts)."""
    article_id = str(evidence.get("article_id") or "")
    revision_id = evidence.get("revision_id")
    out: dict[str, Any] = {"article_link": None, "sentence_link": None, "event_link": None,
                           "claim_link": None, "previous_link": None,
                           "url": http_url(evidence.get("url"))}
    if not article_id:
        return out
    out["article_link"] = _article_link(article_id, revision_id)
    if revision_id is not None:
        text = conn.scalar(sa.select(t.revision.c.text).where(t.revision.c.id == int(revision_id)))
        span = sentence_span(text or "", evidence.get("sentence"))
        if span is not None:
            out["sentence_link"] = _article_link(article_id, revision_id, span)
    if evidence.get("trigger") == "surge":
        out["event_link"] = "/events?" + urlencode({"type": "ASSAULT",
                                                    "country": evidence.get("region") or ""})
    elif evidence.get("event_type"):
        out["event_link"] = "/events?" + urlencode({"type": evidence["event_type"]})
    if evidence.get("trigger") == "claim-revised":
        out["claim_link"] = "/claims"
        previous = (evidence.get("previous") or {}).get("article_id")
        if previous:
            out["previous_link"] = _article_link(str(previous), None)
    return out


def alert_rows(store: Store, limit: int = ALERTS_SHOWN) -> list[dict[str, Any]]:
    """The latest alerts, newest first (:func:`newswatch.watch.rules.recent_alerts`: the
    evidence with ``alert_id`` and ``created_at``), each with the links of :func:`_links`."""
    alerts = recent_alerts(store, limit)
    with store.read() as conn:
        return [{**a, **_links(conn, a)} for a in alerts]


def trial_matches(store: Store, rule: Rule, limit: int = TEST_MATCHES) -> list[dict[str, Any]]:
    """What ``rule`` would have fired on the stored data (:func:`newswatch.watch.rules.try_rule`,
    the code of ``newswatch rule test``), each match with the links of :func:`_links`.

    Raises:
        BadQuery: the query does not parse.
        StorageError: no full-text index.
    """
    with store.read() as conn:
        return [{**m, **_links(conn, m)} for m in try_rule(conn, rule, limit)]
