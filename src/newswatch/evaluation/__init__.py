"""Evaluation harness: score every newswatch stage on gold sets, beside the bare libraries.

* :mod:`.datasets` — loaders for ``shared/eval/<name>/`` (and any folder laid out alike).
* :mod:`.metrics` — span P/R/F1, the AEB shingle metric, snippet counts, geocoding errors and
  AUC, accuracy and macro-F1.
* one scorer module per task family: :mod:`.extraction`, :mod:`.dates`, :mod:`.geo`,
  :mod:`.ner`, :mod:`.re3d`, :mod:`.events`.
* :mod:`.runner` (registry, ``run``/``run_all``), :mod:`.report` (results and rendering),
  :mod:`.cli` (``eval_app``, the ``newswatch eval`` command).

Nothing heavy is imported here.
"""
