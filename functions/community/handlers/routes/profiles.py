"""Profiles, follows and the feed of followed members."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.responses import created
from functions.community.handlers.dependencies import profile_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.profiles import ProfileService
from functions.community.models.api import (
    AvatarUpload,
    AvatarUploadInput,
    Feed,
    FollowView,
    NewsletterConfirmed,
    ProfileInput,
    ProfileView,
    PublicProfile,
)

router = Router()
Service = Annotated[ProfileService, Depends(profile_service)]


@router.get(
    "/me/profile",
    summary="The caller's community profile (with their referral code)",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_profile(service: Service) -> ProfileView:
    return service.me(principal(router))


@router.put(
    "/me/profile",
    summary="Replace the caller's profile: display name, avatar URL, bio, interests, languages, newsletter opt-in",
    description="Opting in to the newsletter publishes NewsletterOptInRequested with a confirmation link "
    "(valid 7 days); `newsletter` turns true once the member opens it (`newsletter_pending` until then).",
    tags=TAGS,
    security=SIGNED_IN,
)
def update_profile(request: Annotated[ProfileInput, Body()], service: Service) -> ProfileView:
    return service.update(principal(router), request)


@router.post(
    "/me/avatar",
    summary="Upload a new avatar: a presigned POST for one JPEG, PNG or WebP image of the declared size (≤ 2 MiB)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(AvatarUpload, "Upload allowed for 10 minutes; the profile's avatar_url serves it"),
)
def upload_avatar(request: Annotated[AvatarUploadInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.avatar_upload(principal(router), request))


@router.get(
    "/users/<user_id>/avatar",
    summary="A member's uploaded avatar (redirects to a short-lived link to the image)",
    tags=TAGS,
    responses={302: {"description": "Redirect to the image"}},
)
def avatar(user_id: str, service: Service) -> Response[None]:
    location = service.avatar(identifier(user_id, "member"))
    return Response(status_code=HTTPStatus.FOUND, headers={"Location": location, "Cache-Control": "max-age=300"})


@router.get(
    "/newsletter/confirm",
    summary="Confirm a newsletter opt-in: the link from the confirmation e-mail (double opt-in)",
    tags=TAGS,
)
def confirm_newsletter(
    service: Service, token: Annotated[str, Query(pattern=r"^[A-Za-z0-9]{6,64}$")]
) -> NewsletterConfirmed:
    return service.confirm_newsletter(token)


@router.get(
    "/users/<user_id>",
    summary="A member's public profile: contributions, badges, followers",
    tags=TAGS,
)
def public_profile(user_id: str, service: Service) -> PublicProfile:
    return service.public(identifier(user_id, "member"))


@router.put(
    "/users/<user_id>/follow",
    summary="Follow a member (idempotent)",
    tags=TAGS,
    security=SIGNED_IN,
)
def follow(user_id: str, service: Service) -> FollowView:
    return service.follow(principal(router), identifier(user_id, "member"))


@router.delete(
    "/users/<user_id>/follow",
    summary="Stop following a member (idempotent)",
    tags=TAGS,
    security=SIGNED_IN,
)
def unfollow(user_id: str, service: Service) -> FollowView:
    return service.unfollow(principal(router), identifier(user_id, "member"))


@router.get(
    "/me/feed",
    summary="New reviews and public collections of the members the caller follows, newest first",
    tags=TAGS,
    security=SIGNED_IN,
)
def feed(service: Service, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Feed:
    return service.feed(principal(router), limit)
