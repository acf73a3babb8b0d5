"""In-memory implementations of the advice ports, honest about the conditions the table enforces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from functions.advice.logic.domain import (
    MAX_PARALLEL_SESSIONS,
    RESPONSE_SAMPLES,
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
    RequestStatus,
    Session,
    SessionStatus,
)
from functions.common.errors import Conflict
from functions.common.events import DomainEvent

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def ids(prefix: str) -> Any:
    counter = count(1)
    return lambda: f"{prefix}{next(counter)}"


class MemoryAdviceStore:
    """ProgramStore, ApplicationStore, AdvisorStore, LiveStore and SessionStore in dicts."""

    def __init__(self) -> None:
        self.programs_: dict[str, Program] = {}
        self.tests: dict[str, ProgramTest] = {}
        self.articles_: dict[str, list[Article]] = {}
        self.invites: dict[str, Invite] = {}
        self.applications: dict[str, Application] = {}
        self.profiles: dict[str, AdvisorProfile] = {}
        self.stats_: dict[str, AdvisorStats] = {}
        self.earnings_: dict[str, dict[str, Earning]] = {}
        self.connections: dict[str, Connection] = {}
        self.cards: dict[str, Candidate] = {}
        self.requests: dict[str, AdviceRequest] = {}
        self.sessions: dict[str, Session] = {}
        self.messages: dict[str, list[Message]] = {}
        self.conversions: set[tuple[str, str]] = set()
        self.outbox: list[DomainEvent] = []

    # programs
    def create_program(self, program: Program) -> None:
        self.programs_[program.program_id] = program

    def program(self, program_id: str) -> Program | None:
        return self.programs_.get(program_id)

    def programs(self) -> list[Program]:
        return sorted(self.programs_.values(), key=lambda p: (p.created_at, p.program_id))

    def save_test(self, program_id: str, test: ProgramTest) -> None:
        self.tests[program_id] = test

    def test(self, program_id: str) -> ProgramTest | None:
        return self.tests.get(program_id)

    def save_articles(self, program_id: str, articles: list[Article]) -> None:
        self.articles_[program_id] = list(articles)

    def articles(self, program_id: str) -> list[Article]:
        return list(self.articles_.get(program_id, []))

    def create_invite(self, invite: Invite, invitations: Sequence[DomainEvent] = ()) -> None:
        self.invites[invite.code] = invite
        self.outbox.extend(invitations)

    def invite(self, code: str) -> Invite | None:
        return self.invites.get(code)

    def use_invite(self, invite: Invite, application: Application) -> None:
        stored = self.invites[invite.code]
        if stored.max_uses is not None and stored.uses >= stored.max_uses:
            raise Conflict("the invite code has been used up", code="invite_used_up")
        if self.application_of(application.user_id, application.program_id) is not None:
            raise Conflict("you already applied to this program", code="already_applied")
        self.invites[invite.code] = stored.model_copy(update={"uses": stored.uses + 1})
        self.applications[application.application_id] = application

    # applications
    def application(self, application_id: str) -> Application | None:
        return self.applications.get(application_id)

    def application_of(self, user_id: str, program_id: str) -> Application | None:
        return next(
            (a for a in self.applications.values() if a.user_id == user_id and a.program_id == program_id), None
        )

    def save_application(self, application: Application) -> None:
        self.applications[application.application_id] = application

    def approve(self, application: Application, profile: AdvisorProfile, event: DomainEvent) -> None:
        self.applications[application.application_id] = application
        self.profiles[profile.user_id] = profile
        self.outbox.append(event)

    # advisors
    def profile(self, user_id: str) -> AdvisorProfile | None:
        return self.profiles.get(user_id)

    def save_profile(self, profile: AdvisorProfile) -> None:
        self.profiles[profile.user_id] = profile

    def program_advisors(self, program_id: str) -> list[str]:
        return sorted(user_id for user_id, profile in self.profiles.items() if program_id in profile.programs)

    def stats(self, user_id: str) -> AdvisorStats:
        stats = self.stats_.get(user_id, AdvisorStats())
        return stats.model_copy(update={"response_ms": stats.response_ms[-RESPONSE_SAMPLES:]})

    def earnings(self, user_id: str) -> list[Earning]:
        return list(self.earnings_.get(user_id, {}).values())

    # live
    def save_connection(self, connection: Connection) -> None:
        self.connections[connection.connection_id] = connection

    def connection(self, connection_id: str) -> Connection | None:
        return self.connections.get(connection_id)

    def drop_connection(self, connection_id: str) -> None:
        self.connections.pop(connection_id, None)

    def connections_of(self, user_id: str) -> list[Connection]:
        return [c for c in self.connections.values() if c.user_id == user_id]

    def card(self, user_id: str) -> Candidate | None:
        return self.cards.get(user_id)

    def save_card(self, card: Candidate) -> None:
        existing = self.cards.get(user_id := card.user_id)
        own = {"active_sessions": existing.active_sessions if existing else 0}
        own["last_offered_at"] = existing.last_offered_at if existing else None  # type: ignore[assignment]
        self.cards[user_id] = card.model_copy(update=own)

    def online(self) -> list[Candidate]:
        return [c for c in self.cards.values() if c.status.value != "offline"]

    def cards_of(self, user_ids: list[str]) -> list[Candidate]:
        return [self.cards[user_id] for user_id in user_ids if user_id in self.cards]

    def mark_offered(self, user_ids: list[str], at: datetime) -> None:
        for user_id in user_ids:
            if user_id in self.cards:
                self.cards[user_id] = self.cards[user_id].model_copy(update={"last_offered_at": at})

    def create_request(self, request: AdviceRequest) -> None:
        assert request.request_id not in self.requests
        self.requests[request.request_id] = request

    def request(self, request_id: str) -> AdviceRequest | None:
        return self.requests.get(request_id)

    def save_offers(self, request: AdviceRequest) -> None:
        stored = self.requests[request.request_id]
        if stored.status is RequestStatus.OPEN:
            self.requests[request.request_id] = request.model_copy(update={"declined": stored.declined})

    def close_request(self, request: AdviceRequest, event: DomainEvent | None = None) -> None:
        stored = self.requests[request.request_id]
        if stored.status is RequestStatus.OPEN:
            self.requests[request.request_id] = stored.model_copy(update={"status": request.status})
            if event is not None:
                self.outbox.append(event)

    def decline(self, request_id: str, advisor_id: str) -> None:
        stored = self.requests[request_id]
        declined = sorted({*stored.declined, advisor_id})
        self.requests[request_id] = stored.model_copy(update={"declined": declined})

    def requests_due(self, now: datetime) -> list[AdviceRequest]:
        return [r for r in self.requests.values() if r.status is RequestStatus.OPEN and r.escalate_at <= now]

    def accept(self, request: AdviceRequest, session: Session) -> None:
        stored = self.requests[request.request_id]
        if stored.status is not RequestStatus.OPEN:
            raise Conflict("another advisor took the request", code="taken")
        card = self.cards[session.advisor_id]
        if card.active_sessions >= MAX_PARALLEL_SESSIONS:
            raise Conflict("too many sessions", code="too_many_sessions")
        self.requests[request.request_id] = stored.model_copy(
            update={
                "status": RequestStatus.MATCHED,
                "accepted_by": session.advisor_id,
                "session_id": session.session_id,
            }
        )
        self.cards[session.advisor_id] = card.model_copy(update={"active_sessions": card.active_sessions + 1})
        self.sessions[session.session_id] = session

    # sessions
    def session(self, session_id: str) -> Session | None:
        return self.sessions.get(session_id)

    def sessions_of(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        mine = [s for s in self.sessions.values() if s.participant(user_id)]
        ordered = sorted(mine, key=lambda s: f"{s.accepted_at.isoformat()}#{s.session_id}", reverse=True)
        positions = [f"{s.accepted_at.isoformat()}#{s.session_id}" for s in ordered]
        start = positions.index(after) + 1 if after is not None else 0
        page = ordered[start : start + limit]
        more = start + limit < len(ordered)
        return page, (positions[start + limit - 1] if more else None)

    def add_message(self, message: Message, first_response: bool) -> None:
        self.messages.setdefault(message.session_id, []).append(message)
        session = self.sessions[message.session_id]
        if first_response and session.first_response_at is None:
            self.sessions[message.session_id] = session.model_copy(update={"first_response_at": message.sent_at})

    def transcript(self, session_id: str) -> list[Message]:
        return list(self.messages.get(session_id, []))

    def set_media_ref(self, session_id: str, media_ref: str) -> None:
        session = self.sessions[session_id]
        if session.media_ref is None:
            self.sessions[session_id] = session.model_copy(update={"media_ref": media_ref})

    def forward(self, session_id: str) -> None:
        session = self.sessions[session_id]
        if session.status is not SessionStatus.ACTIVE:
            raise Conflict("the session has ended")
        self.sessions[session_id] = session.model_copy(update={"status": SessionStatus.FORWARDED})

    def end(self, session: Session, event: DomainEvent) -> bool:
        stored = self.sessions[session.session_id]
        if stored.status is SessionStatus.ENDED:
            return False
        own = {k: getattr(stored, k) for k in ("first_response_at", "media_ref", "conversions", "revenue")}
        self.sessions[session.session_id] = session.model_copy(update={**own, "status": SessionStatus.ENDED})
        card = self.cards[session.advisor_id]
        self.cards[session.advisor_id] = card.model_copy(update={"active_sessions": max(0, card.active_sessions - 1)})
        stats = self.stats_.get(session.advisor_id, AdvisorStats())
        self.stats_[session.advisor_id] = stats.model_copy(
            update={"response_ms": [*stats.response_ms, session.response_ms]}
        )
        self.outbox.append(event)
        return True

    def rate(self, session: Session, earning: Earning, event: DomainEvent) -> None:
        stored = self.sessions[session.session_id]
        if stored.rating is not None:
            raise Conflict("the session is already rated", code="already_rated")
        own = {k: getattr(stored, k) for k in ("status", "first_response_at", "media_ref", "conversions", "revenue")}
        self.sessions[session.session_id] = session.model_copy(update=own)
        stats = self.stats_.get(session.advisor_id, AdvisorStats())
        assert session.rating is not None
        self.stats_[session.advisor_id] = stats.model_copy(
            update={
                "rating_sum": stats.rating_sum + session.rating.csat,
                "rating_count": stats.rating_count + 1,
                "quality_sum": stats.quality_sum + (session.quality or 0),
                "quality_count": stats.quality_count + 1,
            }
        )
        self.earnings_.setdefault(session.advisor_id, {})[session.session_id] = earning
        self.outbox.append(event)

    def flagged(self) -> list[Session]:
        rated = [s for s in self.sessions.values() if s.flagged and s.rating is not None]
        return sorted(rated, key=lambda s: s.rating.rated_at if s.rating else s.accepted_at, reverse=True)

    def sessions_since(self, shopper_id: str, since: datetime) -> list[Session]:
        return [s for s in self.sessions.values() if s.participant(shopper_id) and s.accepted_at >= since]

    def add_conversion(self, conversion: Conversion) -> bool:
        found = (conversion.session_id, conversion.order_id)
        if found in self.conversions:
            return False
        self.conversions.add(found)
        session = self.sessions[conversion.session_id]
        self.sessions[conversion.session_id] = session.model_copy(
            update={"conversions": session.conversions + 1, "revenue": session.revenue + conversion.revenue}
        )
        return True

    def requests_between(self, program_id: str, start: datetime, end: datetime) -> list[AdviceRequest]:
        return [r for r in self.requests.values() if r.program_id == program_id and start <= r.created_at < end]

    def sessions_between(self, program_id: str, start: datetime, end: datetime) -> list[Session]:
        return [s for s in self.sessions.values() if s.program_id == program_id and start <= s.requested_at < end]


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.gone: set[str] = set()

    def send(self, connection_id: str, frame: dict[str, Any]) -> bool:
        if connection_id in self.gone:
            return False
        self.sent.append((connection_id, frame))
        return True

    def to(self, connection_id: str, frame_type: str | None = None) -> list[dict[str, Any]]:
        return [f for c, f in self.sent if c == connection_id and (frame_type is None or f.get("type") == frame_type)]


class RecordingMedia:
    """A media provider that hands out meeting references like a media server would."""

    name = "chime"

    def __init__(self) -> None:
        self.started: list[str] = []
        self.ended: list[str] = []

    def start(self, session: Session) -> tuple[str | None, dict[str, MediaJoin]]:
        self.started.append(session.session_id)
        ref = session.media_ref or f"meeting-{session.session_id}"
        joins = {
            u: MediaJoin(provider="chime", data={"meeting": ref, "attendee": u})
            for u in (session.advisor_id, session.shopper_id)
        }
        return ref, joins

    def end(self, session: Session) -> None:
        self.ended.append(session.session_id)


class FixedClassifier:
    def __init__(self, *topics: str):
        self.topics = list(topics)

    def classify(self, question: str, product: ProductContext) -> Classification:
        return Classification(topics=self.topics)


class RecordingDirectory:
    def __init__(self) -> None:
        self.added: list[tuple[str, str]] = []
        self.emails: dict[str, str] = {}

    def add_to_group(self, username: str, group: str) -> None:
        self.added.append((username, group))

    def member_by_email(self, email: str) -> str | None:
        return self.emails.get(email.strip().lower())
