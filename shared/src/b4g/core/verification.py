"""Verifying a credential: every check, each passed, failed or not checkable, with a reason code
(pure: key resolution, status lists, trust and the clock are injected).

`verified` answers "is it genuine": no required check failed and every one passed. The trust
checks and `endorsement` are advisory (see `b4g.core.verdict`): a credential can be authentic
without its issuer being in our registry, so they are reported and decide `verified` only when a
caller's policy asks for them. `schema` counts when a schema was at hand: a violation fails the
credential, an unreachable schema does not. Each proof is checked against its own verification
method's controller; `issuer_binding` then asks that one valid assertion proof is the issuer's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec

from b4g.core.did.resolver import VerificationMethodResolution, jwks_key
from b4g.core.errors import B4GError
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.jsonld.values import as_list
from b4g.core.proofs.data_integrity import KeyResolver, ResolvedKey, verify_document
from b4g.core.proofs.vc_jwt import (
    check_claims,
    credential_of,
    decode_jwt,
    ed25519_jwk,
    issuer_id,
    verify_signature,
)
from b4g.core.schema import schema_references, validate
from b4g.core.statuslist import check_status
from b4g.core.urls import VC1_CONTEXT, VC2_CONTEXT
from b4g.core.verdict import ADVISORY, BEST_EFFORT, Check, State, decide, passed

__all__ = ["ADVISORY", "BEST_EFFORT", "Check", "VerificationResult", "Verifier", "decide"]

MAX_ENDORSEMENT_DEPTH = 2  # a badge's endorsements and theirs, no further
MAX_ENDORSEMENTS = 16  # per credential: each is a full verification

StatusFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]
SchemaFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]
JwksFetcher = Callable[[str], Awaitable[Any]]
# (verification method id, proof purpose, expected controller) → the checked method and its JWK
MethodResolver = Callable[[str, str, str | None], Awaitable[VerificationMethodResolution]]


# The trust checks of a credential (issuer_registered, label_at_issuance, label_now), judged at
# the verification's instant, the one its validity window and status are judged at.
TrustCheck = Callable[[Mapping[str, Any], datetime], Awaitable[Sequence[Check]]]


class VerificationResult(msgspec.Struct, frozen=True, kw_only=True):
    verified: bool
    format: str  # "ldp" (embedded proofs) or "jwt"
    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = None

    def first(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def genuine(self) -> bool:
        """Authentic and valid: what `verified` means without a caller's policy."""
        return self.verified


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
        self._status_fetcher = status_fetcher
        self._trust = trust
        self._schemas = schemas
        self._resolve_method = resolve_method
        self._jwks_fetcher = jwks_fetcher
        self._list_proofs: dict[bytes, list[Check]] = {}

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
                name="structure", state="fail", code="malformed_jwt", message=_sentence(str(exc))
            )
            return VerificationResult(verified=False, format="jwt", checks=(check,))
        credential = credential_of(decoded.payload)
        checks = [structure_check(credential)]
        checks += await self._schema_checks(credential)
        checks.append(await self._jwt_signature(decoded, credential))
        problems = check_claims(decoded.payload)
        checks.append(
            Check(
                name="jwt_claims",
                state="fail" if problems else "pass",
                code="jwt_claims_mismatch" if problems else "ok",
                message=_sentence("; ".join(problems))
                if problems
                else "The token's claims match the badge.",
            )
        )
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
        checks += await self._status_checks(credential, now)
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
        if depth >= MAX_ENDORSEMENT_DEPTH or len(found) > MAX_ENDORSEMENTS:
            return [
                Check(
                    name="endorsement",
                    state="could_not_check",
                    code="too_many_endorsements",
                    message=f"{len(found)} endorsements at depth {depth + 1} are not checked "
                    f"(limits: {MAX_ENDORSEMENTS} per credential, {MAX_ENDORSEMENT_DEPTH} levels).",
                )
            ]
        checks = []
        for where, endorsement in found:
            result = await self._verify(endorsement, now, depth + 1)
            checks.append(endorsement_check(where, result))
        return checks

    async def _jwt_signature(self, decoded: Any, credential: Mapping[str, Any]) -> Check:
        kid = decoded.header.get("kid")
        issuer = issuer_id(credential)
        if not isinstance(kid, str) or issuer is None:
            return Check(
                name="proof",
                state="fail",
                code="INVALID_VERIFICATION_METHOD",
                message="The token names no key (kid) or the badge names no issuer.",
            )
        if issuer.startswith("did:"):
            vm = kid if "#" in kid or kid.startswith("did:") else f"{issuer}#{kid}"
            found = await self._method_jwk(vm, issuer)
        else:
            found = await self._jwks_jwk(issuer, kid, decoded.header.get("jku"))
        if isinstance(found, VerificationMethodResolution):
            state: State = "could_not_check" if found.retryable else "fail"
            return Check(
                name="proof", state=state, code=found.code, message=_sentence(found.message)
            )
        outcome = verify_signature(decoded, found)
        return Check(
            name="proof",
            state="pass" if outcome.verified else "fail",
            code=outcome.code,
            message="The signature is valid." if outcome.verified else _sentence(outcome.message),
        )

    async def _method_jwk(
        self, vm: str, issuer: str
    ) -> dict[str, str] | VerificationMethodResolution:
        """The key of a DID's verification method as a JWK (RSA allowed, for RS256)."""
        if self._resolve_method is not None:
            resolution = await self._resolve_method(vm, "assertionMethod", issuer)
            if resolution.ok and resolution.public_jwk is not None:
                return resolution.public_jwk
            return resolution
        resolved = await self._resolve_key(vm, "assertionMethod", issuer)
        if isinstance(resolved, ResolvedKey):
            return ed25519_jwk(resolved.public_key)
        return VerificationMethodResolution(
            ok=False, code=resolved.code, message=resolved.message, retryable=resolved.retryable
        )

    async def _jwks_jwk(
        self, issuer: str, kid: str, jku: Any
    ) -> dict[str, str] | VerificationMethodResolution:
        """An https issuer's key from its JWK Set, which must be served from the issuer's own
        origin: `jku` when it is there, else `/.well-known/jwks.json`."""
        url = jwks_url(issuer, jku)
        if url is None or self._jwks_fetcher is None:
            return VerificationMethodResolution(
                ok=False,
                code="INVALID_VERIFICATION_METHOD",
                message=f"No JWK Set can be found for the issuer {issuer}.",
            )
        try:
            jwks = await self._jwks_fetcher(url)
        except B4GError as exc:
            return VerificationMethodResolution(
                ok=False, code="could_not_resolve", message=str(exc), retryable=True
            )
        return jwks_key(jwks, kid)

    async def _schema_checks(self, credential: Mapping[str, Any]) -> list[Check]:
        references = schema_references(credential)
        if not references:
            return [
                Check(
                    name="schema",
                    state="could_not_check",
                    code="no_schema",
                    message="No JSON Schema applies to this credential.",
                )
            ]
        checks = []
        for reference in references:
            checks.append(await self._schema_check(credential, reference.url))
        return checks

    async def _schema_check(self, credential: Mapping[str, Any], url: str) -> Check:
        if self._schemas is None:
            return Check(
                name="schema",
                state="could_not_check",
                code="schema_unavailable",
                message=f"No schema source is configured for {url}.",
            )
        try:
            schema = await self._schemas(url)
        except B4GError as exc:
            return Check(
                name="schema",
                state="could_not_check",
                code="schema_unavailable",
                message=_sentence(f"the schema {url} could not be retrieved: {exc}"),
            )
        outcome = validate(credential, schema)
        return Check(
            name="schema",
            state=outcome.state,
            code=outcome.code,
            message=f"{url.rsplit('/', 1)[-1]}: {outcome.message}",
            facts={"schema": url.rsplit("/", 1)[-1]},
        )

    async def _proof_checks(self, credential: Mapping[str, Any]) -> list[Check]:
        """Each proof against its own verification method's controller, then whether one valid
        assertion proof is the issuer's (a proof by another party is no proof of issuance)."""
        results = await verify_document(
            credential, resolve_key=self._resolve_key, rdf=self._rdf, expected_controller=None
        )
        checks = []
        for r in results:
            state: State = (
                "pass"
                if r.verified
                else ("could_not_check" if r.code == "could_not_resolve" else "fail")
            )
            suite = r.cryptosuite or r.type or "proof"
            message = "The signature is valid." if r.verified else _sentence(r.message)
            checks.append(
                Check(
                    name="proof",
                    state=state,
                    code=r.code,
                    message=message,
                    facts={"cryptosuite": suite, **_method_fact(r.verification_method)},
                )
            )
        return [*checks, issuer_binding_check(credential, results)]

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
                message=f"The status type {kind if isinstance(kind, str) else '(none)'} is not "
                "supported.",
            )
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or self._status_fetcher is None:
            return Check(
                name="status",
                state="could_not_check",
                code="STATUS_RETRIEVAL_ERROR",
                message="The status list cannot be retrieved.",
            )
        try:
            list_credential = await self._status_fetcher(url)
        except B4GError as exc:
            return Check(
                name="status",
                state="could_not_check",
                code="STATUS_RETRIEVAL_ERROR",
                message=_sentence(f"the status list is unreachable: {exc}"),
            )
        if issuer_id(list_credential) != issuer_id(credential):
            return Check(
                name="status",
                state="fail",
                code="STATUS_VERIFICATION_ERROR",
                message="The status list was not issued by the credential's issuer.",
            )
        proofs = await self._list_proof_checks(list_credential)
        if not proofs or any(p.state != "pass" for p in proofs):
            failing = [p for p in proofs if p.state != "pass"]
            reason = failing[0].message if failing else "it has no proof"
            return Check(
                name="status",
                state="could_not_check"
                if any(p.state == "could_not_check" for p in proofs)
                else "fail",
                code="STATUS_VERIFICATION_ERROR",
                message=f"The status list's signature does not hold: {reason}",
            )
        window = validity_check(list_credential, now)
        if window.state != "pass":
            return Check(
                name="status",
                state="fail",
                code="STATUS_VERIFICATION_ERROR",
                message=f"The status list is out of date: {window.message}",
            )
        outcome = check_status(entry, list_credential)
        if outcome.code != "ok":
            return Check(
                name="status", state="fail", code=outcome.code, message=_sentence(outcome.message)
            )
        purpose = outcome.purpose
        if outcome.active and purpose in ("revocation", "suspension"):
            code = "revoked" if purpose == "revocation" else "suspended"
            return Check(
                name="status",
                state="fail",
                code=code,
                message=f"The issuer has {code} this badge.",
                facts={"purpose": purpose},
            )
        return Check(
            name="status",
            state="pass",
            code="ok",
            message=f"Not {'revoked' if purpose == 'revocation' else purpose or 'flagged'}: "
            f"{outcome.message}",
            facts={"purpose": purpose or ""},
        )

    async def _list_proof_checks(self, list_credential: Mapping[str, Any]) -> list[Check]:
        """A status list's proofs, remembered per exact list content: lists are large and
        checked with every credential that points at them, but change rarely."""
        # Any exact encoding will do for a fingerprint (a different one only misses the cache).
        fingerprint = hashlib.sha256(msgspec.json.encode(list_credential)).digest()
        cached = self._list_proofs.get(fingerprint)
        if cached is not None:
            return cached
        checks = await self._proof_checks(list_credential)
        if all(c.state != "could_not_check" for c in checks):
            if len(self._list_proofs) >= 256:
                self._list_proofs.pop(next(iter(self._list_proofs)))
            self._list_proofs[fingerprint] = checks
        return checks

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


def issuer_binding_check(credential: Mapping[str, Any], results: Sequence[Any]) -> Check:
    issuer = issuer_id(credential)
    for r in results:
        method = r.verification_method or ""
        if (
            r.verified
            and r.proof_purpose == "assertionMethod"
            and issuer is not None
            and method.split("#", 1)[0] == issuer
        ):
            return passed("issuer_binding", "The issuer itself signed the badge.", issuer=issuer)
    unchecked = any(r.code == "could_not_resolve" for r in results)
    return Check(
        name="issuer_binding",
        state="could_not_check" if unchecked else "fail",
        code="could_not_resolve" if unchecked else "issuer_not_signer",
        message="No valid signature of the issuer could be checked."
        if unchecked
        else "No valid signature on the badge is the issuer's own (an assertion by a key the "
        "issuer controls).",
        facts={"issuer": issuer} if issuer else {},
    )


def _method_fact(method: str | None) -> dict[str, str]:
    return {"verificationMethod": method} if method else {}


def _sentence(text: str) -> str:
    """A library's lower-case phrase as a sentence."""
    text = text.strip() or "unknown reason"
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def jwks_url(issuer: str, jku: Any) -> str | None:
    """Where an https issuer's JWK Set is: `jku` on the issuer's origin, else the well-known
    path there. None for issuers that are not https URLs."""
    parts = urlsplit(issuer)
    if parts.scheme != "https" or not parts.netloc:
        return None
    origin = f"https://{parts.netloc}"
    if (
        isinstance(jku, str)
        and urlsplit(jku)._replace(path="", query="", fragment="").geturl() == origin
    ):
        return jku
    return f"{origin}/.well-known/jwks.json"


def endorsements(credential: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any] | str]]:
    """Embedded endorsements (OB 3.0 `endorsement` / `endorsementJwt`) of the credential, its
    issuer and its subjects' achievements, each with where it was found."""
    places: list[tuple[str, Any]] = [
        ("credential", credential),
        ("issuer", credential.get("issuer")),
    ]
    for subject in as_list(credential.get("credentialSubject")):
        if isinstance(subject, Mapping):
            places.append(("achievement", subject.get("achievement")))
    found: list[tuple[str, Mapping[str, Any] | str]] = []
    for where, node in places:
        if not isinstance(node, Mapping):
            continue
        found += [(where, e) for e in as_list(node.get("endorsement")) if isinstance(e, Mapping)]
        found += [(where, e) for e in as_list(node.get("endorsementJwt")) if isinstance(e, str)]
    return found


def endorsement_check(where: str, result: VerificationResult) -> Check:
    endorsed = result.credential or {}
    issuer = endorsed.get("issuer")
    by = (issuer.get("name") if isinstance(issuer, Mapping) else None) or issuer_id(endorsed)
    types = as_list(endorsed.get("type"))
    label = f"endorsement of the {where} by {by or 'an unnamed endorser'}"
    if "EndorsementCredential" not in types:
        return Check(
            name="endorsement",
            state="fail",
            code="not_an_endorsement",
            message=_sentence(f"{label}: not an EndorsementCredential"),
        )
    if result.verified:
        return Check(
            name="endorsement", state="pass", code="ok", message=_sentence(f"{label}: verified")
        )
    failing = [c for c in result.checks if c.state == "fail" and c.name not in ADVISORY]
    unchecked = [c for c in result.checks if c.state == "could_not_check"]
    worst = failing or unchecked
    return Check(
        name="endorsement",
        state="fail" if failing else "could_not_check",
        code=worst[0].code if worst else "not_verified",
        message=_sentence(f"{label}: " + " ".join(c.message for c in worst[:3])),
    )


def structure_check(credential: Mapping[str, Any]) -> Check:
    def fail(message: str) -> Check:
        return Check(
            name="structure", state="fail", code="MALFORMED_VALUE_ERROR", message=_sentence(message)
        )

    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first not in (VC1_CONTEXT, VC2_CONTEXT):
        return fail("the first @context must be the VC 1.1 or VC 2.0 context")
    types = credential.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        return fail("type must include VerifiableCredential")
    if issuer_id(credential) is None:
        return fail("issuer must be a URL or an object with an id")
    if not credential.get("credentialSubject"):
        return fail("credentialSubject is required")
    if first == VC1_CONTEXT and not isinstance(credential.get("issuanceDate"), str):
        return fail("a VC 1.1 credential needs issuanceDate")
    for field in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        if field in credential and _instant(credential[field]) is None:
            return fail(f"{field} is not an XML Schema dateTime with a time zone")
    version = "2.0" if first == VC2_CONTEXT else "1.1"
    return Check(
        name="structure", state="pass", code="ok", message=f"A well-formed VC {version} credential."
    )


def validity_check(credential: Mapping[str, Any], now: datetime) -> Check:
    start = _instant(credential.get("validFrom") or credential.get("issuanceDate"))
    end = _instant(credential.get("validUntil") or credential.get("expirationDate"))
    if start is not None and now < start:
        return Check(
            name="validity_window",
            state="fail",
            code="not_yet_valid",
            message=f"Valid only from {start.isoformat()}.",
            facts={"validFrom": start.isoformat()},
        )
    if end is not None and now > end:
        return Check(
            name="validity_window",
            state="fail",
            code="expired",
            message=f"Expired at {end.isoformat()}.",
            facts={"validUntil": end.isoformat()},
        )
    return Check(
        name="validity_window", state="pass", code="ok", message="Within its validity period."
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
