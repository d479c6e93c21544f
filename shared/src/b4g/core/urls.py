"""Well-known URLs of the standards we implement: contexts, schema bases and namespaces.

One definition each, so a context the issuer writes is the very string the verifier compares
against. Contexts are identifiers here, never fetched: their documents are pinned in
`b4g.core.jsonld.contexts`.
"""

from __future__ import annotations

from typing import Final

# W3C Verifiable Credentials data models (the base context must come first).
VC1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
VC1_EXAMPLES_CONTEXT: Final = "https://www.w3.org/2018/credentials/examples/v1"
VC2_EXAMPLES_CONTEXT: Final = "https://www.w3.org/ns/credentials/examples/v2"
# Bitstring Status List; VC 1.1's context does not define BitstringStatusListEntry, this one does.
STATUS_LIST_CONTEXT: Final = "https://www.w3.org/ns/credentials/status/v1"

# Data Integrity proofs (VC 2.0's context already includes the v2 terms).
DATA_INTEGRITY_CONTEXT: Final = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"

# DID documents.
DID_CONTEXT: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT: Final = "https://w3id.org/security/multikey/v1"

# 1EdTech Open Badges 3.0.
OB_CONTEXT: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA_BASE: Final = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
# The XML namespace of a baked SVG's <openbadges:credential> element.
OB_XML_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
