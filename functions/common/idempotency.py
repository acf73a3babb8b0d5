"""Powertools idempotency records stored in the context's own table (pk/sk single-table layout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.common.dynamo import TTL_ATTRIBUTE

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

IDEMPOTENCY_PK_PREFIX = "IDEMPOTENCY#"
DEFAULT_EXPIRY_SECONDS = 24 * 3600


def persistence_layer(table_name: str, function_name: str) -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=f"{IDEMPOTENCY_PK_PREFIX}{function_name}",
        expiry_attr=TTL_ATTRIBUTE,
    )


def config(event_key_jmespath: str, expires_after_seconds: int = DEFAULT_EXPIRY_SECONDS) -> IdempotencyConfig:
    """Idempotency keyed on one field of the payload, e.g. `detail.event_id` for consumers."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath=event_key_jmespath,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=expires_after_seconds,
    )
