"""Segments by affinity (from community's ProfileUpdated) and advisor cash payouts per closed month."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from functions.common.auth import Principal
from functions.common.errors import Conflict, Forbidden
from functions.rewards.models import consumed
from functions.rewards.models.events import AdvisorPaid
from tests.unit.rewards.conftest import Call, World, community
from tests.unit.rewards.fakes import T0

ADMIN = ("shopper", "admin")
ADMIN_P = Principal(user_id="a1", groups=frozenset({"admin"}))


def profile(world: World, user_id: str, interests: list[str], *, at_minutes: int = 0, event_id: str = "") -> bool:
    detail = community(user_id=user_id, interests=interests, languages=["nl"], newsletter=False)
    detail["occurred_at"] = (T0 + timedelta(minutes=at_minutes)).isoformat()
    detail["event_id"] = event_id or f"p-{user_id}-{at_minutes}"
    return world.services.segments.profile_updated(consumed.ProfileUpdatedView.model_validate(detail))


def rate_cash(world: World, session: str, advisor: str = "adv", cash: int = 750, *, at: Any = None) -> None:
    detail = community(session_id=session, advisor_id=advisor, shopper_id="u1", rating=5, program_id="pr2")
    detail |= {"compensation_kind": "cash", "compensation_points": 0, "compensation_cash": cash}
    if at is not None:
        detail["occurred_at"] = at.isoformat()
    world.services.earning.advice_session_rated(consumed.AdviceSessionRatedView.model_validate(detail))


# ---------------------------------------------------------------- affinities


def test_the_newest_profile_wins_and_a_redelivery_changes_nothing(world: World) -> None:
    assert profile(world, "u1", [" Ceramics ", "tea", "TEA"], at_minutes=10)
    assert world.store.accounts["u1"].affinities == ("ceramics", "tea")
    # an older event arriving late, and the same event again: ignored
    assert not profile(world, "u1", ["linen"], at_minutes=5)
    assert not profile(world, "u1", ["linen"], at_minutes=10, event_id="p-u1-10")
    assert world.store.accounts["u1"].affinities == ("ceramics", "tea")
    assert profile(world, "u1", ["linen"], at_minutes=20)
    assert list(world.store.accounts["u1"].affinities) == ["linen"]


def test_affinities_keep_the_balance_and_stage(world: World) -> None:
    world.deliver("u1", "o1", [1000])
    profile(world, "u1", ["tea"])
    account = world.store.accounts["u1"]
    assert (account.balance, account.affinities) == (10, ("tea",))
    world.deliver("u1", "o2", [1000])
    assert world.store.accounts["u1"].affinities == ("tea",)


def test_segments_by_affinity_over_http(call: Call, world: World) -> None:
    for user in ("u1", "u2", "u3"):
        world.deliver(user, f"o-{user}", [1000])
    for index in range(3):
        world.deliver("u3", f"more{index}", [1000])  # u3 becomes regular
    profile(world, "u1", ["Tea", "ceramics"])
    profile(world, "u2", ["tea"])
    profile(world, "u3", ["tea", "linen"])
    profile(world, "u4", ["ceramics"])  # no earning yet: a new member

    status, counts = call("GET", "/admin/segments", user="a1", groups=ADMIN, query={"affinity": "TEA"})
    assert (status, counts["affinity"], counts["total"]) == (200, "tea", 3)
    assert {s["stage"]: s["members"] for s in counts["stages"]} == {
        "new": 2,
        "regular": 1,
        "engaged": 0,
        "fan": 0,
        "ambassador": 0,
    }
    status, plain = call("GET", "/admin/segments", user="a1", groups=ADMIN)
    assert (status, plain["total"], plain["affinity"]) == (200, 4, None)

    status, top = call("GET", "/admin/segments/affinities", user="a1", groups=ADMIN, query={"limit": "2"})
    assert status == 200
    assert top["affinities"] == [{"affinity": "tea", "members": 3}, {"affinity": "ceramics", "members": 2}]
    assert top["distinct"] == 3
    status, regular = call("GET", "/admin/segments/affinities", user="a1", groups=ADMIN, query={"stage": "regular"})
    assert (status, regular["stage"], [a["affinity"] for a in regular["affinities"]]) == (
        200,
        "regular",
        ["linen", "tea"],
    )

    query = {"affinity": "ceramics", "limit": "1"}
    status, page = call("GET", "/admin/segments/new/members", user="a1", groups=ADMIN, query=query)
    assert (status, [m["user_id"] for m in page["items"]]) == (200, ["u1"])
    assert page["items"][0]["affinities"] == ["tea", "ceramics"]
    query |= {"cursor": page["next_cursor"]}
    status, rest = call("GET", "/admin/segments/new/members", user="a1", groups=ADMIN, query=query)
    assert (status, [m["user_id"] for m in rest["items"]], rest["next_cursor"]) == (200, ["u4"], None)

    status, text = call(
        "GET", "/admin/segments/new/members", user="a1", groups=ADMIN, query={"format": "csv", "affinity": "tea"}
    )
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["user_id"], r["affinities"]) for r in rows] == [("u1", "tea;ceramics"), ("u2", "tea")]


def test_affinity_segments_refuse_bad_input_and_non_admins(call: Call) -> None:
    assert call("GET", "/admin/segments/affinities", user="u1")[0] == 403
    assert call("GET", "/admin/segments", user="u1", query={"affinity": "tea"})[0] == 403
    status, body = call("GET", "/admin/segments/affinities", user="a1", groups=ADMIN, query={"stage": "vip"})
    assert (status, body["error"]["code"]) == (404, "segment_not_found")
    status, body = call("GET", "/admin/segments", user="a1", groups=ADMIN, query={"affinity": "x" * 61})
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    status, body = call("GET", "/admin/segments/affinities", user="a1", groups=ADMIN, query={"limit": "0"})
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    status, body = call("GET", "/admin/segments/new/members", user="a1", groups=ADMIN, query={"affinity": ""})
    assert (status, body["error"]["code"]) == (422, "validation_failed")


# ---------------------------------------------------------------- payouts


def test_closing_a_month_pays_each_advisor_once(world: World) -> None:
    rate_cash(world, "s1")
    rate_cash(world, "s2", cash=250)
    rate_cash(world, "s1")  # redelivered: owed once
    rate_cash(world, "s3", advisor="adv2", cash=1000)
    payouts = world.services.payouts

    with pytest.raises(Conflict) as refused:
        payouts.close(ADMIN_P, "2026-11")  # the clock is still in November
    assert refused.value.code == "period_not_finished"
    with pytest.raises(Conflict):
        payouts.close(ADMIN_P, "2027-01")
    with pytest.raises(Forbidden):
        payouts.close(Principal(user_id="adv"), "2026-10")

    world.clock.advance(days=30)  # December
    run, created = payouts.close(ADMIN_P, "2026-11")
    assert (created, run.status, run.total) == (True, "closed", 2000)
    assert [(p.advisor_id, p.amount, p.sessions) for p in run.payouts] == [
        ("adv", 1000, ["s1", "s2"]),
        ("adv2", 1000, ["s3"]),
    ]
    again, created_again = payouts.close(ADMIN_P, "2026-11")
    assert (created_again, again) == (False, run)
    paid = [e for e in world.store.outbox if isinstance(e, AdvisorPaid)]
    assert sorted((e.advisor_id, e.amount, e.sessions, e.period) for e in paid) == [
        ("adv", 1000, 2, "2026-11"),
        ("adv2", 1000, 1, "2026-11"),
    ]


def test_a_session_reaching_rewards_after_its_month_closed_is_paid_with_the_next(world: World) -> None:
    world.clock.advance(days=30)  # December
    world.services.payouts.close(ADMIN_P, "2026-11")
    rate_cash(world, "late", at=T0)  # rated in November, arrives after the close
    assert world.services.payouts.run(ADMIN_P, "2026-11").payouts == []
    world.clock.advance(days=31)  # January
    run, _ = world.services.payouts.close(ADMIN_P, "2026-12")
    assert [(p.advisor_id, p.sessions) for p in run.payouts] == [("adv", ["late"])]


def test_the_statement_shows_what_is_paid(world: World) -> None:
    rate_cash(world, "s1")
    adv = Principal(user_id="adv")
    before = world.services.members.advice_statement(adv, "2026-11")
    assert [(i.session_id, i.pay_period, i.paid, i.payout_id) for i in before.items] == [("s1", "2026-11", False, None)]
    assert (before.cash, before.cash_paid) == (750, 0)
    world.clock.advance(days=30)
    run, _ = world.services.payouts.close(ADMIN_P, "2026-11")
    after = world.services.members.advice_statement(adv, "2026-11")
    assert [(i.paid, i.payout_id) for i in after.items] == [(True, run.payouts[0].payout_id)]
    assert after.cash_paid == 750


def test_payouts_over_http(call: Call, world: World) -> None:
    rate_cash(world, "s1")
    status, body = call("POST", "/admin/payouts/2026-11", user="a1", groups=ADMIN)
    assert (status, body["error"]["code"]) == (409, "period_not_finished")
    status, body = call("POST", "/admin/payouts/2026-13", user="a1", groups=ADMIN)
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    assert call("POST", "/admin/payouts/2026-10", user="adv")[0] == 403
    status, open_run = call("GET", "/admin/payouts/2026-11", user="a1", groups=ADMIN)
    assert (status, open_run["status"], open_run["payouts"]) == (200, "open", [])

    world.clock.advance(days=30)
    status, closed = call("POST", "/admin/payouts/2026-11", user="a1", groups=ADMIN)
    assert (status, closed["status"], len(closed["payouts"]), closed["total"]) == (201, "closed", 1, 750)
    status, same = call("POST", "/admin/payouts/2026-11", user="a1", groups=ADMIN)
    assert (status, same) == (200, closed)
    status, listed = call("GET", "/admin/payouts/2026-11", user="a1", groups=ADMIN)
    assert (status, listed) == (200, closed)
    status, text = call("GET", "/admin/payouts/2026-11", user="a1", groups=ADMIN, query={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(text)))
    assert (status, [(r["advisor_id"], r["amount"], r["sessions"]) for r in rows]) == (200, [("adv", "750", "1")])

    status, statement = call("GET", "/rewards/me/advice-statement", user="adv", query={"period": "2026-11"})
    assert (status, statement["items"][0]["paid"], statement["items"][0]["payout_id"]) == (
        200,
        True,
        closed["payouts"][0]["payout_id"],
    )
