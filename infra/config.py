"""Per-stage settings of the CDK app: the stage name comes from context (`-c stage=dev`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Aws, RemovalPolicy
from aws_cdk.aws_logs import RetentionDays

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"
LAYER_DIR = Path(__file__).resolve().parent / "layer"
OPENAPI_DOCUMENT = REPO_ROOT / "docs" / "openapi.json"

# Short, because names such as `plein-<stage>-<function>` and OpenSearch Serverless policy names
# (at most 32 characters) are built from it.
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,9}$")
DEV_STAGES = frozenset({"dev"})


@dataclass(frozen=True)
class StageConfig:
    name: str
    throttle_rate: float = 100.0
    throttle_burst: int = 200
    log_retention: RetentionDays = RetentionDays.ONE_MONTH

    def __post_init__(self) -> None:
        if not STAGE_PATTERN.match(self.name):
            raise ValueError(f"stage {self.name!r} must match {STAGE_PATTERN.pattern}")

    @property
    def is_dev(self) -> bool:
        return self.name in DEV_STAGES

    @property
    def removal_policy(self) -> RemovalPolicy:
        """Dev stages are disposable; every other stage keeps its data when a stack goes away."""
        return RemovalPolicy.DESTROY if self.is_dev else RemovalPolicy.RETAIN

    @property
    def deletion_protection(self) -> bool:
        return not self.is_dev

    def name_of(self, suffix: str) -> str:
        return f"plein-{self.name}-{suffix}"

    @property
    def feeds_bucket_name(self) -> str:
        """Globally unique and known before the storage stack exists (no cross-stack export)."""
        return f"{self.name_of('feeds')}-{Aws.ACCOUNT_ID}-{Aws.REGION}"

    @property
    def feeds_bucket_arn(self) -> str:
        return f"arn:{Aws.PARTITION}:s3:::{self.feeds_bucket_name}"
