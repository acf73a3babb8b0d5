"""Command line shared by the generators of committed documents (OpenAPI, events)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(document: Path, render: Callable[[], str], description: str, argv: list[str] | None) -> int:
    """Write `document` from `render()`, or with `--check` fail when the committed one differs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help=f"fail if {document.name} is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not document.exists() or document.read_text() != text:
            sys.stderr.write(f"docs/{document.name} is out of date: run `make openapi`\n")
            return 1
        return 0
    document.write_text(text)
    return 0
