"""Signing credentials in the requested proof formats with the core's proof suites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from b4g.core.crypto.keys import Signer
from b4g.core.proofs.data_integrity import JCS, RDFC, RdfCanonizer, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.core.statuslist import status_list_credential

VC_JWT: Final = "vc-jwt"
DEFAULT_FORMAT: Final = RDFC
PROOF_FORMATS: Final = (RDFC, JCS, VC_JWT)
# How long verifiers may cache a status list: a revocation shows within this time.
STATUS_LIST_TTL_MS: Final = 60_000


@dataclass(frozen=True, slots=True)
class Signed:
    document: dict[str, Any] | None  # with a Data Integrity proof (or a proof set of several)
    jwt: str | None  # compact VC-JWT whose payload is the unsigned credential


def sign_credential(
    document: dict[str, Any],
    pair: Signer,
    verification_method: str,
    *,
    formats: tuple[str, ...],
    created: str,
    rdf: RdfCanonizer,
) -> Signed:
    """Each Data Integrity format adds an independent proof over the unsigned document (a proof
    set); `vc-jwt` signs the unsigned document as a JWT payload."""
    secured: dict[str, Any] | None = None
    for suite in (RDFC, JCS):
        if suite in formats:
            proof = create_proof(
                document,
                key=pair,
                verification_method=verification_method,
                created=created,
                cryptosuite=suite,
                rdf=rdf,
            )
            secured = add_proof(secured or document, proof)
    jwt = sign_vc_jwt(document, key=pair, kid=verification_method) if VC_JWT in formats else None
    return Signed(secured, jwt)


def sign_with_suite(
    document: dict[str, Any],
    pair: Signer,
    verification_method: str,
    *,
    cryptosuite: str,
    created: str,
    rdf: RdfCanonizer,
    domain: str | None = None,
    challenge: str | None = None,
) -> dict[str, Any]:
    """`document` with one Data Integrity proof of `cryptosuite` (the W3C VC API's issue)."""
    proof = create_proof(
        document,
        key=pair,
        verification_method=verification_method,
        created=created,
        cryptosuite=cryptosuite,
        domain=domain,
        challenge=challenge,
        rdf=rdf,
    )
    return add_proof(document, proof)


def sign_status_list(
    *,
    url: str,
    issuer_did: str,
    purpose: str,
    bits: bytes,
    valid_from: str,
    pair: Signer,
    verification_method: str,
    rdf: RdfCanonizer,
) -> dict[str, Any]:
    """The BitstringStatusListCredential for `bits`, signed with eddsa-rdfc-2022."""
    unsigned = status_list_credential(
        url=url,
        issuer=issuer_did,
        purpose=purpose,
        bits=bits,
        valid_from=valid_from,
        ttl_ms=STATUS_LIST_TTL_MS,
    )
    return sign_with_suite(
        unsigned, pair, verification_method, cryptosuite=RDFC, created=valid_from, rdf=rdf
    )
