"""Re-wrapping every sealed signing key under a new master key (`b4g-issuer rewrap-keys`).

Only the data keys are re-sealed (envelope encryption: the seeds' ciphertexts stay as they are),
all in one transaction, each checked to open under the new key before it is written. A run that
is interrupted changes nothing; a run repeated after success finds every row already under the
new key (it checks that each opens) and changes nothing either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from b4g.issuer.domain.sealing import DataKeySealer, SealedSecret, unseal
from b4g.issuer.store import key_sealing as store

PROGRESS_EVERY = 500


@dataclass(frozen=True, slots=True)
class RewrapCounts:
    rewrapped: int  # moved from the current master key to the new one
    already: int  # sealed by the new master key before this run
    in_token: int  # held in a PKCS#11 token: nothing sealed to re-wrap


async def rewrap_keys(
    pool: asyncpg.Pool,
    current: DataKeySealer,
    new: DataKeySealer,
    progress: Callable[[int, int], None],
) -> RewrapCounts:
    """`progress(done, total)` every PROGRESS_EVERY rows and at the end. Raises SealingError
    (and writes nothing) when a row opens under neither master key."""
    rewrapped = already = in_token = 0
    async with pool.acquire() as conn, conn.transaction():
        rows = await store.sealed_keys(conn)
        for done, row in enumerate(rows, 1):
            if not row.sealed_data_key:
                in_token += 1
            elif row.key_ref == new.key_ref:
                unseal(new, SealedSecret(row.sealed_seed, row.sealed_data_key, row.key_ref))
                already += 1
            else:
                data_key = current.unseal_data_key(row.sealed_data_key, row.key_ref)
                resealed = SealedSecret(row.sealed_seed, new.seal_data_key(data_key), new.key_ref)
                unseal(new, resealed)  # the seed opens under the new key before it is written
                await store.reseal(conn, row.id, resealed.sealed_data_key, resealed.key_ref)
                rewrapped += 1
            if done % PROGRESS_EVERY == 0 or done == len(rows):
                progress(done, len(rows))
    return RewrapCounts(rewrapped, already, in_token)
