"""Shares: a member shares a product, collection or idea; the share gets a short link that carries
the member's referral code (rewards owns referrals; community only carries the code). Opening the
link records a click (ShareClicked) and redirects to the target on the web client.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from functions.common.auth import Principal
from functions.common.errors import NotFound
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.domain import Collection, Idea, Share, Status, referral_code
from functions.community.logic.paging import retrying
from functions.community.logic.ports import Put, Ref
from functions.community.models.api import ShareInput, ShareView
from functions.community.models.events import ShareClicked

CODE_LENGTH = 10
WEB_PATHS = {"product": "product", "collection": "collections", "idea": "ideas"}


class ShareService:
    def __init__(self, deps: Deps, links: PublicUrls):
        self._docs = deps.docs
        self._clock = deps.clock
        self._new_id = deps.new_id
        self._links = links

    def create(self, principal: Principal, request: ShareInput) -> ShareView:
        """A short link to a product, a public collection or a published idea."""
        self._require_target(request.target_type, request.target_id)

        def attempt() -> Share:
            """Save the share under a new short code (a taken code fails the commit: another is drawn)."""
            share = Share(
                code=self._new_id()[:CODE_LENGTH],
                user_id=principal.user_id,
                target_type=request.target_type,
                target_id=request.target_id,
                referral_code=referral_code(principal.user_id),
                created_at=self._clock(),
            )
            self._docs.commit([Put(Ref("share", share.code), share.model_dump(mode="json"), expect=0)])
            return share

        return self._view(retrying(attempt))

    def _require_target(self, target_type: str, target_id: str) -> None:
        if target_type == "collection":
            doc = self._docs.get(Ref("collection", target_id))
            if doc is None or not Collection.model_validate(doc.data).listed:
                raise NotFound("no such public collection", code="collection_not_found")
        elif target_type == "idea":
            doc = self._docs.get(Ref("idea", target_id))
            if doc is None or Idea.model_validate(doc.data).status is not Status.PUBLISHED:
                raise NotFound("no such idea", code="idea_not_found")

    def target_url(self, share: Share) -> str:
        query = urlencode({"ref": share.referral_code})
        return f"{self._links.web_url}/#/{WEB_PATHS[share.target_type]}/{share.target_id}?{query}"

    def _view(self, share: Share) -> ShareView:
        link = f"{self._links.api_url}/s/{share.code}"
        text = quote(f"Look what I found on Plein: {link}")
        url = quote(link, safe="")
        return ShareView(
            code=share.code,
            link=link,
            referral_code=share.referral_code,
            target_type=share.target_type,
            target_id=share.target_id,
            target_url=self.target_url(share),
            targets={
                "facebook": f"https://www.facebook.com/sharer/sharer.php?u={url}",
                "x": f"https://twitter.com/intent/tweet?url={url}",
                "whatsapp": f"https://wa.me/?text={text}",
                "pinterest": f"https://pinterest.com/pin/create/button/?url={url}",
                "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={url}",
                "telegram": f"https://t.me/share/url?url={url}",
                "email": f"mailto:?subject={quote('Seen on Plein')}&body={text}",
            },
        )

    def open(self, code: str) -> str:
        """Record a click on a short link (ShareClicked) and return where it leads."""

        def attempt() -> Share:
            doc = self._docs.get(Ref("share", code))
            if doc is None:
                raise NotFound("no such share link", code="share_not_found")
            share = Share.model_validate(doc.data)
            clicked = share.model_copy(update={"clicks": share.clicks + 1})
            event = ShareClicked(
                share_id=share.code,
                user_id=share.user_id,
                referral_code=share.referral_code,
                target_type=share.target_type,
                target_id=share.target_id,
            )
            self._docs.commit([Put(doc.ref, clicked.model_dump(mode="json"), expect=doc.version)], [event])
            return clicked

        return self.target_url(retrying(attempt))
