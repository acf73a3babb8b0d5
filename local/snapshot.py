"""What survives a restart: a snapshot of the emulated AWS taken on a clean stop.

moto keeps everything in memory, so `up` restores the last snapshot from `<data_dir>/snapshot/`
when there is one, and seeds from scratch when there is none. The snapshot holds every item of
every table, every object of the feeds bucket and every Cognito user (with its password, `sub`
and groups, through the local moto server's internal endpoint). Tables are restored before their
streams are enabled and the bucket before its notifications, so that restoring replays nothing
to consumers. Queues, in-flight messages and DLQ contents are not kept. The search index lives on
disk under `<data_dir>/search` and is kept as it is. A runtime killed without a clean stop
loses what changed since its last snapshot.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local.aws.resources import Resources

SNAPSHOT = "snapshot"
ClientFactory = Callable[[str], Any]


def path(data_dir: Path) -> Path:
    return data_dir / SNAPSHOT


def exists(data_dir: Path) -> bool:
    return (path(data_dir) / "manifest.json").exists()


def save(data_dir: Path, client: ClientFactory, resources: Resources, cognito_endpoint: str) -> dict[str, int]:
    """Write the snapshot atomically (to a temporary folder, then renamed); returns counts."""
    target = path(data_dir)
    staging = data_dir / f"{SNAPSHOT}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "dynamodb").mkdir(parents=True)
    counts: dict[str, int] = {}
    dynamodb = client("dynamodb")
    for context, table in resources.tables.items():
        written = 0
        with (staging / "dynamodb" / f"{context}.jsonl").open("w") as out:
            for page in dynamodb.get_paginator("scan").paginate(TableName=table):
                for item in page.get("Items", []):
                    out.write(json.dumps(item, default=_bytes) + "\n")
                    written += 1
        counts[f"dynamodb:{context}"] = written
    s3 = client("s3")
    objects = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=resources.feeds_bucket):
        for entry in page.get("Contents", []):
            destination = staging / "s3" / entry["Key"]
            destination.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(resources.feeds_bucket, entry["Key"], str(destination))
            objects += 1
    counts["s3"] = objects
    if resources.user_pool_id:
        url = f"{cognito_endpoint}/_plein/cognito/{resources.user_pool_id}/users"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            users = json.load(response)
        (staging / "cognito.json").write_text(json.dumps(users))
        counts["cognito"] = len(users)
    (staging / "manifest.json").write_text(json.dumps({"counts": counts}))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return counts


def restore_tables(data_dir: Path, client: ClientFactory, resources: Resources) -> int:
    dynamodb = client("dynamodb")
    restored = 0
    for context, table in resources.tables.items():
        source = path(data_dir) / "dynamodb" / f"{context}.jsonl"
        if not source.exists():
            continue
        batch: list[dict[str, Any]] = []
        with source.open() as lines:
            for line in lines:
                batch.append({"PutRequest": {"Item": json.loads(line, object_hook=_unbytes)}})
                if len(batch) == 25:
                    _write(dynamodb, table, batch)
                    restored += len(batch)
                    batch = []
        if batch:
            _write(dynamodb, table, batch)
            restored += len(batch)
    return restored


def restore_objects(data_dir: Path, client: ClientFactory, resources: Resources) -> int:
    root = path(data_dir) / "s3"
    if not root.exists():
        return 0
    s3 = client("s3")
    restored = 0
    for file in root.rglob("*"):
        if file.is_file():
            s3.upload_file(str(file), resources.feeds_bucket, file.relative_to(root).as_posix())
            restored += 1
    return restored


def restore_users(data_dir: Path, resources: Resources, cognito_endpoint: str) -> list[dict[str, Any]]:
    source = path(data_dir) / "cognito.json"
    if not source.exists() or not resources.user_pool_id:
        return []
    users: list[dict[str, Any]] = json.loads(source.read_text())
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{cognito_endpoint}/_plein/cognito/{resources.user_pool_id}/users",
        data=json.dumps(users).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - loopback
        pass
    return users


def _write(dynamodb: Any, table: str, batch: list[dict[str, Any]]) -> None:
    pending: dict[str, Any] = {table: batch}
    while pending:
        pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def _bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        import base64

        return {"__b64__": base64.b64encode(value).decode()}
    raise TypeError(f"cannot store {type(value).__name__}")


def _unbytes(value: dict[str, Any]) -> Any:
    if set(value) == {"__b64__"}:
        import base64

        return base64.b64decode(value["__b64__"])
    return value
