"""Earning from events: orders (and their returns), community contributions, advice, visits,
multipliers and campaigns, and stage upgrades with their events."""

from __future__ import annotations

from datetime import timedelta

from functions.common.auth import Principal
from functions.rewards.logic.domain import Campaign, EarningRules, EntryKind, Posting, Stage, StageThreshold
from functions.rewards.models import consumed
from functions.rewards.models.events import PointsAwarded, StageChanged
from tests.unit.rewards.conftest import World, community
from tests.unit.rewards.fakes import T0


def set_rules(world: World, rules: EarningRules) -> None:
    admin = Principal(user_id="admin-1", groups=frozenset({"admin"}))
    current = world.services.rules.current()
    world.services.rules.update(admin, current.version, rules)


def test_a_delivered_order_earns_per_whole_euro_once_even_when_redelivered(world: World) -> None:
    # Given a delivered sub-order worth €42.50 (two lines)
    world.deliver("u1", "o1", [2500, 1750], event_id="ev-1")

    # When the same event is redelivered, and the same sub-order is reported again under a new id
    world.deliver("u1", "o1", [2500, 1750], event_id="ev-1")
    world.deliver("u1", "o1", [2500, 1750], event_id="ev-2")

    # Then it earned 42 points once, announced once through the outbox
    assert world.balance("u1") == 42
    assert [e.points for e in world.store.ledger.values()] == [42]
    (awarded,) = [e for e in world.store.outbox if isinstance(e, PointsAwarded)]
    assert (awarded.user_id, awarded.points, awarded.balance) == ("u1", 42, 42)


def test_a_return_reverses_its_share_of_the_points_and_never_more(world: World) -> None:
    world.deliver("u1", "o1", [6000, 4000])  # 100 points
    world.give_back("u1", "o1", 4000, event_id="ret-1")  # 40% of the value back
    assert world.balance("u1") == 60
    world.give_back("u1", "o1", 4000, event_id="ret-1")  # redelivered: nothing more
    assert world.balance("u1") == 60
    world.give_back("u1", "o1", 10000, event_id="ret-2")  # more than is left: only what is left
    assert world.balance("u1") == 0
    kinds = sorted((e.kind, e.points) for e in world.store.ledger.values())
    assert kinds == [(EntryKind.EARN, 100), (EntryKind.REVERSE, -60), (EntryKind.REVERSE, -40)]


def test_a_return_after_the_points_were_spent_takes_only_the_balance(world: World) -> None:
    world.deliver("u1", "o1", [10000])
    world.services.points.debit("u1", kind=EntryKind.REDEEM, points=90, reason="x", rule="redemption", cause="k")
    world.give_back("u1", "o1", 10000)
    assert world.balance("u1") == 0


def test_reviews_earn_more_with_photos_and_a_verified_purchase(world: World) -> None:
    world.review("u1", "r1")
    world.review("u2", "r2", photos=True, verified=True)
    world.review("u2", "r2", photos=True, verified=True)
    assert (world.balance("u1"), world.balance("u2")) == (20, 40)


def test_rating_your_own_collection_or_low_stars_earn_nothing(world: World) -> None:
    earning = world.services.earning

    def rate(rater: str, stars: int) -> None:
        detail = community(collection_id="c1", owner_id="owner", user_id=rater, stars=stars)
        earning.collection_rated(consumed.CollectionRatedView.model_validate(detail))

    rate("owner", 5)
    rate("u2", 2)
    rate("u3", 5)
    rate("u3", 5)  # the same rater again
    assert world.balance("owner") == 2


def test_answers_ideas_feedback_and_shares_earn_once_each(world: World) -> None:
    earning = world.services.earning
    answer = consumed.AnswerAcceptedView.model_validate(
        community(answer_id="a1", question_id="q1", product_id="p1", user_id="u1", asker_id="u9")
    )
    milestone = consumed.IdeaMilestoneReachedView.model_validate(
        community(idea_id="i1", author_id="u1", milestone=100, supporters=104)
    )
    feedback = consumed.FeedbackActedOnView.model_validate(community(feedback_id="f1", user_id="u1", kind="bug"))
    share = consumed.ShareClickedView.model_validate(
        community(share_id="s1", user_id="u1", referral_code="X", target_type="product", target_id="p1")
    )
    for _ in range(2):
        earning.answer_accepted(answer)
        earning.idea_milestone_reached(milestone)
        earning.feedback_acted_on(feedback)
        earning.share_clicked(share)
    assert world.balance("u1") == 15 + 50 + 25 + 2


def test_advisors_earn_for_well_rated_sessions_only(world: World) -> None:
    earning = world.services.earning

    def rated(session: str, rating: int, compensation: int | None = None) -> None:
        detail = community(session_id=session, advisor_id="adv", shopper_id="u1", rating=rating, program_id="pr1") | {
            "compensation_points": compensation
        }
        earning.advice_session_rated(consumed.AdviceSessionRatedView.model_validate(detail))

    rated("s1", 5)
    rated("s2", 3)
    rated("s3", 4, compensation=80)
    rated("s3", 4, compensation=80)
    assert world.balance("adv") == 30 + 80
    cash = community(session_id="s4", advisor_id="adv", shopper_id="u1", rating=5, program_id="pr2")
    cash |= {"compensation_kind": "cash", "compensation_points": 0, "compensation_cash": 750}
    earning.advice_session_rated(consumed.AdviceSessionRatedView.model_validate(cash))
    assert world.balance("adv") == 30 + 80

    # the month's statement: points earned and cash owed per rated session
    statement = world.services.members.advice_statement(Principal(user_id="adv"), "2026-11")
    assert (statement.sessions, statement.points, statement.cash) == (3, 110, 750)
    assert sorted((line.session_id, line.points, line.cash) for line in statement.items) == [
        ("s1", 30, 0),
        ("s3", 80, 0),
        ("s4", 0, 750),
    ]
    assert world.services.members.advice_statement(Principal(user_id="adv"), "2026-12").sessions == 0


def test_daily_visits_build_a_capped_streak(world: World) -> None:
    me = Principal(user_id="u1")
    earned = []
    for _day in range(7):
        earned.append(world.services.members.visit(me).points)
        assert world.services.members.visit(me).points == 0  # once a day
        world.clock.advance(days=1)
    assert earned == [1, 2, 3, 4, 5, 5, 5]
    world.clock.advance(days=1)  # a day missed: the streak starts again
    assert world.services.members.visit(me).points == 1


def test_stage_multipliers_and_running_campaigns_multiply_earnings(world: World) -> None:
    rules = EarningRules(
        stage_thresholds={
            Stage.REGULAR: StageThreshold(purchases=1),
            Stage.ENGAGED: StageThreshold(purchases=5),
            Stage.FAN: StageThreshold(purchases=6),
            Stage.AMBASSADOR: StageThreshold(purchases=7),
        },
        stage_multipliers={
            Stage.NEW: 100,
            Stage.REGULAR: 150,
            Stage.ENGAGED: 100,
            Stage.FAN: 100,
            Stage.AMBASSADOR: 100,
        },
        campaigns=[
            Campaign(
                name="double reviews",
                starts_at=T0 - timedelta(days=1),
                ends_at=T0 + timedelta(days=1),
                multiplier_percent=200,
                activities=["contribution"],
            ),
            Campaign(name="over", starts_at=T0 - timedelta(days=9), ends_at=T0 - timedelta(days=8)),
        ],
    )
    set_rules(world, rules)
    world.deliver("u1", "o1", [1000])  # new: x1 → 10, and now regular
    world.review("u1", "r1")  # regular x1.5, campaign x2 → 60
    assert world.balance("u1") == 10 + 60


def test_reaching_a_threshold_upgrades_the_stage_in_the_same_posting(world: World) -> None:
    # Given the default thresholds: regular after 3 purchases in the window
    for index in range(3):
        world.deliver("u1", f"o{index}", [1000])

    # Then the third delivery moved the member up and said so, once
    account = world.store.account("u1")
    assert account is not None
    assert (account.stage, account.period_ends_at) == (Stage.REGULAR, T0 + timedelta(days=90))
    changes = [e for e in world.store.outbox if isinstance(e, StageChanged)]
    assert [(c.old_stage, c.new_stage) for c in changes] == [("new", "regular")]


def test_an_upgrade_that_lost_a_race_is_computed_again(world: World) -> None:
    # Given a member one purchase from `regular`, whose stage another posting changes meanwhile
    for index in range(2):
        world.deliver("u1", f"o{index}", [1000])
    store, post = world.store, world.store.post
    raced: list[bool] = []

    def post_after_a_concurrent_upgrade(posting: Posting) -> bool:
        if not raced:
            raced.append(True)
            account = store.accounts["u1"]
            store.accounts["u1"] = account.model_copy(update={"stage": Stage.REGULAR})
        return post(posting)

    store.post = post_after_a_concurrent_upgrade  # type: ignore[method-assign]

    # When the third purchase is earned
    world.deliver("u1", "o2", [1000])

    # Then its first posting was refused (stage_changed) and the second went through, without a stage change
    assert world.balance("u1") == 30
    assert [e.new_stage for e in world.store.outbox if isinstance(e, StageChanged)] == []
