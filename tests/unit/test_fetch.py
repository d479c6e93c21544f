"""The safe fetcher against a real HTTP server on 127.0.0.1 (the only address tests talk to)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from b4g.core.infra.fetch import (
    BlockedAddress,
    FetchError,
    FetchPolicy,
    FetchTimeout,
    HttpStatus,
    SafeFetcher,
    SchemeNotAllowed,
    TooLarge,
    TooManyRedirects,
    is_public_address,
)


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}
    hosts: ClassVar[list[str]] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        received = json.loads(self.rfile.read(length))
        if self.path == "/redirect-post":
            self.send_response(307)
            self.send_header("Location", "/echo")
            self.end_headers()
            return
        body = json.dumps(
            {
                "got": received,
                "auth": self.headers.get("Authorization"),
                "type": self.headers.get("Content-Type"),
            }
        ).encode()
        self.send_response(200 if self.path == "/echo" else 422)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        Handler.hosts.append(self.headers.get("Host", ""))
        if self.path.startswith("/doc"):
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            body = json.dumps({"id": "did:web:example"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("ETag", '"v1"')
            self.send_header("Cache-Control", "max-age=0" if "stale" in self.path else "max-age=60")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the limit must hold while streaming
            for _ in range(64):
                self.wfile.write(b"x" * 65536)
        elif self.path == "/slow":
            time.sleep(2)
            self.send_response(200)
            self.end_headers()
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/to-blocked":
            self.send_response(302)
            self.send_header("Location", f"http://blocked.test:{self.server.server_port}/doc")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()


def fetcher(port: int, **policy) -> SafeFetcher:
    async def resolve(host: str, _port: int) -> list[str]:
        # Every name used here resolves to loopback: no traffic ever leaves this machine.
        return ["127.0.0.1"]

    settings = {
        "allow_http_origins": (
            f"http://127.0.0.1:{port}",
            f"http://pinned.test:{port}",
            f"http://blocked.test:{port}",
        ),
        "allow_private_hosts": ("127.0.0.1", "pinned.test"),
        "timeout": 1.0,
    }
    settings.update(policy)
    return SafeFetcher(FetchPolicy(**settings), resolver=resolve)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("::", False),
    ],
)
def test_address_classification(address, public):
    assert is_public_address(address) is public


async def test_scheme_and_private_addresses_are_refused_by_default(server):
    async with SafeFetcher(FetchPolicy()) as default:
        with pytest.raises(SchemeNotAllowed):
            await default.get(f"http://127.0.0.1:{server}/doc", accept="application/json")
    async with fetcher(server) as guarded:
        with pytest.raises(BlockedAddress):
            await guarded.get(f"http://blocked.test:{server}/doc", accept="application/json")


async def test_connects_to_the_checked_address_and_keeps_the_name(server):
    async with fetcher(server) as safe:
        document = await safe.fetch_json(f"http://pinned.test:{server}/doc")
    assert document == {"id": "did:web:example"}
    assert Handler.hosts[-1] == f"pinned.test:{server}"


async def test_cache_and_etag_revalidation(server):
    async with fetcher(server) as safe:
        first = await safe.get(f"http://127.0.0.1:{server}/doc-fresh", accept="*/*")
        again = await safe.get(f"http://127.0.0.1:{server}/doc-fresh", accept="*/*")
        assert not first.from_cache and again.from_cache
        assert Handler.hits["/doc-fresh"] == 1
        await safe.get(f"http://127.0.0.1:{server}/doc-stale", accept="*/*")
        revalidated = await safe.get(f"http://127.0.0.1:{server}/doc-stale", accept="*/*")
        assert Handler.hits["/doc-stale"] == 2 and revalidated.body == first.body


async def test_size_time_redirect_and_status_limits(server):
    async with fetcher(server, max_bytes=100_000) as safe:
        with pytest.raises(TooLarge):
            await safe.get(f"http://127.0.0.1:{server}/big", accept="*/*")
        with pytest.raises(FetchTimeout):
            await safe.get(f"http://127.0.0.1:{server}/slow", accept="*/*")
        with pytest.raises(TooManyRedirects):
            await safe.get(f"http://127.0.0.1:{server}/loop", accept="*/*")
        with pytest.raises(BlockedAddress):
            await safe.get(f"http://127.0.0.1:{server}/to-blocked", accept="*/*")
        with pytest.raises(HttpStatus):
            await safe.get(f"http://127.0.0.1:{server}/missing", accept="*/*")


async def test_post_json_keeps_the_rules_and_returns_any_status(server):
    async with fetcher(server) as safe:
        echoed = await safe.post_json(
            f"http://127.0.0.1:{server}/echo", {"a": 1}, headers={"Authorization": "Bearer t"}
        )
        assert echoed.status == 200
        assert json.loads(echoed.body) == {
            "got": {"a": 1},
            "auth": "Bearer t",
            "type": "application/json",
        }
        refused = await safe.post_json(f"http://127.0.0.1:{server}/refuse", {})
        assert refused.status == 422  # the caller reads the other side's problem
        redirected = await safe.post_json(f"http://127.0.0.1:{server}/redirect-post", {})
        assert redirected.status == 307  # never followed: the body is not sent elsewhere
        with pytest.raises(BlockedAddress):
            await safe.post_json(f"http://blocked.test:{server}/echo", {})
    async with SafeFetcher(FetchPolicy()) as default:
        with pytest.raises(SchemeNotAllowed):
            await default.post_json(f"http://127.0.0.1:{server}/echo", {})


async def test_an_allow_listed_http_origin_is_reached_over_http_for_https_urls(server):
    """did:web names https; a local stack's allow-listed plain-http origin still resolves."""
    async with fetcher(server) as safe:
        document = await safe.fetch_json(f"https://127.0.0.1:{server}/doc-local")
    assert document == {"id": "did:web:example"}
    async with fetcher(server, allow_http_origins=()) as strict:
        with pytest.raises(FetchError):
            await strict.fetch_json(f"https://127.0.0.1:{server}/doc-local")
