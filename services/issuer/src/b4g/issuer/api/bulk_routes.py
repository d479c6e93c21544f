"""Bulk issuance jobs: upload rows as JSON or CSV, follow progress, page through row results."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.openapi.spec import Example, OpenAPIMediaType, Operation, RequestBody
from litestar.params import FromPath, QueryParameter
from msgspec import Meta

from b4g.issuer.domain.access import SCOPE_ISSUE, SCOPE_READ
from b4g.issuer.domain.bulk import (
    CSV_COLUMNS,
    MAX_ROWS,
    BulkJob,
    RowResult,
)
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.usecases import bulk

from .auth import require
from .bulk_uploads import CSV, JSON, upload_rows
from .credential_routes import ISSUE_EXAMPLE, IdempotencyKey
from .deps import API_KEY, Caller, Ctx
from .models import Body, IssueIn, ProofFormat
from .paging import Limit

MAX_UPLOAD_BYTES = 16 * 1024 * 1024


class _BulkJobSchema(Body, frozen=True, kw_only=True):
    """BulkJobIn as documented: rows are issue requests (they are checked one by one)."""

    rows: Annotated[list[IssueIn], Meta(min_length=1, max_length=MAX_ROWS)]
    proof_formats: Annotated[list[ProofFormat], Meta(min_length=1, max_length=3)] | None = None


class RowErrorOut(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    detail: str


class BulkRowOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    row: int
    state: Literal["pending", "issued", "failed"]
    credential_id: str | None = None
    error: RowErrorOut | None = None
    processed_at: datetime | None = None


class BulkJobOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    issuer_id: str
    state: Literal["queued", "running", "completed"]
    total: int
    done: int  # issued + failed
    issued: int
    failed: int
    pending: int
    created_at: datetime
    finished_at: datetime | None = None  # when the last row was processed
    rows_url: str


JSON_EXAMPLE = {
    "proofFormats": ["eddsa-rdfc-2022"],
    "rows": [
        {k: v for k, v in ISSUE_EXAMPLE.items() if k != "proofFormats"},
        {
            "achievementId": ISSUE_EXAMPLE["achievementId"],
            "recipient": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
            "validUntil": "2030-01-01T00:00:00Z",
        },
    ],
}
CSV_EXAMPLE = (
    "recipientEmail,recipientId,achievementId,validUntil,narrative\n"
    "ana@example.org,,6f1c3a0e-3c0b-4b8e-9a51-0d7c2b2f5d11,2030-01-01T00:00:00Z,Led the planting\n"
    ",did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,"
    "6f1c3a0e-3c0b-4b8e-9a51-0d7c2b2f5d11,,\n"
)


def _inline(schema: Any, definitions: dict[str, Any]) -> Any:
    """A JSON Schema with its `$defs` references replaced by the definitions themselves."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions)
        return {k: _inline(v, definitions) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, definitions) for v in schema]
    return schema


def _upload_body() -> RequestBody:
    generated = msgspec.json.schema(_BulkJobSchema)
    json_schema = _inline(generated, generated.get("$defs", {}))
    json_schema["examples"] = [JSON_EXAMPLE]
    csv_schema = {
        "type": "string",
        "description": f"A header line of column names from: {', '.join(CSV_COLUMNS)}.",
        "examples": [CSV_EXAMPLE],
    }
    return RequestBody(
        required=True,
        content={
            JSON: OpenAPIMediaType(
                schema=json_schema,  # a plain JSON Schema dict is rendered as it is
                examples={"rows": Example(summary="Two rows", value=JSON_EXAMPLE)},
            ),
            CSV: OpenAPIMediaType(
                schema=csv_schema,  # type: ignore[arg-type]
                examples={"csv": Example(summary="Two rows", value=CSV_EXAMPLE)},
            ),
        },
    )


@dataclass
class BulkUploadOperation(Operation):
    """The upload is read by the handler (JSON or CSV), so its request body is described here."""

    def __post_init__(self) -> None:
        self.request_body = _upload_body()


def job_out(job: BulkJob) -> BulkJobOut:
    return BulkJobOut(
        id=str(job.id),
        issuer_id=str(job.issuer_id),
        state=job.state,  # type: ignore[arg-type]
        total=job.total,
        done=job.issued + job.failed,
        issued=job.issued,
        failed=job.failed,
        pending=job.pending,
        created_at=job.created_at,
        finished_at=job.finished_at if job.pending == 0 else None,
        rows_url=f"/issuers/{job.issuer_id}/bulk-jobs/{job.id}/rows",
    )


def row_out(row: RowResult) -> BulkRowOut:
    return BulkRowOut(
        row=row.row_number,
        state=row.state,  # type: ignore[arg-type]
        credential_id=str(row.credential_id) if row.credential_id else None,
        error=RowErrorOut(code=row.error_code, detail=row.error_detail or "")
        if row.error_code
        else None,
        processed_at=row.processed_at,
    )


class BulkJobsController(Controller):
    path = "/issuers/{issuer_id:uuid}/bulk-jobs"
    tags = ["bulk issuance"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/",
        summary="Start a bulk issuance job (JSON or CSV, up to 10,000 rows)",
        description=(
            "Stores the rows and answers 202 with the job; workers issue them in the background "
            '(a restart resumes the job; no row is ever issued twice). JSON: `{"rows": [issue '
            'requests], "proofFormats": [...]}`. CSV (`Content-Type: text/csv`): a header '
            f"line with columns from {', '.join(CSV_COLUMNS)}; each row needs `achievementId` "
            "and `recipientEmail` or `recipientId`; `proofFormats` may list several separated "
            "by `|`. A row that is not a valid issue request fails on its own (see the job's "
            "rows); an unreadable upload is 400 `invalid_bulk_upload`. Needs the `issue` "
            "scope; send an `Idempotency-Key` to retry the upload safely."
        ),
        status_code=202,
        operation_class=BulkUploadOperation,
        request_max_body_size=MAX_UPLOAD_BYTES,
    )
    async def create_job(
        self,
        ctx: Ctx,
        principal: Caller,
        request: Request[Any, Any, Any],
        issuer_id: FromPath[uuid.UUID],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[BulkJobOut]:
        require(principal, SCOPE_ISSUE)
        content_type = request.content_type[0].lower()
        raw = await request.body()
        rows = upload_rows(content_type, raw)
        fingerprint = (
            request_fingerprint(
                issuer_id, {"type": content_type, "sha256": hashlib.sha256(raw).hexdigest()}
            )
            if idempotency_key
            else None
        )
        view = await bulk.create_job(
            ctx,
            principal,
            issuer_id,
            rows,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
        headers = {"Location": f"/issuers/{issuer_id}/bulk-jobs/{view.id}"}
        if view.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(job_out(view), status_code=202, headers=headers)

    @get("/{job_id:uuid}", summary="Progress of a bulk issuance job")
    async def get_job(
        self,
        ctx: Ctx,
        principal: Caller,
        issuer_id: FromPath[uuid.UUID],
        job_id: FromPath[uuid.UUID],
    ) -> BulkJobOut:
        require(principal, SCOPE_READ)
        return job_out(await bulk.get_job(ctx, principal, issuer_id, job_id))

    @get(
        "/{job_id:uuid}/rows",
        summary="Per-row results of a bulk issuance job",
        description="In upload order; `state=failed` lists the rows that need attention.",
    )
    async def get_rows(
        self,
        ctx: Ctx,
        principal: Caller,
        issuer_id: FromPath[uuid.UUID],
        job_id: FromPath[uuid.UUID],
        row_state: Annotated[
            str | None, QueryParameter(name="state", enum=["pending", "issued", "failed"])
        ] = None,
        limit: Limit = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_ROWS, description="Rows to skip.")] = 0,
    ) -> list[BulkRowOut]:
        require(principal, SCOPE_READ)
        rows = await bulk.job_rows(
            ctx, principal, issuer_id, job_id, state=row_state, limit=limit, offset=offset
        )
        return [row_out(row) for row in rows]
