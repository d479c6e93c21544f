"""OB 3.0 Profile objects of issuers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


def profile_document(did: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The issuer Profile as credentials embed it: id (the DID), type, then the fields."""
    document: dict[str, Any] = {"id": did, "type": ["Profile"]}
    for name, value in fields.items():
        if name == "image":
            value = {"type": "Image", **value}
        elif name == "address":
            value = {"type": ["Address"], **value}
        elif name == "otherIdentifier":
            value = [{"type": "IdentifierEntry", **entry} for entry in value]
        document[name] = value
    return document


@dataclass(frozen=True, slots=True)
class Issuer:
    """An issuer profile: its DID and the OB 3.0 Profile fields it publishes."""

    id: uuid.UUID
    did: str
    did_method: str
    profile: dict[str, Any]  # OB 3.0 Profile fields except id and type
    allow_suspension: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @property
    def document(self) -> dict[str, Any]:
        return profile_document(self.did, self.profile)


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A signing key of an issuer as its DID document shows it (never the secret)."""

    id: uuid.UUID
    verification_method: str
    public_key_multibase: str
    state: str  # active | retired | compromised
    created_at: datetime
    retired_at: datetime | None
    compromised_at: datetime | None
