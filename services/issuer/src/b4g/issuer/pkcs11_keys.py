"""Issuer signing keys in a PKCS#11 token (a hardware security module; SoftHSM2 in tests).

Each key is an Ed25519 pair generated inside the token (CKM_EC_EDWARDS_KEY_PAIR_GEN on the
edwards25519 curve), its private half sensitive and never extractable, and every signature is
made inside the token (CKM_EDDSA). A key row stores only the public key and the key's label,
written in `key_ref` as an RFC 7512 URI (`pkcs11:token=...;object=...`); its sealed columns
stay empty. Outside the domain layer because every call here talks to the token.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from typing import cast
from urllib.parse import quote, unquote

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.exceptions import PKCS11Error, UserAlreadyLoggedIn
from pkcs11.types import SignMixin
from pkcs11.util.ec import encode_named_curve_parameters

from b4g.core.crypto.keys import Signer
from b4g.core.crypto.multikey import encode_public
from b4g.core.infra.settings import SettingsError
from b4g.issuer.domain.sealing import KeyProvider, SealedSecret, SealingError

# id-Ed25519 (RFC 8410), the OID PKCS#11 3.0 names for the edwards25519 curve.
EDWARDS25519 = encode_named_curve_parameters("1.3.101.112")
REF_PREFIX = "pkcs11:"


class TokenKeyError(SealingError):
    code = "hsm_key_failed"


class TokenKey:
    """A private key that stays in the token: signing sends the message there."""

    __slots__ = ("_key", "_lock", "public_key")

    def __init__(self, key: SignMixin, public_key: bytes, lock: threading.Lock) -> None:
        self._key = key
        self._lock = lock
        self.public_key = public_key

    def sign(self, message: bytes) -> bytes:
        # One session serves the process; PKCS#11 sessions are not to be used concurrently.
        with self._lock:
            return bytes(self._key.sign(message, mechanism=Mechanism.EDDSA))

    def __repr__(self) -> str:
        return f"TokenKey(public={encode_public(self.public_key)})"


def _raw_point(point: bytes) -> bytes:
    """CKA_EC_POINT of an Ed25519 key: DER OCTET STRING of the 32 bytes (some tokens: raw)."""
    if len(point) == 34 and point[:2] == b"\x04\x20":
        return point[2:]
    if len(point) == 32:
        return point
    raise TokenKeyError("the token returned an Ed25519 public key of an unexpected form")


# Login is per process, not per session: one logged-in session per token serves every provider
# of this process (the start-up check and the service), with the PIN it was opened with.
_SESSIONS: dict[tuple[str, str], tuple[pkcs11.Session, str, threading.Lock]] = {}


def _logged_in(
    token: pkcs11.Token, module: str, label: str, pin: str
) -> tuple[pkcs11.Session, threading.Lock]:
    digest = hashlib.sha256(pin.encode()).hexdigest()
    known = _SESSIONS.get((module, label))
    if known is not None:
        session, known_digest, lock = known
        if not hmac.compare_digest(digest, known_digest):
            raise SettingsError(f"cannot log in to token {label!r}: the PIN is not the one in use")
        return session, lock
    try:
        session = token.open(user_pin=pin, rw=True)
    except UserAlreadyLoggedIn:
        session = token.open(rw=True)  # logged in by this process outside the issuer
    except PKCS11Error as exc:
        raise SettingsError(f"cannot log in to token {label!r}: {type(exc).__name__}") from exc
    lock = threading.Lock()
    _SESSIONS[(module, label)] = (session, digest, lock)
    return session, lock


class Pkcs11KeyProvider:
    """Generates and signs with keys in one token, logged in as its user for the process's life.
    Rows sealed by a master key (`local:` refs, from before the token) open with `fallback`."""

    def __init__(
        self, module: str, token_label: str, pin: str, *, fallback: KeyProvider | None = None
    ) -> None:
        try:
            lib = pkcs11.lib(module)
        except PKCS11Error as exc:
            raise SettingsError(f"B4G_PKCS11_MODULE cannot be loaded ({module})") from exc
        try:
            token = lib.get_token(token_label=token_label)
        except PKCS11Error as exc:
            raise SettingsError(
                f"no PKCS#11 token labelled {token_label!r} (B4G_PKCS11_TOKEN_LABEL)"
            ) from exc
        self._session, self._lock = _logged_in(token, module, token_label, pin)
        self._token = token_label
        self._fallback = fallback
        self._open: dict[str, TokenKey] = {}

    def __repr__(self) -> str:
        return f"Pkcs11KeyProvider(token={self._token!r})"

    def _ref(self, label: str) -> str:
        return f"{REF_PREFIX}token={quote(self._token, safe='')};object={quote(label, safe='')}"

    def new_signing_key(self) -> tuple[Signer, SealedSecret]:
        label = f"b4g-issuer-{uuid.uuid4()}"
        with self._lock:
            try:
                public, private = self._session.generate_keypair(
                    KeyType.EC_EDWARDS,
                    0,
                    mechanism=Mechanism.EC_EDWARDS_KEY_PAIR_GEN,
                    store=True,
                    label=label,
                    public_template={Attribute.EC_PARAMS: EDWARDS25519, Attribute.VERIFY: True},
                    private_template={
                        Attribute.SENSITIVE: True,
                        Attribute.EXTRACTABLE: False,
                        Attribute.SIGN: True,
                    },
                )
                point = _raw_point(bytes(public[Attribute.EC_POINT]))
            except PKCS11Error as exc:
                raise TokenKeyError(
                    f"the token could not generate a key ({type(exc).__name__})"
                ) from exc
        key = TokenKey(cast(SignMixin, private), point, self._lock)
        self._open[label] = key
        return key, SealedSecret(b"", b"", self._ref(label))

    def signing_key(self, stored: SealedSecret) -> Signer:
        if not stored.key_ref.startswith(REF_PREFIX):
            if self._fallback is None:
                raise SealingError(f"key held by {stored.key_ref}, this provider is a token")
            return self._fallback.signing_key(stored)
        label = self._label(stored.key_ref)
        key = self._open.get(label)
        if key is None:
            key = self._find(label)
            self._open[label] = key
        return key

    def _label(self, key_ref: str) -> str:
        parts = dict(p.split("=", 1) for p in key_ref[len(REF_PREFIX) :].split(";") if "=" in p)
        if unquote(parts.get("token", "")) != self._token or "object" not in parts:
            raise SealingError(f"key {key_ref} is not in token {self._token!r}")
        return unquote(parts["object"])

    def _find(self, label: str) -> TokenKey:
        with self._lock:
            try:
                private = self._session.get_key(ObjectClass.PRIVATE_KEY, label=label)
                public = self._session.get_key(ObjectClass.PUBLIC_KEY, label=label)
                point = _raw_point(bytes(public[Attribute.EC_POINT]))
            except PKCS11Error as exc:
                raise TokenKeyError(f"key {label} cannot be found in the token") from exc
        return TokenKey(cast(SignMixin, private), point, self._lock)
