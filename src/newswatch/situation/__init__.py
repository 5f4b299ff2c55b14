"""The situation layer: PLOVER event coding, the claims ledger, entity identity across
articles and languages, and near-duplicate detection.

Modules:

* :mod:`.syntax` — a view of one article's dependency parse with argument slots normalised
  across spaCy's English labels and natasha's Universal Dependencies labels;
* :mod:`.lexicon` — the PLOVER trigger lexicons (``data/plover_triggers_{en,ru}.json``);
* :mod:`.actors` — actor and recipient resolution (entities, titles, demonyms, metonymy);
* :mod:`.coding` — sentence-level event coding from triggers and dependency patterns;
* :mod:`.claims` — figures as claims (subject, property, as-of date, cited source);
* :mod:`.identity` — transliteration and name keys for one identity per entity;
* :mod:`.dedup` — MinHash signatures and LSH bands for near-duplicate articles.
"""
