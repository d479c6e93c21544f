"""The default PNG badge writes the achievement's name; the font wraps and transliterates."""

from __future__ import annotations

import struct
import zlib

from b4g.core.baking import _chunks, unbake
from b4g.issuer.domain.badge_font import drawable, wrap
from b4g.issuer.domain.badge_images import bake, default_png


def white_pixels(png: bytes) -> set[tuple[int, int]]:
    chunks = dict(_chunks(png))
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    raw = zlib.decompress(b"".join(d for k, d in _chunks(png) if k == b"IDAT"))
    stride = 1 + width * 4
    return {
        (x, y)
        for y in range(height)
        for x in range(width)
        if raw[y * stride + 1 + x * 4 : y * stride + 5 + x * 4] == b"\xff\xff\xff\xff"
    }


def test_the_default_png_shows_the_name():
    gardener = white_pixels(default_png("Urban Gardener"))
    assert gardener  # the name is drawn
    assert gardener != white_pixels(default_png("Volunteer"))
    assert white_pixels(default_png("")) == set()
    # All text stays inside the disc's inner area.
    assert all(40 < x < 216 and 40 < y < 216 for x, y in gardener)
    baked = bake(None, "png", {"id": "urn:uuid:1"}, "Urban Gardener")
    assert unbake(baked) == {"id": "urn:uuid:1"}
    assert white_pixels(baked) == gardener


def test_names_are_transliterated_and_wrapped():
    assert drawable("Žalgiris  mokykla ☃") == "ZALGIRIS MOKYKLA ?"
    assert wrap("Urban Gardener of Žaliakalnis", 14, 3) == ["URBAN GARDENER", "OF ZALIAKALNIS"]
    long = wrap("one two three four five six seven eight nine ten", 14, 3)
    assert len(long) == 3 and long[-1].endswith("..") and all(len(line) <= 14 for line in long)
    assert wrap("Supercalifragilisticexpialidocious", 14, 3)[0] == "SUPERCALIFRAGI"
