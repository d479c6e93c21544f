"""The signed snapshot of the whole registry and the key that signs it (public)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from b4g.registry.api.caching import cached_json
from b4g.registry.api.deps import Ctx
from b4g.registry.api.examples import AUTHORITY_EXAMPLE, DID_EXAMPLE, ORG_ID, VM_EXAMPLE
from b4g.registry.usecases import snapshot as snapshots

SNAPSHOT_CACHE = "public, max-age=5"


class RegistryKey(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    authority_id: str
    did: str
    verification_method: str
    public_key_multibase: str
    did_document: dict[str, Any]


class Snapshot(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
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
        "authorityId": AUTHORITY_EXAMPLE,
        "did": DID_EXAMPLE,
        "verificationMethod": VM_EXAMPLE,
        "publicKeyMultibase": DID_EXAMPLE.removeprefix("did:key:"),
        "didDocument": {"id": DID_EXAMPLE, "verificationMethod": ["…"]},
    },
)
SNAPSHOT_EXAMPLE = Example(
    summary="A snapshot with one DID",
    value={
        "type": "B4GRegistrySnapshot",
        "authorityId": AUTHORITY_EXAMPLE,
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
            "verificationMethod": VM_EXAMPLE,
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
async def registry_key(ctx: Ctx, request: Request[Any, Any, Any]) -> Response[RegistryKey]:
    body = msgspec.json.encode(snapshots.registry_key(ctx))
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
async def snapshot(ctx: Ctx, request: Request[Any, Any, Any]) -> Response[Snapshot]:
    built = await snapshots.snapshot(ctx)
    return cached_json(request, built.body, SNAPSHOT_CACHE, built.etag)


ROUTES = [registry_key, snapshot]
