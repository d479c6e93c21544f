"""Reading a bulk upload (JSON or CSV) into rows: each checked as an issue request, a row that
is not one kept as failed with its reason, so one bad row never refuses the whole job."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar.exceptions import HTTPException
from msgspec import Meta

from b4g.issuer.domain.bulk import MAX_ROWS, BulkUploadError, UploadRow, read_csv
from b4g.issuer.domain.errors import InvalidBulkUpload

from .models import Body, IssueIn, ProofFormat, fields_of

CSV = "text/csv"
JSON = "application/json"


class BulkJobIn(Body, frozen=True, kw_only=True):
    """A JSON upload. Each row is what `POST /issuers/{id}/credentials` takes."""

    rows: Annotated[list[Any], Meta(min_length=1, max_length=MAX_ROWS)]
    # For rows that name none themselves (default eddsa-rdfc-2022).
    proof_formats: Annotated[list[ProofFormat], Meta(min_length=1, max_length=3)] | None = None


_row_decoder = msgspec.json.Decoder(IssueIn)
_job_decoder = msgspec.json.Decoder(BulkJobIn)
_encoder = msgspec.json.Encoder()


def upload_rows(content_type: str, raw: bytes) -> list[UploadRow]:
    """Every row of the upload, checked as an issue request: a row that is not one is stored as
    failed with its reason, so one bad row never refuses the whole job."""
    defaults: list[str] | None = None
    if content_type == CSV:
        try:
            rows = read_csv(raw)
        except BulkUploadError as exc:
            raise InvalidBulkUpload(str(exc)) from exc
    elif content_type == JSON:
        if b"\\u0000" in raw:  # PostgreSQL text and jsonb cannot hold NUL characters
            raise InvalidBulkUpload("NUL characters (\\u0000) are not accepted")
        try:
            job = _job_decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise InvalidBulkUpload(f"not a bulk job: {exc}") from exc
        rows, defaults = job.rows, list(job.proof_formats or []) or None
    else:
        raise HTTPException(
            status_code=415, detail=f"send the rows as {JSON} or {CSV}, not {content_type!r}"
        )
    return [_checked(number, row, defaults) for number, row in enumerate(rows, start=1)]


def _checked(number: int, row: Any, defaults: list[str] | None) -> UploadRow:
    if not isinstance(row, dict):
        return UploadRow(number, {"row": row}, "validation_failed", "a row must be a JSON object")
    if "_extraCells" in row:
        return UploadRow(number, row, "validation_failed", "the row has more cells than the header")
    if defaults and "proofFormats" not in row:
        row = {**row, "proofFormats": defaults}
    try:
        issue = _row_decoder.decode(_encoder.encode(row))
    except msgspec.ValidationError as exc:
        return UploadRow(number, row, "validation_failed", str(exc))
    if (issue.recipient.email is None) == (issue.recipient.id is None):
        return UploadRow(number, row, "validation_failed", "give the recipient's email or id")
    return UploadRow(number, fields_of(issue))
