"""Entry points for asynchronous consumers: SQS batches with partial failure responses.

EventBridge rules and S3 notifications feed SQS queues; a consumer handles one record at a time
and a failing record goes back to the queue (and after its retries to the DLQ) without failing
the rest of the batch. A consumer may take events of some types together (`bulk`): one call for
all of a batch's events of that type, so it can read and write for them in a few requests. If
that call fails, those events are handled again one at a time, so a bad event fails alone.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from functions.common.events import eventbridge_detail
from functions.common.observability import logger, metrics, tracer

EventHandler = Callable[[str, str, dict[str, Any]], None]
"""Called with (source, detail-type, detail) for each EventBridge event."""

BulkHandler = Callable[[list[dict[str, Any]]], None]
"""Called once with the details of all of a batch's events of one (source, detail-type)."""

RecordHandler = Callable[[dict[str, Any]], None]
"""Called with each raw SQS record."""

RecordsFilter = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
"""Handles what it can of a batch's raw SQS records; returns the records left to handle one by one."""

BATCH_GC_THRESHOLD = 10_000
"""Allocations between young-generation garbage collections in batch consumers (CPython: 700)."""


def collect_garbage_for_batches() -> None:
    """Tune the process's garbage collector for batch work. A consumer allocates millions of
    short-lived objects per batch (pydantic models, request and response dicts), and CPython
    walks its young generation every 700 allocations: 15-25% of the feed import's, the relay's,
    the indexer's and the orders offer sync's CPU (measured through the local runtime at 100,000
    rows, docs/benchmarks.md). Collect every 10,000 allocations, and leave the objects that exist
    at cold start out of later full collections (`gc.freeze`)."""
    gc.set_threshold(BATCH_GC_THRESHOLD, 10, 10)
    gc.freeze()


def sqs_batch_entry(handle_record: RecordHandler, handle_first: RecordsFilter | None = None) -> Any:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    processor = BatchProcessor(event_type=EventType.SQS)
    log, trace, measure = logger(), tracer(), metrics()
    collect_garbage_for_batches()

    def record_handler(record: SQSRecord) -> None:
        handle_record(record.raw_event)

    @log.inject_lambda_context(clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> Any:
        records = event.get("Records") or []
        if handle_first is None or not records:
            return process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        rest = handle_first(records)
        if not rest:
            return {"batchItemFailures": []}
        try:
            return process_partial_response(
                event={**event, "Records": rest}, record_handler=record_handler, processor=processor, context=context
            )
        except BatchProcessingError:
            if len(rest) == len(records):
                raise  # nothing succeeded: the whole batch fails, as Powertools has it
            return {"batchItemFailures": [{"itemIdentifier": record["messageId"]} for record in rest]}

    return handler


def eventbridge_sqs_entry(handle_event: EventHandler, bulk: Mapping[tuple[str, str], BulkHandler] | None = None) -> Any:
    """Consumer of EventBridge events delivered through an SQS queue; events whose (source,
    detail-type) is a key of `bulk` go to that handler together."""

    def handle_record(record: dict[str, Any]) -> None:
        source, detail_type, detail = eventbridge_detail(record["body"])
        handle_event(source, detail_type, detail)

    if not bulk:
        return sqs_batch_entry(handle_record)
    together = dict(bulk)

    def handle_in_bulk(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        groups: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
        rest: list[dict[str, Any]] = []
        for record in records:
            try:
                source, detail_type, detail = eventbridge_detail(record["body"])
            except (ValueError, KeyError, TypeError):
                rest.append(record)  # fails again on its own, and is reported there
                continue
            if (source, detail_type) in together:
                groups[(source, detail_type)].append((record, detail))
            else:
                rest.append(record)
        for kind, members in groups.items():
            try:
                together[kind]([detail for _, detail in members])
            except Exception:
                logger().exception("bulk handling failed, handling these events one at a time", extra={"kind": kind})
                rest += [record for record, _ in members]
        return rest

    return sqs_batch_entry(handle_record, handle_in_bulk)
