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
    manifest: dict[str, Any]

    def stack_artifact(self, concern: str) -> dict[str, Any]:
        return next(
            artifact
            for artifact_id, artifact in self.manifest["artifacts"].items()
            if artifact["type"] == "aws:cloudformation:stack" and artifact_id.endswith(f"-{concern}")
        )

    def resources(self, resource_type: str, concern: str | None = None) -> dict[str, dict[str, Any]]:
        found = {}
        for name, template in self.stacks.items():
            if concern is None or name == concern:
                for logical_id, resource in template.get("Resources", {}).items():
                    if resource["Type"] == resource_type:
                        found[f"{name}/{logical_id}"] = resource
        return found


REPO_ROOT = Path(__file__).resolve().parents[2]
# The stage settings cdk.json carries (pinned accounts, alarm e-mails), as `make synth` sees them.
CDK_CONTEXT: dict[str, Any] = {
    key: value
    for key, value in json.loads((REPO_ROOT / "cdk.json").read_text())["context"].items()
    if key.startswith("plein:")
}


def synthesize(stage_name: str, outdir: Path) -> Synthesized:
    """One stage of the app, synthesized with cdk-nag on (raises on any unacknowledged finding)."""
    from aws_cdk import App, NestedStack

    from infra.composition import build

    app = App(context={**SKIP_BUNDLING, **CDK_CONTEXT, "stage": stage_name}, outdir=str(outdir))
    stage = build(app)
    app.synth()
    stacks, metadata = {}, {}
    for concern, stack in stage.stacks.items():
        stacks[concern] = json.loads((outdir / f"{stack.artifact_id}.template.json").read_text())
        metadata[concern] = json.loads((outdir / f"{stack.artifact_id}.metadata.json").read_text())
        for nested in stack.node.children:
            if isinstance(nested, NestedStack):  # its metadata is part of the parent's
                stacks[f"{concern}{nested.node.id}"] = json.loads((outdir / nested.template_file).read_text())
    manifest = json.loads((outdir / "manifest.json").read_text())
    return Synthesized(outdir=outdir, stacks=stacks, metadata=metadata, manifest=manifest)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize("dev", tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def staging(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize("staging", tmp_path_factory.mktemp("cdk.out.staging"))


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize("prod", tmp_path_factory.mktemp("cdk.out.prod"))


@pytest.fixture(scope="session")
def every_stage(synthesized: Synthesized, staging: Synthesized, prod: Synthesized) -> dict[str, Synthesized]:
    """Every stage of infra/config.py STAGES (a test checks that none is missing here)."""
    return {"dev": synthesized, "staging": staging, "prod": prod}
