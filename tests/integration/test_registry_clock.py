"""The registry reads its one injected clock: an operation's times (the application's apply time
and assessment deadline, every audit entry) are the clock's, and the audit chain they are hashed
into verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from b4g.core.infra.db import create_pool
from b4g.core.infra.migrate import load_migrations, migrate
from b4g.core.infra.settings import load_settings
from b4g.registry.domain.access import Principal
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases import applications, audit, keys, organisations
from b4g.registry.usecases.applications import ApplicationStep, NewApplication
from b4g.registry.usecases.context import registry_context
from b4g.registry.usecases.organisations import NewOrganisation

pytestmark = pytest.mark.integration

MOMENT = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


async def test_one_clock_for_every_time_an_operation_records(database):
    await migrate(database, load_migrations("b4g.registry", "b4g.registry.store.migrations"))
    pool = await create_pool(database)
    try:
        settings = load_settings(RegistrySettings, {}, database_url=database)
        ctx = registry_context(pool, settings, clock=lambda: MOMENT)
        await keys.create_key(ctx, "registry_admin", None, "")
        admin = Principal("a", "registry_admin", None)
        org = await organisations.create(
            ctx, admin, NewOrganisation(legal_name="Clocked Centre", country="LT")
        )
        opened = await applications.open_application(ctx, admin, org.id, NewApplication())
        step = ApplicationStep()
        await applications.move(ctx, admin, opened.id, "complete_course", step)
        applied = await applications.move(ctx, admin, opened.id, "apply", step)
        entries = await pool.fetch("SELECT DISTINCT at FROM audit_log")
        check = await audit.verify(ctx, Principal("b", "auditor", None))
    finally:
        await pool.close()
    assert applied.applied_at == MOMENT
    assert applied.decide_by == MOMENT + timedelta(days=90)  # the seeded scheme's deadline
    assert [r["at"] for r in entries] == [MOMENT]
    assert check.valid and check.entries == 5 and check.first_broken is None
