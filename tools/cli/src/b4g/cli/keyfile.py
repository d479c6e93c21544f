"""The key a command signs with: `--seed HEX64` or `--key-file` (what `b4g keys generate`
prints: its `seed`, or its `secretKeyMultibase`)."""

from __future__ import annotations

import json
from pathlib import Path

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.crypto.multibase import MultibaseError


def load_key(
    seed: str | None, key_file: str | None, usage_error: type[Exception]
) -> Ed25519KeyPair:
    if seed is not None:
        try:
            raw = bytes.fromhex(seed)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise usage_error("--seed must be 64 hexadecimal characters (32 bytes)")
        return Ed25519KeyPair.from_seed(raw)
    if key_file is None:
        raise usage_error("give --seed or --key-file")
    try:
        held = json.loads(Path(key_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise usage_error(f"cannot read the key file {key_file}: {exc}") from exc
    if not isinstance(held, dict):
        raise usage_error("the key file must hold a JSON object")
    try:
        if isinstance(held.get("seed"), str):
            return Ed25519KeyPair.from_seed(bytes.fromhex(held["seed"]))
        if isinstance(held.get("secretKeyMultibase"), str):
            return Ed25519KeyPair.from_secret_multibase(held["secretKeyMultibase"])
    except (ValueError, MultibaseError) as exc:
        raise usage_error(f"the key file's key is unusable: {exc}") from exc
    raise usage_error("the key file has neither `seed` nor `secretKeyMultibase`")
