"""What the Quality Label's decisions rest on, inside the caller's transaction: the scheme an
application is assessed under, the automatic checks kept as evidence, and issuer activity
counted from the issuer's events."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from b4g.core.events.envelope import CloudEvent
from b4g.core.events.payloads import (
    CredentialIssuedV1,
    CredentialStatusChangedV1,
    IssuerUpsertedV1,
    decode_payload,
)
from b4g.core.infra.db import Conn
from b4g.registry.domain.errors import NotFound
from b4g.registry.domain.scheme import OrganisationFacts, Platform, Scheme, automatic_checks
from b4g.registry.store import activity as activity_store
from b4g.registry.store import applications as application_store
from b4g.registry.store import organisations as org_store
from b4g.registry.store import scheme as scheme_store
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.witnesses import witness_issued


async def current_scheme(conn: Conn, version: int | None = None) -> tuple[int, Scheme]:
    found = await scheme_store.scheme(conn, version)
    if found is None:
        raise NotFound(f"no scheme version {version}")
    return found.version, msgspec.convert(found.scheme, Scheme)


async def application_scheme(conn: Conn, app_id: uuid.UUID) -> Scheme:
    version = await application_store.application_scheme_version(conn, app_id)
    return (await current_scheme(conn, version))[1]


async def record_checks(conn: Conn, app_id: uuid.UUID, org_id: uuid.UUID) -> list[dict[str, Any]]:
    """Run the automatic checks of the application's scheme and keep them as evidence."""
    version = await application_store.application_scheme_version(conn, app_id)
    assert version is not None
    _, scheme = await current_scheme(conn, version)
    facts = OrganisationFacts(
        platforms=[
            Platform(**dataclasses.asdict(p)) for p in await org_store.platforms(conn, org_id)
        ],
        values_accepted=[
            v.values_version for v in await org_store.values_acceptances(conn, org_id)
        ],
        course_completed=await org_store.course_completed(conn, org_id),
        monthly_issued=await activity_store.monthly_issued(conn, org_id),
    )
    results = msgspec.to_builtins(automatic_checks(scheme, facts))
    await application_store.insert_checks(conn, app_id, version, results)
    return list(results)


async def apply_issuer_event(ctx: RegistryContext, conn: Conn, event: CloudEvent) -> None:
    """Inbox handler for the issuer's events: monthly activity per issuer DID and the issuance
    witness (b4g.issuer.credentials.v1), and issuer profiles with compromised keys
    (b4g.issuer.profiles.v1)."""
    payload = decode_payload(event.data)
    if isinstance(payload, CredentialIssuedV1):
        month = _day(payload.issued_at).replace(day=1)
        await activity_store.count_issued(conn, payload.issuer_did, month)
        await witness_issued(ctx, conn, payload)
    elif isinstance(payload, CredentialStatusChangedV1) and payload.status == "revoked":
        await activity_store.count_revoked(conn, payload.issuer_did, _day(payload.changed_at))
    elif isinstance(payload, IssuerUpsertedV1):
        compromised = sum(1 for m in payload.verification_methods if m.state == "compromised")
        name = payload.profile.get("name")
        await activity_store.upsert_issuer_profile(
            conn,
            payload.did,
            payload.issuer_id,
            name if isinstance(name, str) else None,
            compromised,
        )


def _day(moment: str) -> date:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC).date()
