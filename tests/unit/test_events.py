from __future__ import annotations

import msgspec
import pytest

from b4g.core.events.envelope import decode_event, encode_event, new_event
from b4g.core.events.payloads import CredentialIssuedV1, decode_payload
from b4g.core.events.topics import CREDENTIAL_ISSUED, EVENT_TOPIC, TOPICS


def test_cloudevent_round_trip_is_structured_mode_json():
    payload = CredentialIssuedV1(
        credential_id="urn:uuid:1",
        issuer_id="i1",
        issuer_did="did:web:example.org",
        issued_at="2026-01-01T00:00:00Z",
    )
    event = new_event(
        source="urn:b4g:issuer", type=CREDENTIAL_ISSUED, data=payload, subject="urn:uuid:1"
    )
    raw = encode_event(event)
    as_json = msgspec.json.decode(raw)
    assert as_json["specversion"] == "1.0"
    assert {"id", "source", "type", "time", "datacontenttype", "data"} <= as_json.keys()
    assert decode_event(raw) == event
    assert decode_payload(decode_event(raw).data) == payload


def test_other_specversions_and_garbage_are_rejected():
    with pytest.raises(msgspec.ValidationError):
        decode_event(b'{"specversion":"0.3","id":"1","source":"s","type":"t"}')
    with pytest.raises(msgspec.DecodeError):
        decode_event(b"not json")


def test_every_event_type_has_a_declared_topic():
    names = {spec.name for spec in TOPICS}
    assert set(EVENT_TOPIC.values()) <= names
