"""In-memory implementations of the notifications ports (store, mailer, pusher, recipients);
tests/integration/notifications/test_store.py holds the DynamoDB store to the same behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from functions.common.errors import BadRequest, Conflict
from functions.common.events import DomainEvent
from functions.notifications.logic.domain import (
    SEND_LEASE,
    Channel,
    Claim,
    Contact,
    Delivery,
    Device,
    DueItem,
    Notification,
    OutgoingMail,
    Preferences,
    PushMessage,
    Topic,
)
from functions.notifications.logic.ports import Cursor

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class InMemoryNotificationsStore:
    notes: dict[str, dict[str, Notification]] = field(default_factory=dict)
    outbox: list[DomainEvent] = field(default_factory=list)
    log: list[Delivery] = field(default_factory=list)
    sent_marks: set[tuple[str, str, str]] = field(default_factory=set)
    send_claims: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    prefs: dict[str, Preferences] = field(default_factory=dict)
    suppressed: dict[str, str] = field(default_factory=dict)
    device_map: dict[tuple[str, str], Device] = field(default_factory=dict)
    vendors: dict[str, set[str]] = field(default_factory=dict)
    follows: dict[tuple[str, str], tuple[bool, datetime]] = field(default_factory=dict)
    due_items: dict[str, DueItem] = field(default_factory=dict)
    scheduled_ids: set[str] = field(default_factory=set)
    claimed: set[tuple[str, str]] = field(default_factory=set)

    def claim(self, event_id: str, consumer: str) -> bool:
        if (event_id, consumer) in self.claimed:
            return False
        self.claimed.add((event_id, consumer))
        return True

    def add_notification(self, notification: Notification, events: Sequence[DomainEvent]) -> bool:
        mine = self.notes.setdefault(notification.user_id, {})
        if notification.notification_id in mine:
            return False
        mine[notification.notification_id] = notification
        self.outbox.extend(events)
        return True

    def notifications(self, user_id: str, limit: int, cursor: Cursor) -> tuple[list[Notification], Cursor]:
        ordered = sorted(self.notes.get(user_id, {}).values(), key=lambda n: (n.created_at, n.notification_id))
        ordered.reverse()
        start = int(cursor["offset"]) if cursor else 0
        page = ordered[start : start + limit]
        more = start + limit < len(ordered)
        return page, ({"offset": start + limit} if more else None)

    def unread_count(self, user_id: str) -> int:
        return sum(1 for n in self.notes.get(user_id, {}).values() if not n.read)

    def mark_read(self, user_id: str, notification_id: str) -> bool:
        mine = self.notes.get(user_id, {})
        if notification_id not in mine:
            return False
        mine[notification_id] = replace(mine[notification_id], read=True)
        return True

    def mark_all_read(self, user_id: str) -> int:
        unread = [n for n in self.notes.get(user_id, {}).values() if not n.read]
        for n in unread:
            self.mark_read(user_id, n.notification_id)
        return len(unread)

    def record_delivery(self, delivery: Delivery) -> None:
        self.log.append(delivery)

    def deliveries(self, user_id: str, limit: int) -> list[Delivery]:
        return [d for d in reversed(self.log) if d.user_id == user_id][:limit]

    def claim_delivery(self, user_id: str, notification_id: str, channel: str, now: datetime) -> Claim:
        key = (user_id, notification_id, channel)
        if key in self.sent_marks:
            return Claim.SENT
        claimed_at = self.send_claims.get(key)
        if claimed_at is not None and claimed_at >= now - SEND_LEASE:
            return Claim.BUSY
        self.send_claims[key] = now
        return Claim.CLAIMED

    def confirm_delivery(self, user_id: str, notification_id: str, channel: str) -> None:
        key = (user_id, notification_id, channel)
        self.send_claims.pop(key, None)
        self.sent_marks.add(key)

    def release_delivery(self, user_id: str, notification_id: str, channel: str) -> None:
        self.send_claims.pop((user_id, notification_id, channel), None)

    def sent_since(self, user_id: str, since: datetime) -> int:
        return sum(
            1
            for d in self.log
            if d.user_id == user_id
            and d.status == "sent"
            and d.channel in (Channel.EMAIL, Channel.PUSH)
            and d.topic is not Topic.ORDER
            and d.at >= since
        )

    def preferences(self, user_id: str) -> Preferences | None:
        return self.prefs.get(user_id)

    def save_preferences(self, prefs: Preferences) -> Preferences:
        current = self.prefs.get(prefs.user_id)
        if (current.revision if current else 0) != prefs.revision:
            raise Conflict("the preferences were changed meanwhile", code="preferences_changed")
        saved = replace(prefs, revision=prefs.revision + 1)
        self.prefs[prefs.user_id] = saved
        return saved

    def suppress(self, address: str, reason: str, at: datetime) -> None:
        self.suppressed[address.strip().lower()] = reason

    def is_suppressed(self, address: str) -> bool:
        return address.strip().lower() in self.suppressed

    def add_device(self, device: Device) -> None:
        self.device_map[(device.user_id, device.device_id)] = device

    def remove_device(self, user_id: str, device_id: str) -> Device | None:
        return self.device_map.pop((user_id, device_id), None)

    def devices(self, user_id: str) -> list[Device]:
        return [d for (owner, _), d in sorted(self.device_map.items()) if owner == user_id]

    def add_vendor_user(self, vendor_id: str, user_id: str) -> None:
        self.vendors.setdefault(vendor_id, set()).add(user_id)

    def vendor_users(self, vendor_id: str) -> list[str]:
        return sorted(self.vendors.get(vendor_id, set()))

    def set_follow(self, user_id: str, follower_id: str, following: bool, at: datetime) -> None:
        pair = (user_id, follower_id)
        if pair not in self.follows or self.follows[pair][1] < at:
            self.follows[pair] = (following, at)

    def followers(self, user_id: str) -> list[str]:
        return sorted(f for (u, f), (following, _) in self.follows.items() if u == user_id and following)

    def schedule(self, item: DueItem) -> bool:
        if item.item_id in self.scheduled_ids:
            return False
        self.scheduled_ids.add(item.item_id)
        self.due_items[item.item_id] = item
        return True

    def due(self, now: datetime, limit: int) -> list[DueItem]:
        ready = sorted((i for i in self.due_items.values() if i.due_at <= now), key=lambda i: (i.due_at, i.item_id))
        return ready[:limit]

    def take(self, item: DueItem, retry_at: datetime) -> DueItem | None:
        if self.due_items.get(item.item_id) != item:
            return None
        retry = replace(item, due_at=retry_at, attempt=item.attempt + 1)
        self.due_items[item.item_id] = retry
        return retry

    def done(self, item: DueItem) -> None:
        if self.due_items.get(item.item_id) == item:
            del self.due_items[item.item_id]


@dataclass
class SentBox:
    """A Mailer that keeps what it sent."""

    sent: list[OutgoingMail] = field(default_factory=list)

    def send(self, mail: OutgoingMail) -> str:
        self.sent.append(mail)
        return f"m-{len(self.sent)}"

    def to(self, address: str) -> list[OutgoingMail]:
        return [m for m in self.sent if m.to_address == address]


@dataclass
class PushLog:
    """A Pusher over a set of known endpoints."""

    endpoints: dict[str, str] = field(default_factory=dict)
    pushed: list[tuple[str, PushMessage]] = field(default_factory=list)
    platforms: frozenset[str] = frozenset({"fcm"})

    def register(self, platform: str, token: str, user_id: str) -> str:
        if platform not in self.platforms:
            raise BadRequest("not configured", code="push_unavailable")
        arn = f"arn:endpoint/{platform}/{token[:8]}"
        self.endpoints[arn] = user_id
        return arn

    def unregister(self, endpoint_arn: str) -> None:
        self.endpoints.pop(endpoint_arn, None)

    def push(self, endpoint_arn: str, message: PushMessage) -> str | None:
        if endpoint_arn not in self.endpoints:
            return None
        self.pushed.append((endpoint_arn, message))
        return f"p-{len(self.pushed)}"


@dataclass
class Directory:
    contacts: dict[str, Contact] = field(default_factory=dict)

    def add(self, user_id: str, email: str | None, language: str = "nl", name: str | None = None) -> None:
        self.contacts[user_id] = Contact(user_id, email, language, name)

    def contact(self, user_id: str) -> Contact | None:
        return self.contacts.get(user_id)
