"""Workers: every asynchronous consumer of the wiring (events, table streams, feeds, schedules)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.common.wiring import ContextWiring, Function, StreamSubscription
from infra import topology
from infra.config import StageConfig
from infra.constructs.function import PleinFunction
from infra.constructs.queue import dead_letter_queue
from infra.shared import Shared


class WorkersStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.shared = shared
        self.functions: dict[str, lambda_.Function] = {}
        for wiring in topology.contexts():
            for event_sub in wiring.events:
                if event_sub.function.name in self.functions:
                    continue  # several subscriptions feed one queue, read by one event source
                fn = self._function(wiring, event_sub.function)
                queue = shared.event_queues[event_sub.function.name]
                fn.add_event_source(self._queue_source(event_sub.function, queue, event_sub.batch_size))
            for bucket_sub in wiring.bucket:
                fn = self._function(wiring, bucket_sub.function)
                queue = shared.bucket_queues[bucket_sub.function.name]
                fn.add_event_source(self._queue_source(bucket_sub.function, queue, bucket_sub.batch_size))
            for stream_sub in wiring.streams:
                self._stream_consumer(wiring, stream_sub)
            for schedule in wiring.schedules:
                if not schedule.through_queue:  # those are rules of the events stack, to the queue
                    self._scheduled(wiring, schedule.function, schedule.rate_minutes)
            for function in wiring.internal:  # invoked directly by another context's function
                self._function(wiring, function)

    def _function(self, wiring: ContextWiring, function: Function) -> lambda_.Function:
        if function.name not in self.functions:
            made = PleinFunction(self, function.name, shared=self.shared, wiring=wiring, function=function)
            self.functions[function.name] = made.function
        return self.functions[function.name]

    def _queue_source(self, function: Function, queue: sqs.IQueue, batch_size: int) -> sources.SqsEventSource:
        """At most `max_concurrency` concurrent invocations: when the function is throttled, messages
        wait in the queue instead of burning receive attempts on their way to the DLQ."""
        return sources.SqsEventSource(
            queue,
            batch_size=batch_size,
            report_batch_item_failures=True,
            max_concurrency=consumer_concurrency(self.shared.stage, function),
        )

    def _failures(self, function: Function) -> sqs.Queue:
        stage = self.shared.stage
        name = f"{topology.queue_name(stage.name, function)}-dlq"
        failures = dead_letter_queue(self, f"{function.name}-dlq", stage=stage, queue_name=name)
        self.shared.inventory.dead_letter_queues[f"{function.name}-dlq"] = name
        return failures

    def _stream_consumer(self, wiring: ContextWiring, subscription: StreamSubscription) -> None:
        function = subscription.function
        fn = self._function(wiring, function)
        table = self.shared.tables[wiring.name]
        failures = self._failures(function)
        fn.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=subscription.batch_size,
                bisect_batch_on_error=True,
                retry_attempts=subscription.retry_attempts,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(failures),
            )
        )
        self.shared.inventory.stream_functions[function.name] = topology.function_name(self.shared.stage.name, function)

    def _scheduled(self, wiring: ContextWiring, function: Function, rate_minutes: int) -> None:
        fn = self._function(wiring, function)
        failures = self._failures(function)
        events.Rule(
            self,
            f"{function.name}-schedule",
            rule_name=self.shared.stage.name_of(f"{function.name}-schedule"),
            schedule=events.Schedule.rate(Duration.minutes(rate_minutes)),
            targets=[targets.LambdaFunction(fn, dead_letter_queue=failures, retry_attempts=2)],
        )
        self.shared.inventory.rules.append(self.shared.stage.name_of(f"{function.name}-schedule"))


def consumer_concurrency(stage: StageConfig, function: Function) -> int:
    """The wiring's own cap (`reserved_concurrency`, read as "at most this many at once") or the
    stage's default, never above a reservation the stage makes (that would throttle)."""
    wanted = function.reserved_concurrency or stage.consumer_max_concurrency
    reserved = stage.reserved_concurrency_of(function.name)
    return max(2, min(wanted, reserved) if reserved else wanted)
