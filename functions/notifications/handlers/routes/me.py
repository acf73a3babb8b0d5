"""The signed-in member's notifications: inbox, preferences (with consent), push devices."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.responses import answers, failures
from functions.common.values import Identifier
from functions.notifications.handlers.dependencies import member_service
from functions.notifications.logic.members import MemberService
from functions.notifications.models.api import (
    DeviceIn,
    DeviceOut,
    InboxPage,
    PreferencesIn,
    PreferencesOut,
    ReadAllOut,
)

router = Router()
TAGS = ["notifications"]
Members = Annotated[MemberService, Depends(member_service)]


@router.get(
    "/me/notifications",
    summary="My inbox, newest first (paged), with the unread count",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(
        InboxPage, "A page of notifications", e400="invalid_cursor, invalid_limit", e401="unauthenticated"
    ),
)
def inbox(
    service: Members,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> InboxPage:
    return service.inbox(principal(router), limit, cursor)


@router.post(
    "/me/notifications/<notification_id>/read",
    summary="Mark one notification read",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(ReadAllOut, "Marked", e401="unauthenticated", e404="notification_not_found"),
)
def read(service: Members, notification_id: Identifier) -> ReadAllOut:
    return service.mark_read(principal(router), notification_id)


@router.post(
    "/me/notifications/read-all",
    summary="Mark every notification read",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(ReadAllOut, "Marked", e401="unauthenticated"),
)
def read_all(service: Members) -> ReadAllOut:
    return service.mark_all_read(principal(router))


@router.get(
    "/me/notification-preferences",
    summary="My notification preferences: channels per topic, language, quiet hours, daily cap, consents",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(PreferencesOut, "My preferences", e401="unauthenticated"),
)
def preferences(service: Members) -> PreferencesOut:
    return service.preferences(principal(router))


@router.put(
    "/me/notification-preferences",
    summary="Change my notification preferences; every opt-in and opt-out is recorded with the wording shown",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(
        PreferencesOut, "Saved", e400="invalid_timezone", e401="unauthenticated", e409="preferences_changed"
    ),
)
def update_preferences(service: Members, body: Annotated[PreferencesIn, Body()]) -> PreferencesOut:
    return service.update_preferences(principal(router), body)


@router.post(
    "/me/devices",
    summary="Register a device for push (creates its SNS platform endpoint)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {"description": "Registered", "content": {"application/json": {"model": DeviceOut}}},
        **failures(e400="push_unavailable, invalid_device_token", e401="unauthenticated"),
    },
)
def register_device(service: Members, body: Annotated[DeviceIn, Body()]) -> Response[Any]:
    device = service.register_device(principal(router), body)
    return Response(HTTPStatus.CREATED, content_type="application/json", body=device.model_dump(mode="json"))


@router.delete(
    "/me/devices/<device_id>",
    summary="Unregister a device (deletes its platform endpoint)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={204: {"description": "Removed"}, **failures(e401="unauthenticated", e404="device_not_found")},
)
def remove_device(service: Members, device_id: Identifier) -> Response[None]:
    service.remove_device(principal(router), device_id)
    return Response(HTTPStatus.NO_CONTENT)
