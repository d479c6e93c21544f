"""Verifying credentials with the verifier's local state: our issuers' keys and status lists
come from the event-fed copy (no HTTP round trip); did:key needs nothing; anything else goes
through the SSRF-guarded fetcher (did:web documents, other issuers' status lists)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from b4g.core.did.resolver import (
    DidResolver,
    VerificationMethodResolution,
    key_from_document,
    method_resolution,
)
from b4g.core.infra.fetch import FetchError, SafeFetcher
from b4g.core.infra.schemas import SchemaSource
from b4g.core.infra.ttl_cache import TtlCache
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey
from b4g.core.proofs.vc_jwt import issuer_id
from b4g.core.trust import TrustState, witness_hash
from b4g.core.trust_checks import claimed_issuance, trust_checks, unknown_trust
from b4g.core.verification import Check, VerificationResult, Verifier
from b4g.verifier.domain.did_documents import document_from_methods
from b4g.verifier.store import local_state as store
from b4g.verifier.store import witnesses
from b4g.verifier.store.registry_http import RegistryTrustClient, RegistryUnreachable
from b4g.verifier.usecases.local_state import LOCAL_STATE_CONSUMER

# Local state is read from the database at most this often per key: a revocation or a trust
# change shows up this much later than its event (bars: 2 s), and hot keys cost no query.
LOCAL_STATE_TTL = 0.5
# All the fetching one verification may do (did:web documents, status lists, schemas, JWKS,
# endorsements'), so a credential naming many slow hosts delays only itself, and boundedly.
VERIFICATION_FETCH_BUDGET = 10.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class LocalVerification:
    """One per process: the context store and the verifier are built once. The clock is read
    once per verification, so validity, status and trust are judged at one instant."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        fetcher: SafeFetcher,
        *,
        schema_dir: Path | None = None,
        registry: RegistryTrustClient | None = None,
        max_staleness: float = 30.0,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._pool = pool
        self._fetcher = fetcher
        self._registry = registry
        self._max_staleness = max_staleness
        self._clock = clock
        # Hot local state, re-read at most every LOCAL_STATE_TTL seconds.
        self._documents: TtlCache[str, dict[str, Any] | None] = TtlCache(LOCAL_STATE_TTL)
        self._lists: TtlCache[str, dict[str, Any] | None] = TtlCache(LOCAL_STATE_TTL)
        self._trust: TtlCache[str, tuple[TrustState | None, float | None]] = TtlCache(
            LOCAL_STATE_TTL
        )
        # Witnesses by credential hash and issuer: a repeated verification of one badge (the
        # page, then the API) costs one primary-key probe a TTL, like the rest of local state.
        self._witnesses: TtlCache[tuple[bytes, str], datetime | None] = TtlCache(LOCAL_STATE_TTL)
        self._remote = DidResolver(fetcher.fetch_json)
        self._verifier = Verifier(
            store=ContextStore(),
            resolve_key=self.resolve_key,
            status_fetcher=self.status_list,
            trust=self.issuer_trust,
            schemas=SchemaSource(fetcher, schema_dir),
            resolve_method=self.resolve_method,
            jwks_fetcher=fetcher.fetch_json,
        )

    async def verify(self, presented: Mapping[str, Any] | str) -> VerificationResult:
        with SafeFetcher.budget(VERIFICATION_FETCH_BUDGET):
            return await self._verifier.verify(presented, now=self._clock())

    async def resolve_key(
        self, vm_id: str, purpose: str, expected_controller: str | None
    ) -> ResolvedKey | KeyResolutionFailure:
        controller = vm_id.split("#", 1)[0]
        document = await self._local_document(controller)
        if document is None:  # not one of our issuers: did:key, or resolve over the network
            return await self._remote.resolve_key(vm_id, purpose, expected_controller)
        if mismatch := _foreign_key(controller, expected_controller):
            return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message=mismatch)
        return key_from_document(document, vm_id, purpose)

    async def resolve_method(
        self, vm_id: str, purpose: str, expected_controller: str | None
    ) -> VerificationMethodResolution:
        """As `resolve_key`, with the key as a JWK (RSA too, for RS256 VC-JWTs)."""
        controller = vm_id.split("#", 1)[0]
        document = await self._local_document(controller)
        if document is None:
            return await self._remote.resolve_verification_method(
                vm_id, purpose=purpose, expected_controller=expected_controller
            )
        if mismatch := _foreign_key(controller, expected_controller):
            return VerificationMethodResolution(
                ok=False, code="INVALID_VERIFICATION_METHOD", message=mismatch
            )
        return method_resolution(document, vm_id, purpose)

    async def _local_document(self, controller: str) -> dict[str, Any] | None:
        """Our issuer's DID document from the event-fed copy; None when it is not ours."""

        async def load() -> dict[str, Any] | None:
            async with self._pool.acquire() as conn:
                methods = await store.verification_methods(conn, controller)
            return document_from_methods(controller, methods) if methods else None

        return await self._documents.get_or_load(controller, load)

    async def fetch_document(self, url: str) -> dict[str, Any] | str:
        """A badge someone links to: credential JSON or a VC-JWT, through the safe fetcher."""
        response = await self._fetcher.get(
            url, accept="application/json, application/jwt, application/vc+jwt, text/plain"
        )
        text = response.body.decode("utf-8", errors="replace").strip()
        if text.startswith("{"):
            try:
                document = json.loads(text)
            except ValueError as exc:
                raise FetchError(f"{url} returned malformed JSON") from exc
            if isinstance(document, dict):
                return document
        return text

    async def issuer_trust(self, credential: Mapping[str, Any], now: datetime) -> list[Check]:
        """From the local copy of the registry's trust state and issuance witnesses (fed by
        b4g.registry.trust.v1 and .witnesses.v1), or from the registry itself when that copy is
        stale."""
        issuer = issuer_id(credential)
        if issuer is None:
            return trust_checks(None, now=now, claimed=None)
        credential_id = credential.get("id")
        digest = witness_hash(credential_id) if isinstance(credential_id, str) else None
        found, age = await self._local_trust(issuer)
        witnessed: datetime | None = None
        if age is not None and age <= self._max_staleness:
            state = found
            if state is not None and digest is not None:
                witnessed = await self._local_witness(digest, issuer)
        elif self._registry is not None:
            try:
                state = await self._registry.trust_state(issuer)
                if state is not None and digest is not None:
                    witnessed = await self._registry.witnessed_at(issuer, digest)
            except RegistryUnreachable as exc:
                return unknown_trust(
                    "registry_unreachable", f"The registry could not be reached ({exc})."
                )
        else:
            synced = "never" if age is None else f"{age:.0f} s ago"
            return unknown_trust(
                "trust_copy_stale",
                f"The local copy of the registry last caught up {synced} and no registry URL "
                "is configured.",
            )
        return trust_checks(
            state, now=now, claimed=claimed_issuance(credential), witnessed=witnessed
        )

    async def _local_witness(self, digest: bytes, issuer: str) -> datetime | None:
        async def load() -> datetime | None:
            async with self._pool.acquire() as conn:
                return await witnesses.witnessed_at(conn, digest, issuer)

        return await self._witnesses.get_or_load((digest, issuer), load)

    async def _local_trust(self, did: str) -> tuple[TrustState | None, float | None]:
        """The event-fed trust state of `did` and how long ago that copy caught up."""

        async def load() -> tuple[TrustState | None, float | None]:
            async with self._pool.acquire() as conn:
                found = await store.trust_state(conn, did)
                age = await store.seconds_since_caught_up(conn, LOCAL_STATE_CONSUMER)
            return (msgspec.convert(found[0], TrustState) if found else None), age

        return await self._trust.get_or_load(did, load)

    async def status_list(self, url: str) -> Mapping[str, Any]:
        async def load() -> dict[str, Any] | None:
            async with self._pool.acquire() as conn:
                stored = await store.status_list_by_url(conn, url)
            return stored.credential if stored is not None else None

        ours = await self._lists.get_or_load(url, load)
        if ours is not None:
            return ours
        document = await self._fetcher.fetch_json(url)  # another issuer's list: cached by ttl
        if not isinstance(document, dict):
            raise FetchError(f"{url} is not a status-list credential")
        return document


def _foreign_key(controller: str, expected_controller: str | None) -> str | None:
    """Why a key of our issuer `controller` may not sign for `expected_controller`, if so."""
    if expected_controller is not None and controller != expected_controller:
        return f"the key belongs to {controller!r}, the issuer is {expected_controller!r}"
    return None
