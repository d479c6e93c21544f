"""did:web mapping and verification-method checks."""

from __future__ import annotations

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.crypto.multibase import b64url_encode
from b4g.core.did.did_key import DidError
from b4g.core.did.did_web import did_web_for, did_web_url
from b4g.core.did.resolver import DidResolver
from b4g.core.errors import B4GError
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey


def test_did_web_urls():
    assert (
        did_web_url("did:web:w3c-ccg.github.io") == "https://w3c-ccg.github.io/.well-known/did.json"
    )
    assert did_web_url("did:web:w3c-ccg.github.io:user:alice") == (
        "https://w3c-ccg.github.io/user/alice/did.json"
    )
    assert did_web_url("did:web:example.com%3A3000:user:alice") == (
        "https://example.com:3000/user/alice/did.json"
    )
    assert did_web_for("127.0.0.1:8001", "issuers", "abc") == "did:web:127.0.0.1%3A8001:issuers:abc"
    for bad in ("did:web:", "did:web:a:..:b", "did:web:evil.com%2Fx", "did:key:z6Mk"):
        with pytest.raises(DidError):
            did_web_url(bad)


KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
DID = "did:web:issuer.example"


def document(**changes):
    vm = {
        "id": f"{DID}#key-1",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": KEY.public_multibase,
    }
    doc = {"id": DID, "verificationMethod": [vm], "assertionMethod": ["#key-1"]}
    doc.update(changes)
    return doc


def resolver_for(doc):
    async def fetch(url: str):
        assert url == "https://issuer.example/.well-known/did.json"
        return doc

    return DidResolver(fetch)


async def test_listed_key_of_the_issuer_resolves():
    result = await resolver_for(document()).resolve_key(f"{DID}#key-1", "assertionMethod", DID)
    assert isinstance(result, ResolvedKey) and result.public_key == KEY.public_key


@pytest.mark.parametrize(
    ("doc", "purpose", "issuer", "reason"),
    [
        (document(assertionMethod=[]), "assertionMethod", DID, "not listed"),
        (document(), "authentication", DID, "not listed"),
        (document(), "assertionMethod", "did:web:other.example", "the issuer is"),
        (document(id="did:web:elsewhere.example"), "assertionMethod", DID, "is for"),
        (
            document(
                verificationMethod=[
                    {
                        "id": f"{DID}#key-1",
                        "type": "Multikey",
                        "controller": "did:web:x",
                        "publicKeyMultibase": KEY.public_multibase,
                    }
                ]
            ),
            "assertionMethod",
            DID,
            "controlled",
        ),
    ],
)
async def test_unusable_methods_are_refused_with_a_reason(doc, purpose, issuer, reason):
    result = await resolver_for(doc).resolve_key(f"{DID}#key-1", purpose, issuer)
    assert isinstance(result, KeyResolutionFailure)
    assert result.code == "INVALID_VERIFICATION_METHOD" and reason in result.message


async def test_did_key_needs_no_network():
    did = f"did:key:{KEY.public_multibase}"
    result = await DidResolver().resolve_key(
        f"{did}#{KEY.public_multibase}", "assertionMethod", did
    )
    assert isinstance(result, ResolvedKey)


RSA_N = (2**2047 + 12345).to_bytes(256, "big")  # only the size matters for these checks


async def test_verification_method_as_jwk_for_ed25519_encodings_and_rsa():
    ed_jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(KEY.public_key)}
    rsa_jwk = {"kty": "RSA", "n": b64url_encode(RSA_N), "e": "AQAB"}
    methods = [
        {"id": "#key-1", "type": "Multikey", "publicKeyMultibase": KEY.public_multibase},
        {
            "id": "#key-2",
            "type": "Ed25519VerificationKey2020",
            "publicKeyMultibase": KEY.public_multibase,
        },
        {"id": "#key-3", "type": "JsonWebKey", "publicKeyJwk": ed_jwk},
        {"id": "#key-4", "type": "JsonWebKey", "publicKeyJwk": rsa_jwk},
    ]
    for method in methods:
        method["controller"] = DID
    # Embedded under the purpose and listed by relative reference both count.
    doc = document(
        verificationMethod=methods[1:], assertionMethod=[methods[0], "#key-2", "#key-3", "#key-4"]
    )
    resolver = resolver_for(doc)
    for index, expected in enumerate([ed_jwk, ed_jwk, ed_jwk, rsa_jwk], start=1):
        result = await resolver.resolve_verification_method(
            f"{DID}#key-{index}", expected_controller=DID
        )
        assert (result.ok, result.code, result.public_jwk) == (True, "ok", expected)
        assert result.controller == DID and result.method is not None
    # Data Integrity wants Ed25519: the RSA method is refused there, with the reason.
    refused = await resolver.resolve_key(f"{DID}#key-4", "assertionMethod", DID)
    assert isinstance(refused, KeyResolutionFailure) and "not an Ed25519 key" in refused.message


async def test_verification_method_failures_are_data():
    short = {"kty": "RSA", "n": b64url_encode(bytes([0xFF]) * 128), "e": "AQAB"}
    doc = document(
        verificationMethod=[
            {"id": f"{DID}#key-1", "type": "JsonWebKey", "controller": DID, "publicKeyJwk": short}
        ]
    )
    result = await resolver_for(doc).resolve_verification_method(
        f"{DID}#key-1", expected_controller=DID
    )
    assert (result.ok, result.code) == (False, "INVALID_VERIFICATION_METHOD")
    assert "2048" in result.message
    result = await resolver_for(document()).resolve_verification_method(
        f"{DID}#key-1", purpose="authentication", expected_controller=DID
    )
    assert (result.ok, result.code) == (False, "INVALID_VERIFICATION_METHOD")

    async def unreachable(url: str):
        raise B4GError(f"{url} timed out")

    result = await DidResolver(unreachable).resolve_verification_method(
        f"{DID}#key-1", expected_controller=DID
    )
    assert (result.ok, result.code, result.retryable) == (False, "could_not_resolve", True)
    offline = await DidResolver().resolve_key(f"{DID}#key-1", "assertionMethod", DID)
    assert isinstance(offline, KeyResolutionFailure)
    assert offline.code == "INVALID_VERIFICATION_METHOD" and not offline.retryable
