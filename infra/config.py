"""Per-stage settings of the CDK app: one explicit `StageConfig` per stage name (`-c stage=dev`).

A stage name that is not in `STAGES` is refused: there is no "anything but dev is prod".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from aws_cdk import Aws, RemovalPolicy
from aws_cdk.aws_logs import RetentionDays

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"
LAYER_DIR = Path(__file__).resolve().parent / "layer"
OPENAPI_DOCUMENT = REPO_ROOT / "docs" / "openapi.json"
WEB_DIR = REPO_ROOT / "web"

# Short, because names such as `plein-<stage>-<function>` and OpenSearch Serverless policy names
# (at most 32 characters) are built from it.
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,9}$")
ACCOUNT_PATTERN = re.compile(r"^\d{12}$")
# Where the payment provider of a stage may be the local test-token one (functions/orders enforces
# the same at run time).
TEST_PAYMENT_STAGES = frozenset({"local", "dev"})
PaymentProvider = Literal["local", "stripe"]
MediaProvider = Literal["kvs", "chime"]
MIN_SEARCH_OCU_CAP = 2  # UpdateAccountSettings refuses lower caps
UNRESERVED_MINIMUM = 100  # Lambda refuses reservations that leave less unreserved concurrency


@dataclass(frozen=True)
class StageConfig:
    """Everything that differs between stages, set explicitly for each one in `STAGES`.

    `account` is filled in from cdk.json (`plein:accounts`) by `stage_config`; a stage without
    one (only `dev`) deploys to the account of the caller's credentials.
    """

    name: str
    region: str = "eu-west-1"
    account: str | None = None
    # Disposable stages lose their data with their stacks; the others retain it (except on a
    # failed first create), refuse deletion and have termination protection.
    disposable: bool = True
    throttle_rate: float = 100.0
    throttle_burst: int = 200
    # Writes that cost money or work (checkout, feed uploads, reviews): per-method throttling.
    write_throttle_rate: float = 10.0
    write_throttle_burst: int = 20
    # WAF rate-based rule: requests per client IP in any 5-minute window.
    waf_requests_per_5_minutes: int = 2000
    cors_origins: tuple[str, ...] = ()
    log_retention: RetentionDays = RetentionDays.ONE_MONTH
    event_archive_days: int = 30
    payment_provider: PaymentProvider = "local"
    # Live advice video: `kvs` (the web client plays it: WebRTC over the advisor's signalling
    # channel) or `chime` (for apps with the Amazon Chime SDK; the web client offers chat only).
    media_provider: MediaProvider = "kvs"
    # Reserved concurrency per function name; none by default: new accounts may have a quota of
    # 10 concurrent executions, and reserving any of it can fail the deploy.
    reserved_concurrency: Mapping[str, int] = field(default_factory=dict)
    # The account's concurrent-execution quota, for the account concurrency alarm (80 %).
    account_concurrency_quota: int = 10
    # Upper bound of concurrent invocations per SQS event source mapping (2..1000).
    consumer_max_concurrency: int = 5
    # OpenSearch Serverless: standby replicas and the account's capacity caps (OCU).
    search_standby_replicas: bool = False
    search_max_indexing_ocu: int = 2
    search_max_search_ocu: int = 2
    alarm_email: str | None = None
    monthly_budget_usd: int = 50
    # Cognito e-mail through SES: a verified SES identity (address) in the stage's region.
    ses_from_email: str | None = None
    # Mobile push: SNS platform application ARNs by device platform ("fcm", "apns"); none: no push.
    push_applications: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not STAGE_PATTERN.match(self.name):
            raise ValueError(f"stage {self.name!r} must match {STAGE_PATTERN.pattern}")
        if self.account is not None and not ACCOUNT_PATTERN.match(self.account):
            raise ValueError(f"stage {self.name}: account {self.account!r} is not a 12-digit AWS account id")
        if self.payment_provider == "local" and self.name not in TEST_PAYMENT_STAGES:
            raise ValueError(f"stage {self.name}: the local test-token payment provider is for local/dev only")
        if min(self.search_max_indexing_ocu, self.search_max_search_ocu) < MIN_SEARCH_OCU_CAP:
            raise ValueError(f"OpenSearch Serverless capacity caps start at {MIN_SEARCH_OCU_CAP} OCU")
        if not 2 <= self.consumer_max_concurrency <= 1000:
            raise ValueError("consumer_max_concurrency must be between 2 and 1000 (an SQS event source limit)")
        reserved = sum(self.reserved_concurrency.values())
        if reserved and reserved > self.account_concurrency_quota - UNRESERVED_MINIMUM:
            # Lambda keeps 100 executions unreserved: on a new account (quota 10) nothing can be reserved.
            raise ValueError(
                f"stage {self.name}: reserved concurrency {dict(self.reserved_concurrency)} leaves fewer than "
                f"{UNRESERVED_MINIMUM} of the account's {self.account_concurrency_quota} executions unreserved"
            )

    @property
    def removal_policy(self) -> RemovalPolicy:
        """Disposable stages are destroyed with their stacks; every other stage keeps its data when a
        stack is updated or deleted, but a failed first create is rolled back completely, so that
        resources with fixed names never block the retry."""
        return RemovalPolicy.DESTROY if self.disposable else RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE

    @property
    def deletion_protection(self) -> bool:
        return not self.disposable

    def name_of(self, suffix: str) -> str:
        return f"plein-{self.name}-{suffix}"

    @property
    def feeds_bucket_name(self) -> str:
        """Globally unique and known before the storage stack exists (no cross-stack export)."""
        return f"{self.name_of('feeds')}-{Aws.ACCOUNT_ID}-{Aws.REGION}"

    @property
    def feeds_bucket_arn(self) -> str:
        return f"arn:{Aws.PARTITION}:s3:::{self.feeds_bucket_name}"

    def reserved_concurrency_of(self, function_name: str) -> int | None:
        return self.reserved_concurrency.get(function_name)


LOCAL_WEB_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")

STAGES: dict[str, StageConfig] = {
    "dev": StageConfig(
        name="dev",
        disposable=True,
        cors_origins=LOCAL_WEB_ORIGINS,
        log_retention=RetentionDays.ONE_WEEK,
        payment_provider="local",
        monthly_budget_usd=300,
    ),
    "staging": StageConfig(
        name="staging",
        disposable=False,
        throttle_rate=50.0,
        throttle_burst=100,
        cors_origins=(),
        log_retention=RetentionDays.ONE_MONTH,
        event_archive_days=90,
        payment_provider="stripe",
        search_max_indexing_ocu=2,
        search_max_search_ocu=2,
        monthly_budget_usd=500,
    ),
    "prod": StageConfig(
        name="prod",
        disposable=False,
        throttle_rate=500.0,
        throttle_burst=1000,
        write_throttle_rate=50.0,
        write_throttle_burst=100,
        waf_requests_per_5_minutes=1000,
        cors_origins=(),
        log_retention=RetentionDays.THREE_MONTHS,
        event_archive_days=365,
        payment_provider="stripe",
        search_standby_replicas=True,
        search_max_indexing_ocu=4,
        search_max_search_ocu=4,
        account_concurrency_quota=1000,
        consumer_max_concurrency=10,
        monthly_budget_usd=1500,
    ),
}


def stage_config(
    name: str, accounts: Mapping[str, str] | None = None, alarm_emails: Mapping[str, str] | None = None
) -> StageConfig:
    """The settings of stage `name`, with its account (and alarm e-mail) from cdk.json context."""
    try:
        base = STAGES[name]
    except KeyError:
        raise ValueError(
            f"unknown stage {name!r}: add it to infra/config.py STAGES (known: {sorted(STAGES)})"
        ) from None
    account = (accounts or {}).get(name) or None
    if account is None and not base.disposable:
        raise ValueError(f"stage {name} pins its account: set `plein:accounts` → {name} in cdk.json")
    return replace(base, account=account, alarm_email=(alarm_emails or {}).get(name) or base.alarm_email)
