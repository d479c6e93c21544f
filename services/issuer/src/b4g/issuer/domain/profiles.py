"""OB 3.0 Profile objects of issuers."""

from __future__ import annotations

from typing import Any


def profile_document(did: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The issuer Profile as credentials embed it: id (the DID), type, then the fields."""
    document: dict[str, Any] = {"id": did, "type": ["Profile"]}
    for name, value in fields.items():
        if name == "image":
            value = {"type": "Image", **value}
        elif name == "address":
            value = {"type": ["Address"], **value}
        elif name == "otherIdentifier":
            value = [{"type": "IdentifierEntry", **entry} for entry in value]
        document[name] = value
    return document
