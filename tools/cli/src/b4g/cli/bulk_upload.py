"""`b4g bulk-upload`: send a CSV of badges to issue to the issuer service and follow the job.

The upload carries an Idempotency-Key derived from the issuer and the file's content, so running
the same command again (after a dropped connection, say) follows the same job instead of issuing
the file twice; `--idempotency-key` chooses another one. The progress bar goes to standard error;
failed rows are written as CSV (`row,code,detail`) to `--errors FILE` or standard output.
Exit 0 when every row was issued, 1 when some failed, 2 when the upload itself failed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

EXIT_OK, EXIT_ROWS_FAILED, EXIT_UNUSABLE = 0, 1, 2
_PAGE = 200


class UploadError(Exception):
    """The upload or polling failed as a whole; printed as one line, exit 2."""


def add_parser(commands: Any) -> None:
    upload = commands.add_parser(
        "bulk-upload",
        help="issue the badges of a CSV file through the issuer service, with a progress bar",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    upload.add_argument("--url", required=True, help="the issuer service, e.g. https://issuer")
    upload.add_argument("--api-key", required=True, help="your platform's API key (b4g_…)")
    upload.add_argument("--issuer", required=True, help="the issuer profile's id")
    upload.add_argument("--errors", help="write failed rows here (CSV) instead of stdout")
    upload.add_argument("--idempotency-key", help="default: derived from issuer and file")
    upload.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
    upload.add_argument("file", help="the CSV file (header line, one badge per row)")
    upload.set_defaults(run=cmd_bulk_upload)


def cmd_bulk_upload(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        console.print(f"b4g: cannot read {args.file}: {exc}", markup=False)
        return EXIT_UNUSABLE
    key = args.idempotency_key or (
        "b4g-cli:" + hashlib.sha256(args.issuer.encode() + b"\0" + raw).hexdigest()
    )
    headers = {"Authorization": f"Bearer {args.api_key}"}
    try:
        with httpx.Client(base_url=args.url.rstrip("/"), headers=headers, timeout=60) as client:
            job = _upload(client, args.issuer, raw, key)
            job = _follow(client, args.issuer, job, console, args.interval)
            failed = list(_failed_rows(client, args.issuer, job["id"])) if job["failed"] else []
    except UploadError as exc:
        console.print(f"b4g: {exc}", markup=False)
        return EXIT_UNUSABLE
    except httpx.HTTPError as exc:
        console.print(f"b4g: cannot reach {args.url}: {exc}", markup=False)
        return EXIT_UNUSABLE
    console.print(
        f"job {job['id']}: {job['total']} rows, {job['issued']} issued, {job['failed']} failed",
        markup=False,
    )
    if failed:
        if args.errors:
            with Path(args.errors).open("w", newline="", encoding="utf-8") as out:
                _write_errors(out, failed)
            console.print(f"failed rows written to {args.errors}", markup=False)
        else:
            _write_errors(sys.stdout, failed)
    return EXIT_ROWS_FAILED if job["failed"] else EXIT_OK


def _upload(client: httpx.Client, issuer: str, raw: bytes, key: str) -> dict[str, Any]:
    response = client.post(
        f"/issuers/{issuer}/bulk-jobs",
        content=raw,
        headers={"Content-Type": "text/csv", "Idempotency-Key": key},
    )
    if response.status_code != 202:
        raise UploadError(f"upload refused ({response.status_code}): {_problem(response)}")
    job: dict[str, Any] = response.json()
    return job


def _follow(
    client: httpx.Client, issuer: str, job: dict[str, Any], console: Console, interval: float
) -> dict[str, Any]:
    with Progress(
        TextColumn("issuing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("issuing", total=job["total"], failed=0)
        while True:
            progress.update(task, completed=job["done"], failed=job["failed"])
            if job["state"] == "completed":
                return job
            time.sleep(interval)
            response = client.get(f"/issuers/{issuer}/bulk-jobs/{job['id']}")
            if response.status_code != 200:
                raise UploadError(f"job {job['id']} unreadable: {_problem(response)}")
            job = response.json()


def _failed_rows(client: httpx.Client, issuer: str, job_id: str) -> Any:
    offset = 0
    while True:
        response = client.get(
            f"/issuers/{issuer}/bulk-jobs/{job_id}/rows",
            params={"state": "failed", "limit": _PAGE, "offset": offset},
        )
        if response.status_code != 200:
            raise UploadError(f"rows of job {job_id} unreadable: {_problem(response)}")
        page = response.json()
        yield from page
        if len(page) < _PAGE:
            return
        offset += _PAGE


def _write_errors(out: TextIO, rows: list[dict[str, Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow(["row", "code", "detail"])
    for row in rows:
        error = row.get("error") or {}
        writer.writerow([row["row"], error.get("code", ""), error.get("detail", "")])


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body)
    return str(body)[:200]
