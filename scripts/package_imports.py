"""Each distribution alone: synced into a throwaway environment, every module imported, and every
import it makes declared in its own pyproject.toml.

The workspace venv holds all packages together, so an import another package happens to bring in
passes there and fails in a service's own image. Run as `python scripts/package_imports.py`
(the Makefile's `packages` target); the checking half runs inside each throwaway environment.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# distribution -> (its pyproject folder, its import package)
PACKAGES = {
    "b4g-core": ("shared", "b4g.core"),
    "b4g-issuer": ("services/issuer", "b4g.issuer"),
    "b4g-verifier": ("services/verifier", "b4g.verifier"),
    "b4g-registry": ("services/registry", "b4g.registry"),
    "b4g-cli": ("tools/cli", "b4g.cli"),
}
# Modules run as programs, not imported (importing b4g.cli.__main__ would run the command).
_PROGRAMS = ("__main__",)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(pyproject: Path) -> set[str]:
    """Its dependencies and its extras' (an extra's import must be lazy: the walk catches it)."""
    project = tomllib.loads(pyproject.read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    names = {_normalise(re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0]) for spec in specs}
    return names | {_normalise(project["name"])}


def _imports(source: Path) -> set[str]:
    """Absolute imports, as the first two dotted parts (b4g.core, msgspec)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {".".join(name.split(".")[:2]) for name in found}


def check_inside(distribution: str) -> list[str]:
    """In the throwaway environment: import every module, and match imports to declarations."""
    import importlib
    import importlib.metadata
    import pkgutil

    folder, package_name = PACKAGES[distribution]
    package = importlib.import_module(package_name)
    problems: list[str] = []
    if not (Path(package.__path__[0]) / "py.typed").is_file():
        problems.append(f"{package_name} has no py.typed in its installed files")
    dists = importlib.metadata.packages_distributions()
    first_party = {package: _normalise(dist) for dist, (_, package) in PACKAGES.items()}
    declared = _declared(ROOT / folder / "pyproject.toml")
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        if info.name.rsplit(".", 1)[-1] in _PROGRAMS:
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception as exc:  # any failure to import is the finding
            problems.append(f"{info.name} does not import: {exc!r}")
            continue
        for name in sorted(_imports(Path(module.__file__ or ""))):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names:
                continue
            if top == "b4g":
                owners = {first_party.get(name, f"unknown package {name}")}
            else:
                # Not installed (an extra's, imported lazily): its import name is its name.
                owners = {_normalise(dist) for dist in dists.get(top, [top])}
            if not owners & declared:
                owner = ", ".join(sorted(owners))
                problems.append(f"{info.name} imports {name} ({owner}), undeclared")
    return problems


def main() -> int:
    uv = os.environ.get("UV", "uv")
    failed = False
    with tempfile.TemporaryDirectory(prefix="b4g-packages-") as scratch:
        for distribution in PACKAGES:
            started = time.monotonic()
            env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(Path(scratch) / distribution)}
            # --no-editable installs the built wheel, so what is checked is what ships; uv keys its
            # cached wheels of our packages on pyproject.toml alone, so they are rebuilt each time.
            sync = [uv, "sync", "--frozen", "--no-dev", "--no-editable", "--package", distribution]
            sync += [flag for name in PACKAGES for flag in ("--reinstall-package", name)]
            subprocess.run([*sync, "--quiet"], cwd=ROOT, env=env, check=True)
            python = Path(scratch) / distribution / "bin" / "python"
            run = subprocess.run(
                [str(python), __file__, "--inside", distribution],
                cwd=scratch,  # not ROOT: the sources must come from the environment
                env=env,
                capture_output=True,
                text=True,
            )
            took = time.monotonic() - started
            print(f"{distribution}: {'ok' if run.returncode == 0 else 'FAILED'} ({took:.1f} s)")
            if run.returncode:
                failed = True
                print(run.stdout + run.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        found = check_inside(sys.argv[2])
        print("\n".join(found))
        sys.exit(1 if found else 0)
    sys.exit(main())
