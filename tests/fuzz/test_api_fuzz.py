"""Schemathesis against the running local marketplace, as every role: whatever a client sends,
no server error, no status the OpenAPI document does not list, and bodies as documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import Plein

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
EXAMPLES_PER_OPERATION = 1
"""Bounded so that CI stays in budget: every operation, 5 roles, this many generated requests."""

schema = schemathesis.openapi.from_path(DOCUMENT)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented_for_every_role(
    case: schemathesis.Case[Any], fuzzed_plein: Plein, role_headers: dict[str, dict[str, str]]
) -> None:
    for headers in role_headers.values():
        case.call_and_validate(base_url=fuzzed_plein.rest_url, headers=headers, checks=CHECKS, timeout=30)
