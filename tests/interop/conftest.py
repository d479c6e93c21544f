from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.interop.js_reference import JsReference, JsUnavailable


@pytest.fixture(scope="session")
def js() -> Iterator[JsReference]:
    try:
        reference = JsReference()
    except JsUnavailable as exc:
        pytest.skip(str(exc))
    yield reference
    reference.close()
