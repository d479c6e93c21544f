"""The JavaScript reference stack (jsonld.js 9, rdf-canonize 5, digitalbazaar Data Integrity)
as a long-lived node process, for byte-for-byte comparisons. Installs its locked npm packages on
first use; tests skip (with the reason) where node or npm is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "js"


class JsUnavailable(RuntimeError):
    pass


class JsReference:
    def __init__(self) -> None:
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            raise JsUnavailable("node and npm are needed for the JavaScript reference stack")
        if not (HERE / "node_modules" / "jsonld").exists():
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--silent"],
                cwd=HERE,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if result.returncode != 0:
                raise JsUnavailable(f"npm ci failed: {result.stderr[-500:]}")
        self._proc = subprocess.Popen(
            [node, str(HERE / "harness.mjs")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(10)

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self._proc.stdout.readline())
        return answer

    def canonize(
        self, document: Any, extra_contexts: dict[str, Any] | None = None
    ) -> tuple[str | None, str | None]:
        """(N-Quads, None) or (None, the error jsonld.js raised)."""
        answer = self._ask(
            {"op": "canonize", "document": document, "extraContexts": extra_contexts or {}}
        )
        return answer.get("nquads"), answer.get("error")

    def sign(
        self, document: Any, seed_hex: str, created: str, suite: str = "eddsa-rdfc-2022"
    ) -> dict[str, Any]:
        """Signed by jsonld-signatures with `suite`: eddsa-rdfc-2022, eddsa-jcs-2022 or
        Ed25519Signature2020, with the did:key of the seed."""
        answer = self._ask(
            {
                "op": "sign",
                "document": document,
                "seedHex": seed_hex,
                "created": created,
                "suite": suite,
            }
        )
        if "error" in answer:
            raise RuntimeError(answer["error"])
        signed: dict[str, Any] = answer["signed"]
        return signed

    def verify(
        self, document: Any, documents: dict[str, Any] | None = None
    ) -> tuple[bool, str | None]:
        """Verified by jsonld-signatures; `documents` serves controller documents by id (did:key
        ones are derived)."""
        answer = self._ask({"op": "verify", "document": document, "documents": documents or {}})
        return bool(answer.get("verified")), answer.get("error")
