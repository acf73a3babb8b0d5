"""`python -m local feed upload <file>`: upload a product feed through the REST API and follow its import.

    python -m local feed upload assortment.csv --mode replace --user vendor

1. `POST /vendors/{id}/feeds` gives a presigned S3 POST for the file;
2. the file is streamed to S3 with a progress bar;
3. `GET /vendors/{id}/feeds/{feed_id}` is polled until the import completes or fails, showing
   its progress and counts;
4. the error report (line, field, code, message), if any, is downloaded next to the file.
The vendor defaults to the `custom:vendor_id` claim of the user's token.
"""

from __future__ import annotations

import base64
import csv
import json
import mimetypes
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

app = typer.Typer(help="Product feeds: upload a feed file and follow its import.", no_args_is_help=True)
console = Console()
CHUNK = 256 * 1024
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".jsonl": "application/jsonl",
    ".ndjson": "application/x-ndjson",
    ".json": "application/jsonl",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
}


class ApiError(RuntimeError):
    def __init__(self, status: int, body: Any):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"HTTP {status}: {error.get('code', '')} {error.get('message', body)}")
        self.status = status
        self.body = body


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="feed")


def _request(method: str, url: str, token: str | None = None, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - the local REST API
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
            return json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors="replace")
        raise ApiError(exc.code, parsed) from exc


def claims_of(token: str) -> dict[str, Any]:
    """The (unverified) claims of a JWT: only to find the caller's vendor id."""
    try:
        payload = token.split(".")[1]
        decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return decoded


def sign_in(username: str, password: str | None, data_dir: Path) -> str:
    """An ID token for a user of the running local runtime (as `python -m local token` does)."""
    from local.runtime import STATE_FILE, AwsClients
    from local.seed.users import demo_password

    state_file = data_dir / STATE_FILE
    if not state_file.exists():
        raise typer.BadParameter(f"no running runtime found in {data_dir} (start it with `python -m local up`)")
    state = json.loads(state_file.read_text())
    secret = password or state.get("users", {}).get(username) or demo_password(username)
    result = AwsClients(state["aws_endpoint"], state["region"])("cognito-idp").initiate_auth(
        ClientId=state["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": secret},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token


def multipart(
    fields: dict[str, str], path: Path, content_type: str, on_chunk: Callable[[int], None]
) -> tuple[Iterator[bytes], int, str]:
    """A streamed multipart/form-data body (fields first, the file last, as S3 requires)."""
    boundary = "plein" + secrets.token_hex(12)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + path.stat().st_size + len(tail)

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                on_chunk(len(chunk))
                yield chunk
        yield tail

    return body(), size, boundary


def upload_file(url: str, fields: dict[str, str], path: Path, content_type: str) -> None:
    with Progress(
        TextColumn("upload"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("upload", total=path.stat().st_size)
        body, size, boundary = multipart(fields, path, content_type, lambda n: progress.advance(task, n))
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - the presigned URL
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Content-Length", str(size))
        try:
            with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            raise ApiError(exc.code, exc.read().decode(errors="replace")) from exc


def follow(status_url: str, token: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    with Progress(
        TextColumn("import {task.fields[state]:<10}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("import", total=1.0, state="pending", counts="")
        while True:
            feed: dict[str, Any] = _request("GET", status_url, token)
            counts = feed["counts"]
            progress.update(
                task,
                completed=feed["progress"],
                state=feed["status"],
                counts=f"{counts['received']} rows, {counts['rejected']} rejected",
            )
            if feed["status"] in ("completed", "failed"):
                return feed
            if time.monotonic() > deadline:
                raise typer.Exit(2)
            time.sleep(0.5)


def show(feed: dict[str, Any]) -> None:
    table = Table(title=f"feed {feed['feed_id']} ({feed['mode']}, {feed.get('format') or '?'})")
    for name in ("received", "created", "updated", "unchanged", "withdrawn", "rejected"):
        table.add_column(name, justify="right")
    table.add_row(
        *(
            str(feed["counts"][name])
            for name in ("received", "created", "updated", "unchanged", "withdrawn", "rejected")
        )
    )
    console.print(table)
    if feed["status"] == "failed":
        console.print(f"[red]failed:[/red] {feed.get('reason')}")
    else:
        console.print("[green]completed[/green]")


def download_report(url: str, target: Path) -> None:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - presigned GET
        target.write_bytes(response.read())
    lines = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    console.print(f"error report: {target} ({len(lines) - 1} errors)")
    for line in lines[1:11]:
        console.print(f"  line {line[0]}: {line[1] or '-'} {line[2]}: {line[3]}")


@app.command()
def upload(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV/TSV, JSONL or XML")],
    *,
    vendor: Annotated[str | None, typer.Option(help="vendor id (default: the user's custom:vendor_id)")] = None,
    mode: Annotated[str, typer.Option(help="upsert, partial or replace")] = "upsert",
    user: Annotated[str, typer.Option(help="who uploads (a demo user or any user)")] = "vendor",
    password: Annotated[str | None, typer.Option(help="for users other than the demo users")] = None,
    token: Annotated[str | None, typer.Option(envvar="PLEIN_TOKEN", help="an ID token instead of signing in")] = None,
    api: Annotated[str, typer.Option(envvar="PLEIN_REST_URL", help="REST API root")] = "http://127.0.0.1:3000",
    data_dir: Annotated[Path, typer.Option(envvar="PLEIN_DATA_DIR", help="local data folder")] = Path(".local"),
    wait: Annotated[bool, typer.Option(help="follow the import until it ends")] = True,
    timeout: Annotated[float, typer.Option(help="seconds to wait for the import")] = 1800.0,
    report: Annotated[Path | None, typer.Option(help="where to save the error report")] = None,
) -> None:
    """Upload a feed file and wait for its import report."""
    if mode not in ("upsert", "partial", "replace"):
        raise typer.BadParameter("mode is upsert, partial or replace")
    bearer = token or sign_in(user, password, data_dir)
    vendor_id = vendor or claims_of(bearer).get("custom:vendor_id")
    if not vendor_id:
        raise typer.BadParameter(f"{user} is not bound to a vendor: pass --vendor")
    content_type = CONTENT_TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] or "text/csv"
    root = api.rstrip("/")
    try:
        created = _request(
            "POST",
            f"{root}/vendors/{vendor_id}/feeds",
            bearer,
            {"filename": file.name, "mode": mode, "content_type": content_type},
        )
        console.print(f"feed {created['feed_id']}: uploading {file} ({file.stat().st_size:,} bytes, {mode})")
        upload_file(created["upload"]["url"], created["upload"]["fields"], file, content_type)
        if not wait:
            console.print(f"uploaded; status: GET {root}/vendors/{vendor_id}/feeds/{created['feed_id']}")
            return
        feed = follow(f"{root}/vendors/{vendor_id}/feeds/{created['feed_id']}", bearer, timeout)
    except ApiError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    show(feed)
    if feed.get("error_report_url"):
        download_report(feed["error_report_url"], report or file.with_name(f"{file.stem}.errors.csv"))
    if feed["status"] != "completed":
        raise typer.Exit(1)
