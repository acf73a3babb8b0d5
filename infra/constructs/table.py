"""A context's DynamoDB table, derived from the context's PynamoDB record model."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from pynamodb.models import Model

from functions.common.dynamo import TTL_ATTRIBUTE
from functions.common.wiring import ContextWiring
from infra import topology
from infra.config import StageConfig

_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER, "B": dynamodb.AttributeType.BINARY}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}


def model_schema(model: type[Model]) -> dict[str, Any]:
    """The CreateTable-shaped schema PynamoDB derives from a model (keys, types, indexes)."""
    schema: dict[str, Any] = dict(model._get_schema())
    return schema


def index_names(model: type[Model]) -> list[str]:
    schema = model_schema(model)
    return [index["index_name"] for index in schema["global_secondary_indexes"] + schema["local_secondary_indexes"]]


class ContextTable(Construct):
    """On-demand, PITR, AWS-managed encryption, TTL on `ttl`; stream when the wiring asks for one."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageConfig, wiring: ContextWiring) -> None:
        super().__init__(scope, construct_id)
        model = topology.table_model(wiring)
        schema = model_schema(model)
        types = {item["AttributeName"]: item["AttributeType"] for item in schema["attribute_definitions"]}
        hash_key, range_key = _keys(schema["key_schema"], types)
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=topology.table_name(stage.name, wiring.name),
            partition_key=hash_key,
            sort_key=range_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=TTL_ATTRIBUTE,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if wiring.table.stream else None,
            deletion_protection=stage.deletion_protection,
            removal_policy=stage.removal_policy,
        )
        for index in schema["global_secondary_indexes"]:
            index_types = {item["AttributeName"]: item["AttributeType"] for item in index["attribute_definitions"]}
            gsi_hash, gsi_range = _keys(index["key_schema"], index_types)
            projection = index["projection"]
            self.table.add_global_secondary_index(
                index_name=index["index_name"],
                partition_key=gsi_hash,
                sort_key=gsi_range,
                projection_type=_PROJECTIONS[projection["ProjectionType"]],
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
        for index in schema["local_secondary_indexes"]:
            lsi_types = {item["AttributeName"]: item["AttributeType"] for item in index["attribute_definitions"]}
            _, lsi_range = _keys(index["key_schema"], {**types, **lsi_types})
            if lsi_range is None:
                raise ValueError(f"local index {index['index_name']} of {wiring.name} needs a range key")
            projection = index["projection"]
            self.table.add_local_secondary_index(
                index_name=index["index_name"],
                sort_key=lsi_range,
                projection_type=_PROJECTIONS[projection["ProjectionType"]],
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
        self.index_names = index_names(model)


def _keys(
    key_schema: list[dict[str, str]], types: dict[str, str]
) -> tuple[dynamodb.Attribute, dynamodb.Attribute | None]:
    by_type = {item["KeyType"]: item["AttributeName"] for item in key_schema}
    hash_name, range_name = by_type["HASH"], by_type.get("RANGE")
    hash_key = dynamodb.Attribute(name=hash_name, type=_TYPES[types[hash_name]])
    range_key = dynamodb.Attribute(name=range_name, type=_TYPES[types[range_name]]) if range_name else None
    return hash_key, range_key
