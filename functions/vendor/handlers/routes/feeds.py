"""Product feeds: presigned upload, import status with the error report, the import history, the
vendor's column mapping for its own spreadsheets, and a preview."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, json_response, principal
from functions.common.pagination import Page
from functions.vendor.handlers.dependencies import feed_history, feed_pulls, feed_service
from functions.vendor.logic.domain import FeedMapping, FeedSource, SavedMapping
from functions.vendor.logic.feeds.history import FeedHistory
from functions.vendor.logic.feeds.importer import FeedService
from functions.vendor.logic.feeds.pulls import FeedPulls
from functions.vendor.models.api import (
    FeedCreated,
    FeedPreview,
    FeedPreviewRequest,
    FeedRequest,
    FeedSourceIn,
    FeedSourceOut,
    FeedStatusOut,
    SavedMappingOut,
)

router = Router()
TAGS = ["vendor"]
Service = Annotated[FeedService, Depends(feed_service)]
History = Annotated[FeedHistory, Depends(feed_history)]
Pulls = Annotated[FeedPulls, Depends(feed_pulls)]


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
    "/vendors/<vendor_id>/feeds",
    summary="The vendor's imports of the last 60 days, newest first",
    description=(
        "Each with its mode, status, counts and a fresh error report link. Uploads that were never made are left "
        "out, so a page may hold fewer than `limit` imports while `next_cursor` leads to more."
    ),
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_imports(
    vendor_id: str,
    history: History,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Page[FeedStatusOut]:
    return history.list(principal(router), vendor_id, limit, cursor)


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


def _mapping_out(saved: SavedMapping) -> SavedMappingOut:
    return SavedMappingOut(vendor_id=saved.vendor_id, mapping=saved.mapping, updated_at=saved.updated_at)


@router.get(
    "/vendors/<vendor_id>/feed-mapping",
    summary="The vendor's saved column mapping",
    description="404 `mapping_not_found` when none is saved.",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_mapping(vendor_id: str, service: Service) -> SavedMappingOut:
    return _mapping_out(service.mapping(principal(router), vendor_id))


@router.put(
    "/vendors/<vendor_id>/feed-mapping",
    summary="Save the column mapping of the vendor's own spreadsheet",
    description=(
        "Which column holds which field and how values are written (decimal comma, currency, day-first dates, "
        "weight unit, categories onto the marketplace's). Every later upload and preview whose header has the "
        "column mapped to `id` is read through it; the status of such an import says `mapped: true`. A mapping "
        "without `id`, or with one field from two columns, is refused (422)."
    ),
    tags=TAGS,
    security=SIGNED_IN,
)
def save_feed_mapping(vendor_id: str, body: Annotated[FeedMapping, Body()], service: Service) -> SavedMappingOut:
    return _mapping_out(service.save_mapping(principal(router), vendor_id, body))


@router.delete(
    "/vendors/<vendor_id>/feed-mapping",
    summary="Forget the saved column mapping",
    tags=TAGS,
    security=SIGNED_IN,
    responses={204: {"description": "Deleted"}},
)
def delete_feed_mapping(vendor_id: str, service: Service) -> Response[Any]:
    service.delete_mapping(principal(router), vendor_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)


def _source_out(source: FeedSource) -> FeedSourceOut:
    return FeedSourceOut(**source.model_dump(include=set(FeedSourceOut.model_fields)))


@router.get(
    "/vendors/<vendor_id>/feed-source",
    summary="The vendor's feed URL, fetched once a day, with its last pull",
    description="404 `feed_source_not_found` when none is registered.",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed_source(vendor_id: str, pulls: Pulls) -> FeedSourceOut:
    return _source_out(pulls.source(principal(router), vendor_id))


@router.put(
    "/vendors/<vendor_id>/feed-source",
    summary="Fetch the feed from this URL once a day",
    description=(
        "The URL is checked at once: https, no user or password, and a host that resolves to public addresses "
        "only (422 `https_required`, `credentials_in_url`, `private_address`, `host_not_found`); redirects are "
        "checked again when it is fetched. The first pull is due at once; each pull is an import in the history."
    ),
    tags=TAGS,
    security=SIGNED_IN,
)
def register_feed_source(vendor_id: str, body: Annotated[FeedSourceIn, Body()], pulls: Pulls) -> FeedSourceOut:
    return _source_out(pulls.register(principal(router), vendor_id, body))


@router.post(
    "/vendors/<vendor_id>/feed-source/pull",
    summary="Fetch the feed URL with the next run of the schedule (within minutes)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={202: {"description": "Due now", "content": {"application/json": {"model": FeedSourceOut}}}},
)
def pull_feed_source(vendor_id: str, pulls: Pulls) -> Response[Any]:
    due = _source_out(pulls.pull_soon(principal(router), vendor_id))
    return json_response(HTTPStatus.ACCEPTED, due.model_dump(mode="json"))


@router.delete(
    "/vendors/<vendor_id>/feed-source",
    summary="Stop fetching the feed URL",
    tags=TAGS,
    security=SIGNED_IN,
    responses={204: {"description": "Deleted"}},
)
def delete_feed_source(vendor_id: str, pulls: Pulls) -> Response[Any]:
    pulls.remove(principal(router), vendor_id)
    return Response(status_code=HTTPStatus.NO_CONTENT)
