"""What every community service is built from (the composition root fills it once per process)."""

from __future__ import annotations

from dataclasses import dataclass

from functions.common.pagination import CursorCodec
from functions.community.logic.moderation import Screener
from functions.community.logic.ports import Clock, Documents, IdFactory


@dataclass(frozen=True)
class PublicUrls:
    api_url: str
    """Where the API is served: short links and confirmation links point here."""
    web_url: str
    """The web client, where short links lead."""


@dataclass(frozen=True)
class Deps:
    docs: Documents
    screener: Screener
    cursors: CursorCodec
    clock: Clock
    new_id: IdFactory
