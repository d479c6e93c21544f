"""The sealed columns of issuer signing keys, read and rewritten when a master key is replaced."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class SealedKeyRow:
    id: uuid.UUID
    sealed_seed: bytes
    sealed_data_key: bytes
    key_ref: str

    def __repr__(self) -> str:
        return f"SealedKeyRow(id={self.id}, key_ref={self.key_ref!r})"


async def sealed_keys(conn: Conn) -> list[SealedKeyRow]:
    """Every key row; until the transaction ends, keys are still read (signing goes on) but a
    key made or changed meanwhile waits, so none is left sealed by the old master key."""
    await conn.execute("LOCK TABLE issuer_keys IN SHARE ROW EXCLUSIVE MODE")
    rows = await conn.fetch(
        "SELECT id, sealed_seed, sealed_data_key, key_ref FROM issuer_keys ORDER BY id"
    )
    return [
        SealedKeyRow(
            row["id"], bytes(row["sealed_seed"]), bytes(row["sealed_data_key"]), row["key_ref"]
        )
        for row in rows
    ]


async def reseal(conn: Conn, key_id: uuid.UUID, sealed_data_key: bytes, key_ref: str) -> None:
    await conn.execute(
        "UPDATE issuer_keys SET sealed_data_key = $2, key_ref = $3 WHERE id = $1",
        key_id,
        sealed_data_key,
        key_ref,
    )
