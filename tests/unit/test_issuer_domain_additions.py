"""Pure parts of bulk uploads, badge images, W3C VC API preparation and status-bit numbering."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b4g.core.baking import unbake
from b4g.core.statuslist import new_bits, set_status
from b4g.issuer.domain import vc_api
from b4g.issuer.domain.badge_images import bake, data_uri_image, default_png, default_svg
from b4g.issuer.domain.bulk import (
    COMPLETED,
    MAX_ROWS,
    QUEUED,
    RUNNING,
    BulkUploadError,
    job_state,
    read_csv,
)
from b4g.issuer.domain.status import pg_bit_number


def pg_set_bit(data: bytearray, n: int) -> None:
    """PostgreSQL's set_bit(bytea, n, 1): bit n counts from the least significant bit."""
    data[n // 8] |= 1 << (n % 8)


@given(st.integers(min_value=0, max_value=131_071))
def test_pg_bit_numbering_matches_the_bitstring_status_list(index):
    ours = bytearray(new_bits(131_072))
    set_status(ours, index, 1)
    postgres = bytearray(len(ours))
    pg_set_bit(postgres, pg_bit_number(index))
    assert postgres == ours


def test_csv_rows_become_issue_requests():
    rows = read_csv(
        b"\xef\xbb\xbfrecipientEmail,recipientId,achievementId,proofFormats,narrative,resultValue\n"
        b'a@example.org,,A1,eddsa-rdfc-2022|vc-jwt,"one, two",7\n'
        b"\n"
        b",did:example:b,A1,,,\n"
        b"c@example.org,,A1,,,,extra\n"
    )
    assert rows[0] == {
        "achievementId": "A1",
        "recipient": {"email": "a@example.org"},
        "proofFormats": ["eddsa-rdfc-2022", "vc-jwt"],
        "narrative": "one, two",
        "results": [{"value": "7"}],
    }
    assert rows[1] == {"achievementId": "A1", "recipient": {"id": "did:example:b"}}
    assert rows[2]["_extraCells"] == ["extra"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"recipientEmail\n", "no rows"),
        (b"recipientEmail,shoeSize\nx,1\n", "unknown CSV column"),
        (b"recipientEmail,recipientEmail\nx,y\n", "twice"),
        (b'recipientEmail\n"open\n', "malformed"),
        (b"\xff\xfe", "UTF-8"),
        (b"recipientEmail\n" + b"a@example.org\n" * (MAX_ROWS + 1), "at most"),
    ],
)
def test_unreadable_csv_uploads_are_refused_whole(raw, message):
    with pytest.raises(BulkUploadError, match=message):
        read_csv(raw)


def test_job_state_follows_pending_rows():
    assert job_state(total=3, pending=3) == QUEUED
    assert job_state(total=3, pending=1) == RUNNING
    assert job_state(total=3, pending=0) == COMPLETED


def test_data_uri_images_of_the_wanted_kind_only():
    png = default_png()
    png_uri = "data:image/png;base64," + base64.b64encode(png).decode()
    assert data_uri_image(png_uri, "png") == png
    assert data_uri_image(png_uri, "svg") is None
    assert data_uri_image("https://example.org/badge.png", "png") is None
    assert data_uri_image("data:image/png;base64,bm90IGEgcG5n", "png") is None
    svg_uri = "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22/%3E"
    assert data_uri_image(svg_uri, "svg") == b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_baking_falls_back_to_the_default_badge():
    credential = {"id": "urn:uuid:1", "name": "<b>&"}
    hostile = b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>'
    baked = bake(hostile, "svg", credential, "A & B <badge>")
    assert unbake(baked) == credential and b"A &amp; B &lt;badge&gt;" in baked
    assert unbake(bake(None, "png", "a.b.c", "x")) == "a.b.c"
    assert "<svg" in default_svg("x")


def test_vc_api_prepare_completes_vc1_and_keeps_vc2():
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
    vc1 = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": "did:example:other", "name": "N"},
        "credentialSubject": {"id": "did:example:s"},
        "credentialStatus": {"type": "Theirs"},
    }
    prepared = vc_api.prepare(vc1, issuer_did="did:web:x", status_entries=[entry], now="T")
    assert prepared["issuer"] == {"id": "did:web:x", "name": "N"}
    assert prepared["issuanceDate"] == "T"
    assert prepared["credentialStatus"] == [{"type": "Theirs"}, entry]
    assert prepared["@context"][1:] == [
        "https://www.w3.org/ns/credentials/status/v1",
        "https://w3id.org/security/data-integrity/v2",
    ]
    vc2 = {**vc1, "@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": "did:x"}
    del vc2["credentialStatus"]
    prepared = vc_api.prepare(vc2, issuer_did="did:web:x", status_entries=[entry], now="T")
    assert prepared["@context"] == vc2["@context"] and "issuanceDate" not in prepared
    assert prepared["credentialStatus"] == entry and prepared["issuer"] == "did:web:x"
    for bad in ({**vc2, "@context": "https://example.org"}, {**vc2, "validUntil": "soon"}):
        with pytest.raises(vc_api.CredentialRefused):
            vc_api.check(bad)
