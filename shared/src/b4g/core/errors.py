"""The error hierarchy of b4g.core: every error carries a stable code, mapped once to RFC 9457."""

from __future__ import annotations


class B4GError(Exception):
    """Base of every error b4g raises on purpose; `code` is stable and safe to show to clients."""

    code: str = "error"
