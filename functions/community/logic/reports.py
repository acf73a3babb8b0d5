"""Reports: members flag published reviews, questions, answers and comments (on collections and on
articles) for the moderators.

Each member reports a text once (409 `already_reported`), never their own (403 `own_content`).
The first report opens a moderation case; the text stays visible until a moderator rejects it.
"""

from __future__ import annotations

from functions.common.auth import Principal
from functions.common.errors import Conflict, Forbidden, NotFound
from functions.community.logic.deps import Deps
from functions.community.logic.domain import Reportable, Status, sortable
from functions.community.logic.moderation import case_of
from functions.community.logic.paging import duplicate_of, retrying
from functions.community.logic.ports import Change, Link, Put, Ref
from functions.community.models.api import ReportInput, ReportView

REPORTS_TO_REVIEW = 1
"""Reports after which a text goes to the moderation queue."""


class ReportService:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._clock = deps.clock
        self._new_id = deps.new_id

    def report(self, principal: Principal, subject: Reportable, subject_id: str, request: ReportInput) -> ReportView:
        mark = Ref("report", f"{subject}:{subject_id}#{principal.user_id}")
        counter = Ref("reports", f"{subject}:{subject_id}")
        already = Conflict(f"you already reported this {subject}", code="already_reported")

        def attempt() -> ReportView:
            doc = self._docs.get(Ref(subject, subject_id))
            if doc is None or doc.data.get("status") != Status.PUBLISHED:
                raise NotFound(f"no such {subject}", code=f"{subject}_not_found")
            author_id = str(doc.data["user_id"])
            if author_id == principal.user_id:
                raise Forbidden("you cannot report what you wrote", code="own_content")
            if self._docs.get(mark) is not None:
                raise already
            counted = self._docs.get(counter)
            reports = (int(counted.data["reports"]) if counted else 0) + 1
            now = self._clock()
            changes: list[Change] = [
                Put(mark, {"reason": request.reason, "note": request.note}, expect=0),
                Put(counter, {"reports": reports}, expect=counted.version if counted else 0),
            ]
            if reports == REPORTS_TO_REVIEW:
                texts = (doc.data.get("title"), doc.data.get("text"))
                case = case_of(
                    self._new_id, now, (subject, subject_id), author_id, *texts,
                    reasons=[f"reported_{request.reason}"], origin="report",
                )  # fmt: skip
                case_ref = Ref("case", case.case_id)
                changes += [
                    Put(case_ref, case.model_dump(mode="json"), expect=0),
                    Link("cases", case.state, case_ref, sortable(now)),
                ]
            self._docs.commit(changes)
            return ReportView(subject=subject, subject_id=subject_id, reports=reports)

        return retrying(attempt, duplicate_of(mark, already))
