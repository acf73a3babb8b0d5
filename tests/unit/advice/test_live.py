"""Live advice over the socket: presence, requests, the accept race, chat, media, the end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from functions.advice.logic.domain import AdviceRequest, Candidate, PresenceStatus, RequestStatus, SessionStatus
from functions.advice.logic.live import Caller, missed_by, shortened
from functions.advice.models.events import AdviceMissed, AdviceSessionEnded
from functions.advice.models.frames import CLIENT_FRAME
from tests.unit.advice.conftest import World
from tests.unit.advice.fakes import T0, RecordingMedia

SHOPPER = Caller(user_id="u-shopper", username="shopper", connection_id="conn-shopper")


def send(world: World, caller: Caller, **frame: Any) -> None:
    world.live.handle(caller, CLIENT_FRAME.validate_python(frame))


def online(world: World, *advisors: Caller) -> None:
    for advisor in advisors:
        world.live.connect(advisor)
        send(world, advisor, action="presence", status="online")


def ask(world: World) -> str:
    world.live.connect(SHOPPER)
    product = {"title": "Koffiemolen", "category": "Home > Kitchen > Coffee", "brand": "Sage"}
    send(world, SHOPPER, action="request", product_id="grinder", question="Welke molen voor espresso?", product=product)
    queued = world.notifier.to(SHOPPER.connection_id, "queued") or world.notifier.to(
        SHOPPER.connection_id, "no_advisor"
    )
    return str(queued[-1]["request_id"])


def matched(world: World) -> tuple[str, Caller]:
    program = world.program()
    advisor = world.advisor("a1", program)
    online(world, advisor)
    request_id = ask(world)
    send(world, advisor, action="accept", request_id=request_id)
    session_id = world.notifier.to(SHOPPER.connection_id, "matched")[0]["session_id"]
    return str(session_id), advisor


def test_only_approved_advisors_go_online(world: World) -> None:
    world.live.connect(SHOPPER)
    send(world, SHOPPER, action="presence", status="online")
    assert world.notifier.to(SHOPPER.connection_id, "error")[0]["code"] == "not_an_advisor"


def test_a_request_is_offered_to_the_best_online_advisors(world: World) -> None:
    program = world.program()
    expert = world.advisor("a1", program, expertise=("coffee",))
    other = world.advisor("a2", program, expertise=("audio",), lang="en")
    away = world.advisor("a3", program)
    online(world, expert, other, away)
    send(world, away, action="presence", status="away")

    request_id = ask(world)

    offer = world.notifier.to(expert.connection_id, "offer")[0]
    assert offer["request_id"] == request_id
    assert offer["product"]["product_id"] == "grinder"
    assert world.notifier.to(other.connection_id, "offer")
    assert not world.notifier.to(away.connection_id, "offer")
    assert world.store.requests[request_id].offered == ["a1", "a2"]


def test_nobody_online_means_no_advisor(world: World) -> None:
    world.program()
    ask(world)
    assert world.notifier.to(SHOPPER.connection_id, "no_advisor")[0]["reason"] == "nobody_available"


def test_a_request_nobody_takes_reaches_the_programs_away_advisors_once(world: World) -> None:
    # Given two advisors of the program who are away, and one away advisor of another program
    program = world.program()
    elsewhere = world.program()
    napping, resting = world.advisor("a1", program), world.advisor("a2", program)
    stranger = world.advisor("a3", elsewhere)
    online(world, napping, resting, stranger)
    for advisor in (napping, resting, stranger):
        send(world, advisor, action="presence", status="away")

    # When a shopper asks and nobody is online
    request_id = ask(world)

    # Then the shopper hears "nobody", and one AdviceMissed names the program's away advisors
    assert world.notifier.to(SHOPPER.connection_id, "no_advisor")[0]["reason"] == "nobody_available"
    [missed] = [e for e in world.store.outbox if isinstance(e, AdviceMissed)]
    assert (missed.request_id, missed.program_id, missed.product_id) == (request_id, program, "grinder")
    assert missed.product_title == "Koffiemolen"
    assert missed.question == "Welke molen voor espresso?"
    assert sorted(missed.advisor_ids) == ["a1", "a2"]

    # And a second close of the same request (a racing sweep) publishes nothing more
    world.live.escalate(world.store.requests[request_id].model_copy(update={"status": RequestStatus.OPEN}))
    assert len([e for e in world.store.outbox if isinstance(e, AdviceMissed)]) == 1


def test_nobody_away_means_no_missed_advice_event(world: World) -> None:
    world.program()
    ask(world)
    assert not [e for e in world.store.outbox if isinstance(e, AdviceMissed)]


def test_offline_advisors_hear_of_a_missed_request_after_the_away_ones(world: World) -> None:
    # Given an away advisor, one who went offline and one who never connected
    program = world.program()
    away, gone, never = world.advisor("a1", program), world.advisor("a2", program), world.advisor("a3", program)
    online(world, away, gone)
    send(world, away, action="presence", status="away")
    send(world, gone, action="presence", status="offline")

    # When a shopper asks and nobody takes it
    ask(world)

    # Then all of them hear of it, the away one first
    [missed] = [e for e in world.store.outbox if isinstance(e, AdviceMissed)]
    assert missed.advisor_ids[:2] == [away.user_id, gone.user_id]
    assert set(missed.advisor_ids) == {away.user_id, gone.user_id, never.user_id}


def test_missed_advice_ranks_the_best_rated_then_the_most_recently_active() -> None:
    # Given cards of a program's advisors (pure rule, no store)
    request = AdviceRequest.model_validate(
        {
            "request_id": "r",
            "shopper_id": "s",
            "program_id": "p",
            "product": {"product_id": "x"},
            "question": "?",
            "language": "nl",
            "mode": "chat",
            "topics": [],
            "created_at": T0,
            "escalate_at": T0,
            "offered": ["offered"],
        }
    )

    def card(user_id: str, status: PresenceStatus, rating: float | None, minutes_ago: int) -> Candidate:
        return Candidate(
            user_id=user_id,
            display_name=user_id,
            programs=["p"],
            expertise=[],
            languages=["nl"],
            status=status,
            active_sessions=0,
            rating=rating,
            heartbeat_at=T0 - timedelta(minutes=minutes_ago),
        )

    cards = [
        card("old", PresenceStatus.OFFLINE, 4.0, 600),
        card("recent", PresenceStatus.OFFLINE, 4.0, 5),
        card("star", PresenceStatus.OFFLINE, 5.0, 900),
        card("away", PresenceStatus.AWAY, 2.0, 1),
        card("online", PresenceStatus.ONLINE, 5.0, 1),
    ]
    advisors = ["old", "recent", "star", "away", "online", "offered", "s", "new", "old"]

    # Then: away first, then by rating and recency, never-connected last; no one offered, online,
    # the shopper themself or twice
    assert missed_by(request, advisors, cards) == ["away", "star", "recent", "old", "new"]
    many = [f"a{i:02}" for i in range(30)]
    assert len(missed_by(request, many, [])) == 20


def test_a_long_question_is_shortened_at_a_word_for_the_missed_advice() -> None:
    question = "Welke espressomolen past bij een Sage Barista Express " * 6
    short = shortened(question, 140)
    assert len(short) <= 140
    assert short.endswith("…")
    assert question.startswith(short[:-1])
    assert shortened("  twee   woorden ", 140) == "twee woorden"


def test_no_matching_program_means_no_advisor(world: World) -> None:
    world.program()  # scoped to Home > Kitchen
    world.live.connect(SHOPPER)
    send(world, SHOPPER, action="request", product_id="bike", question="Welke maat?", product={"category": "Sport"})
    assert world.notifier.to(SHOPPER.connection_id, "no_advisor")[0]["reason"] == "no_program"


def test_first_accept_wins_and_the_second_gets_taken(world: World) -> None:
    program = world.program()
    first, second = world.advisor("a1", program), world.advisor("a2", program)
    online(world, first, second)
    request_id = ask(world)

    send(world, first, action="accept", request_id=request_id)
    send(world, second, action="accept", request_id=request_id)

    assert world.notifier.to(second.connection_id, "taken") == [{"type": "taken", "request_id": request_id}]
    shopper_match = world.notifier.to(SHOPPER.connection_id, "matched")[0]
    advisor_match = world.notifier.to(first.connection_id, "matched")[0]
    assert shopper_match["session_id"] == advisor_match["session_id"]
    assert shopper_match["peer"]["user_id"] == "a1"
    assert advisor_match["peer"]["user_id"] == SHOPPER.user_id
    assert world.store.cards["a1"].active_sessions == 1
    assert world.store.cards["a2"].active_sessions == 0


def test_the_race_lost_in_the_store_also_answers_taken(world: World) -> None:
    program = world.program()
    first, second = world.advisor("a1", program), world.advisor("a2", program)
    online(world, first, second)
    request_id = ask(world)
    stale = world.store.requests[request_id]
    send(world, first, action="accept", request_id=request_id)
    # Given the second advisor's frame read the request before the first accept was stored
    original = world.store.request
    world.store.request = lambda _rid: stale  # type: ignore[method-assign,assignment]
    try:
        # When it accepts, the conditional write refuses it
        send(world, second, action="accept", request_id=request_id)
    finally:
        world.store.request = original  # type: ignore[method-assign]
    assert world.notifier.to(second.connection_id, "taken")
    assert world.store.requests[request_id].accepted_by == "a1"


def test_an_advisor_never_runs_more_than_three_sessions(world: World) -> None:
    program = world.program()
    advisor = world.advisor("a1", program)
    online(world, advisor)
    for index in range(3):
        shopper = Caller(user_id=f"s{index}", connection_id=f"cs{index}")
        world.live.connect(shopper)
        send(world, shopper, action="request", product_id="grinder", question="Welke molen?", program_id=program)
        request_id = world.notifier.to(shopper.connection_id, "queued")[0]["request_id"]
        send(world, advisor, action="accept", request_id=request_id)
    assert world.store.cards["a1"].active_sessions == 3
    ask(world)
    assert world.notifier.to(SHOPPER.connection_id, "no_advisor")


def test_a_declined_request_goes_to_the_next_advisor_and_never_back(world: World) -> None:
    program = world.program()
    advisors = [world.advisor(f"a{i}", program) for i in range(1, 6)]
    online(world, *advisors)
    request_id = ask(world)
    first_wave = list(world.store.requests[request_id].offered)
    assert len(first_wave) == 3

    for advisor in advisors:
        if advisor.user_id in first_wave:
            send(world, advisor, action="decline", request_id=request_id)

    request = world.store.requests[request_id]
    assert set(request.declined) == set(first_wave)
    second_wave = request.offered[3:]
    assert len(second_wave) == 2
    assert not set(second_wave) & set(first_wave)
    for advisor in advisors:
        offers = world.notifier.to(advisor.connection_id, "offer")
        assert len(offers) == 1


def test_the_sweep_escalates_timed_out_offers_then_gives_up(world: World) -> None:
    program = world.program()
    advisors = [world.advisor(f"a{i}", program) for i in range(1, 5)]
    online(world, *advisors)
    request_id = ask(world)

    world.clock.advance(seconds=21)
    for advisor in advisors:
        send(world, advisor, action="heartbeat")
    assert world.live.sweep() == (1, 0)
    assert len(world.store.requests[request_id].offered) == 4

    for _ in range(5):
        world.clock.advance(seconds=21)
        for advisor in advisors:
            send(world, advisor, action="heartbeat")
        world.live.sweep()
    assert world.store.requests[request_id].status is RequestStatus.NO_ADVISOR
    assert world.notifier.to(SHOPPER.connection_id, "no_advisor")


def test_stale_advisors_are_taken_offline(world: World) -> None:
    program = world.program()
    advisor = world.advisor("a1", program)
    online(world, advisor)
    world.clock.advance(seconds=120)
    assert world.live.sweep() == (0, 1)
    assert world.store.cards["a1"].status is PresenceStatus.OFFLINE


def test_disconnecting_the_last_connection_takes_an_advisor_offline(world: World) -> None:
    advisor = world.advisor("a1", world.program())
    online(world, advisor)
    world.live.disconnect(advisor)
    assert world.store.cards["a1"].status is PresenceStatus.OFFLINE
    assert world.store.connections_of("a1") == []


def test_chat_is_stored_and_delivered_to_both(world: World) -> None:
    session_id, advisor = matched(world)
    send(world, SHOPPER, action="message", session_id=session_id, text="Hoi! Welke molen?")
    send(world, advisor, action="typing", session_id=session_id)
    send(world, advisor, action="message", session_id=session_id, text="Hallo, een burr molen.")

    transcript = world.store.transcript(session_id)
    assert [(m.role, m.text) for m in transcript] == [
        ("shopper", "Hoi! Welke molen?"),
        ("advisor", "Hallo, een burr molen."),
    ]
    assert [f["text"] for f in world.notifier.to(SHOPPER.connection_id, "message")] == [m.text for m in transcript]
    assert world.notifier.to(SHOPPER.connection_id, "typing")[0]["from"] == "a1"
    assert world.store.sessions[session_id].first_response_at == world.clock()


def test_a_shopper_cannot_post_into_another_session(world: World) -> None:
    session_id, _ = matched(world)
    intruder = Caller(user_id="u-intruder", connection_id="conn-x")
    world.live.connect(intruder)
    for frame in ({"action": "message", "text": "hi"}, {"action": "signal", "payload": {}}, {"action": "end"}):
        send(world, intruder, session_id=session_id, **frame)
    errors = world.notifier.to("conn-x", "error")
    assert [e["code"] for e in errors] == ["session_not_found"] * 3
    assert world.store.transcript(session_id) == []
    assert world.store.sessions[session_id].status is SessionStatus.ACTIVE


def test_p2p_media_hands_out_roles_and_relays_signals(world: World) -> None:
    session_id, advisor = matched(world)
    send(world, SHOPPER, action="media", session_id=session_id)
    assert world.notifier.to(SHOPPER.connection_id, "media")[0]["role"] == "offerer"
    assert world.notifier.to(advisor.connection_id, "media")[0]["role"] == "answerer"

    send(world, SHOPPER, action="signal", session_id=session_id, payload={"sdp": "v=0", "type": "offer"})

    relayed = world.notifier.to(advisor.connection_id, "signal")
    assert relayed == [
        {
            "type": "signal",
            "session_id": session_id,
            "from": SHOPPER.user_id,
            "payload": {"sdp": "v=0", "type": "offer"},
        }
    ]


def test_server_media_is_started_once_and_ended_with_the_session(world: World) -> None:
    world.media_provider = media = RecordingMedia()
    session_id, advisor = matched(world)
    send(world, SHOPPER, action="media", session_id=session_id)
    send(world, advisor, action="media", session_id=session_id)
    assert world.store.sessions[session_id].media_ref == f"meeting-{session_id}"
    send(world, advisor, action="signal", session_id=session_id, payload={})
    assert world.notifier.to(advisor.connection_id, "error")[-1]["code"] == "signal_not_relayed"

    send(world, SHOPPER, action="end", session_id=session_id)

    assert media.ended == [session_id]


def test_either_side_ends_once(world: World) -> None:
    session_id, advisor = matched(world)
    world.clock.advance(minutes=5)
    send(world, advisor, action="end", session_id=session_id)
    send(world, SHOPPER, action="end", session_id=session_id)

    ended = [e for e in world.store.outbox if isinstance(e, AdviceSessionEnded)]
    assert [(e.session_id, e.duration_seconds) for e in ended] == [(session_id, 300)]
    assert world.notifier.to(SHOPPER.connection_id, "ended")[0]["by"] == "a1"
    assert world.notifier.to(SHOPPER.connection_id, "error")[0]["code"] == "session_ended"
    assert world.store.cards["a1"].active_sessions == 0


def test_forward_to_customer_service_ends_the_session(world: World) -> None:
    session_id, advisor = matched(world)
    send(world, SHOPPER, action="forward", session_id=session_id)
    assert world.notifier.to(SHOPPER.connection_id, "error")[0]["code"] == "advisor_only"
    send(world, advisor, action="forward", session_id=session_id)
    assert world.notifier.to(SHOPPER.connection_id, "forwarded")
    assert world.store.sessions[session_id].status is SessionStatus.ENDED
    assert world.store.transcript(session_id)[-1].role == "system"


def test_a_reconnected_participant_resumes_with_the_transcript(world: World) -> None:
    session_id, _ = matched(world)
    send(world, SHOPPER, action="message", session_id=session_id, text="Ben je er nog?")
    world.live.disconnect(SHOPPER)
    again = Caller(user_id=SHOPPER.user_id, connection_id="conn-shopper-2")
    world.live.connect(again)

    send(world, again, action="resume", session_id=session_id)

    resumed = world.notifier.to("conn-shopper-2", "resumed")[0]
    assert resumed["status"] == "active"
    assert [m["text"] for m in resumed["transcript"]] == ["Ben je er nog?"]


def test_gone_connections_are_forgotten(world: World) -> None:
    session_id, advisor = matched(world)
    world.notifier.gone.add(advisor.connection_id)
    send(world, SHOPPER, action="message", session_id=session_id, text="hallo?")
    assert world.store.connection(advisor.connection_id) is None


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_offered_advisors_accept_or_decline(world: World, action: str) -> None:
    program = world.program()
    online(world, world.advisor("a1", program))
    request_id = ask(world)
    outsider = world.advisor("a9", program)
    world.live.connect(outsider)
    send(world, outsider, action=action, request_id=request_id)
    assert world.notifier.to(outsider.connection_id, "error")[0]["code"] == "not_offered"


def test_a_video_request_starts_media_with_the_match(world: World) -> None:
    world.media_provider = media = RecordingMedia()
    program = world.program()
    advisor = world.advisor("a1", program)
    online(world, advisor)
    world.live.connect(SHOPPER)
    send(
        world, SHOPPER, action="request", product_id="grinder", question="Laat zien?", mode="video", program_id=program
    )
    request_id = world.notifier.to(SHOPPER.connection_id, "queued")[0]["request_id"]

    send(world, advisor, action="accept", request_id=request_id)

    matched = world.notifier.to(SHOPPER.connection_id, "matched")[0]
    assert matched["media"] == {
        "provider": "chime",
        "meeting": f"meeting-{matched['session_id']}",
        "attendee": "u-shopper",
    }
    assert world.notifier.to(advisor.connection_id, "matched")[0]["media"]["attendee"] == "a1"
    assert media.started == [matched["session_id"]]
    assert world.store.sessions[matched["session_id"]].media_ref == f"meeting-{matched['session_id']}"


def test_a_chat_request_starts_no_media(world: World) -> None:
    world.media_provider = media = RecordingMedia()
    session_id, _ = matched(world)
    assert "media" not in world.notifier.to(SHOPPER.connection_id, "matched")[0]
    assert media.started == []
    assert world.store.sessions[session_id].media_ref is None


def test_an_advisor_approved_while_connected_goes_offline_on_disconnect(world: World) -> None:
    program = world.program()
    member = Caller(user_id="m1", connection_id="conn-m1")
    world.live.connect(member)  # not an advisor yet
    world.advisor("m1", program)  # approved meanwhile
    send(world, member, action="presence", status="online")
    world.live.disconnect(member)
    assert world.store.cards["m1"].status is PresenceStatus.OFFLINE
