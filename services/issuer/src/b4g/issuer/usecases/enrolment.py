"""Enrolment of an issuer profile in the registry: sign the registry's DID-control challenge
with the profile's active sealed key, record it under the caller, and return it or submit it.

Submission goes through the safe fetcher (the process's outbound policy: https and public
addresses unless allow-listed, a time and a size limit, no redirects) with the registry API key
the platform hands over for this one request; the key is never stored or logged.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from b4g.core.infra.fetch import BlockedAddress, FetchError, SafeFetcher, SchemeNotAllowed
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.enrolment import (
    CRYPTOSUITE,
    PROOF_PURPOSE,
    checked_challenge,
    checked_submission,
    sign_challenge,
)
from b4g.issuer.domain.errors import (
    IssuerNotFound,
    RegistryRefusedProof,
    RegistryUnreachable,
    RegistryUrlNotAllowed,
)
from b4g.issuer.store import enrolment as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuers import signing_key

# A registry's answer is a trust state or a problem: a few kilobytes.
MAX_REGISTRY_ANSWER = 256 * 1024


@dataclass(frozen=True, slots=True)
class Submission:
    url: str
    status: int
    body: Any  # the registry's JSON answer: its trust state, or its problem


@dataclass(frozen=True, slots=True)
class DidControlProof:
    id: uuid.UUID
    did: str
    signed: dict[str, Any]
    submission: Submission | None

    @property
    def accepted(self) -> bool | None:
        """Whether the registry accepted the proof; None when it was not submitted."""
        return None if self.submission is None else 200 <= self.submission.status < 300


async def prove_did_control(
    ctx: IssuerContext,
    principal: Principal,
    issuer_id: uuid.UUID,
    *,
    document: Any,
    proof_purpose: str = PROOF_PURPOSE,
    cryptosuite: str = CRYPTOSUITE,
    submit_to: str | None = None,
    registry_token: str | None = None,
) -> DidControlProof:
    """Raises EnrolmentRefused (domain) for anything but the registry's challenge for this
    profile's own DID, IssuerNotFound for another tenant's profile, RegistryUnreachable /
    RegistryUrlNotAllowed when a submission cannot be made, and RegistryRefusedProof (or
    RegistryUnreachable for a 5xx) when the registry does not accept it."""
    proof_id = uuid.uuid4()
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        challenge = checked_challenge(
            document,
            issuer_did=issuer.did,
            proof_purpose=proof_purpose,
            cryptosuite=cryptosuite,
            registries=ctx.enrolment_registries,
        )
        checked_submission(challenge, submit_to, registry_token)
        key = await signing_key(conn, ctx, issuer_id)
        now = ctx.clock()
        signed = sign_challenge(
            challenge,
            key.pair,
            key.verification_method,
            created=now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        )
        await store.record_proof(
            conn,
            proof_id=proof_id,
            issuer_id=issuer_id,
            platform_id=principal.platform_id,
            actor=principal.actor,
            did=challenge.did,
            domain=challenge.domain,
            challenge_sha256=hashlib.sha256(challenge.challenge.encode()).hexdigest(),
            verification_method=key.verification_method,
            created_at=now,
        )
    if submit_to is None:
        return DidControlProof(proof_id, challenge.did, signed, None)
    assert registry_token is not None  # checked_submission requires it
    submission = await _submit(ctx, submit_to, registry_token, signed)
    async with ctx.pool.acquire() as conn:
        await store.record_submission(conn, proof_id, submit_to, submission.status)
    done = DidControlProof(proof_id, challenge.did, signed, submission)
    if not done.accepted:
        refused = RegistryRefusedProof if submission.status < 500 else RegistryUnreachable
        raise refused(
            _refusal(submission),
            errors=[{"registryStatus": submission.status, "registryAnswer": submission.body}],
        )
    return done


async def _submit(ctx: IssuerContext, url: str, token: str, signed: dict[str, Any]) -> Submission:
    async with SafeFetcher(ctx.fetch_policy) as fetcher:
        try:
            response = await fetcher.post_json(
                url,
                signed,
                headers={"Authorization": f"Bearer {token}"},
                max_bytes=MAX_REGISTRY_ANSWER,
            )
        except (BlockedAddress, SchemeNotAllowed) as exc:
            raise RegistryUrlNotAllowed(
                f"the issuer may not send to {url}: {exc} (local stacks allow-list it with "
                "B4G_FETCH_ALLOW_HTTP_ORIGINS / B4G_FETCH_ALLOW_PRIVATE_HOSTS)"
            ) from exc
        except FetchError as exc:
            raise RegistryUnreachable(f"the registry could not be reached: {exc}") from exc
    try:
        body = json.loads(response.body) if response.body else None
    except (ValueError, UnicodeDecodeError):
        body = None
    return Submission(url, response.status, body)


def _refusal(answer: Submission) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    code = body.get("code")
    detail = body.get("detail") or body.get("title") or "no explanation given"
    named = f" ({code})" if isinstance(code, str) else ""
    return f"the registry answered {answer.status}{named}: {detail}"
