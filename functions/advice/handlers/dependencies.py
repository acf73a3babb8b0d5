"""Settings and services of the advice functions, built once per process on first use.

Routes receive services through Powertools `Depends(...)`; tests replace them with
`app.dependency_overrides[...]`. The socket, the sweep and the orders consumer call the same
providers.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from functions.advice.logic.applications import ApplicationService
from functions.advice.logic.inbox import InboxFrames
from functions.advice.logic.live import LiveService
from functions.advice.logic.programs import ProgramService
from functions.advice.logic.sessions import SessionService
from functions.common.pagination import CursorCodec
from functions.common.settings import (
    ApiSettings,
    CursorSettings,
    EnvSettings,
    Observability,
    Stage,
    TableSettings,
    UserPoolSettings,
    WebSocketSettings,
    load_settings,
)

if TYPE_CHECKING:
    from functions.advice.logic.ports import MediaProvider
    from functions.advice.store.cognito import CognitoTokens
    from functions.advice.store.dynamo import DynamoAdviceStore


class AdviceApiSettings(ApiSettings, UserPoolSettings):
    """The advice REST API: its table, the bus (through the outbox) and the user pool (groups)."""


class MediaSettings(EnvSettings):
    media_provider: Literal["p2p", "chime", "kvs"] = Field(alias="MEDIA_PROVIDER")
    region: str = Field(alias="AWS_REGION", min_length=1)


class LiveSettings(Observability, Stage, TableSettings, WebSocketSettings, MediaSettings):
    """The advice socket and its sweep: table, @connections endpoint and media."""


class InboxFrameSettings(Observability, TableSettings, WebSocketSettings):
    """The NotificationCreated consumer: the connections (table) and the @connections endpoint."""


class AdviceTableSettings(Observability, TableSettings, CursorSettings):
    """What the programs, sessions and conversions services need: the table (and list cursors)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def new_invite_code() -> str:
    """Readable and unguessable: 10 characters of an alphabet without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@cache
def _store(table_name: str) -> DynamoAdviceStore:
    from functions.advice.store.dynamo import DynamoAdviceStore

    return DynamoAdviceStore(table_name)


@cache
def program_service() -> ProgramService:
    from functions.advice.store.cognito import CognitoDirectory
    from functions.common.aws import client

    settings = load_settings(AdviceApiSettings)
    store = _store(settings.table_name)
    members = CognitoDirectory(client("cognito-idp"), settings.user_pool_id)
    return ProgramService(store, store, store, clock=utc_now, new_id=new_id, new_code=new_invite_code, members=members)


@cache
def application_service() -> ApplicationService:
    from functions.advice.store.cognito import CognitoDirectory
    from functions.common.aws import client

    settings = load_settings(AdviceApiSettings)
    store = _store(settings.table_name)
    directory = CognitoDirectory(client("cognito-idp"), settings.user_pool_id)
    return ApplicationService(store, store, store, directory, clock=utc_now, new_id=new_id)


@cache
def session_service() -> SessionService:
    from functions.advice.store.quality import TranscriptQualityScorer

    settings = load_settings(AdviceTableSettings)
    store = _store(settings.table_name)
    return SessionService(
        store, store, store, TranscriptQualityScorer(), clock=utc_now, cursors=CursorCodec(settings.cursor_secret)
    )


def media_provider(settings: LiveSettings) -> MediaProvider:
    from functions.common.aws import client

    if settings.media_provider == "chime":
        from functions.advice.store.media import ChimeMedia

        return ChimeMedia(client("chime-sdk-meetings"), settings.region)
    if settings.media_provider == "kvs":
        import boto3

        from functions.advice.store.media import KinesisVideoMedia, sigv4_presigner

        return KinesisVideoMedia(
            client("kinesisvideo"),
            lambda endpoint: client("kinesis-video-signaling", endpoint),
            prefix=f"plein-{settings.stage}-advice",
            presign=sigv4_presigner(boto3.session.Session().get_credentials, settings.region),
        )
    from functions.advice.store.media import PeerToPeerMedia

    return PeerToPeerMedia()


@cache
def inbox_frames() -> InboxFrames:
    from functions.advice.store.notifier import ConnectionsNotifier
    from functions.common.aws import client

    settings = load_settings(InboxFrameSettings)
    notifier = ConnectionsNotifier(client("apigatewaymanagementapi", settings.websocket_endpoint))
    return InboxFrames(_store(settings.table_name), notifier)


@cache
def live_service() -> LiveService:
    from functions.advice.store.classifier import KeywordClassifier
    from functions.advice.store.notifier import ConnectionsNotifier
    from functions.common.aws import client

    settings = load_settings(LiveSettings)
    store = _store(settings.table_name)
    return LiveService(
        live=store,
        sessions=store,
        programs=store,
        advisors=store,
        notifier=ConnectionsNotifier(client("apigatewaymanagementapi", settings.websocket_endpoint)),
        media=media_provider(settings),
        classifier=KeywordClassifier(),
        clock=utc_now,
        new_id=new_id,
    )


@cache
def token_check() -> CognitoTokens:
    """The `$connect` authorizer's token check."""
    from functions.advice.store.cognito import CognitoTokens
    from functions.common.aws import client

    return CognitoTokens(client("cognito-idp"))
