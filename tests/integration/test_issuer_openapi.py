"""The issuer's OpenAPI document: every operation summarised, write operations with examples,
and problem details (never a 500) for malformed requests."""

from __future__ import annotations

import uuid

import pytest
from test_issuer_support import issuer_app

pytestmark = pytest.mark.integration


async def test_every_operation_has_a_summary_and_writes_have_examples(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        spec = (await app.client.get("/schema/openapi.json")).json()
        operations = [
            (path, method, op)
            for path, item in spec["paths"].items()
            for method, op in item.items()
            if method in {"get", "post", "put", "delete", "patch"}
        ]
        assert any(path.startswith("/issuers") for path, _, _ in operations)
        for path, method, op in operations:
            assert op.get("summary"), (method, path)
            public = path.endswith((".json",)) or path in ("/health", "/ready")
            assert bool(op.get("security")) != public, (method, path)
            body = op.get("requestBody")
            if body:  # every request body shows an example in Swagger UI
                schema = body["content"]["application/json"]["schema"]
                assert schema.get("examples"), (method, path)


async def test_malformed_requests_get_problem_details_not_500(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        spec = (await app.client.get("/schema/openapi.json")).json()
        junk_bodies = [b"", b"null", b"[]", b'{"name": 5}', b"\xff\xfe", b'{"a":' * 50]
        for path, item in spec["paths"].items():
            concrete = path.replace("{issuer_id}", str(uuid.uuid4()))
            concrete = concrete.replace("{achievement_id}", str(uuid.uuid4()))
            concrete = concrete.replace("{credential_id}", str(uuid.uuid4()))
            concrete = concrete.replace("{key_id}", "not-a-key")
            concrete = concrete.replace("{job_id}", str(uuid.uuid4()))
            for method in item:
                if method not in {"post", "put", "delete", "get"}:
                    continue
                for body in junk_bodies if method in {"post", "put"} else [None]:
                    response = await app.client.request(
                        method.upper(),
                        concrete,
                        content=body,
                        headers={**auth, "content-type": "application/json"},
                    )
                    assert response.status_code < 500, (method, concrete, body, response.text)
                    if response.status_code >= 400:
                        assert response.headers["content-type"].startswith(
                            "application/problem+json"
                        ), (method, concrete)
        bad_id = await app.client.get("/achievements/not-a-uuid", headers=auth)
        assert bad_id.status_code in (400, 404)
