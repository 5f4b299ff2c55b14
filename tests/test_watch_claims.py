"""The claim-revised trigger (issue 10) on real texts analysed by the pipeline: the seed
(Inforos, 8 July 2021: the Taliban control 188 districts), its reprint (the same 188) and a
second article citing the Long War Journal's count of 223 districts on 31 July."""

from __future__ import annotations

import datetime as dt

from newswatch.model import Article
from newswatch.storage import Store
from newswatch.watch.rules import add_rule, check_filters, claim_revisions

from situation_helpers import LWJ_TEXT, reformatted, run


def test_a_figure_given_another_value_by_a_later_report_alerts(
        tmp_path, situation_pipeline, seed_article: Article, seed_raw: str) -> None:
    reprint = run(situation_pipeline, reformatted(seed_raw), published=dt.date(2021, 7, 9),
                  article_id="reprint", source="Reprint Daily")
    lwj = run(situation_pipeline, LWJ_TEXT, published=dt.date(2021, 8, 1), article_id="lwj",
              source="Test Wire")
    with Store.open(f"sqlite:///{tmp_path / 'claims.sqlite'}") as store:
        about_taliban = add_rule(store, "taliban-figures", "",
                                 check_filters(claim_revised=True, entity="Taliban"))
        about_lavrov = add_rule(store, "lavrov-figures", "",
                                check_filters(claim_revised=True, entity="Sergei Lavrov"))
        rev = {a.id: store.save(a).revision_id for a in (seed_article, reprint, lwj)}
        with store.read() as conn:
            assert claim_revisions(conn, about_taliban, rev["seed"]) == []
            assert claim_revisions(conn, about_taliban, rev["reprint"]) == []  # the same 188
            (ev,) = claim_revisions(conn, about_taliban, rev["lwj"])
            assert claim_revisions(conn, about_lavrov, rev["lwj"]) == []  # no figure about him
    assert (ev["subject"], ev["property"], ev["value"]) == ("Taliban", "district controlled", 223.0)
    assert (ev["previous"]["value"], ev["previous"]["article_id"]) == (188.0, "reprint")
    assert "223" in ev["sentence"] and ev["source"] == "Test Wire"
