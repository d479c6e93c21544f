"""`B4G_WORKERS=2`: two worker processes serve one socket; SIGTERM to the service stops both
gracefully, and a worker that dies takes the service down (for the orchestrator to restart)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.test_services import start_service

pytestmark = pytest.mark.e2e


async def test_two_workers_serve_and_stop_together(stack, prefix):
    url = await stack.new_database("workers")
    proc, base = start_service(
        "registry", url, stack.bootstrap, prefix, log_level="INFO", extra_env={"B4G_WORKERS": "2"}
    )
    try:
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in range(20):
                assert (await client.get(f"{base}/scheme")).status_code == 200
            assert (await client.get(f"{base}/ready")).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
        logs = [
            json.loads(line)
            for line in Path(proc.log_path).read_text().splitlines()  # type: ignore[attr-defined]
            if line.startswith("{")
        ]
        assert len([e for e in logs if e["message"].startswith("stopped: requests finished")]) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]
        await stack.drop(url)


async def test_a_dead_worker_stops_the_service(stack, prefix):
    url = await stack.new_database("workers_dead")
    proc, _ = start_service(
        "registry", url, stack.bootstrap, prefix, extra_env={"B4G_WORKERS": "2"}
    )
    try:
        first, second = psutil.Process(proc.pid).children()
        first.kill()
        assert proc.wait(timeout=30) == 1
        second.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]
        await stack.drop(url)
