"""The local WebSocket API Gateway and its `@connections` management API, on one port.

`GET /?token=<access token>` upgrades after the socket's Lambda REQUEST authorizer (the wiring's
`websocket_authorizer`, the same function and event shape as on AWS) allows it and the `$connect`
route accepts. As on AWS: no `token` (the identity source) is 401 without calling the authorizer,
a Deny is 403, an authorizer that fails is 500; a non-2xx `$connect` result or an error refuses.
A socket without an authorizer accepts every connection. Each text frame is routed on its JSON
`action` (route selection expression `$request.body.action`), or to `$default`. Closing invokes
`$disconnect`. Connections idle longer than `ws_idle_seconds` or open longer than
`ws_max_connection_seconds` are closed, as on AWS.
`POST/GET/DELETE /@connections/{id}` (also under `/<stage>/`) serve boto3's
`apigatewaymanagementapi` with `endpoint_url` pointed here; SigV4 headers are accepted unchecked.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from local.config import Limits
from local.gateway.events import allowed_context, websocket_authorizer_event, websocket_event
from local.lambdas import LambdaService

log = logging.getLogger("plein.gateway.websocket")
MAX_MESSAGE_BYTES = 128 * 1024


def route_key(body: str) -> str:
    """`$request.body.action` when the frame is a JSON object with a string `action`, else `$default`."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return "$default"
    action = parsed.get("action") if isinstance(parsed, dict) else None
    return action if isinstance(action, str) and action else "$default"


def connection_id() -> str:
    # API Gateway's ids look like "L0SM9cOFvHcCIhw=": 10 random bytes, base64
    return base64.b64encode(secrets.token_bytes(10)).decode()


@dataclass(frozen=True)
class SocketRoute:
    """The function behind a socket path, and the REQUEST authorizer of its `$connect` if any."""

    function: str
    authorizer: str | None = None


@dataclass
class Connection:
    id: str
    socket: web.WebSocketResponse
    function: str
    authorizer: dict[str, str] | None
    source_ip: str
    user_agent: str | None
    domain: str
    connected_at: float = field(default_factory=time.time)
    last_active: float = field(default_factory=time.time)


class WebSocketGateway:
    def __init__(
        self,
        lambdas: LambdaService,
        routes: dict[str, SocketRoute],
        *,
        region: str,
        stage: str,
        limits: Limits,
    ):
        """`routes` maps a path (`""` for `/`) to the socket functions serving it."""
        self._lambdas = lambdas
        self._routes = routes
        self._region = region
        self._stage = stage
        self.limits = limits
        self.connections: dict[str, Connection] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_MESSAGE_BYTES)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        app.on_startup.append(self._start_reaper)
        app.on_shutdown.append(self._close_all)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        marker = "/@connections/"
        if marker in path:
            prefix, _, connection = path.partition(marker)
            if prefix in ("", f"/{self._stage}"):
                return await self._manage(request, connection)
        route = self._routes.get(path.strip("/"))
        if route is None or request.method != "GET":
            return web.json_response({"message": "Forbidden"}, status=403)
        return await self._connect(request, route)

    # ---- client connections -----------------------------------------------------------------
    async def _connect(self, request: web.Request, route: SocketRoute) -> web.StreamResponse:
        conn_id = connection_id()
        domain = request.host
        headers = dict(request.headers)
        allowed: dict[str, str] | None = None
        if route.authorizer is not None:
            if not request.query.get("token"):
                return web.json_response({"message": "Unauthorized"}, status=401)
            authorizing = websocket_authorizer_event(
                region=self._region,
                connection_id=conn_id,
                domain=domain,
                stage=self._stage,
                headers=headers,
                query=dict(request.query),
                source_ip=request.remote or "127.0.0.1",
            )
            decision = await self._lambdas.invoke(route.authorizer, authorizing)
            if not decision.ok:
                return web.json_response({"message": "Internal server error"}, status=500)
            allowed = allowed_context(decision.payload, authorizing["methodArn"])
            if allowed is None:
                return web.json_response({"message": "Forbidden"}, status=403)
        function = route.function
        connect = websocket_event(
            route_key="$connect",
            event_type="CONNECT",
            connection_id=conn_id,
            domain=domain,
            stage=self._stage,
            authorizer=allowed,
            headers=headers,
            query=dict(request.query),
            source_ip=request.remote or "127.0.0.1",
        )
        result = await self._lambdas.invoke(function, connect)
        status = _status(result.payload) if result.ok else 500
        if not 200 <= status < 300:
            return web.json_response({"message": "Forbidden"}, status=403 if status < 500 else 500)
        socket = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES, autoping=True, heartbeat=None)
        await socket.prepare(request)
        connection = Connection(
            conn_id,
            socket,
            function,
            allowed,
            request.remote or "127.0.0.1",
            request.headers.get("User-Agent"),
            domain,
        )
        self.connections[conn_id] = connection
        try:
            async for message in socket:
                connection.last_active = time.time()
                if message.type == WSMsgType.TEXT:
                    self._spawn(self._route(connection, str(message.data), is_binary=False))
                elif message.type == WSMsgType.BINARY:
                    data = base64.b64encode(message.data).decode()
                    self._spawn(self._route(connection, data, is_binary=True))
        finally:
            self.connections.pop(conn_id, None)
            await self._disconnect(connection)
        return socket

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _route(self, connection: Connection, body: str, *, is_binary: bool) -> None:
        event = websocket_event(
            route_key="$default" if is_binary else route_key(body),
            event_type="MESSAGE",
            connection_id=connection.id,
            domain=connection.domain,
            stage=self._stage,
            authorizer=connection.authorizer,
            body=body,
            connected_at=connection.connected_at,
            source_ip=connection.source_ip,
            is_binary=is_binary,
        )
        result = await self._lambdas.invoke(connection.function, event)
        if not result.ok:
            log.warning("%s failed: %s", connection.function, (result.error or {}).get("errorMessage"))
            with contextlib.suppress(Exception):
                await connection.socket.send_str(
                    json.dumps({"message": "Internal server error", "connectionId": connection.id})
                )

    async def _disconnect(self, connection: Connection) -> None:
        event = websocket_event(
            route_key="$disconnect",
            event_type="DISCONNECT",
            connection_id=connection.id,
            domain=connection.domain,
            stage=self._stage,
            authorizer=connection.authorizer,
            connected_at=connection.connected_at,
            source_ip=connection.source_ip,
            close_code=connection.socket.close_code,
        )
        with contextlib.suppress(Exception):
            await self._lambdas.invoke(connection.function, event)

    # ---- limits ------------------------------------------------------------------------------
    async def _start_reaper(self, _app: web.Application) -> None:
        self._reaper = asyncio.create_task(self._reap())

    async def _reap(self) -> None:
        while True:
            # read the limits each round: they may be changed while running (tests do)
            shortest = min(self.limits.ws_idle_seconds, self.limits.ws_max_connection_seconds)
            await asyncio.sleep(min(max(0.1, shortest / 10), 1.0))
            now = time.time()
            for connection in list(self.connections.values()):
                idle = now - connection.last_active > self.limits.ws_idle_seconds
                too_long = now - connection.connected_at > self.limits.ws_max_connection_seconds
                if idle or too_long:
                    reason = b"Going away: idle timeout" if idle else b"Going away: connection duration"
                    with contextlib.suppress(Exception):
                        await connection.socket.close(code=1001, message=reason)

    async def _close_all(self, _app: web.Application) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
        for connection in list(self.connections.values()):
            with contextlib.suppress(Exception):
                await connection.socket.close(code=1001, message=b"Going away")

    # ---- @connections management API -------------------------------------------------------
    async def _manage(self, request: web.Request, conn_id: str) -> web.StreamResponse:
        connection = self.connections.get(conn_id)
        if connection is None or connection.socket.closed:
            return _gone(conn_id)
        if request.method == "POST":
            return await self._post(request, connection)
        if request.method == "GET":
            return web.json_response(
                {
                    "connectedAt": _iso(connection.connected_at),
                    "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent or ""},
                    "lastActiveAt": _iso(connection.last_active),
                }
            )
        if request.method == "DELETE":
            await connection.socket.close(code=1000, message=b"")
            return web.Response(status=204)
        return _error(403, "ForbiddenException", "Forbidden")

    async def _post(self, request: web.Request, connection: Connection) -> web.StreamResponse:
        data = await request.read()
        if len(data) > MAX_MESSAGE_BYTES:
            return _error(413, "PayloadTooLargeException", "payload too large")
        try:
            await connection.socket.send_str(data.decode("utf-8"))
        except UnicodeDecodeError:
            await connection.socket.send_bytes(data)
        except ConnectionResetError:
            return _gone(connection.id)
        return web.Response(status=200)


def _status(payload: Any) -> int:
    if isinstance(payload, dict) and isinstance(payload.get("statusCode"), int):
        return int(payload["statusCode"])
    return 200


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _error(status: int, error_type: str, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status, headers={"x-amzn-ErrorType": error_type})


def _gone(conn_id: str) -> web.Response:
    return _error(410, "GoneException", f"connection {conn_id} is gone")
