"""The audit log is a hash chain: each entry's hash covers the previous hash and the entry."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from b4g.core.proofs.jcs import canonicalize

FIELDS = ("at", "actor", "action", "subject", "reason", "before", "after")


def entry_hash(entry: dict[str, Any], prev_hash: str) -> str:
    body = {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in entry.items()
        if k in FIELDS
    }
    return hashlib.sha256(prev_hash.encode() + canonicalize(body)).hexdigest()


def first_broken(entries: list[dict[str, Any]]) -> int | None:
    """The sequence number of the first entry that does not chain, or None when all do."""
    previous = ""
    for entry in entries:
        if entry["prev_hash"] != previous or entry_hash(entry, previous) != entry["hash"]:
            return int(entry["seq"])
        previous = entry["hash"]
    return None
