"""The request lock (local/aws/moto_lock.py): concurrent conditional writes through moto stay atomic.

Two threads create the same item with `attribute_not_exists(pk)`, as the stores do for idempotency
keys and every new record. A barrier holds each request between moto's condition check and its
write until the other request has checked too (or until it is clear that the other one cannot
get there). Without the lock both checks pass and both creates succeed, the second overwriting
the first; with it, the second request runs after the first and fails its condition.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local.aws import patches
from tests.unit.local.moto_tables import create_table

WAIT_FOR_THE_OTHER_SECONDS = 2.0  # how long a checked request waits for the other one to check


def _checks_then_waits(monkeypatch: pytest.MonkeyPatch, barrier: threading.Barrier) -> None:
    """Make every condition check of a Put wait at `barrier` after evaluating."""
    from moto.dynamodb.models import table

    original = vars(table)["get_filter_expression"]  # as table.py calls it

    class Waiting:
        def __init__(self, condition: Any):
            self.condition = condition

        def expr(self, item: Any) -> bool:
            holds = bool(self.condition.expr(item))
            with contextlib.suppress(threading.BrokenBarrierError):  # the other request is not checking now
                barrier.wait(WAIT_FOR_THE_OTHER_SECONDS)
            return holds

    monkeypatch.setattr(table, "get_filter_expression", lambda *args: Waiting(original(*args)))


def _create(client: Any, writer: str) -> str:
    """ "created", or the error code of a refused create."""
    try:
        client.put_item(
            TableName="lock",
            Item={"pk": {"S": "order-1"}, "sk": {"S": "key"}, "writer": {"S": writer}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "created"


def _race(monkeypatch: pytest.MonkeyPatch, installed: list[patches.Patch]) -> tuple[list[str], str]:
    """(the outcomes of two concurrent creates of one item, sorted; the writer the item holds)."""
    patches.install(installed)
    try:
        with mock_aws():
            clients = [boto3.client("dynamodb", region_name="eu-west-1") for _ in range(2)]
            create_table(clients[0], "lock")
            _checks_then_waits(monkeypatch, threading.Barrier(2))
            with ThreadPoolExecutor(2) as pool:
                outcomes = sorted(pool.map(_create, clients, ["first", "second"]))
            item = clients[0].get_item(TableName="lock", Key={"pk": {"S": "order-1"}, "sk": {"S": "key"}})["Item"]
    finally:
        patches.remove()
    return outcomes, item["writer"]["S"]


def _lock() -> list[patches.Patch]:
    return [patch for patch in patches.REGISTRY if patch.name == "request_lock"]


def test_with_the_request_lock_exactly_one_conditional_create_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes, writer = _race(monkeypatch, _lock())

    assert outcomes == ["ConditionalCheckFailedException", "created"]
    assert writer in {"first", "second"}


def test_without_the_query_patch_exactly_one_conditional_create_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes, _ = _race(monkeypatch, patches.selected(query=False))

    assert outcomes == ["ConditionalCheckFailedException", "created"]


def test_without_the_request_lock_moto_lets_both_creates_succeed(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the lock is for: moto alone checks both conditions before either write."""
    outcomes, _ = _race(monkeypatch, [])

    assert outcomes == ["created", "created"]
