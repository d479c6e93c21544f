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
from b4g.core.events.payloads import LabelEventV1, TrustUpdatedV1
from b4g.core.events.topics import (
    LABEL_EXPIRED,
    LABEL_GRANTED,
    LABEL_REINSTATED,
    LABEL_SUSPENDED,
    LABEL_WITHDRAWN,
    REGISTRY_LABELS,
    REGISTRY_TRUST,
    TRUST_UPDATED,
)
from b4g.core.infra.apikeys import generate_api_key, parse_token, secret_matches
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue
from b4g.core.infra.problems import ApiError, Conflict, Forbidden, NotFound, Unauthorized
from b4g.core.infra.ttl_cache import TtlCache
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import KeyResolutionFailure, verify_proof
from b4g.core.trust import TrustState
from b4g.registry.domain.audit import entry_hash, first_broken
from b4g.registry.domain.control import challenge_document, response_problems
from b4g.registry.domain.label import (
    RENEWAL_START,
    InvalidTransition,
    confirmable,
    next_application_state,
    next_grant_state,
)
from b4g.registry.domain.roles import APPLICATION_ACTIONS, ROLES, allowed
from b4g.registry.domain.trust_state import trust_state
from b4g.registry.store import quality as quality_store
from b4g.registry.store import registry as store
from b4g.registry.usecases import label_evidence as quality

CHALLENGE_TTL = timedelta(minutes=30)
SOURCE = "urn:b4g:registry"


# Other replicas' changes reach this one's trust answers within this time.
TRUST_CACHE_SECONDS = 0.5


class TransitionRefused(ApiError):
    status, code, title = 409, "invalid_transition", "Not possible in the current state"


class NoChallenge(ApiError):
    status, code, title = 409, "no_challenge", "No challenge to answer"


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
        self._trust_cache: TtlCache[str, TrustState | None] = TtlCache(TRUST_CACHE_SECONDS)

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
            raise NoChallenge("no challenge was issued for this DID to this organisation")
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

    async def set_did_validity(
        self,
        who: Principal,
        org_id: uuid.UUID,
        did: str,
        valid_from: datetime | None,
        valid_until: datetime | None,
        reason: str,
    ) -> TrustState:
        """When a DID speaks for its organisation, e.g. retiring a DID whose key was lost: its
        badges issued before `valid_until` keep their trust, later ones do not."""
        who.require("did.validity", org_id)
        async with self._pool.acquire() as conn, conn.transaction():
            row = await store.did_row(conn, did, lock=True)
            org = await store.organisation(conn, org_id)
            if row is None or org is None or row["organisation_id"] != org_id:
                raise NotFound("this DID is not registered to this organisation")
            start = valid_from or row["valid_from"]
            if valid_until is not None and valid_until <= start:
                raise ApiError("valid_until must be after valid_from")
            await store.set_did_validity(conn, did, valid_from, valid_until)
            await _audit(
                conn,
                who.actor,
                "did.validity",
                did,
                reason=reason,
                before={
                    "valid_from": _iso(row["valid_from"]),
                    "valid_until": row["valid_until"] and _iso(row["valid_until"]),
                },
                after={"valid_from": _iso(start), "valid_until": valid_until and _iso(valid_until)},
            )
            return await self._publish_trust(conn, org, did)

    async def _publish_trust(self, conn: Conn, org: dict[str, Any], did: str) -> TrustState:
        row = await store.did_row(conn, did)
        assert row is not None
        state = trust_state(
            org,
            row,
            await store.next_trust_sequence(conn, did),
            await store.latest_grant(conn, org["id"]),
            await store.grant_history(conn, org["id"]),
        )
        event = new_event(
            source=SOURCE,
            type=TRUST_UPDATED,
            subject=did,
            data=TrustUpdatedV1(did=did, state=msgspec.to_builtins(state)),
        )
        await enqueue(conn, topic=REGISTRY_TRUST, key=did, event=event)
        self._trust_cache.discard(did)
        return state

    # -- public reads and the audit chain --------------------------------------------------

    async def trust(self, did: str) -> TrustState:
        """The hottest read of the network (every verification may ask): answered from memory
        for up to TRUST_CACHE_SECONDS; this process's own changes drop their entry at once."""
        found = await self._trust_cache.get_or_load(did, lambda: self._load_trust(did))
        if found is None:
            raise NotFound("this DID is not a proven DID of a registered organisation")
        return found

    async def _load_trust(self, did: str) -> TrustState | None:
        async with self._pool.acquire() as conn:
            return await current_trust(conn, did)

    # -- the Quality Label -----------------------------------------------------------------

    async def open_application(
        self, who: Principal, org_id: uuid.UUID, renewal_of: uuid.UUID | None
    ) -> dict[str, Any]:
        who.require("label.apply", org_id)
        app_id = uuid.uuid4()
        # A renewal skips the course: the shortened procedure.
        state = RENEWAL_START if renewal_of else "interested"
        async with self._pool.acquire() as conn, conn.transaction():
            if await store.organisation(conn, org_id) is None:
                raise NotFound("no such organisation")
            if renewal_of is not None:
                previous = await store.grant(conn, renewal_of)
                if previous is None or previous["organisation_id"] != org_id:
                    raise NotFound("a renewal must name a grant of this organisation")
            await store.insert_application(conn, app_id, org_id, renewal_of, state, who.actor)
            version = await quality_store.scheme(conn)
            assert version is not None, "migration 0003 seeds scheme version 1"
            await quality_store.set_application_scheme(conn, app_id, version[0])
            await _audit(
                conn, who.actor, "label.application.open", str(app_id), after={"state": state}
            )
            created = await store.application(conn, app_id)
        assert created is not None
        return created

    async def move_application(
        self,
        who: Principal,
        app_id: uuid.UUID,
        action: str,
        reason: str | None,
        submission: dict[str, Any] | None,
    ) -> dict[str, Any]:
        permission = APPLICATION_ACTIONS.get(action)
        if permission is None:
            raise ApiError(f"unknown action {action!r}")
        async with self._pool.acquire() as conn, conn.transaction():
            app = await store.application(conn, app_id)
            if app is None:
                raise NotFound("no such application")
            who.require(permission, app["organisation_id"])
            try:
                state = next_application_state(app["state"], action)
            except InvalidTransition as exc:
                raise TransitionRefused(str(exc)) from exc
            now = datetime.now(UTC)
            applied = now if action == "apply" else None
            decide_by = (
                now + (await quality.application_scheme(conn, app_id)).assessment_deadline
                if applied
                else None
            )
            await store.move_application(
                conn,
                app_id,
                action,
                state,
                who.actor,
                reason,
                submission if action == "apply" else None,
                applied,
                decide_by,
            )
            if applied:  # the automatic checks, as evidence for the assessors
                await quality.record_checks(conn, app_id, app["organisation_id"])
            await _audit(
                conn,
                who.actor,
                f"label.application.{action}",
                str(app_id),
                reason=reason,
                before={"state": app["state"]},
                after={"state": state},
            )
            moved = await store.application(conn, app_id)
        assert moved is not None
        return moved

    async def propose(
        self, who: Principal, kind: str, target: uuid.UUID, reason: str
    ) -> dict[str, Any]:
        """Grant, refuse or withdraw: one person proposes, another confirms (four eyes)."""
        who.require("label.govern" if kind == "withdraw_grant" else "label.assess")
        decision_id = uuid.uuid4()
        async with self._pool.acquire() as conn, conn.transaction():
            if kind == "withdraw_grant":
                found = await store.grant(conn, target)
                if found is None or found["state"] not in ("active", "suspended"):
                    raise TransitionRefused("only an active or suspended grant can be withdrawn")
                await store.insert_decision(
                    conn, decision_id, kind, None, target, reason, who.actor
                )
            else:
                app = await store.application(conn, target)
                if app is None or app["state"] != "under_assessment":
                    raise TransitionRefused("only an application under assessment can be decided")
                await store.insert_decision(
                    conn, decision_id, kind, target, None, reason, who.actor
                )
            await _audit(
                conn, who.actor, f"label.decision.propose.{kind}", str(target), reason=reason
            )
        return {
            "id": str(decision_id),
            "kind": kind,
            "target": str(target),
            "proposedBy": who.actor,
            "confirmed": False,
        }

    async def confirm(self, who: Principal, decision_id: uuid.UUID) -> dict[str, Any]:
        who.require("label.confirm")
        async with self._pool.acquire() as conn, conn.transaction():
            found = await store.decision(conn, decision_id)
            if found is None:
                raise NotFound("no such decision")
            if found["confirmed_by"] is not None:
                raise TransitionRefused("this decision is already confirmed")
            if not confirmable(found["proposed_by"], who.actor):
                raise Forbidden("four eyes: a decision must be confirmed by someone else")
            if found["kind"] == "withdraw_grant" and who.role != "committee":
                raise Forbidden("the committee confirms withdrawals")
            await store.confirm_decision(conn, decision_id, who.actor)
            if found["kind"] == "withdraw_grant":
                result = await self._change_grant(
                    conn, found["grant_id"], "withdraw", who.actor, found["reason"]
                )
            else:
                result = await self._decide(conn, found, who.actor)
        return result

    async def _decide(self, conn: Conn, found: dict[str, Any], actor: str) -> dict[str, Any]:
        app = await store.application(conn, found["application_id"])
        assert app is not None
        action = "approve" if found["kind"] == "approve" else "reject"
        state = next_application_state(app["state"], action)
        await store.move_application(
            conn, app["id"], action, state, actor, found["reason"], None, None, None
        )
        await _audit(
            conn,
            actor,
            f"label.application.{action}",
            str(app["id"]),
            reason=found["reason"],
            after={"state": state},
        )
        if action == "reject":
            return {"application": str(app["id"]), "state": state}
        if app["renewal_of"] is not None:  # renewal supersedes the previous grant
            previous = await store.grant(conn, app["renewal_of"])
            if previous is not None and previous["state"] == "active":
                await store.move_grant(
                    conn,
                    previous["id"],
                    next_grant_state("active", "supersede"),
                    actor,
                    "renewed",
                    datetime.now(UTC),
                )
        grant_id = uuid.uuid4()
        now = datetime.now(UTC)
        valid_until = now + (await quality.application_scheme(conn, app["id"])).validity
        await store.insert_grant(
            conn, grant_id, app["organisation_id"], app["id"], now, valid_until, actor
        )
        await _audit(
            conn,
            actor,
            "label.grant",
            str(grant_id),
            after={
                "organisation_id": str(app["organisation_id"]),
                "valid_until": valid_until.isoformat(),
            },
        )
        await self._after_grant_change(conn, grant_id, LABEL_GRANTED, None)
        return {"application": str(app["id"]), "state": state, "grant": str(grant_id)}

    async def govern_grant(
        self, who: Principal, grant_id: uuid.UUID, action: str, reason: str
    ) -> dict[str, Any]:
        """Suspend or reinstate (committee); withdrawal goes through `propose`/`confirm`."""
        who.require("label.govern")
        if action not in ("suspend", "reinstate"):
            raise ApiError("suspend or reinstate; withdrawals need a confirmed decision")
        async with self._pool.acquire() as conn, conn.transaction():
            return await self._change_grant(conn, grant_id, action, who.actor, reason)

    async def expire_due(self, now: datetime | None = None) -> int:
        """Expire grants at the end of their validity; safe on several replicas."""
        async with self._pool.acquire() as conn, conn.transaction():
            due = await store.due_grants(conn, now or datetime.now(UTC))
            for grant_id in due:
                await self._change_grant(conn, grant_id, "expire", "system", "validity ended")
        return len(due)

    async def _change_grant(
        self, conn: Conn, grant_id: uuid.UUID, action: str, actor: str, reason: str | None
    ) -> dict[str, Any]:
        found = await store.grant(conn, grant_id)
        if found is None:
            raise NotFound("no such grant")
        try:
            state = next_grant_state(found["state"], action)
        except InvalidTransition as exc:
            raise TransitionRefused(str(exc)) from exc
        await store.move_grant(conn, grant_id, state, actor, reason, datetime.now(UTC))
        await _audit(
            conn,
            actor,
            f"label.grant.{action}",
            str(grant_id),
            reason=reason,
            before={"state": found["state"]},
            after={"state": state},
        )
        await self._after_grant_change(conn, grant_id, LABEL_EVENTS[action], reason)
        return {"grant": str(grant_id), "state": state}

    async def _after_grant_change(
        self, conn: Conn, grant_id: uuid.UUID, event_type: str, reason: str | None
    ) -> None:
        found = await store.grant(conn, grant_id)
        assert found is not None
        org = await store.organisation(conn, found["organisation_id"])
        assert org is not None
        dids = await store.dids_of(conn, org["id"])
        payload = LabelEventV1(
            grant_id=str(grant_id),
            organisation_id=str(org["id"]),
            did=dids[0] if dids else "",
            valid_from=_iso(found["valid_from"]),
            valid_until=_iso(found["valid_until"]),
            reason=reason,
        )
        await enqueue(
            conn,
            topic=REGISTRY_LABELS,
            key=str(grant_id),
            event=new_event(source=SOURCE, type=event_type, subject=str(grant_id), data=payload),
        )
        for did in dids:
            await self._publish_trust(conn, org, did)

    async def verify_audit(self, who: Principal) -> dict[str, Any]:
        who.require("audit.read")
        async with self._pool.acquire() as conn:
            entries = await store.audit_entries(conn)
        broken = first_broken(entries)
        return {"valid": broken is None, "entries": len(entries), "first_broken": broken}


LABEL_EVENTS = {
    "suspend": LABEL_SUSPENDED,
    "reinstate": LABEL_REINSTATED,
    "withdraw": LABEL_WITHDRAWN,
    "expire": LABEL_EXPIRED,
}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def current_trust(conn: Conn, did: str) -> TrustState | None:
    """The published trust state of a proven DID as it stands (None for unknown or unproven)."""
    row = await store.did_row(conn, did)
    org = await store.organisation(conn, row["organisation_id"]) if row else None
    if row is None or org is None or row["proven_at"] is None:
        return None
    return trust_state(
        org,
        row,
        int(row["trust_sequence"]),
        await store.latest_grant(conn, org["id"]),
        await store.grant_history(conn, org["id"]),
    )


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
