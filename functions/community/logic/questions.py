"""Questions and answers on products: members ask, members, vendors and advisors answer (each
answer marked by its author's role), the asker accepts one answer.

AnswerPosted (to notify the asker) is published when an answer becomes visible; AnswerAccepted
when the asker accepts one. Askers cannot accept their own answer.
"""

from __future__ import annotations

from functools import partial

from functions.common.auth import Principal
from functions.common.errors import Forbidden, NotFound
from functions.common.events import DomainEvent
from functions.common.pagination import Page
from functions.community.logic.deps import Deps
from functions.community.logic.domain import Answer, AuthorRole, Question, Status, author_role, sortable
from functions.community.logic.moderation import Outcome, case_of
from functions.community.logic.paging import page_of, retrying
from functions.community.logic.ports import Change, Link, Put, Ref, Unlink
from functions.community.models.api import AnswerInput, AnswerView, QuestionInput, QuestionThread, QuestionView
from functions.community.models.events import AnswerAccepted, AnswerPosted

MAX_ANSWERS_SHOWN = 100


class QuestionService:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._screener = deps.screener
        self._cursors = deps.cursors
        self._clock = deps.clock
        self._new_id = deps.new_id

    def ask(self, principal: Principal, product_id: str, request: QuestionInput) -> QuestionView:
        """Ask about a product (retried when a concurrent post by the same member beat it)."""
        return retrying(partial(self._ask_once, principal, product_id, request))

    def _ask_once(self, principal: Principal, product_id: str, request: QuestionInput) -> QuestionView:
        verdict = self._screener.screen(principal.user_id, request.text)
        now = self._clock()
        question = Question(
            question_id=self._new_id(),
            product_id=product_id,
            user_id=principal.user_id,
            text=request.text,
            status=verdict.status,
            reasons=verdict.reasons,
            created_at=now,
        )
        ref = Ref("question", question.question_id)
        verdict.hold(case_of(self._new_id, now, ("question", question.question_id), principal.user_id, request.text))
        changes: list[Change] = [Put(ref, question.model_dump(mode="json"), expect=0), *verdict.changes]
        if question.status is Status.PUBLISHED:
            changes.append(Link("questions", product_id, ref, sortable(now)))
        self._docs.commit(changes)
        return QuestionView.model_validate(question.model_dump())

    def questions(self, product_id: str, limit: int | None, cursor: str | None) -> Page[QuestionView]:
        return page_of(self._docs, self._cursors, "questions", product_id, QuestionView, limit=limit, cursor=cursor)

    def thread(self, question_id: str) -> QuestionThread:
        """A published question with its published answers, the accepted one first, then oldest first."""
        question, _ = self._question(question_id)
        found = self._docs.entries("answers", question_id, limit=MAX_ANSWERS_SHOWN, ascending=True)
        loaded = self._docs.get_many([entry.ref for entry in found.entries])
        answers = [AnswerView.model_validate(loaded[e.ref].data) for e in found.entries if e.ref in loaded]
        answers.sort(key=lambda answer: not answer.accepted)
        return QuestionThread(question=QuestionView.model_validate(question.model_dump()), answers=answers)

    def _question(self, question_id: str) -> tuple[Question, int]:
        doc = self._docs.get(Ref("question", question_id))
        if doc is None or doc.data.get("status") != Status.PUBLISHED:
            raise NotFound("no such question", code="question_not_found")
        return Question.model_validate(doc.data), doc.version

    def answer(self, principal: Principal, question_id: str, request: AnswerInput) -> AnswerView:
        """Answer a published question; the answer is marked member, vendor or advisor."""
        role = author_role(principal)
        answer_id = self._new_id()

        def attempt() -> Answer:
            question, _ = self._question(question_id)
            verdict = self._screener.screen(principal.user_id, request.text)
            now = self._clock()
            answer = Answer(
                answer_id=answer_id,
                question_id=question_id,
                product_id=question.product_id,
                user_id=principal.user_id,
                role=role,
                vendor_id=principal.vendor_id if role is AuthorRole.VENDOR else None,
                text=request.text,
                status=verdict.status,
                reasons=verdict.reasons,
                created_at=now,
            )
            verdict.hold(case_of(self._new_id, now, ("answer", answer_id), principal.user_id, request.text))
            changes: list[Change] = [
                Put(Ref("answer", answer_id), answer.model_dump(mode="json"), expect=0),
                *verdict.changes,
            ]
            events: list[DomainEvent] = []
            if answer.status is Status.PUBLISHED:
                self._publish_answer(answer, changes, events)
            self._docs.commit(changes, events)
            return answer

        return AnswerView.model_validate(retrying(attempt).model_dump())

    def _publish_answer(self, answer: Answer, changes: list[Change], events: list[DomainEvent]) -> None:
        question, version = self._question(answer.question_id)
        ref = Ref("answer", answer.answer_id)
        counted = question.model_copy(update={"answers": question.answers + 1})
        changes += [
            Put(Ref("question", question.question_id), counted.model_dump(mode="json"), expect=version),
            Link("answers", question.question_id, ref, sortable(answer.created_at)),
            Link("answers_by", answer.user_id, ref, sortable(answer.created_at)),
        ]
        events.append(
            AnswerPosted(
                answer_id=answer.answer_id,
                question_id=question.question_id,
                product_id=question.product_id,
                user_id=answer.user_id,
                asker_id=question.user_id,
                author_role=answer.role.value,
            )
        )

    def accept(self, principal: Principal, question_id: str, answer_id: str) -> QuestionThread:
        """The asker accepts one published answer (accepting another moves the mark)."""

        def attempt() -> None:
            question, version = self._question(question_id)
            if question.user_id != principal.user_id:
                raise Forbidden("only the asker can accept an answer", code="not_your_question")
            doc = self._docs.get(Ref("answer", answer_id))
            answer = Answer.model_validate(doc.data) if doc else None
            if (
                doc is None
                or answer is None
                or answer.question_id != question_id
                or answer.status is not Status.PUBLISHED
            ):
                raise NotFound("no such answer to this question", code="answer_not_found")
            if answer.user_id == principal.user_id:
                raise Forbidden("you cannot accept your own answer", code="own_answer")
            if question.accepted_answer_id == answer_id:
                return
            changes: list[Change] = [
                Put(
                    Ref("question", question_id),
                    question.model_copy(update={"accepted_answer_id": answer_id}).model_dump(mode="json"),
                    expect=version,
                ),
                Put(doc.ref, answer.model_copy(update={"accepted": True}).model_dump(mode="json"), expect=doc.version),
            ]
            if question.accepted_answer_id:
                previous = self._docs.get(Ref("answer", question.accepted_answer_id))
                if previous is not None:
                    unmarked = {**previous.data, "accepted": False}
                    changes.append(Put(previous.ref, unmarked, expect=previous.version))
            event = AnswerAccepted(
                answer_id=answer_id,
                question_id=question_id,
                product_id=question.product_id,
                user_id=answer.user_id,
                asker_id=question.user_id,
            )
            self._docs.commit(changes, [event])

        retrying(attempt)
        return self.thread(question_id)

    def question_moderated(self, question_id: str, approve: bool) -> Outcome:
        doc = self._docs.get(Ref("question", question_id))
        if doc is None:
            return Outcome(changes=[])
        question = Question.model_validate(doc.data)
        status = Status.PUBLISHED if approve else Status.REJECTED
        changes: list[Change] = [Put(doc.ref, {**doc.data, "status": status}, expect=doc.version)]
        if approve and question.status is not Status.PUBLISHED:
            changes.append(Link("questions", question.product_id, doc.ref, sortable(question.created_at)))
        elif not approve and question.status is Status.PUBLISHED:  # reported, then rejected
            changes.append(Unlink("questions", question.product_id, doc.ref))
        return Outcome(changes)

    def answer_moderated(self, answer_id: str, approve: bool) -> Outcome:
        doc = self._docs.get(Ref("answer", answer_id))
        if doc is None:
            return Outcome(changes=[])
        answer = Answer.model_validate(doc.data)
        changes: list[Change] = []
        events: list[DomainEvent] = []
        if approve and answer.status is not Status.PUBLISHED:
            answer = answer.model_copy(update={"status": Status.PUBLISHED})
            self._publish_answer(answer, changes, events)
        elif not approve:
            if answer.status is Status.PUBLISHED:  # reported, then rejected
                self._withdraw_answer(answer, changes)
            answer = answer.model_copy(update={"status": Status.REJECTED, "accepted": False})
        changes.insert(0, Put(doc.ref, answer.model_dump(mode="json"), expect=doc.version))
        return Outcome(changes, events)

    def _withdraw_answer(self, answer: Answer, changes: list[Change]) -> None:
        """Take a published answer out of its question (count, accepted mark) and the lists."""
        doc = self._docs.get(Ref("question", answer.question_id))
        ref = Ref("answer", answer.answer_id)
        changes += [Unlink("answers", answer.question_id, ref), Unlink("answers_by", answer.user_id, ref)]
        if doc is None:
            return
        question = Question.model_validate(doc.data)
        accepted = None if question.accepted_answer_id == answer.answer_id else question.accepted_answer_id
        withdrawn = question.model_copy(
            update={"answers": max(0, question.answers - 1), "accepted_answer_id": accepted}
        )
        changes.append(Put(doc.ref, withdrawn.model_dump(mode="json"), expect=doc.version))
