"""Collections and outfits: a member composes a named collection of products from any vendors
(notes per item, a cover image), keeps it private or makes it public; others rate it (1-5, not
their own) and comment; public collections rank in "top collections" (a Bayesian average, so a
few five-star ratings do not beat many good ones). Only the owner edits or deletes a collection
(admins may delete). "Add all to cart" is the client's: the view lists every product id.
"""

from __future__ import annotations

from functools import partial

from functions.common.auth import Principal, Role
from functions.common.errors import Forbidden, NotFound
from functions.common.events import DomainEvent
from functions.common.pagination import Page
from functions.community.logic.comments import CommentThread
from functions.community.logic.deps import Deps
from functions.community.logic.domain import (
    Collection,
    CollectionItem,
    CollectionRating,
    Comment,
    Status,
    sortable,
    top_score,
)
from functions.community.logic.moderation import Outcome, Verdict, case_of
from functions.community.logic.paging import page_of, retrying
from functions.community.logic.ports import Change, Delete, Doc, Link, Put, Ref, Unlink
from functions.community.models.api import CollectionInput, CollectionView, CommentInput, CommentView
from functions.community.models.events import CollectionPublished, CollectionRated

PUBLIC = "public"


def _top_sort(collection: Collection) -> str:
    return f"{top_score(collection.rating_total, collection.rating_count):.6f}#{collection.rating_count:09d}"


class CollectionService:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._screener = deps.screener
        self._cursors = deps.cursors
        self._clock = deps.clock
        self._new_id = deps.new_id
        self._comments = CommentThread(deps, Comment, "comment", ("collection", "collection_id"), "comments")

    # --- reading ---------------------------------------------------------------------------

    def _load(self, collection_id: str) -> tuple[Collection, Doc]:
        doc = self._docs.get(Ref("collection", collection_id))
        if doc is None:
            raise NotFound("no such collection", code="collection_not_found")
        return Collection.model_validate(doc.data), doc

    def _visible(self, principal: Principal | None, collection_id: str) -> tuple[Collection, Doc]:
        """A collection the caller may see: listed ones for everyone, any for its owner and admins."""
        collection, doc = self._load(collection_id)
        insider = principal is not None and (principal.user_id == collection.owner_id or principal.has(Role.ADMIN))
        if not collection.listed and not insider:
            raise NotFound("no such collection", code="collection_not_found")
        return collection, doc

    def get(self, collection_id: str) -> CollectionView:
        """A listed collection (its owner sees private ones in GET /me/collections)."""
        return CollectionView.of(self._visible(None, collection_id)[0])

    def public(self, sort: str, limit: int | None, cursor: str | None) -> Page[CollectionView]:
        """Public collections: `top` (best rated first) or `new` (newest published first)."""
        page = page_of(self._docs, self._cursors, f"collections_{sort}", PUBLIC, Collection, limit=limit, cursor=cursor)
        return Page[CollectionView](items=[CollectionView.of(c) for c in page.items], next_cursor=page.next_cursor)

    def by_owner(
        self, principal: Principal | None, owner_id: str, limit: int | None, cursor: str | None
    ) -> Page[CollectionView]:
        """A member's collections: all of them for the member, the listed ones for others."""
        mine = principal is not None and principal.user_id == owner_id
        list_name = "collections_by" if mine else "collections_public_by"
        page = page_of(self._docs, self._cursors, list_name, owner_id, Collection, limit=limit, cursor=cursor)
        return Page[CollectionView](items=[CollectionView.of(c) for c in page.items], next_cursor=page.next_cursor)

    # --- writing ---------------------------------------------------------------------------

    def _screen(self, principal: Principal, request: CollectionInput) -> Verdict:
        notes = [item.note for item in request.items]
        return self._screener.screen(principal.user_id, request.title, request.description, *notes)

    def create(self, principal: Principal, request: CollectionInput) -> CollectionView:
        """Compose a collection (retried when a concurrent post by the same member beat it)."""
        return retrying(partial(self._create_once, principal, request))

    def _create_once(self, principal: Principal, request: CollectionInput) -> CollectionView:
        verdict = self._screen(principal, request)
        now = self._clock()
        collection = Collection(
            collection_id=self._new_id(),
            owner_id=principal.user_id,
            title=request.title,
            description=request.description,
            cover_image=request.cover_image,
            visibility=request.visibility,
            items=[CollectionItem(product_id=item.product_id, note=item.note) for item in request.items],
            status=verdict.status,
            reasons=verdict.reasons,
            created_at=now,
            updated_at=now,
        )
        ref = Ref("collection", collection.collection_id)
        verdict.hold(
            case_of(self._new_id, now, ("collection", collection.collection_id), principal.user_id, collection.title)
        )
        changes: list[Change] = [*verdict.changes, Link("collections_by", principal.user_id, ref, sortable(now))]
        events: list[DomainEvent] = []
        collection = self._relist(None, collection, changes, events)
        changes.insert(0, Put(ref, collection.model_dump(mode="json"), expect=0))
        self._docs.commit(changes, events)
        return CollectionView.of(collection)

    def _relist(
        self, before: Collection | None, after: Collection, changes: list[Change], events: list[DomainEvent]
    ) -> Collection:
        """Keep the public lists in step with `after`; the first publication sets `published_at`
        and publishes CollectionPublished. Returns `after` as it is to be saved."""
        ref = Ref("collection", after.collection_id)
        if after.listed:
            if after.published_at is None:
                after = after.model_copy(update={"published_at": self._clock()})
                events.append(
                    CollectionPublished(
                        collection_id=after.collection_id,
                        user_id=after.owner_id,
                        product_ids=[item.product_id for item in after.items],
                    )
                )
            published = sortable(after.published_at or after.created_at)
            changes += [
                Link("collections_public_by", after.owner_id, ref, published),
                Link("collections_new", PUBLIC, ref, published),
                Link("collections_top", PUBLIC, ref, _top_sort(after)),
            ]
        elif before is not None and before.listed:
            changes += [
                Unlink("collections_public_by", after.owner_id, ref),
                Unlink("collections_new", PUBLIC, ref),
                Unlink("collections_top", PUBLIC, ref),
            ]
        return after

    def _owned(self, principal: Principal, collection_id: str, *, admin_may: bool = False) -> tuple[Collection, Doc]:
        collection, doc = self._visible(principal, collection_id)
        if collection.owner_id != principal.user_id and not (admin_may and principal.has(Role.ADMIN)):
            raise Forbidden("only the owner can change this collection", code="not_your_collection")
        return collection, doc

    def update(self, principal: Principal, collection_id: str, request: CollectionInput) -> CollectionView:
        """Replace a collection's content and visibility (owner only; 403 `not_your_collection`)."""

        def attempt() -> Collection:
            before, doc = self._owned(principal, collection_id)
            verdict = self._screen(principal, request)
            now = self._clock()
            after = before.model_copy(
                update={
                    "title": request.title,
                    "description": request.description,
                    "cover_image": request.cover_image,
                    "visibility": request.visibility,
                    "items": [CollectionItem(product_id=i.product_id, note=i.note) for i in request.items],
                    "status": verdict.status,
                    "reasons": verdict.reasons,
                    "updated_at": now,
                }
            )
            verdict.hold(case_of(self._new_id, now, ("collection", collection_id), principal.user_id, after.title))
            changes: list[Change] = list(verdict.changes)
            events: list[DomainEvent] = []
            after = self._relist(before, after, changes, events)
            changes.insert(0, Put(doc.ref, after.model_dump(mode="json"), expect=doc.version))
            self._docs.commit(changes, events)
            return after

        return CollectionView.of(retrying(attempt))

    def delete(self, principal: Principal, collection_id: str) -> None:
        """Delete a collection (its owner, or an admin; 403 `not_your_collection` for others)."""

        def attempt() -> None:
            collection, doc = self._owned(principal, collection_id, admin_may=True)
            ref = doc.ref
            self._docs.commit(
                [
                    Delete(ref, expect=doc.version),
                    Unlink("collections_by", collection.owner_id, ref),
                    Unlink("collections_public_by", collection.owner_id, ref),
                    Unlink("collections_new", PUBLIC, ref),
                    Unlink("collections_top", PUBLIC, ref),
                ]
            )

        retrying(attempt)

    def rate(self, principal: Principal, collection_id: str, stars: int) -> CollectionView:
        """Rate a public collection 1-5 (again: the rating changes); never one's own (403 `own_collection`)."""
        rating_ref = Ref("collection_rating", f"{collection_id}#{principal.user_id}")

        def attempt() -> Collection:
            collection, doc = self._visible(principal, collection_id)
            if not collection.listed:
                raise NotFound("no such collection", code="collection_not_found")
            if collection.owner_id == principal.user_id:
                raise Forbidden("you cannot rate your own collection", code="own_collection")
            previous = self._docs.get(rating_ref)
            old_stars = CollectionRating.model_validate(previous.data).stars if previous else 0
            rated = collection.model_copy(
                update={
                    "rating_total": collection.rating_total - old_stars + stars,
                    "rating_count": collection.rating_count + (0 if previous else 1),
                }
            )
            mine = CollectionRating(collection_id=collection_id, user_id=principal.user_id, stars=stars)
            event = CollectionRated(
                collection_id=collection_id, owner_id=collection.owner_id, user_id=principal.user_id, stars=stars
            )
            self._docs.commit(
                [
                    Put(doc.ref, rated.model_dump(mode="json"), expect=doc.version),
                    Put(rating_ref, mine.model_dump(mode="json"), expect=previous.version if previous else 0),
                    Link("collections_top", PUBLIC, doc.ref, _top_sort(rated)),
                ],
                [event],
            )
            return rated

        return CollectionView.of(retrying(attempt))

    def comment(self, principal: Principal, collection_id: str, request: CommentInput) -> CommentView:
        """Comment on a public collection (screened; links wait for a moderator)."""
        comment_id = self._new_id()

        def attempt() -> Comment:
            collection, _ = self._visible(principal, collection_id)
            if not collection.listed:
                raise NotFound("no such collection", code="collection_not_found")
            return self._comments.post(principal.user_id, collection_id, comment_id, request.text)

        return CommentView.model_validate(retrying(attempt).model_dump())

    def comments(self, collection_id: str, limit: int | None, cursor: str | None) -> Page[CommentView]:
        self._visible(None, collection_id)
        return page_of(self._docs, self._cursors, "comments", collection_id, CommentView, limit=limit, cursor=cursor)

    # --- moderation ------------------------------------------------------------------------

    def collection_moderated(self, collection_id: str, approve: bool) -> Outcome:
        doc = self._docs.get(Ref("collection", collection_id))
        if doc is None:
            return Outcome(changes=[])
        before = Collection.model_validate(doc.data)
        after = before.model_copy(update={"status": Status.PUBLISHED if approve else Status.REJECTED})
        changes: list[Change] = []
        events: list[DomainEvent] = []
        after = self._relist(before, after, changes, events)
        changes.insert(0, Put(doc.ref, after.model_dump(mode="json"), expect=doc.version))
        return Outcome(changes, events)

    def comment_moderated(self, comment_id: str, approve: bool) -> Outcome:
        return self._comments.moderated(comment_id, approve)
