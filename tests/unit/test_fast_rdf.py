"""The fast JSON-LD → RDF path against the pyld path: generated OB 3.0 credentials (VC 1.1 and
2.0) canonicalise to the same N-Quads byte for byte, the fast path is really taken for them,
and documents it does not handle fall back with the same result or the same error."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b4g.core.errors import B4GError
from b4g.core.jsonld.active_context import compiler_for
from b4g.core.jsonld.canon import DataLossError, canonize, pyld_canonize
from b4g.core.jsonld.documents import ContextStore, UnknownContextError
from b4g.core.jsonld.fast_rdf import fast_to_quads
from b4g.core.jsonld.rdfc import CanonicalizationError, canonicalize_quads
from tests.unit.test_canon import store_with_examples
from tests.unit.test_crypto_core import vectors

STORE = ContextStore()
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB = [
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
]
DI = "https://w3id.org/security/data-integrity/v2"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
STATUS_2021 = "https://w3id.org/vc/status-list/2021/v1"

# Control characters, quotes, backslashes, astral and private-use characters, U+FFFF.
tricky = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            [
                *["\x00", "\x07", "\b", "\t", "\n", "\x0b", "\f", "\r", "\x1f", "\x7f", '"'],
                *["\\", "\U0001f600", "\U00010000", "\ue000", "\uff71", "\uffff", "é", " ", "<"],
            ]
        ),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=8,
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([3.0, 1e-7, -1e-7, 1e21, 1e20, 0.1, -0.0, 2**53 + 1, 5e-324, 0, True]),
)
iris = st.sampled_from(
    [
        "https://example.org/a",
        "https://example.org/a",  # often the same node twice, so pyld merges them
        "urn:uuid:0b0e6f52-5a3c-4a46-9a1d-3b2c1d0e9f8a",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:example:123#key-1",
        "http://a.example/b c"[:18],
        "mailto:someone@example.org",
    ]
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | tricky,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky, inner, max_size=3),
    max_leaves=8,
)


def maybe(draw, value, p=0.5):
    return value if draw(st.floats(0, 1)) < p else None


def text_or_none(draw):
    return draw(st.one_of(tricky, tricky, st.none(), st.lists(tricky, max_size=2)))


@st.composite
def identity(draw):
    node = {
        "type": "IdentityObject",
        "identityHash": draw(tricky),
        "identityType": draw(st.sampled_from(["emailAddress", "sourcedId", "name"])),
        "hashed": draw(st.one_of(st.booleans(), st.sampled_from(["true", 1]))),
    }
    if draw(st.booleans()):
        node["salt"] = draw(tricky)
    return node


@st.composite
def alignment(draw):
    node = {"type": draw(st.sampled_from([["Alignment"], "Alignment"])), "targetName": "t"}
    if draw(st.booleans()):
        node["id"] = draw(st.sampled_from(["_:a1", "_:a2", "https://example.org/a"]))
    if draw(st.booleans()):
        node["targetName"] = draw(tricky)
        node["targetUrl"] = draw(iris)
        node["targetType"] = draw(st.sampled_from(["CFItem", "ext:Custom"]))
    return node


@st.composite
def achievement(draw):
    node = {
        "type": ["Achievement"],
        "name": draw(tricky),
        "description": text_or_none(draw),
        "criteria": {"narrative": draw(tricky)},
    }
    if draw(st.booleans()):
        node["id"] = draw(iris)
    if draw(st.booleans()):
        node["creditsAvailable"] = draw(numbers)
    if draw(st.booleans()):
        # Duplicates and nested arrays: pyld drops the one and flattens the other.
        node["tag"] = draw(st.lists(st.one_of(tricky, st.lists(tricky, max_size=2)), max_size=4))
    if draw(st.booleans()):
        # Identical alignments without ids are indistinguishable blank nodes.
        node["alignment"] = [draw(alignment())] * draw(st.integers(0, 3))
    if draw(st.booleans()):
        node["resultDescription"] = [
            {
                "id": f"urn:uuid:{i:08d}-0000-4000-8000-000000000000",
                "type": ["ResultDescription"],
                "name": draw(tricky),
                "resultType": "RubricCriterionLevel",
                "allowedValue": draw(
                    st.one_of(st.lists(st.one_of(tricky, numbers), max_size=3), tricky)
                ),
                "rubricCriterionLevel": [
                    {"id": "urn:x:level", "type": "RubricCriterionLevel", "level": "1"}
                ]
                * draw(st.integers(0, 2)),
            }
            for i in range(draw(st.integers(0, 2)))
        ]
    if draw(st.booleans()):
        node["image"] = draw(
            st.one_of(iris, st.just({"id": "https://example.org/i.png", "type": "Image"}))
        )
    if draw(st.booleans()):
        node["creator"] = draw(profile())
    return node


@st.composite
def profile(draw):
    node = {"id": draw(iris), "type": draw(st.sampled_from([["Profile"], "Profile"]))}
    if draw(st.booleans()):
        node["name"] = draw(tricky)
    if draw(st.booleans()):
        node["address"] = {
            "type": ["Address"],
            "addressCountry": draw(tricky),
            "geo": {"type": "GeoCoordinates", "latitude": draw(numbers), "longitude": 1.5},
        }
    if draw(st.booleans()):
        node["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": draw(tricky), "identifierType": "name"}
        ]
    if draw(st.booleans()):
        node["email"] = draw(st.one_of(tricky, st.lists(st.one_of(tricky, st.none()), max_size=3)))
    if draw(st.booleans()):
        node["_sd"] = draw(json_values)  # VC 2.0's @json term; undefined under VC 1.1
    if draw(st.booleans()):  # the keywords themselves instead of their aliases
        node["@id"] = node.pop("id")
        node["@type"] = node.pop("type")
    return node


@st.composite
def subject(draw):
    node = {"type": ["AchievementSubject"], "achievement": draw(achievement())}
    if draw(st.booleans()):
        node["id"] = draw(st.sampled_from(["did:example:learner", "_:learner"]))
    if draw(st.booleans()):
        node["identifier"] = draw(st.lists(identity(), max_size=2))
    if draw(st.booleans()):
        result = {"type": ["Result"], "value": draw(tricky)}
        if draw(st.booleans()):
            result["achievedLevel"] = "urn:x:level"
            result["resultDescription"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
        node["result"] = [result] * draw(st.integers(0, 2))
    if draw(st.booleans()):
        node["creditsEarned"] = draw(numbers)
        node["activityStartDate"] = "2026-01-01"
    return node


@st.composite
def credentials(draw):
    vc2 = draw(st.booleans())
    # OB 3.0.0 and 3.0.1 redefine terms VC 2.0 protects (an error on both paths, tested below).
    contexts = [VC2 if vc2 else VC1, draw(st.sampled_from(OB[:2] if vc2 else OB))]
    if not vc2 and draw(st.booleans()):
        contexts.append(DI)
    if draw(st.booleans()):
        contexts.append(EXTENSIONS)
    document = {
        "@context": contexts,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": draw(st.one_of(profile(), iris)),
        "name": draw(tricky),
        "credentialSubject": draw(st.one_of(subject(), st.lists(subject(), max_size=2))),
    }
    if draw(st.booleans()):
        document["id"] = draw(iris)
    if vc2:
        document["validFrom"] = "2026-03-01T09:00:00Z"
        if draw(st.booleans()):
            document["validUntil"] = draw(st.sampled_from(["2030-01-01T00:00:00Z", "not a date"]))
    else:
        document["issuanceDate"] = "2026-03-01T09:00:00Z"
    if draw(st.booleans()):
        document["description"] = text_or_none(draw)
    if draw(st.booleans()):
        document["evidence"] = [
            {
                "type": ["Evidence"],
                "name": draw(tricky),
                "genre": draw(tricky),
                **({"id": draw(iris)} if draw(st.booleans()) else {}),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
    if vc2 and draw(st.booleans()):
        document["credentialStatus"] = {
            "id": "https://example.org/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": draw(st.sampled_from(["revocation", "suspension"])),
            "statusListIndex": draw(st.sampled_from(["94567", 94567])),
            "statusListCredential": "https://example.org/status/1",
            **({"statusSize": draw(numbers)} if draw(st.booleans()) else {}),
        }
    if vc2 and draw(st.booleans()):
        document["_sd"] = draw(json_values)
    if draw(st.booleans()):
        endorsement = {
            "@context": contexts,  # an embedded context
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "issuer": draw(iris),
            "credentialSubject": {
                "id": draw(iris),
                "type": "EndorsementSubject",
                "endorsementComment": draw(tricky),
            },
        }
        if draw(st.booleans()):
            del endorsement["@context"]
        document["endorsement"] = [endorsement]
    return document


def both(document, store=STORE):
    """(canonical N-Quads or the error class) for the default path and the pyld path."""
    results = []
    for run in (canonize, pyld_canonize):
        try:
            results.append(run(document, store=store))
        except B4GError as exc:
            results.append(type(exc))
    return results


@given(credentials())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fast_path_equals_pyld_path_on_ob3_credentials(credential):
    fast, reference = both(credential)
    assert fast == reference
    if isinstance(reference, str):
        quads = fast_to_quads(credential, STORE)
        assert quads is not None, "the fast path bailed out on an OB 3.0 credential"
        assert canonicalize_quads(quads) == reference


@st.composite
def proof_configs(draw):
    config = {
        "@context": draw(st.sampled_from([[VC2, OB[0]], [VC1, OB[0], DI], [VC2], [DI]])),
        "type": "DataIntegrityProof",
        "cryptosuite": draw(st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022"])),
        "created": draw(st.sampled_from(["2026-03-01T09:00:00Z", "yesterday"])),
        "verificationMethod": draw(iris),
        "proofPurpose": draw(st.sampled_from(["assertionMethod", "authentication"])),
    }
    if draw(st.booleans()):
        config["domain"] = draw(st.one_of(tricky, st.lists(tricky, max_size=2)))
    if draw(st.booleans()):
        config["challenge"] = draw(tricky)
    if draw(st.booleans()):
        config["previousProof"] = draw(st.one_of(iris, st.lists(iris, max_size=2)))
    if draw(st.booleans()):
        config["id"] = draw(st.sampled_from(["urn:uuid:1", "_:proof"]))
    return config


@given(proof_configs())
@settings(max_examples=150, deadline=None)
def test_fast_path_equals_pyld_path_on_proof_configurations(config):
    fast, reference = both(config)
    assert fast == reference
    assert fast_to_quads(config, STORE) is not None


def test_w3c_and_1edtech_vectors_take_the_fast_path():
    store = store_with_examples()
    folder = vectors("w3c-vc-di-eddsa")
    unsigned = json.loads((folder / "unsigned.json").read_text())
    expected = (folder / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text()
    quads = fast_to_quads(unsigned, store)
    assert quads is not None and canonicalize_quads(quads) == expected
    ob3 = vectors("ob3-1edtech", "obv3p0")
    unsigned = json.loads((ob3 / "unsigned.json").read_text())
    quads = fast_to_quads(unsigned, ContextStore())
    assert quads is not None
    assert canonicalize_quads(quads) == (ob3 / "document-canon.txt").read_text()


def test_contexts_are_processed_once_per_context_list():
    compiler = compiler_for(STORE)
    assert compiler is compiler_for(STORE)
    first = compiler.root([VC2, OB[0]])
    assert compiler.root([VC2, OB[0]]) is first
    assert compiler.root([VC2]) is not first


def test_undefined_terms_and_relative_iris_fall_back_and_are_data_loss():
    base = {"@context": [VC2, OB[0]], "type": ["VerifiableCredential"], "issuer": "did:ex:1"}
    for bad in (
        {**base, "favouriteColour": "green"},
        {**base, "credentialSubject": {"type": "AchievementSubject", "colour": "x"}},
        {**base, "credentialSubject": {"id": "relative/path"}},
        {**base, "type": ["VerifiableCredential", "UndefinedType"]},
        {**base, "issuer": "not-absolute"},
    ):
        assert fast_to_quads(bad, STORE) is None
        assert both(bad) == [DataLossError, DataLossError]


def test_inline_contexts_take_the_fast_path():
    document = {
        "@context": [VC2, {"ex": "https://example.org/#", "size": {"@id": "ex:size"}}],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "@context": {"colour": "https://example.org/#colour"},
            "id": "did:example:subject",
            "colour": "green",
            "ex:thing": 1,
            "size": 2.5,
        },
    }
    quads = fast_to_quads(document, STORE)
    assert quads is not None
    assert canonicalize_quads(quads) == pyld_canonize(document, store=STORE)
    assert '<https://example.org/#colour> "green"' in canonicalize_quads(quads)


def test_protected_term_clashes_fall_back_with_the_same_error():
    document = {"@context": [VC2, OB[3]], "type": ["VerifiableCredential"], "issuer": "did:ex:1"}
    assert fast_to_quads(document, STORE) is None
    assert both(document) == [CanonicalizationError, CanonicalizationError]


def test_unknown_contexts_fall_back_and_raise_unknown_context():
    document = {"@context": [VC2, "https://example.org/unpinned/v1"], "type": "Thing"}
    assert fast_to_quads(document, STORE) is None
    with pytest.raises(UnknownContextError):
        canonize(document, store=STORE)
    assert both(document) == [UnknownContextError, UnknownContextError]


@pytest.mark.parametrize(
    "extra",
    [
        {"credentialSubject": {"https://schema.org/name": {"@value": "x", "@language": "en"}}},
        {"credentialSubject": {"@reverse": {"https://schema.org/knows": {"id": "urn:a"}}}},
        {"@included": [{"id": "urn:x", "name": "y"}]},
        {"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}},  # @graph
    ],
)
def test_what_the_fast_path_leaves_to_pyld_gives_the_same_result(extra):
    document = {
        "@context": [VC2, OB[0]],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    merged = copy.deepcopy(document)
    for key, value in extra.items():
        if key == "@context":
            merged["@context"] = [*document["@context"], value]
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    assert fast_to_quads(merged, STORE) is None
    fast, reference = both(merged)
    assert fast == reference
