"""`b4g-issuer` / `python -m b4g.issuer`: run the issuer service or administer platforms.

b4g-issuer [serve]                         run the service
b4g-issuer create-platform NAME            a new platform (tenant); prints its id
b4g-issuer create-key --platform ID [--scopes issue,revoke] [--name NAME]
                                           a new API key; prints the token once
b4g-issuer list-keys --platform ID         the platform's keys (never their secrets)
b4g-issuer revoke-key --platform ID KEY_ID revoke a key
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from b4g.core.infra.db import create_pool
from b4g.core.infra.migrate import migrate
from b4g.core.infra.serve import serve
from b4g.core.infra.settings import SettingsError, load_settings
from b4g.issuer.app import issuer_migrations, key_provider, service_spec
from b4g.issuer.domain.access import ALL_SCOPES, UnknownScopeError
from b4g.issuer.domain.errors import IssuerError
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases import platforms


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b4g-issuer", description="Badges4Good issuer service")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the service (the default)")
    create_platform = commands.add_parser("create-platform", help="create a platform (tenant)")
    create_platform.add_argument("name")
    create_key = commands.add_parser("create-key", help="create an API key; prints it once")
    create_key.add_argument("--platform", required=True, type=uuid.UUID)
    create_key.add_argument(
        "--scopes",
        default=",".join(ALL_SCOPES),
        help=f"comma-separated, from {', '.join(ALL_SCOPES)} (default: all)",
    )
    create_key.add_argument("--name", default="")
    list_keys = commands.add_parser("list-keys", help="list a platform's API keys")
    list_keys.add_argument("--platform", required=True, type=uuid.UUID)
    revoke_key = commands.add_parser("revoke-key", help="revoke an API key")
    revoke_key.add_argument("--platform", required=True, type=uuid.UUID)
    revoke_key.add_argument("key_id")
    return parser


async def _with_pool(
    settings: IssuerSettings, action: Callable[[asyncpg.Pool], Awaitable[Any]]
) -> Any:
    await migrate(settings.database_url, issuer_migrations())
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        return await action(pool)
    finally:
        await pool.close()


def _key_json(row: Any) -> dict[str, Any]:
    return {
        "keyId": row.key_id,
        "name": row.name,
        "scopes": list(row.scopes),
        "createdAt": row.created_at.isoformat(),
        "revokedAt": row.revoked_at.isoformat() if row.revoked_at else None,
    }


def _admin(args: argparse.Namespace, settings: IssuerSettings) -> dict[str, Any] | list[Any]:
    if args.command == "create-platform":
        row = asyncio.run(_with_pool(settings, lambda p: platforms.create_platform(p, args.name)))
        return {"platformId": str(row.id), "name": row.name}
    if args.command == "create-key":
        scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
        key = asyncio.run(
            _with_pool(
                settings,
                lambda p: platforms.create_api_key(p, args.platform, name=args.name, scopes=scopes),
            )
        )
        return {
            "platformId": str(key.platform_id),
            "keyId": key.key_id,
            "scopes": list(key.scopes),
            "token": key.token,
            "note": "store this token now: it is not shown again",
        }
    if args.command == "list-keys":
        rows = asyncio.run(
            _with_pool(settings, lambda p: platforms.list_api_keys(p, args.platform))
        )
        return [_key_json(row) for row in rows]
    row = asyncio.run(
        _with_pool(settings, lambda p: platforms.revoke_api_key(p, args.platform, args.key_id))
    )
    return _key_json(row)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(IssuerSettings)
        if args.command in (None, "serve"):
            key_provider(settings)  # refuse to start without a master key, before binding a port
            serve(service_spec(), settings)
            return 0
        result = _admin(args, settings)
    except (SettingsError, IssuerError, UnknownScopeError) as exc:
        print(f"b4g-issuer: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"b4g-issuer: database unavailable: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
