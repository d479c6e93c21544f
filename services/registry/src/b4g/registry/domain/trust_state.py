"""Building the trust state the registry publishes for one DID (pure)."""

from __future__ import annotations

from typing import Any

from b4g.core.trust import TrustState


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def trust_state(org: dict[str, Any], did: dict[str, Any], sequence: int) -> TrustState:
    # The Quality Label lifecycle is not built yet: every organisation reports "none".
    return TrustState(
        did=did["did"],
        organisation_id=str(org["id"]),
        organisation_name=org["legal_name"],
        registry_status=org["status"],
        did_proven=did["proven_at"] is not None,
        did_valid_from=_iso(did["valid_from"]),
        did_valid_until=_iso(did["valid_until"]),
        sequence=sequence,
    )
