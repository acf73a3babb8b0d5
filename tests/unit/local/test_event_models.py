"""Every event the local runtime hands a function validates against Powertools' parser models of
the AWS event it stands for: API Gateway REST proxy (v1) and WebSocket events from the local
gateways; SQS batches, DynamoDB stream batches, EventBridge events through SQS, S3 notifications
through SQS and scheduled events from local delivery, over the resources the runtime provisions
for the topology in moto (with the runtime's moto patches)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import boto3
import botocore.session
import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayWebSocketConnectEventModel,
    APIGatewayWebSocketDisconnectEventModel,
    APIGatewayWebSocketMessageEventModel,
    DynamoDBStreamModel,
    EventBridgeModel,
    S3Model,
    SqsModel,
)
from moto import mock_aws

from functions.common.wiring import BucketSubscription, EventSubscription
from infra.topology import contexts
from local.aws import patches
from local.aws.resources import Provisioner, QueueResource, Resources
from local.config import Limits
from local.delivery import EventDelivery, sqs_record, stream_record
from local.gateway.events import HttpRequest, rest_event, websocket_event
from local.runtime import WIRE_SERVICES, wire_json_parsers

REGION = "eu-west-1"
CLAIMS = {"sub": "u1", "cognito:groups": "vendor,shopper", "custom:vendor_id": "v1"}


# ---- the gateways ------------------------------------------------------------------------------


def _request(method: str, headers: list[tuple[str, str]], query: list[tuple[str, str]], body: bytes) -> HttpRequest:
    return HttpRequest(method=method, path="/vendors/v1/offers", headers=headers, query=query, body=body)


@pytest.mark.parametrize(
    ("request_", "claims"),
    [
        (_request("POST", [("Content-Type", "application/json")], [("tag", "x"), ("tag", "y")], b"{}"), CLAIMS),
        (_request("GET", [], [], b""), None),
        (_request("PUT", [("Content-Type", "image/png")], [], bytes(range(256))), CLAIMS),
    ],
    ids=["signed-in-json", "public-empty", "binary"],
)
def test_rest_events_are_api_gateway_proxy_events(request_: HttpRequest, claims: dict[str, str] | None) -> None:
    resource, parameters = "/vendors/{vendor_id}/offers", {"vendor_id": "v1"}
    event = rest_event(request_, resource=resource, path_parameters=parameters, claims=claims, stage="local")

    parsed = APIGatewayProxyEventModel.model_validate(event)

    assert parsed.httpMethod == request_.method
    assert parsed.requestContext.requestId
    assert (parsed.requestContext.authorizer is None) == (claims is None)


def _websocket(event_type: str, route_key: str, **extra: Any) -> dict[str, Any]:
    return websocket_event(
        route_key=route_key,
        event_type=event_type,
        connection_id="c-1=",
        domain="127.0.0.1:3001",
        stage="local",
        authorizer={"principalId": "u1", **CLAIMS},
        connected_at=1_764_000_000.0,
        **extra,
    )


def test_websocket_connect_events_are_api_gateway_websocket_connect_events() -> None:
    event = _websocket("CONNECT", "$connect", headers={"Host": "127.0.0.1:3001"}, query={"token": "t"})

    parsed = APIGatewayWebSocketConnectEventModel.model_validate(event)

    assert parsed.request_context.event_type == "CONNECT"
    assert parsed.request_context.connection_id == "c-1="


def test_websocket_message_events_are_api_gateway_websocket_message_events() -> None:
    event = _websocket("MESSAGE", "subscribe", body=json.dumps({"action": "subscribe"}))

    parsed = APIGatewayWebSocketMessageEventModel.model_validate(event)

    assert parsed.request_context.route_key == "subscribe"
    assert parsed.request_context.message_id


def test_websocket_disconnect_events_are_api_gateway_websocket_disconnect_events() -> None:
    parsed = APIGatewayWebSocketDisconnectEventModel.model_validate(_websocket("DISCONNECT", "$disconnect"))

    assert parsed.request_context.event_type == "DISCONNECT"


# ---- delivery ------------------------------------------------------------------------------------


@dataclass
class Aws:
    client: Any
    resources: Resources


@pytest.fixture(scope="module")
def aws() -> Iterator[Aws]:
    """moto with the runtime's patches and every resource of the topology, as the runtime provisions them."""
    patches.install()
    try:
        with mock_aws():
            wire = botocore.session.get_session()
            wire.register_component("response_parser_factory", wire_json_parsers())
            sessions = {"": boto3.session.Session(region_name=REGION)}
            sessions["wire"] = boto3.session.Session(botocore_session=wire, region_name=REGION)
            made: dict[str, Any] = {}

            def client(service: str) -> Any:
                if service not in made:
                    made[service] = sessions["wire" if service in WIRE_SERVICES else ""].client(service)
                return made[service]

            for service in ("dynamodb", "dynamodbstreams", "events", "s3", "sqs"):
                client(service)  # clients are made here, not by the provisioner's threads
            provisioner = Provisioner(client, list(contexts()), stage="test", feeds_bucket="feeds", region=REGION)
            yield Aws(client, provisioner.all(cognito=False))
    finally:
        patches.remove()


def _receive(aws: Aws, queue: QueueResource) -> list[dict[str, Any]]:
    received = aws.client("sqs").receive_message(
        QueueUrl=queue.url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    )
    messages: list[dict[str, Any]] = received.get("Messages", [])
    return messages


def _batch(aws: Aws, queue: QueueResource) -> dict[str, Any]:
    """Lambda's SQS event for what the queue holds, as local delivery builds it."""
    return {"Records": [sqs_record(message, queue.arn, REGION) for message in _receive(aws, queue)]}


def _queue_of(aws: Aws, function: str) -> QueueResource:
    return next(queue for queue in aws.resources.queues if queue.function == function)


def test_sqs_batches_are_sqs_events(aws: Aws) -> None:
    queue = aws.resources.queues[0]
    aws.client("sqs").send_message(
        QueueUrl=queue.url,
        MessageBody='{"hello": "world"}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"}},
    )

    parsed = SqsModel.model_validate(_batch(aws, queue))

    assert [record.body for record in parsed.Records] == ['{"hello": "world"}']
    assert parsed.Records[0].messageAttributes["kind"].stringValue == "greeting"
    assert parsed.Records[0].eventSourceARN == queue.arn


def test_eventbridge_events_through_sqs_are_eventbridge_events(aws: Aws) -> None:
    # Given the first event subscription of the topology
    subscription: EventSubscription = next(sub for wiring in contexts() for sub in wiring.events)
    source, detail_type = subscription.sources[0], subscription.detail_types[0]

    # When such an event is put on the bus
    aws.client("events").put_events(
        Entries=[
            {
                "EventBusName": aws.resources.bus_name,
                "Source": source,
                "DetailType": detail_type,
                "Detail": json.dumps({"event_id": "e-1", "occurred_at": "2026-12-04T10:00:00Z"}),
            }
        ]
    )

    # Then its consumer's queue delivers an SQS event whose body is an EventBridge event
    batch = SqsModel.model_validate(_batch(aws, _queue_of(aws, subscription.function.name)))
    events = [EventBridgeModel.model_validate_json(str(record.body)) for record in batch.Records]
    found = [(event.source, event.detail_type, event.model_dump()["detail"]["event_id"]) for event in events]
    assert found == [(source, detail_type, "e-1")]


def test_s3_notifications_through_sqs_are_s3_events(aws: Aws) -> None:
    # Given the first bucket subscription of the topology
    subscription: BucketSubscription = next(sub for wiring in contexts() for sub in wiring.bucket)
    queue = _queue_of(aws, subscription.function.name)
    _receive(aws, queue)  # S3's s3:TestEvent, sent when the notification was configured

    # When an object is created under its prefix
    key = f"{subscription.prefix}v1/feed.csv"
    aws.client("s3").put_object(Bucket=aws.resources.feeds_bucket, Key=key, Body=b"sku,price\n")

    # Then its queue delivers an SQS event whose body is an S3 event
    batch = SqsModel.model_validate(_batch(aws, queue))
    notifications = [S3Model.model_validate_json(str(record.body)) for record in batch.Records]
    objects = [record.s3.object for n in notifications for record in n.Records]
    assert [unquote_plus(o.key) for o in objects if o is not None] == [key]


def test_stream_batches_are_dynamodb_stream_events(aws: Aws) -> None:
    # Given a table with a stream, written to: a create, an update and a delete
    stream = aws.resources.streams[0]
    dynamodb = aws.client("dynamodb")
    key = {"pk": {"S": "p#1"}, "sk": {"S": "s#1"}}
    dynamodb.put_item(TableName=stream.table, Item={**key, "n": {"N": "1"}, "tags": {"SS": ["a", "b"]}})
    dynamodb.update_item(
        TableName=stream.table, Key=key, UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": {"N": "2"}}
    )
    dynamodb.delete_item(TableName=stream.table, Key=key)

    # When its records are read as the stream poller reads them (wire form)
    streams = aws.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream.arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream.arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    raw = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]

    # Then local delivery's batch is a DynamoDB stream event
    parsed = DynamoDBStreamModel.model_validate({"Records": [stream_record(r, stream.arn, REGION) for r in raw]})
    assert [record.eventName for record in parsed.Records] == ["INSERT", "MODIFY", "REMOVE"]
    assert parsed.Records[1].dynamodb is not None
    assert parsed.Records[1].dynamodb.NewImage == {"pk": "p#1", "sk": "s#1", "n": 2, "tags": {"a", "b"}}


def test_scheduled_events_are_eventbridge_events() -> None:
    with ThreadPoolExecutor(1) as executor:
        delivery = EventDelivery(
            lambdas=None,  # type: ignore[arg-type]  # a scheduled event needs no function
            client=lambda _service: None,
            queues=[],
            streams=[],
            region=REGION,
            limits=Limits(),
            executor=executor,
        )
        parsed = EventBridgeModel.model_validate(delivery.scheduled_event("catalog-indexer"))

    assert (parsed.source, parsed.detail_type, parsed.detail) == ("aws.events", "Scheduled Event", {})
