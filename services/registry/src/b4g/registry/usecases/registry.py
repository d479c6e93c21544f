"""Registry use cases: one transaction each; every change is audited and, when it affects a
DID's trust, publishes the DID's full trust state through the outbox."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from b4g.core.did.resolver import DidResolver
from b4g.core.events.envelope import new_event
from b4g.core.events.payloads import TrustUpdatedV1
from b4g.core.events.topics import REGISTRY_TRUST, TRUST_UPDATED
from b4g.core.infra.apikeys import generate_api_key, parse_token, secret_matches
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue
from b4g.core.infra.problems import ApiError, Conflict, Forbidden, NotFound, Unauthorized
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import KeyResolutionFailure, verify_proof
from b4g.core.trust import TrustState
from b4g.registry.domain.audit import entry_hash, first_broken
from b4g.registry.domain.control import challenge_document, response_problems
from b4g.registry.domain.roles import ROLES, allowed
from b4g.registry.domain.trust_state import trust_state
from b4g.registry.store import registry as store

CHALLENGE_TTL = timedelta(minutes=30)
SOURCE = "urn:b4g:registry"


class InvalidProof(ApiError):
    status, code, title = 422, "proof_of_control_failed", "Proof of control failed"


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    role: str
    organisation_id: uuid.UUID | None

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.key_id}"

    def require(self, action: str, organisation_id: uuid.UUID | None = None) -> None:
        own = organisation_id is None or self.organisation_id == organisation_id
        if not allowed(self.role, action, own_organisation=own):
            raise Forbidden(f"role {self.role} may not {action}")


class Registry:
    def __init__(self, pool: asyncpg.Pool, *, domain: str, fetch: Any = None) -> None:
        self._pool = pool
        self._domain = domain
        self._resolver = DidResolver(fetch)
        self._rdf = rdf_canonizer(ContextStore())

    # -- keys and authentication ----------------------------------------------------------

    async def create_key(self, role: str, organisation_id: uuid.UUID | None, label: str) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if (role == "org_admin") != (organisation_id is not None):
            raise ValueError("an org_admin key needs an organisation, other roles none")
        key = generate_api_key()
        async with self._pool.acquire() as conn, conn.transaction():
            await store.insert_api_key(
                conn, key.key_id, key.secret_hash, role, organisation_id, label
            )
            await _audit(
                conn,
                "operator",
                "api_key.create",
                key.key_id,
                after={"role": role, "organisation_id": str(organisation_id or "")},
            )
        return key.token

    async def authenticate(self, token: str | None) -> Principal:
        presented = parse_token(token or "")
        if presented is None:
            raise Unauthorized("a registry API key is required (Authorization: Bearer …)")
        async with self._pool.acquire() as conn:
            row = await store.api_key(conn, presented.key_id)
        if row is None or not secret_matches(presented, bytes(row["secret_hash"])):
            raise Unauthorized("unknown or revoked API key")
        return Principal(row["key_id"], row["role"], row["organisation_id"])

    # -- organisations ---------------------------------------------------------------------

    async def create_organisation(self, who: Principal, data: dict[str, Any]) -> dict[str, Any]:
        who.require("organisation.create")
        org = {"id": uuid.uuid4(), **data}
        async with self._pool.acquire() as conn, conn.transaction():
            await store.insert_organisation(conn, org, who.actor)
            created = await store.organisation(conn, org["id"])
            assert created is not None
            await _audit(
                conn, who.actor, "organisation.create", str(org["id"]), after=_json(created)
            )
        return created

    async def set_status(
        self, who: Principal, org_id: uuid.UUID, status: str, reason: str
    ) -> dict[str, Any]:
        who.require("organisation.status", org_id)
        async with self._pool.acquire() as conn, conn.transaction():
            before = await store.organisation(conn, org_id, lock=True)
            if before is None:
                raise NotFound("no such organisation")
            await store.set_organisation_status(conn, org_id, status, reason, who.actor)
            after = await store.organisation(conn, org_id)
            assert after is not None
            await _audit(
                conn,
                who.actor,
                "organisation.status",
                str(org_id),
                reason=reason,
                before=_json(before),
                after=_json(after),
            )
            for did in await store.dids_of(conn, org_id):
                await self._publish_trust(conn, after, did)
        return after

    # -- DIDs and proof of control ---------------------------------------------------------

    async def register_did(self, who: Principal, org_id: uuid.UUID, did: str) -> dict[str, Any]:
        who.require("did.register", org_id)
        if not did.startswith(("did:key:", "did:web:")):
            raise ApiError("only did:key and did:web DIDs can be registered")
        challenge = secrets.token_urlsafe(24)
        expires = datetime.now(UTC) + CHALLENGE_TTL
        async with self._pool.acquire() as conn, conn.transaction():
            if await store.organisation(conn, org_id) is None:
                raise NotFound("no such organisation")
            if not await store.upsert_did_challenge(conn, did, org_id, challenge, expires):
                raise Conflict("this DID is registered to another organisation")
            await _audit(
                conn, who.actor, "did.challenge", did, after={"organisation_id": str(org_id)}
            )
        return {
            "did": did,
            "expires": expires.isoformat(),
            "sign": challenge_document(did, challenge, self._domain),
        }

    async def prove_did(
        self, who: Principal, org_id: uuid.UUID, response: dict[str, Any]
    ) -> TrustState:
        who.require("did.prove", org_id)
        did = str(response.get("did", ""))
        async with self._pool.acquire() as conn:
            row = await store.did_row(conn, did)
        if row is None or row["organisation_id"] != org_id:
            raise NotFound("no challenge was issued for this DID to this organisation")
        if row["challenge_expires"] < datetime.now(UTC):
            raise InvalidProof("the challenge has expired; ask for a new one")
        problems = response_problems(
            response, did=did, challenge=row["challenge"], domain=self._domain
        )
        if problems:
            raise InvalidProof("; ".join(problems))
        proof = response["proof"][0] if isinstance(response["proof"], list) else response["proof"]
        resolved = await self._resolver.resolve_key(
            proof["verificationMethod"], proof["proofPurpose"], did
        )
        if isinstance(resolved, KeyResolutionFailure):
            raise InvalidProof(resolved.message)
        result = verify_proof(
            response,
            proof,
            resolved.public_key,
            rdf=self._rdf,
            expected_purpose=proof["proofPurpose"],
        )
        if not result.verified:
            raise InvalidProof(f"{result.code}: {result.message}")
        async with self._pool.acquire() as conn, conn.transaction():
            locked = await store.did_row(conn, did, lock=True)
            if locked is None or locked["challenge"] != row["challenge"]:
                raise Conflict("the challenge changed meanwhile; sign the new one")
            await store.mark_proven(conn, did, datetime.now(UTC))
            await _audit(conn, who.actor, "did.prove", did, after={"proven": True})
            org = await store.organisation(conn, org_id)
            assert org is not None
            return await self._publish_trust(conn, org, did)

    async def _publish_trust(self, conn: Conn, org: dict[str, Any], did: str) -> TrustState:
        row = await store.did_row(conn, did)
        assert row is not None
        state = trust_state(org, row, await store.next_trust_sequence(conn, did))
        event = new_event(
            source=SOURCE,
            type=TRUST_UPDATED,
            subject=did,
            data=TrustUpdatedV1(did=did, state=msgspec.to_builtins(state)),
        )
        await enqueue(conn, topic=REGISTRY_TRUST, key=did, event=event)
        return state

    # -- public reads and the audit chain --------------------------------------------------

    async def trust(self, did: str) -> TrustState:
        async with self._pool.acquire() as conn:
            row = await store.did_row(conn, did)
            org = await store.organisation(conn, row["organisation_id"]) if row else None
        if row is None or org is None or row["proven_at"] is None:
            raise NotFound("this DID is not a proven DID of a registered organisation")
        return trust_state(org, row, int(row["trust_sequence"]))

    async def verify_audit(self, who: Principal) -> dict[str, Any]:
        who.require("audit.read")
        async with self._pool.acquire() as conn:
            entries = await store.audit_entries(conn)
        broken = first_broken(entries)
        return {"valid": broken is None, "entries": len(entries), "first_broken": broken}


async def _audit(
    conn: Conn,
    actor: str,
    action: str,
    subject: str,
    *,
    reason: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    entry = {
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "subject": subject,
        "reason": reason,
        "before": before,
        "after": after,
    }
    previous = await store.last_audit_hash(conn)
    await store.append_audit(
        conn, {**entry, "prev_hash": previous, "hash": entry_hash(entry, previous)}
    )


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v)
        for k, v in row.items()
    }
