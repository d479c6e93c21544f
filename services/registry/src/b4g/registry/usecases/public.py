"""The registry's public read side: organisation views, the directory of labelled
organisations, TRQP v2 queries and the signed snapshot. Read-only; nothing here writes."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import msgspec

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.problems import ApiError, NotFound
from b4g.core.trust import TrustState
from b4g.registry.domain import trqp
from b4g.registry.domain.public import (
    DirectoryEntry,
    DirectoryPage,
    InvalidCursor,
    PublicDid,
    PublicOrganisation,
    StatusPeriod,
    decode_cursor,
    encode_cursor,
    iso,
    public_label,
    strong_etag,
)
from b4g.registry.domain.snapshot import registry_key_document, snapshot_document
from b4g.registry.domain.trqp import TrustAtMoment, trust_at_moment
from b4g.registry.domain.trust_state import trust_state
from b4g.registry.store import public as store
from b4g.registry.store import registry as registry_store
from b4g.registry.usecases.registry import current_trust


class BadCursor(ApiError):
    status, code, title = 400, "invalid_cursor", "Invalid cursor"


class BadTime(ApiError):
    status, code, title = 400, "invalid_time", "Invalid time"


class UnknownAuthority(ApiError):
    status, code, title = 404, "unknown_authority", "Unknown authority"


class UnknownActionResource(ApiError):
    status, code, title = 404, "unknown_action_resource", "Unknown action or resource"


class SigningNotConfigured(ApiError):
    status, code, title = 503, "signing_not_configured", "Snapshot signing is not configured"


@dataclass(frozen=True, slots=True)
class Snapshot:
    body: bytes
    etag: str
    sequence: int
    built_at: float  # monotonic


@dataclass(frozen=True, slots=True)
class Verdict:
    yes: bool
    message: str
    evaluated: datetime


class PublicRegistry:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        authority_id: str,
        recognised: frozenset[str],
        signing_key: Ed25519KeyPair | None,
        snapshot_min_interval: float = 5.0,
    ) -> None:
        self._pool = pool
        self.authority_id = authority_id
        self._recognised = recognised
        self._key = signing_key
        self._min_interval = snapshot_min_interval
        self._snapshot: Snapshot | None = None
        self._building = asyncio.Lock()

    # -- organisations and the directory ---------------------------------------------------

    async def organisation(self, org_id: uuid.UUID) -> PublicOrganisation:
        now = datetime.now(UTC)
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            org = await store.public_organisation(conn, org_id)
            if org is None:
                raise NotFound("no such organisation")
            statuses = await store.status_history(conn, org_id)
            dids = (await store.proven_dids(conn, [org_id])).get(org_id, [])
            grant = await registry_store.latest_grant(conn, org_id)
            history = await registry_store.grant_history(conn, org_id)
        return PublicOrganisation(
            id=org["id"],
            legal_name=org["legal_name"],
            country=org["country"],
            website=org["website"],
            registry_status=org["status"],
            registry_status_history=[
                StatusPeriod(status=s["status"], since=iso(s["effective_at"]) or "")
                for s in statuses
            ],
            dids=[
                PublicDid(
                    did=d["did"], valid_from=iso(d["valid_from"]), valid_until=iso(d["valid_until"])
                )
                for d in dids
            ],
            label=public_label(grant, history, now),
        )

    async def directory(
        self, *, country: str | None, cursor: str | None, limit: int
    ) -> DirectoryPage:
        try:
            after = decode_cursor(cursor) if cursor else None
        except InvalidCursor as exc:
            raise BadCursor(str(exc)) from None
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            rows = await store.labelled(
                conn, datetime.now(UTC), country=country, after=after, limit=limit + 1
            )
            page = rows[:limit]
            dids = await store.proven_dids(conn, [r["id"] for r in page])
        items = [
            DirectoryEntry(
                id=r["id"],
                legal_name=r["legal_name"],
                country=r["country"],
                website=r["website"],
                label_valid_from=iso(r["valid_from"]) or "",
                label_valid_until=iso(r["valid_until"]) or "",
                dids=[d["did"] for d in dids.get(r["id"], [])],
            )
            for r in page
        ]
        following = (
            encode_cursor(page[-1]["legal_name"], page[-1]["id"]) if len(rows) > limit else None
        )
        return DirectoryPage(items=items, next_cursor=following)

    # -- TRQP v2 ---------------------------------------------------------------------------

    def _check_question(self, authority_id: str, action: str, resource: str) -> None:
        if authority_id != self.authority_id:
            raise UnknownAuthority(
                f"this registry answers for the authority {self.authority_id!r} only"
            )
        if (action, resource) not in trqp.KNOWN:
            known = ", ".join(f"{a} {r}" for a, r in sorted(trqp.KNOWN))
            raise UnknownActionResource(f"known action and resource pairs: {known}")

    @staticmethod
    def _moment(time_requested: str | None, now: datetime) -> datetime:
        if time_requested is None:
            return now
        try:
            return trqp.parse_time(time_requested)
        except trqp.InvalidTime as exc:
            raise BadTime(str(exc)) from None

    async def authorization(
        self,
        *,
        entity_id: str,
        authority_id: str,
        action: str,
        resource: str,
        time_requested: str | None,
    ) -> Verdict:
        self._check_question(authority_id, action, resource)
        now = datetime.now(UTC)
        moment = self._moment(time_requested, now)
        state, status_then = await self._state_at(entity_id, moment)
        answer = trqp.authorization(state, status_then, resource, moment)
        return Verdict(answer.yes, answer.message, now)

    async def trust_at(self, did: str, at: str) -> TrustAtMoment:
        """`GET /trust/{did}?at=`: the DID's state, and what held at that moment."""
        moment = self._moment(at, datetime.now(UTC))
        state, status_then = await self._state_at(did, moment)
        if state is None:
            raise NotFound("this DID is not a proven DID of a registered organisation")
        return trust_at_moment(state, status_then, moment)

    async def _state_at(self, did: str, moment: datetime) -> tuple[TrustState | None, str | None]:
        """The DID's current trust state and its organisation's registry status at `moment`."""
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            state = await current_trust(conn, did)
            if state is None:
                return None, None
            return state, await store.status_at(conn, uuid.UUID(state.organisation_id), moment)

    def recognition(
        self,
        *,
        entity_id: str,
        authority_id: str,
        action: str,
        resource: str,
        time_requested: str | None,
    ) -> Verdict:
        self._check_question(authority_id, action, resource)
        now = datetime.now(UTC)
        self._moment(time_requested, now)  # validated; recognition is not time-varying here
        answer = trqp.recognition(entity_id, self.authority_id, self._recognised)
        return Verdict(answer.yes, answer.message, now)

    # -- the signed snapshot ---------------------------------------------------------------

    def _require_key(self) -> Ed25519KeyPair:
        if self._key is None:
            raise SigningNotConfigured(
                "set B4G_REGISTRY_SIGNING_SEED or B4G_REGISTRY_SIGNING_SEED_FILE"
            )
        return self._key

    def registry_key(self) -> dict[str, object]:
        return registry_key_document(self._require_key(), self.authority_id)

    async def snapshot(self) -> Snapshot:
        """Rebuilt at most every `snapshot_min_interval` seconds, and only when the
        registry-wide sequence moved; concurrent callers share one build."""
        key = self._require_key()
        cached = self._snapshot
        if cached is not None and time.monotonic() - cached.built_at < self._min_interval:
            return cached
        async with self._building:
            cached = self._snapshot
            if cached is not None and time.monotonic() - cached.built_at < self._min_interval:
                return cached
            async with self._pool.acquire() as conn:
                sequence = await store.trust_sequence_total(conn)
                if cached is not None and cached.sequence == sequence:
                    self._snapshot = Snapshot(cached.body, cached.etag, sequence, time.monotonic())
                    return self._snapshot
                async with conn.transaction(isolation="repeatable_read", readonly=True):
                    sequence = await store.trust_sequence_total(conn)
                    data = await store.everything(conn)
            states = []
            for did in data["dids"]:
                org = data["organisations"][did["organisation_id"]]
                states.append(
                    trust_state(
                        org,
                        did,
                        int(did["trust_sequence"]),
                        data["grants"].get(org["id"]),
                        data["histories"].get(org["id"], []),
                    )
                )
            document = snapshot_document(
                states,
                sequence=sequence,
                generated=datetime.now(UTC),
                authority_id=self.authority_id,
                key=key,
            )
            body = msgspec.json.encode(document)
            self._snapshot = Snapshot(body, strong_etag(body), sequence, time.monotonic())
            return self._snapshot
