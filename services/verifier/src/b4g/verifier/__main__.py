"""`b4g-verifier` / `python -m b4g.verifier`: run the verifier service."""

from __future__ import annotations

from b4g.core.infra.serve import serve
from b4g.core.infra.settings import load_settings
from b4g.verifier.app import service_spec
from b4g.verifier.settings import VerifierSettings


def main() -> None:
    serve(service_spec(), load_settings(VerifierSettings))


if __name__ == "__main__":
    main()
