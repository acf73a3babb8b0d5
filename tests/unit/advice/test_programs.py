"""Programs, invite codes, tests and the way to become an advisor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from functions.advice.logic.domain import AdvisorProfile, ApplicationStatus, ProgramTest
from functions.advice.models.api import (
    Answers,
    ApplicationCreate,
    InviteCreate,
    KnowledgeBase,
    ProfileUpdate,
    ProgramCreate,
)
from functions.advice.models.events import AdvisorApproved, AdvisorInvited
from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound, UnprocessableEntity
from tests.unit.advice.conftest import ADMIN, SHOPPER, TEST, VENDOR, World

GOOD = Answers(
    knowledge=[0, 1],
    communication=["Thanks for asking! I recommend the burr grinder because it is even."],
    motivation=["I love good coffee and helping people."],
)
PROFILE = ProfileUpdate(display_name="Sam", expertise=["Coffee"], languages=["nl", "en"], bio="Barista")
OTHER_VENDOR = Principal(user_id="u-v2", groups=frozenset({Role.VENDOR}), vendor_id="v2")


def apply(world: World, program_id: str, who: Principal = SHOPPER, max_uses: int | None = 1) -> str:
    expiry = world.clock() + timedelta(days=1) if max_uses != 1 else None
    invite = world.programs.create_invite(VENDOR, program_id, InviteCreate(max_uses=max_uses, expires_at=expiry))
    return world.applications.apply(who, ApplicationCreate(invite_code=invite.code)).application_id


def test_vendors_create_programs_for_their_own_vendor_only(world: World) -> None:
    body = ProgramCreate.model_validate(
        {"name": "X", "vendor_id": "v1", "compensation": {"kind": "points", "points": 5}}
    )
    with pytest.raises(Forbidden):
        world.programs.create(OTHER_VENDOR, body)
    with pytest.raises(Forbidden):
        world.programs.create(SHOPPER, body)
    assert world.programs.create(ADMIN, body).vendor_id == "v1"


def test_only_owners_manage_a_program(world: World) -> None:
    program_id = world.program()
    with pytest.raises(Forbidden):
        world.programs.save_test(OTHER_VENDOR, program_id, TEST)
    with pytest.raises(Forbidden):
        world.programs.create_invite(OTHER_VENDOR, program_id, InviteCreate())
    assert world.programs.test(ADMIN, program_id) == TEST
    assert [p.program_id for p in world.programs.mine(VENDOR).items] == [program_id]
    assert world.programs.mine(OTHER_VENDOR).items == []


def test_the_knowledge_base_is_read_by_managers_and_the_programs_advisors_only(world: World) -> None:
    program_id = world.program()
    advisor = Principal(user_id="u-adv", groups=frozenset({Role.SHOPPER, Role.ADVISOR}))
    with pytest.raises(Forbidden):
        world.programs.knowledge_base(advisor, program_id)
    world.store.save_profile(AdvisorProfile(user_id="u-adv", display_name="Sam", programs=[program_id]))

    assert world.programs.knowledge_base(advisor, program_id) == world.programs.knowledge_base(VENDOR, program_id)
    with pytest.raises(Forbidden):
        world.programs.knowledge_base(OTHER_VENDOR, program_id)


def test_a_test_whose_correct_choice_does_not_exist_is_refused(world: World) -> None:
    program_id = world.program()
    broken = TEST.model_copy(deep=True)
    broken.knowledge[0].correct = 5
    with pytest.raises(UnprocessableEntity) as refused:
        world.programs.save_test(VENDOR, program_id, broken)
    assert refused.value.code == "invalid_correct_choice"


def test_multi_use_codes_need_an_expiry(world: World) -> None:
    program_id = world.program()
    with pytest.raises(UnprocessableEntity) as refused:
        world.programs.create_invite(VENDOR, program_id, InviteCreate(max_uses=None))
    assert refused.value.code == "expiry_required"


def test_a_single_use_code_works_once(world: World) -> None:
    program_id = world.program()
    invite = world.programs.create_invite(VENDOR, program_id, InviteCreate(max_uses=1))
    assert invite.link.endswith(f"program={program_id}&code={invite.code}")
    world.applications.apply(SHOPPER, ApplicationCreate(invite_code=invite.code))
    other = Principal(user_id="u-2", groups=frozenset({Role.SHOPPER}))
    with pytest.raises(Conflict) as refused:
        world.applications.apply(other, ApplicationCreate(invite_code=invite.code))
    assert refused.value.code == "invite_used_up"


def test_an_expired_code_is_refused_and_an_unknown_one_not_found(world: World) -> None:
    program_id = world.program()
    invite = world.programs.create_invite(
        VENDOR, program_id, InviteCreate(max_uses=None, expires_at=world.clock() + timedelta(hours=1))
    )
    world.clock.advance(hours=2)
    with pytest.raises(Conflict) as refused:
        world.applications.apply(SHOPPER, ApplicationCreate(invite_code=invite.code))
    assert refused.value.code == "invite_expired"
    with pytest.raises(NotFound):
        world.applications.apply(SHOPPER, ApplicationCreate(invite_code="NOPE1234"))


def test_the_application_hides_the_answers(world: World) -> None:
    program_id = world.program()
    application = world.applications.get(SHOPPER, apply(world, program_id))
    assert application.knowledge[0].model_dump() == {
        "question_id": "q1",
        "text": "Which grind for espresso?",
        "choices": ["fine", "coarse"],
    }
    assert application.communication[0].model_dump() == {"scenario_id": "c1", "prompt": "A shopper is unsure"}
    assert application.articles[0].article_id == "a1"


def test_failing_gives_feedback_and_retry_rules(world: World) -> None:
    program_id = world.program()
    application_id = apply(world, program_id)
    weak = Answers(knowledge=[1, 1], communication=["ok"], motivation=["short"])

    feedback = world.applications.answer(SHOPPER, application_id, weak)

    assert not feedback.passed
    assert feedback.wrong_questions == ["q1"]
    assert feedback.weak_scenarios == ["c1"]
    assert feedback.missing_motivation
    assert feedback.attempts_left == 1
    assert feedback.retry_at == world.clock() + timedelta(hours=24)
    with pytest.raises(Conflict) as early:
        world.applications.answer(SHOPPER, application_id, GOOD)
    assert early.value.code == "retry_later"
    world.clock.advance(hours=24)
    assert world.applications.answer(SHOPPER, application_id, weak).attempts_left == 0
    with pytest.raises(Conflict) as done:
        world.applications.answer(SHOPPER, application_id, GOOD)
    assert done.value.code == "no_attempts_left"


def test_passing_then_profile_then_knowledge_base_approves(world: World) -> None:
    program_id = world.program()
    application_id = apply(world, program_id)
    assert world.applications.answer(SHOPPER, application_id, GOOD).passed
    with pytest.raises(Conflict) as no_profile:
        world.applications.confirm_knowledge_base(SHOPPER, application_id)
    assert no_profile.value.code == "profile_incomplete"

    world.applications.save_profile(SHOPPER, PROFILE)
    approved = world.applications.confirm_knowledge_base(SHOPPER, application_id)

    assert approved.status is ApplicationStatus.APPROVED
    assert world.store.profile(SHOPPER.user_id).programs == [program_id]  # type: ignore[union-attr]
    assert world.store.profile(SHOPPER.user_id).expertise == ["coffee"]  # type: ignore[union-attr]
    events = [e for e in world.store.outbox if isinstance(e, AdvisorApproved)]
    assert [(e.advisor_id, e.program_id) for e in events] == [(SHOPPER.user_id, program_id)]
    assert world.directory.added == [("shopper", "advisor")]
    # confirming again changes nothing
    world.applications.confirm_knowledge_base(SHOPPER, application_id)
    assert len(world.store.outbox) == 1


def test_confirming_before_passing_is_refused(world: World) -> None:
    application_id = apply(world, world.program())
    with pytest.raises(Conflict) as refused:
        world.applications.confirm_knowledge_base(SHOPPER, application_id)
    assert refused.value.code == "tests_not_passed"


def test_someone_else_cannot_see_or_answer_an_application(world: World) -> None:
    application_id = apply(world, world.program())
    other = Principal(user_id="u-2", groups=frozenset({Role.SHOPPER}))
    with pytest.raises(Forbidden):
        world.applications.get(other, application_id)
    with pytest.raises(Forbidden):
        world.applications.answer(other, application_id, GOOD)


def test_knowledge_base_is_for_owners_and_applicants(world: World) -> None:
    program_id = world.program()
    with pytest.raises(Forbidden):
        world.programs.knowledge_base(SHOPPER, program_id)
    apply(world, program_id)
    assert world.programs.knowledge_base(SHOPPER, program_id).articles[0].title == "Our grinders"
    world.programs.save_knowledge_base(VENDOR, program_id, KnowledgeBase(articles=[]))
    assert world.programs.knowledge_base(VENDOR, program_id).articles == []


def test_an_empty_test_passes_with_motivation_only(world: World) -> None:
    program_id = world.program()
    world.programs.save_test(VENDOR, program_id, ProgramTest(motivation=[]))
    application_id = apply(world, program_id)
    assert world.applications.answer(SHOPPER, application_id, Answers(knowledge=[])).passed


def test_invitees_each_get_an_invitation_with_the_code(world: World) -> None:
    program_id = world.program()
    expiry = world.clock() + timedelta(days=14)

    world.directory.emails["bob@example.org"] = "u-bob"

    invite = world.programs.create_invite(
        VENDOR, program_id, InviteCreate(max_uses=3, expires_at=expiry, invitees=["u-ann", "Bob@Example.org"])
    )

    invited = [e for e in world.store.outbox if isinstance(e, AdvisorInvited)]
    assert [e.invitee_id for e in invited] == ["u-ann", "u-bob"]
    assert {(e.code, e.program_id, e.program_name, e.link, e.expires_at) for e in invited} == {
        (invite.code, program_id, "Coffee", invite.link, expiry)
    }


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"max_uses": 1, "invitees": ["u-ann", "u-bob"]}, "too_few_uses"),
        ({"max_uses": None, "invitees": ["u-ann", "u-ann"]}, "duplicate_invitee"),
        ({"max_uses": None, "invitees": ["u-bob", "bob@example.org"]}, "duplicate_invitee"),
        ({"max_uses": None, "invitees": ["u-ann", "nobody@example.org"]}, "unknown_invitee"),
    ],
)
def test_invitations_a_code_cannot_serve_are_refused(world: World, body: dict[str, Any], code: str) -> None:
    program_id = world.program()
    world.directory.emails["bob@example.org"] = "u-bob"
    body = {"expires_at": world.clock() + timedelta(days=1), **body}

    with pytest.raises(UnprocessableEntity) as refused:
        world.programs.create_invite(VENDOR, program_id, InviteCreate.model_validate(body))

    assert refused.value.code == code
    assert not [e for e in world.store.outbox if isinstance(e, AdvisorInvited)]
    assert not world.store.invites


@pytest.mark.parametrize("invitee", ['x"@example.org', "a b@example.org", "no-domain@", "über@", "a" * 129])
def test_an_invitee_that_is_neither_an_address_nor_an_id_is_refused(invitee: str) -> None:
    with pytest.raises(ValidationError):
        InviteCreate.model_validate({"invitees": [invitee]})
