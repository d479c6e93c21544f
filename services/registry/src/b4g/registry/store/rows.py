"""The registry's rows as the store returns them: typed and frozen, one class per query shape.
JSON columns (a submission, audit before/after, check results, case details) stay JSON."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

R = TypeVar("R")


def row_of(cls: type[R], record: Any) -> R | None:
    """An asyncpg record as `cls` (its columns are the class's fields), or None for none."""
    return cls(**record) if record is not None else None


def rows_of(cls: type[R], records: list[Any]) -> list[R]:
    return [cls(**record) for record in records]


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    key_id: str
    secret_hash: bytes
    role: str
    organisation_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: uuid.UUID
    legal_name: str
    country: str
    website: str | None
    contact_email: str | None
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StatusChangeRow:
    status: str
    effective_at: datetime


@dataclass(frozen=True, slots=True)
class DidRow:
    did: str
    organisation_id: uuid.UUID
    challenge: str
    challenge_expires: datetime
    proven_at: datetime | None
    valid_from: datetime
    valid_until: datetime | None
    trust_sequence: int


@dataclass(frozen=True, slots=True)
class ProvenDidRow:
    did: str
    organisation_id: uuid.UUID
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True, slots=True)
class PlatformRow:
    platform: str
    account_id: str
    organiser_verified: bool


@dataclass(frozen=True, slots=True)
class ValuesAcceptanceRow:
    values_version: str
    accepted_by: str
    accepted_at: datetime


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    reason: str | None
    before: Any
    after: Any
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: uuid.UUID
    organisation_id: uuid.UUID
    state: str
    renewal_of: uuid.UUID | None
    submission: Any
    applied_at: datetime | None
    decide_by: datetime | None


@dataclass(frozen=True, slots=True)
class ApplicationStepRow:
    action: str
    state: str
    actor: str
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationViewRow:
    id: uuid.UUID
    organisation_id: uuid.UUID
    state: str
    renewal_of: uuid.UUID | None
    submission: Any
    applied_at: datetime | None
    decide_by: datetime | None
    scheme_version: int
    created_at: datetime
    history: list[ApplicationStepRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CheckRow:
    checked_at: datetime
    scheme_version: int
    results: Any


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: uuid.UUID
    kind: str
    application_id: uuid.UUID | None
    grant_id: uuid.UUID | None
    reason: str
    proposed_by: str
    confirmed_by: str | None


@dataclass(frozen=True, slots=True)
class GrantRow:
    id: uuid.UUID
    organisation_id: uuid.UUID
    application_id: uuid.UUID
    state: str
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class GrantTermRow:
    """An organisation's newest grant: the label it holds."""

    id: uuid.UUID
    state: str
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class ValidGrantRow:
    id: uuid.UUID
    organisation_id: uuid.UUID
    valid_from: datetime
    scheme_version: int


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: uuid.UUID
    grant_id: uuid.UUID
    organisation_id: uuid.UUID
    kind: str
    details: Any
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ClosedCaseRow:
    id: uuid.UUID
    grant_id: uuid.UUID
    kind: str
    closed_at: datetime
    closed_by: str
    note: str


@dataclass(frozen=True, slots=True)
class LabelledRow:
    id: uuid.UUID
    legal_name: str
    country: str
    website: str | None
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class NamedOrganisationRow:
    id: uuid.UUID
    legal_name: str
    status: str


@dataclass(frozen=True, slots=True)
class SnapshotDidRow:
    did: str
    organisation_id: uuid.UUID
    proven_at: datetime | None
    valid_from: datetime
    valid_until: datetime | None
    trust_sequence: int


@dataclass(frozen=True, slots=True)
class RegistryData:
    """Everything the snapshot is made of, read in one consistent view."""

    organisations: dict[uuid.UUID, NamedOrganisationRow]
    dids: list[SnapshotDidRow]
    grants: dict[uuid.UUID, GrantTermRow]
    histories: dict[uuid.UUID, list[tuple[str, datetime]]]


@dataclass(frozen=True, slots=True)
class SchemeRow:
    version: int
    scheme: Any


@dataclass(frozen=True, slots=True)
class WitnessRow:
    credential_hash: bytes  # sha256 of the credential id
    issuer_did: str
    seen_at: datetime
