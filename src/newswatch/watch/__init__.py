"""Watching: follow sources continuously, politely and safely, and alert on saved rules
(issue 10).

* :mod:`.urls`: canonical item URLs (tracking parameters removed), feed discovery, intervals;
* :mod:`.sources`: followed sources (add with discovery, list with health, pause, resume,
  remove, OPML import/export);
* :mod:`.polite`: robots.txt (Protego), per-host pace, backoff and ``Retry-After``;
* :mod:`.query`: the rule query language (Lucene-like, parsed by luqum) compiled to SQLite
  FTS5 or PostgreSQL full-text search;
* :mod:`.rules`: saved rules, their evaluation on stored revisions, the count trigger, alert
  deduplication (per article, per near-duplicate cluster, cool-down);
* :mod:`.surge`: ACLED's surge rule over the stored violent events;
* :mod:`.alerts`: delivery to a JSON Lines file, an Atom feed file and a signed webhook, with
  retries and a dead-letter list; e-mail digests;
* :mod:`.loop`: the :class:`~newswatch.watch.loop.Watcher` (one pass, or until stopped).

Every fetch goes through :mod:`newswatch.net`; every item goes through the ingest path
(:func:`newswatch.ingest.readers.read_fetched`, the analysis worker, ``Store.save``). The tables
are in :mod:`newswatch.storage.watch_schema`.
"""
