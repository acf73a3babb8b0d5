"""Settings parsed once from environment variables.

Each function composes the mixins it needs into one model and calls `load_settings` at cold
start; a missing or malformed variable fails fast with a message naming it.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SettingsError(RuntimeError):
    """A required environment variable is missing or malformed."""


class EnvSettings(BaseModel):
    """Base for settings models: field names are the upper-cased variable names."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Observability(EnvSettings):
    powertools_service_name: str = Field(alias="POWERTOOLS_SERVICE_NAME")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="LOG_LEVEL")


class Stage(EnvSettings):
    stage: str = Field(alias="STAGE", pattern=r"^[a-z][a-z0-9-]{0,20}$")


class TableSettings(EnvSettings):
    table_name: str = Field(alias="TABLE_NAME", min_length=3)


class EventBusSettings(EnvSettings):
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", min_length=1)


class CursorSettings(EnvSettings):
    """Key that signs pagination cursors so that clients cannot forge them."""

    cursor_secret: str = Field(alias="CURSOR_SECRET", min_length=16)


class FeedsBucketSettings(EnvSettings):
    feeds_bucket: str = Field(alias="FEEDS_BUCKET", min_length=3)


class SearchSettings(EnvSettings):
    search_backend: Literal["tantivy", "opensearch"] = Field(alias="SEARCH_BACKEND")
    search_endpoint: str | None = Field(default=None, alias="SEARCH_ENDPOINT")
    search_index_path: str | None = Field(default=None, alias="SEARCH_INDEX_PATH")
    search_index_name: str = Field(default="products", alias="SEARCH_INDEX_NAME")


class WebSocketSettings(EnvSettings):
    websocket_endpoint: str = Field(alias="WEBSOCKET_ENDPOINT")


class UserPoolSettings(EnvSettings):
    user_pool_id: str = Field(alias="USER_POOL_ID")


class ApiSettings(Observability, Stage, TableSettings, EventBusSettings, CursorSettings):
    """What every context's REST API function needs."""


SettingsT = TypeVar("SettingsT", bound=EnvSettings)


@cache
def load_settings(model: type[SettingsT]) -> SettingsT:
    """Parse the process environment into `model`, once per process."""
    try:
        return model.model_validate(dict(os.environ))
    except ValidationError as exc:
        problems = ", ".join(f"{_alias(model, str(err['loc'][0]))}: {err['msg']}" for err in exc.errors() if err["loc"])
        raise SettingsError(f"invalid environment for {model.__name__}: {problems}") from exc


def _alias(model: type[EnvSettings], field: str) -> str:
    info = model.model_fields.get(field)
    return info.alias if info and info.alias else field
