"""Migration 0005 turns the registry's stored JSON documents camelCase: a scheme version and a
monitoring case written before it read back in the new spelling, absent members taking their
defaults, values untouched."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec
import pytest

from b4g.core.infra.migrate import load_migrations, migrate
from b4g.registry.domain.scheme import Scheme

pytestmark = pytest.mark.integration

OLD_SCHEME = {
    "name": "Older scheme",
    "criteria": [{"id": "values_accepted", "kind": "formal", "check": "automatic", "text": "v"}],
    "validity_days": 730,
    "assessment_days": 60,
    "renewal": "shortened",
    "activity": {"min_active_months": 4},  # min_credentials_per_month absent: its default
    "monitoring": {"inactivity_days": 90, "revocation_spike_ratio": 0.5},
}


async def test_stored_scheme_and_case_details_become_camel_case(database):
    migrations = load_migrations("b4g.registry", "b4g.registry.store.migrations")
    assert [m.version for m in migrations][:5] == [1, 2, 3, 4, 5]
    await migrate(database, migrations[:4])
    org, app, grant, case = (uuid.uuid4() for _ in range(4))
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(
            "INSERT INTO label_schemes (version, published_by, scheme) VALUES (2, 'test', $1)",
            msgspec.json.encode(OLD_SCHEME).decode(),
        )
        await conn.execute(
            "INSERT INTO organisations (id, legal_name, country) VALUES ($1, 'Old', 'LT')", org
        )
        await conn.execute(
            "INSERT INTO label_applications (id, organisation_id, state) VALUES ($1, $2, 'x')",
            app,
            org,
        )
        await conn.execute(
            "INSERT INTO label_grants (id, organisation_id, application_id, state, valid_from,"
            " valid_until) VALUES ($1, $2, $3, 'active', now(), now() + interval '1 day')",
            grant,
            org,
            app,
        )
        await conn.execute(
            "INSERT INTO monitoring_cases (id, grant_id, kind, details)"
            " VALUES ($1, $2, 'inactivity', $3)",
            case,
            grant,
            '{"idle_days": 130, "threshold_days": 120, "last_active_month": "never"}',
        )
        await migrate(database, migrations)
        schemes = {
            r["version"]: msgspec.json.decode(r["scheme"])
            for r in await conn.fetch("SELECT version, scheme FROM label_schemes")
        }
        details = msgspec.json.decode(
            await conn.fetchval("SELECT details FROM monitoring_cases WHERE id = $1", case)
        )
    finally:
        await conn.close()

    older = msgspec.convert(schemes[2], Scheme)
    assert (older.validity_days, older.assessment_days) == (730, 60)
    assert (older.activity.min_active_months, older.activity.min_credentials_per_month) == (4, 1)
    assert older.monitoring.inactivity_days == 90 and older.monitoring.revocation_spike_ratio == 0.5
    assert older.monitoring.revocation_window_days == 7  # absent before: the default
    seeded = msgspec.convert(schemes[1], Scheme)
    assert seeded.validity_days == 1095 and seeded.monitoring.revocation_spike_min == 20
    assert "validity_days" not in schemes[1] and schemes[1]["validityDays"] == 1095
    assert details == {"idleDays": 130, "thresholdDays": 120, "lastActiveMonth": "never"}
