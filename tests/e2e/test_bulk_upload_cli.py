"""`b4g bulk-upload` against a running issuer process: uploads a CSV, follows the job with a
progress bar on stderr, writes failed rows, and exits 1 when rows failed, 0 when all were issued,
2 when the upload is refused; running it again follows the same job (no second issuance)."""

from __future__ import annotations

import base64
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from b4g.core.infra.kafka import ensure_topics
from tests.e2e.test_services import issuer_cli, start_service

pytestmark = pytest.mark.e2e


@pytest.fixture
async def issuer_service(stack, prefix, monkeypatch):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    database = await stack.new_database("issuer")
    proc, base = start_service("issuer", database, stack.bootstrap, prefix)
    platform = issuer_cli(database, "create-platform", "Bulk platform")["platformId"]
    token = issuer_cli(database, "create-key", "--platform", platform)["token"]
    yield base, token
    proc.kill()
    proc.wait()
    Path(proc.log_path).unlink(missing_ok=True)
    await stack.drop(database)


def bulk_upload(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "b4g.cli", "bulk-upload", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bulk_upload_cli(issuer_service, tmp_path):
    base, token = issuer_service
    auth = {"Authorization": f"Bearer {token}"}
    issuer = httpx.post(f"{base}/issuers", json={"name": "Bulk"}, headers=auth).json()
    achievement = httpx.post(
        f"{base}/issuers/{issuer['id']}/achievements",
        json={"name": "Helper", "description": "Helped.", "criteria": {"narrative": "Did."}},
        headers=auth,
    ).json()
    lines = ["recipientEmail,achievementId,validUntil"]
    lines += [f"p{n}@example.org,{achievement['id']}," for n in range(60)]
    lines[5] = f"not-an-email,{achievement['id']},"
    lines[9] = f"q@example.org,{achievement['id']},yesterday"
    mixed = tmp_path / "badges.csv"
    mixed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    common = ["--url", base, "--api-key", token, "--issuer", issuer["id"], "--interval", "0.1"]

    done = bulk_upload(*common, "--errors", str(tmp_path / "errors.csv"), str(mixed))
    assert done.returncode == 1, done.stderr
    assert "60 rows, 58 issued, 2 failed" in done.stderr
    assert "60/60" in done.stderr  # the progress bar, on stderr
    errors = list(csv.DictReader(io.StringIO((tmp_path / "errors.csv").read_text())))
    assert [(e["row"], e["code"]) for e in errors] == [
        ("5", "validation_failed"),
        ("9", "validation_failed"),
    ]

    # The same command again follows the same job: nothing is issued twice. Errors to stdout.
    again = bulk_upload(*common, str(mixed))
    assert again.returncode == 1
    assert again.stdout.splitlines()[0] == "row,code,detail"
    listed = httpx.get(f"{base}/credentials", params={"limit": 200}, headers=auth).json()
    assert len(listed) == 58

    clean = tmp_path / "clean.csv"
    clean.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    ok = bulk_upload(*common, str(clean))
    assert ok.returncode == 0, ok.stderr
    assert "4 rows, 4 issued, 0 failed" in ok.stderr and ok.stdout == ""

    broken = tmp_path / "broken.csv"
    broken.write_text("recipientEmail,colour\na@example.org,teal\n", encoding="utf-8")
    refused = bulk_upload(*common, str(broken))
    assert refused.returncode == 2 and "unknown CSV column" in refused.stderr
    wrong_key = bulk_upload(*common[:3], "b4g_nope_nope", *common[4:], str(clean))
    assert wrong_key.returncode == 2
