"""Typed settings read from the environment (prefix `B4G_`), built once in the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from b4g.core.errors import B4GError


class SettingsError(B4GError):
    code = "invalid_settings"


class BaseSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What every service process needs; services extend it with their own fields."""

    service_name: str = "b4g"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    database_pool_min: int = 1
    database_pool_max: int = 10
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    public_base_url: str = ""
    migrate_on_start: bool = True
    run_relay: bool = True
    run_consumers: bool = True
    outbox_shards: int = 16
    relay_batch_size: int = 500
    relay_poll_interval: float = 0.5
    # Published outbox rows are kept this long (for inspection; Kafka has the events), then purged.
    outbox_retention_seconds: float = 3600.0
    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter_otlp_endpoint: str = ""
    # Requests a second (on average; `burst` at once) one client may make to public endpoints,
    # per process; 0 turns the limit off.
    public_rate_limit: float = 50.0
    public_rate_burst: float = 200.0
    deployment_environment: str = "development"  # resource attribute deployment.environment.name
    shutdown_grace_seconds: float = 10.0
    # Outbound fetching (did:web documents, status lists, schemas) is https-only and
    # public-address-only; these relax it for local development, comma separated.
    fetch_allow_http_origins: str = ""
    fetch_allow_private_hosts: str = ""
    # Worker processes serving one socket (one event loop, so one core, each).
    workers: int = 1
    # Serve HTTPS directly (PEM files) instead of behind a TLS-terminating proxy.
    tls_cert_file: str = ""
    tls_key_file: str = ""


S = TypeVar("S", bound=BaseSettings)

# Un-prefixed names that tools and platforms set conventionally.
_ALIASES = {
    "database_url": "DATABASE_URL",
    "kafka_bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS",
    "otel_exporter_otlp_endpoint": "OTEL_EXPORTER_OTLP_ENDPOINT",
}


def load_settings(
    cls: type[S], env: Mapping[str, str] | None = None, *, prefix: str = "B4G_", **overrides: Any
) -> S:
    """Build `cls` from `B4G_<FIELD>` variables (and a few conventional aliases), then overrides."""
    source = os.environ if env is None else env
    values: dict[str, Any] = {}
    for field in msgspec.structs.fields(cls):
        name = field.name
        raw = source.get(prefix + name.upper())
        if raw is None and name in _ALIASES:
            raw = source.get(_ALIASES[name])
        if raw is not None:
            values[name] = raw
    values.update(overrides)
    try:
        return msgspec.convert(values, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid setting: {exc}") from exc
