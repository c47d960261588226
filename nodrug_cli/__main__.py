"""`python -m nodrug_cli` is the same as the `nodrug` command."""

from nodrug_cli.cli.app import main

main()
