"""Composition root of the registry service: its context, what it serves, which events it
consumes and which loops it runs."""

from __future__ import annotations

import logging

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.fetch import SafeFetcher, policy_for
from b4g.core.infra.migrate import load_migrations
from b4g.core.infra.service import Runtime, ServiceSpec
from b4g.core.infra.settings import SettingsError
from b4g.registry.api.routes import ROUTES
from b4g.registry.consumers.expiry import expiry_loops
from b4g.registry.consumers.issuer_events import consumers
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases.context import RegistryContext, registry_context
from b4g.registry.usecases.republish import republish_state

log = logging.getLogger(__name__)


def build_registry_context(runtime: Runtime[RegistrySettings]) -> RegistryContext:
    """One context per process: one trust cache, one signing key, one shard count; did:web
    documents (proofs of control, monitoring) come through the guarded fetcher."""
    fetcher = SafeFetcher(policy_for(runtime.settings))
    return registry_context(
        runtime.require_pool(),
        runtime.settings,
        fetch=fetcher.fetch_json,
        signing_key=signing_key(runtime.settings),
    )


def signing_key(settings: RegistrySettings) -> Ed25519KeyPair | None:
    """The snapshot's signing key; without one the registry still serves (503 on the snapshot
    and its key), and says why."""
    try:
        key = settings.signing_key()
    except SettingsError as exc:
        log.error("registry signing key unusable: %s", exc)
        return None
    if key is None:
        log.warning(
            "no registry signing key (B4G_REGISTRY_SIGNING_SEED[_FILE]): the snapshot and "
            "/.well-known/registry-key answer 503"
        )
    return key


def service_spec() -> ServiceSpec[RegistrySettings, RegistryContext]:
    return ServiceSpec(
        name="registry",
        title="Badges4Good registry",
        description=(
            "The trust registry of badge issuers and their Quality Label for badge recognition."
        ),
        version="0.1.0",
        route_handlers=ROUTES,
        build_context=build_registry_context,
        republish=republish_state,
        public_paths=(
            r"/trust/.+",
            r"/directory",
            r"/trqp/(authorization|recognition)",
            r"/snapshot",
            r"/\.well-known/registry-key",
            r"/organisations/[^/]+/(public|page)",
            r"/labels",
        ),
        migrations=load_migrations("b4g.registry", "b4g.registry.store.migrations"),
        background=expiry_loops,
        consumers=consumers,
    )
