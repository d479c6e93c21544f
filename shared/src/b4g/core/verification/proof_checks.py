"""Embedded proofs: each against its own verification method's controller, then
`issuer_binding`, whether one valid assertion proof is the issuer's (a proof by another party
is no proof of issuance)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from b4g.core.proofs.data_integrity import KeyResolver, RdfCanonizer, verify_document
from b4g.core.proofs.vc_jwt import issuer_id
from b4g.core.verdict import Check, State, passed
from b4g.core.verification.result import sentence


async def proof_checks(
    credential: Mapping[str, Any], *, resolve_key: KeyResolver, rdf: RdfCanonizer
) -> list[Check]:
    results = await verify_document(
        credential, resolve_key=resolve_key, rdf=rdf, expected_controller=None
    )
    checks = []
    for r in results:
        state: State = (
            "pass"
            if r.verified
            else ("could_not_check" if r.code == "could_not_resolve" else "fail")
        )
        suite = r.cryptosuite or r.type or "proof"
        message = "The signature is valid." if r.verified else sentence(r.message)
        checks.append(
            Check(
                name="proof",
                state=state,
                code=r.code,
                message=message,
                facts={"cryptosuite": suite, **_method_fact(r.verification_method)},
            )
        )
    return [*checks, issuer_binding_check(credential, results)]


def issuer_binding_check(credential: Mapping[str, Any], results: Sequence[Any]) -> Check:
    issuer = issuer_id(credential)
    for r in results:
        method = r.verification_method or ""
        if (
            r.verified
            and r.proof_purpose == "assertionMethod"
            and issuer is not None
            and method.split("#", 1)[0] == issuer
        ):
            return passed("issuer_binding", "The issuer itself signed the badge.", issuer=issuer)
    unchecked = any(r.code == "could_not_resolve" for r in results)
    return Check(
        name="issuer_binding",
        state="could_not_check" if unchecked else "fail",
        code="could_not_resolve" if unchecked else "issuer_not_signer",
        message="No valid signature of the issuer could be checked."
        if unchecked
        else "No valid signature on the badge is the issuer's own (an assertion by a key the "
        "issuer controls).",
        facts={"issuer": issuer} if issuer else {},
    )


def _method_fact(method: str | None) -> dict[str, str]:
    return {"verificationMethod": method} if method else {}
