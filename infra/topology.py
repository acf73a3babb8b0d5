"""Every context's wiring, collected for the CDK app and the local runtime.

Free of CDK imports, so the local runtime reads the same description the CDK app deploys.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from pynamodb.models import Model

from functions.common.wiring import ContextWiring, Function, Need

CONTEXTS = ("vendor", "catalog", "orders", "community", "advice", "rewards", "notifications")


@cache
def contexts() -> tuple[ContextWiring, ...]:
    return tuple(importlib.import_module(f"functions.{name}.wiring").WIRING for name in CONTEXTS)


def context(name: str) -> ContextWiring:
    return next(wiring for wiring in contexts() if wiring.name == name)


def table_model(wiring: ContextWiring) -> type[Model]:
    module, _, attribute = wiring.table.model.partition(":")
    model: type[Model] = getattr(importlib.import_module(module), attribute)
    return model


def resolve_handler(function: Function) -> object:
    """Import a function's handler; only the local runtime and tests call this."""
    module, _, attribute = function.handler.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def table_name(stage: str, context_name: str) -> str:
    return f"plein-{stage}-{context_name}"


def function_name(stage: str, function: Function) -> str:
    return f"plein-{stage}-{function.name}"


def queue_name(stage: str, function: Function) -> str:
    return f"plein-{stage}-{function.name}"


REDEMPTIONS_FUNCTION = "rewards-redemptions"
"""The function Need.REDEMPTIONS invokes (functions/rewards/wiring.py)."""


def redemptions_function_name(stage: str) -> str:
    return f"plein-{stage}-{REDEMPTIONS_FUNCTION}"


def bus_name(stage: str) -> str:
    return f"plein-{stage}"


@dataclass(frozen=True)
class Endpoints:
    """Where the shared resources are, for one stage (tokens in CDK, literal values locally)."""

    stage: str
    feeds_bucket: str
    # The cursor key itself (local runtime), or the ARN of the secret holding it, read at run time (AWS).
    cursor_secret: str | None = None
    cursor_secret_arn: str | None = None
    search_backend: str = "opensearch"
    search_endpoint: str | None = None
    search_index_path: str | None = None
    user_pool_id: str | None = None
    websocket_endpoint: str | None = None
    log_level: str = "INFO"
    media_provider: str = "kvs"
    """Live advice media: `kvs` or `chime` on AWS (the stage's choice), `p2p` (WebRTC relayed over
    the socket) locally."""
    # Origins API responses allow (CORS); empty: any origin (the local runtime).
    cors_origins: tuple[str, ...] = ()
    payment_provider: str | None = None
    payment_secret_arn: str | None = None
    mail_sender: str | None = None
    """The verified SES identity (address) notifications are sent from."""
    mail_configuration_set: str | None = None
    push_applications: tuple[tuple[str, str], ...] = ()
    """SNS platform applications by device platform: (("fcm", arn), ("apns", arn))."""
    web_url: str | None = None
    """The web client's origin, for links in e-mails."""
    public_api_url: str | None = None
    """The REST API's base URL (the local runtime); on AWS `public_api_url_parameter` names the SSM
    parameter holding it, read at run time (a function behind the API cannot take its URL directly)."""
    public_api_url_parameter: str | None = None


def function_environment(wiring: ContextWiring, function: Function, endpoints: Endpoints) -> dict[str, str]:
    """Environment variables of one function; the settings models in functions/common parse them."""
    env = {
        "STAGE": endpoints.stage,
        "POWERTOOLS_SERVICE_NAME": f"plein-{wiring.name}",
        "POWERTOOLS_METRICS_NAMESPACE": "Plein",
        "LOG_LEVEL": endpoints.log_level,
        "TABLE_NAME": table_name(endpoints.stage, wiring.name),
        "EVENT_BUS_NAME": bus_name(endpoints.stage),
        "EVENT_SOURCE": wiring.source,
    }
    if endpoints.cursor_secret_arn:
        env["CURSOR_SECRET_ARN"] = endpoints.cursor_secret_arn
    elif endpoints.cursor_secret:
        env["CURSOR_SECRET"] = endpoints.cursor_secret
    if function == wiring.api and endpoints.cors_origins:
        env["CORS_ORIGINS"] = ",".join(endpoints.cors_origins)
    if Need.PAYMENTS in function.needs and endpoints.payment_provider:
        env["PAYMENT_PROVIDER"] = endpoints.payment_provider
        if endpoints.payment_secret_arn:
            env["PAYMENT_SECRET_ARN"] = endpoints.payment_secret_arn
    if Need.FEEDS_BUCKET in function.needs:
        env["FEEDS_BUCKET"] = endpoints.feeds_bucket
    if Need.SEARCH in function.needs:
        env["SEARCH_BACKEND"] = endpoints.search_backend
        env["SEARCH_INDEX_NAME"] = "products"
        if endpoints.search_endpoint:
            env["SEARCH_ENDPOINT"] = endpoints.search_endpoint
        if endpoints.search_index_path:
            env["SEARCH_INDEX_PATH"] = endpoints.search_index_path
    env |= _socket_environment(function, endpoints)
    env |= _messaging_environment(function, endpoints)
    env |= _links_environment(function, endpoints)
    env |= _invoke_environment(function, endpoints)
    return env


def _invoke_environment(function: Function, endpoints: Endpoints) -> dict[str, str]:
    """The functions of other contexts a function invokes directly."""
    if Need.REDEMPTIONS not in function.needs:
        return {}
    return {"REDEMPTIONS_FUNCTION": redemptions_function_name(endpoints.stage)}


def _socket_environment(function: Function, endpoints: Endpoints) -> dict[str, str]:
    """The advice socket's: who checks tokens, where to post to connections, the media provider."""
    found: dict[str, str] = {}
    if (Need.USER_POOL in function.needs or Need.TOKENS in function.needs) and endpoints.user_pool_id:
        found["USER_POOL_ID"] = endpoints.user_pool_id
    if Need.WEBSOCKET in function.needs and endpoints.websocket_endpoint:
        found["WEBSOCKET_ENDPOINT"] = endpoints.websocket_endpoint
    if Need.MEDIA in function.needs:
        found["MEDIA_PROVIDER"] = endpoints.media_provider
    return found


def _messaging_environment(function: Function, endpoints: Endpoints) -> dict[str, str]:
    """Mail, push and contacts settings of functions that send notifications."""
    found: dict[str, str] = {}
    if Need.MAIL in function.needs and endpoints.mail_sender:
        found["MAIL_SENDER"] = endpoints.mail_sender
        if endpoints.mail_configuration_set:
            found["MAIL_CONFIGURATION_SET"] = endpoints.mail_configuration_set
    if Need.PUSH in function.needs and endpoints.push_applications:
        found["PUSH_APPLICATIONS"] = ",".join(f"{platform}={arn}" for platform, arn in endpoints.push_applications)
    if Need.CONTACTS in function.needs and endpoints.user_pool_id:
        found["USER_POOL_ID"] = endpoints.user_pool_id
    return found


def _links_environment(function: Function, endpoints: Endpoints) -> dict[str, str]:
    """Where the links a function writes point: the web client and the REST API."""
    if Need.LINKS not in function.needs:
        return {}
    found: dict[str, str] = {}
    if endpoints.web_url:
        found["WEB_URL"] = endpoints.web_url
    if endpoints.public_api_url:
        found["PUBLIC_API_URL"] = endpoints.public_api_url
    elif endpoints.public_api_url_parameter:
        found["PUBLIC_API_URL_PARAMETER"] = endpoints.public_api_url_parameter
    return found


def mail_configuration_set(stage: str) -> str:
    """The SES configuration set mail is sent through; it routes bounces and complaints to EventBridge."""
    return f"plein-{stage}-mail"


def public_api_url_parameter(stage: str) -> str:
    """The SSM parameter the API stack writes the REST API's URL to."""
    return f"/plein/{stage}/public-api-url"
