"""``python -m runner.cli``: the same as the ``patrol`` command."""

from . import main

main()
