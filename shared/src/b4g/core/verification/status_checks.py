"""`status`: each credentialStatus entry against its status list, which must be the issuer's,
signed and current. A list that cannot be fetched is not checkable, never "not revoked"."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import msgspec

from b4g.core.errors import B4GError
from b4g.core.proofs.vc_jwt import issuer_id
from b4g.core.statuslist import check_status
from b4g.core.verdict import Check
from b4g.core.verification.credential_checks import validity_check
from b4g.core.verification.result import StatusFetcher, sentence

ProofChecks = Callable[[Mapping[str, Any]], Awaitable[list[Check]]]
_SUPPORTED = ("BitstringStatusListEntry", "StatusList2021Entry")
# Lists whose proofs were checked, by exact content (lists are large, shared and change rarely).
_REMEMBERED_LISTS = 256


class StatusChecks:
    """Built once per verifier: it remembers which status lists' proofs held."""

    def __init__(self, fetcher: StatusFetcher | None, proof_checks: ProofChecks) -> None:
        self._fetcher = fetcher
        self._proof_checks = proof_checks
        self._list_proofs: dict[bytes, list[Check]] = {}

    async def checks(self, credential: Mapping[str, Any], now: datetime) -> list[Check]:
        entries = credential.get("credentialStatus")
        if entries is None:
            return []
        checks = []
        for entry in entries if isinstance(entries, list) else [entries]:
            checks.append(await self._check(entry, credential, now))
        return checks

    async def _check(self, entry: Any, credential: Mapping[str, Any], now: datetime) -> Check:
        if not isinstance(entry, Mapping) or entry.get("type") not in _SUPPORTED:
            kind = entry.get("type") if isinstance(entry, Mapping) else None
            return Check(
                name="status",
                state="could_not_check",
                code="unsupported_status",
                message=f"The status type {kind if isinstance(kind, str) else '(none)'} is not "
                "supported.",
            )
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or self._fetcher is None:
            return Check(
                name="status",
                state="could_not_check",
                code="STATUS_RETRIEVAL_ERROR",
                message="The status list cannot be retrieved.",
            )
        try:
            list_credential = await self._fetcher(url)
        except B4GError as exc:
            return Check(
                name="status",
                state="could_not_check",
                code="STATUS_RETRIEVAL_ERROR",
                message=sentence(f"the status list is unreachable: {exc}"),
            )
        if issuer_id(list_credential) != issuer_id(credential):
            return Check(
                name="status",
                state="fail",
                code="STATUS_VERIFICATION_ERROR",
                message="The status list was not issued by the credential's issuer.",
            )
        proofs = await self._list_proof_checks(list_credential)
        if not proofs or any(p.state != "pass" for p in proofs):
            failing = [p for p in proofs if p.state != "pass"]
            reason = failing[0].message if failing else "it has no proof"
            return Check(
                name="status",
                state="could_not_check"
                if any(p.state == "could_not_check" for p in proofs)
                else "fail",
                code="STATUS_VERIFICATION_ERROR",
                message=f"The status list's signature does not hold: {reason}",
            )
        window = validity_check(list_credential, now)
        if window.state != "pass":
            return Check(
                name="status",
                state="fail",
                code="STATUS_VERIFICATION_ERROR",
                message=f"The status list is out of date: {window.message}",
            )
        return _entry_check(entry, list_credential)

    async def _list_proof_checks(self, list_credential: Mapping[str, Any]) -> list[Check]:
        """A status list's proofs, remembered per exact list content: lists are large and
        checked with every credential that points at them, but change rarely."""
        # Any exact encoding will do for a fingerprint (a different one only misses the cache).
        fingerprint = hashlib.sha256(msgspec.json.encode(list_credential)).digest()
        cached = self._list_proofs.get(fingerprint)
        if cached is not None:
            return cached
        checks = await self._proof_checks(list_credential)
        if all(c.state != "could_not_check" for c in checks):
            if len(self._list_proofs) >= _REMEMBERED_LISTS:
                self._list_proofs.pop(next(iter(self._list_proofs)))
            self._list_proofs[fingerprint] = checks
        return checks


def _entry_check(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> Check:
    """The entry's bit in a list already found genuine and current."""
    outcome = check_status(entry, list_credential)
    if outcome.code != "ok":
        return Check(
            name="status", state="fail", code=outcome.code, message=sentence(outcome.message)
        )
    purpose = outcome.purpose
    if outcome.active and purpose in ("revocation", "suspension"):
        code = "revoked" if purpose == "revocation" else "suspended"
        return Check(
            name="status",
            state="fail",
            code=code,
            message=f"The issuer has {code} this badge.",
            facts={"purpose": purpose},
        )
    return Check(
        name="status",
        state="pass",
        code="ok",
        message=f"Not {'revoked' if purpose == 'revocation' else purpose or 'flagged'}: "
        f"{outcome.message}",
        facts={"purpose": purpose or ""},
    )
