"""The payloads of `rewards-redemptions`, invoked directly by the orders context (no API route):
a request is a `ChargeRequest` or a `ReleaseRequest` (by `action`); the answer is a
`ChargeResult`, a `ReleaseResult` or, for a domain error, an `ErrorPayload` (not raised, so the
caller sees the code and status). Orders keeps its own views of these (contract-tested)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter

from functions.common.models import Record
from functions.common.values import Currency, Identifier, MinorUnits
from functions.rewards.logic.checkout_payments import ChargeRelease, CheckoutCharge

CheckoutCardCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _In(Record):
    model_config = ConfigDict(extra="forbid")


class ChargeRequest(_In):
    action: Literal["charge"]
    key: Identifier = Field(description="The checkout (the order id): one charge per key")
    user_id: Identifier = Field(description="Whose points pay")
    gift_card_code: CheckoutCardCode | None = Field(
        default=None, description="As the shopper typed it: anything that is no card's code is gift_card_invalid"
    )
    points: int | None = Field(default=None, ge=1, le=10_000_000, description="At most this many points")
    amount: MinorUnits = Field(description="What is left to pay; the charge takes at most this")
    currency: Currency


class ReleaseRequest(_In):
    action: Literal["release"]
    key: Identifier
    release_key: Identifier = Field(default="all", description="One release per key (a refund id, `all`)")
    amount: MinorUnits | None = Field(default=None, description="Give back this much (all that is left when absent)")


RedemptionsRequest = Annotated[ChargeRequest | ReleaseRequest, Field(discriminator="action")]
REQUEST: TypeAdapter[ChargeRequest | ReleaseRequest] = TypeAdapter(RedemptionsRequest)


class ChargeResult(Record):
    key: str
    currency: str
    amount: int
    gift_card_amount: int = Field(description="What the gift card paid")
    gift_card_last4: str | None = None
    points: int = Field(description="Points used")
    points_value: int = Field(description="What the points paid, minor units")
    discount: int = Field(description="gift_card_amount + points_value (<= amount)")
    released: int = Field(description="Given back so far")

    @classmethod
    def of(cls, charge: CheckoutCharge) -> ChargeResult:
        return cls.model_validate(charge, from_attributes=True)


class ReleaseResult(Record):
    key: str
    release_key: str
    gift_card_amount: int
    points: int
    points_value: int
    amount: int = Field(description="Given back by this release, minor units")

    @classmethod
    def of(cls, release: ChargeRelease) -> ReleaseResult:
        return cls.model_validate(release, from_attributes=True)


class ErrorBody(Record):
    code: str
    message: str
    status: int


class ErrorPayload(Record):
    error: ErrorBody
