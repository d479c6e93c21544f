"""Byte-for-byte agreement with the JavaScript reference stack (jsonld.js 9 + rdf-canonize 5,
digitalbazaar Data Integrity): canonical N-Quads on a generated corpus of OB 3.0 credentials,
identical proofValues for the same key and time, and each side verifying the other's proofs."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.errors import B4GError
from b4g.core.jsonld.canon import canonize, rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import add_proof, create_proof, verify_proof

STORE = ContextStore()
SEED = "7f" * 32
KEY = Ed25519KeyPair.from_seed(bytes.fromhex(SEED))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"
CREATED = "2026-02-03T04:05:06Z"

# Strings that trip implementations: control characters, quotes and backslashes, astral
# characters next to private-use and U+FFxx characters (UTF-16 vs code point order), U+FFFF.
tricky = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            [
                "\x00",
                "\x07",
                "\b",
                "\t",
                "\n",
                "\x0b",
                "\f",
                "\r",
                "\x1f",
                "\x7f",
                '"',
                "\\",
                "\U0001f600",
                "\U00010000",
                "\ue000",
                "\uff71",
                "\uffff",
                "é",
                "ß",
                " ",
            ]
        ),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=10,
)
numbers = st.one_of(
    st.integers(-(2**60), 2**60),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from(
        [3.0, 1e-7, -1e-7, 1.5e-7, -2e-9, 1e21, 1e20, 0.1, -0.0, 2**53 + 1, 123456789.125, 5e-324]
    ),
)


@st.composite
def credentials(draw):
    result = {"type": ["Result"], "value": draw(tricky)}
    alignment = {
        "type": ["Alignment"],
        "targetName": draw(tricky),
        "targetUrl": "https://example.org/framework/1",
    }
    achievement = {
        "id": "urn:uuid:4c6f8e2a-1b3d-4f5a-9c7e-2d4f6a8b0c1e",
        "type": ["Achievement"],
        "name": draw(tricky),
        "description": draw(tricky),
        "criteria": {"narrative": draw(tricky)},
        "creditsAvailable": draw(numbers),
        "tag": draw(st.lists(tricky, max_size=3)),
        # Identical objects without ids are indistinguishable blank nodes.
        "alignment": [alignment] * draw(st.integers(0, 2)),
    }
    subject = {
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "result": [result] * draw(st.integers(0, 2)),
    }
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": draw(tricky)},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": draw(tricky),
        "credentialSubject": subject,
    }


def ours(document):
    try:
        return canonize(document, store=STORE), None
    except B4GError as exc:
        return None, exc.code


@given(credentials())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_canonical_nquads_match_jsonld_js(js, credential):
    mine, my_error = ours(credential)
    theirs, their_error = js.canonize(credential)
    if their_error is not None:
        assert my_error is not None, f"jsonld.js refused ({their_error}), we produced output"
        return
    assert my_error is None, f"we refused ({my_error}), jsonld.js produced output"
    assert mine == theirs


def test_undefined_terms_are_refused_by_both(js):
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": DID,
        "credentialSubject": {"id": DID},
        "undefinedTerm": "x",
    }
    assert ours(credential)[1] == "DATA_LOSS_DETECTION_ERROR"
    assert js.canonize(credential)[1] is not None


def open_badge(name: str, credits: float) -> dict:
    """An OpenBadgeCredential of our DID, with this achievement name and credits."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Interop \u00e9cole"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3c4d5e6f-7081-4923-8b4c-5d6e7f809102",
                "type": ["Achievement"],
                "name": name,
                "criteria": {"narrative": "Did it."},
                "creditsAvailable": credits,
            },
        },
    }


@pytest.mark.parametrize("name", ["plain", "control characters", "float and astral"])
def test_same_key_and_time_give_the_same_proof_and_each_side_verifies_the_other(js, name):
    names = {
        "plain": "Badge",
        "control characters": 'Bell\x07 tab\t quote" end',
        "float and astral": "Stars \U0001f31f\uff71",
    }
    credential = open_badge(names[name], 2.5)
    rdf = rdf_canonizer(STORE)
    mine = add_proof(
        credential,
        create_proof(credential, key=KEY, verification_method=VM, created=CREATED, rdf=rdf),
    )
    theirs = js.sign(copy.deepcopy(credential), SEED, CREATED)
    assert theirs["proof"]["proofValue"] == mine["proof"]["proofValue"]
    assert js.verify(mine) == (True, None)
    assert verify_proof(theirs, theirs["proof"], KEY.public_key, rdf=rdf).verified
