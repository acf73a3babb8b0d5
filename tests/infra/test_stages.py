"""A non-dev stage keeps its data: RETAIN, deletion protection, termination protection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from infra.composition import build
from tests.infra.conftest import SKIP_BUNDLING

pytestmark = pytest.mark.infra

STATEFUL = (
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::Cognito::UserPool",
    "AWS::SecretsManager::Secret",
    "AWS::OpenSearchServerless::Collection",
    "AWS::Logs::LogGroup",
)


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    outdir = tmp_path_factory.mktemp("cdk.out.prod")
    app = App(context={**SKIP_BUNDLING, "stage": "prod"}, outdir=str(outdir))
    stage = build(app)
    app.synth()  # cdk-nag must also pass with prod names in every acknowledged finding
    templates = {
        concern: json.loads(Path(outdir, f"{stack.artifact_id}.template.json").read_text())
        for concern, stack in stage.stacks.items()
    }
    return templates, json.loads(Path(outdir, "manifest.json").read_text())


def test_stateful_resources_are_retained(prod: tuple[dict[str, dict[str, Any]], dict[str, Any]]) -> None:
    templates, _ = prod
    checked = 0
    for template in templates.values():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] in STATEFUL:
                assert resource.get("DeletionPolicy") == "Retain", logical_id
                checked += 1
    assert checked > 10


def test_tables_and_user_pool_refuse_deletion(prod: tuple[dict[str, dict[str, Any]], dict[str, Any]]) -> None:
    templates, _ = prod
    tables = [r for r in templates["Data"]["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    assert tables
    for table in tables:
        assert table["Properties"]["DeletionProtectionEnabled"] is True
    (pool,) = [r for r in templates["Auth"]["Resources"].values() if r["Type"] == "AWS::Cognito::UserPool"]
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"


def test_stacks_have_termination_protection(prod: tuple[dict[str, dict[str, Any]], dict[str, Any]]) -> None:
    _, manifest = prod
    stacks = [a for a in manifest["artifacts"].values() if a["type"] == "aws:cloudformation:stack"]
    assert stacks
    assert all(a["properties"].get("terminationProtection") is True for a in stacks)
