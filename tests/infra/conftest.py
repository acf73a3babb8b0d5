"""Synthesizes the whole CDK app once per test session (assets not bundled) and hands out templates."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "1")

SKIP_BUNDLING: dict[str, Any] = {"aws:cdk:bundling-stacks": []}


@dataclass
class Synthesized:
    outdir: Path
    stacks: dict[str, dict[str, Any]]  # concern -> template
    metadata: dict[str, dict[str, Any]]  # concern -> construct path -> metadata entries

    def resources(self, resource_type: str, concern: str | None = None) -> dict[str, dict[str, Any]]:
        found = {}
        for name, template in self.stacks.items():
            if concern is None or name == concern:
                for logical_id, resource in template.get("Resources", {}).items():
                    if resource["Type"] == resource_type:
                        found[f"{name}/{logical_id}"] = resource
        return found


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk import App

    from infra.composition import build

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(context={**SKIP_BUNDLING, "stage": "dev"}, outdir=str(outdir))
    stage = build(app)
    app.synth()  # raises if cdk-nag reports any unacknowledged finding
    stacks, metadata = {}, {}
    for concern, stack in stage.stacks.items():
        stacks[concern] = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
        metadata[concern] = json.loads((outdir / f"{stack.artifact_id}.metadata.json").read_text())
    return Synthesized(outdir=outdir, stacks=stacks, metadata=metadata)
