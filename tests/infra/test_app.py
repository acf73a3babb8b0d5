"""The whole app: every stack synthesizes, cdk-nag has nothing unacknowledged, cfn-lint is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.nag import acknowledge
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra

CONCERNS = {
    "Account", "Web", "Data", "Events", "Storage", "Auth", "Search", "Realtime", "Workers", "Api", "ApiHandlers",
    "Edge", "Observability",
}  # fmt: skip
INFRA = Path(__file__).resolve().parents[2] / "infra"


def test_every_concern_has_a_stack_with_resources(synthesized: Synthesized) -> None:
    assert set(synthesized.stacks) == CONCERNS
    for concern, template in synthesized.stacks.items():
        assert template.get("Resources"), concern


def test_every_stack_stays_well_under_the_cloudformation_resource_limit(synthesized: Synthesized) -> None:
    for concern, template in synthesized.stacks.items():
        # The hard limit is 500 (Observability, with an alarm set per function, is the largest).
        assert len(template["Resources"]) < 460, concern
    # The REST API is one `SpecRestApi` whose body holds every operation (docs/decisions.md,
    # 2026-12-05): about 15 resources whatever the number of operations, where one method, path
    # part and preflight per operation had brought it to 466 with notifications.
    assert len(synthesized.stacks["Api"]["Resources"]) < 150


def test_every_template_stays_well_under_the_cloudformation_size_limit(synthesized: Synthesized) -> None:
    # 1,000,000 bytes from S3. The API's definition is in the Api template: about 4 KB per path
    # (its operations and preflight; 520 KB for 128 paths), so this is what grows with the API now.
    for path in synthesized.outdir.glob("*.template.json"):
        assert path.stat().st_size < 800_000, path.name


def test_every_acknowledged_finding_names_a_rule_and_gives_a_reason(synthesized: Synthesized) -> None:
    # The session synth already failed if any finding were unacknowledged; here: every
    # acknowledgment is specific (a rule id) and explained.
    acknowledged = [
        (rule, reason)
        for metadata in synthesized.metadata.values()
        for entries in metadata.values()
        for entry in entries
        if entry["type"] == "aws:cdk:acknowledged-rules"
        for rule, reason in entry["data"].items()
        if "AwsSolutions" in rule  # CDK acknowledges some CloudFormation-Validate rules itself
    ]
    assert acknowledged
    for rule, reason in acknowledged:
        assert re.search(r"AwsSolutions-[A-Z]+\d+", rule), rule
        assert len(reason) >= 20, (rule, reason)


def test_acknowledge_refuses_a_finding_without_a_real_reason() -> None:
    from aws_cdk import App

    with pytest.raises(ValueError, match="real reason"):
        acknowledge(App(), "AwsSolutions-S1", "because")


def test_findings_are_only_acknowledged_through_infra_nag() -> None:
    offenders = [
        path.name for path in INFRA.rglob("*.py") if path.name != "nag.py" and "Validations.of(" in path.read_text()
    ]
    assert offenders == []


def test_cfn_lint_is_clean_on_every_template(synthesized: Synthesized) -> None:
    from cfnlint.api import ManualArgs, lint_by_config

    templates = sorted(str(path) for path in synthesized.outdir.glob("*.template.json"))
    assert len(templates) == len(synthesized.stacks)
    # One run over every template (rules load once). W3005 (redundant DependsOn) comes from CDK's
    # own dependency bookkeeping, not from Plein.
    config = ManualArgs(templates=templates, regions=["eu-west-1"], ignore_checks=["W3005"])
    assert [str(match) for match in lint_by_config(config)] == []


def test_an_unacknowledged_finding_fails_synthesis(tmp_path: Path) -> None:
    # The session fixture synthesized the real app with cdk-nag on; this shows that the same
    # setup really stops on a finding (a queue without a DLQ and without TLS enforcement).
    from aws_cdk import App, Stack
    from aws_cdk import aws_sqs as sqs

    from infra.nag import enable_nag

    app = App(outdir=str(tmp_path))
    sqs.Queue(Stack(app, "Bad"), "Queue")
    enable_nag(app)
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS3"):
        app.synth()
