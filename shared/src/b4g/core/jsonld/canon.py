"""JSON-LD → RDF → RDFC-1.0 canonical N-Quads, exact to jsonld.js + rdf-canonize (safe mode).

Expansion and RDF conversion use pyld, with our offline `ContextStore`, with numbers as
JavaScript sees them (JSON has one number type there: `3.0` is the integer 3, integers beyond
2**53 are rounded doubles) and JavaScript's double formatting. Data-loss detection (Data
Integrity §2.4.3), which pyld does not do: a property the contexts do not define, or a relative
IRI where an absolute one is required, raises `DataLossError` instead of silently vanishing from
what is signed. Canonicalisation is our own RDFC-1.0 (`rdfc.py`).

`to_quads` / `canonize` first try the fast path (`fast_rdf.py`: compact JSON straight to quads
over contexts compiled once per store) and fall back to pyld for whatever it leaves out;
`pyld_to_quads` / `pyld_canonize` always take pyld (the reference it is tested against).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld

from b4g.core.jsonld.active_context import is_absolute_iri
from b4g.core.jsonld.documents import ContextStore, UnknownContextError
from b4g.core.jsonld.fast_rdf import fast_to_quads
from b4g.core.jsonld.literals import (
    XSD_DOUBLE,
    XSD_INTEGER,
    DataLossError,
    js_double,
    js_numbers,
    number_literal,
)
from b4g.core.jsonld.literals import js_is_double as _js_is_double
from b4g.core.jsonld.literals import js_to_fixed0 as _js_to_fixed0
from b4g.core.jsonld.rdfc import (
    RDF_LANGSTRING,
    XSD_STRING,
    CanonicalizationError,
    Quad,
    Term,
    canonicalize_quads,
)

# Moved to `literals`; still importable from here.
__all__ = [
    "XSD_DOUBLE",
    "XSD_INTEGER",
    "DataLossError",
    "_js_is_double",
    "_js_to_fixed0",
    "canonize",
    "js_double",
    "js_numbers",
    "pyld_canonize",
    "rdf_canonizer",
    "to_quads",
]


def _raise_dropped(term: str | None) -> None:
    raise DataLossError(
        f"the term {term!r} is not defined by the document's contexts, so it would not be signed"
    )


class _Processor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld with JavaScript number semantics in RDF literals."""

    def _object_to_rdf(self, item: Any, issuer: Any, triples: Any, options: Any) -> Any:
        if isinstance(item, dict) and "@value" in item:
            value = item["@value"]
            datatype = item.get("@type")
            if (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and datatype != "@json"
            ):
                lexical, datatype = number_literal(value, datatype)
                return {"type": "literal", "value": lexical, "datatype": datatype}
        return super()._object_to_rdf(item, issuer, triples, options)

    def expanded_to_rdf(self, expanded: Any, options: dict[str, Any]) -> dict[str, Any]:
        """pyld's toRDF minus its second expansion (the input is already expanded)."""
        issuer = jsonld.IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        self._create_node_map(expanded, node_map, "@default", issuer)
        rdf_options = {"produceGeneralizedRdf": False, "rdfDirection": None, **options}
        return {
            name: self._graph_to_rdf(graph, issuer, rdf_options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or name.startswith("_:") or _absolute(name)
        }


def _check_iris(node: Any) -> None:
    """Relative IRIs in `@id` / `@type` are dropped from RDF: jsonld.js safe mode refuses them."""
    if isinstance(node, list):
        for item in node:
            _check_iris(item)
        return
    if not isinstance(node, dict):
        return
    ident = node.get("@id")
    if isinstance(ident, str) and not (ident.startswith("_:") or _absolute(ident)):
        raise DataLossError(f"relative @id reference {ident!r}")
    if "@value" not in node:
        for kind in node.get("@type", []):
            if isinstance(kind, str) and not (kind.startswith("_:") or _absolute(kind)):
                raise DataLossError(f"relative @type reference {kind!r}")
    for key, value in node.items():
        if key not in ("@id", "@type", "@value", "@language", "@direction", "@index"):
            _check_iris(value)


_absolute = is_absolute_iri


def _term(raw: Mapping[str, Any]) -> Term:
    kind = raw["type"]
    if kind == "IRI":
        return ("iri", raw["value"])
    if kind == "blank node":
        return ("blank", raw["value"].removeprefix("_:"))
    language: str = raw.get("language") or ""
    datatype: str = raw.get("datatype") or (RDF_LANGSTRING if language else XSD_STRING)
    return (
        "literal",
        str(raw["value"]),
        datatype,
        language,
    )


def to_quads(document: Mapping[str, Any], *, store: ContextStore) -> list[Quad]:
    """The RDF dataset of a JSON-LD document, failing on data loss and unknown contexts: by the
    fast path when it handles the document, else by pyld (the same quads up to blank-node
    labels, and the same errors)."""
    quads = fast_to_quads(document, store)
    if quads is not None:
        return quads
    return pyld_to_quads(document, store=store)


def pyld_to_quads(document: Mapping[str, Any], *, store: ContextStore) -> list[Quad]:
    """`to_quads` by pyld's expansion and toRDF (the reference the fast path is tested with)."""
    processor = _Processor(on_property_dropped=_raise_dropped)
    options = {
        **store.pyld_options(),
        "base": None,
        "safe": True,
        "processingMode": "json-ld-1.1",
    }
    try:
        expanded = processor.expand(js_numbers(document), options)
        _check_iris(expanded)
        dataset = processor.expanded_to_rdf(expanded, options)
    except jsonld.JsonLdError as exc:
        cause = exc
        while cause is not None:
            if isinstance(cause, (UnknownContextError, DataLossError)):
                raise cause from exc
            cause = getattr(cause, "cause", None) or cause.__cause__ or cause.__context__
        raise CanonicalizationError(f"JSON-LD processing failed: {exc}") from exc
    except ValueError as exc:  # pyld's own checks, e.g. a relative context IRI
        raise CanonicalizationError(f"JSON-LD processing failed: {exc}") from exc
    except (KeyError, TypeError, IndexError, AttributeError, RecursionError) as exc:
        # pyld trips over some malformed contexts (e.g. `{"@vocab": null}`) instead of
        # reporting them; either way the document has no meaning we can sign or check.
        raise CanonicalizationError(
            "JSON-LD processing failed: the document's @context is malformed"
        ) from exc
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        graph: Term | None = None
        if graph_name != "@default":
            graph = (
                ("blank", graph_name[2:]) if graph_name.startswith("_:") else ("iri", graph_name)
            )
        for triple in triples:
            quads.append(
                (
                    _term(triple["subject"]),
                    _term(triple["predicate"]),
                    _term(triple["object"]),
                    graph,
                )
            )
    return quads


def canonize(document: Mapping[str, Any], *, store: ContextStore) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (each line ends with "\\n")."""
    return canonicalize_quads(to_quads(document, store=store))


def pyld_canonize(document: Mapping[str, Any], *, store: ContextStore) -> str:
    """`canonize` always by the pyld path."""
    return canonicalize_quads(pyld_to_quads(document, store=store))


def rdf_canonizer(store: ContextStore) -> Any:
    """`canonize` bound to a store, in the shape `data_integrity.RdfCanonizer` expects."""

    def canonizer(document: Mapping[str, Any]) -> str:
        return canonize(document, store=store)

    return canonizer
