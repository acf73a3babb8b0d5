"""The REST operations of the generated OpenAPI document, as the CDK app needs them (CDK-free)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from functions.common.api import CONTEXT_EXTENSION

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head")
PARAMETER_LOCATIONS = {"path": "path", "query": "querystring", "header": "header"}


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    context: str
    secured: bool
    # API Gateway request parameters: `method.request.querystring.limit` -> required
    parameters: tuple[tuple[str, bool], ...] = ()


def load_document(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in sorted(document.get("paths", {}).items()):
        shared_parameters = item.get("parameters", [])
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            context = operation.get(CONTEXT_EXTENSION)
            if not context:
                raise ValueError(f"{method.upper()} {path} has no {CONTEXT_EXTENSION}: regenerate docs/openapi.json")
            found.append(
                Operation(
                    path=path,
                    method=method.upper(),
                    context=str(context),
                    secured=bool(operation.get("security", document.get("security"))),
                    parameters=_parameters(
                        [*_path_variables(path), *shared_parameters, *operation.get("parameters", [])]
                    ),
                )
            )
    check_sibling_variables(found)
    return found


def _path_variables(path: str) -> list[dict[str, Any]]:
    return [{"name": part[1:-1], "in": "path"} for part in path.split("/") if part.startswith("{")]


def _parameters(declared: list[dict[str, Any]]) -> tuple[tuple[str, bool], ...]:
    found = {}
    for parameter in declared:
        location = PARAMETER_LOCATIONS.get(parameter.get("in", ""))
        if location:
            required = bool(parameter.get("required")) or location == "path"
            found[f"method.request.{location}.{parameter['name']}"] = required
    return tuple(sorted(found.items()))


def check_sibling_variables(found: list[Operation]) -> None:
    """API Gateway refuses `/a/{x}` next to `/a/{y}`; fail at synthesis instead of at deploy."""
    variables: dict[str, str] = {}
    for operation in found:
        parts = operation.path.strip("/").split("/")
        for depth, part in enumerate(parts):
            if part.startswith("{"):
                parent = "/" + "/".join(parts[:depth])
                seen = variables.setdefault(parent, part)
                if seen != part:
                    raise ValueError(f"{parent} has two variable children, {seen} and {part}: use one name")
