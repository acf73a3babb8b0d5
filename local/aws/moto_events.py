"""EventBridge → target delivery without recompiling JSONPath on every event, for the local moto server.

moto 5.2.5 builds the event each target receives with `EventTemplateParser.parse`, which compiles
every JSONPath of the input paths map (eight for the default, target without InputTransformer) with
jsonpath_ng's yacc parser for every event and every target: about 10 ms per event and target, 80 %
of a PutEvents of ten 88 KB OffersChanged entries to two SQS targets (cProfile, in-process). This
version is moto's function with the compiled expressions cached (they are immutable; `find` does
not change them), and for the default template (every target here) builds the same event directly
instead of substituting JSON text and decoding it again, so what targets receive is unchanged.

Rule matching: moto's `EventsBackend.put_events` decodes each entry's Detail once to validate it
and again for every rule of the bus, and `EventPattern.matches_event` turns every rule's event into
JSON and back (`json.loads(json.dumps(event))`) before flattening it: with eight rules and 88 KB
details, ~11 % of the server's CPU in a 100k-row feed import (py-spy). This version of `put_events`
(moto's, step for step) decodes the Detail once and matches each rule on the event as it is, which
the round trip would give back unchanged because every value in it is plain JSON (the detail came
from `json.loads`; the other fields are checked, and anything else, a tuple or a datetime, goes
through moto's own round trip). Only a rule that matches gets the event, with its own decoded copy
of the detail as in moto (the first one the copy decoded to validate), and `Rule.send_to_targets`
is told it matched instead of matching again. Server CPU per PutEvents of ten 88 KB entries to a bus
with eight rules, two of them matching (SQS targets), `/_plein/stats`: 114 ms → 25 ms.

Pinned to the moto version of `patches`; tests/unit/local/test_moto_events.py compares it with
moto's own on default and custom templates and on events moto's substitution would mangle, rule
matching on prefix, suffix, anything-but, numeric, exists, equals-ignore-case, `$or`, nested and
dotted detail fields and non-JSON values, and what PutEvents delivers to SQS queues.
"""

from __future__ import annotations

import contextvars
import functools
import json
import warnings
from collections.abc import Callable
from typing import Any


@functools.lru_cache(maxsize=256)
def _compiled(path: str) -> Any:
    from jsonpath_ng import ext

    return ext.parse(path)  # type: ignore[attr-defined]


def _plain(value: Any) -> bool:
    """A non-empty string that moto's template substitution would copy into JSON unchanged."""
    return isinstance(value, str) and bool(value) and all(c not in value for c in _UNSAFE) and value.isprintable()


_UNSAFE = ('"', "\\")
_DEFAULT_STRINGS = ("id", "detail-type", "source", "region")


def default_input(event: Any) -> dict[str, Any] | None:
    """What moto's default template (no InputTransformer) makes of `event`, built directly; None
    when a value could make moto's text substitution come out differently (then moto's way runs).
    The detail is the rule's own copy (moto decodes it per rule) and targets only read it."""
    if not all(_plain(event.get(name)) for name in _DEFAULT_STRINGS):
        return None
    time_value, resources, detail = event.get("time"), event.get("resources"), event.get("detail")
    if isinstance(time_value, bool) or not isinstance(time_value, (int, float)):
        return None
    if not isinstance(resources, list) or not all(_plain(r) for r in resources) or not isinstance(detail, dict):
        return None
    return {
        "id": event["id"],
        "time": time_value,
        "version": "0",
        "detail-type": event["detail-type"],
        "source": event["source"],
        "region": event["region"],
        "resources": list(resources),
        "detail": detail,
    }


def parse(input_template: str, input_paths_map: dict[str, Any], event: Any) -> dict[str, Any]:
    """moto 5.2.5's `EventTemplateParser.parse`, with cached JSONPath expressions (and the default
    template built directly when that gives the same result)."""
    from moto.events.utils import EventTemplateParser

    if not input_template and not input_paths_map:
        built = default_input(event)
        if built is not None:
            return built

    template_to_use = input_template or EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    input_paths_map = input_paths_map or EventTemplateParser.DEFAULT_EVENT_INPUT_PATHS_MAP
    for input_path, path in input_paths_map.items():
        matches = _compiled(path).find(event)
        result = EventTemplateParser._stringify(matches[0].value) if matches else None
        if result:
            template_to_use = template_to_use.replace(f"<{input_path}>", result)

    default_inputs_map = {
        "aws.events.event.json": event,
        "aws.events.event.ingestion-time": event["ingestion-time"],
    }
    for input_path, value in default_inputs_map.items():
        result = EventTemplateParser._stringify(value)
        template_to_use = template_to_use.replace(f"<{input_path}>", result)

    parsed: dict[str, Any] = json.loads(template_to_use)
    return parsed


# ---- rule matching -------------------------------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None))
# (event, pattern) that `put_events` below has just matched, for `matches_event` to answer from.
_matched: contextvars.ContextVar[tuple[Any, Any] | None] = contextvars.ContextVar("plein_matched", default=None)


def _native(value: Any) -> bool:
    """True for values that `json.loads(json.dumps(value))` gives back equal (and of the same types)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return all(_native(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _native(v) for k, v in value.items())
    return False


def matches(pattern: Any, event: dict[str, Any], *, decoded: str = "detail") -> bool:
    """moto 5.2.5's `EventPattern.matches_event` for an event whose `decoded` field came from
    `json.loads` (so only the other fields are checked for JSON round-trip safety): without the
    round trip when it would give back the same event, with it (moto's own code) otherwise."""
    if not pattern._pattern:
        return True
    if not all(_native(value) for name, value in event.items() if name != decoded):
        return bool(_original_matches(pattern, event))
    return bool(pattern._does_event_match(pattern._flatten_dict(event), pattern._pattern))


def matches_event(self: Any, event: Any) -> bool:
    """moto's `EventPattern.matches_event`, answered without matching again for the event and
    pattern `put_events` has just matched (moto's `Rule.send_to_targets` asks again)."""
    if _matched.get() == (id(event), id(self)):
        return True
    return bool(_original_matches(self, event))


_originals: dict[str, Callable[..., Any]] = {}


def _original_matches(pattern: Any, event: Any) -> Any:
    return _originals["matches_event"](pattern, event)


def put_events(self: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """moto 5.2.5's `EventsBackend.put_events` with the entry's Detail decoded once for matching
    (moto decodes it once to validate and again per rule) and every rule matched without moto's
    JSON round trip of the whole event (see `matches`); each matching rule still gets its own
    decoded copy of the detail, the first one the copy decoded to validate."""
    from moto.core.utils import unix_time
    from moto.events.exceptions import ValidationException
    from moto.events.utils import _BASE_EVENT_MESSAGE
    from moto.moto_api._internal import mock_random as random

    if len(events) > 10:
        # the exact error text is longer, the Value list consists of all the put events
        raise ValidationException(
            "1 validation error detected: "
            "Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: "
            "Member must have length less than or equal to 10"
        )

    entries: list[dict[str, Any]] = []
    for event in events:
        if not event.get("Source"):
            entries.append(
                {
                    "ErrorCode": "InvalidArgument",
                    "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument.",
                }
            )
        elif not event.get("DetailType"):
            entries.append(
                {
                    "ErrorCode": "InvalidArgument",
                    "ErrorMessage": "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
                }
            )
        elif not event.get("Detail"):
            entries.append(
                {
                    "ErrorCode": "InvalidArgument",
                    "ErrorMessage": "Parameter Detail is not valid. Reason: Detail is a required argument.",
                }
            )
        else:
            try:
                detail = json.loads(event["Detail"])
                if not isinstance(detail, dict):
                    warnings.warn(
                        f"EventDetail should be of type dict - types such as {type(detail)} are ignored by AWS",
                        stacklevel=2,
                    )
            except ValueError:
                entries.append({"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."})
                continue

            event_id = str(random.uuid4())
            entries.append({"EventId": event_id})
            event_bus = self.describe_event_bus(self._normalize_event_bus_arn(event.get("EventBusName")))
            handed = False  # whether `detail` (decoded to validate) went to a rule already
            for rule in event_bus.rules.values():
                event_msg = dict(_BASE_EVENT_MESSAGE)  # every mutable value is replaced below
                event_msg["id"] = event_id
                event_msg["detail-type"] = event["DetailType"]
                event_msg["source"] = event["Source"]
                event_msg["account"] = self.account_id
                event_msg["time"] = event.get("Time", unix_time())
                event_msg["region"] = self.region_name
                event_msg["resources"] = event.get("Resources", [])
                event_msg["detail"] = detail
                event_msg["ingestion-time"] = unix_time()
                if not matches(rule.event_pattern, event_msg):
                    continue
                if handed:
                    event_msg["detail"] = json.loads(event["Detail"])
                handed = True
                token = _matched.set((id(event_msg), id(rule.event_pattern)))
                try:
                    rule.send_to_targets(event_msg)
                finally:
                    _matched.reset(token)
    return entries


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's EventBridge through `replace(owner, name, value)` (so it can be undone)."""
    from moto.events.models import EventPattern, EventsBackend
    from moto.events.utils import EventTemplateParser

    replace(EventTemplateParser, "parse", staticmethod(parse))
    _originals.setdefault("matches_event", EventPattern.matches_event)
    replace(EventPattern, "matches_event", matches_event)
    replace(EventsBackend, "put_events", put_events)
