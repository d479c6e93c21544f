"""Issuance witnesses: the registry's own record of when it saw our issuer announce a credential
of a proven DID. A verifier uses that moment for "held the label when it issued this badge"
instead of the date the issuer wrote into the badge, which the issuer controls."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import msgspec

from b4g.core.events.envelope import new_event
from b4g.core.events.payloads import CredentialIssuedV1, IssuanceWitnessedV1
from b4g.core.events.topics import ISSUANCE_WITNESSED, REGISTRY_WITNESSES
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue
from b4g.core.trust import witness_hash
from b4g.registry.domain.errors import InvalidWitnessHash, NotFound
from b4g.registry.store import witnesses as store
from b4g.registry.usecases.context import RegistryContext

HASH = re.compile(r"^[0-9a-f]{64}$")


class Witness(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    credential_hash: str  # hex sha256 of the credential id
    issuer_did: str
    seen_at: str


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def witness_issued(ctx: RegistryContext, conn: Conn, issued: CredentialIssuedV1) -> None:
    """In the inbox transaction of `credential.issued`: witness it at the registry's time when
    its DID is proven, and tell the verifiers (once: a redelivered event finds the witness and
    publishes nothing)."""
    if not await store.is_proven(conn, issued.issuer_did):
        return
    digest = witness_hash(issued.credential_id)
    row = await store.record(conn, digest, issued.issuer_did, ctx.clock())
    if row is None:
        return
    payload = IssuanceWitnessedV1(
        credential_hash=row.credential_hash.hex(),
        issuer_did=row.issuer_did,
        seen_at=_iso(row.seen_at),
    )
    event = new_event(
        source=ctx.source, type=ISSUANCE_WITNESSED, subject=issued.issuer_did, data=payload
    )
    await enqueue(
        conn,
        topic=REGISTRY_WITNESSES,
        key=payload.credential_hash,
        event=event,
        shards=ctx.outbox_shards,
    )


async def find_witness(ctx: RegistryContext, did: str, credential_hash: str) -> Witness:
    """The witness of a credential of `did` (`credential_hash`: the hex sha256 of its id);
    NotFound when the registry never saw it (or saw it for another DID)."""
    if not HASH.match(credential_hash):
        raise InvalidWitnessHash("The hash must be 64 lower-case hex digits (a sha256).")
    async with ctx.pool.acquire() as conn:
        row = await store.witness(conn, bytes.fromhex(credential_hash))
    if row is None or row.issuer_did != did:
        raise NotFound("The registry has no record of that credential's issuance for this DID.")
    return Witness(credential_hash=credential_hash, issuer_did=did, seen_at=_iso(row.seen_at))
