"""Collections and outfits: compose, publish, rate, comment; top and newest public collections."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.responses import created
from functions.community.handlers.dependencies import collection_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.collections import CollectionService
from functions.community.models.api import (
    CollectionInput,
    CollectionRatingInput,
    CollectionView,
    CommentInput,
    CommentView,
)

router = Router()
Service = Annotated[CollectionService, Depends(collection_service)]
Limit = Annotated[int | None, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]


@router.post(
    "/collections",
    summary="Compose a collection of products from any vendors (private unless `visibility` is public)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(CollectionView, "Collection stored; see `status`"),
)
def create_collection(request: Annotated[CollectionInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.create(principal(router), request))


@router.get(
    "/collections",
    summary="Public collections: `top` rated (Bayesian average) or `new`est",
    tags=TAGS,
)
def list_collections(
    service: Service,
    sort: Annotated[Literal["top", "new"], Query()] = "top",
    limit: Limit = None,
    cursor: Cursor = None,
) -> Page[CollectionView]:
    return service.public(sort, limit, cursor)


@router.get(
    "/me/collections",
    summary="The caller's collections, private ones included",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_collections(service: Service, limit: Limit = None, cursor: Cursor = None) -> Page[CollectionView]:
    caller = principal(router)
    return service.by_owner(caller, caller.user_id, limit, cursor)


@router.get(
    "/users/<user_id>/collections",
    summary="A member's public collections",
    tags=TAGS,
)
def member_collections(
    user_id: str, service: Service, limit: Limit = None, cursor: Cursor = None
) -> Page[CollectionView]:
    return service.by_owner(None, identifier(user_id, "member"), limit, cursor)


@router.get(
    "/collections/<collection_id>",
    summary="A public collection with its items and product ids (for 'add all to cart')",
    tags=TAGS,
)
def get_collection(collection_id: str, service: Service) -> CollectionView:
    return service.get(identifier(collection_id, "collection"))


@router.put(
    "/collections/<collection_id>",
    summary="Replace a collection's content and visibility (owner only)",
    tags=TAGS,
    security=SIGNED_IN,
)
def update_collection(
    collection_id: str, request: Annotated[CollectionInput, Body()], service: Service
) -> CollectionView:
    return service.update(principal(router), identifier(collection_id, "collection"), request)


@router.delete(
    "/collections/<collection_id>",
    summary="Delete a collection (owner or admin)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={204: {"description": "Deleted"}},
)
def delete_collection(collection_id: str, service: Service) -> Response[None]:
    service.delete(principal(router), identifier(collection_id, "collection"))
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.post(
    "/collections/<collection_id>/ratings",
    summary="Rate a public collection 1-5 (rating again changes it; not one's own)",
    tags=TAGS,
    security=SIGNED_IN,
)
def rate_collection(
    collection_id: str, request: Annotated[CollectionRatingInput, Body()], service: Service
) -> CollectionView:
    return service.rate(principal(router), identifier(collection_id, "collection"), request.stars)


@router.get(
    "/collections/<collection_id>/comments",
    summary="Published comments on a public collection, newest first",
    tags=TAGS,
)
def list_comments(
    collection_id: str, service: Service, limit: Limit = None, cursor: Cursor = None
) -> Page[CommentView]:
    return service.comments(identifier(collection_id, "collection"), limit, cursor)


@router.post(
    "/collections/<collection_id>/comments",
    summary="Comment on a public collection",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(CommentView, "Comment stored; see `status`"),
)
def comment_collection(collection_id: str, request: Annotated[CommentInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.comment(principal(router), identifier(collection_id, "collection"), request))
