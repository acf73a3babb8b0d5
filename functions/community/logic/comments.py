"""Comment threads: the rules collection comments and article comments share.

A comment is screened like every text (links, e-mail addresses, phone numbers wait for a
moderator; profanity and duplicates are rejected). A published comment is in its parent's comment
list and counted on the parent (`comments`); a moderator's decision adds a held-back comment, or
takes a reported one out (hidden). The parent's own visibility rules stay with its service.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from functions.community.logic.deps import Deps
from functions.community.logic.domain import Remark, Status, sortable
from functions.community.logic.moderation import Outcome, case_of
from functions.community.logic.ports import Change, Link, Put, Ref, Unlink

C = TypeVar("C", bound=Remark)


class CommentThread(Generic[C]):
    """The comments of one kind of parent: `kind` is the comment's document (and moderation
    subject) kind, `parent` the parent's document kind and the comment's field naming it,
    `listing` the list of a parent's published comments."""

    def __init__(
        self,
        deps: Deps,
        model: type[C],
        kind: Literal["comment", "article_comment"],
        parent: tuple[str, str],
        listing: str,
    ):
        self._docs = deps.docs
        self._screener = deps.screener
        self._clock = deps.clock
        self._new_id = deps.new_id
        self._model = model
        self._kind: Literal["comment", "article_comment"] = kind
        self._parent_kind, self._parent_field = parent
        self.listing = listing

    def post(self, author_id: str, parent_id: str, comment_id: str, text: str) -> C:
        """Screen and store a comment on a parent the caller may comment on (checked before);
        call it inside a retried attempt."""
        verdict = self._screener.screen(author_id, text)
        now = self._clock()
        comment = self._model.model_validate(
            {
                "comment_id": comment_id,
                self._parent_field: parent_id,
                "user_id": author_id,
                "text": text,
                "status": verdict.status,
                "reasons": verdict.reasons,
                "created_at": now,
            }
        )
        verdict.hold(case_of(self._new_id, now, (self._kind, comment_id), author_id, text))
        changes: list[Change] = [
            Put(Ref(self._kind, comment_id), comment.model_dump(mode="json"), expect=0),
            *verdict.changes,
        ]
        if comment.status is Status.PUBLISHED:
            changes += self._count(comment, +1)
        self._docs.commit(changes)
        return comment

    def _count(self, comment: C, delta: int) -> list[Change]:
        """Add (1) a published comment to its parent's count and list, or take it out (-1); nothing
        when the parent is gone."""
        doc = self._docs.get(Ref(self._parent_kind, comment.parent_id))
        if doc is None:
            return []
        counted = {**doc.data, "comments": max(0, int(doc.data.get("comments", 0)) + delta)}
        ref = Ref(self._kind, comment.comment_id)
        listing: Change = (
            Link(self.listing, comment.parent_id, ref, sortable(comment.created_at))
            if delta > 0
            else Unlink(self.listing, comment.parent_id, ref)
        )
        return [Put(doc.ref, counted, expect=doc.version), listing]

    def moderated(self, comment_id: str, approve: bool) -> Outcome:
        """A moderator's decision: a held-back comment is published, a reported one hidden."""
        doc = self._docs.get(Ref(self._kind, comment_id))
        if doc is None:
            return Outcome(changes=[])
        comment = self._model.model_validate(doc.data)
        published = comment.status is Status.PUBLISHED
        decided = comment.model_copy(update={"status": Status.PUBLISHED if approve else Status.REJECTED})
        changes: list[Change] = [Put(doc.ref, decided.model_dump(mode="json"), expect=doc.version)]
        if approve and not published:
            changes += self._count(decided, +1)
        elif not approve and published:  # reported, then rejected
            changes += self._count(decided, -1)
        return Outcome(changes)
