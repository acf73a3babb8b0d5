"""End to end in one process: an OffersChanged event through the SQS consumer entry point into
the catalog table (moto) and the tantivy index, then found through the API handler."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from functions.catalog.handlers.dependencies import catalog_indexer, catalog_service
from functions.common.settings import load_settings
from tests.unit.catalog.fakes import T0, offer, offers_changed, upserted, withdrawn
from tests.unit.common.test_errors_and_api import rest_event
from tests.unit.test_api_smoke import FakeLambdaContext

TABLE = "plein-test-catalog"


def create_table(client: Any) -> None:
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


@pytest.fixture
def aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    env = {
        "TABLE_NAME": TABLE,
        "STAGE": "test",
        "POWERTOOLS_SERVICE_NAME": "plein-catalog",
        "POWERTOOLS_METRICS_NAMESPACE": "Plein",
        "EVENT_BUS_NAME": "plein-test",
        "CURSOR_SECRET": "integration-cursor-secret",
        "SEARCH_BACKEND": "tantivy",
        "SEARCH_INDEX_PATH": str(tmp_path / "search"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="eu-west-1")
        create_table(client)
        for cached in (load_settings, catalog_indexer, catalog_service):
            cached.cache_clear()
        yield client
        indexer_search = getattr(catalog_indexer(), "_search", None)
        if indexer_search is not None and hasattr(indexer_search, "close"):
            indexer_search.close()
        for cached in (load_settings, catalog_indexer, catalog_service):
            cached.cache_clear()


def sqs_event(*details: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    records = []
    for source, detail_type, detail in details:
        envelope = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": detail_type,
            "source": source,
            "account": "123456789012",
            "time": T0.isoformat(),
            "region": "eu-west-1",
            "resources": [],
            "detail": detail,
        }
        records.append(
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "handle",
                "body": json.dumps(envelope),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:plein-test-catalog-indexer",
                "awsRegion": "eu-west-1",
            }
        )
    return {"Records": records}


def consume(*details: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    from functions.catalog.handlers import indexer

    result: dict[str, Any] = indexer.handler(sqs_event(*details), FakeLambdaContext())
    return result


def get(path: str, **params: str) -> tuple[int, Any]:
    from functions.catalog.handlers import api

    event = rest_event("GET", path)
    if params:
        event["queryStringParameters"] = params
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in params.items()}
    response = api.handler(event, FakeLambdaContext())
    return response["statusCode"], json.loads(response["body"])


def vendor_event(*changes: dict[str, Any], event_id: str, minutes: int = 0) -> tuple[str, str, dict[str, Any]]:
    detail = offers_changed(list(changes), event_id=event_id, at=T0 + timedelta(minutes=minutes))
    return ("plein.vendor", "OffersChanged", detail)


def test_offers_changed_event_to_search_hit_and_product_page(aws: Any) -> None:
    # Given two vendors' offers of one product and another product, in two events (one batch)
    result = consume(
        vendor_event(
            upserted(offer("v1:1", "gtin-1", vendor_id="v1", title="Koffiemolen Hario Skerton", price=4500)),
            upserted(offer("v1:2", "gtin-2", vendor_id="v1", title="Melkopschuimer", price=2500)),
            event_id="e1",
        ),
        vendor_event(
            upserted(offer("v2:1", "gtin-1", vendor_id="v2", title="Koffiemolen Hario Skerton", price=3900)),
            event_id="e2",
        ),
    )

    assert result == {"batchItemFailures": []}
    status, body = get("/products", q="koffiemoln")
    assert status == 200
    assert [(i["product_id"], i["price"], i["offer_count"]) for i in body["items"]] == [("gtin-1", 3900, 2)]
    status, page = get("/products/gtin-1")
    assert status == 200
    assert [o["offer_id"] for o in page["offers"]] == ["v2:1", "v1:1"]

    # When one product's only offer is withdrawn and the same event is delivered again
    withdrawal = vendor_event(withdrawn("v1:2", "gtin-2"), event_id="e3", minutes=5)
    assert consume(withdrawal, withdrawal) == {"batchItemFailures": []}

    # Then it is gone from search and from the product pages
    assert get("/products")[1]["total"] == 1
    assert get("/products/gtin-2")[0] == 404


def test_signals_are_counted_once_and_feed_trending(aws: Any) -> None:
    consume(vendor_event(upserted(offer("v1:1", "gtin-1", title="Fietsbel")), event_id="e1"))
    now = get("/trending")  # no events yet: popularity fallback
    assert now[1]["source"] == "popularity"

    from datetime import UTC, datetime

    heart = {
        "event_id": "h1",
        "occurred_at": datetime.now(UTC).isoformat(),
        "product_id": "gtin-1",
        "user_id": "u1",
    }
    assert consume(("plein.community", "ProductHearted", heart)) == {"batchItemFailures": []}
    consume(("plein.community", "ProductHearted", heart))

    status, trending = get("/trending", window="7d")
    assert status == 200
    assert trending["source"] == "events"
    assert trending["items"][0]["product"]["product_id"] == "gtin-1"
    assert trending["items"][0]["score"] == pytest.approx(1.0, abs=0.2)
    assert get("/products/gtin-1")[1]["hearts"] == 1


def test_a_malformed_event_fails_only_its_record(aws: Any) -> None:
    good = vendor_event(upserted(offer("v1:1", "gtin-1")), event_id="ok")
    bad = ("plein.vendor", "OffersChanged", {"event_id": "bad", "changes": "nope"})
    event = sqs_event(good, bad)

    from functions.catalog.handlers import indexer

    result = indexer.handler(event, FakeLambdaContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
    assert get("/products")[1]["total"] == 1


def test_the_scheduled_tick_in_the_queue_reprices_ended_sales(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an offer whose sale ends in an hour, indexed at its sale price
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    sale = offer("v1:1", "gtin-1", price=3000, sale_price=2000, sale_ends_at=(now + timedelta(hours=1)).isoformat())
    consume(vendor_event(upserted(sale), event_id="sale"))
    assert get("/products")[1]["items"][0]["price"] == 2000

    # When the wiring's tick (an EventBridge Scheduled Event) arrives through the queue after the end
    monkeypatch.setattr(catalog_indexer(), "_clock", lambda: now + timedelta(hours=1, minutes=5))
    result = consume(("aws.events", "Scheduled Event", {}))

    # Then search shows the regular price again
    assert result == {"batchItemFailures": []}
    assert get("/products")[1]["items"][0]["price"] == 3000


def test_variants_of_a_family_are_one_hit_and_a_selector_on_the_product_page(aws: Any) -> None:
    def shoe(colour: str, size: str, quantity: int = 3) -> dict[str, Any]:
        key = f"{colour}-{size}".lower()
        return offer(
            f"v1:{key}",
            f"shoe-{key}",
            vendor_id="v1",
            title=f"Wandelschoen {colour}",
            item_group_id="hiker",
            attributes={"color": colour, "size": size},
            quantity=quantity,
        )

    first = vendor_event(*(upserted(shoe(c, s)) for c in ("Rood", "Grijs") for s in ("42", "41")), event_id="e1")
    later = vendor_event(upserted(shoe("Grijs", "43", quantity=0)), event_id="e2", minutes=1)
    assert consume(first) == consume(later) == {"batchItemFailures": []}  # two batches: members read back

    status, body = get("/products", q="wandelschoen grijs")
    assert status == 200
    [hit] = body["items"]
    assert hit["product_id"].startswith("shoe-grijs")
    assert [option["values"] for option in hit["options"]] == [["Grijs", "Rood"], ["41", "42", "43"]]
    status, page = get("/products/shoe-rood-41")
    assert status == 200
    assert page["family_id"] == hit["family_id"]
    assert [(v["product_id"], v["in_stock"]) for v in page["variants"]] == [
        ("shoe-grijs-41", True),
        ("shoe-grijs-42", True),
        ("shoe-grijs-43", False),
        ("shoe-rood-41", True),
        ("shoe-rood-42", True),
    ]
