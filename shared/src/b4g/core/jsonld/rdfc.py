"""RDF Dataset Canonicalization (RDFC-1.0, W3C REC 2024), byte-compatible with rdf-canonize.

Quads are tuples of terms; a term is `("iri", value)`, `("blank", label)` or
`("literal", value, datatype, language)`; the default graph is `None`. Output: canonical
N-Quads, one line per quad, each ending in "\n", sorted by UTF-16 code units as JavaScript
sorts them, duplicates kept (a multiset, as rdf-canonize does).

Like rdf-canonize, the number of Hash N-Degree Quads calls is limited to
(non-unique blank nodes) ** `max_work_factor` (default 1): graphs built to make the algorithm
explode are refused, and so is anything the JavaScript verifiers most wallets run would refuse.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from b4g.core.errors import B4GError

RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Term = tuple[str, ...]
Quad = tuple[Term, Term, Term, Term | None]


class CanonicalizationError(B4GError):
    code = "canonicalization_failed"


def _escape_map(specials: str, echars: dict[str, str]) -> dict[int, str]:
    table = {ord(c): f"\\u{ord(c):04X}" for c in specials}
    table.update({ord(c): e for c, e in echars.items()})
    return table


_LITERAL_ESCAPES = _escape_map(
    "".join(map(chr, range(0x20))) + "\x7f",
    {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"},
)
_IRI_ESCAPES = _escape_map("".join(map(chr, range(0x21))) + '<>"{}|^`\\', {})


# Characters that need escaping; most strings have none, and then translate() is skipped.
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
# UTF-16 order differs from code point order only between astral and U+E000..U+FFFF characters.
_UTF16_ORDER_MATTERS = re.compile("[\ue000-\U0010ffff]")
_IRI_CACHE_SIZE = 4096
_iri_cache: dict[str, str] = {}  # predicates, types and datatypes recur in every document


def _iri(value: str) -> str:
    text = _iri_cache.get(value)
    if text is None:
        escaped = value.translate(_IRI_ESCAPES) if _IRI_SPECIAL.search(value) else value
        text = "<" + escaped + ">"
        if len(_iri_cache) >= _IRI_CACHE_SIZE:
            _iri_cache.clear()
        _iri_cache[value] = text
    return text


def _term(term: Term | None, labels: dict[str, str] | None = None) -> str:
    if term is None:
        return ""
    kind = term[0]
    if kind == "iri":
        return _iri(term[1])
    if kind == "blank":
        return "_:" + (labels[term[1]] if labels is not None else term[1])
    value = term[1]
    if _LITERAL_SPECIAL.search(value):
        value = value.translate(_LITERAL_ESCAPES)
    text = '"' + value + '"'
    datatype, language = term[2], term[3]
    if datatype == RDF_LANGSTRING:
        return text + ("@" + language if language else "")
    if datatype != XSD_STRING:
        return text + "^^" + _iri(datatype)
    return text


def js_sorted(lines: Iterable[str]) -> list[str]:
    """Sort as JavaScript's default sort does: by UTF-16 code units."""
    lines = list(lines)
    if not _UTF16_ORDER_MATTERS.search("".join(lines)):
        return sorted(lines)
    return sorted(lines, key=lambda line: line.encode("utf-16-be", "surrogatepass"))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class _Issuer:
    prefix: str
    issued: dict[str, str] = field(default_factory=dict)  # insertion order = issue order

    def get(self, old: str) -> str:
        new = self.issued.get(old)
        if new is None:
            new = f"{self.prefix}{len(self.issued)}"
            self.issued[old] = new
        return new

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, dict(self.issued))


def _permutations(items: Sequence[str]) -> Iterator[list[str]]:
    """Steinhaus–Johnson–Trotter from the sorted list, in rdf-canonize's order, so that
    the work-factor limit trips exactly where it trips there."""
    current = sorted(items)
    left = dict.fromkeys(current, True)
    while True:
        yield list(current)
        mobile: str | None = None
        pos = 0
        for i, element in enumerate(current):
            is_left = left[element]
            if (mobile is None or element > mobile) and (
                (is_left and i > 0 and element > current[i - 1])
                or (not is_left and i < len(current) - 1 and element > current[i + 1])
            ):
                mobile, pos = element, i
        if mobile is None:
            return
        swap = pos - 1 if left[mobile] else pos + 1
        current[pos], current[swap] = current[swap], mobile
        for element in current:
            if element > mobile:
                left[element] = not left[element]


class _Canonicalizer:
    def __init__(self, quads: Sequence[Quad], max_work_factor: int) -> None:
        self.quads = quads
        self.max_work_factor = max_work_factor
        self.canonical = _Issuer("c14n")
        self.bnode_quads: dict[str, list[Quad]] = {}
        self.mentions: dict[str, list[int]] = {}
        self.texts: list[tuple[str | None, str, str | None, str | None]] = []
        self.first_degree: dict[str, str] = {}
        self.remaining = 0

    def run(self) -> str:
        # Each quad's terms as N-Quads once; None where a blank node label goes.
        self.texts = [
            (
                None if s[0] == "blank" else _term(s),
                _term(p),
                None if o[0] == "blank" else _term(o),
                "" if g is None else None if g[0] == "blank" else " " + _term(g),
            )
            for s, p, o, g in self.quads
        ]
        for index, quad in enumerate(self.quads):
            for term in (quad[0], quad[2], quad[3]):
                if term is not None and term[0] == "blank":
                    mentions = self.mentions.setdefault(term[1], [])
                    if not mentions or mentions[-1] != index:  # a set of quads, as in JS
                        mentions.append(index)
                        self.bnode_quads.setdefault(term[1], []).append(quad)
        by_hash: dict[str, list[str]] = {}
        for bnode in self.bnode_quads:
            by_hash.setdefault(self._hash_first_degree(bnode), []).append(bnode)
        non_unique = []
        for hash_ in sorted(by_hash):
            ids = by_hash[hash_]
            if len(ids) > 1:
                non_unique.append(ids)
            else:
                self.canonical.get(ids[0])
        self.remaining = sum(len(ids) for ids in non_unique) ** self.max_work_factor
        for ids in non_unique:
            results = []
            for bnode in ids:
                if bnode in self.canonical.issued:
                    continue
                issuer = _Issuer("b")
                issuer.get(bnode)
                results.append(self._hash_n_degree(bnode, issuer))
            for _hash, issuer in sorted(results, key=lambda r: r[0]):
                for old in issuer.issued:
                    self.canonical.get(old)
        labels = self.canonical.issued
        lines = [
            self._line(index, lambda label: "_:" + labels[label])
            for index in range(len(self.quads))
        ]
        return "".join(js_sorted(lines))

    def _line(self, index: int, blank: Callable[[str], str]) -> str:
        s, p, o, g = self.texts[index]
        quad = self.quads[index]
        if s is None:
            s = blank(quad[0][1])
        if o is None:
            o = blank(quad[2][1])
        if g is None:
            g = " " + blank(quad[3][1])  # type: ignore[index]
        return f"{s} {p} {o}{g} .\n"

    def _hash_first_degree(self, bnode: str) -> str:
        def mark(label: str) -> str:
            return "_:a" if label == bnode else "_:z"

        lines = [self._line(index, mark) for index in self.mentions[bnode]]
        hash_ = _sha256("".join(js_sorted(lines)))
        self.first_degree[bnode] = hash_
        return hash_

    def _hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        if related in self.canonical.issued:
            ident = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            ident = "_:" + issuer.issued[related]
        else:
            ident = self.first_degree[related]
        predicate = "" if position == "g" else "<" + quad[1][1] + ">"
        return _sha256(position + predicate + ident)

    def _hash_n_degree(self, bnode: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        if self.remaining == 0:
            raise CanonicalizationError(
                "RDFC-1.0 work limit reached: too many indistinguishable blank nodes "
                "(JavaScript verifiers refuse such documents too)"
            )
        self.remaining -= 1
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.bnode_quads[bnode]:
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term is not None and term[0] == "blank" and term[1] != bnode:
                    key = self._hash_related(term[1], quad, issuer, position)
                    related_by_hash.setdefault(key, []).append(term[1])
        data = []
        for related_hash in sorted(related_by_hash):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _permutations(related_by_hash[related_hash]):
                copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    if related in self.canonical.issued:
                        path += "_:" + self.canonical.issued[related]
                    else:
                        if related not in copy.issued:
                            recursion.append(related)
                        path += "_:" + copy.get(related)
                    if chosen_path and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self._hash_n_degree(related, copy)
                    path += "_:" + copy.get(related) + "<" + result_hash + ">"
                    copy = result_issuer
                    if chosen_path and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path, chosen_issuer = path, copy
            data.append(chosen_path)
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return _sha256("".join(data)), issuer


def canonicalize_quads(quads: Sequence[Quad], *, max_work_factor: int = 1) -> str:
    return _Canonicalizer(quads, max_work_factor).run()
