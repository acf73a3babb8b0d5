"""REST API of the community context: the Lambda entry point and its routes."""

from __future__ import annotations

from functions.common.api import create_api, lambda_entry
from functions.community.handlers.routes import (
    articles,
    collections,
    feedback,
    hearts,
    ideas,
    invitations,
    moderation,
    profiles,
    questions,
    reports,
    reviews,
    shares,
)

app = create_api("community")
for area in (
    reviews,
    questions,
    reports,
    hearts,
    collections,
    ideas,
    shares,
    profiles,
    feedback,
    moderation,
    articles,
    invitations,
):
    app.include_router(area.router)
handler = lambda_entry(app)
