"""The notifications table's newsletter, audience and campaign items (boto3). Keys (the prefixes
are listed in records.py's docstring too):

| item | pk | sk |
| --- | --- | --- |
| audience member (segments, newsletter status) | `AUDIENCE#<user>` | `MEMBER` (gsi1 `AUDIENCE#subscribed`/`#other`) |
| consent history (opt-ins and withdrawals as given) | `AUDIENCE#<user>` | `CONSENT#<at>` |
| used confirmation link | `NLLINK#<nonce>` | `USED` (ttl) |
| campaign (content, segment, status, counters) | `CAMPAIGN#<id>` | `CAMPAIGN` (gsi1 `CAMPAIGNS`, `<created_at>#<id>`) |
| a resolved page, a finished batch | `CAMPAIGN#<id>` | `PAGE#<n>`, `BATCH#<batch_id>` |
| recipient (sending, sent or skipped; opened_at, clicked_at) | `CAMPAIGN#<id>` | `TO#<user>` |
| send slots of one second | `SENDRATE#<epoch second>` | `SLOTS` (ttl) |

Every count moves exactly once: the item that says it happened is written conditionally in the
same transaction as the counter's `ADD`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from functions.common.dynamo import N, S, cancellation_codes, condition_held, error_code, translate_errors
from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_put
from functions.notifications.logic.campaigns import Campaign, Content, Outcome
from functions.notifications.logic.domain import SEND_LEASE, Claim
from functions.notifications.logic.newsletter import ConsentRecord
from functions.notifications.logic.ports import Cursor
from functions.notifications.logic.segments import AudienceMember, Segment

MEMBER = "MEMBER"
CAMPAIGN = "CAMPAIGN"
CAMPAIGNS_INDEX = "CAMPAIGNS"
SUBSCRIBED = "AUDIENCE#subscribed"
OTHERS = "AUDIENCE#other"
LINK_RETENTION = timedelta(days=60)
SLOT_RETENTION = 3600
_CONFLICT = "ConditionalCheckFailedException"
_FAILED = "ConditionalCheckFailed"  # its name among a cancelled transaction's reasons
_BATCH_GET = 100


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dt(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if raw else None


def audience_pk(user_id: str) -> str:
    return f"AUDIENCE#{user_id}"


def campaign_pk(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}"


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return str(value["S"]) if value and "S" in value else None


def _n(item: dict[str, Any], name: str) -> int:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else 0


class DynamoCampaignStore:
    """Implements AudienceStore, CampaignStore (logic/segments.py, logic/campaigns.py) and
    ConsentStore (logic/newsletter.py)."""

    def __init__(self, table_name: str, client: Any = None):
        from functions.common.aws import client as aws_client

        self._table = table_name
        self._db = client or aws_client("dynamodb")

    # ================================================================ plumbing

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with translate_errors():
            item: dict[str, Any] | None = self._db.get_item(
                TableName=self._table, Key={"pk": S(pk), "sk": S(sk)}, ConsistentRead=True
            ).get("Item")
        return item

    def _transact(self, items: list[dict[str, Any]]) -> bool:
        """Run a transaction; False when one of its conditions failed (nothing was written)."""
        try:
            self._db.transact_write_items(TransactItems=items)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes and _FAILED in codes and all(code in (None, _FAILED) for code in codes):
                return False
            with translate_errors("the campaign changed concurrently; retry"):
                raise
        return True

    def _conditional(self, call: str, **request: Any) -> bool:
        try:
            with translate_errors():
                getattr(self._db, call)(TableName=self._table, **request)
        except Conflict as exc:
            if error_code(exc) == _CONFLICT:
                return False
            raise
        return True

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        request = {"TableName": self._table, **kwargs}
        while True:
            with translate_errors():
                page = self._db.query(**request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # ================================================================ audience

    def _member_item(self, member: AudienceMember) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": S(audience_pk(member.user_id)),
            "sk": S(MEMBER),
            "gsi1pk": S(SUBSCRIBED if member.subscribed else OTHERS),
            "gsi1sk": S(member.user_id),
            "user_id": S(member.user_id),
            "stage": S(member.stage),
            "language": S(member.language),
            "affinities": S(json.dumps(sorted(member.affinities))),
            "newsletter": S(member.newsletter),
            "extra": S(json.dumps(member.extra, sort_keys=True)),
            "revision": N(member.revision + 1),
        }
        for name, moment in (
            ("stage_at", member.stage_at),
            ("affinities_at", member.affinities_at),
            ("last_active_at", member.last_active_at),
        ):
            if moment is not None:
                item[name] = S(iso(moment))
        if member.email:
            item["email"] = S(member.email)
        return item

    @staticmethod
    def _member(item: dict[str, Any]) -> AudienceMember:
        return AudienceMember(
            user_id=str(_s(item, "user_id")),
            stage=_s(item, "stage") or "new",
            stage_at=_dt(_s(item, "stage_at")),
            language=_s(item, "language") or "nl",
            affinities=frozenset(json.loads(_s(item, "affinities") or "[]")),
            affinities_at=_dt(_s(item, "affinities_at")),
            last_active_at=_dt(_s(item, "last_active_at")),
            email=_s(item, "email"),
            newsletter=_s(item, "newsletter") or "none",  # type: ignore[arg-type]
            extra=json.loads(_s(item, "extra") or "{}"),
            revision=int(item.get("revision", {}).get("N", "0")),
        )

    def audience_member(self, user_id: str) -> AudienceMember | None:
        item = self._get(audience_pk(user_id), MEMBER)
        return self._member(item) if item else None

    def audience_members(self, user_ids: Sequence[str]) -> dict[str, AudienceMember]:
        found: dict[str, AudienceMember] = {}
        unique = list(dict.fromkeys(user_ids))
        for start in range(0, len(unique), _BATCH_GET):
            keys = [{"pk": S(audience_pk(u)), "sk": S(MEMBER)} for u in unique[start : start + _BATCH_GET]]
            request: dict[str, Any] = {self._table: {"Keys": keys, "ConsistentRead": True}}
            while request:
                with translate_errors():
                    response = self._db.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._table, []):
                    member = self._member(item)
                    found[member.user_id] = member
                request = response.get("UnprocessedKeys") or {}
        return found

    def save_audience_member(self, member: AudienceMember) -> None:
        request: dict[str, Any] = {"TableName": self._table, "Item": self._member_item(member)}
        if member.revision:
            request["ConditionExpression"] = "revision = :read"
            request["ExpressionAttributeValues"] = {":read": N(member.revision)}
        else:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        if not condition_held(lambda: self._db.put_item(**request)):
            raise Conflict("the member's audience record changed meanwhile", code="audience_changed")

    def audience_page(self, subscribed_only: bool, limit: int, cursor: Cursor) -> tuple[list[AudienceMember], Cursor]:
        """Subscribers first, then (unless `subscribed_only`) everyone else, by user id."""
        part = str((cursor or {}).get("part") or SUBSCRIBED)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :part",
            "ExpressionAttributeValues": {":part": S(part)},
            "Limit": limit,
        }
        if cursor and cursor.get("pk"):
            request["ExclusiveStartKey"] = {k: S(str(cursor[k])) for k in ("pk", "sk", "gsi1pk", "gsi1sk")}
        with translate_errors():
            page = self._db.query(**request)
        members = [self._member(item) for item in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        if last:
            return members, {"part": part, **{k: v["S"] for k, v in last.items()}}
        if part == SUBSCRIBED and not subscribed_only:
            return members, {"part": OTHERS}
        return members, None

    # ================================================================ consents

    def add_consent(self, record: ConsentRecord) -> None:
        item = {
            "pk": S(audience_pk(record.user_id)),
            "sk": S(f"CONSENT#{iso(record.at)}"),
            "granted": {"BOOL": record.granted},
            "at": S(iso(record.at)),
            "wording_id": S(record.wording_id),
            "wording": S(record.wording),
            "language": S(record.language),
            "interests": S(json.dumps(list(record.interests))),
            "source": S(record.source),
        }
        if record.email:
            item["email"] = S(record.email)
        with translate_errors():
            self._db.put_item(TableName=self._table, Item=item)

    def latest_consent(self, user_id: str) -> ConsentRecord | None:
        with translate_errors():
            items = self._db.query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND begins_with(sk, :consent)",
                ExpressionAttributeValues={":pk": S(audience_pk(user_id)), ":consent": S("CONSENT#")},
                ScanIndexForward=False,
                Limit=1,
                ConsistentRead=True,
            ).get("Items", [])
        if not items:
            return None
        item = items[0]
        return ConsentRecord(
            user_id=user_id,
            at=_dt(_s(item, "at")) or datetime.now(UTC),
            granted=bool(item.get("granted", {}).get("BOOL")),
            wording_id=str(_s(item, "wording_id")),
            wording=str(_s(item, "wording")),
            language=str(_s(item, "language")),
            email=_s(item, "email"),
            interests=tuple(json.loads(_s(item, "interests") or "[]")),
            source=_s(item, "source") or "double_opt_in",
        )

    def use_link(self, nonce: str, user_id: str, at: datetime) -> bool:
        return self._conditional(
            "put_item",
            Item={
                "pk": S(f"NLLINK#{nonce}"),
                "sk": S("USED"),
                "user_id": S(user_id),
                "at": S(iso(at)),
                "ttl": N(int((at + LINK_RETENTION).timestamp())),
            },
            ConditionExpression="attribute_not_exists(pk)",
        )

    # ================================================================ campaigns

    def _campaign_item(self, campaign: Campaign) -> dict[str, Any]:
        content = {lang: {"subject": c.subject, "html": c.html} for lang, c in campaign.content.items()}
        return {
            "pk": S(campaign_pk(campaign.campaign_id)),
            "sk": S(CAMPAIGN),
            "gsi1pk": S(CAMPAIGNS_INDEX),
            "gsi1sk": S(f"{iso(campaign.created_at)}#{campaign.campaign_id}"),
            "campaign_id": S(campaign.campaign_id),
            "name": S(campaign.name),
            "content": S(json.dumps(content, sort_keys=True)),
            "segment": S(campaign.segment.model_dump_json()),
            "status": S(campaign.status),
            "created_at": S(iso(campaign.created_at)),
            "updated_at": S(iso(campaign.updated_at)),
            "created_by": S(campaign.created_by),
            "revision": N(campaign.revision),
        }

    @staticmethod
    def _campaign(item: dict[str, Any]) -> Campaign:
        content = json.loads(_s(item, "content") or "{}")
        return Campaign(
            campaign_id=str(_s(item, "campaign_id")),
            name=str(_s(item, "name")),
            content={lang: Content(subject=c["subject"], html=c["html"]) for lang, c in content.items()},
            segment=Segment.model_validate_json(_s(item, "segment") or "{}"),
            created_at=_dt(_s(item, "created_at")) or datetime.now(UTC),
            updated_at=_dt(_s(item, "updated_at")) or datetime.now(UTC),
            created_by=str(_s(item, "created_by")),
            status=_s(item, "status") or "draft",  # type: ignore[arg-type]
            revision=_n(item, "revision"),
            send_key=_s(item, "send_key"),
            queued_at=_dt(_s(item, "queued_at")),
            queued_by=_s(item, "queued_by"),
            resolved=bool(item.get("resolved", {}).get("BOOL")),
            recipients=_n(item, "recipients"),
            batches=_n(item, "batches"),
            batches_done=_n(item, "batches_done"),
            sent=_n(item, "sent"),
            skipped=_n(item, "skipped"),
            opened=_n(item, "opened"),
            clicked=_n(item, "clicked"),
            skip_reasons={name.removeprefix("skip_"): _n(item, name) for name in item if name.startswith("skip_")},
        )

    def create_campaign(self, campaign: Campaign) -> None:
        if not self._conditional(
            "put_item", Item=self._campaign_item(campaign), ConditionExpression="attribute_not_exists(pk)"
        ):
            raise Conflict("a campaign with this id exists", code="campaign_exists")

    def campaign(self, campaign_id: str) -> Campaign | None:
        item = self._get(campaign_pk(campaign_id), CAMPAIGN)
        return self._campaign(item) if item else None

    def save_draft(self, campaign: Campaign, expected_revision: int) -> bool:
        return self._conditional(
            "put_item",
            Item=self._campaign_item(campaign),
            ConditionExpression="#status = :draft AND revision = :revision",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":draft": S("draft"), ":revision": N(expected_revision)},
        )

    def campaigns(self, limit: int, cursor: Cursor) -> tuple[list[Campaign], Cursor]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :campaigns",
            "ExpressionAttributeValues": {":campaigns": S(CAMPAIGNS_INDEX)},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = {k: S(str(v)) for k, v in cursor.items()}
        with translate_errors():
            page = self._db.query(**request)
        last = page.get("LastEvaluatedKey")
        after = {k: v["S"] for k, v in last.items()} if last else None
        return [self._campaign(item) for item in page.get("Items", [])], after

    def _campaign_key(self, campaign_id: str) -> dict[str, Any]:
        return {"pk": S(campaign_pk(campaign_id)), "sk": S(CAMPAIGN)}

    def queue_campaign(self, campaign: Campaign, event: DomainEvent) -> bool:
        names = {"#status": "status"}
        values: dict[str, Any] = {
            ":draft": S("draft"),
            ":queued": S("queued"),
            ":at": S(iso(campaign.queued_at or datetime.now(UTC))),
            ":by": S(campaign.queued_by or ""),
        }
        expression = "SET #status = :queued, queued_at = :at, queued_by = :by"
        if campaign.send_key:
            expression += ", send_key = :key"
            values[":key"] = S(campaign.send_key)
        update = {
            "Update": {
                "TableName": self._table,
                "Key": self._campaign_key(campaign.campaign_id),
                "UpdateExpression": expression,
                "ConditionExpression": "#status = :draft",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        return self._transact([update, outbox_put(self._table, event)])

    def record_page(
        self, campaign_id: str, page: int, recipients: int, events: Sequence[DomainEvent], last: bool
    ) -> bool:
        batch_count = sum(1 for e in events if e.detail_type == "CampaignBatchQueued")
        values: dict[str, Any] = {":n": N(recipients), ":b": N(batch_count)}
        expression = "ADD recipients :n, batches :b"
        if last:
            expression += " SET resolved = :yes"
            values[":yes"] = {"BOOL": True}
        marker = {
            "Put": {
                "TableName": self._table,
                "Item": {"pk": S(campaign_pk(campaign_id)), "sk": S(f"PAGE#{page:06d}"), "recipients": N(recipients)},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        counts = {
            "Update": {
                "TableName": self._table,
                "Key": self._campaign_key(campaign_id),
                "UpdateExpression": expression,
                "ExpressionAttributeValues": values,
            }
        }
        return self._transact([marker, counts, *(outbox_put(self._table, e) for e in events)])

    def _recipient_key(self, campaign_id: str, user_id: str) -> dict[str, Any]:
        return {"pk": S(campaign_pk(campaign_id)), "sk": S(f"TO#{user_id}")}

    def claim_recipient(self, campaign_id: str, user_id: str, at: datetime) -> Claim:
        key = self._recipient_key(campaign_id, user_id)
        if self._conditional(
            "put_item",
            Item={**key, "status": S("sending"), "claimed_at": S(iso(at))},
            ConditionExpression="attribute_not_exists(pk) OR (#status = :sending AND claimed_at < :stale)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":sending": S("sending"), ":stale": S(iso(at - SEND_LEASE))},
        ):
            return Claim.CLAIMED
        found = self._get(key["pk"]["S"], key["sk"]["S"])
        return Claim.BUSY if found is not None and found.get("status", {}).get("S") == "sending" else Claim.SENT

    def release_recipient(self, campaign_id: str, user_id: str) -> None:
        self._conditional(
            "delete_item",
            Key=self._recipient_key(campaign_id, user_id),
            ConditionExpression="#status = :sending",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":sending": S("sending")},
        )

    def finish_recipient(
        self, campaign_id: str, user_id: str, outcome: Outcome, reason: str | None, message_id: str | None
    ) -> bool:
        key = self._recipient_key(campaign_id, user_id)
        mark: dict[str, Any]
        if outcome == "sent":
            mark = {
                "Update": {
                    "TableName": self._table,
                    "Key": key,
                    "UpdateExpression": "SET #status = :sent, message_id = :id",
                    "ConditionExpression": "#status = :sending",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":sent": S("sent"),
                        ":sending": S("sending"),
                        ":id": S(message_id or ""),
                    },
                }
            }
            counter, values = "ADD sent :one", {":one": N(1)}
        else:
            safe = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in (reason or "other"))[:40]
            mark = {
                "Put": {
                    "TableName": self._table,
                    "Item": {**key, "status": S("skipped"), "reason": S(safe)},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            counter, values = f"ADD skipped :one, skip_{safe} :one", {":one": N(1)}
        count = {
            "Update": {
                "TableName": self._table,
                "Key": self._campaign_key(campaign_id),
                "UpdateExpression": counter,
                "ExpressionAttributeValues": values,
            }
        }
        return self._transact([mark, count])

    def finish_batch(self, campaign_id: str, batch_id: str) -> bool:
        marker = {
            "Put": {
                "TableName": self._table,
                "Item": {"pk": S(campaign_pk(campaign_id)), "sk": S(f"BATCH#{batch_id}")},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        count = {
            "Update": {
                "TableName": self._table,
                "Key": self._campaign_key(campaign_id),
                "UpdateExpression": "ADD batches_done :one",
                "ExpressionAttributeValues": {":one": N(1)},
            }
        }
        return self._transact([marker, count])

    def count_once(self, campaign_id: str, user_id: str, kind: Literal["opened", "clicked"], at: datetime) -> bool:
        mark = {
            "Update": {
                "TableName": self._table,
                "Key": self._recipient_key(campaign_id, user_id),
                "UpdateExpression": f"SET {kind}_at = :at",
                "ConditionExpression": f"#status = :sent AND attribute_not_exists({kind}_at)",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":at": S(iso(at)), ":sent": S("sent")},
            }
        }
        count = {
            "Update": {
                "TableName": self._table,
                "Key": self._campaign_key(campaign_id),
                "UpdateExpression": f"ADD {kind} :one",
                "ExpressionAttributeValues": {":one": N(1)},
            }
        }
        return self._transact([mark, count])

    def take_send_slot(self, second: int, limit: int) -> bool:
        return self._conditional(
            "update_item",
            Key={"pk": S(f"SENDRATE#{second}"), "sk": S("SLOTS")},
            UpdateExpression="ADD taken :one SET #ttl = :ttl",
            ConditionExpression="attribute_not_exists(taken) OR taken < :limit",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={":one": N(1), ":limit": N(limit), ":ttl": N(second + SLOT_RETENTION)},
        )
