"""The import handler reads S3 notifications as S3 → SQS and as S3 → EventBridge → SQS send them."""

from __future__ import annotations

from functions.vendor.handlers.feed_import import created_objects


def test_s3_to_sqs_records_with_encoded_keys() -> None:
    body = {
        "Records": [
            {
                "eventName": "ObjectCreated:Post",
                "s3": {"object": {"key": "feeds/vd_1/fd_1/my+feed%C3%A4.csv", "size": 12, "sequencer": "00A1"}},
            },
            {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "feeds/x"}}},
        ]
    }

    assert created_objects(body) == [("feeds/vd_1/fd_1/my feedä.csv", 12, "00A1")]


def test_eventbridge_shape_and_test_events() -> None:
    detail = {"object": {"key": "feeds/v/f/a.csv", "size": 3, "etag": "e"}}
    bridged = {"detail-type": "Object Created", "detail": detail}

    assert created_objects(bridged) == [("feeds/v/f/a.csv", 3, "e")]
    assert created_objects({"Event": "s3:TestEvent", "Service": "Amazon S3"}) == []
