"""Ports the advice logic needs: its stores, the socket, media, identity, classifier and scorer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from pydantic import Field

from functions.advice.logic.domain import (
    AdviceRequest,
    AdvisorProfile,
    AdvisorStats,
    Application,
    Article,
    Candidate,
    Classification,
    Connection,
    Conversion,
    Earning,
    Invite,
    MediaJoin,
    Message,
    ProductContext,
    Program,
    ProgramTest,
    Rating,
    Session,
)
from functions.common.events import DomainEvent
from functions.common.models import Record

Clock = Callable[[], datetime]
IdFactory = Callable[[], str]


class ProgramStore(Protocol):
    def create_program(self, program: Program) -> None: ...
    def program(self, program_id: str) -> Program | None: ...
    def programs(self) -> list[Program]: ...
    def save_test(self, program_id: str, test: ProgramTest) -> None: ...
    def test(self, program_id: str) -> ProgramTest | None: ...
    def save_articles(self, program_id: str, articles: list[Article]) -> None: ...
    def articles(self, program_id: str) -> list[Article]: ...
    def create_invite(self, invite: Invite, invitations: Sequence[DomainEvent] = ()) -> None:
        """Save the code and its invitations (AdvisorInvited, through the outbox) at once."""
        ...

    def invite(self, code: str) -> Invite | None: ...
    def use_invite(self, invite: Invite, application: Application) -> None:
        """Count one use of `invite` (raises Conflict `invite_used_up` when its last use was taken
        concurrently) and save `application`, in one transaction."""


class ApplicationStore(Protocol):
    def application(self, application_id: str) -> Application | None: ...
    def application_of(self, user_id: str, program_id: str) -> Application | None: ...
    def save_application(self, application: Application) -> None: ...
    def approve(self, application: Application, profile: AdvisorProfile, event: DomainEvent) -> None:
        """Save the approved application and the profile with the new program, and the event, at once."""


class AdvisorStore(Protocol):
    def profile(self, user_id: str) -> AdvisorProfile | None: ...
    def save_profile(self, profile: AdvisorProfile) -> None: ...
    def stats(self, user_id: str) -> AdvisorStats: ...
    def earnings(self, user_id: str) -> list[Earning]: ...
    def program_advisors(self, program_id: str) -> list[str]:
        """The user ids of the advisors approved for the program (online or not)."""
        ...


class LiveStore(Protocol):
    """Connections, presence cards and open requests."""

    def save_connection(self, connection: Connection) -> None: ...
    def connection(self, connection_id: str) -> Connection | None: ...
    def drop_connection(self, connection_id: str) -> None: ...
    def connections_of(self, user_id: str) -> list[Connection]: ...
    def card(self, user_id: str) -> Candidate | None: ...
    def save_card(self, card: Candidate) -> None:
        """Save presence and routing facts; keeps `active_sessions` as the store has it."""

    def online(self) -> list[Candidate]: ...
    def cards_of(self, user_ids: list[str]) -> list[Candidate]:
        """The presence cards of these advisors, offline ones included; none for an advisor who
        never connected."""
        ...

    def mark_offered(self, user_ids: list[str], at: datetime) -> None: ...
    def create_request(self, request: AdviceRequest) -> None: ...
    def request(self, request_id: str) -> AdviceRequest | None: ...
    def save_offers(self, request: AdviceRequest) -> None:
        """Save the offered advisors, round and next escalation of a request that is still open."""

    def close_request(self, request: AdviceRequest, event: DomainEvent | None = None) -> None:
        """Save a request's final status (no_advisor or cancelled) if it is still open, with
        `event` through the outbox in the same write (only the close that wins publishes)."""

    def decline(self, request_id: str, advisor_id: str) -> None: ...
    def requests_due(self, now: datetime) -> list[AdviceRequest]: ...
    def accept(self, request: AdviceRequest, session: Session) -> None:
        """Match the request to the session's advisor and start the session, in one transaction.
        Raises Conflict `taken` when the request is no longer open and `too_many_sessions` when
        the advisor already runs the maximum."""


class SessionStore(Protocol):
    def session(self, session_id: str) -> Session | None: ...
    def sessions_of(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        """A page of the user's sessions, newest accepted first, from after the position `after`
        (opaque, from the previous page); with the position of the next page, if any."""

    def add_message(self, message: Message, first_response: bool) -> None:
        """Store a message; `first_response` also records it as the advisor's first answer."""

    def transcript(self, session_id: str) -> list[Message]: ...
    def set_media_ref(self, session_id: str, media_ref: str) -> None: ...
    def forward(self, session_id: str) -> None: ...
    def end(self, session: Session, event: DomainEvent) -> bool:
        """End a running session, release the advisor's slot, record the response time and save
        the event, at once; False if it had already ended."""

    def rate(self, session: Session, earning: Earning, event: DomainEvent) -> None:
        """Save the rating and quality verdict on the session, the advisor's statistics, the
        earning and the event, at once; Conflict `already_rated` if it was rated before."""

    def flagged(self) -> list[Session]:
        """Rated sessions the quality scorer flagged for review."""

    def sessions_since(self, shopper_id: str, since: datetime) -> list[Session]: ...
    def add_conversion(self, conversion: Conversion) -> bool:
        """Record a conversion once per (session, order); False if it was known."""

    def requests_between(self, program_id: str, start: datetime, end: datetime) -> list[AdviceRequest]: ...
    def sessions_between(self, program_id: str, start: datetime, end: datetime) -> list[Session]: ...


class Notifier(Protocol):
    """Frames out to a socket connection (API Gateway Management API `post_to_connection`)."""

    def send(self, connection_id: str, frame: dict[str, Any]) -> bool:
        """False when the connection is gone."""


class MediaProvider(Protocol):
    name: str

    def start(self, session: Session) -> tuple[str | None, dict[str, MediaJoin]]:
        """Start (or join) the session's media: the provider's reference and each participant's
        join data, keyed by user id."""

    def end(self, session: Session) -> None: ...


class QuestionClassifier(Protocol):
    def classify(self, question: str, product: ProductContext) -> Classification: ...


class QualityVerdict(Record):
    score: float = Field(ge=0, le=1)
    flags: list[str] = Field(default_factory=list)


class QualityScorer(Protocol):
    def score(self, session: Session, transcript: list[Message], rating: Rating) -> QualityVerdict: ...


class IdentityDirectory(Protocol):
    def add_to_group(self, username: str, group: str) -> None: ...


class MemberDirectory(Protocol):
    def member_by_email(self, email: str) -> str | None:
        """The user id of the member with this e-mail address (compared case-insensitively), or
        None when there is none."""
        ...
