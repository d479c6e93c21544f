"""Fair fetching against real HTTP servers on 127.0.0.1 (named slow.test and fast.test through
the fetcher's resolver): a slow host gets at most `per_host` requests at a time while other
hosts are served, and a verification's time budget bounds all its fetches together."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from b4g.core.did.resolver import DidResolver
from b4g.core.infra.fetch import FetchPolicy, FetchTimeout, SafeFetcher
from b4g.core.verification import Verifier
from tests.unit.test_verification import NOW, STORE, badge, signed


class Slow(BaseHTTPRequestHandler):
    """Answers only once `release` is set; counts requests and the most at once."""

    release = threading.Event()
    lock = threading.Lock()
    in_flight = 0
    most = 0
    hits = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        with Slow.lock:
            Slow.hits += 1
            Slow.in_flight += 1
            Slow.most = max(Slow.most, Slow.in_flight)
        Slow.release.wait(30)
        with Slow.lock:
            Slow.in_flight -= 1
        body = json.dumps({"slow": True}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Fast(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = json.dumps({"fast": True}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def servers():
    started = []
    for handler in (Slow, Fast):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
    Slow.release.clear()
    Slow.in_flight = Slow.most = Slow.hits = 0
    try:
        yield tuple(
            f"http://{name}:{h.server_address[1]}"
            for name, h in zip(("slow.test", "fast.test"), started, strict=True)
        )
    finally:
        Slow.release.set()
        for httpd in started:
            httpd.shutdown()


def fetcher_for(slow: str, fast: str, **policy) -> SafeFetcher:
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    return SafeFetcher(
        FetchPolicy(
            allow_http_origins=(slow, fast),
            allow_private_hosts=("slow.test", "fast.test"),
            **policy,
        ),
        resolver=resolver,
    )


async def until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def test_a_slow_host_gets_only_its_slots_and_delays_nobody_else(servers):
    slow, fast = servers
    async with fetcher_for(slow, fast, per_host=2, timeout=30) as fetcher:
        waiting = [asyncio.create_task(fetcher.fetch_json(f"{slow}/list/{i}")) for i in range(12)]
        await until(lambda: Slow.in_flight == 2)
        # The slow host holds its two slots and ten requests queue behind them; another host
        # is answered meanwhile.
        assert await fetcher.fetch_json(f"{fast}/list") == {"fast": True}
        assert not any(task.done() for task in waiting) and Slow.hits == 2
        Slow.release.set()
        assert await asyncio.gather(*waiting) == [{"slow": True}] * 12
    assert Slow.most == 2 and Slow.hits == 12


async def test_a_budget_bounds_every_fetch_inside_it(servers):
    slow, fast = servers
    async with fetcher_for(slow, fast, timeout=30) as fetcher:
        with fetcher.budget(0.5):
            with pytest.raises(FetchTimeout, match=r"no answer within 0\.\d s"):
                await fetcher.fetch_json(f"{slow}/first")
            with pytest.raises(FetchTimeout, match="time for this verification is spent"):
                await fetcher.fetch_json(f"{fast}/second")
        assert Slow.hits == 1  # the second was never sent
        assert await fetcher.fetch_json(f"{fast}/after") == {"fast": True}  # budget is over


async def test_a_verification_naming_slow_status_lists_is_bounded_by_its_budget(servers):
    """Three status entries on a host that never answers: the first fetch spends the budget,
    the others are not sent, and each is reported as could not check."""
    slow, fast = servers
    credential = badge()
    credential["credentialStatus"] = [
        {
            "id": f"{slow}/lists/{i}#1",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "1",
            "statusListCredential": f"{slow}/lists/{i}",
        }
        for i in range(3)
    ]
    async with fetcher_for(slow, fast, timeout=30) as fetcher:
        verifier = Verifier(
            store=STORE, resolve_key=DidResolver().resolve_key, status_fetcher=fetcher.fetch_json
        )
        with fetcher.budget(0.5):
            result = await verifier.verify(signed(credential), now=NOW)
    statuses = [c for c in result.checks if c.name == "status"]
    assert [c.state for c in statuses] == ["could_not_check"] * 3
    assert "spent" in statuses[-1].message and Slow.hits == 1
