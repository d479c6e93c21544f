"""The shortcuts in RDFC-1.0 serialisation (escaping only strings that need it, sorting by code
points when that equals UTF-16 order) against the definitions they shortcut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from b4g.core.jsonld.rdfc import _IRI_ESCAPES, _LITERAL_ESCAPES, _term, js_sorted

# Astral characters, U+E000..U+FFFF, controls, and the characters N-Quads escapes.
chars = st.one_of(
    st.characters(),
    st.sampled_from(["\U0001f600", "\U00010000", "\ue000", "\uff71", "\uffff", "\x7f", "<", "\\"]),
)
texts = st.text(alphabet=chars, max_size=6)


@given(st.lists(texts, max_size=8))
def test_js_sorted_is_utf16_code_unit_order(lines):
    assert js_sorted(lines) == sorted(
        lines, key=lambda line: line.encode("utf-16-be", "surrogatepass")
    )


@given(texts, texts)
def test_terms_are_escaped_as_translate_escapes_them(iri, literal):
    assert _term(("iri", iri)) == "<" + iri.translate(_IRI_ESCAPES) + ">"
    assert _term(("literal", literal, "urn:t", "")) == (
        '"' + literal.translate(_LITERAL_ESCAPES) + '"^^<urn:t>'
    )
