"""Where schemas come from: the pinned OB 3.0 copies (intact, and equivalent to the reference
copies in ../shared), and a credential's own `credentialSchema` and its `$ref`s, which are
fetched only through the safe fetcher (a real HTTP server on 127.0.0.1) or refused."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import ClassVar

import pytest

from b4g.core.errors import B4GError
from b4g.core.infra.fetch import FetchPolicy, SafeFetcher
from b4g.core.infra.schemas import SchemaSource
from b4g.core.pinned_schemas import PINNED
from b4g.core.schema import OB_ACHIEVEMENT_SCHEMA, validate
from b4g.core.verification import Verifier
from tests.unit.test_schema_check import badge
from tests.unit.test_verification import STORE, signed

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "vc" / "schemas"
MANIFEST = json.loads(resources.files("b4g.core.jsonschemas").joinpath("manifest.json").read_text())


def test_every_pinned_schema_matches_its_manifest():
    folder = resources.files("b4g.core.jsonschemas")
    assert OB_ACHIEVEMENT_SCHEMA in MANIFEST
    for url, entry in MANIFEST.items():
        data = folder.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        assert json.loads(data)["$id"] == url
        assert "@" in entry["package"], "origin must name package@version"


@pytest.mark.parametrize("url", sorted(MANIFEST))
def test_pinned_schemas_agree_with_the_reference_copies(url):
    """The reference copies are 1EdTech's formal generation (arrays only); the pinned ones are
    the JSON-LD adaptation served at the purl URL. The same classes (or more) and required
    properties, and the credential the formal one accepts (in our array-wrapped view) the
    pinned one accepts, and both reject the same broken ones."""
    reference_path = REFERENCE / MANIFEST[url]["file"]
    if not reference_path.is_file():
        pytest.skip(f"no reference copy at {reference_path} (../shared is absent)")
    reference = json.loads(reference_path.read_text())
    pinned = PINNED.get(url)
    assert pinned is not None
    assert set(reference["$defs"]) <= set(pinned["$defs"])  # the profile's adds Evidence
    assert sorted(pinned["required"]) == sorted(reference["required"])
    assert sorted(pinned["properties"]) == sorted(reference["properties"])
    if url != OB_ACHIEVEMENT_SCHEMA:
        return
    good = badge()
    broken = [
        badge(validFrom="not a date"),
        badge(type=["VerifiableCredential"]),
        {k: v for k, v in badge().items() if k != "issuer"},
        {**badge(), "credentialSubject": {"type": ["AchievementSubject"]}},
    ]
    assert validate(good, reference).state == validate(good, pinned).state == "pass"
    for credential in broken:
        assert validate(credential, reference).state == "fail"
        assert validate(credential, pinned).state == "fail", credential


class Handler(BaseHTTPRequestHandler):
    schemas: ClassVar[dict[str, dict]] = {}
    hits: ClassVar[list[str]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits.append(self.path)
        if self.path == "/deep.json":  # JSON no parser should recurse into
            body = b"[" * 200_000 + b"]" * 200_000
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = json.dumps(Handler.schemas.get(self.path, {"type": "object"})).encode()
        self.send_response(200 if self.path in Handler.schemas else 404)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hits.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def allowing(origin: str) -> FetchPolicy:
    return FetchPolicy(allow_http_origins=(origin,), allow_private_hosts=("127.0.0.1",))


async def schema_check(fetcher: SafeFetcher, credential: dict):
    async def no_status(url: str):
        raise B4GError("not needed here")

    verifier = Verifier(
        store=STORE,
        resolve_key=lambda *a: None,  # proofs are not looked at here
        status_fetcher=no_status,
        schemas=SchemaSource(fetcher),
    )
    return await verifier._schema_checks(credential)


def naming(url: str) -> dict:
    credential = badge()
    credential["credentialSchema"] = [{"id": url, "type": "JsonSchema"}]
    return signed(credential)


async def test_a_named_schema_and_its_refs_come_through_the_safe_fetcher(server):
    Handler.schemas = {
        "/root.json": {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "allOf": [{"$ref": "parts/name.json"}, {"$ref": OB_ACHIEVEMENT_SCHEMA}],
        },
        "/parts/name.json": {"required": ["name"], "properties": {"name": {"minLength": 50}}},
    }
    async with SafeFetcher(allowing(server)) as fetcher:
        (check,) = await schema_check(fetcher, naming(f"{server}/root.json"))
    assert check.state == "fail" and "name" in check.message, check
    assert Handler.hits == ["/root.json", "/parts/name.json"]  # the OB schema is pinned


async def test_refs_the_safe_fetcher_refuses_are_not_fetched_and_could_not_be_checked(server):
    Handler.schemas = {
        "/a.json": {"$ref": "http://127.0.0.2:9/secret.json"},
        "/b.json": {"$ref": "file:///etc/passwd"},
        "/c.json": {"$ref": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/other.json"},
        "/d.json": {"$ref": "deep.json"},
        "/deep.json": {},
        "/e.json": {"$ref": "https://localhost/secret.json"},
    }
    why = {
        "a": "only https",
        "b": "only https",
        "c": "never contacted",
        "d": "nested too deeply",
        "deep": "nested too deeply",
        "e": "non-public address",
    }
    async with SafeFetcher(allowing(server)) as fetcher:
        for name, reason in why.items():
            (check,) = await schema_check(fetcher, naming(f"{server}/{name}.json"))
            assert check.state == "could_not_check", check
            assert check.code == "schema_unavailable" and reason in check.message, check
    assert Handler.hits == [f"/{name}.json" for name in ("a", "b", "c", "d", "deep", "e")]


async def test_a_loopback_schema_is_refused_under_the_default_policy(server):
    Handler.schemas = {"/strict.json": {"required": ["nothing-has-this"]}}
    async with SafeFetcher(FetchPolicy()) as fetcher:
        (check,) = await schema_check(fetcher, naming(f"{server}/strict.json"))
    assert check.state == "could_not_check" and "only https" in check.message
    assert Handler.hits == []
