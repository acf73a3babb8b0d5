"""SQS queue scans that read the clock once, for the local moto server.

moto 5.2.5 decides per message whether it is visible or delayed by reading the clock (a datetime
round trip, ~7 µs), and computes every queue attribute, three full scans of the queue included,
whenever it needs one of them: on every SendMessage (for `ContentBasedDeduplication`) and twice per
received message (for `MessageRetentionPeriod`). With ~1,000 88 KB OffersChanged events waiting
in a consumer's queue during a 100k-row feed import, that made each PutEvents cost ~420 ms and
each ReceiveMessage ~73 ms of server CPU (`/_plein/stats`). This version scans with one clock
reading per scan (the same comparisons as `Message.visible` / `Message.delayed`, at one instant)
and reads the retention period from the queue instead of building every attribute. Pinned to the
moto version of `moto_query`; tests/unit/local/test_moto_sqs.py compares it with moto's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _now_millis() -> float:
    from moto.core.utils import unix_time_millis

    return unix_time_millis()


def messages(self: Any) -> list[Any]:
    """Visible and not delayed messages (moto's `Queue.messages`)."""
    now = _now_millis()
    return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]


def approximate_number_of_messages(self: Any) -> int:
    return len(messages(self))


def approximate_number_of_messages_not_visible(self: Any) -> int:
    now = _now_millis()
    return sum(1 for m in self._messages if not now > m.visible_at)


def approximate_number_of_messages_delayed(self: Any) -> int:
    now = _now_millis()
    return sum(1 for m in self._messages if now < m.delayed_until)


def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
    from moto.core.utils import unix_time

    retention_period = self.get_queue(queue_name).message_retention_period
    return bool(retention_period + message.sent_timestamp / 1000 > unix_time())


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's SQS through `replace(owner, name, value)` (so it can be undone)."""
    from moto.sqs.models import Queue, SQSBackend

    replace(Queue, "messages", property(messages))
    replace(Queue, "approximate_number_of_messages", property(approximate_number_of_messages))
    replace(Queue, "approximate_number_of_messages_not_visible", property(approximate_number_of_messages_not_visible))
    replace(Queue, "approximate_number_of_messages_delayed", property(approximate_number_of_messages_delayed))
    replace(SQSBackend, "is_message_valid_based_on_retention_period", is_message_valid_based_on_retention_period)
