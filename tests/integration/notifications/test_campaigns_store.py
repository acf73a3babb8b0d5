"""The campaign store on moto, held to the in-memory fake's behaviour (a contract over both), and
a whole send through it: every count moves once, nobody is claimed twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.notifications.logic.campaigns import Campaign, Content
from functions.notifications.logic.domain import SEND_LEASE, Claim
from functions.notifications.logic.newsletter import ConsentRecord
from functions.notifications.logic.segments import AudienceMember, NewsletterStatus, Segment
from functions.notifications.models.events import CampaignBatchQueued, CampaignPageQueued
from functions.notifications.store.campaigns import DynamoCampaignStore
from functions.notifications.store.records import NotificationsRecord
from tests.unit.notifications.campaign_fakes import T0, InMemoryCampaignStore

TABLE = "plein-test-notifications"
REGION = "eu-west-1"


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        schema = NotificationsRecord._get_schema()
        client.create_table(
            TableName=TABLE,
            KeySchema=schema["key_schema"],
            AttributeDefinitions=schema["attribute_definitions"],
            GlobalSecondaryIndexes=[
                {"IndexName": i["index_name"], "KeySchema": i["key_schema"], "Projection": i["projection"]}
                for i in schema["global_secondary_indexes"]
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


@pytest.fixture(params=["fake", "dynamo"])
def store(request: pytest.FixtureRequest) -> Any:
    if request.param == "fake":
        return InMemoryCampaignStore()
    return DynamoCampaignStore(TABLE, client=request.getfixturevalue("dynamodb"))


def _campaign(campaign_id: str = "c1") -> Campaign:
    return Campaign(
        campaign_id=campaign_id,
        name="Winter",
        content={"nl": Content(subject="Winter", html="<p>Hoi</p>")},
        segment=Segment(stages=["fan"]),
        created_at=T0,
        updated_at=T0,
        created_by="admin",
    )


def test_a_campaign_round_trips_and_queues_once(store: Any) -> None:
    store.create_campaign(_campaign())
    event = CampaignPageQueued(event_id="c1.page.0", campaign_id="c1", page=0)
    queued = Campaign(**{**_campaign().__dict__, "status": "queued", "send_key": "k", "queued_at": T0})

    assert store.campaign("c1").segment == Segment(stages=["fan"])
    assert store.save_draft(_campaign(), 0)
    assert store.queue_campaign(queued, event)
    assert not store.queue_campaign(queued, event)
    assert not store.save_draft(_campaign(), 0)
    found = store.campaign("c1")
    assert (found.status, found.send_key) == ("queued", "k")


def test_pages_batches_recipients_and_counts_move_once(store: Any) -> None:
    store.create_campaign(_campaign())
    batch = CampaignBatchQueued(event_id="c1.page.0.batch.0", campaign_id="c1", batch_id="0.0", user_ids=["a", "b"])

    assert store.record_page("c1", 0, 2, [batch], last=True)
    assert not store.record_page("c1", 0, 2, [batch], last=True)
    assert store.claim_recipient("c1", "a", T0) is Claim.CLAIMED
    assert store.claim_recipient("c1", "a", T0) is Claim.BUSY
    assert store.finish_recipient("c1", "a", "sent", None, "m-1")
    assert not store.finish_recipient("c1", "a", "sent", None, "m-1")
    assert store.finish_recipient("c1", "b", "skipped", "skipped_cap", None)
    assert not store.finish_recipient("c1", "b", "skipped", "skipped_cap", None)
    assert store.count_once("c1", "a", "opened", T0)
    assert not store.count_once("c1", "a", "opened", T0)
    assert not store.count_once("c1", "b", "clicked", T0)  # skipped: never sent
    assert store.finish_batch("c1", "0.0")
    assert not store.finish_batch("c1", "0.0")
    found = store.campaign("c1")
    assert (found.recipients, found.batches, found.batches_done, found.sent, found.skipped, found.opened) == (
        2, 1, 1, 1, 1, 1,
    )  # fmt: skip
    assert found.skip_reasons == {"skipped_cap": 1}
    assert found.resolved


def test_a_released_claim_can_be_taken_again(store: Any) -> None:
    store.create_campaign(_campaign())
    store.claim_recipient("c1", "a", T0)
    store.release_recipient("c1", "a")

    assert store.claim_recipient("c1", "a", T0) is Claim.CLAIMED


def test_a_claim_expires_after_the_lease_and_a_finished_member_is_never_claimed_again(store: Any) -> None:
    store.create_campaign(_campaign())
    assert store.claim_recipient("c1", "a", T0) is Claim.CLAIMED

    # a run that died holding the claim: busy within the lease, claimable after it
    assert store.claim_recipient("c1", "a", T0 + SEND_LEASE) is Claim.BUSY
    assert store.claim_recipient("c1", "a", T0 + SEND_LEASE + timedelta(seconds=1)) is Claim.CLAIMED

    store.finish_recipient("c1", "a", "sent", None, "m-1")
    store.finish_recipient("c1", "b", "skipped", "skipped_cap", None)
    later = T0 + 10 * SEND_LEASE
    assert store.claim_recipient("c1", "a", later) is Claim.SENT
    assert store.claim_recipient("c1", "b", later) is Claim.SENT


def test_send_slots_hold_the_rate_per_second(store: Any) -> None:
    taken = [store.take_send_slot(1000, 2) for _ in range(3)]

    assert taken == [True, True, False]
    assert store.take_send_slot(1001, 2)


def test_the_audience_pages_subscribers_first_then_the_rest(store: Any) -> None:
    statuses: tuple[tuple[str, NewsletterStatus], ...] = (
        ("a", "subscribed"),
        ("b", "none"),
        ("c", "subscribed"),
        ("d", "pending"),
    )
    for user_id, status in statuses:
        store.save_audience_member(
            AudienceMember(
                user_id=user_id,
                newsletter=status,
                affinities=frozenset({"lighting"}),
                last_active_at=T0,
                extra={"x": "1"},
            )
        )

    def walk(subscribed_only: bool) -> list[str]:
        seen, cursor = [], None
        while True:
            members, cursor = store.audience_page(subscribed_only, 1, cursor)
            seen += [m.user_id for m in members]
            if cursor is None:
                return seen

    assert walk(True) == ["a", "c"]
    assert walk(False) == ["a", "c", "b", "d"]
    assert store.audience_member("a") == AudienceMember(
        user_id="a",
        newsletter="subscribed",
        affinities=frozenset({"lighting"}),
        last_active_at=T0,
        extra={"x": "1"},
        revision=1,
    )
    assert set(store.audience_members(["a", "b", "zz"])) == {"a", "b"}


def test_of_two_saves_of_one_read_member_the_second_is_refused(store: Any) -> None:
    """Two events of one member merged at once: the loser re-reads instead of overwriting."""
    store.save_audience_member(AudienceMember(user_id="m"))
    read = store.audience_member("m")
    store.save_audience_member(replace(read, stage="fan"))

    with pytest.raises(Conflict) as refused:
        store.save_audience_member(replace(read, language="de"))

    assert refused.value.code == "audience_changed"
    assert store.audience_member("m").stage == "fan"
    with pytest.raises(Conflict):  # a first save of a member someone else created meanwhile
        store.save_audience_member(AudienceMember(user_id="m"))


def test_consents_keep_their_history_and_links_are_used_once(store: Any) -> None:
    for minutes, granted in ((0, True), (5, False)):
        store.add_consent(
            ConsentRecord(
                user_id="u",
                at=T0 + timedelta(minutes=minutes),
                granted=granted,
                wording_id="w",
                wording="Ja, graag.",
                language="nl",
                email="u@example.test",
                interests=("home",),
            )
        )

    latest = store.latest_consent("u")
    assert latest is not None
    assert not latest.granted
    assert latest.at == T0 + timedelta(minutes=5)
    assert store.use_link("n1", "u", T0)
    assert not store.use_link("n1", "u", T0)


def test_the_outbox_holds_the_events_of_a_page(dynamodb: Any) -> None:
    store = DynamoCampaignStore(TABLE, client=dynamodb)
    store.create_campaign(_campaign())
    events: list[DomainEvent] = [
        CampaignBatchQueued(event_id="c1.page.0.batch.0", campaign_id="c1", batch_id="0.0", user_ids=["a"]),
        CampaignPageQueued(event_id="c1.page.1", campaign_id="c1", page=1, cursor={"part": "AUDIENCE#other"}),
    ]

    store.record_page("c1", 0, 1, events, last=False)

    items = dynamodb.scan(TableName=TABLE)["Items"]
    outbox = sorted(json.loads(i["detail"]["S"])["event_id"] for i in items if i["pk"]["S"].startswith("outbox#"))
    assert outbox == ["c1.page.0.batch.0", "c1.page.1"]
    found = store.campaign("c1")
    assert found is not None
    assert not found.resolved
