"""Earning rules: read by every use case, changed by admins (versioned, optimistic)."""

from __future__ import annotations

from functions.common.auth import Principal, Role
from functions.rewards.logic.domain import EarningRules, RulesVersion
from functions.rewards.logic.ports import Clock, RulesStore


class RulesService:
    def __init__(self, store: RulesStore, clock: Clock):
        self._store = store
        self._clock = clock

    def current(self) -> RulesVersion:
        """The saved rules, or the defaults (version 0) until an admin saves some."""
        return self._store.current_rules() or RulesVersion(version=0, rules=EarningRules())

    def for_admin(self, caller: Principal) -> RulesVersion:
        caller.require(Role.ADMIN)
        return self.current()

    def update(self, caller: Principal, expected_version: int, rules: EarningRules) -> RulesVersion:
        """Save the rules as the next version; Conflict `rules_version_conflict` when someone saved
        another version since `expected_version` was read."""
        caller.require(Role.ADMIN)
        saved = RulesVersion(
            version=expected_version + 1, rules=rules, updated_by=caller.user_id, updated_at=self._clock()
        )
        self._store.save_rules(saved, expected_version)
        return saved
