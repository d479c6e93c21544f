"""did:web (W3C CCG did:web method): DID ↔ URL of its DID document (pure)."""

from __future__ import annotations

from urllib.parse import quote, unquote

from b4g.core.did.did_key import DidError


def did_web_url(did: str) -> str:
    """`did:web:example.com%3A8443:users:alice` → `https://example.com:8443/users/alice/did.json`;
    a DID with no path → `/.well-known/did.json`."""
    if not did.startswith("did:web:"):
        raise DidError(f"not a did:web: {did!r}")
    parts = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    host = unquote(parts[0])
    if not host or "/" in host or "@" in host:
        raise DidError(f"did:web host is invalid: {did!r}")
    path = [unquote(p) for p in parts[1:]]
    if any(not p or "/" in p or p in (".", "..") for p in path):
        raise DidError(f"did:web path is invalid: {did!r}")
    return f"https://{host}/" + ("/".join(path) + "/did.json" if path else ".well-known/did.json")


def did_web_for(host: str, *path: str) -> str:
    """The did:web of a host (with optional port) and path segments."""
    return ":".join(["did:web", quote(host, safe="")] + [quote(p, safe="") for p in path])
