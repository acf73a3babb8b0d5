"""Settings parsed once from environment variables.

Each function composes the mixins it needs into one model and calls `load_settings` at cold
start; a missing or malformed variable fails fast with a message naming it.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class SettingsError(RuntimeError):
    """A required environment variable is missing or malformed."""


class EnvSettings(BaseModel):
    """Base for settings models: field names are the upper-cased variable names. Each is built when
    a function first loads it (most functions load one or two of the many declared here)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)


class Observability(EnvSettings):
    powertools_service_name: str = Field(alias="POWERTOOLS_SERVICE_NAME")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="LOG_LEVEL")


class Stage(EnvSettings):
    stage: str = Field(alias="STAGE", pattern=r"^[a-z][a-z0-9-]{0,20}$")


class TableSettings(EnvSettings):
    table_name: str = Field(alias="TABLE_NAME", min_length=3)


class EventBusSettings(EnvSettings):
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", min_length=1)


SECRET_MAX_AGE_SECONDS = 300
"""How long a secret read at run time is cached: a rotated value reaches running functions within it."""


class CursorSettings(EnvSettings):
    """Key that signs pagination cursors so that clients cannot forge them.

    Either the key itself (`CURSOR_SECRET`, the local runtime) or the ARN of the Secrets Manager
    secret that holds it (`CURSOR_SECRET_ARN`, on AWS): read at run time through Powertools
    parameters and cached for `SECRET_MAX_AGE_SECONDS`, never resolved into the environment.
    """

    cursor_secret_value: str | None = Field(default=None, alias="CURSOR_SECRET", min_length=16)
    cursor_secret_arn: str | None = Field(default=None, alias="CURSOR_SECRET_ARN", min_length=20)

    @model_validator(mode="after")
    def _one_cursor_key(self) -> Self:
        if (self.cursor_secret_value is None) == (self.cursor_secret_arn is None):
            raise ValueError("set exactly one of CURSOR_SECRET and CURSOR_SECRET_ARN")
        return self

    @property
    def cursor_secret(self) -> str:
        """The current key (from the cache of the secret when it is one)."""
        return self.cursor_key()

    def cursor_key(self) -> str:
        if self.cursor_secret_value is not None:
            return self.cursor_secret_value
        from aws_lambda_powertools.utilities.parameters import get_secret

        return get_secret(str(self.cursor_secret_arn), max_age=SECRET_MAX_AGE_SECONDS)


class CorsSettings(EnvSettings):
    """Origins whose browsers may read API responses: comma-separated; `*` (any) when unset."""

    cors_origins: str = Field(default="*", alias="CORS_ORIGINS", min_length=1)

    @property
    def origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()] or ["*"]


class LinkSettings(EnvSettings):
    """Where links in what a function writes point (share links, avatars, e-mails): the web client and
    the REST API.

    The API's URL is either given (`PUBLIC_API_URL`, the local runtime) or read at run time from the
    SSM parameter the API stack writes (`PUBLIC_API_URL_PARAMETER`, on AWS: a function behind the API
    cannot take the API's URL into its environment without a dependency cycle), cached like a secret.
    """

    web_url: str = Field(default="http://127.0.0.1:8080", alias="WEB_URL", min_length=8)
    public_api_url: str | None = Field(default=None, alias="PUBLIC_API_URL", min_length=8)
    public_api_url_parameter: str | None = Field(default=None, alias="PUBLIC_API_URL_PARAMETER", min_length=2)

    @property
    def web_base(self) -> str:
        return self.web_url.rstrip("/")

    def api_base(self) -> str | None:
        """The API's base URL without a trailing slash, if one is configured."""
        if self.public_api_url is not None:
            return self.public_api_url.rstrip("/")
        if self.public_api_url_parameter is None:
            return None
        from aws_lambda_powertools.utilities.parameters import get_parameter

        return str(get_parameter(self.public_api_url_parameter, max_age=SECRET_MAX_AGE_SECONDS)).rstrip("/")


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


DEFAULT_REGION = "eu-west-1"


class AwsSettings(EnvSettings):
    """Where the AWS SDKs connect: the region and, locally, an endpoint (moto, the local runtime)."""

    aws_region: str | None = Field(default=None, alias="AWS_REGION")
    aws_default_region: str | None = Field(default=None, alias="AWS_DEFAULT_REGION")
    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")
    aws_endpoint_url_dynamodb: str | None = Field(default=None, alias="AWS_ENDPOINT_URL_DYNAMODB")

    @property
    def region(self) -> str:
        return self.aws_region or self.aws_default_region or DEFAULT_REGION

    @property
    def dynamodb_endpoint(self) -> str | None:
        return self.aws_endpoint_url_dynamodb or self.aws_endpoint_url


def aws_settings() -> AwsSettings:
    """The AWS variables as they are now (not cached like `load_settings`: tests and the local
    runtime set them within one process before binding tables)."""
    return AwsSettings.model_validate(dict(os.environ))


class ApiSettings(Observability, Stage, TableSettings, EventBusSettings, CursorSettings):
    """What every context's REST API function needs."""


SettingsT = TypeVar("SettingsT", bound=EnvSettings)


@cache
def load_settings(model: type[SettingsT]) -> SettingsT:
    """Parse the process environment into `model`, once per process."""
    try:
        return model.model_validate(dict(os.environ))
    except ValidationError as exc:
        problems = ", ".join(
            f"{_alias(model, str(err['loc'][0]))}: {err['msg']}" if err["loc"] else str(err["msg"])
            for err in exc.errors()
        )
        raise SettingsError(f"invalid environment for {model.__name__}: {problems}") from exc


def _alias(model: type[EnvSettings], field: str) -> str:
    info = model.model_fields.get(field)
    return info.alias if info and info.alias else field
