"""The advice table (layout in records.py): every store port of the advice logic, on boto3.

Each item keeps its domain model as JSON in `data`; attributes that concurrent writers change
(`status`, `active_sessions`, `uses`, `declined`, `conversions`, ...) live beside it and win over
`data` when read. Changes that publish an event save it in the outbox in the same transaction.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from functions.advice.logic.domain import (
    MAX_PARALLEL_SESSIONS,
    RESPONSE_SAMPLES,
    AdviceRequest,
    AdvisorProfile,
    AdvisorStats,
    Application,
    Article,
    Candidate,
    Connection,
    Conversion,
    Earning,
    Invite,
    Message,
    Program,
    ProgramTest,
    RequestStatus,
    Session,
    SessionStatus,
)
from functions.common.dynamo import cancellation_codes, translate_errors
from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_put

ModelT = TypeVar("ModelT", bound=BaseModel)
CONNECTION_LIFETIME = timedelta(hours=2, minutes=5)
ONLINE = "online"
OPEN_REQUESTS = "requests#open"
REVIEW = "sessions#review"
_ARTICLES = TypeAdapter(list[Article])
_CARD_OWN = frozenset({"active_sessions", "last_offered_at"})
_REQUEST_OWN = frozenset({"status", "declined"})
_SESSION_OWN = frozenset({"status", "first_response_at", "media_ref", "conversions", "revenue"})


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int | float) -> dict[str, str]:
    return {"N": str(value)}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": s(pk), "sk": s(sk)}


def iso(moment: datetime) -> str:
    return moment.isoformat()


class DynamoAdviceStore:
    """Implements ProgramStore, ApplicationStore, AdvisorStore, LiveStore and SessionStore."""

    def __init__(self, table_name: str, client: Any = None):
        if client is None:
            from functions.common.aws import client as aws_client

            client = aws_client("dynamodb")
        self._table = table_name
        self._db = client

    # ---- plumbing ----------------------------------------------------------------------------
    def _item(self, pk: str, sk: str, model: BaseModel, exclude: frozenset[str] = frozenset(), **extra: Any) -> Any:
        item = {**key(pk, sk), "data": s(model.model_dump_json(exclude=set(exclude)))}
        item.update({name: value for name, value in extra.items() if value is not None})
        return item

    def _put(self, item: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": item}
        if condition:
            put["ConditionExpression"] = condition
        return put

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with translate_errors():
            item = self._db.get_item(TableName=self._table, Key=key(pk, sk), ConsistentRead=True).get("Item")
        return item if isinstance(item, dict) else None

    def _load(self, model: type[ModelT], pk: str, sk: str) -> ModelT | None:
        item = self._get(pk, sk)
        return None if item is None else model.model_validate_json(item["data"]["S"])

    def _query(self, **request: Any) -> Iterator[dict[str, Any]]:
        paginator = self._db.get_paginator("query")
        with translate_errors():
            for page in paginator.paginate(TableName=self._table, **request):
                yield from page.get("Items", [])

    def _transact(self, operations: list[dict[str, Any]]) -> list[str | None] | None:
        """Run a transaction; the per-operation failure codes if a condition failed, else None."""
        try:
            self._db.transact_write_items(TransactItems=operations)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes is not None and "ConditionalCheckFailed" in codes:
                return codes
            if codes is not None:
                raise Conflict("the items were changed concurrently, retry", code="conflict") from exc
            with translate_errors():
                raise
        return None

    def _update(self, pk: str, sk: str, expression: str, values: dict[str, Any] | None = None, **more: Any) -> Any:
        update: dict[str, Any] = {"TableName": self._table, "Key": key(pk, sk), "UpdateExpression": expression}
        if values:
            update["ExpressionAttributeValues"] = values
        update.update(more)
        return update

    # ---- programs ----------------------------------------------------------------------------
    def create_program(self, program: Program) -> None:
        item = self._item(
            f"program#{program.program_id}",
            "program",
            program,
            gsi1pk=s("programs"),
            gsi1sk=s(f"{iso(program.created_at)}#{program.program_id}"),
        )
        with translate_errors("the program exists"):
            self._db.put_item(**self._put(item, "attribute_not_exists(pk)"))

    def program(self, program_id: str) -> Program | None:
        return self._load(Program, f"program#{program_id}", "program")

    def programs(self) -> list[Program]:
        items = self._query(
            IndexName="gsi1", KeyConditionExpression="gsi1pk = :p", ExpressionAttributeValues={":p": s("programs")}
        )
        return [Program.model_validate_json(item["data"]["S"]) for item in items]

    def save_test(self, program_id: str, test: ProgramTest) -> None:
        with translate_errors():
            self._db.put_item(**self._put(self._item(f"program#{program_id}", "test", test)))

    def test(self, program_id: str) -> ProgramTest | None:
        return self._load(ProgramTest, f"program#{program_id}", "test")

    def save_articles(self, program_id: str, articles: list[Article]) -> None:
        item = {**key(f"program#{program_id}", "articles"), "data": s(_ARTICLES.dump_json(articles).decode())}
        with translate_errors():
            self._db.put_item(**self._put(item))

    def articles(self, program_id: str) -> list[Article]:
        item = self._get(f"program#{program_id}", "articles")
        return [] if item is None else _ARTICLES.validate_json(item["data"]["S"])

    def create_invite(self, invite: Invite, invitations: Sequence[DomainEvent] = ()) -> None:
        item = self._item(f"invite#{invite.code}", "invite", invite, exclude=frozenset({"uses"}), uses=n(0))
        if invite.max_uses is not None:
            item["max_uses"] = n(invite.max_uses)
        put = self._put(item, "attribute_not_exists(pk)")
        if not invitations:
            with translate_errors("the invite code exists"):
                self._db.put_item(**put)
            return
        if self._transact([{"Put": put}, *(outbox_put(self._table, event) for event in invitations)]) is not None:
            raise Conflict("the invite code exists", code="conflict")

    def invite(self, code: str) -> Invite | None:
        item = self._get(f"invite#{code}", "invite")
        if item is None:
            return None
        return Invite.model_validate({**json.loads(item["data"]["S"]), "uses": int(item["uses"]["N"])})

    def use_invite(self, invite: Invite, application: Application) -> None:
        count = self._update(
            f"invite#{invite.code}",
            "invite",
            "SET uses = uses + :one",
            {":one": n(1)},
            ConditionExpression="attribute_not_exists(max_uses) OR uses < max_uses",
        )
        codes = self._transact([{"Update": count}, *self._application_puts(application)])
        if codes is not None:
            if codes[0] is not None:
                raise Conflict("the invite code has been used up", code="invite_used_up")
            raise Conflict("you already applied to this program", code="already_applied")

    # ---- applications ------------------------------------------------------------------------
    def _application_puts(self, application: Application, *, new: bool = True) -> list[dict[str, Any]]:
        main = self._item(f"application#{application.application_id}", "application", application)
        pointer = {
            **key(f"user#{application.user_id}", f"application#{application.program_id}"),
            "data": s(json.dumps({"application_id": application.application_id})),
        }
        condition = "attribute_not_exists(pk)" if new else None
        return [{"Put": self._put(main, condition)}, {"Put": self._put(pointer, condition)}]

    def application(self, application_id: str) -> Application | None:
        return self._load(Application, f"application#{application_id}", "application")

    def application_of(self, user_id: str, program_id: str) -> Application | None:
        pointer = self._get(f"user#{user_id}", f"application#{program_id}")
        if pointer is None:
            return None
        return self.application(json.loads(pointer["data"]["S"])["application_id"])

    def save_application(self, application: Application) -> None:
        item = self._item(f"application#{application.application_id}", "application", application)
        with translate_errors():
            self._db.put_item(**self._put(item))

    def approve(self, application: Application, profile: AdvisorProfile, event: DomainEvent) -> None:
        operations = [
            {"Put": self._put(self._item(f"application#{application.application_id}", "application", application))},
            *self._profile_puts(profile),
            outbox_put(self._table, event),
        ]
        if self._transact(operations) is not None:
            raise Conflict("the application changed concurrently", code="conflict")

    # ---- advisors ----------------------------------------------------------------------------
    def profile(self, user_id: str) -> AdvisorProfile | None:
        return self._load(AdvisorProfile, f"advisor#{user_id}", "profile")

    def save_profile(self, profile: AdvisorProfile) -> None:
        if self._transact(self._profile_puts(profile)) is not None:
            raise Conflict("the profile changed concurrently", code="conflict")

    def _profile_puts(self, profile: AdvisorProfile) -> list[dict[str, Any]]:
        """The profile and a membership item per program it is approved for (programs are never
        taken away, so the memberships only grow)."""
        user = profile.user_id
        memberships = [
            {"Put": self._put({**key(f"program#{program_id}", f"advisor#{user}"), "user_id": s(user)})}
            for program_id in profile.programs
        ]
        return [{"Put": self._put(self._item(f"advisor#{profile.user_id}", "profile", profile))}, *memberships]

    def program_advisors(self, program_id: str) -> list[str]:
        items = self._query(
            KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
            ExpressionAttributeValues={":p": s(f"program#{program_id}"), ":a": s("advisor#")},
            ProjectionExpression="user_id",
        )
        return [item["user_id"]["S"] for item in items]

    def stats(self, user_id: str) -> AdvisorStats:
        item = self._get(f"advisor#{user_id}", "stats") or {}

        def number(name: str) -> float:
            return float(item[name]["N"]) if name in item else 0.0

        times = [int(v["N"]) for v in item.get("response_ms", {}).get("L", [])][-RESPONSE_SAMPLES:]
        return AdvisorStats(
            rating_sum=int(number("rating_sum")),
            rating_count=int(number("rating_count")),
            response_ms=times,
            quality_sum=number("quality_sum"),
            quality_count=int(number("quality_count")),
        )

    def earnings(self, user_id: str) -> list[Earning]:
        items = self._query(
            KeyConditionExpression="pk = :p AND begins_with(sk, :e)",
            ExpressionAttributeValues={":p": s(f"advisor#{user_id}"), ":e": s("earning#")},
        )
        return [Earning.model_validate_json(item["data"]["S"]) for item in items]

    # ---- connections and presence ------------------------------------------------------------
    def save_connection(self, connection: Connection) -> None:
        expires = int((connection.connected_at + CONNECTION_LIFETIME).timestamp())
        item = self._item(
            f"conn#{connection.connection_id}",
            "conn",
            connection,
            gsi1pk=s(f"user#{connection.user_id}#conns"),
            gsi1sk=s(connection.connection_id),
            ttl=n(expires),
        )
        with translate_errors():
            self._db.put_item(**self._put(item))

    def connection(self, connection_id: str) -> Connection | None:
        return self._load(Connection, f"conn#{connection_id}", "conn")

    def drop_connection(self, connection_id: str) -> None:
        with translate_errors():
            self._db.delete_item(TableName=self._table, Key=key(f"conn#{connection_id}", "conn"))

    def connections_of(self, user_id: str) -> list[Connection]:
        items = self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p",
            ExpressionAttributeValues={":p": s(f"user#{user_id}#conns")},
        )
        return [Connection.model_validate_json(item["data"]["S"]) for item in items]

    @staticmethod
    def _card(item: dict[str, Any]) -> Candidate:
        fields = json.loads(item["data"]["S"])
        fields["active_sessions"] = int(item.get("active_sessions", {"N": "0"})["N"])
        fields["last_offered_at"] = item.get("last_offered_at", {}).get("S")
        return Candidate.model_validate(fields)

    def card(self, user_id: str) -> Candidate | None:
        item = self._get(f"advisor#{user_id}", "card")
        return None if item is None else self._card(item)

    def save_card(self, card: Candidate) -> None:
        values = {":d": s(card.model_dump_json(exclude=set(_CARD_OWN))), ":zero": n(0)}
        expression = "SET #data = :d, active_sessions = if_not_exists(active_sessions, :zero)"
        if card.status.value == "offline":
            expression += " REMOVE gsi1pk, gsi1sk"
        else:
            expression += ", gsi1pk = :online, gsi1sk = :user"
            values |= {":online": s(ONLINE), ":user": s(card.user_id)}
        update = self._update(
            f"advisor#{card.user_id}", "card", expression, values, ExpressionAttributeNames={"#data": "data"}
        )
        with translate_errors():
            self._db.update_item(**update)

    def cards_of(self, user_ids: list[str]) -> list[Candidate]:
        cards: list[Candidate] = []
        wanted = list(dict.fromkeys(user_ids))
        for start in range(0, len(wanted), 100):  # BatchGetItem takes 100 keys
            keys = [key(f"advisor#{user_id}", "card") for user_id in wanted[start : start + 100]]
            request: dict[str, Any] = {self._table: {"Keys": keys}}
            for _ in range(5):  # unprocessed keys are retried a few times, then left out
                with translate_errors():
                    answer = self._db.batch_get_item(RequestItems=request)
                cards.extend(self._card(item) for item in answer.get("Responses", {}).get(self._table, []))
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(0.05)
        return cards

    def online(self) -> list[Candidate]:
        items = self._query(
            IndexName="gsi1", KeyConditionExpression="gsi1pk = :p", ExpressionAttributeValues={":p": s(ONLINE)}
        )
        return [self._card(item) for item in items]

    def mark_offered(self, user_ids: list[str], at: datetime) -> None:
        for user_id in user_ids:
            update = self._update(
                f"advisor#{user_id}",
                "card",
                "SET last_offered_at = :t",
                {":t": s(iso(at))},
                ConditionExpression="attribute_exists(pk)",
            )
            try:
                with translate_errors():
                    self._db.update_item(**update)
            except Conflict:
                continue  # the card went away: nothing to be fair about

    # ---- requests ----------------------------------------------------------------------------
    def create_request(self, request: AdviceRequest) -> None:
        item = self._item(
            f"request#{request.request_id}",
            "request",
            request,
            exclude=_REQUEST_OWN,
            status=s(request.status.value),
            gsi2pk=s(f"program#{request.program_id}"),
            gsi2sk=s(f"request#{iso(request.created_at)}#{request.request_id}"),
        )
        if request.status is RequestStatus.OPEN:
            item |= {"gsi1pk": s(OPEN_REQUESTS), "gsi1sk": s(f"{iso(request.escalate_at)}#{request.request_id}")}
        with translate_errors("the request exists"):
            self._db.put_item(**self._put(item, "attribute_not_exists(pk)"))

    @staticmethod
    def _request(item: dict[str, Any]) -> AdviceRequest:
        fields = json.loads(item["data"]["S"])
        fields["status"] = item["status"]["S"]
        fields["declined"] = sorted(item.get("declined", {}).get("SS", []))
        return AdviceRequest.model_validate(fields)

    def request(self, request_id: str) -> AdviceRequest | None:
        item = self._get(f"request#{request_id}", "request")
        return None if item is None else self._request(item)

    def save_offers(self, request: AdviceRequest) -> None:
        update = self._update(
            f"request#{request.request_id}",
            "request",
            "SET #data = :d, gsi1sk = :due",
            {
                ":d": s(request.model_dump_json(exclude=set(_REQUEST_OWN))),
                ":due": s(f"{iso(request.escalate_at)}#{request.request_id}"),
                ":open": s(RequestStatus.OPEN.value),
            },
            ConditionExpression="#status = :open",
            ExpressionAttributeNames={"#data": "data", "#status": "status"},
        )
        try:
            with translate_errors():
                self._db.update_item(**update)
        except Conflict:
            return  # accepted meanwhile: no more offers

    def close_request(self, request: AdviceRequest, event: DomainEvent | None = None) -> None:
        update = self._update(
            f"request#{request.request_id}",
            "request",
            "SET #status = :s REMOVE gsi1pk, gsi1sk",
            {":s": s(request.status.value), ":open": s(RequestStatus.OPEN.value)},
            ConditionExpression="#status = :open",
            ExpressionAttributeNames={"#status": "status"},
        )
        if event is not None:
            self._transact([{"Update": update}, outbox_put(self._table, event)])  # closed meanwhile: no event
            return
        try:
            with translate_errors():
                self._db.update_item(**update)
        except Conflict:
            return

    def decline(self, request_id: str, advisor_id: str) -> None:
        update = self._update(
            f"request#{request_id}",
            "request",
            "ADD declined :who",
            {":who": {"SS": [advisor_id]}},
            ConditionExpression="attribute_exists(pk)",
        )
        with translate_errors("no such request"):
            self._db.update_item(**update)

    def requests_due(self, now: datetime) -> list[AdviceRequest]:
        items = self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p AND gsi1sk <= :now",
            ExpressionAttributeValues={":p": s(OPEN_REQUESTS), ":now": s(f"{iso(now)}#~")},
        )
        found = [self.request(item["pk"]["S"].removeprefix("request#")) for item in items]
        return [r for r in found if r is not None and r.status is RequestStatus.OPEN]

    def accept(self, request: AdviceRequest, session: Session) -> None:
        matched = self._update(
            f"request#{request.request_id}",
            "request",
            "SET #status = :matched, accepted_by = :a, session_id = :sid REMOVE gsi1pk, gsi1sk",
            {
                ":matched": s(RequestStatus.MATCHED.value),
                ":open": s(RequestStatus.OPEN.value),
                ":a": s(session.advisor_id),
                ":sid": s(session.session_id),
            },
            ConditionExpression="#status = :open",
            ExpressionAttributeNames={"#status": "status"},
        )
        slot = self._update(
            f"advisor#{session.advisor_id}",
            "card",
            "SET active_sessions = active_sessions + :one",
            {":one": n(1), ":max": n(MAX_PARALLEL_SESSIONS)},
            ConditionExpression="active_sessions < :max",
        )
        operations = [{"Update": matched}, {"Update": slot}, *self._session_puts(session)]
        codes = self._transact(operations)
        if codes is None:
            return
        if codes[0] is not None:
            raise Conflict("another advisor took the request", code="taken")
        if codes[1] is not None:
            raise Conflict(f"you already run {MAX_PARALLEL_SESSIONS} sessions", code="too_many_sessions")
        raise Conflict("the session exists", code="conflict")

    # ---- sessions ----------------------------------------------------------------------------
    def _session_puts(self, session: Session) -> list[dict[str, Any]]:
        main = self._item(
            f"session#{session.session_id}",
            "session",
            session,
            exclude=_SESSION_OWN,
            status=s(session.status.value),
            conversions=n(0),
            revenue=n(0),
            gsi2pk=s(f"program#{session.program_id}"),
            gsi2sk=s(f"session#{iso(session.requested_at)}#{session.session_id}"),
        )
        operations = [{"Put": self._put(main, "attribute_not_exists(pk)")}]
        for user_id in (session.shopper_id, session.advisor_id):
            pointer = {
                **key(f"user#{user_id}", f"session#{iso(session.accepted_at)}#{session.session_id}"),
                "data": s(json.dumps({"session_id": session.session_id})),
            }
            operations.append({"Put": self._put(pointer)})
        return operations

    @staticmethod
    def _session(item: dict[str, Any]) -> Session:
        fields = json.loads(item["data"]["S"])
        fields["status"] = item["status"]["S"]
        fields["first_response_at"] = item.get("first_response_at", {}).get("S")
        fields["media_ref"] = item.get("media_ref", {}).get("S")
        fields["conversions"] = int(item.get("conversions", {"N": "0"})["N"])
        fields["revenue"] = int(item.get("revenue", {"N": "0"})["N"])
        return Session.model_validate(fields)

    def session(self, session_id: str) -> Session | None:
        item = self._get(f"session#{session_id}", "session")
        return None if item is None else self._session(item)

    def _by_pointers(self, pointers: list[dict[str, Any]]) -> list[Session]:
        ids = [json.loads(p["data"]["S"])["session_id"] for p in pointers]
        return [found for found in (self.session(i) for i in ids) if found is not None]

    def sessions_of(self, user_id: str, limit: int, after: str | None) -> tuple[list[Session], str | None]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
            "ExpressionAttributeValues": {":p": s(f"user#{user_id}"), ":s": s("session#")},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if after is not None:
            request["ExclusiveStartKey"] = key(f"user#{user_id}", after)
        with translate_errors():
            page = self._db.query(**request)
        pointers = page.get("Items", [])
        following = page.get("LastEvaluatedKey")
        return self._by_pointers(pointers), (following["sk"]["S"] if following else None)

    def sessions_since(self, shopper_id: str, since: datetime) -> list[Session]:
        pointers = self._query(
            KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues={
                ":p": s(f"user#{shopper_id}"),
                ":a": s(f"session#{iso(since)}"),
                ":b": s("session#~"),
            },
        )
        return self._by_pointers(list(pointers))

    def add_message(self, message: Message, first_response: bool) -> None:
        # sent time, then arrival (two messages of one instant keep their order), then uniqueness
        sent = f"msg#{iso(message.sent_at)}#{time.time_ns():020d}#{uuid.uuid4().hex[:8]}"
        with translate_errors():
            self._db.put_item(**self._put(self._item(f"session#{message.session_id}", sent, message)))
        if not first_response:
            return
        update = self._update(
            f"session#{message.session_id}",
            "session",
            "SET first_response_at = :t",
            {":t": s(iso(message.sent_at))},
            ConditionExpression="attribute_not_exists(first_response_at)",
        )
        try:
            with translate_errors():
                self._db.update_item(**update)
        except Conflict:
            return  # an earlier answer was first

    def transcript(self, session_id: str) -> list[Message]:
        items = self._query(
            KeyConditionExpression="pk = :p AND begins_with(sk, :m)",
            ExpressionAttributeValues={":p": s(f"session#{session_id}"), ":m": s("msg#")},
        )
        return [Message.model_validate_json(item["data"]["S"]) for item in items]

    def set_media_ref(self, session_id: str, media_ref: str) -> None:
        update = self._update(
            f"session#{session_id}",
            "session",
            "SET media_ref = if_not_exists(media_ref, :m)",
            {":m": s(media_ref)},
        )
        with translate_errors():
            self._db.update_item(**update)

    def forward(self, session_id: str) -> None:
        update = self._update(
            f"session#{session_id}",
            "session",
            "SET #status = :f",
            {":f": s(SessionStatus.FORWARDED.value), ":active": s(SessionStatus.ACTIVE.value)},
            ConditionExpression="#status = :active",
            ExpressionAttributeNames={"#status": "status"},
        )
        with translate_errors("the session has ended"):
            self._db.update_item(**update)

    def end(self, session: Session, event: DomainEvent) -> bool:
        ended = self._update(
            f"session#{session.session_id}",
            "session",
            "SET #data = :d, #status = :ended",
            {":d": s(session.model_dump_json(exclude=set(_SESSION_OWN))), ":ended": s(SessionStatus.ENDED.value)},
            ConditionExpression="#status <> :ended",
            ExpressionAttributeNames={"#data": "data", "#status": "status"},
        )
        slot = self._update(
            f"advisor#{session.advisor_id}",
            "card",
            "SET active_sessions = active_sessions - :one",
            {":one": n(1), ":zero": n(0)},
            ConditionExpression="active_sessions > :zero",
        )
        timing = self._update(
            f"advisor#{session.advisor_id}",
            "stats",
            "SET response_ms = list_append(if_not_exists(response_ms, :empty), :rt)",
            {":empty": {"L": []}, ":rt": {"L": [n(session.response_ms)]}},
        )
        operations = [{"Update": ended}, {"Update": slot}, {"Update": timing}, outbox_put(self._table, event)]
        codes = self._transact(operations)
        if codes is None:
            return True
        if codes[0] is not None:
            return False
        # the advisor's card lost its count (it cannot go below zero): end without releasing a slot
        codes = self._transact([operations[0], operations[2], operations[3]])
        return codes is None

    def rate(self, session: Session, earning: Earning, event: DomainEvent) -> None:
        values = {":d": s(session.model_dump_json(exclude=set(_SESSION_OWN))), ":yes": {"BOOL": True}}
        expression = "SET #data = :d, rated = :yes"
        if session.flagged and session.rating is not None:
            expression += ", gsi1pk = :review, gsi1sk = :when"
            values |= {":review": s(REVIEW), ":when": s(f"{iso(session.rating.rated_at)}#{session.session_id}")}
        rated = self._update(
            f"session#{session.session_id}",
            "session",
            expression,
            values,
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(rated)",
            ExpressionAttributeNames={"#data": "data"},
        )
        rating = session.rating.csat if session.rating else 0
        stats = self._update(
            f"advisor#{session.advisor_id}",
            "stats",
            "ADD rating_sum :r, rating_count :one, quality_sum :q, quality_count :one",
            {":r": n(rating), ":one": n(1), ":q": n(session.quality or 0)},
        )
        earned = self._item(f"advisor#{session.advisor_id}", f"earning#{session.session_id}", earning)
        operations = [
            {"Update": rated},
            {"Update": stats},
            {"Put": self._put(earned, "attribute_not_exists(pk)")},
            outbox_put(self._table, event),
        ]
        if self._transact(operations) is not None:
            raise Conflict("the session is already rated", code="already_rated")

    def flagged(self) -> list[Session]:
        items = self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p",
            ExpressionAttributeValues={":p": s(REVIEW)},
            ScanIndexForward=False,
        )
        return [self._session(item) for item in items]

    def add_conversion(self, conversion: Conversion) -> bool:
        item = self._item(f"session#{conversion.session_id}", f"conversion#{conversion.order_id}", conversion)
        count = self._update(
            f"session#{conversion.session_id}",
            "session",
            "ADD conversions :one, revenue :r",
            {":one": n(1), ":r": n(conversion.revenue)},
        )
        return self._transact([{"Put": self._put(item, "attribute_not_exists(pk)")}, {"Update": count}]) is None

    def _program_items(self, program_id: str, kind: str, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
        return self._query(
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :p AND gsi2sk BETWEEN :a AND :b",
            ExpressionAttributeValues={
                ":p": s(f"program#{program_id}"),
                ":a": s(f"{kind}#{iso(start)}"),
                ":b": s(f"{kind}#{iso(end)}"),
            },
        )

    def requests_between(self, program_id: str, start: datetime, end: datetime) -> list[AdviceRequest]:
        return [self._request(item) for item in self._program_items(program_id, "request", start, end)]

    def sessions_between(self, program_id: str, start: datetime, end: datetime) -> list[Session]:
        return [self._session(item) for item in self._program_items(program_id, "session", start, end)]
