"""Custody of issuer signing keys: the `KeyProvider` the issuer signs through, and envelope
encryption for the local one.

A `KeyProvider` makes new signing keys and opens stored ones for signing. The local provider
keeps each seed encrypted under its own random data key (XSalsa20-Poly1305, NaCl SecretBox),
the data key sealed by a master key from settings; a hardware token (`pkcs11_keys`) keeps the
key itself and the row only names it. Every row records which provider key holds it (`key_ref`),
so a master key can be replaced by re-wrapping data keys without touching the ciphertexts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import nacl.exceptions
import nacl.secret
import nacl.utils

from b4g.core.crypto.keys import Ed25519KeyPair, Signer
from b4g.core.errors import B4GError

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE  # 32


class SealingError(B4GError):
    code = "key_unsealing_failed"


class DataKeySealer(Protocol):
    """Seals and unseals data keys; what a KMS client implements."""

    @property
    def key_ref(self) -> str: ...

    def seal_data_key(self, data_key: bytes) -> bytes: ...

    def unseal_data_key(self, sealed: bytes, key_ref: str) -> bytes: ...


class KeyProvider(Protocol):
    """Makes and opens issuer signing keys; the issuer stores only what `new_signing_key`
    returns beside the public key."""

    def new_signing_key(self) -> tuple[Signer, SealedSecret]: ...

    def signing_key(self, stored: SealedSecret) -> Signer: ...


class LocalKeyProvider:
    """Seals data keys with a 32-byte master key held in process memory. `previous` master keys
    only open (while `rewrap-keys` moves their rows to the current one, without downtime)."""

    def __init__(self, master_key: bytes, previous: Sequence[bytes] = ()) -> None:
        for key in (master_key, *previous):
            if len(key) != KEY_BYTES:
                raise ValueError(f"the master key must be {KEY_BYTES} bytes, got {len(key)}")
        self._box = nacl.secret.SecretBox(master_key)
        self._ref = _ref_of(master_key)
        self._openers = {_ref_of(key): nacl.secret.SecretBox(key) for key in previous}
        self._openers[self._ref] = self._box

    def __repr__(self) -> str:
        return f"LocalKeyProvider(key_ref={self._ref!r})"

    @property
    def key_ref(self) -> str:
        return self._ref

    def seal_data_key(self, data_key: bytes) -> bytes:
        return bytes(self._box.encrypt(data_key))

    def new_signing_key(self) -> tuple[Signer, SealedSecret]:
        pair = Ed25519KeyPair.generate()
        return pair, seal(self, pair.seed)

    def signing_key(self, stored: SealedSecret) -> Signer:
        return Ed25519KeyPair.from_seed(unseal(self, stored))

    def unseal_data_key(self, sealed: bytes, key_ref: str) -> bytes:
        box = self._openers.get(key_ref)
        if box is None:
            raise SealingError(f"data key sealed by {key_ref}, this provider is {self._ref}")
        try:
            return bytes(box.decrypt(sealed))
        except nacl.exceptions.CryptoError as exc:
            raise SealingError("sealed data key does not open") from exc


def _ref_of(master_key: bytes) -> str:
    """Names a master key without revealing it, so rows sealed by another key are refused."""
    return "local:" + hashlib.sha256(b"b4g-master-key-ref" + master_key).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SealedSecret:
    ciphertext: bytes
    sealed_data_key: bytes
    key_ref: str

    def __repr__(self) -> str:
        return f"SealedSecret(key_ref={self.key_ref!r}, ciphertext=<{len(self.ciphertext)} bytes>)"


def seal(provider: DataKeySealer, secret: bytes) -> SealedSecret:
    data_key = nacl.utils.random(KEY_BYTES)
    ciphertext = bytes(nacl.secret.SecretBox(data_key).encrypt(secret))
    return SealedSecret(ciphertext, provider.seal_data_key(data_key), provider.key_ref)


def unseal(provider: DataKeySealer, sealed: SealedSecret) -> bytes:
    data_key = provider.unseal_data_key(sealed.sealed_data_key, sealed.key_ref)
    try:
        return bytes(nacl.secret.SecretBox(data_key).decrypt(sealed.ciphertext))
    except nacl.exceptions.CryptoError as exc:
        raise SealingError("sealed secret does not open") from exc


def insecure_dev_master_key() -> bytes:
    """A fixed, publicly known key for local development only (the caller warns loudly)."""
    return hashlib.sha256(b"b4g insecure development master key - never use in production").digest()
