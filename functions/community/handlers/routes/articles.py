"""Editorial content: guides, brand stories and lookbooks; their comments and images."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.responses import created
from functions.community.handlers.dependencies import article_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.articles import ArticleFilter, ArticleService
from functions.community.logic.domain import ArticleKind
from functions.community.models.api import (
    ArticleCard,
    ArticleCommentView,
    ArticleImageUpload,
    ArticleImageUploadInput,
    ArticleInput,
    ArticleLanguage,
    ArticlePatch,
    ArticleView,
    CommentInput,
)

router = Router()
Service = Annotated[ArticleService, Depends(article_service)]
Limit = Annotated[int | None, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2000)]


@router.post(
    "/articles",
    summary="Write a guide, brand story (vendors, admins) or lookbook; members' articles wait for a moderator",
    description="The body is HTML, sanitised on write: scripts, styles, frames, event handlers and links other "
    'than http(s)/mailto are removed, links get rel="noopener nofollow". `publish_at` in the future keeps the '
    "article hidden until then; `draft` keeps it the author's alone. 403 `brand_story_vendors_only`, "
    "422 `looks_only_in_lookbooks`, `lookbook_needs_looks`, `moderation_refused` (vendors and admins).",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(ArticleView, "Article stored; see `state`"),
)
def create_article(request: Annotated[ArticleInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.create(principal(router), request))


@router.get(
    "/articles",
    summary="Public articles, newest first: by kind, tag, author, language; `q` searches title, summary and tags",
    description="`q` matches word prefixes with accents ignored (`kuche` finds `Küche`); 400 `query_too_short` "
    "without a word of 3 letters. A page may hold fewer than `limit` articles and still have a `next_cursor`.",
    tags=TAGS,
)
def list_articles(  # noqa: PLR0917 - one parameter per filter of the listing
    service: Service,
    kind: Annotated[ArticleKind | None, Query()] = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
    author: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")] = None,
    language: Annotated[ArticleLanguage | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Page[ArticleCard]:
    wanted = ArticleFilter(kind=kind, tag=tag, author=author, language=language, q=q)
    return service.search(wanted, limit, cursor)


@router.get(
    "/articles/<article_id>",
    summary="A public article with its sanitised body, looks and linked products",
    tags=TAGS,
)
def get_article(article_id: str, service: Service) -> ArticleView:
    return service.get(identifier(article_id, "article"))


@router.patch(
    "/articles/<article_id>",
    summary="Change an article (its author, its vendor or an admin); a member's edit waits for a moderator again",
    description="403 `not_your_article`; 409 `already_published` when a published article gets a future "
    "`publish_at`; 422 `validation_failed` for a null where a value is needed.",
    tags=TAGS,
    security=SIGNED_IN,
)
def update_article(article_id: str, request: Annotated[ArticlePatch, Body()], service: Service) -> ArticleView:
    return service.update(principal(router), identifier(article_id, "article"), request)


@router.delete(
    "/articles/<article_id>",
    summary="Delete an article (its author, its vendor or an admin)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={204: {"description": "Deleted"}},
)
def delete_article(article_id: str, service: Service) -> Response[None]:
    service.delete(principal(router), identifier(article_id, "article"))
    return Response(status_code=HTTPStatus.NO_CONTENT)


@router.get(
    "/articles/<article_id>/comments",
    summary="Published comments on a public article, newest first",
    tags=TAGS,
)
def list_article_comments(
    article_id: str, service: Service, limit: Limit = None, cursor: Cursor = None
) -> Page[ArticleCommentView]:
    return service.comments(identifier(article_id, "article"), limit, cursor)


@router.post(
    "/articles/<article_id>/comments",
    summary="Comment on a public article (links, e-mail addresses and phone numbers wait for a moderator)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(ArticleCommentView, "Comment stored; see `status`"),
)
def comment_article(article_id: str, request: Annotated[CommentInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.comment(principal(router), identifier(article_id, "article"), request))


@router.get(
    "/users/<user_id>/articles",
    summary="A member's public articles (their profile)",
    tags=TAGS,
)
def member_articles(user_id: str, service: Service, limit: Limit = None, cursor: Cursor = None) -> Page[ArticleCard]:
    return service.by_author(identifier(user_id, "member"), limit, cursor)


@router.get(
    "/me/articles",
    summary="The caller's articles in every state: drafts, pending, scheduled, published, rejected",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_articles(service: Service, limit: Limit = None, cursor: Cursor = None) -> Page[ArticleCard]:
    return service.mine(principal(router), limit, cursor)


@router.get(
    "/me/articles/<article_id>",
    summary="One of the caller's articles in any state (admins: any article but a draft), for the editor",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_article(article_id: str, service: Service) -> ArticleView:
    return service.mine_one(principal(router), identifier(article_id, "article"))


@router.post(
    "/article-images",
    summary="Upload an article image: a presigned POST for one JPEG, PNG or WebP image (≤ 5 MiB)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(ArticleImageUpload, "Upload allowed for 10 minutes; `image_url` serves it"),
)
def upload_article_image(request: Annotated[ArticleImageUploadInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.image_upload(principal(router), request))


@router.get(
    "/article-images/<image_id>",
    summary="An uploaded article image (redirects to a short-lived link to the image)",
    tags=TAGS,
    responses={302: {"description": "Redirect to the image"}},
)
def article_image(image_id: str, service: Service) -> Response[None]:
    location = service.image(identifier(image_id, "image"))
    return Response(status_code=HTTPStatus.FOUND, headers={"Location": location, "Cache-Control": "max-age=300"})
