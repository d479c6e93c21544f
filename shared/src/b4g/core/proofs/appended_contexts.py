"""eddsa-jcs-2022 signs the document's JSON, and the proof's `@context` names the contexts
that were signed; a holder may append contexts after signing (the suite allows it), which the
signature does not cover. Such a credential is genuine only if it still means what was signed:
a JSON-LD processor must accept the appended contexts, and the document must give the same RDF
with and without them (docs/decisions.md, "Contexts appended to jcs credentials")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from b4g.core.errors import B4GError

APPENDED_CONTEXT_ERROR = "APPENDED_CONTEXT_ERROR"


def appended_context_problem(
    presented: Mapping[str, Any],
    signed: Mapping[str, Any],
    rdf: Callable[[Mapping[str, Any]], str] | None,
) -> tuple[str, str] | None:
    """Why `presented` (the unsecured document with every context) does not mean what `signed`
    (the same with only the signed contexts) meant, or None when it does."""
    if rdf is None:
        return APPENDED_CONTEXT_ERROR, (
            "contexts were appended after signing and no JSON-LD processor is at hand to "
            "check what they mean"
        )
    try:
        meant = rdf(presented)
    except B4GError as exc:
        return APPENDED_CONTEXT_ERROR, (
            f"contexts appended after signing are refused by a JSON-LD processor ({exc})"
        )
    try:
        original = rdf(signed)
    except B4GError:
        original = None
    if meant != original:
        return APPENDED_CONTEXT_ERROR, (
            "contexts appended after signing change what the credential means"
        )
    return None
