"""Each service as a real process: health, readiness, OpenAPI, problem details, clean shutdown."""

from __future__ import annotations

import base64
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from b4g.core.infra.devstack import free_port

pytestmark = pytest.mark.e2e

SERVICES = ("issuer", "verifier", "registry")


def start_service(
    name: str,
    database_url: str,
    bootstrap: str,
    prefix: str,
    log_level: str = "WARNING",
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `python -m b4g.<name>` (on `port`, or a free one); its output goes to a temporary
    file (`proc.log_path`), never to a pipe that could fill up and block it."""
    port = port or free_port()
    env = {
        **os.environ,
        "B4G_DATABASE_URL": database_url,
        "B4G_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "B4G_KAFKA_TOPIC_PREFIX": prefix,
        "B4G_PORT": str(port),
        "B4G_MASTER_KEY": os.environ.get("B4G_MASTER_KEY")
        or base64.b64encode(os.urandom(32)).decode(),
        "B4G_REGISTRY_SIGNING_SEED": os.environ.get("B4G_REGISTRY_SIGNING_SEED")
        or base64.b64encode(os.urandom(32)).decode(),
        "B4G_LOG_LEVEL": log_level,
        "B4G_PUBLIC_RATE_LIMIT": "0",  # tests send from one address; test_public_access enables it
        **(extra_env or {}),
    }
    log = tempfile.NamedTemporaryFile(prefix=f"b4g-{name}-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", f"b4g.{name}"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    proc.log_path = log.name  # type: ignore[attr-defined]
    tls_cert = env.get("B4G_TLS_CERT_FILE")
    base = f"{'https' if tls_cert else 'http'}://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, Path(proc.log_path).read_text()  # type: ignore[attr-defined]
        try:
            verify = ssl.create_default_context(cafile=tls_cert) if tls_cert else True
            if httpx.get(f"{base}/health", timeout=1, verify=verify).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError(f"{name} did not start")


def service_cli(module: str, database_url: str, *args: str) -> str:
    """An operator command of a service (`python -m b4g.<service> …`) against its database."""
    env = {**os.environ, "B4G_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", module, *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def issuer_cli(database_url: str, *args: str) -> dict:
    """An issuer operator command; its JSON answer."""
    return json.loads(service_cli("b4g.issuer", database_url, *args))


@pytest.fixture
async def services(stack, prefix) -> Iterator[dict[str, str]]:
    procs: list[subprocess.Popen[bytes]] = []
    bases: dict[str, str] = {}
    urls = []
    for name in SERVICES:
        url = await stack.new_database(name)
        urls.append(url)
        proc, base = start_service(name, url, stack.bootstrap, prefix)
        procs.append(proc)
        bases[name] = base
    yield bases
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]
    for url in urls:
        await stack.drop(url)


async def test_health_readiness_openapi_and_problems(services):
    async with httpx.AsyncClient(timeout=10) as client:
        for name, base in services.items():
            health = await client.get(f"{base}/health")
            assert health.json() == {"status": "ok", "service": name}
            ready = await client.get(f"{base}/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": True, "broker": True}
            spec = (await client.get(f"{base}/schema/openapi.json")).json()
            assert spec["openapi"].startswith("3.")
            assert {"/health", "/ready"} <= spec["paths"].keys()
            page = await client.get(f"{base}/schema")
            assert page.status_code == 200 and "swagger-ui" in page.text
            assert "/schema-assets/" in page.text  # served locally, no CDN
            assets = await client.get(f"{base}/schema-assets/swagger-ui-bundle.js")
            assert assets.status_code == 200
            missing = await client.get(f"{base}/no-such-thing")
            assert missing.status_code == 404
            assert missing.headers["content-type"].startswith("application/problem+json")
            assert missing.json()["code"] == "not_found"


async def test_sigterm_finishes_and_exits_cleanly(stack, prefix):
    url = await stack.new_database("sigterm")
    proc, base = start_service("issuer", url, stack.bootstrap, prefix, log_level="INFO")
    try:
        assert httpx.get(f"{base}/ready", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises the signal after its graceful shutdown, the conventional exit.
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
        output = Path(proc.log_path).read_text()  # type: ignore[attr-defined]
        logs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        stopped = [e for e in logs if e["message"].startswith("stopped: requests finished")]
        assert stopped and stopped[0]["service"] == "issuer"
    finally:
        if proc.poll() is None:
            proc.kill()
        await stack.drop(url)


async def test_not_ready_while_the_broker_is_unreachable(stack, prefix):
    url = await stack.new_database("notready")
    proc, base = start_service("registry", url, f"127.0.0.1:{free_port()}", prefix)
    try:
        ready = httpx.get(f"{base}/ready", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["code"] == "not_ready"
        assert "broker" in ready.json()["detail"]
    finally:
        proc.kill()
        proc.wait()
        await stack.drop(url)
