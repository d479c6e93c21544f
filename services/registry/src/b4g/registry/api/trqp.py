"""TRQP v2 queries. The request and response members are the protocol's own (snake_case, as the
Trust Registry Query Protocol v2 names them), the one exception to the registry's camelCase."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body

from b4g.registry.api.deps import Ctx
from b4g.registry.api.examples import AUTHORITY_EXAMPLE, DID_EXAMPLE
from b4g.registry.domain.trqp import rfc3339
from b4g.registry.usecases import trqp
from b4g.registry.usecases.trqp import Question

Identifier = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Word = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
QueryContext = dict[
    Annotated[str, msgspec.Meta(max_length=100)], Annotated[str, msgspec.Meta(max_length=2000)]
]


class TrqpRequest(msgspec.Struct, frozen=True, kw_only=True):
    entity_id: Identifier
    authority_id: Identifier
    action: Word
    resource: Word
    context: QueryContext | None = None

    def question(self) -> Question:
        time = self.context.get("time") if self.context else None
        return Question(self.entity_id, self.authority_id, self.action, self.resource, time)


class AuthorizationRequest(TrqpRequest, frozen=True, kw_only=True):
    """TRQP v2 AuthorizationRequest."""


class RecognitionRequest(TrqpRequest, frozen=True, kw_only=True):
    """TRQP v2 RecognitionRequest."""


class AuthorizationResponse(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """TRQP v2 AuthorizationResponse."""

    entity_id: str
    authority_id: str
    action: str
    resource: str
    authorized: bool
    time_requested: str | None = None
    time_evaluated: str
    message: str | None = None
    context: dict[str, str] | None = None


class RecognitionResponse(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """TRQP v2 RecognitionResponse."""

    entity_id: str
    authority_id: str
    action: str
    resource: str
    recognized: bool
    time_requested: str | None = None
    time_evaluated: str
    message: str | None = None
    context: dict[str, str] | None = None


AUTHORIZATION_EXAMPLE = Example(
    summary="Did this issuer hold the Quality Label when it issued a badge?",
    value={
        "entity_id": DID_EXAMPLE,
        "authority_id": AUTHORITY_EXAMPLE,
        "action": "issue",
        "resource": "quality-label",
        "context": {"time": "2026-03-01T12:00:00Z"},
    },
)
AUTHORIZED_EXAMPLE = Example(
    summary="Authorized",
    value={
        "entity_id": DID_EXAMPLE,
        "authority_id": AUTHORITY_EXAMPLE,
        "action": "issue",
        "resource": "quality-label",
        "authorized": True,
        "time_requested": "2026-03-01T12:00:00Z",
        "time_evaluated": "2026-04-02T08:30:00Z",
        "message": "Kaunas Youth Centre held the Quality Label for badge recognition",
        "context": {"time": "2026-03-01T12:00:00Z"},
    },
)
RECOGNITION_EXAMPLE = Example(
    summary="Does this registry recognise another authority?",
    value={
        "entity_id": "https://registry.partner.example",
        "authority_id": AUTHORITY_EXAMPLE,
        "action": "issue",
        "resource": "badge",
    },
)
RECOGNIZED_EXAMPLE = Example(
    summary="Not recognised",
    value={
        "entity_id": "https://registry.partner.example",
        "authority_id": AUTHORITY_EXAMPLE,
        "action": "issue",
        "resource": "badge",
        "recognized": False,
        "time_evaluated": "2026-04-02T08:30:00Z",
        "message": "this registry does not recognise that authority",
    },
)
TRQP_TERMS = (
    " `authority_id` must be this registry's authority id (`B4G_TRQP_AUTHORITY_ID`, by default"
    " its public base URL), else 404 `unknown_authority`. Known `action`/`resource` pairs:"
    " `issue`/`badge` (a registered, active organisation's proven DID) and"
    " `issue`/`quality-label` (that, and the organisation held the Quality Label); others are"
    " 404 `unknown_action_resource`. `context.time` (RFC 3339, UTC) asks about a past moment;"
    " without it the answer is for now."
)


@post(
    "/trqp/authorization",
    tags=["trqp"],
    status_code=200,
    summary="TRQP v2 authorization query",
    description=(
        "Trust over IP Trust Registry Query Protocol v2: is `entity_id` (an issuer DID)"
        " authorized by this registry's authority to `action` the `resource`? An entity the"
        " registry does not know gets `authorized: false`." + TRQP_TERMS
    ),
    responses={
        200: ResponseSpec(
            data_container=AuthorizationResponse,
            description="The answer",
            examples=[AUTHORIZED_EXAMPLE],
        )
    },
)
async def trqp_authorization(
    ctx: Ctx, data: Annotated[AuthorizationRequest, Body(examples=[AUTHORIZATION_EXAMPLE])]
) -> AuthorizationResponse:
    question = data.question()
    verdict = await trqp.authorization(ctx, question)
    return AuthorizationResponse(
        entity_id=data.entity_id,
        authority_id=data.authority_id,
        action=data.action,
        resource=data.resource,
        authorized=verdict.yes,
        time_requested=question.time_requested,
        time_evaluated=rfc3339(verdict.evaluated),
        message=verdict.message,
        context=data.context,
    )


@post(
    "/trqp/recognition",
    tags=["trqp"],
    status_code=200,
    summary="TRQP v2 recognition query",
    description=(
        "Trust over IP Trust Registry Query Protocol v2: does this registry's authority"
        " recognise the authority `entity_id` for `action` on `resource`? It recognises itself"
        " and the authorities listed in `B4G_TRQP_RECOGNISED_AUTHORITIES` (none by default)."
        + TRQP_TERMS
    ),
    responses={
        200: ResponseSpec(
            data_container=RecognitionResponse,
            description="The answer",
            examples=[RECOGNIZED_EXAMPLE],
        )
    },
)
async def trqp_recognition(
    ctx: Ctx, data: Annotated[RecognitionRequest, Body(examples=[RECOGNITION_EXAMPLE])]
) -> RecognitionResponse:
    question = data.question()
    verdict = trqp.recognition(ctx, question)
    return RecognitionResponse(
        entity_id=data.entity_id,
        authority_id=data.authority_id,
        action=data.action,
        resource=data.resource,
        recognized=verdict.yes,
        time_requested=question.time_requested,
        time_evaluated=rfc3339(verdict.evaluated),
        message=verdict.message,
        context=data.context,
    )


ROUTES = [trqp_authorization, trqp_recognition]
