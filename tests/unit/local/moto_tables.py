"""What the moto patch tests share: moto with or without the local patches, and a test table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto import mock_aws

from local.aws import moto_query


@contextmanager
def moto(patched: bool) -> Iterator[Any]:
    """In-process moto, with the local runtime's patches applied when `patched`; a DynamoDB client."""
    if patched:
        moto_query.apply()
    try:
        with mock_aws():
            yield boto3.client("dynamodb", region_name="eu-west-1")
    finally:
        moto_query.remove()


def create_table(client: Any, name: str, *, sort_key: bool = True, stream: bool = False) -> None:
    """A string-keyed table (`pk`, and `sk` when `sort_key`), on demand, with a stream if asked."""
    keys = ["pk", "sk"] if sort_key else ["pk"]
    extra: dict[str, Any] = {}
    if stream:
        extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in zip(keys, ("HASH", "RANGE"), strict=False)],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in keys],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
