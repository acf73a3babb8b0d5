"""The signed-in member's rewards: balance, stage and progress, ledger, visits, perks and gift cards."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.common.api import SIGNED_IN, principal
from functions.common.responses import answers
from functions.rewards.handlers.dependencies import member_service, redemption_service
from functions.rewards.logic.members import MemberService
from functions.rewards.logic.redemption import RedemptionService
from functions.rewards.models.api import (
    AdvisorStatement,
    EntitlementList,
    EntitlementOut,
    GiftCardList,
    LedgerPage,
    MeOut,
    Period,
    VisitOut,
)

router = Router()
TAGS = ["rewards"]
Members = Annotated[MemberService, Depends(member_service)]
Redemptions = Annotated[RedemptionService, Depends(redemption_service)]


@router.get(
    "/rewards/me",
    summary="My balance, journey stage, what is left to reach the next stage, and recent ledger entries",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(MeOut, "My rewards", e401="unauthenticated"),
)
def me(service: Members) -> MeOut:
    return service.me(principal(router))


@router.get(
    "/rewards/me/ledger",
    summary="My points ledger, newest first (paged)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(LedgerPage, "A page of entries", e400="invalid_cursor, invalid_limit", e401="unauthenticated"),
)
def ledger(
    service: Members,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> LedgerPage:
    return service.history(principal(router), limit, cursor)


@router.post(
    "/rewards/visits",
    summary="Count today's visit: the first of a day earns points, more on a daily streak (capped)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(VisitOut, "The visit counted", e401="unauthenticated", e503="account_busy"),
)
def visit(service: Members) -> VisitOut:
    return service.visit(principal(router))


@router.get(
    "/rewards/me/entitlements",
    summary="My running perks (e.g. early_access); other contexts check features with the member's token",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(EntitlementList, "Running perks", e401="unauthenticated"),
)
def entitlements(service: Members) -> EntitlementList:
    return EntitlementList(items=[EntitlementOut.of(e) for e in service.entitlements(principal(router))])


@router.get(
    "/rewards/me/advice-statement",
    summary="My advisor compensation for one month: rated sessions, points earned, cash owed",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(AdvisorStatement, "The statement", e401="unauthenticated", e422="validation_failed"),
)
def advice_statement(
    service: Members, period: Annotated[Period, Query(description="YYYY-MM (UTC)")]
) -> AdvisorStatement:
    return service.advice_statement(principal(router), period)


@router.get(
    "/rewards/me/gift-cards",
    summary="My gift cards with their balances (codes are shown only once, when issued)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(GiftCardList, "My gift cards", e401="unauthenticated"),
)
def gift_cards(service: Redemptions) -> GiftCardList:
    return GiftCardList(items=service.gift_cards(principal(router)))
