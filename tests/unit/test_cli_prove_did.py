"""`b4g keys generate` → `b4g sign` / `b4g prove-did`: what one prints the others accept, and a
proved challenge passes the registry's own checks (its pure control-proof rules and the core's
proof verification against the did:key)."""

from __future__ import annotations

import json

from b4g.cli.__main__ import main
from b4g.core.did.resolver import DidResolver
from b4g.core.proofs.data_integrity import verify_proof
from b4g.registry.domain.control import challenge_document, response_problems

SEED = "22" * 32
DOMAIN = "https://registry.example"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def generated(capsys, tmp_path):
    code, out, _ = run(capsys, "keys", "generate", "--seed", SEED)
    assert code == 0
    keys = json.loads(out)
    path = tmp_path / "key.json"
    path.write_text(out)
    return keys, path


def test_keys_generate_prints_the_seed_sign_accepts(tmp_path, capsys):
    keys, key_file = generated(capsys, tmp_path)
    assert keys["seed"] == SEED
    badge = tmp_path / "badge.json"
    badge.write_text(
        json.dumps(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": keys["did"],
                "credentialSubject": {"id": "did:example:x"},
            }
        )
    )
    by_seed = run(
        capsys,
        "sign",
        "--suite",
        "eddsa-jcs-2022",
        "--seed",
        keys["seed"],
        "--created",
        "2026-01-01T00:00:00Z",
        str(badge),
    )
    by_file = run(
        capsys,
        "sign",
        "--suite",
        "eddsa-jcs-2022",
        "--key-file",
        str(key_file),
        "--created",
        "2026-01-01T00:00:00Z",
        str(badge),
    )
    assert by_seed[0] == by_file[0] == 0 and by_seed[1] == by_file[1]
    only_secret = tmp_path / "secret.json"
    only_secret.write_text(json.dumps({"secretKeyMultibase": keys["secretKeyMultibase"]}))
    by_secret = run(
        capsys,
        "sign",
        "--suite",
        "eddsa-jcs-2022",
        "--key-file",
        str(only_secret),
        "--created",
        "2026-01-01T00:00:00Z",
        str(badge),
    )
    assert by_secret[1] == by_seed[1]


async def test_prove_did_signs_a_challenge_the_registry_accepts(tmp_path, capsys):
    keys, key_file = generated(capsys, tmp_path)
    challenge = challenge_document(keys["did"], "c2lnbi1tZS1vbmNlLW9ubHk", DOMAIN)
    path = tmp_path / "challenge.json"
    # The registry's whole answer, as `POST /organisations/{id}/dids` returns it.
    path.write_text(json.dumps({"did": keys["did"], "expires": "…", "sign": challenge}))
    code, out, err = run(capsys, "prove-did", "--key-file", str(key_file), str(path))
    assert code == 0, err
    signed = json.loads(out)
    assert (
        response_problems(signed, did=keys["did"], challenge=challenge["challenge"], domain=DOMAIN)
        == []
    )
    proof = signed["proof"]
    assert proof["proofPurpose"] == "authentication" and proof["domain"] == DOMAIN
    assert proof["challenge"] == challenge["challenge"]
    resolved = await DidResolver().resolve_key(
        proof["verificationMethod"], "authentication", keys["did"]
    )
    result = verify_proof(
        signed,
        proof,
        resolved.public_key,  # type: ignore[union-attr]
        expected_purpose="authentication",
        expected_domain=DOMAIN,
        expected_challenge=challenge["challenge"],
    )
    assert result.verified, result


def test_prove_did_refuses_what_is_not_its_challenge(tmp_path, capsys):
    keys, _ = generated(capsys, tmp_path)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(challenge_document("did:key:z6MkOther", "abc", DOMAIN)))
    code, _, err = run(capsys, "prove-did", "--seed", SEED, str(other))
    assert code == 2 and "this key is of" in err and "Traceback" not in err
    credential = tmp_path / "credential.json"
    credential.write_text(
        json.dumps({**challenge_document(keys["did"], "a", DOMAIN), "credentialSubject": {}})
    )
    code, _, err = run(capsys, "prove-did", "--seed", SEED, str(credential))
    assert code == 2 and "not a registry challenge" in err
    code, _, err = run(capsys, "prove-did", "--seed", "12", str(credential))
    assert code == 2 and "64 hexadecimal" in err
    code, _, err = run(capsys, "prove-did", "--seed", SEED)
    assert code == 2 and "either the challenge file or --registry" in err
    code, _, err = run(capsys, "prove-did", "--seed", SEED, "--registry", "http://x")
    assert code == 2 and "--organisation and --token" in err


def test_prove_did_answers_an_unreachable_registry_in_one_line(capsys):
    code, _, err = run(
        capsys,
        "prove-did",
        "--seed",
        SEED,
        "--registry",
        "http://127.0.0.1:9",
        "--organisation",
        "6f1e0000-0000-4000-8000-000000000000",
        "--token",
        "t",
    )
    assert code == 1 and err.count("\n") == 1 and "could not be reached" in err
