"""Product feeds: presigned upload, import status with the error report, and a preview."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.api import SIGNED_IN, json_response, principal
from functions.vendor.handlers.dependencies import feed_service
from functions.vendor.logic.feeds.importer import FeedService
from functions.vendor.models.api import FeedCreated, FeedPreview, FeedPreviewRequest, FeedRequest, FeedStatusOut

router = Router()
TAGS = ["vendor"]
Service = Annotated[FeedService, Depends(feed_service)]


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
def create_feed(vendor_id: str, body: Annotated[FeedRequest, Body()], service: Service) -> Response[Any]:
    created = service.request_upload(principal(router), vendor_id, body)
    return json_response(HTTPStatus.CREATED, created.model_dump(mode="json"))


@router.get(
    "/vendors/<vendor_id>/feeds/<feed_id>",
    summary="Import status, progress, counts and the error report link",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_status(vendor_id: str, feed_id: str, service: Service) -> FeedStatusOut:
    return service.status(principal(router), vendor_id, feed_id)


@router.post(
    "/vendors/<vendor_id>/feeds/preview",
    summary="Check the first rows of a feed before uploading it",
    description="Parses the sample as the import would and reports the column mapping and row errors.",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_preview(vendor_id: str, body: Annotated[FeedPreviewRequest, Body()], service: Service) -> FeedPreview:
    return service.preview(principal(router), vendor_id, body)
