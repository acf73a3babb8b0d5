"""Data: one DynamoDB table per context, derived from its PynamoDB models."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infra import topology
from infra.constructs.table import ContextTable
from infra.shared import Shared


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        for wiring in topology.contexts():
            table = ContextTable(self, f"{wiring.name.title()}Table", stage=shared.stage, wiring=wiring)
            shared.tables[wiring.name] = table.table
            shared.table_indexes[wiring.name] = table.index_names
