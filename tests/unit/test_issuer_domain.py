"""Pure rules of the issuer: did:web identifiers, status transitions, OB objects,
idempotency fingerprints, scopes."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b4g.issuer.domain.access import ALL_SCOPES, UnknownScopeError, normalise_scopes
from b4g.issuer.domain.achievements import achievement_document, valid_achievement_type
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.domain.identifiers import (
    did_document,
    did_document_path,
    did_key_for,
    did_web_for,
    verification_method_id,
)
from b4g.issuer.domain.profiles import profile_document
from b4g.issuer.domain.status import (
    ACTIVE,
    REVOKED,
    SUSPENDED,
    may_change,
    random_indexes,
    status_entry,
    status_list_url,
)

ISSUER = uuid.UUID("6f1c3a0e-3c0b-4b8e-9a51-0d7c2b2f5d11")


def test_did_web_encodes_the_port_and_matches_the_served_path():
    did = did_web_for("http://127.0.0.1:8001", ISSUER)
    assert did == f"did:web:127.0.0.1%3A8001:issuers:{ISSUER}"
    # did:web resolution: replace ':' by '/', decode the port, append /did.json.
    host, *path = did.removeprefix("did:web:").split(":")
    assert host.replace("%3A", ":") == "127.0.0.1:8001"
    assert "/" + "/".join(path) + "/did.json" == did_document_path(ISSUER)
    assert did_web_for("https://badges.example.org/", ISSUER) == (
        f"did:web:badges.example.org:issuers:{ISSUER}"
    )
    assert did_web_for("https://example.org/b4g", ISSUER).startswith("did:web:example.org:b4g:")
    with pytest.raises(ValueError):
        did_web_for("not a url", ISSUER)


def test_did_document_lists_keys_under_assertion_method_only():
    did = did_web_for("https://example.org", ISSUER)
    keys = [(verification_method_id(did, m), m) for m in ("z6MkA", "z6MkB")]
    document = did_document(did, keys)
    assert document["id"] == did
    assert [vm["id"] for vm in document["verificationMethod"]] == [f"{did}#z6MkA", f"{did}#z6MkB"]
    assert all(
        vm["type"] == "Multikey" and vm["controller"] == did
        for vm in document["verificationMethod"]
    )
    assert document["assertionMethod"] == [f"{did}#z6MkA", f"{did}#z6MkB"]
    assert "authentication" not in document
    assert did_key_for("z6MkA") == "did:key:z6MkA"


def test_revocation_is_final_and_suspension_reversible():
    assert may_change(ACTIVE, REVOKED) and may_change(ACTIVE, SUSPENDED)
    assert may_change(SUSPENDED, ACTIVE) and may_change(SUSPENDED, REVOKED)
    assert not any(may_change(REVOKED, target) for target in (ACTIVE, SUSPENDED, REVOKED))
    assert not may_change(ACTIVE, ACTIVE)


def test_status_entries_follow_bitstring_status_list():
    url = status_list_url("http://127.0.0.1:8002", ISSUER)
    assert url == f"http://127.0.0.1:8002/status/{ISSUER}"
    entry = status_entry(url, 4021, "revocation")
    assert entry == {
        "id": f"{url}#4021",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4021",
        "statusListCredential": url,
    }
    assert all(0 <= i < 10 for i in random_indexes(10, 50))


def test_achievement_and_profile_objects_get_their_ob3_types():
    document = achievement_document(
        ISSUER,
        {
            "name": "N",
            "image": {"id": "https://x/i.png"},
            "resultDescription": [{"name": "Score", "resultType": "Percent"}],
        },
    )
    assert list(document)[:2] == ["id", "type"] and document["id"] == f"urn:uuid:{ISSUER}"
    assert document["image"] == {"type": "Image", "id": "https://x/i.png"}
    again = achievement_document(
        ISSUER, {"resultDescription": [{"name": "Score", "resultType": "Percent"}]}
    )
    assert document["resultDescription"][0]["id"] == again["resultDescription"][0]["id"]
    assert valid_achievement_type("Badge") and valid_achievement_type("ext:Workshop")
    assert not valid_achievement_type("Trophy") and not valid_achievement_type("ext:")
    profile = profile_document(
        "did:web:x", {"name": "N", "otherIdentifier": [{"identifier": "1", "identifierType": "id"}]}
    )
    assert profile["id"] == "did:web:x" and profile["type"] == ["Profile"]
    assert profile["otherIdentifier"][0]["type"] == "IdentifierEntry"


@settings(max_examples=100, deadline=None)
@given(body=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=6))
def test_fingerprints_ignore_key_order_but_not_values(body):
    reordered = dict(reversed(list(body.items())))
    assert request_fingerprint(ISSUER, body) == request_fingerprint(ISSUER, reordered)
    assert request_fingerprint(ISSUER, body) != request_fingerprint(ISSUER, {**body, "extra": 1})
    assert request_fingerprint(ISSUER, body) != request_fingerprint(uuid.uuid4(), body)


def test_scopes_default_to_all_and_unknown_ones_are_refused():
    assert normalise_scopes(None) == list(ALL_SCOPES)
    assert normalise_scopes(["revoke", "issue", "issue"]) == ["issue", "revoke"]
    with pytest.raises(UnknownScopeError):
        normalise_scopes(["issue", "admin"])
