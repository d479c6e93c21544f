"""The W3C VC API issue endpoint, for platforms and the W3C interoperability test suites."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, post, put
from litestar.datastructures import State
from msgspec import Meta

from b4g.core.urls import VC1_CONTEXT, VC1_EXAMPLES_CONTEXT, VC2_CONTEXT, VC2_EXAMPLES_CONTEXT
from b4g.issuer.domain.access import SCOPE_ISSUE, SCOPE_MANAGE
from b4g.issuer.usecases import vc_api
from b4g.issuer.usecases.issuance_orders import VcApiIssue

from .auth import require
from .credential_routes import IdempotencyKey
from .deps import API_KEY, Caller, Ctx, issuance_queue
from .models import Body, body_with_examples

DateTime = Annotated[
    str, Meta(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
]


class IssueOptionsIn(Body, frozen=True, kw_only=True):
    """VC API IssueCredentialOptions, plus the cryptosuite and the issuer profile to sign as."""

    cryptosuite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"] = "eddsa-rdfc-2022"
    issuer: Annotated[str, Meta(min_length=1, max_length=2_000)] | None = None
    created: DateTime | None = None
    domain: Annotated[str, Meta(max_length=2_000)] | None = None
    challenge: Annotated[str, Meta(max_length=2_000)] | None = None
    credential_id: Annotated[str, Meta(max_length=2_000)] | None = None


class VcApiIssueIn(Body, frozen=True, kw_only=True):
    credential: dict[str, Any]
    options: IssueOptionsIn | None = None


class VcApiIssuedOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    verifiable_credential: dict[str, Any]


class DefaultIssuerIn(Body, frozen=True, kw_only=True):
    issuer_id: uuid.UUID


class DefaultIssuerOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    default_issuer_id: str


VC2_EXAMPLE = {
    "credential": {
        "@context": [
            VC2_CONTEXT,
            VC2_EXAMPLES_CONTEXT,
        ],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": "did:web:issuer.example.org:issuers:6f1c3a0e-3c0b-4b8e-9a51-0d7c2b2f5d11",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "alumniOf": "Example University",
        },
    },
    "options": {"cryptosuite": "eddsa-rdfc-2022"},
}
VC1_EXAMPLE = {
    "credential": {
        "@context": [
            VC1_CONTEXT,
            VC1_EXAMPLES_CONTEXT,
        ],
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
        },
    },
    "options": {"cryptosuite": "eddsa-jcs-2022"},
}


class VcApiController(Controller):
    tags = ["W3C VC API"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/credentials/issue",
        summary="Issue a credential (W3C VC API)",
        description=(
            "Signs the credential as given (VC 2.0 or VC 1.1, any context the service holds) "
            "with a Data Integrity proof (`options.cryptosuite`: `eddsa-rdfc-2022`, the default, "
            "or `eddsa-jcs-2022`) and adds a BitstringStatusListEntry (revocation) at a random "
            "index. The signing issuer is `options.issuer` (an issuer id or DID of your "
            "platform), else the credential's `issuer` when it is one of yours, else your "
            "default issuer (`PUT /platform/default-issuer`), else your only issuer; the "
            "credential's `issuer` id is set to that issuer's DID. A term the contexts do not "
            "define is refused (400 `data_loss_detected`), whatever the cryptosuite. Stored and "
            "announced like every credential; revoke it with `POST /credentials/{id}/revoke` "
            "(the `Location` header). Needs the `issue` scope; `Idempotency-Key` retries safely."
        ),
    )
    async def issue(
        self,
        state: State,
        principal: Caller,
        data: Annotated[
            VcApiIssueIn,
            body_with_examples("A VC 2.0 credential", VC2_EXAMPLE),
        ],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[VcApiIssuedOut]:
        require(principal, SCOPE_ISSUE)
        options = data.options or IssueOptionsIn()
        request = VcApiIssue(
            credential=data.credential,
            cryptosuite=options.cryptosuite,
            issuer=options.issuer,
            created=options.created,
            domain=options.domain,
            challenge=options.challenge,
            credential_id=options.credential_id,
            body=msgspec.to_builtins(data),
        )
        order = vc_api.vc_api_order(principal, request, idempotency_key)
        issued = await issuance_queue(state).issue(order)
        assert issued.credential.document is not None
        headers = {"Location": f"/credentials/{issued.credential.id}"}
        if issued.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            VcApiIssuedOut(verifiable_credential=issued.credential.document),
            status_code=201,
            headers=headers,
        )


class PlatformSettingsController(Controller):
    tags = ["platform"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @put(
        "/platform/default-issuer",
        summary="Set the issuer the W3C VC API signs as by default",
        description="Used by `POST /credentials/issue` when the request names none of your "
        "issuers. Needs the `manage` scope.",
    )
    async def set_default_issuer(
        self,
        ctx: Ctx,
        principal: Caller,
        data: Annotated[
            DefaultIssuerIn,
            body_with_examples(
                "An issuer of yours", {"issuerId": "6f1c3a0e-3c0b-4b8e-9a51-0d7c2b2f5d11"}
            ),
        ],
    ) -> DefaultIssuerOut:
        require(principal, SCOPE_MANAGE)
        chosen = await vc_api.set_default_issuer(ctx, principal, data.issuer_id)
        return DefaultIssuerOut(default_issuer_id=str(chosen))
