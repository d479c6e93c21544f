"""Building the trust state the registry publishes for one DID (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from b4g.core.trust import TrustState
from b4g.registry.domain.label import GrantChange, label_history


class Organisation(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def legal_name(self) -> str: ...
    @property
    def status(self) -> str: ...


class Did(Protocol):
    @property
    def did(self) -> str: ...
    @property
    def proven_at(self) -> datetime | None: ...
    @property
    def valid_from(self) -> datetime: ...
    @property
    def valid_until(self) -> datetime | None: ...


class GrantTerm(Protocol):
    """The organisation's newest grant: the label it holds (or held)."""

    @property
    def state(self) -> str: ...
    @property
    def valid_from(self) -> datetime: ...
    @property
    def valid_until(self) -> datetime: ...


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def trust_state(
    org: Organisation,
    did: Did,
    sequence: int,
    grant: GrantTerm | None = None,
    history: list[tuple[str, datetime]] | None = None,
) -> TrustState:
    return TrustState(
        did=did.did,
        organisation_id=str(org.id),
        organisation_name=org.legal_name,
        registry_status=org.status,
        did_proven=did.proven_at is not None,
        did_valid_from=_iso(did.valid_from),
        did_valid_until=_iso(did.valid_until),
        sequence=sequence,
        label_status=grant.state if grant else "none",
        label_valid_from=_iso(grant.valid_from) if grant else None,
        label_valid_until=_iso(grant.valid_until) if grant else None,
        label_history=label_history([GrantChange(state, at) for state, at in history or []]),
    )
