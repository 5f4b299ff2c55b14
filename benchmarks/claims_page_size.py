"""How big the claims page is on a database with many claim groups (issue 12).

Builds the web test database plus many damage reports (``tests/web_samples.build_claims_db``:
40 articles over 120 claim groups, 1,920 claims) and prints, for ``GET /claims``, the table
rows, the claim groups shown, and the HTML size. Run it with the sources to measure first:

    PYTHONPATH=src:tests .venv/bin/python benchmarks/claims_page_size.py [DB_PATH]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from web_samples import build_claims_db, make_client  # noqa: E402  (after the path)


def main() -> None:
    """Build the database (or reuse the one given) and measure the page."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "claims.sqlite"
    url = f"sqlite:///{path}" if path.exists() else build_claims_db(path)
    with make_client(url) as client:
        html = client.get("/claims", headers={"accept": "text/html"}).text
    rows = html.count("<tr>") - html.count("<thead><tr>")
    print(f"claims page: {rows} claim rows, {html.count('<section')} groups, "
          f"{len(html.encode()):,} bytes of HTML ({path})")


if __name__ == "__main__":
    main()
