"""Composes one stage of Plein: one stack per concern, in dependency order, cdk-nag always on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import App, Environment, Stack, Tags

from infra.config import StageConfig, stage_config
from infra.nag import enable_nag
from infra.shared import Shared
from infra.stacks.account import AccountStack
from infra.stacks.api import ApiStack
from infra.stacks.auth import AuthStack
from infra.stacks.data import DataStack
from infra.stacks.edge import EdgeStack
from infra.stacks.events import EventsStack
from infra.stacks.observability import ObservabilityStack
from infra.stacks.realtime import RealtimeStack
from infra.stacks.search import SearchStack
from infra.stacks.storage import StorageStack
from infra.stacks.web import WebStack
from infra.stacks.workers import WorkersStack
from infra.topology import contexts

DEFAULT_STAGE = "dev"
ACCOUNTS_CONTEXT = "plein:accounts"  # cdk.json: {"staging": "123456789012", ...}
ALARM_EMAILS_CONTEXT = "plein:alarmEmails"  # cdk.json: {"prod": "oncall@example.org", ...}
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
    """The stage named by `-c stage=`, with its account and alarm e-mail from cdk.json context."""
    return stage_config(
        str(app.node.try_get_context("stage") or DEFAULT_STAGE),
        accounts=app.node.try_get_context(ACCOUNTS_CONTEXT),
        alarm_emails=app.node.try_get_context(ALARM_EMAILS_CONTEXT),
    )


def stage_environment(stage: StageConfig, default_account: str | None = None) -> Environment:
    """Pinned account and region; only a disposable stage without one uses the caller's account."""
    return Environment(account=stage.account or default_account, region=stage.region)


def build(app: App, *, document: dict[str, Any] | None = None, default_account: str | None = None) -> PleinStage:
    """One stage; the REST API from `document`, by default the OpenAPI document of the code as it is now
    (`infra.openapi.merged_schema`, what `make openapi` commits), never a file that could be stale."""
    if document is None:
        from infra.openapi import merged_schema

        document = merged_schema()
    for flag, value in FEATURE_FLAGS.items():
        if app.node.try_get_context(flag) is None:
            app.node.set_context(flag, value)
    stage = stage_from_context(app)
    env = stage_environment(stage, default_account)
    shared = Shared(stage=stage)
    prefix = f"Plein-{stage.name}"
    concerns = (
        ("Account", AccountStack),
        ("Web", WebStack),
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
    if any(
        wiring.events or wiring.streams or wiring.bucket or wiring.schedules or wiring.internal for wiring in contexts()
    ):
        stacks["Workers"] = WorkersStack(app, f"{prefix}-Workers", shared=shared, env=env)
    stacks["Api"] = ApiStack(app, f"{prefix}-Api", shared=shared, document=document, env=env)
    stacks["Edge"] = EdgeStack(app, f"{prefix}-Edge", shared=shared, env=env)
    # Account-level settings first: API Gateway refuses a logging stage before the account has its
    # CloudWatch role, and the search caps should hold before the collection can scale.
    for concern in ("Realtime", "Api", "Search"):
        stacks[concern].add_stack_dependency(
            stacks["Account"], "account-level settings (API Gateway logs role, search caps)"
        )
    observability = ObservabilityStack(app, f"{prefix}-Observability", shared=shared, env=env)
    for stack in stacks.values():
        observability.add_stack_dependency(stack, "alarms watch what the other stacks deploy")
    stacks["Observability"] = observability
    for stack in stacks.values():
        stack.termination_protection = not stage.disposable
    Tags.of(app).add("project", "plein")
    Tags.of(app).add("stage", stage.name)
    enable_nag(app)
    return PleinStage(shared=shared, stacks=stacks)
