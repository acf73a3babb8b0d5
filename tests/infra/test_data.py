"""Tables: one per context, keys and indexes equal to the PynamoDB models, safe settings per stage."""

from __future__ import annotations

from typing import Any

import pytest

from infra import topology
from infra.constructs.table import model_schema
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra


def tables_by_name(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["TableName"]: resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def test_one_table_per_context(synthesized: Synthesized) -> None:
    names = set(tables_by_name(synthesized.stacks["Data"]))
    assert names == {topology.table_name("dev", name) for name in topology.CONTEXTS}


@pytest.mark.parametrize("context", topology.CONTEXTS)
def test_table_is_encrypted_recoverable_on_demand_with_ttl(synthesized: Synthesized, context: str) -> None:
    table = tables_by_name(synthesized.stacks["Data"])[topology.table_name("dev", context)]["Properties"]
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    wants_stream = topology.context(context).table.stream
    assert ("StreamSpecification" in table) == wants_stream
    if wants_stream:
        assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


@pytest.mark.parametrize("context", topology.CONTEXTS)
def test_keys_and_indexes_equal_the_pynamodb_model(synthesized: Synthesized, context: str) -> None:
    table = tables_by_name(synthesized.stacks["Data"])[topology.table_name("dev", context)]["Properties"]
    schema = model_schema(topology.table_model(topology.context(context)))
    key_attributes = {key["AttributeName"] for key in schema["key_schema"]} | {
        key["AttributeName"] for index in schema["global_secondary_indexes"] for key in index["key_schema"]
    }
    types = {item["AttributeName"]: item["AttributeType"] for item in schema["attribute_definitions"]}
    assert sorted(table["KeySchema"], key=str) == sorted(schema["key_schema"], key=str)
    assert {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]} == {
        name: types[name] for name in key_attributes
    }
    deployed = {
        index["IndexName"]: (sorted(index["KeySchema"], key=str), index["Projection"])
        for index in table.get("GlobalSecondaryIndexes", [])
    }
    declared = {
        index["index_name"]: (sorted(index["key_schema"], key=str), index["projection"])
        for index in schema["global_secondary_indexes"]
    }
    assert deployed == declared


def test_dev_tables_can_be_deleted(synthesized: Synthesized) -> None:
    # (test_stages.py checks the opposite for a non-dev stage)
    for table in tables_by_name(synthesized.stacks["Data"]).values():
        assert table["Properties"]["DeletionProtectionEnabled"] is False
        assert table["DeletionPolicy"] == "Delete"
