"""Storage: the private feeds bucket, its access-log bucket, and notifications to feed consumers."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from constructs import Construct

from infra import topology
from infra.constructs.queue import QueueWithDlq
from infra.nag import acknowledge
from infra.shared import Shared


class StorageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = shared.stage
        common: dict[str, Any] = {
            "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
            "encryption": s3.BucketEncryption.S3_MANAGED,
            "enforce_ssl": True,
            "removal_policy": stage.removal_policy,
            "auto_delete_objects": False,
        }
        access_logs = s3.Bucket(
            self,
            "AccessLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            **common,
        )
        acknowledge(
            access_logs,
            "AwsSolutions-S1",
            "This bucket receives the feeds bucket's server access logs; logging it again would recurse.",
        )
        bucket = s3.Bucket(
            self,
            "Feeds",
            bucket_name=stage.feeds_bucket_name,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="feeds/",
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.PUT],
                    # Browsers upload feeds with presigned URLs from the web client's origins only.
                    allowed_origins=list(shared.cors_origins()),
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1)),
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30)),
                *(
                    s3.LifecycleRule(prefix=retention.prefix, expiration=Duration.days(retention.days))
                    for wiring in topology.contexts()
                    for retention in wiring.bucket_retention
                ),
                s3.LifecycleRule(
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INTELLIGENT_TIERING, transition_after=Duration.days(30)
                        )
                    ]
                ),
            ],
            **common,
        )
        shared.bucket = bucket
        for wiring in topology.contexts():
            for subscription in wiring.bucket:
                function = subscription.function
                queues = QueueWithDlq(
                    self,
                    f"{function.name}-queue",
                    stage=stage,
                    queue_name=topology.queue_name(stage.name, function),
                    consumer_timeout_seconds=function.timeout_seconds,
                    max_receive_count=subscription.max_receive_count,
                )
                bucket.add_event_notification(
                    s3.EventType.OBJECT_CREATED,
                    s3n.SqsDestination(queues.queue),
                    s3.NotificationKeyFilter(prefix=subscription.prefix),
                )
                shared.bucket_queues[function.name] = queues.queue
                shared.inventory.dead_letter_queues[f"{function.name}-dlq"] = queues.dead_letter_queue_name
                shared.inventory.queues[function.name] = topology.queue_name(stage.name, function)
        self._acknowledge_notifications_handler()

    def _acknowledge_notifications_handler(self) -> None:
        """CDK's singleton that writes the bucket notification configuration (a custom resource)."""
        for child in self.node.children:
            if child.node.id.startswith("BucketNotificationsHandler"):
                acknowledge(
                    child,
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                    "CDK's own bucket-notifications custom resource; it only writes this stack's bucket notifications.",
                )
