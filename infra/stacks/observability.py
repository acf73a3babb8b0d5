"""Observability: one dashboard and the alarms (5xx, p99 latency, throttles, DLQ depth, iterator age).

Metrics are addressed by physical names from the topology, so this stack imports nothing from
the others and never blocks their updates.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra import topology
from infra.nag import acknowledge
from infra.shared import Shared

PERIOD = Duration.minutes(5)
P99_LATENCY_MS = 3000
ITERATOR_AGE_MS = 60_000


def metric(namespace: str, name: str, statistic: str, **dimensions: str) -> cw.Metric:
    return cw.Metric(
        namespace=namespace, metric_name=name, dimensions_map=dimensions, statistic=statistic, period=PERIOD
    )


class ObservabilityStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage, inventory = shared.stage, shared.inventory
        self.stage_name = stage.name
        self.topic = sns.Topic(self, "Alarms", topic_name=stage.name_of("alarms"), enforce_ssl=True)
        acknowledge(
            self.topic,
            "AwsSolutions-SNS2",
            "Alarm notifications carry no customer data, and CloudWatch cannot publish to the AWS-managed SNS key.",
        )
        self.action = actions.SnsAction(self.topic)
        self.dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=stage.name_of("overview"))
        for api_name in inventory.rest_api_names:
            self._rest_api(api_name)
        for label, name in inventory.functions.items():
            errors = metric("AWS/Lambda", "Errors", "Sum", FunctionName=name)
            throttles = metric("AWS/Lambda", "Throttles", "Sum", FunctionName=name)
            duration = metric("AWS/Lambda", "Duration", "p99", FunctionName=name)
            self._alarm(f"{label}-throttles", throttles, 0)
            self._alarm(f"{label}-errors", errors, 0)
            self.dashboard.add_widgets(
                cw.GraphWidget(title=f"{label} errors and throttles", left=[errors, throttles], width=12),
                cw.GraphWidget(title=f"{label} p99 duration (ms)", left=[duration], width=12),
            )
        for label, name in inventory.stream_functions.items():
            age = metric("AWS/Lambda", "IteratorAge", "Maximum", FunctionName=name)
            self._alarm(f"{label}-iterator-age", age, ITERATOR_AGE_MS)
            self.dashboard.add_widgets(cw.GraphWidget(title=f"{label} iterator age (ms)", left=[age], width=24))
        for label, name in inventory.dead_letter_queues.items():
            depth = metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", QueueName=name)
            self._alarm(f"{label}-depth", depth, 0)
            self.dashboard.add_widgets(cw.GraphWidget(title=f"{label} messages", left=[depth], width=12))
        self._tables(list(shared.tables))

    def _tables(self, contexts: list[str]) -> None:
        throttled: list[cw.IMetric] = []
        for index, context in enumerate(contexts):
            table = topology.table_name(self.stage_name, context)
            read = metric("AWS/DynamoDB", "ReadThrottleEvents", "Sum", TableName=table)
            write = metric("AWS/DynamoDB", "WriteThrottleEvents", "Sum", TableName=table)
            total = cw.MathExpression(
                expression=f"r{index} + w{index}",
                using_metrics={f"r{index}": read, f"w{index}": write},
                label=f"{context} throttle events",
                period=PERIOD,
            )
            self._alarm(f"{context}-table-throttles", total, 0)
            throttled.append(total)
        if throttled:
            self.dashboard.add_widgets(cw.GraphWidget(title="DynamoDB throttle events", left=throttled, width=24))

    def _rest_api(self, api_name: str) -> None:
        dimensions = {"ApiName": api_name, "Stage": self.stage_name}
        server_errors = metric("AWS/ApiGateway", "5XXError", "Sum", **dimensions)
        client_errors = metric("AWS/ApiGateway", "4XXError", "Sum", **dimensions)
        latency = metric("AWS/ApiGateway", "Latency", "p99", **dimensions)
        self._alarm("api-5xx", server_errors, 0)
        self._alarm("api-p99-latency", latency, P99_LATENCY_MS)
        self.dashboard.add_widgets(
            cw.GraphWidget(title="API 5xx and 4xx", left=[server_errors, client_errors], width=12),
            cw.GraphWidget(title="API p99 latency (ms)", left=[latency], width=12),
        )

    def _alarm(self, name: str, watched: cw.IMetric, threshold: float) -> None:
        alarm = cw.Alarm(
            self,
            f"{name}-alarm",
            alarm_name=f"plein-{self.stage_name}-{name}",
            metric=watched,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self.action)
