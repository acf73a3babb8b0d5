"""Parsed condition expressions reused across items, for the local moto server.

moto 5.2.5 lexes and parses a ConditionExpression twice per operation of a TransactWriteItems (once
to validate the request, once to evaluate it), about 0.12 ms of server CPU each; the stores send the
same few expressions with the same names and values for most items (`attribute_not_exists(pk)`
for every new offer and product of a feed import). This version keeps the last 1,024 parse results
by (expression, names, values) and hands out the same condition tree (evaluating one reads the
item, never the tree) with the names and values it found. A failing parse is not kept. Pinned to
the moto version of `patches`; tests/unit/local/test_moto_conditions.py compares it with moto's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CACHE_SIZE = 1024
_cache: dict[str, tuple[Any, list[str], list[str]]] = {}


def cached_parse(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse(self: Any) -> Any:
        key = repr((self.condition_expression, self.expression_attribute_names, self.expression_attribute_values))
        hit = _cache.get(key)
        if hit is None:
            names, values = len(self.expr_attr_names_found), len(self.expr_attr_values_found)
            condition = original(self)
            hit = (condition, self.expr_attr_names_found[names:], self.expr_attr_values_found[values:])
            if len(_cache) >= CACHE_SIZE:
                _cache.clear()
            _cache[key] = hit
            return condition
        self.expr_attr_names_found.extend(hit[1])
        self.expr_attr_values_found.extend(hit[2])
        return hit[0]

    return parse


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's condition parser through `replace(owner, name, value)` (so it can be undone)."""
    from moto.dynamodb.comparisons import ConditionExpressionParser

    _cache.clear()
    replace(ConditionExpressionParser, "parse", cached_parse(ConditionExpressionParser.parse))
