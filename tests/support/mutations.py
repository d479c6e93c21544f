"""Structural mutations of JSON documents as hypothesis strategies, for fuzzing endpoints that
take credentials: wrong JSON types, nesting, nulls, removed and duplicated keys, odd contexts."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

WEIRD: list[Any] = [
    None,
    {},
    [],
    [[]],
    [{}],
    [None],
    0,
    -1,
    2**70,
    1.5e308,
    True,
    "",
    "not a date",
    "relative/iri",
    "did:",
    "https://",
    "@id",
    {"@id": None},
    {"@value": {}},
    {"@context": None},
    [[["x"]]],
    {"type": {}},
    {"id": []},
    "2026-13-45T99:99:99Z",
]
ODD_CONTEXTS: list[Any] = [
    "ctx.jsonld",
    "https://unknown.example/ctx.jsonld",
    None,
    5,
    {},
    [[]],
    {"@vocab": None},
    {"@base": None},
    {"@version": 2.0},
    {"@protected": True, "id": "https://x.example/id"},
    {"id": "https://x.example/id"},
    {"type": {"@id": "https://x.example/t"}},
    {"name": {"@type": "@json"}},
    {"@import": "rel.jsonld"},
    {"VerifiableCredential": None},
]


def locations(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `node` (object keys and array indexes)."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += locations(value, (*path, index))
    return found


_DELETE = object()


def value_at(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for step in path:
        node = node.get(step) if isinstance(node, dict) else node[step]
    return node


def edited(document: Any, path: tuple[Any, ...], replacement: Any) -> Any:
    """A copy of `document` with the value at `path` replaced (or removed: `_DELETE`)."""
    copy = json.loads(json.dumps(document))
    parent = value_at(copy, path[:-1])
    if replacement is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return copy


def _odd_contexts(current: Any, odd: Any, mode: str) -> Any:
    contexts = current if isinstance(current, list) and current else [current]
    return {"append": [*contexts, odd], "replace": [contexts[0], odd], "only": odd}[mode]


def _replacement(kind: str, current: Any, draw: st.DrawFn) -> Any:
    if kind == "replace":
        return draw(st.sampled_from(WEIRD))
    if kind == "delete":
        return _DELETE
    if kind == "wrap":
        return [current]
    if kind == "unwrap":
        return current[0] if isinstance(current, list) and current else current
    if kind == "nest":
        return {"nested": current} if draw(st.booleans()) else [[current]]
    odd = draw(st.sampled_from(ODD_CONTEXTS))
    return _odd_contexts(current, odd, draw(st.sampled_from(["append", "replace", "only"])))


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> bytes:
    """`document` with one to three structural mutations, as the JSON body that is sent."""
    duplicate: tuple[str, Any] | None = None
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in locations(document) if p]
        if not paths:  # every key is gone already
            break
        path = draw(st.sampled_from(paths))
        kind = draw(
            st.sampled_from(["replace", "delete", "wrap", "unwrap", "nest", "context", "dup"])
        )
        if kind == "dup":  # a key sent twice with another value (JSON parsers keep the last)
            key = draw(st.sampled_from(sorted(document)))
            duplicate = (key, draw(st.sampled_from(WEIRD)))
            continue
        if kind == "context":  # of the credential itself, or of one nested in the body
            path = draw(
                st.sampled_from([p for p in paths if p[-1] == "@context"] or [("@context",)])
            )
        replacement = _replacement(kind, value_at(document, path), draw)
        document = edited(document, path, replacement)
    body = json.dumps(document)
    if duplicate is not None and isinstance(document, dict):
        extra = json.dumps({duplicate[0]: duplicate[1]})[1:-1]
        body = "{" + extra + ", " + body[1:] if len(body) > 2 else "{" + extra + "}"
    return body.encode()
