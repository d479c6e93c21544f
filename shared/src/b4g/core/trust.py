"""The trust state of one issuer DID, as the registry publishes it on `b4g.registry.trust.v1`
and verifiers keep it (pure). Label history is a list of intervals so "did the issuer hold the
Quality Label at time T" is answerable offline."""

from __future__ import annotations

import hashlib
from datetime import datetime

import msgspec


class LabelInterval(msgspec.Struct, frozen=True, kw_only=True):
    status: str  # active | suspended
    start: str  # ISO 8601, inclusive
    end: str | None = None  # exclusive; None while it lasts


class TrustState(msgspec.Struct, frozen=True, kw_only=True):
    did: str
    organisation_id: str
    organisation_name: str
    registry_status: str  # active | suspended | removed
    did_proven: bool
    did_valid_from: str | None = None
    did_valid_until: str | None = None
    label_status: str = "none"  # none | active | suspended | expired | withdrawn
    label_valid_from: str | None = None
    label_valid_until: str | None = None
    label_history: list[LabelInterval] = msgspec.field(default_factory=list)
    sequence: int = 0  # grows with every change; older states never replace newer ones


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def label_held_at(state: TrustState, moment: datetime) -> bool:
    """Whether the label was active (not suspended) at `moment`."""
    for interval in state.label_history:
        if interval.status != "active":
            continue
        if _at(interval.start) <= moment and (interval.end is None or moment < _at(interval.end)):
            return True
    return False


def trusted_issuer(state: TrustState, moment: datetime) -> bool:
    """Registered, active, and its DID proven and valid at `moment`: what a verifier may call
    a known issuer. Unproven DIDs are never trusted."""
    if state.registry_status != "active" or not state.did_proven:
        return False
    if state.did_valid_from and moment < _at(state.did_valid_from):
        return False
    return not (state.did_valid_until and moment >= _at(state.did_valid_until))


def witness_hash(credential_id: str) -> bytes:
    """What an issuance witness is keyed by: the sha256 of the credential's id (UTF-8), so the
    registry and verifiers never keep the ids themselves."""
    return hashlib.sha256(credential_id.encode()).digest()
