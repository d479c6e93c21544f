"""The registry's public, read-only JSON API: an organisation's public record, the directory of
labelled organisations, TRQP v2 queries and the signed snapshot with the key that signs it.
No authentication; responses are cacheable and carry validators where they are GETs."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, QueryParameter

from b4g.core.infra.settings import SettingsError
from b4g.registry.domain.public import (
    DirectoryPage,
    PublicOrganisation,
    etag_matches,
    strong_etag,
)
from b4g.registry.domain.trqp import rfc3339
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases.public import PublicRegistry

log = logging.getLogger(__name__)

PUBLIC_CACHE = "public, max-age=60"
SNAPSHOT_CACHE = "public, max-age=5"
ORG_ID = "5f0c4a4e-1d2b-4c57-9f1e-2b7d9c3a6e10"
DID_EXAMPLE = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def public_of(state: State) -> PublicRegistry:
    """Built on first use (the pool exists only once the app has started), then reused."""
    if "public_registry" not in state:
        settings = state.runtime.settings
        if not isinstance(settings, RegistrySettings):
            raise RuntimeError("the registry needs RegistrySettings")
        try:
            key = settings.signing_key()
        except SettingsError as exc:
            # Served without a key (503 on the snapshot) rather than not at all; say why.
            log.error("registry signing key unusable: %s", exc)
            key = None
        if key is None:
            log.warning(
                "no registry signing key (B4G_REGISTRY_SIGNING_SEED[_FILE]): the snapshot and "
                "/.well-known/registry-key answer 503"
            )
        state.public_registry = PublicRegistry(
            state.runtime.require_pool(),
            authority_id=settings.authority_id(),
            recognised=settings.recognised_authorities(),
            signing_key=key,
            snapshot_min_interval=settings.snapshot_min_interval,
        )
    registry: PublicRegistry = state.public_registry
    return registry


def cached_json(
    request: Request[Any, Any, Any], body: bytes, cache: str, etag: str | None = None
) -> Response[Any]:
    """200 with the body, or 304 when the client already holds this representation."""
    tag = etag or strong_etag(body)
    headers = {"Cache-Control": cache, "ETag": tag}
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


# -- organisations and the directory -----------------------------------------------------------

LABEL_EXAMPLE = {
    "status": "active",
    "held_now": True,
    "valid_from": "2026-01-15T09:00:00Z",
    "valid_until": "2029-01-14T09:00:00Z",
    "history": [{"status": "active", "start": "2026-01-15T09:00:00Z", "end": None}],
}
ORGANISATION_EXAMPLE = Example(
    summary="A labelled organisation",
    value={
        "id": ORG_ID,
        "legal_name": "Kaunas Youth Centre",
        "country": "LT",
        "website": "https://kyc.example",
        "registry_status": "active",
        "registry_status_history": [{"status": "active", "since": "2025-11-02T10:00:00Z"}],
        "dids": [{"did": DID_EXAMPLE, "valid_from": "2025-11-02T10:05:00Z", "valid_until": None}],
        "label": LABEL_EXAMPLE,
    },
)


@get(
    "/organisations/{org_id:uuid}/public",
    tags=["public"],
    summary="An organisation's public record",
    description=(
        "Legal name, country, website, registry status with its history, the DIDs it proved"
        " control of, and its Quality Label (status, validity, history). Contact details and"
        " internal notes are never shown. Cacheable; send `If-None-Match` for 304."
    ),
    responses={
        200: ResponseSpec(
            data_container=PublicOrganisation,
            description="The public record",
            examples=[ORGANISATION_EXAMPLE],
        )
    },
)
async def public_organisation(
    state: State, request: Request[Any, Any, Any], org_id: FromPath[uuid.UUID]
) -> Response[PublicOrganisation]:
    found = await public_of(state).organisation(org_id)
    return cached_json(request, msgspec.json.encode(found), PUBLIC_CACHE)


DIRECTORY_EXAMPLE = Example(
    summary="One page of labelled organisations",
    value={
        "items": [
            {
                "id": ORG_ID,
                "legal_name": "Kaunas Youth Centre",
                "country": "LT",
                "website": "https://kyc.example",
                "label_valid_from": "2026-01-15T09:00:00Z",
                "label_valid_until": "2029-01-14T09:00:00Z",
                "dids": [DID_EXAMPLE],
            }
        ],
        "next_cursor": "WyJLYXVuYXMgWW91dGggQ2VudHJlIiwiNWYwYyJd",
    },
)
Country = Annotated[
    str | None,
    QueryParameter(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. LT"),
]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=600, description="`next_cursor` of the previous page"),
]
Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size (1–200).")]


@get(
    "/directory",
    tags=["public"],
    summary="Organisations holding the Quality Label now",
    description=(
        "Active organisations whose Quality Label is active and within its validity, by name."
        " Page with `limit` and the `next_cursor` of the previous page; filter by `country`."
        " Cacheable for a minute; send `If-None-Match` for 304."
    ),
    responses={
        200: ResponseSpec(
            data_container=DirectoryPage,
            description="One page of the directory",
            examples=[DIRECTORY_EXAMPLE],
        )
    },
)
async def directory(
    state: State,
    request: Request[Any, Any, Any],
    country: Country = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response[DirectoryPage]:
    page = await public_of(state).directory(country=country, cursor=cursor, limit=limit)
    return cached_json(request, msgspec.json.encode(page), PUBLIC_CACHE)


# -- TRQP v2 ----------------------------------------------------------------------------------

Identifier = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Word = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
QueryContext = dict[
    Annotated[str, msgspec.Meta(max_length=100)], Annotated[str, msgspec.Meta(max_length=2000)]
]


class AuthorizationRequest(msgspec.Struct, frozen=True, kw_only=True):
    """TRQP v2 AuthorizationRequest."""

    entity_id: Identifier
    authority_id: Identifier
    action: Word
    resource: Word
    context: QueryContext | None = None


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


class RecognitionRequest(msgspec.Struct, frozen=True, kw_only=True):
    """TRQP v2 RecognitionRequest."""

    entity_id: Identifier
    authority_id: Identifier
    action: Word
    resource: Word
    context: QueryContext | None = None


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


AUTHORITY_EXAMPLE = "https://registry.badges4good.example"
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


def _time_of(context: dict[str, str] | None) -> str | None:
    return context.get("time") if context else None


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
    state: State,
    data: Annotated[AuthorizationRequest, Body(examples=[AUTHORIZATION_EXAMPLE])],
) -> AuthorizationResponse:
    time_requested = _time_of(data.context)
    verdict = await public_of(state).authorization(
        entity_id=data.entity_id,
        authority_id=data.authority_id,
        action=data.action,
        resource=data.resource,
        time_requested=time_requested,
    )
    return AuthorizationResponse(
        entity_id=data.entity_id,
        authority_id=data.authority_id,
        action=data.action,
        resource=data.resource,
        authorized=verdict.yes,
        time_requested=time_requested,
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
    state: State,
    data: Annotated[RecognitionRequest, Body(examples=[RECOGNITION_EXAMPLE])],
) -> RecognitionResponse:
    time_requested = _time_of(data.context)
    verdict = public_of(state).recognition(
        entity_id=data.entity_id,
        authority_id=data.authority_id,
        action=data.action,
        resource=data.resource,
        time_requested=time_requested,
    )
    return RecognitionResponse(
        entity_id=data.entity_id,
        authority_id=data.authority_id,
        action=data.action,
        resource=data.resource,
        recognized=verdict.yes,
        time_requested=time_requested,
        time_evaluated=rfc3339(verdict.evaluated),
        message=verdict.message,
        context=data.context,
    )


# -- the signed snapshot ------------------------------------------------------------------------


class RegistryKey(msgspec.Struct, frozen=True, kw_only=True):
    authority_id: str
    did: str
    verification_method: str
    public_key_multibase: str
    did_document: dict[str, Any]


class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    type: str
    authority_id: str
    issuer: str
    sequence: int
    generated: str
    states: list[dict[str, Any]]
    proof: dict[str, Any]


KEY_EXAMPLE = Example(
    summary="The registry's signing key",
    value={
        "authority_id": AUTHORITY_EXAMPLE,
        "did": DID_EXAMPLE,
        "verification_method": f"{DID_EXAMPLE}#{DID_EXAMPLE.removeprefix('did:key:')}",
        "public_key_multibase": DID_EXAMPLE.removeprefix("did:key:"),
        "did_document": {"id": DID_EXAMPLE, "verificationMethod": ["…"]},
    },
)
SNAPSHOT_EXAMPLE = Example(
    summary="A snapshot with one DID",
    value={
        "type": "B4GRegistrySnapshot",
        "authority_id": AUTHORITY_EXAMPLE,
        "issuer": DID_EXAMPLE,
        "sequence": 42,
        "generated": "2026-04-02T08:30:00Z",
        "states": [
            {
                "did": "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
                "organisation_id": ORG_ID,
                "organisation_name": "Kaunas Youth Centre",
                "registry_status": "active",
                "did_proven": True,
                "label_status": "active",
                "label_valid_from": "2026-01-15T09:00:00Z",
                "label_valid_until": "2029-01-14T09:00:00Z",
                "label_history": [{"status": "active", "start": "2026-01-15T09:00:00Z"}],
                "sequence": 3,
            }
        ],
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2026-04-02T08:30:00Z",
            "verificationMethod": f"{DID_EXAMPLE}#{DID_EXAMPLE.removeprefix('did:key:')}",
            "proofPurpose": "assertionMethod",
            "proofValue": "z…",
        },
    },
)


@get(
    "/.well-known/registry-key",
    tags=["snapshot"],
    summary="The key that signs the registry snapshot",
    description=(
        "The registry's did:key and verification method: pin it to check `GET /snapshot`"
        " offline. 503 `signing_not_configured` when the registry has no signing key."
    ),
    responses={
        200: ResponseSpec(
            data_container=RegistryKey, description="The signing key", examples=[KEY_EXAMPLE]
        )
    },
)
async def registry_key(state: State, request: Request[Any, Any, Any]) -> Response[RegistryKey]:
    body = msgspec.json.encode(public_of(state).registry_key())
    return cached_json(request, body, "public, max-age=3600")


@get(
    "/snapshot",
    tags=["snapshot"],
    summary="Signed snapshot of the whole registry",
    description=(
        "Every proven DID's trust state (as `GET /trust/{did}` gives it), a registry-wide"
        " `sequence` that grows with every trust change, and the time it was generated, secured"
        " with a Data Integrity proof (eddsa-jcs-2022) by the key at"
        " `/.well-known/registry-key`. Offline verifiers keep the newest one (the highest"
        " sequence). Rebuilt at most every few seconds; send `If-None-Match` for 304."
        " 503 `signing_not_configured` when the registry has no signing key."
    ),
    responses={
        200: ResponseSpec(
            data_container=Snapshot, description="The signed snapshot", examples=[SNAPSHOT_EXAMPLE]
        )
    },
)
async def snapshot(state: State, request: Request[Any, Any, Any]) -> Response[Snapshot]:
    built = await public_of(state).snapshot()
    return cached_json(request, built.body, SNAPSHOT_CACHE, built.etag)


PUBLIC_ROUTES = [
    public_organisation,
    directory,
    trqp_authorization,
    trqp_recognition,
    registry_key,
    snapshot,
]
