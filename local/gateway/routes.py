"""The REST route table, built from each context API's OpenAPI document.

API Gateway matches literal path segments before `{parameter}` segments; so does this table.
Operations with a `security` requirement sit behind the Cognito authorizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

HTTP_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"})
_PARAMETER = re.compile(r"^\{([^}/]+?)(\+)?\}$")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    function: str
    context: str
    secured: bool

    @property
    def segments(self) -> tuple[str, ...]:
        return split_path(self.template)


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


def split_path(path: str) -> tuple[str, ...]:
    return tuple(segment for segment in path.split("/") if segment)


def _specificity(route: Route) -> tuple[int, ...]:
    # literal segments sort before parameters, greedy parameters last (as API Gateway does)
    ranks = []
    for segment in route.segments:
        found = _PARAMETER.match(segment)
        ranks.append(0 if found is None else (2 if found.group(2) else 1))
    return tuple(ranks)


class RouteTable:
    def __init__(self, routes: Iterable[Route]):
        self._routes: list[Route] = []
        seen: dict[tuple[str, str], Route] = {}
        for route in routes:
            key = (route.method, route.template)
            if key in seen:
                other = seen[key]
                raise ValueError(f"{route.method} {route.template} is served by {other.context} and {route.context}")
            seen[key] = route
            self._routes.append(route)
        self._routes.sort(key=_specificity)

    @property
    def routes(self) -> list[Route]:
        return list(self._routes)

    def match(self, method: str, path: str) -> Match | None:
        """The route serving `method path`; OPTIONS matches any method's route (CORS preflight)."""
        segments = tuple(unquote(s) for s in split_path(path))
        best: Match | None = None
        for route in self._routes:
            parameters = _match_segments(route.segments, segments)
            if parameters is None:
                continue
            if route.method == method:
                return Match(route, parameters)
            if method == "OPTIONS" and best is None:
                best = Match(route, parameters)
        return best

    def paths(self, path: str) -> bool:
        return any(_match_segments(r.segments, split_path(path)) is not None for r in self._routes)


def _match_segments(template: tuple[str, ...], segments: tuple[str, ...]) -> dict[str, str] | None:
    parameters: dict[str, str] = {}
    for index, part in enumerate(template):
        found = _PARAMETER.match(part)
        if found is not None and found.group(2):  # {proxy+}: the rest of the path, at least one segment
            if index >= len(segments):
                return None
            parameters[found.group(1)] = "/".join(segments[index:])
            return parameters
        if index >= len(segments):
            return None
        if found is not None:
            parameters[found.group(1)] = segments[index]
        elif part != segments[index]:
            return None
    if len(segments) != len(template):
        return None
    return parameters


def routes_from_openapi(schema: Mapping[str, Any], *, function: str, context: str) -> list[Route]:
    """The routes of one context API; `security` on an operation (or globally) means signed in."""
    default_security = bool(schema.get("security"))
    found = []
    for template, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method.upper() not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            security = operation.get("security", schema.get("security"))
            secured = bool(security) if security is not None else default_security
            found.append(Route(method.upper(), template, function, context, secured))
    return found


def merge_openapi(schemas: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One document for the whole API, each operation tagged with the context serving it."""
    merged: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, Any] = {}
    for context, schema in schemas.items():
        if not merged:
            merged = {key: value for key, value in schema.items() if key not in ("paths", "components")}
        for kind, definitions in schema.get("components", {}).items():
            components.setdefault(kind, {}).update(definitions)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if isinstance(operation, dict):
                    paths.setdefault(path, {})[method] = {**operation, "x-plein-context": context}
    merged["paths"] = dict(sorted(paths.items()))
    merged["components"] = components
    merged["servers"] = [{"url": "/", "description": "local runtime"}]
    return merged
