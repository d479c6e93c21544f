"""Values the OpenAPI examples of several resources share."""

from __future__ import annotations

ORG_ID = "5f0c4a4e-1d2b-4c57-9f1e-2b7d9c3a6e10"
DID_EXAMPLE = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
VM_EXAMPLE = f"{DID_EXAMPLE}#{DID_EXAMPLE.removeprefix('did:key:')}"
AUTHORITY_EXAMPLE = "https://registry.badges4good.example"
