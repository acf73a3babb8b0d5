"""An SQS queue with its dead-letter queue: every asynchronous consumer reads from one."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import StageConfig
from infra.nag import acknowledge

# Lambda's guidance: a visibility timeout of at least six times the consumer's timeout.
VISIBILITY_FACTOR = 6


def dead_letter_queue(scope: Construct, construct_id: str, *, stage: StageConfig, queue_name: str) -> sqs.Queue:
    """Where failed messages, stream records or scheduled invocations end up; alarmed on depth."""
    queue = sqs.Queue(
        scope,
        construct_id,
        queue_name=queue_name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),
        removal_policy=stage.removal_policy,
    )
    acknowledge(
        queue, "AwsSolutions-SQS3", "This queue is itself a dead-letter queue; an alarm fires when it is not empty."
    )
    return queue


class QueueWithDlq(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        queue_name: str,
        consumer_timeout_seconds: int,
        max_receive_count: int = 3,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue_name = f"{queue_name}-dlq"
        self.dead_letter_queue = dead_letter_queue(self, "Dlq", stage=stage, queue_name=self.dead_letter_queue_name)
        self.queue = sqs.Queue(
            self,
            "Queue",
            queue_name=queue_name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(consumer_timeout_seconds * VISIBILITY_FACTOR),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letter_queue, max_receive_count=max_receive_count),
            removal_policy=stage.removal_policy,
        )
