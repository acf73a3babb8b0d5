"""Affinities and payouts, one contract for the in-memory fake and the DynamoDB store on moto."""

from __future__ import annotations

from functions.common.auth import Principal, Role
from functions.rewards.logic.domain import Stage
from functions.rewards.models.events import AdvisorPaid
from tests.integration.rewards.test_store_contract import published
from tests.unit.rewards.conftest import AnyWorld
from tests.unit.rewards.fakes import T0
from tests.unit.rewards.test_segments_payouts import profile, rate_cash

ADMIN = Principal(user_id="admin-1", groups=frozenset({Role.ADMIN}))


def test_affinities_newest_wins_and_filter_segments(any_world: AnyWorld) -> None:
    world = any_world
    world.deliver("u1", "o1", [1000])
    assert profile(world, "u1", ["Tea", "linen"], at_minutes=10)
    assert not profile(world, "u1", ["wool"], at_minutes=5)
    assert not profile(world, "u1", ["wool"], at_minutes=10, event_id="p-u1-10")
    assert profile(world, "u2", ["tea"])
    account = world.port.account("u1")
    assert account is not None
    assert (account.balance, account.stage, account.affinities) == (10, Stage.NEW, ("tea", "linen"))
    world.deliver("u1", "o2", [1000])
    assert world.port.account("u1").affinities == ("tea", "linen")  # type: ignore[union-attr]

    assert world.port.count_members_with(Stage.NEW, "tea") == 2
    assert world.port.count_members_with(Stage.NEW, "linen") == 1
    assert world.port.count_members_with(Stage.REGULAR, "tea") == 0
    assert world.port.affinity_counts(None) == {"tea": 2, "linen": 1}
    assert world.port.affinity_counts(Stage.NEW) == {"tea": 2, "linen": 1}
    members, _ = world.port.members_with(Stage.NEW, "linen", 10, None)
    assert [m.user_id for m in members] == ["u1"]


def test_a_month_closes_once_and_late_sessions_go_to_the_next(any_world: AnyWorld) -> None:
    world = any_world
    rate_cash(world, "s1")
    rate_cash(world, "s1")
    rate_cash(world, "s2", advisor="adv2", cash=300)
    world.clock.advance(days=30)
    run, created = world.services.payouts.close(ADMIN, "2026-11")
    again, created_again = world.services.payouts.close(ADMIN, "2026-11")
    assert (created, created_again, again) == (True, False, run)
    assert [(p.advisor_id, p.amount, p.sessions) for p in run.payouts] == [("adv", 750, ["s1"]), ("adv2", 300, ["s2"])]
    assert published(world).count(AdvisorPaid.detail_type) == 2

    rate_cash(world, "late", at=T0)
    due = world.port.due_of(["late", "s1"])
    assert (due["late"].period, due["s1"].period) == ("2026-12", "2026-11")
    statement = world.services.members.advice_statement(Principal(user_id="adv"), "2026-11")
    assert [(i.session_id, i.paid) for i in statement.items] == [("s1", True)]
