"""Lambda's SQS and stream event shapes, partial batch responses, table definitions, seed order."""

from __future__ import annotations

import pytest

from functions.vendor.store.records import VendorRecord
from local.aws.resources import table_definition
from local.delivery import failed_identifiers, sqs_record, stream_record
from local.seed import seeders


def test_sqs_record_has_lambdas_shape() -> None:
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": '{"detail": {}}',
        "MD5OfBody": "x",
        "Attributes": {"ApproximateReceiveCount": 2, "SentTimestamp": "1"},
        "MessageAttributes": {"kind": {"StringValue": "a", "DataType": "String"}},
    }

    record = sqs_record(message, "arn:aws:sqs:eu-west-1:123456789012:q", "eu-west-1")

    assert record["messageId"] == "m1"
    assert record["receiptHandle"] == "r1"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":q")
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert record["messageAttributes"]["kind"]["stringValue"] == "a"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"


def test_stream_record_has_lambdas_shape() -> None:
    raw = {
        "eventID": "e1",
        "eventName": "MODIFY",
        "dynamodb": {
            "ApproximateCreationDateTime": 1795564800.0,
            "Keys": {"pk": {"S": "a"}, "sk": {"S": "b"}},
            "NewImage": {"pk": {"S": "a"}},
            "OldImage": {"pk": {"S": "a"}},
            "SequenceNumber": "100",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }

    record = stream_record(raw, "arn:stream", "eu-west-1")

    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventName"] == "MODIFY"
    assert record["eventSourceARN"] == "arn:stream"
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1795564800.0
    assert record["dynamodb"]["SequenceNumber"] == "100"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "m2"}]}, {"m2"}),
        (None, None),
        ({"statusCode": 200}, None),
    ],
)
def test_partial_batch_responses(payload: object, expected: set[str] | None) -> None:
    assert failed_identifiers(payload) == expected


def test_table_definition_comes_from_the_pynamodb_model() -> None:
    request = table_definition(VendorRecord, "plein-local-vendor", stream=True)

    assert request["TableName"] == "plein-local-vendor"
    assert {k["AttributeName"]: k["KeyType"] for k in request["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
    assert [index["IndexName"] for index in request["GlobalSecondaryIndexes"]] == ["gsi1", "gsi2", "gsi3"]
    assert request["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert {d["AttributeName"] for d in request["AttributeDefinitions"]} == {
        "pk",
        "sk",
        *(f"gsi{n}{key}" for n in (1, 2, 3) for key in ("pk", "sk")),
    }


def test_seeders_run_users_first_and_skip_missing_contexts() -> None:
    names = [name for name, _ in seeders(("users", "no-such-context", "vendor"))]

    assert names[0] == "users"
    assert "no-such-context" not in names
