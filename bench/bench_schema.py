"""OB 3.0 JSON Schema check throughput on one core, in process: `b4g.core.schema.validate` on
the OB 3.0 sample credential against the pinned AchievementCredential schema (compiled once
and reused, as the verifier does), a credential whose `validFrom` is not a date (a format
error, asserted since jsonschema-rs), and the first use of a schema (compilation included)."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path

from b4g.core.schema import validate

HERE = Path(__file__).resolve().parent
SAMPLE = json.loads((HERE / "data" / "ob3-sample.json").read_text())
SCHEMA = json.loads(
    (
        HERE.parent / "shared/src/b4g/core/jsonschemas/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)


def rate(fn: Callable[[], object], seconds: float = 1.5) -> float:
    fn()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        count += 1
    return count / elapsed


def main() -> None:
    broken = copy.deepcopy(SAMPLE)
    broken["validFrom"] = "not a date"
    outcome = validate(SAMPLE, SCHEMA)
    assert outcome.valid, outcome.message  # the bench measures a passing check
    rows = [
        ("schema check, valid badge", rate(lambda: validate(SAMPLE, SCHEMA))),
        ("schema check, validFrom not a date", rate(lambda: validate(broken, SCHEMA))),
        ("schema compile + check (first use)", rate(lambda: validate(SAMPLE, dict(SCHEMA)))),
    ]
    print(f"{'operation (one core, OB 3.0 sample)':<42}{'ops/s':>10}")
    for name, value in rows:
        print(f"{name:<42}{value:>10.0f}")
    print(f"failing badge reported as: {validate(broken, SCHEMA).message[:120]}")


if __name__ == "__main__":
    main()
