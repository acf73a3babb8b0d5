"""Profiles, follows, badges and the feed of followed members' new reviews and collections.

A member's profile exists from their first contribution or edit (`joined_at` is when Plein's
community first saw them; hearts of new members weigh less in trending). Badges come from the
rewards journey (StageChanged). Contribution counts are the member's published reviews, answers,
public collections and ideas.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from urllib.parse import urlencode

from functions.common.auth import Principal
from functions.common.errors import BadRequest, NotFound, UnprocessableEntity
from functions.common.events import DomainEvent
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.domain import Collection, Profile, Review, referral_code, sortable
from functions.community.logic.members import member_since, profile_ref
from functions.community.logic.moderation import screen_text
from functions.community.logic.paging import retrying
from functions.community.logic.ports import Change, Delete, Link, Put, Ref, Unlink, Uploads
from functions.community.models.api import (
    AvatarUpload,
    AvatarUploadInput,
    Contributions,
    Feed,
    FeedItem,
    FollowView,
    NewsletterConfirmed,
    ProfileInput,
    ProfileView,
    PublicProfile,
)
from functions.community.models.events import FollowChanged, NewsletterOptInRequested, ProfileUpdated

OPT_IN_VALIDITY = timedelta(days=7)
AVATAR_UPLOAD_SECONDS = 600
AVATAR_READ_SECONDS = 3600
FOLLOWED_READ = 200
"""The feed reads the newest items of at most this many followed members."""


def profile_updated(profile: Profile) -> ProfileUpdated:
    return ProfileUpdated(
        user_id=profile.user_id,
        display_name=profile.display_name,
        interests=profile.interests,
        languages=profile.languages,
        newsletter=profile.newsletter,
    )


class ProfileService:
    def __init__(self, deps: Deps, urls: PublicUrls, uploads: Uploads):
        self._docs = deps.docs
        self._clock = deps.clock
        self._new_id = deps.new_id
        self._urls = urls
        self._uploads = uploads

    def _profile(self, user_id: str) -> tuple[Profile, int]:
        doc = self._docs.get(profile_ref(user_id))
        if doc is None:
            return Profile(user_id=user_id, joined_at=self._clock()), 0
        return Profile.model_validate(doc.data), doc.version

    def me(self, principal: Principal) -> ProfileView:
        profile, _ = self._profile(principal.user_id)
        return ProfileView(**profile.model_dump(), referral_code=referral_code(principal.user_id))

    def update(self, principal: Principal, request: ProfileInput) -> ProfileView:
        """Replace the editable fields; a profile with profanity is refused (422)."""
        if "profanity" in screen_text(f"{request.display_name or ''}\n{request.bio}"):
            raise UnprocessableEntity("the profile contains words we do not allow", code="moderation_refused")

        def attempt() -> Profile:
            profile, version = self._profile(principal.user_id)
            updated = profile.model_copy(
                update={
                    "display_name": request.display_name,
                    "avatar_url": request.avatar_url,
                    "bio": request.bio,
                    "interests": list(dict.fromkeys(request.interests)),
                    "languages": list(dict.fromkeys(request.languages)),
                }
            )
            changes: list[Change] = []
            events: list[DomainEvent] = []
            if not request.newsletter:
                updated = updated.model_copy(update={"newsletter": False, "newsletter_pending": False})
            elif not (profile.newsletter or profile.newsletter_pending):
                updated = updated.model_copy(update={"newsletter_pending": True})
                self._opt_in(principal, changes, events)
            changes.insert(0, Put(profile_ref(principal.user_id), updated.model_dump(mode="json"), expect=version))
            events.append(profile_updated(updated))
            self._docs.commit(changes, events)
            return updated

        updated = retrying(attempt)
        return ProfileView(**updated.model_dump(), referral_code=referral_code(principal.user_id))

    def avatar_upload(self, principal: Principal, request: AvatarUploadInput) -> AvatarUpload:
        """A presigned upload of a new avatar (the type and size declared are enforced by the
        storage's policy); the profile's avatar becomes GET /users/{id}/avatar, serving it."""
        key = f"avatars/{principal.user_id}/{self._new_id()}"
        upload = self._uploads.presign_upload(key, request.content_type, request.size, AVATAR_UPLOAD_SECONDS)
        avatar_url = f"{self._urls.api_url}/users/{principal.user_id}/avatar"

        def attempt() -> None:
            profile, version = self._profile(principal.user_id)
            updated = profile.model_copy(update={"avatar_key": key, "avatar_url": avatar_url})
            self._docs.commit([Put(profile_ref(principal.user_id), updated.model_dump(mode="json"), expect=version)])

        retrying(attempt)
        return AvatarUpload(
            url=upload.url, fields=upload.fields, avatar_url=avatar_url, expires_in=AVATAR_UPLOAD_SECONDS
        )

    def avatar(self, user_id: str) -> str:
        """Where a member's uploaded avatar can be read now (a short-lived link)."""
        doc = self._docs.get(profile_ref(user_id))
        key = Profile.model_validate(doc.data).avatar_key if doc else None
        if key is None:
            raise NotFound("this member has no uploaded avatar", code="avatar_not_found")
        return self._uploads.download_url(key, AVATAR_READ_SECONDS)

    def _opt_in(self, principal: Principal, changes: list[Change], events: list[DomainEvent]) -> None:
        """A confirmation token for the newsletter, and the event that has it e-mailed."""
        token = self._new_id()
        expires = self._clock() + OPT_IN_VALIDITY
        data = {"user_id": principal.user_id, "expires_at": expires.isoformat()}
        changes.append(Put(Ref("optin", token), data, expect=0, expires_at=expires))
        confirm_url = f"{self._urls.api_url}/newsletter/confirm?{urlencode({'token': token})}"
        events.append(
            NewsletterOptInRequested(
                user_id=principal.user_id, email=principal.email, confirm_url=confirm_url, expires_at=expires
            )
        )

    def confirm_newsletter(self, token: str) -> NewsletterConfirmed:
        """Confirm a newsletter opt-in from its e-mailed link (once; 404 `token_not_found` for an
        unknown, used or expired token)."""
        ref = Ref("optin", token)

        def attempt() -> NewsletterConfirmed:
            doc = self._docs.get(ref)
            # DynamoDB removes expired items within days, not at once: the expiry is checked here.
            if doc is None or datetime.fromisoformat(str(doc.data["expires_at"])) <= self._clock():
                raise NotFound("this confirmation link is not valid (any more)", code="token_not_found")
            user_id = str(doc.data["user_id"])
            profile, version = self._profile(user_id)
            confirmed = profile.model_copy(update={"newsletter": True, "newsletter_pending": False})
            self._docs.commit(
                [
                    Put(profile_ref(user_id), confirmed.model_dump(mode="json"), expect=version),
                    Delete(ref, expect=doc.version),
                ],
                [profile_updated(confirmed)],
            )
            return NewsletterConfirmed(user_id=user_id, newsletter=True)

        return retrying(attempt)

    def public(self, user_id: str) -> PublicProfile:
        doc = self._docs.get(profile_ref(user_id))
        if doc is None:
            raise NotFound("no such member", code="member_not_found")
        profile = Profile.model_validate(doc.data)
        return PublicProfile(
            user_id=user_id,
            display_name=profile.display_name,
            avatar_url=profile.avatar_url,
            bio=profile.bio,
            interests=profile.interests,
            badges=profile.badges,
            joined_at=profile.joined_at,
            contributions=Contributions(
                reviews=self._docs.count("reviews_by", user_id),
                answers=self._docs.count("answers_by", user_id),
                collections=self._docs.count("collections_public_by", user_id),
                ideas=self._docs.count("ideas_by", user_id),
            ),
            followers=self._docs.count("followers", user_id),
            following=self._docs.count("following", user_id),
        )

    def follow(self, principal: Principal, user_id: str) -> FollowView:
        """Follow a member (idempotent); following oneself is refused (400 `cannot_follow_self`)."""
        if user_id == principal.user_id:
            raise BadRequest("you cannot follow yourself", code="cannot_follow_self")
        if self._docs.get(profile_ref(user_id)) is None:
            raise NotFound("no such member", code="member_not_found")
        ref = Ref("follow", f"{principal.user_id}#{user_id}")

        def attempt() -> FollowView:
            if self._docs.get(ref) is None:
                now = self._clock()
                _, changes = member_since(self._docs, principal.user_id, now)
                at = sortable(now)
                changes += [
                    Put(ref, {"at": at}, expect=0),
                    Link("following", principal.user_id, Ref("member", user_id), at),
                    Link("followers", user_id, Ref("member", principal.user_id), at),
                ]
                event = FollowChanged(follower_id=principal.user_id, user_id=user_id, following=True, occurred_at=now)
                self._docs.commit(changes, [event])
            return FollowView(user_id=user_id, following=True)

        return retrying(attempt)

    def unfollow(self, principal: Principal, user_id: str) -> FollowView:
        """Stop following a member (idempotent)."""
        ref = Ref("follow", f"{principal.user_id}#{user_id}")

        def attempt() -> None:
            doc = self._docs.get(ref)
            if doc is None:
                return
            event = FollowChanged(
                follower_id=principal.user_id, user_id=user_id, following=False, occurred_at=self._clock()
            )
            self._docs.commit(
                [
                    Delete(ref, expect=doc.version),
                    Unlink("following", principal.user_id, Ref("member", user_id)),
                    Unlink("followers", user_id, Ref("member", principal.user_id)),
                ],
                [event],
            )

        retrying(attempt)
        return FollowView(user_id=user_id, following=False)

    def feed(self, principal: Principal, limit: int) -> Feed:
        """The newest published reviews and public collections of the members the caller follows."""
        followed = self._docs.entries("following", principal.user_id, limit=FOLLOWED_READ).entries
        streams = [
            self._docs.entries(name, entry.ref.id, limit=limit).entries
            for entry in followed
            for name in ("reviews_by", "collections_public_by")
        ]
        newest = heapq.nlargest(limit, (entry for stream in streams for entry in stream), key=lambda e: e.sort)
        loaded = self._docs.get_many([entry.ref for entry in newest])
        items: list[FeedItem] = []
        for entry in newest:
            doc = loaded.get(entry.ref)
            if doc is None:
                continue
            if entry.ref.kind == "review":
                review = Review.model_validate(doc.data)
                items.append(
                    FeedItem(
                        kind="review",
                        id=review.review_id,
                        user_id=review.user_id,
                        at=review.created_at,
                        title=review.title,
                        product_id=review.product_id,
                    )
                )
            else:
                collection = Collection.model_validate(doc.data)
                items.append(
                    FeedItem(
                        kind="collection",
                        id=collection.collection_id,
                        user_id=collection.owner_id,
                        at=collection.published_at or collection.created_at,
                        title=collection.title,
                    )
                )
        return Feed(items=items)
