"""`endorsement`: the OB 3.0 endorsements embedded in a credential, each verified in full (to a
bounded depth and count) and reported as one advisory check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b4g.core.jsonld.values import as_list
from b4g.core.proofs.vc_jwt import issuer_id
from b4g.core.verdict import ADVISORY, Check
from b4g.core.verification.result import VerificationResult, sentence

MAX_ENDORSEMENT_DEPTH = 2  # a badge's endorsements and theirs, no further
MAX_ENDORSEMENTS = 16  # per credential: each is a full verification


def endorsements(credential: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any] | str]]:
    """Embedded endorsements (OB 3.0 `endorsement` / `endorsementJwt`) of the credential, its
    issuer and its subjects' achievements, each with where it was found."""
    places: list[tuple[str, Any]] = [
        ("credential", credential),
        ("issuer", credential.get("issuer")),
    ]
    for subject in as_list(credential.get("credentialSubject")):
        if isinstance(subject, Mapping):
            places.append(("achievement", subject.get("achievement")))
    found: list[tuple[str, Mapping[str, Any] | str]] = []
    for where, node in places:
        if not isinstance(node, Mapping):
            continue
        found += [(where, e) for e in as_list(node.get("endorsement")) if isinstance(e, Mapping)]
        found += [(where, e) for e in as_list(node.get("endorsementJwt")) if isinstance(e, str)]
    return found


def too_many(found: int, depth: int) -> Check | None:
    """The check to report instead of verifying, when the endorsements exceed the limits."""
    if depth < MAX_ENDORSEMENT_DEPTH and found <= MAX_ENDORSEMENTS:
        return None
    return Check(
        name="endorsement",
        state="could_not_check",
        code="too_many_endorsements",
        message=f"{found} endorsements at depth {depth + 1} are not checked "
        f"(limits: {MAX_ENDORSEMENTS} per credential, {MAX_ENDORSEMENT_DEPTH} levels).",
    )


def endorsement_check(where: str, result: VerificationResult) -> Check:
    endorsed = result.credential or {}
    issuer = endorsed.get("issuer")
    by = (issuer.get("name") if isinstance(issuer, Mapping) else None) or issuer_id(endorsed)
    types = as_list(endorsed.get("type"))
    label = f"endorsement of the {where} by {by or 'an unnamed endorser'}"
    if "EndorsementCredential" not in types:
        return Check(
            name="endorsement",
            state="fail",
            code="not_an_endorsement",
            message=sentence(f"{label}: not an EndorsementCredential"),
        )
    if result.verified:
        return Check(
            name="endorsement", state="pass", code="ok", message=sentence(f"{label}: verified")
        )
    failing = [c for c in result.checks if c.state == "fail" and c.name not in ADVISORY]
    unchecked = [c for c in result.checks if c.state == "could_not_check"]
    worst = failing or unchecked
    return Check(
        name="endorsement",
        state="fail" if failing else "could_not_check",
        code=worst[0].code if worst else "not_verified",
        message=sentence(f"{label}: " + " ".join(c.message for c in worst[:3])),
    )
