"""Who is calling and what they may do: API-key scopes of a platform (tenant)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

SCOPE_READ: Final = "read"
SCOPE_ISSUE: Final = "issue"
SCOPE_REVOKE: Final = "revoke"
SCOPE_MANAGE: Final = "manage"  # issuers, achievements, signing keys and the platform's API keys
ALL_SCOPES: Final = (SCOPE_READ, SCOPE_ISSUE, SCOPE_REVOKE, SCOPE_MANAGE)


class UnknownScopeError(ValueError):
    pass


def normalise_scopes(scopes: list[str] | tuple[str, ...] | None) -> list[str]:
    """Validated, de-duplicated, ordered scopes; every scope when none are given."""
    if not scopes:
        return list(ALL_SCOPES)
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        raise UnknownScopeError(f"unknown scope(s): {', '.join(unknown)}")
    return [scope for scope in ALL_SCOPES if scope in scopes]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: one API key of one platform."""

    platform_id: uuid.UUID
    key_id: str
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        """How the caller is named in audit records and events."""
        return f"platform:{self.platform_id}/key:{self.key_id}"

    def may(self, scope: str) -> bool:
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key of a platform as its owners see it (never the secret or its hash)."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
