"""Review invitations: the signed link of a review-request e-mail (issued by the notifications
context with functions/common/signed_links.py, purpose `review-invitation`) names the member, the
order and the product; it authenticates exactly one action, writing that member's review of that
product. The review is verified through the member's delivered purchase (OrderDelivered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from functions.common.auth import Principal, Role
from functions.common.errors import NotFound
from functions.common.models import View
from functions.common.signed_links import SignedLinks
from functions.community.logic.reviews import ReviewService
from functions.community.models.api import ReviewInput, ReviewView


class InvitationView(View):
    product_id: str
    order_id: str
    reviewed: bool


class ReviewInvitations:
    def __init__(self, reviews: ReviewService, links: SignedLinks, clock: Callable[[], datetime]):
        self._reviews = reviews
        self._links = links
        self._clock = clock

    def _claims(self, token: str) -> tuple[str, str, str]:
        claims = self._links.verify(token, self._clock())
        user_id, order_id, product_id = claims.get("u"), claims.get("o"), claims.get("p")
        if not all(isinstance(value, str) and value for value in (user_id, order_id, product_id)):
            raise NotFound("this link is not valid", code="link_not_found")
        return str(user_id), str(order_id), str(product_id)

    def invitation(self, token: str) -> InvitationView:
        user_id, order_id, product_id = self._claims(token)
        return InvitationView(
            product_id=product_id, order_id=order_id, reviewed=self._reviews.has_review(user_id, product_id)
        )

    def review(self, token: str, request: ReviewInput) -> ReviewView:
        """409 `duplicate_review` when the member already reviewed the product."""
        user_id, _, product_id = self._claims(token)
        return self._reviews.write(Principal(user_id=user_id, groups=frozenset({Role.SHOPPER})), product_id, request)
