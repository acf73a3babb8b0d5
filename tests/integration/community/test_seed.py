"""The community seed on moto: members, verified reviews and ratings, ideas around their
milestones, public collections; a second run changes nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3
import pytest

from functions.community.logic.domain import Idea
from functions.community.logic.ports import Ref
from functions.community.store.dynamo import DynamoDocuments
from local.aws import moto_transactions
from local.seed import SeedContext
from local.seed import community as community_seed
from local.seed import users as users_seed
from local.seed.vendor import demo_product
from tests.integration.community.conftest import REGION, TABLE, Aws


def seed_context(aws: Aws) -> SeedContext:
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
    clients = {"cognito-idp": cognito, "dynamodb": aws.dynamodb, "s3": boto3.client("s3", region_name=REGION)}
    return SeedContext(
        users={},
        products=24,
        aws_endpoint="",
        stage="test",
        endpoints=None,  # type: ignore[arg-type]  # not read by these seeders
        region=REGION,
        user_pool_id=pool,
        client=lambda service: clients[service],
        environments={
            "community": {"TABLE_NAME": TABLE, "CURSOR_SECRET": "seed-test-cursor-secret", "FEEDS_BUCKET": "uploads"}
        },
    )


def table_items(aws: Aws) -> int:
    count = 0
    kwargs: dict[str, Any] = {"TableName": TABLE, "Select": "COUNT"}
    while True:
        page = aws.dynamodb.scan(**kwargs)
        count += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return count
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_the_seed_builds_a_living_community_once(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    moto_transactions.apply(monkeypatch.setattr)  # the local runtime's moto: transactions in O(items touched)
    ctx = seed_context(aws)
    users_seed.seed(ctx)
    ctx.users["vendor"] = replace(ctx.users["vendor"], vendor_id=demo_product(0)[1][0])  # as the vendor seed binds it

    community_seed.seed(ctx)

    docs = DynamoDocuments(TABLE, client=aws.dynamodb)
    ideas = [
        Idea.model_validate(doc.data)
        for doc in docs.get_many([entry.ref for entry in docs.entries("ideas", "all", limit=10).entries]).values()
    ]
    assert sorted((idea.supporters, idea.milestone) for idea in ideas) == [(12, 0), (99, 0), (105, 100)]
    assert docs.count("collections_new", "public") == 2
    reviews = [
        doc.data
        for doc in docs.get_many(
            [e.ref for e in docs.entries("reviews_by", ctx.users["anna"].sub, limit=50).entries]
        ).values()
    ]
    assert {review["verified"] for review in reviews} == {True, False}
    assert docs.get(Ref("profile", ctx.users["daan"].sub)) is not None
    first_product = docs.entries("reviews", demo_product(0)[0], limit=10).entries
    replies = [doc.data["reply"] for doc in docs.get_many([e.ref for e in first_product]).values() if doc.data["reply"]]
    assert [reply["vendor_id"] for reply in replies] == [demo_product(0)[1][0]]
    public = docs.get_many([e.ref for e in docs.entries("articles", "all", limit=10).entries]).values()
    assert sorted(doc.data["kind"] for doc in public) == ["guide", "guide", "lookbook"]
    assert all(doc.data["product_ids"] or doc.data["looks"] for doc in public)
    assert docs.count("articles_public_by", ctx.users["bram"].sub) == 1
    assert docs.count("articles_due", "all") == 1
    before = table_items(aws)

    community_seed.seed(ctx)

    assert table_items(aws) == before
