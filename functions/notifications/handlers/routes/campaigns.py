"""Admin: newsletter campaigns (compose per language, preview, send once, counts), segment
previews; and the public tracking links of the mails (open pixel, click redirect)."""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query

from functions.common.api import IDEMPOTENCY_HEADER, SIGNED_IN, json_response, principal
from functions.common.errors import UnprocessableEntity
from functions.common.responses import answers, failures
from functions.common.values import Identifier
from functions.notifications.handlers.dependencies import campaign_service, segment_service, tracking_service
from functions.notifications.logic.campaigns import TRANSPARENT_GIF, CampaignService, CampaignTracking
from functions.notifications.logic.segments import Segment, SegmentPreview, SegmentService
from functions.notifications.models.campaigns import (
    CampaignIn,
    CampaignOut,
    CampaignPreviewOut,
    CampaignsPage,
    PreviewIn,
)

router = Router()
TAGS = ["campaigns"]
Campaigns = Annotated[CampaignService, Depends(campaign_service)]
Segments = Annotated[SegmentService, Depends(segment_service)]
Tracking = Annotated[CampaignTracking, Depends(tracking_service)]
PIXEL = base64.b64encode(TRANSPARENT_GIF).decode()
ADMIN_ONLY = failures(e401="unauthenticated", e403="missing_group")


def _list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


@router.get(
    "/admin/segments/preview",
    summary="How many confirmed subscribers a segment reaches, and a sample (admins)",
    description="Lists are comma-separated: `stages=fan,ambassador&affinities=lighting&active_within_days=30`.",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(SegmentPreview, "The segment's reach"), **ADMIN_ONLY, **failures(e422="invalid_segment")},
)
def preview_segment(
    service: Segments,
    stages: Annotated[str | None, Query(max_length=200)] = None,
    affinities: Annotated[str | None, Query(max_length=1000)] = None,
    active_within_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
    languages: Annotated[str | None, Query(max_length=20)] = None,
) -> SegmentPreview:
    caller = principal(router)
    try:
        segment = Segment.model_validate(
            {
                "stages": _list(stages),
                "affinities": _list(affinities),
                "active_within_days": active_within_days,
                "languages": _list(languages),
            }
        )
    except ValueError as exc:
        raise UnprocessableEntity("the segment is not valid", code="invalid_segment") from exc
    return service.preview(caller, segment)


@router.post(
    "/admin/campaigns",
    summary="Create a campaign draft: name, subject and HTML body per language (sanitised), segment (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {"description": "The draft", "content": {"application/json": {"model": CampaignOut}}},
        **ADMIN_ONLY,
        **failures(e422="validation_failed, empty_body, no_content"),
    },
)
def create_campaign(request: Annotated[CampaignIn, Body()], service: Campaigns) -> Response[Any]:
    created = service.create(principal(router), request)
    return json_response(HTTPStatus.CREATED, created.model_dump(mode="json"))


@router.get(
    "/admin/campaigns",
    summary="Campaigns, newest first, with their counts (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(CampaignsPage, "A page of campaigns"), **ADMIN_ONLY, **failures(e400="invalid_cursor")},
)
def list_campaigns(
    service: Campaigns,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> CampaignsPage:
    page = service.list(principal(router), limit, cursor)
    return CampaignsPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/admin/campaigns/<campaign_id>",
    summary="A campaign with its status and delivered, opened and clicked counts (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(CampaignOut, "The campaign"), **ADMIN_ONLY, **failures(e404="campaign_not_found")},
)
def get_campaign(campaign_id: Identifier, service: Campaigns) -> CampaignOut:
    return service.get(principal(router), campaign_id)


@router.put(
    "/admin/campaigns/<campaign_id>",
    summary="Replace a draft (admins); `expected_revision` guards against concurrent edits",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        **answers(CampaignOut, "The saved draft"),
        **ADMIN_ONLY,
        **failures(
            e404="campaign_not_found",
            e409="campaign_not_draft, campaign_changed",
            e422="validation_failed, empty_body, no_content",
        ),
    },
)
def update_campaign(campaign_id: Identifier, request: Annotated[CampaignIn, Body()], service: Campaigns) -> CampaignOut:
    return service.update(principal(router), campaign_id, request)


@router.post(
    "/admin/campaigns/<campaign_id>/preview",
    summary="The campaign's mail in one language as a recipient gets it, and how many it reaches (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(CampaignPreviewOut, "The rendered mail"), **ADMIN_ONLY, **failures(e404="campaign_not_found")},
)
def preview_campaign(
    campaign_id: Identifier, request: Annotated[PreviewIn, Body()], service: Campaigns
) -> CampaignPreviewOut:
    return service.preview(principal(router), campaign_id, request.language)


@router.post(
    "/admin/campaigns/<campaign_id>/send",
    summary="Send the campaign to its segment's confirmed subscribers, once (admins)",
    description="Recipients are resolved and mailed in batches at the stage's send rate. Repeating the request "
    "with the same Idempotency-Key answers as the first time; any other repeat is 409 `campaign_already_sent`.",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        202: {"description": "Queued", "content": {"application/json": {"model": CampaignOut}}},
        **ADMIN_ONLY,
        **failures(e400="invalid_idempotency_key", e404="campaign_not_found", e409="campaign_already_sent"),
    },
)
def send_campaign(
    campaign_id: Identifier,
    service: Campaigns,
    key: Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, max_length=128)] = None,
) -> Response[Any]:
    queued = service.send(principal(router), campaign_id, key)
    return json_response(HTTPStatus.ACCEPTED, queued.model_dump(mode="json"))


@router.get(
    "/t/o/<token>",
    summary="Open tracking: a 1x1 GIF (`/t/o/{token}.gif`); counts the first open of a campaign per member",
    tags=TAGS,
    responses={200: {"description": "A transparent GIF", "content": {"image/gif": {}}}},
)
def open_pixel(token: str, service: Tracking) -> Response[str]:
    service.opened(token)
    pixel: Response[str] = Response(
        status_code=HTTPStatus.OK,
        content_type="image/gif",
        body=PIXEL,
        headers={"Cache-Control": "no-store"},
    )
    pixel.base64_encoded = True  # the body is the GIF in base64, as API Gateway takes binary answers
    return pixel


@router.get(
    "/t/c/<token>",
    summary="Click tracking: redirects to the link signed into the token (nowhere else); counts the first click",
    tags=TAGS,
    responses={
        302: {"description": "Redirect to the campaign's link"},
        **failures(e400="link_expired", e404="link_not_found"),
    },
)
def click(token: str, service: Tracking) -> Response[None]:
    target = service.clicked(token)
    return Response(status_code=HTTPStatus.FOUND, headers={"Location": target, "Cache-Control": "no-store"})
