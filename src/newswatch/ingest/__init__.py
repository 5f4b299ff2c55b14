"""Getting articles in: sources (files, folders, stdin, URLs), feeds, byte decoding and
main-text extraction. Everything here runs before the analysis stages; the result is an
:class:`~newswatch.model.Article` with ``BASE_FIELDS`` filled.

Modules:

* :mod:`.readers` — input discovery and dispatch (files, folders, JSON Lines, URLs, stdin);
* :mod:`.feeds` — RSS and Atom;
* :mod:`.decode` — bytes to text (UTF-8, legacy Cyrillic code pages, binary detection);
* :mod:`.extract` — main text, title and date from HTML, and the chrome filter for text captures.
"""
