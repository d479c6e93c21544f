"""The raw bitstring of a status list as the issuer stores it (index 0 = the left-most bit of
the first byte, Bitstring Status List v1.0 §3.1); encoding for publication is the core's."""

from __future__ import annotations


def with_bit(bits: bytes, index: int, value: bool) -> bytes:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status index {index} outside a list of {len(bits) * 8}")
    changed = bytearray(bits)
    mask = 0x80 >> (index % 8)
    if value:
        changed[index // 8] |= mask
    else:
        changed[index // 8] &= ~mask & 0xFF
    return bytes(changed)


def bit_at(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
