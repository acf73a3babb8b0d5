"""Reviews and ratings of products: write, list, helpful votes, vendor replies."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.responses import created
from functions.community.handlers.dependencies import review_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.reviews import ReviewService
from functions.community.models.api import (
    HelpfulView,
    ProductReviews,
    ReplyInput,
    ReviewInput,
    ReviewView,
    VendorRatingView,
)

router = Router()
Service = Annotated[ReviewService, Depends(review_service)]
Limit = Annotated[int | None, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]


@router.get(
    "/products/<product_id>/reviews",
    summary="A product's published reviews, newest first, with its rating",
    tags=TAGS,
)
def list_reviews(product_id: str, service: Service, limit: Limit = None, cursor: Cursor = None) -> ProductReviews:
    return service.product_reviews(identifier(product_id, "product"), limit, cursor)


@router.get(
    "/vendors/<vendor_id>/rating",
    summary="A vendor's rating: average, count and histogram over reviews of verified purchases from it",
    tags=TAGS,
)
def vendor_rating(vendor_id: str, service: Service) -> VendorRatingView:
    return service.vendor_rating(identifier(vendor_id, "vendor"))


@router.post(
    "/products/<product_id>/reviews",
    summary="Review a product (one review per member and product; verified if they received it)",
    description="The review is published, held for a moderator (`pending`) or `rejected`, with reason codes. "
    "Text is stored as plain text, never interpreted.",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(ReviewView, "Review stored; see `status` and `reasons`"),
)
def write_review(product_id: str, request: Annotated[ReviewInput, Body()], service: Service) -> Response[Any]:
    review = service.write(principal(router), identifier(product_id, "product"), request)
    return respond_created(review)


@router.get("/reviews/<review_id>", summary="A published review", tags=TAGS)
def get_review(review_id: str, service: Service) -> ReviewView:
    return service.get(identifier(review_id, "review"))


@router.post(
    "/reviews/<review_id>/helpful",
    summary="Mark a review helpful (once per member, not one's own)",
    tags=TAGS,
    security=SIGNED_IN,
)
def vote_helpful(review_id: str, service: Service) -> HelpfulView:
    return service.helpful(principal(router), identifier(review_id, "review"))


@router.put(
    "/reviews/<review_id>/reply",
    summary="A vendor's public reply to a review of a product it sold (replaces its earlier reply)",
    description="Vendors only (the `vendor` group with a vendor id); the vendor must have delivered the "
    "product through Plein. The reply passes the automatic checks or is refused (422 `moderation_refused`).",
    tags=TAGS,
    security=SIGNED_IN,
)
def reply_to_review(review_id: str, request: Annotated[ReplyInput, Body()], service: Service) -> ReviewView:
    return service.reply(principal(router), identifier(review_id, "review"), request.text)
