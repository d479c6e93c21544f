"""Versioned event payloads. Each is tagged so a consumer can tell versions apart.

Payloads grow as the services are built; these are the shapes the services agree on today.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Payload(msgspec.Struct, frozen=True, kw_only=True, tag_field="schema", omit_defaults=True):
    """Base of every payload; the tag (`schema`) names the payload and its version."""


class CredentialIssuedV1(Payload, tag="credential.issued/1", frozen=True, kw_only=True):
    credential_id: str
    issuer_id: str
    issuer_did: str
    achievement_id: str | None = None
    issued_at: str
    valid_from: str | None = None
    valid_until: str | None = None


class CredentialStatusChangedV1(
    Payload, tag="credential.status-changed/1", frozen=True, kw_only=True
):
    credential_id: str
    issuer_did: str
    status: str  # revoked | suspended | reinstated
    reason: str | None = None
    actor: str
    changed_at: str


class StatusListPublishedV1(Payload, tag="status-list.published/1", frozen=True, kw_only=True):
    list_id: str
    url: str
    purpose: str
    version: int
    credential: dict[str, Any]


class VerificationMethodV1(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: str
    public_key_multibase: str
    state: str  # active | retired | compromised


class IssuerUpsertedV1(Payload, tag="issuer.upserted/1", frozen=True, kw_only=True):
    issuer_id: str
    did: str
    profile: dict[str, Any]
    verification_methods: list[VerificationMethodV1]


class TrustUpdatedV1(Payload, tag="trust.updated/1", frozen=True, kw_only=True):
    did: str
    state: dict[str, Any]


class LabelEventV1(Payload, tag="label/1", frozen=True, kw_only=True):
    grant_id: str
    organisation_id: str
    did: str
    valid_from: str
    valid_until: str
    reason: str | None = None


class IssuanceWitnessedV1(
    Payload, tag="issuance.witnessed/1", frozen=True, kw_only=True, rename="camel"
):
    """The registry saw our issuer announce a credential of a proven DID: the sha256 of the
    credential's id (hex), the issuer DID and when the registry saw it (its own clock)."""

    credential_hash: str
    issuer_did: str
    seen_at: str


AnyPayload = (
    CredentialIssuedV1
    | CredentialStatusChangedV1
    | StatusListPublishedV1
    | IssuerUpsertedV1
    | TrustUpdatedV1
    | LabelEventV1
    | IssuanceWitnessedV1
)


def decode_payload(data: Any) -> AnyPayload:
    """Decode an event's `data` into its tagged payload struct."""
    payload: AnyPayload = msgspec.convert(data, AnyPayload)
    return payload
