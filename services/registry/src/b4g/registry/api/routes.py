"""The registry's HTTP API: organisations and DIDs (admin, by role), trust by DID (public),
audit-chain verification (auditor)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, JSONBody, Parameter

from b4g.core.infra.fetch import SafeFetcher, policy_for
from b4g.core.infra.problems import ApiError
from b4g.core.infra.settings import BaseSettings
from b4g.core.trust import TrustState
from b4g.registry.api.pages import PAGE_ROUTES
from b4g.registry.api.public import PUBLIC_ROUTES, public_of
from b4g.registry.domain.trqp import TrustAtMoment
from b4g.registry.usecases.registry import Principal, Registry

API_KEY: list[dict[str, list[str]]] = [{"ApiKey": []}]


class NewOrganisation(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    legal_name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
    website: Annotated[str, msgspec.Meta(pattern="^https?://", max_length=500)] | None = None
    contact_email: (
        Annotated[str, msgspec.Meta(pattern="^[^@\\s]+@[^@\\s]+$", max_length=320)] | None
    ) = None


class StatusChange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: Literal["active", "suspended", "removed"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class NewDid(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    did: Annotated[str, msgspec.Meta(pattern="^did:(key|web):[A-Za-z0-9._%:-]+$", max_length=500)]


class Organisation(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    legal_name: str
    country: str
    website: str | None
    contact_email: str | None
    status: str


def registry_of(state: State) -> Registry:
    if "registry" not in state:
        settings: BaseSettings = state.runtime.settings
        # did:web controller documents for proofs of control, through the guarded fetcher.
        fetcher = SafeFetcher(policy_for(settings))
        state.registry = Registry(
            state.runtime.require_pool(),
            domain=settings.public_base_url or "badges4good-registry",
            fetch=fetcher.fetch_json,
        )
    registry: Registry = state.registry
    return registry


async def principal(state: State, request: Request[Any, Any, Any]) -> Principal:
    token = request.headers.get("authorization", "")
    scheme, _, value = token.partition(" ")
    return await registry_of(state).authenticate(
        value.strip() if scheme.lower() == "bearer" else None
    )


def _org(row: dict[str, Any]) -> Organisation:
    return msgspec.convert(row, Organisation, from_attributes=True, strict=False)


@post(
    "/organisations",
    tags=["organisations"],
    security=API_KEY,
    summary="Register an organisation",
    description="Registry admins register an organisation that issues badges.",
    status_code=201,
)
async def create_organisation(
    state: State,
    request: Request[Any, Any, Any],
    data: Annotated[
        NewOrganisation,
        Body(
            examples=[
                Example(
                    summary="A youth centre",
                    value={
                        "legal_name": "Kaunas Youth Centre",
                        "country": "LT",
                        "website": "https://kyc.example",
                        "contact_email": "info@kyc.example",
                    },
                )
            ]
        ),
    ],
) -> Organisation:
    who = await principal(state, request)
    return _org(await registry_of(state).create_organisation(who, msgspec.to_builtins(data)))


@post(
    "/organisations/{org_id:uuid}/status",
    tags=["organisations"],
    security=API_KEY,
    summary="Change an organisation's registry status",
    status_code=200,
)
async def change_status(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    data: JSONBody[StatusChange],
) -> Organisation:
    who = await principal(state, request)
    return _org(await registry_of(state).set_status(who, org_id, data.status, data.reason))


@post(
    "/organisations/{org_id:uuid}/dids",
    tags=["dids"],
    security=API_KEY,
    status_code=201,
    summary="Register a DID and get the challenge that proves control of it",
    description=(
        "Returns the document to sign (`sign`): add a Data Integrity proof "
        "(eddsa-jcs-2022 or eddsa-rdfc-2022) made with a key the DID lists under "
        "`authentication` or `assertionMethod`, and POST it to `…/dids/proof`."
    ),
)
async def register_did(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    data: JSONBody[NewDid],
) -> dict[str, Any]:
    who = await principal(state, request)
    return await registry_of(state).register_did(who, org_id, data.did)


@post(
    "/organisations/{org_id:uuid}/dids/proof",
    tags=["dids"],
    security=API_KEY,
    status_code=200,
    summary="Prove control of a DID with the signed challenge",
)
async def prove_did(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    data: JSONBody[dict[str, Any]],
) -> TrustState:
    who = await principal(state, request)
    return await registry_of(state).prove_did(who, org_id, data)


class DidValidity(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    valid_from: datetime | None = None
    valid_until: datetime | None = None  # None: open-ended
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


@post(
    "/organisations/{org_id:uuid}/dids/{did:str}/validity",
    tags=["organisations"],
    status_code=200,
    security=API_KEY,
    summary="Set when a DID speaks for its organisation (e.g. retire a DID whose key was lost)",
    description="Badges issued before `valid_until` keep their issuer's trust; later ones do "
    "not. Published to verifiers at once.",
)
async def set_did_validity(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    did: FromPath[str],
    data: Annotated[
        DidValidity,
        Body(
            examples=[
                Example(
                    summary="Retire a DID",
                    value={"valid_until": "2026-12-31T23:59:59Z", "reason": "key lost"},
                )
            ]
        ),
    ],
) -> TrustState:
    who = await principal(state, request)
    for moment in (data.valid_from, data.valid_until):
        if moment is not None and moment.tzinfo is None:
            raise ApiError("times need a time zone (e.g. Z)")
    return await registry_of(state).set_did_validity(
        who, org_id, did, data.valid_from, data.valid_until, data.reason
    )


@get(
    "/trust/{did:str}",
    tags=["trust"],
    summary="Trust state of an issuer DID",
    description="Public and cacheable. 404 for DIDs that are unknown or not proven. With "
    "`?at=`, also what held at that moment.",
)
async def trust(
    state: State,
    did: FromPath[str],
    at: Annotated[
        str | None,
        Parameter(
            max_length=64,
            description="An RFC 3339 moment: also answer what held then (registry status, "
            "trusted issuer, label held), e.g. a badge's validFrom",
            examples=[Example(value="2026-03-01T09:00:00Z")],
        ),
    ] = None,
) -> Response[TrustState | TrustAtMoment]:
    if at is not None:
        then = await public_of(state).trust_at(did, at)
        return Response(then, headers={"Cache-Control": "public, max-age=60"})
    found = await registry_of(state).trust(did)
    return Response(
        found,
        headers={"Cache-Control": "public, max-age=60", "ETag": f'"{found.did}-{found.sequence}"'},
    )


@get(
    "/audit/verify",
    tags=["audit"],
    summary="Verify the audit log's hash chain",
    security=API_KEY,
)
async def verify_audit(state: State, request: Request[Any, Any, Any]) -> dict[str, Any]:
    who = await principal(state, request)
    return await registry_of(state).verify_audit(who)


class NewApplication(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    renewalOf: uuid.UUID | None = None


class ApplicationStep(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    # With "apply": self-assessment, evidence links, good-practice examples, the 3-year plan.
    submission: dict[str, Any] | None = None


class Proposal(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    decision: Literal["approve", "reject"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Reason(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


@post(
    "/organisations/{org_id:uuid}/applications",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Express interest in the Quality Label (or start a renewal)",
)
async def open_application(
    state: State,
    request: Request[Any, Any, Any],
    org_id: FromPath[uuid.UUID],
    data: JSONBody[NewApplication],
) -> dict[str, Any]:
    who = await principal(state, request)
    return _plain(await registry_of(state).open_application(who, org_id, data.renewalOf))


@post(
    "/applications/{app_id:uuid}/{action:str}",
    tags=["quality label"],
    status_code=200,
    security=API_KEY,
    summary="Move an application: complete_course, apply, withdraw (organisation); "
    "start_assessment, return_for_changes (assessor)",
)
async def move_application(
    state: State,
    request: Request[Any, Any, Any],
    app_id: FromPath[uuid.UUID],
    action: FromPath[str],
    data: JSONBody[ApplicationStep],
) -> dict[str, Any]:
    who = await principal(state, request)
    return _plain(
        await registry_of(state).move_application(who, app_id, action, data.reason, data.submission)
    )


@post(
    "/applications/{app_id:uuid}/decisions",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Propose to grant or refuse (an assessor; another confirms)",
)
async def propose_decision(
    state: State,
    request: Request[Any, Any, Any],
    app_id: FromPath[uuid.UUID],
    data: JSONBody[Proposal],
) -> dict[str, Any]:
    who = await principal(state, request)
    return await registry_of(state).propose(who, data.decision, app_id, data.reason)


@post(
    "/grants/{grant_id:uuid}/withdrawals",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Propose to withdraw a label (committee; another confirms)",
)
async def propose_withdrawal(
    state: State,
    request: Request[Any, Any, Any],
    grant_id: FromPath[uuid.UUID],
    data: JSONBody[Reason],
) -> dict[str, Any]:
    who = await principal(state, request)
    return await registry_of(state).propose(who, "withdraw_grant", grant_id, data.reason)


@post(
    "/decisions/{decision_id:uuid}/confirm",
    tags=["quality label"],
    status_code=200,
    security=API_KEY,
    summary="Confirm a decision (four eyes: not its proposer)",
)
async def confirm_decision(
    state: State, request: Request[Any, Any, Any], decision_id: FromPath[uuid.UUID]
) -> dict[str, Any]:
    who = await principal(state, request)
    return await registry_of(state).confirm(who, decision_id)


@post(
    "/grants/{grant_id:uuid}/{action:str}",
    tags=["quality label"],
    status_code=200,
    security=API_KEY,
    summary="Suspend or reinstate a label (committee)",
)
async def govern_grant(
    state: State,
    request: Request[Any, Any, Any],
    grant_id: FromPath[uuid.UUID],
    action: FromPath[str],
    data: JSONBody[Reason],
) -> dict[str, Any]:
    who = await principal(state, request)
    return await registry_of(state).govern_grant(who, grant_id, action, data.reason)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: str(v) if isinstance(v, uuid.UUID) else v.isoformat() if hasattr(v, "isoformat") else v
        for k, v in row.items()
    }


ROUTES = [
    create_organisation,
    change_status,
    register_did,
    prove_did,
    set_did_validity,
    trust,
    verify_audit,
    open_application,
    move_application,
    propose_decision,
    propose_withdrawal,
    confirm_decision,
    govern_grant,
    *PUBLIC_ROUTES,
    *PAGE_ROUTES,
]
