"""CloudEvents 1.0 structured-mode JSON envelope (https://github.com/cloudevents/spec)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec


class CloudEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A CloudEvents 1.0 event; `data` is the JSON payload of the event type."""

    specversion: str  # required on the wire, so no default (defaults are omitted)
    id: str
    source: str
    type: str
    subject: str | None = None
    time: str | None = None
    datacontenttype: str | None = None
    dataschema: str | None = None
    data: Any = None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(CloudEvent)


def new_event(
    *, source: str, type: str, data: Any, subject: str | None = None, now: datetime | None = None
) -> CloudEvent:
    """A new event with a random id; `data` may be a msgspec struct or plain JSON value."""
    moment = now or datetime.now(UTC)
    return CloudEvent(
        specversion="1.0",
        id=str(uuid.uuid4()),
        source=source,
        type=type,
        subject=subject,
        time=moment.isoformat().replace("+00:00", "Z"),
        datacontenttype="application/json",
        data=msgspec.to_builtins(data),
    )


def encode_event(event: CloudEvent) -> bytes:
    return _encoder.encode(event)


def decode_event(raw: bytes) -> CloudEvent:
    """Raises msgspec.ValidationError / DecodeError for anything that is not a CloudEvent."""
    event = _decoder.decode(raw)
    if event.specversion != "1.0":
        raise msgspec.ValidationError(f"unsupported CloudEvents specversion {event.specversion!r}")
    return event
