"""The notifications table (boto3): inbox, delivery log, preferences and consent, suppressions,
devices, vendor users and due items, one adapter implementing logic's `NotificationsStore`.

Layout (pk / sk):
  user#<id> / note#<created>#<nid>       an inbox entry (`read`)
  user#<id> / noteid#<nid>               uniqueness marker of a notification id → its note sk
  user#<id> / unread                     the unread counter
  user#<id> / prefs                      preferences and consent history (`revision` guarded)
  user#<id> / delivery#<at>#<nid>#<ch>   what happened on a channel (TTL 90 days)
  user#<id> / sent#<nid>#<ch>            send claim: sending (claimed_at) → sent (TTL 30 days)
  user#<id> / device#<device id>         a push endpoint
  vendor#<id> / user#<user id>           who acts for a vendor (from VendorApproved)
  followers#<id> / user#<follower id>    a follow (`following`, `at`: the newest FollowChanged wins)
  suppressed#<address> / address         no more e-mail to it (bounce, complaint)
  due / <due at>#<item id>               scheduled work; dueid#<item id> / due its marker
  outbox#<event id> / event              the outbox (functions/common/outbox.py)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from functions.common.dynamo import cancellation_codes, condition_held, translate_errors
from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_put
from functions.notifications.logic.domain import (
    SEND_LEASE,
    Channel,
    Claim,
    Consent,
    Delivery,
    Device,
    DueItem,
    Notification,
    Preferences,
    QuietHours,
    Topic,
)
from functions.notifications.logic.ports import Cursor

_ser, _de = TypeSerializer(), TypeDeserializer()
DELIVERY_TTL = timedelta(days=90)
SENT_TTL = timedelta(days=30)
CONSENTS_KEPT = 200
MARK_ALL_LIMIT = 500


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _item(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _ser.serialize(value) for key, value in values.items() if value is not None}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _de.deserialize(value) for key, value in item.items()}


def _user(user_id: str) -> str:
    return f"user#{user_id}"


def _ttl(moment: datetime) -> int:
    return int(moment.timestamp())


class DynamoNotificationsStore:
    def __init__(self, client: Any, table_name: str):
        self._db = client
        self._table = table_name

    # ---- helpers --------------------------------------------------------------------------------
    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with translate_errors():
            found = self._db.get_item(TableName=self._table, Key=_item({"pk": pk, "sk": sk}), ConsistentRead=True)
        item = found.get("Item")
        return _plain(item) if item else None

    def _put(self, values: dict[str, Any], condition: str | None = None) -> bool:
        request: dict[str, Any] = {"TableName": self._table, "Item": _item(values)}
        if condition:
            request["ConditionExpression"] = condition
        return condition_held(lambda: self._db.put_item(**request))

    def _query(self, **request: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        with translate_errors():
            found = self._db.query(TableName=self._table, **request)
        return [_plain(item) for item in found.get("Items", [])], found.get("LastEvaluatedKey")

    # ---- processed events -----------------------------------------------------------------------
    def claim(self, event_id: str, consumer: str) -> bool:
        expires = _ttl(datetime.now(UTC) + SENT_TTL)
        return self._put({"pk": f"event#{event_id}", "sk": consumer, "ttl": expires}, "attribute_not_exists(pk)")

    # ---- inbox ----------------------------------------------------------------------------------
    def add_notification(self, notification: Notification, events: Sequence[DomainEvent]) -> bool:
        pk = _user(notification.user_id)
        note_sk = f"note#{_stamp(notification.created_at)}#{notification.notification_id}"
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _item({"pk": pk, "sk": f"noteid#{notification.notification_id}", "note_sk": note_sk}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _item(
                        {
                            "pk": pk,
                            "sk": note_sk,
                            "notification_id": notification.notification_id,
                            "topic": notification.topic.value,
                            "title": notification.title,
                            "body": notification.body,
                            "link": notification.link,
                            "created_at": _stamp(notification.created_at),
                            "read": notification.read,
                        }
                    ),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": _item({"pk": pk, "sk": "unread"}),
                    "UpdateExpression": "ADD #n :one",
                    "ExpressionAttributeNames": {"#n": "count"},
                    "ExpressionAttributeValues": _item({":one": 0 if notification.read else 1}),
                }
            },
            *(outbox_put(self._table, event) for event in events),
        ]
        try:
            self._db.transact_write_items(TransactItems=operations)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            with translate_errors():
                raise
        return True

    def notifications(self, user_id: str, limit: int, cursor: Cursor) -> tuple[list[Notification], Cursor]:
        request: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": _item({":pk": _user(user_id), ":prefix": "note#"}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = _item({"pk": _user(user_id), "sk": str(cursor.get("sk", ""))})
        items, last = self._query(**request)
        position = {"sk": _de.deserialize(last["sk"])} if last else None
        return [self._note(user_id, item) for item in items], position

    def _note(self, user_id: str, item: dict[str, Any]) -> Notification:
        return Notification(
            user_id=user_id,
            notification_id=item["notification_id"],
            topic=Topic(item["topic"]),
            title=item["title"],
            body=item["body"],
            link=item.get("link"),
            created_at=_parse(item["created_at"]),
            read=bool(item.get("read")),
        )

    def unread_count(self, user_id: str) -> int:
        item = self._get(_user(user_id), "unread")
        return max(0, int(item.get("count", 0))) if item else 0

    def mark_read(self, user_id: str, notification_id: str) -> bool:
        marker = self._get(_user(user_id), f"noteid#{notification_id}")
        if marker is None:
            return False
        self._read(user_id, str(marker["note_sk"]))
        return True

    def _read(self, user_id: str, note_sk: str) -> bool:
        pk = _user(user_id)
        operations = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": _item({"pk": pk, "sk": note_sk}),
                    "UpdateExpression": "SET #r = :yes",
                    "ConditionExpression": "attribute_exists(pk) AND #r = :no",
                    "ExpressionAttributeNames": {"#r": "read"},
                    "ExpressionAttributeValues": _item({":yes": True, ":no": False}),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": _item({"pk": pk, "sk": "unread"}),
                    "UpdateExpression": "ADD #n :minus",
                    "ExpressionAttributeNames": {"#n": "count"},
                    "ExpressionAttributeValues": _item({":minus": -1}),
                }
            },
        ]
        try:
            self._db.transact_write_items(TransactItems=operations)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False  # already read
            with translate_errors():
                raise
        return True

    def mark_all_read(self, user_id: str) -> int:
        """Mark up to MARK_ALL_LIMIT unread notifications read, through the whole inbox (a query's
        Limit counts the items read before the filter, so one page may hold no unread ones)."""
        request: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "FilterExpression": "#r = :no",
            "ExpressionAttributeNames": {"#r": "read"},
            "ExpressionAttributeValues": _item({":pk": _user(user_id), ":prefix": "note#", ":no": False}),
            "Limit": MARK_ALL_LIMIT,
        }
        marked = 0
        while marked < MARK_ALL_LIMIT:
            items, last = self._query(**request)
            marked += sum(1 for item in items[: MARK_ALL_LIMIT - marked] if self._read(user_id, str(item["sk"])))
            if last is None:
                break
            request["ExclusiveStartKey"] = last
        return marked

    # ---- delivery log ---------------------------------------------------------------------------
    def record_delivery(self, delivery: Delivery) -> None:
        self._put(
            {
                "pk": _user(delivery.user_id),
                "sk": f"delivery#{_stamp(delivery.at)}#{delivery.notification_id}#{delivery.channel.value}",
                "notification_id": delivery.notification_id,
                "channel": delivery.channel.value,
                "topic": delivery.topic.value,
                "status": delivery.status,
                "at": _stamp(delivery.at),
                "message_id": delivery.message_id,
                "ttl": _ttl(delivery.at + DELIVERY_TTL),
            }
        )

    def deliveries(self, user_id: str, limit: int) -> list[Delivery]:
        items, _ = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=_item({":pk": _user(user_id), ":prefix": "delivery#"}),
            ScanIndexForward=False,
            Limit=limit,
        )
        return [
            Delivery(
                user_id,
                item["notification_id"],
                Channel(item["channel"]),
                Topic(item["topic"]),
                item["status"],
                _parse(item["at"]),
                item.get("message_id"),
            )
            for item in items
        ]

    def claim_delivery(self, user_id: str, notification_id: str, channel: str, now: datetime) -> Claim:
        pk, sk = _user(user_id), f"sent#{notification_id}#{channel}"
        claimed = condition_held(
            lambda: self._db.put_item(
                TableName=self._table,
                Item=_item(
                    {"pk": pk, "sk": sk, "status": "sending", "claimed_at": _stamp(now), "ttl": _ttl(now + SENT_TTL)}
                ),
                # a marker without a status was written by the at-most-once code before: sent
                ConditionExpression="attribute_not_exists(pk) OR (#s = :sending AND claimed_at < :stale)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=_item({":sending": "sending", ":stale": _stamp(now - SEND_LEASE)}),
            )
        )
        if claimed:
            return Claim.CLAIMED
        marker = self._get(pk, sk)
        return Claim.BUSY if marker is not None and marker.get("status") == "sending" else Claim.SENT

    def confirm_delivery(self, user_id: str, notification_id: str, channel: str) -> None:
        with translate_errors():
            self._db.update_item(
                TableName=self._table,
                Key=_item({"pk": _user(user_id), "sk": f"sent#{notification_id}#{channel}"}),
                UpdateExpression="SET #s = :sent",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=_item({":sent": "sent"}),
            )

    def release_delivery(self, user_id: str, notification_id: str, channel: str) -> None:
        condition_held(
            lambda: self._db.delete_item(
                TableName=self._table,
                Key=_item({"pk": _user(user_id), "sk": f"sent#{notification_id}#{channel}"}),
                ConditionExpression="#s = :sending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=_item({":sending": "sending"}),
            )
        )

    def sent_since(self, user_id: str, since: datetime) -> int:
        items, _ = self._query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :from AND :to",
            FilterExpression="#s = :sent AND #c IN (:email, :push) AND NOT #t IN (:order)",
            ExpressionAttributeNames={"#s": "status", "#c": "channel", "#t": "topic"},
            ExpressionAttributeValues=_item(
                {
                    ":pk": _user(user_id),
                    ":from": f"delivery#{_stamp(since)}",
                    ":to": "delivery#\uffff",
                    ":sent": "sent",
                    ":email": Channel.EMAIL.value,
                    ":push": Channel.PUSH.value,
                    ":order": Topic.ORDER.value,
                }
            ),
        )
        return len(items)

    # ---- preferences ----------------------------------------------------------------------------
    def preferences(self, user_id: str) -> Preferences | None:
        item = self._get(_user(user_id), "prefs")
        if item is None:
            return None
        quiet = json.loads(item["quiet_hours"]) if item.get("quiet_hours") else None
        return Preferences(
            user_id=user_id,
            language=item.get("language", "nl"),
            channels={
                Topic(topic): frozenset(Channel(ch) for ch in chosen)
                for topic, chosen in json.loads(item.get("channels", "{}")).items()
            },
            quiet_hours=QuietHours(time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"]), quiet["tz"])
            if quiet
            else None,
            daily_cap=int(item.get("daily_cap", 5)),
            consents=tuple(
                Consent(Channel(c["c"]), Topic(c["t"]), bool(c["g"]), c["w"], datetime.fromisoformat(c["at"]))
                for c in json.loads(item.get("consents", "[]"))
            ),
            revision=int(item.get("revision", 0)),
        )

    def save_preferences(self, prefs: Preferences) -> Preferences:
        saved = replace(prefs, revision=prefs.revision + 1, consents=prefs.consents[-CONSENTS_KEPT:])
        quiet = saved.quiet_hours
        values = {
            "pk": _user(prefs.user_id),
            "sk": "prefs",
            "language": saved.language,
            "channels": json.dumps({t.value: sorted(c.value for c in ch) for t, ch in saved.channels.items()}),
            "quiet_hours": json.dumps(
                {"start": quiet.start.strftime("%H:%M"), "end": quiet.end.strftime("%H:%M"), "tz": quiet.timezone}
            )
            if quiet
            else None,
            "daily_cap": saved.daily_cap,
            "consents": json.dumps(
                [
                    {"c": c.channel.value, "t": c.topic.value, "g": c.granted, "w": c.wording, "at": c.at.isoformat()}
                    for c in saved.consents
                ]
            ),
            "revision": saved.revision,
        }
        request: dict[str, Any] = {"TableName": self._table, "Item": _item(values)}
        if prefs.revision == 0:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            request["ConditionExpression"] = "revision = :old"
            request["ExpressionAttributeValues"] = _item({":old": prefs.revision})
        if not condition_held(lambda: self._db.put_item(**request)):
            raise Conflict("the preferences were changed meanwhile", code="preferences_changed")
        return saved

    # ---- suppressions ---------------------------------------------------------------------------
    def suppress(self, address: str, reason: str, at: datetime) -> None:
        self._put({"pk": f"suppressed#{address.strip().lower()}", "sk": "address", "reason": reason, "at": _stamp(at)})

    def is_suppressed(self, address: str) -> bool:
        return self._get(f"suppressed#{address.strip().lower()}", "address") is not None

    # ---- devices --------------------------------------------------------------------------------
    def add_device(self, device: Device) -> None:
        self._put(
            {
                "pk": _user(device.user_id),
                "sk": f"device#{device.device_id}",
                "device_id": device.device_id,
                "platform": device.platform,
                "endpoint_arn": device.endpoint_arn,
                "created_at": _stamp(device.created_at),
            }
        )

    def remove_device(self, user_id: str, device_id: str) -> Device | None:
        with translate_errors():
            found = self._db.delete_item(
                TableName=self._table,
                Key=_item({"pk": _user(user_id), "sk": f"device#{device_id}"}),
                ReturnValues="ALL_OLD",
            )
        old = found.get("Attributes")
        return self._device(user_id, _plain(old)) if old else None

    def devices(self, user_id: str) -> list[Device]:
        items, _ = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=_item({":pk": _user(user_id), ":prefix": "device#"}),
        )
        return [self._device(user_id, item) for item in items]

    def _device(self, user_id: str, item: dict[str, Any]) -> Device:
        return Device(user_id, item["device_id"], item["platform"], item["endpoint_arn"], _parse(item["created_at"]))

    # ---- vendor users ---------------------------------------------------------------------------
    def add_vendor_user(self, vendor_id: str, user_id: str) -> None:
        self._put({"pk": f"vendor#{vendor_id}", "sk": _user(user_id), "user_id": user_id})

    def vendor_users(self, vendor_id: str) -> list[str]:
        items, _ = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=_item({":pk": f"vendor#{vendor_id}"}),
        )
        return sorted(str(item["user_id"]) for item in items)

    # ---- followers ------------------------------------------------------------------------------
    def set_follow(self, user_id: str, follower_id: str, following: bool, at: datetime) -> None:
        values = {
            "pk": f"followers#{user_id}",
            "sk": _user(follower_id),
            "user_id": follower_id,
            "following": following,
            "at": _stamp(at),
        }
        condition = "attribute_not_exists(pk) OR #at < :at"
        request: dict[str, Any] = {
            "TableName": self._table,
            "Item": _item(values),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#at": "at"},
            "ExpressionAttributeValues": _item({":at": _stamp(at)}),
        }
        condition_held(lambda: self._db.put_item(**request))  # False: a newer change of this pair is recorded

    def followers(self, user_id: str) -> list[str]:
        found: list[str] = []
        start: dict[str, Any] | None = None
        while True:
            page: dict[str, Any] = {
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": _item({":pk": f"followers#{user_id}"}),
            }
            if start:
                page["ExclusiveStartKey"] = start
            items, start = self._query(**page)
            found += [str(item["user_id"]) for item in items if item.get("following")]
            if not start:
                return sorted(found)

    # ---- due items ------------------------------------------------------------------------------
    def schedule(self, item: DueItem) -> bool:
        operations = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _item({"pk": f"dueid#{item.item_id}", "sk": "due", "ttl": _ttl(item.due_at + SENT_TTL)}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _item(
                        {
                            "pk": "due",
                            "sk": f"{_stamp(item.due_at)}#{item.item_id}",
                            "item_id": item.item_id,
                            "kind": item.kind,
                            "payload": json.dumps(item.payload),
                            "due_at": _stamp(item.due_at),
                        }
                    ),
                }
            },
        ]
        try:
            self._db.transact_write_items(TransactItems=operations)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            with translate_errors():
                raise
        return True

    def due(self, now: datetime, limit: int) -> list[DueItem]:
        items, _ = self._query(
            KeyConditionExpression="pk = :pk AND sk <= :now",
            ExpressionAttributeValues=_item({":pk": "due", ":now": f"{_stamp(now)}#\uffff"}),
            Limit=limit,
        )
        return [
            DueItem(
                _parse(item["due_at"]),
                item["item_id"],
                item["kind"],
                json.loads(item["payload"]),
                int(item.get("attempt", 0)),
            )
            for item in items
        ]

    @staticmethod
    def _due_key(item: DueItem) -> dict[str, Any]:
        return _item({"pk": "due", "sk": f"{_stamp(item.due_at)}#{item.item_id}"})

    def take(self, item: DueItem, retry_at: datetime) -> DueItem | None:
        retry = replace(item, due_at=retry_at, attempt=item.attempt + 1)
        entry = {
            "pk": "due",
            "sk": f"{_stamp(retry.due_at)}#{retry.item_id}",
            "item_id": retry.item_id,
            "kind": retry.kind,
            "payload": json.dumps(retry.payload),
            "due_at": _stamp(retry.due_at),
            "attempt": retry.attempt,
        }
        operations = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": self._due_key(item),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            {"Put": {"TableName": self._table, "Item": _item(entry)}},
        ]
        try:
            self._db.transact_write_items(TransactItems=operations)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes and codes[0] == "ConditionalCheckFailed":
                return None  # another sweeper took it
            with translate_errors():
                raise
        return retry

    def done(self, item: DueItem) -> None:
        with translate_errors():
            self._db.delete_item(TableName=self._table, Key=self._due_key(item))
