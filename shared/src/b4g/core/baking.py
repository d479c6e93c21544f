"""Baked badges (Open Badges 3.0 §5.3): the credential carried inside its PNG or SVG image (pure).

PNG: an `iTXt` chunk with keyword `openbadgecredential` (uncompressed), before `IEND`; any
earlier one is replaced. SVG: an `<openbadges:credential>` element under the root
(`xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`), the JSON in CDATA, or a VC-JWT in its
`verify` attribute. Unbaking refuses DOCTYPEs (no entity expansion) and oversized input.
"""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from typing import Any

from b4g.core.errors import B4GError
from b4g.core.urls import OB_XML_NAMESPACE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class BakingError(B4GError):
    code = "invalid_baked_image"


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(png):
        if pos + 8 > len(png):
            raise BakingError("truncated PNG chunk header")
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        end = pos + 12 + length
        if end > len(png):
            raise BakingError("truncated PNG chunk")
        data = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if zlib.crc32(kind + data) != crc:
            raise BakingError(f"bad CRC in PNG chunk {kind!r}")
        chunks.append((kind, data))
        pos = end
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise BakingError("PNG has no IEND chunk")
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _is_ours(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\0", 1)[0] == KEYWORD


def bake_png(png: bytes, credential: dict[str, Any] | str) -> bytes:
    text = credential if isinstance(credential, str) else json.dumps(credential, ensure_ascii=False)
    itxt = KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data in _chunks(png):
        if _is_ours(kind, data):
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", itxt))
        out.append(_chunk(kind, data))
    return b"".join(out)


def unbake_png(png: bytes) -> dict[str, Any] | str:
    for kind, data in _chunks(png[: MAX_IMAGE_BYTES + 1]):
        if _is_ours(kind, data):
            keyword_end = len(KEYWORD) + 1
            compressed, method = data[keyword_end], data[keyword_end + 1]
            rest = data[keyword_end + 2 :]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            if compressed:
                if method != 0:
                    raise BakingError("unknown iTXt compression")
                text = zlib.decompressobj().decompress(text, MAX_IMAGE_BYTES)
            return _payload(text.decode("utf-8"))
    raise BakingError("the PNG carries no Open Badges credential")


def bake_svg(svg: str, credential: dict[str, Any] | str) -> str:
    _refuse_doctype(svg)
    svg = re.sub(r"<openbadges:credential\b.*?(</openbadges:credential>|/>)", "", svg, flags=re.S)
    if isinstance(credential, str):
        if not _JWT.fullmatch(credential):
            raise BakingError("only a compact VC-JWT can be baked as a string")
        element = f'<openbadges:credential verify="{credential}"></openbadges:credential>'
    else:
        body = json.dumps(credential, ensure_ascii=False).replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential><![CDATA[{body}]]></openbadges:credential>"
    match = re.search(r"<svg\b[^>]*>", svg)
    if match is None:
        raise BakingError("not an SVG image")
    opening = match.group(0)
    self_closing = opening.endswith("/>")
    opening = opening[:-2].rstrip() + ">" if self_closing else opening
    if "xmlns:openbadges" not in opening:
        opening = opening[:-1] + f' xmlns:openbadges="{OB_XML_NAMESPACE}">'
    if self_closing:
        element += "</svg>"
    return svg[: match.start()] + opening + element + svg[match.end() :]


def unbake_svg(svg: str) -> dict[str, Any] | str:
    _refuse_doctype(svg)
    try:
        root = ET.fromstring(svg)  # noqa: S314 - no DOCTYPE, so no entities
    except ET.ParseError as exc:
        raise BakingError(f"not well-formed SVG: {exc}") from exc
    element = root.find(f"{{{OB_XML_NAMESPACE}}}credential")
    if element is None:
        raise BakingError("the SVG carries no Open Badges credential")
    if element.get("verify"):
        return element.get("verify", "").strip()
    return _payload(element.text or "")


def unbake(image: bytes) -> dict[str, Any] | str:
    """The credential (JSON object) or VC-JWT (string) baked into a PNG or SVG."""
    if len(image) > MAX_IMAGE_BYTES:
        raise BakingError("image larger than 10 MiB")
    if image.startswith(PNG_SIGNATURE):
        return unbake_png(image)
    try:
        text = image.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("neither a PNG nor an SVG image") from exc
    if "<svg" not in text:
        raise BakingError("neither a PNG nor an SVG image")
    return unbake_svg(text)


def _refuse_doctype(svg: str) -> None:
    if re.search(r"<!(DOCTYPE|ENTITY)", svg, re.I):
        raise BakingError("SVG with a DOCTYPE or entities is refused")


def _payload(text: str) -> dict[str, Any] | str:
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise BakingError(f"baked credential is not JSON: {exc}") from exc
        if isinstance(value, dict):
            return value
        raise BakingError("baked credential must be a JSON object")
    if text.count(".") == 2:
        return text
    raise BakingError("baked content is neither a credential nor a VC-JWT")
