"""`b4g verify --registry URL`: the issuer-trust check from the registry's public trust API.

The verdict follows the verifier service's (registered, label now, label when the badge was
issued) with the core's trust rules; the registry URL is the user's own choice, so this is a
plain client with a time limit, not the SSRF-guarded fetcher.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import msgspec

from b4g.core.trust import TrustState, label_held_at, trusted_issuer
from b4g.core.verification import Check, TrustCheck

TIMEOUT = 10.0


def registry_trust(client: httpx.AsyncClient, registry: str) -> TrustCheck:
    base = registry.rstrip("/")

    async def check(credential: Mapping[str, Any]) -> Check:
        issuer = credential.get("issuer")
        did = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if not isinstance(did, str):
            return _check("fail", "issuer_not_registered", "the credential names no issuer")
        try:
            response = await client.get(f"{base}/trust/{quote(did, safe=':')}")
        except httpx.HTTPError as exc:
            return _unknown(f"the registry at {base} is unreachable: {exc}")
        if response.status_code == 404:
            return _check(
                "fail", "issuer_not_registered", f"the issuer is not in the registry at {base}"
            )
        try:
            response.raise_for_status()
            state = msgspec.json.decode(response.content, type=TrustState)
        except (httpx.HTTPStatusError, msgspec.ValidationError, msgspec.DecodeError) as exc:
            return _unknown(f"the registry at {base} gave an unusable answer: {exc}")
        return verdict(state, credential)

    return check


def verdict(state: TrustState, credential: Mapping[str, Any]) -> Check:
    now = datetime.now(UTC)
    if not trusted_issuer(state, now):
        reason = (
            "its DID is not proven"
            if not state.did_proven
            else (f"its registration is {state.registry_status}")
        )
        return _check(
            "fail", "issuer_not_trusted", f"{state.organisation_name} is registered, but {reason}"
        )
    issued = _moment(credential.get("validFrom") or credential.get("issuanceDate"))
    now_held = label_held_at(state, now)
    then_held = issued is not None and label_held_at(state, issued)
    label = (
        f"holds the Quality Label (valid until {(state.label_valid_until or '?')[:10]})"
        if now_held
        else f"does not hold the Quality Label now ({state.label_status})"
    )
    if issued is not None:
        label += (
            "; it held the label when it issued this badge"
            if then_held
            else ("; it did not hold the label when it issued this badge")
        )
    code = "label_held" if now_held else "label_held_at_issue" if then_held else "no_label"
    return _check("pass", code, f"{state.organisation_name} is a registered issuer and {label}")


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _check(state: Any, code: str, message: str) -> Check:
    return Check(name="issuer_trust", state=state, code=code, message=message)


def _unknown(message: str) -> Check:
    return _check("could_not_check", "registry_unreachable", message)
