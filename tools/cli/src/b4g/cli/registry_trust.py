"""`b4g verify --registry URL`: the issuer's trust checks from the registry's public trust API
(its trust state and, when the registry witnessed the badge's issuance, that moment), judged
by the core's rules exactly as the verifier service judges them.

The registry URL is the user's own choice, so this is a plain client with a time limit, not
the SSRF-guarded fetcher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import msgspec

from b4g.core.trust import TrustState, witness_hash
from b4g.core.trust_checks import claimed_issuance, trust_checks, unknown_trust
from b4g.core.verification import Check, TrustCheck

TIMEOUT = 10.0


class _Witness(msgspec.Struct, frozen=True, rename="camel"):
    seen_at: str


def registry_trust(client: httpx.AsyncClient, registry: str) -> TrustCheck:
    base = registry.rstrip("/")

    async def check(credential: Mapping[str, Any], now: datetime) -> Sequence[Check]:
        issuer = credential.get("issuer")
        did = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if not isinstance(did, str):
            return trust_checks(None, now=now, claimed=None)
        path = f"{base}/trust/{quote(did, safe=':')}"
        try:
            response = await client.get(path)
            if response.status_code == 404:
                return trust_checks(None, now=now, claimed=None)
            response.raise_for_status()
            state = msgspec.json.decode(response.content, type=TrustState)
            witnessed = await _witnessed(client, path, credential.get("id"))
        except httpx.HTTPError as exc:
            return unknown_trust(
                "registry_unreachable", f"The registry at {base} could not be asked: {exc}."
            )
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            return unknown_trust(
                "registry_unreachable", f"The registry at {base} gave an unusable answer: {exc}."
            )
        return trust_checks(
            state, now=now, claimed=claimed_issuance(credential), witnessed=witnessed
        )

    return check


async def _witnessed(
    client: httpx.AsyncClient, trust_path: str, credential_id: Any
) -> datetime | None:
    """When the registry witnessed this credential's issuance, if it did."""
    if not isinstance(credential_id, str):
        return None
    response = await client.get(f"{trust_path}/witnesses/{witness_hash(credential_id).hex()}")
    if response.status_code == 404:
        return None
    response.raise_for_status()
    seen = msgspec.json.decode(response.content, type=_Witness).seen_at
    return datetime.fromisoformat(seen.replace("Z", "+00:00"))
