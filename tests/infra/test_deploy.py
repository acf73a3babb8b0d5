"""It deploys first time and every time: stack order, concurrency, the layer's hash, approval, bootstrap."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra import topology
from infra.config import REPO_ROOT, STAGES, StageConfig
from infra.constructs.bundling import PLATFORM, PYTHON_VERSION, dependencies_hash
from infra.deploy_check import problems
from infra.stacks.workers import consumer_concurrency
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra


def test_api_gateway_account_role_deploys_before_every_api_stage(synthesized: Synthesized) -> None:
    # A fresh account has no CloudWatch role for API Gateway: a stage with logging fails until the
    # AWS::ApiGateway::Account exists, so it lives in the first stack and the API stacks wait for it.
    accounts = synthesized.resources("AWS::ApiGateway::Account")
    assert list(accounts) == [key for key in accounts if key.startswith("Account/")]
    assert len(accounts) == 1
    account_stack = next(
        artifact_id
        for artifact_id, artifact in synthesized.manifest["artifacts"].items()
        if artifact_id.endswith("-Account")
    )
    for concern in ("Realtime", "Api"):
        assert account_stack in synthesized.stack_artifact(concern)["dependencies"], concern
        assert synthesized.resources("AWS::ApiGatewayV2::Stage", concern) or synthesized.resources(
            "AWS::ApiGateway::Stage", concern
        )
    (role_arn,) = [a["Properties"]["CloudWatchRoleArn"] for a in accounts.values()]
    (role_id,) = role_arn["Fn::GetAtt"][:1]
    assert synthesized.stacks["Account"]["Resources"][role_id]["Type"] == "AWS::IAM::Role"


def test_no_sqs_consumer_runs_unbounded(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        mappings = synthesized.resources("AWS::Lambda::EventSourceMapping").values()
        from_queues = [m["Properties"] for m in mappings if "Queue" in str(m["Properties"]["EventSourceArn"])]
        assert from_queues, name
        for props in from_queues:
            assert 2 <= props["ScalingConfig"]["MaximumConcurrency"] <= 1000, (name, props)


def test_no_function_reserves_concurrency_unless_its_stage_says_so(every_stage: dict[str, Synthesized]) -> None:
    for name, synthesized in every_stage.items():
        for logical_id, function in synthesized.resources("AWS::Lambda::Function").items():
            assert "ReservedConcurrentExecutions" not in function["Properties"], (name, logical_id)


def test_a_wiring_cap_bounds_its_consumer_without_reserving() -> None:
    feed_import = next(s.function for w in topology.contexts() for s in w.bucket if s.function.reserved_concurrency)
    dev = STAGES["dev"]
    assert consumer_concurrency(dev, feed_import) == feed_import.reserved_concurrency
    # A stage that does reserve never lets the event source ask for more than the reservation.
    reserving = StageConfig(name="dev", account_concurrency_quota=1000, reserved_concurrency={feed_import.name: 3})
    assert consumer_concurrency(reserving, feed_import) == 3


def test_the_layer_hash_changes_with_everything_that_shapes_the_layer() -> None:
    requirements = "boto3==1.0\n"
    base = dependencies_hash(requirements)
    assert base == dependencies_hash(requirements, PYTHON_VERSION, PLATFORM)
    assert dependencies_hash("boto3==1.1\n") != base
    assert dependencies_hash(requirements, python_version="3.14") != base
    assert dependencies_hash(requirements, platform="manylinux2014_x86_64") != base


def test_the_runtime_and_architecture_match_what_the_layer_is_built_for() -> None:
    from aws_cdk import aws_lambda as lambda_

    from infra.constructs.function import RUNTIME

    assert RUNTIME.name == f"python{PYTHON_VERSION}"
    assert PLATFORM.endswith("aarch64")
    assert lambda_.Architecture.ARM_64.name == "arm64"


def _make_dry_run(stage: str) -> str:
    return subprocess.run(
        ["make", "--dry-run", "--always-make", "deploy", f"STAGE={stage}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def deploy_command(stage: str) -> str:
    (line,) = [line for line in _make_dry_run(stage).splitlines() if "cdk deploy" in line]
    return line


def test_make_deploy_asks_for_approval_outside_dev() -> None:
    assert "--require-approval never" in deploy_command("dev")
    for stage in set(STAGES) - {"dev"}:
        approval = re.search(r"--require-approval (\S+)", deploy_command(stage))
        assert approval is not None, stage
        assert approval.group(1) in {"broadening", "any-change"}, stage


def test_make_deploy_checks_the_stage_and_bootstrap_first() -> None:
    lines = _make_dry_run("prod").splitlines()
    check = next(i for i, line in enumerate(lines) if "infra.deploy_check prod" in line)
    deploy = next(i for i, line in enumerate(lines) if "cdk deploy" in line)
    assert check < deploy


def _clients(account: str, bootstrap: dict[str, Any] | None) -> tuple[Any, Any, list[Stubber]]:
    sts = boto3.client("sts", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    cloudformation = boto3.client(
        "cloudformation", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    sts_stub, cfn_stub = Stubber(sts), Stubber(cloudformation)
    sts_stub.add_response("get_caller_identity", {"Account": account, "Arn": "arn:aws:iam::x:user/u", "UserId": "u"})
    if bootstrap is None:
        cfn_stub.add_client_error("describe_stacks", "ValidationError", "Stack with id CDKToolkit does not exist", 400)
    else:
        cfn_stub.add_response("describe_stacks", {"Stacks": [bootstrap]})
    sts_stub.activate()
    cfn_stub.activate()
    return sts, cloudformation, [sts_stub, cfn_stub]


def _stack(status: str) -> dict[str, Any]:
    from datetime import UTC, datetime

    return {"StackName": "CDKToolkit", "StackStatus": status, "CreationTime": datetime.now(UTC)}


PROD = StageConfig(
    name="prod", account="123456789012", disposable=False, payment_provider="stripe", alarm_email="ops@plein.example"
)


def test_deploy_check_passes_on_a_bootstrapped_pinned_account() -> None:
    sts, cloudformation, stubs = _clients("123456789012", _stack("UPDATE_COMPLETE"))
    assert problems(PROD, sts=sts, cloudformation=cloudformation) == []
    for stub in stubs:
        stub.assert_no_pending_responses()


def test_deploy_check_prints_the_bootstrap_command_when_the_toolkit_is_missing() -> None:
    sts, cloudformation, _ = _clients("123456789012", None)
    (problem,) = problems(PROD, sts=sts, cloudformation=cloudformation)
    assert "npx cdk bootstrap aws://123456789012/eu-west-1" in problem


def test_deploy_check_refuses_a_failed_bootstrap_stack() -> None:
    sts, cloudformation, _ = _clients("123456789012", _stack("ROLLBACK_COMPLETE"))
    (problem,) = problems(PROD, sts=sts, cloudformation=cloudformation)
    assert "ROLLBACK_COMPLETE" in problem
    assert "cdk bootstrap" in problem


def test_deploy_check_refuses_credentials_of_another_account_and_placeholder_emails() -> None:
    from dataclasses import replace

    sts, cloudformation, _ = _clients("999999999999", _stack("CREATE_COMPLETE"))
    found = problems(replace(PROD, alarm_email="alarms-prod@plein.invalid"), sts=sts, cloudformation=cloudformation)
    assert len(found) == 2
    assert any("pinned to 123456789012" in problem for problem in found)
    assert any("plein:alarmEmails" in problem for problem in found)
