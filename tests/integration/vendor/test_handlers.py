"""The vendor functions end to end on moto: API → presigned upload → S3 event (SQS) → import →
records, error report and events; table stream → relay → OffersChanged; Cognito binding."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import boto3
import requests

from functions.vendor.handlers import api, feed_import, offer_relay
from tests.integration.vendor.conftest import Aws
from tests.unit.vendor.feedgen import csv_bytes, rows


@dataclass
class Context:
    function_name: str = "plein-test-vendor"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:plein-test-vendor"
    aws_request_id: str = "req"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def call(method: str, path: str, body: Any = None, claims: dict[str, str] | None = None) -> tuple[int, Any]:
    path, _, query = path.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&")) if query else None
    event = {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": params,
        "multiValueQueryStringParameters": {k: [v] for k, v in params.items()} if params else None,
        "pathParameters": None,
        "requestContext": {"requestId": "r", "stage": "test", "authorizer": {"claims": claims} if claims else {}},
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }
    response = api.handler(event, Context())
    return int(response["statusCode"]), json.loads(response["body"]) if response.get("body") else None


ADMIN = {"sub": "sub-admin", "cognito:username": "admin", "cognito:groups": "admin"}


def vendor_claims(username: str, vendor_id: str) -> dict[str, str]:
    return {
        "sub": f"sub-{username}",
        "cognito:username": username,
        "cognito:groups": "vendor",
        "custom:vendor_id": vendor_id,
    }


def approved_vendor(username: str, name: str) -> tuple[str, dict[str, str]]:
    status, vendor = call("POST", "/vendors", {"name": name}, {"sub": f"sub-{username}", "cognito:username": username})
    assert status == 201, vendor
    status, approved = call("POST", f"/admin/vendors/{vendor['vendor_id']}/approve", {}, ADMIN)
    assert status == 200, approved
    return vendor["vendor_id"], vendor_claims(username, vendor["vendor_id"])


def deliver_feed_events(aws: Aws) -> int:
    """What the local poller (or Lambda's SQS trigger) does: SQS messages → the import handler."""
    delivered = 0
    while True:
        messages = aws.sqs.receive_message(QueueUrl=aws.feed_queue_url, MaxNumberOfMessages=1).get("Messages", [])
        if not messages:
            return delivered
        for message in messages:
            record = {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:feed-import",
                "awsRegion": "eu-west-1",
            }
            result = feed_import.handler({"Records": [record]}, Context())
            assert result == {"batchItemFailures": []}
            aws.sqs.delete_message(QueueUrl=aws.feed_queue_url, ReceiptHandle=message["ReceiptHandle"])
            delivered += 1
            # keep the message body so the test can deliver it a second time
            aws.last_feed_message = record  # type: ignore[attr-defined]


def relay(aws: Aws) -> list[dict[str, Any]]:
    records = [
        {"eventName": r["eventName"], "dynamodb": r["dynamodb"], "eventSource": "aws:dynamodb"}
        for r in aws.stream_records()
    ]
    offer_relay.handler({"Records": records}, Context())
    return [event for event in aws.published() if event["detail-type"] == "OffersChanged"]


def test_feed_upload_import_report_and_events(aws: Aws) -> None:
    # Given an approved vendor with a presigned upload
    vendor_id, claims = approved_vendor("anna", "Wolkenweber")
    status, created = call("POST", f"/vendors/{vendor_id}/feeds", {"filename": "assortment.csv"}, claims)
    assert status == 201, created

    # When the vendor uploads a 300-row CSV with 3 bad rows through the presigned POST
    data = csv_bytes(rows(300, bad=3))
    upload = requests.post(
        created["upload"]["url"], data=created["upload"]["fields"], files={"file": ("assortment.csv", data)}, timeout=10
    )
    assert upload.status_code in (200, 201, 204), upload.text
    assert deliver_feed_events(aws) >= 1  # (moto also sends the s3:TestEvent)

    # Then the feed is completed with counts, progress and a downloadable 3-line error report
    status, feed = call("GET", f"/vendors/{vendor_id}/feeds/{created['feed_id']}", None, claims)
    assert status == 200
    assert feed["status"] == "completed", feed
    assert (feed["counts"]["created"], feed["counts"]["rejected"], feed["progress"]) == (297, 3, 1.0)
    report = requests.get(feed["error_report_url"], timeout=10)
    lines = list(csv.reader(io.StringIO(report.text)))
    assert lines[0] == ["line", "field", "code", "message"]
    assert len(lines) == 4

    # And the stream relay publishes the offers as OffersChanged (≤100 per event)
    changed = relay(aws)
    assert sum(len(e["detail"]["changes"]) for e in changed) == 297
    assert max(len(e["detail"]["changes"]) for e in changed) <= 100
    status, board = call("GET", f"/vendors/{vendor_id}/dashboard", None, claims)
    assert (board["offers"], board["last_feed"]["status"]) == (297, "completed")
    assert board["out_of_stock"] == sum(1 for i in range(300) if i % 7 == 0 and i not in (99, 199, 299))

    # And re-delivering the same S3 event imports nothing
    feed_import.handler({"Records": [aws.last_feed_message]}, Context())  # type: ignore[attr-defined]
    status, again = call("GET", f"/vendors/{vendor_id}/feeds/{created['feed_id']}", None, claims)
    assert again["finished_at"] == feed["finished_at"]

    # And the import history lists it once, with the report link that downloads the same report
    status, history = call("GET", f"/vendors/{vendor_id}/feeds", None, claims)
    assert status == 200
    assert [(item["feed_id"], item["counts"]["rejected"]) for item in history["items"]] == [(created["feed_id"], 3)]
    assert requests.get(history["items"][0]["error_report_url"], timeout=10).text == report.text


def test_offer_api_and_ownership(aws: Aws) -> None:
    vendor_a, claims_a = approved_vendor("anna", "Wolkenweber")
    vendor_b, claims_b = approved_vendor("bert", "Noordzee")
    body = {"title": "Merino Schal", "price": 2490, "quantity": 4, "gtin": "4006381333931"}

    assert call("PUT", f"/vendors/{vendor_a}/offers/S-1", body, claims_a)[0] == 201
    assert call("PUT", f"/vendors/{vendor_b}/offers/B-1", body, claims_b)[0] == 201
    status, patched = call("PATCH", f"/vendors/{vendor_a}/offers/S-1", {"price": 1990}, claims_a)
    assert (status, patched["price"], patched["revision"]) == (200, 1990, 2)
    status, batch = call(
        "PATCH",
        f"/vendors/{vendor_a}/offers",
        {"items": [{"sku": "S-1", "quantity": 0}, {"sku": "nope", "quantity": 1}]},
        claims_a,
    )
    assert [i["result"] for i in batch["items"]] == ["updated", "not_found"]
    status, listed = call("GET", f"/vendors/{vendor_a}/offers?limit=10", None, claims_a)
    assert status == 200
    assert [o["sku"] for o in listed["items"]] == ["S-1"]

    # vendor A gets 403 on vendor B's offers and feeds
    for method, path, payload in [
        ("GET", f"/vendors/{vendor_b}/offers", None),
        ("PUT", f"/vendors/{vendor_b}/offers/B-1", body),
        ("PATCH", f"/vendors/{vendor_b}/offers/B-1", {"price": 1}),
        ("DELETE", f"/vendors/{vendor_b}/offers/B-1", None),
        ("POST", f"/vendors/{vendor_b}/feeds", {"filename": "x.csv"}),
        ("GET", f"/vendors/{vendor_b}/feeds/fd_x", None),
        ("GET", f"/vendors/{vendor_b}/dashboard", None),
    ]:
        status, error = call(method, path, payload, claims_a)
        assert status == 403, (method, path, error)
        assert error["error"]["code"] == "not_your_vendor"

    # bad input is a 4xx, never a 500
    assert call("PUT", f"/vendors/{vendor_a}/offers/S-2", {"title": "", "price": -1}, claims_a)[0] == 422
    assert call("PUT", f"/vendors/{vendor_a}/offers/S-2", {**body, "sale_price": 9999}, claims_a)[0] == 422
    assert call("POST", f"/vendors/{vendor_a}/feeds", {"filename": "x.exe"}, claims_a)[0] == 400
    assert call("GET", f"/vendors/{vendor_a}/offers?cursor=forged", None, claims_a)[0] == 400
    assert call("POST", "/vendors", {"name": "Valid Name"}, None)[0] == 401

    # the public storefront shows the live offers, and a second vendor's offer for the same GTIN shares the product
    status, front = call("GET", f"/vendors/{vendor_b}/storefront", None, None)
    assert status == 200
    assert front["vendor"]["name"] == "Noordzee"
    assert front["offers"][0]["product_id"] == patched["product_id"]


def test_feed_preview(aws: Aws) -> None:
    vendor_id, claims = approved_vendor("anna", "Wolkenweber")
    sample = "id;title;price;gtin\nA;Schal;12,50 EUR;4006381333931\nB;Mütze;zwölf;4006381333932\n"

    status, preview = call("POST", f"/vendors/{vendor_id}/feeds/preview", {"sample": sample}, claims)

    assert status == 200, preview
    assert preview["columns"] == {"id": "id", "title": "title", "price": "price", "gtin": "gtin"}
    assert preview["rows"] == [{"line": 2, "sku": "A", "title": "Schal", "price": 1250}]
    assert {(e["line"], e["field"]) for e in preview["errors"]} == {(3, "price"), (3, "gtin")}
    # a table without the required columns is previewed with them named (to be mapped), binary data is refused
    status, unknown = call("POST", f"/vendors/{vendor_id}/feeds/preview", {"sample": "hello\nworld\n"}, claims)
    assert (status, unknown["missing"], unknown["rows"], unknown["mapped"]) == (
        200,
        ["id", "title", "price"],
        [],
        False,
    )
    status, refused = call("POST", f"/vendors/{vendor_id}/feeds/preview", {"sample": "\x00\x01" * 200}, claims)
    assert (status, refused["error"]["code"]) == (422, "binary_file")


def test_a_saved_column_mapping_reads_the_vendors_own_spreadsheet(aws: Aws) -> None:
    # Given a vendor that saved the mapping of its own spreadsheet
    vendor_id, claims = approved_vendor("anna", "Wolkenweber")
    columns = {"Artikel": "id", "Name": "title", "Preis": "price", "Zustand": "condition"}
    mapping = {"columns": columns, "decimal_comma": True, "currency": "EUR"}
    assert call("PUT", f"/vendors/{vendor_id}/feed-mapping", mapping, claims)[0] == 200

    # When it uploads the spreadsheet through the presigned POST
    status, created = call("POST", f"/vendors/{vendor_id}/feeds", {"filename": "artikel.csv"}, claims)
    assert status == 201, created
    data = "Artikel;Name;Preis;Zustand\nA-1;Schal;1.024,50 €;Neu\nA-2;Mütze;zwölf;gebraucht\n".encode()
    upload = requests.post(
        created["upload"]["url"], data=created["upload"]["fields"], files={"file": ("artikel.csv", data)}, timeout=10
    )
    assert upload.status_code in (200, 201, 204), upload.text
    deliver_feed_events(aws)

    # Then it was read through the mapping: one offer at 1,024.50 EUR, the unreadable price reported
    status, feed = call("GET", f"/vendors/{vendor_id}/feeds/{created['feed_id']}", None, claims)
    assert (feed["status"], feed["mapped"], feed["counts"]["created"], feed["counts"]["rejected"]) == (
        "completed",
        True,
        1,
        1,
    )
    status, offer = call("GET", f"/vendors/{vendor_id}/offers/A-1", None, claims)
    assert (offer["price"], offer["condition"]) == (102450, "new")


def test_cognito_adapter_binds_the_vendor(aws: Aws) -> None:
    from functions.vendor.store.cognito import CognitoUserDirectory

    cognito = boto3.client("cognito-idp", region_name="eu-west-1")
    pool = cognito.create_user_pool(
        PoolName="p", Schema=[{"Name": "vendor_id", "AttributeDataType": "String", "Mutable": True}]
    )["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool, GroupName="vendor")
    cognito.admin_create_user(UserPoolId=pool, Username="anna")

    CognitoUserDirectory(pool, cognito).bind_vendor("anna", "vd_123")

    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="anna")["Groups"]
    attributes = cognito.admin_get_user(UserPoolId=pool, Username="anna")["UserAttributes"]
    assert [g["GroupName"] for g in groups] == ["vendor"]
    assert {"Name": "custom:vendor_id", "Value": "vd_123"} in attributes


def test_order_placed_counts_sales(aws: Aws) -> None:
    from functions.vendor.handlers import sales

    vendor_id, claims = approved_vendor("anna", "Wolkenweber")
    detail = {
        "event_id": "ev-9",
        "order_id": "or-9",
        "lines": [{"vendor_id": vendor_id, "quantity": 3, "line_total": 4500}],
    }
    envelope = {"source": "plein.orders", "detail-type": "OrderPlaced", "detail": detail}
    record = {
        "messageId": "m",
        "receiptHandle": "r",
        "body": json.dumps(envelope),
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:vendor-sales",
        "awsRegion": "eu-west-1",
    }

    assert sales.handler({"Records": [record, {**record, "messageId": "m2"}]}, Context()) == {"batchItemFailures": []}

    status, board = call("GET", f"/vendors/{vendor_id}/dashboard", None, claims)
    assert status == 200
    assert (board["sales"], board["items_sold"], board["revenue"]) == (1, 3, 4500)
