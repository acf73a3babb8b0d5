"""Reading a cancelled transaction's reasons, whichever client raised it."""

from __future__ import annotations

from botocore.exceptions import ClientError
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from functions.common.dynamo import cancellation_codes

RESPONSE = {
    "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
    "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}, {"Code": "TransactionConflict"}],
}


def test_botocore_and_pynamodb_cancellations_give_the_same_codes() -> None:
    botocore = ClientError(RESPONSE, "TransactWriteItems")
    reasons = [None, CancellationReason(code="ConditionalCheckFailed"), CancellationReason(code="TransactionConflict")]
    cause = VerboseClientError(RESPONSE, "TransactWriteItems", cancellation_reasons=reasons)
    pynamodb = TransactWriteError("failed", cause=cause)

    expected = [None, "ConditionalCheckFailed", "TransactionConflict"]
    assert cancellation_codes(botocore) == expected
    assert cancellation_codes(pynamodb) == expected


def test_other_errors_have_no_cancellation_codes() -> None:
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "PutItem")
    assert cancellation_codes(throttled) is None
    assert cancellation_codes(ValueError("nope")) is None
