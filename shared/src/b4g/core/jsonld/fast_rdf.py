"""Compact JSON-LD straight to RDF quads over precompiled contexts (the fast path of `canon`).

It follows pyld's expansion and node-map semantics step by step (the same type-scoped context
reverts, property-scoped contexts, value coercions, node merging by @id with pyld's duplicate
rules, `@list` as rdf:first/rdf:rest chains, JavaScript numbers, JCS for `@json`) without
building the expanded document or the node map. Blank-node labels differ from pyld's, which
RDFC-1.0 makes irrelevant. Whatever it does not reproduce exactly (value objects, `@graph`,
`@index` and language containers, reverse properties, `@included`, relative IRIs, undefined
terms, contexts outside the store, ...) makes `fast_to_quads` return None, and the caller
takes the pyld path, which gives the same quads or raises the error the document deserves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from c14n.Canonicalize import canonicalize as pyld_jcs

from b4g.core.jsonld.active_context import ActiveContext, TermDef, Unsupported, compiler_for
from b4g.core.jsonld.documents import ContextStore
from b4g.core.jsonld.literals import XSD_DOUBLE, js_number, js_numbers, number_literal
from b4g.core.jsonld.rdfc import XSD_STRING, Quad, Term

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE: Term = ("iri", RDF + "type")
RDF_FIRST: Term = ("iri", RDF + "first")
RDF_REST: Term = ("iri", RDF + "rest")
RDF_NIL: Term = ("iri", RDF + "nil")
RDF_JSON = RDF + "JSON"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_NOT_DATATYPES = (None, "@id", "@vocab")


def fast_to_quads(document: Mapping[str, Any], store: ContextStore) -> list[Quad] | None:
    """The document's RDF quads as the pyld path would give them (up to blank-node labels),
    or None when the fast path does not handle the document."""
    try:
        if not isinstance(document, Mapping):
            return None
        ctx = compiler_for(store).root(document.get("@context"))
        walk = _Walk()
        walk.node(ctx, document, top=True)
        return walk.quads
    except Exception:  # Unsupported, or anything odd: the pyld path decides
        return None


# A value ready for the node map: its RDF term, and what pyld compares to drop duplicates
# (None: never a duplicate, e.g. a new blank node).
_Value = tuple[Term, Any]


class _Walk:
    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self._seen: set[tuple[Term, str, Any]] = set()
        self._json: dict[tuple[Term, str], list[Any]] = {}
        self._labels: dict[str, Term] = {}
        self._fresh = 0

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, ctx: ActiveContext, element: Mapping[str, Any], *, top: bool = False) -> Term:
        """A node object (its local context already applied): its quads, and its subject."""
        if not top and "@context" in element:
            ctx = ctx.with_local(element["@context"])
        type_ctx = ctx  # @type values expand with the context from before type scoping
        type_key: str | None = None
        for key in element:
            if key in type_ctx.type_keys:
                if type_key is not None:
                    raise Unsupported("two @type keys")
                type_key = key
        types: list[str] = []
        if type_key is not None:
            raw = element[type_key]
            types = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(t, str) for t in types):
                raise Unsupported("@type values must be strings")
            for type_ in sorted(types):
                scoped = type_ctx.type_scoped(type_)
                if scoped is not None:
                    ctx = ctx.with_type_scope(scoped)
        subject: Term | None = None
        properties: list[tuple[str, TermDef]] = []
        for key in element:
            if key == "@context":
                continue
            kind = ctx.key(key)
            if (kind == "@type") != (key == type_key):
                raise Unsupported("a type-scoped context redefines @type")
            if kind == "@id":
                if subject is not None:
                    raise Unsupported("colliding @id keys")
                subject = self._subject(ctx, element[key])
            elif kind == "@type":
                pass
            else:
                assert isinstance(kind, TermDef)
                properties.append((key, kind))
        if subject is None:
            subject = self._new_blank()
        for type_ in types:
            iri = type_ctx.iri(type_, vocab=True)
            if iri.startswith("_:"):
                raise Unsupported("blank node type")
            self._add(subject, "@type", RDF_TYPE, (("iri", iri), iri))
        for key, term in properties:
            self._property(ctx, key, term, element[key], subject)
        return subject

    def _subject(self, ctx: ActiveContext, ident: Any) -> Term:
        if not isinstance(ident, str):
            raise Unsupported("@id must be a string")
        if ident.startswith("_:"):
            return self._blank(ident)
        iri = ctx.iri(ident, vocab=False)
        return self._blank(iri) if iri.startswith("_:") else ("iri", iri)

    def _nested(self, ctx: ActiveContext, term: TermDef, element: Mapping[str, Any]) -> Term:
        """pyld's `_expand` of a node object under a property (`term` as `ctx` defines it)."""
        if ctx.previous is not None and len(element) == 1:
            (only,) = element
            keyword = ctx.keyword(only)
            if keyword == "@value":
                raise Unsupported("value object")
            if keyword != "@id":
                ctx = ctx.previous
        elif ctx.previous is not None:
            if len(element) == 2 and any(ctx.keyword(k) == "@value" for k in element):
                raise Unsupported("value object")
            ctx = ctx.previous
        if term.scoped is not None:
            ctx = ctx.with_property_scope(term.scoped)
        return self.node(ctx, element)

    # -- properties and values ------------------------------------------------------------

    def _property(
        self, ctx: ActiveContext, key: str, term: TermDef, value: Any, subject: Term
    ) -> None:
        predicate = term.predicate
        if term.coerce == "@json":
            if term.is_list:
                raise Unsupported("a list of JSON literals")
            self._add_json(subject, term.iri, predicate, value)
            return
        if value is None:
            return
        inner_ctx = ctx.with_property_scope(term.scoped) if term.scoped is not None else ctx
        inner = inner_ctx.key(key)
        if not isinstance(inner, TermDef) or inner.is_list != term.is_list:
            raise Unsupported("a scoped context redefines its own property")
        if term.is_list:
            items: list[Term] = []
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, list):
                        raise Unsupported("list of lists")
                    expanded = self._value(inner_ctx, inner, item)
                    if expanded is not None:
                        items.append(expanded[0])
            else:
                expanded = self._value(inner_ctx, inner, value)
                if expanded is None:
                    return
                items.append(expanded[0])
            self.quads.append((subject, predicate, self._list(items), None))
            return
        for expanded in self._values(inner_ctx, inner, value):
            self._add(subject, term.iri, predicate, expanded)

    def _values(self, ctx: ActiveContext, term: TermDef, value: Any) -> list[_Value]:
        if not isinstance(value, list):
            expanded = self._value(ctx, term, value)
            return [] if expanded is None else [expanded]
        out: list[_Value] = []
        for item in value:  # nested arrays are flattened, as pyld does outside lists
            out.extend(self._values(ctx, term, item))
        return out

    def _value(self, ctx: ActiveContext, term: TermDef, value: Any) -> _Value | None:
        if value is None:
            return None
        if isinstance(value, Mapping):
            node = self._nested(ctx, term, value)
            fresh = node[0] == "blank" and node[1].startswith("f")
            return node, (None if fresh else node)
        coerce = term.coerce
        if isinstance(value, str):
            if coerce == "@id" or coerce == "@vocab":
                if value.startswith("_:"):
                    blank = self._blank(value)
                    return blank, blank
                iri = ctx.iri(value, vocab=coerce == "@vocab")
                node = self._blank(iri) if iri.startswith("_:") else ("iri", iri)
                return node, node
            if coerce is None:
                return ("literal", value, XSD_STRING, ""), ("v", False, value, None)
            if coerce == XSD_DOUBLE:
                raise Unsupported("a string typed xsd:double")  # pyld reformats some
            return ("literal", value, coerce, ""), ("v", False, value, coerce)
        datatype = None if coerce in _NOT_DATATYPES else coerce
        if isinstance(value, bool):
            lexical = "true" if value else "false"
            return ("literal", lexical, datatype or XSD_BOOLEAN, ""), ("v", True, value, datatype)
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise Unsupported("NaN or Infinity")
            number = js_number(value)
            lexical, number_type = number_literal(number, datatype)
            return ("literal", lexical, number_type, ""), ("v", False, number, datatype)
        raise Unsupported(f"unexpected JSON value {type(value).__name__}")

    # -- the node map ---------------------------------------------------------------------

    def _add(self, subject: Term, prop: str, predicate: Term, value: _Value) -> None:
        """Add a triple unless pyld's node map would already hold that value there."""
        obj, identity = value
        if identity is not None:
            key = (subject, prop, identity)
            if key in self._seen:
                return
            self._seen.add(key)
        self.quads.append((subject, predicate, obj, None))

    def _add_json(self, subject: Term, prop: str, predicate: Term, value: Any) -> None:
        value = js_numbers(value)
        seen = self._json.setdefault((subject, prop), [])
        # pyld compares @json values with Python's == (so {"a": 1} equals {"a": 1.0}).
        for other in seen:
            if other == value and (
                type(other) is type(value)
                if isinstance(other, bool) or isinstance(value, bool)
                else True
            ):
                return
        seen.append(value)
        lexical = pyld_jcs(value).decode("utf-8")
        self.quads.append((subject, predicate, ("literal", lexical, RDF_JSON, ""), None))

    def _list(self, items: list[Term]) -> Term:
        if not items:
            return RDF_NIL
        head = node = self._new_blank()
        for index, item in enumerate(items):
            rest = self._new_blank() if index < len(items) - 1 else RDF_NIL
            self.quads.append((node, RDF_FIRST, item, None))
            self.quads.append((node, RDF_REST, rest, None))
            node = rest
        return head

    def _new_blank(self) -> Term:
        self._fresh += 1
        return ("blank", f"f{self._fresh}")

    def _blank(self, label: str) -> Term:
        node = self._labels.get(label)
        if node is None:
            node = self._labels[label] = ("blank", f"u{len(self._labels)}")
        return node
