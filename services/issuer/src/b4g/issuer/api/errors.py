"""The issuer's errors as RFC 9457 problems: each kind of error has one HTTP status."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from b4g.core.infra.problems import Problem, problem_response
from b4g.issuer.domain import errors

_TYPE_BASE = "https://badges4good.org/problems/"
STATUS: dict[type[errors.IssuerError], int] = {
    errors.Invalid: 400,
    errors.Unauthenticated: 401,
    errors.NotPermitted: 403,
    errors.NotFound: 404,
    errors.Unacceptable: 406,
    errors.Conflict: 409,
    errors.Unprocessable: 422,
    errors.Unavailable: 503,
}


def status_of(exc: errors.IssuerError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def issuer_problem(request: Request[Any, Any, Any], exc: errors.IssuerError) -> Response[Any]:
    return problem_response(
        Problem(
            type=_TYPE_BASE + exc.code,
            title=exc.title,
            status=status_of(exc),
            code=exc.code,
            detail=exc.detail,
            instance=request.url.path,
        )
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {errors.IssuerError: issuer_problem}
