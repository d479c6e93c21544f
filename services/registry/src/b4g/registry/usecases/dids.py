"""DIDs of organisations: registered with a challenge, proven by signing it with a key of the
DID, and given a validity (e.g. retired when its key was lost). Each change publishes trust."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec

from b4g.core.proofs.data_integrity import KeyResolutionFailure, verify_proof
from b4g.core.trust import TrustState
from b4g.registry.domain.access import Principal
from b4g.registry.domain.control import challenge_document, response_problems
from b4g.registry.domain.errors import Conflict, Invalid, InvalidProof, NoChallenge, NotFound
from b4g.registry.store import dids as store
from b4g.registry.store import organisations as org_store
from b4g.registry.usecases import audit, trust
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.organisations import require_organisation

CHALLENGE_TTL = timedelta(minutes=30)


class NewDid(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    did: Annotated[str, msgspec.Meta(pattern="^did:(key|web):[A-Za-z0-9._%:-]+$", max_length=500)]


class DidValidity(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    valid_from: datetime | None = None
    valid_until: datetime | None = None  # None: open-ended
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Challenge(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    did: str
    expires: str
    sign: dict[str, Any]  # the document to sign and send back with its proof


async def register(
    ctx: RegistryContext, who: Principal, org_id: uuid.UUID, command: NewDid
) -> Challenge:
    who.require("did.register", org_id)
    did = command.did
    if not did.startswith(("did:key:", "did:web:")):
        raise Invalid("only did:key and did:web DIDs can be registered")
    now = ctx.clock()
    challenge = secrets.token_urlsafe(24)
    expires = now + CHALLENGE_TTL
    async with ctx.pool.acquire() as conn, conn.transaction():
        await require_organisation(conn, org_id)
        if not await store.upsert_did_challenge(conn, did, org_id, challenge, expires):
            raise Conflict("this DID is registered to another organisation")
        await audit.record(
            conn, now, who.actor, "did.challenge", did, after={"organisation_id": str(org_id)}
        )
    return Challenge(
        did=did, expires=expires.isoformat(), sign=challenge_document(did, challenge, ctx.domain)
    )


async def prove(
    ctx: RegistryContext, who: Principal, org_id: uuid.UUID, response: dict[str, Any]
) -> TrustState:
    """Check the signed challenge (the signature against the DID's key, fetched before any
    transaction opens), then mark the DID proven and publish its trust."""
    who.require("did.prove", org_id)
    now = ctx.clock()
    did = str(response.get("did", ""))
    async with ctx.pool.acquire() as conn:
        row = await store.did_row(conn, did)
    if row is None or row.organisation_id != org_id:
        raise NoChallenge("no challenge was issued for this DID to this organisation")
    if row.challenge_expires < now:
        raise InvalidProof("the challenge has expired; ask for a new one")
    problems = response_problems(response, did=did, challenge=row.challenge, domain=ctx.domain)
    if problems:
        raise InvalidProof("; ".join(problems))
    proof = response["proof"][0] if isinstance(response["proof"], list) else response["proof"]
    resolved = await ctx.resolver.resolve_key(
        proof["verificationMethod"], proof["proofPurpose"], did
    )
    if isinstance(resolved, KeyResolutionFailure):
        raise InvalidProof(resolved.message)
    result = verify_proof(
        response, proof, resolved.public_key, rdf=ctx.rdf, expected_purpose=proof["proofPurpose"]
    )
    if not result.verified:
        raise InvalidProof(f"{result.code}: {result.message}")
    async with ctx.pool.acquire() as conn, conn.transaction():
        locked = await store.did_row(conn, did, lock=True)
        if locked is None or locked.challenge != row.challenge:
            raise Conflict("the challenge changed meanwhile; sign the new one")
        await store.mark_proven(conn, did, now)
        await audit.record(conn, now, who.actor, "did.prove", did, after={"proven": True})
        org = await org_store.organisation(conn, org_id)
        assert org is not None
        return await trust.publish(ctx, conn, org, did)


async def set_validity(
    ctx: RegistryContext, who: Principal, org_id: uuid.UUID, did: str, command: DidValidity
) -> TrustState:
    """When a DID speaks for its organisation, e.g. retiring a DID whose key was lost: its
    badges issued before `valid_until` keep their trust, later ones do not."""
    who.require("did.validity", org_id)
    for moment in (command.valid_from, command.valid_until):
        if moment is not None and moment.tzinfo is None:
            raise Invalid("times need a time zone (e.g. Z)")
    now = ctx.clock()
    valid_from, valid_until = command.valid_from, command.valid_until
    async with ctx.pool.acquire() as conn, conn.transaction():
        row = await store.did_row(conn, did, lock=True)
        org = await org_store.organisation(conn, org_id)
        if row is None or org is None or row.organisation_id != org_id:
            raise NotFound("this DID is not registered to this organisation")
        start = valid_from or row.valid_from
        if valid_until is not None and valid_until <= start:
            raise Invalid("validUntil must be after validFrom")
        await store.set_did_validity(conn, did, valid_from, valid_until)
        await audit.record(
            conn,
            now,
            who.actor,
            "did.validity",
            did,
            reason=command.reason,
            before={
                "valid_from": _iso(row.valid_from),
                "valid_until": row.valid_until and _iso(row.valid_until),
            },
            after={"valid_from": _iso(start), "valid_until": valid_until and _iso(valid_until)},
        )
        return await trust.publish(ctx, conn, org, did)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
