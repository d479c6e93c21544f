"""SQL of the record of DID-control proofs the issuer signed (enrolment in a registry)."""

from __future__ import annotations

import uuid
from datetime import datetime

from b4g.core.infra.db import Conn


async def record_proof(
    conn: Conn,
    *,
    proof_id: uuid.UUID,
    issuer_id: uuid.UUID,
    platform_id: uuid.UUID,
    actor: str,
    did: str,
    domain: str,
    challenge_sha256: str,
    verification_method: str,
    created_at: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO did_control_proofs (id, issuer_id, platform_id, actor, did, domain,
            challenge_sha256, verification_method, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        proof_id,
        issuer_id,
        platform_id,
        actor,
        did,
        domain,
        challenge_sha256,
        verification_method,
        created_at,
    )


async def record_submission(
    conn: Conn, proof_id: uuid.UUID, submitted_to: str, registry_status: int | None
) -> None:
    await conn.execute(
        "UPDATE did_control_proofs SET submitted_to = $2, registry_status = $3 WHERE id = $1",
        proof_id,
        submitted_to,
        registry_status,
    )
