"""`b4g-issuer` / `python -m b4g.issuer`: run the issuer service or administer platforms.

b4g-issuer [serve]                         run the service
b4g-issuer create-platform NAME [--with-key] a new platform (tenant); prints its id (and the
                                           token of a new API key with every scope)
b4g-issuer create-key --platform ID [--scopes issue,revoke] [--name NAME]
                                           a new API key; prints the token once
b4g-issuer create-label-issuer [--name NAME]
                                           the network's label-badge issuer: platform, key,
                                           profile and label achievement; prints the three
                                           B4G_LABEL_* ids and the platform's token once
b4g-issuer list-keys --platform ID         the platform's keys (never their secrets)
b4g-issuer revoke-key --platform ID KEY_ID revoke a key
b4g-issuer rewrap-keys --new-master-key-file PATH
                                           re-seal every sealed signing key under a new
                                           master key (one transaction; safe to repeat);
                                           then run the issuers with that key

The operator commands use B4G_DATABASE_URL, or else the database of the local stack `make run`
keeps running (recorded in its state folder, `.b4g/`); they say which on standard error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from b4g.core.infra.db import create_pool
from b4g.core.infra.localstack import NoDatabase, database_hint, operator_env
from b4g.core.infra.migrate import migrate
from b4g.core.infra.serve import serve
from b4g.core.infra.settings import SettingsError, load_settings
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.issuer.app import (
    issuer_migrations,
    key_provider,
    master_key_from_file,
    master_key_provider,
    service_spec,
)
from b4g.issuer.domain.access import ALL_SCOPES, UnknownScopeError
from b4g.issuer.domain.errors import IssuerError
from b4g.issuer.domain.sealing import SealingError
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases import key_rewrap, label_issuer, platforms
from b4g.issuer.usecases.context import IssuerContext


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="b4g-issuer", description="Badges4Good issuer service")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the service (the default)")
    create_platform = commands.add_parser("create-platform", help="create a platform (tenant)")
    create_platform.add_argument("name")
    create_platform.add_argument(
        "--with-key", action="store_true", help="also create an API key with every scope"
    )
    create_key = commands.add_parser("create-key", help="create an API key; prints it once")
    create_key.add_argument("--platform", required=True, type=uuid.UUID)
    create_key.add_argument(
        "--scopes",
        default=",".join(ALL_SCOPES),
        help=f"comma-separated, from {', '.join(ALL_SCOPES)} (default: all)",
    )
    create_key.add_argument("--name", default="")
    label = commands.add_parser(
        "create-label-issuer", help="the network's label-badge issuer (platform, profile, label)"
    )
    label.add_argument("--name", default="Badges4Good")
    list_keys = commands.add_parser("list-keys", help="list a platform's API keys")
    list_keys.add_argument("--platform", required=True, type=uuid.UUID)
    revoke_key = commands.add_parser("revoke-key", help="revoke an API key")
    revoke_key.add_argument("--platform", required=True, type=uuid.UUID)
    revoke_key.add_argument("key_id")
    rewrap = commands.add_parser(
        "rewrap-keys", help="re-seal every sealed signing key under a new master key"
    )
    rewrap.add_argument(
        "--new-master-key-file", required=True, help="a file holding the new key's base64"
    )
    return parser


def _rewrap(settings: IssuerSettings, new_key_file: str) -> dict[str, Any]:
    current = master_key_provider(settings)  # the master key the service runs with
    new = master_key_from_file(new_key_file, "--new-master-key-file")

    def progress(done: int, total: int) -> None:
        print(f"b4g-issuer: {done} of {total} keys checked", file=sys.stderr)

    counts = asyncio.run(
        _with_pool(settings, lambda p: key_rewrap.rewrap_keys(p, current, new, progress))
    )
    return {
        "rewrapped": counts.rewrapped,
        "alreadyUnderNewKey": counts.already,
        "heldInToken": counts.in_token,
        "newKeyRef": new.key_ref,
        "note": "run the issuers with the new master key now; the old one opens no key",
    }


async def _with_pool(
    settings: IssuerSettings, action: Callable[[asyncpg.Pool], Awaitable[Any]]
) -> Any:
    await migrate(settings.database_url, issuer_migrations())
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        return await action(pool)
    finally:
        await pool.close()


async def _with_context(settings: IssuerSettings, name: str) -> label_issuer.LabelIssuer:
    """The label issuer made as the service would make it (its keys sealed by the master key,
    `issuer.upserted` in the outbox for the relay)."""
    keys = key_provider(settings)
    await migrate(settings.database_url, issuer_migrations())
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        ctx = IssuerContext(
            pool=pool,
            keys=keys,
            base_url=settings.issuer_base_url(),
            verifier_base_url=settings.verifier_base_url.rstrip("/"),
            status_list_capacity=settings.status_list_capacity,
            rdf=rdf_canonizer(ContextStore()),
            outbox_shards=settings.outbox_shards,
        )
        return await label_issuer.create_label_issuer(ctx, name)
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
        created: dict[str, Any] = {"platformId": str(row.id), "name": row.name}
        if args.with_key:
            key = asyncio.run(
                _with_pool(settings, lambda p: platforms.create_api_key(p, row.id, name="admin"))
            )
            created |= {
                "keyId": key.key_id,
                "scopes": list(key.scopes),
                "token": key.token,
                "note": "store this token now: it is not shown again",
            }
        return created
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
    if args.command == "create-label-issuer":
        made = asyncio.run(_with_context(settings, args.name))
        return {
            "platformId": made.platform_id,
            "issuerId": made.issuer_id,
            "achievementId": made.achievement_id,
            "did": made.did,
            "keyId": made.key_id,
            "token": made.token,
            "settings": {
                "B4G_LABEL_PLATFORM_ID": made.platform_id,
                "B4G_LABEL_ISSUER_ID": made.issuer_id,
                "B4G_LABEL_ACHIEVEMENT_ID": made.achievement_id,
            },
            "note": "store this token now: it is not shown again; enrol the issuer with b4g enrol",
        }
    if args.command == "rewrap-keys":
        return _rewrap(settings, args.new_master_key_file)
    if args.command == "list-keys":
        rows = asyncio.run(
            _with_pool(settings, lambda p: platforms.list_api_keys(p, args.platform))
        )
        return [_key_json(row) for row in rows]
    row = asyncio.run(
        _with_pool(settings, lambda p: platforms.revoke_api_key(p, args.platform, args.key_id))
    )
    return _key_json(row)


def _token_opens_in_child(settings: IssuerSettings) -> bool:
    """Checks the PKCS#11 settings in a short-lived child: a PKCS#11 library must not be
    initialised in a process that then forks, so each worker opens the token itself."""
    pid = os.fork()
    if pid == 0:
        try:
            key_provider(settings)
        except SettingsError as exc:
            print(f"b4g-issuer: {exc}", file=sys.stderr)
            os._exit(2)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in (None, "serve"):
            settings = load_settings(IssuerSettings)
            # Refuse to start without a usable key provider, before binding a port.
            if settings.key_provider == "pkcs11" and settings.workers > 1:
                if not _token_opens_in_child(settings):
                    return 2
            else:
                key_provider(settings)
            serve(service_spec(), settings)
            return 0
        operator = operator_env("issuer")
        print(f"b4g-issuer: {operator.note}", file=sys.stderr)
        result = _admin(args, load_settings(IssuerSettings, operator.env))
    except (SettingsError, IssuerError, SealingError, UnknownScopeError, NoDatabase) as exc:
        print(f"b4g-issuer: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        print(f"b4g-issuer: {database_hint('issuer', exc)}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
