"""`python -m local <command>`: the local runtime's command line."""

if __name__ == "__main__":  # spawned workers import the main module again under another name
    from local.cli import main

    main()
