"""``python -m rncpkit``: the command line."""

from rncpkit.cli import main

main()
