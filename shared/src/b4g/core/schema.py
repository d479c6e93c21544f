"""Checking a credential against JSON Schemas (OB 3.0 `1EdTechJsonSchemaValidator2019`, VC
`JsonSchema`), reported as a check, never raised (pure: schemas are handed in).

Which schemas: every `credentialSchema` entry the credential names; an Open Badge that names
none is checked against the OB 3.0 AchievementCredential (or EndorsementCredential) schema.

What is validated is a view of the credential, because the published OB 3.0 schemas are
stricter than the data model they describe: they want arrays where JSON-LD lets an issuer
write a single value (`proof`, `type`, `credentialSchema`), and the most common issuer stack
(jsonld.js) writes single objects. A verifier that failed those would reject most badges, so a
single value is wrapped wherever the schema asks for an array, and `proof` is left out (the
cryptosuite checks it). (The OB 3.0 schemas b4g-core ships are 1EdTech's JSON-LD adaptation,
which already allows single values; the wrapping serves the stricter generations operators
may pin.)

Validation runs on jsonschema-rs with formats asserted; it never reaches the network: `$ref`s
resolve only to the pinned OB schemas or to what a schema source bundled in beforehand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import jsonschema_rs
import msgspec

from b4g.core.pinned_schemas import PINNED
from b4g.core.urls import OB_SCHEMA_BASE, VC2_CONTEXT

OB_ACHIEVEMENT_SCHEMA = OB_SCHEMA_BASE + "ob_v3p0_achievementcredential_schema.json"
OB_ENDORSEMENT_SCHEMA = OB_SCHEMA_BASE + "ob_v3p0_endorsementcredential_schema.json"
SCHEMA_TYPES = frozenset({"1EdTechJsonSchemaValidator2019", "JsonSchema"})
_MAX_ERRORS = 5


class SchemaReference(msgspec.Struct, frozen=True):
    url: str
    named: bool  # listed in credentialSchema (else our default for its type)


def schema_references(credential: Mapping[str, Any]) -> list[SchemaReference]:
    """The schemas a credential is checked against, in order, without duplicates."""
    entries = credential.get("credentialSchema")
    named = [
        entry["id"]
        for entry in (entries if isinstance(entries, list) else [entries])
        if isinstance(entry, Mapping)
        and entry.get("type") in SCHEMA_TYPES
        and isinstance(entry.get("id"), str)
    ]
    if named:
        return [SchemaReference(url, True) for url in dict.fromkeys(named)]
    default = _default_schema(credential)
    return [SchemaReference(default, False)] if default else []


def _default_schema(credential: Mapping[str, Any]) -> str | None:
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC2_CONTEXT:
        return None  # the OB 3.0 schemas describe VC 2.0 credentials only
    types = credential.get("type")
    named = {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
    if "EndorsementCredential" in named:
        return OB_ENDORSEMENT_SCHEMA
    if {"OpenBadgeCredential", "AchievementCredential"} & named:
        return OB_ACHIEVEMENT_SCHEMA
    return None


class SchemaOutcome(msgspec.Struct, frozen=True):
    state: Literal["pass", "fail", "could_not_check"]
    code: str  # "ok", "schema_violation", "invalid_schema", "schema_unresolvable"
    message: str

    @property
    def valid(self) -> bool:
        return self.state == "pass"


def validate(credential: Mapping[str, Any], schema: Mapping[str, Any]) -> SchemaOutcome:
    """The credential's schema view against one JSON Schema (draft 2019-09 unless it says),
    formats asserted. A `$ref` is served only from the pinned OB schemas (anything a schema
    source fetched is already bundled into `schema`); a schema that cannot be compiled or
    refers elsewhere could not be checked, which is never the credential's failure."""
    try:
        validator = _validator(schema)
    except _Unusable as exc:
        return SchemaOutcome("could_not_check", exc.code, str(exc))
    try:
        errors = _violations(validator, schema_view(credential, schema))
    except (ValueError, TypeError, RecursionError) as exc:  # the validator's, not a violation
        return SchemaOutcome(
            "could_not_check", "invalid_schema", f"the schema could not be applied ({_short(exc)})"
        )
    if not errors:
        return SchemaOutcome("pass", "ok", "matches the schema")
    described = "; ".join(errors[:_MAX_ERRORS])
    more = f" (and {len(errors) - _MAX_ERRORS} more)" if len(errors) > _MAX_ERRORS else ""
    return SchemaOutcome("fail", "schema_violation", described + more)


class _Unusable(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_COMPILED: dict[int, tuple[Mapping[str, Any], Any]] = {}


def _validator(schema: Mapping[str, Any]) -> Any:
    """Compiled validators per schema object: schema sources hand out the same object for as
    long as they keep it, so a verification costs a lookup, not a compilation. The entry holds
    the schema itself, so its id cannot be reused while the entry lives."""
    found = _COMPILED.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    refused: list[str] = []

    def pinned_only(uri: str) -> Any:
        pinned = PINNED.get(uri)
        if pinned is None:
            refused.append(uri)
            raise LookupError(uri)
        return pinned

    options: dict[str, Any] = {"validate_formats": True, "retriever": pinned_only}
    try:
        if "$schema" in schema:
            validator = jsonschema_rs.validator_for(dict(schema), **options)
        else:
            validator = jsonschema_rs.Draft201909Validator(dict(schema), **options)
    except (ValueError, TypeError, jsonschema_rs.ReferencingError) as exc:
        if refused:
            raise _Unusable(
                "schema_unresolvable",
                f"the schema refers to {refused[0]}, which is neither pinned nor fetched "
                "through the safe fetcher",
            ) from exc
        raise _Unusable("invalid_schema", f"the schema itself is invalid: {_short(exc)}") from exc
    if len(_COMPILED) >= 32:
        _COMPILED.clear()
    _COMPILED[id(schema)] = (schema, validator)
    return validator


def _violations(validator: Any, view: Any) -> list[str]:
    """Each violation as "path: message", in path order. VC DM 2.0 allows several status
    entries where the OB 3.0 schema describes one (`credentialStatus` is an object there): then
    each entry is checked as that one, and its violations are reported at its index."""
    found = sorted(
        ([str(p) for p in e.instance_path], e.message) for e in validator.iter_errors(view)
    )
    entries = view.get("credentialStatus") if isinstance(view, dict) else None
    if (
        not isinstance(entries, list)
        or not entries
        or (["credentialStatus"], _NOT_OBJECT)
        not in [(path, message[-len(_NOT_OBJECT) :]) for path, message in found]
    ):
        return [_describe(path, message) for path, message in found]
    kept = [(path, message) for path, message in found if path[:1] != ["credentialStatus"]]
    for index, entry in enumerate(entries):
        for path, message in sorted(
            ([str(p) for p in e.instance_path], e.message)
            for e in validator.iter_errors({**view, "credentialStatus": entry})
        ):
            if path[:1] == ["credentialStatus"]:
                kept.append((["credentialStatus", str(index), *path[1:]], message))
    return [_describe(path, message) for path, message in sorted(kept)]


_NOT_OBJECT = 'is not of type "object"'


def _short(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0].strip()
    return text if len(text) <= 200 else text[:197] + "..."


def _describe(path: list[str], message: str) -> str:
    where = "/".join(path) or "(credential)"
    return f"{where}: {message if len(message) <= 160 else message[:157] + '...'}"


def schema_view(credential: Mapping[str, Any], schema: Mapping[str, Any]) -> Any:
    """The credential without `proof`, single values wrapped where the schema wants arrays."""
    view = {key: value for key, value in credential.items() if key != "proof"}
    return _wrap(view, schema, schema, depth=0)


def _wrap(value: Any, node: Any, root: Mapping[str, Any], depth: int) -> Any:
    if depth > 32 or not isinstance(node, Mapping):  # boolean schemas wrap nothing
        return value
    wants_array, items, properties = _shape(node, root)
    if not isinstance(value, list) and wants_array:
        value = [value]
    if isinstance(value, list):
        if items is None:
            return value
        return [_wrap(v, items, root, depth + 1) for v in value]
    if isinstance(value, Mapping):
        return {
            key: _wrap(v, properties[key], root, depth + 1) if key in properties else v
            for key, v in value.items()
        }
    return value


_Shape = tuple[bool, Any, dict[str, Any]]
_SHAPES: dict[tuple[int, int], tuple[Any, Any, _Shape]] = {}


def _shape(node: Mapping[str, Any], root: Mapping[str, Any]) -> _Shape:
    """What wrapping needs of a schema node (does it want an array, its items, its
    properties), worked out once per node: schemas are shared and not mutated."""
    found = _SHAPES.get((id(root), id(node)))
    if found is not None and found[0] is root and found[1] is node:
        return found[2]
    subschemas = list(_resolved(node, root))
    items = [s["items"] for s in subschemas if isinstance(s.get("items"), Mapping)]
    properties: dict[str, Any] = {}
    for sub in subschemas:
        declared = sub.get("properties")
        for key, prop in (declared if isinstance(declared, Mapping) else {}).items():
            properties.setdefault(key, prop)
    shape = (
        any(s.get("type") == "array" for s in subschemas),
        items[0] if items else None,
        properties,
    )
    if len(_SHAPES) >= 4096:
        _SHAPES.clear()
    _SHAPES[(id(root), id(node))] = (root, node, shape)
    return shape


def _resolved(node: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The node and what it is made of through local `$ref`s and `allOf` (not `anyOf`/`oneOf`,
    where wrapping could pick the wrong branch)."""
    seen = 0
    pending = [node]
    while pending and seen < 64:
        current = pending.pop()
        seen += 1
        yield current
        ref = current.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part) if isinstance(target, Mapping) else None
            if isinstance(target, Mapping):
                pending.append(target)
        parts = current.get("allOf")
        for part in parts if isinstance(parts, list) else ():
            if isinstance(part, Mapping):
                pending.append(part)
