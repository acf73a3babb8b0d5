"""Per-context steps of the local runtime, organised like the seeds: `local/hooks/<context>.py`
may define `before_start(ctx: HookContext)`.

The runtime knows no context by name: after the emulated AWS is provisioned (and a saved data
folder restored into it), and before any Lambda worker starts, it calls the `before_start` of
every context of its topology that has a hook module, in topology order; a context without one
is skipped. A hook runs in the runtime's process, against the emulated AWS, e.g. to rebuild
derived local state that a restored snapshot does not hold (local/hooks/catalog.py: the search
index).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from functions.common.wiring import ContextWiring, Function


@dataclass(frozen=True)
class HookContext:
    """What a hook gets: its context's wiring and how to reach the emulated AWS."""

    wiring: ContextWiring
    restored: bool
    """The data was restored from a saved data folder (not seeded, not empty)."""
    client: Callable[[str], Any]
    """A boto3 client for a service, configured for the emulated AWS."""
    environment: Callable[[Function], dict[str, str]]
    """A function's environment in this runtime (TABLE_NAME, SEARCH_INDEX_PATH, ...)."""
    say: Callable[[str], None] = lambda _message: None


BeforeStart = Callable[[HookContext], None]


def before_start_hooks(wirings: Sequence[ContextWiring]) -> list[tuple[ContextWiring, BeforeStart]]:
    """The `before_start` of each context that has a hook module defining one, in the given order."""
    found = []
    for wiring in wirings:
        module_name = f"{__name__}.{wiring.name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        hook = getattr(importlib.import_module(module_name), "before_start", None)
        if hook is not None:
            found.append((wiring, hook))
    return found


def run_before_start(wirings: Sequence[ContextWiring], context: Callable[[ContextWiring], HookContext]) -> list[str]:
    """Run every context's `before_start` with `context(wiring)`; returns the contexts whose hook ran."""
    ran = []
    for wiring, hook in before_start_hooks(wirings):
        hook(context(wiring))
        ran.append(wiring.name)
    return ran
