"""The verifier reads its clock once per verification: validity, status and trust are judged at
that one instant (an injected clock here, the wall clock in production)."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.db import create_pool
from b4g.core.infra.fetch import FetchPolicy, SafeFetcher
from b4g.core.infra.migrate import migrate
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import add_proof, create_proof
from b4g.core.trust import LabelInterval, TrustState
from b4g.core.urls import OB_CONTEXT, VC2_CONTEXT
from b4g.verifier.app import service_spec
from b4g.verifier.store import local_state
from b4g.verifier.usecases.local_state import LOCAL_STATE_CONSUMER
from b4g.verifier.usecases.verification import LocalVerification

pytestmark = pytest.mark.integration

KEY = Ed25519KeyPair.from_seed(bytes(range(7, 39)))
DID = f"did:key:{KEY.public_multibase}"
# The DID and the label both end on 1 July 2026, before this test's wall clock may be: judged at
# the wall clock, trust would fail whatever instant the verification is asked about.
# The three instants the clock gives, one per verification.
MOMENTS = ((6, 1), (6, 20), (8, 1))
TRUST = TrustState(
    did=DID,
    organisation_id="org-1",
    organisation_name="Example College",
    registry_status="active",
    did_proven=True,
    did_valid_from="2026-01-01T00:00:00Z",
    did_valid_until="2026-07-01T00:00:00Z",
    label_status="active",
    label_valid_from="2026-01-01T00:00:00Z",
    label_valid_until="2026-07-01T00:00:00Z",
    label_history=[
        LabelInterval(status="active", start="2026-01-01T00:00:00Z", end="2026-07-01T00:00:00Z")
    ],
    sequence=1,
)


def badge() -> dict:
    credential = {
        "@context": [VC2_CONTEXT, OB_CONTEXT],
        "id": "urn:uuid:3f1e0c6a-2b7d-4e59-9a0c-6d4b8e2f1a07",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2026-02-01T00:00:00Z",
        "validUntil": "2026-06-15T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:5a2c7e10-9d3b-4f61-8e2a-0b7c4d6f9e13",
                "type": ["Achievement"],
                "name": "Clock reading",
                "criteria": {"narrative": "Read the clock once."},
            },
        },
    }
    proof = create_proof(
        credential,
        key=KEY,
        verification_method=f"{DID}#{KEY.public_multibase}",
        created="2026-02-01T00:00:00Z",
        rdf=rdf_canonizer(ContextStore()),
    )
    return add_proof(credential, proof)


async def test_validity_and_trust_are_judged_at_the_injected_instant(database):
    await migrate(database, service_spec().migrations)
    pool = await create_pool(database)
    try:
        async with pool.acquire() as conn:
            await local_state.upsert_trust(conn, DID, msgspec.to_builtins(TRUST))
            await local_state.mark_caught_up(conn, LOCAL_STATE_CONSUMER)
        june, late_june, august = (datetime(2026, m, d, tzinfo=UTC) for m, d in MOMENTS)
        instants = iter([june, late_june, august])
        verification = LocalVerification(
            pool, SafeFetcher(FetchPolicy()), clock=lambda: next(instants)
        )
        credential = badge()

        def states(result) -> dict[str, tuple[str, str]]:
            return {c.name: (c.state, c.code) for c in result.checks}

        first = states(await verification.verify(credential))
        assert first["proof"][0] == "pass"
        assert first["validity_window"] == ("pass", "ok")
        assert first["issuer_registered"][0] == "pass"
        assert first["label_now"][0] == "pass"

        # Past validUntil, the DID and label still current: only validity fails.
        second = states(await verification.verify(credential))
        assert second["validity_window"] == ("fail", "expired")
        assert second["label_now"][0] == "pass"

        # After 1 July: the DID's registration has ended too.
        third = states(await verification.verify(credential))
        assert third["validity_window"] == ("fail", "expired")
        assert third["issuer_registered"] == ("fail", "issuer_not_trusted")
    finally:
        await pool.close()
