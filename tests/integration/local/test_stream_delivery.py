"""The local stream poller against a scripted shard: order, retries, read-ahead, checkpoints.
(Not a unit test only because asyncio's event loop opens a socket pair.)"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.support.loop import run


class _Shard:
    """A stream shard's GetRecords pages (iterator "i<n>" reads page n); logs calls and deliveries."""

    def __init__(self, pages: list[list[str]]):
        self.pages = pages
        self.log: list[str] = []

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:  # noqa: N803 - boto3's names
        return {"StreamDescription": {"Shards": [{"ShardId": "s1"}]}}

    def send_message(self, QueueUrl: str, MessageBody: str) -> dict[str, Any]:  # noqa: N803
        self.log.append(f"failure to {QueueUrl}: {MessageBody}")
        return {"MessageId": "m"}

    def get_shard_iterator(self, **_: Any) -> dict[str, Any]:
        return {"ShardIterator": "i0"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        page = int(ShardIterator[1:])
        self.log.append(f"get {page}")
        sequence = [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": s}} for s in self.pages[page]]
        following = f"i{min(page + 1, len(self.pages) - 1)}" if self.pages[page] else ShardIterator
        return {"Records": sequence, "NextShardIterator": following}


class _Lambdas:
    def __init__(self, shard: _Shard, fail: set[str]):
        self.shard, self.fail = shard, fail

    async def invoke(self, function: str, event: dict[str, Any]) -> Any:
        from local.lambdas import InvocationResult

        sequence = [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]
        self.shard.log.append("invoke " + ",".join(sequence))
        await asyncio.sleep(0.01)  # let the prefetch run
        return InvocationResult(ok=not self.fail & set(sequence))


def test_stream_batches_are_delivered_in_order_while_the_next_page_is_read() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from local.aws.resources import StreamResource
    from local.config import Limits
    from local.delivery import EventDelivery, _StreamState

    # Given a shard with three pages of records, then nothing, and a consumer that always fails "3"
    shard = _Shard([["1", "2", "3"], ["4"], ["5", "6"], []])
    with ThreadPoolExecutor(2) as executor:
        delivery = EventDelivery(
            _Lambdas(shard, fail={"3"}),  # type: ignore[arg-type]
            lambda service: shard,
            queues=[],
            streams=[],
            region="eu-west-1",
            limits=Limits(stream_max_retries=1),
            executor=executor,
        )
        state = _StreamState(
            StreamResource(
                "vendor", "t", "relay", "arn:stream", batch_size=2, retry_attempts=5, failures_url="q:relay-dlq"
            )
        )

        # When the stream is polled once
        delivered = run(delivery._poll_stream_once(shard, state))

    # Then every batch went out in stream order (the failing one retried, then skipped), each page
    # was read once, and the checkpoint and iterator stand after the last record
    invocations = [entry for entry in shard.log if entry.startswith("invoke")]
    assert invocations == ["invoke 1,2", "invoke 3", "invoke 3", "invoke 4", "invoke 5,6"]
    [failure] = [json.loads(e.split(": ", 1)[1]) for e in shard.log if e.startswith("failure to q:relay-dlq")]
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["DDBStreamBatchInfo"] | {
        "approximateArrivalOfFirstRecord": 0,
        "approximateArrivalOfLastRecord": 0,
    } == {
        "shardId": "s1",
        "startSequenceNumber": "3",
        "endSequenceNumber": "3",
        "approximateArrivalOfFirstRecord": 0,
        "approximateArrivalOfLastRecord": 0,
        "batchSize": 1,
        "streamArn": "arn:stream",
    }
    assert sorted(entry for entry in shard.log if entry.startswith("get")) == ["get 0", "get 1", "get 2", "get 3"]
    assert shard.log.index("get 1") < shard.log.index("invoke 3")  # read ahead, during the first page
    assert delivered
    assert state.checkpoints["s1"] == "6"
    assert state.iterators["s1"] == "i3"
