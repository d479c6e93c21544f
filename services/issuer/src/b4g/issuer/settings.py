"""Settings of the issuer service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

from b4g.core.infra.settings import BaseSettings

# Bitstring Status List v1.0 minimum: 131,072 entries (16 KB) give herd privacy.
STATUS_LIST_LENGTH = 131_072


class IssuerSettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "issuer"
    port: int = 8001
    # Envelope encryption of issuer signing keys: base64 of 32 bytes, or a file holding it.
    master_key: str = ""
    master_key_file: str = ""
    # While replacing the master key: a file holding the previous one, which then only opens.
    previous_master_key_file: str = ""
    # Development only: derive a fixed master key instead of refusing to start (loud warning).
    dev_insecure_master_key: bool = False
    # Where signing keys live: "local" (sealed by the master key, in the database) or "pkcs11"
    # (generated and used inside a PKCS#11 token: the module's path, the token's label and
    # its user PIN, or a file holding the PIN).
    key_provider: str = "local"
    pkcs11_module: str = ""
    pkcs11_token_label: str = ""
    pkcs11_pin: str = ""
    pkcs11_pin_file: str = ""
    # Where the verifier serves status lists: credentials point at `<this>/status/<list-id>`.
    verifier_base_url: str = "http://127.0.0.1:8002"
    # How many indexes of each list are handed out before a new list is opened. The encoded
    # list always has STATUS_LIST_LENGTH entries; a smaller capacity only exists for tests.
    status_list_capacity: int = STATUS_LIST_LENGTH
    # Random probes before falling back to a scan of the free indexes of a list.
    status_list_probes: int = 8

    # Status changes are published by re-signing each changed list at most once per this many
    # seconds (a burst of revocations becomes one new list version, not one each).
    status_publish_interval: float = 0.2

    # Issuance requests arriving together are issued together (one transaction, shared round
    # trips): how many batches run at once per process, and the most requests in one.
    issue_batch_lanes: int = 2
    issue_batch_max: int = 64

    # Bulk jobs: concurrent row loops per process (0: this replica issues no bulk rows), and
    # how long an idle loop waits before looking for pending rows again.
    bulk_workers: int = 2
    bulk_poll_interval: float = 0.2

    # The network's own issuer issues the Quality Label badge on `label.granted` events (all
    # three set, or none: then the label consumer does not run).
    label_platform_id: str = ""
    label_issuer_id: str = ""
    label_achievement_id: str = ""

    # Enrolment: the registries (their challenge `domain`, e.g. https://registry.example) whose
    # DID-control challenges the issuer signs and submits to, comma-separated; empty: any.
    enrolment_registries: str = ""

    def __post_init__(self) -> None:
        # Checked when settings load, so a misconfigured process stops before it starts anything.
        if self.key_provider not in ("local", "pkcs11"):
            raise ValueError("B4G_KEY_PROVIDER must be local or pkcs11")
        if self.key_provider == "pkcs11":
            if not (self.pkcs11_module and self.pkcs11_token_label):
                raise ValueError(
                    "B4G_KEY_PROVIDER=pkcs11 needs B4G_PKCS11_MODULE (the token's library) "
                    "and B4G_PKCS11_TOKEN_LABEL"
                )
            if not (self.pkcs11_pin or self.pkcs11_pin_file):
                raise ValueError("B4G_KEY_PROVIDER=pkcs11 needs B4G_PKCS11_PIN or _PIN_FILE")
        elif not (self.master_key or self.master_key_file or self.dev_insecure_master_key):
            raise ValueError(
                "no master key: set B4G_MASTER_KEY (base64 of 32 random bytes, e.g. "
                "`head -c32 /dev/urandom | base64`) or B4G_MASTER_KEY_FILE; for local "
                "development only, B4G_DEV_INSECURE_MASTER_KEY=true"
            )
        if self.status_publish_interval <= 0:
            raise ValueError("status_publish_interval must be positive")
        if self.issue_batch_lanes < 1 or self.issue_batch_max < 1:
            raise ValueError("issue_batch_lanes and issue_batch_max must be at least 1")
        if self.status_list_capacity < 1 or self.status_list_capacity > STATUS_LIST_LENGTH:
            raise ValueError(f"status_list_capacity must be within 1..{STATUS_LIST_LENGTH}")

    def enrolment_registry_domains(self) -> tuple[str, ...]:
        return tuple(
            part.strip().rstrip("/")
            for part in self.enrolment_registries.split(",")
            if part.strip()
        )

    def issuer_base_url(self) -> str:
        """The public base URL of this service (did:web identifiers are derived from it)."""
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")
