"""Request and response models of the notifications API (the HTTP edge)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.notifications.logic.domain import Channel, Topic

LanguageCode = Literal["nl", "de", "en"]
ClockTime = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="Local time, HH:MM")


class NotificationOut(View):
    notification_id: str
    topic: Topic
    title: str
    body: str
    link: str | None
    created_at: datetime
    read: bool


class InboxPage(View):
    items: list[NotificationOut]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")
    unread: int


class ReadAllOut(View):
    marked: int
    unread: int


class QuietHoursIn(StrictInput):
    start: str = ClockTime
    end: str = ClockTime
    timezone: str = Field(default="Europe/Amsterdam", min_length=1, max_length=64, description="IANA zone")


class PreferencesIn(StrictInput):
    language: LanguageCode
    channels: dict[Topic, list[Channel]] = Field(
        description="Channels per topic; a topic left out keeps its current (or default) channels"
    )
    quiet_hours: QuietHoursIn | None = None
    daily_cap: int = Field(ge=0, le=50, description="E-mails and pushes per day for non-transactional topics")
    consent_wording: str = Field(
        min_length=1,
        max_length=2000,
        description="The exact text shown next to the choices, recorded with every opt-in",
    )
    revision: int = Field(ge=0, description="The revision read (GET); a stale one gets 409 preferences_changed")


class ConsentOut(View):
    channel: Channel
    topic: Topic
    granted: bool
    wording: str
    at: datetime


class PreferencesOut(View):
    language: LanguageCode
    channels: dict[Topic, list[Channel]]
    transactional: list[Topic]
    quiet_hours: QuietHoursIn | None
    daily_cap: int
    consents: list[ConsentOut]
    revision: int


class DeviceIn(StrictInput):
    platform: Literal["fcm", "apns"]
    token: str = Field(min_length=8, max_length=4096, pattern=r"^[A-Za-z0-9_:.\-]+$")


class DeviceOut(View):
    device_id: str
    platform: str
    created_at: datetime


class UnsubscribeOut(View):
    topic: Topic
    channel: Channel
    subscribed: bool
