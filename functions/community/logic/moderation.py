"""Moderation: the automatic checks every text passes, and the admins' queue of held-back content.

Checks (`screen_text`, pure): profanity in Dutch, German, English and Slovak → rejected; links,
e-mail addresses and phone numbers → pending. The `Screener` adds what needs the store: the same
text posted again by the same member → rejected (`duplicate`), more than the hourly allowance of
posts by a member → pending (`rate_limited`). Pending content waits in the queue as a
`ModerationCase`; an admin's decision publishes or rejects it and stays on the case (who, when,
why) as the audit trail.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, NotFound
from functions.common.events import DomainEvent
from functions.common.pagination import CursorCodec, Page
from functions.community.logic.domain import CaseState, ModerationCase, Status, SubjectKind, sortable
from functions.community.logic.members import member_since
from functions.community.logic.paging import page_of, retrying
from functions.community.logic.ports import Change, Clock, Documents, IdFactory, Link, Put, Ref, Unlink

PROFANITY: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        {"fuck", "fucking", "fucker", "shit", "bullshit", "bitch", "asshole", "cunt", "dick", "bastard", "motherfucker"}
    ),
    "nl": frozenset({"kut", "klootzak", "lul", "kanker", "tering", "tyfus", "hoer", "godverdomme", "eikel", "kutwijf"}),
    "de": frozenset(
        {"scheisse", "scheiße", "arschloch", "fotze", "wichser", "hurensohn", "fick", "ficken", "schlampe"}
    ),
    "sk": frozenset({"kurva", "kokot", "piča", "pica", "jebať", "jebat", "debil", "hajzel", "skurvysyn", "chuj"}),
}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_WORDS = re.compile(r"[\w@$!]+", re.UNICODE)
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]{2,}\.(?:com|net|org|nl|de|sk|be|eu|io|ly|info|biz|ru|xyz|shop|co)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|\b00)?\d[\d \-/().]{7,}\d")
MIN_PHONE_DIGITS = 9

REJECTING = frozenset({"profanity", "duplicate"})
"""Reasons that reject content outright; every other reason holds it for a moderator."""


def _fold(word: str) -> str:
    """Lower case, leetspeak undone, accents kept and also stripped (both spellings are listed)."""
    return word.lower().translate(_LEET)


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _squeezed(word: str) -> str:
    """Repeated letters collapsed ("fuuuck" → "fuck")."""
    return re.sub(r"(.)\1+", r"\1", word)


def profane(text: str) -> bool:
    listed = frozenset().union(*PROFANITY.values())
    for token in _WORDS.findall(text):
        word = _fold(token)
        forms = {word, _strip_accents(word), _squeezed(word), _squeezed(_strip_accents(word))}
        if forms & listed:
            return True
    return False


def _has_phone(text: str) -> bool:
    return any(sum(c.isdigit() for c in match) >= MIN_PHONE_DIGITS for match in _PHONE.findall(text))


def screen_text(text: str) -> list[str]:
    """Reason codes the automatic checks find in `text` (empty: nothing found)."""
    reasons = []
    if profane(text):
        reasons.append("profanity")
    if _EMAIL.search(text):
        reasons.append("email_address")
    if _LINK.search(_EMAIL.sub(" ", text)):
        reasons.append("link")
    if _has_phone(text):
        reasons.append("phone_number")
    return reasons


def status_for(reasons: Sequence[str]) -> Status:
    if any(reason in REJECTING for reason in reasons):
        return Status.REJECTED
    return Status.PENDING if reasons else Status.PUBLISHED


def normalised(text: str) -> str:
    return " ".join(_strip_accents(text.lower()).split())


@dataclass(frozen=True)
class Policy:
    posts_per_hour: int = 20
    """Texts a member may post per hour before the rest waits for a moderator."""


@dataclass
class Verdict:
    """The outcome of screening one submission, and the changes that record it (commit them with
    the content): the text's fingerprint, the member's hourly count and profile (from their first
    contribution), the moderation case."""

    status: Status
    reasons: list[str]
    changes: list[Change] = field(default_factory=list)

    def hold(self, case: ModerationCase) -> None:
        """Queue `case` when the content waits for a moderator."""
        if self.status is Status.PENDING:
            ref = Ref("case", case.case_id)
            case = case.model_copy(update={"reasons": list(self.reasons)})
            self.changes.append(Put(ref, case.model_dump(mode="json"), expect=0))
            self.changes.append(Link("cases", CaseState.OPEN, ref, sortable(case.created_at)))


class Screener:
    def __init__(self, docs: Documents, clock: Clock, policy: Policy | None = None):
        self._docs = docs
        self._clock = clock
        self._policy = policy or Policy()

    def screen(self, author_id: str, *texts: str | None) -> Verdict:
        """Screen the texts of one submission by `author_id`."""
        body = "\n".join(text for text in texts if text)
        reasons = screen_text(body)
        changes: list[Change] = []
        digest = hashlib.sha256(f"{author_id}\0{normalised(body)}".encode()).hexdigest()[:32]
        fingerprint = Ref("fingerprint", digest)
        if body.strip():
            if self._docs.get(fingerprint) is not None:
                reasons.append("duplicate")
            else:
                changes.append(Put(fingerprint, {"author_id": author_id}, expect=0))
        now = self._clock()
        changes += member_since(self._docs, author_id, now)[1]
        rate = Ref("rate", f"{author_id}#{now:%Y%m%d%H}")
        current = self._docs.get(rate)
        posts = int(current.data["posts"]) if current else 0
        if posts >= self._policy.posts_per_hour:
            reasons.append("rate_limited")
        changes.append(Put(rate, {"posts": posts + 1}, expect=current.version if current else 0))
        return Verdict(status_for(reasons), reasons, changes)


@dataclass(frozen=True)
class Outcome:
    """What a moderator's decision does to its subject: the changes and events to commit."""

    changes: list[Change]
    events: list[DomainEvent] = field(default_factory=list)
    after: Callable[[], None] | None = None
    """Work to do once the decision is committed (an article's search index entries)."""


Subject = Callable[[str, bool], Outcome]
"""Applies a decision (approve: True) to the subject with that id."""
Subjects = Mapping[str, Subject]
"""The subject handler per kind of content (review, answer, ...)."""


def case_of(
    new_id: IdFactory,
    now: datetime,
    subject: tuple[SubjectKind, str],
    author_id: str,
    *texts: str | None,
    reasons: Sequence[str] = (),
    origin: str = "automatic",
) -> ModerationCase:
    """A case for the moderation queue about `subject` (kind, id); the reasons are filled in by
    `Verdict.hold` for automatic cases."""
    return ModerationCase.model_validate(
        {
            "case_id": new_id(),
            "subject": subject[0],
            "subject_id": subject[1],
            "author_id": author_id,
            "excerpt": "\n".join(text for text in texts if text)[:280],
            "reasons": list(reasons),
            "origin": origin,
            "created_at": now,
        }
    )


class ModerationService:
    """The admins' queue: list cases by state, decide an open case (once)."""

    def __init__(self, docs: Documents, cursors: CursorCodec, clock: Clock, subjects: Subjects):
        self._docs = docs
        self._cursors = cursors
        self._clock = clock
        self._subjects = subjects

    def queue(
        self, principal: Principal, state: CaseState, limit: int | None, cursor: str | None
    ) -> Page[ModerationCase]:
        """Open cases oldest first (the queue); decided ones newest first (the audit trail)."""
        principal.require(Role.ADMIN)
        oldest_first = state is CaseState.OPEN
        return page_of(
            self._docs,
            self._cursors,
            "cases",
            state,
            ModerationCase,
            limit=limit,
            cursor=cursor,
            ascending=oldest_first,
        )

    def decide(self, principal: Principal, case_id: str, approve: bool, note: str | None) -> ModerationCase:
        principal.require(Role.ADMIN)
        ref = Ref("case", case_id)

        def attempt() -> ModerationCase:
            doc = self._docs.get(ref)
            if doc is None:
                raise NotFound("no such moderation case", code="case_not_found")
            case = ModerationCase.model_validate(doc.data)
            if case.state is not CaseState.OPEN:
                raise Conflict("this case was already decided", code="already_decided")
            outcome = self._subjects[case.subject](case.subject_id, approve)
            now = self._clock()
            decided = case.model_copy(
                update={
                    "state": CaseState.APPROVED if approve else CaseState.REJECTED,
                    "decided_by": principal.user_id,
                    "decided_at": now,
                    "note": note,
                }
            )
            changes: list[Change] = [
                Put(ref, decided.model_dump(mode="json"), expect=doc.version),
                Unlink("cases", CaseState.OPEN, ref),
                Link("cases", decided.state, ref, sortable(now)),
                *outcome.changes,
            ]
            self._docs.commit(changes, outcome.events)
            if outcome.after is not None:
                outcome.after()
            return decided

        return retrying(attempt)
