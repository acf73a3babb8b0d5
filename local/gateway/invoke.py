"""Lambda's Invoke API, served by the local runtime for functions that invoke another directly
(orders-api → rewards-redemptions): boto3 in every local function has AWS_ENDPOINT_URL_LAMBDA
pointing here (local/config.py), with moto and with LocalStack alike, and the call is dispatched to
the local Lambda service's pool of the named function.

`POST /2015-03-31/functions/{FunctionName}/invocations` as Lambda answers it: RequestResponse →
200 with the function's result; an unhandled error → 200 with `X-Amz-Function-Error: Unhandled`
and Lambda's error payload; Event → 202 (run in the background); DryRun → 204; an unknown
function → 404 `ResourceNotFoundException`. FunctionName is a name, a partial or a full ARN.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import unquote

from aiohttp import web

from local.lambdas import LambdaService

log = logging.getLogger("plein.gateway.invoke")
INVOKE_PATH = "/2015-03-31/functions/{function}/invocations"


def function_of(name_or_arn: str) -> str:
    """`plein-local-x`, `123456789012:function:plein-local-x` or its ARN (a qualifier dropped) → the name."""
    parts = unquote(name_or_arn).split(":")
    if "function" in parts:
        return parts[parts.index("function") + 1]
    return parts[0]


class LambdaInvokeApi:
    def __init__(self, lambdas: LambdaService, names: dict[str, str]):
        """`names`: the deployed name of each function (`plein-<stage>-x`) → its local pool (`x`)."""
        self._lambdas = lambdas
        self._names = names
        self._background: set[asyncio.Task[object]] = set()

    def install(self, app: web.Application) -> None:
        app.router.add_post(INVOKE_PATH, self.invoke)

    async def invoke(self, request: web.Request) -> web.Response:
        name = function_of(request.match_info["function"])
        local = self._names.get(name)
        if local is None:
            return _error(404, "ResourceNotFoundException", f"Function not found: {name}")
        kind = request.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        raw = await request.read()
        try:
            event = json.loads(raw) if raw else {}
        except ValueError:
            return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
        if kind != "RequestResponse":
            return self._without_answer(kind, local, event)
        result = await self._lambdas.invoke(local, event)
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if not result.ok:
            log.warning("%s failed: %s", local, (result.error or {}).get("errorMessage"))
            headers["X-Amz-Function-Error"] = "Unhandled"
            return web.json_response(result.error or {}, headers=headers)
        return web.json_response(result.payload, headers=headers)

    def _without_answer(self, kind: str, local: str, event: object) -> web.Response:
        """DryRun: 204; Event: 202, the function runs in the background."""
        if kind == "DryRun":
            return web.Response(status=204)
        if kind != "Event":
            return _error(400, "InvalidParameterValueException", f"unknown invocation type {kind}")
        task: asyncio.Task[object] = asyncio.create_task(self._lambdas.invoke(local, event))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return web.Response(status=202)


def _error(status: int, kind: str, message: str) -> web.Response:
    return web.json_response({"Type": "User", "message": message}, status=status, headers={"X-Amzn-ErrorType": kind})
