"""The operator commands as a newcomer runs them after `make run`: they find the local stack's
databases and key files in the state folder, say which database they use, and answer a missing
or wrong database with one line that names the fix (never a traceback)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from b4g.core.infra.db import create_pool
from b4g.core.infra.localstack import write_stack
from b4g.core.infra.ttl_cache import TtlCache
from b4g.issuer.usecases.platforms import authenticate

pytestmark = pytest.mark.integration


def operator(module: str, state: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The command with none of the test run's database or key settings."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("B4G_") and k not in ("DATABASE_URL",)
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**clean, "B4G_STATE_DIR": str(state), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
async def local_stack(stack, tmp_path):
    """A state folder as `make run` leaves it: each service's database and the key files."""
    state = tmp_path / "state"
    state.mkdir()
    master = state / "master-key"
    master.write_text(base64.b64encode(os.urandom(32)).decode())
    urls = {name: await stack.new_database(name) for name in ("issuer", "registry")}
    write_stack(
        state,
        {
            "issuer": {"B4G_DATABASE_URL": urls["issuer"], "B4G_MASTER_KEY_FILE": str(master)},
            "registry": {"B4G_DATABASE_URL": urls["registry"]},
        },
    )
    yield state, urls
    for url in urls.values():
        await stack.drop(url)


def one_line(done: subprocess.CompletedProcess, program: str) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr, done.stderr
    assert all(line.startswith(f"{program}: ") for line in lines), done.stderr
    return lines[-1]


async def test_commands_find_the_local_stack(local_stack):
    state, urls = local_stack
    created = operator("b4g.issuer", state, "create-platform", "My platform", "--with-key")
    assert created.returncode == 0, created.stderr
    platform = json.loads(created.stdout)
    database = urlsplit(urls["issuer"]).path.lstrip("/")
    assert f"database {database} " in created.stderr and str(state) in created.stderr
    listed = operator("b4g.issuer", state, "list-keys", "--platform", platform["platformId"])
    assert [k["keyId"] for k in json.loads(listed.stdout)] == [platform["keyId"]]
    # The printed token is a working API key of that platform.
    pool = await create_pool(urls["issuer"], max_size=1)
    try:
        who = await authenticate(pool, platform["token"], TtlCache(1.0))
    finally:
        await pool.close()
    assert str(who.platform_id) == platform["platformId"]

    key = operator("b4g.registry", state, "create-key", "--role", "registry_admin")
    assert key.returncode == 0, key.stderr
    assert key.stdout.strip().startswith("b4g") and "the local stack" in key.stderr


def test_no_database_and_no_stack_is_one_line_naming_the_fix(tmp_path):
    for module, program in (("b4g.issuer", "b4g-issuer"), ("b4g.registry", "b4g-registry")):
        args = (
            ("create-platform", "x")
            if module == "b4g.issuer"
            else ("create-key", "--role", "auditor")
        )
        done = operator(module, tmp_path, *args)
        assert done.returncode == 2, done.stderr
        line = one_line(done, program)
        assert "make run" in line and "B4G_DATABASE_URL" in line


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/postgres",  # nothing listens: a stopped stack
        "not-a-database-url",
    ],
)
def test_a_wrong_database_is_one_line_naming_the_fix(tmp_path, url):
    key = tmp_path / "master-key"
    key.write_text(base64.b64encode(os.urandom(32)).decode())
    for module, program, args in (
        ("b4g.issuer", "b4g-issuer", ("create-platform", "x")),
        ("b4g.registry", "b4g-registry", ("create-key", "--role", "auditor")),
    ):
        done = operator(module, tmp_path, *args, B4G_DATABASE_URL=url, B4G_MASTER_KEY_FILE=str(key))
        assert done.returncode in (1, 2), done.stderr
        line = one_line(done, program)
        assert "B4G_DATABASE_URL" in line, line


def test_a_stack_that_stopped_is_one_line_naming_the_fix(tmp_path):
    write_stack(tmp_path, {"registry": {"B4G_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"}})
    done = operator("b4g.registry", tmp_path, "create-key", "--role", "auditor")
    assert done.returncode == 1
    line = one_line(done, "b4g-registry")
    assert "make run" in line and "x on 127.0.0.1:1" in done.stderr
