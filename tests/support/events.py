"""An in-memory `EventPublisher` (functions/common/events.py) for tests: it keeps what is published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from functions.common.events import DomainEvent


class RecordingPublisher:
    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.events.extend(events)

    def of_type(self, event_type: type[DomainEvent]) -> list[Any]:
        return [event for event in self.events if isinstance(event, event_type)]
