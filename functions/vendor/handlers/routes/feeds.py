"""Product feeds: presigned upload, import status with the error report, and a preview."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.api import SIGNED_IN, json_response, principal
from functions.vendor.handlers.dependencies import api_feed_service
from functions.vendor.logic.feeds.preview import preview
from functions.vendor.models.api import FeedCreated, FeedPreview, FeedPreviewRequest, FeedRequest, FeedStatusOut

router = Router()
TAGS = ["vendor"]


@router.post(
    "/vendors/<vendor_id>/feeds",
    summary="Start a feed upload",
    description=(
        "Returns a presigned S3 POST (key, content type and size limit pinned). Uploading the file starts the "
        "import; poll GET /vendors/{id}/feeds/{feed_id}."
    ),
    tags=TAGS,
    security=SIGNED_IN,
    responses={201: {"description": "Upload ready", "content": {"application/json": {"model": FeedCreated}}}},
)
def create_feed(vendor_id: str, body: Annotated[FeedRequest, Body()]) -> Response[Any]:
    created = api_feed_service().request_upload(principal(router), vendor_id, body)
    return json_response(HTTPStatus.CREATED, created.model_dump(mode="json"))


@router.get(
    "/vendors/<vendor_id>/feeds/<feed_id>",
    summary="Import status, progress, counts and the error report link",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_status(vendor_id: str, feed_id: str) -> FeedStatusOut:
    return api_feed_service().status(principal(router), vendor_id, feed_id)


@router.post(
    "/vendors/<vendor_id>/feeds/preview",
    summary="Check the first rows of a feed before uploading it",
    description="Parses the sample as the import would and reports the column mapping and row errors.",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_preview(vendor_id: str, body: Annotated[FeedPreviewRequest, Body()]) -> FeedPreview:
    principal(router).require_vendor(vendor_id)
    return preview(body.sample.encode("utf-8"), body.mode)
