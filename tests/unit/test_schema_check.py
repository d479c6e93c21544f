"""The JSON Schema check: OB 3.0's published schemas (shipped pinned), array-compacted values,
formats, where schemas come from, and how a violation or a missing schema weighs on the
verdict."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from b4g.core.did.resolver import DidResolver
from b4g.core.errors import B4GError
from b4g.core.infra.fetch import FetchError, FetchPolicy, SafeFetcher
from b4g.core.infra.schemas import SchemaSource
from b4g.core.pinned_schemas import PINNED
from b4g.core.schema import (
    OB_ACHIEVEMENT_SCHEMA,
    OB_ENDORSEMENT_SCHEMA,
    SchemaReference,
    schema_references,
    schema_view,
    validate,
)
from b4g.core.verification import Verifier
from tests.unit.test_verification import NOW, STORE, signed
from tests.unit.test_verification import badge as minimal_badge

TINY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2019-09/schema#",
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "type": {"type": "array", "items": {"type": "string"}},
        "tags": {"$ref": "#/$defs/Tags"},
        "credentialSubject": {
            "type": "object",
            "properties": {"type": {"allOf": [{"type": "array"}]}},
        },
    },
    "$defs": {"Tags": {"type": "array", "items": {"type": "object"}}},
}


def badge(**changes) -> dict:
    """The OB 3.0 schema wants an achievement description (the data model requires it)."""
    credential = minimal_badge(**changes)
    credential["credentialSubject"]["achievement"]["description"] = "Three badges, reviewed."
    return credential


def test_references_named_then_defaults():
    named = {"credentialSchema": [{"id": "https://s.example/a.json", "type": "JsonSchema"}]}
    assert schema_references(named) == [SchemaReference("https://s.example/a.json", True)]
    single = {"credentialSchema": {"id": "https://s.example/b.json", "type": "Other"}}
    assert schema_references(single) == []  # unknown validator type, not an OB credential
    assert schema_references(badge()) == [SchemaReference(OB_ACHIEVEMENT_SCHEMA, False)]
    endorsement = badge(type=["VerifiableCredential", "EndorsementCredential"])
    assert schema_references(endorsement)[0].url == OB_ENDORSEMENT_SCHEMA
    vc11 = badge(**{"@context": ["https://www.w3.org/2018/credentials/v1"]})
    assert schema_references(vc11) == []


def test_single_values_are_wrapped_where_the_schema_wants_arrays():
    document = {
        "name": "x",
        "type": "Profile",
        "tags": {"k": 1},
        "credentialSubject": {"type": "AchievementSubject"},
        "proof": {"type": "DataIntegrityProof"},
    }
    view = schema_view(document, TINY_SCHEMA)
    assert view == {
        "name": "x",
        "type": ["Profile"],
        "tags": [{"k": 1}],
        "credentialSubject": {"type": ["AchievementSubject"]},
    }
    assert document["type"] == "Profile"  # the credential itself is not changed
    assert validate(document, TINY_SCHEMA).valid


def test_violations_are_reported_with_their_path():
    outcome = validate({"type": ["A", 3]}, TINY_SCHEMA)
    assert not outcome.valid and outcome.code == "schema_violation"
    assert "type/1" in outcome.message and '"name" is a required property' in outcome.message


def test_an_unusable_schema_could_not_be_checked_and_is_never_raised():
    broken = validate({"name": "x"}, {"type": "no-such-type"})
    assert broken.state == "could_not_check" and broken.code == "invalid_schema"
    assert "the schema itself is invalid" in broken.message
    for ref in ("http://127.0.0.1:9/x.json", "file:///etc/passwd", "urn:x:y"):
        refused = validate({"a": 1}, {"properties": {"a": {"$ref": ref}}})
        assert refused.state == "could_not_check" and refused.code == "schema_unresolvable"
        assert ref in refused.message and "safe fetcher" in refused.message
    dialect = validate({}, {"$schema": "https://schemas.example/meta", "type": "object"})
    assert dialect.state == "could_not_check"


def test_formats_are_asserted():
    outcome = validate(badge(validFrom="not a date"), PINNED.get(OB_ACHIEVEMENT_SCHEMA))
    assert outcome.state == "fail" and "validFrom" in outcome.message
    assert "date-time" in outcome.message


@pytest.mark.parametrize("url", sorted(PINNED.urls))
def test_pinned_schemas_compile(url):
    assert validate({}, PINNED.get(url)).code == "schema_violation"


def schema_verifier(*, directory: Path | None = None) -> Verifier:
    async def no_status(url: str):
        raise B4GError("not needed here")

    return Verifier(
        store=STORE,
        resolve_key=DidResolver().resolve_key,
        status_fetcher=no_status,
        schemas=SchemaSource(None, directory),
    )


async def test_an_ob_badge_passes_the_published_schema_with_a_single_proof_object():
    credential = signed(badge())
    assert isinstance(credential["proof"], dict)
    result = await schema_verifier().verify(credential, now=NOW)
    check = result.first("schema")
    assert check is not None and check.state == "pass", check


async def test_a_schema_violation_fails_the_badge_even_when_its_proof_is_good():
    credential = badge()
    credential["credentialSubject"]["achievement"]["image"] = "https://example.org/i.png"
    result = await schema_verifier().verify(signed(credential), now=NOW)
    assert result.first("proof").state == "pass"
    schema = result.first("schema")
    assert schema.state == "fail" and schema.code == "schema_violation"
    assert "credentialSubject/achievement/image" in schema.message
    assert not result.verified


async def test_an_unavailable_schema_is_reported_but_does_not_fail():
    credential = badge()
    credential["credentialSchema"] = [
        {"id": "https://schemas.example/gone.json", "type": "JsonSchema"}
    ]
    result = await schema_verifier().verify(signed(credential), now=NOW)
    schema = result.first("schema")
    assert schema.state == "could_not_check" and schema.code == "schema_unavailable"
    assert "fetching is off" in schema.message
    assert result.verified is (result.first("status").state == "pass")  # only status decides


async def test_an_ob_schema_that_is_not_pinned_is_never_fetched():
    """The endorsement schema ships in no registry package: it cannot be checked, in a
    sentence, and purl.imsglobal.org is never asked (not even resolved)."""
    resolved: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["93.184.216.34"]

    async with SafeFetcher(FetchPolicy(), resolver=resolver) as fetcher:
        source = SchemaSource(fetcher)
        with pytest.raises(FetchError, match=r"never contacted.*B4G_SCHEMA_DIR"):
            await source(OB_ENDORSEMENT_SCHEMA)
        assert await source(OB_ACHIEVEMENT_SCHEMA) is PINNED.get(OB_ACHIEVEMENT_SCHEMA)
    assert resolved == []


async def test_pinned_directory_and_remembered_failures(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(TINY_SCHEMA))
    (tmp_path / "bad.json").write_text("[1]")
    source = SchemaSource(None, tmp_path)
    assert await source("https://s.example/x/a.json") == {
        "$id": "https://s.example/x/a.json",
        **TINY_SCHEMA,
    }
    with pytest.raises(FetchError, match="not a JSON Schema object"):
        await source("https://s.example/bad.json")
    with pytest.raises(FetchError, match="fetching is off"):
        await source("https://s.example/missing.json")
    (tmp_path / "missing.json").write_text(json.dumps(TINY_SCHEMA))
    with pytest.raises(FetchError, match="fetching is off"):  # remembered for a while
        await source("https://s.example/missing.json")


async def test_a_named_schema_is_used_instead_of_the_default(tmp_path):
    (tmp_path / "strict.json").write_text(json.dumps({"type": "object", "required": ["evidence"]}))
    credential = copy.deepcopy(badge())
    credential["credentialSchema"] = [
        {"id": "https://schemas.example/strict.json", "type": "JsonSchema"}
    ]
    result = await schema_verifier(directory=tmp_path).verify(signed(credential), now=NOW)
    schema = result.first("schema")
    assert schema.state == "fail" and "strict.json" in schema.message
    assert '"evidence" is a required property' in schema.message


def test_several_status_entries_are_each_checked_as_the_one_the_schema_describes():
    """VC DM 2.0 allows several status entries (revocation and suspension); the OB 3.0 schema
    describes `credentialStatus` as one object, so each entry is checked as that object."""
    schema = PINNED.get(OB_ACHIEVEMENT_SCHEMA)
    credential = badge()
    entry = credential["credentialStatus"]
    both = [entry, {**entry, "statusPurpose": "suspension"}]
    assert validate({**credential, "credentialStatus": both}, schema).state == "pass"
    broken = validate({**credential, "credentialStatus": [entry, {"type": 5}]}, schema)
    assert broken.state == "fail" and broken.message.startswith("credentialStatus/1/type: ")
    assert validate({**credential, "credentialStatus": [entry, 5]}, schema).state == "fail"
    assert validate({**credential, "credentialStatus": []}, schema).state == "fail"
