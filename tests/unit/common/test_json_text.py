"""Client JSON is measured before it is parsed, so deep nesting never reaches the recursive parser."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common.json_text import MAX_JSON_DEPTH, TooDeep, loads_bounded, nesting_depth

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=20,
)


def _depth(value: object) -> int:
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
    return 1 + max(map(_depth, children), default=0) if children is not None else 0


@given(json_values)
def test_the_depth_is_the_structures_not_the_brackets_in_its_strings(value: object) -> None:
    assert nesting_depth(json.dumps(value)) == _depth(value)


def test_deep_json_is_refused_as_bad_json_before_the_parser_recurses() -> None:
    # Given 100,000 nested arrays (json.loads raises RecursionError on them, not a ValueError)
    text = "[" * 100_000 + "]" * 100_000

    # When it is loaded, it is refused as too deep: a ValueError, as callers expect of bad JSON
    with pytest.raises(ValueError, match="nested deeper than 32 levels") as refused:
        loads_bounded(text)
    assert isinstance(refused.value, TooDeep)


def test_json_at_the_limit_loads() -> None:
    text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert nesting_depth(text) == MAX_JSON_DEPTH
    assert loads_bounded(text) is not None
