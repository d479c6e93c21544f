"""Timestamps as credentials and events carry them."""

from __future__ import annotations

from datetime import UTC, datetime


def xsd_datetime(moment: datetime) -> str:
    """UTC, whole seconds, `Z`: the form every VC stack parses the same way."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
