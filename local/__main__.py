"""`python -m local <command>`: the local runtime's command line."""

from local.cli import main

main()
