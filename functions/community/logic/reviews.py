"""Reviews and ratings: one review per member and product, verified purchases, helpful votes,
reports, vendors' public replies, and the product's rating kept current with every publication.

A published review is in its product's rating (count, total, histogram); publishing emits
ReviewPublished and ProductRatingChanged, removing one (a moderator rejects a reported review)
emits ProductRatingChanged. A vendor may reply to reviews of products it has sold through Plein
(a delivered order line of that vendor and product, from OrderDelivered).
"""

from __future__ import annotations

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound, UnprocessableEntity
from functions.common.events import DomainEvent
from functions.community.logic.deps import Deps
from functions.community.logic.domain import Rating, Review, Status, VendorRating, VendorReply, review_id_of, sortable
from functions.community.logic.moderation import Outcome, case_of
from functions.community.logic.paging import duplicate_of, page_of, retrying
from functions.community.logic.ports import Change, Link, Put, Ref, Unlink
from functions.community.models.api import (
    HelpfulView,
    ProductReviews,
    RatingView,
    ReviewInput,
    ReviewView,
    VendorRatingView,
)
from functions.community.models.events import ProductRatingChanged, ReviewPublished, ReviewReplied


def purchase_ref(user_id: str, product_id: str) -> Ref:
    return Ref("purchase", f"{user_id}#{product_id}")


def seller_ref(vendor_id: str, product_id: str) -> Ref:
    return Ref("seller", f"{vendor_id}#{product_id}")


def rating_view(rating: Rating) -> RatingView:
    return RatingView(
        product_id=rating.product_id, average=rating.average, count=rating.count, histogram=rating.histogram
    )


class ReviewService:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._screener = deps.screener
        self._cursors = deps.cursors
        self._clock = deps.clock
        self._new_id = deps.new_id

    # --- reading ---------------------------------------------------------------------------

    def rating(self, product_id: str) -> RatingView:
        doc = self._docs.get(Ref("rating", product_id))
        return rating_view(Rating.model_validate(doc.data) if doc else Rating(product_id=product_id))

    def vendor_rating(self, vendor_id: str) -> VendorRatingView:
        doc = self._docs.get(Ref("vendor_rating", vendor_id))
        rating = VendorRating.model_validate(doc.data) if doc else VendorRating(vendor_id=vendor_id)
        return VendorRatingView(
            vendor_id=vendor_id, average=rating.average, count=rating.count, histogram=rating.histogram
        )

    def product_reviews(self, product_id: str, limit: int | None, cursor: str | None) -> ProductReviews:
        page = page_of(self._docs, self._cursors, "reviews", product_id, ReviewView, limit=limit, cursor=cursor)
        return ProductReviews(rating=self.rating(product_id), items=page.items, next_cursor=page.next_cursor)

    def has_review(self, user_id: str, product_id: str) -> bool:
        """Whether the member has a review of the product that is not rejected."""
        doc = self._docs.get(Ref("review", review_id_of(product_id, user_id)))
        return doc is not None and doc.data.get("status") != Status.REJECTED

    def get(self, review_id: str) -> ReviewView:
        """A published review (its author saw its status and reasons when writing it)."""
        doc = self._docs.get(Ref("review", review_id))
        if doc is None or doc.data.get("status") != Status.PUBLISHED:
            raise NotFound("no such review", code="review_not_found")
        return ReviewView.model_validate(doc.data)

    # --- writing ---------------------------------------------------------------------------

    def write(self, principal: Principal, product_id: str, request: ReviewInput) -> ReviewView:
        """A member's review of a product: 409 `duplicate_review` if they already have one (a
        rejected review may be written again)."""
        review_id = review_id_of(product_id, principal.user_id)
        ref = Ref("review", review_id)
        duplicate = Conflict("you already reviewed this product", code="duplicate_review")

        def attempt() -> Review:
            existing = self._docs.get(ref)
            if existing is not None and existing.data.get("status") != Status.REJECTED:
                raise duplicate
            verdict = self._screener.screen(principal.user_id, request.title, request.text)
            now = self._clock()
            purchase = self._docs.get(purchase_ref(principal.user_id, product_id))
            review = Review(
                review_id=review_id,
                product_id=product_id,
                user_id=principal.user_id,
                rating=request.rating,
                title=request.title,
                text=request.text,
                photos=list(request.photos),
                verified=purchase is not None,
                vendor_id=purchase.data.get("vendor_id") if purchase else None,
                status=verdict.status,
                reasons=verdict.reasons,
                created_at=now,
            )
            verdict.hold(
                case_of(self._new_id, now, ("review", review_id), principal.user_id, review.title, review.text)
            )
            changes: list[Change] = [
                Put(ref, review.model_dump(mode="json"), expect=existing.version if existing else 0),
                *verdict.changes,
            ]
            events: list[DomainEvent] = []
            if review.status is Status.PUBLISHED:
                self._publish(review, changes, events)
            self._docs.commit(changes, events)
            return review

        created = retrying(attempt, duplicate_of(ref, duplicate))
        return ReviewView.model_validate(created.model_dump())

    def _publish(self, review: Review, changes: list[Change], events: list[DomainEvent]) -> None:
        """Add a review that becomes published to its product's rating and lists."""
        ref = Ref("review", review.review_id)
        changes += [
            Link("reviews", review.product_id, ref, sortable(review.created_at)),
            Link("reviews_by", review.user_id, ref, sortable(review.created_at)),
        ]
        events.append(
            ReviewPublished(
                review_id=review.review_id,
                product_id=review.product_id,
                user_id=review.user_id,
                rating=review.rating,
                has_photos=bool(review.photos),
                verified=review.verified,
                vendor_id=review.vendor_id,
            )
        )
        self._rating_change(review, +1, changes, events)

    def _rating_change(self, review: Review, sign: int, changes: list[Change], events: list[DomainEvent]) -> None:
        """The review in (`sign` +1) or out of (-1) its product's rating and its vendor's."""
        product_id, stars = review.product_id, review.rating
        if review.vendor_id:
            vendor = Ref("vendor_rating", review.vendor_id)
            found = self._docs.get(vendor)
            aggregate = VendorRating.model_validate(found.data) if found else VendorRating(vendor_id=review.vendor_id)
            changes.append(
                Put(vendor, aggregate.add(stars, sign).model_dump(mode="json"), expect=found.version if found else 0)
            )
        ref = Ref("rating", product_id)
        doc = self._docs.get(ref)
        current = Rating.model_validate(doc.data) if doc else Rating(product_id=product_id)
        updated = current.add(stars, sign)
        changes.append(Put(ref, updated.model_dump(mode="json"), expect=doc.version if doc else 0))
        events.append(
            ProductRatingChanged(
                product_id=product_id, average=updated.average, count=updated.count, histogram=updated.histogram
            )
        )

    def moderated(self, review_id: str, approve: bool) -> Outcome:
        """A moderator's decision on a review: publish a pending one, or remove it (from the
        rating too, if it was published)."""
        doc = self._docs.get(Ref("review", review_id))
        if doc is None:
            return Outcome(changes=[])
        review = Review.model_validate(doc.data)
        changes: list[Change] = []
        events: list[DomainEvent] = []
        if approve and review.status is not Status.PUBLISHED:
            review = review.model_copy(update={"status": Status.PUBLISHED})
            self._publish(review, changes, events)
        elif not approve and review.status is not Status.REJECTED:
            if review.status is Status.PUBLISHED:
                self._rating_change(review, -1, changes, events)
                ref = Ref("review", review_id)
                changes += [Unlink("reviews", review.product_id, ref), Unlink("reviews_by", review.user_id, ref)]
            review = review.model_copy(update={"status": Status.REJECTED, "reasons": [*review.reasons, "moderator"]})
        changes.insert(0, Put(doc.ref, review.model_dump(mode="json"), expect=doc.version))
        return Outcome(changes, events)

    def helpful(self, principal: Principal, review_id: str) -> HelpfulView:
        """Mark a published review helpful, once per member (409 `already_voted`), never one's own."""
        vote = Ref("helpful", f"{review_id}#{principal.user_id}")
        already = Conflict("you already marked this review helpful", code="already_voted")

        def attempt() -> HelpfulView:
            doc = self._docs.get(Ref("review", review_id))
            review = Review.model_validate(doc.data) if doc else None
            if doc is None or review is None or review.status is not Status.PUBLISHED:
                raise NotFound("no such review", code="review_not_found")
            if review.user_id == principal.user_id:
                raise Forbidden("you cannot vote for your own review", code="own_review")
            if self._docs.get(vote) is not None:
                raise already
            updated = review.model_copy(update={"helpful": review.helpful + 1})
            self._docs.commit(
                [
                    Put(vote, {"at": sortable(self._clock())}, expect=0),
                    Put(doc.ref, updated.model_dump(mode="json"), expect=doc.version),
                ]
            )
            return HelpfulView(review_id=review_id, helpful=updated.helpful)

        return retrying(attempt, duplicate_of(vote, already))

    def reply(self, principal: Principal, review_id: str, text: str) -> ReviewView:
        """A vendor's public reply (replacing its earlier one) to a review of a product it sold;
        the reply passes the automatic checks and is refused (422) if they find anything."""
        principal.require(Role.VENDOR)
        vendor_id = principal.vendor_id
        if not vendor_id:
            raise Forbidden("your account is not bound to a vendor", code="not_your_vendor")

        def attempt() -> Review:
            doc = self._docs.get(Ref("review", review_id))
            if doc is None or doc.data.get("status") != Status.PUBLISHED:
                raise NotFound("no such review", code="review_not_found")
            review = Review.model_validate(doc.data)
            if self._docs.get(seller_ref(vendor_id, review.product_id)) is None:
                raise Forbidden("you can only reply to reviews of products you sold", code="not_your_product")
            verdict = self._screener.screen(principal.user_id, text)
            if verdict.status is not Status.PUBLISHED:
                raise UnprocessableEntity(
                    f"the reply did not pass moderation: {', '.join(verdict.reasons)}", code="moderation_refused"
                )
            reply = VendorReply(vendor_id=vendor_id, text=text, replied_at=self._clock())
            updated = review.model_copy(update={"reply": reply})
            event = ReviewReplied(
                review_id=review_id, product_id=review.product_id, user_id=review.user_id, vendor_id=vendor_id
            )
            self._docs.commit(
                [Put(doc.ref, updated.model_dump(mode="json"), expect=doc.version), *verdict.changes], [event]
            )
            return updated

        return ReviewView.model_validate(retrying(attempt).model_dump())
