"""``python -m newswatch.cli``: the same as the ``newswatch`` command."""

from . import main

main()
