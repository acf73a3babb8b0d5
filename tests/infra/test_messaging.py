"""Queues, rules and event sources: every consumer has a DLQ, every subscription a matching rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra import topology
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra


def queues(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["QueueName"]: resource["Properties"]
        for resource in synthesized.resources("AWS::SQS::Queue").values()
    }


def test_every_queue_has_a_dlq_or_is_one_and_is_encrypted(synthesized: Synthesized) -> None:
    found = queues(synthesized)
    assert found
    for name, queue in found.items():
        assert queue["SqsManagedSseEnabled"] is True, name
        if name.endswith("-dlq"):
            assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600, name
        else:
            assert queue["RedrivePolicy"]["maxReceiveCount"] >= 1, name
            assert f"{name}-dlq" in found, name


def test_every_asynchronous_consumer_has_a_queue_and_a_dlq(synthesized: Synthesized) -> None:
    found = queues(synthesized)
    for wiring in topology.contexts():
        for function in [s.function for s in wiring.events] + [s.function for s in wiring.bucket]:
            name = topology.queue_name("dev", function)
            assert name in found
            assert f"{name}-dlq" in found
        for stream in wiring.streams:
            assert f"{topology.queue_name('dev', stream.function)}-dlq" in found


def test_every_event_subscription_has_a_rule_with_its_pattern(synthesized: Synthesized) -> None:
    rules = synthesized.resources("AWS::Events::Rule", "Events").values()
    patterns = [
        (rule["Properties"]["EventPattern"], rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0])
        for rule in rules
        if "EventPattern" in rule["Properties"]
    ]
    template = synthesized.stacks["Events"]["Resources"]
    subscriptions = [sub for wiring in topology.contexts() for sub in wiring.events]
    assert subscriptions, "no event subscriptions in the wiring: this test would prove nothing"
    for subscription in subscriptions:
        wanted = {"source": list(subscription.sources), "detail-type": list(subscription.detail_types)}
        targets = [template[target]["Properties"]["QueueName"] for pattern, target in patterns if pattern == wanted]
        assert topology.queue_name("dev", subscription.function) in targets, wanted
    assert len(patterns) == len(subscriptions)


def test_queued_schedules_send_their_tick_into_the_consumers_queue(synthesized: Synthesized) -> None:
    template = synthesized.stacks["Events"]["Resources"]
    ticks = {
        template[rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]]["Properties"]["QueueName"]: rule
        for rule in synthesized.resources("AWS::Events::Rule", "Events").values()
        if "ScheduleExpression" in rule["Properties"]
    }
    queued = [s for wiring in topology.contexts() for s in wiring.schedules if s.through_queue]
    assert queued, "no queued schedule in the wiring: this test would prove nothing"
    for schedule in queued:
        rule = ticks[topology.queue_name("dev", schedule.function)]
        assert rule["Properties"]["ScheduleExpression"] == f"rate({schedule.rate_minutes} minutes)"
        assert rule["Properties"]["Targets"][0]["DeadLetterConfig"]
    assert len(ticks) == len(queued)


def test_sqs_event_sources_report_partial_batch_failures(synthesized: Synthesized) -> None:
    mappings = synthesized.resources("AWS::Lambda::EventSourceMapping").values()
    assert mappings
    for mapping in mappings:
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_stream_consumers_bisect_retry_and_send_failures_to_a_dlq(synthesized: Synthesized) -> None:
    streams = [
        mapping["Properties"]
        for mapping in synthesized.resources("AWS::Lambda::EventSourceMapping").values()
        if "StartingPosition" in mapping["Properties"]
    ]
    assert len(streams) == sum(len(wiring.streams) for wiring in topology.contexts())
    for mapping in streams:
        assert mapping["BisectBatchOnFunctionError"] is True
        assert mapping["MaximumRetryAttempts"] >= 1
        assert "OnFailure" in mapping["DestinationConfig"]


def test_feed_uploads_notify_the_bucket_subscribers_queue(synthesized: Synthesized) -> None:
    notifications = synthesized.resources("Custom::S3BucketNotifications", "Storage").values()
    configs = [
        config
        for resource in notifications
        for config in resource["Properties"]["NotificationConfiguration"].get("QueueConfigurations", [])
    ]
    prefixes = [config["Filter"]["Key"]["FilterRules"][0]["Value"] for config in configs]
    declared = [sub.prefix for wiring in topology.contexts() for sub in wiring.bucket]
    assert sorted(prefixes) == sorted(declared)


def test_a_stage_with_an_ses_sender_routes_its_bounces_and_complaints_to_the_plein_bus(tmp_path: Path) -> None:
    """SES puts a configuration set's events on the default bus only; the stage forwards its own."""
    from dataclasses import replace

    from aws_cdk import App, Environment
    from aws_cdk.assertions import Match, Template

    from infra.config import STAGES
    from infra.shared import Shared
    from infra.stacks.events import EventsStack

    stage = replace(STAGES["dev"], ses_from_email="no-reply@plein.example")
    template = Template.from_stack(
        EventsStack(
            App(outdir=str(tmp_path)), "Events", shared=Shared(stage=stage), env=Environment(region=stage.region)
        )
    )
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": topology.mail_configuration_set("dev")})
    template.has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {
            "EventDestination": Match.object_like(
                {"Enabled": True, "MatchingEventTypes": Match.array_equals(["bounce", "complaint"])}
            )
        },
    )
    (forward,) = [
        rule["Properties"]
        for rule in template.find_resources("AWS::Events::Rule").values()
        if rule["Properties"].get("EventBusName") == "default"
    ]
    assert forward["EventPattern"] == {
        "source": ["aws.ses"],
        "detail-type": ["Email Bounced", "Email Complaint Received"],
        "detail": {"mail": {"tags": {"ses:configuration-set": ["plein-dev-mail"]}}},
    }
    (target,) = forward["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [next(iter(template.find_resources("AWS::Events::EventBus"))), "Arn"]}


def test_without_an_ses_sender_no_configuration_set_is_made(synthesized: Synthesized) -> None:
    assert not synthesized.resources("AWS::SES::ConfigurationSet")
