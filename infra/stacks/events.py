"""Events: the bus, its archive, and one queue (+DLQ) and rule per event subscription; with an SES
sender, the mail configuration set whose bounces and complaints reach the bus."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_ses as ses
from constructs import Construct

from infra import topology
from infra.config import StageConfig
from infra.constructs.queue import QueueWithDlq
from infra.shared import Shared

SES_SOURCE = "aws.ses"


class EventsStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = shared.stage
        bus = events.EventBus(self, "Bus", event_bus_name=topology.bus_name(stage.name))
        bus.archive(
            "Archive",
            archive_name=stage.name_of("events"),
            description="Every Plein domain event, for replay",
            event_pattern=events.EventPattern(source=events.Match.prefix("plein.")),
            retention=Duration.days(stage.event_archive_days),
        )
        shared.bus = bus
        for wiring in topology.contexts():
            for index, subscription in enumerate(wiring.events):
                function = subscription.function
                if function.name not in shared.event_queues:
                    # One queue per consumer function, however many subscriptions feed it.
                    queues = QueueWithDlq(
                        self,
                        f"{function.name}-queue",
                        stage=stage,
                        queue_name=topology.queue_name(stage.name, function),
                        consumer_timeout_seconds=function.timeout_seconds,
                        max_receive_count=subscription.max_receive_count,
                    )
                    shared.event_queues[function.name] = queues.queue
                    shared.event_dlqs[function.name] = queues.dead_letter_queue
                    shared.inventory.dead_letter_queues[f"{function.name}-dlq"] = queues.dead_letter_queue_name
                    shared.inventory.queues[function.name] = topology.queue_name(stage.name, function)
                rule_name = stage.name_of(f"{wiring.name}-{index}-{function.name}")[:64]
                shared.inventory.rules.append(rule_name)
                events.Rule(
                    self,
                    f"{wiring.name}-rule-{index}",
                    rule_name=rule_name,
                    description=f"{', '.join(subscription.detail_types)} to {function.name}",
                    event_bus=bus,
                    event_pattern=events.EventPattern(
                        source=list(subscription.sources), detail_type=list(subscription.detail_types)
                    ),
                    targets=[self._to_queue(shared, function.name)],
                )
            for schedule in wiring.schedules:
                if schedule.through_queue:
                    name = schedule.function.name
                    shared.inventory.rules.append(stage.name_of(f"{name}-tick")[:64])
                    events.Rule(
                        self,
                        f"{name}-tick",
                        rule_name=stage.name_of(f"{name}-tick")[:64],
                        description=f"A Scheduled Event every {schedule.rate_minutes} min into {name}'s queue",
                        schedule=events.Schedule.rate(Duration.minutes(schedule.rate_minutes)),
                        targets=[self._to_queue(shared, name)],
                    )

        if stage.ses_from_email:
            self._mail_feedback(stage, bus)

    def _mail_feedback(self, stage: StageConfig, bus: events.EventBus) -> None:
        """SES publishes a configuration set's events to the account's default bus only: a rule there
        forwards this stage's bounces and complaints to the Plein bus, where the consumers'
        `aws.ses` subscriptions pick them up."""
        name = topology.mail_configuration_set(stage.name)
        default_bus = events.EventBus.from_event_bus_name(self, "DefaultBus", "default")
        mail = ses.ConfigurationSet(self, "Mail", configuration_set_name=name)
        mail.add_event_destination(
            "Feedback",
            destination=ses.EventDestination.event_bus(default_bus),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        detail_types = sorted(
            {
                detail_type
                for wiring in topology.contexts()
                for subscription in wiring.events
                if SES_SOURCE in subscription.sources
                for detail_type in subscription.detail_types
            }
        )
        events.Rule(
            self,
            "MailFeedback",
            rule_name=stage.name_of("mail-feedback")[:64],
            description=f"SES {', '.join(detail_types)} of configuration set {name} to the Plein bus",
            event_bus=default_bus,
            event_pattern=events.EventPattern(
                source=[SES_SOURCE],
                detail_type=detail_types,
                detail={"mail": {"tags": {"ses:configuration-set": [name]}}},
            ),
            targets=[targets.EventBus(bus)],
        )

    @staticmethod
    def _to_queue(shared: Shared, function_name: str) -> targets.SqsQueue:
        return targets.SqsQueue(shared.event_queues[function_name], dead_letter_queue=shared.event_dlqs[function_name])
