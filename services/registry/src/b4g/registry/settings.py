"""Settings of the registry service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.settings import BaseSettings, SettingsError

# The authority this registry answers for in TRQP queries when none is configured.
DEFAULT_AUTHORITY = "urn:b4g:registry"


class RegistrySettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "registry"
    port: int = 8003
    # The Ed25519 seed (base64 of 32 bytes, or a file holding it) that signs the public
    # snapshot; its did:key is published at /.well-known/registry-key. Without it the snapshot
    # and the key are not served (503): an unconfigured process never signs with a throwaway key.
    registry_signing_seed: str = ""
    registry_signing_seed_file: str = ""
    # The snapshot is rebuilt at most this often (seconds), and only when trust changed.
    snapshot_min_interval: float = 5.0
    # TRQP: the id of the authority this registry speaks for (default: the public base URL),
    # and the other authorities it recognises (comma-separated ids).
    trqp_authority_id: str = ""
    trqp_recognised_authorities: str = ""

    def __post_init__(self) -> None:
        # Checked when settings load (msgspec reports ValueError as an invalid setting).
        if self.registry_signing_seed:
            try:
                _decode_seed(self.registry_signing_seed, "B4G_REGISTRY_SIGNING_SEED")
            except SettingsError as exc:
                raise ValueError(str(exc)) from None
        if self.snapshot_min_interval < 0:
            raise ValueError("snapshot_min_interval must not be negative")

    def authority_id(self) -> str:
        return self.trqp_authority_id or self.public_base_url.rstrip("/") or DEFAULT_AUTHORITY

    def recognised_authorities(self) -> frozenset[str]:
        return frozenset(
            part.strip() for part in self.trqp_recognised_authorities.split(",") if part.strip()
        )

    def signing_key(self) -> Ed25519KeyPair | None:
        """The registry's snapshot signing key, or None when none is configured."""
        if self.registry_signing_seed:
            return Ed25519KeyPair.from_seed(
                _decode_seed(self.registry_signing_seed, "B4G_REGISTRY_SIGNING_SEED")
            )
        if self.registry_signing_seed_file:
            try:
                raw = Path(self.registry_signing_seed_file).read_text(encoding="ascii")
            except (OSError, UnicodeDecodeError) as exc:
                raise SettingsError(
                    f"B4G_REGISTRY_SIGNING_SEED_FILE cannot be read: {exc}"
                ) from exc
            return Ed25519KeyPair.from_seed(_decode_seed(raw, "B4G_REGISTRY_SIGNING_SEED_FILE"))
        return None


def _decode_seed(raw: str, name: str) -> bytes:
    # The message never repeats the value: it is a secret.
    try:
        seed = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SettingsError(f"{name} must be base64 of 32 bytes") from exc
    if len(seed) != 32:
        raise SettingsError(f"{name} must decode to 32 bytes")
    return seed
