"""JSON-LD → RDF → RDFC-1.0 canonical N-Quads, exact to jsonld.js + rdf-canonize (safe mode).

Expansion and RDF conversion use pyld, with our offline `ContextStore`, with numbers as
JavaScript sees them (JSON has one number type there: `3.0` is the integer 3, integers beyond
2**53 are rounded doubles) and JavaScript's double formatting. Data-loss detection (Data
Integrity §2.4.3), which pyld does not do: a property the contexts do not define, or a relative
IRI where an absolute one is required, raises `DataLossError` instead of silently vanishing from
what is signed. Canonicalisation is our own RDFC-1.0 (`rdfc.py`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pyld import jsonld

from b4g.core.errors import B4GError
from b4g.core.jsonld.documents import ContextStore, UnknownContextError
from b4g.core.jsonld.rdfc import (
    RDF_LANGSTRING,
    XSD_STRING,
    CanonicalizationError,
    Quad,
    Term,
    canonicalize_quads,
)
from b4g.core.proofs.jcs import canonicalize

XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class DataLossError(B4GError):
    """W3C Data Integrity DATA_LOSS_DETECTION_ERROR."""

    code = "DATA_LOSS_DETECTION_ERROR"


def js_double(value: float) -> str:
    """`value.toExponential(15)` with jsonld.js's clean-up: 16 significant digits, ties away
    from zero, trailing zeros dropped but one kept after the point, `E` and no `+`."""
    if math.isnan(value) or math.isinf(value):
        raise DataLossError("NaN and Infinity cannot be expressed in JSON-LD")
    if value == 0:
        return "0.0E0"
    exact = Decimal(value)
    exponent = exact.adjusted()
    mantissa = exact.scaleb(-exponent).quantize(Decimal("1.000000000000000"), ROUND_HALF_UP)
    if abs(mantissa) >= 10:
        exponent += 1
        mantissa = exact.scaleb(-exponent).quantize(Decimal("1.000000000000000"), ROUND_HALF_UP)
    digits = format(mantissa, "f").rstrip("0")
    if digits.endswith("."):
        digits += "0"
    return f"{digits}E{exponent}"


def js_numbers(value: Any) -> Any:
    """The JSON value as JavaScript parses it (one number type, IEEE doubles)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, int):
        if abs(value) <= 2**53:
            return value
        rounded = float(value)
        return int(rounded) if abs(rounded) < 1e21 else rounded
    if isinstance(value, Mapping):
        return {k: js_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [js_numbers(v) for v in value]
    return value


def _js_is_double(value: float) -> bool:
    """jsonld.js: a number is a double when `String(value)` has a "." or |value| ≥ 1e21, so
    `1e-7` (String "1e-7") is not one and becomes the integer "0"."""
    if isinstance(value, int):
        return abs(value) >= 1e21
    return abs(value) >= 1e21 or "." in canonicalize(value).decode()


def _js_to_fixed0(value: float) -> str:
    """`value.toFixed(0)`: ties away from zero, and the sign kept (`-1e-7` → "-0")."""
    if isinstance(value, int):
        return str(value)
    rounded = Decimal(abs(value)).quantize(Decimal(1), ROUND_HALF_UP)
    return ("-" if math.copysign(1, value) < 0 else "") + str(rounded)


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
                if _js_is_double(value) or datatype == XSD_DOUBLE:
                    return {
                        "type": "literal",
                        "value": js_double(float(value)),
                        "datatype": datatype or XSD_DOUBLE,
                    }
                return {
                    "type": "literal",
                    "value": _js_to_fixed0(value),
                    "datatype": datatype or XSD_INTEGER,
                }
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


def _absolute(iri: str) -> bool:
    scheme, colon, _ = iri.partition(":")
    return bool(colon) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


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
    """The RDF dataset of a JSON-LD document, failing on data loss and unknown contexts."""
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


def rdf_canonizer(store: ContextStore) -> Any:
    """`canonize` bound to a store, in the shape `data_integrity.RdfCanonizer` expects."""

    def canonizer(document: Mapping[str, Any]) -> str:
        return canonize(document, store=store)

    return canonizer
