"""The direct invoke between orders and rewards: orders' request and answer views
(functions/orders/store/redemptions.py) agree with rewards' models (functions/rewards/models/invoke.py),
and the adapter, talking to rewards' handler in process, maps answers and refusals."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pydantic import BaseModel

from functions.common.errors import Conflict, Unavailable, UnprocessableEntity
from functions.orders.store import redemptions as orders_side
from functions.rewards.handlers import redemptions as handler_module
from functions.rewards.models import invoke as rewards_side
from tests.unit.rewards.test_checkout_payments import Checkout


def fields(model: type[BaseModel]) -> dict[str, Any]:
    return {name: info.annotation for name, info in model.model_fields.items()}


@pytest.mark.parametrize(
    ("sent", "received"),
    [(orders_side.ChargeCall, rewards_side.ChargeRequest), (orders_side.ReleaseCall, rewards_side.ReleaseRequest)],
)
def test_what_orders_sends_is_a_request_rewards_accepts(sent: type[BaseModel], received: type[BaseModel]) -> None:
    assert set(fields(sent)) <= set(fields(received))
    required = {name for name, info in received.model_fields.items() if info.is_required()}
    assert required <= set(fields(sent))


@pytest.mark.parametrize(
    ("answer", "view"),
    [
        (rewards_side.ChargeResult, orders_side.ChargeAnswer),
        (rewards_side.ReleaseResult, orders_side.ReleaseAnswer),
        (rewards_side.ErrorBody, orders_side.RefusalBody),
        (rewards_side.ErrorPayload, orders_side.Refusal),
    ],
)
def test_what_orders_reads_is_in_rewards_answers_with_the_same_types(
    answer: type[BaseModel], view: type[BaseModel]
) -> None:
    theirs, ours = fields(answer), fields(view)
    assert set(ours) <= set(theirs)
    for name, annotation in ours.items():
        if name != "error":
            assert str(annotation) == str(theirs[name]), name


class InProcessLambda:
    """boto3's Lambda client, answered by rewards' handler in this process."""

    def __init__(self, function_error: bool = False) -> None:
        self.calls: list[dict[str, Any]] = []
        self.function_error = function_error

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803
        assert (FunctionName, InvocationType) == ("plein-test-rewards-redemptions", "RequestResponse")
        payload = json.loads(Payload)
        self.calls.append(payload)
        if self.function_error:
            body = {"errorMessage": "boom", "errorType": "RuntimeError"}
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(json.dumps(body).encode())}
        answer = handler_module.handler(payload, None)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> Checkout:
    shop = Checkout()
    shop.deliver("u1", "big", [1500 * 100])
    monkeypatch.setattr(handler_module, "checkout_payments", lambda: shop.payments)
    return shop


def test_a_charge_and_a_release_through_the_adapter(shop: Checkout) -> None:
    code = shop.card()
    client = InProcessLambda()
    adapter = orders_side.LambdaRedemptions("plein-test-rewards-redemptions", client)

    redeemed = adapter.redeem(user_id="u1", gift_card=code, points=200, amount=650, currency="EUR", key="order-1")
    assert (redeemed.discount, redeemed.gift_card_amount, redeemed.points, redeemed.points_value) == (
        650,
        500,
        150,
        150,
    )
    assert redeemed.gift_card_last4 == code[-4:]
    assert adapter.release(key="order-1", release_key="order-1.r1", amount=600) == 600
    assert adapter.release(key="order-1", release_key="all") == 50
    assert [call["action"] for call in client.calls] == ["charge", "release", "release"]
    assert (shop.card_balance(), shop.balance("u1")) == (500, 1000)


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"gift_card": "PLN-AAAA-BBBB-CCCC-DDDD"}, UnprocessableEntity, "gift_card_invalid"),
        ({"points": 4000}, UnprocessableEntity, "insufficient_points"),
        ({"gift_card": "bad code!"}, UnprocessableEntity, "gift_card_invalid"),
        ({"points": 10**9}, UnprocessableEntity, "validation_failed"),
    ],
)
def test_refusals_keep_their_code_and_are_4xx(
    shop: Checkout, kwargs: dict[str, Any], error: type[Exception], code: str
) -> None:
    adapter = orders_side.LambdaRedemptions("plein-test-rewards-redemptions", InProcessLambda())
    call: dict[str, Any] = {"gift_card": None, "points": None} | kwargs
    with pytest.raises(error) as refused:
        adapter.redeem(user_id="u1", amount=5000, currency="EUR", key="order-1", **call)
    assert getattr(refused.value, "code", None) == code


def test_a_key_of_another_member_is_a_conflict(shop: Checkout) -> None:
    adapter = orders_side.LambdaRedemptions("plein-test-rewards-redemptions", InProcessLambda())
    adapter.redeem(user_id="u1", gift_card=None, points=10, amount=500, currency="EUR", key="order-1")
    with pytest.raises(Conflict) as taken:
        adapter.redeem(user_id="u2", gift_card=None, points=10, amount=500, currency="EUR", key="order-1")
    assert taken.value.code == "charge_key_taken"


def test_a_failing_or_unreachable_function_is_503(shop: Checkout) -> None:
    failing = orders_side.LambdaRedemptions("plein-test-rewards-redemptions", InProcessLambda(function_error=True))
    with pytest.raises(Unavailable) as failed:
        failing.redeem(user_id="u1", gift_card=None, points=10, amount=500, currency="EUR", key="order-1")
    assert failed.value.code == "redemptions_unavailable"

    class Unreachable:
        def invoke(self, **_: Any) -> dict[str, Any]:
            raise TimeoutError("read timeout")

    unreachable = orders_side.LambdaRedemptions("plein-test-rewards-redemptions", Unreachable())
    with pytest.raises(Unavailable) as timed_out:
        unreachable.release(key="order-1", release_key="all")
    assert timed_out.value.code == "redemptions_unavailable"


def test_the_handler_answers_bad_payloads_with_an_error_payload() -> None:
    answer = handler_module.handler({"action": "refund", "key": "o1"}, None)
    assert answer["error"]["code"] == "validation_failed"
    assert answer["error"]["status"] == 422
