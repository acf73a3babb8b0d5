"""NotificationCreated (plein.notifications) becomes a live `notification` frame on each of the
member's open advice connections."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from functions.advice.logic.domain import Connection
from functions.advice.logic.inbox import InboxFrames
from functions.notifications.models.events import NotificationCreated
from tests.unit.advice.fakes import MemoryAdviceStore, RecordingNotifier

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def connect(store: MemoryAdviceStore, connection_id: str, user_id: str) -> None:
    store.save_connection(Connection(connection_id=connection_id, user_id=user_id, advisor=False, connected_at=NOW))


def created(user_id: str = "u1") -> dict[str, object]:
    event = NotificationCreated(
        user_id=user_id,
        notification_id="n-1",
        topic="review_request",
        title="How do you like your purchase?",
        body="Your order o-1 arrived a while ago.",
        link="/#/review/abc",
        unread=3,
    )
    detail: dict[str, object] = json.loads(event.model_dump_json())
    return detail


def test_a_notification_reaches_every_open_connection_of_its_member_only() -> None:
    # Given a member with a phone and a tab open, and another member online
    store, notifier = MemoryAdviceStore(), RecordingNotifier()
    for connection_id, user_id in (("phone", "u1"), ("tab", "u1"), ("other", "u2")):
        connect(store, connection_id, user_id)

    # When notifications publishes that it created a notification for u1
    reached = InboxFrames(store, notifier).handle("plein.notifications", "NotificationCreated", created())

    # Then both of u1's connections get the frame, with the unread count for the bell
    assert reached == 2
    for connection_id in ("phone", "tab"):
        (frame,) = notifier.to(connection_id, "notification")
        assert (frame["notification_id"], frame["topic"], frame["unread"], frame["link"]) == (
            "n-1",
            "review_request",
            3,
            "/#/review/abc",
        )
    assert notifier.to("other") == []


def test_a_gone_connection_is_dropped_and_a_member_offline_gets_nothing() -> None:
    store, notifier = MemoryAdviceStore(), RecordingNotifier()
    connect(store, "stale", "u1")
    notifier.gone.add("stale")
    frames = InboxFrames(store, notifier)

    assert frames.handle("plein.notifications", "NotificationCreated", created()) == 0
    assert store.connection("stale") is None
    assert frames.handle("plein.notifications", "NotificationCreated", created("nobody")) == 0


def test_other_events_are_ignored_and_a_broken_detail_is_refused() -> None:
    frames = InboxFrames(MemoryAdviceStore(), RecordingNotifier())
    assert frames.handle("plein.orders", "OrderPlaced", {}) == 0
    with pytest.raises(ValidationError):
        frames.handle("plein.notifications", "NotificationCreated", {"user_id": "u1"})
