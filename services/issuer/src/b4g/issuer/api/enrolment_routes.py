"""Enrolment: the issuer signs the registry's DID-control challenge for one of the platform's
issuer profiles (and submits it to the registry when asked), so nobody handles the key."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath

from b4g.issuer.domain import errors
from b4g.issuer.domain.access import SCOPE_MANAGE
from b4g.issuer.domain.enrolment import CRYPTOSUITE, PROOF_PURPOSE
from b4g.issuer.usecases import enrolment

from .auth import require
from .deps import API_KEY, Caller, Ctx
from .errors import status_of
from .models import Body, body_with_examples

DID = "did:web:issuer.example:issuers:0b6f2c4e-8d1a-4b7e-9f3c-2a5d6e7f8a9b"
CHALLENGE = {
    "did": DID,
    "challenge": "q2V0dGVyLWNoYWxsZW5nZS0xMjM0NTY3",
    "domain": "https://registry.example",
}
PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": CRYPTOSUITE,
    "created": "2026-12-04T10:00:00Z",
    "verificationMethod": f"{DID}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    "proofPurpose": PROOF_PURPOSE,
    "domain": "https://registry.example",
    "challenge": CHALLENGE["challenge"],
    "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKiW6o",
}


class DidControlProofIn(Body, frozen=True, kw_only=True):
    # The registry's `sign` document, exactly as `POST /organisations/{id}/dids` returned it.
    document: dict[str, Any]
    proof_purpose: Annotated[str, msgspec.Meta(max_length=100)] = PROOF_PURPOSE
    cryptosuite: Annotated[str, msgspec.Meta(max_length=100)] = CRYPTOSUITE
    # The registry's `…/organisations/{id}/dids/proof` URL: the issuer posts the proof there.
    submit_to: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    # A registry API key that may prove the organisation's DIDs; used for this request only.
    registry_token: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class RegistryAnswerOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    url: str
    status: int
    body: Any = None


class DidControlProofOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    proof_id: str
    did: str
    signed: dict[str, Any]
    submitted: bool
    registry: RegistryAnswerOut | None = None


ProofBody = Annotated[
    DidControlProofIn,
    body_with_examples(
        "Sign the registry's challenge and submit it",
        {
            "document": CHALLENGE,
            "submitTo": "https://registry.example/organisations/6f1e…/dids/proof",
            "registryToken": "b4gr_…",
        },
    ),
]

SIGNED_EXAMPLE = ResponseSpec(
    data_container=DidControlProofOut,
    description="The signed challenge (and the registry's answer when it was submitted)",
    examples=[
        Example(
            summary="Signed and accepted by the registry",
            value={
                "proofId": "5c0f6a7e-3b2d-4c1e-9a8f-7e6d5c4b3a21",
                "did": DID,
                "signed": {**CHALLENGE, "proof": PROOF},
                "submitted": True,
                "registry": {
                    "url": "https://registry.example/organisations/6f1e…/dids/proof",
                    "status": 200,
                    "body": {"did": DID, "registry_status": "active"},
                },
            },
        )
    ],
)


def _problem_example(kind: type[errors.IssuerError], detail: str) -> Example:
    # The example is the problem api/errors.py makes of the domain error.
    return Example(
        summary=kind.code,
        value={
            "type": f"https://badges4good.org/problems/{kind.code}",
            "title": kind.title,
            "status": status_of(kind(detail)),
            "code": kind.code,
            "detail": detail,
        },
    )


REFUSED = ResponseSpec(
    data_container=dict[str, Any],
    description="Refused: the document is not this profile's registry challenge, or the "
    "registry did not accept the proof (RFC 9457 problem)",
    media_type="application/problem+json",
    examples=[
        _problem_example(
            errors.NotAChallenge,
            "the issuer signs only the registry's challenge (did, challenge, domain): it has "
            "fields a challenge does not have: credentialSubject",
        ),
        _problem_example(
            errors.ForeignDid,
            f"the challenge is for did:key:z6Mk…; this issuer profile's DID is {DID}",
        ),
        _problem_example(
            errors.PurposeNotAllowed,
            "the issuer signs DID-control challenges for `authentication` only, not "
            "`assertionMethod`",
        ),
        _problem_example(
            errors.SuiteNotAllowed,
            "DID-control challenges are signed with eddsa-jcs-2022 only, not `eddsa-rdfc-2022`",
        ),
        _problem_example(
            errors.BadSubmission,
            "`submitTo` must be the registry's `…/organisations/{id}/dids/proof` endpoint",
        ),
        _problem_example(
            errors.RegistryNotAccepted,
            "this issuer signs challenges of https://registry.badges4good.org only, not of "
            "https://elsewhere.example",
        ),
        _problem_example(
            errors.RegistryUrlNotAllowed,
            "the issuer may not send to http://10.0.0.5/…: only https is allowed",
        ),
        _problem_example(
            errors.RegistryRefusedProof,
            "the registry answered 422 (invalid_proof): the challenge has expired; ask for a "
            "new one",
        ),
    ],
)

UNREACHABLE = ResponseSpec(
    data_container=dict[str, Any],
    description="The registry could not be reached (nothing was proven; the proof is kept in "
    "the issuer's record and may be retried with a new challenge)",
    media_type="application/problem+json",
    examples=[
        _problem_example(
            errors.RegistryUnreachable,
            "the registry could not be reached: https://registry.example/…: no answer within 5 s",
        )
    ],
)


class EnrolmentController(Controller):
    path = "/issuers"
    tags = ["enrolment"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/{issuer_id:uuid}/did-control-proofs",
        status_code=200,
        summary="Sign the registry's DID-control challenge with this profile's key (enrolment)",
        description=(
            "Enrols the issuer profile's DID in the Badges4Good registry without anyone "
            "handling its key. A registry admin (or the organisation's admin) registers the "
            "DID there (`POST /organisations/{id}/dids`); hand the returned `sign` document "
            "here as `document`. The issuer signs it with the profile's active key (Data "
            "Integrity eddsa-jcs-2022, proofPurpose `authentication`, the registry's domain "
            "and challenge) and returns it; with `submitTo` (the registry's "
            "`…/organisations/{id}/dids/proof` URL) and `registryToken` it also posts it "
            "there and returns the registry's answer. The issuer signs **only** that exact "
            "shape (`did`, `challenge`, `domain`, three strings, nothing else) for this "
            "profile's own DID: it is never a general signing service. Each proof is recorded "
            "under the calling API key. Needs `manage`.\n\n"
            "Errors: `did_not_of_this_issuer`, `not_a_did_control_challenge`, "
            "`proof_purpose_not_allowed`, `cryptosuite_not_allowed`, "
            "`invalid_registry_submission`, `registry_not_accepted` (the challenge's domain is "
            "not one of `B4G_ENROLMENT_REGISTRIES`, when that is set), "
            "`registry_url_not_allowed`, "
            "`registry_refused_proof` (422); `issuer_not_found` (404, also for another "
            "platform's profile); `missing_scope` (403); `invalid_api_key` (401); "
            "`signing_key_not_found` (404); `registry_unreachable` (502)."
        ),
        responses={200: SIGNED_EXAMPLE, 422: REFUSED, 502: UNREACHABLE},
    )
    async def prove_did_control(
        self, ctx: Ctx, principal: Caller, issuer_id: FromPath[uuid.UUID], data: ProofBody
    ) -> DidControlProofOut:
        require(principal, SCOPE_MANAGE)
        # Refusals are domain errors (EnrolmentRefused, RegistryRefusedProof, …), answered as
        # problems by api/errors.py.
        done = await enrolment.prove_did_control(
            ctx,
            principal,
            issuer_id,
            document=data.document,
            proof_purpose=data.proof_purpose,
            cryptosuite=data.cryptosuite,
            submit_to=data.submit_to,
            registry_token=data.registry_token,
        )
        answer = None
        if done.submission is not None:
            answer = RegistryAnswerOut(
                url=done.submission.url, status=done.submission.status, body=done.submission.body
            )
        return DidControlProofOut(
            proof_id=str(done.id),
            did=done.did,
            signed=done.signed,
            submitted=answer is not None,
            registry=answer,
        )
