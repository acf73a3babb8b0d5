"""One DynamoDB request at a time in the local moto server: a correctness patch, not a speed one.

moto 5.2.5's DynamoDB is not thread-safe, and its server handles requests in threads. A
conditional write checks its condition and writes in separate steps (two concurrent
`attribute_not_exists` Puts both succeed), an update reads, computes and writes back (two
concurrent increments lose one), and moto's own TransactWriteItems deep-copies whole tables to roll
back (a concurrent write fails it with "dictionary changed size", or its rollback undoes the other
write). On AWS each request is atomic, and the stores rely on it (idempotency keys, stock and
points moved by conditional writes), so every DynamoDB request, its response serialization
included, runs under one re-entrant lock. The speed patches that keep their own state
(local/aws/moto_query.py's partition index) take the same lock. tests/unit/local/test_moto_lock.py
races two conditional creates through moto with and without it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

LOCK = threading.RLock()


def serialized(call_action: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def call_action_serialized(self: Any) -> Any:
        with LOCK:
            return call_action(self)

    return call_action_serialized


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB handler through `replace(owner, name, value)` (so it can be undone)."""
    from moto.dynamodb.responses import DynamoHandler

    replace(DynamoHandler, "call_action", serialized(DynamoHandler.call_action))
