"""Open Badges 3.0 data model as frozen msgspec structs, with the spec's property names.

Encode with `to_document(struct)`: unset (UNSET) optional properties are left out and `type`
values always written (scoped contexts hang off them), so the result is
the JSON-LD a credential carries. Values the spec allows as "one or many" accept both.
Only the properties this system issues and reads are modelled; a credential from elsewhere is
verified as JSON, never forced through these structs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from b4g.core.urls import OB_CONTEXT, VC2_CONTEXT


class _Model(msgspec.Struct, frozen=True, kw_only=True):
    pass


class Image(_Model, frozen=True, kw_only=True):
    id: str
    type: str = "Image"
    caption: str | UnsetType = UNSET


class Criteria(_Model, frozen=True, kw_only=True):
    id: str | UnsetType = UNSET
    narrative: str | UnsetType = UNSET


class Alignment(_Model, frozen=True, kw_only=True):
    type: list[str] = msgspec.field(default_factory=lambda: ["Alignment"])
    targetName: str
    targetUrl: str
    targetDescription: str | UnsetType = UNSET
    targetFramework: str | UnsetType = UNSET
    targetCode: str | UnsetType = UNSET
    targetType: str | UnsetType = UNSET


class ResultDescription(_Model, frozen=True, kw_only=True):
    id: str
    type: list[str] = msgspec.field(default_factory=lambda: ["ResultDescription"])
    name: str
    resultType: str
    allowedValue: list[str] | UnsetType = UNSET
    requiredValue: str | UnsetType = UNSET
    valueMin: str | UnsetType = UNSET
    valueMax: str | UnsetType = UNSET


class Result(_Model, frozen=True, kw_only=True):
    type: list[str] = msgspec.field(default_factory=lambda: ["Result"])
    resultDescription: str | UnsetType = UNSET
    value: str | UnsetType = UNSET
    status: str | UnsetType = UNSET
    achievedLevel: str | UnsetType = UNSET


class Evidence(_Model, frozen=True, kw_only=True):
    id: str | UnsetType = UNSET
    type: list[str] = msgspec.field(default_factory=lambda: ["Evidence"])
    narrative: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    genre: str | UnsetType = UNSET
    audience: str | UnsetType = UNSET


class Address(_Model, frozen=True, kw_only=True):
    type: list[str] = msgspec.field(default_factory=lambda: ["Address"])
    addressCountry: str | UnsetType = UNSET
    addressCountryCode: str | UnsetType = UNSET
    addressRegion: str | UnsetType = UNSET
    addressLocality: str | UnsetType = UNSET
    streetAddress: str | UnsetType = UNSET
    postalCode: str | UnsetType = UNSET


class IdentifierEntry(_Model, frozen=True, kw_only=True):
    type: str = "IdentifierEntry"
    identifier: str
    identifierType: str


class Profile(_Model, frozen=True, kw_only=True):
    id: str
    type: list[str] = msgspec.field(default_factory=lambda: ["Profile"])
    name: str | UnsetType = UNSET
    url: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    image: Image | UnsetType = UNSET
    address: Address | UnsetType = UNSET
    otherIdentifier: list[IdentifierEntry] | UnsetType = UNSET
    official: str | UnsetType = UNSET


class Achievement(_Model, frozen=True, kw_only=True):
    id: str
    type: list[str] = msgspec.field(default_factory=lambda: ["Achievement"])
    name: str
    description: str | UnsetType = UNSET
    criteria: Criteria
    image: Image | UnsetType = UNSET
    achievementType: str | UnsetType = UNSET
    alignment: list[Alignment] | UnsetType = UNSET
    tag: list[str] | UnsetType = UNSET
    resultDescription: list[ResultDescription] | UnsetType = UNSET
    creditsAvailable: float | UnsetType = UNSET
    creator: Profile | UnsetType = UNSET
    version: str | UnsetType = UNSET


class IdentityObject(_Model, frozen=True, kw_only=True):
    type: str = "IdentityObject"
    hashed: bool
    identityHash: str
    identityType: str
    salt: str | UnsetType = UNSET


class AchievementSubject(_Model, frozen=True, kw_only=True):
    id: str | UnsetType = UNSET
    type: list[str] = msgspec.field(default_factory=lambda: ["AchievementSubject"])
    achievement: Achievement
    identifier: list[IdentityObject] | UnsetType = UNSET
    result: list[Result] | UnsetType = UNSET
    narrative: str | UnsetType = UNSET
    activityStartDate: str | UnsetType = UNSET
    activityEndDate: str | UnsetType = UNSET
    creditsEarned: float | UnsetType = UNSET


class CredentialSchema(_Model, frozen=True, kw_only=True):
    id: str
    type: str


class Proof(_Model, frozen=True, kw_only=True):
    type: str
    cryptosuite: str | UnsetType = UNSET
    created: str | UnsetType = UNSET
    verificationMethod: str
    proofPurpose: str
    proofValue: str
    id: str | UnsetType = UNSET
    previousProof: str | list[str] | UnsetType = UNSET


class CredentialStatus(_Model, frozen=True, kw_only=True):
    id: str | UnsetType = UNSET
    type: str = "BitstringStatusListEntry"
    statusPurpose: str
    statusListIndex: str
    statusListCredential: str


class OpenBadgeCredential(_Model, frozen=True, kw_only=True):
    """Also AchievementCredential (`type` carries which one)."""

    context: list[str] = msgspec.field(
        default_factory=lambda: [VC2_CONTEXT, OB_CONTEXT], name="@context"
    )
    id: str
    type: list[str] = msgspec.field(
        default_factory=lambda: ["VerifiableCredential", "OpenBadgeCredential"]
    )
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    image: Image | UnsetType = UNSET
    issuer: Profile
    validFrom: str
    validUntil: str | UnsetType = UNSET
    awardedDate: str | UnsetType = UNSET
    credentialSubject: AchievementSubject
    evidence: list[Evidence] | UnsetType = UNSET
    credentialStatus: CredentialStatus | list[CredentialStatus] | UnsetType = UNSET
    credentialSchema: list[CredentialSchema] | UnsetType = UNSET
    endorsement: list[dict[str, Any]] | UnsetType = UNSET
    proof: Proof | list[Proof] | UnsetType = UNSET


class EndorsementSubject(_Model, frozen=True, kw_only=True):
    id: str
    type: list[str] = msgspec.field(default_factory=lambda: ["EndorsementSubject"])
    endorsementComment: str | UnsetType = UNSET


class EndorsementCredential(_Model, frozen=True, kw_only=True):
    context: list[str] = msgspec.field(
        default_factory=lambda: [VC2_CONTEXT, OB_CONTEXT], name="@context"
    )
    id: str
    type: list[str] = msgspec.field(
        default_factory=lambda: ["VerifiableCredential", "EndorsementCredential"]
    )
    name: str
    issuer: Profile
    validFrom: str
    credentialSubject: EndorsementSubject
    proof: Proof | list[Proof] | UnsetType = UNSET


def to_document(model: _Model) -> dict[str, Any]:
    document: dict[str, Any] = msgspec.to_builtins(model)
    return document


def normalise_email(email: str) -> str:
    """Emails are hashed trimmed and lower-cased, so a verifier's test is case-insensitive."""
    return email.strip().lower()


def hash_identity(identity: str, salt: str) -> str:
    """OB 3.0 IdentityObject `identityHash`: `sha256$` + hex SHA-256 of identity ‖ salt."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def email_identity(email: str, salt: str | None = None) -> IdentityObject:
    salt = salt if salt is not None else secrets.token_hex(8)
    return IdentityObject(
        hashed=True,
        identityHash=hash_identity(normalise_email(email), salt),
        identityType="emailAddress",
        salt=salt,
    )


def identity_matches(identity: IdentityObject | dict[str, Any], candidate: str) -> bool:
    """Whether `candidate` (an email, or any identity of the object's type) is the one hashed."""
    data = identity if isinstance(identity, dict) else to_document(identity)
    expected = str(data.get("identityHash", ""))
    if not data.get("hashed"):
        return hmac.compare_digest(expected, candidate)
    salt = str(data.get("salt", ""))
    values = (
        {candidate, normalise_email(candidate)}
        if data.get("identityType") == "emailAddress"
        else {candidate}
    )
    if expected.startswith("sha256$"):
        return any(hmac.compare_digest(hash_identity(v, salt), expected) for v in values)
    if expected.startswith("md5$"):  # allowed by the spec for old badges; read-only
        return any(
            hmac.compare_digest(
                "md5$" + hashlib.md5((v + salt).encode(), usedforsecurity=False).hexdigest(),
                expected,
            )
            for v in values
        )
    return False
