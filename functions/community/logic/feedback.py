"""Feedback and product suggestion forms: members send them, admins read them and mark the ones
they acted on (once; FeedbackActedOn lets rewards thank the author)."""

from __future__ import annotations

from typing import Literal

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, NotFound
from functions.common.pagination import Page
from functions.community.logic.deps import Deps
from functions.community.logic.domain import Feedback, FeedbackKind, sortable
from functions.community.logic.paging import page_of, retrying
from functions.community.logic.ports import Link, Put, Ref, Unlink
from functions.community.models.api import FeedbackInput, FeedbackView, SuggestionInput
from functions.community.models.events import FeedbackActedOn

FeedbackState = Literal["open", "acted_on"]


def _scope(kind: str, state: FeedbackState) -> str:
    return f"{kind}:{state}"


class FeedbackService:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._cursors = deps.cursors
        self._clock = deps.clock
        self._new_id = deps.new_id

    def submit(self, principal: Principal, request: FeedbackInput | SuggestionInput) -> FeedbackView:
        kind: FeedbackKind = "suggestion" if isinstance(request, SuggestionInput) else "feedback"
        now = self._clock()
        feedback = Feedback(
            feedback_id=self._new_id(),
            kind=kind,
            user_id=principal.user_id,
            topic=request.topic,
            text=request.text,
            rating=request.rating if isinstance(request, FeedbackInput) else None,
            product_url=request.product_url if isinstance(request, SuggestionInput) else None,
            created_at=now,
        )
        ref = Ref("feedback", feedback.feedback_id)
        self._docs.commit(
            [
                Put(ref, feedback.model_dump(mode="json"), expect=0),
                Link("feedback", _scope(kind, "open"), ref, sortable(now)),
            ]
        )
        return FeedbackView.model_validate(feedback.model_dump())

    def listing(
        self, principal: Principal, kind: FeedbackKind, state: FeedbackState, limit: int | None, cursor: str | None
    ) -> Page[FeedbackView]:
        principal.require(Role.ADMIN)
        return page_of(
            self._docs, self._cursors, "feedback", _scope(kind, state), FeedbackView, limit=limit, cursor=cursor
        )

    def act_on(self, principal: Principal, feedback_id: str, note: str | None) -> FeedbackView:
        """Mark feedback acted on, once (409 `already_acted_on`)."""
        principal.require(Role.ADMIN)

        def attempt() -> Feedback:
            doc = self._docs.get(Ref("feedback", feedback_id))
            if doc is None:
                raise NotFound("no such feedback", code="feedback_not_found")
            feedback = Feedback.model_validate(doc.data)
            if feedback.acted_on:
                raise Conflict("this feedback was already acted on", code="already_acted_on")
            now = self._clock()
            acted = feedback.model_copy(update={"acted_on": True, "acted_at": now, "note": note})
            event = FeedbackActedOn(feedback_id=feedback_id, user_id=feedback.user_id, kind=feedback.kind)
            self._docs.commit(
                [
                    Put(doc.ref, acted.model_dump(mode="json"), expect=doc.version),
                    Unlink("feedback", _scope(feedback.kind, "open"), doc.ref),
                    Link("feedback", _scope(feedback.kind, "acted_on"), doc.ref, sortable(now)),
                ],
                [event],
            )
            return acted

        return FeedbackView.model_validate(retrying(attempt).model_dump())
