"""Verifying credentials with the verifier's local state: our issuers' keys and status lists
come from the event-fed copy (no HTTP round trip); did:key needs nothing; anything else needs
an outbound fetch, which is reported as "could not check" until the safe fetcher is wired in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg

from b4g.core.did.resolver import DidResolver, key_from_document
from b4g.core.errors import B4GError
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey
from b4g.core.verification import VerificationResult, Verifier
from b4g.verifier.domain.did_documents import document_from_methods
from b4g.verifier.store import local_state as store


class NotLocal(B4GError):
    code = "not_local"


class LocalVerification:
    """One per process: the context store and the verifier are built once."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._did_key = DidResolver()
        self._verifier = Verifier(
            store=ContextStore(), resolve_key=self.resolve_key, status_fetcher=self.status_list
        )

    async def verify(self, presented: Mapping[str, Any] | str) -> VerificationResult:
        return await self._verifier.verify(presented, now=datetime.now(UTC))

    async def resolve_key(
        self, vm_id: str, purpose: str, expected_controller: str | None
    ) -> ResolvedKey | KeyResolutionFailure:
        controller = vm_id.split("#", 1)[0]
        if controller.startswith("did:key:"):
            return await self._did_key.resolve_key(vm_id, purpose, expected_controller)
        if expected_controller is not None and controller != expected_controller:
            return KeyResolutionFailure(
                code="INVALID_VERIFICATION_METHOD",
                message=f"the key belongs to {controller!r}, the issuer is {expected_controller!r}",
            )
        async with self._pool.acquire() as conn:
            methods = await store.verification_methods(conn, controller)
        if not methods:
            return KeyResolutionFailure(
                code="could_not_resolve",
                retryable=True,
                message=f"{controller} is not one of our issuers and "
                "outbound resolution is not enabled",
            )
        return key_from_document(document_from_methods(controller, methods), vm_id, purpose)

    async def status_list(self, url: str) -> Mapping[str, Any]:
        async with self._pool.acquire() as conn:
            stored = await store.status_list_by_url(conn, url)
        if stored is None:
            raise NotLocal(f"{url} is not a list we hold, and outbound fetching is not enabled")
        return stored.credential
