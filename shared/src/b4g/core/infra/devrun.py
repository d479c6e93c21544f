"""`make run`: the whole system on one machine.

Uses `DATABASE_URL` / `KAFKA_BOOTSTRAP_SERVERS` when set; otherwise starts an embedded PostgreSQL
(data kept under the state folder, `.b4g/` by default) and the Tansu broker. Creates one database
per service, migrates, creates topics, makes the network's label-badge issuer on the first run,
starts issuer, verifier and registry, enrols the label issuer in the registry, prints the URLs
and the next commands (recording the databases for the operator commands), and on Ctrl-C
stops everything it started: services first (they finish requests and commit offsets), then
the broker and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from b4g.core.infra.db import ensure_database, with_database
from b4g.core.infra.devnetwork import enrol_label_issuer, label_issuer
from b4g.core.infra.devstack import EmbeddedPostgres, TansuBroker, port_open, spawn, stop_process
from b4g.core.infra.kafka import ensure_topics, wait_for_broker
from b4g.core.infra.localstack import DEFAULT_STATE_DIR, clear_stack, write_stack

DEFAULT_PORTS = (("issuer", 8001), ("verifier", 8002), ("registry", 8003))


def service_ports() -> list[tuple[str, int]]:
    """Default ports, each overridable with `B4G_<SERVICE>_PORT`."""
    return [
        (name, int(os.environ.get(f"B4G_{name.upper()}_PORT", port)))
        for name, port in DEFAULT_PORTS
    ]


def _say(message: str) -> None:
    print(f"b4g: {message}", flush=True)


def _wait_healthy(
    name: str, port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited during start-up; see its log")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{name} did not become healthy on port {port}")


def dev_master_key(state: Path) -> Path:
    """The issuer's key-encryption key for local runs: created once, private to this user, and
    kept in the state folder so keys encrypted by an earlier run stay readable."""
    path = state / "master-key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    return path


def dev_registry_seed(state: Path) -> Path:
    """The registry's snapshot signing seed for local runs: created once, private to this user,
    kept so offline verifiers that pinned the registry's key keep trusting its snapshots."""
    path = state / "registry-signing-seed"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    return path


def main() -> int:
    state = Path(os.environ.get("B4G_STATE_DIR", ".b4g")).resolve()
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    services = service_ports()
    ports = dict(services)
    postgres: EmbeddedPostgres | None = None
    broker: TansuBroker | None = None
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    label: dict[str, Any] = {}
    try:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            postgres = EmbeddedPostgres(state / "pgdata")
            database_url = postgres.start()
            _say(f"embedded PostgreSQL running (data in {state / 'pgdata'})")
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            port = int(os.environ.get("B4G_BROKER_PORT", "9092"))
            if port_open("127.0.0.1", port):
                raise RuntimeError(
                    f"port {port} is taken; set B4G_BROKER_PORT or KAFKA_BOOTSTRAP_SERVERS"
                )
            broker = TansuBroker(port, log_path=logs / "broker.log")
            bootstrap = broker.start()
            _say(f"Tansu Kafka-protocol broker on {bootstrap} (in memory)")

        urls = {name: with_database(database_url, f"b4g_{name}") for name, _ in services}
        stack_env: dict[str, dict[str, str]] = {}
        asyncio.run(_prepare(list(urls.values()), bootstrap))

        for name, port in services:
            if port_open("127.0.0.1", port):
                raise RuntimeError(f"port {port} for {name} is taken")
            env = {
                **os.environ,
                "B4G_DATABASE_URL": urls[name],
                "B4G_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                "B4G_PORT": str(port),
                "B4G_MASTER_KEY_FILE": os.environ.get(
                    "B4G_MASTER_KEY_FILE", str(dev_master_key(state))
                ),
                "B4G_REGISTRY_SIGNING_SEED_FILE": os.environ.get(
                    "B4G_REGISTRY_SIGNING_SEED_FILE", str(dev_registry_seed(state))
                ),
                "B4G_PUBLIC_BASE_URL": os.environ.get(
                    f"B4G_{name.upper()}_PUBLIC_BASE_URL", f"http://127.0.0.1:{port}"
                ),
                "B4G_VERIFIER_BASE_URL": f"http://127.0.0.1:{ports['verifier']}",
                "B4G_REGISTRY_BASE_URL": f"http://127.0.0.1:{ports['registry']}",
                # The issuer signs DID-control challenges of this stack's registry only.
                "B4G_ENROLMENT_REGISTRIES": os.environ.get(
                    "B4G_REGISTRY_PUBLIC_BASE_URL", f"http://127.0.0.1:{ports['registry']}"
                ),
                # Local runs serve did:web documents and status lists over plain http on
                # loopback; production keeps the https-only, public-address-only default.
                "B4G_FETCH_ALLOW_HTTP_ORIGINS": ",".join(
                    f"http://127.0.0.1:{p}" for p in ports.values()
                ),
                "B4G_FETCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            }
            if name == "issuer":  # the network's label-badge issuer, made on the first run
                label = label_issuer(state, env)
                env |= {str(k): str(v) for k, v in label["settings"].items()}
            stack_env[name] = {
                key: env[key]
                for key in (
                    "B4G_DATABASE_URL",
                    "B4G_MASTER_KEY_FILE",
                    "B4G_REGISTRY_SIGNING_SEED_FILE",
                    "B4G_PUBLIC_BASE_URL",
                )
            }
            log = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
            proc = spawn([sys.executable, "-m", f"b4g.{name}"], env=env, log=log)
            children.append((name, proc))
        for (name, port), (_, proc) in zip(services, children, strict=True):
            _wait_healthy(name, port, proc)
        for name, port in services:
            _say(f"{name:<9} http://127.0.0.1:{port}   (API docs: http://127.0.0.1:{port}/schema)")
        write_stack(state, stack_env)
        bases = {name: f"http://127.0.0.1:{port}" for name, port in services}
        _say(enrol_label_issuer(state, label, {**os.environ, **stack_env["registry"]}, bases))
        for line in next_steps(state, ports):
            _say(line)
        _say(f"logs in {logs}; press Ctrl-C to stop")
        while not stopping:
            for name, proc in children:
                if proc.poll() is not None:
                    _say(f"{name} exited unexpectedly; stopping (see {logs / (name + '.log')})")
                    return 1
            time.sleep(0.3)
        return 0
    except (RuntimeError, TimeoutError, OSError) as exc:
        _say(f"error: {exc}")
        return 1
    finally:
        _say("stopping")
        clear_stack(state)
        for _name, proc in reversed(children):
            stop_process(proc)
        if broker is not None:
            broker.stop()
        if postgres is not None:
            postgres.stop()
        _say("stopped")


def _command(name: str, state: Path) -> str:
    """How to run an installed command from here: `.venv/bin/<name>` when the virtual
    environment is under the current folder, with the state folder when it is not the default."""
    script = Path(sys.executable).parent / name
    try:
        shown = f"./{script.relative_to(Path.cwd())}" if script.exists() else name
    except ValueError:
        shown = str(script)
    default = (Path.cwd() / DEFAULT_STATE_DIR).resolve()
    return shown if state == default else f"B4G_STATE_DIR={state} {shown}"


def next_steps(state: Path, ports: dict[str, int]) -> list[str]:
    """The first commands a newcomer runs, exactly as they work against this stack (the
    operator commands find its databases in the state folder)."""
    issuer, registry = ports["issuer"], ports["registry"]
    return [
        "next steps (the operator commands find this stack's databases in the state folder):",
        f"  {_command('b4g-issuer', state)} create-platform 'My platform' --with-key",
        f"      a badge platform and its API key for http://127.0.0.1:{issuer} "
        "(Authorization: Bearer <token>)",
        f"  {_command('b4g-registry', state)} create-key --role registry_admin",
        f"      a registry admin key for http://127.0.0.1:{registry}",
        "  docs/getting-started.md walks on: an issuer profile, a badge, enrolment, the label",
    ]


async def _prepare(database_urls: list[str], bootstrap: str) -> None:
    for url in database_urls:
        await ensure_database(url)
    await wait_for_broker(bootstrap)
    await ensure_topics(bootstrap)


if __name__ == "__main__":
    sys.exit(main())
