"""Baked PNG and SVG badges (OB 3.0 §5.3)."""

from __future__ import annotations

import struct
import zlib

import pytest

from b4g.core.baking import BakingError, bake_png, bake_svg, unbake

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:1",
    "name": "Baked ✓ badge ]]> with tricky text",
}
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6a2V5OnoifQ.c2ln"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_png_round_trip_and_rebake_replaces():
    baked = bake_png(tiny_png(), CREDENTIAL)
    assert unbake(baked) == CREDENTIAL
    rebaked = bake_png(baked, JWT)
    assert unbake(rebaked) == JWT
    assert rebaked.count(b"openbadgecredential") == 1
    assert rebaked.endswith(b"IEND\xaeB`\x82")


def test_corrupt_and_foreign_images_are_clear_errors():
    baked = bytearray(bake_png(tiny_png(), CREDENTIAL))
    baked[40] ^= 0xFF
    with pytest.raises(BakingError, match="CRC"):
        unbake(bytes(baked))
    with pytest.raises(BakingError, match=r"truncated|IEND"):
        unbake(bake_png(tiny_png(), CREDENTIAL)[:-20])
    with pytest.raises(BakingError, match="no Open Badges"):
        unbake(tiny_png())
    with pytest.raises(BakingError):
        unbake(b"GIF89a")


def test_svg_round_trip_for_json_and_jwt():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>'
    baked = bake_svg(svg, CREDENTIAL)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert unbake(baked.encode()) == CREDENTIAL
    assert unbake(bake_svg(baked, JWT).encode()) == JWT
    with pytest.raises(BakingError):
        bake_svg(svg, 'x" onload="alert(1)')
    assert unbake(bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', JWT).encode()) == JWT


def test_svg_with_entities_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    with pytest.raises(BakingError, match="DOCTYPE"):
        unbake(bomb.encode())
