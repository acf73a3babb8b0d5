"""The scheduled job: points expire first in first out, stages go down only at a period end."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.common.auth import Principal
from functions.rewards.logic.domain import EarningRules, EntryKind, Stage, StageThreshold
from functions.rewards.models.events import StageChanged
from tests.unit.rewards.conftest import World
from tests.unit.rewards.test_earning import set_rules


def test_points_expire_after_the_period_first_in_first_out_once(world: World) -> None:
    world.deliver("u1", "o1", [10000])  # 100, expires after 365 days
    world.clock.advance(days=200)
    world.deliver("u1", "o2", [5000])  # 50, expires 200 days later than the first
    world.services.points.debit("u1", kind=EntryKind.REDEEM, points=30, reason="x", rule="redemption", cause="k")

    world.clock.advance(days=166)  # the first earning is past its expiry
    assert world.services.jobs.run().expired_members == 1
    assert world.services.jobs.run().expired_members == 0
    assert world.balance("u1") == 50  # 100 earned first, 30 of them spent: 70 expired

    world.clock.advance(days=200)
    world.services.jobs.run()
    assert world.balance("u1") == 0
    expired = sorted(e.points for e in world.store.ledger.values() if e.kind is EntryKind.EXPIRE)
    assert expired == [-70, -50]


def test_a_stage_goes_down_only_at_its_period_end(world: World) -> None:
    rules = EarningRules(
        stage_window_days=30,
        stage_period_days=60,
        stage_thresholds={
            Stage.REGULAR: StageThreshold(purchases=2),
            Stage.ENGAGED: StageThreshold(purchases=3),
            Stage.FAN: StageThreshold(purchases=4),
            Stage.AMBASSADOR: StageThreshold(purchases=5),
        },
    )
    set_rules(world, rules)
    world.deliver("u1", "o1", [1000])
    world.deliver("u1", "o2", [1000])
    assert world.services.members.me(Principal(user_id="u1")).stage is Stage.REGULAR

    world.clock.advance(days=45)  # the purchases left the window, but the period has not ended
    world.services.jobs.run()
    me = world.services.members.me(Principal(user_id="u1"))
    assert me.stage is Stage.REGULAR
    assert me.progress.next_stage is Stage.ENGAGED
    assert me.progress.purchases is not None
    assert (me.progress.purchases.have, me.progress.purchases.left) == (0, 3)

    world.clock.advance(days=15)  # the period ends
    assert world.services.jobs.run().stage_reviews == 1
    account = world.store.account("u1")
    assert account is not None
    assert (account.stage, account.period_ends_at) == (Stage.NEW, None)
    changes = [(e.old_stage, e.new_stage) for e in world.store.outbox if isinstance(e, StageChanged)]
    assert changes == [("new", "regular"), ("regular", "new")]
    assert world.services.jobs.run().stage_reviews == 0


def test_a_member_still_active_at_the_period_end_keeps_the_stage_for_another_period(world: World) -> None:
    for index in range(3):
        world.deliver("u1", f"o{index}", [1000])
    world.clock.advance(days=90)
    world.services.jobs.run()
    account = world.store.account("u1")
    assert account is not None
    assert (account.stage, account.period_ends_at) == (Stage.REGULAR, world.clock.now + timedelta(days=90))


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(("earn", "spend", "wait")), st.integers(1, 400)),
        max_size=25,
    )
)
def test_after_an_expiry_run_no_expired_point_is_left_and_a_second_run_takes_nothing(
    steps: list[tuple[str, int]],
) -> None:
    world = World()
    for index, (kind, value) in enumerate(steps):
        if kind == "earn":
            world.deliver("u1", f"o{index}", [value * 100])
        elif kind == "spend":
            if world.balance("u1") >= value:
                points = world.services.points
                points.debit("u1", kind=EntryKind.REDEEM, points=value, reason="x", rule="r", cause=str(index))
        else:
            world.clock.advance(days=value)
        world.services.jobs.expire_points()

        entries = list(world.store.ledger.values())
        now = world.clock.now
        unexpired = sum(e.points for e in entries if e.points > 0 and e.expires_at is not None and e.expires_at > now)
        assert 0 <= world.balance("u1") <= unexpired
        assert world.balance("u1") == sum(e.points for e in entries)
        assert world.services.jobs.expire_points() == 0
