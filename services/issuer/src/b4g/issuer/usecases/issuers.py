"""Issuer profiles and their signing keys: create, update, rotate, mark compromised, publish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from b4g.core.crypto.keys import Signer
from b4g.core.crypto.multikey import encode_public
from b4g.core.events.payloads import IssuerUpsertedV1, VerificationMethodV1
from b4g.core.events.topics import ISSUER_UPSERTED
from b4g.core.infra.db import Conn
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.errors import (
    InvalidRequest,
    IssuerNotFound,
    KeyNotFound,
    RotationUnsupported,
)
from b4g.issuer.domain.identifiers import (
    did_document,
    did_key_for,
    did_web_for,
    verification_method_id,
)
from b4g.issuer.domain.profiles import Issuer, PublicKey
from b4g.issuer.domain.sealing import SealedSecret
from b4g.issuer.domain.signing_keys import public_jwk
from b4g.issuer.store import issuers as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.events import record_event
from b4g.issuer.usecases.records import record

DID_METHODS = ("web", "key")


@dataclass(frozen=True, slots=True)
class IssuerDetails:
    issuer: Issuer
    keys: list[PublicKey]  # every key with its state, never the secrets

    @property
    def profile(self) -> dict[str, Any]:
        return self.issuer.document


def details(issuer: store.IssuerRow, keys: list[store.KeyRow]) -> IssuerDetails:
    return IssuerDetails(record(Issuer, issuer), [record(PublicKey, key) for key in keys])


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The active key of an issuer, opened for one use (unsealed, or a handle on a key in a
    token); never stored or logged."""

    verification_method: str
    pair: Signer

    def __repr__(self) -> str:
        return f"SigningKey(verification_method={self.verification_method!r})"


async def create_issuer(
    ctx: IssuerContext,
    principal: Principal,
    *,
    profile: dict[str, Any],
    did_method: str = "web",
    allow_suspension: bool = False,
) -> IssuerDetails:
    if did_method not in DID_METHODS:
        raise InvalidRequest(f"didMethod must be one of {', '.join(DID_METHODS)}")
    issuer_id = uuid.uuid4()
    new_key = ctx.keys.new_signing_key()
    multibase = encode_public(new_key[0].public_key)
    did = did_web_for(ctx.base_url, issuer_id) if did_method == "web" else did_key_for(multibase)
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await store.insert_issuer(
            conn,
            issuer_id=issuer_id,
            platform_id=principal.platform_id,
            did=did,
            did_method=did_method,
            profile=profile,
            allow_suspension=allow_suspension,
        )
        await _add_key(conn, ctx, issuer, new_key)
        return await publish_profile(conn, ctx, issuer)


async def update_profile(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID, profile: dict[str, Any]
) -> IssuerDetails:
    async with ctx.pool.acquire() as conn, conn.transaction():
        await _locked(conn, principal, issuer_id)
        issuer = await store.update_profile(conn, issuer_id, profile)
        return await publish_profile(conn, ctx, issuer)


async def rotate_key(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID
) -> IssuerDetails:
    """A new key signs from now on; the old one stays in the DID document, retired."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await _locked(conn, principal, issuer_id)
        if issuer.did_method == "key":
            raise RotationUnsupported("a did:key is its key; create a new issuer instead")
        await store.retire_active_key(conn, issuer_id)
        await _add_key(conn, ctx, issuer, ctx.keys.new_signing_key())
        return await publish_profile(conn, ctx, await store.touch_issuer(conn, issuer_id))


async def mark_key_compromised(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID, key_id: uuid.UUID
) -> IssuerDetails:
    """The key leaves the DID document, so nothing it signed verifies any more. When it was the
    signing key, a new key replaces it in the same transaction."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await _locked(conn, principal, issuer_id)
        if issuer.did_method == "key":
            raise RotationUnsupported("a did:key cannot drop its only key; retire the issuer")
        before = {key.id: key for key in await store.list_keys(conn, issuer_id)}
        if key_id not in before:
            raise KeyNotFound(f"no key {key_id} for issuer {issuer_id}")
        await store.mark_compromised(conn, issuer_id, key_id)
        if before[key_id].state == "active":
            await _add_key(conn, ctx, issuer, ctx.keys.new_signing_key())
        return await publish_profile(conn, ctx, await store.touch_issuer(conn, issuer_id))


async def get_issuer(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID
) -> IssuerDetails:
    async with ctx.pool.acquire() as conn:
        issuer = await store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        return details(issuer, await store.list_keys(conn, issuer_id))


async def list_issuers(
    ctx: IssuerContext, principal: Principal, *, limit: int, offset: int
) -> list[IssuerDetails]:
    async with ctx.pool.acquire() as conn:
        rows = await store.list_issuers(conn, principal.platform_id, limit=limit, offset=offset)
        return [details(row, await store.list_keys(conn, row.id)) for row in rows]


async def public_did_document(ctx: IssuerContext, issuer_id: uuid.UUID) -> dict[str, Any]:
    """The did:web document: every key that may still verify (active and retired)."""
    async with ctx.pool.acquire() as conn:
        issuer = await store.get_issuer(conn, issuer_id, platform_id=None)
        if issuer is None or issuer.did_method != "web":
            raise IssuerNotFound(f"no did:web issuer {issuer_id}")
        keys = await store.list_keys(conn, issuer_id)
    return did_document(
        issuer.did,
        [(k.verification_method, k.public_key_multibase) for k in keys if k.state != "compromised"],
        authentication=[k.verification_method for k in keys if k.state == "active"],
    )


async def public_jwks(ctx: IssuerContext, issuer_id: uuid.UUID) -> dict[str, Any]:
    """JWKS of the keys that may still verify, for VC-JWT consumers (kid = verification method)."""
    async with ctx.pool.acquire() as conn:
        issuer = await store.get_issuer(conn, issuer_id, platform_id=None)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        keys = await store.list_keys(conn, issuer_id)
    return {
        "keys": [
            public_jwk(key.public_key_multibase, key.verification_method)
            for key in keys
            if key.state != "compromised"
        ]
    }


async def signing_key(conn: Conn, ctx: IssuerContext, issuer_id: uuid.UUID) -> SigningKey:
    key = await store.active_key(conn, issuer_id)
    if key is None:
        raise KeyNotFound(f"issuer {issuer_id} has no active key")
    return open_signing_key(ctx, key)


def open_signing_key(ctx: IssuerContext, key: store.KeyRow) -> SigningKey:
    stored = SealedSecret(key.sealed_seed, key.sealed_data_key, key.key_ref)
    return SigningKey(key.verification_method, ctx.keys.signing_key(stored))


async def _locked(conn: Conn, principal: Principal, issuer_id: uuid.UUID) -> store.IssuerRow:
    issuer = await store.get_issuer(conn, issuer_id, platform_id=principal.platform_id, lock=True)
    if issuer is None:
        raise IssuerNotFound(f"no issuer {issuer_id}")
    return issuer


async def _add_key(
    conn: Conn, ctx: IssuerContext, issuer: store.IssuerRow, new_key: tuple[Signer, SealedSecret]
) -> store.KeyRow:
    signer, sealed = new_key
    multibase = encode_public(signer.public_key)
    return await store.insert_key(
        conn,
        key_id=uuid.uuid4(),
        issuer_id=issuer.id,
        verification_method=verification_method_id(issuer.did, multibase),
        public_key_multibase=multibase,
        sealed_seed=sealed.ciphertext,
        sealed_data_key=sealed.sealed_data_key,
        key_ref=sealed.key_ref,
    )


async def publish_profile(conn: Conn, ctx: IssuerContext, issuer: store.IssuerRow) -> IssuerDetails:
    """`issuer.upserted` with the profile and every key with its state, in this transaction."""
    published = details(issuer, await store.list_keys(conn, issuer.id))
    payload = IssuerUpsertedV1(
        issuer_id=str(issuer.id),
        did=issuer.did,
        profile=published.profile,
        verification_methods=[
            VerificationMethodV1(
                id=key.verification_method,
                public_key_multibase=key.public_key_multibase,
                state=key.state,
            )
            for key in published.keys
        ],
    )
    await record_event(
        conn,
        ctx,
        event_type=ISSUER_UPSERTED,
        key=str(issuer.id),
        payload=payload,
        subject=issuer.did,
    )
    return published
