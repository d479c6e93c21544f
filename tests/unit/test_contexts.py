"""Pinned contexts: intact, equal to the reference copies, and nothing else is ever loaded."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from b4g.core.jsonld.documents import ContextStore, UnknownContextError

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "vc" / "contexts"
MANIFEST = json.loads(
    resources.files("b4g.core.jsonld.contexts").joinpath("manifest.json").read_text()
)


def test_every_file_matches_its_manifest_sha256():
    folder = resources.files("b4g.core.jsonld.contexts")
    for url, entry in MANIFEST.items():
        data = folder.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        if "authored_from" in entry:  # written from the spec: the reference test below checks it
            continue
        assert entry["package"].count("@") >= 1, "origin must name package@version"


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_each_context_equals_the_reference_copy(url):
    index_path = REFERENCE / "index.json"
    if not index_path.exists():
        pytest.skip(f"reference contexts not present at {REFERENCE}")
    index = json.loads(index_path.read_text())
    if url not in index:
        pytest.skip(f"no reference copy of {url} in {REFERENCE}")
    reference = json.loads((REFERENCE / index[url]).read_text())
    assert ContextStore().get(url) == reference


def test_unknown_urls_are_errors_and_extras_are_explicit():
    store = ContextStore()
    with pytest.raises(UnknownContextError):
        store.get("https://example.org/contexts/evil.jsonld")
    extra = ContextStore(extra={"https://example.org/x": {"@context": {"x": "https://x/"}}})
    assert extra.get("https://example.org/x") == {"@context": {"x": "https://x/"}}
