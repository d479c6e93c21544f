"""Resolving a proof's verification method to a key, with the checks Data Integrity and
Controlled Identifiers require: the document is the controller's, the method is listed under the
proof purpose, its controller is the credential's issuer, and its key is usable.

Fetching is injected (`DocumentFetcher`): did:web documents and HTTP(S) controller documents
come through the caller's safe fetcher; did:key needs no I/O.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from b4g.core.crypto.multibase import MultibaseError, b64url_decode
from b4g.core.crypto.multikey import decode_public
from b4g.core.did.did_key import DidError, resolve_did_key
from b4g.core.did.did_web import did_web_url
from b4g.core.errors import B4GError
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey

# URL → parsed JSON document; raises B4GError (e.g. a fetch error) when it cannot.
DocumentFetcher = Callable[[str], Awaitable[Any]]


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
        controller = vm_id.split("#", 1)[0]
        if expected_controller is not None and controller != expected_controller:
            return KeyResolutionFailure(
                code="INVALID_VERIFICATION_METHOD",
                message=f"the key belongs to {controller!r}, the issuer is {expected_controller!r}",
            )
        try:
            document = await self.controller_document(controller)
        except DidError as exc:
            return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message=str(exc))
        except B4GError as exc:  # the fetch failed: we could not check, the proof is not wrong
            return KeyResolutionFailure(code="could_not_resolve", message=str(exc), retryable=True)
        return key_from_document(document, vm_id, purpose)


def find_method(document: Mapping[str, Any], vm_id: str) -> Mapping[str, Any] | None:
    base = str(document.get("id", ""))
    candidates = list(document.get("verificationMethod") or [])
    for relationship in ("assertionMethod", "authentication", "capabilityInvocation"):
        candidates += [m for m in document.get(relationship) or [] if isinstance(m, Mapping)]
    for method in candidates:
        if isinstance(method, Mapping) and _absolute(str(method.get("id", "")), base) == vm_id:
            return method
    return None


def key_from_document(
    document: Mapping[str, Any], vm_id: str, purpose: str
) -> ResolvedKey | KeyResolutionFailure:
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
    try:
        return ResolvedKey(public_key=method_public_key(method), controller=base)
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
            return b64url_decode(str(jwk["x"]))
    raise ValueError(f"verification method type {kind!r} is not an Ed25519 key")


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref
