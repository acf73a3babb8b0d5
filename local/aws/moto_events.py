"""EventBridge → target delivery without recompiling JSONPath on every event, for the local moto server.

moto 5.2.5 builds the event each target receives with `EventTemplateParser.parse`, which compiles
every JSONPath of the input paths map (eight for the default, target without InputTransformer) with
jsonpath_ng's yacc parser for every event and every target: about 10 ms per event and target, 80 %
of a PutEvents of ten 88 KB OffersChanged entries to two SQS targets (cProfile, in-process). This
version is moto's function with the compiled expressions cached (they are immutable; `find` does
not change them), and for the default template (every target here) builds the same event directly
instead of substituting JSON text and decoding it again, so what targets receive is unchanged.
Pinned to the moto version of `moto_query`; tests/unit/local/test_moto_events.py compares it with
moto's own on default and custom templates and on events moto's substitution would mangle.
"""

from __future__ import annotations

import functools
import json
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


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's EventBridge through `replace(owner, name, value)` (so it can be undone)."""
    from moto.events.utils import EventTemplateParser

    replace(EventTemplateParser, "parse", staticmethod(parse))
