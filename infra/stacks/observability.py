"""Observability: one dashboard, the alarms, their e-mail subscription and the monthly budget.

Alarms: REST 5xx and p99 latency, function errors, throttles and runs near their timeout, DLQ
depth, consumer queue age, stream iterator age, table throttles, EventBridge failed invocations,
account concurrency, the WebSocket API's errors, search errors and search capacity at its cap.
Metrics are addressed by physical names from the topology where there is one; the WebSocket API
id and the search collection id exist only once deployed, and are the only values imported.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, Duration, Stack
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra import topology
from infra.config import StageConfig
from infra.nag import acknowledge
from infra.shared import SearchRefs, Shared

PERIOD = Duration.minutes(5)
P99_LATENCY_MS = 3000
ITERATOR_AGE_MS = 60_000
NEAR_TIMEOUT = 0.8  # share of a function's timeout its longest run may reach
QUEUE_AGE_SECONDS = 900  # a consumer queue's oldest message waited this long: the consumer is behind
ACCOUNT_CONCURRENCY_SHARE = 0.8
OCU_HEADROOM = 0.5


def metric(namespace: str, name: str, statistic: str, **dimensions: str) -> cw.Metric:
    return cw.Metric(
        namespace=namespace, metric_name=name, dimensions_map=dimensions, statistic=statistic, period=PERIOD
    )


class ObservabilityStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage, inventory = shared.stage, shared.inventory
        self.stage = stage
        self.stage_name = stage.name
        self.topic = sns.Topic(self, "Alarms", topic_name=stage.name_of("alarms"), enforce_ssl=True)
        acknowledge(
            self.topic,
            "AwsSolutions-SNS2",
            "Alarm notifications carry no customer data, and CloudWatch cannot publish to the AWS-managed SNS key.",
        )
        if stage.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(stage.alarm_email))
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
        for label, timeout in inventory.timeouts.items():
            # Long before a timeout kills a run (a feed import at 15 minutes loses its work).
            longest = metric("AWS/Lambda", "Duration", "Maximum", FunctionName=inventory.functions[label])
            self._alarm(f"{label}-near-timeout", longest, timeout * 1000 * NEAR_TIMEOUT)
        for label, name in inventory.queues.items():
            age = metric("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", QueueName=name)
            self._alarm(f"{label}-queue-age", age, QUEUE_AGE_SECONDS)
        for rule in inventory.rules:
            failed = metric("AWS/Events", "FailedInvocations", "Sum", RuleName=rule)
            self._alarm(f"{rule.removeprefix(f'plein-{stage.name}-')}-failed-invocations", failed, 0)
        concurrency = metric("AWS/Lambda", "ConcurrentExecutions", "Maximum")
        self._alarm("account-concurrency", concurrency, stage.account_concurrency_quota * ACCOUNT_CONCURRENCY_SHARE)
        if shared.websocket is not None:
            self._websocket(shared.websocket.api_id)
        if shared.search is not None:
            self._search(shared.search)
        if inventory.web_acl_metric is not None:
            blocked = metric(
                "AWS/WAFV2", "BlockedRequests", "Sum", WebACL=inventory.web_acl_metric, Region=stage.region, Rule="ALL"
            )
            self.dashboard.add_widgets(cw.GraphWidget(title="WAF blocked requests", left=[blocked], width=24))
        self._budget(stage)

    def _websocket(self, api_id: str) -> None:
        dimensions = {"ApiId": api_id, "Stage": self.stage_name}
        integration = metric("AWS/ApiGateway", "IntegrationError", "Sum", **dimensions)
        execution = metric("AWS/ApiGateway", "ExecutionError", "Sum", **dimensions)
        connects = metric("AWS/ApiGateway", "ConnectCount", "Sum", **dimensions)
        self._alarm("websocket-integration-errors", integration, 0)
        self._alarm("websocket-execution-errors", execution, 0)
        self.dashboard.add_widgets(
            cw.GraphWidget(title="WebSocket errors", left=[integration, execution], width=12),
            cw.GraphWidget(title="WebSocket connects", left=[connects], width=12),
        )

    def _search(self, search: SearchRefs) -> None:
        collection = {
            "ClientId": Aws.ACCOUNT_ID,
            "CollectionId": search.collection_id,
            "CollectionName": search.collection_name,
        }
        search_errors = metric("AWS/AOSS", "SearchRequestErrors", "Sum", **collection)
        ingest_errors = metric("AWS/AOSS", "IngestionRequestErrors", "Sum", **collection)
        self._alarm("search-request-errors", search_errors, 0)
        self._alarm("search-ingestion-errors", ingest_errors, 0)
        stage = self.stage
        for name, cap in (("SearchOCU", stage.search_max_search_ocu), ("IndexingOCU", stage.search_max_indexing_ocu)):
            # At the account's cap the collection stops scaling: requests queue and then fail.
            used = metric("AWS/AOSS", name, "Maximum", ClientId=Aws.ACCOUNT_ID)
            self._alarm(f"search-{name.lower()}-at-cap", used, cap - OCU_HEADROOM)
        self.dashboard.add_widgets(cw.GraphWidget(title="Search errors", left=[search_errors, ingest_errors], width=24))

    def _budget(self, stage: StageConfig) -> None:
        """A monthly cost budget for the stage's account: alerts at 80 % actual and 100 % forecast."""
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        subscribers = [budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=self.topic.topic_arn)]
        notifications = [
            budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=kind,
                    comparison_operator="GREATER_THAN",
                    threshold=percent,
                    threshold_type="PERCENTAGE",
                ),
                subscribers=subscribers,
            )
            for kind, percent in (("ACTUAL", 80), ("FORECASTED", 100))
        ]
        self.budget = budgets.CfnBudget(
            self,
            "MonthlyBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=stage.name_of("monthly"),
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=stage.monthly_budget_usd, unit="USD"),
            ),
            notifications_with_subscribers=notifications,
        )

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
