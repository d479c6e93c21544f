"""RFC 8785 JSON Canonicalization Scheme (pure).

Numbers follow ECMAScript's Number::toString (shortest round-trip digits, exponent form
outside 1e-6 ≤ |x| < 1e21); keys sort by UTF-16 code units; strings escape only what JSON must.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from b4g.core.errors import B4GError


class JcsError(B4GError):
    code = "canonicalization_failed"


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    parts: list[str] = []
    _write(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise JcsError("string contains a lone surrogate") from exc


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        # JavaScript has only doubles: integers beyond 2**53 come out as the nearest double.
        out.append(str(value) if abs(value) <= 2**53 else _number(float(value)))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise JcsError("object keys must be strings")
        out.append("{")
        for i, key in enumerate(_sorted_keys(value)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise JcsError(f"not a JSON value: {type(value).__name__}")


# Only astral characters sort differently in UTF-16 than by code point; keys without them
# (nearly all) sort as they are.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\]')


def _sorted_keys(obj: dict[str, Any]) -> list[str]:
    if any(_ASTRAL.search(key) for key in obj):
        return sorted(obj, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
    return sorted(obj)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _string(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _number(x: float) -> str:
    if math.isnan(x) or math.isinf(x):
        raise JcsError("NaN and Infinity are not JSON")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + _number(-x)
    _sign, digits_tuple, exponent = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digits_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    n = exponent + len("".join(map(str, digits_tuple)))  # value = 0.digits × 10^n
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
