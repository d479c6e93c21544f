"""HTTP load from `wrk` (C, event-driven) when it is installed: a Python client at 32
connections saturates a core by itself and would measure itself, not the service. Without wrk,
`measure` falls back to an httpx client and says so in `client()`."""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from msgspec import Struct

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


class WrkResult(Struct, frozen=True):
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers and socket errors


def available() -> bool:
    return shutil.which("wrk") is not None


def client() -> str:
    """The load generator `measure` uses."""
    return "wrk" if available() else "httpx"


async def measure(
    url: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    seconds: int = 8,
    connections: int = 32,
) -> WrkResult:
    """As many requests as the service answers from `connections` clients for `seconds`."""
    if available():
        return await asyncio.to_thread(
            run,
            url,
            method=method,
            body=body,
            headers=headers,
            seconds=seconds,
            connections=connections,
        )
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    request_headers = {"Content-Type": "application/json", **(headers or {})}

    async def loop(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                response = await http.request(method, url, content=body, headers=request_headers)
            except httpx.TransportError:
                errors += 1
                continue
            if response.is_success:
                latencies.append(time.monotonic() - started)
            else:
                errors += 1

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        started = time.monotonic()
        await asyncio.gather(*(loop(http) for _ in range(connections)))
        elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return WrkResult(len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, errors)


def run(
    url: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    content_type: str = "application/json",
    seconds: int = 8,
    connections: int = 32,
    headers: dict[str, str] | None = None,
    pause_ms: float = 0.0,
) -> WrkResult:
    """`pause_ms`: each connection waits this long after each answer (a paced load rather
    than as fast as the service answers; see `paced`)."""
    with tempfile.TemporaryDirectory() as tmp:
        body_file = Path(tmp) / "body"
        body_file.write_bytes(body)
        script = Path(tmp) / "request.lua"
        script.write_text(
            f'local f = io.open("{body_file}", "rb")\n'
            f'wrk.method = "{method}"\n'
            'wrk.body = f:read("*a")\nf:close()\n'
            f'wrk.headers["Content-Type"] = "{content_type}"\n'
            + "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in (headers or {}).items())
            + (f"function delay()\n  return {pause_ms:.3f}\nend\n" if pause_ms > 0 else "")
        )
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s"]
        out = subprocess.run(
            [*command, str(script), url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return WrkResult(rate, _latency(out, "50%"), _latency(out, "99%"), errors)


def paced(
    url: str,
    *,
    rate: float,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    seconds: int = 8,
    connections: int = 32,
) -> WrkResult:
    """Latency at about `rate` requests/s: each connection pauses between requests so that,
    with the request time seen in a short calibration run, the connections offer `rate`.
    (wrk has no open-loop mode; the achieved rate is reported and is close to `rate`.)"""
    request = {"method": method, "body": body, "headers": headers, "connections": connections}
    period_ms = 1000.0 * connections / rate
    pause_ms = period_ms
    for _ in range(3):  # the request time grows with the rate: adjust, then measure again
        calibration = run(url, seconds=2, pause_ms=pause_ms, **request)  # type: ignore[arg-type]
        # A connection's cycle is its pause plus the time a request takes (latency, wrk's own
        # turn-around): the calibration's rate tells how long that is.
        request_ms = 1000.0 * connections / max(calibration.rate, 1.0) - pause_ms
        pause_ms = max(period_ms - request_ms, 0.1)
    return run(url, seconds=seconds, pause_ms=pause_ms, **request)  # type: ignore[arg-type]


def _latency(out: str, label: str) -> float:
    match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\b", out, re.MULTILINE)
    assert match, out
    return float(match.group(1)) * _UNITS[match.group(2)]
