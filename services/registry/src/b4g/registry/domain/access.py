"""Who is asking (an authenticated API key) and whether their role allows an action (pure)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from b4g.registry.domain.errors import Forbidden
from b4g.registry.domain.roles import allowed


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    role: str
    organisation_id: uuid.UUID | None

    @property
    def actor(self) -> str:
        """How the audit log and the decisions name this principal."""
        return f"{self.role}:{self.key_id}"

    def require(self, action: str, organisation_id: uuid.UUID | None = None) -> None:
        own = organisation_id is None or self.organisation_id == organisation_id
        if not allowed(self.role, action, own_organisation=own):
            raise Forbidden(f"role {self.role} may not {action}")
