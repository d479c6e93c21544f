"""The registry's refusals as RFC 9457 problem details: each kind of domain error maps to one
HTTP status here, and nowhere else."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from b4g.core.infra.problems import Problem, problem_response
from b4g.registry.domain.errors import Kind, RegistryError

STATUS: dict[Kind, int] = {
    "invalid": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unprocessable": 422,
    "unavailable": 503,
}
TYPE_BASE = "https://badges4good.org/problems/"


def problem_of(exc: RegistryError, instance: str | None = None) -> Problem:
    return Problem(
        type=TYPE_BASE + exc.code,
        title=exc.title,
        status=STATUS[exc.kind],
        code=exc.code,
        detail=exc.detail,
        instance=instance,
    )


def registry_error(request: Request[Any, Any, Any], exc: RegistryError) -> Response[Any]:
    return problem_response(problem_of(exc, request.url.path))


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {RegistryError: registry_error}
