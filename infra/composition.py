"""Composes one stage of Plein: one stack per concern, in dependency order, cdk-nag always on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import App, Environment, Stack, Tags

from infra.config import OPENAPI_DOCUMENT, StageConfig
from infra.nag import enable_nag
from infra.shared import Shared
from infra.stacks.api import ApiStack
from infra.stacks.auth import AuthStack
from infra.stacks.data import DataStack
from infra.stacks.events import EventsStack
from infra.stacks.observability import ObservabilityStack
from infra.stacks.realtime import RealtimeStack
from infra.stacks.search import SearchStack
from infra.stacks.storage import StorageStack
from infra.stacks.workers import WorkersStack
from infra.topology import contexts

DEFAULT_STAGE = "dev"
# Behaviour the stacks rely on, set here as well as in cdk.json so that tests get it too.
FEATURE_FLAGS: dict[str, object] = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/aws-events:eventsTargetQueueSameAccount": True,
    # Explicit: an export in use cannot be removed, so a consumer stack is never left dangling.
    "@aws-cdk/core:defaultCrossStackReferences": "strong",
}


@dataclass(frozen=True)
class PleinStage:
    shared: Shared
    stacks: dict[str, Stack]


def stage_from_context(app: App) -> StageConfig:
    return StageConfig(name=str(app.node.try_get_context("stage") or DEFAULT_STAGE))


def build(app: App, *, openapi_document: Path = OPENAPI_DOCUMENT, env: Environment | None = None) -> PleinStage:
    for flag, value in FEATURE_FLAGS.items():
        if app.node.try_get_context(flag) is None:
            app.node.set_context(flag, value)
    stage = stage_from_context(app)
    shared = Shared(stage=stage)
    prefix = f"Plein-{stage.name}"
    concerns = (
        ("Data", DataStack),
        ("Events", EventsStack),
        ("Storage", StorageStack),
        ("Auth", AuthStack),
        ("Search", SearchStack),
        ("Realtime", RealtimeStack),
    )
    stacks: dict[str, Stack] = {}
    for concern, stack_type in concerns:
        stacks[concern] = stack_type(app, f"{prefix}-{concern}", shared=shared, env=env)
    if any(wiring.events or wiring.streams or wiring.bucket or wiring.schedules for wiring in contexts()):
        stacks["Workers"] = WorkersStack(app, f"{prefix}-Workers", shared=shared, env=env)
    stacks["Api"] = ApiStack(app, f"{prefix}-Api", shared=shared, openapi_document=openapi_document, env=env)
    observability = ObservabilityStack(app, f"{prefix}-Observability", shared=shared, env=env)
    for stack in stacks.values():
        observability.add_stack_dependency(stack, "alarms watch what the other stacks deploy")
    stacks["Observability"] = observability
    for stack in stacks.values():
        stack.termination_protection = not stage.is_dev
    Tags.of(app).add("project", "plein")
    Tags.of(app).add("stage", stage.name)
    enable_nag(app)
    return PleinStage(shared=shared, stacks=stacks)
