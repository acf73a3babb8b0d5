"""JSON from clients, refused before Python's parser recurses into it.

`json.loads` recurses once per nesting level: 100,000 brackets raise RecursionError, which is not
a ValueError, so code that answers bad JSON with a 4xx (`except ValueError`) let it escape as a
server error (the advice WebSocket did). The depth is counted without recursion first, and too
deep is a ValueError like any other unparsable JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects a client's JSON may have (the deepest Plein model has about 5)."""

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, brackets inside strings not counted."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class TooDeep(ValueError):
    """The JSON is nested deeper than allowed (a ValueError, as any other unparsable JSON)."""


def loads_bounded(text: str, max_depth: int = MAX_JSON_DEPTH, **options: Any) -> Any:
    """`json.loads`, refusing JSON nested deeper than `max_depth` with TooDeep before parsing."""
    if nesting_depth(text) > max_depth:
        raise TooDeep(f"the JSON is nested deeper than {max_depth} levels")
    return json.loads(text, **options)
