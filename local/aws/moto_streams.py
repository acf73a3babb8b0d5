"""DynamoDB Streams GetRecords with the item images spliced into the response, for the local moto server.

moto 5.2.5 serializes every GetRecords response through botocore's shape model, attribute by
attribute of every `Keys`, `NewImage` and `OldImage`: about 157 ms of server CPU per 1,000-record
page of vendor offers (the second largest cost of a feed import through the local runtime,
measured with `/_plein/stats`). The images are already in wire format, so, as the Query patch does
for items, this serializes each record without them through moto's own serializer and splices
them back in; records with binary values go through moto's code unchanged. Pinned to the moto
version of `moto_query`; tests/unit/local/test_moto_streams.py compares the parsed responses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_IMAGES = ("Keys", "NewImage", "OldImage")


def _spliced_result() -> type:
    from moto.core.responses import ActionResult

    from local.aws.moto_query import _plain

    class SplicedRecords(ActionResult):
        """GetRecords' result, serialized by moto without the images, which are then put back."""

        def execute_result(self, context: Any) -> Any:
            result: Any = self.result
            records = result.get("Records", []) if isinstance(result, dict) else None
            if not records:
                return super().execute_result(context)
            images: list[dict[str, Any]] = []
            stripped: list[dict[str, Any]] = []
            for record in records:
                dynamodb = record.get("dynamodb", {})
                parts = {name: dynamodb[name] for name in _IMAGES if name in dynamodb}
                if not _plain(list(parts.values())):
                    return super().execute_result(context)
                images.append(parts)
                rest = {name: value for name, value in dynamodb.items() if name not in parts}
                stripped.append({**record, "dynamodb": rest})
            status, headers, body = ActionResult({**result, "Records": stripped}).execute_result(context)
            document = json.loads(body or "{}")
            for record, parts in zip(document["Records"], images, strict=True):
                record["dynamodb"].update(parts)
            return status, headers, json.dumps(document)

    return SplicedRecords


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB Streams handler through `replace(owner, name, value)`."""
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    spliced = _spliced_result()

    def get_records(self: Any) -> Any:
        arn = self._get_param("ShardIterator")
        limit = self._get_param("Limit")
        return spliced(self.backend.get_records(arn, 1000 if limit is None else limit))

    replace(DynamoDBStreamsHandler, "get_records", get_records)
