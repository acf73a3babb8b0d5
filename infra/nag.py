"""cdk-nag (AwsSolutions) on the whole app, and one way to acknowledge a finding: with a reason."""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct


def enable_nag(app: App) -> AwsSolutionsChecks:
    checks = AwsSolutionsChecks(app)
    Validations.of(app).add_plugins(checks)
    return checks


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding (`AwsSolutions-IAM5[Resource::*]`) on `scope` and below."""
    if len(reason) < 20:
        raise ValueError(f"acknowledging {finding} needs a real reason, not {reason!r}")
    # The pack-qualified id (`AwsSolutions::AwsSolutions-S1`) is what cdk-nag reports findings under.
    qualified = finding if "::" in finding else f"AwsSolutions::{finding}"
    Validations.of(scope).acknowledge(Acknowledgment(id=qualified, reason=reason))
