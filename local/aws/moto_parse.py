"""DynamoDB item requests read as plain JSON, for the local moto server.

moto 5.2.5 parses every request body through botocore's shape model, attribute value by attribute
value: about 0.26 ms of server CPU per item of a TransactWriteItems or BatchWriteItem (cProfile,
in-process), a quarter of its cost. For the item operations below the parsed parameters equal the
body's JSON, except for binary attribute values (`B`, `BS`), which the shape parser decodes from
base64; a body that contains `"B"` or `"BS"` anywhere (a binary value or just such a string) goes
through moto's parser unchanged. Pinned to the moto version of `patches`;
tests/unit/local/test_moto_parse.py compares both parsers on the requests the stores send.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

PLAIN_JSON_OPERATIONS = frozenset(
    {
        "BatchGetItem",
        "BatchWriteItem",
        "DeleteItem",
        "GetItem",
        "PutItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "TransactWriteItems",
        "UpdateItem",
    }
)
_BINARY_MARKERS = (b'"B"', b'"BS"')


def plain_json(action: str, body: bytes) -> bool:
    """True when moto's shape parser would return exactly `json.loads(body)`."""
    return action in PLAIN_JSON_OPERATIONS and not any(marker in body for marker in _BINARY_MARKERS)


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB handler through `replace(owner, name, value)` (so it can be undone)."""
    from moto.dynamodb.responses import DynamoHandler

    shape_parse = DynamoHandler.parse_parameters

    def parse_parameters(self: Any, request: Any) -> None:
        body = request.data or b"{}"
        if plain_json(self._get_action(), body):
            self.params = json.loads(body)
        else:
            shape_parse(self, request)

    replace(DynamoHandler, "parse_parameters", parse_parameters)
