"""Demo notifications: preferences for the demo users (with the consent as shown in the web
client's settings page), a few notifications in their inboxes (some unread), and the newsletter
demo (local/seed/campaigns.py).

Idempotent: preferences are written once (a later run keeps what a person changed), notification
ids are fixed (a second write of the same id is refused by the store and skipped).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from functions.notifications.logic.domain import Channel, Consent, Notification, Preferences, QuietHours, Topic
from functions.notifications.store.dynamo import DynamoNotificationsStore
from local.seed import SeedContext
from local.seed import campaigns as newsletter

SEED_TIME = datetime(2026, 11, 28, 10, tzinfo=UTC)
WORDING = (
    "I agree that Plein sends me the messages ticked above on the channels ticked above. "
    "I can change this at any time here or with the unsubscribe link in every e-mail."
)  # the same words as web/views/notifications/settings.js
ALL = frozenset({Channel.INBOX, Channel.EMAIL, Channel.PUSH})
PLANS: dict[str, tuple[str, QuietHours | None, int]] = {
    # username: language, quiet hours, daily cap
    "shopper": ("nl", QuietHours(time(22), time(7, 30)), 3),
    "vendor": ("de", None, 5),
    "advisor": ("en", QuietHours(time(23), time(7)), 4),
}
INBOX: dict[str, tuple[tuple[Topic, str, str, str, bool], ...]] = {
    "shopper": (
        (Topic.ORDER, "Je bestelling is verzonden", "Je pakket is onderweg met PostNL.", "#/orders", True),
        (Topic.REWARDS, "Je hebt 250 punten verdiend", "Bedankt voor je bestelling!", "#/rewards", True),
        (Topic.COMMUNITY, "Er is een antwoord op je vraag", "Iemand heeft je vraag beantwoord.", "#/community", False),
    ),
    "vendor": ((Topic.VENDOR, "Neue Bestellung", "Eine neue Bestellung wartet auf den Versand.", "#/vendor", False),),
    "advisor": ((Topic.ADVICE, "You are an advisor now", "Welcome to the programme.", "#/advice", False),),
}


def seed(ctx: SeedContext) -> None:
    environment = ctx.environment("notifications")
    store = DynamoNotificationsStore(ctx.client("dynamodb"), environment["TABLE_NAME"])
    for username, (language, quiet, cap) in PLANS.items():
        user = ctx.users.get(username)
        if user is None or store.preferences(user.sub) is not None:
            continue
        channels: dict[Topic, frozenset[Channel]] = {topic: ALL for topic in Topic if topic is not Topic.NEWSLETTER}
        consents = tuple(
            Consent(channel, topic, True, WORDING, SEED_TIME)
            for topic in channels
            for channel in (Channel.EMAIL, Channel.PUSH)
        )
        store.save_preferences(
            Preferences(user.sub, language, channels, quiet_hours=quiet, daily_cap=cap, consents=consents)
        )
    added = 0
    for username, notes in INBOX.items():
        user = ctx.users.get(username)
        if user is None:
            continue
        for number, (topic, title, body, link, read) in enumerate(notes):
            at = SEED_TIME + timedelta(hours=number)
            note = Notification(user.sub, f"seed-{username}-{number}", topic, title, body, link, at, read)
            added += int(store.add_notification(note, []))
    ctx.log(f"notifications: preferences for {', '.join(PLANS)}, {added} inbox entries")
    newsletter.seed(ctx)
    ctx.log("notifications: newsletter members and the draft campaign seeded")
