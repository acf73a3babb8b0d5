"""A member's side of notifications: the inbox, preferences and consent, devices, unsubscribing."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from functions.common.auth import Principal
from functions.common.errors import BadRequest, Conflict, NotFound
from functions.common.pagination import CursorCodec, clamp_limit
from functions.common.signed_links import SignedLinks
from functions.notifications.logic.domain import (
    TRANSACTIONAL_TOPICS,
    Channel,
    Consent,
    Device,
    Preferences,
    QuietHours,
    Topic,
    default_preferences,
)
from functions.notifications.logic.ports import Clock, NotificationsStore, Pusher
from functions.notifications.models.api import (
    ConsentOut,
    DeviceIn,
    DeviceOut,
    InboxPage,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    QuietHoursIn,
    ReadAllOut,
    UnsubscribeOut,
)

UNSUBSCRIBE_WORDING = "One-click unsubscribe link in an e-mail"
CONSENTS_SHOWN = 20


class MemberService:
    def __init__(
        self,
        store: NotificationsStore,
        pusher: Pusher,
        *,
        cursors: CursorCodec,
        unsubscribe_links: SignedLinks,
        clock: Clock,
        push_platforms: frozenset[str] = frozenset(),
    ):
        self._store = store
        self._pusher = pusher
        self._cursors = cursors
        self._unsubscribe = unsubscribe_links
        self._clock = clock
        self._platforms = push_platforms

    # ---- inbox ----------------------------------------------------------------------------------
    def inbox(self, caller: Principal, limit: int | None, cursor: str | None) -> InboxPage:
        scope = f"inbox:{caller.user_id}"
        items, position = self._store.notifications(
            caller.user_id, clamp_limit(limit), self._cursors.decode(cursor, scope)
        )
        return InboxPage(
            items=[
                NotificationOut(
                    notification_id=n.notification_id,
                    topic=n.topic,
                    title=n.title,
                    body=n.body,
                    link=n.link,
                    created_at=n.created_at,
                    read=n.read,
                )
                for n in items
            ],
            next_cursor=self._cursors.encode(position, scope),
            unread=self._store.unread_count(caller.user_id),
        )

    def mark_read(self, caller: Principal, notification_id: str) -> ReadAllOut:
        if not self._store.mark_read(caller.user_id, notification_id):
            raise NotFound("no such notification", code="notification_not_found")
        return ReadAllOut(marked=1, unread=self._store.unread_count(caller.user_id))

    def mark_all_read(self, caller: Principal) -> ReadAllOut:
        marked = self._store.mark_all_read(caller.user_id)
        return ReadAllOut(marked=marked, unread=self._store.unread_count(caller.user_id))

    # ---- preferences ----------------------------------------------------------------------------
    def preferences(self, caller: Principal) -> PreferencesOut:
        return self._out(self._current(caller.user_id))

    def _current(self, user_id: str) -> Preferences:
        return self._store.preferences(user_id) or default_preferences(user_id)

    def update_preferences(self, caller: Principal, body: PreferencesIn) -> PreferencesOut:
        current = self._current(caller.user_id)
        if body.revision != current.revision:
            raise Conflict("the preferences were changed meanwhile; reload them", code="preferences_changed")
        now = self._clock()
        channels = dict(current.channels)
        consents = list(current.consents)
        for topic, chosen in body.channels.items():
            new = frozenset(chosen)
            old = current.channels_for(topic)
            for channel in sorted(new ^ old):
                consents.append(Consent(channel, topic, channel in new, body.consent_wording, now))
            channels[topic] = new
        updated = replace(
            current,
            language=body.language,
            channels=channels,
            quiet_hours=_quiet_hours(body.quiet_hours),
            daily_cap=body.daily_cap,
            consents=tuple(consents),
        )
        return self._out(self._store.save_preferences(updated))

    def _out(self, prefs: Preferences) -> PreferencesOut:
        quiet = prefs.quiet_hours
        return PreferencesOut(
            language=prefs.language if prefs.language in ("nl", "de", "en") else "nl",
            channels={topic: sorted(prefs.channels_for(topic)) for topic in Topic},
            transactional=sorted(TRANSACTIONAL_TOPICS),
            quiet_hours=QuietHoursIn(
                start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M"), timezone=quiet.timezone
            )
            if quiet
            else None,
            daily_cap=prefs.daily_cap,
            consents=[
                ConsentOut(channel=c.channel, topic=c.topic, granted=c.granted, wording=c.wording, at=c.at)
                for c in reversed(prefs.consents[-CONSENTS_SHOWN:])
            ],
            revision=prefs.revision,
        )

    # ---- devices --------------------------------------------------------------------------------
    def register_device(self, caller: Principal, body: DeviceIn) -> DeviceOut:
        if body.platform not in self._platforms:
            raise BadRequest(f"push to {body.platform} devices is not configured", code="push_unavailable")
        device_id = "d-" + hashlib.sha256(f"{body.platform}\0{body.token}".encode()).hexdigest()[:20]
        arn = self._pusher.register(body.platform, body.token, caller.user_id)
        device = Device(caller.user_id, device_id, body.platform, arn, self._clock())
        self._store.add_device(device)
        return DeviceOut(device_id=device_id, platform=device.platform, created_at=device.created_at)

    def remove_device(self, caller: Principal, device_id: str) -> None:
        device = self._store.remove_device(caller.user_id, device_id)
        if device is None:
            raise NotFound("no such device", code="device_not_found")
        self._pusher.unregister(device.endpoint_arn)

    # ---- unsubscribe ----------------------------------------------------------------------------
    def _claims(self, token: str) -> tuple[str, Topic, Channel]:
        claims = self._unsubscribe.verify(token, self._clock())
        try:
            return str(claims["u"]), Topic(claims["t"]), Channel(claims["c"])
        except (KeyError, ValueError) as exc:
            raise NotFound("this link is not valid", code="link_not_found") from exc

    def unsubscription(self, token: str) -> UnsubscribeOut:
        user_id, topic, channel = self._claims(token)
        prefs = self._current(user_id)
        return UnsubscribeOut(topic=topic, channel=channel, subscribed=prefs.allows(topic, channel))

    def unsubscribe(self, token: str) -> UnsubscribeOut:
        """Idempotent: a second click finds the channel already off and changes nothing."""
        user_id, topic, channel = self._claims(token)
        prefs = self._current(user_id)
        if prefs.allows(topic, channel):
            now = self._clock()
            channels = dict(prefs.channels)
            channels[topic] = prefs.channels_for(topic) - {channel}
            consent = Consent(channel, topic, False, UNSUBSCRIBE_WORDING, now)
            self._store.save_preferences(replace(prefs, channels=channels, consents=(*prefs.consents, consent)))
        return UnsubscribeOut(topic=topic, channel=channel, subscribed=False)


def _quiet_hours(body: QuietHoursIn | None) -> QuietHours | None:
    if body is None:
        return None
    try:
        ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise BadRequest(f"unknown time zone {body.timezone!r}", code="invalid_timezone") from exc
    return QuietHours(time.fromisoformat(body.start), time.fromisoformat(body.end), body.timezone)
