"""Envelope encryption of issuer keys: round trip, wrong master key, tampering, nothing leaks."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b4g.issuer.domain.sealing import LocalKeyProvider, SealingError, seal, unseal

MASTER = bytes(range(32))


@settings(max_examples=50, deadline=None)
@given(secret=st.binary(min_size=0, max_size=128))
def test_seal_then_unseal_gives_the_secret_back(secret):
    provider = LocalKeyProvider(MASTER)
    sealed = seal(provider, secret)
    assert unseal(provider, sealed) == secret
    if len(secret) >= 8:
        assert secret not in sealed.ciphertext and secret not in sealed.sealed_data_key


def test_each_secret_gets_its_own_data_key():
    provider = LocalKeyProvider(MASTER)
    first, second = seal(provider, b"same secret"), seal(provider, b"same secret")
    assert first.sealed_data_key != second.sealed_data_key
    assert first.ciphertext != second.ciphertext


def test_another_master_key_cannot_open_it():
    sealed = seal(LocalKeyProvider(MASTER), b"seed" * 8)
    other = LocalKeyProvider(bytes(32))
    with pytest.raises(SealingError):
        unseal(other, sealed)
    # Even when the row claims the other provider sealed it, authentication fails.
    relabelled = dataclasses.replace(sealed, key_ref=other.key_ref)
    with pytest.raises(SealingError):
        unseal(other, relabelled)


def test_tampered_ciphertext_is_refused():
    provider = LocalKeyProvider(MASTER)
    sealed = seal(provider, b"seed" * 8)
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(SealingError):
        unseal(provider, dataclasses.replace(sealed, ciphertext=flipped))


def test_reprs_show_no_key_material():
    provider = LocalKeyProvider(MASTER)
    sealed = seal(provider, b"top secret seed!")
    assert MASTER.hex() not in repr(provider) and "top secret" not in repr(sealed)
    with pytest.raises(ValueError, match="32 bytes"):
        LocalKeyProvider(b"short")


def test_a_previous_master_key_only_opens():
    old = LocalKeyProvider(MASTER)
    sealed_before = seal(old, b"seed" * 8)
    both = LocalKeyProvider(bytes(32), previous=[MASTER])
    assert both.key_ref != old.key_ref
    assert unseal(both, sealed_before) == b"seed" * 8
    sealed_now = seal(both, b"next" * 8)
    assert sealed_now.key_ref == both.key_ref == LocalKeyProvider(bytes(32)).key_ref
    with pytest.raises(SealingError):
        unseal(old, sealed_now)
    with pytest.raises(ValueError, match="32 bytes"):
        LocalKeyProvider(MASTER, previous=[b"short"])
