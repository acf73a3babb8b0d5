"""The local runtime's EventBridge target input (local/aws/moto_events.py) equals moto's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.events.utils import EventTemplateParser

from local.aws import moto_events, moto_query

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "5f1c6f4e-0000-4000-8000-000000000001",
    "detail-type": "OffersChanged",
    "source": "plein.vendor",
    "account": "123456789012",
    "time": 1764100800.25,  # moto keeps it as a Unix time
    "region": "eu-west-1",
    "resources": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
    "detail": {"vendor_id": "v1", "changes": [{"offer_id": "o1", "price": 1250, "tags": ["a", "b"]}]},
    "ingestion-time": 1764100800.5,
}
TEMPLATES: list[tuple[str, dict[str, Any]]] = [
    ("", {}),
    (
        '{"vendor": "<vendor>", "first": <first>, "tags": <tags>, "whole": <aws.events.event.json>}',
        {"vendor": "$.detail.vendor_id", "first": "$.detail.changes[0]", "tags": "$.detail.changes[0].tags"},
    ),
    ('{"at": <aws.events.event.ingestion-time>, "note": "<missing>"}', {"missing": "$.detail.x"}),
]


@pytest.mark.parametrize(("template", "paths"), TEMPLATES)
def test_the_target_input_is_moto_s(template: str, paths: dict[str, Any]) -> None:
    expected = EventTemplateParser.parse(input_template=template, input_paths_map=paths, event=EVENT)  # type: ignore[arg-type]

    assert moto_events.parse(template, paths, EVENT) == expected
    assert moto_events.parse(template, paths, EVENT) == expected  # and again, from the cache


@pytest.fixture
def patched() -> Iterator[None]:
    moto_query.apply()
    try:
        yield
    finally:
        moto_query.remove()


def test_events_reach_an_sqs_target_through_the_patched_server_code(patched: None) -> None:
    assert EventTemplateParser.__dict__["parse"].__func__ is moto_events.parse
    with mock_aws():
        events, sqs = boto3.client("events", region_name="eu-west-1"), boto3.client("sqs", region_name="eu-west-1")
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="r", EventPattern=json.dumps({"source": ["plein.vendor"]}))
        events.put_targets(Rule="r", Targets=[{"Id": "1", "Arn": arn}])

        events.put_events(Entries=[{"Source": "plein.vendor", "DetailType": "OffersChanged", "Detail": '{"a": 1}'}])

        body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
        assert (body["source"], body["detail-type"], body["detail"]) == ("plein.vendor", "OffersChanged", {"a": 1})


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"time": 1764100800, "resources": []},
        {"detail": {}},
        {"detail-type": 'Offers"Changed'},
        {"source": "plein\\vendor"},
        {"region": ""},
        {"resources": ["a\nb"]},
        {"time": "2026-11-25T20:00:00Z"},
    ],
)
def test_the_default_target_input_is_moto_s(changes: dict[str, Any]) -> None:
    event = EVENT | changes
    try:
        expected: Any = EventTemplateParser.parse(input_template="", input_paths_map={}, event=event)  # type: ignore[arg-type]
    except ValueError as error:
        expected = type(error)
    try:
        found: Any = moto_events.parse("", {}, event)
    except ValueError as error:
        found = type(error)

    assert found == expected
    assert (moto_events.default_input(event) is not None) is (
        changes in ({}, {"time": 1764100800, "resources": []}, {"detail": {}})
    )
