"""Settings of one local runtime: ports, data folder, seed size, worker pools and limits.

Every field has a flag on `python -m local up` and an environment variable (`PLEIN_*`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"
STAGE = "local"
HOST = "127.0.0.1"
CURSOR_SECRET = "plein-local-cursor-secret-not-for-production"  # noqa: S105 - local only, by design
LOCAL_MAIL_SENDER = "notifications@plein.local"
"""The SES identity the local runtime verifies in moto and sends notifications from."""
LOCAL_PUSH_PLATFORMS = {"fcm": "GCM", "apns": "APNS"}
LOCAL_REVIEW_REQUEST_DELAY_SECONDS = 120
"""Locally a review request follows a delivery after two minutes (7 days on AWS)."""


def local_push_applications(region: str) -> tuple[tuple[str, str], ...]:
    """The SNS platform applications local/hooks/notifications.py creates in moto (ARNs are
    derived from platform and name, so the functions' environment knows them before they exist)."""
    return tuple(
        (platform, f"arn:aws:sns:{region}:{ACCOUNT_ID}:app/{sns_platform}/plein-local-{platform}")
        for platform, sns_platform in LOCAL_PUSH_PLATFORMS.items()
    )


FEEDS_BUCKET_PREFIX = "plein-local-feeds"
LOCAL_KEY = "local"
"""Access key id and secret of every local client: moto accepts any."""


def default_region() -> str:
    return os.environ.get("AWS_REGION") or DEFAULT_REGION


@dataclass(frozen=True)
class Limits:
    """API Gateway WebSocket limits, configurable for tests (defaults: AWS's 10 min idle, 2 h)."""

    ws_idle_seconds: float = 600.0
    ws_max_connection_seconds: float = 7200.0
    sqs_visibility_seconds: int = 2
    poll_wait_seconds: int = 1
    stream_max_retries: int | None = None
    """Retries of a failing stream batch; None: the wiring's `retry_attempts`, as on AWS."""


@dataclass(frozen=True)
class RuntimeConfig:
    data_dir: Path = Path(".local")
    aws_port: int = 4566
    rest_port: int = 3000
    ws_port: int = 3001
    web_port: int = 8080
    products: int = 1000
    region: str = field(default_factory=default_region)
    stage: str = STAGE
    endpoint: str | None = None
    """An external AWS endpoint (LocalStack) used instead of the embedded moto server."""
    pool_sizes: dict[str, int] = field(default_factory=dict)
    """Workers per function name; functions not listed get `default_pool_size`."""
    default_pool_size: int = 1
    extra_contexts: tuple[str, ...] = ()
    """Modules (dotted) with a `WIRING` to run beside the marketplace's own, e.g. test-only contexts."""
    limits: Limits = field(default_factory=Limits)
    timeout_factor: float = 1.0
    """Multiplies every function's timeout (for slow, shared machines; 1 = as on AWS)."""
    seed: bool = True
    persist: bool = True
    """Keep the data in `<data_dir>/snapshot` (local/snapshot.py) and restore it on start."""
    persist_every_seconds: float = 5.0
    """How often the bucket and the users are mirrored into the snapshot (the tables: every write)."""
    patch_moto_query: bool = True
    log_level: str = "INFO"
    # Extra settings of every function (e.g. REVIEW_REQUEST_DELAY_SECONDS shortened in tests).
    function_settings: dict[str, str] = field(
        default_factory=lambda: {"REVIEW_REQUEST_DELAY_SECONDS": str(LOCAL_REVIEW_REQUEST_DELAY_SECONDS)}
    )

    @property
    def aws_endpoint(self) -> str:
        return self.endpoint or f"http://{HOST}:{self.aws_port}"

    @property
    def moto_endpoint(self) -> str:
        """The embedded moto server; with `--endpoint` it serves Cognito only (LocalStack's community
        edition has none)."""
        return f"http://{HOST}:{self.aws_port}"

    @property
    def cognito_endpoint(self) -> str:
        return self.moto_endpoint

    def service_endpoints(self) -> dict[str, str]:
        """Per-service endpoints that differ from `aws_endpoint`: Lambda's Invoke API is the local
        REST gateway's (the functions run in the local Lambda service, with LocalStack too)."""
        lambda_api = {"lambda": self.rest_url}
        return lambda_api if self.endpoint is None else lambda_api | {"cognito-idp": self.cognito_endpoint}

    @property
    def rest_url(self) -> str:
        return f"http://{HOST}:{self.rest_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.ws_port}"

    @property
    def ws_management_url(self) -> str:
        return f"http://{HOST}:{self.ws_port}"

    @property
    def feeds_bucket(self) -> str:
        return f"{FEEDS_BUCKET_PREFIX}-{self.stage}"

    @property
    def search_path(self) -> Path:
        return self.data_dir / "search"

    @property
    def logs_path(self) -> Path:
        return self.data_dir / "logs"

    def pool_size(self, function_name: str) -> int:
        return self.pool_sizes.get(function_name, self.default_pool_size)

    def aws_environment(self) -> dict[str, str]:
        """What every local process needs to reach the emulated AWS with fake credentials."""
        overrides = {
            f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}": url
            for service, url in self.service_endpoints().items()
        }
        return overrides | {
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": LOCAL_KEY,
            "AWS_SECRET_ACCESS_KEY": LOCAL_KEY,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        }
