"""moto (in-process `mock_aws`) with the rewards table, derived from its record like the CDK app does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.rewards.store.dynamo import DynamoRewardsStore
from functions.rewards.store.records import RewardsRecord
from tests.unit.rewards.conftest import AnyWorld
from tests.unit.rewards.fakes import InMemoryRewardsStore

TABLE = "plein-test-rewards"
REGION = "eu-west-1"


def create_table(client: Any, name: str = TABLE) -> None:
    schema = RewardsRecord._get_schema()
    client.create_table(
        TableName=name,
        KeySchema=schema["key_schema"],
        AttributeDefinitions=schema["attribute_definitions"],
        GlobalSecondaryIndexes=[
            {"IndexName": i["index_name"], "KeySchema": i["key_schema"], "Projection": i["projection"]}
            for i in schema["global_secondary_indexes"]
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_table(client)
        yield client


@pytest.fixture
def dynamo_store(dynamodb: Any) -> DynamoRewardsStore:
    return DynamoRewardsStore(TABLE, client=dynamodb)


@pytest.fixture(params=["fake", "dynamo"])
def any_world(request: pytest.FixtureRequest) -> AnyWorld:
    """The contract suite's subject: the services over the in-memory fake and over DynamoDB on moto."""
    if request.param == "fake":
        return AnyWorld(InMemoryRewardsStore())
    return AnyWorld(request.getfixturevalue("dynamo_store"))


@pytest.fixture
def patched_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto with the local runtime's patches: each DynamoDB request atomic as on AWS (moto alone is
    not thread-safe: local/aws/moto_lock.py) and transactions without whole-table copies."""
    from tests.unit.local.moto_tables import moto

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with moto(patched=True) as client:
        create_table(client)
        yield client


@pytest.fixture
def concurrent_store(patched_dynamodb: Any) -> DynamoRewardsStore:
    return DynamoRewardsStore(TABLE, client=patched_dynamodb)
