"""The Quality Label beyond its lifecycle: the scheme as versioned data, the organisation facts
and issuer activity its automatic checks read, check evidence on applications, and monitoring
of valid grants (cases for the committee). Every write is authorised and audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from b4g.core.did.resolver import DidResolver
from b4g.core.errors import B4GError
from b4g.core.infra.db import Conn
from b4g.core.infra.problems import ApiError, NotFound
from b4g.registry.domain.scheme import (
    GrantActivity,
    Scheme,
    monitoring_findings,
)
from b4g.registry.store import public as public_store
from b4g.registry.store import quality as store
from b4g.registry.store import registry as registry_store
from b4g.registry.usecases.label_evidence import current_scheme, record_checks
from b4g.registry.usecases.registry import Principal, _audit, _json


class InvalidScheme(ApiError):
    status, code, title = 422, "invalid_scheme", "The scheme is not valid"


class QualityLabel:
    def __init__(self, pool: asyncpg.Pool, *, fetch: Any = None) -> None:
        self._pool = pool
        self._resolver = DidResolver(fetch)

    # -- the scheme ------------------------------------------------------------------------

    async def scheme(self, version: int | None = None) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            number, scheme = await current_scheme(conn, version)
        return {"version": number, **msgspec.to_builtins(scheme)}

    async def publish_scheme(self, who: Principal, data: dict[str, Any]) -> dict[str, Any]:
        """A new version; applications keep the version they were opened under."""
        who.require("scheme.publish")
        try:
            scheme = msgspec.convert(data, Scheme)
        except (msgspec.ValidationError, ValueError) as exc:
            raise InvalidScheme(str(exc)) from exc
        body = msgspec.to_builtins(scheme)
        async with self._pool.acquire() as conn, conn.transaction():
            version = await store.insert_scheme(conn, body, who.actor)
            await _audit(conn, who.actor, "scheme.publish", f"scheme:{version}", after=body)
        return {"version": version, **body}

    # -- organisation facts -----------------------------------------------------------------

    async def set_platform(
        self, who: Principal, org_id: uuid.UUID, platform: str, account_id: str, verified: bool
    ) -> list[dict[str, Any]]:
        who.require("organisation.facts")
        async with self._pool.acquire() as conn, conn.transaction():
            await _require_organisation(conn, org_id)
            before = await store.platforms(conn, org_id)
            await store.upsert_platform(conn, org_id, platform, account_id, verified, who.actor)
            after = await store.platforms(conn, org_id)
            await _audit(
                conn, who.actor, "organisation.platform", str(org_id), before=before, after=after
            )
        return after

    async def accept_values(
        self, who: Principal, org_id: uuid.UUID, version: str
    ) -> list[dict[str, Any]]:
        who.require("values.accept", org_id)
        async with self._pool.acquire() as conn, conn.transaction():
            await _require_organisation(conn, org_id)
            await store.accept_values(conn, org_id, version, who.actor)
            await _audit(
                conn, who.actor, "organisation.values", str(org_id), after={"version": version}
            )
            accepted = await store.values_acceptances(conn, org_id)
        return [_json(a) for a in accepted]

    # -- applications: evidence for assessors -----------------------------------------------

    async def application(self, who: Principal, app_id: uuid.UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            view = await store.application_view(conn, app_id)
            if view is None:
                raise NotFound("no such application")
            who.require("label.read", view["organisation_id"])
            evidence = await store.checks(conn, app_id)
        return {
            **_json(view),
            "history": [_json(h) for h in view["history"]],
            "checks": [_json(c) for c in evidence],
        }

    async def run_checks(self, who: Principal, app_id: uuid.UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn, conn.transaction():
            view = await store.application_view(conn, app_id)
            if view is None:
                raise NotFound("no such application")
            who.require("label.check", view["organisation_id"])
            results = await record_checks(conn, app_id, view["organisation_id"])
            await _audit(conn, who.actor, "label.application.checks", str(app_id), after=results)
        return {"application": str(app_id), "results": results}

    # -- monitoring --------------------------------------------------------------------------

    async def monitor(self, now: datetime | None = None) -> int:
        """Open a case per finding on each active grant; returns how many were opened."""
        now = now or datetime.now(UTC)
        opened = 0
        async with self._pool.acquire() as conn:
            grants = await store.valid_grants(conn)
        for grant in grants:
            # DID documents are fetched before the transaction: no connection waits on the web.
            async with self._pool.acquire() as conn:
                org = grant["organisation_id"]
                proven = await public_store.proven_dids(conn, [org])
                dids = [d["did"] for d in proven.get(org, [])]
            unresolvable = [d for d in dids if not await self._resolves(d)]
            async with self._pool.acquire() as conn, conn.transaction():
                _, scheme = await current_scheme(conn, grant["scheme_version"])
                rule = scheme.monitoring
                monthly = await store.monthly_issued(conn, grant["organisation_id"])
                since = (now - timedelta(days=rule.revocation_window_days)).date()
                issued, revoked = await store.window_counts(conn, grant["organisation_id"], since)
                activity = GrantActivity(
                    last_issued_month=max((m for m, n in monthly.items() if n > 0), default=None),
                    granted_at=grant["valid_from"],
                    issued_in_window=issued,
                    revoked_in_window=revoked,
                    unresolvable_dids=unresolvable,
                    compromised_dids=await store.compromised_dids(conn, grant["organisation_id"]),
                )
                for kind, details in monitoring_findings(rule, activity, now).items():
                    case_id = await store.open_case(conn, grant["id"], kind, details)
                    if case_id is not None:
                        opened += 1
                        await _audit(
                            conn,
                            "monitor",
                            "label.case.open",
                            str(case_id),
                            after={"grant_id": str(grant["id"]), "kind": kind, **details},
                        )
        return opened

    async def _resolves(self, did: str) -> bool:
        try:
            await self._resolver.controller_document(did)
        except B4GError:
            return False
        return True

    async def cases(self, who: Principal, *, open_only: bool) -> list[dict[str, Any]]:
        who.require("cases.read")
        async with self._pool.acquire() as conn:
            return [_json(c) for c in await store.cases(conn, open_only=open_only)]

    async def close_case(self, who: Principal, case_id: uuid.UUID, note: str) -> dict[str, Any]:
        who.require("cases.close")
        async with self._pool.acquire() as conn, conn.transaction():
            closed = await store.close_case(conn, case_id, who.actor, note, datetime.now(UTC))
            if closed is None:
                raise NotFound("no such open case")
            await _audit(conn, who.actor, "label.case.close", str(case_id), reason=note)
        return _json(closed)


async def _require_organisation(conn: Conn, org_id: uuid.UUID) -> None:
    if await registry_store.organisation(conn, org_id) is None:
        raise NotFound("no such organisation")
