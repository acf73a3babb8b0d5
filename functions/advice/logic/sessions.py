"""After the session: transcripts for the participants, the shopper's rating (which pays the advisor
once), conversions from orders, earnings and the partner report."""

from __future__ import annotations

from datetime import datetime

from functions.advice.logic.domain import (
    CONVERSION_WINDOW,
    QUALITY_REVIEW_THRESHOLD,
    CompensationKind,
    Conversion,
    Earning,
    Rating,
    Session,
    SessionStatus,
)
from functions.advice.logic.ports import AdvisorStore, Clock, ProgramStore, QualityScorer, SessionStore
from functions.advice.logic.report import build_report
from functions.advice.models.api import (
    EarningOut,
    Earnings,
    RatingIn,
    RatingOut,
    Report,
    SessionDetail,
    SessionOut,
)
from functions.advice.models.consumed import OrderPlacedView
from functions.advice.models.events import AdviceSessionRated
from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, Forbidden, NotFound, UnprocessableEntity
from functions.common.pagination import CursorCodec, Page, clamp_limit

MAX_REPORT_DAYS = 366


def session_out(session: Session) -> SessionOut:
    return SessionOut(
        session_id=session.session_id,
        program_id=session.program_id,
        advisor_id=session.advisor_id,
        advisor_name=session.advisor_name,
        shopper_id=session.shopper_id,
        product=session.product,
        question=session.question,
        mode=session.mode,
        status=session.status,
        requested_at=session.requested_at,
        accepted_at=session.accepted_at,
        ended_at=session.ended_at,
        rated=session.rating is not None,
    )


class SessionService:
    def __init__(
        self,
        sessions: SessionStore,
        programs: ProgramStore,
        advisors: AdvisorStore,
        scorer: QualityScorer,
        *,
        clock: Clock,
        cursors: CursorCodec,
    ):
        self._sessions = sessions
        self._programs = programs
        self._advisors = advisors
        self._scorer = scorer
        self._clock = clock
        self._cursors = cursors

    def listing(self, caller: Principal, limit: int, cursor: str | None, *, flagged: bool = False) -> Page[SessionOut]:
        """The caller's sessions, or (admins, `flagged`) the review queue."""
        if flagged:
            return self.review_queue(caller)
        return self.mine(caller, limit, cursor)

    def mine(self, caller: Principal, limit: int, cursor: str | None) -> Page[SessionOut]:
        scope = f"advice-sessions:{caller.user_id}"
        position = self._cursors.decode(cursor, scope)
        after = str(position["after"]) if position else None
        found, following = self._sessions.sessions_of(caller.user_id, clamp_limit(limit), after)
        next_cursor = self._cursors.encode({"after": following} if following else None, scope)
        return Page[SessionOut](items=[session_out(s) for s in found], next_cursor=next_cursor)

    def detail(self, caller: Principal, session_id: str) -> SessionDetail:
        """The transcript, for the two participants and admins only."""
        session = self._visible(caller, session_id)
        admin = caller.has(Role.ADMIN)
        rating = session.rating
        return SessionDetail(
            **session_out(session).model_dump(),
            transcript=self._sessions.transcript(session_id),
            csat=rating.csat if rating else None,
            nps=rating.nps if rating else None,
            feedback=rating.feedback if rating else None,
            flagged=session.flagged if admin else None,
        )

    def _visible(self, caller: Principal, session_id: str) -> Session:
        session = self._sessions.session(session_id)
        if session is None or not (session.participant(caller.user_id) or caller.has(Role.ADMIN)):
            raise NotFound("no such session of yours", code="session_not_found")
        return session

    def rate(self, caller: Principal, session_id: str, body: RatingIn, idempotency_key: str | None = None) -> RatingOut:
        """Rate once; a retry with the same Idempotency-Key gets the first answer again."""
        session = self._visible(caller, session_id)
        if caller.user_id != session.shopper_id:
            raise NotFound("no such session of yours", code="session_not_found")
        if session.status is SessionStatus.ACTIVE:
            raise Conflict("end the session before rating it", code="session_running")
        program = self._programs.program(session.program_id)
        if program is None:
            raise NotFound("no such advice program", code="program_not_found")
        if session.rating is not None:
            if idempotency_key is not None and session.rating.idempotency_key == idempotency_key:
                rating = session.rating
                return RatingOut(
                    session_id=session_id, csat=rating.csat, nps=rating.nps, compensation=program.compensation
                )
            raise Conflict("the session is already rated", code="already_rated")
        now = self._clock()
        rating = Rating(
            csat=body.csat, nps=body.nps, feedback=body.feedback, rated_at=now, idempotency_key=idempotency_key
        )
        verdict = self._scorer.score(session, self._sessions.transcript(session_id), rating)
        pay = program.compensation
        points = pay.points if pay.kind is CompensationKind.POINTS else 0
        cash = pay.cash if pay.kind is CompensationKind.CASH else 0
        rated = session.model_copy(
            update={
                "rating": rating,
                "quality": verdict.score,
                "flags": verdict.flags,
                "flagged": verdict.score < QUALITY_REVIEW_THRESHOLD or bool(verdict.flags),
            }
        )
        earning = Earning(
            session_id=session_id,
            program_id=session.program_id,
            kind=pay.kind,
            points=points,
            cash=cash,
            currency=pay.currency,
            earned_at=now,
        )
        event = AdviceSessionRated(
            session_id=session_id,
            program_id=session.program_id,
            advisor_id=session.advisor_id,
            shopper_id=session.shopper_id,
            rating=body.csat,
            nps=body.nps,
            compensation_kind=pay.kind.value,
            compensation_points=points,
            compensation_cash=cash,
            currency=pay.currency,
            occurred_at=now,
        )
        self._sessions.rate(rated, earning, event)
        return RatingOut(session_id=session_id, csat=body.csat, nps=body.nps, compensation=pay)

    def review_queue(self, caller: Principal) -> Page[SessionOut]:
        """Sessions flagged by the quality scorer (leaked contact details, low quality), newest
        first, for admins."""
        caller.require(Role.ADMIN)
        return Page[SessionOut](items=[session_out(s) for s in self._sessions.flagged()])

    def earnings(self, caller: Principal) -> Earnings:
        found = sorted(self._advisors.earnings(caller.user_id), key=lambda e: e.earned_at, reverse=True)
        currency = found[0].currency if found else "EUR"
        return Earnings(
            points=sum(e.points for e in found),
            cash=sum(e.cash for e in found),
            currency=currency,
            sessions=len(found),
            items=[
                EarningOut(
                    session_id=e.session_id,
                    program_id=e.program_id,
                    kind=e.kind.value,
                    points=e.points,
                    cash=e.cash,
                    earned_at=e.earned_at,
                )
                for e in found
            ],
        )

    def order_placed(self, order: OrderPlacedView) -> int:
        """Attribute an order to the shopper's advice sessions: the session the order names, or
        any session about one of its products that was accepted within the 7 days before. Returns
        the conversions recorded (0 when the event was seen before)."""
        since = order.occurred_at - CONVERSION_WINDOW
        candidates = [
            s
            for s in self._sessions.sessions_since(order.user_id, since)
            if s.shopper_id == order.user_id and s.accepted_at <= order.occurred_at
        ]
        recorded = 0
        for session in candidates:
            named = order.advice_session_id == session.session_id
            revenue = sum(line.line_total for line in order.lines if line.product_id == session.product.product_id)
            if not revenue and not named:
                continue
            conversion = Conversion(
                session_id=session.session_id, order_id=order.order_id, revenue=revenue, ordered_at=order.occurred_at
            )
            recorded += int(self._sessions.add_conversion(conversion))
        return recorded

    def report(self, caller: Principal, program_id: str, start: datetime, end: datetime) -> Report:
        """The partner portal, for the program's managers."""
        program = self._programs.program(program_id)
        if program is None:
            raise NotFound("no such advice program", code="program_not_found")
        if not program.managed_by(caller):
            raise Forbidden("only the program's owner sees its report", code="not_your_program")
        if end <= start:
            raise UnprocessableEntity("`to` must be after `from`", code="invalid_range")
        if (end - start).days > MAX_REPORT_DAYS:
            raise UnprocessableEntity(f"a report covers at most {MAX_REPORT_DAYS} days", code="range_too_long")
        requests = self._sessions.requests_between(program_id, start, end)
        sessions = self._sessions.sessions_between(program_id, start, end)
        return build_report(program_id, start, end, requests, sessions)
