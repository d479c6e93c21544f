"""Credential status: the lifecycle rules and the status entries credentials carry."""

from __future__ import annotations

import secrets
import uuid
from typing import Any, Final

REVOCATION: Final = "revocation"
SUSPENSION: Final = "suspension"

ACTIVE: Final = "active"
REVOKED: Final = "revoked"
SUSPENDED: Final = "suspended"

# Which status a credential may move to from each status; revocation is final.
_TRANSITIONS: Final = {
    ACTIVE: {REVOKED, SUSPENDED},
    SUSPENDED: {REVOKED, ACTIVE},
    REVOKED: set[str](),
}
# Operation names in the API and events, and the status each one leads to.
OPERATIONS: Final = {"revoke": REVOKED, "suspend": SUSPENDED, "reinstate": ACTIVE}
EVENT_STATUS: Final = {REVOKED: "revoked", SUSPENDED: "suspended", ACTIVE: "reinstated"}


def may_change(current: str, target: str) -> bool:
    return target in _TRANSITIONS.get(current, set())


def random_indexes(capacity: int, count: int) -> list[int]:
    """Random candidate indexes (herd privacy: position says nothing about issue order)."""
    return [secrets.randbelow(capacity) for _ in range(count)]


def pg_bit_number(index: int) -> int:
    """PostgreSQL's `set_bit` number of a status-list index: the list counts bits from the most
    significant bit of each byte (Bitstring Status List v1.0 §3.1), PostgreSQL from the least."""
    return (index // 8) * 8 + 7 - index % 8


def status_list_url(verifier_base_url: str, list_id: uuid.UUID) -> str:
    return f"{verifier_base_url}/status/{list_id}"


def status_entry(list_url: str, index: int, purpose: str) -> dict[str, Any]:
    """A BitstringStatusListEntry (Bitstring Status List v1.0 §2.1)."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
