"""Campaigns, segments and the newsletter's double opt-in over in-memory stores."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound, UnprocessableEntity
from functions.common.pagination import CursorCodec
from functions.common.signed_links import SignedLinks
from functions.notifications.logic.campaigns import (
    CAMPAIGN_MAIL,
    CampaignSender,
    CampaignService,
    CampaignTracking,
    SenderConfig,
    SendThrottle,
    batches,
    html_to_text,
    sanitise_html,
)
from functions.notifications.logic.domain import SEND_LEASE, Channel, Preferences, QuietHours, SendInFlight, Topic
from functions.notifications.logic.newsletter import WORDING_ID, NewsletterService
from functions.notifications.logic.segments import (
    AudienceEvent,
    AudienceMember,
    AudienceProjection,
    Segment,
    SegmentService,
)
from functions.notifications.models.campaigns import CampaignIn, NewsletterConfirmIn
from functions.notifications.models.consumed import NewsletterOptInRequestedView
from functions.notifications.models.events import CampaignBatchQueued, CampaignPageQueued
from tests.unit.notifications.campaign_fakes import (
    T0,
    Directory,
    FakeClock,
    Gate,
    InMemoryCampaignStore,
    RecordingMailer,
    StaticUnsubscribe,
)

SECRET = "unit-test-cursor-secret"
ADMIN = Principal(user_id="admin-1", groups=frozenset({Role.ADMIN}))
SHOPPER = Principal(user_id="shopper-1", groups=frozenset({Role.SHOPPER}))
NEWSLETTER_ON = {Topic.NEWSLETTER: frozenset({Channel.EMAIL})}


class World:
    def __init__(self, rate: int = 1000, batch_size: int = 2, page_size: int = 3) -> None:
        self.store = InMemoryCampaignStore()
        self.clock = FakeClock()
        self.gate = Gate()
        self.mailer = RecordingMailer()
        self.directory = Directory()
        self.signer = SignedLinks(SECRET, "campaign-tracking")
        self.sleeps: list[float] = []
        self.throttle = SendThrottle(self.store, rate, self.clock, sleep=self._sleep)
        self.campaigns = CampaignService(self.store, self.store, CursorCodec(SECRET), self.clock)
        self.sender = CampaignSender(
            store=self.store,
            audience=self.store,
            gate=self.gate,
            contacts=self.directory,
            mailer=self.mailer,
            signer=self.signer,
            unsubscribe=StaticUnsubscribe(),
            throttle=self.throttle,
            config=SenderConfig(api_url="https://api.test", batch_size=batch_size, page_size=page_size),
            clock=self.clock,
        )
        self.tracking = CampaignTracking(self.store, self.signer, self.clock)
        self.newsletter = NewsletterService(
            audience=self.store,
            consents=self.store,
            preferences=self.gate,
            contacts=self.directory,
            mailer=self.mailer,
            signer=SignedLinks(SECRET, "newsletter-confirm"),
            web_url="https://web.test",
            clock=self.clock,
        )

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def member(self, user_id: str, *, subscribed: bool = True, **fields: Any) -> None:
        self.store.save_audience_member(
            AudienceMember(
                user_id=user_id,
                email=f"{user_id}@example.test",
                newsletter="subscribed" if subscribed else "none",
                **fields,
            )
        )
        if subscribed:
            self.gate.prefs[user_id] = Preferences(user_id=user_id, channels=dict(NEWSLETTER_ON))

    def draft(self, segment: Segment | None = None, **content: str) -> str:
        request = CampaignIn(
            name="Winter",
            content={
                "nl": {
                    "subject": "Winter bij Plein",
                    "html": content.get("nl", '<p>Hallo <a href="https://plein.test/w">kijk</a></p>'),
                },
                "en": {"subject": "Winter at Plein", "html": "<p>Hello</p>"},
            },
            segment=segment or Segment(),
        )
        return self.campaigns.create(ADMIN, request).campaign_id

    def drain(self, redeliver: bool = False) -> None:
        """Deliver outbox events the way the campaigns consumer gets them (each twice if asked)."""
        handled = 0
        while handled < len(self.store.outbox):
            event = self.store.outbox[handled]
            handled += 1
            for _ in range(2 if redeliver else 1):
                self.sender.handle(event.detail_type, event.model_dump(mode="json"))


# ---------------------------------------------------------------- sanitising


def test_scripts_event_handlers_and_javascript_links_are_stored_sanitised() -> None:
    dirty = (
        '<p onclick="steal()">Hi<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><a href="JaVa&#x09;script:alert(1)">y</a>'
        '<img src="x" onerror="alert(1)"><a href="https://plein.test/">ok</a><style>p{}</style>'
    )

    clean = sanitise_html(dirty)

    assert "script" not in clean.lower()
    assert "onclick" not in clean
    assert "onerror" not in clean
    assert "style" not in clean
    assert 'href="https://plein.test/"' in clean
    assert clean.count("<a") == 3
    assert clean.count("href=") == 1


def test_plain_text_keeps_blocks_and_link_targets() -> None:
    assert html_to_text('<p>One &amp; two</p><p><a href="https://p.test/a">go</a></p>') == (
        "One & two\ngo (https://p.test/a)"
    )


# ---------------------------------------------------------------- segments


def test_a_segment_filters_by_stage_affinity_activity_and_language() -> None:
    now = T0
    fan = AudienceMember(
        user_id="a", stage="fan", language="de", affinities=frozenset({"lighting"}), last_active_at=now
    )
    segment = Segment(stages=["fan"], affinities=["Lighting"], active_within_days=30, languages=["de"])

    assert segment.matches(fan, now)
    assert not segment.matches(AudienceMember(user_id="b", stage="new"), now)
    assert not segment.matches(fan, now + timedelta(days=31))
    assert not Segment(languages=["nl"]).matches(fan, now)
    assert Segment().matches(fan, now)


def test_the_projection_keeps_the_newest_stage_and_is_idempotent() -> None:
    world = World()
    projection = AudienceProjection(world.store)
    later = AudienceEvent(event_id="e2", occurred_at=T0 + timedelta(hours=1), user_id="u", new_stage="fan")
    earlier = AudienceEvent(event_id="e1", occurred_at=T0, user_id="u", new_stage="regular")

    projection.handle("StageChanged", later)
    projection.handle("StageChanged", earlier)
    projection.handle("StageChanged", later)
    projection.handle("OrderPlaced", AudienceEvent(event_id="e3", occurred_at=T0, user_id="u"))

    member = world.store.members["u"]
    assert member.stage == "fan"
    assert member.last_active_at == T0


def test_two_events_of_one_member_at_once_both_land() -> None:
    """A profile update merged while a stage change for the same member is saved in between: the
    projection's save is refused (the revision moved), it reads again and keeps both."""
    world = World()
    projection = AudienceProjection(world.store)
    save = world.store.save_audience_member
    raced: list[bool] = []

    def stage_change_lands_first(member: AudienceMember) -> None:
        if not raced:
            raced.append(True)
            stage = AudienceEvent(event_id="s", occurred_at=T0, user_id="u", new_stage="fan")
            AudienceProjection(world.store).handle("StageChanged", stage)
        save(member)

    world.store.save_audience_member = stage_change_lands_first  # type: ignore[method-assign]
    projection.handle("ProfileUpdated", AudienceEvent(event_id="p", occurred_at=T0, user_id="u", interests=["Lamps"]))

    member = world.store.members["u"]
    assert (member.stage, member.affinities) == ("fan", frozenset({"lamps"}))


def test_the_preview_counts_subscribers_and_members_for_admins_only() -> None:
    world = World()
    world.member("a", stage="fan")
    world.member("b", stage="fan", subscribed=False)
    world.member("c", stage="new")
    service = SegmentService(world.store, world.clock)

    found = service.preview(ADMIN, Segment(stages=["fan"]))

    assert (found.recipients, found.members, found.sample) == (1, 2, ["a"])
    with pytest.raises(Forbidden):
        service.preview(SHOPPER, Segment())


# ---------------------------------------------------------------- batching and the rate limit


@given(st.lists(st.text(min_size=1, max_size=5), max_size=60), st.integers(min_value=1, max_value=25))
def test_batches_keep_every_member_once_in_order(user_ids: list[str], size: int) -> None:
    chunks = batches(user_ids, size)

    assert [u for chunk in chunks for u in chunk] == user_ids
    assert all(0 < len(chunk) <= size for chunk in chunks)


def test_the_throttle_never_lets_more_than_the_rate_through_in_one_second() -> None:
    world = World(rate=3)

    for _ in range(10):
        world.throttle.acquire()

    assert max(world.store.slots.values()) == 3
    assert len(world.store.slots) == 4  # 10 sends at 3 per second span four seconds
    assert world.sleeps


# ---------------------------------------------------------------- composing and sending


def test_only_admins_compose_and_drafts_are_sanitised() -> None:
    world = World()
    campaign_id = world.draft(nl='<p>Hoi<script>x()</script><a href="javascript:x()">a</a></p>')

    stored = world.campaigns.get(ADMIN, campaign_id)

    assert "script" not in stored.content["nl"].html
    with pytest.raises(Forbidden):
        world.campaigns.get(SHOPPER, campaign_id)
    with pytest.raises(UnprocessableEntity):
        world.draft(nl="<script>only()</script>")


def test_a_campaign_is_sent_once_and_a_repeat_with_the_same_key_answers_alike() -> None:
    world = World()
    campaign_id = world.draft()

    first = world.campaigns.send(ADMIN, campaign_id, "key-1")
    again = world.campaigns.send(ADMIN, campaign_id, "key-1")

    assert first.status == again.status == "queued"
    with pytest.raises(Conflict) as refused:
        world.campaigns.send(ADMIN, campaign_id, None)
    assert refused.value.code == "campaign_already_sent"
    with pytest.raises(Conflict):
        world.campaigns.update(ADMIN, campaign_id, CampaignIn(name="x", content={"en": {"subject": "s", "html": "b"}}))
    assert len(world.store.outbox) == 1


def test_a_campaign_reaches_only_its_segment_and_only_confirmed_members() -> None:
    world = World()
    for user_id in ("fan-1", "fan-2", "fan-3"):
        world.member(user_id, stage="fan")
    world.member("fan-unconfirmed", stage="fan", subscribed=False)
    world.member("newbie", stage="new")
    campaign_id = world.draft(Segment(stages=["fan"]))

    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain()

    assert sorted(m.to_address for m in world.mailer.sent) == [f"fan-{n}@example.test" for n in (1, 2, 3)]
    campaign = world.campaigns.get(ADMIN, campaign_id)
    assert campaign.status == "sent"
    assert (campaign.stats.recipients, campaign.stats.delivered) == (3, 3)
    mail = world.mailer.sent[0]
    assert mail.headers["List-Unsubscribe"].startswith("<https://api.test/unsubscribe/")
    assert "/t/o/" in mail.html
    assert "/t/c/" in mail.html
    assert "https://plein.test/w" not in mail.html


def test_preferences_suppressions_and_caps_are_respected() -> None:
    world = World()
    world.member("ok")
    world.member("bounced")
    world.gate.suppressed.add("bounced@example.test")
    world.member("opted-out")
    world.gate.prefs["opted-out"] = Preferences(user_id="opted-out")  # newsletter e-mail off
    world.member("capped")
    world.gate.prefs["capped"] = Preferences(user_id="capped", channels=dict(NEWSLETTER_ON), daily_cap=0)
    campaign_id = world.draft()

    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain()

    assert [m.to_address for m in world.mailer.sent] == ["ok@example.test"]
    stats = world.campaigns.get(ADMIN, campaign_id).stats
    assert stats.skipped == 3
    assert stats.skip_reasons == {"skipped_suppressed": 1, "skipped_preference": 1, "skipped_cap": 1}


@settings(max_examples=40, deadline=None)
@given(
    subscribed=st.lists(st.booleans(), min_size=1, max_size=12),
    redeliver=st.booleans(),
    fail_first=st.booleans(),
)
def test_nobody_gets_a_campaign_twice_whatever_is_redelivered(
    subscribed: list[bool], redeliver: bool, fail_first: bool
) -> None:
    world = World(batch_size=2, page_size=3)
    for index, on in enumerate(subscribed):
        world.member(f"m{index:02d}", subscribed=on)
    if fail_first:
        world.mailer.fail_for.add("m00@example.test")
    campaign_id = world.draft()
    world.campaigns.send(ADMIN, campaign_id, None)

    try:
        world.drain(redeliver=redeliver)
    except RuntimeError:
        world.mailer.fail_for.clear()  # the mail service is back; SQS delivers the batch again
        for event in list(world.store.outbox):
            world.sender.handle(event.detail_type, event.model_dump(mode="json"))
        world.drain(redeliver=True)

    addresses = [m.to_address for m in world.mailer.sent]
    expected = sorted(f"m{i:02d}@example.test" for i, on in enumerate(subscribed) if on)
    assert sorted(addresses) == expected
    assert world.campaigns.get(ADMIN, campaign_id).stats.delivered == len(expected)


def test_a_member_in_quiet_hours_gets_the_campaign_when_they_end_once() -> None:
    world = World(batch_size=5)
    world.member("night-owl")
    world.member("early-bird")
    # T0 is 10:00 UTC: the night owl's quiet hours run until 11:00
    world.gate.prefs["night-owl"] = Preferences(
        user_id="night-owl", channels=dict(NEWSLETTER_ON), quiet_hours=QuietHours(time(9), time(11), "UTC")
    )
    campaign_id = world.draft()

    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain(redeliver=True)

    # Then only the early bird has it now; the night owl's mail waits for 11:00, kept once
    assert [m.to_address for m in world.mailer.sent] == ["early-bird@example.test"]
    [deferred] = world.gate.scheduled
    assert deferred.kind == CAMPAIGN_MAIL
    assert deferred.due_at == T0.replace(hour=11)

    # When the sweeper hands it over after the quiet hours (twice: a retried sweep)
    world.clock.advance((deferred.due_at - world.clock()).total_seconds())
    world.sender.send_due(deferred)
    world.sender.send_due(deferred)

    # Then the night owl gets it once, and it counts as delivered
    assert sorted(m.to_address for m in world.mailer.sent) == ["early-bird@example.test", "night-owl@example.test"]
    assert world.campaigns.get(ADMIN, campaign_id).stats.delivered == 2


class Crash(BaseException):
    """The consumer dies where it stands (timeout, out of memory): no handler runs."""


def test_a_mail_claimed_by_a_run_that_died_is_sent_by_a_later_delivery_once() -> None:
    world = World(batch_size=5)
    world.member("m1")
    campaign_id = world.draft()
    world.campaigns.send(ADMIN, campaign_id, None)
    [page] = list(world.store.outbox)
    world.sender.handle(page.detail_type, page.model_dump(mode="json"))
    [batch] = [e for e in world.store.outbox if isinstance(e, CampaignBatchQueued)]

    # Given a run that claimed m1's mail and died before handing it over
    def die(mail: Any) -> str:
        raise Crash

    send, world.mailer.send = world.mailer.send, die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        world.sender.handle(batch.detail_type, batch.model_dump(mode="json"))
    world.mailer.send = send  # type: ignore[method-assign]

    # When SQS delivers the batch again within the claim's lease, the batch is retried, not finished
    with pytest.raises(SendInFlight):
        world.sender.handle(batch.detail_type, batch.model_dump(mode="json"))
    assert world.mailer.sent == []

    # And after the lease the mail goes out, once, and counts once
    world.clock.advance(SEND_LEASE.total_seconds() + 1)
    for _ in range(2):
        world.sender.handle(batch.detail_type, batch.model_dump(mode="json"))
    assert [m.to_address for m in world.mailer.sent] == ["m1@example.test"]
    assert world.campaigns.get(ADMIN, campaign_id).stats.delivered == 1


# ---------------------------------------------------------------- tracking


def _tokens(html: str) -> dict[str, str]:
    opened = re.search(r"/t/o/([^\"]+)\.gif", html)
    clicked = re.search(r"/t/c/([^\"]+)\"", html)
    assert opened
    assert clicked
    return {"open": unquote(opened.group(1)), "click": unquote(clicked.group(1))}


def test_opens_and_clicks_count_once_per_member_and_redirect_only_where_signed() -> None:
    world = World()
    world.member("a")
    campaign_id = world.draft()
    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain()
    tokens = _tokens(world.mailer.sent[0].html)

    world.tracking.opened(tokens["open"] + ".gif")
    world.tracking.opened(tokens["open"])
    target = world.tracking.clicked(tokens["click"])
    world.tracking.clicked(tokens["click"])

    assert target == "https://plein.test/w"
    stats = world.campaigns.get(ADMIN, campaign_id).stats
    assert (stats.opened, stats.clicked) == (1, 1)
    forged = SignedLinks("another-secret-entirely", "campaign-tracking").issue(
        {"c": campaign_id, "u": "a", "k": "c", "l": "https://evil.test"}
    )
    with pytest.raises(NotFound):
        world.tracking.clicked(forged)
    with pytest.raises(NotFound):
        world.tracking.clicked(tokens["open"])  # an open token is no redirect
    world.tracking.opened("garbage")  # counts nothing, fails nothing


# ---------------------------------------------------------------- the newsletter


def _opt_in(world: World, user_id: str = "u1", event_id: str = "evt-1") -> str:
    event = NewsletterOptInRequestedView(
        event_id=event_id,
        occurred_at=T0,
        user_id=user_id,
        email=f"{user_id}@example.test",
        confirm_url="http://api.test/newsletter/confirm?token=abc123",
        expires_at=T0 + timedelta(days=7),
    )
    world.newsletter.opt_in_requested(event)
    world.newsletter.opt_in_requested(event)  # redelivered: one mail
    link = re.search(r"#/newsletter/confirm/(\S+)", world.mailer.sent[-1].text)
    assert link
    return unquote(link.group(1))


def test_double_opt_in_records_the_consent_with_time_and_wording() -> None:
    world = World()
    token = _opt_in(world)
    assert len(world.mailer.sent) == 1
    assert world.store.members["u1"].newsletter == "pending"

    shown = world.newsletter.wording(token)
    world.clock.advance(60)
    done = world.newsletter.confirm(token, NewsletterConfirmIn(wording_id=shown.wording_id, interests=["Lighting"]))

    assert done.status == "subscribed"
    assert done.consent is not None
    assert done.consent.wording == shown.wording
    assert done.consent.at == world.clock.now
    assert done.profile_confirm_url == "http://api.test/newsletter/confirm?token=abc123"
    assert world.gate.prefs["u1"].allows(Topic.NEWSLETTER, Channel.EMAIL)
    assert world.gate.prefs["u1"].consents[-1].wording == shown.wording
    assert "lighting" in world.store.members["u1"].affinities
    again = world.newsletter.confirm(token, NewsletterConfirmIn(wording_id=WORDING_ID))
    assert again.status == "subscribed"


def test_unsubscribing_stops_campaigns_and_the_old_link_cannot_resubscribe() -> None:
    world = World()
    token = _opt_in(world)
    world.newsletter.confirm(token, NewsletterConfirmIn(wording_id=WORDING_ID))
    member = Principal(user_id="u1", groups=frozenset({Role.SHOPPER}))

    out = world.newsletter.unsubscribe(member)
    campaign_id = world.draft()
    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain()

    assert out.status == "unsubscribed"
    assert out.unsubscribed_at is not None
    assert len(world.mailer.sent) == 1  # only the confirmation mail
    assert not world.gate.prefs["u1"].allows(Topic.NEWSLETTER, Channel.EMAIL)
    with pytest.raises(Conflict):
        world.newsletter.confirm(token, NewsletterConfirmIn(wording_id=WORDING_ID))
    with pytest.raises(UnprocessableEntity):
        world.newsletter.confirm(_opt_in(world, event_id="evt-2"), NewsletterConfirmIn(wording_id="made-up"))


def test_the_page_and_batch_events_carry_deterministic_ids() -> None:
    world = World(batch_size=1, page_size=1)
    world.member("a")
    world.member("b")
    campaign_id = world.draft()
    world.campaigns.send(ADMIN, campaign_id, None)
    world.drain()

    ids = [e.event_id for e in world.store.outbox]
    assert ids[0] == f"{campaign_id}.page.0"
    assert len(ids) == len(set(ids))
    assert {e.detail_type for e in world.store.outbox} == {
        CampaignPageQueued.detail_type,
        CampaignBatchQueued.detail_type,
    }
