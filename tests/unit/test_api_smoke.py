"""Every context API answers its health route through the real Powertools resolver and decorators."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass

import pytest

from infra.topology import contexts
from tests.unit.common.test_errors_and_api import rest_event


@dataclass
class FakeLambdaContext:
    function_name: str = "plein-test-api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:plein-test-api"
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.mark.parametrize("context", [w.name for w in contexts() if w.api is not None])
def test_health(context: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", f"plein-{context}")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plein")
    module = importlib.import_module(f"functions.{context}.handlers.api")

    response = module.handler(rest_event("GET", f"/health/{context}"), FakeLambdaContext())

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "context": context}
