"""Demo data, organised per context: `local/seed/<context>.py` each define `seed(ctx: SeedContext)`.

`run` calls `users` first, then every context of the topology in order (vendor, catalog, orders,
...); a context without a seed module is skipped. Seeders run in the runtime's process against
the emulated AWS, and may use a context's logic and stores with `ctx.environment(context)`.
Seeds are deterministic (same ids, same users and passwords) for a given `products` count.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from infra.topology import CONTEXTS, Endpoints


class Progress(Protocol):
    def advance(self, n: int = 1) -> None: ...


class _NoProgress:
    def advance(self, n: int = 1) -> None:
        return None


ProgressFactory = Callable[[str, int], Progress]


def no_progress(_description: str, _total: int) -> Progress:
    return _NoProgress()


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    sub: str
    groups: tuple[str, ...]
    vendor_id: str | None = None
    email: str | None = None


@dataclass
class SeedContext:
    """What a seeder gets: the demo users, the catalog size, AWS and the contexts' environments."""

    users: dict[str, DemoUser]
    products: int
    aws_endpoint: str
    stage: str
    endpoints: Endpoints
    region: str
    user_pool_id: str | None
    client: Callable[[str], Any]
    """A boto3 client for a service, configured for the emulated AWS."""
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    progress_factory: ProgressFactory = no_progress
    log: Callable[[str], None] = lambda _message: None

    def progress(self, description: str, total: int) -> Progress:
        return self.progress_factory(description, total)

    def environment(self, context_name: str) -> dict[str, str]:
        """The environment of the context's API function (TABLE_NAME, EVENT_BUS_NAME, ...)."""
        return dict(self.environments[context_name])

    def bind_vendor(self, username: str, vendor_id: str) -> None:
        """Bind a user to a vendor: sets `custom:vendor_id` in Cognito (and in `users`)."""
        from local.seed.users import set_vendor

        set_vendor(self, username, vendor_id)


def seeders(order: Sequence[str] = ("users", *CONTEXTS)) -> list[tuple[str, Callable[[SeedContext], None]]]:
    found = []
    for name in order:
        module_name = f"{__name__}.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        found.append((name, module.seed))
    return found


def run(ctx: SeedContext, order: Sequence[str] = ("users", *CONTEXTS)) -> list[str]:
    """Run every seeder in order; returns the names of those that ran."""
    ran = []
    for name, seed in seeders(order):
        ctx.log(f"seeding {name}")
        seed(ctx)
        ran.append(name)
    return ran
