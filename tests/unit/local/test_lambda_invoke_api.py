"""Lambda's Invoke API of the local runtime (local/gateway/invoke.py), answered as Lambda answers."""

from __future__ import annotations

import json
from collections.abc import Coroutine
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from local.gateway.invoke import LambdaInvokeApi, function_of
from local.lambdas import InvocationResult, LambdaService


class Pools:
    """The local Lambda service's `invoke`, answering from a table."""

    def __init__(self, results: dict[str, InvocationResult]):
        self.results = results
        self.events: list[tuple[str, Any]] = []

    async def invoke(self, function: str, event: Any) -> InvocationResult:
        self.events.append((function, event))
        return self.results[function]


def call(api: LambdaInvokeApi, name: str, body: bytes, invocation: str | None = None) -> web.Response:
    headers = {"X-Amz-Invocation-Type": invocation} if invocation else {}
    request = make_mocked_request(
        "POST", f"/2015-03-31/functions/{name}/invocations", headers=headers, match_info={"function": name}
    )

    async def read() -> bytes:
        return body

    request.read = read  # type: ignore[method-assign]
    return finish(api.invoke(request))


def finish(coroutine: Coroutine[Any, Any, web.Response]) -> web.Response:
    """Run a coroutine that never waits for I/O to its end, without an event loop (unit tests open
    no sockets, and an event loop opens its self-pipe)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        response: web.Response = done.value
        return response
    coroutine.close()
    raise AssertionError("the coroutine waited for I/O")


@pytest.fixture
def pools() -> Pools:
    return Pools(
        {
            "rewards-redemptions": InvocationResult(ok=True, payload={"discount": 300}),
            "broken": InvocationResult(ok=False, error={"errorMessage": "boom", "errorType": "RuntimeError"}),
        }
    )


@pytest.fixture
def api(pools: Pools) -> LambdaInvokeApi:
    names = {"plein-local-rewards-redemptions": "rewards-redemptions", "plein-local-broken": "broken"}
    return LambdaInvokeApi(cast(LambdaService, pools), names)


def test_a_request_response_invoke_runs_the_named_function(api: LambdaInvokeApi, pools: Pools) -> None:
    answer = call(api, "plein-local-rewards-redemptions", b'{"action": "charge"}')
    assert answer.status == 200
    assert answer.body is not None
    assert json.loads(cast(bytes, answer.body)) == {"discount": 300}
    assert "X-Amz-Function-Error" not in answer.headers
    assert pools.events == [("rewards-redemptions", {"action": "charge"})]


def test_an_arn_names_the_function_too() -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:plein-local-rewards-redemptions:$LATEST"
    assert function_of(arn) == "plein-local-rewards-redemptions"
    assert function_of("plein-local-x") == "plein-local-x"


def test_an_unhandled_error_is_200_with_the_function_error_header(api: LambdaInvokeApi) -> None:
    answer = call(api, "plein-local-broken", b"{}")
    assert (answer.status, answer.headers["X-Amz-Function-Error"]) == (200, "Unhandled")
    assert json.loads(cast(bytes, answer.body))["errorMessage"] == "boom"


def test_unknown_functions_bad_bodies_and_other_invocation_types(api: LambdaInvokeApi) -> None:
    missing = call(api, "plein-local-nothing", b"{}")
    assert (missing.status, missing.headers["X-Amzn-ErrorType"]) == (404, "ResourceNotFoundException")
    assert call(api, "plein-local-rewards-redemptions", b"{not json").status == 400
    assert call(api, "plein-local-rewards-redemptions", b"{}", "DryRun").status == 204
    assert call(api, "plein-local-rewards-redemptions", b"{}", "Sideways").status == 400
