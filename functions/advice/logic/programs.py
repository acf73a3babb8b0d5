"""Advice programs: created and managed by a vendor (for its own vendor account) or an admin."""

from __future__ import annotations

from functions.advice.logic.domain import Invite, Program, ProgramTest
from functions.advice.logic.ports import AdvisorStore, ApplicationStore, Clock, IdFactory, MemberDirectory, ProgramStore
from functions.advice.models.api import InviteCreate, InviteOut, KnowledgeBase, ProgramCreate, ProgramList, ProgramOut
from functions.advice.models.events import AdvisorInvited
from functions.common.auth import Principal, Role
from functions.common.errors import ErrorDetail, Forbidden, NotFound, UnprocessableEntity

INVITATION_PATH = "/advice/join"
"""The invitation link, relative to the site that shows it (the program's brand site or Plein)."""


def program_out(program: Program) -> ProgramOut:
    return ProgramOut.model_validate(program.model_dump())


class ProgramService:
    def __init__(
        self,
        programs: ProgramStore,
        applications: ApplicationStore,
        advisors: AdvisorStore,
        *,
        clock: Clock,
        new_id: IdFactory,
        new_code: IdFactory,
        members: MemberDirectory | None = None,
    ):
        self._programs = programs
        self._applications = applications
        self._advisors = advisors
        self._clock = clock
        self._new_id = new_id
        self._new_code = new_code
        self._members = members

    def create(self, caller: Principal, body: ProgramCreate) -> ProgramOut:
        caller.require(Role.VENDOR, Role.ADMIN)
        if not caller.has(Role.ADMIN):
            if body.vendor_id is None:
                raise UnprocessableEntity("say which of your vendors runs the program", code="vendor_required")
            caller.require_vendor(body.vendor_id)
        elif body.vendor_id is not None:
            caller.require_vendor(body.vendor_id)
        program_id = self._new_id()
        program = Program(
            program_id=program_id,
            name=body.name,
            owner_id=caller.user_id,
            vendor_id=body.vendor_id,
            categories=body.categories,
            brands=body.brands,
            compensation=body.compensation,
            invitation_url=f"{INVITATION_PATH}?program={program_id}",
            created_at=self._clock(),
        )
        self._programs.create_program(program)
        return program_out(program)

    def mine(self, caller: Principal) -> ProgramList:
        """The programs the caller manages (all of them for admins)."""
        caller.require(Role.VENDOR, Role.ADMIN)
        return ProgramList(items=[program_out(p) for p in self._programs.programs() if p.managed_by(caller)])

    def get(self, caller: Principal, program_id: str) -> ProgramOut:
        return program_out(self.managed(caller, program_id))

    def managed(self, caller: Principal, program_id: str) -> Program:
        """The program if the caller manages it: its vendor, its creator, or an admin."""
        program = self._programs.program(program_id)
        if program is None:
            raise NotFound("no such advice program", code="program_not_found")
        if not program.managed_by(caller):
            raise Forbidden("only the program's owner manages it", code="not_your_program")
        return program

    def create_invite(self, caller: Principal, program_id: str, body: InviteCreate) -> InviteOut:
        program = self.managed(caller, program_id)
        now = self._clock()
        if body.max_uses != 1 and body.expires_at is None:
            raise UnprocessableEntity("a multi-use invite code needs an expiry", code="expiry_required")
        if body.expires_at is not None and body.expires_at <= now:
            raise UnprocessableEntity("the expiry is in the past", code="expiry_in_past")
        invitees = self._invitees(body.invitees)
        if body.max_uses is not None and len(invitees) > body.max_uses:
            raise UnprocessableEntity(
                f"a code for {body.max_uses} use(s) cannot be sent to {len(invitees)} members: "
                "create one code per member, or a code with enough uses",
                code="too_few_uses",
            )
        invite = Invite(
            code=self._new_code(), program_id=program.program_id, max_uses=body.max_uses, expires_at=body.expires_at
        )
        invitations = [
            AdvisorInvited(
                program_id=program.program_id,
                program_name=program.name,
                brands=program.brands,
                invitee_id=invitee,
                code=invite.code,
                link=self.invite_out(program, invite).link,
                expires_at=invite.expires_at,
                occurred_at=now,
            )
            for invitee in invitees
        ]
        self._programs.create_invite(invite, invitations)
        return self.invite_out(program, invite)

    def _invitees(self, given: list[str]) -> list[str]:
        """The members' user ids, in the order given: an e-mail address is looked up, anything
        else is a user id. Unknown addresses and members named twice are refused, all at once."""
        unknown: list[ErrorDetail] = []
        resolved: list[str] = []
        for position, invitee in enumerate(given):
            if "@" not in invitee:
                resolved.append(invitee)
                continue
            member = self._members.member_by_email(invitee) if self._members else None
            if member is None:
                unknown.append(ErrorDetail(field=f"invitees.{position}", code="unknown_invitee", message=invitee))
            else:
                resolved.append(member)
        if unknown:
            raise UnprocessableEntity(
                "no member has these e-mail addresses: invite them by an address they signed up with",
                code="unknown_invitee",
                details=unknown,
            )
        if len(set(resolved)) != len(resolved):
            raise UnprocessableEntity("each member is invited once", code="duplicate_invitee")
        return resolved

    @staticmethod
    def invite_out(program: Program, invite: Invite) -> InviteOut:
        return InviteOut(
            code=invite.code,
            program_id=invite.program_id,
            max_uses=invite.max_uses,
            uses=invite.uses,
            expires_at=invite.expires_at,
            link=f"{program.invitation_url}&code={invite.code}",
        )

    def test(self, caller: Principal, program_id: str) -> ProgramTest:
        self.managed(caller, program_id)
        return self._programs.test(program_id) or ProgramTest()

    def save_test(self, caller: Principal, program_id: str, test: ProgramTest) -> ProgramTest:
        self.managed(caller, program_id)
        ids = [q.question_id for q in test.knowledge] + [s.scenario_id for s in test.communication]
        if len(ids) != len(set(ids)):
            raise UnprocessableEntity("question and scenario ids must be unique", code="duplicate_question_id")
        for question in test.knowledge:
            if question.correct >= len(question.choices):
                raise UnprocessableEntity(
                    f"question {question.question_id}: the correct choice is not one of its choices",
                    code="invalid_correct_choice",
                )
        for scenario in test.communication:
            if scenario.required > len(scenario.rubric):
                raise UnprocessableEntity(
                    f"scenario {scenario.scenario_id} requires more keywords than its rubric has",
                    code="invalid_rubric",
                )
        self._programs.save_test(program_id, test)
        return test

    def knowledge_base(self, caller: Principal, program_id: str) -> KnowledgeBase:
        """Readable by the program's managers, its applicants and its advisors."""
        program = self._programs.program(program_id)
        if program is None:
            raise NotFound("no such advice program", code="program_not_found")
        if not (program.managed_by(caller) or self._applicant_or_advisor(caller, program_id)):
            raise Forbidden("apply with an invite code to read the knowledge base", code="not_an_applicant")
        return KnowledgeBase(articles=self._programs.articles(program_id))

    def _applicant_or_advisor(self, caller: Principal, program_id: str) -> bool:
        if self._applications.application_of(caller.user_id, program_id) is not None:
            return True
        profile = self._advisors.profile(caller.user_id)
        return profile is not None and program_id in profile.programs

    def save_knowledge_base(self, caller: Principal, program_id: str, body: KnowledgeBase) -> KnowledgeBase:
        self.managed(caller, program_id)
        ids = [a.article_id for a in body.articles]
        if len(ids) != len(set(ids)):
            raise UnprocessableEntity("article ids must be unique", code="duplicate_article_id")
        self._programs.save_articles(program_id, body.articles)
        return body
