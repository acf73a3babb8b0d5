"""The local runtime's EventBridge target input (local/aws/moto_events.py) equals moto's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.events.utils import EventTemplateParser

from local.aws import moto_events, patches

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


# moto's own target input, sped up: without the patch that completes it as AWS's (moto_fidelity)
AS_MOTO = [patch for patch in patches.REGISTRY if patch.name != "eventbridge_whole_events"]


@pytest.fixture
def as_moto() -> Iterator[None]:
    patches.install(AS_MOTO)
    try:
        yield
    finally:
        patches.remove()


def test_events_reach_an_sqs_target_through_the_patched_server_code(as_moto: None) -> None:
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


# ---- rule matching and PutEvents ------------------------------------------------------------------

PATTERNS: list[dict[str, Any]] = [
    {},
    {"source": ["plein.vendor"], "detail-type": ["OffersChanged", "VendorUpdated"]},
    {"source": ["plein.orders"], "detail-type": ["OffersChanged"]},
    {"source": [{"prefix": "plein."}], "detail": {"vendor_id": [{"anything-but": ["v2", "v3"]}]}},
    {"detail": {"vendor_id": [{"anything-but": {"prefix": "v"}}]}},
    {"detail": {"stats": {"count": [{"numeric": [">", 0, "<=", 10]}]}}},
    {"detail": {"stats": {"count": [{"numeric": ["=", 3.0]}]}}},
    {"detail": {"stats": {"missing": [{"exists": False}]}, "vendor_id": [{"exists": True}]}},
    {"detail": {"stats": [{"exists": True}]}},
    {"detail": {"tags": ["b"], "flag": [True]}},
    {"detail": {"empty": [{"exists": True}], "nothing": [None]}},
    {"detail-type": [{"suffix": "Changed"}], "region": [{"equals-ignore-case": "EU-WEST-1"}]},
    {"$or": [{"detail": {"vendor_id": ["nope"]}}, {"resources": ["arn:aws:s3:::b"]}]},
    {"detail": {"a.b": [1]}},
    {"detail": {"a": {"b": [2]}}},
    {"time": [{"numeric": [">", 0]}], "ingestion-time": [{"exists": True}]},
]
MATCH_EVENTS: list[dict[str, Any]] = [
    EVENT,
    EVENT | {"detail": {"vendor_id": "v2", "stats": {"count": 3, "missing": None}, "tags": ["a", "b"], "flag": True}},
    EVENT | {"detail": {"vendor_id": "x1", "stats": {"count": 11.5}, "empty": {}, "nothing": None}},
    EVENT | {"detail": {"a.b": 1, "a": {"b": 2}}},
    EVENT | {"detail": {"a": {"b": 1}, "a.b": 2}},
    EVENT | {"detail": [1, 2], "source": "plein.orders"},
    EVENT | {"detail": {"n": float("nan"), "big": 10**30}},
    EVENT | {"resources": ("arn:aws:s3:::b",)},  # a tuple: not JSON-native, moto's own round trip
    EVENT | {"time": "2026-11-25T20:00:00Z", "region": "EU-west-1"},
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: json.dumps(p)[:60])
@pytest.mark.parametrize("event", MATCH_EVENTS, ids=lambda e: json.dumps(e["detail"], default=str)[:40])
def test_rules_match_as_moto_s_do(pattern: dict[str, Any], event: dict[str, Any]) -> None:
    from moto.events.models import EventPattern

    rule = EventPattern.load(json.dumps(pattern))
    expected = rule.matches_event(event)  # type: ignore[arg-type]

    assert moto_events.matches(rule, dict(event)) is expected


def test_events_that_are_not_json_native_take_moto_s_round_trip() -> None:
    from moto.events.models import EventPattern

    rule = EventPattern.load(json.dumps({"source": ["plein.vendor"]}))
    assert not moto_events._native(EVENT | {"resources": ("a",)})
    assert not moto_events._native({1: "x"})
    assert moto_events._native(EVENT)
    with pytest.raises(TypeError):  # moto's json.dumps refuses it, and so does the patch
        moto_events.matches(rule, EVENT | {"time": object()})


def _deliveries(patched: bool) -> tuple[list[Any], list[list[Any]]]:
    """The PutEvents entries and what each of five queues received, from moto with or without the patches."""
    if patched:
        patches.install(AS_MOTO)
    try:
        with mock_aws():
            events, sqs = boto3.client("events", region_name="eu-west-1"), boto3.client("sqs", region_name="eu-west-1")
            bus = "bus"
            events.create_event_bus(Name=bus)
            patterns = [PATTERNS[1], PATTERNS[2], PATTERNS[3], PATTERNS[5], {"detail": {"a": {"b": [2]}}}]
            urls = []
            for i, pattern in enumerate(patterns):
                url = sqs.create_queue(QueueName=f"q{i}")["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                events.put_rule(Name=f"r{i}", EventBusName="bus", EventPattern=json.dumps(pattern))
                events.put_targets(Rule=f"r{i}", EventBusName="bus", Targets=[{"Id": "1", "Arn": arn}])
                urls.append(url)
            details = [
                {"vendor_id": "v1", "stats": {"count": 3}, "changes": [{"offer_id": "o1", "price": 1250}] * 50},
                {"vendor_id": "v2", "stats": {"count": 30}},
                {"a": {"b": 2}, "a.b": 1},
                [1, 2],
            ]
            entries: list[dict[str, Any]] = [
                {
                    "Source": "plein.vendor",
                    "DetailType": "OffersChanged",
                    "Detail": json.dumps(d),
                    "EventBusName": "bus",
                }
                for d in details
            ]
            entries += [
                {"Source": "plein.orders", "DetailType": "OffersChanged", "Detail": '{"x": 1}', "EventBusName": "bus"},
                {"Source": "plein.vendor", "DetailType": "OffersChanged", "Detail": "{bad", "EventBusName": "bus"},
                {"Source": "plein.vendor", "DetailType": "OffersChanged", "Detail": "", "EventBusName": "bus"},
                {
                    "Source": "plein.vendor",
                    "DetailType": "VendorUpdated",
                    "Detail": '{"vendor_id": "v9"}',
                    "EventBusName": "bus",
                    "Resources": ["arn:aws:s3:::b"],
                    "Time": 1764100800,
                },
            ]
            result = events.put_events(Entries=entries[:10])
            answers = [sorted(entry) for entry in result["Entries"]]
            received = []
            for url in urls:
                bodies = []
                while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                    for message in messages:
                        body = json.loads(message["Body"])
                        body.pop("id")  # random per run
                        body.pop("time")
                        bodies.append(body)
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                received.append(sorted(bodies, key=json.dumps))
            return [*answers, result["FailedEntryCount"]], received
    finally:
        if patched:
            patches.remove()


def test_put_events_delivers_what_moto_delivers() -> None:
    from moto.events.models import EventsBackend

    expected = _deliveries(patched=False)
    found = _deliveries(patched=True)

    assert EventsBackend.__dict__["put_events"] is not moto_events.put_events  # removed again
    assert found == expected
    assert [len(bodies) for bodies in found[1]] == [5, 1, 2, 1, 0]  # "a.b" overwrites "a" → "b" in the flattened event


def test_every_matching_rule_gets_its_own_detail(patched: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.events.models import Rule

    assert Rule.send_to_targets is not None
    sent: list[Any] = []
    monkeypatch.setattr(Rule, "send_to_targets", lambda self, event: sent.append((self.name, event)))
    with mock_aws():
        events = boto3.client("events", region_name="eu-west-1")
        for name, source in (("a", "plein.vendor"), ("b", "plein.orders"), ("c", "plein.vendor")):
            events.put_rule(Name=name, EventPattern=json.dumps({"source": [source]}))

        events.put_events(Entries=[{"Source": "plein.vendor", "DetailType": "X", "Detail": '{"k": [1]}'}])

    assert [name for name, _ in sent] == ["a", "c"]
    assert sent[0][1]["detail"] == sent[1][1]["detail"] == {"k": [1]}
    assert sent[0][1]["detail"] is not sent[1][1]["detail"]
    assert sent[0][1] is not sent[1][1]
