"""Multibase, Multikey, Ed25519 keys, did:key and JCS against published values."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b4g.core.crypto.keys import Ed25519KeyPair, verify_ed25519
from b4g.core.crypto.multibase import (
    MultibaseError,
    b58decode,
    b58encode,
    multibase_decode,
    multibase_encode,
)
from b4g.core.crypto.multikey import MultikeyError, decode_public, decode_secret
from b4g.core.did.did_key import DidError, resolve_did_key
from b4g.core.proofs.jcs import JcsError, canonicalize

VECTORS = Path(__file__).resolve().parents[2] / ".." / "shared" / "vc" / "vectors"


def vectors(*parts: str) -> Path:
    path = VECTORS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference vectors not present at {path}")
    return path


@given(st.binary(max_size=80))
@settings(max_examples=200, deadline=None)
def test_base58_and_multibase_round_trip(data):
    assert b58decode(b58encode(data)) == data
    for base in "zu":
        assert multibase_decode(multibase_encode(data, base)) == data


def test_base58_known_values():
    assert b58encode(b"\0\0\x01") == "112"
    assert b58encode(b"hello world") == "StV1DL6CwTryKyV"
    with pytest.raises(MultibaseError):
        b58decode("0OIl")
    with pytest.raises(MultibaseError):
        multibase_decode("fabc")


def test_w3c_key_pair_decodes_and_derives_its_public_key():
    pair = json.loads(vectors("w3c-vc-di-eddsa", "keyPair.json").read_text())
    key = Ed25519KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    assert key.public_multibase == pair["publicKeyMultibase"]
    assert key.secret_multibase == pair["privateKeyMultibase"]
    assert pair["privateKeyMultibase"] not in repr(key)


def test_1edtech_secret_key_with_seed_and_public_key_is_accepted():
    pair = json.loads(vectors("ob3-1edtech", "obv3p0", "keyPair.json").read_text())
    key = Ed25519KeyPair.from_secret_multibase(pair["secretKeyMultibase"])
    assert key.public_multibase == pair["publicKeyMultibase"]


def test_multikey_rejects_other_codecs_and_lengths():
    with pytest.raises(MultikeyError):
        decode_public(multibase_encode(b"\xec\x01" + bytes(32)))
    with pytest.raises(MultikeyError):
        decode_public(multibase_encode(b"\xed\x01" + bytes(31)))
    with pytest.raises(MultikeyError):
        decode_secret(multibase_encode(b"\x80\x26" + bytes(33)))


def test_sign_and_verify():
    key = Ed25519KeyPair.from_seed(bytes(range(32)))
    signature = key.sign(b"message")
    assert verify_ed25519(key.public_key, b"message", signature)
    assert not verify_ed25519(key.public_key, b"messagE", signature)
    assert not verify_ed25519(key.public_key, b"message", signature[:-1])


def test_did_key_document():
    key = Ed25519KeyPair.from_seed(bytes(32))
    did = f"did:key:{key.public_multibase}"
    doc = resolve_did_key(did + "#" + key.public_multibase)
    vm = doc["verificationMethod"][0]
    assert doc["id"] == did and vm["controller"] == did
    assert doc["assertionMethod"] == [vm["id"]] == [f"{did}#{key.public_multibase}"]
    with pytest.raises(DidError):
        resolve_did_key("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")
    with pytest.raises(DidError):
        resolve_did_key("did:web:example.org")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (5e-324, "5e-324"),
        (-0.0, "0"),
        (333333333.3333333, "333333333.3333333"),
        (2**53 + 1, "9007199254740992"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ],
)
def test_jcs_numbers_follow_ecmascript(value, expected):
    assert canonicalize(value) == expected.encode()


def test_jcs_sorts_by_utf16_code_units_and_escapes_minimally():
    value = {"b": 1, "a": [True, None, "€\n\x01\x7f"], "é": 2, "😀": 3, "ﬁ": 4}
    assert canonicalize(value) == (
        '{"a":[true,null,"€\\n\\u0001\x7f"],"b":1,"é":2,"😀":3,"ﬁ":4}'.encode()
    )
    with pytest.raises(JcsError):
        canonicalize(float("nan"))


def test_jcs_reproduces_the_w3c_vector():
    folder = vectors("w3c-vc-di-eddsa")
    unsigned = json.loads((folder / "unsigned.json").read_text())
    expected = (folder / "eddsa-jcs-2022" / "canonDocJCS.txt").read_bytes()
    assert canonicalize(unsigned) == expected.rstrip(b"\n")


def test_key_pairs_are_immutable_and_spliced_secrets_are_refused():
    key = Ed25519KeyPair.from_seed(bytes(range(32)))
    with pytest.raises(AttributeError):
        key.public_key = bytes(32)  # type: ignore[misc]
    assert copy.deepcopy({"k": key})["k"] is key
    assert bytes(range(32)).hex() not in repr(key) and key.secret_multibase not in str(key)
    other = Ed25519KeyPair.from_seed(bytes(32))
    spliced = multibase_encode(b"\x80\x26" + key.seed + other.public_key)
    with pytest.raises(MultikeyError, match="does not match"):
        Ed25519KeyPair.from_secret_multibase(spliced)
    whole = multibase_encode(b"\x80\x26" + key.seed + key.public_key)
    assert Ed25519KeyPair.from_secret_multibase(whole).public_key == key.public_key


def reference_b58(data: bytes) -> str:
    """Base58btc by its definition, one digit at a time."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number, digits = int.from_bytes(data, "big"), ""
    while number:
        number, rem = divmod(number, 58)
        digits = alphabet[rem] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_chunked_base58_equals_the_definition(data):
    assert b58encode(data) == reference_b58(data)
    assert b58decode(reference_b58(data)) == data
