"""Becoming an advisor: apply with an invite code, pass the tests, complete a profile, read the
knowledge base. The last step approves: the advisor joins the program (AdvisorApproved) and the
`advisor` group."""

from __future__ import annotations

from datetime import timedelta

from functions.advice.logic.domain import AdvisorProfile, Application, ApplicationStatus, ProgramTest, grade
from functions.advice.logic.ports import (
    AdvisorStore,
    ApplicationStore,
    Clock,
    IdentityDirectory,
    IdFactory,
    ProgramStore,
)
from functions.advice.models.api import (
    AdvisorOut,
    Answers,
    ApplicationCreate,
    ApplicationOut,
    Feedback,
    ProfileUpdate,
    QuestionOut,
    ScenarioOut,
)
from functions.advice.models.events import AdvisorApproved
from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound, UnprocessableEntity

ADVISOR_GROUP = Role.ADVISOR.value


class ApplicationService:
    def __init__(
        self,
        programs: ProgramStore,
        applications: ApplicationStore,
        advisors: AdvisorStore,
        identity: IdentityDirectory,
        *,
        clock: Clock,
        new_id: IdFactory,
    ):
        self._programs = programs
        self._applications = applications
        self._advisors = advisors
        self._identity = identity
        self._clock = clock
        self._new_id = new_id

    def apply(self, caller: Principal, body: ApplicationCreate) -> ApplicationOut:
        now = self._clock()
        invite = self._programs.invite(body.invite_code)
        if invite is None:
            raise NotFound("no such invite code", code="invite_not_found")
        existing = self._applications.application_of(caller.user_id, invite.program_id)
        if existing is not None:
            return self.view(existing)  # applying twice continues the first application
        if not invite.usable(now):
            expired = invite.expires_at is not None and now >= invite.expires_at
            raise Conflict(
                "the invite code has expired" if expired else "the invite code has been used up",
                code="invite_expired" if expired else "invite_used_up",
            )
        application = Application(
            application_id=self._new_id(),
            program_id=invite.program_id,
            user_id=caller.user_id,
            username=caller.username,
            invite_code=invite.code,
            created_at=now,
        )
        self._programs.use_invite(invite, application)
        return self.view(application)

    def get(self, caller: Principal, application_id: str) -> ApplicationOut:
        return self.view(self._own(caller, application_id))

    def view(self, application: Application) -> ApplicationOut:
        program = self._programs.program(application.program_id)
        if program is None:
            raise NotFound("no such advice program", code="program_not_found")
        test = self._test(application.program_id)
        return ApplicationOut(
            application_id=application.application_id,
            program_id=application.program_id,
            program_name=program.name,
            status=application.status,
            attempts=application.attempts,
            attempts_left=max(0, test.max_attempts - application.attempts),
            retry_at=application.retry_at,
            pass_mark=test.pass_mark,
            knowledge=[QuestionOut(question_id=q.question_id, text=q.text, choices=q.choices) for q in test.knowledge],
            communication=[ScenarioOut(scenario_id=s.scenario_id, prompt=s.prompt) for s in test.communication],
            motivation=test.motivation,
            articles=self._programs.articles(application.program_id),
            knowledge_base_confirmed=application.knowledge_base_confirmed,
        )

    def answer(self, caller: Principal, application_id: str, answers: Answers) -> Feedback:
        application = self._own(caller, application_id)
        test = self._test(application.program_id)
        now = self._clock()
        if application.status in (ApplicationStatus.PASSED, ApplicationStatus.APPROVED):
            raise Conflict("the tests are already passed", code="already_passed")
        if application.attempts >= test.max_attempts:
            raise Conflict("no attempts left for this program", code="no_attempts_left")
        if application.retry_at is not None and now < application.retry_at:
            raise Conflict(f"you can retry from {application.retry_at.isoformat()}", code="retry_later")
        if len(answers.knowledge) != len(test.knowledge):
            raise UnprocessableEntity(
                f"answer each of the {len(test.knowledge)} knowledge questions", code="answers_incomplete"
            )
        result = grade(test, answers.knowledge, answers.communication, answers.motivation)
        attempts = application.attempts + 1
        left = test.max_attempts - attempts
        retry_at = None if result.passed or left == 0 else now + timedelta(hours=test.retry_after_hours)
        updated = application.model_copy(
            update={
                "attempts": attempts,
                "status": ApplicationStatus.PASSED if result.passed else ApplicationStatus.FAILED,
                "knowledge_score": result.knowledge_score,
                "motivation": answers.motivation,
                "retry_at": retry_at,
            }
        )
        self._applications.save_application(updated)
        if result.passed:
            step = "complete your advisor profile (PUT /advice/advisors/me), then confirm the knowledge base"
        elif left:
            step = "read the knowledge base and retry"
        else:
            step = "no attempts left"
        return Feedback(
            passed=result.passed,
            status=updated.status,
            knowledge_score=result.knowledge_score,
            pass_mark=test.pass_mark,
            wrong_questions=result.wrong_questions,
            weak_scenarios=result.weak_scenarios,
            missing_motivation=result.missing_motivation,
            attempts_left=left,
            retry_at=retry_at,
            next_step=step,
        )

    def confirm_knowledge_base(self, caller: Principal, application_id: str) -> ApplicationOut:
        """The last step: with the tests passed and a profile, the member becomes an advisor."""
        application = self._own(caller, application_id)
        if application.status is ApplicationStatus.APPROVED:
            return self.view(application)
        if application.status is not ApplicationStatus.PASSED:
            raise Conflict("pass the tests first", code="tests_not_passed")
        profile = self._advisors.profile(caller.user_id)
        if profile is None:
            raise Conflict("complete your advisor profile first", code="profile_incomplete")
        approved = application.model_copy(
            update={"status": ApplicationStatus.APPROVED, "knowledge_base_confirmed": True}
        )
        programs = sorted({*profile.programs, application.program_id})
        self._applications.approve(
            approved,
            profile.model_copy(update={"programs": programs}),
            AdvisorApproved(advisor_id=caller.user_id, program_id=application.program_id, occurred_at=self._clock()),
        )
        if caller.username and not caller.has(Role.ADVISOR):
            self._identity.add_to_group(caller.username, ADVISOR_GROUP)
        return self.view(approved)

    def save_profile(self, caller: Principal, body: ProfileUpdate) -> AdvisorOut:
        existing = self._advisors.profile(caller.user_id)
        profile = AdvisorProfile(
            user_id=caller.user_id,
            programs=existing.programs if existing else [],
            **body.model_dump(),
        )
        self._advisors.save_profile(profile)
        return self.advisor(caller)

    def advisor(self, caller: Principal) -> AdvisorOut:
        profile = self._advisors.profile(caller.user_id)
        if profile is None:
            raise NotFound("no advisor profile yet", code="profile_not_found")
        stats = self._advisors.stats(caller.user_id)
        return AdvisorOut(
            profile=profile,
            rating=stats.rating,
            median_response_ms=stats.median_response_ms,
            quality=stats.quality,
        )

    def _own(self, caller: Principal, application_id: str) -> Application:
        application = self._applications.application(application_id)
        if application is None:
            raise NotFound("no such application", code="application_not_found")
        if application.user_id != caller.user_id:
            raise Forbidden("not your application", code="not_your_application")
        return application

    def _test(self, program_id: str) -> ProgramTest:
        return self._programs.test(program_id) or ProgramTest()
