"""Request and response bodies of the issuer API (OB 3.0 names, camelCase on the wire)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import Body as BodyParam
from litestar.params import BodyKwarg
from msgspec import Meta

Text = Annotated[str, Meta(min_length=1, max_length=10_000)]
Name = Annotated[str, Meta(min_length=1, max_length=500)]
# An absolute URI: a scheme, a colon, something (OB 3.0 ids and URLs are URIs).
Uri = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", max_length=2_000)]
HttpUrl = Annotated[str, Meta(pattern=r"^https?://\S+$", max_length=2_000)]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]


class Body(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    """Base of request bodies: unknown fields are errors, so typos never vanish silently."""


class ImageIn(Body, frozen=True, kw_only=True):
    id: Uri
    caption: str | None = None


class GeoIn(Body, frozen=True, kw_only=True):
    latitude: float
    longitude: float


class AddressIn(Body, frozen=True, kw_only=True):
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoIn | None = None


class IdentifierEntryIn(Body, frozen=True, kw_only=True):
    identifier: Name
    identifier_type: Name


class ProfileIn(Body, frozen=True, kw_only=True):
    """OB 3.0 Profile fields of an issuer (id and type are the service's)."""

    name: Name
    url: HttpUrl | None = None
    email: Email | None = None
    phone: str | None = None
    description: Text | None = None
    image: ImageIn | None = None
    address: AddressIn | None = None
    other_identifier: list[IdentifierEntryIn] | None = None
    official: str | None = None


class NewIssuerIn(ProfileIn, frozen=True, kw_only=True):
    did_method: Literal["web", "key"] = "web"
    allow_suspension: bool = False


class VerificationMethodOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    key_id: str
    id: str
    public_key_multibase: str
    state: str
    created_at: datetime
    retired_at: datetime | None = None
    compromised_at: datetime | None = None


class IssuerOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    did: str
    did_method: str
    did_document_url: str | None
    jwks_url: str
    allow_suspension: bool
    version: int
    profile: dict[str, Any]
    verification_methods: list[VerificationMethodOut]
    created_at: datetime
    updated_at: datetime


class CriteriaIn(Body, frozen=True, kw_only=True):
    id: Uri | None = None
    narrative: Text | None = None


class AlignmentIn(Body, frozen=True, kw_only=True):
    target_name: Name
    target_url: Uri
    target_description: Text | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None


class ResultDescriptionIn(Body, frozen=True, kw_only=True):
    id: Uri | None = None
    name: Name
    result_type: Name
    allowed_value: list[str] | None = None
    required_level: str | None = None
    required_value: str | None = None
    value_max: str | None = None
    value_min: str | None = None
    alignment: list[AlignmentIn] | None = None


class AchievementIn(Body, frozen=True, kw_only=True):
    """OB 3.0 Achievement fields (id, type and creator are the service's)."""

    name: Name
    description: Text
    criteria: CriteriaIn
    image: ImageIn | None = None
    achievement_type: str | None = None
    alignment: list[AlignmentIn] | None = None
    tag: list[Name] | None = None
    result_description: list[ResultDescriptionIn] | None = None
    credits_available: Annotated[float, Meta(ge=0)] | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    specialization: str | None = None
    in_language: str | None = None
    version: str | None = None


class AchievementOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    issuer_id: str
    version: int
    achievement: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def fields_of(body: msgspec.Struct, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The body as a camelCase dict without unset (None) fields."""
    plain: dict[str, Any] = msgspec.to_builtins(body)
    return {k: v for k, v in _without_none(plain).items() if k not in drop}


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


AwareDateTime = Annotated[datetime, Meta(tz=True)]
ProofFormat = Literal["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"]


class RecipientIn(Body, frozen=True, kw_only=True):
    """Exactly one: an email (stored in the credential only as a salted SHA-256) or an id."""

    email: Email | None = None
    id: Uri | None = None


class EvidenceIn(Body, frozen=True, kw_only=True):
    id: Uri | None = None
    name: str | None = None
    description: Text | None = None
    narrative: Text | None = None
    genre: str | None = None
    audience: str | None = None


class ResultIn(Body, frozen=True, kw_only=True):
    result_description: Uri | None = None
    value: str | None = None
    status: str | None = None
    achieved_level: Uri | None = None


class IssueIn(Body, frozen=True, kw_only=True):
    achievement_id: uuid.UUID
    recipient: RecipientIn
    proof_formats: Annotated[list[ProofFormat], Meta(min_length=1, max_length=3)] = msgspec.field(
        default_factory=lambda: ["eddsa-rdfc-2022"]
    )
    valid_from: AwareDateTime | None = None
    valid_until: AwareDateTime | None = None
    awarded_date: AwareDateTime | None = None
    narrative: Text | None = None
    evidence: Annotated[list[EvidenceIn], Meta(max_length=100)] | None = None
    results: Annotated[list[ResultIn], Meta(max_length=100)] | None = None


class IssuedOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str  # urn:uuid:… as in the credential
    credential_id: str  # the uuid used in this API's paths
    status: str
    proof_formats: list[str]
    issued_at: datetime
    credential: dict[str, Any] | None = None  # JSON-LD with Data Integrity proof(s)
    jwt: str | None = None  # compact VC-JWT


class CredentialSummaryOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    credential_id: str
    issuer_id: str
    achievement_id: str | None  # None for credentials issued through the W3C VC API
    achievement_version: int | None
    status: str
    proof_formats: list[str]
    issued_at: datetime
    valid_from: datetime | None = None
    valid_until: datetime | None = None


class StatusChangeIn(Body, frozen=True, kw_only=True):
    reason: Annotated[str, Meta(max_length=2_000)] | None = None


class StatusChangeOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    status: str
    reason: str | None
    actor: str
    changed_at: datetime


class CredentialStatusOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    status: str
    credential_status: list[dict[str, Any]]
    history: list[StatusChangeOut]
    status_list_version: int | None = None


def body_with_examples(summary: str, value: Any) -> BodyKwarg:
    """A JSON request body whose OpenAPI schema carries an example (Swagger UI shows it)."""
    body: BodyKwarg = BodyParam(
        media_type=RequestEncodingType.JSON, examples=[Example(summary=summary, value=value)]
    )
    return body
