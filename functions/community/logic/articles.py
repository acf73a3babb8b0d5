"""Editorial content: guides, brand stories and lookbooks.

Vendors (for their vendor; brand stories are theirs and admins'), admins and members write
articles. Vendors' and admins' articles are public at once (or at `publish_at`); members' articles
wait in the moderation queue first. The body is HTML, sanitised on write (logic/html.py). Drafts
are their author's alone. A scheduled article stays hidden until the scheduled publisher
(`publish_due`, every minute) publishes it; every first publication publishes `ArticlePublished`
through the outbox. Members comment on public articles under the rules of collection comments
(links, e-mail addresses, phone numbers go to the moderation queue).

Lists (in the table, ordered by publication): every public article, per kind, per language, per
tag, per author, and one per 3-letter word prefix for search (logic/search.py). A listing reads
the most specific of those lists and checks the other filters on each article, reading at most
`SCAN_ROUNDS` slices per page: a page may hold fewer than `limit` articles and still have a
`next_cursor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from pydantic import ValidationError

from functions.common.auth import Principal, Role
from functions.common.errors import BadRequest, Conflict, Forbidden, NotFound, Unavailable, UnprocessableEntity
from functions.common.events import DomainEvent
from functions.common.pagination import Page, clamp_limit
from functions.community.logic.comments import CommentThread
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.domain import (
    Article,
    ArticleComment,
    ArticleKind,
    ArticleState,
    AuthorKind,
    CaseState,
    Look,
    article_author,
    cleared_state,
    sortable,
)
from functions.community.logic.html import plain_text, sanitise
from functions.community.logic.members import member_since
from functions.community.logic.moderation import Outcome, case_of, screen_text
from functions.community.logic.paging import page_of, retrying
from functions.community.logic.ports import Change, Delete, Doc, Link, Put, Ref, Unlink, Uploads
from functions.community.logic.search import lookup_term, matches, query_words, terms, words
from functions.community.models.api import (
    ArticleCard,
    ArticleCommentView,
    ArticleImageUpload,
    ArticleImageUploadInput,
    ArticleInput,
    ArticlePatch,
    ArticleView,
    CommentInput,
)
from functions.community.models.events import ArticlePublished

ALL, EVERY = "articles", "all"
BY_KIND, BY_LANGUAGE, BY_TAG, PUBLIC_BY = "articles_kind", "articles_lang", "articles_tag", "articles_public_by"
BY_AUTHOR = "articles_by"
"""Every article of an author, drafts too (the author's own list)."""
DUE = "articles_due"
"""Scheduled articles by `publish_at`."""
TERMS = "article_terms"
COMMENTS = "article_comments"
SCAN_ROUNDS = 5
INDEX_BATCH = 90
PUBLISH_BATCH = 100
PUBLISH_ROUNDS = 10
IMAGE_UPLOAD_SECONDS = 600
IMAGE_READ_SECONDS = 3600
NULLABLE = frozenset({"cover_image", "publish_at"})
MEMBER_ARTICLE = "member_article"
"""The reason every member's article waits for a moderator."""


@dataclass(frozen=True)
class ArticleFilter:
    kind: ArticleKind | None = None
    tag: str | None = None
    author: str | None = None
    language: str | None = None
    q: str | None = None


def _ref(article_id: str) -> Ref:
    return Ref("article", article_id)


def _public_lists(article: Article) -> set[tuple[str, str]]:
    """The public lists a published article is in."""
    lists = {(ALL, EVERY), (BY_KIND, article.kind.value), (BY_LANGUAGE, article.language)}
    lists |= {(BY_TAG, tag) for tag in article.tags}
    lists.add((PUBLIC_BY, article.author_id))
    return lists


def _search_terms(article: Article) -> set[str]:
    return terms(article.title, article.summary, *article.tags)


def _as_input(article: Article) -> dict[str, Any]:
    """An article's content as the fields of an `ArticleInput` (what a PATCH changes)."""
    return {
        "kind": article.kind,
        "title": article.title,
        "language": article.language,
        "summary": article.summary,
        "body": article.body,
        "cover_image": article.cover_image,
        "images": article.images,
        "product_ids": article.product_ids,
        "looks": [look.model_dump() for look in article.looks],
        "tags": article.tags,
        "publish_at": article.publish_at,
        "draft": article.state is ArticleState.DRAFT,
    }


class ArticleService:
    def __init__(self, deps: Deps, urls: PublicUrls, uploads: Uploads | None):
        self._docs = deps.docs
        self._screener = deps.screener
        self._cursors = deps.cursors
        self._clock = deps.clock
        self._new_id = deps.new_id
        self._urls = urls
        self._uploads = uploads
        self._comments = CommentThread(deps, ArticleComment, "article_comment", ("article", "article_id"), COMMENTS)

    # --- reading ---------------------------------------------------------------------------

    def _load(self, article_id: str) -> tuple[Article, Doc]:
        doc = self._docs.get(_ref(article_id))
        if doc is None:
            raise NotFound("no such article", code="article_not_found")
        return Article.model_validate(doc.data), doc

    @staticmethod
    def _insider(principal: Principal | None, article: Article) -> bool:
        """The author, or (vendors' articles) a member of the same vendor."""
        if principal is None:
            return False
        if principal.user_id == article.author_id:
            return True
        return bool(article.vendor_id and principal.has(Role.VENDOR) and principal.vendor_id == article.vendor_id)

    def _visible(self, principal: Principal | None, article_id: str) -> tuple[Article, Doc]:
        """Public articles for everyone; drafts for insiders only; the rest also for admins."""
        article, doc = self._load(article_id)
        if article.listed or self._insider(principal, article):
            return article, doc
        if principal is not None and principal.has(Role.ADMIN) and article.state is not ArticleState.DRAFT:
            return article, doc
        raise NotFound("no such article", code="article_not_found")

    def get(self, article_id: str) -> ArticleView:
        """A public article."""
        return ArticleView.of(self._visible(None, article_id)[0])

    def mine(self, principal: Principal, limit: int | None, cursor: str | None) -> Page[ArticleCard]:
        """The caller's articles in every state (drafts, pending, scheduled, ...), newest first."""
        page = page_of(self._docs, self._cursors, BY_AUTHOR, principal.user_id, Article, limit=limit, cursor=cursor)
        return Page[ArticleCard](items=[ArticleCard.of(a) for a in page.items], next_cursor=page.next_cursor)

    def mine_one(self, principal: Principal, article_id: str) -> ArticleView:
        """One of the caller's articles (or, for admins, any but a draft), in whatever state."""
        return ArticleView.of(self._visible(principal, article_id)[0])

    def by_author(self, user_id: str, limit: int | None, cursor: str | None) -> Page[ArticleCard]:
        """A member's public articles (their profile)."""
        return self.search(ArticleFilter(author=user_id), limit, cursor)

    def search(self, wanted: ArticleFilter, limit: int | None, cursor: str | None) -> Page[ArticleCard]:
        """Public articles matching every filter, newest first; `q` searches title, summary and tags
        (word prefixes, accents ignored; 400 `query_too_short` without a word of 3 letters)."""
        query = query_words(wanted.q or "")
        tag = wanted.tag.strip().lower() if wanted.tag else None
        if wanted.q is not None and wanted.q.strip():
            term = lookup_term(query)
            if term is None:
                raise BadRequest("search for at least one word of 3 letters or more", code="query_too_short")
            source = (TERMS, term)
        elif wanted.author:
            source = (PUBLIC_BY, wanted.author)
        elif tag:
            source = (BY_TAG, tag)
        elif wanted.kind:
            source = (BY_KIND, wanted.kind.value)
        elif wanted.language:
            source = (BY_LANGUAGE, wanted.language)
        else:
            source = (ALL, EVERY)

        def keep(article: Article) -> bool:
            return (
                article.listed
                and (wanted.kind is None or article.kind is wanted.kind)
                and (tag is None or tag in article.tags)
                and (wanted.author is None or article.author_id == wanted.author)
                and (wanted.language is None or article.language == wanted.language)
                and matches(query, words(article.title, article.summary, *article.tags))
            )

        return self._scan(source, keep, limit, cursor)

    def _scan(self, source: tuple[str, str], keep: Any, limit: int | None, cursor: str | None) -> Page[ArticleCard]:
        size = clamp_limit(limit)
        name, scope = source
        cursor_scope = f"{name}:{scope}"
        after = self._cursors.decode(cursor, cursor_scope)
        start = {key: str(value) for key, value in after.items()} if after else None
        kept: list[Article] = []
        for _ in range(SCAN_ROUNDS):
            # Never read more than the page still needs: the cursor is then the end of the slice.
            found = self._docs.entries(name, scope, limit=size - len(kept), after=start)
            loaded = self._docs.get_many([entry.ref for entry in found.entries])
            for entry in found.entries:
                if entry.ref in loaded:
                    article = Article.model_validate(loaded[entry.ref].data)
                    if keep(article):
                        kept.append(article)
            start = found.after
            if start is None or len(kept) >= size:
                break
        return Page[ArticleCard](
            items=[ArticleCard.of(a) for a in kept], next_cursor=self._cursors.encode(start, cursor_scope)
        )

    # --- writing ---------------------------------------------------------------------------

    @staticmethod
    def _content(request: ArticleInput) -> dict[str, Any]:
        """The stored content of a request: the body sanitised, the kind's rules checked."""
        if request.looks and request.kind is not ArticleKind.LOOKBOOK:
            raise UnprocessableEntity("only lookbooks have looks", code="looks_only_in_lookbooks")
        if request.kind is ArticleKind.LOOKBOOK and not request.looks and not request.draft:
            raise UnprocessableEntity("a lookbook needs at least one look", code="lookbook_needs_looks")
        return {
            "title": request.title,
            "language": request.language,
            "summary": request.summary,
            "body": sanitise(request.body),
            "cover_image": request.cover_image,
            "images": list(dict.fromkeys(request.images)),
            "product_ids": list(dict.fromkeys(request.product_ids)),
            "looks": [
                Look(image=look.image, caption=look.caption, product_ids=look.product_ids) for look in request.looks
            ],
            "tags": list(dict.fromkeys(request.tags)),
            "publish_at": request.publish_at.astimezone(UTC) if request.publish_at else None,
        }

    def _clearance(self, article: Article, draft: bool, trusted: bool) -> tuple[ArticleState, list[str]]:
        """Where a submitted article stands: members' wait for a moderator (profanity rejects
        them); vendors' and admins' are refused with profanity (422) and public otherwise."""
        if draft:
            return ArticleState.DRAFT, []
        captions = [look.caption for look in article.looks]
        reasons = screen_text(
            "\n".join([article.title, article.summary, plain_text(article.body), *captions, *article.tags])
        )
        if trusted:
            if "profanity" in reasons:
                raise UnprocessableEntity("the article contains words we do not allow", code="moderation_refused")
            return cleared_state(article.publish_at, self._clock()), []
        if "profanity" in reasons:
            return ArticleState.REJECTED, reasons
        return ArticleState.PENDING, [*reasons, MEMBER_ARTICLE]

    def _transition(
        self, before: Article | None, after: Article, changes: list[Change], events: list[DomainEvent]
    ) -> Article:
        """Keep the lists in step with `after` (public lists, the schedule); the first publication
        sets `published_at` and publishes ArticlePublished. Returns `after` as it is to be saved."""
        ref = _ref(after.article_id)
        now = self._clock()
        if after.listed and after.published_at is None:
            after = after.model_copy(update={"published_at": now})
            events.append(
                ArticlePublished(
                    article_id=after.article_id,
                    kind=after.kind.value,
                    author_id=after.author_id,
                    vendor_id=after.vendor_id,
                    language=after.language,
                    title=after.title,
                    tags=after.tags,
                    product_ids=after.linked_products(),
                    published_at=now,
                )
            )
        was = _public_lists(before) if before is not None and before.listed else set()
        will = _public_lists(after) if after.listed else set()
        changes += [Unlink(name, scope, ref) for name, scope in sorted(was - will)]
        if after.listed:
            sort = sortable(after.published_at or now)
            changes += [Link(name, scope, ref, sort) for name, scope in sorted(will)]
        if after.state is ArticleState.SCHEDULED and after.publish_at is not None:
            changes.append(Link(DUE, EVERY, ref, sortable(after.publish_at)))
        elif before is not None and before.state is ArticleState.SCHEDULED:
            changes.append(Unlink(DUE, EVERY, ref))
        return after

    def _reindex(self, before: Article | None, after: Article | None) -> None:
        """The search lists of an article, after its change was committed (in batches: an article
        can be in more lists than one transaction holds; readers check every candidate)."""
        old = _search_terms(before) if before is not None and before.listed else set()
        new = _search_terms(after) if after is not None and after.listed else set()
        subject = after or before
        if subject is None:
            return
        ref = _ref(subject.article_id)
        changes: list[Change] = [Unlink(TERMS, term, ref) for term in sorted(old - new)]
        if after is not None and new:
            moved = before is None or before.published_at != after.published_at
            sort = sortable(after.published_at or self._clock())
            changes += [Link(TERMS, term, ref, sort) for term in sorted(new if moved else new - old)]
        for start in range(0, len(changes), INDEX_BATCH):
            self._docs.commit(changes[start : start + INDEX_BATCH])

    def create(self, principal: Principal, request: ArticleInput) -> ArticleView:
        """Write an article (201). Brand stories: vendors and admins only (403
        `brand_story_vendors_only`)."""
        author = article_author(principal)
        if request.kind is ArticleKind.BRAND_STORY and author is AuthorKind.MEMBER:
            raise Forbidden("brand stories are written by vendors", code="brand_story_vendors_only")
        content = self._content(request)
        article_id = self._new_id()

        def attempt() -> Article:
            now = self._clock()
            article = Article(
                article_id=article_id,
                kind=request.kind,
                author_id=principal.user_id,
                author_kind=author,
                vendor_id=principal.vendor_id if author is AuthorKind.VENDOR else None,
                state=ArticleState.DRAFT,
                created_at=now,
                updated_at=now,
                **content,
            )
            state, reasons = self._clearance(article, request.draft, trusted=author is not AuthorKind.MEMBER)
            article = article.model_copy(update={"state": state, "reasons": reasons})
            ref = _ref(article_id)
            changes: list[Change] = [Link(BY_AUTHOR, principal.user_id, ref, sortable(now))]
            changes += member_since(self._docs, principal.user_id, now)[1]
            changes += self._case(article, principal.user_id)
            events: list[DomainEvent] = []
            article = self._transition(None, article, changes, events)
            changes.insert(0, Put(ref, article.model_dump(mode="json"), expect=0))
            self._docs.commit(changes, events)
            return article

        article = retrying(attempt)
        self._reindex(None, article)
        return ArticleView.of(article)

    def _case(self, article: Article, author_id: str) -> list[Change]:
        """The moderation case of an article that now waits for a moderator."""
        if article.state is not ArticleState.PENDING:
            return []
        case = case_of(
            self._new_id,
            self._clock(),
            ("article", article.article_id),
            author_id,
            article.title,
            article.summary,
            plain_text(article.body),
            reasons=article.reasons,
        )
        ref = Ref("case", case.case_id)
        return [
            Put(ref, case.model_dump(mode="json"), expect=0),
            Link("cases", CaseState.OPEN, ref, sortable(case.created_at)),
        ]

    def _owned(self, principal: Principal, article_id: str) -> tuple[Article, Doc]:
        article, doc = self._visible(principal, article_id)
        if not (self._insider(principal, article) or principal.has(Role.ADMIN)):
            raise Forbidden("only its author or an admin can change this article", code="not_your_article")
        return article, doc

    def update(self, principal: Principal, article_id: str, patch: ArticlePatch) -> ArticleView:
        """Change an article (its author, its vendor, or an admin; 403 `not_your_article`). A
        member's edited article waits for a moderator again; an admin's edit needs none."""
        updates = patch.model_dump(exclude_unset=True)
        nulls = sorted(key for key, value in updates.items() if value is None and key not in NULLABLE)
        if nulls:
            raise UnprocessableEntity(f"{', '.join(nulls)} cannot be null", code="validation_failed")

        def attempt() -> tuple[Article, Article]:
            before, doc = self._owned(principal, article_id)
            try:
                request = ArticleInput.model_validate({**_as_input(before), **updates})
            except ValidationError as exc:
                raise UnprocessableEntity("the article is not valid", code="validation_failed") from exc
            now = self._clock()
            if (
                before.state is ArticleState.PUBLISHED
                and not request.draft
                and request.publish_at is not None
                and request.publish_at > now
            ):
                raise Conflict("a published article cannot be scheduled", code="already_published")
            after = before.model_copy(update={**self._content(request), "updated_at": now})
            trusted = before.author_kind is not AuthorKind.MEMBER or principal.has(Role.ADMIN)
            state, reasons = self._clearance(after, request.draft, trusted)
            after = after.model_copy(update={"state": state, "reasons": reasons})
            changes: list[Change] = [] if before.state is ArticleState.PENDING else self._case(after, before.author_id)
            events: list[DomainEvent] = []
            after = self._transition(before, after, changes, events)
            changes.insert(0, Put(doc.ref, after.model_dump(mode="json"), expect=doc.version))
            self._docs.commit(changes, events)
            return before, after

        before, after = retrying(attempt)
        self._reindex(before, after)
        return ArticleView.of(after)

    def delete(self, principal: Principal, article_id: str) -> None:
        """Delete an article (its author, its vendor, or an admin; 403 `not_your_article`)."""

        def attempt() -> Article:
            article, doc = self._owned(principal, article_id)
            ref = doc.ref
            changes: list[Change] = [Delete(ref, expect=doc.version), Unlink(BY_AUTHOR, article.author_id, ref)]
            if article.listed:
                changes += [Unlink(name, scope, ref) for name, scope in sorted(_public_lists(article))]
            if article.state is ArticleState.SCHEDULED:
                changes.append(Unlink(DUE, EVERY, ref))
            self._docs.commit(changes)
            return article

        self._reindex(retrying(attempt), None)

    # --- images ----------------------------------------------------------------------------

    def _storage(self) -> Uploads:
        if self._uploads is None:
            raise Unavailable("images are not available here", code="uploads_unavailable")
        return self._uploads

    def image_upload(self, principal: Principal, request: ArticleImageUploadInput) -> ArticleImageUpload:
        """A presigned upload of an article image (cover, inline or look); the storage's policy
        enforces the declared type and size. The image is served by GET /article-images/{id}."""
        image_id = self._new_id()
        upload = self._storage().presign_upload(
            f"articles/{image_id}", request.content_type, request.size, IMAGE_UPLOAD_SECONDS
        )
        return ArticleImageUpload(
            url=upload.url,
            fields=upload.fields,
            image_url=f"{self._urls.api_url}/article-images/{image_id}",
            expires_in=IMAGE_UPLOAD_SECONDS,
        )

    def image(self, image_id: str) -> str:
        """Where an article image can be read now (a short-lived link)."""
        return self._storage().download_url(f"articles/{image_id}", IMAGE_READ_SECONDS)

    # --- comments --------------------------------------------------------------------------

    def comment(self, principal: Principal, article_id: str, request: CommentInput) -> ArticleCommentView:
        """Comment on a public article; screened like collection comments (links wait for a moderator)."""
        comment_id = self._new_id()

        def attempt() -> ArticleComment:
            article, _ = self._visible(None, article_id)
            return self._comments.post(principal.user_id, article.article_id, comment_id, request.text)

        return ArticleCommentView.model_validate(retrying(attempt).model_dump())

    def comments(self, article_id: str, limit: int | None, cursor: str | None) -> Page[ArticleCommentView]:
        self._visible(None, article_id)
        return page_of(self._docs, self._cursors, COMMENTS, article_id, ArticleCommentView, limit=limit, cursor=cursor)

    # --- moderation and the schedule -------------------------------------------------------

    def article_moderated(self, article_id: str, approve: bool) -> Outcome:
        """A moderator's decision on a member's article: public (or scheduled), or rejected."""
        doc = self._docs.get(_ref(article_id))
        if doc is None:
            return Outcome(changes=[])
        before = Article.model_validate(doc.data)
        if before.state is not ArticleState.PENDING:
            return Outcome(changes=[])
        state = cleared_state(before.publish_at, self._clock()) if approve else ArticleState.REJECTED
        after = before.model_copy(update={"state": state})
        changes: list[Change] = []
        events: list[DomainEvent] = []
        after = self._transition(before, after, changes, events)
        changes.insert(0, Put(doc.ref, after.model_dump(mode="json"), expect=doc.version))
        return Outcome(changes, events, after=lambda: self._reindex(before, after))

    def comment_moderated(self, comment_id: str, approve: bool) -> Outcome:
        return self._comments.moderated(comment_id, approve)

    def publish_due(self) -> int:
        """Publish the scheduled articles whose time has come; returns how many."""
        published = 0
        for _ in range(PUBLISH_ROUNDS):
            due = self._docs.entries(DUE, EVERY, limit=PUBLISH_BATCH, ascending=True, until=sortable(self._clock()))
            for entry in due.entries:
                published += self._publish(entry.ref)
            if len(due.entries) < PUBLISH_BATCH:
                break
        return published

    def _publish(self, ref: Ref) -> int:
        def attempt() -> tuple[Article, Article] | None:
            doc = self._docs.get(ref)
            before = Article.model_validate(doc.data) if doc is not None else None
            if doc is None or before is None or before.state is not ArticleState.SCHEDULED:
                self._docs.commit([Unlink(DUE, EVERY, ref)])  # a stale entry
                return None
            after = before.model_copy(update={"state": cleared_state(before.publish_at, self._clock())})
            if after.state is not ArticleState.PUBLISHED:
                return None
            changes: list[Change] = []
            events: list[DomainEvent] = []
            after = self._transition(before, after, changes, events)
            changes.insert(0, Put(ref, after.model_dump(mode="json"), expect=doc.version))
            self._docs.commit(changes, events)
            return before, after

        try:
            done = retrying(attempt)
        except Conflict:
            return 0  # still due: the next run publishes it
        if done is None:
            return 0
        self._reindex(*done)
        return 1
