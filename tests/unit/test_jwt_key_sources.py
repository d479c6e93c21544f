"""VC-JWTs signed by another implementation (PyJWT) with RS256 and EdDSA, their keys found
through a did:web document (JsonWebKey methods) or, for https issuers, a JWK Set on the
issuer's own origin."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from b4g.core.did.resolver import DidResolver
from b4g.core.errors import B4GError
from b4g.core.proofs.vc_jwt import claims_for
from b4g.core.verification import Verifier, jwks_url
from tests.unit.test_verification import NOW, STORE, badge

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SHORT_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)
ED_KEY = ed25519.Ed25519PrivateKey.generate()
DID_WEB = "did:web:badges.example"
HTTPS_ISSUER = "https://college.example/issuer"


def public_jwk(key: Any, kid: str) -> dict:
    jwk = json.loads(
        jwt.algorithms.get_default_algorithms()[
            "RS256" if isinstance(key, rsa.RSAPrivateKey) else "EdDSA"
        ].to_jwk(key.public_key())
    )
    return {**jwk, "kid": kid}


def credential_for(issuer: str) -> dict:
    credential = badge()
    del credential["credentialStatus"]
    credential["issuer"] = {"id": issuer, "type": ["Profile"], "name": "Example College"}
    return credential


def signed(credential: dict, key: Any, kid: str, **header: str) -> str:
    alg = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "EdDSA"
    payload = {**credential, **claims_for(credential)}
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": "JWT", **header})


def did_web_document(key: Any) -> dict:
    vm = f"{DID_WEB}#rsa-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": DID_WEB,
        "verificationMethod": [
            {
                "id": vm,
                "type": "JsonWebKey",
                "controller": DID_WEB,
                "publicKeyJwk": public_jwk(key, "rsa-1"),
            }
        ],
        "assertionMethod": [vm],
    }


def verifier(documents: dict[str, Any]) -> Verifier:
    asked: list[str] = []

    async def fetch(url: str) -> Any:
        asked.append(url)
        if url not in documents:
            raise B4GError(f"{url} unreachable")
        return documents[url]

    resolver = DidResolver(fetch)

    async def resolve_method(vm: str, purpose: str, controller: str | None):
        return await resolver.resolve_verification_method(
            vm, purpose=purpose, expected_controller=controller
        )

    made = Verifier(
        store=STORE,
        resolve_key=resolver.resolve_key,
        resolve_method=resolve_method,
        jwks_fetcher=fetch,
    )
    made.asked = asked  # type: ignore[attr-defined]
    return made


async def test_rs256_through_a_did_web_json_web_key():
    documents = {"https://badges.example/.well-known/did.json": did_web_document(RSA_KEY)}
    token = signed(credential_for(DID_WEB), RSA_KEY, f"{DID_WEB}#rsa-1")
    result = await verifier(documents).verify(token, now=NOW)
    assert result.first("proof").state == "pass", result.checks
    assert result.verified

    forged = signed(
        credential_for(DID_WEB), rsa.generate_private_key(65537, 2048), f"{DID_WEB}#rsa-1"
    )
    result = await verifier(documents).verify(forged, now=NOW)
    assert result.first("proof").code == "PROOF_VERIFICATION_ERROR"


@pytest.mark.filterwarnings("ignore:The RSA key is 1024 bits long")
async def test_short_rsa_keys_are_refused():
    documents = {"https://badges.example/.well-known/did.json": did_web_document(SHORT_RSA_KEY)}
    token = signed(credential_for(DID_WEB), SHORT_RSA_KEY, f"{DID_WEB}#rsa-1")
    result = await verifier(documents).verify(token, now=NOW)
    check = result.first("proof")
    assert check.state == "fail" and check.code == "INVALID_VERIFICATION_METHOD"
    assert "2048" in check.message


@pytest.mark.parametrize("key", [RSA_KEY, ED_KEY], ids=["RS256", "EdDSA"])
async def test_an_https_issuer_key_from_its_jwk_set(key):
    jwks = {"keys": [public_jwk(key, "k1"), {"kty": "oct", "kid": "other", "k": "AA"}]}
    documents = {"https://college.example/.well-known/jwks.json": jwks}
    made = verifier(documents)
    result = await made.verify(signed(credential_for(HTTPS_ISSUER), key, "k1"), now=NOW)
    assert result.first("proof").state == "pass", result.checks
    assert made.asked == ["https://college.example/.well-known/jwks.json"]

    unknown = await made.verify(signed(credential_for(HTTPS_ISSUER), key, "k2"), now=NOW)
    assert unknown.first("proof").code == "INVALID_VERIFICATION_METHOD"


async def test_a_jku_elsewhere_is_not_followed_and_an_unreachable_set_is_not_a_failure():
    token = signed(
        credential_for(HTTPS_ISSUER), RSA_KEY, "k1", jku="https://attacker.example/jwks.json"
    )
    made = verifier({})
    result = await made.verify(token, now=NOW)
    assert made.asked == ["https://college.example/.well-known/jwks.json"]
    proof = result.first("proof")
    assert proof.state == "could_not_check" and proof.code == "could_not_resolve"


def test_where_a_jwk_set_is_looked_for():
    assert jwks_url(HTTPS_ISSUER, None) == "https://college.example/.well-known/jwks.json"
    same_origin = "https://college.example/keys/jwks.json"
    assert jwks_url(HTTPS_ISSUER, same_origin) == same_origin
    assert jwks_url(HTTPS_ISSUER, "https://college.example.evil/jwks.json").startswith(
        "https://college.example/"
    )
    assert jwks_url("http://college.example/issuer", None) is None
    assert jwks_url("did:key:z6Mk", None) is None
