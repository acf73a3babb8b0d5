from __future__ import annotations

from typing import Any

from functions.common.api import CONTEXT_EXTENSION
from infra.openapi import _qualify_clashing_schemas, merged_schema


def document(schema_name: str, definition: dict[str, Any]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema_name}"}
    return {
        "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": ref}}}}}}},
        "components": {"schemas": {schema_name: definition}},
    }


def test_same_name_different_models_are_qualified_per_context() -> None:
    documents = {
        "catalog": document("OfferOut", {"type": "object", "title": "catalog offer"}),
        "orders": document("OfferOut", {"type": "object", "title": "cart offer"}),
        "vendor": document("Shared", {"type": "string"}),
    }

    qualified = _qualify_clashing_schemas(documents)

    assert set(qualified["catalog"]["components"]["schemas"]) == {"CatalogOfferOut"}
    ref = qualified["orders"]["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/OrdersOfferOut"}
    assert set(qualified["vendor"]["components"]["schemas"]) == {"Shared"}


def test_every_operation_names_its_context_and_health_is_public() -> None:
    schema = merged_schema()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation[CONTEXT_EXTENSION], f"{method} {path}"
    assert "security" not in schema["paths"]["/health/vendor"]["get"]


def error_ref(operation: dict[str, Any], status: str) -> str | None:
    content = operation["responses"].get(status, {}).get("content", {})
    ref: str | None = content.get("application/json", {}).get("schema", {}).get("$ref")
    return ref


def test_every_operation_documents_its_error_statuses_with_the_error_body() -> None:
    schema = merged_schema()
    error = "#/components/schemas/ErrorResponse"

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method} {path}"
            assert error_ref(operation, "400") == error, name
            assert error_ref(operation, "422") == error, name
            assert error_ref(operation, "429") == error, name
            if operation.get("security"):
                assert error_ref(operation, "401") == error_ref(operation, "403") == error, name
            assert error_ref(operation, "404") == error, name
            if "requestBody" in operation:
                assert error_ref(operation, "415") == error_ref(operation, "413") == error, name
            if method != "get":
                assert error_ref(operation, "409") == error, name
            if "204" in operation["responses"]:
                assert "content" not in operation["responses"]["204"], name
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert set(schema["components"]["schemas"]["ErrorResponse"]["properties"]) == {"error"}
