"""A SoftHSM2 token in a temporary folder, for the PKCS#11 key provider's tests (Debian package
`softhsm2`; `make test` installs it when run as root, otherwise those tests skip)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MODULE_PATHS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
)
TOKEN = "b4g-test"
PIN = "246813"
PINS = ("--pin", PIN, "--so-pin", "13572468")  # the security officer's PIN is unused here


def softhsm_module() -> str:
    """The SoftHSM2 PKCS#11 library, or the test is skipped saying why."""
    module = next((path for path in MODULE_PATHS if Path(path).exists()), None)
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.skip("Debian's softhsm2 is not installed (make test installs it when run as root)")
    return module


def init_token(folder: Path) -> Path:
    """A fresh token labelled TOKEN under `folder`; returns the SOFTHSM2_CONF file naming it."""
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, *PINS],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    return conf


def hsm_settings(module: str, **extra: str) -> dict[str, str]:
    """The issuer settings that select the token."""
    return {
        "key_provider": "pkcs11",
        "pkcs11_module": module,
        "pkcs11_token_label": TOKEN,
        "pkcs11_pin": PIN,
        **extra,
    }
