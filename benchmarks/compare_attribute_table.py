"""spaCy's ``attribute_ruler`` against newswatch's attribute table over whole corpora: every
token's text, tag, POS, morphology, lemma, dependency, head and entity labels after the full
English pipeline, one pipeline with each.

Usage (from the repository root, after ``bash scripts/setup.sh``)::

    .venv/bin/python benchmarks/compare_attribute_table.py ../shared/corpus/*/*.jsonl

Prints the number of texts, tokens and documents that differ in any of those columns (and the
first differing tokens); exit 1 when any differs. Besides the records' ``text`` it runs a few
sentences of our own with the English rules' contractions and exceptions. pytest never
collects this file (``tests/test_attribute_table.py`` checks a sample of the same).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, TAG

from newswatch.stages.nlp import load_english

OWN = ["Y'all ain't gonna believe it, let's go! There is a cat; there's two. C'mon, he gets it and got it.\n\n"
       "  Gotta go.  Ya'll", "He ain't here. Y all. y'all. Let 's. Are there any? There were many. Let's   \t go.", ""]
COLUMNS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]


def main(paths: list[str]) -> int:
    stock = load_english(attribute_table=False)
    table = load_english()
    assert "attribute_table" in table.pipe_names, table.pipe_names
    texts = [json.loads(line)["text"] for p in paths for line in Path(p).read_text("utf-8").splitlines()] + OWN
    tokens = differ = 0
    for a, b in zip(stock.pipe(texts, batch_size=4), table.pipe(texts, batch_size=4), strict=True):
        tokens += len(a)
        x, y = a.to_array(COLUMNS), b.to_array(COLUMNS)
        if x.shape != y.shape or not (x == y).all():
            differ += 1
            for ta, tb in zip(a, b, strict=False):
                if (ta.tag_, ta.pos_, str(ta.morph), ta.lemma_) != (tb.tag_, tb.pos_, str(tb.morph), tb.lemma_):
                    print("differs:", repr(ta.text), ta.pos_, ta.morph, ta.lemma_, "|", tb.pos_, tb.morph, tb.lemma_)
                    break
    print(f"texts {len(texts)}, tokens {tokens}, documents that differ {differ}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
