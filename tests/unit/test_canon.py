"""RDFC-1.0 canonical N-Quads: the W3C and 1EdTech vectors byte for byte, JavaScript number and
escape rules, and data-loss detection."""

from __future__ import annotations

import json

import pytest

from b4g.core.jsonld.canon import DataLossError, canonize, js_double, js_numbers
from b4g.core.jsonld.documents import ContextStore, UnknownContextError
from b4g.core.jsonld.rdfc import CanonicalizationError, canonicalize_quads, js_sorted
from tests.unit.test_crypto_core import vectors

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
CITIZENSHIP = "https://w3id.org/citizenship/v4rc1"


def store_with_examples() -> ContextStore:
    """The W3C examples context is not in any registry package we vendor from; the vectors
    need it, so the tests add the reference copy explicitly."""
    contexts = vectors().parent / "contexts"
    extras = {EXAMPLES_V2: json.loads((contexts / "credentials-examples-v2.jsonld").read_text())}
    citizenship = vectors("extra-contexts", "citizenship-v4rc1.jsonld")
    extras[CITIZENSHIP] = json.loads(citizenship.read_text())
    return ContextStore(extra=extras)


def test_w3c_eddsa_vectors_reproduce():
    folder = vectors("w3c-vc-di-eddsa")
    store = store_with_examples()
    unsigned = json.loads((folder / "unsigned.json").read_text())
    assert (
        canonize(unsigned, store=store)
        == (folder / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text()
    )
    config = json.loads((folder / "eddsa-rdfc-2022" / "proofConfigDataInt.json").read_text())
    assert (
        canonize(config, store=store)
        == (folder / "eddsa-rdfc-2022" / "proofCanonDataInt.txt").read_text()
    )


def test_1edtech_ob3_vector_reproduces():
    folder = vectors("ob3-1edtech", "obv3p0")
    store = ContextStore()
    unsigned = json.loads((folder / "unsigned.json").read_text())
    assert canonize(unsigned, store=store) == (folder / "document-canon.txt").read_text()
    config = json.loads((folder / "proofConfig.json").read_text())
    config["@context"] = unsigned["@context"]
    assert canonize(config, store=store) == (folder / "proof-canon.txt").read_text()


def test_undefined_terms_are_data_loss():
    unsigned = json.loads(vectors("ob3-1edtech", "obv3p0", "unsigned.json").read_text())
    store = ContextStore()
    with pytest.raises(DataLossError):
        canonize({**unsigned, "fooUndefined": 1}, store=store)
    nested = json.loads(json.dumps(unsigned))
    nested["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(DataLossError):
        canonize(nested, store=store)
    with pytest.raises(DataLossError, match="endorsementJwt"):
        canonize({**unsigned, "endorsementJwt": ["x.y.z"]}, store=store)
    with pytest.raises(DataLossError, match="relative @id"):
        canonize({**unsigned, "id": "not-absolute"}, store=store)
    with pytest.raises(UnknownContextError):
        canonize(
            {**unsigned, "@context": [*unsigned["@context"], "https://evil.example/c"]}, store=store
        )


def test_numbers_as_javascript_sees_them():
    assert js_numbers({"a": 3.0, "b": [2**53 + 1, 1.5, True]}) == {
        "a": 3,
        "b": [9007199254740992, 1.5, True],
    }
    assert js_double(1.5) == "1.5E0"
    assert js_double(0.1) == "1.0E-1"
    assert js_double(-1.5e-7) == "-1.5E-7"
    assert js_double(1e21) == "1.0E21"
    assert js_double(123456789.123) == "1.23456789123E8"


def test_tiny_numbers_without_a_point_are_integers_as_in_jsonld_js():
    # String(1e-7) is "1e-7": no ".", so jsonld.js writes it with toFixed(0).
    from b4g.core.jsonld.canon import _js_is_double, _js_to_fixed0

    assert not _js_is_double(1e-7) and _js_to_fixed0(1e-7) == "0"
    assert _js_to_fixed0(-1e-7) == "-0"
    assert _js_is_double(1.5e-7) and _js_is_double(0.1) and _js_is_double(1e21)


def test_nquads_escapes_and_sort_order_follow_rdf_canonize():
    quad = (
        ("iri", "urn:s"),
        ("iri", "urn:p"),
        ("literal", 'a"\\\n\x07\x7f\b', "http://www.w3.org/2001/XMLSchema#string", ""),
        None,
    )
    assert canonicalize_quads([quad]) == '<urn:s> <urn:p> "a\\"\\\\\\n\\u0007\\u007F\\b" .\n'
    # UTF-16 order puts an astral character (a surrogate pair) before U+FF71.
    assert js_sorted(["x\uff71", "x\U0001f600"]) == ["x\U0001f600", "x\uff71"]


def test_duplicate_quads_are_kept_as_javascript_keeps_them():
    quad = (
        ("iri", "urn:s"),
        ("iri", "urn:p"),
        ("literal", "3", "http://www.w3.org/2001/XMLSchema#integer", ""),
        None,
    )
    assert canonicalize_quads([quad, quad]).count("\n") == 2


def test_poison_graph_hits_the_work_limit():
    # A clique of indistinguishable blank nodes: N-degree hashing explodes without a limit.
    nodes = [("blank", f"n{i}") for i in range(4)]
    knows = ("iri", "urn:knows")
    quads = [(a, knows, b, None) for a in nodes for b in nodes if a != b]
    with pytest.raises(CanonicalizationError):
        canonicalize_quads(quads)
    assert canonicalize_quads(quads, max_work_factor=4).count("\n") == len(quads)
