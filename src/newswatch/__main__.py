"""``python -m newswatch ...``: the same command line as the ``newswatch`` script (what a
benchmark or a supervisor starts with a given interpreter)."""

from .cli import main

main()
