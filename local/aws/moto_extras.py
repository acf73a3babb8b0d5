"""Internal endpoints of the local moto server, under `/_plein/` (never exposed by AWS).

- `GET /_plein/health`: the server is up.
- `GET /_plein/cognito/{pool_id}/users`: every user of a pool with its password, sub, attributes
  and groups, so that the runtime can snapshot Cognito on shutdown and restore it on start.
- `POST /_plein/cognito/{pool_id}/users`: recreate such users, keeping their `sub`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
PREFIX = "/_plein/"


def _json(start_response: Callable[..., Any], status: str, body: Any) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def _pool(pool_id: str) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends

    for account in cognitoidp_backends.values():
        for backend in account.values():
            pool = backend.user_pools.get(pool_id)
            if pool is not None:
                return pool
    return None


def _restore_users(pool_id: str, users: list[dict[str, Any]]) -> int | None:
    from moto.cognitoidp.models import CognitoIdpUser, UserStatus

    pool = _pool(pool_id)
    if pool is None:
        return None
    for saved in users:
        user = CognitoIdpUser(pool_id, saved["username"], saved["password"], UserStatus.CONFIRMED, [])
        sub = next((a["Value"] for a in saved["attributes"] if a["Name"] == "sub"), user.id)
        user.id = sub
        user.attributes = []
        user.update_attributes(saved["attributes"])
        user.enabled = bool(saved.get("enabled", True))
        pool.users[user.username] = user
        for name in saved.get("groups", []):
            group = pool.groups.get(name)
            if group is not None:
                group.users.add(user)
                user.groups.add(group)
    return len(users)


def _cognito_users(pool_id: str) -> Any:
    pool = _pool(pool_id)
    if pool is None:
        return None
    return [
        {
            "username": user.username,
            "password": user.password,
            "enabled": user.enabled,
            "attributes": user.attributes,
            "groups": sorted(group.group_name for group in user.groups),
        }
        for user in pool.users.values()
    ]


def _internal(environ: dict[str, Any], parts: list[str]) -> tuple[str, Any]:
    if parts == ["health"]:
        return "200 OK", {"status": "ok"}
    if len(parts) != 3 or parts[0] != "cognito" or parts[2] != "users":
        return "404 Not Found", {"message": "no such internal endpoint"}
    if environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        result: Any = _restore_users(parts[1], json.loads(environ["wsgi.input"].read(length) or b"[]"))
        body = {"restored": result}
    else:
        result = body = _cognito_users(parts[1])
    if result is None:
        return "404 Not Found", {"message": "no such user pool"}
    return "200 OK", body


def wrap(app: Any) -> WsgiApp:
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(PREFIX):
            result: Iterable[bytes] = app(environ, start_response)
            return result
        status, body = _internal(environ, path[len(PREFIX) :].strip("/").split("/"))
        return _json(start_response, status, body)

    return application
