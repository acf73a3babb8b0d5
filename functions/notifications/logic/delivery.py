"""Delivering one notification to one member on every channel their preferences allow.

The inbox entry is the record (it is always written, unless the member turned the inbox off for
the topic); e-mail and push follow the preference rules of `logic/domain.decide`: sent, deferred
past quiet hours (a due item the sweeper picks up) or skipped and logged why, never silently.
Each message is claimed before it is sent and confirmed after (`Claim`, `SEND_LEASE`): a retry
never sends it twice, and a run that dies between the two leaves a claim that expires, so the
message is sent by the next delivery instead of lost. (A run that dies after the provider took
the message but before the confirmation sends it again: at least once, never zero times.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from functions.common.signed_links import SignedLinks
from functions.notifications.logic.domain import (
    DUE_ATTEMPTS,
    SEND_LEASE,
    Channel,
    Claim,
    Contact,
    Decision,
    Delivery,
    DueItem,
    Notification,
    OutgoingMail,
    Preferences,
    PushMessage,
    SendInFlight,
    Topic,
    decide,
    default_preferences,
)
from functions.notifications.logic.ports import Clock, Mailer, NotificationsStore, Pusher, Recipients
from functions.notifications.models.events import NotificationCreated
from functions.notifications.templates import render

DELIVER = "deliver"
"""Kind of a due item that delivers a deferred notification on one channel."""

UNSUBSCRIBE_LINK_DAYS = 365


@dataclass(frozen=True)
class Intent:
    """What to tell one member: the message `kind` (a template) filled with `values`.

    `key` makes the notification id: the same event, member and kind always give the same id, so
    a redelivered event writes nothing twice. `path` is the web client route the action opens
    (`#/orders/o-1`), `action_url` an absolute link that overrides it (the review invitation).
    """

    user_id: str
    topic: Topic
    kind: str
    key: str
    values: dict[str, str] = field(default_factory=dict)
    path: str | None = None
    action_url: str | None = None

    @property
    def notification_id(self) -> str:
        digest = hashlib.sha256(f"{self.key}\0{self.user_id}\0{self.kind}".encode()).hexdigest()
        return f"n-{digest[:24]}"

    def payload(self, channel: Channel) -> dict[str, str]:
        return {
            "channel": channel.value,
            "user_id": self.user_id,
            "topic": self.topic.value,
            "kind": self.kind,
            "key": self.key,
            "values": json.dumps(self.values, sort_keys=True),
            "path": self.path or "",
            "action_url": self.action_url or "",
        }

    @classmethod
    def from_payload(cls, payload: dict[str, str]) -> tuple[Intent, Channel]:
        intent = cls(
            user_id=payload["user_id"],
            topic=Topic(payload["topic"]),
            kind=payload["kind"],
            key=payload["key"],
            values=json.loads(payload.get("values") or "{}"),
            path=payload.get("path") or None,
            action_url=payload.get("action_url") or None,
        )
        return intent, Channel(payload["channel"])


def start_of_day(prefs: Preferences, now: datetime) -> datetime:
    """Midnight of the member's day (in their quiet-hours time zone, else UTC): the cap's period."""
    local = now.astimezone(prefs.quiet_hours.zone()) if prefs.quiet_hours else now
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Links:
    """Where links in messages point: the web client and (for one-click unsubscribe) the API."""

    web_url: str
    api_url: str | None = None

    def web(self, path: str) -> str:
        return f"{self.web_url.rstrip('/')}/{path.lstrip('/')}"


class Notifier:
    def __init__(
        self,
        store: NotificationsStore,
        recipients: Recipients,
        *,
        mailer: Mailer,
        pusher: Pusher,
        links: Links,
        unsubscribe_links: SignedLinks,
        clock: Clock,
        on_skip: Callable[[str, dict[str, Any]], None] | None = None,
        on_error: Callable[[str, dict[str, Any]], None] | None = None,
    ):
        self._store = store
        self._recipients = recipients
        self._mailer = mailer
        self._pusher = pusher
        self._links = links
        self._unsubscribe = unsubscribe_links
        self._clock = clock
        self._on_skip = on_skip or (lambda _message, _extra: None)
        self._on_error = on_error or (lambda _message, _extra: None)

    # ---- one intent, every channel -----------------------------------------------------------
    def notify(self, intent: Intent) -> list[Delivery]:
        contact = self._recipients.contact(intent.user_id)
        prefs = self._preferences(intent.user_id, contact)
        now = self._clock()
        done = [self._inbox(intent, prefs, now)]
        done.append(self.deliver(intent, Channel.EMAIL, contact=contact, prefs=prefs))
        done.append(self.deliver(intent, Channel.PUSH, contact=contact, prefs=prefs))
        return [delivery for delivery in done if delivery is not None]

    def _preferences(self, user_id: str, contact: Contact | None) -> Preferences:
        found = self._store.preferences(user_id)
        if found is not None:
            return found
        return default_preferences(user_id, contact.language if contact else "nl")

    def _inbox(self, intent: Intent, prefs: Preferences, now: datetime) -> Delivery | None:
        if not prefs.allows(intent.topic, Channel.INBOX):
            return self._log(intent, Channel.INBOX, Decision.SKIP_PREFERENCE.value, now)
        rendered = render(intent.kind, prefs.language, intent.values)
        notification = Notification(
            user_id=intent.user_id,
            notification_id=intent.notification_id,
            topic=intent.topic,
            title=rendered.subject,
            body=rendered.lead,
            link=intent.path,
            created_at=now,
        )
        event = NotificationCreated(
            user_id=intent.user_id,
            notification_id=notification.notification_id,
            topic=intent.topic.value,
            title=notification.title,
            body=notification.body,
            link=notification.link,
            unread=self._store.unread_count(intent.user_id) + 1,
            occurred_at=now,
        )
        if not self._store.add_notification(notification, [event]):
            return None  # a redelivered event: already in the inbox
        return Delivery(intent.user_id, notification.notification_id, Channel.INBOX, intent.topic, "sent", now)

    # ---- one channel (now or deferred) ---------------------------------------------------------
    def deliver(
        self, intent: Intent, channel: Channel, *, contact: Contact | None = None, prefs: Preferences | None = None
    ) -> Delivery | None:
        contact = contact if contact is not None else self._recipients.contact(intent.user_id)
        prefs = prefs or self._preferences(intent.user_id, contact)
        now = self._clock()
        if channel is Channel.PUSH and not self._store.devices(intent.user_id):
            return None  # nothing to push to: not a decision worth logging
        address = contact.email if contact else None
        if channel is Channel.EMAIL and not address:
            return self._log(intent, channel, Decision.SKIP_NO_ADDRESS.value, now)
        sent_today = self._store.sent_since(intent.user_id, start_of_day(prefs, now))
        suppressed = channel is Channel.EMAIL and address is not None and self._store.is_suppressed(address)
        verdict = decide(prefs, intent.topic, channel, now, sent_today, suppressed=suppressed)
        if verdict.decision is Decision.DEFER and verdict.not_before is not None:
            item = DueItem(
                verdict.not_before, f"{intent.notification_id}#{channel.value}", DELIVER, intent.payload(channel)
            )
            self._store.schedule(item)
            return self._log(intent, channel, "deferred", now)
        if verdict.decision is not Decision.SEND:
            self._on_skip(
                "notification skipped", {"kind": intent.kind, "channel": channel.value, "why": verdict.decision}
            )
            return self._log(intent, channel, verdict.decision.value, now)
        claim = self._store.claim_delivery(intent.user_id, intent.notification_id, channel.value, now)
        if claim is Claim.SENT:
            return None  # already sent (a redelivered event or a retried sweep)
        if claim is Claim.BUSY:
            raise SendInFlight(f"{intent.notification_id} on {channel.value} is being sent by another run")
        try:
            message_id = self._send(intent, channel, prefs, contact, address)
        except Exception:
            self._store.release_delivery(intent.user_id, intent.notification_id, channel.value)
            raise
        self._store.confirm_delivery(intent.user_id, intent.notification_id, channel.value)
        return self._log(intent, channel, "sent", now, message_id)

    def _send(
        self, intent: Intent, channel: Channel, prefs: Preferences, contact: Contact | None, address: str | None
    ) -> str | None:
        language = prefs.language
        action = intent.action_url or (self._links.web(intent.path) if intent.path else None)
        if channel is Channel.PUSH:
            rendered = render(intent.kind, language, intent.values)
            message = PushMessage(rendered.subject, rendered.lead, action, {"kind": intent.kind})
            sent = [self._pusher.push(device.endpoint_arn, message) for device in self._store.devices(intent.user_id)]
            return next((found for found in sent if found), None)
        assert address is not None
        token = self.unsubscribe_token(intent.user_id, intent.topic, Channel.EMAIL)
        page = self._links.web(f"#/unsubscribe/{token}")
        rendered = render(
            intent.kind,
            language,
            intent.values,
            name=contact.display_name if contact else None,
            action_url=action,
            unsubscribe_url=page,
            preferences_url=self._links.web("#/notification-preferences"),
        )
        headers = {"List-Unsubscribe": f"<{page}>"}
        if self._links.api_url:
            one_click = f"{self._links.api_url.rstrip('/')}/unsubscribe/{token}"
            headers = {"List-Unsubscribe": f"<{one_click}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        mail = OutgoingMail(
            to_address=address,
            language=language,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            headers=headers,
            tags={"topic": intent.topic.value, "kind": intent.kind},
        )
        return self._mailer.send(mail)

    def unsubscribe_token(self, user_id: str, topic: Topic, channel: Channel) -> str:
        expires = self._clock() + timedelta(days=UNSUBSCRIBE_LINK_DAYS)
        return self._unsubscribe.issue({"u": user_id, "t": topic.value, "c": channel.value}, expires)

    def _log(
        self, intent: Intent, channel: Channel, status: str, now: datetime, message_id: str | None = None
    ) -> Delivery:
        delivery = Delivery(intent.user_id, intent.notification_id, channel, intent.topic, status, now, message_id)
        self._store.record_delivery(delivery)
        return delivery

    # ---- the sweeper ---------------------------------------------------------------------------
    def run_due(self, handle: Callable[[DueItem], None], limit: int = 100) -> int:
        """Take every due item (once: `take` is conditional) and hand it to `handle`. Taking leaves
        a retry due after `SEND_LEASE`, removed when `handle` returns: an item whose handling failed
        or whose sweeper died is tried again (up to DUE_ATTEMPTS times), never lost."""
        done = 0
        now = self._clock()
        for item in self._store.due(now, limit):
            if item.attempt >= DUE_ATTEMPTS:
                self._on_error("due item given up", {"kind": item.kind, "item_id": item.item_id})
                self._store.done(item)
                continue
            retry = self._store.take(item, now + SEND_LEASE)
            if retry is None:
                continue
            try:
                handle(item)
            except Exception as exc:  # one failing item must not hold up the others
                self._on_error("due item failed; retried later", {"kind": item.kind, "error": repr(exc)})
                continue
            self._store.done(retry)
            done += 1
        return done

    def deliver_due(self, item: DueItem) -> None:
        intent, channel = Intent.from_payload(item.payload)
        self.deliver(intent, channel)
