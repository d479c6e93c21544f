"""JSON-LD property values: one value or an array of them, absent meaning none."""

from __future__ import annotations

from typing import Any


def as_list(value: Any) -> list[Any]:
    """The values of a property as a new list: [] for None, the items of an array, else
    `[value]`."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
