"""DynamoDB Streams GetRecords written straight to JSON, for the local moto server.

moto 5.2.5 serializes every GetRecords response through botocore's shape model, attribute by
attribute of every `Keys`, `NewImage` and `OldImage`: about 157 ms of server CPU per 1,000-record
page of vendor offers (the second largest cost of a feed import through the local runtime,
measured with `/_plein/stats`). The images are already in wire format and the rest of a record
is strings and numbers but for its creation time, so each record is written as it is with that
time converted as moto's serializer converts it (epoch seconds, milliseconds kept); moto still
serializes the page around the records (NextShardIterator, headers). A page with a binary value
goes through moto's code unchanged. First version spliced images into moto's serialization of
the rest (~5 ms per 1,000 records left in moto's serializer); this one skips that too. Pinned to
the moto version of `patches`; tests/unit/local/test_moto_streams.py compares the parsed
responses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_IMAGES = ("Keys", "NewImage", "OldImage")


def _direct_result() -> type:
    from moto.core.responses import ActionResult
    from moto.core.serialize import TimestampSerializer

    from local.aws.moto_query import _plain

    epoch_seconds = TimestampSerializer._timestamp_unixtimestamp

    class DirectRecords(ActionResult):
        """GetRecords' result: the page serialized by moto without its records, which are then
        written as they are."""

        def execute_result(self, context: Any) -> Any:
            result: Any = self.result
            records = result.get("Records", []) if isinstance(result, dict) else None
            if not records:
                return super().execute_result(context)
            written: list[dict[str, Any]] = []
            for record in records:
                dynamodb = record.get("dynamodb", {})
                if not _plain([dynamodb[name] for name in _IMAGES if name in dynamodb]):
                    return super().execute_result(context)
                created = dynamodb.get("ApproximateCreationDateTime")
                if created is not None:
                    dynamodb = {**dynamodb, "ApproximateCreationDateTime": epoch_seconds(created)}
                written.append({**record, "dynamodb": dynamodb})
            status, headers, body = ActionResult({**result, "Records": []}).execute_result(context)
            document = json.loads(body or "{}")
            document["Records"] = written
            return status, headers, json.dumps(document)

    return DirectRecords


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB Streams handler through `replace(owner, name, value)`."""
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    direct = _direct_result()

    def get_records(self: Any) -> Any:
        arn = self._get_param("ShardIterator")
        limit = self._get_param("Limit")
        return direct(self.backend.get_records(arn, 1000 if limit is None else limit))

    replace(DynamoDBStreamsHandler, "get_records", get_records)
