"""Lets ``python -m handouts`` behave like the ``handouts`` command."""

from handouts.cli import main

main()
