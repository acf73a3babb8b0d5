"""What survives a restart, and a kill: the emulated AWS's data in `<data_dir>/snapshot/`.

- DynamoDB, with the embedded moto server: its write journal (local/aws/moto_journal.py). From
  the first start on, every acknowledged write is in `snapshot/dynamodb/journal.jsonl` before its
  response leaves; the next start loads the compacted table files plus the journal inside the moto
  process and compacts again. A killed runtime loses no acknowledged write, and a clean stop has no
  DynamoDB work left (it used to read every table through Scan: 15 minutes at 100k products).
  With `--endpoint` (LocalStack) the tables are read through Scan on a clean stop instead.
- S3 (the feeds bucket) and Cognito (every user with password, `sub` and groups, through the moto
  server's internal endpoint): mirrored into `snapshot/s3/` and `snapshot/cognito.json` every few
  seconds while the runtime runs (`sync`) and on a clean stop, so a kill loses at most the last
  few seconds of uploads and sign-ups.

Tables are restored before their streams are enabled and the bucket before its notifications, so
that restoring replays nothing to consumers. Queues, in-flight messages and DLQ contents are not
kept. The search index lives on disk under `<data_dir>/search` and is kept as it is.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local.aws.moto_journal import base64_default, with_binary
from local.aws.resources import Resources

SNAPSHOT = "snapshot"
FORMAT = 2
"""Table files named by table, items in wire JSON (binary in base64), and the write journal."""
ClientFactory = Callable[[str], Any]


def path(data_dir: Path) -> Path:
    return data_dir / SNAPSHOT


def tables_dir(data_dir: Path) -> Path:
    """The table files and the write journal."""
    return path(data_dir) / "dynamodb"


def exists(data_dir: Path) -> bool:
    return (path(data_dir) / "manifest.json").exists()


def is_current(data_dir: Path) -> bool:
    """Whether the snapshot is in this format (an older one is restored table by table, once)."""
    manifest = json.loads((path(data_dir) / "manifest.json").read_text())
    return bool(manifest.get("format") == FORMAT)


def begin(data_dir: Path) -> None:
    """A fresh start: whatever was there goes, and the folder is a (still empty) snapshot, so that
    even a runtime killed right after seeding is restored rather than seeded again."""
    shutil.rmtree(path(data_dir), ignore_errors=True)
    tables_dir(data_dir).mkdir(parents=True)
    _write_manifest(data_dir)


def sync(data_dir: Path, client: ClientFactory, resources: Resources, cognito_endpoint: str) -> dict[str, int]:
    """Mirror the feeds bucket and the user pool into the snapshot; returns counts."""
    counts = {"s3": _sync_objects(path(data_dir) / "s3", client("s3"), resources.feeds_bucket)}
    if resources.user_pool_id:
        url = f"{cognito_endpoint}/_plein/cognito/{resources.user_pool_id}/users"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            users = json.load(response)
        _replace(path(data_dir) / "cognito.json", json.dumps(users))
        counts["cognito"] = len(users)
    _write_manifest(data_dir)
    return counts


def save_tables(data_dir: Path, client: ClientFactory, resources: Resources) -> dict[str, int]:
    """Every table through Scan into its table file (LocalStack: no journal there)."""
    dynamodb = client("dynamodb")
    counts: dict[str, int] = {}
    tables_dir(data_dir).mkdir(parents=True, exist_ok=True)
    for table in resources.tables.values():
        written = 0
        staging = tables_dir(data_dir) / f"{table}.jsonl.tmp"
        with staging.open("w") as out:
            for page in dynamodb.get_paginator("scan").paginate(TableName=table):
                for item in page.get("Items", []):
                    out.write(json.dumps(item, default=base64_default) + "\n")
                    written += 1
        os.replace(staging, tables_dir(data_dir) / f"{table}.jsonl")
        counts[f"dynamodb:{table}"] = written
    return counts


def restore_tables(data_dir: Path, client: ClientFactory, resources: Resources) -> int:
    """Table files written through Scan (LocalStack) or by an older runtime (per context, binary
    values wrapped), restored through BatchWriteItem."""
    dynamodb = client("dynamodb")
    current = is_current(data_dir)
    restored = 0
    for context, table in resources.tables.items():
        source = tables_dir(data_dir) / (f"{table}.jsonl" if current else f"{context}.jsonl")
        if not source.exists():
            continue
        batch: list[dict[str, Any]] = []
        with source.open() as lines:
            for line in lines:
                item = json.loads(line, object_hook=_unwrapped)
                batch.append({"PutRequest": {"Item": with_binary(item) if current else item}})
                if len(batch) == 25:
                    _write(dynamodb, table, batch)
                    restored += len(batch)
                    batch = []
        if batch:
            _write(dynamodb, table, batch)
            restored += len(batch)
    return restored


def forget_older_tables(data_dir: Path, resources: Resources) -> None:
    """After an older snapshot was restored and compacted: its per-context table files go, and the
    snapshot is in this format."""
    for context in resources.tables:
        (tables_dir(data_dir) / f"{context}.jsonl").unlink(missing_ok=True)
    _write_manifest(data_dir)


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


def _sync_objects(root: Path, s3: Any, bucket: str) -> int:
    """Download what is new or changed (by size and time), delete what the bucket no longer has."""
    seen: set[Path] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            destination = root / entry["Key"]
            seen.add(destination)
            if _unchanged(destination, entry["Size"], entry["LastModified"].timestamp()):
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            staging = destination.with_name(f".{destination.name}.tmp")
            s3.download_file(bucket, entry["Key"], str(staging))
            os.replace(staging, destination)
    if root.exists():
        for file in root.rglob("*"):
            if file.is_file() and file not in seen:
                file.unlink()
    return len(seen)


def _unchanged(file: Path, size: int, modified: float) -> bool:
    return file.exists() and file.stat().st_size == size and file.stat().st_mtime >= modified


def _write_manifest(data_dir: Path) -> None:
    _replace(path(data_dir) / "manifest.json", json.dumps({"format": FORMAT}))


def _replace(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.tmp")
    staging.write_text(text)
    os.replace(staging, target)


def _write(dynamodb: Any, table: str, batch: list[dict[str, Any]]) -> None:
    pending: dict[str, Any] = {table: batch}
    while pending:
        pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def _unwrapped(value: dict[str, Any]) -> Any:
    """An older snapshot's binary values (`{"__b64__": ...}`)."""
    if set(value) == {"__b64__"}:
        return base64.b64decode(value["__b64__"])
    return value
