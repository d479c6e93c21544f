"""Structural mutations of JSON documents as hypothesis strategies, for fuzzing endpoints that
take credentials: wrong JSON types, nesting, nulls, removed and duplicated keys, odd contexts."""

from __future__ import annotations

import json
from collections.abc import Callable
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


def edited(document: Any, path: tuple[Any, ...], change: Callable[[Any, Any], None]) -> Any:
    copy = json.loads(json.dumps(document))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    change(parent, path[-1])
    return copy


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
        if kind == "replace":
            value = draw(st.sampled_from(WEIRD))

            def change(parent: Any, key: Any, value: Any = value) -> None:
                parent[key] = value
        elif kind == "delete":

            def change(parent: Any, key: Any) -> None:
                del parent[key]
        elif kind == "wrap":

            def change(parent: Any, key: Any) -> None:
                parent[key] = [parent[key]]
        elif kind == "unwrap":

            def change(parent: Any, key: Any) -> None:
                if isinstance(parent[key], list) and parent[key]:
                    parent[key] = parent[key][0]
        elif kind == "nest":

            def change(parent: Any, key: Any) -> None:
                parent[key] = {"nested": parent[key]} if draw(st.booleans()) else [[parent[key]]]
        elif kind == "context":  # of the credential itself, or of one nested in the body
            odd = draw(st.sampled_from(ODD_CONTEXTS))
            mode = draw(st.sampled_from(["append", "replace", "only"]))
            found = [p for p in paths if p[-1] == "@context"] or [("@context",)]
            path = draw(st.sampled_from(found))

            def change(parent: Any, key: Any, odd: Any = odd, mode: str = mode) -> None:
                contexts = parent.get(key) if isinstance(parent, dict) else None
                contexts = contexts if isinstance(contexts, list) and contexts else [contexts]
                parent[key] = {
                    "append": [*contexts, odd],
                    "replace": [contexts[0], odd],
                    "only": odd,
                }[mode]
        else:  # a key sent twice with another value (JSON parsers keep the last)
            key = draw(st.sampled_from(sorted(document)))
            duplicate = (key, draw(st.sampled_from(WEIRD)))
            continue
        document = edited(document, path, change)
    body = json.dumps(document)
    if duplicate is not None and isinstance(document, dict):
        extra = json.dumps({duplicate[0]: duplicate[1]})[1:-1]
        body = "{" + extra + ", " + body[1:] if len(body) > 2 else "{" + extra + "}"
    return body.encode()
