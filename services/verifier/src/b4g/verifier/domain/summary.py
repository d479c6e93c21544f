"""What a person sees of a badge: name, image, issuer, recipient, dates (pure).

Hashed recipient identities stay hidden; only an explicit identifier (a DID or URL) is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from b4g.core.models.ob3 import identity_matches


class BadgeSummary(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    name: str
    description: str | None = None
    image: str | None = None  # shown only when it is a data: URL (no external assets)
    issuer_name: str | None = None
    issuer_id: str | None = None
    recipient: str
    valid_from: str | None = None
    valid_until: str | None = None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _image_url(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) else None


def summarize(credential: Mapping[str, Any]) -> BadgeSummary:
    subject = _first(credential.get("credentialSubject")) or {}
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = credential.get("issuer")
    issuer_map = issuer if isinstance(issuer, Mapping) else {}
    image = _image_url(achievement.get("image")) or _image_url(credential.get("image"))
    recipient = "not named"
    if isinstance(subject, Mapping):
        if isinstance(subject.get("id"), str):
            recipient = subject["id"]
        elif subject.get("identifier"):
            recipient = "hidden (identified by a hashed identity)"
    name = achievement.get("name") or credential.get("name") or "Untitled badge"
    return BadgeSummary(
        name=str(name),
        description=_text(achievement.get("description") or credential.get("description")),
        image=image if image and image.startswith("data:image/") else None,
        issuer_name=_text(issuer_map.get("name")),
        issuer_id=_text(issuer_map.get("id") if issuer_map else issuer),
        recipient=recipient,
        valid_from=_text(credential.get("validFrom") or credential.get("issuanceDate")),
        valid_until=_text(credential.get("validUntil") or credential.get("expirationDate")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def recipient_matches(credential: Mapping[str, Any], email: str) -> bool:
    """Whether `email` is the recipient a hashed (or plain) email IdentityObject names."""
    subject = _first(credential.get("credentialSubject"))
    identifiers = subject.get("identifier") if isinstance(subject, Mapping) else None
    if isinstance(identifiers, Mapping):
        identifiers = [identifiers]
    return any(
        isinstance(i, dict)
        and i.get("identityType") == "emailAddress"
        and identity_matches(i, email)
        for i in identifiers or []
    )
