"""Composition root of the issuer service: what it serves and what it is built from."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Sequence
from pathlib import Path

from litestar.di import Provide

from b4g.core.infra.fetch import policy_for
from b4g.core.infra.migrate import Migration, load_migrations
from b4g.core.infra.service import Loop, Runtime, ServiceSpec
from b4g.core.infra.settings import SettingsError
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.issuer.api.auth import provide_principal
from b4g.issuer.api.routes import ROUTES
from b4g.issuer.consumers.labels import label_consumers
from b4g.issuer.domain.sealing import (
    KEY_BYTES,
    KeyProvider,
    LocalKeyProvider,
    insecure_dev_master_key,
)
from b4g.issuer.pkcs11_keys import Pkcs11KeyProvider
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases import bulk
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance_queue import IssuanceBatcher
from b4g.issuer.usecases.republish import republish_state
from b4g.issuer.usecases.status_publishing import run_publisher

log = logging.getLogger(__name__)


def issuer_migrations() -> list[Migration]:
    return load_migrations("b4g.issuer", "b4g.issuer.store.migrations")


def key_provider(settings: IssuerSettings) -> KeyProvider:
    """Where signing keys are made and used (B4G_KEY_PROVIDER): sealed by the master key, or in
    a PKCS#11 token (then a configured master key still opens the rows sealed before it)."""
    if settings.key_provider != "pkcs11":
        return master_key_provider(settings)
    pin = settings.pkcs11_pin
    if not pin:
        try:
            pin = Path(settings.pkcs11_pin_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"B4G_PKCS11_PIN_FILE cannot be read: {exc}") from exc
    has_master = bool(settings.master_key or settings.master_key_file)
    return Pkcs11KeyProvider(
        settings.pkcs11_module,
        settings.pkcs11_token_label,
        pin,
        fallback=master_key_provider(settings) if has_master else None,
    )


def master_key_provider(settings: IssuerSettings) -> LocalKeyProvider:
    """The master-key provider; refuses to run without a configured master key."""
    raw = settings.master_key.strip()
    previous = []
    if settings.previous_master_key_file:
        path, what = settings.previous_master_key_file, "B4G_PREVIOUS_MASTER_KEY_FILE"
        previous.append(_decode_master_key(_read_key_file(path, what), what))
    if not raw and settings.master_key_file:
        raw = _read_key_file(settings.master_key_file, "B4G_MASTER_KEY_FILE")
        return LocalKeyProvider(_decode_master_key(raw, "B4G_MASTER_KEY_FILE"), previous)
    if raw:
        return LocalKeyProvider(_decode_master_key(raw, "B4G_MASTER_KEY"), previous)
    if settings.dev_insecure_master_key:
        log.warning(
            "INSECURE: issuer signing keys are sealed with a publicly known development master "
            "key (B4G_DEV_INSECURE_MASTER_KEY=true). Never use this outside local development; "
            "set B4G_MASTER_KEY (base64 of 32 random bytes) or B4G_MASTER_KEY_FILE instead."
        )
        return LocalKeyProvider(insecure_dev_master_key())
    raise SettingsError("no master key configured (B4G_MASTER_KEY or B4G_MASTER_KEY_FILE)")


def master_key_from_file(path: str, what: str) -> LocalKeyProvider:
    """A master key from a file holding its base64 (`what` names the setting or option)."""
    return LocalKeyProvider(_decode_master_key(_read_key_file(path, what), what))


def _read_key_file(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{what} cannot be read: {exc}") from exc


def _decode_master_key(raw: str, what: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SettingsError(f"{what} must hold base64") from exc
    if len(key) != KEY_BYTES:
        raise SettingsError(f"{what} must decode to {KEY_BYTES} bytes")
    return key


def build_context(runtime: Runtime[IssuerSettings]) -> IssuerContext:
    settings = runtime.settings
    return IssuerContext(
        pool=runtime.require_pool(),
        keys=key_provider(settings),
        base_url=settings.issuer_base_url(),
        verifier_base_url=settings.verifier_base_url.rstrip("/"),
        status_list_capacity=settings.status_list_capacity,
        rdf=rdf_canonizer(ContextStore()),
        status_list_probes=settings.status_list_probes,
        outbox_shards=settings.outbox_shards,
        fetch_policy=policy_for(settings),
        enrolment_registries=settings.enrolment_registry_domains(),
    )


class QueueCell:
    """Holds the process's issuance queue, made with the context at start-up."""

    def __init__(self) -> None:
        self.batcher: IssuanceBatcher | None = None


def service_spec() -> ServiceSpec[IssuerSettings, IssuerContext]:
    cell = QueueCell()

    def open_context(runtime: Runtime[IssuerSettings]) -> IssuerContext:
        ctx = build_context(runtime)
        cell.batcher = IssuanceBatcher(
            ctx,
            tracer=runtime.telemetry.tracer("b4g.issuer.issuance"),
            max_batch=runtime.settings.issue_batch_max,
        )
        return ctx

    def loops(runtime: Runtime[IssuerSettings], ctx: IssuerContext) -> Sequence[Loop]:
        settings = runtime.settings
        batcher = cell.batcher
        assert batcher is not None  # made by open_context, which runs first
        found = [
            Loop(
                "status-list publisher",
                lambda: run_publisher(ctx, interval=settings.status_publish_interval),
            ),
            Loop("issuance batches", lambda: batcher.run(lanes=settings.issue_batch_lanes)),
        ]
        if settings.bulk_workers > 0:
            found.append(
                Loop(
                    "bulk jobs",
                    lambda: bulk.run_worker(
                        ctx,
                        lanes=settings.bulk_workers,
                        batch=settings.issue_batch_max,
                        poll_interval=settings.bulk_poll_interval,
                    ),
                )
            )
        return found

    return ServiceSpec(
        name="issuer",
        title="Badges4Good issuer",
        description=(
            "Badge platforms issue, revoke and publish Open Badges 3.0 credentials. "
            "Authenticate with `Authorization: Bearer <API key>` (created with "
            "`b4g-issuer create-key`); DID documents and JWKS are public."
        ),
        version="0.1.0",
        route_handlers=ROUTES,
        build_context=open_context,
        republish=republish_state,
        public_paths=(r"/issuers/[^/]+/(did|jwks)\.json",),
        migrations=issuer_migrations(),
        background=loops,
        consumers=label_consumers,
        dependencies={"principal": Provide(provide_principal)},
        extra_state={"issuer": cell},
    )
