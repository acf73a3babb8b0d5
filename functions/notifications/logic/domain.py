"""Domain of the notifications context: what is sent, to whom, on which channel, under which rules.

Pure: no I/O. The preference rules (quiet hours, frequency caps, transactional topics) live here so
the delivery service and the campaigns service apply the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Topic(StrEnum):
    """What a notification is about; members choose per topic and channel."""

    ORDER = "order"
    REVIEW_REQUEST = "review_request"
    COMMUNITY = "community"
    REWARDS = "rewards"
    VENDOR = "vendor"
    ADVICE = "advice"
    CONTENT = "content"
    """New articles by the members one follows."""
    NEWSLETTER = "newsletter"


TRANSACTIONAL_TOPICS = frozenset({Topic.ORDER})
"""Topics that ignore quiet hours and frequency caps (a member may still turn a channel off)."""


class Channel(StrEnum):
    EMAIL = "email"
    PUSH = "push"
    INBOX = "inbox"


class Language(StrEnum):
    NL = "nl"
    DE = "de"
    EN = "en"


DEFAULT_LANGUAGE = Language.NL


@dataclass(frozen=True)
class OutgoingMail:
    """One e-mail ready for a mailer: rendered subject and bodies, extra headers (List-Unsubscribe)
    and tags (SES message tags: topic, campaign id) for bounce and open/click attribution."""

    to_address: str
    language: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Contact:
    """How to reach a member, from the user pool."""

    user_id: str
    email: str | None
    language: str = DEFAULT_LANGUAGE.value
    display_name: str | None = None


@dataclass(frozen=True)
class PushMessage:
    title: str
    body: str
    link: str | None = None
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Device:
    user_id: str
    device_id: str
    platform: str
    endpoint_arn: str
    created_at: datetime


@dataclass(frozen=True)
class QuietHours:
    """Local times between which nothing non-transactional is delivered (may wrap midnight)."""

    start: time
    end: time
    timezone: str = "Europe/Amsterdam"

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone()).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, moment: datetime) -> datetime:
        """The first moment at or after `moment` outside the quiet hours."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(self.zone())
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)


DEFAULT_DAILY_CAP = 5


@dataclass(frozen=True)
class Consent:
    """An opt-in (or opt-out) as the member gave it: when, and the exact wording shown."""

    channel: Channel
    topic: Topic
    granted: bool
    wording: str
    at: datetime


@dataclass(frozen=True)
class Preferences:
    """A member's choices. `channels[topic]` is the set of channels they receive that topic on."""

    user_id: str
    language: str = DEFAULT_LANGUAGE.value
    channels: dict[Topic, frozenset[Channel]] = field(default_factory=dict)
    quiet_hours: QuietHours | None = None
    daily_cap: int = DEFAULT_DAILY_CAP
    consents: tuple[Consent, ...] = ()
    revision: int = 0

    def allows(self, topic: Topic, channel: Channel) -> bool:
        return channel in self.channels_for(topic)

    def channels_for(self, topic: Topic) -> frozenset[Channel]:
        return self.channels.get(topic, default_channels(topic))


def default_channels(topic: Topic) -> frozenset[Channel]:
    """What a member gets before choosing: inbox everywhere, e-mail for orders, review requests,
    answers and vendor matters; push only once they register a device and opt in; never a
    newsletter without an explicit (double) opt-in."""
    if topic is Topic.NEWSLETTER:
        return frozenset()
    if topic in (Topic.ORDER, Topic.REVIEW_REQUEST, Topic.VENDOR, Topic.ADVICE, Topic.COMMUNITY):
        return frozenset({Channel.INBOX, Channel.EMAIL})
    return frozenset({Channel.INBOX})


def default_preferences(user_id: str, language: str = DEFAULT_LANGUAGE.value) -> Preferences:
    return Preferences(user_id=user_id, language=language)


class Decision(StrEnum):
    SEND = "send"
    DEFER = "defer"
    SKIP_PREFERENCE = "skipped_preference"
    SKIP_CAP = "skipped_cap"
    SKIP_SUPPRESSED = "skipped_suppressed"
    SKIP_NO_ADDRESS = "skipped_no_address"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    not_before: datetime | None = None


def decide(
    prefs: Preferences, topic: Topic, channel: Channel, now: datetime, sent_today: int, *, suppressed: bool = False
) -> Verdict:
    """Whether to deliver `topic` on `channel` now, later (past quiet hours) or not at all.

    The inbox is the record: it is never deferred nor capped. Transactional topics ignore quiet
    hours and caps. A suppressed address (bounce, complaint) gets no e-mail at all.
    """
    if channel is Channel.EMAIL and suppressed:
        return Verdict(Decision.SKIP_SUPPRESSED)
    if not prefs.allows(topic, channel):
        return Verdict(Decision.SKIP_PREFERENCE)
    if channel is Channel.INBOX or topic in TRANSACTIONAL_TOPICS:
        return Verdict(Decision.SEND)
    if sent_today >= prefs.daily_cap:
        return Verdict(Decision.SKIP_CAP)
    if prefs.quiet_hours is not None and prefs.quiet_hours.contains(now):
        return Verdict(Decision.DEFER, prefs.quiet_hours.ends_after(now))
    return Verdict(Decision.SEND)


SEND_LEASE = timedelta(minutes=10)
"""How long a claim to send one message holds. Longer than any sending function's timeout (the
campaigns consumer's is 5 minutes): a claim older than this belongs to a run that died between
claiming and confirming, and the next delivery of the work sends instead."""


DUE_ATTEMPTS = 5
"""How often the sweeper tries one due item before it gives up on it (and logs it as an error)."""


class Claim(StrEnum):
    """The answer to "may I send this message now?" (see `SEND_LEASE`)."""

    CLAIMED = "claimed"  # yes: send, then confirm (or release if the provider refused)
    SENT = "sent"  # no: it was sent already (a redelivered event, a retried batch)
    BUSY = "busy"  # not now: another run claimed it within the lease; retry later


class SendInFlight(RuntimeError):
    """Another run holds the claim to send this message: the work is retried (never dropped)."""


@dataclass(frozen=True)
class Notification:
    """One entry of a member's inbox."""

    user_id: str
    notification_id: str
    topic: Topic
    title: str
    body: str
    link: str | None
    created_at: datetime
    read: bool = False


@dataclass(frozen=True)
class Delivery:
    """What happened on one channel for one notification (sent, deferred or skipped and why)."""

    user_id: str
    notification_id: str
    channel: Channel
    topic: Topic
    status: str
    at: datetime
    message_id: str | None = None


@dataclass(frozen=True)
class DueItem:
    """Work scheduled for later: a review request N days after delivery, a deferred delivery."""

    due_at: datetime
    item_id: str
    kind: str
    payload: dict[str, str]
    attempt: int = 0


@dataclass(frozen=True)
class SentMail:
    """An e-mail as the local mailbox shows it."""

    message_id: str
    to_address: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    sent_at: datetime | None = None
