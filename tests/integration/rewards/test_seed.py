"""The rewards seed on moto: members at every journey stage, the demo shopper's points and gift card,
a referral; a second run changes nothing."""

from __future__ import annotations

from typing import Any

import boto3

from functions.rewards.logic.domain import ReferralStatus, Stage
from functions.rewards.store.dynamo import DynamoRewardsStore
from local.seed import SeedContext
from local.seed import rewards as rewards_seed
from local.seed import users as users_seed
from tests.integration.rewards.conftest import REGION, TABLE


def seed_context(dynamodb: Any) -> SeedContext:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    relaxed = {
        "MinimumLength": 8,
        "RequireUppercase": False,
        "RequireLowercase": False,
        "RequireNumbers": False,
        "RequireSymbols": False,
    }
    pool = cognito.create_user_pool(PoolName="plein-test", Policies={"PasswordPolicy": relaxed})["UserPool"]["Id"]
    for group in ("shopper", "vendor", "advisor", "admin"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
    clients = {"cognito-idp": cognito, "dynamodb": dynamodb}
    return SeedContext(
        users={},
        products=24,
        aws_endpoint="",
        stage="test",
        endpoints=None,  # type: ignore[arg-type]  # not read by these seeders
        region=REGION,
        user_pool_id=pool,
        client=lambda service: clients[service],
        environments={"rewards": {"TABLE_NAME": TABLE, "CURSOR_SECRET": "seed-test-cursor-secret"}},
    )


def items(dynamodb: Any) -> int:
    return int(dynamodb.scan(TableName=TABLE, Select="COUNT")["Count"])


def test_the_seed_puts_members_at_every_stage_a_gift_card_and_a_referral_once(patched_dynamodb: Any) -> None:
    dynamodb = patched_dynamodb
    ctx = seed_context(dynamodb)
    users_seed.seed(ctx)
    logged: list[str] = []
    ctx.log = logged.append

    rewards_seed.seed(ctx)

    store = DynamoRewardsStore(TABLE, client=dynamodb)
    for stage in Stage:
        members, _ = store.members(stage, 100, None)
        assert f"seed-member-{stage}" in {m.user_id for m in members}, stage
    shopper, advisor = ctx.users["shopper"].sub, ctx.users["advisor"].sub
    account = store.account(shopper)
    assert account is not None
    assert account.balance == rewards_seed.WELCOME_POINTS - 500
    (card,) = store.gift_cards_of(shopper)
    assert card.balance == 500
    assert any("gift card code is PLN-" in line for line in logged)
    referral = store.referral(advisor)
    assert referral is not None
    assert (referral.referrer_id, referral.status) == (shopper, ReferralStatus.CLAIMED)
    assert store.affinity_counts(None)["coffee"] == 4
    (payout,) = store.payouts(rewards_seed.PAID_PERIOD)
    assert (payout.advisor_id, payout.amount, len(payout.sessions)) == (advisor, 3000, 2)
    assert [due.period for due in store.dues("2026-11")] == ["2026-11"]

    before = items(dynamodb)
    rewards_seed.seed(ctx)
    assert items(dynamodb) == before
