"""Baked badge downloads (OB 3.0 §5.3): PNG and SVG carry the credential (JSON-LD, or the JWT of
a VC-JWT-only credential), `b4g unbake` reads it back and the core verifier verifies it; the
achievement's `data:` image is used, a remote image URL is not fetched; tenant-scoped."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from datetime import UTC, datetime

import pytest
from test_issuer_issuance import ACHIEVEMENT, PROFILE, did_resolver, published_lists
from test_issuer_support import issuer_app

from b4g.cli.__main__ import main as b4g_cli
from b4g.core.baking import unbake
from b4g.core.jsonld.documents import ContextStore
from b4g.core.verification import Verifier

pytestmark = pytest.mark.integration


def tiny_png() -> bytes:
    """A 1×1 PNG with a text chunk that marks it as the platform's own art."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00own-art")
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00"))
        + chunk(b"IEND", b"")
    )


def achievement_with_image(image_uri: str) -> dict:
    return {**ACHIEVEMENT, "image": {"id": image_uri, "caption": "the badge"}}


async def issue(app, auth, issuer_id: str, achievement_id: str, formats: list[str]) -> dict:
    response = await app.client.post(
        f"/issuers/{issuer_id}/credentials",
        json={
            "achievementId": achievement_id,
            "recipient": {"email": "baker@example.org"},
            "proofFormats": formats,
        },
        headers=auth,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_baked_png_and_svg_unbake_and_verify(stack, prefix, tmp_path, capsys):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform("first")
        _, other = await app.platform("second")
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()
        # An achievement whose image is a PNG data: URI (a marker chunk tells it apart from
        # the default badge), one whose SVG is a data: URI, and one with a remote URL.
        own_png = tiny_png()
        marker_svg = '<svg xmlns="http://www.w3.org/2000/svg" id="own-art"><rect/></svg>'
        achievements = {}
        for name, image in (
            ("png", "data:image/png;base64," + base64.b64encode(own_png).decode()),
            ("svg", "data:image/svg+xml;base64," + base64.b64encode(marker_svg.encode()).decode()),
            ("remote", "https://images.example.org/badge.png"),
        ):
            created = await app.client.post(
                f"/issuers/{issuer['id']}/achievements",
                json=achievement_with_image(image),
                headers=auth,
            )
            assert created.status_code == 201, created.text
            achievements[name] = created.json()["id"]

        verifier = Verifier(
            store=ContextStore(),
            resolve_key=did_resolver(app.client),
            status_fetcher=lambda url: _latest(app, url),
        )
        cases = [
            ("png", "png", ["eddsa-rdfc-2022"]),
            ("svg", "svg", ["eddsa-jcs-2022", "vc-jwt"]),
            ("remote", "png", ["vc-jwt"]),
            ("remote", "svg", ["vc-jwt"]),
        ]
        for achievement, kind, formats in cases:
            issued = await issue(app, auth, issuer["id"], achievements[achievement], formats)
            path = f"/credentials/{issued['credentialId']}/baked.{kind}"
            response = await app.client.get(path, headers=auth)
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith(
                "image/png" if kind == "png" else "image/svg+xml"
            )
            image = response.content
            expected = issued["credential"] if issued["credential"] is not None else issued["jwt"]
            assert unbake(image) == expected
            if achievement == "png":
                assert b"own-art" in image
            if achievement == "svg":
                assert b'id="own-art"' in image
            if achievement == "remote" and kind == "svg":
                assert ACHIEVEMENT["name"].encode() in image  # the default badge, named

            # `b4g unbake` prints it back; the core verifier verifies what it printed.
            baked_file = tmp_path / f"{achievement}-{kind}.{kind}"
            baked_file.write_bytes(image)
            assert b4g_cli(["unbake", str(baked_file)]) == 0
            printed = capsys.readouterr().out.strip()
            presented = json.loads(printed) if printed.startswith("{") else printed
            assert presented == expected
            result = await verifier.verify(presented, now=datetime.now(UTC))
            assert result.verified, [c for c in result.checks if c.state != "pass"]

            # Another platform sees nothing.
            assert (await app.client.get(path, headers=other)).status_code == 404
        assert (await app.client.get(path)).status_code == 401


async def _latest(app, url: str) -> dict:
    versions = await published_lists(app, url.rsplit("/", 1)[1])
    return versions[-1]["credential"]
