"""The Open Badges 3.0 JSON Schemas b4g-core ships (`b4g/core/jsonschemas`, re-vendored by
`scripts/vendor_schemas.py`), by their published URL and checked against the manifest's
sha256 on first use. Nothing is fetched: a URL that is not here is simply not pinned."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from b4g.core.errors import B4GError

_PACKAGE = "b4g.core.jsonschemas"


class PinnedSchemaError(B4GError):
    """A shipped schema does not match its manifest: the installation was altered."""

    code = "pinned_schema_altered"


class PinnedSchemas:
    """Returned schemas are shared between callers and must not be mutated."""

    def __init__(self) -> None:
        folder = resources.files(_PACKAGE)
        self._manifest: dict[str, dict[str, str]] = json.loads(
            folder.joinpath("manifest.json").read_text()
        )
        self._loaded: dict[str, dict[str, Any]] = {}

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._manifest)

    def get(self, url: str) -> dict[str, Any] | None:
        found = self._loaded.get(url)
        if found is not None:
            return found
        entry = self._manifest.get(url.split("#", 1)[0])
        if entry is None:
            return None
        data = resources.files(_PACKAGE).joinpath(entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise PinnedSchemaError(f"the pinned schema {entry['file']} does not match its sha256")
        parsed: dict[str, Any] = json.loads(data)
        self._loaded[url] = parsed
        return parsed


PINNED = PinnedSchemas()
