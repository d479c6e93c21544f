"""JSON numbers as JavaScript sees them, in RDF literals as jsonld.js writes them, and the
W3C Data Integrity data-loss error. Shared by the pyld path and the fast path of `canon`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from b4g.core.errors import B4GError
from b4g.core.proofs.jcs import canonicalize

XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class DataLossError(B4GError):
    """W3C Data Integrity DATA_LOSS_DETECTION_ERROR."""

    code = "DATA_LOSS_DETECTION_ERROR"


def js_double(value: float) -> str:
    """`value.toExponential(15)` with jsonld.js's clean-up: 16 significant digits, ties away
    from zero, trailing zeros dropped but one kept after the point, `E` and no `+`."""
    if math.isnan(value) or math.isinf(value):
        raise DataLossError("NaN and Infinity cannot be expressed in JSON-LD")
    if value == 0:
        return "0.0E0"
    exact = Decimal(value)
    exponent = exact.adjusted()
    mantissa = exact.scaleb(-exponent).quantize(Decimal("1.000000000000000"), ROUND_HALF_UP)
    if abs(mantissa) >= 10:
        exponent += 1
        mantissa = exact.scaleb(-exponent).quantize(Decimal("1.000000000000000"), ROUND_HALF_UP)
    digits = format(mantissa, "f").rstrip("0")
    if digits.endswith("."):
        digits += "0"
    return f"{digits}E{exponent}"


def js_number(value: int | float) -> int | float:
    """One JSON number as JavaScript parses it (an IEEE double; integral ones below 1e21 are
    kept as Python ints, which is how jsonld.js tells integers from doubles)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if abs(value) <= 2**53:
        return value
    rounded = float(value)
    return int(rounded) if abs(rounded) < 1e21 else rounded


def js_numbers(value: Any) -> Any:
    """The JSON value as JavaScript parses it (one number type, IEEE doubles)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, Mapping):
        return {k: js_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [js_numbers(v) for v in value]
    return value


def js_is_double(value: float) -> bool:
    """jsonld.js: a number is a double when `String(value)` has a "." or |value| ≥ 1e21, so
    `1e-7` (String "1e-7") is not one and becomes the integer "0"."""
    if isinstance(value, int):
        return abs(value) >= 1e21
    return abs(value) >= 1e21 or "." in canonicalize(value).decode()


def js_to_fixed0(value: float) -> str:
    """`value.toFixed(0)`: ties away from zero, and the sign kept (`-1e-7` → "-0")."""
    if isinstance(value, int):
        return str(value)
    rounded = Decimal(abs(value)).quantize(Decimal(1), ROUND_HALF_UP)
    return ("-" if math.copysign(1, value) < 0 else "") + str(rounded)


def number_literal(value: int | float, datatype: str | None) -> tuple[str, str]:
    """(lexical form, datatype) of a JSON number (already `js_number`ed) in an RDF literal."""
    if js_is_double(value) or datatype == XSD_DOUBLE:
        return js_double(float(value)), datatype or XSD_DOUBLE
    return js_to_fixed0(value), datatype or XSD_INTEGER
