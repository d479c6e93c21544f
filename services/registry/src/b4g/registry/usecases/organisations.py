"""Organisations: registered by a registry admin, their registry status, and the facts the
Quality Label's automatic checks read (platform registrations, values acceptances)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from b4g.core.infra.db import Conn
from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import NotFound
from b4g.registry.store import dids as did_store
from b4g.registry.store import organisations as store
from b4g.registry.store.rows import OrganisationRow
from b4g.registry.usecases import audit, trust
from b4g.registry.usecases.context import RegistryContext

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class NewOrganisation(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    legal_name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
    website: Annotated[str, msgspec.Meta(pattern="^https?://", max_length=500)] | None = None
    contact_email: (
        Annotated[str, msgspec.Meta(pattern="^[^@\\s]+@[^@\\s]+$", max_length=320)] | None
    ) = None


class StatusChange(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    status: Literal["active", "suspended", "removed"]
    reason: Reason


class PlatformRegistration(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    account_id: Text
    organiser_verified: bool = False


class ValuesAcceptance(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class Organisation(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    legal_name: str
    country: str
    website: str | None
    contact_email: str | None
    status: str


class Platform(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    platform: str
    account_id: str
    organiser_verified: bool


class AcceptedValues(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    values_version: str
    accepted_by: str
    accepted_at: datetime


def _view(row: OrganisationRow) -> Organisation:
    return Organisation(
        id=row.id,
        legal_name=row.legal_name,
        country=row.country,
        website=row.website,
        contact_email=row.contact_email,
        status=row.status,
    )


async def create(ctx: RegistryContext, who: Principal, command: NewOrganisation) -> Organisation:
    who.require("organisation.create")
    now = ctx.clock()
    org_id = uuid.uuid4()
    async with ctx.pool.acquire() as conn, conn.transaction():
        await store.insert_organisation(
            conn,
            org_id,
            command.legal_name,
            command.country,
            command.website,
            command.contact_email,
            who.actor,
        )
        created = await store.organisation(conn, org_id)
        assert created is not None
        await audit.record(
            conn, now, who.actor, "organisation.create", str(org_id), after=audit.plain(created)
        )
    return _view(created)


async def set_status(
    ctx: RegistryContext, who: Principal, org_id: uuid.UUID, command: StatusChange
) -> Organisation:
    who.require("organisation.status", org_id)
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        before = await store.organisation(conn, org_id, lock=True)
        if before is None:
            raise NotFound("no such organisation")
        await store.set_organisation_status(conn, org_id, command.status, command.reason, who.actor)
        after = await store.organisation(conn, org_id)
        assert after is not None
        await audit.record(
            conn,
            now,
            who.actor,
            "organisation.status",
            str(org_id),
            reason=command.reason,
            before=audit.plain(before),
            after=audit.plain(after),
        )
        for did in await did_store.dids_of(conn, org_id):
            await trust.publish(ctx, conn, after, did)
    return _view(after)


async def require_organisation(conn: Conn, org_id: uuid.UUID) -> OrganisationRow:
    found = await store.organisation(conn, org_id)
    if found is None:
        raise NotFound("no such organisation")
    return found


async def set_platform(
    ctx: RegistryContext,
    who: Principal,
    org_id: uuid.UUID,
    platform: str,
    command: PlatformRegistration,
) -> list[Platform]:
    who.require("organisation.facts")
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        await require_organisation(conn, org_id)
        before = await store.platforms(conn, org_id)
        await store.upsert_platform(
            conn, org_id, platform, command.account_id, command.organiser_verified, who.actor
        )
        after = await store.platforms(conn, org_id)
        await audit.record(
            conn,
            now,
            who.actor,
            "organisation.platform",
            str(org_id),
            before=[dataclasses.asdict(p) for p in before],
            after=[dataclasses.asdict(p) for p in after],
        )
    return [Platform(**dataclasses.asdict(p)) for p in after]


async def accept_values(
    ctx: RegistryContext, who: Principal, org_id: uuid.UUID, command: ValuesAcceptance
) -> list[AcceptedValues]:
    who.require("values.accept", org_id)
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        await require_organisation(conn, org_id)
        await store.accept_values(conn, org_id, command.version, who.actor)
        await audit.record(
            conn,
            now,
            who.actor,
            "organisation.values",
            str(org_id),
            after={"version": command.version},
        )
        accepted = await store.values_acceptances(conn, org_id)
    return [AcceptedValues(**dataclasses.asdict(a)) for a in accepted]
