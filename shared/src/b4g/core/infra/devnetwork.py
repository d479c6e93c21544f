"""`make run`'s own network: the label-badge issuer, created on the first run with the issuer's
operator command and enrolled in the registry through the product's APIs (the registry's
challenge, signed and submitted by the issuer), so the Quality Label badges it issues show a
registered issuer. Kept in the state folder (`label-issuer.json`, private to the user)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

LABEL_FILE = "label-issuer.json"
NETWORK_NAME = "Badges4Good network"


def label_issuer(state: Path, issuer_env: Mapping[str, str]) -> dict[str, Any]:
    """The label issuer of this state folder, created with `b4g-issuer create-label-issuer`
    the first time (the issuer's database must be migrated by that command itself)."""
    path = state / LABEL_FILE
    if path.exists():
        found: dict[str, Any] = json.loads(path.read_text())
        return found
    done = subprocess.run(
        [sys.executable, "-m", "b4g.issuer", "create-label-issuer", "--name", "Badges4Good"],
        env=dict(issuer_env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"could not create the label issuer: {done.stderr.strip()}")
    made: dict[str, Any] = json.loads(done.stdout)
    path.touch(mode=0o600)
    path.write_text(json.dumps(made, indent=2))
    return made


def enrol_label_issuer(
    state: Path, made: dict[str, Any], registry_env: Mapping[str, str], bases: Mapping[str, str]
) -> str:
    """Registers the network organisation and the label issuer's DID once; returns a line for
    the user (done, already, or what failed and the command that does it by hand)."""
    if made.get("enrolled"):
        return f"label issuer {made['did']} is enrolled in the registry"
    registry, issuer = bases["registry"], bases["issuer"]
    try:
        admin = subprocess.run(
            [sys.executable, "-m", "b4g.registry", "create-key", "--role", "registry_admin",
             "--label", "make run: label issuer enrolment"],
            env=dict(registry_env), capture_output=True, text=True, timeout=120, check=True,
        ).stdout.strip()  # fmt: skip
        org = _organisation(registry, admin)
        sign = _post(f"{registry}/organisations/{org}/dids", admin, {"did": made["did"]})["sign"]
        _post(
            f"{issuer}/issuers/{made['issuerId']}/did-control-proofs",
            made["token"],
            {
                "document": sign,
                "submitTo": f"{registry}/organisations/{org}/dids/proof",
                "registryToken": admin,
            },
        )
    except (OSError, ValueError, KeyError, subprocess.SubprocessError, urllib.error.URLError) as e:
        return (
            f"the label issuer could not be enrolled ({e}); enrol it with `b4g enrol` "
            f"(its platform key is in {state / LABEL_FILE})"
        )
    made["enrolled"] = {"organisationId": org}
    (state / LABEL_FILE).write_text(json.dumps(made, indent=2))
    trust = f"{registry}/trust/{quote(made['did'], safe=':')}"
    return f"label issuer {made['did']} enrolled in the registry ({trust})"


def _organisation(registry: str, admin: str) -> str:
    body = {"legalName": NETWORK_NAME, "country": "LT"}
    created = _post(f"{registry}/organisations", admin, body)
    return str(created["id"])


def _post(url: str, token: str, body: Any) -> Any:
    request = urllib.request.Request(  # noqa: S310 - our own stack's http URLs
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own stack
        return json.loads(response.read())
