"""After the session: transcripts, ratings that pay once, conversions and the partner report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from functions.advice.logic.domain import CompensationKind
from functions.advice.logic.report import report_csv
from functions.advice.models.api import RatingIn
from functions.advice.models.consumed import OrderPlacedView
from functions.advice.models.events import AdviceSessionRated
from functions.common.auth import Principal, Role
from functions.common.errors import BadRequest, Conflict, Forbidden, NotFound, UnprocessableEntity
from tests.unit.advice.conftest import ADMIN, SHOPPER, VENDOR, World
from tests.unit.advice.test_live import SHOPPER as SHOPPER_SOCKET
from tests.unit.advice.test_live import ask, online, send

ADVISOR = Principal(user_id="a1", username="a1", groups=frozenset({Role.ADVISOR}))


def finished(
    world: World,
    kind: CompensationKind = CompensationKind.POINTS,
    text: str = "Hallo, neem de burr molen voor espresso, dank!",
) -> tuple[str, str]:
    program = world.program(kind)
    advisor = world.advisor("a1", program)
    online(world, advisor)
    request_id = ask(world)
    world.clock.advance(seconds=4)
    send(world, advisor, action="accept", request_id=request_id)
    session_id = str(world.notifier.to(SHOPPER_SOCKET.connection_id, "matched")[0]["session_id"])
    send(world, SHOPPER_SOCKET, action="message", session_id=session_id, text="Welke molen voor espresso?")
    send(world, advisor, action="message", session_id=session_id, text=text)
    world.clock.advance(minutes=3)
    send(world, advisor, action="end", session_id=session_id)
    return program, session_id


def order(session_id: str | None, product_id: str, total: int, world: World, order_id: str = "o1") -> OrderPlacedView:
    return OrderPlacedView.model_validate(
        {
            "event_id": f"e-{order_id}",
            "occurred_at": world.clock().isoformat(),
            "order_id": order_id,
            "user_id": SHOPPER.user_id,
            "lines": [{"product_id": product_id, "line_total": total}, {"product_id": "other", "line_total": 100}],
            "advice_session_id": session_id,
        }
    )


def test_participants_and_admins_read_the_transcript_nobody_else(world: World) -> None:
    _, session_id = finished(world)
    assert [m.role for m in world.sessions.detail(SHOPPER, session_id).transcript] == ["shopper", "advisor"]
    assert world.sessions.detail(ADVISOR, session_id).flagged is None
    assert world.sessions.detail(ADMIN, session_id).flagged is False
    for outsider in (VENDOR, Principal(user_id="u-other", groups=frozenset({Role.SHOPPER}))):
        with pytest.raises(NotFound):
            world.sessions.detail(outsider, session_id)
    assert [s.session_id for s in world.sessions.mine(SHOPPER, 20, None).items] == [session_id]


def test_rating_pays_the_program_compensation_once(world: World) -> None:
    _, session_id = finished(world, CompensationKind.CASH)

    rated = world.sessions.rate(SHOPPER, session_id, RatingIn(csat=5, nps=9, feedback="Top advies"))

    assert rated.compensation.kind is CompensationKind.CASH
    events = [e for e in world.store.outbox if isinstance(e, AdviceSessionRated)]
    assert [(e.rating, e.nps, e.compensation_kind, e.compensation_cash, e.compensation_points) for e in events] == [
        (5, 9, "cash", 250, 0)
    ]
    earnings = world.sessions.earnings(ADVISOR)
    assert (earnings.cash, earnings.points, earnings.sessions) == (250, 0, 1)
    with pytest.raises(Conflict) as again:
        world.sessions.rate(SHOPPER, session_id, RatingIn(csat=1))
    assert again.value.code == "already_rated"
    assert world.sessions.earnings(ADVISOR).cash == 250


def test_points_programs_pay_points(world: World) -> None:
    _, session_id = finished(world, CompensationKind.POINTS)
    world.sessions.rate(SHOPPER, session_id, RatingIn(csat=4))
    assert (world.sessions.earnings(ADVISOR).points, world.sessions.earnings(ADVISOR).cash) == (50, 0)


def test_only_the_shopper_rates_and_only_after_the_end(world: World) -> None:
    program = world.program()
    online(world, advisor := world.advisor("a1", program))
    send(world, advisor, action="accept", request_id=ask(world))
    session_id = str(world.notifier.to(SHOPPER_SOCKET.connection_id, "matched")[0]["session_id"])
    with pytest.raises(Conflict) as running:
        world.sessions.rate(SHOPPER, session_id, RatingIn(csat=5))
    assert running.value.code == "session_running"
    send(world, advisor, action="end", session_id=session_id)
    with pytest.raises(NotFound):
        world.sessions.rate(ADVISOR, session_id, RatingIn(csat=5))


def test_leaked_contact_details_flag_the_session_and_lower_the_advisor(world: World) -> None:
    _, session_id = finished(world, text="Bel me op 06 12345678 of mail sam@example.com")
    world.sessions.rate(SHOPPER, session_id, RatingIn(csat=5))
    session = world.store.sessions[session_id]
    assert session.flagged
    assert session.flags == ["contact_details_shared"]
    assert [s.session_id for s in world.sessions.listing(ADMIN, 20, None, flagged=True).items] == [session_id]
    with pytest.raises(Forbidden):
        world.sessions.listing(VENDOR, 20, None, flagged=True)
    assert world.store.stats("a1").quality is not None
    assert world.store.stats("a1").quality < 0.5  # type: ignore[operator]


def test_a_helpful_answer_scores_well(world: World) -> None:
    _, session_id = finished(world)
    world.sessions.rate(SHOPPER, session_id, RatingIn(csat=5))
    session = world.store.sessions[session_id]
    assert not session.flagged
    assert session.quality is not None
    assert session.quality > 0.8


def test_an_order_of_the_advised_product_within_7_days_converts_once(world: World) -> None:
    _, session_id = finished(world)
    world.clock.advance(days=2)
    placed = order(None, "grinder", 12_900, world)

    assert world.sessions.order_placed(placed) == 1
    assert world.sessions.order_placed(placed) == 0  # the relay may deliver twice

    session = world.store.sessions[session_id]
    assert (session.conversions, session.revenue) == (1, 12_900)


def test_orders_after_the_window_or_of_other_products_do_not_convert(world: World) -> None:
    _, session_id = finished(world)
    assert world.sessions.order_placed(order(None, "other-product", 500, world, "o1")) == 0
    world.clock.advance(days=8)
    assert world.sessions.order_placed(order(None, "grinder", 500, world, "o2")) == 0
    assert world.store.sessions[session_id].conversions == 0


def test_an_order_naming_the_session_converts_even_for_another_product(world: World) -> None:
    _, session_id = finished(world)
    assert world.sessions.order_placed(order(session_id, "other-product", 0, world)) == 1


def test_the_partner_report_per_program_and_advisor(world: World) -> None:
    program, session_id = finished(world)
    world.sessions.rate(SHOPPER, session_id, RatingIn(csat=5, nps=10, feedback="Super"))
    world.sessions.order_placed(order(None, "grinder", 12_900, world))
    start, end = world.clock() - timedelta(days=1), world.clock() + timedelta(days=1)

    report = world.sessions.report(VENDOR, program, start, end)

    kpis = report.program
    assert (kpis.requests, kpis.accepted, kpis.acceptance_rate) == (1, 1, 1.0)
    assert kpis.response_ms_median == 4000
    assert kpis.exchange_seconds_median == 180
    assert (kpis.rating_average, kpis.csat, kpis.nps) == (5.0, 1.0, 100.0)
    assert (kpis.conversions, kpis.conversion_rate, kpis.revenue_influenced) == (1, 1.0, 12_900)
    assert kpis.feedback == ["Super"]
    assert [(a.advisor_id, a.advisor_name, a.accepted) for a in report.advisors] == [("a1", "Advisor a1", 1)]

    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [(r["scope"], r["advisor_id"], r["revenue_influenced"]) for r in rows] == [
        ("program", "", "12900"),
        ("advisor", "a1", "12900"),
    ]


def test_the_report_is_for_the_program_owner(world: World) -> None:
    program, _ = finished(world)
    start, end = world.clock() - timedelta(days=1), world.clock()
    with pytest.raises(Forbidden):
        world.sessions.report(SHOPPER, program, start, end)
    with pytest.raises(UnprocessableEntity):
        world.sessions.report(VENDOR, program, end, start)
    assert world.sessions.report(ADMIN, program, start, end + timedelta(hours=1)).program.requests == 1


def test_a_declined_offer_counts_against_the_advisor_acceptance_rate(world: World) -> None:
    program = world.program()
    first, second = world.advisor("a1", program), world.advisor("a2", program)
    online(world, first, second)
    request_id = ask(world)
    send(world, first, action="decline", request_id=request_id)
    send(world, second, action="accept", request_id=request_id)
    report = world.sessions.report(
        VENDOR, program, world.clock() - timedelta(hours=1), world.clock() + timedelta(hours=1)
    )
    rates = {a.advisor_id: a.acceptance_rate for a in report.advisors}
    assert rates == {"a1": 0.0, "a2": 1.0}


def test_a_retried_rating_with_its_idempotency_key_gets_the_same_answer(world: World) -> None:
    _, session_id = finished(world)
    first = world.sessions.rate(SHOPPER, session_id, RatingIn(csat=4), idempotency_key="k1")
    assert world.sessions.rate(SHOPPER, session_id, RatingIn(csat=4), idempotency_key="k1") == first
    with pytest.raises(Conflict):
        world.sessions.rate(SHOPPER, session_id, RatingIn(csat=4), idempotency_key="k2")
    assert len([e for e in world.store.outbox if isinstance(e, AdviceSessionRated)]) == 1


def test_my_sessions_come_in_pages_newest_first(world: World) -> None:
    program = world.program()
    advisor = world.advisor("a1", program)
    online(world, advisor)
    started = []
    for _ in range(3):
        request_id = ask(world)
        send(world, advisor, action="accept", request_id=request_id)
        session_id = str(world.notifier.to(SHOPPER_SOCKET.connection_id, "matched")[-1]["session_id"])
        send(world, advisor, action="end", session_id=session_id)
        started.append(session_id)
        world.clock.advance(minutes=1)

    first = world.sessions.mine(SHOPPER, 2, None)
    second = world.sessions.mine(SHOPPER, 2, first.next_cursor)

    assert [s.session_id for s in first.items + second.items] == started[::-1]
    assert second.next_cursor is None
    with pytest.raises(BadRequest):
        world.sessions.mine(ADVISOR, 2, first.next_cursor)  # a cursor of another list
