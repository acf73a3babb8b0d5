"""Every patch the local runtime applies to moto, in one registry: what each replaces and why.

moto runs in the runtime's own server process (local/aws/moto_main.py) with these patches. Those
about correctness are always installed: `request_lock` makes every DynamoDB request atomic, as it
is on AWS, `journal` keeps every write once the runtime opens the journal (local/aws/moto_journal.py),
and local/aws/moto_fidelity.py delivers EventBridge and S3 events in AWS's shape. All
the others are about speed (moto does work that grows with the table
or the request where DynamoDB does not); each one's module docstring has its measurements, and
tests/unit/local/test_moto_*.py compare each with moto's own behaviour. `--no-query-patch` leaves
out `query` only.

Every patch is written for one moto version, `PINNED_MOTO_VERSION` (the pin of pyproject.toml):
`install` refuses any other version with `UnsupportedMoto` instead of running unpatched, and
checks that each patch replaced exactly the moto attributes its entry names. `remove` undoes
everything `install` did (the tests install and remove around each test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from local.aws import (
    moto_cognito,
    moto_conditions,
    moto_dispatch,
    moto_events,
    moto_fidelity,
    moto_items,
    moto_journal,
    moto_lock,
    moto_parse,
    moto_query,
    moto_records,
    moto_sqs,
    moto_streams,
    moto_transactions,
)

PINNED_MOTO_VERSION = "5.2.5"
Replace = Callable[[Any, str, Any], None]

_DYNAMODB_BACKEND = "moto.dynamodb.models.DynamoDBBackend"
_DYNAMODB_HANDLER = "moto.dynamodb.responses.DynamoHandler"
_TABLE = "moto.dynamodb.models.table.Table"
_DYNAMO_TYPE = "moto.dynamodb.models.dynamo_type.DynamoType"
_QUEUE = "moto.sqs.models.Queue"


@dataclass(frozen=True)
class Patch:
    name: str
    replaces: tuple[str, ...]
    """The moto attributes it replaces, as `module.Class.attribute`."""
    why: str
    install: Callable[[Replace], None]
    correctness: bool = False
    """Makes moto behave as AWS does; installed whatever the flags (the others only make it faster)."""
    adds: tuple[str, ...] = ()
    """Attributes moto lacks that it adds (an AWS operation moto does not implement), as `replaces`."""


REGISTRY: tuple[Patch, ...] = (
    Patch(
        "request_lock",
        (f"{_DYNAMODB_HANDLER}.call_action",),
        "moto's DynamoDB is not thread-safe and its server is threaded: conditional writes, updates and "
        "transactions of concurrent requests interleave and lose writes; each request runs alone",
        moto_lock.apply,
        correctness=True,
    ),
    Patch(
        "journal",
        (f"{_DYNAMODB_HANDLER}.call_action",),
        "moto keeps tables in memory only: once the runtime opens the journal, every successful write "
        "request appends the items it left, so a killed runtime loses no acknowledged write",
        moto_journal.apply,
        correctness=True,
    ),
    Patch(
        "transactions",
        (f"{_DYNAMODB_BACKEND}.transact_write_items",),
        "TransactWriteItems deep-copies every table it touches: O(table size) per transaction",
        moto_transactions.apply,
    ),
    Patch(
        "events",
        (
            "moto.events.utils.EventTemplateParser.parse",
            "moto.events.models.EventPattern.matches_event",
            "moto.events.models.EventsBackend.put_events",
        ),
        "PutEvents compiles JSONPath per target and round-trips JSON per rule it matches",
        moto_events.apply,
    ),
    Patch(
        "eventbridge_whole_events",
        ("moto.events.utils.EventTemplateParser.parse",),
        "without an input transformer AWS delivers the whole event to a target; moto leaves out `account`",
        moto_fidelity.apply_events,
        correctness=True,
    ),
    Patch(
        "s3_notification_records",
        ("moto.s3.notifications._get_s3_event",),
        "AWS's S3 notification records carry userIdentity, requestParameters, responseElements, the "
        "bucket's ownerIdentity and a sequencer; moto's have none",
        moto_fidelity.apply_s3,
        correctness=True,
    ),
    Patch(
        "cognito_write_attributes",
        (
            "moto.cognitoidp.models.CognitoIdpBackend.update_user_attributes",
            "moto.cognitoidp.models.CognitoIdpBackend.sign_up",
        ),
        "moto never checks an app client's WriteAttributes: a user could set custom:vendor_id on their own "
        "account; AWS refuses attributes the client may not write",
        moto_cognito.apply,
        correctness=True,
    ),
    Patch(
        "cognito_codes",
        tuple(
            f"moto.cognitoidp.responses.CognitoIdpResponse.{name}"
            for name in ("sign_up", "confirm_sign_up", "forgot_password", "confirm_forgot_password")
        ),
        "moto accepts any sign-up code, cannot resend one, and hands password reset codes out in a response "
        "header; AWS mails six-digit codes and refuses a wrong one (the codes go to the local mailbox)",
        moto_cognito.apply_codes,
        correctness=True,
        adds=("moto.cognitoidp.responses.CognitoIdpResponse.resend_confirmation_code",),
    ),
    Patch(
        "streams",
        ("moto.dynamodbstreams.responses.DynamoDBStreamsHandler.get_records",),
        "GetRecords serializes every stream image attribute by attribute through the shape model",
        moto_streams.apply,
    ),
    Patch(
        "items",
        (
            "moto.dynamodb.models.dynamo_type.Item.__init__",
            f"{_DYNAMO_TYPE}.__hash__",
            f"{_DYNAMO_TYPE}.__eq__",
            f"{_DYNAMO_TYPE}.__ne__",
        ),
        "building an item re-sums the size of every attribute after each one (O(attributes²)); string keys "
        "hash and compare through five type checks",
        moto_items.apply,
    ),
    Patch(
        "sqs",
        (
            f"{_QUEUE}.messages",
            f"{_QUEUE}.approximate_number_of_messages",
            f"{_QUEUE}.approximate_number_of_messages_not_visible",
            f"{_QUEUE}.approximate_number_of_messages_delayed",
            "moto.sqs.models.SQSBackend.is_message_valid_based_on_retention_period",
        ),
        "queue scans read the clock per message and every send or receive computes all queue attributes",
        moto_sqs.apply,
    ),
    Patch(
        "parse",
        (f"{_DYNAMODB_HANDLER}.parse_parameters",),
        "item request bodies are parsed through botocore's shape model value by value; they are plain JSON",
        moto_parse.apply,
    ),
    Patch(
        "conditions",
        ("moto.dynamodb.comparisons.ConditionExpressionParser.parse",),
        "the same condition expression is lexed and parsed twice per item",
        moto_conditions.apply,
    ),
    Patch(
        "dispatch",
        ("moto.moto_server.werkzeug_app.DomainDispatcherApplication.get_backend_for_host",),
        "every request lists moto's package directory and tries ~180 URL patterns to find its backend",
        moto_dispatch.apply,
    ),
    Patch(
        "records",
        ("moto.dynamodb.models.table.StreamRecord.__init__",),
        "stream records are sized through a JSON encoder subclass",
        moto_records.apply,
    ),
    Patch(
        "responses",
        ("moto.dynamodb.responses.DynamoResult.execute_result",),
        "Query/Scan/GetItem/BatchGetItem items, already in wire format, go through the shape serializer",
        moto_query.apply_responses,
    ),
    Patch(
        "duplicate_keys",
        (f"{_DYNAMODB_HANDLER}._contains_duplicates",),
        "BatchGetItem compares each key with every earlier one (O(keys²))",
        moto_query.apply_duplicate_keys,
    ),
    Patch(
        "query",
        (
            f"{_TABLE}.__init__",
            f"{_TABLE}.put_item",
            f"{_TABLE}.delete_item",
            f"{_DYNAMODB_BACKEND}.update_item",
            *(f"{_DYNAMODB_BACKEND}.{name}" for name in moto_query.WRITE_METHODS),
            f"{_TABLE}.query",
        ),
        "Query flattens, filters and sorts the whole table on every call (~850 ms at 100k items)",
        moto_query.apply,
    ),
)


class UnsupportedMoto(RuntimeError):
    """The installed moto is not the version the patches were written and tested for."""


class PatchMismatch(RuntimeError):
    """A patch replaced other moto attributes than its registry entry names."""


_MISSING = object()
_saved: list[tuple[Any, str, Any]] = []


def qualified(owner: Any, name: str) -> str:
    """`module.Class.attribute` (or `module.attribute`) of what `replace(owner, name, ...)` replaces."""
    if isinstance(owner, ModuleType):
        return f"{owner.__name__}.{name}"
    return f"{owner.__module__}.{owner.__qualname__}.{name}"


def require_pinned_moto() -> None:
    import moto

    if moto.__version__ != PINNED_MOTO_VERSION:
        raise UnsupportedMoto(
            f"moto {moto.__version__} is installed, but the local runtime's moto patches are written and tested "
            f"for moto {PINNED_MOTO_VERSION} only (local/aws/patches.py); install the pinned version "
            f"(`uv sync`), or port the patches and change PINNED_MOTO_VERSION with the pin in pyproject.toml"
        )


def selected(*, query: bool = True) -> list[Patch]:
    """The patches the runtime installs: all of them, or all but `query`."""
    return [patch for patch in REGISTRY if query or patch.name != "query"]


def install(patches: Iterable[Patch] | None = None) -> list[str]:
    """Install `patches` (default: every one) into this process's moto; returns their names.
    While patches are installed (until `remove`), installing again does nothing."""
    require_pinned_moto()
    if _saved:
        return []
    installed = []
    for patch in REGISTRY if patches is None else patches:
        replaced: list[str] = []

        def replace(owner: Any, name: str, value: Any, replaced: list[str] = replaced) -> None:
            replaced.append(qualified(owner, name))
            _saved.append((owner, name, owner.__dict__.get(name, _MISSING)))
            setattr(owner, name, value)

        patch.install(replace)
        expected = sorted((*patch.replaces, *patch.adds))
        if sorted(replaced) != expected:
            remove()
            raise PatchMismatch(f"{patch.name} replaced {sorted(replaced)}, its entry says {expected}")
        installed.append(patch.name)
    return installed


def remove() -> None:
    """Undo `install` (tables created meanwhile keep their sorted partitions, which moto reads as dicts)."""
    while _saved:
        owner, name, original = _saved.pop()
        if original is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
