"""`make run` as a user runs it: embedded PostgreSQL, Tansu, three services; Ctrl-C stops all,
and a second run finds its data again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil
import pytest

from b4g.core.infra.devstack import free_port
from tests.support.stack import REPO

pytestmark = pytest.mark.e2e


def start_runner(state: Path, ports: dict[str, int]) -> tuple[subprocess.Popen[str], list[str]]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    }
    env |= {"B4G_STATE_DIR": str(state), "B4G_LOG_LEVEL": "WARNING"}
    env |= {f"B4G_{name.upper()}_PORT": str(port) for name, port in ports.items()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "b4g.core.infra.devrun"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "press Ctrl-C to stop" in line:
            return proc, lines
    proc.kill()
    raise AssertionError("runner did not come up:\n" + "".join(lines))


def descendants_using(state: Path) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmd = " ".join(p.info["cmdline"] or [])
            env = p.info["environ"] or {}
        except (psutil.Error, TypeError):
            continue
        if str(state) in cmd or env.get("B4G_STATE_DIR") == str(state):
            found.append(p)
    return found


def next_steps_work_as_printed(output: str, ports: dict[str, int]) -> None:
    """The commands `make run` prints, run as a newcomer pastes them into a shell (no database
    URL or key set): they find the stack, and the keys they print work against the services."""
    commands = [
        line.split("b4g:", 1)[1].strip()
        for line in output.splitlines()
        if "create-platform" in line or "create-key --role" in line
    ]
    assert len(commands) == 2, output
    clean = {k: v for k, v in os.environ.items() if not k.startswith("B4G_")}
    clean.pop("DATABASE_URL", None)
    done = [
        subprocess.run(c, shell=True, env=clean, capture_output=True, text=True, timeout=60)
        for c in commands
    ]
    for result in done:
        assert result.returncode == 0, result.stderr
        assert "the local stack" in result.stderr, result.stderr
    platform_token = json.loads(done[0].stdout)["token"]
    admin_token = done[1].stdout.strip()
    issuers = httpx.get(
        f"http://127.0.0.1:{ports['issuer']}/issuers",
        headers={"Authorization": f"Bearer {platform_token}"},
    )
    assert issuers.status_code == 200, issuers.text
    organisation = httpx.post(
        f"http://127.0.0.1:{ports['registry']}/organisations",
        headers={"Authorization": f"Bearer {admin_token}"},
        json={"legalName": "First hour", "country": "LT"},
    )
    assert organisation.status_code == 201, organisation.text


def label_issuer_is_registered(output: str, state: Path, ports: dict[str, int]) -> str:
    """The network's label-badge issuer is made on the first run and enrolled in the registry
    through the issuer's endpoint, so the label badges it issues show a registered issuer."""
    made = json.loads((state / "label-issuer.json").read_text())
    assert f"label issuer {made['did']}" in output and "enrolled" in output, output
    trust = httpx.get(
        f"http://127.0.0.1:{ports['registry']}/trust/{quote(made['did'], safe='')}", timeout=10
    )
    assert trust.status_code == 200, trust.text
    assert trust.json()["did_proven"] is True
    profile = httpx.get(
        f"http://127.0.0.1:{ports['issuer']}/issuers/{made['issuerId']}",
        headers={"Authorization": f"Bearer {made['token']}"},
        timeout=10,
    )
    assert profile.status_code == 200 and profile.json()["did"] == made["did"]
    return str(made["did"])


def test_run_starts_everything_and_ctrl_c_stops_everything():
    # Under the repository, not pytest's private tmp folder: embedded PostgreSQL runs as its
    # own system user when started by root and must be able to reach the data folder.
    state = REPO / ".b4g" / f"test-devrun-{uuid.uuid4().hex[:8]}"
    ports = {"issuer": free_port(), "verifier": free_port(), "registry": free_port()}
    os.environ["B4G_BROKER_PORT"] = str(free_port())
    registry_keys = []
    label_dids: list[str] = []
    try:
        for attempt in range(2):  # the second run reuses the embedded database's data
            proc, lines = start_runner(state, ports)
            output = "".join(lines)
            assert "embedded PostgreSQL running" in output
            assert "Tansu Kafka-protocol broker" in output
            for name, port in ports.items():
                assert f"http://127.0.0.1:{port}" in output
                ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
                assert ready.status_code == 200, (name, ready.text)
            # The dev runner gives the registry a signing seed, kept across runs.
            key = httpx.get(f"http://127.0.0.1:{ports['registry']}/.well-known/registry-key")
            assert key.status_code == 200, key.text
            registry_keys.append(key.json()["did"])
            snapshot = httpx.get(f"http://127.0.0.1:{ports['registry']}/snapshot", timeout=10)
            assert snapshot.status_code == 200 and snapshot.json()["issuer"] == registry_keys[-1]
            if attempt == 0:
                next_steps_work_as_printed(output, ports)
            label_dids.append(label_issuer_is_registered(output, state, ports))
            proc.send_signal(signal.SIGINT)
            rest, _ = proc.communicate(timeout=60)
            assert proc.returncode == 0, output + rest
            assert "stopped" in rest
            time.sleep(0.5)
            assert descendants_using(state) == [], f"orphans after run {attempt + 1}"
            assert (state / "pgdata" / "PG_VERSION").exists()
        assert registry_keys[0] == registry_keys[1]
        assert label_dids[0] == label_dids[1]  # made once, kept across runs
    finally:
        os.environ.pop("B4G_BROKER_PORT", None)
        shutil.rmtree(state, ignore_errors=True)
