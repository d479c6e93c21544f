"""VC-JWT (OB 3.0 §8.2) against PyJWT + cryptography, another implementation."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.crypto.multibase import b64url_encode
from b4g.core.proofs.vc_jwt import (
    check_claims,
    credential_of,
    decode_jwt,
    ed25519_jwk,
    ed25519_public_key_of,
    sign_vc_jwt,
    verify_signature,
    verify_vc_jwt,
)

CREDENTIAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:6b8e4c4a-1d6f-4b7e-9a39-0c4b7d9a2f10",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Example"},
    "validFrom": "2026-01-01T00:00:00Z",
    "validUntil": "2029-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
}


def test_our_eddsa_jwt_verifies_in_pyjwt_and_carries_the_claims():
    key = Ed25519KeyPair.from_seed(bytes(range(32)))
    token = sign_vc_jwt(CREDENTIAL, key=key, kid="did:web:issuer.example#key-1")
    public = ed25519.Ed25519PublicKey.from_public_bytes(key.public_key)
    claims = pyjwt.decode(token, public, algorithms=["EdDSA"], options={"verify_exp": False})
    assert claims["iss"] == "did:web:issuer.example"
    assert claims["jti"] == CREDENTIAL["id"]
    assert claims["sub"] == "did:example:learner"
    assert claims["nbf"] == 1767225600 and claims["exp"] == 1861920000
    decoded = decode_jwt(token)
    assert decoded.header == {"alg": "EdDSA", "typ": "JWT", "kid": "did:web:issuer.example#key-1"}
    assert verify_signature(decoded, ed25519_jwk(key.public_key)).verified
    assert check_claims(decoded.payload) == []
    assert credential_of(decoded.payload) == CREDENTIAL


def test_pyjwt_eddsa_and_rs256_tokens_verify_here():
    payload = {**CREDENTIAL, "iss": "did:web:issuer.example", "jti": CREDENTIAL["id"]}
    ed_private = ed25519.Ed25519PrivateKey.generate()
    ed_token = pyjwt.encode(payload, ed_private, algorithm="EdDSA")
    ed_public = ed_private.public_key().public_bytes_raw()
    assert verify_signature(decode_jwt(ed_token), ed25519_jwk(ed_public)).verified

    rsa_private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = rsa_private.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "n": b64url_encode(numbers.n.to_bytes(256, "big")),
        "e": b64url_encode(numbers.e.to_bytes(3, "big")),
    }
    rs_token = pyjwt.encode(payload, rsa_private, algorithm="RS256")
    assert verify_signature(decode_jwt(rs_token), jwk).verified
    forged = rs_token[:-4] + ("AAAA" if not rs_token.endswith("AAAA") else "BBBB")
    assert not verify_signature(decode_jwt(forged), jwk).verified


def test_claims_that_contradict_the_credential_are_reported():
    key = Ed25519KeyPair.from_seed(bytes(32))
    token = sign_vc_jwt(CREDENTIAL, key=key, kid="k")
    decoded = decode_jwt(token)
    lying = {**decoded.payload, "iss": "did:web:someone-else.example"}
    assert any("iss" in p for p in check_claims(lying))
    tampered = token.split(".")
    tampered[1] = b64url_encode(b'{"iss":"x"}')
    assert not verify_signature(
        decode_jwt(".".join(tampered)), ed25519_jwk(key.public_key)
    ).verified


def rsa_jwk(bits: int):
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = private.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "n": b64url_encode(numbers.n.to_bytes(bits // 8, "big")),
        "e": b64url_encode(numbers.e.to_bytes(3, "big")),
    }
    return private, jwk


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_rsa_keys_under_2048_bits_are_refused_as_keys():
    private, jwk = rsa_jwk(1024)
    token = pyjwt.encode({"iss": "x"}, private, algorithm="RS256")
    result = verify_signature(decode_jwt(token), jwk)
    assert (result.verified, result.code) == (False, "INVALID_VERIFICATION_METHOD")
    assert "2048" in result.message


def test_header_typ_other_than_jwt_and_alg_key_mismatch_fail():
    key = Ed25519KeyPair.from_seed(bytes(32))
    jwk = ed25519_jwk(key.public_key)
    token = pyjwt.encode(
        {"iss": "x"},
        ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32)),
        algorithm="EdDSA",
        headers={"typ": "vc+ld+jwt"},
    )
    result = verify_signature(decode_jwt(token), jwk)
    assert (result.verified, result.code) == (False, "MALFORMED_PROOF_ERROR")
    _, rsa_key = rsa_jwk(2048)
    result = verify_signature(decode_jwt(sign_vc_jwt(CREDENTIAL, key=key, kid="k")), rsa_key)
    assert (result.verified, result.code) == (False, "PROOF_VERIFICATION_ERROR")


def test_okp_jwk_round_trip_and_refusals():
    key = Ed25519KeyPair.from_seed(bytes(range(32)))
    jwk = ed25519_jwk(key.public_key, kid="did:web:issuer.example#key-1")
    assert jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url_encode(key.public_key),
        "kid": "did:web:issuer.example#key-1",
    }
    assert ed25519_public_key_of(jwk) == key.public_key
    for bad in (
        {**jwk, "crv": "X25519"},
        {**jwk, "x": b64url_encode(bytes(31))},
        {**jwk, "d": b64url_encode(bytes(32))},
        {"kty": "OKP", "crv": "Ed25519"},
    ):
        with pytest.raises(ValueError):
            ed25519_public_key_of(bad)


def test_missing_nbf_and_exp_before_nbf_are_reported():
    key = Ed25519KeyPair.from_seed(bytes(32))
    payload = decode_jwt(sign_vc_jwt(CREDENTIAL, key=key, kid="k")).payload
    without_nbf = {k: v for k, v in payload.items() if k != "nbf"}
    assert check_claims(without_nbf) == ["nbf is missing"]
    backwards = {**CREDENTIAL, "validUntil": "2025-01-01T00:00:00Z"}
    problems = check_claims(decode_jwt(sign_vc_jwt(backwards, key=key, kid="k")).payload)
    assert problems == ["exp (1735689600) is not after nbf (1767225600)"]


def test_vc_1_1_credential_maps_issuance_and_expiration_dates():
    key = Ed25519KeyPair.from_seed(bytes(32))
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "http://example.edu/credentials/3732",
        "type": ["VerifiableCredential"],
        "issuer": "https://example.edu/issuers/14",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
    }
    payload = decode_jwt(sign_vc_jwt(credential, key=key, kid="k")).payload
    assert (payload["iss"], payload["jti"], payload["sub"]) == (
        "https://example.edu/issuers/14",
        "http://example.edu/credentials/3732",
        "did:example:ebfeb1f712ebc6f1c276e12ec21",
    )
    assert (payload["nbf"], payload["exp"]) == (1262373804, 1893456000)
    assert check_claims(payload) == []


@given(
    st.sampled_from(sorted({*CREDENTIAL, "iss", "jti", "nbf", "sub", "exp"})), st.text(max_size=5)
)
@settings(max_examples=60, deadline=None)
def test_changing_any_payload_field_breaks_the_signature(field, replacement):
    key = Ed25519KeyPair.from_seed(bytes(32))
    token = sign_vc_jwt(CREDENTIAL, key=key, kid="k")
    header, _payload, signature = token.split(".")
    claims = decode_jwt(token).payload
    claims[field] = [claims[field], replacement]
    forged = ".".join([header, b64url_encode(json.dumps(claims).encode()), signature])
    assert not verify_signature(decode_jwt(forged), ed25519_jwk(key.public_key)).verified


def test_verify_vc_jwt_checks_signature_then_claims():
    key = Ed25519KeyPair.from_seed(bytes(range(32)))
    jwk = ed25519_jwk(key.public_key)
    token = sign_vc_jwt(CREDENTIAL, key=key, kid="did:web:issuer.example#key-1")
    result = verify_vc_jwt(token, jwk)
    assert (result.verified, result.code, result.kid) == (
        True,
        "ok",
        "did:web:issuer.example#key-1",
    )
    assert result.credential == CREDENTIAL
    # Correctly signed, but the claims say another issuer than the credential does.
    lying = {**CREDENTIAL, "iss": "did:web:someone-else.example"}
    header = b64url_encode(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    body = b64url_encode(json.dumps(lying).encode())
    forged = f"{header}.{body}." + b64url_encode(key.sign(f"{header}.{body}".encode()))
    result = verify_vc_jwt(forged, jwk)
    assert (result.verified, result.code) == (False, "jwt_claims_mismatch")
    assert "iss" in result.message
    assert verify_vc_jwt("not.a-jwt", jwk).code == "MALFORMED_PROOF_ERROR"
    other = ed25519_jwk(Ed25519KeyPair.from_seed(bytes(32)).public_key)
    assert verify_vc_jwt(token, other).code == "PROOF_VERIFICATION_ERROR"
