"""Verifying a credential: every check, each passed, failed or not checkable, with a reason code
(pure: key resolution, status lists, trust and the clock are injected).

`verified` is true only when no check failed and every required check passed. `issuer_trust` is
advisory: a credential can be authentic without its issuer being in our registry, so trust is
reported but never flips `verified`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Literal

import msgspec

from b4g.core.errors import B4GError
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs import jcs
from b4g.core.proofs.data_integrity import KeyResolver, ResolvedKey, verify_document
from b4g.core.proofs.vc_jwt import (
    check_claims,
    credential_of,
    decode_jwt,
    ed25519_jwk,
    issuer_id,
    verify_signature,
)
from b4g.core.statuslist import check_status

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
State = Literal["pass", "fail", "could_not_check"]
ADVISORY = frozenset({"issuer_trust"})

StatusFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]


class Check(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    state: State
    code: str
    message: str


TrustCheck = Callable[[Mapping[str, Any]], Awaitable[Check]]


class VerificationResult(msgspec.Struct, frozen=True, kw_only=True):
    verified: bool
    format: str  # "ldp" (embedded proofs) or "jwt"
    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = None

    def first(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


def decide(checks: tuple[Check, ...]) -> bool:
    required = [c for c in checks if c.name not in ADVISORY]
    return bool(required) and all(c.state == "pass" for c in required)


class Verifier:
    """Holds what verification needs; build one per process and reuse it."""

    def __init__(
        self,
        *,
        store: ContextStore,
        resolve_key: KeyResolver,
        status_fetcher: StatusFetcher | None = None,
        trust: TrustCheck | None = None,
    ) -> None:
        self._rdf = rdf_canonizer(store)
        self._resolve_key = resolve_key
        self._status_fetcher = status_fetcher
        self._trust = trust
        self._list_proofs: dict[bytes, list[Check]] = {}

    async def verify(
        self, presented: Mapping[str, Any] | str, *, now: datetime
    ) -> VerificationResult:
        if isinstance(presented, str):
            return await self._verify_jwt(presented, now)
        credential = dict(presented)
        checks = [structure_check(credential)]
        checks += await self._proof_checks(credential)
        checks += self._common(credential, now)
        checks += await self._status_checks(credential, now)
        checks.append(await self._trust_check(credential))
        result = tuple(checks)
        return VerificationResult(
            verified=decide(result), format="ldp", checks=result, credential=credential
        )

    async def _verify_jwt(self, token: str, now: datetime) -> VerificationResult:
        try:
            decoded = decode_jwt(token)
        except ValueError as exc:
            check = Check(name="structure", state="fail", code="malformed_jwt", message=str(exc))
            return VerificationResult(verified=False, format="jwt", checks=(check,))
        credential = credential_of(decoded.payload)
        checks = [structure_check(credential), await self._jwt_signature(decoded, credential)]
        problems = check_claims(decoded.payload)
        checks.append(
            Check(
                name="jwt_claims",
                state="fail" if problems else "pass",
                code="jwt_claims_mismatch" if problems else "ok",
                message="; ".join(problems) or "claims match the credential",
            )
        )
        checks += self._common(credential, now)
        checks += await self._status_checks(credential, now)
        checks.append(await self._trust_check(credential))
        result = tuple(checks)
        return VerificationResult(
            verified=decide(result), format="jwt", checks=result, credential=credential
        )

    async def _jwt_signature(self, decoded: Any, credential: Mapping[str, Any]) -> Check:
        kid = decoded.header.get("kid")
        issuer = issuer_id(credential)
        if not isinstance(kid, str) or issuer is None:
            return Check(
                name="proof",
                state="fail",
                code="INVALID_VERIFICATION_METHOD",
                message="the JWT names no key (kid) or the credential no issuer",
            )
        vm = kid if "#" in kid or kid.startswith("did:") else f"{issuer}#{kid}"
        resolved = await self._resolve_key(vm, "assertionMethod", issuer)
        if not isinstance(resolved, ResolvedKey):
            state: State = "could_not_check" if resolved.retryable else "fail"
            return Check(name="proof", state=state, code=resolved.code, message=resolved.message)
        outcome = verify_signature(decoded, ed25519_jwk(resolved.public_key))
        return Check(
            name="proof",
            state="pass" if outcome.verified else "fail",
            code=outcome.code,
            message=outcome.message,
        )

    async def _proof_checks(self, credential: Mapping[str, Any]) -> list[Check]:
        results = await verify_document(
            credential,
            resolve_key=self._resolve_key,
            rdf=self._rdf,
            expected_controller=issuer_id(credential),
        )
        checks = []
        for r in results:
            state: State = (
                "pass"
                if r.verified
                else ("could_not_check" if r.code == "could_not_resolve" else "fail")
            )
            label = r.cryptosuite or r.type or "proof"
            checks.append(
                Check(name="proof", state=state, code=r.code, message=f"{label}: {r.message}")
            )
        return checks

    def _common(self, credential: Mapping[str, Any], now: datetime) -> list[Check]:
        return [validity_check(credential, now)]

    async def _status_checks(self, credential: Mapping[str, Any], now: datetime) -> list[Check]:
        entries = credential.get("credentialStatus")
        if entries is None:
            return []
        checks = []
        for entry in entries if isinstance(entries, list) else [entries]:
            checks.append(await self._status_check(entry, credential, now))
        return checks

    async def _status_check(
        self, entry: Any, credential: Mapping[str, Any], now: datetime
    ) -> Check:
        if not isinstance(entry, Mapping) or entry.get("type") not in (
            "BitstringStatusListEntry",
            "StatusList2021Entry",
        ):
            kind = entry.get("type") if isinstance(entry, Mapping) else None
            return Check(
                name="status",
                state="could_not_check",
                code="unsupported_status",
                message=f"status type {kind!r} is not supported",
            )
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or self._status_fetcher is None:
            return Check(
                name="status",
                state="could_not_check",
                code="STATUS_RETRIEVAL_ERROR",
                message="the status list cannot be retrieved",
            )
        try:
            list_credential = await self._status_fetcher(url)
        except B4GError as exc:
            return Check(
                name="status",
                state="could_not_check",
                code="STATUS_RETRIEVAL_ERROR",
                message=f"status list unreachable: {exc}",
            )
        if issuer_id(list_credential) != issuer_id(credential):
            return Check(
                name="status",
                state="fail",
                code="STATUS_VERIFICATION_ERROR",
                message="the status list was not issued by the credential's issuer",
            )
        proofs = await self._list_proof_checks(list_credential)
        if not proofs or any(p.state != "pass" for p in proofs):
            reason = proofs[0].message if proofs else "no proof"
            return Check(
                name="status",
                state="could_not_check"
                if any(p.state == "could_not_check" for p in proofs)
                else "fail",
                code="STATUS_VERIFICATION_ERROR",
                message=f"status list proof: {reason}",
            )
        window = validity_check(list_credential, now)
        if window.state != "pass":
            return Check(
                name="status",
                state="fail",
                code="STATUS_VERIFICATION_ERROR",
                message=f"status list: {window.message}",
            )
        outcome = check_status(entry, list_credential)
        if outcome.code != "ok":
            return Check(name="status", state="fail", code=outcome.code, message=outcome.message)
        purpose = outcome.purpose
        if outcome.active and purpose in ("revocation", "suspension"):
            code = "revoked" if purpose == "revocation" else "suspended"
            return Check(
                name="status", state="fail", code=code, message=f"the credential is {code}"
            )
        return Check(
            name="status", state="pass", code="ok", message=f"{purpose}: {outcome.message}"
        )

    async def _list_proof_checks(self, list_credential: Mapping[str, Any]) -> list[Check]:
        """A status list's proofs, remembered per exact list content: lists are large and
        checked with every credential that points at them, but change rarely."""
        fingerprint = hashlib.sha256(jcs.canonicalize(list_credential)).digest()
        cached = self._list_proofs.get(fingerprint)
        if cached is not None:
            return cached
        checks = await self._proof_checks(list_credential)
        if all(c.state != "could_not_check" for c in checks):
            if len(self._list_proofs) >= 256:
                self._list_proofs.pop(next(iter(self._list_proofs)))
            self._list_proofs[fingerprint] = checks
        return checks

    async def _trust_check(self, credential: Mapping[str, Any]) -> Check:
        if self._trust is None:
            return Check(
                name="issuer_trust",
                state="could_not_check",
                code="not_configured",
                message="no trust registry configured",
            )
        return await self._trust(credential)


def structure_check(credential: Mapping[str, Any]) -> Check:
    def fail(message: str) -> Check:
        return Check(name="structure", state="fail", code="MALFORMED_VALUE_ERROR", message=message)

    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first not in (VC1, VC2):
        return fail("the first @context must be the VC 1.1 or VC 2.0 context")
    types = credential.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        return fail("type must include VerifiableCredential")
    if issuer_id(credential) is None:
        return fail("issuer must be a URL or an object with an id")
    if not credential.get("credentialSubject"):
        return fail("credentialSubject is required")
    if first == VC1 and not isinstance(credential.get("issuanceDate"), str):
        return fail("a VC 1.1 credential needs issuanceDate")
    for field in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        if field in credential and _instant(credential[field]) is None:
            return fail(f"{field} is not an XML Schema dateTime with a time zone")
    version = "2.0" if first == VC2 else "1.1"
    return Check(
        name="structure", state="pass", code="ok", message=f"a well-formed VC {version} credential"
    )


def validity_check(credential: Mapping[str, Any], now: datetime) -> Check:
    start = _instant(credential.get("validFrom") or credential.get("issuanceDate"))
    end = _instant(credential.get("validUntil") or credential.get("expirationDate"))
    if start is not None and now < start:
        return Check(
            name="validity_window",
            state="fail",
            code="not_yet_valid",
            message=f"valid only from {start.isoformat()}",
        )
    if end is not None and now > end:
        return Check(
            name="validity_window",
            state="fail",
            code="expired",
            message=f"expired at {end.isoformat()}",
        )
    return Check(
        name="validity_window", state="pass", code="ok", message="within its validity period"
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
