"""Optimistic concurrency: a commit beaten by a concurrent change is retried from fresh reads; a
once-only document that already exists is a conflict, not a retry; endless contention is a 409."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.community.logic.paging import ATTEMPTS, retrying
from functions.community.logic.ports import Change, ConditionFailed, Put, Ref
from functions.community.models.api import QuestionInput, ReviewInput
from tests.unit.community.conftest import build, member
from tests.unit.community.fakes import InMemoryDocuments


class Contended(InMemoryDocuments):
    """Before each of the first `collisions` commits, another writer changes the member's hourly
    counter (as a concurrent post by the same member would)."""

    def __init__(self, collisions: int) -> None:
        super().__init__()
        self.collisions = collisions
        self.commits = 0

    def commit(self, changes: Sequence[Change], events: Sequence[DomainEvent] = ()) -> None:
        self.commits += 1
        if self.collisions:
            self.collisions -= 1
            for change in changes:
                if isinstance(change, Put) and change.ref.kind == "rate":
                    current = self.docs.get(change.ref)
                    super().commit([Put(change.ref, {"posts": 1}, expect=current.version if current else 0)])
        super().commit(changes, events)


def test_a_post_beaten_by_a_concurrent_post_is_retried() -> None:
    docs = Contended(collisions=2)
    community = build(docs=docs)

    question = community.questions.ask(member("u1"), "pan", QuestionInput(text="Dishwasher safe?"))

    assert docs.commits == 3
    assert docs.get(Ref("question", question.question_id)) is not None
    rate = docs.get(Ref("rate", f"u1#{community.clock():%Y%m%d%H}"))
    assert rate is not None
    assert rate.data == {"posts": 2}


def test_endless_contention_is_a_conflict_and_a_duplicate_is_not_retried() -> None:
    community = build(docs=Contended(collisions=ATTEMPTS))
    with pytest.raises(Conflict) as busy:
        community.reviews.write(member("u1"), "pan", ReviewInput(rating=4, title="t", text="x"))
    assert busy.value.code == "busy"

    calls = []

    def duplicate() -> None:
        calls.append(1)
        raise ConditionFailed([Ref("heart", "x")])

    def give_up(_refs: tuple[Ref, ...]) -> None:
        raise Conflict("already there", code="duplicate")

    with pytest.raises(Conflict, match="already there"):
        retrying(duplicate, give_up)
    assert calls == [1]
