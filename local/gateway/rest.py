"""The local REST API Gateway: HTTP requests in, REST proxy events to the local Lambdas, HTTP out.

Unknown routes answer as API Gateway does: 403 `{"message": "Missing Authentication Token"}`;
a secured route without a valid ID token answers 401 `{"message": "Unauthorized"}`; a function
that fails or returns a malformed result gives 502 `{"message": "Internal server error"}`.
`GET /openapi.json` is the merged document of every context API, `GET /docs` is Swagger UI
served from the files Powertools ships (no CDN). `POST /2015-03-31/functions/{name}/invocations`
is Lambda's Invoke API for the functions themselves (local/gateway/invoke.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from local.gateway.auth import InvalidToken, JwtVerifier, authorizer_claims, bearer_token
from local.gateway.events import (
    HttpRequest,
    HttpResponse,
    bad_gateway,
    gateway_error,
    local_error,
    proxy_response,
    rest_event,
)
from local.gateway.invoke import LambdaInvokeApi
from local.gateway.routes import RouteTable
from local.lambdas import LambdaService

log = logging.getLogger("plein.gateway.rest")
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_URL_CHARS = 8192
"""Longest request target (path and query) answered; API Gateway refuses longer ones too."""
MAX_HEADER_BYTES = 10 * 1024
"""API Gateway's limit on the total size of a request's headers."""
HTTP_PARSER_LIMITS = {"max_line_size": 8 * MAX_URL_CHARS, "max_field_size": 8 * MAX_HEADER_BYTES}
"""aiohttp's parser answers a longer line in text/plain, echoing it: let it read well past the
limits above so that the gateway refuses in the project's error shape instead."""
_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


def swagger_assets() -> Path:
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    return Path(swagger_ui.__file__).parent


SWAGGER_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plein API (local)</title>
<link rel="stylesheet" href="/docs/swagger-ui.min.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.min.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  persistAuthorization: true, presets: [SwaggerUIBundle.presets.apis]});
</script></body></html>
"""


class RestGateway:
    def __init__(
        self,
        routes: RouteTable,
        lambdas: LambdaService,
        verifier: Callable[[], JwtVerifier | None],
        openapi: Callable[[], Awaitable[dict[str, Any]]],
        *,
        stage: str,
        mailbox: Callable[[], Awaitable[bytes]] | None = None,
        invoke: LambdaInvokeApi | None = None,
    ):
        """`openapi` builds the merged document (seconds of pydantic work), asked on first use;
        `mailbox` answers `GET /local/mailbox` (what the emulated SES and SNS sent)."""
        self._mailbox = mailbox
        self._invoke = invoke
        self.routes = routes
        self._lambdas = lambdas
        self._verifier = verifier
        self._openapi = openapi
        self._document: asyncio.Task[bytes] | None = None
        self._stage = stage

    def openapi_document(self) -> asyncio.Task[bytes]:
        """The merged OpenAPI document, built once (the runtime starts this right after start-up)."""
        if self._document is None:

            async def build() -> bytes:
                return json.dumps(await self._openapi()).encode()

            self._document = asyncio.create_task(build())
        return self._document

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        if self._invoke is not None:  # Lambda's Invoke API (local/gateway/invoke.py), before the routes
            self._invoke.install(app)
        app.router.add_route("*", r"/{tail:[\s\S]*}", self.handle)  # any path, control characters too
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response = await self._handle(request)
        except web.HTTPRequestEntityTooLarge:
            response = _to_web(gateway_error("REQUEST_TOO_LARGE"))
        log.info(
            "%s %s %s %.1fms", request.method, request.path, response.status, (time.perf_counter() - started) * 1000
        )
        return response

    async def _documentation(self, request: web.Request) -> web.StreamResponse | None:
        path = request.path
        if request.method != "GET":
            return None
        if path == "/openapi.json":
            return web.Response(body=await self.openapi_document(), content_type="application/json")
        if path in ("/docs", "/docs/"):
            return web.Response(text=SWAGGER_HTML, content_type="text/html")
        if path in ("/docs/swagger-ui-bundle.min.js", "/docs/swagger-ui.min.css"):
            return web.FileResponse(swagger_assets() / path.removeprefix("/docs/"))
        if path == "/local/mailbox" and self._mailbox is not None:
            body = await self._mailbox()
            headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
            return web.Response(body=body, content_type="application/json", headers=headers)
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        oversize = _oversize(request)
        if oversize is not None:
            return _to_web(oversize)
        path = request.path
        documentation = await self._documentation(request)
        if documentation is not None:
            return documentation
        match = self.routes.match(request.method, path)
        if match is None:
            return _to_web(gateway_error("MISSING_AUTHENTICATION_TOKEN"))
        claims: dict[str, str] | None = None
        if match.route.secured and request.method != "OPTIONS":
            verifier = self._verifier()
            try:
                if verifier is None:
                    raise InvalidToken("no user pool")
                verified = verifier.verify(bearer_token(request.headers.get("Authorization")))
            except InvalidToken:
                return _to_web(gateway_error("UNAUTHORIZED"))
            claims = authorizer_claims(verified)
        body = await request.read()
        wire = HttpRequest(
            method=request.method,
            path=path,
            headers=list(request.headers.items()),
            query=list(request.query.items()),
            body=body,
            source_ip=request.remote or "127.0.0.1",
            host=request.host,
        )
        event = rest_event(
            wire,
            resource=match.route.template,
            path_parameters=match.path_parameters,
            claims=claims,
            stage=self._stage,
        )
        result = await self._lambdas.invoke(match.route.function, event)
        if not result.ok:
            log.warning("%s failed: %s", match.route.function, (result.error or {}).get("errorMessage"))
            return _to_web(bad_gateway())
        return _to_web(proxy_response(result.payload))


def _oversize(request: web.Request) -> HttpResponse | None:
    if len(request.raw_path) > MAX_URL_CHARS:
        return local_error(414, "uri_too_long", f"the URL is longer than {MAX_URL_CHARS} characters")
    if sum(len(name) + len(value) for name, value in request.raw_headers) > MAX_HEADER_BYTES:
        return local_error(431, "headers_too_large", f"the headers exceed {MAX_HEADER_BYTES} bytes")
    return None


def _to_web(response: HttpResponse) -> web.Response:
    out = web.Response(status=response.status, body=response.body)
    for name, value in response.headers:
        if name.lower() in _HOP_HEADERS:
            continue
        if name.lower() == "content-type":
            out.headers["Content-Type"] = value
        else:
            out.headers.add(name, value)
    return out
