"""Resolving a proof's verification method to a key, with the checks Data Integrity and
Controlled Identifiers require: the document is the controller's, the method is listed under the
proof purpose, its controller is the credential's issuer, and its key is usable.

Fetching is injected (`DocumentFetcher`): did:web documents and HTTP(S) controller documents
come through the caller's safe fetcher; did:key needs no I/O.

Two entry points, both returning data rather than raising for "not found" cases:

* `DidResolver.resolve_key(vm_id, purpose, expected_controller)` is a Data Integrity
  `KeyResolver`: the Ed25519 key, or a `KeyResolutionFailure`.
* `DidResolver.resolve_verification_method(vm_id, *, purpose, expected_controller)` gives the
  checked method itself and its key as a public JWK (OKP Ed25519 or RSA), for VC-JWT (RS256).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec

from b4g.core.crypto.multibase import MultibaseError, b64url_decode, b64url_encode
from b4g.core.crypto.multikey import decode_public
from b4g.core.did.did_key import DidError, resolve_did_key
from b4g.core.did.did_web import did_web_url
from b4g.core.errors import B4GError
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey

# URL → parsed JSON document; raises B4GError (e.g. a fetch error) when it cannot.
DocumentFetcher = Callable[[str], Awaitable[Any]]


class VerificationMethodResolution(msgspec.Struct, frozen=True, kw_only=True):
    """A verification method after the controller, listing and key checks (or why it failed).

    `code` is "ok", INVALID_VERIFICATION_METHOD, or could_not_resolve (retryable: the document
    could not be fetched, which says nothing about the proof)."""

    ok: bool
    code: str
    message: str
    method: dict[str, Any] | None = None
    controller: str | None = None
    public_jwk: dict[str, str] | None = None
    retryable: bool = False


class DidResolver:
    def __init__(self, fetch: DocumentFetcher | None = None) -> None:
        self._fetch = fetch

    async def controller_document(self, controller: str) -> dict[str, Any]:
        if controller.startswith("did:key:"):
            return resolve_did_key(controller)
        if controller.startswith("did:web:"):
            url = did_web_url(controller)
        elif controller.startswith("https://") or controller.startswith("http://"):
            url = controller
        else:
            raise DidError(f"unsupported DID method or controller: {controller!r}")
        if self._fetch is None:
            raise DidError(f"resolving {controller!r} needs the network, which is not configured")
        document = await self._fetch(url)
        if not isinstance(document, dict):
            raise DidError(f"{url} did not return a JSON object")
        if document.get("id") != controller:
            raise DidError(
                f"the document at {url} is for {document.get('id')!r}, not {controller!r}"
            )
        return document

    async def resolve_key(
        self, vm_id: str, purpose: str, expected_controller: str | None
    ) -> ResolvedKey | KeyResolutionFailure:
        """A `data_integrity.KeyResolver`: the Ed25519 key of `vm_id`, or why not."""
        document = await self._document_for(vm_id, expected_controller)
        if isinstance(document, KeyResolutionFailure):
            return document
        return key_from_document(document, vm_id, purpose)

    async def resolve_verification_method(
        self,
        vm_id: str,
        *,
        purpose: str = "assertionMethod",
        expected_controller: str | None,
    ) -> VerificationMethodResolution:
        """The method `vm_id` with its public key as a JWK, checked as `resolve_key` checks;
        unlike it, RSA JsonWebKeys are accepted (VC-JWT RS256)."""
        document = await self._document_for(vm_id, expected_controller)
        if isinstance(document, KeyResolutionFailure):
            return VerificationMethodResolution(
                ok=False,
                code=document.code,
                message=document.message,
                retryable=document.retryable,
            )
        return method_resolution(document, vm_id, purpose)

    async def _document_for(
        self, vm_id: str, expected_controller: str | None
    ) -> dict[str, Any] | KeyResolutionFailure:
        controller = vm_id.split("#", 1)[0]
        if expected_controller is not None and controller != expected_controller:
            return KeyResolutionFailure(
                code="INVALID_VERIFICATION_METHOD",
                message=f"the key belongs to {controller!r}, the issuer is {expected_controller!r}",
            )
        try:
            return await self.controller_document(controller)
        except DidError as exc:
            return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message=str(exc))
        except B4GError as exc:  # the fetch failed: we could not check, the proof is not wrong
            return KeyResolutionFailure(code="could_not_resolve", message=str(exc), retryable=True)


def method_resolution(
    document: Mapping[str, Any], vm_id: str, purpose: str
) -> VerificationMethodResolution:
    """`vm_id` of a controller document already in hand, checked, with its key as a JWK."""
    method = checked_method(document, vm_id, purpose)
    if isinstance(method, KeyResolutionFailure):
        return VerificationMethodResolution(ok=False, code=method.code, message=method.message)
    try:
        jwk = method_public_jwk(method)
    except (MultibaseError, ValueError, KeyError, TypeError) as exc:
        return VerificationMethodResolution(
            ok=False,
            code="INVALID_VERIFICATION_METHOD",
            message=f"{vm_id}: unusable key: {exc}",
        )
    return VerificationMethodResolution(
        ok=True,
        code="ok",
        message="verification method resolved",
        method=dict(method),
        controller=str(document.get("id")),
        public_jwk=jwk,
    )


def jwks_key(jwks: Any, kid: str) -> dict[str, str] | VerificationMethodResolution:
    """The public JWK named `kid` (or its fragment) in a JWK Set, checked like a method's key."""
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        return VerificationMethodResolution(
            ok=False, code="INVALID_VERIFICATION_METHOD", message="not a JWK Set"
        )
    wanted = {kid, kid.rsplit("#", 1)[-1]}
    for key in keys:
        if isinstance(key, Mapping) and key.get("kid") in wanted:
            if key.get("use") not in (None, "sig") or "d" in key:
                break  # an encryption key, or a private key published by mistake
            try:
                return method_public_jwk({"type": "JsonWebKey", "publicKeyJwk": key})
            except (MultibaseError, ValueError, KeyError, TypeError) as exc:
                return VerificationMethodResolution(
                    ok=False, code="INVALID_VERIFICATION_METHOD", message=f"unusable key: {exc}"
                )
    return VerificationMethodResolution(
        ok=False, code="INVALID_VERIFICATION_METHOD", message=f"no signing key {kid!r} in the set"
    )


def find_method(document: Mapping[str, Any], vm_id: str) -> Mapping[str, Any] | None:
    base = str(document.get("id", ""))
    candidates = list(document.get("verificationMethod") or [])
    for relationship in ("assertionMethod", "authentication", "capabilityInvocation"):
        candidates += [m for m in document.get(relationship) or [] if isinstance(m, Mapping)]
    for method in candidates:
        if isinstance(method, Mapping) and _absolute(str(method.get("id", "")), base) == vm_id:
            return method
    return None


def checked_method(
    document: Mapping[str, Any], vm_id: str, purpose: str
) -> Mapping[str, Any] | KeyResolutionFailure:
    """The method `vm_id` of a controller document, if it is listed under `purpose` and
    controlled by the document's subject."""
    base = str(document.get("id", ""))
    listed = document.get(purpose) or []
    listed_ids = [
        _absolute(m if isinstance(m, str) else str(m.get("id", "")), base)
        for m in listed
        if isinstance(m, (str, Mapping))
    ]
    if vm_id not in listed_ids:
        return KeyResolutionFailure(
            code="INVALID_VERIFICATION_METHOD", message=f"{vm_id} is not listed under {purpose}"
        )
    method = find_method(document, vm_id)
    if method is None:
        return KeyResolutionFailure(
            code="INVALID_VERIFICATION_METHOD", message=f"{vm_id} is not in the controller document"
        )
    controller = method.get("controller")
    if controller != base:
        return KeyResolutionFailure(
            code="INVALID_VERIFICATION_METHOD",
            message=f"{vm_id} is controlled by {controller!r}, not {base!r}",
        )
    return method


def key_from_document(
    document: Mapping[str, Any], vm_id: str, purpose: str
) -> ResolvedKey | KeyResolutionFailure:
    method = checked_method(document, vm_id, purpose)
    if isinstance(method, KeyResolutionFailure):
        return method
    try:
        return ResolvedKey(
            public_key=method_public_key(method), controller=str(document.get("id", ""))
        )
    except (MultibaseError, ValueError, KeyError) as exc:
        return KeyResolutionFailure(
            code="INVALID_VERIFICATION_METHOD", message=f"{vm_id}: unusable key: {exc}"
        )


def method_public_key(method: Mapping[str, Any]) -> bytes:
    kind = method.get("type")
    if kind in ("Multikey", "Ed25519VerificationKey2020"):
        return decode_public(str(method["publicKeyMultibase"]))
    if kind in ("JsonWebKey", "JsonWebKey2020"):
        jwk = method["publicKeyJwk"]
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            public = b64url_decode(str(jwk["x"]))
            if len(public) != 32:
                raise ValueError("an Ed25519 public key has 32 bytes")
            return public
    raise ValueError(f"verification method type {kind!r} is not an Ed25519 key")


def method_public_jwk(method: Mapping[str, Any]) -> dict[str, str]:
    """The public key of a method as a JWK: Ed25519 (any of our three encodings) or RSA."""
    jwk = method.get("publicKeyJwk")
    is_jwk = method.get("type") in ("JsonWebKey", "JsonWebKey2020")
    if is_jwk and isinstance(jwk, Mapping) and jwk.get("kty") == "RSA":
        n, e = b64url_decode(str(jwk["n"])), b64url_decode(str(jwk["e"]))
        if int.from_bytes(n, "big").bit_length() < 2048:
            raise ValueError("RSA keys must have a modulus of at least 2048 bits")
        return {"kty": "RSA", "n": b64url_encode(n), "e": b64url_encode(e)}
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(method_public_key(method))}


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref
