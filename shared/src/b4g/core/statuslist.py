"""Bitstring Status List v1.0 (W3C REC): the bitstring codec, the status-list credential and
the status check (pure). StatusList2021 lists use the same bitstring and are read too.

Index 0 is the left-most (most significant) bit of the first byte; `encodedList` is the GZIP
of the bitstring in multibase base64url without padding (`u…`).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from b4g.core.crypto.multibase import MultibaseError, multibase_decode, multibase_encode
from b4g.core.errors import B4GError
from b4g.core.jsonld.values import as_list
from b4g.core.urls import VC2_CONTEXT

MIN_ENTRIES = 131_072  # 16 KiB: the spec's minimum, for herd privacy
MAX_DECODED_BYTES = 16 * 1024 * 1024  # refuse gzip bombs
PURPOSES = ("revocation", "suspension", "refresh", "message")


class StatusListError(B4GError):
    code = "STATUS_VERIFICATION_ERROR"


class StatusListLengthError(StatusListError):
    code = "STATUS_LIST_LENGTH_ERROR"


def encode_bits(bits: bytes) -> str:
    return multibase_encode(gzip.compress(bits, mtime=0), "u")


def decode_bits(encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> bytes:
    if not encoded.startswith("u"):
        # StatusList2021 lists carry plain base64url without the multibase prefix.
        encoded = "u" + encoded
    try:
        compressed = multibase_decode(encoded)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        bits = inflater.decompress(compressed, max_bytes + 1)
    except (MultibaseError, zlib.error) as exc:
        raise StatusListError(f"encodedList is not GZIP in base64url: {exc}") from exc
    if len(bits) > max_bytes:
        raise StatusListLengthError("encodedList decompresses beyond the size limit")
    return bits


def new_bits(entries: int = MIN_ENTRIES, status_size: int = 1) -> bytearray:
    return bytearray((entries * status_size + 7) // 8)


def get_status(bits: bytes, index: int, status_size: int = 1) -> int:
    value = 0
    for bit in range(index * status_size, (index + 1) * status_size):
        if bit // 8 >= len(bits):
            raise StatusListLengthError(f"index {index} is beyond the list")
        value = (value << 1) | ((bits[bit // 8] >> (7 - bit % 8)) & 1)
    return value


def set_status(bits: bytearray, index: int, value: int, status_size: int = 1) -> None:
    if not 0 <= value < 2**status_size:
        raise ValueError("status value does not fit the status size")
    for offset in range(status_size):
        bit = index * status_size + offset
        mask = 1 << (7 - bit % 8)
        if (value >> (status_size - 1 - offset)) & 1:
            bits[bit // 8] |= mask
        else:
            bits[bit // 8] &= ~mask & 0xFF


def set_indexes(bits: bytes, status_size: int = 1) -> list[int]:
    """Indexes whose status is not 0."""
    count = len(bits) * 8 // status_size
    if status_size == 1:
        return [i for i in range(count) if bits[i // 8] & (0x80 >> (i % 8))]
    return [i for i in range(count) if get_status(bits, i, status_size)]


def bits_with(indexes: Iterable[int], entries: int = MIN_ENTRIES) -> bytes:
    bits = new_bits(entries)
    for index in indexes:
        set_status(bits, index, 1)
    return bytes(bits)


class BitstringStatusListEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str | msgspec.UnsetType = msgspec.UNSET
    type: str = "BitstringStatusListEntry"
    statusPurpose: str
    statusListIndex: str
    statusListCredential: str
    statusSize: int | msgspec.UnsetType = msgspec.UNSET


def status_list_credential(
    *,
    url: str,
    issuer: str,
    purpose: str,
    bits: bytes,
    valid_from: str | None = None,
    valid_until: str | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential (VC 2.0) for `bits`."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown status purpose {purpose!r}")
    subject: dict[str, Any] = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_bits(bits),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from:
        credential["validFrom"] = valid_from
    if valid_until:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = subject
    return credential


class StatusResult(msgspec.Struct, frozen=True, kw_only=True):
    """One status entry checked against its (already fetched, proof-verified) list."""

    purpose: str
    index: int | None
    value: int | None  # 0 = not set
    active: bool  # revoked / suspended / (message != 0)
    code: str  # "ok" or a Bitstring Status List error name
    message: str


def check_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> StatusResult:
    """Purpose match, list length, index range, bit value (Bitstring Status List §3.2)."""
    purpose = str(entry.get("statusPurpose", ""))
    try:
        index = int(str(entry.get("statusListIndex")))
    except ValueError:
        return StatusResult(
            purpose=purpose,
            index=None,
            value=None,
            active=False,
            code="STATUS_VERIFICATION_ERROR",
            message="statusListIndex is not an integer",
        )
    status_size = int(entry.get("statusSize", 1) or 1)
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if not isinstance(subject, Mapping):
        return _failed(purpose, index, "the list credential has no credentialSubject")
    if purpose not in as_list(subject.get("statusPurpose")):
        return _failed(
            purpose,
            index,
            f"the list's purpose is {subject.get('statusPurpose')!r}, the entry's is {purpose!r}",
        )
    try:
        bits = decode_bits(str(subject.get("encodedList", "")))
    except StatusListError as exc:
        return StatusResult(
            purpose=purpose, index=index, value=None, active=False, code=exc.code, message=str(exc)
        )
    if len(bits) * 8 < MIN_ENTRIES * status_size:
        return StatusResult(
            purpose=purpose,
            index=index,
            value=None,
            active=False,
            code="STATUS_LIST_LENGTH_ERROR",
            message="the list is shorter than the 131,072 entries required",
        )
    if index < 0 or (index + 1) * status_size > len(bits) * 8:
        return StatusResult(
            purpose=purpose,
            index=index,
            value=None,
            active=False,
            code="STATUS_RANGE_ERROR",
            message=f"index {index} is outside the list",
        )
    value = get_status(bits, index, status_size)
    words = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, "set")
    return StatusResult(
        purpose=purpose,
        index=index,
        value=value,
        active=value != 0,
        code="ok",
        message=f"{words}" if value else f"not {words}",
    )


def _failed(purpose: str, index: int, message: str) -> StatusResult:
    return StatusResult(
        purpose=purpose,
        index=index,
        value=None,
        active=False,
        code="STATUS_VERIFICATION_ERROR",
        message=message,
    )
