"""Ports the notifications logic needs; store/ implements them (DynamoDB, SES, SNS, Cognito),
tests/unit/notifications/fakes.py in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from functions.common.events import DomainEvent
from functions.notifications.logic.domain import (
    Claim,
    Contact,
    Delivery,
    Device,
    DueItem,
    Notification,
    OutgoingMail,
    Preferences,
    PushMessage,
)

Cursor = dict[str, Any] | None
"""A store's position in a listing (opaque to logic, signed into the client's cursor)."""


class Mailer(Protocol):
    def send(self, mail: OutgoingMail) -> str:
        """Send one e-mail; returns the provider's message id."""
        ...


class Recipients(Protocol):
    def contact(self, user_id: str) -> Contact | None:
        """The member's address, language and name (None when there is no such user)."""
        ...


class Pusher(Protocol):
    def register(self, platform: str, token: str, user_id: str) -> str:
        """Create (or find) the platform endpoint of a device token; returns its ARN."""
        ...

    def unregister(self, endpoint_arn: str) -> None: ...

    def push(self, endpoint_arn: str, message: PushMessage) -> str | None:
        """Publish to one endpoint; None when the endpoint is disabled or gone."""
        ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...


class ProcessedEvents(Protocol):
    def claim(self, event_id: str, consumer: str) -> bool:
        """Mark an event handled by `consumer`; False when it already was (a redelivery)."""
        ...


class Inbox(Protocol):
    def add_notification(self, notification: Notification, events: Sequence[DomainEvent]) -> bool:
        """Save the notification with its events (outbox) in one transaction; False when a
        notification with that id already exists (nothing written)."""
        ...

    def notifications(self, user_id: str, limit: int, cursor: Cursor) -> tuple[list[Notification], Cursor]:
        """Newest first."""
        ...

    def unread_count(self, user_id: str) -> int: ...

    def mark_read(self, user_id: str, notification_id: str) -> bool:
        """False when the member has no such notification."""
        ...

    def mark_all_read(self, user_id: str) -> int: ...


class DeliveryLog(Protocol):
    def record_delivery(self, delivery: Delivery) -> None: ...

    def claim_delivery(self, user_id: str, notification_id: str, channel: str, now: datetime) -> Claim:
        """Claim the sending of a notification on a channel: CLAIMED when nobody sent it and no
        claim younger than `SEND_LEASE` holds it (a dead run's claim expires), else SENT or BUSY."""
        ...

    def confirm_delivery(self, user_id: str, notification_id: str, channel: str) -> None:
        """The claimed message was handed to the provider: it is never sent again."""
        ...

    def release_delivery(self, user_id: str, notification_id: str, channel: str) -> None:
        """The provider refused the claimed message: the next attempt may claim it at once."""
        ...

    def sent_since(self, user_id: str, since: datetime) -> int:
        """Non-transactional e-mails and pushes sent to the member (status `sent` in the log) since
        `since`: the frequency cap that notifications and campaigns share."""
        ...

    def deliveries(self, user_id: str, limit: int) -> list[Delivery]: ...


class PreferenceStore(Protocol):
    def preferences(self, user_id: str) -> Preferences | None: ...

    def save_preferences(self, prefs: Preferences) -> Preferences:
        """Save with a revision guard (Conflict `preferences_changed` when it moved on)."""
        ...


class Suppressions(Protocol):
    def suppress(self, address: str, reason: str, at: datetime) -> None: ...

    def is_suppressed(self, address: str) -> bool: ...


class Devices(Protocol):
    def add_device(self, device: Device) -> None: ...

    def remove_device(self, user_id: str, device_id: str) -> Device | None: ...

    def devices(self, user_id: str) -> list[Device]: ...


class VendorUsers(Protocol):
    def add_vendor_user(self, vendor_id: str, user_id: str) -> None: ...

    def vendor_users(self, vendor_id: str) -> list[str]:
        """The users known to act for a vendor (its owner, from VendorApproved); empty when unknown."""
        ...


class Followers(Protocol):
    def set_follow(self, user_id: str, follower_id: str, following: bool, at: datetime) -> None:
        """Record that `follower_id` follows `user_id` (or stopped) as of `at`; an older change
        than the one recorded for the pair is ignored (events arrive out of order)."""
        ...

    def followers(self, user_id: str) -> list[str]:
        """Who follows the member now (from FollowChanged), sorted."""
        ...


class Schedule(Protocol):
    def schedule(self, item: DueItem) -> bool:
        """False when an item with that id is already scheduled."""
        ...

    def due(self, now: datetime, limit: int) -> list[DueItem]:
        """Items due at or before `now`, oldest first."""
        ...

    def take(self, item: DueItem, retry_at: datetime) -> DueItem | None:
        """Take the item, leaving its retry (one more attempt, due at `retry_at`) in its place, in
        one write; None when another sweeper took it first."""
        ...

    def done(self, item: DueItem) -> None:
        """The taken item's work is done: remove its retry."""
        ...


class NotificationsStore(
    ProcessedEvents,
    Inbox,
    DeliveryLog,
    PreferenceStore,
    Suppressions,
    Devices,
    VendorUsers,
    Followers,
    Schedule,
    Protocol,
):
    """Everything the context keeps in its table (one adapter implements it, store/dynamo.py)."""
