"""Settings shared by every test: no X-Ray daemon, no real AWS credentials, a fixed region."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")
os.environ.setdefault("POWERTOOLS_DEV", "0")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
os.environ.setdefault("AWS_REGION", "eu-west-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep suites that share an expensive session fixture on one xdist worker.

    The end-to-end tests share one running marketplace and the infrastructure tests one
    synthesized CDK app; `--dist loadgroup` then starts each once instead of once per worker.
    """
    for item in items:
        parts = item.path.parts
        for suite in ("e2e", "infra"):
            if suite in parts and "tests" in parts:
                item.add_marker(pytest.mark.xdist_group(suite))
                item.add_marker(getattr(pytest.mark, suite))
