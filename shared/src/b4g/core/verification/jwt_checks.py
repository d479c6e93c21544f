"""A VC-JWT's signature (`proof`) and claims (`jwt_claims`): the key from the issuer's DID, or
for an https issuer from its JWK Set on its own origin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from b4g.core.did.resolver import VerificationMethodResolution, jwks_key
from b4g.core.errors import B4GError
from b4g.core.proofs.data_integrity import KeyResolver, ResolvedKey
from b4g.core.proofs.vc_jwt import check_claims, ed25519_jwk, issuer_id, verify_signature
from b4g.core.verdict import Check, State
from b4g.core.verification.result import JwksFetcher, MethodResolver, sentence


class JwtSignatures:
    """Finds a token's key and checks its signature; built once, with the verifier's I/O."""

    def __init__(
        self,
        *,
        resolve_key: KeyResolver,
        resolve_method: MethodResolver | None,
        jwks_fetcher: JwksFetcher | None,
    ) -> None:
        self._resolve_key = resolve_key
        self._resolve_method = resolve_method
        self._jwks_fetcher = jwks_fetcher

    async def check(self, decoded: Any, credential: Mapping[str, Any]) -> Check:
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
                name="proof", state=state, code=found.code, message=sentence(found.message)
            )
        outcome = verify_signature(decoded, found)
        return Check(
            name="proof",
            state="pass" if outcome.verified else "fail",
            code=outcome.code,
            message="The signature is valid." if outcome.verified else sentence(outcome.message),
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


def jwt_claims_check(payload: Mapping[str, Any]) -> Check:
    """The registered claims (iss, sub, jti, nbf, exp) agree with the credential they carry."""
    problems = check_claims(payload)
    return Check(
        name="jwt_claims",
        state="fail" if problems else "pass",
        code="jwt_claims_mismatch" if problems else "ok",
        message=sentence("; ".join(problems))
        if problems
        else "The token's claims match the badge.",
    )


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
