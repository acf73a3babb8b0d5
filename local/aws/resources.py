"""Every AWS resource of the topology, created from the same wiring the CDK app deploys.

Tables (keys and GSIs from each context's PynamoDB model), the event bus, one queue and DLQ per
EventBridge or bucket subscription, EventBridge rules, the feeds bucket with its S3 → SQS
notifications, the DynamoDB streams and the Cognito user pool. Works against the embedded moto
server and against any other endpoint (LocalStack) alike; creation is idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pynamodb.models import Model

from functions.common.auth import USER_WRITABLE_ATTRIBUTES, VENDOR_ID_CLAIM, Role
from functions.common.dynamo import TTL_ATTRIBUTE
from functions.common.wiring import BucketSubscription, ContextWiring, EventSubscription
from infra.topology import bus_name, queue_name, table_model, table_name

ClientFactory = Callable[[str], Any]
"""Returns a boto3 client for a service name."""

DLQ_SUFFIX = "-dlq"
USER_POOL_CLIENT = "local-web"


@dataclass(frozen=True)
class QueueResource:
    """A queue that feeds one consumer function, with its DLQ."""

    context: str
    function: str
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str
    batch_size: int
    max_receive_count: int


@dataclass(frozen=True)
class StreamResource:
    context: str
    table: str
    function: str
    arn: str
    batch_size: int
    retry_attempts: int
    failures_url: str
    """Where a batch that failed every retry is described (Lambda's on-failure destination)."""


@dataclass
class Resources:
    stage: str
    bus_name: str
    feeds_bucket: str
    tables: dict[str, str] = field(default_factory=dict)
    queues: list[QueueResource] = field(default_factory=list)
    streams: list[StreamResource] = field(default_factory=list)
    user_pool_id: str | None = None
    user_pool_client_id: str | None = None


def table_definition(model: type[Model], name: str, *, stream: bool) -> dict[str, Any]:
    """`CreateTable` arguments for a PynamoDB model (keys, GSIs, LSIs, on-demand billing)."""
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d for d in schema["attribute_definitions"]}
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": schema["key_schema"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    gsis = [
        {"IndexName": index["index_name"], "KeySchema": index["key_schema"], "Projection": index["projection"]}
        for index in schema.get("global_secondary_indexes", [])
    ]
    lsis = [
        {"IndexName": index["index_name"], "KeySchema": index["key_schema"], "Projection": index["projection"]}
        for index in schema.get("local_secondary_indexes", [])
    ]
    if gsis:
        request["GlobalSecondaryIndexes"] = gsis
    if lsis:
        request["LocalSecondaryIndexes"] = lsis
    request["AttributeDefinitions"] = list(definitions.values())
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    return request


class Provisioner:
    """Creates the resources of `wirings` through `client(service)`; safe to run twice."""

    def __init__(
        self,
        client: ClientFactory,
        wirings: Sequence[ContextWiring],
        *,
        stage: str,
        feeds_bucket: str,
        region: str,
        visibility_timeout: int = 2,
    ) -> None:
        self._client = client
        self._wirings = tuple(wirings)
        self._stage = stage
        self._region = region
        self._visibility_timeout = visibility_timeout
        self.resources = Resources(stage=stage, bus_name=bus_name(stage), feeds_bucket=feeds_bucket)

    # ---- DynamoDB -------------------------------------------------------------------------
    def tables(self, *, streams: bool = True) -> None:
        dynamodb = self._client("dynamodb")
        existing = set(dynamodb.list_tables().get("TableNames", []))
        for wiring in self._wirings:
            name = table_name(self._stage, wiring.name)
            self.resources.tables[wiring.name] = name
            if name not in existing:
                request = table_definition(table_model(wiring), name, stream=streams and wiring.table.stream)
                dynamodb.create_table(**request)
                dynamodb.update_time_to_live(
                    TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
                )
        if streams:
            self._collect_streams()

    def enable_streams(self) -> None:
        """Turn streams on after a restore, so that restored items are not replayed to consumers."""
        dynamodb = self._client("dynamodb")
        for wiring in self._wirings:
            if not wiring.table.stream:
                continue
            name = table_name(self._stage, wiring.name)
            described = dynamodb.describe_table(TableName=name)["Table"]
            if not described.get("StreamSpecification", {}).get("StreamEnabled"):
                dynamodb.update_table(
                    TableName=name,
                    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                )
        self._collect_streams()

    def _collect_streams(self) -> None:
        dynamodb = self._client("dynamodb")
        self.resources.streams = []
        for wiring in self._wirings:
            if not wiring.table.stream or not wiring.streams:
                continue
            name = table_name(self._stage, wiring.name)
            arn = dynamodb.describe_table(TableName=name)["Table"].get("LatestStreamArn")
            if not arn:
                continue
            for subscription in wiring.streams:
                failures = f"{queue_name(self._stage, subscription.function)}{DLQ_SUFFIX}"
                self.resources.streams.append(
                    StreamResource(
                        context=wiring.name,
                        table=name,
                        function=subscription.function.name,
                        arn=arn,
                        batch_size=subscription.batch_size,
                        retry_attempts=subscription.retry_attempts,
                        failures_url=self._client("sqs").create_queue(QueueName=failures)["QueueUrl"],
                    )
                )

    # ---- EventBridge and SQS -----------------------------------------------------------------
    def events(self) -> None:
        events = self._client("events")
        name = self.resources.bus_name
        buses = {bus["Name"] for bus in events.list_event_buses().get("EventBuses", [])}
        if name not in buses:
            events.create_event_bus(Name=name)
        rules_per_queue: dict[str, int] = {}
        for wiring in self._wirings:
            for subscription in wiring.events:
                queue = self._queue(wiring, subscription)
                # One rule per subscription: a function with several subscriptions (the catalog
                # indexer) shares one queue, and one rule name would keep only the last pattern.
                base = queue_name(self._stage, subscription.function)
                count = rules_per_queue[base] = rules_per_queue.get(base, 0) + 1
                rule = base if count == 1 else f"{base}-{count}"
                pattern = {"source": list(subscription.sources), "detail-type": list(subscription.detail_types)}
                events.put_rule(Name=rule, EventBusName=name, EventPattern=json.dumps(pattern), State="ENABLED")
                events.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "queue", "Arn": queue.arn}])
                if count == 1:
                    self.resources.queues.append(queue)

    def bucket(self) -> None:
        s3 = self._client("s3")
        bucket = self.resources.feeds_bucket
        existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        if bucket not in existing:
            if self._region == "us-east-1":
                s3.create_bucket(Bucket=bucket)
            else:
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self._region})
        s3.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={
                "CORSRules": [
                    {"AllowedMethods": ["GET", "PUT", "POST"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"]}
                ]
            },
        )

    def bucket_notifications(self) -> None:
        configurations = []
        for wiring in self._wirings:
            for subscription in wiring.bucket:
                queue = self._queue(wiring, subscription)
                if all(known.url != queue.url for known in self.resources.queues):
                    self.resources.queues.append(queue)
                configurations.append(
                    {
                        "Id": subscription.function.name,
                        "QueueArn": queue.arn,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": subscription.prefix}]}},
                    }
                )
        if configurations:
            self._client("s3").put_bucket_notification_configuration(
                Bucket=self.resources.feeds_bucket,
                NotificationConfiguration={"QueueConfigurations": configurations},
            )

    def _queue(self, wiring: ContextWiring, subscription: EventSubscription | BucketSubscription) -> QueueResource:
        sqs = self._client("sqs")
        name = queue_name(self._stage, subscription.function)
        dlq_url = sqs.create_queue(QueueName=f"{name}{DLQ_SUFFIX}")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(subscription.max_receive_count)}
        url = sqs.create_queue(
            QueueName=name,
            Attributes={
                "VisibilityTimeout": str(self._visibility_timeout),
                "RedrivePolicy": json.dumps(redrive),
            },
        )["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return QueueResource(
            context=wiring.name,
            function=subscription.function.name,
            url=url,
            arn=arn,
            dlq_url=dlq_url,
            dlq_arn=dlq_arn,
            batch_size=subscription.batch_size,
            max_receive_count=subscription.max_receive_count,
        )

    # ---- Cognito ------------------------------------------------------------------------------
    def user_pool(self) -> None:
        cognito = self._client("cognito-idp")
        pool_name = f"plein-{self._stage}"
        pools = cognito.list_user_pools(MaxResults=60).get("UserPools", [])
        pool_id = next((pool["Id"] for pool in pools if pool["Name"] == pool_name), None)
        if pool_id is None:
            pool_id = cognito.create_user_pool(
                PoolName=pool_name,
                Policies={
                    "PasswordPolicy": {
                        "MinimumLength": 8,
                        "RequireUppercase": False,
                        "RequireLowercase": False,
                        "RequireNumbers": False,
                        "RequireSymbols": False,
                    }
                },
                Schema=[
                    {
                        "Name": VENDOR_ID_CLAIM.removeprefix("custom:"),
                        "AttributeDataType": "String",
                        "Mutable": True,
                        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "128"},
                    }
                ],
                AutoVerifiedAttributes=["email"],
            )["UserPool"]["Id"]
        groups = {g["GroupName"] for g in cognito.list_groups(UserPoolId=pool_id).get("Groups", [])}
        for role in Role:
            if role.value not in groups:
                cognito.create_group(UserPoolId=pool_id, GroupName=role.value, Description=f"Plein {role.value}s")
        clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60).get("UserPoolClients", [])
        client_id = next((c["ClientId"] for c in clients if c["ClientName"] == USER_POOL_CLIENT), None)
        client_settings: dict[str, Any] = {
            "UserPoolId": pool_id,
            "ClientName": USER_POOL_CLIENT,
            "ExplicitAuthFlows": [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
            ],
            "WriteAttributes": list(USER_WRITABLE_ATTRIBUTES),
            "ReadAttributes": [*USER_WRITABLE_ATTRIBUTES, VENDOR_ID_CLAIM],
        }
        if client_id is None:
            client_id = cognito.create_user_pool_client(GenerateSecret=False, **client_settings)["UserPoolClient"][
                "ClientId"
            ]
        else:  # a data folder from before: the client gets today's attribute rules too
            cognito.update_user_pool_client(ClientId=client_id, **client_settings)
        self.resources.user_pool_id = pool_id
        self.resources.user_pool_client_id = client_id

    def all(self, *, streams: bool = True, notifications: bool = True, cognito: bool = True) -> Resources:
        """Everything, in three parallel groups (tables; bus, queues and bucket; user pool)."""
        from concurrent.futures import ThreadPoolExecutor

        def messaging() -> None:
            self.events()
            self.bucket()
            if notifications:
                self.bucket_notifications()

        groups = [lambda: self.tables(streams=streams), messaging]
        if cognito:
            groups.append(self.user_pool)
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            for future in [pool.submit(group) for group in groups]:
                future.result()
        return self.resources
