"""Live advice over the WebSocket: connections, presence, requests and routing, sessions, media.

Each method handles one client frame from one connection and sends server frames through the
`Notifier` (API Gateway's `post_to_connection`). Frames to a user go to all of their connections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.advice.logic import routing
from functions.advice.logic.domain import (
    PRESENCE_STALE_AFTER,
    AdviceRequest,
    Candidate,
    Connection,
    MediaJoin,
    Message,
    Mode,
    PresenceStatus,
    ProductContext,
    Program,
    RequestStatus,
    Session,
    SessionStatus,
)
from functions.advice.logic.ports import (
    AdvisorStore,
    Clock,
    IdFactory,
    LiveStore,
    MediaProvider,
    Notifier,
    ProgramStore,
    QuestionClassifier,
    SessionStore,
)
from functions.advice.models.events import AdviceMissed, AdviceSessionEnded
from functions.advice.models.frames import (
    AcceptFrame,
    ClientFrame,
    DeclineFrame,
    EndFrame,
    ForwardFrame,
    HeartbeatFrame,
    MediaFrame,
    MessageFrame,
    PresenceFrame,
    RequestFrame,
    ResumeFrame,
    SignalFrame,
    TypingFrame,
)
from functions.common.errors import Conflict, PleinError
from functions.common.models import Record

Frame = dict[str, Any]


MISSED_QUESTION_LENGTH = 140
MISSED_ADVISORS = 20
MISSED_LOOKUPS = 100
"""At most this many of a program's offline advisors are looked up (one batch read) to rank them."""


def missed_by(request: AdviceRequest, advisors: list[str], cards: list[Candidate]) -> list[str]:
    """The program's approved `advisors` who were not taking requests (away, offline, or never
    connected: no card) and were not offered it. Away ones first (they are in the app), then
    offline ones; within each the best rated, then the most recently active; at most
    MISSED_ADVISORS. `cards` are the current presence cards of (some of) them."""
    known = {card.user_id: card for card in cards}

    def rank(user_id: str) -> tuple[int, float, float, str]:
        card = known.get(user_id)
        if card is None:
            return (2, 0.0, 0.0, user_id)
        away = 0 if card.status is PresenceStatus.AWAY else 1
        return (away, -(card.rating or 0.0), -card.heartbeat_at.timestamp(), user_id)

    missed = [
        user_id
        for user_id in dict.fromkeys(advisors)
        if user_id not in request.offered
        and user_id != request.shopper_id
        and (user_id not in known or known[user_id].status is not PresenceStatus.ONLINE)
    ]
    return sorted(missed, key=rank)[:MISSED_ADVISORS]


def shortened(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut + "…"


class Caller(Record):
    """Who sent a frame: from the `$connect` authorizer, carried on every frame of the connection."""

    user_id: str
    username: str | None = None
    connection_id: str


class FrameError(Exception):
    """A frame the server refuses: answered with an `error` frame to the sender."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def error_frame(code: str, message: str, action: str | None) -> Frame:
    return {"type": "error", "code": code, "message": message, "action": action}


class LiveService:
    def __init__(
        self,
        *,
        live: LiveStore,
        sessions: SessionStore,
        programs: ProgramStore,
        advisors: AdvisorStore,
        notifier: Notifier,
        media: MediaProvider,
        classifier: QuestionClassifier,
        clock: Clock,
        new_id: IdFactory,
    ):
        self._live = live
        self._sessions = sessions
        self._programs = programs
        self._advisors = advisors
        self._notifier = notifier
        self._media = media
        self._classifier = classifier
        self._clock = clock
        self._new_id = new_id
        self._handlers: dict[type[Any], Callable[[Caller, Any], None]] = {
            PresenceFrame: self.presence,
            HeartbeatFrame: self.heartbeat,
            RequestFrame: self.request,
            AcceptFrame: self.accept,
            DeclineFrame: self.decline,
            MessageFrame: self.message,
            TypingFrame: self.typing,
            MediaFrame: self.media,
            SignalFrame: self.signal,
            ForwardFrame: self.forward,
            EndFrame: self.end,
            ResumeFrame: self.resume,
        }

    # ---- connections ---------------------------------------------------------------------
    def connect(self, caller: Caller) -> None:
        profile = self._advisors.profile(caller.user_id)
        self._live.save_connection(
            Connection(
                connection_id=caller.connection_id,
                user_id=caller.user_id,
                username=caller.username,
                advisor=bool(profile and profile.programs),
                connected_at=self._clock(),
            )
        )

    def disconnect(self, caller: Caller) -> None:
        """Forget the connection; an advisor with no other connection goes offline. Running
        sessions go on: either side may reconnect and `resume`."""
        connection = self._live.connection(caller.connection_id)
        self._live.drop_connection(caller.connection_id)
        if connection is None or not connection.advisor:
            return
        if not self._live.connections_of(caller.user_id):
            self._set_status(caller.user_id, PresenceStatus.OFFLINE)

    def handle(self, caller: Caller, frame: ClientFrame) -> None:
        try:
            self._handlers[type(frame)](caller, frame)
        except (FrameError, PleinError) as exc:
            self.refuse(caller, exc.code, exc.message, frame.action)

    def refuse(self, caller: Caller, code: str, message: str, action: str | None) -> None:
        """Answer a frame the server cannot act on with an `error` frame."""
        self._reply(caller, error_frame(code, message, action))

    # ---- presence --------------------------------------------------------------------------
    def presence(self, caller: Caller, frame: PresenceFrame) -> None:
        profile = self._advisors.profile(caller.user_id)
        if profile is None or not profile.programs:
            raise FrameError("not_an_advisor", "only approved advisors have a presence")
        stats = self._advisors.stats(caller.user_id)
        existing = self._live.card(caller.user_id)
        card = Candidate(
            user_id=caller.user_id,
            display_name=profile.display_name,
            programs=profile.programs,
            expertise=profile.expertise,
            languages=profile.languages,
            status=frame.status,
            active_sessions=existing.active_sessions if existing else 0,
            rating=stats.rating,
            median_response_ms=stats.median_response_ms,
            quality=stats.quality,
            last_offered_at=existing.last_offered_at if existing else None,
            heartbeat_at=self._clock(),
        )
        self._live.save_card(card)
        connection = self._live.connection(caller.connection_id)
        if connection is not None and not connection.advisor:  # approved since it connected
            self._live.save_connection(connection.model_copy(update={"advisor": True}))
        self._reply(caller, {"type": "presence", "status": frame.status.value})

    def heartbeat(self, caller: Caller, _frame: HeartbeatFrame) -> None:
        card = self._live.card(caller.user_id)
        if card is not None and card.status is not PresenceStatus.OFFLINE:
            self._live.save_card(card.model_copy(update={"heartbeat_at": self._clock()}))
        self._reply(caller, {"type": "heartbeat", "at": self._clock().isoformat()})

    def _set_status(self, user_id: str, status: PresenceStatus) -> None:
        card = self._live.card(user_id)
        if card is not None and card.status is not status:
            self._live.save_card(card.model_copy(update={"status": status}))

    # ---- requests and routing --------------------------------------------------------------
    def request(self, caller: Caller, frame: RequestFrame) -> None:
        now = self._clock()
        details = frame.product
        product = ProductContext(
            product_id=frame.product_id,
            title=details.title if details else None,
            category=details.category if details else None,
            brand=details.brand if details else None,
        )
        program = self._program_for(frame.program_id, product)
        request_id = self._new_id()
        if program is None:
            self._reply(caller, {"type": "no_advisor", "request_id": request_id, "reason": "no_program"})
            return
        request = AdviceRequest(
            request_id=request_id,
            program_id=program.program_id,
            shopper_id=caller.user_id,
            shopper_name=caller.username,
            product=product,
            question=frame.question,
            language=frame.language,
            mode=frame.mode,
            topics=self._classifier.classify(frame.question, product).topics,
            created_at=now,
            escalate_at=now + routing.OFFER_TIMEOUT,
        )
        present = self._live.online()
        wave = routing.next_wave(request, present, now)
        request = request.model_copy(update={"offered": [c.user_id for c in wave], "rounds": 1})
        self._live.create_request(request)
        if not wave:
            self._give_up(request, present)
            return
        self._send_user(caller.user_id, {"type": "queued", "request_id": request_id, "program_id": program.program_id})
        self._offer(request, wave)

    def _program_for(self, program_id: str | None, product: ProductContext) -> Program | None:
        if program_id is not None:
            return self._programs.program(program_id)
        return next((p for p in self._programs.programs() if p.matches(product.category, product.brand)), None)

    def _offer(self, request: AdviceRequest, wave: list[Candidate]) -> None:
        self._live.mark_offered([c.user_id for c in wave], self._clock())
        frame = {
            "type": "offer",
            "request_id": request.request_id,
            "question": request.question,
            "product": request.product.model_dump(mode="json"),
            "language": request.language,
            "mode": request.mode.value,
            "topics": request.topics,
            "expires_at": request.escalate_at.isoformat(),
        }
        for candidate in wave:
            self._send_user(candidate.user_id, frame)

    def _give_up(self, request: AdviceRequest, present: list[Candidate] | None = None) -> None:
        """Nobody took the request: tell the shopper, withdraw the offers, and let the program's
        advisors who are away or offline hear of it (AdviceMissed, saved with the close: once)."""
        closed = request.model_copy(update={"status": RequestStatus.NO_ADVISOR})
        away = missed_by(request, *self._program_cards(request, present))
        missed = (
            AdviceMissed(
                request_id=request.request_id,
                program_id=request.program_id,
                product_id=request.product.product_id,
                product_title=request.product.title,
                question=shortened(request.question, MISSED_QUESTION_LENGTH),
                advisor_ids=away,
                occurred_at=self._clock(),
            )
            if away
            else None
        )
        self._live.close_request(closed, missed)
        frame = {"type": "no_advisor", "request_id": request.request_id, "reason": "nobody_available"}
        self._send_user(request.shopper_id, frame)
        for advisor_id in request.offered:
            self._send_user(advisor_id, {"type": "offer_withdrawn", "request_id": request.request_id})

    def _program_cards(
        self, request: AdviceRequest, present: list[Candidate] | None
    ) -> tuple[list[str], list[Candidate]]:
        """The program's advisors and the presence cards known of them: the connected ones from
        `present` (or the store's online list), the others looked up (at most MISSED_LOOKUPS)."""
        advisors = self._advisors.program_advisors(request.program_id)
        if not advisors:
            return [], []
        members = set(advisors)
        connected = [card for card in (self._live.online() if present is None else present) if card.user_id in members]
        seen = {card.user_id for card in connected}
        others = [user_id for user_id in advisors if user_id not in seen and user_id not in request.offered]
        return advisors, connected + self._live.cards_of(others[:MISSED_LOOKUPS])

    def escalate(self, request: AdviceRequest) -> None:
        """Offer a request nobody accepted in time to the next wave, or give up."""
        now = self._clock()
        if request.status is not RequestStatus.OPEN:
            return
        everyone_declined = set(request.offered) <= set(request.declined)
        if request.rounds >= routing.MAX_ROUNDS:
            self._give_up(request)
            return
        wave = routing.next_wave(request, self._live.online(), now)
        if not wave and everyone_declined:
            self._give_up(request)
            return
        updated = request.model_copy(
            update={
                "offered": [*request.offered, *(c.user_id for c in wave)],
                "rounds": request.rounds + 1,
                "escalate_at": now + routing.OFFER_TIMEOUT,
            }
        )
        self._live.save_offers(updated)
        if wave:
            self._offer(updated, wave)

    def sweep(self) -> tuple[int, int]:
        """The scheduled tick: escalate requests whose wave timed out and take advisors whose
        heartbeat stopped offline. Returns (requests escalated, advisors taken offline)."""
        now = self._clock()
        stale = [card for card in self._live.online() if now - card.heartbeat_at > PRESENCE_STALE_AFTER]
        for card in stale:  # first, so that the next waves skip them
            self._live.save_card(card.model_copy(update={"status": PresenceStatus.OFFLINE}))
        due = self._live.requests_due(now)
        for request in due:
            self.escalate(request)
        return len(due), len(stale)

    def accept(self, caller: Caller, frame: AcceptFrame) -> None:
        request = self._offered_request(caller, frame.request_id)
        if request.status is not RequestStatus.OPEN:
            self._reply(caller, {"type": "taken", "request_id": request.request_id})
            return
        profile = self._advisors.profile(caller.user_id)
        now = self._clock()
        session = Session(
            session_id=self._new_id(),
            request_id=request.request_id,
            program_id=request.program_id,
            advisor_id=caller.user_id,
            advisor_name=profile.display_name if profile else (caller.username or "advisor"),
            shopper_id=request.shopper_id,
            product=request.product,
            question=request.question,
            language=request.language,
            mode=request.mode,
            topics=request.topics,
            requested_at=request.created_at,
            accepted_at=now,
        )
        try:
            self._live.accept(request, session)
        except Conflict as exc:
            if exc.code == "taken":
                self._reply(caller, {"type": "taken", "request_id": request.request_id})
                return
            raise FrameError(exc.code, exc.message) from exc
        self._announce_match(session, request)

    def _announce_match(self, session: Session, request: AdviceRequest) -> None:
        """Tell both sides; a video request's media starts at once, its join data in `matched`."""
        joins: dict[str, MediaJoin] = {}
        if session.mode is Mode.VIDEO:
            reference, joins = self._media.start(session)
            if reference is not None:
                self._sessions.set_media_ref(session.session_id, reference)
        base = {
            "type": "matched",
            "session_id": session.session_id,
            "request_id": request.request_id,
            "mode": session.mode.value,
            "product": session.product.model_dump(mode="json"),
            "question": session.question,
        }
        advisor_peer = {"user_id": request.shopper_id, "name": request.shopper_name, "role": "shopper"}
        shopper_peer = {"user_id": session.advisor_id, "name": session.advisor_name, "role": "advisor"}
        for user_id, role, peer in (
            (session.shopper_id, "shopper", shopper_peer),
            (session.advisor_id, "advisor", advisor_peer),
        ):
            frame: Frame = {**base, "role": role, "peer": peer}
            if user_id in joins:
                frame["media"] = {"provider": joins[user_id].provider, **joins[user_id].data}
            self._send_user(user_id, frame)
        for other in request.offered:
            if other != session.advisor_id:
                self._send_user(other, {"type": "offer_withdrawn", "request_id": request.request_id})

    def decline(self, caller: Caller, frame: DeclineFrame) -> None:
        request = self._offered_request(caller, frame.request_id)
        if caller.user_id not in request.declined:
            self._live.decline(request.request_id, caller.user_id)
        self._reply(caller, {"type": "declined", "request_id": request.request_id})
        updated = self._live.request(request.request_id)
        if updated is not None and set(updated.offered) <= set(updated.declined):
            self.escalate(updated)

    def _offered_request(self, caller: Caller, request_id: str) -> AdviceRequest:
        request = self._live.request(request_id)
        if request is None:
            raise FrameError("request_not_found", "no such request")
        if caller.user_id not in request.offered:
            raise FrameError("not_offered", "this request was not offered to you")
        return request

    # ---- sessions -----------------------------------------------------------------------------
    def message(self, caller: Caller, frame: MessageFrame) -> None:
        session = self._running(caller, frame.session_id)
        advisor = caller.user_id == session.advisor_id
        message = Message(
            session_id=session.session_id,
            sender_id=caller.user_id,
            role="advisor" if advisor else "shopper",
            text=frame.text,
            sent_at=self._clock(),
        )
        self._sessions.add_message(message, first_response=advisor and session.first_response_at is None)
        out = {"type": "message", **message.model_dump(mode="json")}
        self._send_user(session.shopper_id, out)
        self._send_user(session.advisor_id, out)

    def typing(self, caller: Caller, frame: TypingFrame) -> None:
        session = self._running(caller, frame.session_id)
        peer = session.peer_of(caller.user_id)
        self._send_user(peer, {"type": "typing", "session_id": session.session_id, "from": caller.user_id})

    def media(self, caller: Caller, frame: MediaFrame) -> None:
        session = self._running(caller, frame.session_id)
        reference, joins = self._media.start(session)
        if reference is not None and session.media_ref is None:
            self._sessions.set_media_ref(session.session_id, reference)
        for user_id, join in joins.items():
            self._send_user(
                user_id,
                {"type": "media", "session_id": session.session_id, "provider": join.provider, **join.data},
            )

    def signal(self, caller: Caller, frame: SignalFrame) -> None:
        session = self._running(caller, frame.session_id)
        if self._media.name != "p2p":
            raise FrameError("signal_not_relayed", f"{self._media.name} media does its own signalling")
        peer = session.peer_of(caller.user_id)
        out = {"type": "signal", "session_id": session.session_id, "from": caller.user_id, "payload": frame.payload}
        self._send_user(peer, out)

    def forward(self, caller: Caller, frame: ForwardFrame) -> None:
        session = self._running(caller, frame.session_id)
        if caller.user_id != session.advisor_id:
            raise FrameError("advisor_only", "only the advisor forwards a session")
        self._sessions.forward(session.session_id)
        note = Message(
            session_id=session.session_id,
            sender_id=caller.user_id,
            role="system",
            text=f"forwarded to {frame.to.replace('_', ' ')}",
            sent_at=self._clock(),
        )
        self._sessions.add_message(note, first_response=False)
        out = {"type": "forwarded", "session_id": session.session_id, "to": frame.to}
        self._send_user(session.shopper_id, out)
        self._send_user(session.advisor_id, out)
        self._finish(session.model_copy(update={"status": SessionStatus.FORWARDED}), caller.user_id)

    def end(self, caller: Caller, frame: EndFrame) -> None:
        session = self._running(caller, frame.session_id)
        self._finish(session, caller.user_id)

    def _finish(self, session: Session, by: str) -> None:
        now = self._clock()
        ended = session.model_copy(update={"status": SessionStatus.ENDED, "ended_at": now, "ended_by": by})
        event = AdviceSessionEnded(
            session_id=session.session_id,
            program_id=session.program_id,
            advisor_id=session.advisor_id,
            shopper_id=session.shopper_id,
            product_id=session.product.product_id,
            duration_seconds=ended.duration_seconds,
            occurred_at=now,
        )
        if not self._sessions.end(ended, event):
            return
        if session.media_ref is not None:
            self._media.end(session)
        out = {"type": "ended", "session_id": session.session_id, "by": by, "rate": session.shopper_id}
        self._send_user(session.shopper_id, out)
        self._send_user(session.advisor_id, out)

    def resume(self, caller: Caller, frame: ResumeFrame) -> None:
        session = self._participant(caller, frame.session_id)
        peer_role = "shopper" if caller.user_id == session.advisor_id else "advisor"
        self._reply(
            caller,
            {
                "type": "resumed",
                "session_id": session.session_id,
                "status": session.status.value,
                "mode": session.mode.value,
                "product": session.product.model_dump(mode="json"),
                "peer": {"user_id": session.peer_of(caller.user_id), "role": peer_role},
                "transcript": [m.model_dump(mode="json") for m in self._sessions.transcript(session.session_id)],
            },
        )

    def _participant(self, caller: Caller, session_id: str) -> Session:
        session = self._sessions.session(session_id)
        if session is None or not session.participant(caller.user_id):
            # the same answer for "missing" and "not yours": ids of others' sessions are not confirmed
            raise FrameError("session_not_found", "no such session of yours")
        return session

    def _running(self, caller: Caller, session_id: str) -> Session:
        session = self._participant(caller, session_id)
        if session.status is not SessionStatus.ACTIVE:
            raise FrameError("session_ended", "the session has ended")
        return session

    # ---- frames out ----------------------------------------------------------------------------
    def _reply(self, caller: Caller, frame: Frame) -> None:
        if not self._notifier.send(caller.connection_id, frame):
            self._live.drop_connection(caller.connection_id)

    def _send_user(self, user_id: str, frame: Frame) -> None:
        for connection in self._live.connections_of(user_id):
            if not self._notifier.send(connection.connection_id, frame):
                self._live.drop_connection(connection.connection_id)
