"""The local rate rules: a plain schedule invokes its function, a queued one feeds its queue.
(Not a unit test only because asyncio's event loop opens a socket pair.)"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from functions.common.wiring import Function, Schedule
from tests.support.loop import run


class _Sqs:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send_message(self, QueueUrl: str, MessageBody: str) -> dict[str, Any]:  # noqa: N803 - boto3's names
        self.sent.append((QueueUrl, json.loads(MessageBody)))
        return {"MessageId": "m1"}


class _Lambdas:
    def __init__(self) -> None:
        self.invoked: list[tuple[str, dict[str, Any]]] = []

    async def invoke(self, function: str, event: dict[str, Any]) -> Any:
        from local.lambdas import InvocationResult

        self.invoked.append((function, event))
        return InvocationResult(ok=True)


def test_a_queued_schedule_sends_a_scheduled_event_into_the_functions_queue() -> None:
    from local.aws.resources import QueueResource
    from local.config import Limits
    from local.delivery import EventDelivery

    indexer, sweep = Function("catalog-indexer", "x.handler"), Function("orders-sweep", "y.handler")
    queue = QueueResource("catalog", "catalog-indexer", "http://q/indexer", "arn:q", "http://q/dlq", "arn:dlq", 10, 3)
    sqs, lambdas = _Sqs(), _Lambdas()
    with ThreadPoolExecutor(1) as executor:
        delivery = EventDelivery(
            lambdas,  # type: ignore[arg-type]
            lambda service: sqs,
            queues=[queue],
            streams=[],
            region="eu-west-1",
            limits=Limits(),
            executor=executor,
        )

        run(delivery.tick(Schedule(indexer, rate_minutes=5, through_queue=True)))
        run(delivery.tick(Schedule(sweep, rate_minutes=5)))

    [(url, event)] = sqs.sent
    assert url == "http://q/indexer"
    assert (event["source"], event["detail-type"], event["detail"]) == ("aws.events", "Scheduled Event", {})
    assert [function for function, _ in lambdas.invoked] == ["orders-sweep"]
    assert lambdas.invoked[0][1]["detail-type"] == "Scheduled Event"
