"""Achievement artwork: what a platform's image must be to be baked (pure).

Validated by content, never by the declared type alone: a PNG must parse to its IEND chunk with
sane dimensions; an SVG must be well-formed XML with an `svg` root and nothing active in it
(no scripts, event handlers, DOCTYPE/entities, foreign objects or external references).
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from typing import Final
from xml.etree import ElementTree

from b4g.core.baking import PNG_SIGNATURE
from b4g.issuer.domain.badge_images import ImageKind
from b4g.issuer.domain.errors import ArtworkRefused

MAX_ARTWORK_BYTES: Final = 512 * 1024
MAX_DIMENSION: Final = 2048
_ACTIVE_ELEMENTS: Final = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video"}
_HREF: Final = re.compile(r"^(#|data:image/(png|jpeg|gif|webp);base64,)", re.I)


def checked_artwork(content: bytes, media_type: str | None) -> ImageKind:
    """The kind of `content` (png or svg), or ArtworkRefused saying why it cannot be used."""
    if not content:
        raise ArtworkRefused("the image is empty")
    if len(content) > MAX_ARTWORK_BYTES:
        raise ArtworkRefused(
            f"the image has {len(content)} bytes; at most {MAX_ARTWORK_BYTES} are accepted"
        )
    declared = (media_type or "").split(";", 1)[0].strip().lower()
    kind: ImageKind = "png" if content.startswith(PNG_SIGNATURE) else "svg"
    if declared and declared not in ("image/png", "image/svg+xml"):
        raise ArtworkRefused(f"images are PNG or SVG, not {declared}")
    if declared and declared != {"png": "image/png", "svg": "image/svg+xml"}[kind]:
        raise ArtworkRefused(f"the content is not the {declared} it is declared as")
    if kind == "png":
        _check_png(content)
    else:
        _check_svg(content)
    return kind


def _check_png(png: bytes) -> None:
    pos, first = len(PNG_SIGNATURE), True
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        end = pos + 12 + length
        if end > len(png):
            break
        data = png[pos + 8 : pos + 8 + length]
        if zlib.crc32(kind + data) != struct.unpack(">I", png[end - 4 : end])[0]:
            raise ArtworkRefused("the PNG is damaged (a chunk's checksum is wrong)")
        if first:
            if kind != b"IHDR" or length != 13:
                raise ArtworkRefused("the PNG has no header")
            width, height = struct.unpack(">II", data[:8])
            if not (0 < width <= MAX_DIMENSION and 0 < height <= MAX_DIMENSION):
                raise ArtworkRefused(
                    f"the PNG is {width}×{height}; at most {MAX_DIMENSION}×{MAX_DIMENSION}"
                )
            first = False
        if kind == b"IEND":
            return
        pos = end
    raise ArtworkRefused("the PNG is truncated")


def _check_svg(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ArtworkRefused("the image is neither a PNG nor a UTF-8 SVG") from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.I):
        raise ArtworkRefused("SVG images with a DOCTYPE or entities are refused")
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - no DOCTYPE, so no entities
    except ElementTree.ParseError as exc:
        raise ArtworkRefused(f"the image is neither a PNG nor a well-formed SVG ({exc})") from None
    if _local(root.tag) != "svg":
        raise ArtworkRefused("the SVG's root element is not <svg>")
    for element in root.iter():
        if _local(element.tag) in _ACTIVE_ELEMENTS:
            raise ArtworkRefused(f"SVG images may not contain <{_local(element.tag)}>")
        for name, value in element.attrib.items():
            local = _local(name).lower()
            if local.startswith("on"):
                raise ArtworkRefused(f"SVG images may not carry event handlers ({local})")
            if local == "href" and not _HREF.match(value.strip()):
                raise ArtworkRefused("SVG images may only refer to their own parts or data images")
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                raise ArtworkRefused("SVG images may not load external resources")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def png_in_svg(png: bytes, name: str) -> bytes:
    """An SVG showing `png` (for an SVG download of an achievement with only PNG artwork)."""
    width, height = struct.unpack(">II", png[16:24])
    encoded = base64.b64encode(png).decode("ascii")
    title = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{title}</title>'
        f'<image width="{width}" height="{height}" '
        f'href="data:image/png;base64,{encoded}"/></svg>'
    ).encode()
