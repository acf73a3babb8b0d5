"""The newsletter: the double opt-in's confirmation page (public, the signed link is the
authentication) and the member's own subscription."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.api import SIGNED_IN, principal
from functions.common.responses import answers, failures
from functions.notifications.handlers.dependencies import newsletter_service
from functions.notifications.logic.newsletter import NewsletterService
from functions.notifications.models.campaigns import NewsletterConfirmIn, NewsletterOut, NewsletterWording

router = Router()
TAGS = ["newsletter"]
Newsletter = Annotated[NewsletterService, Depends(newsletter_service)]
LINK_ERRORS = {"e400": "link_expired", "e404": "link_not_found"}


@router.get(
    "/newsletter/confirm/<token>",
    summary="What the confirmation page shows: the address (masked), the consent wording and interests",
    tags=TAGS,
    responses=answers(NewsletterWording, "The wording to confirm", **LINK_ERRORS),
)
def confirmation(token: str, service: Newsletter) -> NewsletterWording:
    return service.wording(token)


@router.post(
    "/newsletter/confirm/<token>",
    summary="Confirm the newsletter (double opt-in): records the consent with its time and wording, and interests",
    tags=TAGS,
    responses={
        **answers(NewsletterOut, "Subscribed (a repeat answers alike)", **LINK_ERRORS),
        **failures(e409="link_used", e422="validation_failed, unknown_wording"),
    },
)
def confirm(token: str, request: Annotated[NewsletterConfirmIn, Body()], service: Newsletter) -> NewsletterOut:
    return service.confirm(token, request)


@router.get(
    "/me/newsletter",
    summary="My newsletter subscription: status, address, interests and the consent as given",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(NewsletterOut, "The subscription", e401="unauthenticated"),
)
def my_newsletter(service: Newsletter) -> NewsletterOut:
    return service.status(principal(router))


@router.delete(
    "/me/newsletter",
    summary="Unsubscribe from the newsletter (recorded like the consent; repeating it changes nothing)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(NewsletterOut, "Unsubscribed", e401="unauthenticated"),
)
def unsubscribe(service: Newsletter) -> NewsletterOut:
    return service.unsubscribe(principal(router))
