"""How a status-list credential is served: body, validator and freshness (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import msgspec

DEFAULT_TTL_SECONDS = 300
_encoder = msgspec.json.Encoder(order="deterministic")


@dataclass(frozen=True, slots=True)
class ServedList:
    body: bytes
    etag: str
    ttl_seconds: int


def served_list(credential: dict[str, Any]) -> ServedList:
    """The bytes we serve, a strong ETag over them, and the cache lifetime from the list's
    `ttl` (milliseconds, Bitstring Status List v1.0 §2.2), or five minutes without one."""
    body = _encoder.encode(credential)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return ServedList(body=body, etag=etag, ttl_seconds=ttl_seconds(credential))


def ttl_seconds(credential: dict[str, Any]) -> int:
    subject = credential.get("credentialSubject")
    ttl = subject.get("ttl") if isinstance(subject, dict) else None
    if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0:
        return max(1, ttl // 1000)
    return DEFAULT_TTL_SECONDS


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, `*` matches any current representation."""
    if not if_none_match:
        return False
    candidates = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in candidates or any(tag.removeprefix("W/") == etag for tag in candidates)
