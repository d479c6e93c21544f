"""`b4g-issuer` / `python -m b4g.issuer`: run the issuer service."""

from __future__ import annotations

from b4g.core.infra.serve import serve
from b4g.core.infra.settings import load_settings
from b4g.issuer.app import service_spec
from b4g.issuer.settings import IssuerSettings


def main() -> None:
    serve(service_spec(), load_settings(IssuerSettings))


if __name__ == "__main__":
    main()
