"""One verdict: `verified` answers the checks asked for, other findings are warnings, a trust
policy can decide; a proof by another party is a valid proof but no proof of issuance."""

from __future__ import annotations

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.proofs.data_integrity import add_proof, create_proof
from b4g.core.verdict import TRUST_POLICIES, Check, decide, verdict_parts
from b4g.core.verification import VerificationResult
from b4g.verifier.domain.verdict import UnknownCheckName, requested_checks, standing, verdict
from tests.unit.test_verification import NOW, RDF, badge, signed, verifier

OTHER = Ed25519KeyPair.from_seed(bytes(range(100, 132)))
OTHER_DID = f"did:key:{OTHER.public_multibase}"


def check(name: str, state: str = "pass", code: str = "ok", **facts: str) -> Check:
    return Check(name=name, state=state, code=code, message=f"{name} {state}.", facts=facts)


GENUINE = (check("structure"), check("proof"), check("issuer_binding"), check("status"))


def test_trust_findings_are_warnings_unless_a_policy_asks():
    checks = (*GENUINE, check("issuer_registered", "fail", "issuer_not_registered"))
    assert decide(checks)
    errors, warnings = verdict_parts(checks)
    assert errors == [] and [w.code for w in warnings] == ["issuer_not_registered"]
    policy = set(TRUST_POLICIES["registered"]) | {"proof", "status"}
    assert not decide(checks, policy)
    errors, warnings = verdict_parts(checks, policy)
    assert [e.code for e in errors] == ["issuer_not_registered"] and warnings == []


def test_asked_for_checks_decide_and_structure_always_counts():
    revoked = (*GENUINE[:3], check("status", "fail", "revoked"))
    assert not decide(revoked)
    assert decide(revoked, {"proof"})
    errors, warnings = verdict_parts(revoked, {"proof"})
    assert errors == [] and [w.code for w in warnings] == ["revoked"]
    malformed = (check("structure", "fail", "MALFORMED_VALUE_ERROR"), check("proof"))
    assert not decide(malformed, {"proof"})
    # An unreachable schema is never an error; a violated one is when it counts.
    unreachable = (*GENUINE, check("schema", "could_not_check", "schema_unavailable"))
    assert decide(unreachable) and verdict_parts(unreachable)[0] == []


def test_requested_check_names_and_policies():
    assert requested_checks(None, None) is None
    assert requested_checks(["proof", "credentialStatus"], None) == {"proof", "status"}
    with_policy = requested_checks(None, "qualityLabel")
    assert with_policy is not None
    assert {"proof", "status", "issuer_registered", "label_now"} <= with_policy
    assert "label_at_issuance" not in with_policy
    with pytest.raises(UnknownCheckName, match="Unknown check nonsense"):
        requested_checks(["nonsense"], None)


def result(*checks: Check) -> VerificationResult:
    return VerificationResult(verified=decide(checks), format="ldp", checks=checks)


def test_headlines_answer_genuine_and_trusted():
    registered = check("issuer_registered", organisationId="o1", organisationName="Org")
    witnessed = check("label_at_issuance", witnessedAt="2026-01-02T00:00:00+00:00")
    withdrawn = check("label_now", "fail", "label_withdrawn", labelEnded="2026-03-01T00:00:00Z")
    both = verdict(result(*GENUINE, registered, witnessed, check("label_now")))
    assert (both.headline, both.facts["organisationId"]) == ("genuine.qualityLabel", "o1")
    assert verdict(result(*GENUINE, registered, witnessed, withdrawn)).headline == (
        "genuine.qualityLabelAtIssuance"
    )
    unwitnessed = check("label_at_issuance", "could_not_check", "issuance_not_witnessed")
    assert standing(result(*GENUINE, registered, unwitnessed, withdrawn)) == (
        "issuanceNotWitnessed"
    )
    missing = check("issuer_registered", "fail", "issuer_not_registered")
    assert verdict(result(*GENUINE, missing)).headline == "genuine.notRegistered"
    # A forged badge is "not verified" whatever its issuer's standing.
    forged = (check("structure"), check("proof", "fail", "PROOF_VERIFICATION_ERROR"))
    assert verdict(result(*forged, registered, witnessed, check("label_now"))).headline == (
        "not_verified"
    )
    revoked = (*GENUINE[:3], check("status", "fail", "revoked"))
    assert verdict(result(*revoked, registered)).headline == "revoked"


async def test_a_proof_by_another_party_is_valid_but_not_the_issuers():
    document = badge()
    proof = create_proof(
        document,
        key=OTHER,
        verification_method=f"{OTHER_DID}#{OTHER.public_multibase}",
        created="2026-01-01T00:00:00Z",
        rdf=RDF,
    )
    found = await verifier().verify(add_proof(document, proof), now=NOW)
    assert found.first("proof").state == "pass"
    binding = found.first("issuer_binding")
    assert (binding.state, binding.code) == ("fail", "issuer_not_signer")
    assert not found.verified  # not genuine from that issuer…
    assert decide(found.checks, {"proof"})  # …but its proof holds when only that is asked
    # Beside the issuer's own proof (a proof set), another party's proof does no harm.
    both = await verifier().verify(add_proof(signed(badge()), proof), now=NOW)
    assert [c.state for c in both.checks if c.name == "proof"] == ["pass", "pass"]
    assert both.first("issuer_binding").state == "pass" and both.verified
