"""A file named ``.warc`` that is not a WARC archive (issue 14, Low): refused with the
documented reason ``unsupported-format`` on one line naming it, never stored as an article,
and the rest of the folder is ingested. (Reading real WARC archives is the scale work of
issue 11; whatever it reads, a ``.warc`` holding plain text must stay refused.)"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from newswatch.cli import app
from newswatch.storage import Store

GOOD = ("The governor of Kandahar province said on Monday that the road to the border crossing "
        "at Spin Boldak was open again after three days of fighting.")
NOT_WARC = ("Officials in Herat said the airport would stay closed until Friday while the "
            "runway is repaired.")


def test_a_dot_warc_that_is_not_warc_is_refused_and_not_stored(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "crawl.warc").write_text(NOT_WARC, encoding="utf-8")
    db = tmp_path / "w.sqlite"
    res = CliRunner().invoke(app, ["ingest", "--db", str(db), "--no-progress", str(d)])
    assert res.exit_code == 1, res.output  # partial failure (README, exit codes)
    assert "ingested 1 new, 0 revised, 0 unchanged, 1 failed" in res.stdout
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"{d}/crawl.warc: unsupported-format: ")
    with Store.open(f"sqlite:///{db}") as store, store.read() as conn:
        texts = [r[0] for r in conn.execute(sa.text("select text from revision"))]
        articles = conn.execute(sa.text("select count(*) from article")).scalar_one()
    assert texts == [GOOD] and articles == 1
