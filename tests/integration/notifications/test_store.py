"""The notifications core store on moto: the inbox (once per id, newest first, pages, unread count
that moves once per read), preferences under their revision, suppressions, event claims, due items
taken once; and the demo seed run twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.common.errors import Conflict
from functions.notifications.logic.domain import (
    SEND_LEASE,
    Channel,
    Claim,
    Consent,
    DueItem,
    Notification,
    Preferences,
    QuietHours,
    Topic,
)
from functions.notifications.models.events import NotificationCreated
from functions.notifications.store.dynamo import DynamoNotificationsStore
from functions.notifications.store.records import NotificationsRecord
from local.seed import DemoUser, SeedContext
from local.seed import notifications as notifications_seed

TABLE = "plein-test-notifications-core"
REGION = "eu-west-1"
T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


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


@pytest.fixture
def store(dynamodb: Any) -> DynamoNotificationsStore:
    return DynamoNotificationsStore(dynamodb, TABLE)


def note(number: int, user_id: str = "u1") -> Notification:
    return Notification(
        user_id, f"n{number}", Topic.ORDER, f"Title {number}", "Body", "#/orders", T0 + timedelta(minutes=number)
    )


def outbox_items(dynamodb: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = dynamodb.scan(TableName=TABLE)["Items"]
    return [item for item in items if item["pk"]["S"].startswith("outbox")]


def test_a_notification_is_stored_once_with_its_event_and_counted_unread(
    store: DynamoNotificationsStore, dynamodb: Any
) -> None:
    created = NotificationCreated(user_id="u1", notification_id="n1", topic="order", title="T", body="B", unread=1)

    assert store.add_notification(note(1), [created]) is True
    assert store.add_notification(note(1), [created]) is False

    assert [n.notification_id for n in store.notifications("u1", 10, None)[0]] == ["n1"]
    assert store.unread_count("u1") == 1
    assert len(outbox_items(dynamodb)) == 1


def test_the_inbox_pages_newest_first_and_reads_move_the_count_once(store: DynamoNotificationsStore) -> None:
    for number in range(5):
        store.add_notification(note(number), [])
    store.add_notification(note(9, user_id="u2"), [])

    first, cursor = store.notifications("u1", 3, None)
    rest, end = store.notifications("u1", 3, cursor)
    assert [n.notification_id for n in first + rest] == ["n4", "n3", "n2", "n1", "n0"]
    assert cursor is not None
    assert end is None

    assert store.mark_read("u1", "n2") is True
    assert store.mark_read("u1", "n2") is True  # known id; reading again moves nothing
    assert store.mark_read("u1", "nope") is False
    assert store.unread_count("u1") == 4
    assert store.mark_all_read("u1") == 4
    assert store.unread_count("u1") == 0
    assert all(n.read for n in store.notifications("u1", 10, None)[0])
    assert store.unread_count("u2") == 1


def test_preferences_keep_their_revision_consents_and_quiet_hours(store: DynamoNotificationsStore) -> None:
    consent = Consent(Channel.EMAIL, Topic.COMMUNITY, True, "I agree.", T0)
    prefs = Preferences(
        "u1",
        "de",
        {Topic.COMMUNITY: frozenset({Channel.EMAIL, Channel.INBOX})},
        quiet_hours=QuietHours(time(22), time(7), "Europe/Berlin"),
        daily_cap=2,
        consents=(consent,),
    )

    saved = store.save_preferences(prefs)
    read = store.preferences("u1")

    assert read == saved
    assert saved.revision == 1
    with pytest.raises(Conflict) as stale:
        store.save_preferences(prefs)  # revision 0 again: someone saved meanwhile
    assert stale.value.code == "preferences_changed"
    assert store.save_preferences(read).revision == 2


def test_suppressions_claims_and_due_items_hold_once(store: DynamoNotificationsStore) -> None:
    store.suppress("Someone@Example.org ", "bounce", T0)
    assert store.is_suppressed("someone@example.org")
    assert not store.is_suppressed("other@example.org")

    assert store.claim("e1", "events") is True
    assert store.claim("e1", "events") is False
    assert store.claim("e1", "audience") is True

    item = DueItem(T0, "review#u1#o1#p1", "review_request", {"user_id": "u1"})
    later = DueItem(T0 + timedelta(days=1), "review#u1#o2#p1", "review_request", {"user_id": "u1"})
    assert store.schedule(item) is True
    assert store.schedule(later) is True
    assert store.schedule(item) is False
    assert store.due(T0 + timedelta(minutes=1), 10) == [item]
    retry = store.take(item, T0 + SEND_LEASE)
    assert retry == DueItem(T0 + SEND_LEASE, item.item_id, item.kind, item.payload, attempt=1)
    assert store.take(item, T0 + SEND_LEASE) is None  # another sweeper came first
    assert store.due(T0 + timedelta(minutes=1), 10) == []
    # the taker died: its retry comes due; once done, it is gone
    assert store.due(T0 + SEND_LEASE, 10) == [retry]
    store.done(retry)
    assert store.due(T0 + timedelta(days=2), 10) == [later]


def test_a_send_claim_is_busy_within_its_lease_and_sent_once_confirmed(store: DynamoNotificationsStore) -> None:
    assert store.claim_delivery("u1", "n1", "email", T0) is Claim.CLAIMED
    assert store.claim_delivery("u1", "n1", "push", T0) is Claim.CLAIMED
    assert store.claim_delivery("u1", "n1", "email", T0 + SEND_LEASE) is Claim.BUSY

    # the provider refused: released, claimable at once
    store.release_delivery("u1", "n1", "push")
    assert store.claim_delivery("u1", "n1", "push", T0) is Claim.CLAIMED

    # the run holding the e-mail died: its claim expires
    later = T0 + SEND_LEASE + timedelta(seconds=1)
    assert store.claim_delivery("u1", "n1", "email", later) is Claim.CLAIMED
    store.confirm_delivery("u1", "n1", "email")
    store.release_delivery("u1", "n1", "email")  # a late release never undoes a confirmed send
    assert store.claim_delivery("u1", "n1", "email", later + 10 * SEND_LEASE) is Claim.SENT


def test_a_sent_marker_of_the_at_most_once_code_counts_as_sent(store: DynamoNotificationsStore) -> None:
    store._db.put_item(  # what the store wrote before claims had a status
        TableName=store._table, Item={"pk": {"S": "user#u1"}, "sk": {"S": "sent#n1#email"}, "ttl": {"N": "1"}}
    )

    assert store.claim_delivery("u1", "n1", "email", T0) is Claim.SENT


def test_the_demo_seed_writes_preferences_and_inboxes_once_and_keeps_changes(
    store: DynamoNotificationsStore, dynamodb: Any
) -> None:
    users = {
        name: DemoUser(name, "pw", f"sub-{name}", ("shopper",), email=f"{name}@plein.local")
        for name in ("shopper", "vendor", "advisor", "admin")
    }
    ctx = SeedContext(
        users=users,
        products=10,
        aws_endpoint="",
        stage="test",
        endpoints=None,  # type: ignore[arg-type]  # not read by this seeder
        region=REGION,
        user_pool_id=None,
        client=lambda _service: dynamodb,
        environments={"notifications": {"TABLE_NAME": TABLE}},
    )

    notifications_seed.seed(ctx)
    shopper = store.preferences("sub-shopper")
    assert shopper is not None
    store.save_preferences(Preferences("sub-shopper", "en", shopper.channels, revision=shopper.revision))
    notifications_seed.seed(ctx)

    assert store.preferences("sub-shopper").language == "en"  # type: ignore[union-attr]  # kept
    assert store.preferences("sub-vendor").quiet_hours is None  # type: ignore[union-attr]
    assert store.unread_count("sub-shopper") == 1
    assert len(store.notifications("sub-shopper", 10, None)[0]) == 3
    assert store.preferences("sub-admin") is None


def test_read_all_reaches_unread_notifications_past_a_page_of_read_ones(
    store: DynamoNotificationsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an old unread notification below more read ones than one query page holds
    monkeypatch.setattr("functions.notifications.store.dynamo.MARK_ALL_LIMIT", 3)
    store.add_notification(note(0), [])
    for number in range(1, 6):
        store.add_notification(note(number), [])
        store.mark_read("u1", f"n{number}")

    # When the member reads all
    marked = store.mark_all_read("u1")

    # Then the old one is read too and nothing is left unread
    assert marked == 1
    assert store.unread_count("u1") == 0
