"""What every community use case shares: retried optimistic commits and signed list pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from functions.common.errors import Conflict
from functions.common.pagination import CursorCodec, Page, clamp_limit
from functions.community.logic.ports import ConditionFailed, Documents, Ref

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
ATTEMPTS = 5


def retrying(attempt: Callable[[], T], on_conflict: Callable[[tuple[Ref, ...]], None] | None = None) -> T:
    """Run `attempt` (read, decide, commit) again when a concurrent update beat it. `on_conflict`
    sees the refs of each refused commit and raises when retrying cannot help (a duplicate)."""
    for _ in range(ATTEMPTS):
        try:
            return attempt()
        except ConditionFailed as exc:
            if on_conflict is not None:
                on_conflict(exc.refs)
    raise Conflict("too many concurrent updates, retry shortly", code="busy")


def duplicate_of(ref: Ref, error: Conflict) -> Callable[[tuple[Ref, ...]], None]:
    """An `on_conflict` that raises `error` when `ref` (a once-only document) already existed."""

    def check(refs: tuple[Ref, ...]) -> None:
        if ref in refs:
            raise error

    return check


def page_of(
    docs: Documents,
    cursors: CursorCodec,
    list_name: str,
    scope: str,
    model: type[M],
    *,
    limit: int | None,
    cursor: str | None,
    keep: Callable[[M], bool] = lambda _item: True,
    ascending: bool = False,
) -> Page[M]:
    """One page of a list's documents as `model`, newest (highest sort) first unless `ascending`;
    documents that `keep` refuses are left out of the page (a page may then be shorter than `limit`)."""
    size = clamp_limit(limit)
    cursor_scope = f"{list_name}:{scope}"
    after = cursors.decode(cursor, cursor_scope)
    start = {key: str(value) for key, value in after.items()} if after else None
    found = docs.entries(list_name, scope, limit=size, after=start, ascending=ascending)
    loaded = docs.get_many([entry.ref for entry in found.entries])
    items = [model.model_validate(loaded[entry.ref].data) for entry in found.entries if entry.ref in loaded]
    return Page[M](items=[item for item in items if keep(item)], next_cursor=cursors.encode(found.after, cursor_scope))
