"""Bitstring Status List v1.0: the W3C example, bit order, round trips, the status check."""

from __future__ import annotations

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from b4g.core.crypto.multibase import multibase_encode
from b4g.core.statuslist import (
    MIN_ENTRIES,
    BitstringStatusListEntry,
    StatusListLengthError,
    bits_with,
    check_status,
    decode_bits,
    encode_bits,
    new_bits,
    set_indexes,
    set_status,
    status_list_credential,
)
from tests.unit.test_crypto_core import vectors


def test_w3c_example_decodes_as_documented():
    expected = json.loads(vectors("bitstring-status-list", "expected.json").read_text())
    credential = json.loads(
        vectors("bitstring-status-list", "example-statuslist-credential.json").read_text()
    )
    bits = decode_bits(credential["credentialSubject"]["encodedList"])
    assert len(bits) == expected["uncompressedLengthBytes"]
    assert set_indexes(bits) == []


def test_index_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = new_bits()
    set_status(bits, 0, 1)
    set_status(bits, 9, 1)
    assert bits[0] == 0x80 and bits[1] == 0x40


@given(st.sets(st.integers(0, MIN_ENTRIES - 1), max_size=50))
@settings(max_examples=50, deadline=None)
def test_round_trip(indexes):
    assert set_indexes(decode_bits(encode_bits(bits_with(indexes)))) == sorted(indexes)


def test_gzip_bombs_are_refused():
    bomb = multibase_encode(gzip.compress(bytes(64 * 1024 * 1024)), "u")
    try:
        decode_bits(bomb)
    except StatusListLengthError:
        return
    raise AssertionError("a 64 MiB list was accepted")


def list_credential(indexes, purpose="revocation", entries=MIN_ENTRIES):
    return status_list_credential(
        url="https://v.example/status/1",
        issuer="did:web:i.example",
        purpose=purpose,
        bits=bits_with(indexes, entries),
    )


def entry(index, purpose="revocation"):
    return {
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": "https://v.example/status/1",
    }


def test_status_check():
    credential = list_credential({7})
    revoked = check_status(entry(7), credential)
    assert (revoked.active, revoked.code, revoked.message) == (True, "ok", "revoked")
    assert check_status(entry(8), credential).active is False
    wrong_purpose = check_status(entry(7, "suspension"), credential)
    assert wrong_purpose.code == "STATUS_VERIFICATION_ERROR"
    outside = check_status(entry(MIN_ENTRIES + 5), credential)
    assert outside.code == "STATUS_RANGE_ERROR"
    short = check_status(entry(1), list_credential(set(), entries=1024))
    assert short.code == "STATUS_LIST_LENGTH_ERROR"
    bad_index = check_status({**entry(1), "statusListIndex": "one"}, credential)
    assert bad_index.code == "STATUS_VERIFICATION_ERROR"


def test_entry_struct_encodes_the_spec_names():
    import msgspec

    encoded = msgspec.to_builtins(
        BitstringStatusListEntry(
            id="https://v.example/status/1#7",
            statusPurpose="revocation",
            statusListIndex="7",
            statusListCredential="https://v.example/status/1",
        )
    )
    assert encoded == {**entry(7), "id": "https://v.example/status/1#7"}
