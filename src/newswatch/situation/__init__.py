"""Cross-article logic: what holds between articles, never inside one.

Per-article coding (events, claims) lives with its stage under :mod:`newswatch.stages`.

Modules:

* :mod:`.identity` — transliteration and name keys for one identity per entity across
  articles and languages;
* :mod:`.dedup` — MinHash signatures and LSH bands for near-duplicate articles.
"""
