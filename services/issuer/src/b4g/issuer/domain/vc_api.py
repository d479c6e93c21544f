"""Credentials given to the W3C VC API's `POST /credentials/issue`: checked, completed and
readied for signing, as the caller sent them (VC 1.1 or 2.0; any contexts we hold)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from b4g.core.proofs.data_integrity import with_data_integrity_context
from b4g.core.urls import STATUS_LIST_CONTEXT, VC1_CONTEXT, VC2_CONTEXT

# xsd:dateTime; VC 2.0's validFrom / validUntil must also carry a time zone (dateTimeStamp).
_DATE_TIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


class CredentialRefused(ValueError):
    """The credential cannot be issued as given; the message says why."""


def _contexts(credential: dict[str, Any]) -> list[Any]:
    context = credential.get("@context")
    return context if isinstance(context, list) else [context]


def data_model(credential: dict[str, Any]) -> str:
    """ "1.1" or "2.0", from the first context (both data models require it to be the base)."""
    first = _contexts(credential)[0]
    if first == VC2_CONTEXT:
        return "2.0"
    if first == VC1_CONTEXT:
        return "1.1"
    raise CredentialRefused(
        f"the first @context must be {VC2_CONTEXT!r} (VC 2.0) or {VC1_CONTEXT!r} (VC 1.1)"
    )


def named_issuer(credential: dict[str, Any]) -> str | None:
    """The issuer id the caller put in the credential, if any."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def check(credential: dict[str, Any]) -> str:
    """Structural checks before anything is allocated; returns the data model version."""
    version = data_model(credential)
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        raise CredentialRefused("`type` must include VerifiableCredential")
    subject = credential.get("credentialSubject")
    if not subject or not isinstance(subject, (dict, list)):
        raise CredentialRefused("`credentialSubject` must be an object or a list of objects")
    if "proof" in credential:
        raise CredentialRefused("send the credential without a proof: the issuer adds it")
    issuer = credential.get("issuer")
    if issuer is not None and not isinstance(issuer, (str, dict)):
        raise CredentialRefused("`issuer` must be a URL or an object with an `id`")
    fields = ("validFrom", "validUntil") if version == "2.0" else ("issuanceDate", "expirationDate")
    for name in fields:
        value = credential.get(name)
        if value is None:
            continue
        match = _DATE_TIME.match(value) if isinstance(value, str) else None
        if match is None or (version == "2.0" and match.group(2) is None):
            raise CredentialRefused(f"`{name}` must be an XML Schema dateTime with a time zone")
    return version


def prepare(
    credential: dict[str, Any],
    *,
    issuer_did: str,
    status_entries: list[dict[str, Any]],
    now: str,
) -> dict[str, Any]:
    """The credential to sign: issued by `issuer_did` (an issuer object keeps its other
    properties), VC 1.1's `issuanceDate` filled in when missing, our status entries added after
    any the caller sent, and the contexts that define what was added."""
    version = check(credential)
    document = dict(credential)
    issuer = document.get("issuer")
    document["issuer"] = {**issuer, "id": issuer_did} if isinstance(issuer, dict) else issuer_did
    contexts = _contexts(document)
    if version == "1.1":
        document.setdefault("issuanceDate", now)
        if STATUS_LIST_CONTEXT not in contexts:
            contexts = [*contexts, STATUS_LIST_CONTEXT]
    existing = document.get("credentialStatus")
    given = [] if existing is None else existing if isinstance(existing, list) else [existing]
    entries = [*given, *status_entries]
    document["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    document["@context"] = contexts
    return with_data_integrity_context(document)


def instant(credential: dict[str, Any], name: str) -> datetime | None:
    """A date of the credential for listing (None when absent or without a time zone)."""
    value = credential.get(name)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def subject_id(credential: dict[str, Any]) -> str:
    """The (first) subject's id, how credentials are found by recipient ("" when none)."""
    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    found = first.get("id") if isinstance(first, dict) else None
    return found if isinstance(found, str) else ""
