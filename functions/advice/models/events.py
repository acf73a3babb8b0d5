"""Events the advice context publishes (source `plein.advice`), through its transactional outbox."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from functions.common.events import DomainEvent

SOURCE = "plein.advice"


class AdvisorApproved(DomainEvent):
    """A member passed a program's tests, completed a profile and read its knowledge base."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AdvisorApproved"

    advisor_id: str
    program_id: str


class AdviceSessionEnded(DomainEvent):
    """A live advice session ended (by either side, or forwarded to customer service)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AdviceSessionEnded"

    session_id: str
    program_id: str
    advisor_id: str
    shopper_id: str
    product_id: str
    duration_seconds: int = Field(ge=0)


class AdviceSessionRated(DomainEvent):
    """The shopper rated a session; the advisor earns the program's compensation for it once."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AdviceSessionRated"

    session_id: str
    program_id: str
    advisor_id: str
    shopper_id: str
    rating: int = Field(ge=1, le=5)
    nps: int | None = Field(default=None, ge=0, le=10)
    compensation_kind: Literal["points", "cash"]
    compensation_points: int = Field(ge=0)
    compensation_cash: int = Field(ge=0, description="Minor units")
    currency: str = "EUR"


ADVICE_EVENTS: tuple[type[DomainEvent], ...] = (AdvisorApproved, AdviceSessionEnded, AdviceSessionRated)
