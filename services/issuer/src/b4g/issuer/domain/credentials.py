"""OB 3.0 credentials as the issuer builds them (unsigned; signing is a separate step)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from b4g.core.models.ob3 import hash_identity, normalise_email
from b4g.core.urls import OB_CONTEXT, VC2_CONTEXT
from b4g.issuer.domain.timestamps import xsd_datetime

CREDENTIAL_CONTEXTS: Final = (VC2_CONTEXT, OB_CONTEXT)


def credential_uri(credential_id: uuid.UUID) -> str:
    return f"urn:uuid:{credential_id}"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Exactly one of `email` (hashed into an IdentityObject) or `id` (a DID or URL)."""

    email: str | None = None
    id: str | None = None

    def lookup_key(self) -> str:
        """How the issuer finds a recipient's credentials without storing an email in clear."""
        if self.email is not None:
            normalised = normalise_email(self.email)
            return "email-sha256:" + hashlib.sha256(normalised.encode()).hexdigest()
        assert self.id is not None
        return self.id


def recipient_lookup_key(*, email: str | None, id: str | None) -> str:
    return Recipient(email=email, id=id).lookup_key()


def credential_subject(
    recipient: Recipient,
    achievement: dict[str, Any],
    *,
    results: list[dict[str, Any]] | None,
    narrative: str | None,
    salt: str | None = None,
) -> dict[str, Any]:
    subject: dict[str, Any] = {}
    if recipient.id is not None:
        subject["id"] = recipient.id
    subject["type"] = ["AchievementSubject"]
    if recipient.email is not None:
        salt = salt or secrets.token_hex(16)
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": hash_identity(normalise_email(recipient.email), salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    subject["achievement"] = achievement
    if results:
        subject["result"] = [{"type": ["Result"], **result} for result in results]
    if narrative:
        subject["narrative"] = narrative
    return subject


def build_credential(
    *,
    credential_id: uuid.UUID,
    issuer_profile: dict[str, Any],
    subject: dict[str, Any],
    status_entries: list[dict[str, Any]],
    valid_from: datetime,
    valid_until: datetime | None = None,
    awarded_date: datetime | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An OpenBadgeCredential (OB 3.0 §B.1.1 AchievementCredential) ready to be signed.

    One status entry is a single object, as OB 3.0's JSON Schema wants; two (revocation and
    suspension) are an array, which VC 2.0 allows but OB 3.0's schema does not (documented).
    """
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_uri(credential_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile,
        "validFrom": xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = xsd_datetime(valid_until)
    achievement = subject.get("achievement", {})
    if "name" in achievement:
        credential["name"] = achievement["name"]
    if awarded_date is not None:
        credential["awardedDate"] = xsd_datetime(awarded_date)
    credential["credentialSubject"] = subject
    if evidence:
        credential["evidence"] = [{"type": ["Evidence"], **item} for item in evidence]
    credential["credentialStatus"] = (
        status_entries[0] if len(status_entries) == 1 else status_entries
    )
    return credential


@dataclass(frozen=True, slots=True)
class Credential:
    """An issued credential: its signed forms, status entries, validity and state."""

    id: uuid.UUID
    issuer_id: uuid.UUID
    achievement_id: uuid.UUID | None  # None: a W3C VC API credential (the caller's document)
    achievement_version: int | None
    recipient: str
    status: str
    formats: tuple[str, ...]
    document: dict[str, Any] | None
    jwt: str | None
    status_list_id: uuid.UUID
    status_list_index: int
    suspension_list_id: uuid.UUID | None
    suspension_index: int | None
    issued_at: datetime
    valid_from: datetime | None
    valid_until: datetime | None

    @property
    def status_entries(self) -> list[dict[str, Any]]:
        """The credentialStatus entries of its JSON-LD form (none for a JWT-only credential)."""
        if self.document is None:
            return []
        found = self.document.get("credentialStatus", [])
        return found if isinstance(found, list) else [found]


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: str
    reason: str | None
    actor: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    """Which of the platform's credentials to list; None matches any."""

    issuer_id: uuid.UUID | None = None
    achievement_id: uuid.UUID | None = None
    recipient: str | None = None
    status: str | None = None
    issued_after: datetime | None = None
    issued_before: datetime | None = None
