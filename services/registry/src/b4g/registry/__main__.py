"""`b4g-registry` / `python -m b4g.registry`: run the registry service."""

from __future__ import annotations

from b4g.core.infra.serve import serve
from b4g.core.infra.settings import load_settings
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings


def main() -> None:
    serve(service_spec(), load_settings(RegistrySettings))


if __name__ == "__main__":
    main()
