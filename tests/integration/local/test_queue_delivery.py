"""The local SQS poller against a scripted queue: the next batch is received during a delivery,
and a batch that waited too long for its turn gets a fresh visibility timeout (not a receive).
(Not a unit test only because asyncio's event loop opens a socket pair.)"""

from __future__ import annotations

import asyncio
import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.loop import run


class _Queue:
    """Hands out the scripted batches in order, then nothing; logs receives, invocations, deletes."""

    def __init__(self, batches: list[list[str]], stale: frozenset[str] = frozenset()):
        self.batches = batches
        self.stale = stale
        self.log: list[str] = []

    def receive_message(self, **_: Any) -> dict[str, Any]:
        self.log.append("receive")
        if not self.batches:
            time.sleep(0.01)
            return {}
        ids = self.batches.pop(0)
        return {"Messages": [{"MessageId": i, "ReceiptHandle": i, "Body": "{}", "Attributes": {}} for i in ids]}

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.log.append("extend " + ",".join(entry["ReceiptHandle"] for entry in Entries))
        failed = [{"Id": entry["Id"]} for entry in Entries if entry["ReceiptHandle"] in self.stale]
        return {"Failed": failed}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:  # noqa: N803
        self.log.append("delete " + ",".join(entry["ReceiptHandle"] for entry in Entries))
        return {}


class _Lambdas:
    def __init__(self, queue: _Queue, seconds: float):
        self.queue, self.seconds = queue, seconds

    async def invoke(self, function: str, event: dict[str, Any]) -> Any:
        from local.lambdas import InvocationResult

        self.queue.log.append("invoke " + ",".join(record["messageId"] for record in event["Records"]))
        await asyncio.sleep(self.seconds)
        return InvocationResult(ok=True, payload={"batchItemFailures": []})


def _poll(
    batches: list[list[str]], invocation_seconds: float, visibility_seconds: int, stale: frozenset[str] = frozenset()
) -> list[str]:
    from local.aws.resources import QueueResource
    from local.config import Limits
    from local.delivery import EventDelivery

    queue = _Queue(batches, stale)
    resource = QueueResource("c", "f", "url", "arn:q", "dlq", "arn:dlq", batch_size=10, max_receive_count=3)
    with ThreadPoolExecutor(2) as executor:
        delivery = EventDelivery(
            _Lambdas(queue, invocation_seconds),  # type: ignore[arg-type]
            lambda service: queue,
            queues=[resource],
            streams=[],
            region="eu-west-1",
            limits=Limits(sqs_visibility_seconds=visibility_seconds, poll_wait_seconds=0),
            executor=executor,
        )

        async def poll_for_a_while() -> None:
            task = asyncio.ensure_future(delivery._poll_queue(resource))
            await asyncio.sleep(invocation_seconds * 3 + 0.3)
            delivery._stopping = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        run(poll_for_a_while())
    return queue.log


def test_the_next_batch_is_received_while_one_is_delivered() -> None:
    # Given two batches in the queue and a consumer that takes a while
    log = _poll([["a", "b"], ["c"]], invocation_seconds=0.2, visibility_seconds=30)

    # Then both are delivered in order, and the second was received before the first was done
    assert [entry for entry in log if not entry.startswith("receive")] == [
        "invoke a,b",
        "delete a,b",
        "invoke c",
        "delete c",
    ]
    assert log[:3] == ["receive", "invoke a,b", "receive"]


def test_a_batch_that_waited_past_half_its_visibility_timeout_is_kept_invisible_and_delivered() -> None:
    # Given a consumer slower than half the visibility timeout, and two batches
    log = _poll([["a"], ["b"]], invocation_seconds=0.6, visibility_seconds=1)

    # Then the batch received ahead gets a fresh visibility timeout and is delivered, received once
    deliveries = [entry for entry in log if not entry.startswith("receive")]
    assert deliveries[:5] == ["invoke a", "delete a", "extend b", "invoke b", "delete b"]


def test_messages_whose_receipt_went_stale_are_left_for_the_next_receive() -> None:
    log = _poll([["a"], ["b", "c"]], invocation_seconds=0.6, visibility_seconds=1, stale=frozenset({"b"}))

    assert "invoke c" in log
    assert not any(entry.startswith("invoke") and "b" in entry for entry in log)
