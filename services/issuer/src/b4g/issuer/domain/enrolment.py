"""Enrolment of an issuer profile's DID in the registry: the registry's DID-control challenge,
and the only document the issuer signs on a platform's request besides credentials.

The issuer must never become a general signing oracle, so the document is checked to be exactly
the registry's challenge shape (`{"did", "challenge", "domain"}`, three strings) for the
profile's own DID, signed with proofPurpose `authentication` and eddsa-jcs-2022 (the challenge
has no JSON-LD context, so RDF canonicalisation does not apply). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from b4g.core.crypto.keys import Signer
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.issuer.domain.errors import (
    BadSubmission,
    ForeignDid,
    NotAChallenge,
    PurposeNotAllowed,
    RegistryNotAccepted,
    SuiteNotAllowed,
)

CHALLENGE_FIELDS: Final = ("did", "challenge", "domain")
PROOF_PURPOSE: Final = "authentication"
CRYPTOSUITE: Final = JCS
MAX_CHALLENGE = 256
MAX_DOMAIN = 512
# Where a registry takes the signed challenge: POST …/organisations/{id}/dids/proof.
PROOF_PATH = re.compile(r"^(?:/[^/?#]+)*/organisations/[0-9a-fA-F-]{36}/dids/proof$")
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")  # visible ASCII, no spaces or control characters


@dataclass(frozen=True, slots=True)
class Challenge:
    did: str
    challenge: str
    domain: str

    def document(self) -> dict[str, str]:
        return {"did": self.did, "challenge": self.challenge, "domain": self.domain}


def checked_challenge(
    document: Any,
    *,
    issuer_did: str,
    proof_purpose: str,
    cryptosuite: str,
    registries: tuple[str, ...] = (),
) -> Challenge:
    """The registry's challenge for `issuer_did`, or EnrolmentRefused saying what is wrong."""
    if proof_purpose != PROOF_PURPOSE:
        raise PurposeNotAllowed(
            f"the issuer signs DID-control challenges for `{PROOF_PURPOSE}` only, "
            f"not `{proof_purpose}`"
        )
    if cryptosuite != CRYPTOSUITE:
        raise SuiteNotAllowed(
            f"DID-control challenges are signed with {CRYPTOSUITE} only, not `{cryptosuite}`"
        )
    if not isinstance(document, Mapping):
        raise NotAChallenge("the document must be the registry's challenge object")
    extra = sorted(str(key) for key in document if key not in CHALLENGE_FIELDS)
    missing = [key for key in CHALLENGE_FIELDS if key not in document]
    if extra or missing:
        parts = []
        if missing:
            parts.append(f"it lacks {', '.join(missing)}")
        if extra:
            parts.append(f"it has fields a challenge does not have: {', '.join(extra[:10])}")
        raise NotAChallenge(
            "the issuer signs only the registry's challenge (did, challenge, domain): "
            + "; ".join(parts)
        )
    for key, limit in (("did", MAX_DOMAIN), ("challenge", MAX_CHALLENGE), ("domain", MAX_DOMAIN)):
        value = document[key]
        if not isinstance(value, str) or not 0 < len(value) <= limit:
            raise NotAChallenge(f"the challenge's `{key}` must be text of 1 to {limit} characters")
        if not _PRINTABLE.match(value):
            raise NotAChallenge(f"the challenge's `{key}` must be visible ASCII without spaces")
    if document["did"] != issuer_did:
        raise ForeignDid(
            f"the challenge is for {document['did']}; this issuer profile's DID is {issuer_did}"
        )
    if registries and document["domain"].rstrip("/") not in registries:
        raise RegistryNotAccepted(
            f"this issuer signs challenges of {', '.join(registries)} only, "
            f"not of {document['domain']}"
        )
    return Challenge(document["did"], document["challenge"], document["domain"])


def checked_submission(challenge: Challenge, submit_to: str | None, token: str | None) -> None:
    """A submission goes to the registry that issued the challenge: its proof endpoint, under
    the challenge's domain when that domain is a URL (the registry binds challenges to it)."""
    if submit_to is None:
        if token is not None:
            raise BadSubmission("a `registryToken` is only used with `submitTo`")
        return
    if not token:
        raise BadSubmission(
            "a `submitTo` needs a `registryToken`: the registry's API key that may prove DIDs"
        )
    parts = urlsplit(submit_to)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise BadSubmission("the `submitTo` must be an http(s) URL without query or fragment")
    if not PROOF_PATH.match(parts.path):
        raise BadSubmission(
            "the `submitTo` must be the registry's `…/organisations/{id}/dids/proof` endpoint"
        )
    domain = urlsplit(challenge.domain)
    if domain.scheme in ("https", "http") and domain.netloc:
        base = challenge.domain.rstrip("/")
        if not submit_to.startswith(base + "/"):
            raise BadSubmission(
                f"the challenge is bound to {challenge.domain}; `submitTo` must be under it"
            )


def sign_challenge(
    challenge: Challenge, pair: Signer, verification_method: str, *, created: str
) -> dict[str, Any]:
    """The challenge with one Data Integrity proof (authentication, the registry's domain and
    challenge repeated in the proof so it is bound to that registry's request)."""
    document = challenge.document()
    proof = create_proof(
        document,
        key=pair,
        verification_method=verification_method,
        created=created,
        cryptosuite=CRYPTOSUITE,
        proof_purpose=PROOF_PURPOSE,
        domain=challenge.domain,
        challenge=challenge.challenge,
    )
    return add_proof(document, proof)
