"""Vendor accounts: apply, approve, profile and terms, public storefront, dashboard."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, json_response, principal
from functions.common.pagination import Page
from functions.vendor.handlers.dependencies import vendor_service
from functions.vendor.logic.domain import VendorStatus
from functions.vendor.logic.vendors import VendorService
from functions.vendor.models.api import (
    Dashboard,
    Storefront,
    VendorApplication,
    VendorApplicationOut,
    VendorApproval,
    VendorDecline,
    VendorOut,
    VendorPatch,
)

router = Router()
TAGS = ["vendor"]
Service = Annotated[VendorService, Depends(vendor_service)]


@router.post(
    "/vendors",
    summary="Apply as a vendor",
    description="Any signed-in user applies; an admin approves and the applicant becomes the vendor's owner.",
    tags=TAGS,
    security=SIGNED_IN,
    responses={201: {"description": "Application stored", "content": {"application/json": {"model": VendorOut}}}},
)
def apply(body: Annotated[VendorApplication, Body()], service: Service) -> Response[Any]:
    vendor = service.apply(principal(router), body)
    return json_response(HTTPStatus.CREATED, vendor.model_dump(mode="json"))


@router.post(
    "/admin/vendors/<vendor_id>/approve",
    summary="Approve a vendor application",
    description="Admin only. Binds the applicant to the vendor (Cognito group and custom:vendor_id).",
    tags=TAGS,
    security=SIGNED_IN,
)
def approve(vendor_id: str, service: Service, body: Annotated[VendorApproval | None, Body()] = None) -> VendorOut:
    return service.approve(principal(router), vendor_id, body or VendorApproval())


@router.post(
    "/admin/vendors/<vendor_id>/decline",
    summary="Decline a vendor application",
    description="Admin only, pending applications only. The applicant sees the reason and may change and resubmit.",
    tags=TAGS,
    security=SIGNED_IN,
)
def decline(vendor_id: str, body: Annotated[VendorDecline, Body()], service: Service) -> VendorOut:
    return service.decline(principal(router), vendor_id, body)


@router.get(
    "/admin/vendors",
    summary="Vendor applications and accounts by status",
    description="Admin only. Oldest application first; `status=pending` is the queue to decide on.",
    tags=TAGS,
    security=SIGNED_IN,
)
def list_vendors(
    service: Service,
    status: Annotated[VendorStatus, Query()] = "pending",
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Page[VendorApplicationOut]:
    return service.applications(principal(router), status, limit, cursor)


@router.get(
    "/me/vendor",
    summary="My vendor account or application",
    description="404 `no_application` until the caller applies (POST /vendors).",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_vendor(service: Service) -> VendorOut:
    return service.mine(principal(router))


@router.get("/vendors/<vendor_id>", summary="A vendor's profile and terms", tags=TAGS, security=SIGNED_IN)
def get_vendor(vendor_id: str, service: Service) -> VendorOut:
    return service.get(principal(router), vendor_id)


@router.patch(
    "/vendors/<vendor_id>",
    summary="Change profile, shipping rules or return and service policy",
    tags=TAGS,
    security=SIGNED_IN,
)
def patch_vendor(vendor_id: str, body: Annotated[VendorPatch, Body()], service: Service) -> VendorOut:
    return service.patch(principal(router), vendor_id, body)


@router.get("/vendors/<vendor_id>/storefront", summary="A vendor's public storefront", tags=TAGS)
def storefront(
    vendor_id: str,
    service: Service,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Storefront:
    return service.storefront(vendor_id, limit, cursor)


@router.get(
    "/vendors/<vendor_id>/dashboard",
    summary="Offers, stock and the last feed at a glance",
    tags=TAGS,
    security=SIGNED_IN,
)
def dashboard(vendor_id: str, service: Service) -> Dashboard:
    return service.dashboard(principal(router), vendor_id)
