"""Honest in-memory implementations of the community ports (the same contract suite runs against
these and the DynamoDB store on moto: tests/integration/community/test_documents_contract.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.common.events import DomainEvent
from functions.community.logic.ports import (
    Change,
    ConditionFailed,
    Delete,
    Doc,
    Entry,
    Link,
    PresignedUpload,
    Put,
    Ref,
    Slice,
    Unlink,
)


class InMemoryDocuments:
    """Documents in dicts; a commit checks every expectation first and then applies all or nothing.
    `outbox` holds the events committed, in order (what the relay would publish)."""

    def __init__(self) -> None:
        self.docs: dict[Ref, Doc] = {}
        self.lists: dict[tuple[str, str], dict[Ref, str]] = {}
        self.outbox: list[DomainEvent] = []

    def get(self, ref: Ref) -> Doc | None:
        doc = self.docs.get(ref)
        return copy.deepcopy(doc) if doc else None

    def get_many(self, refs: Sequence[Ref]) -> dict[Ref, Doc]:
        return {ref: copy.deepcopy(self.docs[ref]) for ref in refs if ref in self.docs}

    def entries(
        self,
        name: str,
        scope: str,
        *,
        limit: int,
        after: dict[str, str] | None = None,
        ascending: bool = False,
        until: str | None = None,
    ) -> Slice:
        listed = self.lists.get((name, scope), {})
        ordered = sorted(((sort, f"{ref.kind}#{ref.id}", ref) for ref, sort in listed.items()), reverse=not ascending)
        if until is not None:
            ordered = [row for row in ordered if (row[0] <= until if ascending else row[0] >= until)]
        if after:
            start = (after["sort"], after["key"])
            ordered = [row for row in ordered if ((row[0], row[1]) > start if ascending else (row[0], row[1]) < start)]
        chosen = ordered[:limit]
        more = len(ordered) > limit
        last = chosen[-1] if chosen and more else None
        return Slice(
            entries=[Entry(ref=ref, sort=sort) for sort, _, ref in chosen],
            after={"key": last[1], "sort": last[0]} if last else None,
        )

    def count(self, name: str, scope: str) -> int:
        return len(self.lists.get((name, scope), {}))

    def commit(self, changes: Sequence[Change], events: Sequence[DomainEvent] = ()) -> None:
        failed = [
            change.ref
            for change in changes
            if isinstance(change, Put | Delete)
            and change.expect is not None
            and not self._holds(change.ref, change.expect)
        ]
        if failed:
            raise ConditionFailed(failed)
        for change in changes:
            match change:
                case Put(ref=ref, data=data):
                    # A round trip through JSON, as the table stores it: nothing shares state with the caller.
                    self.docs[ref] = Doc(ref=ref, data=json.loads(json.dumps(data)), version=change.new_version)
                case Delete(ref=ref):
                    self.docs.pop(ref, None)
                case Link(name=name, scope=scope, ref=ref, sort=sort):
                    self.lists.setdefault((name, scope), {})[ref] = sort
                case Unlink(name=name, scope=scope, ref=ref):
                    self.lists.get((name, scope), {}).pop(ref, None)
        self.outbox.extend(events)

    def _holds(self, ref: Ref, expect: int) -> bool:
        current = self.docs.get(ref)
        if expect == 0:
            return current is None
        return current is not None and current.version == expect

    def of_type(self, event_type: type[DomainEvent]) -> list[Any]:
        return [event for event in self.outbox if isinstance(event, event_type)]


class FakeClock:
    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class SequentialIds:
    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._next = 0

    def __call__(self) -> str:
        self._next += 1
        return f"{self._prefix}{self._next:06d}"


class FakeUploads:
    """Records the uploads it allowed; read links name the key."""

    def __init__(self) -> None:
        self.allowed: dict[str, tuple[str, int]] = {}

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_seconds: int) -> PresignedUpload:
        self.allowed[key] = (content_type, max_bytes)
        return PresignedUpload(url="https://uploads.test", fields={"key": key, "Content-Type": content_type})

    def download_url(self, key: str, expires_seconds: int) -> str:
        return f"https://uploads.test/{key}?expires={expires_seconds}"
