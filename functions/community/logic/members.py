"""When a member joined the community: their profile exists from their first contribution."""

from __future__ import annotations

from datetime import datetime

from functions.community.logic.domain import Profile
from functions.community.logic.ports import Change, Documents, Put, Ref


def profile_ref(user_id: str) -> Ref:
    return Ref("profile", user_id)


def member_since(docs: Documents, user_id: str, now: datetime) -> tuple[datetime, list[Change]]:
    """When the member joined, and the change that creates their profile if they have none yet
    (commit it with the contribution)."""
    doc = docs.get(profile_ref(user_id))
    if doc is not None:
        return Profile.model_validate(doc.data).joined_at, []
    profile = Profile(user_id=user_id, joined_at=now)
    return now, [Put(profile_ref(user_id), profile.model_dump(mode="json"), expect=0)]
