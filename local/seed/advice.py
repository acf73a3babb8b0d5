"""Demo live advice: a program of the demo vendor with an invite code, a knowledge test, articles,
and three approved advisors with profiles (the demo `advisor` user among them), so that a shopper
can ask for advice right away once an advisor goes online.

Deterministic and idempotent: fixed ids and invite code; a second run leaves what exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from functions.advice.logic.domain import (
    AdvisorProfile,
    Article,
    Availability,
    ChoiceQuestion,
    Compensation,
    CompensationKind,
    Invite,
    Program,
    ProgramTest,
    Scenario,
)
from functions.advice.store.dynamo import DynamoAdviceStore
from functions.common.auth import Role
from local.seed import SeedContext
from local.seed.users import create_user, demo_password

PROGRAM_ID = "seed-advice-program"
INVITE_CODE = "PLEIN-ADVICE"
INVITE_EXPIRES = datetime(2036, 1, 1, tzinfo=UTC)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
ADVISORS = (
    ("advisor", "Sam (koffie & keuken)", ["coffee", "cooking", "home", "kitchen"], ["nl", "en"]),
    ("advisor-lotte", "Lotte (fietsen & outdoor)", ["cycling", "outdoor", "sport"], ["nl", "de"]),
    ("advisor-jonas", "Jonas (audio & elektronica)", ["audio", "electronics", "fashion"], ["de", "en"]),
)
TEST = ProgramTest(
    knowledge=[
        ChoiceQuestion(
            question_id="kq1",
            text="A shopper asks about a product you do not know. What do you do?",
            choices=["Guess", "Say so and share what you do know", "End the chat"],
            correct=1,
        ),
        ChoiceQuestion(
            question_id="kq2",
            text="May you share your phone number with a shopper?",
            choices=["Yes", "No, everything stays on Plein"],
            correct=1,
        ),
    ],
    pass_mark=1.0,
    max_attempts=3,
    retry_after_hours=1,
    communication=[
        Scenario(
            scenario_id="cs1",
            prompt="A shopper hesitates between two coffee grinders. How do you answer?",
            rubric=["thanks", "recommend", "because", "experience", "budget"],
            required=2,
        )
    ],
    motivation=["Why do you want to advise other shoppers?"],
)
ARTICLES = [
    Article(article_id="kb1", title="How live advice works", body="Accept offers, answer honestly, stay on Plein."),
    Article(article_id="kb2", title="What you earn", body="50 points for every session a shopper rates."),
]
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def seed(ctx: SeedContext) -> None:
    environment = ctx.environment("advice")
    store = DynamoAdviceStore(environment["TABLE_NAME"], ctx.client("dynamodb"))
    owner = ctx.users.get("vendor")
    if store.program(PROGRAM_ID) is None:
        store.create_program(
            Program(
                program_id=PROGRAM_ID,
                name="Plein community advice",
                owner_id=owner.sub if owner else "seed",
                vendor_id=owner.vendor_id if owner else None,
                compensation=Compensation(kind=CompensationKind.POINTS, points=50),
                invitation_url=f"/advice/join?program={PROGRAM_ID}",
                created_at=CREATED,
            )
        )
        store.save_test(PROGRAM_ID, TEST)
        store.save_articles(PROGRAM_ID, ARTICLES)
    if store.invite(INVITE_CODE) is None:
        store.create_invite(Invite(code=INVITE_CODE, program_id=PROGRAM_ID, max_uses=None, expires_at=INVITE_EXPIRES))
    _advisors(ctx, store)
    ctx.log(f"advice: program {PROGRAM_ID}, invite code {INVITE_CODE}, {len(ADVISORS)} advisors")


def _advisors(ctx: SeedContext, store: DynamoAdviceStore) -> None:
    groups = (Role.SHOPPER.value, Role.ADVISOR.value)
    for username, name, expertise, languages in ADVISORS:
        user = ctx.users.get(username)
        if user is None and ctx.user_pool_id is not None:
            user = create_user(
                ctx.client("cognito-idp"),
                ctx.user_pool_id,
                username,
                password=demo_password(username),
                groups=groups,
            )
            ctx.users[username] = user
        if user is None:
            continue
        store.save_profile(
            AdvisorProfile(
                user_id=user.sub,
                display_name=name,
                expertise=expertise,
                languages=languages,
                bio="Demo advisor of the seeded program.",
                availability=[Availability(day=day, start="09:00", end="21:00") for day in WEEK],
                programs=[PROGRAM_ID],
            )
        )
