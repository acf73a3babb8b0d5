"""Extra commands of `python -m local`: each module here defines `register(app: typer.Typer)`.

Modules are found by name, so a context adds a command (e.g. `feed`) by adding one file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> list[str]:
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        register = getattr(loaded, "register", None)
        if register is not None:
            register(app)
            found.append(module.name)
    return found
