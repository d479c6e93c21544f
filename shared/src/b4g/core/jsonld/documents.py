"""The offline JSON-LD document loader: only the contexts b4g-core ships (plus any a caller
adds explicitly). Any other URL is an error; nothing is ever fetched."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from b4g.core.errors import B4GError

_PACKAGE = "b4g.core.jsonld.contexts"


class UnknownContextError(B4GError):
    code = "unknown_context"


class ContextStore:
    """Pinned contexts by URL, verified against the manifest's sha256 on first use.

    Returned documents are shared between callers and must not be mutated (pyld does not).
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        manifest = json.loads(resources.files(_PACKAGE).joinpath("manifest.json").read_text())
        self._manifest: dict[str, dict[str, str]] = manifest
        self._pyld_options: dict[str, Any] | None = None
        self._loaded: dict[str, dict[str, Any]] = {
            url: dict(doc) for url, doc in (extra or {}).items()
        }

    def pyld_options(self) -> dict[str, Any]:
        """pyld options that load only from this store and cache processed contexts per store
        (never in pyld's process-wide cache, which another store could then read)."""
        if self._pyld_options is None:
            from cachetools import LRUCache
            from pyld.context_resolver import ContextResolver

            loader = pyld_document_loader(self)
            self._pyld_options = {
                "documentLoader": loader,
                "contextResolver": ContextResolver(LRUCache(maxsize=256), loader),
            }
        return self._pyld_options

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._manifest) | frozenset(self._loaded)

    def get(self, url: str) -> dict[str, Any]:
        document = self._loaded.get(url)
        if document is not None:
            return document
        entry = self._manifest.get(url)
        if entry is None:
            raise UnknownContextError(
                f"unknown JSON-LD context {url!r}: only pinned contexts "
                "are loaded, never the network"
            )
        data = resources.files(_PACKAGE).joinpath(entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise UnknownContextError(f"pinned context {url!r} does not match its sha256")
        parsed: dict[str, Any] = json.loads(data)
        self._loaded[url] = parsed
        return parsed


def pyld_document_loader(store: ContextStore) -> Callable[[str, Any], dict[str, Any]]:
    """A pyld `documentLoader` over `store`; unknown URLs fail the JSON-LD operation."""
    from pyld.jsonld import JsonLdError

    def load(url: str, options: Any = None) -> dict[str, Any]:
        try:
            document = store.get(url)
        except UnknownContextError as exc:
            raise JsonLdError(
                str(exc), "jsonld.LoadDocumentError", code="loading document failed", cause=exc
            ) from exc
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load
