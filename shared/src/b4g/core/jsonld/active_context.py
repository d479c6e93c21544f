"""JSON-LD active contexts compiled once per `ContextStore`, for the fast RDF path.

pyld's own context processing builds each active context (so term definitions, protection,
`@propagate` and scoped contexts mean exactly what they mean on the pyld path); this module
processes each context list, and each type- or property-scoped step from an active context,
once, and keeps the result with a compiled view of its terms. pyld 3.3 would redo that work
for every document.

Anything the fast path does not reproduce exactly raises `Unsupported`, and the caller falls
back to the pyld path (which then also raises whatever error the document deserves).
"""

from __future__ import annotations

import json
import re
import threading
import weakref
from typing import Any

from pyld import jsonld

from b4g.core.jsonld.documents import ContextStore

_ALLOWED_CONTAINERS = frozenset({"@set", "@list"})
_UNSUPPORTED_TERM_KEYS = ("@language", "@direction", "@nest", "@index")
_MAX_ROOTS = 256
_MAX_LOCALS = 64
_MAX_IRIS = 1024
# pyld's test for an absolute IRI (it matches with `$`, so a trailing newline passes too).
_PYLD_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


class Unsupported(Exception):  # a signal to fall back, not an error to report
    """The fast path cannot reproduce the pyld path exactly here."""


def is_absolute_iri(iri: str) -> bool:
    """An IRI with a scheme (what jsonld.js safe mode accepts as absolute)."""
    scheme, colon, _ = iri.partition(":")
    return bool(colon) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _usable_iri(iri: str) -> bool:
    """Absolute for both pyld (which drops other IRIs from RDF) and the data-loss check."""
    return _PYLD_ABSOLUTE.match(iri) is not None and is_absolute_iri(iri)


class TermDef:
    """What the walk needs of one term: its IRI, value coercion, container and scoped context."""

    __slots__ = ("coerce", "iri", "is_list", "predicate", "scoped")

    def __init__(self, iri: str, coerce: str | None, is_list: bool, scoped: Any) -> None:
        self.iri = iri
        self.predicate = ("iri", iri)
        self.coerce = coerce  # "@id", "@vocab", "@json", a datatype IRI, or None
        self.is_list = is_list
        self.scoped = scoped  # pyld's raw property-scoped context, or None


class ActiveContext:
    """One pyld active context, with memoised term lookups and scoped-context transitions."""

    __slots__ = (
        "_compiler",
        "_iris",
        "_keys",
        "_locals",
        "_steps",
        "_types",
        "mappings",
        "previous",
        "raw",
        "type_keys",
        "vocab",
    )

    def __init__(self, compiler: ContextCompiler, raw: Any) -> None:
        if "@language" in raw or "@direction" in raw:
            raise Unsupported("default language or direction")
        self._compiler = compiler
        self.raw = raw
        self.mappings: dict[str, Any] = raw["mappings"]
        self.vocab: str | None = raw.get("@vocab")
        previous = raw.get("previousContext")
        self.previous = compiler.wrap(previous) if previous is not None else None
        self._keys: dict[str, TermDef | str | Unsupported] = {}
        self._iris: dict[tuple[str, bool], str] = {}
        # The keys that expand to @type ("type" in the VC contexts).
        self.type_keys = frozenset(
            key
            for key, entry in self.mappings.items()
            if entry is not None and entry.get("@id") == "@type"
        ) | {"@type"}
        self._types: dict[str, Any] = {}
        self._steps: dict[tuple[int, bool], tuple[Any, ActiveContext]] = {}
        self._locals: dict[str, ActiveContext] = {}

    # -- expansion ---------------------------------------------------------------------------

    def iri(self, value: str, *, vocab: bool) -> str:
        """pyld's IRI expansion without a base: an absolute IRI, or "_:label" for a blank node
        (only when `value` is one); anything relative or keyword-like is Unsupported."""
        found = self._iris.get((value, vocab))
        if found is None:
            found = self._expand_iri(value, vocab)
            if len(self._iris) >= _MAX_IRIS:  # ids vary from document to document
                self._iris.clear()
            self._iris[value, vocab] = found
        return found

    def _expand_iri(self, value: str, vocab: bool) -> str:
        if vocab and value in self.mappings:
            mapping = self.mappings[value]
            if mapping is None or mapping["@id"] is None:
                raise Unsupported(f"{value!r} is mapped to null")
            expanded: str = mapping["@id"]
        elif value.startswith("@"):
            raise Unsupported(f"keyword-like value {value!r}")
        else:
            prefix, colon, suffix = value.partition(":")
            expanded = value
            if colon and prefix:
                if prefix == "_":
                    return value
                if not suffix.startswith("//"):
                    mapping = self.mappings.get(prefix)
                    if mapping and mapping["_prefix"]:
                        expanded = mapping["@id"] + suffix
                    elif _PYLD_ABSOLUTE.match(value) is None:
                        expanded = self._vocab(value, vocab)
            else:
                expanded = self._vocab(value, vocab)
        if not _usable_iri(expanded):
            raise Unsupported(f"not an absolute IRI: {expanded!r}")
        return expanded

    def _vocab(self, value: str, vocab: bool) -> str:
        if vocab and self.vocab is not None:
            return self.vocab + value
        raise Unsupported(f"relative IRI {value!r}")

    def key(self, key: str) -> TermDef | str:
        """A node object's key: "@id", "@type", or the property's TermDef."""
        found = self._keys.get(key)
        if found is None:
            try:
                found = self._compile_key(key)
            except Unsupported as exc:
                found = exc
            self._keys[key] = found
        if isinstance(found, Unsupported):
            raise found
        return found

    def _compile_key(self, key: str) -> TermDef | str:
        if key.startswith("@"):
            if key in ("@id", "@type"):
                return key
            raise Unsupported(f"keyword {key!r}")
        if key not in self.mappings:
            # An absolute or compact IRI, or a term through @vocab: a plain property.
            iri = self.iri(key, vocab=True)
            if iri.startswith("_:"):
                raise Unsupported("blank node property")
            return TermDef(iri, None, False, None)
        entry = self.mappings[key]
        if entry is None or entry.get("@id") is None:
            raise Unsupported(f"{key!r} is mapped to null")
        iri = entry["@id"]
        if iri in ("@id", "@type"):
            return str(iri)
        if iri.startswith("@"):
            raise Unsupported(f"{key!r} aliases {iri}")
        if entry.get("reverse") or any(k in entry for k in _UNSUPPORTED_TERM_KEYS):
            raise Unsupported(f"term {key!r} uses a feature the fast path leaves to pyld")
        container = set(jsonld.JsonLdProcessor.arrayify(entry.get("@container", [])))
        if not container <= _ALLOWED_CONTAINERS:
            raise Unsupported(f"container {sorted(container)} of {key!r}")
        if not _usable_iri(iri):
            raise Unsupported(f"{key!r} is not an absolute IRI")
        coerce = entry.get("@type")
        if coerce == "@none":
            coerce = None
        return TermDef(iri, coerce, "@list" in container, entry.get("@context"))

    def keyword(self, key: str) -> str | None:
        """The keyword `key` expands to, if any (for pyld's type-scope revert test)."""
        if key.startswith("@"):
            return key
        entry = self.mappings.get(key)
        if entry is None:
            return None
        iri = entry.get("@id")
        return iri if isinstance(iri, str) and iri.startswith("@") else None

    def type_scoped(self, type_: str) -> Any:
        """The raw type-scoped context of the type term `type_`, or None."""
        if type_ not in self._types:
            entry = self.mappings.get(type_)
            scoped = entry.get("@context") if entry else None
            self._types[type_] = None if scoped is False else scoped
        return self._types[type_]

    # -- transitions -------------------------------------------------------------------------

    def with_property_scope(self, scoped: Any) -> ActiveContext:
        """pyld: process_context(self, scoped, override_protected=True) (propagating)."""
        return self._step(scoped, property_scoped=True)

    def with_type_scope(self, scoped: Any) -> ActiveContext:
        """pyld: process_context(self, scoped, propagate=False)."""
        return self._step(scoped, property_scoped=False)

    def with_local(self, context: Any) -> ActiveContext:
        """pyld: process_context(self, context) for a node's own `@context` (URLs from the
        store, or inline definitions), cached by its JSON text."""
        key = context_key(context)
        found = self._locals.get(key)
        if found is None:
            self._compiler.check_urls(context)
            found = ActiveContext(self._compiler, self._compiler.process(self.raw, context))
            if len(self._locals) >= _MAX_LOCALS:  # inline contexts vary; keep a few
                self._locals.clear()
            self._locals[key] = found
        return found

    def _step(self, scoped: Any, *, property_scoped: bool) -> ActiveContext:
        key = (id(scoped), property_scoped)
        step = self._steps.get(key)
        if step is None:
            if property_scoped:
                raw = self._compiler.process(self.raw, scoped, override_protected=True)
            else:
                raw = self._compiler.process(self.raw, scoped, propagate=False)
            # The scoped context is kept with the result, so its id is not reused meanwhile.
            step = (scoped, ActiveContext(self._compiler, raw))
            self._steps[key] = step
        return step[1]


class ContextCompiler:
    """Active contexts for one store, each processed by pyld once."""

    def __init__(self, store: ContextStore) -> None:
        self._store = store
        self._processor = jsonld.JsonLdProcessor()
        self._options = {
            **store.pyld_options(),
            "base": None,
            "safe": True,
            "processingMode": "json-ld-1.1",
            "isFrame": False,
            "keepFreeFloatingNodes": False,
            "extractAllScripts": False,
        }
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._wrapped: dict[int, ActiveContext] = {}
        self._roots: dict[str, ActiveContext] = {}
        self._initial = self.wrap(self._processor._get_initial_context(self._options))

    def wrap(self, raw: Any) -> ActiveContext:
        """The one ActiveContext of a raw pyld context (it holds `raw`, so ids stay unique)."""
        found = self._wrapped.get(id(raw))
        if found is None:
            found = ActiveContext(self, raw)
            self._wrapped[id(raw)] = found
        return found

    def process(self, raw: Any, local: Any, **flags: bool) -> Any:
        try:
            with self._lock:
                return self._processor._process_context(raw, local, self._options, **flags)
        except Exception as exc:  # unknown contexts, protected terms...: pyld's path reports
            raise Unsupported(f"context processing failed: {exc}") from exc

    def check_urls(self, context: Any) -> None:
        """Contexts outside the store are left to pyld, which reports them."""
        known = self._store.urls
        for item in context if isinstance(context, list) else [context]:
            if isinstance(item, str) and item not in known:
                raise Unsupported("a context outside the store")

    def root(self, context: Any) -> ActiveContext:
        """The active context of a document's top-level `@context`."""
        if context is None:
            return self._initial
        key = context_key(context)
        found = self._roots.get(key)
        if found is None:
            self.check_urls(context)
            if len(self._roots) >= _MAX_ROOTS:
                self._reset()
            found = self.wrap(self.process(self._initial.raw, context))
            self._roots[key] = found
        return found


def context_key(context: Any) -> str:
    """A cache key for a local context: its JSON text (in document order, which pyld follows)."""
    if isinstance(context, str):
        return "url " + context
    try:
        return "json " + json.dumps(context, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise Unsupported("a context that is not plain JSON") from exc


_compilers: weakref.WeakKeyDictionary[ContextStore, ContextCompiler] = weakref.WeakKeyDictionary()


def compiler_for(store: ContextStore) -> ContextCompiler:
    compiler = _compilers.get(store)
    if compiler is None:
        compiler = _compilers[store] = ContextCompiler(store)
    return compiler
