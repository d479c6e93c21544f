from __future__ import annotations

from b4g.core.infra.apikeys import bearer_token, generate_api_key, parse_token, secret_matches


def test_generated_token_parses_and_matches_only_its_hash():
    key = generate_api_key()
    presented = parse_token(key.token)
    assert presented is not None and presented.key_id == key.key_id
    assert secret_matches(presented, key.secret_hash)
    other = generate_api_key()
    assert not secret_matches(presented, other.secret_hash)
    assert key.token not in repr(key)


def test_malformed_tokens_are_refused():
    for token in (
        "",
        "b4g",
        "b4g__x",
        "xyz_0123456789abcdef_s",
        "b4g_short_secret",
        "b4g_0123456789abcdef_",
    ):
        assert parse_token(token) is None


def test_bearer_header():
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token(None) is None
    assert bearer_token("Bearer ") is None
