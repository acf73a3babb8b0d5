"""The ports community logic needs: a document store with atomic, conditional commits, and a clock.

The store is the one place that knows the table layout. Logic speaks of documents (an entity of
a kind with an id, a JSON body and a version for optimistic concurrency) and of ordered lists
(entries that point at a document, ordered by a sort string, grouped in a scope). A commit
applies all its changes and saves its events in the outbox at once, or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from functions.common.errors import Conflict
from functions.common.events import DomainEvent


@dataclass(frozen=True, slots=True)
class Ref:
    """A document: its kind (review, idea, ...) and its id within the kind."""

    kind: str
    id: str


@dataclass(frozen=True, slots=True)
class Doc:
    ref: Ref
    data: dict[str, Any]
    version: int


@dataclass(frozen=True, slots=True)
class Entry:
    """A list entry: the document it points at and its sort string."""

    ref: Ref
    sort: str


@dataclass(frozen=True, slots=True)
class Put:
    """Write a document. `expect`: None writes unconditionally (version 1), 0 requires that the
    document does not exist, n requires its current version to be n (the new version is n + 1)."""

    ref: Ref
    data: dict[str, Any]
    expect: int | None = None
    expires_at: datetime | None = None

    @property
    def new_version(self) -> int:
        return (self.expect or 0) + 1


@dataclass(frozen=True, slots=True)
class Delete:
    """Remove a document; with `expect`, only at that version."""

    ref: Ref
    expect: int | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """Add (or move, with a new sort string) `ref` in the list `name` of `scope`."""

    name: str
    scope: str
    ref: Ref
    sort: str


@dataclass(frozen=True, slots=True)
class Unlink:
    name: str
    scope: str
    ref: Ref


Change = Put | Delete | Link | Unlink


class ConditionFailed(Conflict):
    """A commit was refused because a document was not in the state its change expected; `refs`
    names those documents, so logic can tell a duplicate from a concurrent update."""

    def __init__(self, refs: Sequence[Ref]):
        super().__init__("the item was changed concurrently", code="concurrent_update")
        self.refs = tuple(refs)


@dataclass(frozen=True, slots=True)
class Slice:
    entries: list[Entry]
    after: dict[str, str] | None = field(default=None)
    """Where the next slice starts (None at the end): pass back as `after`."""


class Documents(Protocol):
    def get(self, ref: Ref) -> Doc | None: ...

    def get_many(self, refs: Sequence[Ref]) -> dict[Ref, Doc]: ...

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
        """Entries of a list in sort order (descending unless `ascending`); with `until`, only
        entries whose sort string is at most (ascending) or at least (descending) `until`."""
        ...

    def count(self, name: str, scope: str) -> int: ...

    def commit(self, changes: Sequence[Change], events: Sequence[DomainEvent] = ()) -> None:
        """Apply every change and save every event in the outbox, atomically; raises
        ConditionFailed when an expectation does not hold (nothing is applied then)."""
        ...


@dataclass(frozen=True, slots=True)
class PresignedUpload:
    """A browser upload straight to storage: POST `fields` and the file to `url`."""

    url: str
    fields: dict[str, str]


class Uploads(Protocol):
    """Where members' images (avatars) are stored."""

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_seconds: int) -> PresignedUpload:
        """A POST that stores one object at `key`, only of `content_type` and at most `max_bytes`."""
        ...

    def download_url(self, key: str, expires_seconds: int) -> str: ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...


class IdFactory(Protocol):
    def __call__(self) -> str: ...
