"""Entry points for asynchronous consumers: SQS batches with partial failure responses.

EventBridge rules and S3 notifications feed SQS queues; a consumer handles one record at a time
and a failing record goes back to the queue (and after its retries to the DLQ) without failing
the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.common.events import eventbridge_detail
from functions.common.observability import logger, metrics, tracer

EventHandler = Callable[[str, str, dict[str, Any]], None]
"""Called with (source, detail-type, detail) for each EventBridge event."""

RecordHandler = Callable[[dict[str, Any]], None]
"""Called with each raw SQS record."""


def sqs_batch_entry(handle_record: RecordHandler) -> Any:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    processor = BatchProcessor(event_type=EventType.SQS)
    log, trace, measure = logger(), tracer(), metrics()

    def record_handler(record: SQSRecord) -> None:
        handle_record(record.raw_event)

    @log.inject_lambda_context(clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> Any:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler


def eventbridge_sqs_entry(handle_event: EventHandler) -> Any:
    """Consumer of EventBridge events delivered through an SQS queue."""

    def handle_record(record: dict[str, Any]) -> None:
        source, detail_type, detail = eventbridge_detail(record["body"])
        handle_event(source, detail_type, detail)

    return sqs_batch_entry(handle_record)
