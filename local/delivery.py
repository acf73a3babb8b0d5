"""Local event delivery in place of the Lambda service's event source mappings.

One poller per SQS queue (fed by EventBridge rules and S3 notifications) long-polls, invokes the
consumer with Lambda's SQS batch event, deletes what succeeded and leaves `batchItemFailures` (or
the whole batch, if the function failed) to become visible again, so that the queue's redrive
policy moves them to the DLQ after `maxReceiveCount` receives. One poller per DynamoDB stream
reads every shard from the start and invokes the consumer with Lambda's stream event, retrying a
failed batch from the first failed record as often as the wiring's `retry_attempts` says, then
skipping it and describing it in the function's failures queue (Lambda's on-failure destination,
the shape CloudWatch shows); the shard's next GetRecords runs while a batch is delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from functions.common.wiring import Schedule
from local.aws.resources import QueueResource, StreamResource
from local.config import Limits
from local.lambdas import LambdaService

log = logging.getLogger("plein.delivery")
_GET_RECORDS_LIMIT = 1000
_STREAM_POLL_SECONDS = 0.2
"""How often a stream is read while records came recently (Lambda's pollers read about 4 times a second)."""
_STREAM_IDLE_AFTER_SECONDS = 3.0
_STREAM_IDLE_POLL_SECONDS = 2.0
"""A stream without records for a while is read every 2 s, and at once after any function
invocation (the only writers besides seeds and tests): an idle runtime made ~70 requests a second
to moto for nothing (12 % of a core per runtime on 2 cores, measured 2026-12-04)."""
ClientFactory = Callable[[str], Any]


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of Lambda's SQS event, from a ReceiveMessage result."""
    attributes = {name: str(value) for name, value in message.get("Attributes", {}).items()}
    message_attributes = {}
    for name, value in message.get("MessageAttributes", {}).items():
        message_attributes[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType"),
        }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def stream_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One record of Lambda's DynamoDB stream event, from a GetRecords result in wire form
    (`AwsClients` reads the streams service's responses as their JSON)."""
    return {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": record["dynamodb"],
        "eventSourceARN": stream_arn,
    }


def failed_identifiers(payload: Any) -> set[str] | None:
    """The `batchItemFailures` of a partial batch response; None when the response is not one."""
    if not isinstance(payload, dict) or "batchItemFailures" not in payload:
        return None
    failures = payload.get("batchItemFailures") or []
    return {str(item.get("itemIdentifier")) for item in failures if isinstance(item, dict)}


@dataclass
class _StreamState:
    resource: StreamResource
    iterators: dict[str, str] = field(default_factory=dict)
    checkpoints: dict[str, str] = field(default_factory=dict)
    shards: list[str] = field(default_factory=list)
    """The stream's shard ids, described once (moto never splits a shard) and again after an error."""
    empty_poll_started: float = 0.0
    empty_since: float | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when something may have written; cleared as each read starts, so none is missed."""


class EventDelivery:
    def __init__(
        self,
        lambdas: LambdaService,
        client: ClientFactory,
        *,
        queues: Sequence[QueueResource],
        streams: Sequence[StreamResource],
        region: str,
        limits: Limits,
        executor: Executor,
        schedules: Sequence[Schedule] = (),
        account_id: str = "123456789012",
    ):
        """`schedules`: the wiring's rate rules, each invoking its function or feeding its queue."""
        self._lambdas = lambdas
        self._client = client
        self._queues = list(queues)
        self._streams = [_StreamState(stream) for stream in streams]
        self._region = region
        self._limits = limits
        self._executor = executor
        self._schedules = list(schedules)
        self._account_id = account_id
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.invocations = 0
        self.failures = 0

    @property
    def stopping(self) -> bool:
        return self._stopping

    async def start(self) -> None:
        for queue in self._queues:
            self._tasks.append(asyncio.create_task(self._poll_queue(queue), name=f"sqs:{queue.function}"))
        for state in self._streams:
            self._tasks.append(asyncio.create_task(self._poll_stream(state), name=f"stream:{state.resource.function}"))
        for schedule in self._schedules:
            name = f"schedule:{schedule.function.name}"
            self._tasks.append(asyncio.create_task(self._schedule(schedule), name=name))

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    def read_streams_now(self) -> None:
        """Wake idle stream pollers: something may have written (call on the event loop)."""
        for state in self._streams:
            state.wake.set()

    async def _run(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: function(*args, **kwargs))

    # ---- SQS ----------------------------------------------------------------------------------
    async def _poll_queue(self, queue: QueueResource) -> None:
        """Receive and deliver batches; while one is delivered the next is already being received,
        as Lambda's pollers keep receiving while the function works (a batch-sized gap less per
        batch: ~0.1 s per 1,000 offers for the catalog indexer during a feed import). A batch that
        waited for more than half its visibility timeout gets a fresh one before it is delivered
        (this poller is the queue's only reader, so nobody received its messages meanwhile): a
        wait never costs a message one of its receive attempts, nor delivers it twice."""
        sqs = self._client("sqs")
        ahead: asyncio.Future[tuple[list[dict[str, Any]], float]] | None = None
        try:
            while not self._stopping:
                try:
                    receiving, ahead = ahead or asyncio.ensure_future(self._receive(sqs, queue)), None
                    messages, received_at = await receiving
                    if messages and time.monotonic() - received_at > self._limits.sqs_visibility_seconds / 2:
                        messages = await self._keep_invisible(sqs, queue, messages)
                    if not messages:
                        continue
                    ahead = asyncio.ensure_future(self._receive(sqs, queue))
                    await self._deliver_sqs(sqs, queue, messages)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    if self.stopping:
                        return
                    log.exception("polling %s failed", queue.function)
                    await asyncio.sleep(1)
        finally:
            if ahead is not None:
                ahead.cancel()

    async def _keep_invisible(
        self, sqs: Any, queue: QueueResource, messages: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Restart the visibility timeout of messages received a while ago; those whose receipt is
        no longer valid are left out (SQS makes them visible to the next receive)."""
        entries = [
            {
                "Id": str(i),
                "ReceiptHandle": m["ReceiptHandle"],
                "VisibilityTimeout": self._limits.sqs_visibility_seconds,
            }
            for i, m in enumerate(messages)
        ]
        response = await self._run(sqs.change_message_visibility_batch, QueueUrl=queue.url, Entries=entries)
        failed = {entry["Id"] for entry in response.get("Failed", [])}
        return [m for i, m in enumerate(messages) if str(i) not in failed]

    async def _receive(self, sqs: Any, queue: QueueResource) -> tuple[list[dict[str, Any]], float]:
        """The next batch of `queue` (empty after the long poll if none came) and when it arrived."""
        response = await self._run(
            sqs.receive_message,
            QueueUrl=queue.url,
            MaxNumberOfMessages=min(queue.batch_size, 10),
            WaitTimeSeconds=self._limits.poll_wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return response.get("Messages", []), time.monotonic()

    async def _deliver_sqs(self, sqs: Any, queue: QueueResource, messages: list[dict[str, Any]]) -> None:
        records = [sqs_record(message, queue.arn, self._region) for message in messages]
        self.invocations += 1
        result = await self._lambdas.invoke(queue.function, {"Records": records})
        if not result.ok:
            self.failures += 1
            reason = str((result.error or {}).get("errorMessage"))
            log.warning("%s failed: %s", queue.function, reason)
            self._log_last_attempts(queue, records, reason)
            return  # the whole batch becomes visible again after the visibility timeout
        failed = failed_identifiers(result.payload) or set()
        done = [r for r in records if r["messageId"] not in failed]
        if failed:
            self.failures += 1
            self._log_last_attempts(queue, [r for r in records if r["messageId"] in failed], "reported as failed")
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done)]
            await self._run(sqs.delete_message_batch, QueueUrl=queue.url, Entries=entries)

    @staticmethod
    def _log_last_attempts(queue: QueueResource, records: list[dict[str, Any]], reason: str) -> None:
        """Name each message that failed its last receive: SQS moves it to the DLQ on the next one."""
        for record in records:
            attempts = int(record["attributes"].get("ApproximateReceiveCount", "0"))
            if attempts >= queue.max_receive_count:
                log.error(
                    "%s: message %s failed its last of %d attempts and goes to %s: %s",
                    queue.function,
                    record["messageId"],
                    attempts,
                    queue.dlq_url.rsplit("/", 1)[-1],
                    reason,
                )

    # ---- schedules --------------------------------------------------------------------------
    def scheduled_event(self, function: str) -> dict[str, Any]:
        """The event a rate rule delivers (EventBridge "Scheduled Event")."""
        import uuid
        from datetime import UTC

        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self._account_id,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self._region,
            "resources": [f"arn:aws:events:{self._region}:{self._account_id}:rule/{function}"],
            "detail": {},
        }

    async def _schedule(self, schedule: Schedule) -> None:
        while not self.stopping:
            await asyncio.sleep(schedule.rate_minutes * 60)
            await self.tick(schedule)

    async def tick(self, schedule: Schedule) -> None:
        """What the rate rule does once: invoke the function, or send the event into its queue."""
        function = schedule.function.name
        event = self.scheduled_event(function)
        if schedule.through_queue:
            queue = next(queue for queue in self._queues if queue.function == function)
            await self._run(self._client("sqs").send_message, QueueUrl=queue.url, MessageBody=json.dumps(event))
            return
        result = await self._lambdas.invoke(function, event)
        self.invocations += 1
        if not result.ok:
            self.failures += 1
            log.warning("scheduled %s failed: %s", function, (result.error or {}).get("errorMessage"))

    # ---- DynamoDB streams --------------------------------------------------------------------
    async def _poll_stream(self, state: _StreamState) -> None:
        streams = self._client("dynamodbstreams")
        while not self._stopping:
            started = time.monotonic()
            state.wake.clear()
            try:
                delivered = await self._poll_stream_once(streams, state)
            except asyncio.CancelledError:
                raise
            except Exception:
                if self.stopping:
                    return
                log.exception("polling the stream of %s failed", state.resource.table)
                state.iterators.clear()
                state.shards.clear()
                await asyncio.sleep(1)
                continue
            if delivered:
                state.empty_since = None
                continue
            state.empty_poll_started = started
            state.empty_since = state.empty_since or started
            await asyncio.sleep(max(0.0, started + _STREAM_POLL_SECONDS - time.monotonic()))
            if time.monotonic() - state.empty_since >= _STREAM_IDLE_AFTER_SECONDS:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(state.wake.wait(), _STREAM_IDLE_POLL_SECONDS)

    async def _poll_stream_once(self, streams: Any, state: _StreamState) -> bool:
        """Deliver what every shard has. While a batch is being delivered the shard's next
        GetRecords is already under way (the records after it are only delivered after it, so
        per-shard order holds; a batch that is skipped after its retries does not change that)."""
        if not state.shards:
            described = await self._run(streams.describe_stream, StreamArn=state.resource.arn)
            state.shards = [shard["ShardId"] for shard in described["StreamDescription"].get("Shards", [])]
        delivered = False
        for shard_id in state.shards:
            iterator = state.iterators.get(shard_id)
            if iterator is None:
                iterator = await self._iterator(streams, state, shard_id)
            response = await self._run(streams.get_records, ShardIterator=iterator, Limit=_GET_RECORDS_LIMIT)
            while True:
                following = response.get("NextShardIterator")
                raw = response.get("Records", [])
                if not raw:
                    state.iterators[shard_id] = following or iterator
                    break
                prefetch = (
                    asyncio.ensure_future(
                        self._run(streams.get_records, ShardIterator=following, Limit=_GET_RECORDS_LIMIT)
                    )
                    if following
                    else None
                )
                try:
                    for start in range(0, len(raw), state.resource.batch_size):
                        batch = raw[start : start + state.resource.batch_size]
                        await self._deliver_stream(state, shard_id, batch)
                        state.checkpoints[shard_id] = batch[-1]["dynamodb"]["SequenceNumber"]
                        delivered = True
                except BaseException:
                    if prefetch is not None:
                        prefetch.cancel()
                    raise
                state.iterators[shard_id] = following or iterator
                if prefetch is None:
                    break
                iterator = following
                response = await prefetch
        return delivered

    async def _iterator(self, streams: Any, state: _StreamState, shard_id: str) -> str:
        checkpoint = state.checkpoints.get(shard_id)
        arguments: dict[str, Any] = {"StreamArn": state.resource.arn, "ShardId": shard_id}
        if checkpoint:
            arguments |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": checkpoint}
        else:
            arguments["ShardIteratorType"] = "TRIM_HORIZON"
        response = await self._run(streams.get_shard_iterator, **arguments)
        iterator: str = response["ShardIterator"]
        return iterator

    async def _deliver_stream(self, state: _StreamState, shard_id: str, raw: list[dict[str, Any]]) -> None:
        records = [stream_record(r, state.resource.arn, self._region) for r in raw]
        retries = self._limits.stream_max_retries
        retries = state.resource.retry_attempts if retries is None else retries
        attempts = 0
        while records:
            self.invocations += 1
            result = await self._lambdas.invoke(state.resource.function, {"Records": records})
            if result.ok:
                failed = failed_identifiers(result.payload)
                if not failed:
                    return
                sequence = [r["dynamodb"]["SequenceNumber"] for r in records]
                first = min(sequence.index(s) for s in failed if s in sequence) if failed & set(sequence) else 0
                records = records[first:]
            self.failures += 1
            attempts += 1
            if attempts > retries:
                log.error("%s: giving up on %d stream records", state.resource.function, len(records))
                failure = self.stream_failure(state.resource, shard_id, records, attempts)
                sqs = self._client("sqs")
                await self._run(sqs.send_message, QueueUrl=state.resource.failures_url, MessageBody=failure)
                return
            await asyncio.sleep(0.2 * attempts)

    def stream_failure(
        self, stream: StreamResource, shard_id: str, records: list[dict[str, Any]], attempts: int
    ) -> str:
        """The record Lambda sends to a stream consumer's on-failure destination."""
        import uuid
        from datetime import UTC

        arrivals = [
            datetime.fromtimestamp(float(r["dynamodb"].get("ApproximateCreationDateTime") or 0), UTC).isoformat()
            for r in records
        ]
        return json.dumps(
            {
                "requestContext": {
                    "requestId": str(uuid.uuid4()),
                    "functionArn": f"arn:aws:lambda:{self._region}:{self._account_id}:function:{stream.function}",
                    "condition": "RetryAttemptsExhausted",
                    "approximateInvokeCount": attempts,
                },
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
                "version": "1.0",
                "timestamp": datetime.now(UTC).isoformat(),
                "DDBStreamBatchInfo": {
                    "shardId": shard_id,
                    "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
                    "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
                    "approximateArrivalOfFirstRecord": arrivals[0],
                    "approximateArrivalOfLastRecord": arrivals[-1],
                    "batchSize": len(records),
                    "streamArn": stream.arn,
                },
            },
            default=str,
        )

    # ---- idleness ----------------------------------------------------------------------------
    async def queues_empty(self) -> bool:
        sqs = self._client("sqs")
        for queue in self._queues:
            attributes = (
                await self._run(
                    sqs.get_queue_attributes,
                    QueueUrl=queue.url,
                    AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
                )
            )["Attributes"]
            if int(attributes["ApproximateNumberOfMessages"]) or int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            ):
                return False
        return True

    def streams_drained_since(self, moment: float) -> bool:
        return all(state.empty_poll_started >= moment for state in self._streams)
