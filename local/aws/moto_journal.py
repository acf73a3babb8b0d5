"""The local DynamoDB's write journal: what the runtime keeps of its data between starts.

moto keeps everything in memory. Once the runtime opens the journal (`POST /_plein/journal/open`),
every DynamoDB write request that succeeds (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
TransactWriteItems) appends, per item it touched, the item as it now is (or `null` when it is
gone) to `journal.jsonl`, read back and written under the request lock so that the file's order is
the writes' order, and flushed to the operating system before the response leaves. A runtime that
is killed (kill -9, a closed terminal, a crash) so loses no acknowledged write, and a clean stop has
nothing left to save for DynamoDB.

At the next start (`POST /_plein/journal/load`), this process loads the compacted table files of
the last start (`<table>.jsonl`, one item per line), replays the journal over them, writes the
result as the new table files, empties the journal and opens it again: loading runs in this
process, item by item into moto's tables, before the runtime enables the streams (nothing is
replayed to consumers). Items travel in DynamoDB's wire JSON (binary values in base64), exactly
what a PutItem request carries.

**Writes whose consequences may not have happened are replayed.** moto's streams and queues live
in memory: a write acknowledged just before a kill may never have reached its stream's consumers
(an offer saved by an import but never relayed to the catalog). So the runtime marks the journal
whenever it is idle (`POST /_plein/journal/mark` gives the journal's length before it looks, then
`/checkpoint` with that length once every queue is empty, every stream drained and nothing runs):
every write before the mark has had all its effects. At load, the writes after the last mark are
not loaded silently but kept as the start of the new journal and, once the streams are on, applied
again through the tables (`/replay`), so their stream records reach the consumers a second time.
Consumers are idempotent (revisions, event ids), so a write they had handled changes nothing.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from local.aws.moto_lock import LOCK

JOURNAL_FILE = "journal.jsonl"
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


CHECKPOINT = "c"  # a line `{"c": n}`: the journal's first n lines have had all their effects


class Journal:
    """The open journal file (one per moto server process)."""

    def __init__(self) -> None:
        self._file: TextIO | None = None
        self._guard = threading.Lock()
        self._lines = 0

    @property
    def length(self) -> int:
        """Lines in the journal file so far (its data and checkpoint lines)."""
        return self._lines

    @property
    def active(self) -> bool:
        return self._file is not None

    def open(self, directory: Path) -> None:
        with self._guard:
            if self._file is not None:
                self._file.close()
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / JOURNAL_FILE
            self._lines = sum(1 for _ in path.open(encoding="utf-8")) if path.exists() else 0
            self._file = path.open("a", encoding="utf-8")

    def close(self) -> None:
        with self._guard:
            if self._file is not None:
                self._file.close()
                self._file = None

    def append(self, lines: list[str]) -> None:
        with self._guard:
            if self._file is None or not lines:
                return
            self._file.write("".join(lines))
            self._file.flush()  # in the OS's hands: a killed process loses none of it
            self._lines += len(lines)

    def checkpoint(self, length: int) -> None:
        """Every write among the journal's first `length` lines has had all its effects."""
        self.append([json.dumps({CHECKPOINT: length}) + "\n"])


JOURNAL = Journal()


def touched(action: str, body: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, attributes holding at least the key) of every item a write request names."""
    if action == "PutItem":
        yield body["TableName"], body["Item"]
    elif action in ("UpdateItem", "DeleteItem"):
        yield body["TableName"], body["Key"]
    elif action == "BatchWriteItem":
        for table, requests in body.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    yield table, request["PutRequest"]["Item"]
                elif "DeleteRequest" in request:
                    yield table, request["DeleteRequest"]["Key"]
    elif action == "TransactWriteItems":
        for entry in body.get("TransactItems", []):
            for kind, operation in entry.items():
                if kind == "Put":
                    yield operation["TableName"], operation["Item"]
                elif kind in ("Update", "Delete"):
                    yield operation["TableName"], operation["Key"]


def _key(table: Any, attributes: dict[str, Any]) -> dict[str, Any]:
    key = {table.hash_key_attr: attributes[table.hash_key_attr]}
    if table.range_key_attr:
        key[table.range_key_attr] = attributes[table.range_key_attr]
    return key


def _current(table: Any, key: dict[str, Any]) -> dict[str, Any] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    item = table.get_item(hash_value, range_value)
    return None if item is None else item.to_json()["Attributes"]


def changes(backend: Any, action: str, body: dict[str, Any]) -> list[str]:
    lines = []
    for table_name, attributes in touched(action, body):
        table = backend.get_table(table_name)
        key = _key(table, attributes)
        lines.append(_dumps({"t": table_name, "k": key, "i": _current(table, key)}) + "\n")
    return lines


def _dumps(value: Any) -> str:
    return json.dumps(value, default=base64_default)


def base64_default(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot journal {type(value).__name__}")


def with_binary(attributes: dict[str, Any]) -> dict[str, Any]:
    """Wire JSON as moto holds a request's and boto3 takes it: `B` and `BS` values as bytes, at any depth."""
    return {name: _decoded(value) for name, value in attributes.items()}


def _decoded(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), *_ = value.items()
    if kind == "B" and isinstance(inner, str):
        return {kind: base64.b64decode(inner)}
    if kind == "BS":
        return {kind: [base64.b64decode(v) if isinstance(v, str) else v for v in inner]}
    if kind == "M":
        return {kind: with_binary(inner)}
    if kind == "L":
        return {kind: [_decoded(v) for v in inner]}
    return value


def journaled(call_action: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def call_action_journaled(self: Any) -> Any:
        with LOCK:
            result = call_action(self)
            if JOURNAL.active and isinstance(result, tuple) and result[0] == 200:
                action = self._get_action()
                if action in WRITES:
                    JOURNAL.append(changes(self.dynamodb_backend, action, self.body))
            return result

    return call_action_journaled


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB handler through `replace(owner, name, value)` (so it can be undone)."""
    from moto.dynamodb.responses import DynamoHandler

    replace(DynamoHandler, "call_action", journaled(DynamoHandler.call_action))


# ---- loading and compaction (the internal endpoints) ---------------------------------------------


def _backend(account_id: str, region: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[account_id][region]


def _put(table: Any, item: dict[str, Any]) -> None:
    table.put_item(with_binary(item))


def _items(table: Any) -> Iterator[Any]:
    for value in table.items.values():
        if table.range_key_attr:
            yield from value.values()
        else:
            yield value


PENDING: list[str] = []
"""The journal lines after its last checkpoint at the last load: replayed once streams are on."""


def load(directory: Path, account_id: str, region: str) -> dict[str, int]:
    """Load the table files and the journal of `directory` into the (empty, provisioned) tables up
    to the journal's last checkpoint, write the compacted table files, and start a journal there
    with the lines after the checkpoint (kept in PENDING for `replay_pending`). Returns items per
    table."""
    backend = _backend(account_id, region)
    JOURNAL.close()
    directory.mkdir(parents=True, exist_ok=True)
    with LOCK:
        for source in sorted(directory.glob("*.jsonl")):
            if source.name == JOURNAL_FILE or source.stem not in backend.tables:
                continue
            table = backend.get_table(source.stem)
            with source.open(encoding="utf-8") as lines:
                for line in lines:
                    _put(table, json.loads(line))
        journal = directory / JOURNAL_FILE
        written = journal.read_text(encoding="utf-8").splitlines(keepends=True) if journal.exists() else []
        settled = _settled(written)
        for line in written[:settled]:
            _replay(backend, line)
        counts = _compact(backend, directory)
        PENDING[:] = [line for line in written[settled:] if line.endswith("\n") and not _is_checkpoint(line)]
        _write_atomically(journal, "".join(PENDING))  # replayed again if the runtime dies before it settles
    JOURNAL.open(directory)
    return counts


def replay_pending(account_id: str, region: str) -> int:
    """Apply PENDING through the tables, now that their streams are on (nothing is journaled again:
    the lines are at the journal's start already). Returns how many writes were replayed."""
    backend = _backend(account_id, region)
    with LOCK:
        replayed = [line for line in PENDING if _replay(backend, line)]
        PENDING.clear()
    return len(replayed)


def _settled(lines: list[str]) -> int:
    """How many of the journal's first lines its last checkpoint covers."""
    settled = 0
    for line in lines:
        if _is_checkpoint(line):
            settled = max(settled, min(int(json.loads(line)[CHECKPOINT]), len(lines)))
    return settled


def _is_checkpoint(line: str) -> bool:
    return line.startswith('{"c":')


def _write_atomically(path: Path, text: str) -> None:
    staging = path.with_suffix(".tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


def _replay(backend: Any, line: str) -> bool:
    """Apply one journal line; False when it is not a write of a known table (a checkpoint, a
    line cut off mid-write, a table no context has any more)."""
    try:
        change = json.loads(line)
    except ValueError:
        return False  # the last line of a journal cut off mid-write
    if "t" not in change or change["t"] not in backend.tables:
        return False
    table = backend.get_table(change["t"])
    if change["i"] is not None:
        _put(table, change["i"])
    elif _current(table, with_binary(change["k"])) is not None:
        backend.delete_item(change["t"], with_binary(change["k"]))
    return True


def _compact(backend: Any, directory: Path) -> dict[str, int]:
    """Every table as one file of its items (each file atomic; the caller rewrites the journal)."""
    counts = {}
    for name, table in backend.tables.items():
        staging = directory / f"{name}.jsonl.tmp"
        with staging.open("w", encoding="utf-8") as out:
            written = 0
            for item in _items(table):
                out.write(_dumps(item.to_json()["Attributes"]) + "\n")
                written += 1
        os.replace(staging, directory / f"{name}.jsonl")
        counts[name] = written
    return counts
