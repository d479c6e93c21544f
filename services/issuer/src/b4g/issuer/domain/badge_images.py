"""Images to bake credentials into (OB 3.0 §5.3): the achievement's own image when it is a
`data:` URI of the wanted kind, else a default badge drawn here.

Remote image URLs are never fetched when a badge is downloaded: that would let a platform make
the service request arbitrary URLs (SSRF) and tie download latency to someone else's server.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import struct
import zlib
from typing import Any, Final, Literal
from urllib.parse import unquote_to_bytes
from xml.sax.saxutils import escape

from b4g.core.baking import PNG_SIGNATURE, BakingError, bake_png, bake_svg
from b4g.issuer.domain import badge_font

ImageKind = Literal["png", "svg"]
MEDIA_TYPES: Final[dict[str, str]] = {"png": "image/png", "svg": "image/svg+xml"}
_DATA_URI = re.compile(r"^data:([^;,]*)((?:;[^;,]*)*),(.*)$", re.S)
_SIZE: Final = 256  # pixels of the default PNG badge
_LINE_CHARS: Final = 14  # characters of the name per line inside the ring
_MAX_DATA_URI_BYTES: Final = 5 * 1024 * 1024


def achievement_image_uri(achievement: dict[str, Any]) -> str | None:
    image = achievement.get("image")
    if isinstance(image, dict):
        image = image.get("id")
    return image if isinstance(image, str) else None


def data_uri_image(uri: str | None, kind: ImageKind) -> bytes | None:
    """The bytes of a `data:` URI holding an image of `kind`, or None (not data, other kind,
    malformed)."""
    if not uri or not uri.startswith("data:") or len(uri) > _MAX_DATA_URI_BYTES:
        return None
    match = _DATA_URI.match(uri)
    if match is None or match.group(1).strip().lower() != MEDIA_TYPES[kind]:
        return None
    parameters, payload = match.group(2).lower(), match.group(3)
    try:
        raw = (
            base64.b64decode(payload, validate=False)
            if ";base64" in parameters
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError):
        return None
    if kind == "png":
        return raw if raw.startswith(PNG_SIGNATURE) else None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return raw if "<svg" in text else None


def bake(
    image: bytes | None, kind: ImageKind, credential: dict[str, Any] | str, name: str
) -> bytes:
    """`credential` (a JSON-LD object or a compact VC-JWT) baked into `image`, or into the
    default badge when there is no usable image (none, or one the baker refuses)."""
    if image is not None:
        try:
            return _bake(image, kind, credential)
        except BakingError:
            pass  # a broken or unsafe image of the platform's: the badge still downloads
    default = default_png(name) if kind == "png" else default_svg(name).encode("utf-8")
    return _bake(default, kind, credential)


def _bake(image: bytes, kind: ImageKind, credential: dict[str, Any] | str) -> bytes:
    if kind == "png":
        return bake_png(image, credential)
    return bake_svg(image.decode("utf-8"), credential).encode("utf-8")


@functools.lru_cache(maxsize=256)
def default_png(name: str = "") -> bytes:
    """A 256×256 badge: a teal disc with a lighter ring on a transparent background (RGBA),
    the achievement's name written across it in up to three lines (the 5×7 font, doubled)."""
    centre, outer, ring = (_SIZE - 1) / 2, _SIZE / 2 - 4, _SIZE / 2 - 24
    ink = _text_pixels(name)
    rows = bytearray()
    for y in range(_SIZE):
        rows.append(0)  # filter type: none
        for x in range(_SIZE):
            distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            if distance > outer:
                rows += b"\x00\x00\x00\x00"
            elif distance > ring:
                rows += b"\x4d\xb6\xac\xff"
            elif (x, y) in ink:
                rows += b"\xff\xff\xff\xff"
            else:
                rows += b"\x00\x6d\x77\xff"
    header = struct.pack(">IIBBBBB", _SIZE, _SIZE, 8, 6, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _text_pixels(name: str) -> set[tuple[int, int]]:
    """The pixels of `name`, centred: each font pixel drawn as a 2×2 block."""
    scale, advance, leading = 2, (badge_font.WIDTH + 1) * 2, (badge_font.HEIGHT + 3) * 2
    lines = badge_font.wrap(name, _LINE_CHARS, 3) if name.strip() else []
    top = (_SIZE - len(lines) * leading) // 2
    pixels: set[tuple[int, int]] = set()
    for row, line in enumerate(lines):
        left = (_SIZE - len(line) * advance) // 2
        for column, char in enumerate(line):
            for gy, bits in enumerate(badge_font.glyph(char)):
                for gx in range(badge_font.WIDTH):
                    if bits & (1 << (badge_font.WIDTH - 1 - gx)):
                        x0 = left + column * advance + gx * scale
                        y0 = top + row * leading + gy * scale
                        pixels.update(
                            (x0 + dx, y0 + dy) for dx in range(scale) for dy in range(scale)
                        )
    return pixels


def default_svg(name: str) -> str:
    """A round badge with the achievement's name (escaped; shortened to fit)."""
    label = escape(name if len(name) <= 28 else name[:27] + "…")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        '<circle cx="128" cy="128" r="124" fill="#4db6ac"/>'
        '<circle cx="128" cy="128" r="104" fill="#006d77"/>'
        '<text x="128" y="136" font-family="sans-serif" font-size="16" fill="#ffffff"'
        f' text-anchor="middle">{label}</text></svg>'
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
