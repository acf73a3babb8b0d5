from __future__ import annotations

from typing import Any

from infra.openapi import CONTEXT_EXTENSION, _qualify_clashing_schemas, merged_schema


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
