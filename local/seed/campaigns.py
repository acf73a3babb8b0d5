"""Demo newsletter data: a few members who confirmed the newsletter (double opt-in, with the
consent as given), at several journey stages, and a draft campaign for fans and ambassadors.
Called by the notifications seed (`seed(ctx)` here is idempotent: fixed ids, consents added once).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from functions.common.errors import Conflict
from functions.notifications.logic.campaigns import Campaign, Content, sanitise_html
from functions.notifications.logic.domain import Channel, Consent, Topic, default_preferences
from functions.notifications.logic.newsletter import WORDING_ID, ConsentRecord, wording
from functions.notifications.logic.segments import AudienceMember, Segment
from functions.notifications.store.campaigns import DynamoCampaignStore
from functions.notifications.store.dynamo import DynamoNotificationsStore
from local.seed import SeedContext

SEED_TIME = datetime(2026, 11, 20, 9, tzinfo=UTC)
CAMPAIGN_ID = "demo-winter"
MEMBERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # user id, stage, language, interests
    ("demo-fan-nl", "fan", "nl", ("lighting", "home")),
    ("demo-ambassador-de", "ambassador", "de", ("kitchen",)),
    ("demo-regular-en", "regular", "en", ("fashion",)),
)
BODY = {
    "nl": ("Winterlicht bij Plein", '<h2>Lampen voor lange avonden</h2><p>Onze fans kozen hun favorieten. '
           '<a href="http://127.0.0.1:8080/#/trending">Bekijk ze</a>.</p>'),
    "de": ("Winterlicht bei Plein", '<h2>Lampen für lange Abende</h2><p>Unsere Fans haben gewählt. '
           '<a href="http://127.0.0.1:8080/#/trending">Ansehen</a>.</p>'),
    "en": ("Winter light at Plein", '<h2>Lamps for long evenings</h2><p>Our fans picked their favourites. '
           '<a href="http://127.0.0.1:8080/#/trending">See them</a>.</p>'),
}  # fmt: skip


def seed(ctx: SeedContext) -> None:
    table = ctx.environment("notifications")["TABLE_NAME"]
    store = DynamoCampaignStore(table, ctx.client("dynamodb"))
    core = DynamoNotificationsStore(ctx.client("dynamodb"), table)
    members = [(user, stage, lang, interests) for user, stage, lang, interests in MEMBERS]
    shopper = ctx.users.get("shopper")
    if shopper is not None:
        members.append((shopper.sub, "regular", "nl", ("lighting",)))
    for number, (user_id, stage, language, interests) in enumerate(members):
        at = SEED_TIME + timedelta(minutes=number)
        email = f"{user_id}@plein.local" if user_id.startswith("demo-") else (shopper.email if shopper else None)
        if store.audience_member(user_id) is None:
            store.add_consent(
                ConsentRecord(
                    user_id=user_id,
                    at=at,
                    granted=True,
                    wording_id=WORDING_ID,
                    wording=wording(WORDING_ID, language),
                    language=language,
                    email=email,
                    interests=interests,
                    source="seed",
                )
            )
            prefs = core.preferences(user_id) or default_preferences(user_id, language)
            channels = {**prefs.channels, Topic.NEWSLETTER: frozenset({Channel.EMAIL})}
            consent = Consent(Channel.EMAIL, Topic.NEWSLETTER, True, wording(WORDING_ID, language), at)
            core.save_preferences(replace(prefs, channels=channels, consents=(*prefs.consents, consent)))
            store.save_audience_member(
                AudienceMember(
                    user_id=user_id,
                    stage=stage,
                    stage_at=at,
                    language=language,
                    affinities=frozenset(interests),
                    last_active_at=at,
                    email=email,
                    newsletter="subscribed",
                )
            )
    campaign = Campaign(
        campaign_id=CAMPAIGN_ID,
        name="Winter light (demo)",
        content={lang: Content(subject=subject, html=sanitise_html(body)) for lang, (subject, body) in BODY.items()},
        segment=Segment(stages=["fan", "ambassador"]),
        created_at=SEED_TIME,
        updated_at=SEED_TIME,
        created_by="seed",
    )
    with suppress(Conflict):  # seeded before
        store.create_campaign(campaign)
