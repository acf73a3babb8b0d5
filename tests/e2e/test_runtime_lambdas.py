"""The local Lambda service: a context object like Lambda's, the function's own environment, pools."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.conftest import Plein

pytestmark = pytest.mark.e2e


def test_handlers_get_a_lambda_context_and_their_own_environment(plein: Plein) -> None:
    body = httpx.get(f"{plein.rest_url}/probe/context").json()

    assert body["function_name"] == "plein-local-probe-api"
    assert body["memory_limit_in_mb"] == 512
    assert body["invoked_function_arn"].endswith(":function:plein-local-probe-api")
    assert body["aws_request_id"]
    assert 0 < body["remaining_ms"] <= 30_000
    assert body["table_name"] == "plein-local-probe"


def test_orders_api_runs_in_a_pool_of_workers(plein: Plein) -> None:
    assert plein.pool_sizes["orders-api"] >= 4


def test_concurrent_requests_are_served_by_several_workers(plein: Plein) -> None:
    # Given the probe API with a pool of 2 workers, When 6 requests that each hold a worker for
    # 300 ms arrive at once
    url = f"{plein.rest_url}/probe/context?hold_ms=300"
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda _: httpx.get(url, timeout=60), range(6)))

    # Then all succeed (queued for a free worker) and both workers served some
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["pid"] for r in responses}) == 2
