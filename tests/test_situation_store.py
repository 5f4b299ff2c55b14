"""The situation in the store: reprints cluster, their events merge, claims group across articles.

The seed (Inforos, 8 July 2021) is saved with a re-formatted reprint and with a second article
citing LWJ's 31 July count of 223 Taliban districts (shared/design/field-notes.md §0).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from newswatch import read
from newswatch.ingest import budget
from newswatch.model import Article
from newswatch.situation import dedup
from newswatch.storage import Store

from situation_helpers import LWJ_TEXT, reformatted, run


@pytest.fixture
def loaded(tmp_path, situation_pipeline, seed_article: Article, seed_raw: str) -> tuple[str, Article, Article]:
    """A SQLite store holding the seed, its reprint and the LWJ article."""
    url = f"sqlite:///{tmp_path / 'situation.sqlite'}"
    reprint = run(situation_pipeline, reformatted(seed_raw), published=dt.date(2021, 7, 9),
                  article_id="reprint", source="Reprint Daily")
    lwj = run(situation_pipeline, LWJ_TEXT, published=dt.date(2021, 8, 1), article_id="lwj", source="Test Wire")
    with Store.open(url) as s:
        for a in (seed_article, reprint, lwj):
            assert s.save(a).status == "new"
    return url, reprint, lwj


def test_reprint_clusters_with_the_seed_and_its_events_merge(loaded) -> None:
    url, reprint, _ = loaded
    with Store.open(url) as s, s.read() as conn:
        clusters = read.clusters(conn)
        events = read.events(conn)
    assert len(clusters) == 1
    assert {m["article_id"] for m in clusters[0]["members"]} == {"seed", "reprint"}
    assert clusters[0]["members"][1]["similarity"] >= 0.98
    assert len(events) == len(reprint.events)  # every reprint event joined a seed event
    bagram = next(e for e in events if e["type"] == "RETREAT" and e["place"] == "Bagram Airfield")
    assert bagram["mention_count"] == 2
    assert {m["article_id"] for m in bagram["mentions"]} == {"seed", "reprint"}
    assert all("Bagram Airfield" in m["sentence"] for m in bagram["mentions"])
    offensives = [e for e in events if e["type"] == "ASSAULT" and e["actor"] == "Taliban"]
    assert len(offensives) >= 2  # two mentions in one article stay two events


def test_claims_about_taliban_districts_form_one_group_newest_marked(loaded) -> None:
    url, _, _ = loaded
    with Store.open(url) as s, s.read() as conn:
        groups = read.claim_groups(conn, "Taliban")
    g = next(x for x in groups if x.property == "district controlled")
    assert g.values == [188.0, 223.0]
    assert g.conflicting
    assert [(c.article_id, c.value, c.as_of) for c in g.claims] == [
        ("seed", 188.0, "2021-07-08"), ("reprint", 188.0, "2021-07-09"), ("lwj", 223.0, "2021-07-31")]
    assert [c.newest for c in g.claims] == [False, False, True]
    assert [c.most_cited for c in g.claims] == [True, True, False]
    assert all(c.cited == ["Long War Journal"] for c in g.claims)
    assert g.claims[2].outlet == "Test Wire" and g.claims[0].outlet == "Inforos"


def test_a_signature_carried_from_the_worker_is_stored_and_a_missing_one_computed(
        tmp_path, situation_pipeline, seed_article: Article, seed_raw: str) -> None:
    """The store keeps the MinHash signature an article arrives with (``Article.minhash``, set
    by the analysis worker's ``_for_parent``) and computes it for one without (or with one of
    the wrong length): the stored rows are those of the store's own computation."""
    reprint = budget._for_parent(run(situation_pipeline, reformatted(seed_raw), published=dt.date(2021, 7, 9),
                                     article_id="reprint", source="Reprint Daily"))
    assert reprint.minhash == dedup.signature_bytes(reprint.text) == dedup.to_bytes(dedup.signature(reprint.text))
    assert len(reprint.minhash) == 4 * dedup.NUM_PERM
    seed = dataclasses.replace(seed_article)
    assert seed.minhash is None
    odd = run(situation_pipeline, LWJ_TEXT, published=dt.date(2021, 8, 1), article_id="lwj", source="Test Wire")
    odd.minhash = b"\x00" * 12  # not a signature: ignored
    # a carried signature is used as it is: an article carrying the seed's clusters with it
    carrier = run(situation_pipeline, "Another text entirely, about nothing in the seed at all today.",
                  article_id="carrier", source="Test Wire")
    carrier.minhash = dedup.signature_bytes(seed_article.text)
    url = f"sqlite:///{tmp_path / 'carried.sqlite'}"
    with Store.open(url) as s:
        for a in (seed, reprint, odd, carrier):
            assert s.save(a).status == "new"
        with s.read() as conn:
            rows = dict(conn.execute(sa.text(
                "SELECT v.article_id, m.signature FROM revision_minhash m "
                "JOIN revision v ON v.id = m.revision_id")).all())
            buckets = {art: [b for _, b in sorted(conn.execute(sa.text(
                "SELECT b.band, b.bucket FROM minhash_band b JOIN revision v ON v.id = b.revision_id "
                "WHERE v.article_id = :a"), {"a": art}).all())] for art in rows}
            clusters = read.clusters(conn)
    texts = {"seed": seed_article.text, "reprint": reprint.text, "lwj": LWJ_TEXT, "carrier": seed_article.text}
    assert {k: bytes(v) for k, v in rows.items()} == {k: dedup.signature_bytes(v) for k, v in texts.items()}
    assert buckets == {k: dedup.bands(dedup.signature(v)) for k, v in texts.items()}
    assert len(clusters) == 1
    members = {m["article_id"]: m["similarity"] for m in clusters[0]["members"]}
    assert members.keys() == {"seed", "reprint", "carrier"}
    assert members["reprint"] == dedup.similarity(dedup.signature(seed_article.text), dedup.signature(reprint.text))
    assert members["carrier"] == 1.0


def test_reingest_is_idempotent_and_articles_load_back(loaded, seed_article: Article) -> None:
    url, _, _ = loaded
    with Store.open(url) as s:
        before = s.counts()
        assert s.save(seed_article).status == "unchanged"
        assert s.counts() == before
        back = s.load_article("seed")
    assert back.events == seed_article.events
    assert back.claims == seed_article.claims


def test_a_revised_text_adds_mentions_not_events(loaded, situation_pipeline, seed_raw: str) -> None:
    # the kind of drift field-notes §0 describes: a later reading reports another count
    url, _, _ = loaded
    revised = run(situation_pipeline, seed_raw.replace("188 counties", "193 counties"), article_id="seed",
                  source="Inforos")
    with Store.open(url) as s:
        with s.read() as conn:
            before = {e["id"]: e["mention_count"] for e in read.events(conn)}
        assert s.save(revised).status == "revised"
        with s.read() as conn:
            after = {e["id"]: e["mention_count"] for e in read.events(conn)}
            group = next(g for g in read.claim_groups(conn, "Taliban") if g.property == "district controlled")
    assert after.keys() == before.keys()  # no new event
    assert sum(after.values()) == sum(before.values()) + len(revised.events)
    # only the latest revision of an article counts: the seed now says 193 (its replaced
    # text's 188 is no report any more), the reprint still says 188
    assert group.values == [193.0, 188.0, 223.0]
    assert [c.article_id for c in group.claims] == ["seed", "reprint", "lwj"]


def test_claims_command_lists_groups(loaded) -> None:
    import json

    import typer

    from newswatch.cli.claims import claims

    url, _, _ = loaded
    app = typer.Typer()
    app.command()(claims)
    app.command("noop")(lambda: None)  # a second command keeps "claims" as a sub-command
    result = CliRunner().invoke(app, ["claims", "--db", url, "--subject", "taliban", "--format", "json",
                                      "--min-claims", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    g = next(x for x in data if x["property"] == "district controlled")
    assert g["values"] == [188.0, 223.0] and g["conflicting"] is True
    assert g["claims"][-1]["newest"] is True
    text = CliRunner().invoke(app, ["claims", "--db", url, "--subject", "taliban"])
    assert text.exit_code == 0 and "223" in text.output and "newest" in text.output
    missing = CliRunner().invoke(app, ["claims", "--db", url.replace("situation.sqlite", "none.sqlite")])
    assert missing.exit_code == 3


def test_migration_0003_keeps_existing_rows(tmp_path) -> None:
    from alembic import command

    from newswatch.storage.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    cfg = alembic_config()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.exec_driver_sql("INSERT INTO article (id, first_seen) VALUES ('a1', '2021-07-08 00:00:00')")
        conn.exec_driver_sql(
            "INSERT INTO revision (article_id, seq, content_hash, text, extractor, read_at, origin, input_format, "
            "meta, stages_run, sentences) VALUES ('a1', 1, 'h', 'The Taliban attacked.', '', '2021-07-08 00:00:00', "
            "'', 'text', '{}', '[]', '[]')")
        conn.exec_driver_sql("INSERT INTO entity (key, label, canonical, country) "
                             "VALUES ('alias:taliban', 'ORG', 'Taliban', 'AFG')")
        conn.exec_driver_sql(
            "INSERT INTO event (revision_id, start, \"end\", type, actor, sentence_start, sentence_end, stage, "
            "stage_version, confidence) VALUES (1, 0, 20, 'ASSAULT', 'Taliban', 0, 21, 'events', '0', 0.5)")
    engine.dispose()
    with Store.open(url) as s:
        with s.read() as conn:
            ent = conn.execute(sa.text("SELECT key, canonical, country, identity_id FROM entity")).one()
            mention = conn.execute(sa.text("SELECT event_id, type, actor, start, \"end\" FROM event_mention")).one()
            count = conn.execute(sa.text("SELECT mention_count, negated FROM event")).one()
        assert tuple(ent) == ("alias:taliban", "Taliban", "AFG", None)
        assert tuple(mention) == (1, "ASSAULT", "Taliban", 0, 20)
        assert tuple(count) == (1, False)
        assert [e.type for e in s.load_article("a1").events] == ["ASSAULT"]


def test_keyed_people_answer_what_the_name_and_surname_queries_select(tmp_path) -> None:
    """The identity look-ups of one article (``_KeyedPeople``: one read for all of them) give
    the rows, in the order, that the per-look-up queries ``_q_same_name`` and
    ``_q_same_surname`` select, the article's own entities last, for every key the article's
    entities have (the only keys it is asked about)."""
    from newswatch.storage import schema as t
    from newswatch.storage import situation as sit
    from newswatch.storage.engine import write_transaction

    people = [  # key, label, name key, surname key
        ("PERSON:A Petrov", "PERSON", "a petrov", "petrov"),
        ("PERSON:Petrov", "PERSON", None, "petrov"),
        ("PERSON:B Petrov", "PERSON", "b petrov", "petrov"),
        ("ORG:A Petrov", "ORG", "a petrov", "petrov"),
        ("PERSON:A. Petrov", "PERSON", "a petrov", "petrov"),
        ("PERSON:Petrova", "PERSON", None, "petrov"),  # no name key: never a surname candidate
        ("PERSON:C Ivanov", "PERSON", "c ivanov", "ivanov"),
        ("PERSON:Ivanov", "PERSON", None, "ivanov"),
    ]
    with Store.open(f"sqlite:///{tmp_path / 'people.sqlite'}") as s, write_transaction(s.engine) as conn:
        conn.execute(sa.insert(t.entity), [
            {"key": k, "label": lb, "canonical": k.split(":")[1], "name_key": nk, "surname_key": sk}
            for k, lb, nk, sk in people])
        rows = {r["id"]: r for r in conn.execute(sa.select(t.entity)).mappings()}
        own = {i: r for i, r in rows.items() if r["key"] in ("PERSON:Petrov", "PERSON:A. Petrov")}
        keyed = sit._KeyedPeople(conn, own, {})

        def ids(found):
            return [int(r["id"]) for r in found]

        for self_id in own:
            for nk in ("a petrov",):  # the one name key of the article's entities
                want = conn.execute(sit._q_same_name(), {"nk": nk, "self_id": self_id}).mappings().all()
                got = keyed.candidates(self_id, nk=nk)
                # the query's rows by id, the article's own moved last (as read, then as kept)
                assert ids(got) == sorted(ids(want), key=lambda i: (i in own, i))
            want = conn.execute(sit._q_same_surname(), {"sk": "petrov", "self_id": self_id}).mappings().all()
            assert ids(keyed.candidates(self_id, sk="petrov")) == sorted(ids(want), key=lambda i: (i in own, i))
        a_dot = next(i for i, r in own.items() if r["key"] == "PERSON:A. Petrov")
        by_key = {r["key"]: int(r["id"]) for r in rows.values()}
        assert ids(keyed.candidates(a_dot, nk="a petrov")) == [by_key["PERSON:A Petrov"]]
        assert ids(keyed.candidates(a_dot, sk="petrov")) == [by_key["PERSON:A Petrov"], by_key["PERSON:B Petrov"]]
        assert ids(keyed.candidates(by_key["PERSON:Petrov"], sk="petrov")) == [
            by_key["PERSON:A Petrov"], by_key["PERSON:B Petrov"], a_dot]
        assert keyed.candidates(a_dot, nk="nobody") == []
