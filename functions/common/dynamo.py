"""What every store shares: binding PynamoDB models to a table at run time and translating errors.

Stores are the only code that knows table layouts; they raise domain errors, never botocore's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from functions.common.errors import Conflict, Unavailable
from functions.common.settings import aws_settings

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
CONFLICT_CODES = frozenset({"ConditionalCheckFailedException", "TransactionConflictException"})


class TableRecord(Model):
    """Key schema shared by every context table: generic `pk`/`sk`, a `ttl` for expiring records.

    Each context subclasses this once (declaring its indexes; every table has `gsi1`, whose key
    attributes live here) and binds it with `bind_table`.
    """

    class Meta:
        table_name = "unbound"
        region = aws_settings().region

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    ttl = NumberAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


def global_index(name: str) -> Any:
    """A global secondary index `name` keyed on `<name>pk`/`<name>sk`, every attribute projected.

    PynamoDB binds an index class to the one model that declares it, so each context's record
    makes its own: `by_gsi1 = global_index("gsi1")`.
    """
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    keys = {f"{name}pk": UnicodeAttribute(hash_key=True), f"{name}sk": UnicodeAttribute(range_key=True)}
    index_class = type(f"By{name.capitalize()}", (GlobalSecondaryIndex,), {"Meta": meta, **keys})
    return index_class()


TTL_ATTRIBUTE = "ttl"


def bind_table(model: type[Model], table_name: str) -> None:
    """Point a PynamoDB model (and its subclasses) at `table_name`, honouring AWS_ENDPOINT_URL."""
    model.Meta.table_name = table_name
    aws = aws_settings()
    model.Meta.region = aws.region
    model.Meta.host = aws.dynamodb_endpoint
    model._connection = None


def error_code(exc: BaseException) -> str | None:
    """The AWS error code behind a botocore or PynamoDB exception, if any."""
    cause: Any = exc
    while cause is not None:
        code = getattr(cause, "cause_response_code", None)
        if code:
            return str(code)
        response = getattr(cause, "response", None)
        if isinstance(response, dict) and response.get("Error", {}).get("Code"):
            return str(response["Error"]["Code"])
        cause = cause.__cause__
    return None


def cancellation_codes(exc: BaseException) -> list[str | None] | None:
    """Per-operation reason codes of a cancelled transaction (None for the operations that were
    fine), from botocore's ClientError or PynamoDB's TransactWriteError; None for other errors."""
    if error_code(exc) != "TransactionCanceledException":
        return None
    reasons = getattr(exc, "cancellation_reasons", None)  # PynamoDB: CancellationReason or None
    if reasons is not None:
        codes = [getattr(reason, "code", None) for reason in reasons]
    else:
        raw = getattr(exc, "response", {}).get("CancellationReasons")
        if not isinstance(raw, list):
            return None
        codes = [reason.get("Code") if isinstance(reason, dict) else None for reason in raw]
    return [None if code in (None, "None") else str(code) for code in codes]


@contextmanager
def translate_errors(conflict_message: str = "the item was changed concurrently") -> Iterator[None]:
    """Map throttling to 503 Unavailable and failed conditions to 409 Conflict."""
    try:
        yield
    except Exception as exc:
        code = error_code(exc)
        if code in CONFLICT_CODES:
            raise Conflict(conflict_message) from exc
        if code in THROTTLING_CODES:
            raise Unavailable("the database is busy, retry shortly") from exc
        raise


def S(value: str) -> dict[str, str]:  # noqa: N802 - DynamoDB's type tag
    """A string attribute value for the low-level client (transactions, conditions)."""
    return {"S": value}


def N(value: int) -> dict[str, str]:  # noqa: N802 - DynamoDB's type tag
    """A number attribute value for the low-level client."""
    return {"N": str(value)}


def condition_held(write: Callable[[], object]) -> bool:
    """Run one conditional low-level write: False when its condition failed, other errors translated."""
    try:
        write()
    except Exception as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        with translate_errors():
            raise
    return True
