"""Internal endpoints of the local moto server, under `/_plein/` (never exposed by AWS).

- `GET /_plein/health`: the server is up.
- `GET /_plein/mailbox`: e-mails SES sent (headers, text and HTML) and pushes to SNS platform endpoints.
- `GET /_plein/cognito/{pool_id}/users`: every user of a pool with its password, sub, attributes
  and groups, so that the runtime can snapshot Cognito on shutdown and restore it on start.
- `POST /_plein/cognito/{pool_id}/users`: recreate such users, keeping their `sub`.
- `POST /_plein/journal/load` (`{"directory", "account_id", "region"}`), `/open` (`{"directory"}`),
  `/close`, `/replay` (`{"account_id", "region"}`), `/mark` and `/checkpoint` (`{"length"}`): the
  DynamoDB write journal (local/aws/moto_journal.py).
- `GET /_plein/stats`: per operation (`DynamoDB_20120810.PutItem`, `AWSEvents.PutEvents`, ...) the
  requests served, their CPU seconds in the server (the handling thread's CPU time) and their wall
  seconds, to see where a run spends the server's time (`DELETE` resets them).
"""

from __future__ import annotations

import json
import threading
import time
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
        # a user who signed up but never confirmed stays unconfirmed (older snapshots have no status)
        status = UserStatus[saved.get("status", "CONFIRMED")]
        user = CognitoIdpUser(pool_id, saved["username"], saved["password"], status, [])
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
            "status": user.status.name,
            "attributes": user.attributes,
            "groups": sorted(group.group_name for group in user.groups),
        }
        for user in pool.users.values()
    ]


_stats: dict[str, list[float]] = {}
_stats_lock = threading.Lock()


def operation(environ: dict[str, Any]) -> str:
    """The AWS operation of a request: the JSON protocols' target header, else the query `Action`,
    else the method and the first path segment (S3)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target)
    query = str(environ.get("QUERY_STRING", ""))
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name == "Action" and value:
            return value
    segment = str(environ.get("PATH_INFO", "/")).strip("/").split("/")[0]
    return f"{environ.get('REQUEST_METHOD', '?')} /{segment}"


def _record(name: str, cpu: float, wall: float) -> None:
    with _stats_lock:
        entry = _stats.setdefault(name, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += cpu
        entry[2] += wall


def stats() -> dict[str, dict[str, float]]:
    with _stats_lock:
        return {
            name: {"requests": int(n), "cpu_s": round(cpu, 3), "wall_s": round(wall, 3)}
            for name, (n, cpu, wall) in sorted(_stats.items(), key=lambda item: -item[1][1])
        }


def _mailbox() -> dict[str, list[dict[str, Any]]]:
    """What SES sent (raw MIME and the parsed headers and bodies) and what SNS pushed to
    platform endpoints, oldest first, for the local mailbox (`GET /local/mailbox`)."""
    import email
    from email import policy

    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    mails: list[dict[str, Any]] = []
    for account in ses_backends.values():
        for backend in account.values():
            for sent in list(backend.sent_messages):
                raw = getattr(sent, "raw_data", None)
                if raw is None:
                    continue
                message = email.message_from_string(raw, policy=policy.default)
                text = message.get_body(preferencelist=("plain",))
                html = message.get_body(preferencelist=("html",))
                mails.append(
                    {
                        "message_id": sent.id,
                        "from": sent.source,
                        "to": list(sent.destinations),
                        "headers": {name: str(value) for name, value in message.items()},
                        "subject": str(message.get("Subject", "")),
                        "text": text.get_content() if text is not None else "",
                        "html": html.get_content() if html is not None else "",
                    }
                )
    pushes: list[dict[str, Any]] = []
    for sns_account in sns_backends.values():
        for sns in sns_account.values():
            for endpoint in list(sns.platform_endpoints.values()):
                for message_id, body in list(endpoint.messages.items()):
                    pushes.append(
                        {
                            "message_id": message_id,
                            "endpoint_arn": endpoint.arn,
                            "user": endpoint.custom_user_data,
                            "message": body,
                        }
                    )
    return {"mails": mails, "pushes": pushes}


def _internal(environ: dict[str, Any], parts: list[str]) -> tuple[str, Any]:
    if parts == ["health"]:
        return "200 OK", {"status": "ok"}
    if parts == ["mailbox"]:
        return "200 OK", _mailbox()
    if parts == ["stats"]:
        if environ["REQUEST_METHOD"] == "DELETE":
            with _stats_lock:
                _stats.clear()
        return "200 OK", stats()
    if len(parts) == 2 and parts[0] == "journal" and environ["REQUEST_METHOD"] == "POST":
        return _journal(parts[1], _body(environ) or {})
    if len(parts) == 3 and parts[0] == "cognito" and parts[2] == "users":
        return _users(environ, parts[1])
    return "404 Not Found", {"message": "no such internal endpoint"}


def _users(environ: dict[str, Any], pool_id: str) -> tuple[str, Any]:
    if environ["REQUEST_METHOD"] == "POST":
        result: Any = _restore_users(pool_id, _body(environ) or [])
        body = {"restored": result}
    else:
        result = body = _cognito_users(pool_id)
    if result is None:
        return "404 Not Found", {"message": "no such user pool"}
    return "200 OK", body


def _body(environ: dict[str, Any]) -> Any:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"null")


def _journal(command: str, body: dict[str, Any]) -> tuple[str, Any]:
    from pathlib import Path

    from local.aws import moto_journal

    journal = moto_journal.JOURNAL
    if command == "load":
        return "200 OK", {"items": moto_journal.load(Path(body["directory"]), body["account_id"], body["region"])}
    if command == "replay":
        return "200 OK", {"replayed": moto_journal.replay_pending(body["account_id"], body["region"])}
    if command == "open":
        journal.open(Path(body["directory"]))
    elif command == "close":
        journal.close()
    elif command == "checkpoint":
        journal.checkpoint(int(body["length"]))
    elif command != "mark":
        return "404 Not Found", {"message": "no such journal command"}
    return "200 OK", {"open": journal.active, "length": journal.length}


def wrap(app: Any) -> WsgiApp:
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(PREFIX):
            cpu, wall = time.thread_time(), time.perf_counter()
            result: Iterable[bytes] = app(environ, start_response)
            _record(operation(environ), time.thread_time() - cpu, time.perf_counter() - wall)
            return result
        status, body = _internal(environ, path[len(PREFIX) :].strip("/").split("/"))
        return _json(start_response, status, body)

    return application
