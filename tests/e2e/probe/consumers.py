"""Probe consumers: one records each event in the table, one always fails (for the DLQ path)."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry


def _record(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    from tests.e2e.probe.records import bound

    model = bound()
    model(f"EVENT#{detail['event_id']}", "RECORD", note=detail["note"]).save()


def _fail(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    raise RuntimeError(f"probe consumer refuses {detail['event_id']}")


record = eventbridge_sqs_entry(_record)
fail = eventbridge_sqs_entry(_fail)
