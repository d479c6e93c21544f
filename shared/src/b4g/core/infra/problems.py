"""RFC 9457 problem details: one shape for every error response, with a stable `code`."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import msgspec
from aiokafka.errors import KafkaError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    Schema,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from b4g.core.errors import B4GError
from b4g.core.infra.db import DATABASE_DOWN

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://badges4good.org/problems/"


class Problem(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem; `code` is our stable machine-readable error code."""

    type: str
    title: str
    status: int
    code: str
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class ApiError(B4GError):
    """An error a route raises on purpose; subclasses set `status`, `code` and `title`."""

    status: int = 400
    code = "bad_request"
    title: str = "Bad request"

    def __init__(self, detail: str | None = None, *, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors


class NotFound(ApiError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(ApiError):
    status, code, title = 409, "conflict", "Conflict"


class Unauthorized(ApiError):
    status, code, title = 401, "unauthorized", "Authentication required"


class Forbidden(ApiError):
    status, code, title = 403, "forbidden", "Not allowed"


_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    429: ("too_many_requests", "Too many requests"),
    503: ("unavailable", "Service unavailable"),
}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(
        content=msgspec.to_builtins(problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[Any]:
    return problem_response(
        Problem(
            type=_TYPE_BASE + exc.code,
            title=exc.title,
            status=exc.status,
            code=exc.code,
            detail=exc.detail,
            instance=request.url.path,
            errors=exc.errors,
        )
    )


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else None
    return problem_response(
        Problem(
            type=_TYPE_BASE + "validation_failed",
            title="Request validation failed",
            status=400,
            code="validation_failed",
            detail=exc.detail,
            instance=request.url.path,
            errors=extra,
        )
    )


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    return problem_response(
        Problem(
            type=_TYPE_BASE + code,
            title=title,
            status=exc.status_code,
            code=code,
            detail=exc.detail if exc.detail.lower() != title.lower() else None,
            instance=request.url.path,
        ),
        headers=exc.headers,
    )


def _unstorable(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Any]:
    """PostgreSQL class 22 (a NUL character in text, a number out of range, …): the value came
    from the client and the transaction was rolled back, so nothing was written."""
    log.warning(
        "value refused by the database", extra={"path": request.url.path, "error": str(exc)}
    )
    return problem_response(
        Problem(
            type=_TYPE_BASE + "unstorable_value",
            title="A value cannot be stored",
            status=422,
            code="unstorable_value",
            detail=f"{exc} (text may not contain NUL characters; numbers must fit their field)",
            instance=request.url.path,
        )
    )


RETRY_AFTER_SECONDS = "5"


def _unavailable(code: str, what: str) -> Any:
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        log.warning("dependency unavailable", extra={"path": request.url.path, "error": repr(exc)})
        return problem_response(
            Problem(
                type=_TYPE_BASE + code,
                title="Service temporarily unavailable",
                status=503,
                code=code,
                detail=f"{what} is not reachable right now. Nothing was lost: retry in a few "
                "seconds (with the same Idempotency-Key, a retried write is applied once).",
                instance=request.url.path,
            ),
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )

    return handle


def _malformed(code: str, detail: str) -> Any:
    """A request body no decoder can take (raised while Litestar decodes it, before the handler
    runs, or by a standards routine walking a document nested beyond reason)."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        return problem_response(
            Problem(
                type=_TYPE_BASE + code,
                title="Malformed request",
                status=400,
                code=code,
                detail=detail,
                instance=request.url.path,
            )
        )

    return handle


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(
        Problem(
            type=_TYPE_BASE + "internal_error",
            title="Internal error",
            status=HTTP_500_INTERNAL_SERVER_ERROR,
            code="internal_error",
            instance=request.url.path,
        )
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    ApiError: _api_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    asyncpg.DataError: _unstorable,
    RecursionError: _malformed(
        "nesting_too_deep", "The JSON document is nested too deeply to be processed."
    ),
    UnicodeDecodeError: _malformed(
        "invalid_utf8", "The request body is not valid UTF-8 text; send JSON encoded as UTF-8."
    ),
    **dict.fromkeys(DATABASE_DOWN, _unavailable("database_unavailable", "The database")),
    KafkaError: _unavailable("broker_unavailable", "The message broker"),
    Exception: _unexpected,
}


def document_problems(openapi: OpenAPI) -> None:
    """Every operation answers errors as RFC 9457 problems: say so in the OpenAPI document
    (a `default` problem response, and Litestar's generic 400 replaced by ours), so clients and
    schemathesis know the media type and shape of every error."""
    components = openapi.components
    schemas = components.schemas if components.schemas is not None else {}
    schemas["Problem"] = _PROBLEM_SCHEMA
    components.schemas = schemas
    problem = OpenAPIResponse(
        description="An RFC 9457 problem with a stable `code`",
        content={PROBLEM_JSON: OpenAPIMediaType(schema=Reference("#/components/schemas/Problem"))},
    )
    for item in (openapi.paths or {}).values():
        for operation in (item.get, item.put, item.post, item.patch, item.delete):
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            if "400" in responses:
                responses["400"] = problem
            responses.setdefault("default", problem)
            operation.responses = responses


_PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["type", "title", "status", "code"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.URI),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "code": Schema(type=OpenAPIType.STRING, description="stable machine-readable code"),
        "detail": Schema(type=OpenAPIType.STRING),
        "instance": Schema(type=OpenAPIType.STRING),
        "errors": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
    },
)
