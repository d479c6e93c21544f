"""The `b4g` command: keys, sign, verify (exit codes), status-list decode."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from b4g.cli.__main__ import main
from b4g.core.statuslist import bits_with, status_list_credential

SEED = "11" * 32


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def unsigned(did: str) -> dict:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:3f2d1c0b-9a8e-4d7c-8b6a-5f4e3d2c1b0a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "CLI test issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                "type": ["Achievement"],
                "name": "Command line",
                "description": "Signs and verifies a badge from the command line.",
                "criteria": {"narrative": "Used the CLI."},
            },
        },
    }


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
def test_sign_then_verify(tmp_path, capsys, suite):
    code, out, _ = run(capsys, "keys", "generate", "--seed", SEED)
    keys = json.loads(out)
    assert code == 0 and keys["did"].startswith("did:key:z6Mk")
    source = tmp_path / "badge.json"
    source.write_text(json.dumps(unsigned(keys["did"])))
    code, signed, _ = run(
        capsys,
        "sign",
        "--suite",
        suite,
        "--seed",
        SEED,
        "--created",
        "2026-01-01T00:00:00Z",
        str(source),
    )
    assert code == 0
    target = tmp_path / "signed"
    target.write_text(signed)
    code, out, _ = run(capsys, "verify", str(target))
    assert code == 0, out
    assert json.loads(out)["verified"] is True
    if suite != "vc-jwt":
        tampered = json.loads(signed)
        tampered["credentialSubject"]["achievement"]["name"] = "Forged"
        target.write_text(json.dumps(tampered))
        code, out, _ = run(capsys, "verify", str(target))
        assert code == 1 and json.loads(out)["verified"] is False


def test_deterministic_proof_for_the_same_seed_and_time(tmp_path, capsys):
    _code, out, _ = run(capsys, "keys", "generate", "--seed", SEED)
    source = tmp_path / "badge.json"
    source.write_text(json.dumps(unsigned(json.loads(out)["did"])))
    args = ("sign", "--seed", SEED, "--created", "2026-01-01T00:00:00Z", str(source))
    assert run(capsys, *args)[1] == run(capsys, *args)[1]


def test_unusable_input_exits_2_with_a_message(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run(capsys, "verify", str(bad))
    assert code == 2 and err.startswith("b4g:") and "Traceback" not in err
    code, _, err = run(capsys, "verify", str(tmp_path / "missing.json"))
    assert code == 2
    code, _, err = run(capsys, "sign", "--seed", "xyz", str(bad))
    assert code == 2


def test_unreachable_status_list_exits_3(tmp_path, capsys):
    code, out, _ = run(capsys, "keys", "generate", "--seed", SEED)
    credential = unsigned(json.loads(out)["did"])
    credential["credentialStatus"] = {
        "id": "https://status.invalid/1#3",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "3",
        "statusListCredential": "https://status.invalid/1",
    }
    source = tmp_path / "badge.json"
    source.write_text(json.dumps(credential))
    _, signed, _ = run(capsys, "sign", "--seed", SEED, str(source))
    source.write_text(signed)
    code, out, _ = run(capsys, "verify", str(source))
    assert code == 3, out


def test_status_list_decode(tmp_path, capsys):
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            status_list_credential(
                url="https://v.example/status/1",
                issuer="did:web:x",
                purpose="revocation",
                bits=bits_with({3, 99}),
            )
        )
    )
    code, out, _ = run(capsys, "status-list", "decode", str(path))
    assert code == 0
    assert json.loads(out) == {
        "id": "https://v.example/status/1",
        "purpose": "revocation",
        "entries": 131072,
        "statusSize": 1,
        "set": [3, 99],
    }


def test_installed_command_runs():
    result = subprocess.run(
        [sys.executable, "-m", "b4g.cli", "keys", "generate"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["publicKeyMultibase"].startswith("z6Mk")


def test_verify_and_unbake_a_baked_png(tmp_path, capsys):
    from b4g.core.baking import bake_png
    from tests.unit.test_baking import tiny_png

    _, out, _ = run(capsys, "keys", "generate", "--seed", SEED)
    source = tmp_path / "badge.json"
    source.write_text(json.dumps(unsigned(json.loads(out)["did"])))
    _, signed, _ = run(capsys, "sign", "--seed", SEED, str(source))
    image = tmp_path / "badge.png"
    image.write_bytes(bake_png(tiny_png(), json.loads(signed)))
    code, out, _ = run(capsys, "verify", str(image))
    assert code == 0 and json.loads(out)["verified"] is True
    code, out, _ = run(capsys, "unbake", str(image))
    assert code == 0 and json.loads(out) == json.loads(signed)
