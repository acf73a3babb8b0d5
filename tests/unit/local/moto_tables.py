"""What the moto patch tests share: moto with or without the local patches, and a test table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto import mock_aws

from local.aws import patches


@contextmanager
def moto(patched: bool) -> Iterator[Any]:
    """In-process moto, with the local runtime's patches applied when `patched`; a DynamoDB client."""
    if patched:
        patches.install()
    try:
        with mock_aws():
            yield boto3.client("dynamodb", region_name="eu-west-1")
    finally:
        patches.remove()


def create_table(
    client: Any,
    name: str,
    *,
    sort_key: bool = True,
    sort_key_type: str = "S",
    stream: bool = False,
    stream_view: str = "NEW_AND_OLD_IMAGES",
) -> None:
    """A table keyed by string `pk` (and `sk` of `sort_key_type` when `sort_key`), on demand, with a
    stream of `stream_view` if asked."""
    keys = {"pk": "S", "sk": sort_key_type} if sort_key else {"pk": "S"}
    extra: dict[str, Any] = {}
    if stream:
        extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream_view}
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in zip(keys, ("HASH", "RANGE"), strict=False)],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": kind} for key, kind in keys.items()],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
