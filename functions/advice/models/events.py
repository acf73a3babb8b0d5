"""Events the advice context publishes (source `plein.advice`), through its transactional outbox."""

from __future__ import annotations

from datetime import datetime
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


class AdvisorInvited(DomainEvent):
    """A program (a brand's, a vendor's or the marketplace's) sent a member an invite code."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AdvisorInvited"

    program_id: str
    program_name: str
    brands: list[str] = Field(default_factory=list, description="The brands the program advises on")
    invitee_id: str = Field(description="The member invited")
    code: str
    link: str | None = Field(
        default=None, description="The invitation link with the code, relative to the site that shows it"
    )
    expires_at: datetime | None = None


class AdviceMissed(DomainEvent):
    """A shopper's request found nobody available while these advisors of its program were away."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AdviceMissed"

    request_id: str
    program_id: str
    product_id: str
    product_title: str | None = None
    question: str = Field(description="The shopper's question, shortened to 140 characters")
    advisor_ids: list[str] = Field(description="Away advisors of the program, best rated first (at most 20)")


ADVICE_EVENTS: tuple[type[DomainEvent], ...] = (
    AdvisorApproved,
    AdviceSessionEnded,
    AdviceSessionRated,
    AdvisorInvited,
    AdviceMissed,
)
