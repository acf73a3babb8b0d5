"""Advice unit fixtures: every service wired to the in-memory store and recording adapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from functions.advice.logic.applications import ApplicationService
from functions.advice.logic.domain import (
    AdvisorProfile,
    Article,
    ChoiceQuestion,
    Compensation,
    CompensationKind,
    ProgramTest,
    Scenario,
)
from functions.advice.logic.live import Caller, LiveService
from functions.advice.logic.ports import MediaProvider, QuestionClassifier
from functions.advice.logic.programs import ProgramService
from functions.advice.logic.sessions import SessionService
from functions.advice.models.api import ProgramCreate
from functions.advice.store.media import PeerToPeerMedia
from functions.advice.store.quality import TranscriptQualityScorer
from functions.common.auth import Principal, Role
from functions.common.pagination import CursorCodec
from tests.unit.advice.fakes import (
    Clock,
    FixedClassifier,
    MemoryAdviceStore,
    RecordingDirectory,
    RecordingNotifier,
    ids,
)

VENDOR = Principal(user_id="u-vendor", username="vendor", groups=frozenset({Role.VENDOR}), vendor_id="v1")
ADMIN = Principal(user_id="u-admin", username="admin", groups=frozenset({Role.ADMIN}))
SHOPPER = Principal(user_id="u-shopper", username="shopper", groups=frozenset({Role.SHOPPER}))

TEST = ProgramTest(
    knowledge=[
        ChoiceQuestion(question_id="q1", text="Which grind for espresso?", choices=["fine", "coarse"], correct=0),
        ChoiceQuestion(question_id="q2", text="Water temperature?", choices=["70", "93"], correct=1),
    ],
    pass_mark=1.0,
    max_attempts=2,
    retry_after_hours=24,
    communication=[
        Scenario(scenario_id="c1", prompt="A shopper is unsure", rubric=["thanks", "recommend", "because"], required=2)
    ],
    motivation=["Why do you want to advise?"],
)
ARTICLES = [Article(article_id="a1", title="Our grinders", body="Burr grinders grind evenly.")]


@dataclass
class World:
    clock: Clock = field(default_factory=Clock)
    store: MemoryAdviceStore = field(default_factory=MemoryAdviceStore)
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    directory: RecordingDirectory = field(default_factory=RecordingDirectory)
    media_provider: MediaProvider = field(default_factory=PeerToPeerMedia)
    classifier: QuestionClassifier = field(default_factory=lambda: FixedClassifier("coffee"))
    new_id: Callable[[], str] = field(default_factory=lambda: ids("id"))
    new_code: Callable[[], str] = field(default_factory=lambda: ids("CODE"))

    @property
    def programs(self) -> ProgramService:
        return ProgramService(
            self.store,
            self.store,
            self.store,
            clock=self.clock,
            new_id=self.new_id,
            new_code=self.new_code,
            members=self.directory,
        )

    @property
    def applications(self) -> ApplicationService:
        return ApplicationService(
            self.store, self.store, self.store, self.directory, clock=self.clock, new_id=self.new_id
        )

    @property
    def sessions(self) -> SessionService:
        return SessionService(
            self.store,
            self.store,
            self.store,
            TranscriptQualityScorer(),
            clock=self.clock,
            cursors=CursorCodec("unit-test-cursor-key"),
        )

    @property
    def live(self) -> LiveService:
        return LiveService(
            live=self.store,
            sessions=self.store,
            programs=self.store,
            advisors=self.store,
            notifier=self.notifier,
            media=self.media_provider,
            classifier=self.classifier,
            clock=self.clock,
            new_id=self.new_id,
        )

    def program(self, kind: CompensationKind = CompensationKind.POINTS) -> str:
        pay = Compensation(kind=kind, points=50, cash=250)
        created = self.programs.create(
            VENDOR, ProgramCreate(name="Coffee", vendor_id="v1", categories=["Home > Kitchen"], compensation=pay)
        )
        self.store.save_test(created.program_id, TEST)
        self.store.save_articles(created.program_id, ARTICLES)
        return created.program_id

    def advisor(
        self, user_id: str, program_id: str, *, expertise: tuple[str, ...] = ("coffee",), lang: str = "nl"
    ) -> Caller:
        self.store.save_profile(
            AdvisorProfile(
                user_id=user_id,
                display_name=f"Advisor {user_id}",
                expertise=list(expertise),
                languages=[lang],
                programs=[program_id],
            )
        )
        return Caller(user_id=user_id, username=user_id, connection_id=f"conn-{user_id}")


@pytest.fixture
def world() -> World:
    return World()
