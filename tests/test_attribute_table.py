"""The attribute table sets exactly what spaCy's attribute ruler sets (stages/attribute_table.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

spacy = pytest.importorskip("spacy")

from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from newswatch.stages.attribute_table import AttributeTable, UnsupportedPattern, install  # noqa: E402

COLUMNS = [ORTH, TAG, POS, MORPH, LEMMA, DEP]

#: Our own sentences with the English ruler's patterns of several tokens and its exceptions
#: (contractions, existential "there", whitespace tokens, "gets"/"got").
EXCEPTIONS = [
    "Y'all ain't gonna believe it, let's go! There is a cat; there's two more. C'mon, he gets it.",
    "He got it.\n\n  We gotta go. Were there any? There were many.  \t Let 's see. y all.",
]


def _stock_ruler(name: str) -> Any:
    """The package's own attribute ruler, loaded alone (its own vocabulary)."""
    others = ["tok2vec", "tagger", "parser", "lemmatizer", "ner", "senter"]
    return spacy.load(name, exclude=others).get_pipe("attribute_ruler")


def _both(docs: list[Any], ruler: Any, table: AttributeTable) -> tuple[list[Any], list[Any]]:
    """Copies of ``docs`` after the ruler and after the table (each in the ruler's vocabulary)."""
    by_ruler, by_table = [], []
    for d in docs:
        a = Doc(ruler.vocab).from_bytes(d.to_bytes())
        b = Doc(ruler.vocab).from_bytes(d.to_bytes())
        by_ruler.append(ruler(a))
        by_table.append(table(b))
    return by_ruler, by_table


def _texts(shared_dir: Any) -> list[str]:
    texts = list(EXCEPTIONS)
    for folder, n in (("kremlin_en_central_asia_2021_2022", 40), ("wh_afghanistan_2021", 40)):
        with open(shared_dir / "corpus" / folder / "articles.jsonl", encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for _, line in zip(range(n), fh, strict=False)]
    return texts


def test_table_sets_what_the_packages_ruler_sets_on_news_texts(nlp_stage, shared_dir):
    from newswatch.stages.nlp import english_model_name

    nlp = nlp_stage._english()
    assert "attribute_table" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    ruler = _stock_ruler(english_model_name())
    table = AttributeTable.from_ruler(ruler)
    texts = _texts(shared_dir)
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        parsed = list(nlp.pipe(texts, batch_size=8))
    by_ruler, by_table = _both(parsed, ruler, table)
    tokens = 0
    for a, b in zip(by_ruler, by_table, strict=True):
        assert (a.to_array(COLUMNS) == b.to_array(COLUMNS)).all(), a.text[:80]
        tokens += len(a)
    assert tokens > 50_000
    # the rules did work: the ruler gives POS, and the exceptions of several tokens fired
    first = by_table[0]
    assert all(t.pos_ for t in first)
    lemmas = {(t.text, t.lemma_) for t in first}
    assert {("ai", "be"), ("gon", "go"), ("na", "to"), ("'s", "us")} <= lemmas
    assert next(t for t in first if t.text == "is").pos_ == "VERB"  # "There is": expletive's verb


def _doc(vocab: Any, words: list[str], tags: list[str], deps: list[str]) -> Any:
    return Doc(vocab, words=words, tags=tags, deps=deps, heads=[0] * len(words))


def test_precedence_indices_and_predicates_as_in_spacy():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN", "MORPH": "Number=Sing"})
    ruler.add([[{"LOWER": "bank", "TAG": "NN"}]], {"POS": "PROPN"})  # later: overrides POS only
    ruler.add([[{"LOWER": {"IN": ["the", "a"]}}, {"TAG": "NN"}]], {"LEMMA": "det-noun"}, index=-1)
    ruler.add([[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": {"IN": ["DT"]}}]], {"POS": "PRON"})
    ruler.add([[{"TEXT": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], {"LEMMA": "you"})
    ruler.add([[{"IS_SPACE": True}]], {"TAG": "_SP", "POS": "SPACE"})
    ruler.add([[{"TAG": "NN"}], [{"TAG": "NNS"}]], {"LEMMA": "noun"})  # two alternatives
    ruler.add([[{"LOWER": "bank"}, {"LOWER": "bank"}]], {"POS": "X"}, index=1)
    table = AttributeTable.from_ruler(ruler)
    docs = [
        _doc(nlp.vocab, ["The", "bank", "bank", "all", "y'", "all", " ", "that", "that", "cats"],
             ["DT", "NN", "NN", "DT", "PRP", "DT", "_SP", "DT", "DT", "NNS"],
             ["det", "ROOT", "dep", "det", "nsubj", "dep", "dep", "nsubj", "det", "dobj"]),
        _doc(nlp.vocab, ["y", "ALL", "a", "river"], ["UH", "DT", "DT", "NN"], ["intj", "dep", "det", "ROOT"]),
    ]
    by_ruler, by_table = _both(docs, ruler, table)
    for a, b in zip(by_ruler, by_table, strict=True):
        assert (a.to_array(COLUMNS) == b.to_array(COLUMNS)).all()
    d = by_table[0]
    # rule order: NN -> NOUN, then "bank"/NN -> PROPN, then the second "bank" of "bank bank" -> X
    assert [t.pos_ for t in d[1:3]] == ["PROPN", "X"]
    assert str(d[1].morph) == "Number=Sing"
    assert d[1].lemma_ == "noun"  # the last rule setting LEMMA wins over "det-noun" (earlier)
    assert [t.lemma_ for t in d[4:6]] == ["you", ""] and d[6].tag_ == "_SP" and d[6].pos_ == "SPACE"
    assert [t.pos_ for t in d[7:9]] == ["PRON", ""]  # a determiner that is no "det" is a pronoun
    assert d[9].lemma_ == "noun"
    assert by_table[1][0].lemma_ == "you" and by_table[1][3].lemma_ == "noun"


@pytest.mark.parametrize("pattern", [
    [{"LOWER": "a", "OP": "+"}],
    [{"LENGTH": {">=": 3}}],
    [{"LOWER": {"FUZZY": "bank"}}],
    [{"IS_SPACE": "yes"}],
])
def test_a_pattern_it_cannot_evaluate_exactly_keeps_spacys_ruler(pattern):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    ruler.add([pattern], {"POS": "X"})
    with pytest.raises(UnsupportedPattern):
        AttributeTable.from_ruler(ruler)
    assert install(nlp) is False
    assert nlp.pipe_names == ["attribute_ruler"]


def test_install_replaces_the_ruler_in_place():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"ORTH": "Kabul"}]], {"POS": "PROPN"})
    nlp.add_pipe("sentencizer", name="after")
    assert install(nlp) is True
    assert nlp.pipe_names == ["sentencizer", "attribute_table", "after"]
    assert nlp("to Kabul")[1].pos_ == "PROPN"
    assert install(nlp) is False  # no ruler left
