"""Generate the one OpenAPI document of the REST API from every context's Powertools resolver.

`python -m infra.openapi` writes docs/openapi.json; `--check` fails when the committed document
differs from the code. Each operation carries `x-plein-context` naming the Lambda that serves it;
operations with `security` sit behind the Cognito authorizer. The CDK app and the local gateway
both read this document.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

from functions.common.api import CONTEXT_EXTENSION, openapi_document
from functions.common.errors import ErrorResponse
from infra.generated import write_or_check
from infra.topology import contexts

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
_REFERENCE = re.compile(r'"#/components/schemas/([^"]+)"')
ERROR_SCHEMA = "ErrorResponse"
ERROR_DESCRIPTIONS = {
    "400": "Malformed request: a body that is not UTF-8 JSON, JSON nested too deep, or a bad parameter",
    "401": "No valid Cognito token",
    "403": "Signed in, but not allowed to do this (role or ownership)",
    "404": "No such resource (named in the path or the body)",
    "409": "Conflicts with the current state (a duplicate, a concurrent change, a used key)",
    "413": "The body is larger than this operation takes",
    "414": "The URL is too long",
    "415": "The body is declared as something other than application/json",
    "422": "The request does not validate: `details` names each field and what is wrong",
    "429": "Too many requests: throttled by the API",
}


def context_schema(context: str) -> dict[str, Any]:
    module = importlib.import_module(f"functions.{context}.handlers.api")
    schema: dict[str, Any] = json.loads(openapi_document(module.app))
    return schema


def merged_schema() -> dict[str, Any]:
    documents = {wiring.name: context_schema(wiring.name) for wiring in contexts() if wiring.api is not None}
    documents = _qualify_clashing_schemas(documents)
    merged: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for context, schema in documents.items():
        if not merged:
            merged = {key: value for key, value in schema.items() if key not in ("paths", "components")}
            merged["components"] = {"securitySchemes": schema.get("components", {}).get("securitySchemes", {})}
        schemas.update(schema.get("components", {}).get("schemas", {}))
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if method not in HTTP_METHODS:
                    continue
                existing = paths.setdefault(path, {})
                if method in existing:
                    owner = existing[method][CONTEXT_EXTENSION]
                    raise ValueError(f"{method.upper()} {path} is served by both {owner} and {context}")
                existing[method] = {**operation, CONTEXT_EXTENSION: context}
    for operations in paths.values():
        for method, operation in operations.items():
            _document_errors(method, operation)
    schemas[ERROR_SCHEMA] = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schemas[ERROR_SCHEMA].pop("$defs"))
    merged["paths"] = dict(sorted(paths.items()))
    merged["components"]["schemas"] = dict(sorted(_referenced(schemas, paths).items()))
    return merged


def _document_errors(method: str, operation: dict[str, Any]) -> None:
    """Every error status an operation can answer, with the project's error body; 204 and redirects
    without content."""
    statuses = ["400", "404", "414", "422", "429"]  # 404: a path, or a body, naming what does not exist
    if operation.get("security"):
        statuses += ["401", "403"]
    if method != "get":
        statuses.append("409")
    if "requestBody" in operation:
        statuses += ["413", "415"]
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        own = responses.get(status, {}).get("description") if status != "422" else None
        responses[status] = {
            "description": own or ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}},
        }
    for status, response in responses.items():
        if status == "204" or status.startswith("3"):  # no body: a redirect or no content
            responses[status] = {"description": response.get("description", "No content")}
    operation["responses"] = dict(sorted(responses.items()))


def _referenced(schemas: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    """The schemas the paths reach (Powertools adds its validation error models to every document)."""
    keep: set[str] = set()
    pending = [json.dumps(paths)]
    while pending:
        for name in _REFERENCE.findall(pending.pop()):
            if name not in keep and name in schemas:
                keep.add(name)
                pending.append(json.dumps(schemas[name]))
    return {name: schema for name, schema in schemas.items() if name in keep}


def _qualify_clashing_schemas(documents: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Contexts name their models independently; where two mean different things by one name,
    each context's version is renamed `<Context><Name>` and its references follow."""
    definitions: dict[str, list[Any]] = {}
    for schema in documents.values():
        for name, definition in schema.get("components", {}).get("schemas", {}).items():
            if definition not in definitions.setdefault(name, []):
                definitions[name].append(definition)
    clashing = [name for name, variants in definitions.items() if len(variants) > 1]
    qualified = {}
    for context, schema in documents.items():
        text = json.dumps(schema)
        own = schema.get("components", {}).get("schemas", {})
        for name in clashing:
            if name in own:
                text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{context.title()}{name}"')
        renamed = json.loads(text)
        components = renamed.get("components", {}).get("schemas", {})
        for name in clashing:
            if name in components:
                components[f"{context.title()}{name}"] = components.pop(name)
        qualified[context] = renamed
    return qualified


def render() -> str:
    return json.dumps(merged_schema(), indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(DOCUMENT, render, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
