"""The REST resolver every context API uses: validation, error mapping, auth, health and OpenAPI.

A context's `handlers/api.py` calls `create_api(context)`, includes its routers and exposes
`handler`. Errors leave in one shape, `{"error": {"code", "message", "details"}}`, and nothing
a client sends can produce a 500.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from functions.common.auth import Principal, principal_from_event
from functions.common.errors import ErrorDetail, PleinError, error_body
from functions.common.observability import logger, metrics, tracer
from functions.common.request_guard import checked_event

# OpenAPI security requirement for routes behind the Cognito authorizer. Routes without it are
# public; the CDK app and the local gateway both read this from the generated OpenAPI document.
SIGNED_IN: list[dict[str, list[str]]] = [{"cognito": []}]
CONTEXT_EXTENSION = "x-plein-context"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def create_api(context: str) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(
        enable_validation=True,
        cors=_cors(),
    )
    app.include_router(_health_router(context))
    _register_error_handlers(app)
    _remember_type_hints()
    return app


def _cors() -> CORSConfig:
    """The stage's browser origins (`CORS_ORIGINS`, set by the CDK app); any origin when unset (local)."""
    from functions.common.settings import CorsSettings, load_settings

    first, *others = load_settings(CorsSettings).origins
    return CORSConfig(allow_origin=first, extra_origins=others, allow_headers=[IDEMPOTENCY_HEADER], max_age=600)


def _remember_type_hints() -> None:
    """Powertools resolves `Depends()` parameters by reading the route's and each dependency's type
    hints (`typing.get_type_hints`, which evaluates string annotations) on every request: about a
    quarter of a millisecond per request of a route with a dependency. Functions do not change
    their annotations, so the hints are read once per function (the returned dicts are only read).
    """
    import functools

    from aws_lambda_powertools.event_handler import depends

    module = vars(depends)
    hints = module.get("get_type_hints")  # absent in another Powertools version: nothing to do
    if hints is not None and not hasattr(hints, "cache_info"):
        module["get_type_hints"] = functools.lru_cache(maxsize=1024)(hints)


def openapi_document(app: APIGatewayRestResolver) -> str:
    """The context's OpenAPI document as JSON.

    Configured here rather than in `create_api` because the OpenAPI models cost about 40 ms of
    cold start that no request needs.
    """
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    app.configure_openapi(
        title="Plein API",
        version="1.0.0",
        summary="Community marketplace",
        security_schemes={"cognito": HTTPBearer(bearerFormat="JWT", description="Cognito ID token")},
    )
    return app.get_openapi_json_schema()


def principal(app: APIGatewayRestResolver | Router) -> Principal:
    """The signed-in caller of the current request; 401 when there is none."""
    return principal_from_event(app.current_event.raw_event)


def json_response(status: HTTPStatus, body: dict[str, Any]) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body=body)


def _health_router(context: str) -> Router:
    router = Router()

    @router.get(f"/health/{context}", summary=f"Liveness of the {context} API", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok", "context": context}

    return router


def _register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(PleinError)
    def domain_error(exc: PleinError) -> Response[Any]:
        return json_response(exc.status, exc.body())

    @app.exception_handler(RequestValidationError)
    def invalid_request(exc: RequestValidationError) -> Response[Any]:
        details = [
            ErrorDetail(
                field=".".join(str(part) for part in err.get("loc", ()) if part != "body") or None,
                code=str(err.get("type", "invalid")),
                message=str(err.get("msg", "invalid value")),
            )
            for err in exc.errors()
        ]
        return json_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            error_body("validation_failed", "the request is not valid", details),
        )

    @app.not_found
    def route_not_found(_: NotFoundError) -> Response[Any]:
        return json_response(HTTPStatus.NOT_FOUND, error_body("route_not_found", "no such endpoint"))

    @app.exception_handler(Exception)
    def unexpected(exc: Exception) -> Response[Any]:
        logger().exception("unhandled error", extra={"error_type": type(exc).__name__})
        return json_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, error_body("internal_error", "something went wrong on our side")
        )


def _refused(exc: PleinError) -> dict[str, Any]:
    """A proxy response for a request refused before routing (CORS as on every other answer)."""
    import json

    return {
        "statusCode": int(exc.status),
        "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
        "body": json.dumps(exc.body()),
        "isBase64Encoded": False,
    }


def lambda_entry(app: APIGatewayRestResolver) -> Any:
    """The Lambda entry point for a context API, under the Powertools decorators."""
    from aws_lambda_powertools.logging import correlation_paths

    log, trace, measure = logger(), tracer(), metrics()

    @log.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            event = checked_event(event)
        except PleinError as exc:
            return _refused(exc)
        return app.resolve(event, context)

    return handler
