"""What a verification answers, and the types of what it is given (every I/O is injected)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec

from b4g.core.did.resolver import VerificationMethodResolution
from b4g.core.verdict import Check

StatusFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]
SchemaFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]
JwksFetcher = Callable[[str], Awaitable[Any]]
# (verification method id, proof purpose, expected controller) → the checked method and its JWK
MethodResolver = Callable[[str, str, str | None], Awaitable[VerificationMethodResolution]]


# The trust checks of a credential (issuer_registered, label_at_issuance, label_now), judged at
# the verification's instant, the one its validity window and status are judged at.
TrustCheck = Callable[[Mapping[str, Any], datetime], Awaitable[Sequence[Check]]]


class VerificationResult(msgspec.Struct, frozen=True, kw_only=True):
    verified: bool
    format: str  # "ldp" (embedded proofs) or "jwt"
    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = None

    def first(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def genuine(self) -> bool:
        """Authentic and valid: what `verified` means without a caller's policy."""
        return self.verified


def sentence(text: str) -> str:
    """A library's lower-case phrase as a sentence."""
    text = text.strip() or "unknown reason"
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
