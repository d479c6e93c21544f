"""Bulk issuance: CSV uploads read into issue requests, row idempotency keys, job states (pure).

CSV columns (a header line first; names as below, any order; empty cells are absent):
`recipientEmail` or `recipientId` (one of them per row), `achievementId`, and optionally
`proofFormats` (several separated by `|`, `;` or spaces), `validFrom`, `validUntil`,
`awardedDate` (ISO 8601 with a time zone), `narrative`, `evidenceId`, `evidenceName`,
`evidenceNarrative`, `resultValue`.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

MAX_ROWS: Final = 10_000
CSV_COLUMNS: Final = (
    "recipientEmail",
    "recipientId",
    "achievementId",
    "proofFormats",
    "validFrom",
    "validUntil",
    "awardedDate",
    "narrative",
    "evidenceId",
    "evidenceName",
    "evidenceNarrative",
    "resultValue",
)
PENDING: Final = "pending"
ISSUED: Final = "issued"
FAILED: Final = "failed"
ROW_STATES: Final = (PENDING, ISSUED, FAILED)
# Job states, derived from its rows' states.
QUEUED: Final = "queued"
RUNNING: Final = "running"
COMPLETED: Final = "completed"
_FORMAT_SEPARATORS = re.compile(r"[\s|;,]+")


class BulkUploadError(ValueError):
    """The upload as a whole cannot be read (not a row's problem)."""


def row_idempotency_key(job_id: uuid.UUID, row_number: int) -> str:
    """The Idempotency-Key a row issues with: a retried row finds its credential, never a twin."""
    return f"bulk:{job_id}:{row_number}"


def job_state(*, total: int, pending: int) -> str:
    if pending == 0:
        return COMPLETED
    return QUEUED if pending == total else RUNNING


def read_csv(raw: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV upload as issue requests (camelCase, as the JSON upload's rows).

    Raises BulkUploadError for an unreadable file, a missing or unknown header, no rows or more
    than MAX_ROWS; a row with more cells than the header keeps them under `_extraCells` so that
    row alone is refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BulkUploadError(f"the CSV is not UTF-8: {exc}") from exc
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        if header is None:
            raise BulkUploadError("the CSV is empty: a header line is needed")
        columns = [name.strip() for name in header]
        unknown = [name for name in columns if name not in CSV_COLUMNS]
        if unknown:
            raise BulkUploadError(
                f"unknown CSV column(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(CSV_COLUMNS)}"
            )
        if len(set(columns)) != len(columns):
            raise BulkUploadError("a CSV column appears twice")
        rows: list[dict[str, Any]] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines
            if len(rows) == MAX_ROWS:
                raise BulkUploadError(f"at most {MAX_ROWS} rows per job")
            rows.append(_row(columns, cells))
    except csv.Error as exc:
        raise BulkUploadError(f"malformed CSV: {exc}") from exc
    if not rows:
        raise BulkUploadError("the CSV has no rows")
    return rows


def _row(columns: list[str], cells: list[str]) -> dict[str, Any]:
    values = {
        name: cell.strip() for name, cell in zip(columns, cells, strict=False) if cell.strip()
    }
    row: dict[str, Any] = {}
    if "achievementId" in values:
        row["achievementId"] = values["achievementId"]
    recipient = {}
    if "recipientEmail" in values:
        recipient["email"] = values["recipientEmail"]
    if "recipientId" in values:
        recipient["id"] = values["recipientId"]
    row["recipient"] = recipient
    if "proofFormats" in values:
        row["proofFormats"] = [f for f in _FORMAT_SEPARATORS.split(values["proofFormats"]) if f]
    for name in ("validFrom", "validUntil", "awardedDate", "narrative"):
        if name in values:
            row[name] = values[name]
    evidence = {
        key: values[column]
        for key, column in (
            ("id", "evidenceId"),
            ("name", "evidenceName"),
            ("narrative", "evidenceNarrative"),
        )
        if column in values
    }
    if evidence:
        row["evidence"] = [evidence]
    if "resultValue" in values:
        row["results"] = [{"value": values["resultValue"]}]
    if len(cells) > len(columns):
        row["_extraCells"] = cells[len(columns) :]
    return row


@dataclass(frozen=True, slots=True)
class UploadRow:
    """One row of an upload: the issue request it asks for, or why it was refused at upload."""

    row_number: int
    request: dict[str, Any]
    error_code: str | None = None  # set: the row is refused at upload (state failed)
    error_detail: str | None = None


@dataclass(frozen=True, slots=True)
class RowResult:
    row_number: int
    state: str
    credential_id: uuid.UUID | None
    error_code: str | None
    error_detail: str | None
    processed_at: datetime | None


@dataclass(frozen=True, slots=True)
class BulkJob:
    """A job and how far it has got."""

    id: uuid.UUID
    issuer_id: uuid.UUID
    total: int
    created_at: datetime
    issued: int
    failed: int
    pending: int
    finished_at: datetime | None  # when the last row was processed (only meaningful when done)
    replayed: bool = False  # an earlier upload with the same Idempotency-Key made it

    @property
    def state(self) -> str:
        return job_state(total=self.total, pending=self.pending)
