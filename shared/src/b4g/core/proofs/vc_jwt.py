"""VC-JWT as Open Badges 3.0 §8.2 defines it (pure).

The JWT payload is the credential itself plus the registered claims `iss` (issuer id), `jti`
(credential id), `nbf` (validFrom / issuanceDate), `sub` (credentialSubject.id) and `exp`
(validUntil / expirationDate). We sign with EdDSA (Ed25519); verification accepts EdDSA and RS256
(RSASSA-PKCS1-v1_5 with SHA-256, modulus ≥ 2048 bits, checked with the standard library).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from b4g.core.crypto.keys import Signer, verify_ed25519
from b4g.core.crypto.multibase import MultibaseError, b64url_decode, b64url_encode

_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_encoder = msgspec.json.Encoder()


class JwtResult(msgspec.Struct, frozen=True, kw_only=True):
    """`code`: ok, MALFORMED_PROOF_ERROR, PROOF_VERIFICATION_ERROR, INVALID_VERIFICATION_METHOD,
    or jwt_claims_mismatch (a registered claim contradicts the credential it carries)."""

    verified: bool
    code: str
    message: str
    alg: str | None = None
    kid: str | None = None
    credential: dict[str, Any] | None = None


class DecodedJwt(msgspec.Struct, frozen=True, kw_only=True):
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if len(subject) == 1 else None
    value = subject.get("id") if isinstance(subject, Mapping) else None
    return value if isinstance(value, str) else None


def numeric_date(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def claims_for(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The registered claims OB 3.0 §8.2.4 derives from the credential."""
    claims: dict[str, Any] = {}
    iss = issuer_id(credential)
    if iss:
        claims["iss"] = iss
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    nbf = numeric_date(credential.get("validFrom") or credential.get("issuanceDate"))
    if nbf is not None:
        claims["nbf"] = nbf
    sub = subject_id(credential)
    if sub:
        claims["sub"] = sub
    exp = numeric_date(credential.get("validUntil") or credential.get("expirationDate"))
    if exp is not None:
        claims["exp"] = exp
    return claims


def sign_vc_jwt(credential: Mapping[str, Any], *, key: Signer, kid: str) -> str:
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    payload = {**credential, **claims_for(credential)}
    signing_input = (
        b64url_encode(_encoder.encode(header)) + "." + b64url_encode(_encoder.encode(payload))
    )
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii")))


def decode_jwt(token: str) -> DecodedJwt:
    """Split and decode a compact JWS; ValueError for anything that is not one."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ValueError("a compact JWT has three parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (MultibaseError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"malformed JWT: {exc}") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("JWT header and payload must be JSON objects")
    return DecodedJwt(
        header=header,
        payload=payload,
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
        signature=signature,
    )


def verify_signature(decoded: DecodedJwt, key: Mapping[str, Any]) -> JwtResult:
    """Check the signature with a public JWK (OKP Ed25519 or RSA)."""
    alg = decoded.header.get("alg")
    kid = decoded.header.get("kid") if isinstance(decoded.header.get("kid"), str) else None
    typ = decoded.header.get("typ")
    if typ is not None and typ != "JWT":  # OB 3.0 §8.2.4.1: typ, when present, is "JWT"
        return JwtResult(
            verified=False,
            code="MALFORMED_PROOF_ERROR",
            alg=str(alg),
            kid=kid,
            message=f"JOSE header typ is {typ!r}, expected 'JWT'",
        )
    try:
        if alg == "EdDSA" and key.get("kty") == "OKP" and key.get("crv") == "Ed25519":
            public = ed25519_public_key_of(key)
            ok = verify_ed25519(public, decoded.signing_input, decoded.signature)
        elif alg == "RS256" and key.get("kty") == "RSA":
            n = int.from_bytes(b64url_decode(str(key["n"])), "big")
            e = int.from_bytes(b64url_decode(str(key["e"])), "big")
            if n.bit_length() < 2048:
                raise ValueError("RSA keys must have a modulus of at least 2048 bits")
            ok = _verify_rs256(n, e, decoded.signing_input, decoded.signature)
        else:
            return JwtResult(
                verified=False,
                code="PROOF_VERIFICATION_ERROR",
                alg=str(alg),
                kid=kid,
                message=f"unsupported alg {alg!r} for this key",
            )
    except (KeyError, MultibaseError, ValueError) as exc:
        return JwtResult(
            verified=False,
            code="INVALID_VERIFICATION_METHOD",
            alg=str(alg),
            kid=kid,
            message=f"unusable key: {exc}",
        )
    if not ok:
        return JwtResult(
            verified=False,
            code="PROOF_VERIFICATION_ERROR",
            alg=str(alg),
            kid=kid,
            message="the JWT signature does not match",
        )
    return JwtResult(
        verified=True, code="ok", alg=str(alg), kid=kid, message="JWT signature verified"
    )


def verify_vc_jwt(token: str, key: Mapping[str, Any]) -> JwtResult:
    """Signature and registered claims of a VC-JWT, with the public JWK of its `kid` already
    resolved (`DidResolver.resolve_verification_method` gives it). Validity dates against a
    clock are the caller's: this checks only that the claims agree with the credential."""
    try:
        decoded = decode_jwt(token)
    except ValueError as exc:
        return JwtResult(verified=False, code="MALFORMED_PROOF_ERROR", message=str(exc))
    signature = verify_signature(decoded, key)
    credential = credential_of(decoded.payload)
    if not signature.verified:
        return msgspec.structs.replace(signature, credential=credential)
    problems = check_claims(decoded.payload)
    if problems:
        return msgspec.structs.replace(
            signature,
            verified=False,
            code="jwt_claims_mismatch",
            message="; ".join(problems),
            credential=credential,
        )
    return msgspec.structs.replace(signature, credential=credential)


def check_claims(payload: Mapping[str, Any]) -> list[str]:
    """Registered claims that disagree with the credential they carry (empty when consistent)."""
    problems = []
    expected = claims_for(payload)
    for claim in ("iss", "jti", "sub", "nbf", "exp"):
        if claim in payload and claim in expected and payload[claim] != expected[claim]:
            problems.append(
                f"{claim} is {payload[claim]!r}, the credential says {expected[claim]!r}"
            )
    for claim in ("iss", "nbf"):
        if claim not in payload and (claim == "iss" or claim in expected):
            problems.append(f"{claim} is missing")
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if isinstance(nbf, int) and isinstance(exp, int) and exp <= nbf:
        problems.append(f"exp ({exp}) is not after nbf ({nbf})")
    return problems


def credential_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential inside an OB 3.0 VC-JWT payload (or a VC-JWT 1.1 `vc` claim)."""
    if isinstance(payload.get("vc"), Mapping) and "@context" not in payload:
        return dict(payload["vc"])
    return {
        k: v
        for k, v in payload.items()
        if k not in ("iss", "jti", "nbf", "sub", "exp", "iat", "aud")
    }


def _verify_rs256(n: int, e: int, message: bytes, signature: bytes) -> bool:
    size = (n.bit_length() + 7) // 8
    if n.bit_length() < 2048 or len(signature) != size or e < 3:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    encoded = pow(s, e, n).to_bytes(size, "big")
    digest_info = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    return hmac.compare_digest(encoded, expected)


def ed25519_public_key_of(jwk: Mapping[str, Any]) -> bytes:
    """The 32-byte Ed25519 public key of an OKP JWK (RFC 8037); ValueError otherwise."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an OKP Ed25519 JWK")
    if "d" in jwk:
        raise ValueError("the JWK carries a private key")
    try:
        public = b64url_decode(str(jwk["x"]))
    except (KeyError, MultibaseError) as exc:
        raise ValueError(f"JWK x is missing or not base64url: {exc}") from exc
    if len(public) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return public


def ed25519_jwk(public_key: bytes, kid: str | None = None) -> dict[str, str]:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public_key)}
    if kid:
        jwk["kid"] = kid
    return jwk
