"""The issuer-trust check from the registry's trust state (pure)."""

from __future__ import annotations

from datetime import datetime

from b4g.core.trust import TrustState, label_held_at, trusted_issuer
from b4g.core.verification import Check


def _format(moment: str | None) -> str:
    return moment[:10] if moment else "?"


def unknown_trust(code: str, message: str) -> Check:
    return Check(name="issuer_trust", state="could_not_check", code=code, message=message)


def trust_check(state: TrustState | None, *, now: datetime, issued: datetime | None) -> Check:
    if state is None:
        return Check(
            name="issuer_trust",
            state="fail",
            code="issuer_not_registered",
            message="the issuer is not in the Badges4Good registry",
        )
    if not trusted_issuer(state, now):
        reason = (
            "its DID is not proven"
            if not state.did_proven
            else f"its registration is {state.registry_status}"
        )
        return Check(
            name="issuer_trust",
            state="fail",
            code="issuer_not_trusted",
            message=f"{state.organisation_name} is registered, but {reason}",
        )
    now_held = label_held_at(state, now)
    then_held = issued is not None and label_held_at(state, issued)
    if now_held:
        label = f"holds the Quality Label (valid until {_format(state.label_valid_until)})"
    else:
        label = f"does not hold the Quality Label now ({state.label_status})"
    when = (
        "; it held the label when it issued this badge"
        if then_held
        else "; it did not hold the label when it issued this badge"
        if issued
        else ""
    )
    code = "label_held" if now_held else "label_held_at_issue" if then_held else "no_label"
    return Check(
        name="issuer_trust",
        state="pass",
        code=code,
        message=f"{state.organisation_name} is a registered issuer and {label}{when}",
    )
