"""Events moto 5.2.5 delivers in another shape than AWS, delivered as AWS shapes them.

- EventBridge → target without an input transformer: AWS delivers the whole event; moto's default
  target input leaves out `account`.
- S3 → SQS notifications: AWS's records carry `userIdentity`, `requestParameters`,
  `responseElements`, the bucket's `ownerIdentity` and the object's `sequencer`; moto's have none.

Powertools' parser models (`EventBridgeModel`, `S3Model`) require these fields, and Lambda code
written against AWS may read them: tests/unit/local/test_event_models.py validates what the
local runtime delivers against those models. These are correctness patches: always installed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from local.config import ACCOUNT_ID

LOCAL_PRINCIPAL = f"AWS:{ACCOUNT_ID}:local"
_sequencer = itertools.count(1)


def whole_events(parse: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """`EventTemplateParser.parse` giving the whole event, as AWS does, when no input transformer is set."""

    def parse_whole(input_template: str, input_paths_map: dict[str, Any], event: Any) -> dict[str, Any]:
        parsed = parse(input_template=input_template, input_paths_map=input_paths_map, event=event)
        if input_template or input_paths_map:
            return parsed
        return {
            "version": parsed["version"],
            "id": parsed["id"],
            "detail-type": parsed["detail-type"],
            "source": parsed["source"],
            "account": event["account"],
            "time": parsed["time"],  # epoch seconds here: moto writes them as ISO-8601 for an SQS target
            "region": parsed["region"],
            "resources": parsed["resources"],
            "detail": parsed["detail"],
        }

    return parse_whole


def complete_s3_records(get_s3_event: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """moto's S3 notification body with the fields AWS's records carry and moto's do not."""

    def s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> dict[str, Any]:
        body = get_s3_event(event_name, bucket, key, notification_id)
        for record in body["Records"]:
            record.setdefault("userIdentity", {"principalId": LOCAL_PRINCIPAL})
            record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
            request_id = f"{next(_sequencer):016X}"
            record.setdefault("responseElements", {"x-amz-request-id": request_id, "x-amz-id-2": request_id})
            record["s3"]["bucket"].setdefault("ownerIdentity", {"principalId": LOCAL_PRINCIPAL})
            record["s3"]["object"].setdefault("sequencer", request_id)
        return body

    return s3_event


def apply_events(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's EventBridge target input through `replace(owner, name, value)`."""
    from moto.events.utils import EventTemplateParser

    replace(EventTemplateParser, "parse", staticmethod(whole_events(EventTemplateParser.parse)))


def apply_s3(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's S3 notifications through `replace(owner, name, value)`."""
    from moto.s3 import notifications

    replace(notifications, "_get_s3_event", complete_s3_records(notifications._get_s3_event))
