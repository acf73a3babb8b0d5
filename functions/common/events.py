"""Domain event envelope and the EventBridge publisher port.

Every event is a pydantic model with `event_id`, `occurred_at` and `version`; its class says
which context produces it (`source` = `plein.<context>`) and its `detail-type`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field

from functions.common.errors import Unavailable

MAX_ENTRIES_PER_PUT = 10
MAX_ENTRY_BYTES = 256 * 1024
_PUT_ATTEMPTS = 3


def utc_now() -> datetime:
    return datetime.now(UTC)


class DomainEvent(BaseModel):
    """Base of every event detail. Subclasses set `source` and `detail_type`. Built on first use,
    not at import: a function publishes a few of its context's events, never all (cold start)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    source: ClassVar[str]
    detail_type: ClassVar[str]

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    occurred_at: datetime = Field(default_factory=utc_now)
    version: int = 1


class ConsumedPart(BaseModel):
    """A part of another context's event as a consumer reads it: the fields it declares are
    validated, unknown ones ignored, so that producers can add fields without breaking consumers."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class ConsumedView(ConsumedPart):
    """Base of a context's view of an event it consumes (models/consumed.py); each consumer's
    contract test validates its views against the producer's `DomainEvent` models."""

    source: ClassVar[str]
    detail_type: ClassVar[str]

    event_id: str = Field(min_length=1)
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class SerializedEvent:
    """An event already in its wire form, as the outbox relay reads it back from a table stream."""

    source: str
    detail_type: str
    detail: str
    occurred_at: datetime


class EventPublisher(Protocol):
    def publish(self, events: Sequence[DomainEvent]) -> None: ...


class EventBridgePublisher:
    """Puts events on the bus in batches of ten, retrying entries EventBridge reports as failed."""

    def __init__(self, bus_name: str, client: Any):
        self._bus_name = bus_name
        self._client = client

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.publish_serialized(
            [
                SerializedEvent(event.source, event.detail_type, event.model_dump_json(), event.occurred_at)
                for event in events
            ]
        )

    def publish_serialized(self, events: Sequence[SerializedEvent]) -> None:
        entries = [self._entry(event) for event in events]
        for start in range(0, len(entries), MAX_ENTRIES_PER_PUT):
            self._put(entries[start : start + MAX_ENTRIES_PER_PUT])

    def _entry(self, event: SerializedEvent) -> dict[str, Any]:
        if len(event.detail.encode()) > MAX_ENTRY_BYTES:
            raise ValueError(f"a {event.detail_type} event is larger than an EventBridge entry")
        return {
            "EventBusName": self._bus_name,
            "Source": event.source,
            "DetailType": event.detail_type,
            "Detail": event.detail,
            "Time": event.occurred_at,
        }

    def _put(self, entries: list[dict[str, Any]]) -> None:
        pending = entries
        for _ in range(_PUT_ATTEMPTS):
            response = self._client.put_events(Entries=pending)
            if not response.get("FailedEntryCount"):
                return
            pending = [
                entry for entry, result in zip(pending, response["Entries"], strict=True) if result.get("ErrorCode")
            ]
        raise Unavailable(f"EventBridge refused {len(pending)} events", code="events_unavailable")


def eventbridge_detail(record_body: str) -> tuple[str, str, dict[str, Any]]:
    """(source, detail-type, detail) of an EventBridge event delivered through SQS."""
    envelope = json.loads(record_body)
    return envelope["source"], envelope["detail-type"], envelope["detail"]
