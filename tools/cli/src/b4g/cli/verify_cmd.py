"""`b4g verify`: a credential checked online, through the SSRF-guarded fetcher whose policy only
the user's flags relax (plain-http origins, private hosts), with issuer trust from the registry
the user names (or the running local stack's origins and registry with --local-stack)."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec

from b4g.core.did.resolver import DidResolver, VerificationMethodResolution
from b4g.core.infra.fetch import FetchPolicy, SafeFetcher
from b4g.core.infra.localstack import STACK_FILE, state_dir
from b4g.core.infra.schemas import SchemaSource
from b4g.core.jsonld.documents import ContextStore
from b4g.core.verification import VerificationResult, Verifier, decide

from . import registry_trust as registry_trust_module

EXIT_OK, EXIT_FAILED, EXIT_UNCHECKED = 0, 1, 3
ReadPresented = Callable[[str], "dict[str, Any] | str"]


def add_verify_parser(
    commands: Any, read_presented: ReadPresented, usage_error: type[Exception]
) -> None:
    verify = commands.add_parser("verify", help="verify a credential (JSON-LD or VC-JWT)")
    verify.add_argument(
        "--schema-dir", help="pinned JSON Schemas, named as the last segment of their URL"
    )
    verify.add_argument(
        "--allow-http-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="fetch from this plain-http origin, e.g. http://127.0.0.1:8001 (repeatable)",
    )
    verify.add_argument(
        "--allow-private-host",
        action="append",
        default=[],
        metavar="HOST",
        help="allow this host to resolve to a private or loopback address (repeatable)",
    )
    verify.add_argument("--registry", help="the Badges4Good registry's base URL (issuer trust)")
    verify.add_argument(
        "--local-stack",
        action="store_true",
        help="verify a badge of the running `make run` stack: its origins, loopback, registry",
    )
    verify.add_argument("file", help="the credential, or - for standard input")
    verify.set_defaults(run=lambda args: cmd_verify(args, read_presented, usage_error))


def cmd_verify(
    args: argparse.Namespace, read_presented: ReadPresented, usage_error: type[Exception]
) -> int:
    schema_dir = Path(args.schema_dir) if args.schema_dir else None
    origins, hosts, registry = list(args.allow_http_origin), list(args.allow_private_host), None
    if args.local_stack:
        origins, hosts, registry = local_stack_access(origins, hosts, usage_error)
    policy = FetchPolicy(allow_http_origins=tuple(origins), allow_private_hosts=tuple(hosts))
    result = asyncio.run(
        verify_online(
            read_presented(args.file), schema_dir, policy=policy, registry=args.registry or registry
        )
    )
    output = msgspec.to_builtins(result)
    output.pop("credential", None)
    print(json.dumps(output, indent=2))
    if decide(result.checks):
        return EXIT_OK
    if any(c.state == "fail" for c in result.checks):
        return EXIT_FAILED
    return EXIT_UNCHECKED


def local_stack_access(
    origins: list[str], hosts: list[str], usage_error: type[Exception]
) -> tuple[list[str], list[str], str | None]:
    """The origins of the running `make run` stack (from its state folder), loopback, and its
    registry: what verifying one of its badges fully needs."""
    path = state_dir() / STACK_FILE
    try:
        services = json.loads(path.read_text())["services"]
        bases = {name: str(env["B4G_PUBLIC_BASE_URL"]) for name, env in services.items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise usage_error(
            f"no running local stack found ({path}: {exc}); start `make run`"
        ) from exc
    return [*origins, *bases.values()], [*hosts, "127.0.0.1", "localhost"], bases.get("registry")


async def verify_online(
    presented: dict[str, Any] | str,
    schema_dir: Path | None = None,
    *,
    policy: FetchPolicy | None = None,
    registry: str | None = None,
) -> VerificationResult:
    """did:web documents, status lists and schemas come through the SSRF-guarded fetcher (its
    policy relaxed only by the user's flags); trust from the registry the user names."""
    async with (
        SafeFetcher(policy or FetchPolicy()) as fetcher,
        httpx.AsyncClient(timeout=registry_trust_module.TIMEOUT, trust_env=False) as client,
    ):
        resolver = DidResolver(fetcher.fetch_json)

        async def resolve_method(
            vm: str, purpose: str, controller: str | None
        ) -> VerificationMethodResolution:
            return await resolver.resolve_verification_method(
                vm, purpose=purpose, expected_controller=controller
            )

        verifier = Verifier(
            store=ContextStore(),
            resolve_key=resolver.resolve_key,
            status_fetcher=fetcher.fetch_json,
            schemas=SchemaSource(fetcher, schema_dir),
            resolve_method=resolve_method,
            jwks_fetcher=fetcher.fetch_json,
            trust=registry_trust_module.registry_trust(client, registry) if registry else None,
        )
        return await verifier.verify(presented, now=datetime.now(UTC))
