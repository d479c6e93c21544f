"""Domain records of store rows: use cases hand the api layer domain types, never rows."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")


def record(kind: type[R], row: Any, **extra: Any) -> R:
    """A `kind` (a dataclass) with the fields it shares with `row` copied from it, and `extra`."""
    names = [field.name for field in fields(kind)]  # type: ignore[arg-type]
    return kind(**{name: getattr(row, name) for name in names if name not in extra}, **extra)
