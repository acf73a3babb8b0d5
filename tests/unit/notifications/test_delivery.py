"""Consumers and delivery over fakes: who gets what on which channel, idempotency on event ids,
review requests after the delay with a signed link, quiet hours, caps, suppression, unsubscribe."""

from __future__ import annotations

import email
import re
from datetime import time, timedelta

import pytest

from functions.common.signed_links import REVIEW_INVITATION, SignedLinks
from functions.notifications.logic.domain import (
    DUE_ATTEMPTS,
    SEND_LEASE,
    Channel,
    DueItem,
    OutgoingMail,
    Preferences,
    QuietHours,
    SendInFlight,
    Topic,
)
from functions.notifications.models.events import NotificationCreated
from functions.notifications.store.ses import mime_message
from tests.unit.notifications.conftest import API, SECRET, World


def test_an_order_confirmation_reaches_inbox_and_mail_once_even_when_redelivered(world: World) -> None:
    world.place_order(event_id="e1")
    world.place_order(event_id="e1")  # the relay published it twice

    assert len(world.store.notes["u1"]) == 1
    [mail] = world.mail.to("ann@example.com")
    assert mail.subject == "Your order o1 is confirmed"
    assert "€25,00" in mail.text
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.headers["List-Unsubscribe"].startswith(f"<{API}/unsubscribe/")
    [created] = world.store.outbox
    assert isinstance(created, NotificationCreated)
    assert created.unread == 1


def test_a_new_order_goes_to_the_vendors_known_users_else_is_noted(world: World) -> None:
    world.place_order(event_id="e1")
    assert "v-owner" not in world.store.notes  # nobody known for v1 yet

    world.event(
        "plein.vendor",
        "VendorApproved",
        {
            "event_id": "va",
            "occurred_at": world.clock().isoformat(),
            "vendor_id": "v1",
            "name": "Atelier",
            "owner_user_id": "v-owner",
        },
    )
    world.place_order(order_id="o2", event_id="e2")
    titles = [n.title for n in world.store.notes["v-owner"].values()]
    assert "Nieuwe bestelling o2" in titles  # unknown contact: the default language, Dutch


def test_a_delivered_order_schedules_a_review_request_that_the_sweeper_sends_after_the_delay(world: World) -> None:
    world.deliver_order(products=("p1", "p2"))
    world.deliver_order(products=("p1", "p2"))  # another event for the same delivery: no second schedule
    assert len(world.store.due_items) == 2
    assert world.services.consumer.run_due() == 0  # not yet due

    world.clock.advance(seconds=3600)
    assert world.services.consumer.run_due() == 2
    assert world.services.consumer.run_due() == 0

    reviews = [m for m in world.mail.to("ann@example.com") if m.subject == "How do you like your purchase?"]
    assert len(reviews) == 2
    token = re.search(r"#/review/([A-Za-z0-9_\-.]+)", reviews[0].text)
    assert token is not None
    claims = SignedLinks(SECRET, REVIEW_INVITATION).verify(token.group(1), world.clock())
    assert (claims["u"], claims["o"]) == ("u1", "o1")
    assert claims["p"] in {"p1", "p2"}


def test_quiet_hours_defer_non_transactional_mail_but_not_order_mail(world: World) -> None:
    quiet = QuietHours(time(9, 0), time(12, 0), "Europe/Amsterdam")  # T0 is 11:00 in Amsterdam
    world.store.prefs["u1"] = Preferences("u1", "en", {Topic.REWARDS: frozenset(Channel)}, quiet, revision=1)

    world.points("u1", "pa1")
    world.place_order(event_id="e1")
    assert [m.subject for m in world.mail.to("ann@example.com")] == ["Your order o1 is confirmed"]
    assert [d.status for d in world.store.log if d.topic is Topic.REWARDS and d.channel is Channel.EMAIL] == [
        "deferred"
    ]

    world.clock.advance(hours=1)
    world.services.consumer.run_due()
    assert "You earned 10 points" in [m.subject for m in world.mail.to("ann@example.com")]


def test_over_the_daily_cap_mail_is_skipped_and_logged(world: World) -> None:
    world.store.prefs["u1"] = Preferences("u1", "en", {Topic.REWARDS: frozenset(Channel)}, daily_cap=2, revision=1)
    for index in range(4):
        world.points("u1", f"pa{index}")
    assert len(world.mail.to("ann@example.com")) == 2
    statuses = [d.status for d in world.store.log if d.channel is Channel.EMAIL]
    assert statuses == ["sent", "sent", "skipped_cap", "skipped_cap"]
    assert len(world.store.notes["u1"]) == 4  # the inbox keeps everything


def test_a_bounced_address_gets_nothing_more(world: World) -> None:
    world.event(
        "aws.ses",
        "Email Bounced",
        {
            "eventType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "Ann@Example.com"}]},
            "mail": {"messageId": "m-0"},
        },
    )
    world.place_order(event_id="e1")
    assert world.mail.sent == []
    assert [d.status for d in world.store.log if d.channel is Channel.EMAIL] == ["skipped_suppressed"]


def test_a_transient_bounce_does_not_suppress(world: World) -> None:
    detail = {
        "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "ann@example.com"}]},
        "mail": {"messageId": "m-0"},
    }
    world.event("aws.ses", "Email Bounced", detail)
    assert world.store.suppressed == {}


def test_unsubscribing_through_the_mail_link_stops_that_topic_on_that_channel(world: World) -> None:
    world.event(
        "plein.community",
        "AnswerPosted",
        {
            "event_id": "a1",
            "occurred_at": world.clock().isoformat(),
            "answer_id": "an1",
            "question_id": "q1",
            "product_id": "p1",
            "user_id": "u2",
            "asker_id": "u1",
        },
    )
    [mail] = world.mail.to("ann@example.com")
    token = mail.headers["List-Unsubscribe"].rsplit("/", 1)[1].rstrip(">")
    members = world.services.members
    assert members.unsubscription(token).subscribed is True
    assert members.unsubscribe(token).subscribed is False
    assert members.unsubscribe(token).subscribed is False  # a second click changes nothing
    consent = world.store.prefs["u1"].consents[-1]
    assert (consent.topic, consent.channel, consent.granted) == (Topic.COMMUNITY, Channel.EMAIL, False)

    world.event(
        "plein.community",
        "ReviewReplied",
        {
            "event_id": "r1",
            "occurred_at": world.clock().isoformat(),
            "review_id": "rv",
            "product_id": "p1",
            "user_id": "u1",
        },
    )
    assert len(world.mail.to("ann@example.com")) == 1
    assert len(world.store.notes["u1"]) == 2  # still in the inbox


def test_push_goes_to_registered_devices_of_members_who_opted_in(world: World) -> None:
    from functions.common.auth import Principal
    from functions.notifications.models.api import DeviceIn

    world.services.members.register_device(Principal(user_id="u1"), DeviceIn(platform="fcm", token="token-123456"))
    world.points("u1", "pa1")
    assert world.push.pushed == []  # rewards push is off by default
    world.store.prefs["u1"] = Preferences("u1", "en", {Topic.REWARDS: frozenset(Channel)}, revision=1)
    world.points("u1", "pa2")
    [(_, message)] = world.push.pushed
    assert message.title == "You earned 10 points"


def test_a_member_without_an_address_gets_inbox_only_and_the_skip_is_logged(world: World) -> None:
    world.place_order(user_id="ghost", event_id="e9")
    assert len(world.store.notes["ghost"]) == 1
    assert [d.status for d in world.store.log if d.channel is Channel.EMAIL] == ["skipped_no_address"]


def test_templates_escape_values_in_html_and_mime_carries_both_parts(world: World) -> None:
    world.event(
        "plein.community",
        "IdeaDecided",
        {
            "event_id": "d1",
            "occurred_at": world.clock().isoformat(),
            "idea_id": "i1",
            "author_id": "u2",
            "decision": "declined",
            "feedback": "<script>alert(1)</script>",
        },
    )
    [mail] = world.mail.to("bob@example.com")
    assert (mail.language, mail.subject) == ("de", "Entscheidung zu deiner Idee")
    assert "<script>" not in mail.html
    assert "&lt;script&gt;" in mail.html
    message = email.message_from_bytes(mime_message(mail, "noreply@plein.test").as_bytes())
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sorted(part.get_content_type() for part in message.walk() if not part.is_multipart()) == [
        "text/html",
        "text/plain",
    ]


@pytest.mark.parametrize("tamper", ["x", "", "a.b.c"])
def test_forged_unsubscribe_tokens_are_refused(world: World, tamper: str) -> None:
    from functions.common.errors import NotFound

    with pytest.raises(NotFound):
        world.services.members.unsubscription(tamper)


def test_expired_review_links_are_refused(world: World) -> None:
    from functions.common.errors import BadRequest, NotFound

    links = SignedLinks(SECRET, REVIEW_INVITATION)
    token = links.issue({"u": "u1"}, world.clock() + timedelta(minutes=1))
    with pytest.raises(BadRequest):
        links.verify(token, world.clock() + timedelta(minutes=2))
    with pytest.raises(NotFound):  # a token for another purpose
        SignedLinks(SECRET, "unsubscribe").verify(token, world.clock())


class Crash(BaseException):
    """The run dies where it stands (a timeout, an out-of-memory kill): no handler runs."""


def test_a_mail_the_provider_refused_is_sent_by_the_retry(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given SES refuses the first attempt (throttled)
    send = world.mail.send
    attempts: list[str] = []

    def refuse_once(mail: OutgoingMail) -> str:
        attempts.append(mail.to_address)
        if len(attempts) == 1:
            raise ConnectionError("throttled")
        return send(mail)

    monkeypatch.setattr(world.mail, "send", refuse_once)
    with pytest.raises(ConnectionError):
        world.place_order(event_id="e1")

    # When the event is delivered again
    world.place_order(event_id="e1")

    # Then the mail is sent, once
    assert len(world.mail.to("ann@example.com")) == 1


def test_a_run_that_died_between_claim_and_send_leaves_the_mail_to_a_later_delivery(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a run that claimed the order mail and died before handing it to SES
    send = world.mail.send

    def die(mail: OutgoingMail) -> str:
        raise Crash

    monkeypatch.setattr(world.mail, "send", die)
    with pytest.raises(Crash):
        world.place_order(event_id="e1")
    monkeypatch.setattr(world.mail, "send", send)

    # When the event comes back while the claim may still be live, it is retried, not dropped
    with pytest.raises(SendInFlight):
        world.place_order(event_id="e1")
    assert world.mail.to("ann@example.com") == []

    # And once the claim has expired, the next delivery sends the mail, once
    world.clock.advance(seconds=SEND_LEASE.total_seconds() + 1)
    world.place_order(event_id="e1")
    world.place_order(event_id="e1")
    assert len(world.mail.to("ann@example.com")) == 1


def test_a_due_item_whose_handling_failed_is_tried_again_after_the_lease_then_given_up(world: World) -> None:
    # Given due work whose handling fails every time (an address SES keeps refusing)
    world.store.schedule(DueItem(world.clock(), "flaky#1", "flaky", {}))
    attempts: list[int] = []

    def fail(item: DueItem) -> None:
        attempts.append(item.attempt)
        raise ConnectionError("refused")

    # When the sweeper runs every minute for longer than DUE_ATTEMPTS leases
    for _ in range(DUE_ATTEMPTS * int(SEND_LEASE.total_seconds() // 60) + 2):
        world.services.consumer.run_due({"flaky": fail})
        world.clock.advance(minutes=1)

    # Then it was tried once per lease, DUE_ATTEMPTS times, and then dropped (logged as an error)
    assert attempts == list(range(DUE_ATTEMPTS))
    assert world.store.due_items == {}


def test_a_due_item_that_fails_once_is_done_on_the_retry(world: World) -> None:
    world.store.schedule(DueItem(world.clock(), "once#1", "once", {}))
    attempts: list[int] = []

    def fail_once(item: DueItem) -> None:
        attempts.append(item.attempt)
        if len(attempts) == 1:
            raise ConnectionError("refused")

    assert world.services.consumer.run_due({"once": fail_once}) == 0
    world.clock.advance(seconds=SEND_LEASE.total_seconds())
    assert world.services.consumer.run_due({"once": fail_once}) == 1
    world.clock.advance(seconds=SEND_LEASE.total_seconds())
    assert world.services.consumer.run_due({"once": fail_once}) == 0

    assert attempts == [0, 1]
    assert world.store.due_items == {}


def _advice(world: World, detail_type: str, **detail: object) -> None:
    world.event("plein.advice", detail_type, {"occurred_at": world.clock().isoformat(), **detail})


def test_a_brands_invitation_reaches_the_member_with_the_code_and_a_link_to_apply(world: World) -> None:
    invitation = {"event_id": "inv-1", "program_id": "pr", "program_name": "Sage", "invitee_id": "u2", "code": "K0FF1E"}
    _advice(world, "AdvisorInvited", **invitation)
    _advice(world, "AdvisorInvited", **invitation)  # redelivered

    [note] = world.store.notes["u2"].values()
    assert note.title == "Einladung: werde Berater bei Sage"  # Bob reads German
    assert note.link == "#/advice?code=K0FF1E"
    [mail] = world.mail.to("bob@example.com")
    assert "K0FF1E" in mail.text
    assert "https://plein.test/#/advice?code=K0FF1E" in mail.text


def test_a_missed_request_reaches_each_away_advisor_once(world: World) -> None:
    missed = {
        "event_id": "miss-1",
        "request_id": "r1",
        "program_id": "pr",
        "product_id": "grinder",
        "product_title": "Koffiemolen <Pro>",
        "question": "Welke molen voor espresso?",
        "advisor_ids": ["u1", "u2"],
    }
    _advice(world, "AdviceMissed", **missed)
    _advice(world, "AdviceMissed", **missed)

    assert [n.title for n in world.store.notes["u1"].values()] == ["A shopper wanted advice on Koffiemolen <Pro>"]
    assert [n.title for n in world.store.notes["u2"].values()] == ["Eine Kundin suchte Rat zu Koffiemolen <Pro>"]
    [mail] = world.mail.to("ann@example.com")
    assert "Welke molen voor espresso?" in mail.text
    assert "Koffiemolen &lt;Pro&gt;" in mail.html


def test_an_advisor_hears_of_their_payout(world: World) -> None:
    paid = {"event_id": "paid-1", "occurred_at": world.clock().isoformat(), "advisor_id": "u1", "payout_id": "po1"}
    world.event("plein.rewards", "AdvisorPaid", {**paid, "period": "2026-11", "amount": 1250, "sessions": 5})

    [note] = world.store.notes["u1"].values()
    assert note.title == "Your advice payout for 2026-11"
    assert "€12,50" in note.body
