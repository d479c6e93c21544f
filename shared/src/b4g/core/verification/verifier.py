"""The verifier: runs every check in order over a credential or a VC-JWT, its endorsements
included, at one instant the caller gives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import KeyResolver
from b4g.core.proofs.vc_jwt import credential_of, decode_jwt
from b4g.core.verdict import Check, decide
from b4g.core.verification.credential_checks import structure_check, validity_check
from b4g.core.verification.endorsement_checks import endorsement_check, endorsements, too_many
from b4g.core.verification.jwt_checks import JwtSignatures, jwt_claims_check
from b4g.core.verification.proof_checks import proof_checks
from b4g.core.verification.result import (
    JwksFetcher,
    MethodResolver,
    SchemaFetcher,
    StatusFetcher,
    TrustCheck,
    VerificationResult,
    sentence,
)
from b4g.core.verification.schema_checks import schema_checks
from b4g.core.verification.status_checks import StatusChecks


class Verifier:
    """Holds what verification needs; build one per process and reuse it."""

    def __init__(
        self,
        *,
        store: ContextStore,
        resolve_key: KeyResolver,
        status_fetcher: StatusFetcher | None = None,
        trust: TrustCheck | None = None,
        schemas: SchemaFetcher | None = None,
        resolve_method: MethodResolver | None = None,
        jwks_fetcher: JwksFetcher | None = None,
    ) -> None:
        self._rdf = rdf_canonizer(store)
        self._resolve_key = resolve_key
        self._trust = trust
        self._schemas = schemas
        self._jwt = JwtSignatures(
            resolve_key=resolve_key, resolve_method=resolve_method, jwks_fetcher=jwks_fetcher
        )
        self._status = StatusChecks(status_fetcher, self._proof_checks)

    async def verify(
        self, presented: Mapping[str, Any] | str, *, now: datetime
    ) -> VerificationResult:
        return await self._verify(presented, now, depth=0)

    async def _verify(
        self, presented: Mapping[str, Any] | str, now: datetime, depth: int
    ) -> VerificationResult:
        if isinstance(presented, str):
            return await self._verify_jwt(presented, now, depth)
        credential = dict(presented)
        checks = [structure_check(credential)]
        checks += await self._schema_checks(credential)
        checks += await self._proof_checks(credential)
        checks += await self._after_proof(credential, now, depth)
        result = tuple(checks)
        return VerificationResult(
            verified=decide(result), format="ldp", checks=result, credential=credential
        )

    async def _verify_jwt(self, token: str, now: datetime, depth: int) -> VerificationResult:
        try:
            decoded = decode_jwt(token)
        except ValueError as exc:
            check = Check(
                name="structure", state="fail", code="malformed_jwt", message=sentence(str(exc))
            )
            return VerificationResult(verified=False, format="jwt", checks=(check,))
        credential = credential_of(decoded.payload)
        checks = [structure_check(credential)]
        checks += await self._schema_checks(credential)
        checks.append(await self._jwt.check(decoded, credential))
        checks.append(jwt_claims_check(decoded.payload))
        checks += await self._after_proof(credential, now, depth)
        result = tuple(checks)
        return VerificationResult(
            verified=decide(result), format="jwt", checks=result, credential=credential
        )

    async def _after_proof(
        self, credential: Mapping[str, Any], now: datetime, depth: int
    ) -> list[Check]:
        """Dates, status and endorsements; issuer trust for the credential itself only (an
        endorser need not be in our registry)."""
        checks = [validity_check(credential, now)]
        checks += await self._status.checks(credential, now)
        checks += await self._endorsement_checks(credential, now, depth)
        if depth == 0:
            checks += await self._trust_checks(credential, now)
        return checks

    async def _endorsement_checks(
        self, credential: Mapping[str, Any], now: datetime, depth: int
    ) -> list[Check]:
        found = endorsements(credential)
        if not found:
            return []
        if (refused := too_many(len(found), depth)) is not None:
            return [refused]
        checks = []
        for where, endorsement in found:
            result = await self._verify(endorsement, now, depth + 1)
            checks.append(endorsement_check(where, result))
        return checks

    async def _schema_checks(self, credential: Mapping[str, Any]) -> list[Check]:
        return await schema_checks(credential, self._schemas)

    async def _proof_checks(self, credential: Mapping[str, Any]) -> list[Check]:
        return await proof_checks(credential, resolve_key=self._resolve_key, rdf=self._rdf)

    async def _trust_checks(self, credential: Mapping[str, Any], now: datetime) -> Sequence[Check]:
        if self._trust is None:
            return [
                Check(
                    name="issuer_registered",
                    state="could_not_check",
                    code="not_configured",
                    message="No trust registry is configured, so the issuer's standing is unknown.",
                )
            ]
        return await self._trust(credential, now)
