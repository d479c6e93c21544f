"""`b4g-registry` / `python -m b4g.registry`: run the registry, or create an API key.

b4g-registry [serve]
b4g-registry create-key --role registry_admin|assessor|committee|org_admin|auditor
                        [--organisation UUID] [--label TEXT]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from b4g.core.infra.db import create_pool
from b4g.core.infra.migrate import load_migrations, migrate
from b4g.core.infra.serve import serve
from b4g.core.infra.settings import load_settings
from b4g.registry.app import service_spec
from b4g.registry.domain.errors import RegistryError
from b4g.registry.domain.roles import ROLES
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases.context import registry_context
from b4g.registry.usecases.keys import create_key as new_key


async def create_key(
    settings: RegistrySettings, role: str, organisation: str | None, label: str
) -> str:
    await migrate(
        settings.database_url, load_migrations("b4g.registry", "b4g.registry.store.migrations")
    )
    pool = await create_pool(settings.database_url)
    try:
        return await new_key(
            registry_context(pool, settings),
            role,
            uuid.UUID(organisation) if organisation else None,
            label,
        )
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="b4g-registry")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the service (default)")
    key = commands.add_parser("create-key", help="create an API key; the token is shown once")
    key.add_argument("--role", required=True, choices=ROLES)
    key.add_argument("--organisation", help="the organisation of an org_admin key")
    key.add_argument("--label", default="")
    args = parser.parse_args(argv)
    settings = load_settings(RegistrySettings)
    if args.command == "create-key":
        try:
            print(asyncio.run(create_key(settings, args.role, args.organisation, args.label)))
        except (RegistryError, ValueError) as exc:
            print(f"b4g-registry: {exc}", file=sys.stderr)
            sys.exit(2)
        return
    serve(service_spec(), settings)


if __name__ == "__main__":
    main()
