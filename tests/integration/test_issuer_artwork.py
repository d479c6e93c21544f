"""Achievement artwork in baked badges: a platform uploads a real PNG or SVG (size-limited,
validated by content) or names a URL the issuer fetches once through the safe fetcher; baked
downloads carry that artwork and the credential; unusable images are refused with a reason."""

from __future__ import annotations

import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_issuer_issuance import ACHIEVEMENT, PROFILE
from test_issuer_support import issuer_app

from b4g.core.baking import _chunks, unbake

pytestmark = pytest.mark.integration


def artwork_png(size: int = 96) -> bytes:
    """A real RGBA picture (a gradient), far beyond what a 2,000-character data URI holds."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(
        b"\x00"
        + b"".join(bytes((x * 2 % 256, y * 2 % 256, (x * y) % 256, 255)) for x in range(size))
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


ART_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#f80"/></linearGradient></defs>'
    '<circle id="platform-art" cx="50" cy="50" r="40" fill="url(#g)"/></svg>'
)


def idat(png: bytes) -> bytes:
    return b"".join(data for kind, data in _chunks(png) if kind == b"IDAT")


@pytest.fixture(scope="module")
def image_server():
    png = artwork_png(64)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body, kind = (
                (png, "image/png") if self.path == "/art.png" else (b"<html/>", "text/html")
            )
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", png
    httpd.shutdown()


async def _badge(app, auth, issuer_id: str) -> tuple[str, str]:
    achievement = (
        await app.client.post(f"/issuers/{issuer_id}/achievements", json=ACHIEVEMENT, headers=auth)
    ).json()
    issued = await app.client.post(
        f"/issuers/{issuer_id}/credentials",
        json={"achievementId": achievement["id"], "recipient": {"email": "a@example.org"}},
        headers=auth,
    )
    assert issued.status_code == 201, issued.text
    return achievement["id"], issued.json()["credentialId"]


async def _put(app, auth, achievement: str, content: bytes, media_type: str):
    return await app.client.put(
        f"/achievements/{achievement}/image",
        content=content,
        headers={**auth, "Content-Type": media_type},
    )


async def test_uploaded_artwork_is_baked(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()
        achievement, credential = await _badge(app, auth, issuer["id"])
        png = artwork_png()
        assert len(png) > 2000
        uploaded = await _put(app, auth, achievement, png, "image/png")
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["kind"] == "png"
        baked = (await app.client.get(f"/credentials/{credential}/baked.png", headers=auth)).content
        assert idat(baked) == idat(png)  # the platform's picture, not the default disc
        assert unbake(baked)["id"].endswith(credential)
        # No SVG artwork yet: the SVG download shows the PNG artwork.
        svg = (await app.client.get(f"/credentials/{credential}/baked.svg", headers=auth)).text
        assert "data:image/png;base64," in svg and unbake(svg.encode())["id"].endswith(credential)

        assert (
            await _put(app, auth, achievement, ART_SVG.encode(), "image/svg+xml")
        ).status_code == 200
        svg = (await app.client.get(f"/credentials/{credential}/baked.svg", headers=auth)).text
        assert 'id="platform-art"' in svg and unbake(svg.encode())["id"].endswith(credential)
        # Another platform cannot touch it.
        _, stranger = await app.platform("other")
        foreign = await _put(app, stranger, achievement, png, "image/png")
        assert foreign.status_code == 404 and foreign.json()["code"] == "achievement_not_found"


UNUSABLE = [
    (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
        "<script>",
    ),
    (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "image/svg+xml",
        "event handlers",
    ),
    (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<image x:href="https://tracker.example/p.png"/></svg>',
        "image/svg+xml",
        "refer",
    ),
    (
        b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        "image/svg+xml",
        "DOCTYPE",
    ),
    (b"<html><body/></html>", "image/svg+xml", "root element"),
    (artwork_png(8), "image/svg+xml", "not the image/svg+xml"),
    (artwork_png(8)[:-20], "image/png", "truncated"),
    (artwork_png(8), "image/jpeg", "PNG or SVG"),
    (b"\x89PNG\r\n\x1a\n" + b"x" * 600_000, "image/png", "at most"),
    (b"", "image/png", "empty"),
]


async def test_unusable_images_are_refused_with_a_reason(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()
        achievement, _ = await _badge(app, auth, issuer["id"])
        for content, media_type, reason in UNUSABLE:
            refused = await _put(app, auth, achievement, content, media_type)
            assert refused.status_code == 422, refused.text
            problem = refused.json()
            assert problem["code"] == "achievement_image_unusable", problem
            assert reason in problem["detail"], (reason, problem)


async def test_artwork_from_a_url_is_fetched_once_through_the_guarded_fetcher(
    stack, prefix, image_server
):
    origin, png = image_server
    async with issuer_app(
        stack, prefix, fetch_allow_http_origins=origin, fetch_allow_private_hosts="127.0.0.1"
    ) as app:
        _, auth = await app.platform()
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()
        achievement, credential = await _badge(app, auth, issuer["id"])
        fetched = await app.client.put(
            f"/achievements/{achievement}/image-url",
            json={"url": f"{origin}/art.png"},
            headers=auth,
        )
        assert fetched.status_code == 200, fetched.text
        baked = (await app.client.get(f"/credentials/{credential}/baked.png", headers=auth)).content
        assert idat(baked) == idat(png)
        not_an_image = await app.client.put(
            f"/achievements/{achievement}/image-url", json={"url": f"{origin}/page"}, headers=auth
        )
        assert not_an_image.status_code == 422
        assert not_an_image.json()["code"] == "achievement_image_unusable"
    async with issuer_app(stack, prefix) as strict:  # the default policy: no http, no loopback
        _, auth = await strict.platform()
        issuer = (await strict.client.post("/issuers", json=PROFILE, headers=auth)).json()
        achievement, _ = await _badge(strict, auth, issuer["id"])
        refused = await strict.client.put(
            f"/achievements/{achievement}/image-url",
            json={"url": f"{origin}/art.png"},
            headers=auth,
        )
        assert refused.status_code == 422 and "could not be fetched" in refused.json()["detail"]
