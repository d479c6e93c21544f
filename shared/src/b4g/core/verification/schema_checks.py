"""`schema`: the credential against each JSON Schema that applies (named in credentialSchema, or
the 1EdTech schema of its type). An unreachable schema is not checkable, never a failure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b4g.core.errors import B4GError
from b4g.core.schema import schema_references, validate
from b4g.core.verdict import Check
from b4g.core.verification.result import SchemaFetcher, sentence


async def schema_checks(
    credential: Mapping[str, Any], schemas: SchemaFetcher | None
) -> list[Check]:
    references = schema_references(credential)
    if not references:
        return [
            Check(
                name="schema",
                state="could_not_check",
                code="no_schema",
                message="No JSON Schema applies to this credential.",
            )
        ]
    checks = []
    for reference in references:
        checks.append(await _schema_check(credential, reference.url, schemas))
    return checks


async def _schema_check(
    credential: Mapping[str, Any], url: str, schemas: SchemaFetcher | None
) -> Check:
    if schemas is None:
        return Check(
            name="schema",
            state="could_not_check",
            code="schema_unavailable",
            message=f"No schema source is configured for {url}.",
        )
    try:
        schema = await schemas(url)
    except B4GError as exc:
        return Check(
            name="schema",
            state="could_not_check",
            code="schema_unavailable",
            message=sentence(f"the schema {url} could not be retrieved: {exc}"),
        )
    outcome = validate(credential, schema)
    return Check(
        name="schema",
        state=outcome.state,
        code=outcome.code,
        message=f"{url.rsplit('/', 1)[-1]}: {outcome.message}",
        facts={"schema": url.rsplit("/", 1)[-1]},
    )
