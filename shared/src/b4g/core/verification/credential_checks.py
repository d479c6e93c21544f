"""The credential's own shape and dates: `structure` and `validity_window`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from b4g.core.proofs.vc_jwt import issuer_id
from b4g.core.urls import VC1_CONTEXT, VC2_CONTEXT
from b4g.core.verdict import Check
from b4g.core.verification.result import sentence


def structure_check(credential: Mapping[str, Any]) -> Check:
    def fail(message: str) -> Check:
        return Check(
            name="structure", state="fail", code="MALFORMED_VALUE_ERROR", message=sentence(message)
        )

    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first not in (VC1_CONTEXT, VC2_CONTEXT):
        return fail("the first @context must be the VC 1.1 or VC 2.0 context")
    types = credential.get("type")
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        return fail("type must include VerifiableCredential")
    if issuer_id(credential) is None:
        return fail("issuer must be a URL or an object with an id")
    if not credential.get("credentialSubject"):
        return fail("credentialSubject is required")
    if first == VC1_CONTEXT and not isinstance(credential.get("issuanceDate"), str):
        return fail("a VC 1.1 credential needs issuanceDate")
    for field in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
        if field in credential and _instant(credential[field]) is None:
            return fail(f"{field} is not an XML Schema dateTime with a time zone")
    version = "2.0" if first == VC2_CONTEXT else "1.1"
    return Check(
        name="structure", state="pass", code="ok", message=f"A well-formed VC {version} credential."
    )


def validity_check(credential: Mapping[str, Any], now: datetime) -> Check:
    start = _instant(credential.get("validFrom") or credential.get("issuanceDate"))
    end = _instant(credential.get("validUntil") or credential.get("expirationDate"))
    if start is not None and now < start:
        return Check(
            name="validity_window",
            state="fail",
            code="not_yet_valid",
            message=f"Valid only from {start.isoformat()}.",
            facts={"validFrom": start.isoformat()},
        )
    if end is not None and now > end:
        return Check(
            name="validity_window",
            state="fail",
            code="expired",
            message=f"Expired at {end.isoformat()}.",
            facts={"validUntil": end.isoformat()},
        )
    return Check(
        name="validity_window", state="pass", code="ok", message="Within its validity period."
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
