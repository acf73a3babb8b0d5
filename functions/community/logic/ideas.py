"""Product ideas (LEGO Ideas-like): a member proposes an idea, members support it (once each),
milestones at configurable support counts publish IdeaMilestoneReached, the last milestone sends
the idea to review, and an admin (or the vendor the idea is addressed to) accepts or declines it
with feedback. An open idea expires when it does not reach its next milestone within the window
(reaching a milestone restarts the window); a scheduled job expires them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound
from functions.common.events import DomainEvent
from functions.common.pagination import Page
from functions.community.logic.deps import Deps
from functions.community.logic.domain import Idea, IdeaStatus, Status, next_milestone, sortable, support_step
from functions.community.logic.moderation import Outcome, case_of
from functions.community.logic.paging import page_of, retrying
from functions.community.logic.ports import Change, Delete, Doc, Link, Put, Ref, Unlink
from functions.community.models.api import IdeaDecisionInput, IdeaInput, IdeaView, SupportView
from functions.community.models.events import IdeaDecided, IdeaMilestoneReached, IdeaSupported

ALL = "all"
OPEN = "open"
EXPIRY_BATCH = 100


@dataclass(frozen=True)
class IdeaPolicy:
    milestones: tuple[int, ...] = (100, 1000, 5000, 10000)
    window: timedelta = timedelta(days=60)
    """How long an open idea has to reach its next milestone."""


class IdeaService:
    def __init__(self, deps: Deps, policy: IdeaPolicy | None = None):
        self._docs = deps.docs
        self._screener = deps.screener
        self._cursors = deps.cursors
        self._clock = deps.clock
        self._new_id = deps.new_id
        self._policy = policy or IdeaPolicy()

    def _view(self, idea: Idea) -> IdeaView:
        return IdeaView(**idea.model_dump(), next_milestone=next_milestone(idea, self._policy.milestones))

    def _load(self, idea_id: str) -> tuple[Idea, Doc]:
        doc = self._docs.get(Ref("idea", idea_id))
        if doc is None:
            raise NotFound("no such idea", code="idea_not_found")
        return Idea.model_validate(doc.data), doc

    def get(self, idea_id: str) -> IdeaView:
        """A published idea (content still with the moderators is nobody's to see)."""
        idea, _ = self._load(idea_id)
        if idea.status is not Status.PUBLISHED:
            raise NotFound("no such idea", code="idea_not_found")
        return self._view(idea)

    def support_status(self, principal: Principal, idea_id: str) -> SupportView:
        idea = self.get(idea_id)
        supported = self._docs.get(Ref("support", f"{idea_id}#{principal.user_id}")) is not None
        return SupportView(idea_id=idea_id, supported=supported, supporters=idea.supporters)

    def ideas(self, state: IdeaStatus | None, limit: int | None, cursor: str | None) -> Page[IdeaView]:
        """Published ideas, newest first; with `state`, only those in that state."""
        page = page_of(
            self._docs,
            self._cursors,
            "ideas",
            ALL,
            Idea,
            limit=limit,
            cursor=cursor,
            keep=lambda idea: state is None or idea.state is state,
        )
        return Page[IdeaView](items=[self._view(idea) for idea in page.items], next_cursor=page.next_cursor)

    def propose(self, principal: Principal, request: IdeaInput) -> IdeaView:
        """Propose an idea (retried when a concurrent post by the same member beat it)."""
        return retrying(partial(self._propose_once, principal, request))

    def _propose_once(self, principal: Principal, request: IdeaInput) -> IdeaView:
        verdict = self._screener.screen(principal.user_id, request.title, request.description)
        now = self._clock()
        idea = Idea(
            idea_id=self._new_id(),
            author_id=principal.user_id,
            title=request.title,
            description=request.description,
            images=list(request.images),
            vendor_id=request.vendor_id,
            status=verdict.status,
            reasons=verdict.reasons,
            deadline=now + self._policy.window,
            created_at=now,
        )
        verdict.hold(
            case_of(self._new_id, now, ("idea", idea.idea_id), principal.user_id, idea.title, idea.description)
        )
        changes: list[Change] = [Put(Ref("idea", idea.idea_id), idea.model_dump(mode="json"), expect=0)]
        changes += verdict.changes
        if idea.status is Status.PUBLISHED:
            changes += self._listing(idea)
        self._docs.commit(changes)
        return self._view(idea)

    @staticmethod
    def _listing(idea: Idea) -> list[Change]:
        ref = Ref("idea", idea.idea_id)
        return [
            Link("ideas", ALL, ref, sortable(idea.created_at)),
            Link("ideas_by", idea.author_id, ref, sortable(idea.created_at)),
            Link("idea_deadlines", OPEN, ref, sortable(idea.deadline)),
        ]

    def support(self, principal: Principal, idea_id: str) -> SupportView:
        """Support an idea once (again: nothing changes); not one's own, and only while it is open
        or in review (409 `idea_closed`)."""
        mark = Ref("support", f"{idea_id}#{principal.user_id}")

        def attempt() -> SupportView:
            idea, doc = self._load(idea_id)
            if idea.status is not Status.PUBLISHED:
                raise NotFound("no such idea", code="idea_not_found")
            if self._docs.get(mark) is not None:
                return SupportView(idea_id=idea_id, supported=True, supporters=idea.supporters)
            if idea.author_id == principal.user_id:
                raise Forbidden("you cannot support your own idea", code="own_idea")
            if idea.state not in (IdeaStatus.OPEN, IdeaStatus.IN_REVIEW):
                raise Conflict(f"this idea is {idea.state.value}", code="idea_closed")
            step = support_step(idea, +1, self._policy.milestones)
            now = self._clock()
            updated = idea.model_copy(
                update={"supporters": step.supporters, "milestone": step.milestone, "state": step.state}
            )
            changes: list[Change] = [Put(mark, {"at": sortable(now)}, expect=0)]
            events: list[DomainEvent] = [
                IdeaSupported(
                    idea_id=idea_id, user_id=principal.user_id, author_id=idea.author_id, supporters=step.supporters
                )
            ]
            events += [
                IdeaMilestoneReached(
                    idea_id=idea_id, author_id=idea.author_id, milestone=milestone, supporters=step.supporters
                )
                for milestone in step.reached
            ]
            if updated.state is IdeaStatus.IN_REVIEW:
                changes += [Unlink("idea_deadlines", OPEN, doc.ref), Link("ideas_review", ALL, doc.ref, sortable(now))]
            elif step.reached:
                updated = updated.model_copy(update={"deadline": now + self._policy.window})
                changes.append(Link("idea_deadlines", OPEN, doc.ref, sortable(updated.deadline)))
            changes.insert(0, Put(doc.ref, updated.model_dump(mode="json"), expect=doc.version))
            self._docs.commit(changes, events)
            return SupportView(idea_id=idea_id, supported=True, supporters=updated.supporters)

        return retrying(attempt)

    def unsupport(self, principal: Principal, idea_id: str) -> SupportView:
        """Withdraw support (without support: nothing changes); milestones reached stay reached."""
        mark = Ref("support", f"{idea_id}#{principal.user_id}")

        def attempt() -> SupportView:
            idea, doc = self._load(idea_id)
            support = self._docs.get(mark)
            if support is None:
                return SupportView(idea_id=idea_id, supported=False, supporters=idea.supporters)
            step = support_step(idea, -1, self._policy.milestones)
            updated = idea.model_copy(update={"supporters": step.supporters})
            self._docs.commit(
                [
                    Put(doc.ref, updated.model_dump(mode="json"), expect=doc.version),
                    Delete(mark, expect=support.version),
                ]
            )
            return SupportView(idea_id=idea_id, supported=False, supporters=updated.supporters)

        return retrying(attempt)

    def decide(self, principal: Principal, idea_id: str, request: IdeaDecisionInput) -> IdeaView:
        """Accept or decline an idea in review: admins, or the vendor the idea is addressed to."""

        def attempt() -> Idea:
            idea, doc = self._load(idea_id)
            addressed = idea.vendor_id is not None and principal.vendor_id == idea.vendor_id
            if not (principal.has(Role.ADMIN) or (principal.has(Role.VENDOR) and addressed)):
                raise Forbidden("only admins or the addressed vendor decide on ideas", code="not_your_idea")
            if idea.state is not IdeaStatus.IN_REVIEW:
                raise Conflict(f"this idea is {idea.state.value}, not in review", code="idea_not_in_review")
            accepted = request.decision == "accepted"
            decided = idea.model_copy(
                update={
                    "state": IdeaStatus.ACCEPTED if accepted else IdeaStatus.DECLINED,
                    "feedback": request.feedback,
                    "product_id": request.product_id if accepted else None,
                    "decided_at": self._clock(),
                }
            )
            event = IdeaDecided(
                idea_id=idea_id,
                author_id=idea.author_id,
                decision=request.decision,
                feedback=request.feedback,
                product_id=decided.product_id,
            )
            self._docs.commit(
                [
                    Put(doc.ref, decided.model_dump(mode="json"), expect=doc.version),
                    Unlink("ideas_review", ALL, doc.ref),
                ],
                [event],
            )
            return decided

        return self._view(retrying(attempt))

    def expire_due(self) -> int:
        """Expire the open ideas whose deadline passed; returns how many."""
        now = self._clock()
        due = self._docs.entries("idea_deadlines", OPEN, limit=EXPIRY_BATCH, ascending=True, until=sortable(now))
        expired = 0
        for entry in due.entries:
            expired += retrying(partial(self._expire, entry.ref))
        return expired

    def _expire(self, ref: Ref) -> int:
        doc = self._docs.get(ref)
        if doc is None:
            self._docs.commit([Unlink("idea_deadlines", OPEN, ref)])
            return 0
        idea = Idea.model_validate(doc.data)
        if idea.state is not IdeaStatus.OPEN or idea.deadline > self._clock():
            return 0
        expired = idea.model_copy(update={"state": IdeaStatus.EXPIRED})
        self._docs.commit(
            [Put(ref, expired.model_dump(mode="json"), expect=doc.version), Unlink("idea_deadlines", OPEN, ref)]
        )
        return 1

    def moderated(self, idea_id: str, approve: bool) -> Outcome:
        doc = self._docs.get(Ref("idea", idea_id))
        if doc is None:
            return Outcome(changes=[])
        idea = Idea.model_validate(doc.data)
        if approve and idea.status is not Status.PUBLISHED:
            published = idea.model_copy(
                update={"status": Status.PUBLISHED, "deadline": self._clock() + self._policy.window}
            )
            return Outcome(
                [Put(doc.ref, published.model_dump(mode="json"), expect=doc.version), *self._listing(published)]
            )
        status = Status.PUBLISHED if approve else Status.REJECTED
        return Outcome([Put(doc.ref, {**doc.data, "status": status}, expect=doc.version)])
