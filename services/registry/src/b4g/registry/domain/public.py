"""Pure helpers of the public read side: directory cursors and HTTP validators."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from datetime import UTC, datetime

import msgspec

from b4g.core.trust import LabelInterval
from b4g.registry.domain.label import GrantChange, label_history
from b4g.registry.domain.trust_state import GrantTerm


class InvalidCursor(ValueError):
    pass


def encode_cursor(name: str, org_id: uuid.UUID) -> str:
    """An opaque cursor: the last row of a page (the directory is ordered by name, then id)."""
    raw = msgspec.json.encode([name, str(org_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, org_id = msgspec.json.decode(raw, type=tuple[str, str])
        return name, uuid.UUID(org_id)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidCursor("not a cursor this directory handed out") from exc


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison; `*` matches any current representation."""
    if not if_none_match:
        return False
    candidates = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in candidates or any(tag.removeprefix("W/") == etag for tag in candidates)


# -- what the public sees (no contact details, reasons or actors) ------------------------------


class StatusPeriod(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    status: str  # active | suspended | removed
    since: str  # RFC 3339


class PublicDid(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    did: str
    valid_from: str | None
    valid_until: str | None


class PublicLabel(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    status: str  # none | active | suspended | expired | withdrawn | superseded
    held_now: bool
    valid_from: str | None = None
    valid_until: str | None = None
    history: list[LabelInterval] = msgspec.field(default_factory=list)


class PublicOrganisation(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    legal_name: str
    country: str
    website: str | None
    registry_status: str
    registry_status_history: list[StatusPeriod]
    dids: list[PublicDid]
    label: PublicLabel


class DirectoryEntry(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    legal_name: str
    country: str
    website: str | None
    label_valid_from: str
    label_valid_until: str
    dids: list[str]


class DirectoryPage(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    items: list[DirectoryEntry]
    next_cursor: str | None = None


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def public_label(
    grant: GrantTerm | None, history: list[tuple[str, datetime]], now: datetime
) -> PublicLabel:
    intervals = label_history([GrantChange(state, at) for state, at in history])
    if grant is None:
        return PublicLabel(status="none", held_now=False, history=intervals)
    return PublicLabel(
        status=grant.state,
        held_now=grant.state == "active" and grant.valid_from <= now < grant.valid_until,
        valid_from=iso(grant.valid_from),
        valid_until=iso(grant.valid_until),
        history=intervals,
    )
