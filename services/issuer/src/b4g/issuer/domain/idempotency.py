"""What makes two issue requests "the same" for an Idempotency-Key."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder(order="sorted")


def request_fingerprint(issuer_id: uuid.UUID, request: Any) -> bytes:
    """SHA-256 over the issuer and the request body as JSON with sorted keys, so key order and
    whitespace do not matter but every value does."""
    return hashlib.sha256(_encoder.encode({"issuer": str(issuer_id), "request": request})).digest()
