"""Verifying credentials with the verifier's local state: our issuers' keys and status lists
come from the event-fed copy (no HTTP round trip); did:key needs nothing; anything else goes
through the SSRF-guarded fetcher (did:web documents, other issuers' status lists)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec

from b4g.core.did.resolver import DidResolver, key_from_document
from b4g.core.infra.fetch import FetchError, FetchPolicy, SafeFetcher
from b4g.core.infra.service import Runtime
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey
from b4g.core.proofs.vc_jwt import issuer_id
from b4g.core.trust import TrustState
from b4g.core.verification import Check, VerificationResult, Verifier
from b4g.verifier.domain.did_documents import document_from_methods
from b4g.verifier.domain.trust import trust_check
from b4g.verifier.settings import VerifierSettings
from b4g.verifier.store import local_state as store


class LocalVerification:
    """One per process: the context store and the verifier are built once."""

    def __init__(self, pool: asyncpg.Pool, fetcher: SafeFetcher) -> None:
        self._pool = pool
        self._fetcher = fetcher
        self._remote = DidResolver(fetcher.fetch_json)
        self._verifier = Verifier(
            store=ContextStore(),
            resolve_key=self.resolve_key,
            status_fetcher=self.status_list,
            trust=self.issuer_trust,
        )

    @classmethod
    def for_runtime(cls, runtime: Runtime) -> LocalVerification:
        settings = runtime.settings
        assert isinstance(settings, VerifierSettings)
        policy = FetchPolicy(
            allow_http_origins=_csv(settings.fetch_allow_http_origins),
            allow_private_hosts=_csv(settings.fetch_allow_private_hosts),
        )
        return cls(runtime.require_pool(), SafeFetcher(policy))

    async def verify(self, presented: Mapping[str, Any] | str) -> VerificationResult:
        return await self._verifier.verify(presented, now=datetime.now(UTC))

    async def resolve_key(
        self, vm_id: str, purpose: str, expected_controller: str | None
    ) -> ResolvedKey | KeyResolutionFailure:
        controller = vm_id.split("#", 1)[0]
        async with self._pool.acquire() as conn:
            methods = await store.verification_methods(conn, controller)
        if not methods:  # not one of our issuers: did:key, or resolve over the network
            return await self._remote.resolve_key(vm_id, purpose, expected_controller)
        if expected_controller is not None and controller != expected_controller:
            return KeyResolutionFailure(
                code="INVALID_VERIFICATION_METHOD",
                message=f"the key belongs to {controller!r}, the issuer is {expected_controller!r}",
            )
        return key_from_document(document_from_methods(controller, methods), vm_id, purpose)

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

    async def issuer_trust(self, credential: Mapping[str, Any]) -> Check:
        """From the local copy of the registry's trust state (fed by b4g.registry.trust.v1)."""
        issuer = issuer_id(credential)
        async with self._pool.acquire() as conn:
            found = await store.trust_state(conn, issuer) if issuer else None
        state = msgspec.convert(found[0], TrustState) if found else None
        issued = credential.get("validFrom") or credential.get("issuanceDate")
        moment = (
            datetime.fromisoformat(issued.replace("Z", "+00:00"))
            if isinstance(issued, str)
            else None
        )
        return trust_check(state, now=datetime.now(UTC), issued=moment)

    async def status_list(self, url: str) -> Mapping[str, Any]:
        async with self._pool.acquire() as conn:
            stored = await store.status_list_by_url(conn, url)
        if stored is not None:
            return stored.credential
        document = await self._fetcher.fetch_json(url)
        if not isinstance(document, dict):
            raise FetchError(f"{url} is not a status-list credential")
        return document


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())
