"""Identifiers of issuers: did:web derived from this service's public URL, or did:key."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote, urlsplit

from b4g.core.did.did_key import did_key_of
from b4g.core.urls import DID_CONTEXT, MULTIKEY_CONTEXT

DID_CONTEXTS = [DID_CONTEXT, MULTIKEY_CONTEXT]


def did_document_path(issuer_id: uuid.UUID) -> str:
    """Where this service serves the issuer's DID document (the did:web resolution path)."""
    return f"/issuers/{issuer_id}/did.json"


def did_web_for(base_url: str, issuer_id: uuid.UUID) -> str:
    """`did:web:<host%3Aport>[:<base path>]:issuers:<id>`; resolves to did_document_path().

    did:web maps `did:web:a:b:c` to `https://a/b/c/did.json`, with a port percent-encoded into
    the host segment.
    """
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"public base URL without a host: {base_url!r}")
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    segments += ["issuers", str(issuer_id)]
    return "did:web:" + ":".join(segments)


def did_key_for(public_key_multibase: str) -> str:
    """did:key of an Ed25519 Multikey (`z6Mk…`): the DID is the key."""
    return did_key_of(public_key_multibase)


def verification_method_id(did: str, public_key_multibase: str) -> str:
    """Each key is named by its own multibase, so ids never collide across rotations."""
    return f"{did}#{public_key_multibase}"


def did_document(
    did: str, methods: list[tuple[str, str]], authentication: list[str] | None = None
) -> dict[str, Any]:
    """A DID document listing `(verification method id, publicKeyMultibase)` pairs as Multikey
    verification methods under assertionMethod (they sign credentials); `authentication` names
    the active key, which answers a registry's DID-control challenge (enrolment) and nothing
    else, so a retired key cannot enrol the DID anywhere."""
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
            for vm, multibase in methods
        ],
        "assertionMethod": [vm for vm, _ in methods],
    }
    if authentication:
        document["authentication"] = list(authentication)
    return document
